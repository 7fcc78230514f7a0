package org.lowbit.reference.exact;

import org.lowbit.spec.Rounding;

/**
 * A rounding rule on the magnitude |x|, which is what the ladder search works on. The signed modes of
 * {@link Rounding} map onto these by the sign of x (IEEE 754-2019 §4.3.2: roundTowardPositive rounds a
 * positive value away from zero and a negative one toward zero):
 *
 * <pre>
 *   mode   x &gt; 0            x &lt; 0
 *   RNE    NEAREST_EVEN     NEAREST_EVEN
 *   RNA    NEAREST_AWAY     NEAREST_AWAY
 *   RZ     TOWARD_ZERO      TOWARD_ZERO
 *   RU     AWAY_FROM_ZERO   TOWARD_ZERO
 *   RD     TOWARD_ZERO      AWAY_FROM_ZERO
 *   SR     STOCHASTIC       STOCHASTIC
 * </pre>
 */
enum MagnitudeRounding {
    /** The nearer neighbour; a tie goes to the even code (E8M0: see {@link Ladder}). */
    NEAREST_EVEN,
    /** The nearer neighbour; a tie goes to the larger magnitude. */
    NEAREST_AWAY,
    /** The smaller neighbour; never overflows. */
    TOWARD_ZERO,
    /** The larger neighbour. */
    AWAY_FROM_ZERO,
    /** The larger neighbour with probability (|x| - lo) / (hi - lo), decided by 32 random bits. */
    STOCHASTIC;

    /** The magnitude rule that {@code rounding} applies to a nonzero value of the given sign. */
    static MagnitudeRounding of(Rounding rounding, boolean negative) {
        return switch (rounding) {
            case RNE -> NEAREST_EVEN;
            case RNA -> NEAREST_AWAY;
            case RZ -> TOWARD_ZERO;
            case RU -> negative ? TOWARD_ZERO : AWAY_FROM_ZERO;
            case RD -> negative ? AWAY_FROM_ZERO : TOWARD_ZERO;
            case SR -> STOCHASTIC;
        };
    }
}
