package org.lowbit.reference.dot;

import java.math.BigDecimal;
import java.util.Objects;
import org.lowbit.reference.exact.ExactValue;

/**
 * What an MX dot product with FP32 accumulation may return, in any order of summation: the exact
 * result c, a rigorous bound B on |ĉ - c| for a finite computed ĉ, and whether overflow or NaN may
 * legitimately occur. {@link MxDot#errorBound} computes it; {@link #admits} applies it. The model and
 * its proof are in {@link MxDot} ("The error bound") and SPEC.md §10.4.
 *
 * <p>The acceptance rule, by the kind of the exact result:
 * <pre>
 *   exact     computed ĉ accepted when
 *   NaN       ĉ is NaN                                 (every FP32 evaluation gives NaN)
 *   ±Inf      ĉ is the same infinity; or ĉ is NaN and {@code nanPossible}
 *   finite    ĉ finite and |ĉ - c| ≤ B; or ĉ is ±Inf or NaN and {@code overflowPossible}
 * </pre>
 *
 * @param exact            c, the exact result (OCP MX v1.0 §6.2, times the per-tensor scales)
 * @param bound            B, rounded up, ≥ 0; meaningful when c is finite
 * @param magnitudeSum     T = Σ |S_j · p_ji| over the finite terms, exact
 * @param flushableSum     T_0, the part of T in blocks with S_j ≤ 2^-150, whose FP32 scale product is 0
 * @param depth            D = n·k + 1, the most roundings on the way from one term to the result
 * @param overflowPossible whether some FP32 evaluation allowed by the model may overflow
 * @param nanPossible      for an infinite c: whether some allowed evaluation gives NaN instead
 */
public record DotErrorBound(ExactValue exact, BigDecimal bound, BigDecimal magnitudeSum, BigDecimal flushableSum,
                            int depth, boolean overflowPossible, boolean nanPossible) {

    public DotErrorBound {
        Objects.requireNonNull(exact, "exact");
        Objects.requireNonNull(bound, "bound");
        Objects.requireNonNull(magnitudeSum, "magnitudeSum");
        Objects.requireNonNull(flushableSum, "flushableSum");
        if (bound.signum() < 0) {
            throw new IllegalArgumentException("a bound is ≥ 0, got " + bound);
        }
    }

    /** Whether an FP32 result {@code computed} is one that an FP32 accumulation may return (table above). */
    public boolean admits(float computed) {
        return switch (exact.kind()) {
            case NAN -> Float.isNaN(computed);
            case INFINITY -> Float.isInfinite(computed) && (computed < 0) == exact.negative()
                             || Float.isNaN(computed) && nanPossible;
            case FINITE -> Float.isFinite(computed) ? error(computed).compareTo(bound) <= 0 : overflowPossible;
        };
    }

    /** {@link #admits(float)} of an FP32 bit pattern. */
    public boolean admitsFloat32Bits(int computedBits) {
        return admits(Float.intBitsToFloat(computedBits));
    }

    /**
     * |ĉ - c|, exactly, for a finite exact result and a finite {@code computed}.
     *
     * @throws IllegalArgumentException if either is not finite
     */
    public BigDecimal error(float computed) {
        if (!exact.isFinite() || !Float.isFinite(computed)) {
            throw new IllegalArgumentException("the error is defined for finite values only: exact " + exact
                                               + ", computed " + computed);
        }
        BigDecimal c = exact.negative() ? exact.magnitude().negate() : exact.magnitude();
        return new BigDecimal(computed).subtract(c).abs(); // new BigDecimal(double) is exact
    }

    @Override
    public String toString() {
        java.math.MathContext six = new java.math.MathContext(6);
        return "exact " + exact + ", |error| ≤ " + bound.round(six) + " (T = " + magnitudeSum.round(six)
               + (flushableSum.signum() == 0 ? "" : ", T_0 = " + flushableSum.round(six)) + ", D = " + depth + ")"
               + (overflowPossible ? ", overflow possible" : "") + (nanPossible ? ", NaN possible" : "");
    }
}
