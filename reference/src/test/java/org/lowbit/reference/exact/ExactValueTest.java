package org.lowbit.reference.exact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@link ExactValue}'s IEEE decoders against the JDK's own: {@code new BigDecimal(double)} is exact,
 * float → double widening is exact, and {@link Float#float16ToFloat} is exact, so each pattern has one
 * independent expected value.
 */
class ExactValueTest {

    /** The value of a double computed by the JDK, as an ExactValue. */
    private static ExactValue fromJdk(double d) {
        boolean negative = (Double.doubleToRawLongBits(d) >>> 63) != 0;
        if (Double.isNaN(d)) {
            return ExactValue.ofNaN(negative);
        }
        if (Double.isInfinite(d)) {
            return ExactValue.ofInfinity(negative);
        }
        return ExactValue.ofFinite(negative, new BigDecimal(Math.abs(d)));
    }

    @Test
    @DisplayName("binary16 decode: all 65536 patterns equal Float.float16ToFloat, exactly (subnormals, ±0, ±Inf, NaN sign)")
    void everyFloat16() {
        for (int bits = 0; bits <= 0xFFFF; bits++) {
            float f = Float.float16ToFloat((short) bits);
            ExactValue expected = Float.isNaN(f) ? ExactValue.ofNaN((bits & 0x8000) != 0) : fromJdk(f);
            assertEquals(expected, ExactValue.ofFloat16Bits(bits), "0x" + Integer.toHexString(bits));
        }
    }

    @Test
    @DisplayName("bfloat16 decode: all 65536 patterns equal the binary32 with the pattern as its top half")
    void everyBFloat16() {
        for (int bits = 0; bits <= 0xFFFF; bits++) {
            float f = Float.intBitsToFloat(bits << 16);
            ExactValue expected = Float.isNaN(f) ? ExactValue.ofNaN((bits & 0x8000) != 0) : fromJdk(f);
            assertEquals(expected, ExactValue.ofBFloat16Bits(bits), "0x" + Integer.toHexString(bits));
        }
    }

    @Test
    @DisplayName("binary32 and binary64 decode: 200k seeded random patterns and the edge patterns equal new BigDecimal(double)")
    void randomFloat32AndFloat64() {
        SplittableRandom random = new SplittableRandom(0x5EED);
        int[] edges32 = {0, 0x80000000, 1, 0x80000001, 0x007FFFFF, 0x00800000, 0x7F7FFFFF, 0xFF7FFFFF, 0x7F800000,
                         0xFF800000, 0x7FC00000, 0xFFC00001, 0x3F800000, 0x00400000};
        for (int bits : edges32) {
            checkFloat32(bits);
        }
        for (int i = 0; i < 100_000; i++) {
            checkFloat32(random.nextInt());
        }
        long[] edges64 = {0L, Long.MIN_VALUE, 1L, 0x000FFFFFFFFFFFFFL, 0x0010000000000000L, 0x7FEFFFFFFFFFFFFFL,
                          0x7FF0000000000000L, 0xFFF0000000000000L, 0x7FF8000000000000L, 0xFFF0000000000001L};
        for (long bits : edges64) {
            checkFloat64(bits);
        }
        for (int i = 0; i < 100_000; i++) {
            checkFloat64(random.nextLong());
        }
    }

    private static void checkFloat32(int bits) {
        float f = Float.intBitsToFloat(bits);
        ExactValue expected = Float.isNaN(f) ? ExactValue.ofNaN(bits < 0) : fromJdk(f);
        assertEquals(expected, ExactValue.ofFloat32Bits(bits), "0x" + Integer.toHexString(bits));
    }

    private static void checkFloat64(long bits) {
        double d = Double.longBitsToDouble(bits);
        ExactValue expected = Double.isNaN(d) ? ExactValue.ofNaN(bits < 0) : fromJdk(d);
        assertEquals(expected, ExactValue.ofFloat64Bits(bits), "0x" + Long.toHexString(bits));
    }

    @Test
    @DisplayName("toString: signed zeros and infinities, plain short decimals, exact s*2^e for long ones")
    void texts() {
        assertEquals("-1.5", ExactValue.ofFloat(-1.5f).toString());
        assertEquals("+0", ExactValue.ofFloat(0f).toString());
        assertEquals("-0", ExactValue.ofFloat(-0f).toString());
        assertEquals("-Inf", ExactValue.ofFloat(Float.NEGATIVE_INFINITY).toString());
        assertEquals("+Inf", ExactValue.ofDouble(Double.POSITIVE_INFINITY).toString());
        assertEquals("NaN", ExactValue.ofFloat32Bits(0x7FC00000).toString());
        assertEquals("-NaN", ExactValue.ofFloat32Bits(0xFFC00000).toString());
        assertEquals("448", ExactValue.ofFloat(448f).toString());
        assertEquals("2^-127", ExactValue.ofFloat32Bits(0x00400000).toString());
        assertEquals("1.25*2^-127", ExactValue.ofFloat32Bits(0x00500000).toString());
        assertEquals("2^-1074", ExactValue.ofDouble(Double.MIN_VALUE).toString());
        assertEquals("2^128", ExactValue.ofFinite(false, BigDecimal.valueOf(2).pow(128)).toString());
    }

    @Test
    @DisplayName("Construction: magnitudes compare by value (1.50 equals 1.5); negative magnitudes, missing or extra magnitudes rejected")
    void construction() {
        assertEquals(ExactValue.ofFinite(false, new BigDecimal("1.5")), ExactValue.ofFinite(false, new BigDecimal("1.50")));
        assertEquals(ExactValue.ofFinite(true, BigDecimal.ZERO), ExactValue.ofFloat(-0f));
        assertTrue(ExactValue.ofFloat(-0f).isZero());
        assertThrows(IllegalArgumentException.class, () -> ExactValue.ofFinite(false, new BigDecimal("-1")));
        assertThrows(NullPointerException.class, () -> ExactValue.ofFinite(false, null));
        assertThrows(IllegalArgumentException.class,
                () -> new ExactValue(ExactValue.Kind.NAN, false, BigDecimal.ONE));
        assertThrows(IllegalArgumentException.class, () -> ExactValue.ofBFloat16Bits(0x10000));
        assertThrows(IllegalArgumentException.class, () -> ExactValue.ofFloat16Bits(-1));
    }
}
