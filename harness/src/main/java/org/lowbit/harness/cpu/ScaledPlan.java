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
import org.lowbit.spec.ScaledPolicies.FloatZero;
import org.lowbit.spec.ScaledPolicies.Precision;
import org.lowbit.spec.ScaledPolicies.QuantizerRule;
import org.lowbit.spec.ScaledPolicies.ScalarDivision;
import org.lowbit.spec.ScaledPolicies.ScaleApplication;
import org.lowbit.spec.ScaledPolicies.ScaleRounding;
import org.lowbit.spec.ScaledPolicies.ZeroScale;
import org.lowbit.spec.SpecialPolicies.IntegerRange;

/**
 * What the scaled-format vector kernels need about one (format, knobs) pair, and the once-per-block scalar
 * arithmetic of each quantizer rule, in FP32 one IEEE operation at a time, as the reference's
 * {@code BlockRules} does it (SPEC.md §11 S.3). Every rule ends in one element operation, which the kernel
 * runs in vector code:
 * <pre>
 *   y    = (x − sub) ⊙ d          ⊙ is / (the application DIVIDE) or ·
 *   y    = y + add                only where the rule adds (HQQ's zero, GGUF's 8.5 and 0.5)
 *   code = clamp(round(y) + z, lo, hi) | e4m3(y)
 * </pre>
 * <ul>
 *   <li>ABSMAX, ABSMAX_HALF_STEP (INT8, FP8 E4M3, GGUF Q8_0): s = amax ⊘ qmax (or (qmax − qmin)/2), after the
 *       amax floor; UE8M0 ceiling and the epsilon for a zero scale as the knobs say; y = x / s, x · fl(1/s) or
 *       x · fl(qmax ⊘ amax); rounding RNE, RNA or RZ;</li>
 *   <li>GPTQ: the range with 0, s = (xmax − xmin) ⊘ 15, z = 8 or rint(−xmin / s); y = x / s, RNE;</li>
 *   <li>HQQ: i = min(15 ⊘ (max − min) or 1, 2e4), zero = −min · i (rounded); y = x · i + zero, RNE;</li>
 *   <li>GGUF Q4_0: d = m / −8 (m the first element of largest |x|), y = x · fl(1/d) + 8.5, truncated;</li>
 *   <li>GGUF Q4_1: d = (max − min) / 15, y = (x − min) · fl(1/d) + 0.5, truncated.</li>
 * </ul>
 * <ul>
 *   <li>AWQ (FP16): s = max(max − min, floor) ⊘ 15, z = clamp(−rint(min / s), 0, 15); y = x / s, RNE.</li>
 * </ul>
 * ⊘ is the scalarDivision knob: one division, or x · fl32(1/c) (c ⊘ x: fl(1/x) · c). The arithmetic is FP32,
 * or FP16 for the ABSMAX rules' integers and AWQ (smoothquant, awq, awq-symmetric); {@link #of} is empty for
 * the rest (BF16 arithmetic, FP8 in FP16, the group rules in FP16), which run on the reference.
 *
 * @param format   the scaled format
 * @param knobs    its knobs
 * @param rule     the quantizer rule
 * @param fp8      E4M3 codes rather than integers
 * @param saturate FP8: clamp to ±448 (SATFINITE) rather than overflow to NaN
 * @param rounding the integer rounding of y (RNE, RNA; RZ for GGUF Q4's C truncation)
 * @param lo       the smallest integer code
 * @param hi       the largest integer code
 * @param codeMask the bits of an integer code (0xFF, 0x0F)
 * @param divisor  ABSMAX: qmax or (qmax − qmin)/2, as the reference's double
 * @param fp8Knobs FP8: the E4M3 conversion's knobs (OCP, the knob's overflow); null for integers
 * @param half     FP16 arithmetic: the input, every scale operation and y rounded to FP16 (an FP32 quotient
 *                 or product rounded to FP16 is the FP16 operation: 24 ≥ 2·11 + 2, as the reference notes)
 */
record ScaledPlan(ScaledFormat format, ScaledKnobs knobs, QuantizerRule rule, boolean fp8, boolean saturate,
                  CodeRounding rounding, int lo, int hi, int codeMask, double divisor, boolean half,
                  ElementKnobs fp8Knobs) {

    private static final ElementKnobs E4M3_BASE = ElementProfile.OCP.knobsFor(ElementFormat.FP8_E4M3);
    private static final float UINT4_MAX = 15;
    private static final float HQQ_SMALL_RANGE = (float) 1e-4; // hqq: denom.abs() <= 1e-4
    private static final float HQQ_MAX_INVERSE = 2e4f;          // hqq: clamp(max=2e4)

    /** The plan, or empty when the knobs are not vectorized here. */
    static Optional<ScaledPlan> of(ScaledFormat format, ScaledKnobs knobs) {
        try {
            knobs.requireApplicableTo(format);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        QuantizerRule rule = knobs.rule();
        boolean half = knobs.arithmetic() == Precision.FP16;
        boolean absmax = rule == QuantizerRule.ABSMAX || rule == QuantizerRule.ABSMAX_HALF_STEP;
        boolean supported = knobs.arithmetic() == Precision.FP32
                ? rule != QuantizerRule.AWQ_MIN_MAX && (absmax || format.blockRows(2) == 1) // group rules: one-row blocks
                : half && ((absmax && format.family() != Family.FP8_E4M3) || rule == QuantizerRule.AWQ_MIN_MAX);
        if (!supported) {
            return Optional.empty();
        }
        Family family = format.family();
        boolean fp8 = family == Family.FP8_E4M3;
        int bits = format.elementFormat(rule).bits();
        int lo = knobs.range() == IntegerRange.FULL ? family.qmin() : -family.qmax();
        int hi = family.qmax();
        CodeRounding rounding = knobs.rounding();
        switch (rule) {
            case ABSMAX, ABSMAX_HALF_STEP -> {
                if (rounding == CodeRounding.HALF_UP_F32 || (fp8 && rounding != CodeRounding.RNE)) {
                    return Optional.empty();
                }
            }
            case GPTQ_SYMMETRIC, GPTQ_ASYMMETRIC, HQQ_MIN_MAX, AWQ_MIN_MAX -> {
                rounding = CodeRounding.RNE; // rint, whatever the knob
                lo = 0;
                hi = 15;
            }
            case GGUF_Q4_0, GGUF_Q4_1 -> {
                rounding = CodeRounding.RZ;  // C's (int8_t) cast of a value in (-1, 128), then min(15, ·)
                lo = 0;
                hi = 15;
            }
        }
        double divisor = rule == QuantizerRule.ABSMAX_HALF_STEP ? (family.qmax() - family.qmin()) / 2.0 : family.qmax();
        return Optional.of(new ScaledPlan(format, knobs, rule, fp8, knobs.fp8Overflow() == Overflow.SATFINITE, rounding,
                lo, hi, (1 << bits) - 1, divisor, half, fp8 ? E4M3_BASE.withOverflow(knobs.fp8Overflow()) : null));
    }

    /** What a rule needs of its block: max |x|, or min and max, or the first element of largest |x|. */
    enum Statistic { AMAX, MIN_MAX, FIRST_OF_AMAX }

    Statistic statistic() {
        return switch (rule) {
            case ABSMAX, ABSMAX_HALF_STEP -> Statistic.AMAX;
            case GGUF_Q4_0 -> Statistic.FIRST_OF_AMAX;
            default -> Statistic.MIN_MAX;
        };
    }

    /** The element operation's y = y + add is there (HQQ, GGUF Q4). */
    boolean adds() {
        return rule == QuantizerRule.HQQ_MIN_MAX || rule == QuantizerRule.GGUF_Q4_0 || rule == QuantizerRule.GGUF_Q4_1;
    }

    /** y = (x − sub) / d rather than · d. */
    boolean divides() {
        return switch (rule) {
            case ABSMAX, ABSMAX_HALF_STEP, GPTQ_SYMMETRIC, GPTQ_ASYMMETRIC, AWQ_MIN_MAX ->
                    knobs.application() == ScaleApplication.DIVIDE;
            default -> false;
        };
    }

    /** GGUF Q4: y must lie in (−1, 128), where C's (int8_t) cast is defined; the reference rejects the rest. */
    boolean checksRange() {
        return rule == QuantizerRule.GGUF_Q4_0 || rule == QuantizerRule.GGUF_Q4_1;
    }

    /**
     * One block's element operation and stored values.
     *
     * @param sub        subtracted from x first (GGUF Q4_1's min; else 0)
     * @param d          the divisor or factor
     * @param add        added after (HQQ's zero, 8.5, 0.5; else 0)
     * @param z          added to the rounded integer (GPTQ's zero; else 0)
     * @param scaleBits  the stored scale, bits of the scale dtype
     * @param zeroStored the stored zero: the integer (GPTQ), bits of the scale dtype (HQQ, Q4_1), else 0
     */
    record BlockScale(float sub, float d, float add, int z, int scaleBits, int zeroStored) {}

    /**
     * The block's element operation from its statistics (finite FP32 values): {@code a} is max |x| (AMAX), the
     * min (MIN_MAX) or the first element of largest |x| (FIRST_OF_AMAX, +0 for an all-zero block); {@code b}
     * the max (MIN_MAX). Null when a scale or zero is not finite: the reference then names the overflow.
     */
    BlockScale scale(float a, float b) {
        return switch (rule) {
            case ABSMAX, ABSMAX_HALF_STEP -> half ? absmaxHalf(a) : absmax(a);
            case GPTQ_SYMMETRIC, GPTQ_ASYMMETRIC -> gptq(a, b);
            case HQQ_MIN_MAX -> hqq(a, b);
            case GGUF_Q4_0 -> {
                float d = a / -8;
                float id = d != 0 ? 1.0f / d : 0.0f;
                yield new BlockScale(0, id, 8.5f, 0, FloatRounding.roundToBits(knobs.scaleDtype(), d), 0);
            }
            case GGUF_Q4_1 -> {
                float d = (b - a) / UINT4_MAX;
                float id = d != 0 ? 1.0f / d : 0.0f;
                yield new BlockScale(a, id, 0.5f, 0, FloatRounding.roundToBits(knobs.scaleDtype(), d),
                        FloatRounding.roundToBits(knobs.scaleDtype(), a));
            }
            case AWQ_MIN_MAX -> awq(a, b);
        };
    }

    /** x rounded to FP16 (RNE; ±Inf beyond 65504), as an FP32 value. */
    private static float r16(double x) {
        return (float) FloatRounding.round(Precision.FP16, x);
    }

    /** ABSMAX in FP16 (smoothquant, awq-symmetric): each operation of {@link #absmax} rounded to FP16 once. */
    private BlockScale absmaxHalf(float amax) {
        if (knobs.amaxFloor() > 0) {
            float floor = r16((float) knobs.amaxFloor());
            amax = amax >= floor ? amax : floor;
        }
        float s = knobs.scalarDivision() == ScalarDivision.DIVIDE ? r16(amax / divisor)
                : r16((float) amax * (float) (1.0 / divisor));
        if (s == 0 && knobs.zeroScale() == ZeroScale.EPSILON) {
            s = r16(knobs.scaleDtype().epsilon());
        }
        if (!Float.isFinite(s)) {
            return null;
        }
        float d = switch (knobs.application()) {
            case DIVIDE -> s;
            case RECIPROCAL_MULTIPLY -> s != 0 ? r16(1.0 / s) : 0.0f;
            case QMAX_OVER_AMAX_MULTIPLY -> knobs.scalarDivision() == ScalarDivision.DIVIDE
                    ? r16(divisor / amax) : r16(r16(1.0 / amax) * (float) divisor);
        };
        return new BlockScale(0, d, 0, 0, FloatRounding.roundToBits(knobs.scaleDtype(), s), 0);
    }

    /** AutoAWQ pseudo_quantize_tensor (zero point), every operation in FP16. */
    private BlockScale awq(float min, float max) {
        float r = r16((double) max - min);
        if (knobs.amaxFloor() > 0) {
            float floor = r16((float) knobs.amaxFloor());
            r = r >= floor ? r : floor;
        }
        float s = knobs.scalarDivision() == ScalarDivision.DIVIDE ? r16(r / 15.0) : r16((float) r * (float) (1.0 / 15));
        if (!Float.isFinite(s)) {
            return null;
        }
        boolean divide = divides();
        float d = divide ? s : (s != 0 ? r16(1.0 / s) : 0.0f);
        float scaledMin = divide ? r16((double) min / s) : r16((double) min * d);
        double z = -Math.rint(scaledMin);
        z = (z < 0 ? 0 : (z > UINT4_MAX ? UINT4_MAX : z)) + 0.0;
        return new BlockScale(0, d, 0, (int) z, FloatRounding.roundToBits(knobs.scaleDtype(), s), (int) z);
    }

    private BlockScale absmax(float amax) {
        if (knobs.amaxFloor() > 0) {
            amax = Math.max(amax, (float) knobs.amaxFloor());
        }
        float s = divideByConstant(amax, (float) divisor);
        if (knobs.scaleRounding() == ScaleRounding.UE8M0_CEIL) {
            s = ceilToUe8m0(s);
        }
        if (s == 0 && knobs.zeroScale() == ZeroScale.EPSILON) {
            s = (float) knobs.scaleDtype().epsilon();
        }
        if (!Float.isFinite(s)) {
            return null;
        }
        float d = switch (knobs.application()) {
            case DIVIDE -> s;
            case RECIPROCAL_MULTIPLY -> s != 0 ? 1.0f / s : 0.0f; // ggml: id = d ? 1.0f/d : 0.0f
            case QMAX_OVER_AMAX_MULTIPLY -> knobs.scalarDivision() == ScalarDivision.DIVIDE
                    ? (float) divisor / amax : (1.0f / amax) * (float) divisor;
        };
        return new BlockScale(0, d, 0, 0, FloatRounding.roundToBits(knobs.scaleDtype(), s), 0);
    }

    /** AutoGPTQ find_params: the range with 0, symmetric around it, [−1, 1] for an all-zero group. */
    private BlockScale gptq(float min, float max) {
        boolean symmetric = rule == QuantizerRule.GPTQ_SYMMETRIC;
        float xmin = min <= 0.0f ? min : 0.0f;
        float xmax = max >= 0.0f ? max : 0.0f;
        if (symmetric) {
            xmax = Math.abs(xmin) >= xmax ? Math.abs(xmin) : xmax;
            if (xmin < 0) {
                xmin = -xmax;
            }
        }
        if (xmin == 0 && xmax == 0) {
            xmin = -1;
            xmax = 1;
        }
        float s = divideByConstant(xmax - xmin, UINT4_MAX);
        if (!Float.isFinite(s)) {
            return null;
        }
        boolean divide = divides();
        float d = divide ? s : (s != 0 ? 1.0f / s : 0.0f);
        float z = symmetric ? 8 : (float) Math.rint(divide ? -xmin / s : -xmin * d) + 0.0f;
        if (!(z >= 0 && z <= UINT4_MAX)) {
            return null; // cannot happen with finite input; the reference says so
        }
        return new BlockScale(0, d, 0, (int) z, FloatRounding.roundToBits(knobs.scaleDtype(), s), (int) z);
    }

    /** hqq Quantizer.quantize (optimize=False). */
    private BlockScale hqq(float min, float max) {
        float denom = max - min;
        float inverse = knobs.scalarDivision() == ScalarDivision.DIVIDE ? UINT4_MAX / denom : (1.0f / denom) * UINT4_MAX;
        if (Math.abs(denom) <= HQQ_SMALL_RANGE) {
            inverse = 1.0f;
        }
        inverse = inverse <= HQQ_MAX_INVERSE ? inverse : HQQ_MAX_INVERSE;
        float zero = -min * inverse;
        if (knobs.floatZero() == FloatZero.ROUNDED) {
            zero = (float) Math.rint(zero);
        }
        if (!Float.isFinite(zero)) {
            return null;
        }
        float scale = 1.0f / inverse;
        return new BlockScale(0, inverse, zero, 0, FloatRounding.roundToBits(knobs.scaleDtype(), scale),
                FloatRounding.roundToBits(knobs.scaleDtype(), zero));
    }

    private float divideByConstant(float x, float c) {
        return knobs.scalarDivision() == ScalarDivision.DIVIDE ? x / c : x * (float) (1.0 / c);
    }

    /** DeepGEMM ceil_to_ue8m0: 2^(biased exponent + (mantissa ≠ 0) − 127), the exponent clamped to [1, 254]. */
    private static float ceilToUe8m0(float s) {
        int bits = Float.floatToRawIntBits(Math.abs(s));
        int e = ((bits >>> 23) & 0xFF) + ((bits & 0x7FFFFF) != 0 ? 1 : 0);
        e = Math.min(Math.max(e, 1), 254);
        return Float.intBitsToFloat(e << 23);
    }

    /**
     * Whether the vector kernel may encode the block: d is finite and, where it divides or scales the codes
     * without a range check, not zero, so that no lane makes a NaN whose sign the CPU decides. Other blocks go
     * through {@link #encodeScalar}.
     */
    boolean vectorSafe(BlockScale b) {
        return Float.isFinite(b.d()) && (checksRange() || b.d() != 0);
    }

    /**
     * One element's code the scalar way, the reference's rules exactly; {@code Integer.MIN_VALUE} when GGUF's
     * cast is undefined (the caller then lets the reference reject the input).
     */
    int encodeScalar(float x, BlockScale b) {
        float y = x - b.sub();
        y = divides() ? y / b.d() : y * b.d();
        if (half) {
            y = r16(y);
        }
        if (adds()) {
            y = y + b.add();
        }
        if (fp8) {
            return ElementCodec.encodeFloat32(Float.floatToIntBits(y), ElementFormat.FP8_E4M3, fp8Knobs);
        }
        if (checksRange()) {
            return y > -1.0f && y < 128.0f ? Math.min(hi, (int) y) : Integer.MIN_VALUE;
        }
        if (Float.isNaN(y)) {
            return 0;
        }
        double n = switch (rounding) {
            case RNE -> Math.rint(y);
            case RNA -> Math.copySign(Math.floor(Math.abs((double) y) + 0.5), y);
            case RZ -> y < 0 ? Math.ceil(y) : Math.floor(y);
            case HALF_UP_F32 -> throw new IllegalStateException("not vectorized");
        };
        n = n + b.z();
        int value = (int) (n < lo ? lo : (n > hi ? hi : n)); // NaN: (int) NaN is 0
        return value & codeMask;
    }
}
