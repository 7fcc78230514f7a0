// Scaled formats (SPEC.md §11) on the GPU: INT8 per tensor/channel/token/block, FP8 E4M3 per block, INT4 groups.
// Included at the end of lowbit.cu, so it uses that file's helpers.
#pragma once
