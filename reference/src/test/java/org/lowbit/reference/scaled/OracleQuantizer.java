package org.lowbit.reference.scaled;

import java.math.BigDecimal;
import java.math.RoundingMode;
import org.lowbit.reference.exact.ExactCodec;
import org.lowbit.reference.exact.ExactValue;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.ElementProfile;
import org.lowbit.spec.ScaledFormat.Family;
import org.lowbit.spec.ScaledFormat;
import org.lowbit.spec.ScaledKnobs;
import org.lowbit.spec.ScaledPolicies.FloatZero;
import org.lowbit.spec.ScaledPolicies.Precision;
import org.lowbit.spec.ScaledPolicies.QuantizerRule;
import org.lowbit.spec.ScaledPolicies.ScalarDivision;
import org.lowbit.spec.ScaledPolicies.ScaleApplication;
import org.lowbit.spec.ScaledPolicies.ScaleRounding;
import org.lowbit.spec.ScaledPolicies.Tail;
import org.lowbit.spec.ScaledPolicies.ZeroScale;
import org.lowbit.spec.SpecialPolicies.IntegerRange;

/**
 * A second implementation of SPEC.md §11.3, written from the text on the test side: every
 * operation is an exact {@link Rational} rounded once by {@link Rational#round}; integer rounding uses
 * {@link BigDecimal#setScale}; FP8 codes come from the BigDecimal {@link ExactCodec}. It shares no
 * arithmetic with {@code BlockRules}, {@code Arithmetic} or {@code FloatRounding}.
 *
 * <p>Besides codes, scales and zeros it keeps, per element, the value v that was rounded to the integer
 * (the computed quotient, or x·i + zero for HQQ, or x·id + 8.5 for GGUF Q4_0), for the property tests.
 */
final class OracleQuantizer {
    private OracleQuantizer() {}

    record Result(int[] codes, int[] scales, int[] zeros, double[] quotient, double[] scaleUsed) {}

    private static final double NAN = Double.NaN;

    static Result quantize(float[] x, int rows, int cols, ScaledFormat format, ScaledKnobs k) {
        int br = format.blockRowsSpec() == ScaledFormat.Extent.WHOLE ? rows : format.blockRowsSpec();
        int bc = switch (format.blockColsSpec()) {
            case ScaledFormat.Extent.WHOLE -> cols;
            case ScaledFormat.Extent.GROUP -> k.groupSize();
            default -> format.blockColsSpec();
        };
        if (k.tail() == Tail.REJECT && (rows % br != 0 || cols % bc != 0)) {
            throw new IllegalArgumentException("ragged");
        }
        int sr = (rows + br - 1) / br;
        int sc = (cols + bc - 1) / bc;
        int[] codes = new int[rows * cols];
        double[] quotient = new double[rows * cols];
        double[] scaleUsed = new double[sr * sc];
        int[] scales = new int[sr * sc];
        boolean storesZero = switch (k.zeroPoint()) {
            case INTEGER, FLOAT, MIN -> true;
            default -> false;
        };
        int[] zeros = new int[storesZero ? sr * sc : 0];
        Precision p = k.arithmetic();
        for (int bi = 0; bi < sr; bi++) {
            for (int bj = 0; bj < sc; bj++) {
                int b = bi * sc + bj;
                double[] v = new double[br * bc];
                int[] index = new int[br * bc];
                java.util.Arrays.fill(index, -1);
                for (int i = 0; i < br; i++) {
                    for (int j = 0; j < bc; j++) {
                        int r = bi * br + i;
                        int c = bj * bc + j;
                        if (r < rows && c < cols) {
                            v[i * bc + j] = Math.copySign(Rational.of(x[r * cols + c]).round(p), x[r * cols + c]);
                            index[i * bc + j] = r * cols + c;
                        }
                    }
                }
                Block block = switch (k.rule()) {
                    case ABSMAX, ABSMAX_HALF_STEP -> absmax(v, format, k);
                    case AWQ_MIN_MAX -> awq(v, k);
                    case GPTQ_SYMMETRIC, GPTQ_ASYMMETRIC -> gptq(v, k);
                    case HQQ_MIN_MAX -> hqq(v, k);
                    case GGUF_Q4_0 -> q40(v, k.scaleDtype());
                    case GGUF_Q4_1 -> q41(v, k.scaleDtype());
                };
                scaleUsed[b] = block.scale;
                scales[b] = bits(k.scaleDtype(), block.stored);
                if (storesZero) {
                    zeros[b] = k.zeroPoint() == org.lowbit.spec.ScaledPolicies.ZeroPoint.INTEGER
                               ? (int) block.zero : bits(k.scaleDtype(), block.zero);
                }
                for (int i = 0; i < v.length; i++) {
                    if (index[i] >= 0) {
                        codes[index[i]] = block.codes[i];
                        quotient[index[i]] = block.t[i];
                    }
                }
            }
        }
        return new Result(codes, scales, zeros, quotient, scaleUsed);
    }

    private record Block(double scale, double stored, double zero, int[] codes, double[] t) {}

    // ---- operations, each exact then rounded once ------------------------------------------------

    private static double r(Precision p, Rational v) { return v.round(p); }

    private static Rational q(double x) { return Rational.of(x); }

    /** IEEE 754 §6.3: an exact zero sum is +0 under RNE, unless both addends are −0. */
    private static double add(Precision p, double a, double b) {
        if (!Double.isFinite(a) || !Double.isFinite(b)) {
            return a + b; // ±Inf and NaN follow IEEE 754 §6.1, §6.2
        }
        double v = r(p, q(a).add(q(b)));
        if (v == 0) {
            boolean negative = Double.compare(a, 0.0) < 0 && Double.compare(b, 0.0) < 0
                               && 1 / a < 0 && 1 / b < 0;
            return negative ? -0.0 : 0.0;
        }
        return v;
    }

    private static double sub(Precision p, double a, double b) { return add(p, a, -b); }

    /** The sign of a zero product or quotient is the exclusive or of the operands' signs. */
    private static double signedZero(double v, double a, double b) {
        return v == 0 ? ((Math.copySign(1, a) * Math.copySign(1, b) < 0) ? -0.0 : 0.0) : v;
    }

    private static double mul(Precision p, double a, double b) {
        if (Double.isNaN(a) || Double.isNaN(b)) {
            return NAN;
        }
        if (Double.isInfinite(a) || Double.isInfinite(b)) {
            return (a == 0 || b == 0) ? NAN : Math.copySign(1, a) * Math.copySign(1, b) * Double.POSITIVE_INFINITY;
        }
        return signedZero(r(p, q(a).multiply(q(b))), a, b);
    }

    private static double div(Precision p, double a, double b) {
        if (b == 0) {
            return a == 0 ? NAN : Math.copySign(1, a) * Math.copySign(1, b) * Double.POSITIVE_INFINITY;
        }
        return signedZero(r(p, q(a).divide(q(b))), a, b);
    }

    /** x ⊘ c: one division, or PyTorch CUDA's fl32(x · fl32(1/c)) then rounded to p. */
    private static double divConstant(Precision p, ScalarDivision mode, double x, double c) {
        if (mode == ScalarDivision.DIVIDE) {
            return div(p, x, c);
        }
        double inverse = div(Precision.FP32, 1, c);
        double t = mul(Precision.FP32, x, inverse);
        return Math.copySign(r(p, Rational.of(t)), t);
    }

    /** c ⊘ x: one division, or PyTorch's x.reciprocal() * c. */
    private static double constantDiv(Precision p, ScalarDivision mode, double c, double x) {
        if (mode == ScalarDivision.DIVIDE) {
            return div(p, c, x);
        }
        double reciprocal = div(p, 1, x);
        double t = mul(Precision.FP32, reciprocal, c);
        return Double.isFinite(t) ? Math.copySign(r(p, Rational.of(t)), t) : t;
    }

    private static double apply(Precision p, ScaleApplication a, double x, double s) {
        return a == ScaleApplication.DIVIDE ? div(p, x, s) : mul(p, x, s != 0 ? div(p, 1, s) : 0);
    }

    /** torch.round: RNE to an integer, the sign of a zero result kept (round(−0.4) = −0). */
    private static double rne(double t) {
        if (!Double.isFinite(t)) {
            return t; // an FP16 quotient can overflow (a constant group in AWQ's fp16): the clamp takes it
        }
        return Math.copySign(new BigDecimal(t).setScale(0, RoundingMode.HALF_EVEN).doubleValue(), t);
    }

    /** A value stored in a narrower dtype: RNE, the sign of zero kept. */
    private static double narrow(Precision p, double v) {
        return Math.copySign(r(p, q(v)), v);
    }

    /** Clamp; a NaN (0/0 in a zero-range block without a floor) becomes 0, as the spec's code rule says. */
    private static double clamp(double x, double lo, double hi) {
        return Double.isNaN(x) ? 0 : Math.max(lo, Math.min(hi, x));
    }

    private static double floorLiteral(Precision p, double literal) {
        return Rational.of(Rational.of(literal).round(Precision.FP32)).round(p);
    }

    private static int bits(Precision p, double v) {
        float f = (float) v; // v is a value of p, so exactly a float
        return switch (p) {
            case FP32 -> Float.floatToRawIntBits(f);
            case FP16 -> Float.floatToFloat16(f) & 0xFFFF;
            case BF16 -> Float.floatToRawIntBits(f) >>> 16;
        };
    }

    // ---- the rules ------------------------------------------------------------------------------

    private static Block absmax(double[] v, ScaledFormat format, ScaledKnobs k) {
        Precision p = k.arithmetic();
        Family family = format.family();
        double amax = 0;
        for (double x : v) {
            amax = Math.max(amax, Math.abs(x));
        }
        if (k.amaxFloor() > 0) {
            amax = Math.max(amax, floorLiteral(p, k.amaxFloor()));
        }
        double divisor = k.rule() == QuantizerRule.ABSMAX_HALF_STEP ? (family.qmax() - family.qmin()) / 2.0 : family.qmax();
        double s = divConstant(p, k.scalarDivision(), amax, divisor);
        if (k.scaleRounding() == ScaleRounding.UE8M0_CEIL) {
            // the least power of two ≥ s, its exponent clamped to [−126, 127]
            int e = s == 0 ? -126 : Rational.of(s).floorLog2();
            if (s != Math.scalb(1.0, e)) {
                e++;
            }
            s = Math.scalb(1.0, Math.max(-126, Math.min(127, e)));
        }
        if (s == 0 && k.zeroScale() == ZeroScale.EPSILON) {
            s = k.scaleDtype().epsilon();
        }
        double factor = switch (k.application()) {
            case DIVIDE -> NAN;
            case RECIPROCAL_MULTIPLY -> s != 0 ? div(p, 1, s) : 0;
            case QMAX_OVER_AMAX_MULTIPLY -> constantDiv(p, k.scalarDivision(), divisor, amax);
        };
        int[] codes = new int[v.length];
        double[] t = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            t[i] = k.application() == ScaleApplication.DIVIDE ? div(p, v[i], s) : mul(p, v[i], factor);
            if (family == Family.FP8_E4M3) {
                ExactValue ev = Double.isNaN(t[i]) ? ExactValue.ofNaN(false) : ExactValue.ofDouble(t[i]);
                codes[i] = ExactCodec.encode(ev, ElementFormat.FP8_E4M3,
                        ElementProfile.OCP.knobsFor(ElementFormat.FP8_E4M3).withOverflow(k.fp8Overflow()));
            } else {
                int lo = k.range() == IntegerRange.FULL ? family.qmin() : -family.qmax();
                codes[i] = integer(t[i], k, lo, family.qmax(), family == Family.INT8 ? 0xFF : 0xF);
            }
        }
        return new Block(s, narrow(k.scaleDtype(), s), 0, codes, t);
    }

    private static int integer(double t, ScaledKnobs k, int lo, int hi, int mask) {
        if (Double.isNaN(t)) {
            return 0;
        }
        double n;
        if (Double.isInfinite(t)) {
            n = t;
        } else {
            RoundingMode mode = switch (k.rounding()) {
                case RNE -> RoundingMode.HALF_EVEN;
                case RNA -> RoundingMode.HALF_UP;   // BigDecimal's HALF_UP is ties away from zero
                case RZ -> RoundingMode.DOWN;
                case HALF_UP_F32 -> throw new IllegalStateException();
            };
            n = new BigDecimal(t).setScale(0, mode).doubleValue();
        }
        return (int) clamp(n, lo, hi) & mask;
    }

    private static Block awq(double[] v, ScaledKnobs k) {
        Precision p = k.arithmetic();
        double mx = Double.NEGATIVE_INFINITY;
        double mn = Double.POSITIVE_INFINITY;
        for (double x : v) {
            mx = Math.max(mx, x);
            mn = Math.min(mn, x);
        }
        double range = sub(p, mx, mn);
        if (k.amaxFloor() > 0) {
            range = Math.max(range, floorLiteral(p, k.amaxFloor()));
        }
        double s = divConstant(p, k.scalarDivision(), range, 15);
        double z = clamp(-rne(apply(p, k.application(), mn, s)), 0, 15) + 0.0;
        int[] codes = new int[v.length];
        double[] t = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            t[i] = apply(p, k.application(), v[i], s);
            codes[i] = (int) clamp(add(p, rne(t[i]), z), 0, 15);
        }
        return new Block(s, narrow(k.scaleDtype(), s), z, codes, t);
    }

    private static Block gptq(double[] v, ScaledKnobs k) {
        Precision p = k.arithmetic();
        double mx = 0;
        double mn = 0;
        for (double x : v) {
            mx = Math.max(mx, x);
            mn = Math.min(mn, x);
        }
        if (k.rule() == QuantizerRule.GPTQ_SYMMETRIC) {
            mx = Math.max(-mn, mx);
            if (mn < 0) {
                mn = -mx;
            }
        }
        if (mn == 0 && mx == 0) {
            mn = -1;
            mx = 1;
        }
        double s = divConstant(p, k.scalarDivision(), sub(p, mx, mn), 15);
        double z = k.rule() == QuantizerRule.GPTQ_SYMMETRIC ? 8 : rne(apply(p, k.application(), -mn, s)) + 0.0;
        int[] codes = new int[v.length];
        double[] t = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            t[i] = apply(p, k.application(), v[i], s);
            codes[i] = (int) clamp(add(p, rne(t[i]), z), 0, 15);
        }
        return new Block(s, narrow(k.scaleDtype(), s), z, codes, t);
    }

    private static Block hqq(double[] v, ScaledKnobs k) {
        Precision p = k.arithmetic();
        double mx = Double.NEGATIVE_INFINITY;
        double mn = Double.POSITIVE_INFINITY;
        for (double x : v) {
            mx = Math.max(mx, x);
            mn = Math.min(mn, x);
        }
        double denom = sub(p, mx, mn);
        double inverse = constantDiv(p, k.scalarDivision(), 15, denom);
        if (Math.abs(denom) <= floorLiteral(p, 1e-4)) {
            inverse = 1;
        }
        inverse = Math.min(inverse, 2e4);
        double zero = mul(p, -mn, inverse);
        if (k.floatZero() == FloatZero.ROUNDED) {
            zero = rne(zero);
        }
        int[] codes = new int[v.length];
        double[] t = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            t[i] = add(p, mul(p, v[i], inverse), zero);
            codes[i] = (int) clamp(rne(t[i]), 0, 15);
        }
        double scale = div(p, 1, inverse);
        return new Block(scale, narrow(k.scaleDtype(), scale), narrow(k.scaleDtype(), zero), codes, t);
    }

    private static Block q40(double[] v, Precision stored) {
        Precision f = Precision.FP32;
        double amax = 0;
        double max = 0;
        for (double x : v) {
            if (amax < Math.abs(x)) {
                amax = Math.abs(x);
                max = x;
            }
        }
        double d = div(f, max, -8);
        double id = d != 0 ? div(f, 1, d) : 0;
        int[] codes = new int[v.length];
        double[] t = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            t[i] = add(f, mul(f, v[i], id), 8.5);
            codes[i] = Math.min(15, new BigDecimal(t[i]).setScale(0, RoundingMode.DOWN).intValueExact());
        }
        return new Block(d, narrow(stored, d), 0, codes, t);
    }

    private static Block q41(double[] v, Precision stored) {
        Precision f = Precision.FP32;
        double mn = Float.MAX_VALUE;
        double mx = -Float.MAX_VALUE;
        for (double x : v) {
            mn = Math.min(mn, x);
            mx = Math.max(mx, x);
        }
        double d = div(f, sub(f, mx, mn), 15);
        double id = d != 0 ? div(f, 1, d) : 0;
        int[] codes = new int[v.length];
        double[] t = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            t[i] = add(f, mul(f, sub(f, v[i], mn), id), 0.5);
            codes[i] = Math.min(15, new BigDecimal(t[i]).setScale(0, RoundingMode.DOWN).intValueExact());
        }
        return new Block(d, narrow(stored, d), narrow(stored, mn), codes, t);
    }
}
