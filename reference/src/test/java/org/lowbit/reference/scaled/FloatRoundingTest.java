package org.lowbit.reference.scaled;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Locale;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.lowbit.reference.ElementCodec;
import org.lowbit.spec.ScaledPolicies.Precision;
import org.lowbit.spec.ScaledPolicies.ScalarDivision;
import org.lowbit.spec.SplitMix64;

/**
 * The FP16/BF16/FP32 rounding helpers and the one-operation arithmetic, against the JDK's
 * {@code Float.floatToFloat16} (RNE), a bit-level BF16 rounding, and the exact {@link Rational} oracle.
 */
class FloatRoundingTest {

    private static final int STRIDE = 4099; // prime: about a million FP32 patterns, every exponent and sign

    @Test
    @DisplayName("FP16 rounding of FP32 inputs equals Float.floatToFloat16 (a strided sweep of all 2^32 patterns)")
    void fp16MatchesTheJdk() {
        for (long b = 0; b <= 0xFFFFFFFFL; b += STRIDE) {
            float f = Float.intBitsToFloat((int) b);
            if (Float.isNaN(f)) {
                continue;
            }
            int expected = Float.floatToFloat16(f) & 0xFFFF;
            int actual = FloatRounding.roundToBits(Precision.FP16, f);
            if (expected != actual) {
                fail(String.format(Locale.ROOT, "%s (0x%08X): 0x%04X, JDK 0x%04X", f, b, actual, expected));
            }
        }
    }

    @Test
    @DisplayName("FP16: every midpoint between neighbours, and one FP32 ulp either side, rounds as the JDK does")
    void fp16Midpoints() {
        for (int h = 0; h < 0x7C00; h++) {
            float lo = Float.float16ToFloat((short) h);
            float hi = Float.float16ToFloat((short) (h + 1));
            float mid = (float) (((double) lo + hi) / 2); // exact: a midpoint has 12 significant bits
            for (float f : new float[] {mid, Math.nextDown(mid), Math.nextUp(mid), -mid}) {
                int expected = Float.floatToFloat16(f) & 0xFFFF;
                if (expected != FloatRounding.roundToBits(Precision.FP16, f)) {
                    fail("fp16 0x" + Integer.toHexString(h) + " at " + f);
                }
            }
        }
    }

    @Test
    @DisplayName("BF16 rounding of FP32 inputs equals the bit rule (b + 0x7FFF + lsb) >> 16 (strided sweep)")
    void bf16MatchesTheBitRule() {
        for (long b = 0; b <= 0xFFFFFFFFL; b += STRIDE) {
            int bits = (int) b;
            if (Float.isNaN(Float.intBitsToFloat(bits))) {
                continue;
            }
            int expected = (int) ((b + 0x7FFF + ((b >>> 16) & 1)) >>> 16) & 0xFFFF; // overflow carries into Inf
            int actual = FloatRounding.roundToBits(Precision.BF16, Float.intBitsToFloat(bits));
            if (expected != actual) {
                fail(String.format(Locale.ROOT, "0x%08X: 0x%04X, bit rule 0x%04X", bits, actual, expected));
            }
        }
    }

    @Test
    @DisplayName("Doubles that are not floats round as the exact rational oracle says, in all three precisions")
    void doublesAgainstTheOracle() {
        SplitMix64 random = new SplitMix64(42);
        for (int i = 0; i < 200_000; i++) {
            double x = Double.longBitsToDouble(random.nextLong());
            if (!Double.isFinite(x) || Math.abs(x) > 1e39 || Math.abs(x) < 1e-46) {
                x = TestTensors.gauss(random) * Math.pow(2, (int) (TestTensors.uniform(random) * 80) - 40);
            }
            for (Precision p : Precision.values()) {
                double expected = Rational.of(x).round(p);
                double actual = FloatRounding.round(p, x);
                if (Double.compare(Math.abs(expected), Math.abs(actual)) != 0) {
                    fail(p + " " + x + ": " + actual + ", oracle " + expected);
                }
            }
        }
    }

    @Test
    @DisplayName("Overflow: FP16 65519.99 → 65504, 65520 → Inf (the tie goes to the even 2^16); BF16 max + ulp/2 → Inf likewise")
    void overflowThresholds() {
        assertEquals(65504.0, FloatRounding.round(Precision.FP16, 65519.99));
        assertEquals(Double.POSITIVE_INFINITY, FloatRounding.round(Precision.FP16, 65520.0));
        assertEquals(Double.NEGATIVE_INFINITY, FloatRounding.round(Precision.FP16, -65520.0));
        double bf16Max = Precision.BF16.maxFinite();
        assertEquals(bf16Max, FloatRounding.round(Precision.BF16, bf16Max + Math.scalb(1.0, 118)));
        assertEquals(Double.POSITIVE_INFINITY, FloatRounding.round(Precision.BF16, bf16Max + Math.scalb(1.0, 119)));
        assertEquals(Float.MAX_VALUE, FloatRounding.round(Precision.FP32, Float.MAX_VALUE + Math.scalb(1.0, 102)));
    }

    @Test
    @DisplayName("Subnormal ties: FP16 1.5·2^-24 → 2^-23 (even), 2.5·2^-24 → 2^-23, 0.5·2^-24 → +0, −0.5·2^-24 → −0")
    void subnormalTies() {
        double u = Math.scalb(1.0, -24);
        assertEquals(2 * u, FloatRounding.round(Precision.FP16, 1.5 * u));
        assertEquals(2 * u, FloatRounding.round(Precision.FP16, 2.5 * u));
        assertEquals(0.0, FloatRounding.round(Precision.FP16, 0.5 * u));
        assertEquals(0x8000, FloatRounding.roundToBits(Precision.FP16, -0.5 * u));
    }

    @Test
    @DisplayName("Bits: every FP16 and BF16 pattern decodes and encodes back (NaN to the positive quiet NaN)")
    void allSixteenBitPatternsRoundTrip() {
        for (Precision p : new Precision[] {Precision.FP16, Precision.BF16}) {
            for (int bits = 0; bits < 0x10000; bits++) {
                double v = FloatRounding.fromBits(p, bits);
                int back = FloatRounding.toBits(p, v);
                int expected = Double.isNaN(v) ? (p == Precision.FP16 ? 0x7E00 : 0x7FC0) : bits;
                assertEquals(expected, back, p + " 0x" + Integer.toHexString(bits));
            }
        }
        assertEquals(Float.intBitsToFloat(ElementCodec.float16ToFloat32Bits(0x3266)),
                FloatRounding.fromBits(Precision.FP16, 0x3266));
    }

    @Test
    @DisplayName("toBits refuses a value that the precision does not hold")
    void toBitsRejectsUnrepresentable() {
        assertThrows(IllegalArgumentException.class, () -> FloatRounding.toBits(Precision.FP16, 0.1));
        assertThrows(IllegalArgumentException.class, () -> FloatRounding.toBits(Precision.BF16, 1.0 + 0x1p-10));
        assertThrows(IllegalArgumentException.class, () -> FloatRounding.toBits(Precision.FP32, 0.1));
    }

    @Test
    @DisplayName("One-operation arithmetic in FP16, BF16 and FP32 equals the exact rational rounded once")
    void arithmeticAgainstTheOracle() {
        SplitMix64 random = new SplitMix64(7);
        for (Precision p : Precision.values()) {
            for (int i = 0; i < 60_000; i++) {
                double a = operand(random, p);
                double b = operand(random, p);
                check(p, "+", Arithmetic.add(p, a, b), Rational.of(a).add(Rational.of(b)));
                check(p, "−", Arithmetic.sub(p, a, b), Rational.of(a).subtract(Rational.of(b)));
                check(p, "×", Arithmetic.mul(p, a, b), Rational.of(a).multiply(Rational.of(b)));
                if (b != 0) {
                    check(p, "÷", Arithmetic.div(p, a, b), Rational.of(a).divide(Rational.of(b)));
                }
            }
        }
    }

    /** Mostly random magnitudes, often equal exponents (cancellation), sometimes far apart. */
    private static double operand(SplitMix64 random, Precision p) {
        int span = p == Precision.FP16 ? 14 : 60;
        double v;
        do {
            v = FloatRounding.round(p, TestTensors.gauss(random)
                                       * Math.scalb(1.0, (int) (TestTensors.uniform(random) * 2 * span) - span));
        } while (!Double.isFinite(v));
        return v;
    }

    private static void check(Precision p, String op, double actual, Rational exact) {
        double expected = exact.round(p);
        if (Double.compare(Math.abs(actual), Math.abs(expected)) != 0) {
            fail(p + " " + op + ": " + actual + ", oracle " + expected + " (" + exact + ")");
        }
    }

    @Test
    @DisplayName("PyTorch CUDA division by a constant in FP16 (fp16(fl32(x·fl32(1/c)))) equals the IEEE FP16 quotient"
                 + " for every FP16 x and c = 15, 127 (so AWQ's and SmoothQuant's fp16 scales do not depend on it)")
    void fp16ScalarDivisionIsExactForAwqAndSmoothQuant() {
        for (double c : new double[] {15, 127}) {
            for (int bits = 0; bits < 0x7C00; bits++) {
                double x = FloatRounding.fromBits(Precision.FP16, bits);
                assertEquals(Arithmetic.div(Precision.FP16, x, c),
                        Arithmetic.divByConstant(Precision.FP16, ScalarDivision.RECIPROCAL_MULTIPLY, x, c),
                        () -> "x = " + x + ", c = " + c);
            }
        }
    }

    @Test
    @DisplayName("…but in FP32 the two differ for a large share of inputs (x/15 against x·fl32(1/15))")
    void fp32ScalarDivisionDiffers() {
        int differ = 0;
        SplitMix64 random = new SplitMix64(3);
        for (int i = 0; i < 10_000; i++) {
            double x = (float) Math.abs(TestTensors.gauss(random));
            if (Arithmetic.div(Precision.FP32, x, 15)
                != Arithmetic.divByConstant(Precision.FP32, ScalarDivision.RECIPROCAL_MULTIPLY, x, 15)) {
                differ++;
            }
        }
        int count = differ;
        org.junit.jupiter.api.Assertions.assertTrue(count > 1000, () -> count + " of 10000");
    }
}
