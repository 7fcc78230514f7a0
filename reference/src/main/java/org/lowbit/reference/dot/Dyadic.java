package org.lowbit.reference.dot;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * An exact binary fraction m · 2^e (m an integer): every FP32 value, every product of FP32 values and
 * every sum of those is one, so the exact MX dot product never leaves this type and never rounds.
 * Normalized: m is odd, or m = 0 and e = 0, so that {@link #equals} compares values.
 *
 * <p>{@link #roundToFloat32Bits()} is the one place that rounds: IEEE 754-2019 §4.3.1
 * roundTiesToEven to binary32, with gradual underflow and overflow to ±Inf (§7.4).
 */
final class Dyadic implements Comparable<Dyadic> {
    static final Dyadic ZERO = new Dyadic(BigInteger.ZERO, 0);
    static final Dyadic ONE = new Dyadic(BigInteger.ONE, 0);

    /** binary32: 24 significand bits (precision p), the smallest quantum 2^-149. */
    private static final int PRECISION = 24;
    private static final int MIN_QUANTUM_EXPONENT = -149;
    private static final int FLOAT32_INFINITY = 0x7F800000;

    private final BigInteger unscaled;
    private final int exponent;

    private Dyadic(BigInteger unscaled, int exponent) {
        this.unscaled = unscaled;
        this.exponent = exponent;
    }

    /** m · 2^e. */
    static Dyadic of(BigInteger m, int e) {
        if (m.signum() == 0) {
            return ZERO;
        }
        int trailingZeros = m.getLowestSetBit();
        return new Dyadic(m.shiftRight(trailingZeros), e + trailingZeros);
    }

    /** m · 2^e. */
    static Dyadic of(long m, int e) {
        return of(BigInteger.valueOf(m), e);
    }

    /** 2^e. */
    static Dyadic powerOfTwo(int e) {
        return new Dyadic(BigInteger.ONE, e);
    }

    /**
     * The exact value of a finite binary32 pattern (±0 both give {@link #ZERO}).
     *
     * @throws IllegalArgumentException for Inf and NaN patterns
     */
    static Dyadic ofFloat32Bits(int bits) {
        int biased = (bits >>> 23) & 0xFF;
        int fraction = bits & 0x7FFFFF;
        if (biased == 0xFF) {
            throw new IllegalArgumentException(String.format("0x%08X is not a finite binary32 value", bits));
        }
        // E = 0: 0.M · 2^-126 = M · 2^-149;  otherwise 1.M · 2^(E-127) = (2^23 + M) · 2^(E-150)
        long significand = biased == 0 ? fraction : (1 << 23) | fraction;
        int e = biased == 0 ? MIN_QUANTUM_EXPONENT : biased - 150;
        return of(bits < 0 ? -significand : significand, e);
    }

    /** The exact value of a finite float. */
    static Dyadic ofFloat(float value) {
        return ofFloat32Bits(Float.floatToRawIntBits(value));
    }

    Dyadic add(Dyadic other) {
        if (other.unscaled.signum() == 0) {
            return this;
        }
        if (unscaled.signum() == 0) {
            return other;
        }
        int e = Math.min(exponent, other.exponent);
        BigInteger sum = unscaled.shiftLeft(exponent - e).add(other.unscaled.shiftLeft(other.exponent - e));
        return of(sum, e);
    }

    Dyadic subtract(Dyadic other) {
        return add(other.negate());
    }

    Dyadic multiply(Dyadic other) {
        if (unscaled.signum() == 0 || other.unscaled.signum() == 0) {
            return ZERO;
        }
        return new Dyadic(unscaled.multiply(other.unscaled), exponent + other.exponent); // odd · odd is odd
    }

    Dyadic negate() {
        return new Dyadic(unscaled.negate(), exponent);
    }

    Dyadic abs() {
        return unscaled.signum() < 0 ? negate() : this;
    }

    int signum() {
        return unscaled.signum();
    }

    boolean isZero() {
        return unscaled.signum() == 0;
    }

    /**
     * floor(log2 |this|), the exponent of its leading bit; only for nonzero values.
     */
    int leadingExponent() {
        return exponent + unscaled.bitLength() - 1;
    }

    @Override
    public int compareTo(Dyadic other) {
        return subtract(other).signum();
    }

    /** The exact decimal value (every binary fraction is a finite decimal: 2^-s = 5^s · 10^-s). */
    BigDecimal toBigDecimal() {
        if (exponent >= 0) {
            return new BigDecimal(unscaled.shiftLeft(exponent));
        }
        return new BigDecimal(unscaled.multiply(BigInteger.valueOf(5).pow(-exponent)), -exponent);
    }

    /**
     * This value rounded to binary32, ties to even; a nonzero value keeps its sign when it rounds to
     * zero, and {@link #ZERO} gives +0. With 2^E ≤ |x| &lt; 2^(E+1), the quantum is 2^q, q = max(E - 23,
     * -149) (below 2^-126 the spacing stays 2^-149: gradual underflow). n = |x| / 2^q is rounded to an
     * integer on its round bit (the first discarded bit) and sticky bit (any later one):
     * <pre>
     *   round  sticky  n odd   →  n + 1 ?
     *   0      any     any        no
     *   1      1       any        yes       (above the midpoint)
     *   1      0       yes        yes       (tie, to even)
     *   1      0       no         no        (tie, to even)
     * </pre>
     * The pattern is then ((q + 149) &lt;&lt; 23) + n, which holds for subnormals (q = -149, n &lt; 2^23),
     * normals (2^23 ≤ n &lt; 2^24) and a carry to n = 2^24 alike; a pattern at or above 0x7F800000 is an
     * overflow, which is ±Inf (§7.4: under roundTiesToEven every |x| ≥ 2^128 - 2^103 overflows).
     */
    int roundToFloat32Bits() {
        if (unscaled.signum() == 0) {
            return 0;
        }
        int sign = unscaled.signum() < 0 ? 0x80000000 : 0;
        BigInteger magnitude = unscaled.abs();
        int q = Math.max(leadingExponent() - (PRECISION - 1), MIN_QUANTUM_EXPONENT);
        int shift = q - exponent;
        long n;
        if (shift <= 0) {
            n = magnitude.shiftLeft(-shift).longValueExact(); // exact: fewer than 2^24
        } else {
            n = magnitude.shiftRight(shift).longValue(); // below 2^24 (or 0 far below 2^-149)
            boolean round = magnitude.testBit(shift - 1);
            boolean sticky = magnitude.getLowestSetBit() < shift - 1;
            if (round && (sticky || (n & 1) != 0)) {
                n++;
            }
        }
        long pattern = ((long) (q - MIN_QUANTUM_EXPONENT) << 23) + n;
        return sign | (int) Math.min(pattern, FLOAT32_INFINITY);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Dyadic d && exponent == d.exponent && unscaled.equals(d.unscaled);
    }

    @Override
    public int hashCode() {
        return 31 * unscaled.hashCode() + exponent;
    }

    @Override
    public String toString() {
        return unscaled + "*2^" + exponent;
    }
}
