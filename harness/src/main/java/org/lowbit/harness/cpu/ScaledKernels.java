package org.lowbit.harness.cpu;

import org.lowbit.reference.scaled.ScaledCodec;
import org.lowbit.spec.SourceFormat;

/**
 * The per-element work of the scaled formats (SPEC.md §11) on runs of one row inside one block: FP32 values
 * (little-endian bytes) in, one code per byte out, and back. The block tiling and the once-per-block scale
 * arithmetic ({@link ScaledPlan}) stay with the caller. Offsets count elements.
 */
interface ScaledKernels {

    /** BF16 or FP16 values widened exactly to FP32 patterns: {@code count} of them into {@code out} from 0. */
    void widen(SourceFormat source, byte[] in, int count, byte[] out);

    /** {@code count} FP32 values from element 0 rounded to FP16 in place (FP16 arithmetic's input cast). */
    void roundToHalf(byte[] values, int count);

    /** The largest |x| of {@code count} FP32 values from element {@code first}, as a pattern (NaN and Inf order above). */
    int amaxBits(byte[] in, int first, int count);

    /**
     * The smallest and the largest of {@code count} FP32 values from element {@code first}, as
     * {@code minBits << 32 | maxBits}: Math.min and Math.max order (−0 below +0; a NaN wins).
     */
    long minMaxBits(byte[] in, int first, int count);

    /** The first of {@code count} FP32 values from element {@code first} whose |x| pattern is {@code magnitudeBits}. */
    int firstWithMagnitude(byte[] in, int first, int count, int magnitudeBits);

    /**
     * The codes of {@code count} FP32 values from element {@code first} under one block's element operation
     * ({@link ScaledPlan}). False, with some codes written, when a value leaves GGUF's (−1, 128).
     */
    boolean encode(ScaledPlan plan, ScaledPlan.BlockScale scale, byte[] in, int first, int count, byte[] codes);

    /**
     * Dequantizes {@code count} codes from element {@code first} (as {@link ScaledCodec}'s logical form: the
     * int8 byte, the int4 nibble, uint4, the E4M3 byte) of one block, SPEC.md §11 S.4, each operation rounded
     * to the dequant arithmetic (FP32, or FP16 when {@code half}):
     * <pre>
     *   v = x − sub        x the code's value; sub 0, 8 (IMPLICIT) or the block's zero (INTEGER, FLOAT)
     *   v = v · s
     *   v = v + add        only with {@code adds} (MIN)
     * </pre>
     * written as {@code output} (narrower outputs rounded from v), NaN as the positive quiet NaN.
     */
    void dequantize(ScaledDecoding decoding, int[] codes, int first, int count, float sub, float s, boolean adds, float add,
                    boolean half, SourceFormat output, byte[] out);

    /** How a scaled code is read (its element format's logical form). */
    enum ScaledDecoding { INT8, INT4, UINT4, FP8_E4M3 }
}
