package org.lowbit.reference.dot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.math.BigDecimal;
import java.util.Locale;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.lowbit.spec.SplitMix64;

/**
 * The one rounding of the exact path, {@link Dyadic#roundToFloat32Bits()}, against the IEEE hardware
 * behind Java's float + and * and {@link Math#fma(float, float, float)} (each one correctly rounded
 * binary32 operation), and at the cardinal points of the binary32 range.
 */
class DyadicTest {

    private static final int PAIRS = 300_000;

    /** A float from a bit pattern biased toward subnormals, the top binade and ordinary values. */
    private static float randomFloat(SplitMix64 random) {
        int bits = random.nextInt();
        return switch ((int) Long.remainderUnsigned(random.nextLong(), 4)) {
            case 0 -> Float.intBitsToFloat(bits & 0x80FFFFFF);                 // subnormal or tiny normal
            case 1 -> Float.intBitsToFloat((bits & 0x80FFFFFF) | 0x7E800000);  // the top binades
            default -> Float.intBitsToFloat((bits & 0x87FFFFFF) | 0x38000000); // around 1
        };
    }

    private static void assertRounds(int expected, Dyadic exact, String what) {
        int actual = exact.roundToFloat32Bits();
        if (actual != expected) {
            fail(String.format(Locale.ROOT, "%s: expected 0x%08X, rounded 0x%08X from %s", what, expected, actual,
                               exact));
        }
    }

    @Test
    @DisplayName("Rounding a + b, a · b and a · b + c agrees with Java float arithmetic on random pairs")
    void agreesWithFloatArithmetic() {
        SplitMix64 random = new SplitMix64(0xD1AD1CL);
        for (int n = 0; n < PAIRS; n++) {
            float a = randomFloat(random);
            float b = Long.remainderUnsigned(random.nextLong(), 3) == 0 ? randomFloat(random)
                                                                        : -a * (1 + Math.scalb(random.nextInt(), -40));
            float c = randomFloat(random);
            if (!Float.isFinite(a) || !Float.isFinite(b) || !Float.isFinite(c)) {
                continue;
            }
            Dyadic da = Dyadic.ofFloat(a);
            Dyadic db = Dyadic.ofFloat(b);
            float sum = a + b;
            if (sum != 0.0f || !da.add(db).isZero()) { // the sign of an exact zero is the caller's business
                assertRounds(Float.floatToRawIntBits(sum), da.add(db), a + " + " + b);
            }
            float product = a * b;
            if (a != 0.0f && b != 0.0f) {
                assertRounds(Float.floatToRawIntBits(product), da.multiply(db), a + " * " + b);
            }
            float fused = Math.fma(a, b, c);
            Dyadic exactFused = da.multiply(db).add(Dyadic.ofFloat(c));
            if (!exactFused.isZero()) {
                assertRounds(Float.floatToRawIntBits(fused), exactFused, "fma(" + a + ", " + b + ", " + c + ")");
            }
        }
    }

    @Test
    @DisplayName("Cardinal points: 2^-150 ties to 0, just above to 2^-149; max; 2^128 - 2^103 ties to Inf")
    void cardinalPoints() {
        assertRounds(0x00000000, Dyadic.powerOfTwo(-150), "2^-150, a tie between 0 and 2^-149");
        assertRounds(0x00000001, Dyadic.powerOfTwo(-150).add(Dyadic.powerOfTwo(-200)), "just above 2^-150");
        assertRounds(0x80000000, Dyadic.powerOfTwo(-151).negate(), "-2^-151 keeps its sign");
        assertRounds(0x00000002, Dyadic.of(3, -150), "1.5 · 2^-149, a tie, to even 2^-148");
        assertRounds(0x00800000, Dyadic.powerOfTwo(-126), "the smallest normal");
        assertRounds(0x007FFFFF, Dyadic.powerOfTwo(-126).subtract(Dyadic.powerOfTwo(-149)), "the largest subnormal");
        assertRounds(0x00800000, Dyadic.powerOfTwo(-126).subtract(Dyadic.powerOfTwo(-150)),
                     "2^-126 - 2^-150, a tie, to even 2^-126");
        Dyadic max = Dyadic.powerOfTwo(128).subtract(Dyadic.powerOfTwo(104));
        assertRounds(0x7F7FFFFF, max, "the largest float");
        assertRounds(0x7F7FFFFF, max.add(Dyadic.powerOfTwo(103)).subtract(Dyadic.powerOfTwo(-1000)),
                     "just below the overflow threshold");
        assertRounds(0x7F800000, max.add(Dyadic.powerOfTwo(103)), "2^128 - 2^103, a tie, to even 2^128: +Inf");
        assertRounds(0xFF800000, Dyadic.powerOfTwo(500).negate(), "far beyond: -Inf");
        assertRounds(0x3F800000, Dyadic.ONE, "1");
        assertRounds(0x4B800000, Dyadic.powerOfTwo(24).add(Dyadic.ONE), "2^24 + 1, a tie, to even 2^24");
        assertRounds(0x4B800002, Dyadic.powerOfTwo(24).add(Dyadic.of(3, 0)), "2^24 + 3, a tie, to even 2^24 + 4");
    }

    @Test
    @DisplayName("toBigDecimal is exact, and of(...) normalizes so that equal values are equal")
    void exactDecimal() {
        SplitMix64 random = new SplitMix64(7);
        for (int n = 0; n < 10_000; n++) {
            float x = randomFloat(random);
            if (Float.isFinite(x)) {
                assertEquals(0, new BigDecimal(x).compareTo(Dyadic.ofFloat(x).toBigDecimal()), Float.toString(x));
            }
        }
        assertEquals(Dyadic.of(12, -3), Dyadic.of(3, -1));
        assertEquals(Dyadic.ZERO, Dyadic.of(0, 77));
        assertEquals(0, new BigDecimal("1.5").compareTo(Dyadic.of(3, -1).toBigDecimal()));
    }
}
