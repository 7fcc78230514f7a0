package org.lowbit.reference.dot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lowbit.reference.dot.Codes.assertAllProfiles;
import static org.lowbit.reference.dot.Codes.assertProfiles;
import static org.lowbit.reference.dot.Codes.concat;
import static org.lowbit.reference.dot.Codes.pad;
import static org.lowbit.reference.dot.Codes.repeat;
import static org.lowbit.spec.ElementFormat.FP4_E2M1;
import static org.lowbit.spec.ElementFormat.FP8_E4M3;
import static org.lowbit.spec.ElementFormat.FP8_E5M2;
import static org.lowbit.spec.ElementFormat.MXINT8;
import static org.lowbit.spec.ElementFormat.UE4M3;

import java.math.BigDecimal;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.lowbit.reference.exact.ExactValue;
import org.lowbit.spec.DotAccumulation;

/**
 * Small dot products computed by hand (the arithmetic is in each comment), and the special-value
 * rules. Where a result is the same under every profile, every profile is checked. The FP32 patterns
 * were also re-derived with an independent Python model (fractions.Fraction for the exact sums,
 * numpy.float32 for each FP32 step).
 */
class MxDotExamplesTest {

    private static final int NAN = 0x7FC00000;
    private static final int PLUS_INF = 0x7F800000;
    private static final int MINUS_INF = 0xFF800000;

    // E8M0 codes: 2^(c-127)
    private static final int ONE = 0x7F;
    private static final int TWO = 0x80;
    private static final int HALF = 0x7E;

    @Test
    @DisplayName("MXFP4, one block: 32 · (1.0 · 1.0) · (2 · 0.5) = 32")
    void oneBlockOfOnes() {
        MxVector a = MxVector.mx(FP4_E2M1, repeat(0x2, 32), new int[] {TWO});
        MxVector b = MxVector.mx(FP4_E2M1, repeat(0x2, 32), new int[] {HALF});
        assertAllProfiles(a, b, 0x42000000);
        assertEquals(ExactValue.ofFinite(false, new BigDecimal(32)), MxDot.exact(a, b));
    }

    @Test
    @DisplayName("MXFP4, two blocks with different scales: 4 · 1/8 · 72 + 2^-4 · 1 · (-1152) = -36")
    void twoBlocksDifferentScales() {
        // Block 0: A = the FP4 codes 0..7 (0, 0.5, 1, 1.5, 2, 3, 4, 6; sum 18) four times, B = 1.0:
        //          sum 72, S_0 = 2^2 · 2^-3 = 0.5, contribution 36.
        // Block 1: A = 6 (0x7), B = -6 (0xF), 32 times: sum -1152, S_1 = 2^-4 · 1, contribution -72.
        int[] a0 = new int[32];
        for (int i = 0; i < 32; i++) {
            a0[i] = i % 8;
        }
        MxVector a = MxVector.mx(FP4_E2M1, concat(a0, repeat(0x7, 32)), new int[] {0x81, 0x7B});
        MxVector b = MxVector.mx(FP4_E2M1, concat(repeat(0x2, 32), repeat(0xF, 32)), new int[] {0x7C, ONE});
        assertAllProfiles(a, b, 0xC2100000); // -36.0
    }

    @Test
    @DisplayName("Mixed formats, E4M3 · E2M1: 448·6 + 2^-9·0.5 + (-4)(-3) = 2700 + 2^-10")
    void mixedE4m3TimesE2m1() {
        // A (E4M3): 0x7E = 448, 0x01 = 2^-9 (min subnormal), 0xC8 = -4, then 0;
        // B (E2M1): 0x7 = 6, 0x1 = 0.5, 0xD = -3, then -0.5 (times A's zeros).
        // 2700 = 1.318359375 · 2^11 is 0x4528C000; the ulp there is 2^-12, so + 2^-10 is 4 ulps: 0x4528C004.
        // Every partial sum is exact in FP32, so every profile agrees.
        MxVector a = MxVector.mx(FP8_E4M3, pad(32, 0x00, 0x7E, 0x01, 0xC8), new int[] {ONE});
        MxVector b = MxVector.mx(FP4_E2M1, pad(32, 0x9, 0x7, 0x1, 0xD), new int[] {ONE});
        assertAllProfiles(a, b, 0x4528C004);
        assertEquals(ExactValue.ofFinite(false, new BigDecimal("2700.0009765625")), MxDot.exact(a, b));
    }

    @Test
    @DisplayName("Mixed formats, MXINT8 · E5M2: (127/64 · 1 - 2 · 2 + 1/64 · 57344) · 2 = 1787.96875")
    void mxint8TimesE5m2() {
        // A (MXINT8, code/64): 0x7F = 127/64, 0x80 = -2, 0x01 = 1/64; B (E5M2): 0x3C = 1, 0x40 = 2, 0x7B = 57344.
        // 1.984375 - 4 + 896 = 893.984375; S = 1 · 2 = 2: 1787.96875 = 0x44DF7F00.
        MxVector a = MxVector.mx(MXINT8, pad(32, 0, 0x7F, 0x80, 0x01), new int[] {ONE});
        MxVector b = MxVector.mx(FP8_E5M2, pad(32, 0, 0x3C, 0x40, 0x7B), new int[] {TWO});
        assertAllProfiles(a, b, 0x44DF7F00);
    }

    @Test
    @DisplayName("NVFP4: UE4M3 scales 1 and 2, blocks of 16, tensor scales 0.5 and 4: 16 · 1.5 · 2 · 2 = 96")
    void nvfp4WithTensorScales() {
        // UE4M3 0x38 = 1.0, 0x40 = 2.0; E2M1 0x2 = 1.0, 0x3 = 1.5. G = 0.5 · 4 = 2, alpha = 2 exactly.
        MxVector a = MxVector.nvfp4(repeat(0x2, 16), new int[] {0x38}, 0.5f);
        MxVector b = MxVector.nvfp4(repeat(0x3, 16), new int[] {0x40}, 4.0f);
        assertAllProfiles(a, b, 0x42C00000); // 96.0
    }

    @Test
    @DisplayName("NVFP4: a UE4M3 scale of 0 removes its block")
    void ue4m3ZeroScale() {
        MxVector a = MxVector.nvfp4(concat(repeat(0x7, 16), repeat(0x2, 16)), new int[] {0x00, 0x38}, 1.0f);
        MxVector b = MxVector.nvfp4(concat(repeat(0x7, 16), repeat(0x2, 16)), new int[] {0x7E, 0x38}, 1.0f);
        assertAllProfiles(a, b, 0x41800000); // 0 · 576 + 16 · 1 = 16
    }

    @Test
    @DisplayName("A NaN E8M0 scale (0xFF) makes the result NaN, even over a block of zeros (OCP MX §5.1)")
    void nanE8m0ScaleOverZeros() {
        MxVector a = MxVector.mx(FP4_E2M1, concat(repeat(0x0, 32), repeat(0x2, 32)), new int[] {0xFF, ONE});
        MxVector b = MxVector.mx(FP4_E2M1, concat(repeat(0x0, 32), repeat(0x2, 32)), new int[] {ONE, ONE});
        assertAllProfiles(a, b, NAN);
        assertTrue(MxDot.exact(a, b).isNaN());
        assertFalse(MxDot.withinBound(32.0f, a, b), "a finite result is never right for a NaN block");
    }

    @Test
    @DisplayName("A NaN UE4M3 scale (0x7F) makes the result NaN")
    void nanUe4m3Scale() {
        MxVector a = MxVector.nvfp4(repeat(0x2, 16), new int[] {0x7F}, 1.0f);
        MxVector b = MxVector.nvfp4(repeat(0x2, 16), new int[] {0x38}, 1.0f);
        assertAllProfiles(a, b, NAN);
    }

    @Test
    @DisplayName("A NaN element (E4M3 0x7F) times 0 is NaN")
    void nanElementTimesZero() {
        MxVector a = MxVector.mx(FP8_E4M3, pad(32, 0x38, 0x38, 0x38, 0x38, 0x38, 0x38, 0x7F), new int[] {ONE});
        MxVector b = MxVector.mx(FP4_E2M1, pad(32, 0x2, 0x2, 0x2, 0x2, 0x2, 0x2, 0x0), new int[] {ONE});
        assertAllProfiles(a, b, NAN);
    }

    @Test
    @DisplayName("Inf · 0 is NaN: E5M2 +Inf (0x7C) times E5M2 0")
    void infinityTimesZero() {
        MxVector a = MxVector.mx(FP8_E5M2, pad(32, 0x3C, 0x7C), new int[] {ONE});
        MxVector b = MxVector.mx(FP8_E5M2, pad(32, 0x3C, 0x00), new int[] {ONE});
        assertAllProfiles(a, b, NAN);
        assertTrue(MxDot.exact(a, b).isNaN());
    }

    @Test
    @DisplayName("Inf · x is ±Inf with the sign of the product; +Inf and -Inf terms together are NaN")
    void infinities() {
        MxVector plus = MxVector.mx(FP8_E5M2, pad(64, 0x3C, 0x7C), new int[] {ONE, ONE});
        MxVector minusInSecondBlock = MxVector.mx(FP8_E5M2, concat(repeat(0x3C, 32), pad(32, 0x3C, 0xFC)),
                                                  new int[] {ONE, ONE});
        MxVector ones = MxVector.mx(FP8_E5M2, repeat(0x3C, 64), new int[] {ONE, ONE});
        MxVector minusOnes = MxVector.mx(FP8_E5M2, repeat(0xBC, 64), new int[] {ONE, ONE});
        assertAllProfiles(plus, ones, PLUS_INF);
        assertAllProfiles(plus, minusOnes, MINUS_INF);
        assertAllProfiles(minusInSecondBlock, ones, MINUS_INF);
        assertAllProfiles(plus, minusInSecondBlock, NAN); // +Inf · 1 in block 0, 1 · -Inf in block 1
        assertEquals(ExactValue.ofInfinity(true), MxDot.exact(plus, minusOnes));
        assertFalse(MxDot.withinBound(Float.NEGATIVE_INFINITY, plus, ones));
        assertFalse(MxDot.withinBound(Float.NaN, plus, ones), "no evaluation of this input can give NaN");
    }

    @Test
    @DisplayName("Inf times a UE4M3 scale of 0 is NaN")
    void infinityTimesZeroScale() {
        MxVector a = MxVector.of(FP8_E5M2, pad(16, 0x00, 0x7C), UE4M3, new int[] {0x00});
        MxVector b = MxVector.of(FP8_E5M2, pad(16, 0x00, 0x3C), UE4M3, new int[] {0x38});
        assertAllProfiles(a, b, NAN);
    }

    @Test
    @DisplayName("At the overflow threshold: Σ 2^127..2^103 = 2^128 - 2^103 ties to +Inf; without 2^103 it is max")
    void overflowThreshold() {
        // Term i (i = 0..24) is 2^(16-i) · 2^111 = 2^(127-i): A = 2^ceil(e/2), B = 2^(e - ceil(e/2)) in
        // E4M3 (2^e is code (e+7) << 3), X(A) = 2^111 (0xEE), X(B) = 1. The exact sum 2^128 - 2^103 is
        // the midpoint between max = 2^128 - 2^104 (odd significand) and 2^128: RNE gives +Inf
        // (IEEE 754 §7.4). The sequential profiles reach max and then tie the same way; TOSA's block sum
        // 2^17 - 2^-8 needs 25 bits, ties to 2^17, and 2^17 · 2^111 = 2^128 overflows.
        int[] a = new int[32];
        int[] b = new int[32];
        for (int i = 0; i < 25; i++) {
            int e = 16 - i;
            int ea = Math.floorDiv(e + 1, 2);
            a[i] = (ea + 7) << 3;
            b[i] = (e - ea + 7) << 3;
        }
        MxVector va = MxVector.mx(FP8_E4M3, a, new int[] {0xEE});
        MxVector vb = MxVector.mx(FP8_E4M3, b, new int[] {ONE});
        assertAllProfiles(va, vb, PLUS_INF);
        BigDecimal threshold = new BigDecimal(2).pow(128).subtract(new BigDecimal(2).pow(103));
        assertEquals(ExactValue.ofFinite(false, threshold), MxDot.exact(va, vb));
        assertTrue(MxDot.errorBound(va, vb).overflowPossible());

        a[24] = 0;
        MxVector withoutLast = MxVector.mx(FP8_E4M3, a, new int[] {0xEE});
        assertAllProfiles(withoutLast, vb, 0x7F7FFFFF); // 2^128 - 2^104, the largest float
    }

    @Test
    @DisplayName("Overflow of the rounded result: 57344² · 2^127 is finite exactly and +Inf in FP32")
    void overflowOfTheResult() {
        MxVector a = MxVector.mx(FP8_E5M2, pad(32, 0, 0x7B), new int[] {0xFE});
        MxVector b = MxVector.mx(FP8_E5M2, pad(32, 0, 0x7B), new int[] {ONE});
        assertAllProfiles(a, b, PLUS_INF);
        assertTrue(MxDot.exact(a, b).isFinite());
        assertTrue(MxDot.withinBound(Float.POSITIVE_INFINITY, a, b));
    }

    @Test
    @DisplayName("Sign of zero: an exactly zero sum is +0, a negative tensor scale makes it -0")
    void signOfExactZero() {
        // A = [1, -0, 0x8 = -0 ...] · B = 1: the terms are +1, -1 and -0s; the sum is exactly 0.
        MxVector a = MxVector.mx(FP4_E2M1, pad(32, 0x8, 0x2, 0xA), new int[] {ONE});
        MxVector b = MxVector.mx(FP4_E2M1, repeat(0x2, 32), new int[] {ONE});
        assertAllProfiles(a, b, 0x00000000);
        MxVector allNegativeZeros = MxVector.mx(FP4_E2M1, repeat(0x8, 32), new int[] {ONE});
        assertAllProfiles(allNegativeZeros, b, 0x00000000); // accumulators start at +0: +0 + -0 = +0
        MxVector negativeTensorScale = MxVector.of(FP4_E2M1, repeat(0x2, 32), org.lowbit.spec.ElementFormat.E8M0,
                                                   new int[] {ONE}, -1.0f);
        assertAllProfiles(a, negativeTensorScale, 0x80000000); // +0 · -1 = -0
    }

    @Test
    @DisplayName("Sign of zero: a tiny negative exact value rounds to -0 once, but FP32 accumulators give +0")
    void tinyNegativeRoundsToMinusZeroOnlyWhenExact() {
        // -0.5 · 0.5 · 2^-127 · 2^-127 = -2^-256 ≠ 0: rounded once it is -0 (IEEE keeps the sign of a
        // nonzero result that rounds to zero). Every accumulating profile rounds that term (or the
        // block, or the scale product) to -0 or 0 first and adds it to the +0 accumulator: +0.
        MxVector a = MxVector.mx(FP4_E2M1, pad(32, 0, 0x9), new int[] {0x00});
        MxVector b = MxVector.mx(FP4_E2M1, pad(32, 0, 0x1), new int[] {0x00});
        assertProfiles(a, b, 0x80000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000);
        ExactValue exact = MxDot.exact(a, b);
        assertTrue(exact.negative() && exact.isFinite() && !exact.isZero(), exact.toString());
    }

    @Test
    @DisplayName("Profiles by name: the spec enum parses its values")
    void profileNames() {
        assertEquals(DotAccumulation.TOSA_BLOCK_SCALED, DotAccumulation.parse("tosa-block-scaled"));
        assertEquals(DotAccumulation.EXACT, DotAccumulation.parse("EXACT"));
    }
}
