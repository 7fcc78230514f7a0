package org.lowbit.vectors;

import java.util.List;

/**
 * The flags of the vector files, each with the note that explains it (research/conformance-anchors.md,
 * lessons A.3; the links are the real reports of its §4). A file's {@code notes} hold exactly the notes
 * of the flags its tests use.
 */
public enum Flag {
    // @formatter:off
    BASIC(BugType.BASIC,
        "The input is exactly a value of the format; the expected code is that value's code. A failure here"
        + " means the conversion, or the test setup, is broken.",
        "https://github.com/microsoft/microxcaling/issues/6"),
    EXHAUSTIVE_CODE(BugType.BASIC,
        "One of every code of the format: decoding all of them checks every exponent, mantissa, sign and special"
        + " code, on every code path.",
        "https://github.com/triton-lang/triton/issues/10745", "https://github.com/ml-explore/mlx/issues/4164"),
    TIE_TO_EVEN(BugType.ROUNDING,
        "The input is exactly halfway between two adjacent values of the format. Round-to-nearest-even keeps the"
        + " one whose code is even; rounding the magnitude up (ties away) or truncating gives the other.",
        "https://github.com/jax-ml/ml_dtypes/issues/221", "https://github.com/jax-ml/ml_dtypes/issues/400"),
    TIE_AWAY(BugType.ROUNDING,
        "The input is exactly halfway between two adjacent values; round-to-nearest-ties-away takes the larger"
        + " magnitude.",
        "https://github.com/jax-ml/ml_dtypes/issues/221"),
    E8M0_TIE_UP(BugType.ROUNDING,
        "An E8M0 tie under RNE: E8M0 has no mantissa bit, so the parity rule cannot choose, and the tie rounds up"
        + " to the larger power of two (ml_dtypes, PyTorch float8_e8m0fnu; SPEC.md section 3 rule 5).",
        "https://github.com/jax-ml/ml_dtypes/issues/223"),
    NEAR_TIE(BugType.ROUNDING,
        "The input is one unit in the last place (of the source format) away from a midpoint: the decision rests"
        + " on the sticky bits below the round bit.",
        "https://github.com/tenstorrent/tt-metal/issues/51971"),
    DIRECTED_ROUNDING(BugType.ROUNDING,
        "The profile rounds toward zero or toward an infinity here (E8M0 scale conversion, cvt.rz / cvt.rp): the"
        + " input lies between two values and the direction, not the distance, decides.",
        "https://github.com/ml-explore/mlx/issues/4353"),
    ROUND_CARRY_INTO_EXPONENT(BugType.ROUNDING,
        "Rounding up carries out of the mantissa into the exponent field: the result is the first value of the"
        + " next binade (or the smallest normal, from the subnormals).",
        "https://github.com/tenstorrent/tt-metal/issues/51971"),
    ROUND_CARRY_PAST_MAXNORM(BugType.OVERFLOW,
        "The input is above the largest finite value and rounds up to the overflow point (max + ulp, e.g. E4M3 480):"
        + " the overflow rule decides, not the rounding. Just below the tie it rounds down to max without overflow.",
        "https://github.com/pytorch/ao/issues/436", "https://github.com/jax-ml/ml_dtypes/issues/400",
        "https://github.com/jax-ml/ml_dtypes/issues/147"),
    OVERFLOW_SAT(BugType.OVERFLOW,
        "The value overflows and the profile saturates: the result is the largest finite code with the input's"
        + " sign (SATFINITE; or rounding toward zero, which never overflows).",
        "https://github.com/pytorch/pytorch/issues/178817", "https://github.com/ucb-bar/saturn-vectors/issues/101",
        "https://github.com/stillwater-sc/universal/issues/1302"),
    OVERFLOW_NAN(BugType.OVERFLOW,
        "The value overflows, the profile does not saturate, and the format has NaN but no Inf: the result is the"
        + " format's NaN (E4M3 0x7f/0xff, fnuz 0x80, E8M0 0xff).",
        "https://github.com/jax-ml/ml_dtypes/issues/400", "https://github.com/ROCm/rocm-systems/issues/8800",
        "https://github.com/stillwater-sc/universal/issues/1302"),
    OVERFLOW_INF(BugType.OVERFLOW,
        "The value overflows, the profile does not saturate, and the format has Inf (E5M2): the result is Inf"
        + " with the input's sign.",
        "https://github.com/stillwater-sc/universal/issues/1351"),
    SUBNORMAL_IN(BugType.UNDERFLOW,
        "The input is a subnormal of its own format (source subnormal, or a subnormal element code to decode).",
        "https://github.com/tenstorrent/tt-metal/issues/51971"),
    SUBNORMAL_OUT(BugType.UNDERFLOW,
        "The result is a subnormal code of the target format: rounding happens at the fixed subnormal quantum,"
        + " not at the input's exponent.",
        "https://github.com/tenstorrent/tt-metal/issues/51971"),
    UNDERFLOW_TO_ZERO(BugType.UNDERFLOW,
        "A nonzero input rounds to zero (keeping its sign where the format has -0).",
        "https://github.com/tenstorrent/tt-metal/issues/51971"),
    SIGNED_ZERO(BugType.SPECIAL_VALUE,
        "A zero input or a zero code: -0 must stay -0 where the format has it, and become +0 where it does not"
        + " (fnuz, integers, unsigned formats).",
        "https://github.com/triton-lang/triton/issues/10745"),
    INF_IN(BugType.SPECIAL_VALUE,
        "The input is +Inf or -Inf; the profile's infinity knob decides (as an overflow, to max, or to NaN).",
        "https://github.com/jax-ml/ml_dtypes/issues/400"),
    NAN_IN(BugType.SPECIAL_VALUE,
        "The input is a NaN (quiet, signalling, with a payload, either sign); the profile's nan knob decides the"
        + " code, and formats without NaN still need a deterministic one.",
        "https://github.com/llvm/llvm-project/issues/214919"),
    NAN_CODE_DECODE(BugType.SPECIAL_VALUE,
        "A NaN code: it must decode to NaN, never to a finite value (E4M3 0x7f read as 480) or to -0 (fnuz 0x80)"
        + " or to Inf (E8M0 0xff).",
        "https://github.com/ml-explore/mlx/issues/4164", "https://github.com/triton-lang/triton/issues/10745",
        "https://github.com/llvm/llvm-project/issues/214919"),
    INF_CODE_DECODE(BugType.SPECIAL_VALUE,
        "An Inf code (E5M2 0x7c, 0xfc): it must decode to Inf with its sign.",
        "https://github.com/stillwater-sc/universal/issues/1351"),
    NEGATIVE_TO_UNSIGNED(BugType.SPECIAL_VALUE,
        "A negative input to an unsigned format (e8m0, ue4m3, uint4): the profile's negative knob decides"
        + " (drop the sign, NaN, or 0).",
        "https://github.com/jax-ml/ml_dtypes/issues/223"),
    E8M0_ZERO_IN(BugType.SPECIAL_VALUE,
        "A zero input to E8M0, which has no zero: the profile's e8m0Zero knob decides (0x00 = 2^-127, or NaN).",
        "https://github.com/jax-ml/ml_dtypes/issues/223"),
    INTEGER_RANGE(BugType.OVERFLOW,
        "The input is at or beyond the most negative integer: symmetric ranges clamp to -max, full ranges"
        + " reach -max-1 (int8 -128, int4 -8, mxint8 -2.0).",
        "https://github.com/jax-ml/ml_dtypes/issues/319"),
    SCALE_MODE_DISCRIMINATOR(BugType.SCALE,
        "The block's amax sits on or one ulp around a threshold of a scale rule (amax = 2^k * max, or the EVEN and"
        + " RCEIL thresholds): FLOOR, CEIL, EVEN, RCEIL and ROUND_UP give different scale codes here.",
        "https://github.com/pytorch/ao/issues/2035", "https://github.com/pytorch/ao/issues/516",
        "https://github.com/ROCm/aiter/issues/3212", "https://github.com/ml-explore/mlx/issues/4353",
        "https://github.com/NVIDIA/TransformerEngine/issues/2881"),
    BLOCKMAX_SATURATES(BugType.SCALE,
        "Under this scale rule the largest element divided by the scale exceeds the element's max and saturates"
        + " (957 quantized as 896).",
        "https://github.com/microsoft/microxcaling/issues/4", "https://github.com/ROCm/aiter/issues/3212"),
    SCALE_CLAMP_MIN(BugType.SCALE,
        "The scale reaches the bottom of its range: E8M0 0x00 (2^-127) for a tiny or subnormal amax, or the NVFP4"
        + " block scale clamped up to its minimum.",
        "https://github.com/flashinfer-ai/flashinfer/issues/3398"),
    SCALE_NAN_BLOCK(BugType.SPECIAL_VALUE,
        "A NaN or Inf in the block: under WHOLE_BLOCK_NAN the scale is the scale format's NaN (E8M0 0xff, UE4M3"
        + " 0x7f), every element code is 0 and every dequantized value is NaN.",
        "https://github.com/llvm/llvm-project/issues/214919"),
    ALL_ZERO_BLOCK(BugType.SCALE,
        "Every element is zero: the zeroBlock knob decides the scale (E8M0 0x00, or 1.0).",
        "https://github.com/ROCm/aiter/issues/2900"),
    TINY_AMAX(BugType.UNDERFLOW,
        "The block's amax is an FP32 subnormal: the scale clamps at its minimum and the quotients are tiny"
        + " (or flushed under FLUSH_SUBNORMAL_AMAX).",
        "https://github.com/tenstorrent/tt-metal/issues/51971"),
    BLOCK_TAIL(BugType.EDGE_CASE,
        "The row length is not a multiple of the block size: PAD_WITH_ZEROS pads the last block with +0 (not"
        + " counted in amax, not stored), REJECT must refuse the input.",
        "https://github.com/ROCm/aiter/issues/2900"),
    NVFP4_TWO_LEVEL(BugType.SCALE,
        "Two-level NVFP4: a per-tensor FP32 scale g multiplies every value; the block scale is amax/(6*g)"
        + " rounded to UE4M3, and g is a multiplier, not a divisor.",
        "https://github.com/modular/modular/issues/6600", "https://github.com/NVIDIA/TransformerEngine/issues/2639"),
    NVFP4_SCALE_SATURATES(BugType.SCALE,
        "The NVFP4 block scale amax/6 (/g) is clamped at UE4M3's max 448, so the elements saturate at +-6.",
        "https://github.com/NVIDIA/cudnn-frontend/issues/148"),
    NVFP4_SCALING_ORDER(BugType.ROUNDING,
        "NVFP4 elements are x * (1/S) or x / S in FP32 (the scaling knob); the two differ after rounding for"
        + " some inputs.",
        "https://github.com/NVIDIA/TransformerEngine/issues/2639"),
    WORKED_EXAMPLE(BugType.BASIC,
        "A worked example from the research (mx-semantics.md section 1.7 or 3.7, SPEC.md section 9.6), reproduced"
        + " bit for bit; the comment names it.",
        "https://github.com/NVIDIA/cudnn-frontend/issues/148"),
    PACKING_ORDER(BugType.PACKING,
        "Asymmetric codes (0x1 next to 0x7) in one container: a swapped nibble or field order shows at once.",
        "https://github.com/pytorch/ao/issues/2939", "https://github.com/pytorch/ao/pull/3123",
        "https://github.com/triton-lang/triton/issues/5197", "https://github.com/sgl-project/sglang/issues/23625"),
    FP6_PACKING(BugType.PACKING,
        "Four 6-bit codes in three bytes, or one 6-bit code in the low bits of a byte: fields that straddle a"
        + " byte boundary.",
        "https://github.com/quic/cloud-ai-sdk/issues/7"),
    BOUNDARY_CODE(BugType.PACKING,
        "The smallest and largest codes (0, all ones, the sign bit alone) in every position of the container.",
        "https://github.com/jax-ml/ml_dtypes/issues/319"),
    SCALE_SWIZZLE(BugType.PACKING,
        "Block scales in the 128x4 swizzle that cuBLAS and CUTLASS read (SPEC.md section 9.4): rows r, r+32, r+64,"
        + " r+96 share 16 bytes, each 32-bit word holds one row's 4 K-scales; exchanging the two row strides"
        + " puts (5, 2) at 22 instead of NVIDIA's published 82 (a third-party FlashInfer fork, perf-anchors.md"
        + " section 3; no public bug report)."),
    SCALE_PADDING(BugType.PACKING,
        "A scale matrix whose rows or columns are not a multiple of 128 or 4: the stored tensor is padded to"
        + " whole 128x4 tiles, and the pad bytes hold the pad byte (torchao to_blocked zero-fills)."),
    GGUF_AMAX_SIGN(BugType.SCALE,
        "Two elements of the largest magnitude with opposite signs: ggml's Q4_0 takes the first one's sign for"
        + " d = max/-8, so the order of -8 and +8 flips every code (int-packing.md section 5.2)."),
    WALKING_BITS(BugType.COVERAGE,
        "Walking-ones and walking-zeros significands of the source format, across the target's exponent range"
        + " (TestFloat level 2).",
        "https://github.com/tenstorrent/tt-metal/issues/51971"),
    RANDOM(BugType.COVERAGE,
        "Weighted random values from SplitMix64 (SPEC.md section 7) with the seed in the group: any language can"
        + " regenerate them.",
        "https://github.com/microsoft/microxcaling/issues/6"),
    EXHAUSTIVE_INPUT(BugType.COVERAGE,
        "Every input pattern of the source format (all 65536 FP16 or BF16 patterns).",
        "https://github.com/jax-ml/ml_dtypes/issues/223");
    // @formatter:on

    /** The kinds of bug a flag targets (Wycheproof's bugType, conformance-anchors.md §2.5). */
    public enum BugType {
        /** The primitive works at all, and the test is set up right. */
        BASIC,
        /** Which neighbour a value rounds to. */
        ROUNDING,
        /** Values beyond the largest finite one. */
        OVERFLOW,
        /** Subnormals and values that round to zero. */
        UNDERFLOW,
        /** NaN, Inf, signed zeros, inputs a format cannot hold. */
        SPECIAL_VALUE,
        /** How a block's shared scale follows from its values. */
        SCALE,
        /** How codes sit in bytes. */
        PACKING,
        /** Shapes and inputs at the edge of what is defined. */
        EDGE_CASE,
        /** Broad coverage: walking bits, random fill, exhaustive sweeps. */
        COVERAGE
    }

    private final BugType bugType;
    private final String description;
    private final List<String> links;

    Flag(BugType bugType, String description, String... links) {
        this.bugType = bugType;
        this.description = description;
        this.links = List.of(links);
    }

    public BugType bugType() { return bugType; }

    public String description() { return description; }

    public List<String> links() { return links; }

    /** The note a file carries for this flag. */
    public Note note() {
        return new Note(bugType.name(), description, links);
    }
}
