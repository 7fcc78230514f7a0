package org.lowbit.harness.cpu;

import java.util.Optional;
import org.lowbit.reference.ElementCodec;
import org.lowbit.reference.scaled.FloatRounding;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.ElementKnobs;
import org.lowbit.spec.ElementProfile;
import org.lowbit.spec.Overflow;
import org.lowbit.spec.ScaledFormat;
import org.lowbit.spec.ScaledFormat.Family;
import org.lowbit.spec.ScaledKnobs;
import org.lowbit.spec.ScaledPolicies.CodeRounding;
import org.lowbit.spec.ScaledPolicies.Precision;
import org.lowbit.spec.ScaledPolicies.QuantizerRule;
import org.lowbit.spec.ScaledPolicies.ScalarDivision;
import org.lowbit.spec.ScaledPolicies.ScaleApplication;
import org.lowbit.spec.ScaledPolicies.ScaleRounding;
import org.lowbit.spec.ScaledPolicies.ZeroPoint;
import org.lowbit.spec.ScaledPolicies.ZeroScale;
import org.lowbit.spec.SpecialPolicies.IntegerRange;

/**
 * What the scaled-format vector kernels need about one (format, knobs) pair, and the once-per-block scalar
 * arithmetic (SPEC.md §11, the ABSMAX rules of the reference's {@code BlockRules}), in FP32 one IEEE
 * operation at a time:
 * <pre>
 *   amax = max(max |x|, fl32(floor))          the amaxFloor knob (0: none)
 *   s    = amax ⊘ divisor                     divisor qmax, or (qmax − qmin)/2 for ABSMAX_HALF_STEP
 *   s    = ceil_to_ue8m0(s)                   scaleRounding UE8M0_CEIL
 *   s    = eps(scale dtype) if s == 0         zeroScale EPSILON
 *   t    = x / s | x · fl(1/s) | x · (divisor ⊘ amax)    the application knob
 *   code = clamp(round(t), lo, hi) | e4m3(t)
 * </pre>
 * ⊘ is the scalarDivision knob: one division, or x · fl32(1/c) (c ⊘ x: fl(1/x) · c).
 *
 * <p>{@link #of} is non-empty for the ABSMAX and ABSMAX_HALF_STEP rules in FP32 arithmetic: INT8 per tensor,
 * channel, token and block, FP8 E4M3 per block, GGUF Q8_0 and symmetric INT4 groups in FP32. FP16 and BF16
 * arithmetic (smoothquant, awq) and the min/max rules (awq, gptq, hqq, gguf q4) are not vectorized.
 *
 * @param format      the scaled format
 * @param knobs       its knobs
 * @param fp8         E4M3 codes rather than integers
 * @param saturate    FP8: clamp to ±448 (SATFINITE) rather than overflow to NaN
 * @param lo          the smallest integer code
 * @param hi          the largest integer code
 * @param codeMask    the bits of an integer code (0xFF, 0x0F)
 * @param divisor     qmax or (qmax − qmin)/2, as the reference's double
 */
record ScaledPlan(ScaledFormat format, ScaledKnobs knobs, boolean fp8, boolean saturate, int lo, int hi, int codeMask,
                  double divisor) {

    private static final ElementKnobs E4M3_BASE = ElementProfile.OCP.knobsFor(ElementFormat.FP8_E4M3);

    /** The plan, or empty when the knobs are not vectorized here. */
    static Optional<ScaledPlan> of(ScaledFormat format, ScaledKnobs knobs) {
        try {
            knobs.requireApplicableTo(format);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        QuantizerRule rule = knobs.rule();
        if ((rule != QuantizerRule.ABSMAX && rule != QuantizerRule.ABSMAX_HALF_STEP)
                || knobs.arithmetic() != Precision.FP32 || knobs.zeroPoint() != ZeroPoint.NONE) {
            return Optional.empty();
        }
        Family family = format.family();
        boolean fp8 = family == Family.FP8_E4M3;
        if (fp8 && knobs.rounding() != CodeRounding.RNE) {
            return Optional.empty();
        }
        if (!fp8 && knobs.rounding() == CodeRounding.HALF_UP_F32) {
            return Optional.empty();
        }
        int lo = knobs.range() == IntegerRange.FULL ? family.qmin() : -family.qmax();
        int bits = format.elementFormat(rule).bits();
        double divisor = rule == QuantizerRule.ABSMAX_HALF_STEP ? (family.qmax() - family.qmin()) / 2.0 : family.qmax();
        return Optional.of(new ScaledPlan(format, knobs, fp8, knobs.fp8Overflow() == Overflow.SATFINITE, lo,
                family.qmax(), (1 << bits) - 1, divisor));
    }

    /** One block's scale as the codes use it, its stored bits, and the factor of the application knob. */
    record BlockScale(float s, int scaleBits, float factor) {}

    /**
     * The block's scale from its max |x| (an FP32 pattern, finite), or null when the scale is not finite (the
     * reference then names the overflow).
     */
    BlockScale scale(int amaxBits) {
        float amax = Float.intBitsToFloat(amaxBits);
        if (knobs.amaxFloor() > 0) {
            amax = Math.max(amax, (float) knobs.amaxFloor());
        }
        float s = divideByConstant(amax, divisor);
        if (knobs.scaleRounding() == ScaleRounding.UE8M0_CEIL) {
            s = ceilToUe8m0(s);
        }
        if (s == 0 && knobs.zeroScale() == ZeroScale.EPSILON) {
            s = (float) knobs.scaleDtype().epsilon();
        }
        if (!Float.isFinite(s)) {
            return null;
        }
        float factor = switch (knobs.application()) {
            case DIVIDE -> Float.NaN; // not used
            case RECIPROCAL_MULTIPLY -> s != 0 ? 1.0f / s : 0.0f; // ggml: id = d ? 1.0f/d : 0.0f
            case QMAX_OVER_AMAX_MULTIPLY -> knobs.scalarDivision() == ScalarDivision.DIVIDE
                    ? (float) divisor / amax : (1.0f / amax) * (float) divisor;
        };
        return new BlockScale(s, FloatRounding.roundToBits(knobs.scaleDtype(), s), factor);
    }

    private float divideByConstant(float x, double c) {
        return knobs.scalarDivision() == ScalarDivision.DIVIDE ? x / (float) c : x * (float) (1.0 / c);
    }

    /** DeepGEMM ceil_to_ue8m0: 2^(biased exponent + (mantissa ≠ 0) − 127), the exponent clamped to [1, 254]. */
    private static float ceilToUe8m0(float s) {
        int bits = Float.floatToRawIntBits(Math.abs(s));
        int e = ((bits >>> 23) & 0xFF) + ((bits & 0x7FFFFF) != 0 ? 1 : 0);
        e = Math.min(Math.max(e, 1), 254);
        return Float.intBitsToFloat(e << 23);
    }

    boolean divides() {
        return knobs.application() == ScaleApplication.DIVIDE;
    }

    /**
     * Whether the vector kernel may encode the block: its divisor or factor is finite and not zero, so that
     * no lane makes a NaN whose sign the CPU decides. Other blocks go through {@link #encodeScalar}.
     */
    boolean vectorSafe(BlockScale b) {
        float d = divides() ? b.s() : b.factor();
        return d != 0 && Float.isFinite(d);
    }

    /** One element's code the scalar way: the FP32 operation, then the reference's element rules. */
    int encodeScalar(float x, BlockScale b) {
        float t = divides() ? x / b.s() : x * b.factor();
        if (fp8) {
            return ElementCodec.encodeFloat32(Float.floatToIntBits(t), ElementFormat.FP8_E4M3,
                    E4M3_BASE.withOverflow(knobs.fp8Overflow()));
        }
        if (Float.isNaN(t)) {
            return 0;
        }
        double n = switch (knobs.rounding()) {
            case RNE -> Math.rint(t);
            case RNA -> Math.copySign(Math.floor(Math.abs((double) t) + 0.5), t);
            case RZ -> t < 0 ? Math.ceil(t) : Math.floor(t);
            case HALF_UP_F32 -> throw new IllegalStateException("not vectorized");
        };
        int value = (int) Math.max(lo, Math.min(hi, n));
        return value & codeMask;
    }
}
