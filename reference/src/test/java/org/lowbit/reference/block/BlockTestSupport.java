package org.lowbit.reference.block;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.Locale;
import org.lowbit.reference.exact.ExactCodec;
import org.lowbit.reference.exact.ExactValue;
import org.lowbit.spec.ElementFormat;

/**
 * Test-side helpers that share no code with the block codec: exact powers of two and logarithms with
 * {@link BigDecimal}, rounding to binary formats by {@link RoundingMode#HALF_EVEN}, and input builders.
 */
final class BlockTestSupport {
    private BlockTestSupport() {}

    private static final BigInteger FIVE = BigInteger.valueOf(5);
    private static final double LOG2_10 = 3.321928094887362;

    private static final int POW2_CACHE_MIN = -400;
    private static final int POW2_CACHE_MAX = 400;
    private static final BigDecimal[] POW2_CACHE = new BigDecimal[POW2_CACHE_MAX - POW2_CACHE_MIN + 1];

    /** 2^k exactly (cached for |k| ≤ 400; a benign race fills the cache). */
    static BigDecimal pow2(int k) {
        if (k < POW2_CACHE_MIN || k > POW2_CACHE_MAX) {
            return computePow2(k);
        }
        BigDecimal p = POW2_CACHE[k - POW2_CACHE_MIN];
        if (p == null) {
            p = computePow2(k);
            POW2_CACHE[k - POW2_CACHE_MIN] = p;
        }
        return p;
    }

    private static BigDecimal computePow2(int k) {
        return k >= 0 ? new BigDecimal(BigInteger.ONE.shiftLeft(k)) : new BigDecimal(FIVE.pow(-k), -k);
    }

    /** floor(log2 a) for a &gt; 0, by comparison with exact powers of two. */
    static int floorLog2(BigDecimal a) {
        if (a.signum() <= 0) {
            throw new IllegalArgumentException("log2 of " + a);
        }
        BigDecimal s = a.stripTrailingZeros();
        int k = s.unscaledValue().bitLength() - 1 - (int) Math.round(s.scale() * LOG2_10);
        while (pow2(k).compareTo(a) > 0) {
            k--;
        }
        while (pow2(k + 1).compareTo(a) <= 0) {
            k++;
        }
        return k;
    }

    /** ceil(log2 a) for a &gt; 0. */
    static int ceilLog2(BigDecimal a) {
        int f = floorLog2(a);
        return pow2(f).compareTo(a) == 0 ? f : f + 1;
    }

    /** The exact magnitude of a finite FP32 pattern. */
    static BigDecimal magnitude(int float32Bits) {
        return ExactValue.ofFloat32Bits(float32Bits & 0x7FFFFFFF).magnitude();
    }

    /** The exact value of a code, with its sign. */
    static BigDecimal exactValue(int code, ElementFormat format) {
        ExactValue v = ExactCodec.decode(code, format);
        return v.negative() ? v.magnitude().negate() : v.magnitude();
    }

    /**
     * A value rounded to nearest even into the IEEE binary format with {@code exponentBits} and
     * {@code mantissaBits}, by BigDecimal's HALF_EVEN on the scaled value; overflow gives ±Inf.
     */
    static int roundBinary(boolean negative, BigDecimal magnitude, int exponentBits, int mantissaBits) {
        int sign = negative ? 1 << (exponentBits + mantissaBits) : 0;
        if (magnitude.signum() == 0) {
            return sign;
        }
        int bias = (1 << (exponentBits - 1)) - 1;
        int maxField = (1 << exponentBits) - 1;
        int e = floorLog2(magnitude);
        if (e > bias + 1) {
            return sign | maxField << mantissaBits;
        }
        int quantum = Math.max(e, 1 - bias) - mantissaBits;
        BigInteger n = magnitude.multiply(pow2(-quantum)).setScale(0, RoundingMode.HALF_EVEN).toBigIntegerExact();
        BigInteger implicit = BigInteger.ONE.shiftLeft(mantissaBits);
        if (n.equals(implicit.shiftLeft(1))) {
            n = implicit;
            quantum++;
        }
        int field = n.compareTo(implicit) >= 0 ? quantum + mantissaBits + bias : 0;
        if (field >= maxField) {
            return sign | maxField << mantissaBits;
        }
        int mantissa = n.subtract(field > 0 ? implicit : BigInteger.ZERO).intValueExact();
        return sign | field << mantissaBits | mantissa;
    }

    static int f32(float v) {
        return Float.floatToRawIntBits(v);
    }

    /** FP32 patterns of the values, padded with +0 to {@code length}. */
    static int[] padded(int length, float... values) {
        int[] bits = new int[length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Float.floatToRawIntBits(values[i]);
        }
        return bits;
    }

    /** FP32 patterns of the values. */
    static int[] bits(float... values) {
        return padded(values.length, values);
    }

    /** The float values of FP32 patterns. */
    static float[] floats(int[] bits) {
        float[] v = new float[bits.length];
        for (int i = 0; i < bits.length; i++) {
            v[i] = Float.intBitsToFloat(bits[i]);
        }
        return v;
    }

    /** The first {@code n} element codes. */
    static int[] codes(QuantizedBlocks q, int n) {
        int[] c = new int[n];
        for (int i = 0; i < n; i++) {
            c[i] = q.elementCode(i);
        }
        return c;
    }

    /** The scale codes. */
    static int[] scales(QuantizedBlocks q) {
        int[] c = new int[q.blockCount()];
        for (int i = 0; i < c.length; i++) {
            c[i] = q.scaleCode(i);
        }
        return c;
    }

    static String hex(int[] codes) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < codes.length; i++) {
            b.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%02X", codes[i]));
        }
        return b.append(']').toString();
    }
}
