package org.lowbit.reference.scaled;

import org.lowbit.spec.ScaledPolicies.Precision;
import org.lowbit.spec.ScaledPolicies.ScalarDivision;

/**
 * One IEEE operation in a given precision, rounded once (RNE), on operands that are values of that
 * precision (carried as exact doubles).
 *
 * <p>FP32 uses Java {@code float} arithmetic, which is IEEE binary32 with RNE per operation (JLS §15.4,
 * strict since Java 17); no {@code Math.fma} anywhere, so no operation is fused.
 *
 * <p>FP16 and BF16 compute in {@code double} and round once with {@link FloatRounding#round}:
 * <ul>
 *   <li>a product of two FP16 or BF16 values needs at most 22 significant bits, and a sum of two FP16
 *       values (multiples of 2^-24 below 2^16) at most 41: both are exact in a double, so the one
 *       rounding is the only one;</li>
 *   <li>a BF16 sum and any quotient are rounded to double first. That double rounding is innocuous:
 *       for p-bit operands, rounding to q bits and then to p bits equals rounding to p bits directly
 *       when q ≥ 2p + 1 for + and −, and q ≥ 2p + 2 for ÷ (S. A. Figueroa, "When is double rounding
 *       innocuous?", SIGNUM Newsletter 30(3), 1995); here q = 53 ≥ 24. Results in the subnormal range
 *       are exact (sums) or keep the same margin (quotients). The tests check every operation against
 *       an exact BigDecimal oracle.</li>
 * </ul>
 * This is also why PyTorch's half-precision ops, which compute in float and round the float result to
 * half (its "opmath" type), give the correctly rounded FP16 result: 24 ≥ 2·11 + 2.
 */
final class Arithmetic {
    private Arithmetic() {}

    static double add(Precision p, double a, double b) {
        return p == Precision.FP32 ? (double) ((float) a + (float) b) : FloatRounding.round(p, a + b);
    }

    static double sub(Precision p, double a, double b) {
        return p == Precision.FP32 ? (double) ((float) a - (float) b) : FloatRounding.round(p, a - b);
    }

    static double mul(Precision p, double a, double b) {
        return p == Precision.FP32 ? (double) ((float) a * (float) b) : FloatRounding.round(p, a * b);
    }

    static double div(Precision p, double a, double b) {
        return p == Precision.FP32 ? (double) ((float) a / (float) b) : FloatRounding.round(p, a / b);
    }

    /**
     * x divided by a constant c. DIVIDE: one IEEE division in {@code p}. RECIPROCAL_MULTIPLY, PyTorch's
     * CUDA {@code tensor / scalar}: inv = fl32(1/c) (from the double quotient, as {@code
     * BinaryDivTrueKernel.cu} does), then fl32(x · inv) in the op-math type FP32, then rounded to
     * {@code p} (a second rounding when p is FP16 or BF16, as PyTorch's cast back does).
     */
    static double divByConstant(Precision p, ScalarDivision mode, double x, double c) {
        if (mode == ScalarDivision.DIVIDE) {
            return div(p, x, c);
        }
        float inverse = (float) (1.0 / c);
        return FloatRounding.round(p, (float) x * inverse);
    }

    /**
     * A constant c divided by x. DIVIDE: one IEEE division in {@code p}. RECIPROCAL_MULTIPLY, PyTorch's
     * {@code scalar / tensor} = {@code tensor.reciprocal() * scalar}: r = 1/x rounded to p, then
     * fl32(r · c) rounded to p.
     */
    static double constantDivBy(Precision p, ScalarDivision mode, double c, double x) {
        if (mode == ScalarDivision.DIVIDE) {
            return div(p, c, x);
        }
        double reciprocal = div(p, 1, x);
        return FloatRounding.round(p, (float) reciprocal * (float) c);
    }

    /** A constant or an input brought into {@code p} (RNE), as a cast or a scalar conversion does. */
    static double of(Precision p, double x) {
        return FloatRounding.round(p, x);
    }

    /** IEEE maxNum of two non-NaN values (the larger; +0 over −0 is not needed here). */
    static double max(double a, double b) {
        return a >= b ? a : b;
    }

    static double min(double a, double b) {
        return a <= b ? a : b;
    }
}
