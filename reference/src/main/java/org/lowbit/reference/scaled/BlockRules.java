package org.lowbit.reference.scaled;

import static org.lowbit.reference.scaled.Arithmetic.add;
import static org.lowbit.reference.scaled.Arithmetic.div;
import static org.lowbit.reference.scaled.Arithmetic.mul;
import static org.lowbit.reference.scaled.Arithmetic.sub;

import java.util.Locale;
import org.lowbit.reference.ElementCodec;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.ElementKnobs;
import org.lowbit.spec.ElementProfile;
import org.lowbit.spec.ScaledFormat.Family;
import org.lowbit.spec.ScaledFormat;
import org.lowbit.spec.ScaledKnobs;
import org.lowbit.spec.ScaledPolicies.CodeRounding;
import org.lowbit.spec.ScaledPolicies.FloatZero;
import org.lowbit.spec.ScaledPolicies.Precision;
import org.lowbit.spec.ScaledPolicies.QuantizerRule;
import org.lowbit.spec.ScaledPolicies.ScaleApplication;
import org.lowbit.spec.ScaledPolicies.ScaleRounding;
import org.lowbit.spec.ScaledPolicies.ZeroScale;
import org.lowbit.spec.SpecialPolicies.IntegerRange;

/**
 * One block's scale, zero point and codes, by each {@link QuantizerRule}'s op sequence
 * (SPEC.md §11 S.3). Every value is carried as an exact double of the arithmetic precision P
 * ({@code knobs.arithmetic()}); {@code add/sub/mul/div} are single IEEE operations rounded to P;
 * {@code rint} is RNE to an integer (exact); comparisons, |x|, negation and max/min are exact.
 *
 * <p>The block's values arrive already rounded to P and include zeros for padded positions; codes are
 * returned for every position and the caller keeps those of present elements.
 */
final class BlockRules {
    private BlockRules() {}

    /** One block's result: the stored scale and zero (bits or integer; 0 when there is none) and the codes. */
    record Block(int scaleBits, int zero, int[] codes) {}

    // FP32 literals of the systems, each as its C or Python source writes it:
    private static final double HQQ_SMALL_RANGE = 1e-4; // hqq: torch.where(denom.abs() <= 1e-4, 1.0, scale)
    private static final double HQQ_MAX_INVERSE = 2e4;  // hqq: scale.clamp(max=2e4)
    private static final int UINT4_MAX = 15;            // 2^4 − 1: AWQ max_int, GPTQ maxq, HQQ max_v

    static Block quantize(double[] values, ScaledFormat format, ScaledKnobs knobs) {
        return switch (knobs.rule()) {
            case ABSMAX, ABSMAX_HALF_STEP -> absmax(values, format, knobs);
            case AWQ_MIN_MAX -> awq(values, knobs);
            case GPTQ_SYMMETRIC, GPTQ_ASYMMETRIC -> gptq(values, knobs);
            case HQQ_MIN_MAX -> hqq(values, knobs);
            case GGUF_Q4_0 -> ggufQ40(values, knobs);
            case GGUF_Q4_1 -> ggufQ41(values, knobs);
        };
    }

    // ---------------------------------------------------------------------------------------------
    // ABSMAX and ABSMAX_HALF_STEP: SmoothQuant, vLLM, compressed-tensors, GGUF Q8_0, DeepSeek-V3,
    // DeepGEMM, AWQ without zero point (int-packing §1.1, §5.4, §6.2-§6.6).
    //
    //   amax = max |x|                         exact
    //   amax = max(amax, P(floor))             the amaxFloor knob (0: skipped)
    //   s    = amax ⊘ divisor                  P; divisor qmax (127, 7, 448) or (qmax − qmin)/2 (127.5, 7.5)
    //   s    = ceil_to_ue8m0(s)                scaleRounding UE8M0_CEIL only
    //   s    = eps(scale dtype) if s == 0      zeroScale EPSILON only
    //   t    = x / s | x · (1/s) | x · (divisor ⊘ amax)  the application knob, each operation in P
    //   code = clamp(round(t)) | e4m3(t)
    //
    // ⊘ is the scalarDivision knob: one IEEE division, or PyTorch-on-CUDA's x · fl32(1/c) (c ⊘ x: fl(1/x) · c).

    private static Block absmax(double[] values, ScaledFormat format, ScaledKnobs knobs) {
        Precision p = knobs.arithmetic();
        double amax = 0;
        for (double x : values) {
            amax = Arithmetic.max(amax, Math.abs(x));
        }
        if (knobs.amaxFloor() > 0) {
            amax = Arithmetic.max(amax, floorIn(p, knobs.amaxFloor()));
        }
        double divisor = divisor(format, knobs.rule());
        double s = Arithmetic.divByConstant(p, knobs.scalarDivision(), amax, divisor);
        if (knobs.scaleRounding() == ScaleRounding.UE8M0_CEIL) {
            s = ceilToUe8m0(s);
        }
        if (s == 0 && knobs.zeroScale() == ZeroScale.EPSILON) {
            s = Arithmetic.of(p, knobs.scaleDtype().epsilon());
        }
        requireFinite(s, "scale", knobs);
        return new Block(FloatRounding.roundToBits(knobs.scaleDtype(), s), 0,
                absmaxCodes(values, s, amax, format, knobs));
    }

    /**
     * Codes for a known scale: the application knob, then the element conversion. {@code amax} is used
     * only by QMAX_OVER_AMAX_MULTIPLY. A NaN quotient (0/0 or 0·Inf, only without an amax floor) is taken
     * as the positive quiet NaN, as CUDA's arithmetic makes it (x86's default NaN is negative, and Java
     * keeps whatever the CPU makes): {@code Float.floatToIntBits} canonicalizes it.
     */
    static int[] absmaxCodes(double[] values, double s, double amax, ScaledFormat format, ScaledKnobs knobs) {
        Precision p = knobs.arithmetic();
        ScaleApplication application = knobs.application();
        double factor = switch (application) {
            case DIVIDE -> Double.NaN; // not used
            case RECIPROCAL_MULTIPLY -> s != 0 ? div(p, 1, s) : 0; // ggml: id = d ? 1.0f/d : 0.0f
            case QMAX_OVER_AMAX_MULTIPLY -> // vLLM 127.0f / absmax; DeepGEMM's first 448.0 / x_amax
                    Arithmetic.constantDivBy(p, knobs.scalarDivision(), divisor(format, knobs.rule()), amax);
        };
        ElementFormat element = format.elementFormat(knobs.rule());
        ElementKnobs fp8 = format.family() == Family.FP8_E4M3
                           ? ElementProfile.OCP.knobsFor(ElementFormat.FP8_E4M3).withOverflow(knobs.fp8Overflow())
                           : null;
        int lo = knobs.range() == IntegerRange.FULL ? format.family().qmin() : -format.family().qmax();
        int hi = format.family().qmax();
        int[] codes = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            double t = application == ScaleApplication.DIVIDE ? div(p, values[i], s) : mul(p, values[i], factor);
            codes[i] = fp8 != null
                       ? ElementCodec.encodeFloat32(Float.floatToIntBits((float) t), ElementFormat.FP8_E4M3, fp8)
                       : integerCode(t, knobs.rounding(), lo, hi, element);
        }
        return codes;
    }

    /** divisor: qmax for ABSMAX (int8 127, int4 7, fp8 448); (qmax − qmin)/2 for ABSMAX_HALF_STEP. */
    static double divisor(ScaledFormat format, QuantizerRule rule) {
        Family family = format.family();
        return rule == QuantizerRule.ABSMAX_HALF_STEP ? (family.qmax() - family.qmin()) / 2.0 : family.qmax();
    }

    /**
     * DeepGEMM {@code ceil_to_ue8m0}: e = biased exponent of |s| + (mantissa ≠ 0), clamped to [1, 254];
     * the result is 2^(e − 127) (int-packing §6.6).
     */
    static double ceilToUe8m0(double s) {
        int bits = Float.floatToRawIntBits(Math.abs((float) s));
        int e = ((bits >>> 23) & 0xFF) + ((bits & 0x7FFFFF) != 0 ? 1 : 0);
        e = Math.min(Math.max(e, 1), 254);
        return Float.intBitsToFloat(e << 23);
    }

    // ---------------------------------------------------------------------------------------------
    // AWQ_MIN_MAX: AutoAWQ pseudo_quantize_tensor with zero_point=True (int-packing §1.1).
    //
    //   mx, mn = max x, min x                    exact
    //   r  = mx − mn                             P
    //   r  = max(r, P(floor))                    clamp(min=1e-5)
    //   s  = r ⊘ 15                              P (⊘: the scalarDivision knob)
    //   z  = clamp(−round(apply(mn, s)), 0, 15)  apply in P, round RNE
    //   q  = clamp(round(apply(x, s)) + z, 0, 15)   the addition in P

    private static Block awq(double[] values, ScaledKnobs knobs) {
        Precision p = knobs.arithmetic();
        double mx = max(values);
        double mn = min(values);
        double r = sub(p, mx, mn);
        if (knobs.amaxFloor() > 0) {
            r = Arithmetic.max(r, floorIn(p, knobs.amaxFloor()));
        }
        double s = Arithmetic.divByConstant(p, knobs.scalarDivision(), r, UINT4_MAX);
        requireFinite(s, "scale", knobs);
        double z = clamp(-Math.rint(apply(p, knobs.application(), mn, s)), 0, UINT4_MAX) + 0.0; // −0 → +0
        int[] codes = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            double q = add(p, rint(apply(p, knobs.application(), values[i], s)), z);
            codes[i] = (int) clamp(q, 0, UINT4_MAX);
        }
        return new Block(FloatRounding.roundToBits(knobs.scaleDtype(), s), (int) z, codes);
    }

    // ---------------------------------------------------------------------------------------------
    // GPTQ: AutoGPTQ Quantizer.find_params and quantize (int-packing §2.1).
    //
    //   xmin = min(min x, 0); xmax = max(max x, 0)
    //   symmetric: xmax = max(|xmin|, xmax); xmin = −xmax only if xmin < 0
    //   xmin == xmax == 0: xmin = −1, xmax = 1
    //   s = (xmax − xmin) ⊘ 15                   P (⊘: the scalarDivision knob; AutoGPTQ divides)
    //   z = 8 (symmetric) | round(apply(−xmin, s))  (not clamped: always in [0, 15])
    //   q = clamp(round(apply(x, s)) + z, 0, 15)

    private static Block gptq(double[] values, ScaledKnobs knobs) {
        Precision p = knobs.arithmetic();
        boolean symmetric = knobs.rule() == QuantizerRule.GPTQ_SYMMETRIC;
        double xmin = Arithmetic.min(min(values), 0.0);
        double xmax = Arithmetic.max(max(values), 0.0);
        if (symmetric) {
            xmax = Arithmetic.max(Math.abs(xmin), xmax);
            if (xmin < 0) {
                xmin = -xmax;
            }
        }
        if (xmin == 0 && xmax == 0) {
            xmin = -1;
            xmax = 1;
        }
        double s = Arithmetic.divByConstant(p, knobs.scalarDivision(), sub(p, xmax, xmin), UINT4_MAX);
        requireFinite(s, "scale", knobs);
        double z = symmetric ? (UINT4_MAX + 1) / 2 : rint(apply(p, knobs.application(), -xmin, s)) + 0.0;
        if (z < 0 || z > UINT4_MAX) {
            // The range contains 0, so z is in [0, 15] unless s underflowed to 0 (a group whose only nonzero
            // values are a few subnormals: (xmax − xmin) ⊘ 15 rounds to 0, and −xmin ⊘ 0 is infinite)
            throw new IllegalArgumentException("GPTQ zero " + z + " outside [0, 15]: the scale (xmax - xmin) / 15 = " + s
                                               + " underflowed (" + knobs.arithmetic() + ")");
        }
        int[] codes = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            double q = add(p, rint(apply(p, knobs.application(), values[i], s)), z);
            codes[i] = (int) clamp(q, 0, UINT4_MAX);
        }
        return new Block(FloatRounding.roundToBits(knobs.scaleDtype(), s), (int) z, codes);
    }

    // ---------------------------------------------------------------------------------------------
    // HQQ_MIN_MAX: hqq Quantizer.quantize, optimize=False (int-packing §3.1).
    //
    //   denom = mx − mn                          P
    //   i = 15 ⊘ denom                           P (+Inf when denom = 0); PyTorch: denom.reciprocal() * 15
    //   i = 1 where |denom| ≤ P(1e-4)
    //   i = min(i, 2e4)
    //   zero = (−mn) · i                         P; rounded (RNE) under FloatZero ROUNDED
    //   q = clamp(round(x·i + zero), 0, 15)      the product and the sum each rounded in P
    //   stored scale = scaleDtype(P(1 / i)), stored zero = scaleDtype(zero)

    private static Block hqq(double[] values, ScaledKnobs knobs) {
        Precision p = knobs.arithmetic();
        double mx = max(values);
        double mn = min(values);
        double denom = sub(p, mx, mn);
        double inverse = Arithmetic.constantDivBy(p, knobs.scalarDivision(), UINT4_MAX, denom);
        if (Math.abs(denom) <= Arithmetic.of(p, (float) HQQ_SMALL_RANGE)) {
            inverse = 1.0;
        }
        inverse = Arithmetic.min(inverse, HQQ_MAX_INVERSE);
        double zero = mul(p, -mn, inverse);
        if (knobs.floatZero() == FloatZero.ROUNDED) {
            zero = Math.rint(zero);
        }
        requireFinite(zero, "zero", knobs);
        int[] codes = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            double q = add(p, mul(p, values[i], inverse), zero);
            codes[i] = (int) clamp(rint(q), 0, UINT4_MAX);
        }
        double scale = div(p, 1, inverse);
        return new Block(FloatRounding.roundToBits(knobs.scaleDtype(), scale),
                FloatRounding.roundToBits(knobs.scaleDtype(), zero), codes);
    }

    // ---------------------------------------------------------------------------------------------
    // GGUF Q4_0 and Q4_1: ggml quantize_row_q4_0_ref / quantize_row_q4_1_ref (int-packing §5.2, §5.3),
    // line for line in Java float arithmetic.

    private static Block ggufQ40(double[] values, ScaledKnobs knobs) {
        float amax = 0.0f; // absolute max
        float max = 0.0f;  // the first element of largest magnitude, with its sign (strict <)
        for (double v : values) {
            float x = (float) v;
            if (amax < Math.abs(x)) {
                amax = Math.abs(x);
                max = x;
            }
        }
        final float d = max / -8;               // FP32; exact (a power of two) unless subnormal
        final float id = d != 0 ? 1.0f / d : 0.0f;
        int[] codes = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            float x0 = (float) values[i] * id;   // FP32 product
            codes[i] = Math.min(15, int8Cast(x0 + 8.5f, i)); // FP32 sum, then (int8_t): truncation
        }
        return new Block(FloatRounding.roundToBits(knobs.scaleDtype(), d), 0, codes);
    }

    private static Block ggufQ41(double[] values, ScaledKnobs knobs) {
        float min = Float.MAX_VALUE;   // FLT_MAX
        float max = -Float.MAX_VALUE;
        for (double v : values) {
            float x = (float) v;
            if (x < min) {
                min = x;
            }
            if (x > max) {
                max = x;
            }
        }
        final float d = (max - min) / ((1 << 4) - 1);
        final float id = d != 0 ? 1.0f / d : 0.0f;
        int[] codes = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            float x0 = ((float) values[i] - min) * id;
            codes[i] = Math.min(15, int8Cast(x0 + 0.5f, i));
        }
        return new Block(FloatRounding.roundToBits(knobs.scaleDtype(), d),
                FloatRounding.roundToBits(knobs.scaleDtype(), min), codes);
    }

    /**
     * C's {@code (int8_t)} of a float: truncation toward zero. A value outside (−129, 128), or NaN, is
     * undefined behaviour in C, and so an error here; one below 0 would wrap in {@code uint8_t}.
     */
    private static int int8Cast(float v, int index) {
        if (!(v > -1.0f && v < 128.0f)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "GGUF: element %d of the block scales to %s, outside what ggml's (int8_t) cast and uint8_t"
                    + " code can hold (the block's range overflows float)", index, v));
        }
        return (int) v;
    }

    // ---------------------------------------------------------------------------------------------
    // Helpers

    /** x / s, or x · P(1/s) (0 when s = 0). */
    private static double apply(Precision p, ScaleApplication application, double x, double s) {
        return switch (application) {
            case DIVIDE -> div(p, x, s);
            case RECIPROCAL_MULTIPLY -> mul(p, x, s != 0 ? div(p, 1, s) : 0);
            case QMAX_OVER_AMAX_MULTIPLY -> throw new IllegalArgumentException(
                    "QMAX_OVER_AMAX_MULTIPLY applies to the ABSMAX rules only");
        };
    }

    /**
     * A scaled value to an integer code: NaN gives 0, the rounding rule picks an integer, and the result
     * clamps to [lo, hi] (±Inf to the ends), as PTX {@code cvt.rni.sat} does; then the code's bits.
     */
    static int integerCode(double t, CodeRounding rounding, int lo, int hi, ElementFormat element) {
        if (Double.isNaN(t)) {
            return 0;
        }
        double n = switch (rounding) {
            case RNE -> Math.rint(t);
            case RNA -> Math.copySign(Math.floor(Math.abs(t) + 0.5), t); // exact for any FP32 t (C roundf)
            case RZ -> t < 0 ? Math.ceil(t) : Math.floor(t);
            case HALF_UP_F32 -> throw new IllegalArgumentException("HALF_UP_F32 is GGUF Q4's own rounding");
        };
        int value = (int) clamp(n, lo, hi);
        return value & ((1 << element.bits()) - 1);
    }

    private static double rint(double x) {
        return Math.rint(x);
    }

    private static double clamp(double x, double lo, double hi) {
        return x < lo ? lo : (x > hi ? hi : x);
    }

    private static double max(double[] values) {
        double m = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            m = Arithmetic.max(m, v);
        }
        return m;
    }

    private static double min(double[] values) {
        double m = Double.POSITIVE_INFINITY;
        for (double v : values) {
            m = Arithmetic.min(m, v);
        }
        return m;
    }

    /** A Python float literal as PyTorch applies it to a tensor: to FP32 (as C++ float), then to P. */
    private static double floorIn(Precision p, double literal) {
        return Arithmetic.of(p, (float) literal);
    }

    private static void requireFinite(double v, String what, ScaledKnobs knobs) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "the block's %s is %s in %s arithmetic (rule %s): its range overflows the precision", what, v,
                    knobs.arithmetic(), knobs.rule()));
        }
    }
}
