package org.lowbit.harness.cpu;

import org.lowbit.spec.SourceFormat;

/**
 * The per-element work of the scaled formats (SPEC.md §11) on runs of one row inside one block: FP32 values
 * (little-endian bytes) in, one code per byte out, and back. The block tiling and the once-per-block scale
 * arithmetic ({@link ScaledPlan}) stay with the caller. Offsets count elements.
 */
interface ScaledKernels {

    /** BF16 or FP16 values widened exactly to FP32 patterns: {@code count} of them into {@code out} from 0. */
    void widen(SourceFormat source, byte[] in, int count, byte[] out);

    /** The largest |x| of {@code count} FP32 values from element {@code first}, as a pattern (NaN and Inf order above). */
    int amaxBits(byte[] in, int first, int count);

    /** The codes of {@code count} FP32 values from element {@code first} under one block's scale. */
    void encode(ScaledPlan plan, ScaledPlan.BlockScale scale, byte[] in, int first, int count, byte[] codes);

    /**
     * {@code count} codes from element {@code first} (int8 two's complement or E4M3 bytes, as ints) times
     * the scale s, one FP32 rounding, written as {@code output} (BF16 and FP16 rounded from the FP32 product);
     * NaN as the positive quiet NaN.
     */
    void dequantize(boolean fp8, int[] codes, int first, int count, float s, SourceFormat output, byte[] out);
}
