package org.lowbit.spec;

import java.util.Locale;
import java.util.Objects;
import org.lowbit.spec.ScaledFormat.Family;
import org.lowbit.spec.ScaledPolicies.CodeRounding;
import org.lowbit.spec.ScaledPolicies.FloatZero;
import org.lowbit.spec.ScaledPolicies.Precision;
import org.lowbit.spec.ScaledPolicies.QuantizerRule;
import org.lowbit.spec.ScaledPolicies.ScalarDivision;
import org.lowbit.spec.ScaledPolicies.ScaleApplication;
import org.lowbit.spec.ScaledPolicies.ScaleRounding;
import org.lowbit.spec.ScaledPolicies.Tail;
import org.lowbit.spec.ScaledPolicies.ZeroPoint;
import org.lowbit.spec.ScaledPolicies.ZeroScale;
import org.lowbit.spec.SpecialPolicies.IntegerRange;

/**
 * Every choice of one scaled quantization (SPEC.md §11 S.2). Immutable; built with
 * {@link #builder()} or {@link #toBuilder()}; a {@link ScaledProfile} supplies one per format, and
 * {@link #requireApplicableTo(ScaledFormat)} checks that each knob means something for the format, with
 * a message that names the knob and the allowed values.
 *
 * @param rule              how the block's scale and zero point are computed (the op sequence)
 * @param application       how an element is brought onto the grid: x/s, x·(1/s) or x·(qmax/amax)
 * @param scalarDivision    how the rules divide by a constant: one IEEE division, or PyTorch-on-CUDA's
 *                          multiplication by the FP32 reciprocal
 * @param rounding          how the scaled element becomes an integer (integer families)
 * @param range             signed integer codes without a zero point: [−qmax, qmax] or [qmin, qmax]
 * @param fp8Overflow       FP8 only: a scaled element beyond 448 clamps (SATFINITE, CUDA/Triton cvt) or
 *                          becomes NaN (NONSAT, PyTorch {@code .to(float8_e4m3fn)})
 * @param arithmetic        the precision every quantization op rounds to (AWQ: FP16; most: FP32); the
 *                          input is rounded to it first (RNE), as {@code .half()} does
 * @param scaleDtype        the precision the scale (and a float zero or min) is stored in
 * @param dequantArithmetic the precision the dequantization ops round to: FP32 or the scale dtype
 * @param amaxFloor         amax = max(amax, floor) before the scale (0: none); the literal is rounded
 *                          to FP32 and then to the arithmetic precision, as PyTorch converts a scalar
 * @param zeroScale         what a computed scale of 0 becomes
 * @param scaleRounding     whether the scale is rounded up to a power of two (UE8M0)
 * @param floatZero         HQQ only: whether the float zero is rounded to an integer
 * @param groupSize         int4_group: the group size G (positive); other formats: 0 (their own block)
 * @param tail              a shape that is not a whole number of blocks: rejected or zero-padded
 */
public record ScaledKnobs(QuantizerRule rule, ScaleApplication application, ScalarDivision scalarDivision,
                          CodeRounding rounding, IntegerRange range, Overflow fp8Overflow, Precision arithmetic,
                          Precision scaleDtype, Precision dequantArithmetic, double amaxFloor,
                          ZeroScale zeroScale, ScaleRounding scaleRounding, FloatZero floatZero,
                          int groupSize, Tail tail) {

    public ScaledKnobs {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(application, "application");
        Objects.requireNonNull(scalarDivision, "scalarDivision");
        Objects.requireNonNull(rounding, "rounding");
        Objects.requireNonNull(range, "range");
        Objects.requireNonNull(fp8Overflow, "fp8Overflow");
        Objects.requireNonNull(arithmetic, "arithmetic");
        Objects.requireNonNull(scaleDtype, "scaleDtype");
        Objects.requireNonNull(dequantArithmetic, "dequantArithmetic");
        Objects.requireNonNull(zeroScale, "zeroScale");
        Objects.requireNonNull(scaleRounding, "scaleRounding");
        Objects.requireNonNull(floatZero, "floatZero");
        Objects.requireNonNull(tail, "tail");
        if (!(amaxFloor >= 0) || Double.isInfinite(amaxFloor)) {
            throw new IllegalArgumentException("amax floor must be finite and ≥ 0, got " + amaxFloor);
        }
        if (groupSize < 0) {
            throw new IllegalArgumentException(
                    "group size must be positive (or 0 for the format's own block), got " + groupSize);
        }
    }

    /**
     * A builder starting from the common defaults: ABSMAX, x/s, IEEE scalar division, RNE, symmetric
     * range, SATFINITE, FP32 everywhere, no floor, scale 0 kept, scale as computed, float zero
     * unrounded, the format's own block, REJECT.
     */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this record's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.rule = rule;
        b.application = application;
        b.scalarDivision = scalarDivision;
        b.rounding = rounding;
        b.range = range;
        b.fp8Overflow = fp8Overflow;
        b.arithmetic = arithmetic;
        b.scaleDtype = scaleDtype;
        b.dequantArithmetic = dequantArithmetic;
        b.amaxFloor = amaxFloor;
        b.zeroScale = zeroScale;
        b.scaleRounding = scaleRounding;
        b.floatZero = floatZero;
        b.groupSize = groupSize;
        b.tail = tail;
        return b;
    }

    /** Sets the quantization arithmetic, the scale dtype and the dequantization arithmetic together. */
    public ScaledKnobs withPrecisions(Precision arithmetic, Precision scaleDtype, Precision dequantArithmetic) {
        return toBuilder().arithmetic(arithmetic).scaleDtype(scaleDtype).dequantArithmetic(dequantArithmetic).build();
    }

    public ScaledKnobs withGroupSize(int groupSize) { return toBuilder().groupSize(groupSize).build(); }

    public ScaledKnobs withTail(Tail tail) { return toBuilder().tail(tail).build(); }

    public ScaledKnobs withRounding(CodeRounding rounding) { return toBuilder().rounding(rounding).build(); }

    public ScaledKnobs withRange(IntegerRange range) { return toBuilder().range(range).build(); }

    public ScaledKnobs withApplication(ScaleApplication application) {
        return toBuilder().application(application).build();
    }

    public ScaledKnobs withScalarDivision(ScalarDivision scalarDivision) {
        return toBuilder().scalarDivision(scalarDivision).build();
    }

    /** The zero-point kind, fixed by the rule. */
    public ZeroPoint zeroPoint() { return rule.zeroPoint(); }

    /**
     * Checks that every knob means something for {@code format}.
     *
     * @return this
     * @throws IllegalArgumentException naming the knob, its value, the format and what is allowed
     */
    public ScaledKnobs requireApplicableTo(ScaledFormat format) {
        Objects.requireNonNull(format, "format");
        if (!format.rules().contains(rule)) {
            throw notApplicable("rule", rule, format, format.rules().toString());
        }
        if (format.hasGroupSize()) {
            if (groupSize <= 0) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "%s needs a positive group size (32, 64 or 128 in AWQ, GPTQ and HQQ), got %d",
                        format.id(), groupSize));
            }
        } else if (groupSize != 0) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%s has a fixed block of %s; the group size knob must be 0, got %d",
                    format.id(), format.blockText(), groupSize));
        }
        boolean fp8 = format.family() == Family.FP8_E4M3;
        boolean gguf4 = rule == QuantizerRule.GGUF_Q4_0 || rule == QuantizerRule.GGUF_Q4_1;
        if (fp8 && rounding != CodeRounding.RNE) {
            throw notApplicable("rounding", rounding, format, "RNE (the FP8 cast rounds to nearest even)");
        }
        if (gguf4 != (rounding == CodeRounding.HALF_UP_F32)) {
            throw notApplicable("rounding", rounding, format,
                    gguf4 ? "HALF_UP_F32 (ggml's (int8_t)(v + 8.5f))" : "RNE, RNA, RZ (HALF_UP_F32 is GGUF Q4's own)");
        }
        switch (rule) {
            case ABSMAX, ABSMAX_HALF_STEP -> {
                if (fp8 && rule == QuantizerRule.ABSMAX_HALF_STEP) {
                    throw notApplicable("rule", rule, format, "ABSMAX");
                }
            }
            case AWQ_MIN_MAX, GPTQ_SYMMETRIC, GPTQ_ASYMMETRIC -> {
                if (application == ScaleApplication.QMAX_OVER_AMAX_MULTIPLY) {
                    throw notApplicable("application", application, format, "DIVIDE, RECIPROCAL_MULTIPLY");
                }
            }
            case HQQ_MIN_MAX, GGUF_Q4_0, GGUF_Q4_1 -> {
                if (application != ScaleApplication.RECIPROCAL_MULTIPLY) {
                    throw notApplicable("application", application, format,
                            "RECIPROCAL_MULTIPLY (" + rule + " multiplies by its inverse scale)");
                }
            }
        }
        if (gguf4 && scalarDivision != ScalarDivision.DIVIDE) {
            throw notApplicable("scalar division", scalarDivision, format, "DIVIDE (ggml is C)");
        }
        if ((gguf4 || rule == QuantizerRule.GPTQ_SYMMETRIC || rule == QuantizerRule.GPTQ_ASYMMETRIC
             || rule == QuantizerRule.HQQ_MIN_MAX) && amaxFloor != 0) {
            throw notApplicable("amax floor", amaxFloor, format, "0 (" + rule + " has its own small-range rule)");
        }
        if (gguf4 && arithmetic != Precision.FP32) {
            throw notApplicable("arithmetic", arithmetic, format, "f32 (ggml's reference is C float code)");
        }
        if (scaleRounding == ScaleRounding.UE8M0_CEIL
            && (arithmetic != Precision.FP32 || scaleDtype != Precision.FP32 || rule != QuantizerRule.ABSMAX)) {
            throw notApplicable("scale rounding", scaleRounding, format,
                    "AS_COMPUTED (UE8M0_CEIL needs rule ABSMAX, f32 arithmetic and f32 scales)");
        }
        if (dequantArithmetic != Precision.FP32 && dequantArithmetic != scaleDtype) {
            throw notApplicable("dequant arithmetic", dequantArithmetic, format,
                    "f32 or the scale dtype " + scaleDtype);
        }
        if (rule != QuantizerRule.HQQ_MIN_MAX && floatZero != FloatZero.UNROUNDED) {
            throw notApplicable("float zero", floatZero, format, "UNROUNDED (only HQQ has a float zero to round)");
        }
        return this;
    }

    private static IllegalArgumentException notApplicable(String knob, Object value, ScaledFormat format,
                                                          String allowed) {
        return new IllegalArgumentException(String.format(Locale.ROOT,
                "%s %s does not apply to %s; allowed: %s", knob, value, format.id(), allowed));
    }

    /** Mutable builder; {@link #build()} checks only what the record checks (see requireApplicableTo). */
    public static final class Builder {
        private QuantizerRule rule = QuantizerRule.ABSMAX;
        private ScaleApplication application = ScaleApplication.DIVIDE;
        private ScalarDivision scalarDivision = ScalarDivision.DIVIDE;
        private CodeRounding rounding = CodeRounding.RNE;
        private IntegerRange range = IntegerRange.SYMMETRIC;
        private Overflow fp8Overflow = Overflow.SATFINITE;
        private Precision arithmetic = Precision.FP32;
        private Precision scaleDtype = Precision.FP32;
        private Precision dequantArithmetic = Precision.FP32;
        private double amaxFloor = 0.0;
        private ZeroScale zeroScale = ZeroScale.KEEP_ZERO;
        private ScaleRounding scaleRounding = ScaleRounding.AS_COMPUTED;
        private FloatZero floatZero = FloatZero.UNROUNDED;
        private int groupSize = 0;
        private Tail tail = Tail.REJECT;

        private Builder() {}

        public Builder rule(QuantizerRule v) { rule = v; return this; }

        public Builder application(ScaleApplication v) { application = v; return this; }

        public Builder scalarDivision(ScalarDivision v) { scalarDivision = v; return this; }

        public Builder rounding(CodeRounding v) { rounding = v; return this; }

        public Builder range(IntegerRange v) { range = v; return this; }

        public Builder fp8Overflow(Overflow v) { fp8Overflow = v; return this; }

        public Builder arithmetic(Precision v) { arithmetic = v; return this; }

        public Builder scaleDtype(Precision v) { scaleDtype = v; return this; }

        public Builder dequantArithmetic(Precision v) { dequantArithmetic = v; return this; }

        /** Sets all three precisions: quantization arithmetic, scale dtype, dequantization arithmetic. */
        public Builder precisions(Precision arithmetic, Precision scaleDtype, Precision dequantArithmetic) {
            this.arithmetic = arithmetic;
            this.scaleDtype = scaleDtype;
            this.dequantArithmetic = dequantArithmetic;
            return this;
        }

        public Builder amaxFloor(double v) { amaxFloor = v; return this; }

        public Builder zeroScale(ZeroScale v) { zeroScale = v; return this; }

        public Builder scaleRounding(ScaleRounding v) { scaleRounding = v; return this; }

        public Builder floatZero(FloatZero v) { floatZero = v; return this; }

        public Builder groupSize(int v) { groupSize = v; return this; }

        public Builder tail(Tail v) { tail = v; return this; }

        public ScaledKnobs build() {
            return new ScaledKnobs(rule, application, scalarDivision, rounding, range, fp8Overflow, arithmetic,
                    scaleDtype, dequantArithmetic, amaxFloor, zeroScale, scaleRounding, floatZero, groupSize, tail);
        }
    }
}
