package org.lowbit.reference.exact;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * Exact powers of two as {@link BigDecimal}s. Every power of two is a finite decimal: for k ≥ 0, 2^k is
 * an integer; for k &lt; 0, 2^k = 5^-k · 10^k, which is {@code new BigDecimal(5^-k, -k)}. No
 * {@code double} is ever involved.
 *
 * <p>The exponents that binary64 needs, 2^-1074 (its smallest subnormal) up to 2^1023, are cached; the
 * cache fills lazily. The race on a cache slot is benign: {@link BigDecimal} is immutable, so any thread
 * sees either null (and computes the same value) or a fully built value.
 */
final class PowersOfTwo {
    private static final int MIN_CACHED = -1074; // binary64 min subnormal, 2^-1074
    private static final int MAX_CACHED = 1023;  // binary64 max exponent
    private static final BigInteger FIVE = BigInteger.valueOf(5);
    private static final BigDecimal[] CACHE = new BigDecimal[MAX_CACHED - MIN_CACHED + 1];

    private PowersOfTwo() {}

    /** 2^k, exactly. */
    static BigDecimal exact(int k) {
        if (k < MIN_CACHED || k > MAX_CACHED) {
            return compute(k);
        }
        BigDecimal cached = CACHE[k - MIN_CACHED];
        if (cached == null) {
            cached = compute(k);
            CACHE[k - MIN_CACHED] = cached;
        }
        return cached;
    }

    /** significand · 2^k, exactly. */
    static BigDecimal times(long significand, int k) {
        return BigDecimal.valueOf(significand).multiply(exact(k));
    }

    private static BigDecimal compute(int k) {
        return k >= 0 ? new BigDecimal(BigInteger.ONE.shiftLeft(k))
                      : new BigDecimal(FIVE.pow(-k), -k);
    }
}
