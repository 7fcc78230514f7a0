package org.lowbit.reference.dot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lowbit.reference.dot.Codes.assertProfiles;
import static org.lowbit.reference.dot.Codes.concat;
import static org.lowbit.reference.dot.Codes.pad;
import static org.lowbit.reference.dot.Codes.repeat;
import static org.lowbit.spec.ElementFormat.FP4_E2M1;
import static org.lowbit.spec.ElementFormat.FP8_E4M3;
import static org.lowbit.spec.ElementFormat.FP8_E5M2;

import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.lowbit.spec.DotAccumulation;

/**
 * Inputs on which the pinned profiles give different bits, one test per effect. The expected patterns
 * are listed in {@link DotAccumulation} order: EXACT, EXACT_BLOCK_THEN_FP32, TOSA_BLOCK_SCALED,
 * SEQUENTIAL_FP32, DEQUANTIZE_FMA_FP32.
 *
 * <p>How they were derived: by hand (the reasoning is in each comment), then checked with an
 * independent Python 3.11 model written for this purpose (not shared with the Java code): exact values
 * as {@code fractions.Fraction}; FP32 steps as {@code numpy.float32} scalar arithmetic (IEEE binary32,
 * RNE, gradual underflow); rounding a Fraction once by a hand-written RNE (q = max(floor(log2|x|) - 23,
 * -149), round |x|/2^q half-even), which agreed with numpy's float32 + and * on 200 000 random pairs;
 * the FMA as that rounding of a·b + acc.
 */
class MxDotProfilesTest {

    private static final int ONE = 0x7F; // E8M0 2^0

    /** Every profile's result, in enum order, to show how many distinct values an input produces. */
    private static int distinctResults(MxVector a, MxVector b) {
        return (int) Arrays.stream(DotAccumulation.values()).mapToInt(p -> MxDot.dotFloat32Bits(a, b, p))
                           .distinct().count();
    }

    @Test
    @DisplayName("Large + small: 448² then many 2^-8 products; four profiles, four results")
    void largePlusSmall() {
        // E4M3 · E4M3, scales 1. Block 0: 448·448 = 200704 first, then 30 products 2^-4 · 2^-4 = 2^-8 (= w),
        // then 0. Block 1: 30 · w, then 0. Near 200704 = 1.53·2^17 the FP32 ulp is 2^-6 = 4w, half an ulp 2w.
        //   EXACT                  200704 + 60w, 60w = 15 ulps exactly:               200704.234375  0x4844000F
        //   EXACT_BLOCK_THEN_FP32  b_0 = 200704 + 30w, a tie between 28w (odd) and 32w (even): +32w;
        //                          + b_1 = 30w: 62w, a tie between 60w (odd) and 64w (even): 200704.25  0x48440010
        //   TOSA_BLOCK_SCALED      block_acc_0: each + w < half an ulp is lost: 200704; block_acc_1 = 30w
        //                          exactly; 200704 + 30w ties to +32w:                200704.125     0x48440008
        //   SEQUENTIAL_FP32        every w is added to ~200704 alone and lost:        200704.0       0x48440000
        //   DEQUANTIZE_FMA_FP32    the products are exact, so the FMA rounds as SEQUENTIAL does:     0x48440000
        int[] codes = concat(pad(32, 0x18, 0x7E), repeat(0x18, 30), repeat(0x00, 2));
        codes[31] = 0x00;
        MxVector a = MxVector.mx(FP8_E4M3, codes, new int[] {ONE, ONE});
        assertProfiles(a, a, 0x4844000F, 0x48440010, 0x48440008, 0x48440000, 0x48440000);
        assertEquals(4, distinctResults(a, a));
    }

    @Test
    @DisplayName("Catastrophic cancellation inside a block: +448², 30 · 2^-8, -448²")
    void cancellationInsideABlock() {
        // Block 0: +200704, then 30 w, then -200704 (A = 0xFE = -448 at i = 31); block 1: 30 w. Exact 60w.
        // Profiles that sum inside the block in FP32 lose block 0's w's under 200704 and keep block 1's:
        // 30w = 0.1171875 (0x3DF00000); those that take each block exactly keep both: 60w = 0.234375.
        int[] aCodes = concat(pad(32, 0x18, 0x7E), repeat(0x18, 30), repeat(0x00, 2));
        aCodes[31] = 0xFE;
        int[] bCodes = concat(pad(32, 0x18, 0x7E), repeat(0x18, 30), repeat(0x00, 2));
        bCodes[31] = 0x7E;
        MxVector a = MxVector.mx(FP8_E4M3, aCodes, new int[] {ONE, ONE});
        MxVector b = MxVector.mx(FP8_E4M3, bCodes, new int[] {ONE, ONE});
        assertProfiles(a, b, 0x3E700000, 0x3E700000, 0x3DF00000, 0x3DF00000, 0x3DF00000);
    }

    @Test
    @DisplayName("Catastrophic cancellation across blocks: 36·2^30, a block of 8, -36·2^30 loses everything")
    void cancellationAcrossBlocks() {
        // FP4. Block 0: 6·6 = 36 with S = 2^15 · 2^15; block 1: 32 · (0.5 · 0.5) = 8 with S = 1; block 2:
        // 6·(-6) with S = 2^30. Exact 8. Every FP32 accumulator holds 36·2^30 (ulp 2^13) when 8 arrives
        // and loses it; EXACT alone gives 8.0 (0x41000000); the others +0.
        MxVector a = MxVector.mx(FP4_E2M1, concat(pad(32, 0, 0x7), repeat(0x1, 32), pad(32, 0, 0x7)),
                                 new int[] {0x8E, ONE, 0x8E});
        MxVector b = MxVector.mx(FP4_E2M1, concat(pad(32, 0, 0x7), repeat(0x1, 32), pad(32, 0, 0xF)),
                                 new int[] {0x8E, ONE, 0x8E});
        assertProfiles(a, b, 0x41000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000);
        assertTrue(MxDot.errorBound(a, b).bound().compareTo(new java.math.BigDecimal(8)) >= 0,
                   "the bound must allow losing the whole 8");
    }

    @Test
    @DisplayName("Subnormal products: rounding each product (SEQUENTIAL) differs from an FMA chain")
    void subnormalProducts() {
        // FP4, X(A) = 2^-127 (0x00), X(B) = 2^-21 (0x6A): S = 2^-148. Terms: 0.5·1 · S = 2^-149 (the smallest
        // subnormal, d) and 0.5·0.5 · S = 2^-150 = d/2. Exact 1.5d rounds (tie, to even) to 2d = 0x00000002.
        // SEQUENTIAL rounds d/2 alone first: a tie between 0 and d, to even 0; d + 0 = d = 0x00000001.
        // DEQUANTIZE_FMA: a = 2^-128, b = 2^-22 are exact subnormal/normal floats; fma(a, b, d) = RN(1.5d) = 2d.
        // TOSA: block_acc = 0.75, s = fl(2^-127 · 2^-21) = 2^-148 exactly, 0.75 · 2^-148 = 1.5d → 2d.
        MxVector a = MxVector.mx(FP4_E2M1, pad(32, 0, 0x1, 0x1), new int[] {0x00});
        MxVector b = MxVector.mx(FP4_E2M1, pad(32, 0, 0x2, 0x1), new int[] {0x6A});
        assertProfiles(a, b, 0x00000002, 0x00000002, 0x00000002, 0x00000001, 0x00000002);
    }

    @Test
    @DisplayName("TOSA's FP32 scale product flushes: 2^-127 · 2^-23 = 2^-150 rounds to 0")
    void tosaScaleProductUnderflows() {
        // E5M2 57344 · 57344 = 3.0625 · 2^30 with S = 2^-150: exactly 3.0625 · 2^-120 = 1.53125 · 2^-119,
        // a normal float 0x04440000. TOSA computes s = fl(2^-127 · 2^-23) = fl(2^-150) = 0 (a tie, to even)
        // and the block becomes 0. The bound allows it: the block is "flushable" (T_0).
        MxVector a = MxVector.mx(FP8_E5M2, pad(32, 0, 0x7B), new int[] {0x00});
        MxVector b = MxVector.mx(FP8_E5M2, pad(32, 0, 0x7B), new int[] {0x68});
        assertProfiles(a, b, 0x04440000, 0x04440000, 0x00000000, 0x04440000, 0x04440000);
    }

    @Test
    @DisplayName("TOSA's FP32 scale product overflows: 2^127 · 2^127 = +Inf, times a zero block is NaN")
    void tosaScaleProductOverflows() {
        // Block 0: zeros with X = 2^127 on both sides; block 1: 1 · 1. Exact 1. TOSA: 0 · fl(2^254) = 0 · Inf
        // = NaN. The others never form 2^254 in FP32. The bound admits NaN here (overflow possible).
        MxVector a = MxVector.mx(FP4_E2M1, concat(repeat(0, 32), pad(32, 0, 0x2)), new int[] {0xFE, ONE});
        assertProfiles(a, a, 0x3F800000, 0x3F800000, 0x7FC00000, 0x3F800000, 0x3F800000);
    }

    @Test
    @DisplayName("A dequantized operand overflows: 4 · 2^127 is +Inf although 4 · 2^127 · 1 · 2^-127 = 4")
    void dequantizedOperandOverflows() {
        MxVector a = MxVector.mx(FP4_E2M1, pad(32, 0, 0x6), new int[] {0xFE});
        MxVector b = MxVector.mx(FP4_E2M1, pad(32, 0, 0x2), new int[] {0x00});
        assertProfiles(a, b, 0x40800000, 0x40800000, 0x40800000, 0x40800000, 0x7F800000);
    }

    @Test
    @DisplayName("NVFP4 with tensor scales 0.1f and 3: rounding once differs from the alpha epilogue")
    void nvfp4TensorScales() {
        // Block scales (UE4M3): block 0 0x3C = 1.5 and 0x7E = 448, block 1 0x01 = 2^-9 and 0x4B = 1.375 · 2^2
        // = 5.5. s = 645021/64 = 10078.453125 exactly, and every partial sum is exact in FP32. G = fl(0.1) · 3: EXACT
        // rounds G·s = 3023.53598... once: 0x453CF893. The others compute alpha = fl(fl(0.1) · 3) first and
        // then fl(s · alpha): 0x453CF894, one ulp above.
        int[] aCodes = concat(pad(16, 0x2, 0x7, 0x1, 0xF, 0x3), repeat(0x5, 16));
        int[] bCodes = concat(pad(16, 0x1, 0x7, 0x7, 0x7, 0x6), repeat(0xD, 16));
        MxVector a = MxVector.nvfp4(aCodes, new int[] {0x3C, 0x01}, 0.1f);
        MxVector b = MxVector.nvfp4(bCodes, new int[] {0x7E, 0x4B}, 3.0f);
        assertProfiles(a, b, 0x453CF893, 0x453CF894, 0x453CF894, 0x453CF894, 0x453CF894);
    }
}
