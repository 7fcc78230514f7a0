package org.lowbit.reference.exact;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One side (positive or negative) of a format's value grid: the distinct finite magnitudes its codes
 * take, ascending, each with the code that has it, and the overflow point V above the top rung.
 *
 * <pre>
 *   rung:   0          1          2                 top          (V)
 *   |x|:    g_0   &lt;    g_1   &lt;    g_2   &lt; ... &lt;    g_top   &lt;    V = g_top + ulp(g_top)
 *   code:   c_0        c_1        c_2               c_top        (c_top + 1, not a code)
 * </pre>
 *
 * <p>V is the magnitude the format would have next if its exponent range were unbounded (IEEE 754-2019
 * §7.4: overflow is judged on the value rounded as if the exponent range were unbounded). A value that
 * rounds to V, or is ≥ V, overflows. V's would-be code is c_top + 1, so its parity (for ties to even)
 * is the opposite of c_top's: fp8_e4m3 max 448 = 0x7E (even), V = 480 (odd), so 464 ties down to 448;
 * fp8_e5m2 max 57344 = 0x7B (odd), V = 65536 (even), so 61440 ties up and overflows.
 *
 * <p>Rounding picks between the rungs lo &lt; |x| &lt; hi by {@link MagnitudeRounding}; see
 * {@link #round}. Ties to even pick the even code, except on the E8M0 ladder ({@link TieBreak}).
 */
final class Ladder {

    /** How {@link MagnitudeRounding#NEAREST_EVEN} breaks an exact tie. */
    enum TieBreak {
        /** The candidate whose code is even (IEEE 754-2019 §4.3.1 roundTiesToEven). */
        EVEN_CODE,
        /**
         * E8M0: there are no mantissa bits, so the bit that ties-to-even keeps is the implicit leading
         * 1 of every code: an odd bit, so an exact tie always carries up to the larger power of two
         * (1.5 → 2, 0.75 → 1). This is what ml_dtypes' RoundBitsToNearestEven and torch's e8m0 cast do
         * (mx-semantics.md §4.2, §7 D10). The one exception is a tie between code 0 acting as the value
         * 0 ({@code E8m0BottomBinade.CODE0_AS_ZERO}) and 2^-126: there the kept bit of 0 is 0, even, so
         * the tie stays at code 0 (ml_dtypes: 2^-127 → 0x00).
         */
        E8M0_IMPLICIT_BIT
    }

    private final BigDecimal[] magnitudes;
    private final int[] codes;
    private final BigDecimal overflowPoint;
    private final TieBreak tieBreak;

    /**
     * @param magnitudes    ascending, distinct, ≥ 0
     * @param codes         the code of each magnitude on this side
     * @param overflowPoint V, above the last magnitude
     */
    Ladder(BigDecimal[] magnitudes, int[] codes, BigDecimal overflowPoint, TieBreak tieBreak) {
        if (magnitudes.length == 0 || magnitudes.length != codes.length) {
            throw new IllegalArgumentException("a ladder needs one code per magnitude and at least one rung");
        }
        for (int i = 1; i < magnitudes.length; i++) {
            if (magnitudes[i - 1].compareTo(magnitudes[i]) >= 0) {
                throw new IllegalStateException("ladder magnitudes must ascend strictly: " + magnitudes[i - 1]
                                                + " then " + magnitudes[i]);
            }
        }
        if (overflowPoint.compareTo(magnitudes[magnitudes.length - 1]) <= 0) {
            throw new IllegalStateException("V = " + overflowPoint + " is not above the top rung");
        }
        this.magnitudes = magnitudes.clone();
        this.codes = codes.clone();
        this.overflowPoint = overflowPoint;
        this.tieBreak = tieBreak;
    }

    /** The same ladder with the bottom rung's magnitude replaced (E8M0 code 0 rounding as the value 0). */
    Ladder withBottomMagnitude(BigDecimal bottom) {
        BigDecimal[] changed = magnitudes.clone();
        changed[0] = bottom;
        return new Ladder(changed, codes, overflowPoint, tieBreak);
    }

    /** The ladder cut to the rungs with magnitude ≤ {@code limit}; V becomes the next rung above them. */
    Ladder cutAbove(BigDecimal limit) {
        int keep = 0;
        while (keep < magnitudes.length && magnitudes[keep].compareTo(limit) <= 0) {
            keep++;
        }
        if (keep == magnitudes.length) {
            return this;
        }
        return new Ladder(Arrays.copyOf(magnitudes, keep), Arrays.copyOf(codes, keep), magnitudes[keep], tieBreak);
    }

    /** Number of rungs; also the index {@link #round} returns for V. */
    int size() { return magnitudes.length; }

    BigDecimal magnitude(int rung) { return magnitudes[rung]; }

    int code(int rung) { return codes[rung]; }

    /** The code of the largest finite magnitude on this side: ±max, or the range end of an integer. */
    int topCode() { return codes[codes.length - 1]; }

    BigDecimal topMagnitude() { return magnitudes[magnitudes.length - 1]; }

    /** V. */
    BigDecimal overflowPoint() { return overflowPoint; }

    /**
     * The rung that the magnitude {@code m} > 0 rounds to, or {@link #size()} when it overflows.
     *
     * <ol>
     *   <li>m ≥ V: overflow, except that TOWARD_ZERO never overflows and gives the top rung.</li>
     *   <li>m equal to a rung: that rung, in every mode.</li>
     *   <li>m below the bottom rung (only E8M0 with code 0 = 2^-127): the bottom rung, in every mode,
     *       since there is nothing smaller.</li>
     *   <li>lo &lt; m &lt; hi (hi may be V): TOWARD_ZERO lo; AWAY_FROM_ZERO hi; NEAREST_* the closer one,
     *       a tie to {@link TieBreak} or away; STOCHASTIC hi iff floor(f · 2^32) + r ≥ 2^32 with
     *       f = (m - lo) / (hi - lo) and r the random bits as an unsigned 32-bit integer.</li>
     * </ol>
     */
    int round(BigDecimal m, MagnitudeRounding mode, int randomBits) {
        int overflow = magnitudes.length;
        if (m.compareTo(overflowPoint) >= 0) {
            return mode == MagnitudeRounding.TOWARD_ZERO ? overflow - 1 : overflow;
        }
        int found = Arrays.binarySearch(magnitudes, m); // BigDecimal.compareTo: by value, not scale
        if (found >= 0) {
            return found;
        }
        int hi = -found - 1; // first rung above m; == overflow means V
        if (hi == 0) {
            return 0;
        }
        int lo = hi - 1;
        BigDecimal loMagnitude = magnitudes[lo];
        BigDecimal hiMagnitude = hi == overflow ? overflowPoint : magnitudes[hi];
        boolean up = switch (mode) {
            case TOWARD_ZERO -> false;
            case AWAY_FROM_ZERO -> true;
            case NEAREST_EVEN, NEAREST_AWAY -> {
                // compare m with the midpoint (lo + hi) / 2, i.e. 2m with lo + hi
                int side = m.add(m).compareTo(loMagnitude.add(hiMagnitude));
                if (side != 0) {
                    yield side > 0;
                }
                yield mode == MagnitudeRounding.NEAREST_AWAY || tieGoesUp(lo, hi, loMagnitude);
            }
            case STOCHASTIC -> stochasticGoesUp(m, loMagnitude, hiMagnitude, randomBits);
        };
        return up ? hi : lo;
    }

    private boolean tieGoesUp(int lo, int hi, BigDecimal loMagnitude) {
        return switch (tieBreak) {
            case EVEN_CODE -> codeIsEven(hi);
            case E8M0_IMPLICIT_BIT -> loMagnitude.signum() != 0;
        };
    }

    /** Whether rung {@code rung}'s code is even; V's would-be code c_top + 1 for {@code rung == size()}. */
    private boolean codeIsEven(int rung) {
        if (rung == magnitudes.length) {
            return (topCode() & 1) != 0;
        }
        return (codes[rung] & 1) == 0;
    }

    private static final BigDecimal TWO_TO_32 = PowersOfTwo.exact(32);

    private static boolean stochasticGoesUp(BigDecimal m, BigDecimal lo, BigDecimal hi, int randomBits) {
        // F = floor((m - lo) · 2^32 / (hi - lo)), exactly: divide() with a scale and a rounding mode
        // returns the exact quotient rounded by that mode.
        BigDecimal scaledOffset = m.subtract(lo).multiply(TWO_TO_32);
        long f = scaledOffset.divide(hi.subtract(lo), 0, RoundingMode.FLOOR).longValueExact();
        return f + Integer.toUnsignedLong(randomBits) >= 1L << 32;
    }

    /**
     * Every magnitude at which rounding on this ladder can change its result, ascending: each rung, each
     * midpoint between neighbouring rungs, the midpoint between the top rung and V, and V.
     */
    List<BigDecimal> thresholds() {
        List<BigDecimal> thresholds = new ArrayList<>();
        BigDecimal two = BigDecimal.valueOf(2);
        for (int i = 0; i < magnitudes.length; i++) {
            BigDecimal next = i + 1 < magnitudes.length ? magnitudes[i + 1] : overflowPoint;
            thresholds.add(magnitudes[i]);
            thresholds.add(magnitudes[i].add(next).divide(two)); // exact: a dyadic number halved
        }
        thresholds.add(overflowPoint);
        return thresholds;
    }
}
