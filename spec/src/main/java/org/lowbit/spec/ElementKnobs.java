package org.lowbit.spec;

import java.util.Locale;
import java.util.Objects;
import org.lowbit.spec.SpecialPolicies.E8m0BottomBinade;
import org.lowbit.spec.SpecialPolicies.E8m0ZeroPolicy;
import org.lowbit.spec.SpecialPolicies.InfPolicy;
import org.lowbit.spec.SpecialPolicies.IntegerRange;
import org.lowbit.spec.SpecialPolicies.NanPolicy;
import org.lowbit.spec.SpecialPolicies.NegativePolicy;

/**
 * Every element-level choice of one conversion into one format (DESIGN.md §1). Immutable; a profile
 * supplies one per format and the command line may override rounding and overflow.
 *
 * @param rounding     how a value between two codes picks one
 * @param overflow     what a finite value beyond ±max becomes
 * @param infinity     what ±Inf becomes
 * @param nan          what NaN becomes
 * @param negative     unsigned formats only: what a negative value becomes
 * @param e8m0Zero     E8M0 only: what ±0 becomes
 * @param e8m0Bottom   E8M0 only: how code 0x00 takes part in rounding
 * @param integerRange signed integers only: symmetric or full two's-complement range
 */
public record ElementKnobs(Rounding rounding, Overflow overflow, InfPolicy infinity, NanPolicy nan,
                           NegativePolicy negative, E8m0ZeroPolicy e8m0Zero, E8m0BottomBinade e8m0Bottom,
                           IntegerRange integerRange) {

    public ElementKnobs {
        Objects.requireNonNull(rounding, "rounding");
        Objects.requireNonNull(overflow, "overflow");
        Objects.requireNonNull(infinity, "infinity");
        Objects.requireNonNull(nan, "nan");
        Objects.requireNonNull(negative, "negative");
        Objects.requireNonNull(e8m0Zero, "e8m0Zero");
        Objects.requireNonNull(e8m0Bottom, "e8m0Bottom");
        Objects.requireNonNull(integerRange, "integerRange");
    }

    public ElementKnobs withRounding(Rounding r) {
        return new ElementKnobs(r, overflow, infinity, nan, negative, e8m0Zero, e8m0Bottom, integerRange);
    }

    public ElementKnobs withOverflow(Overflow o) {
        return new ElementKnobs(rounding, o, infinity, nan, negative, e8m0Zero, e8m0Bottom, integerRange);
    }

    public ElementKnobs withNan(NanPolicy n) {
        return new ElementKnobs(rounding, overflow, infinity, n, negative, e8m0Zero, e8m0Bottom, integerRange);
    }

    public ElementKnobs withInfinity(InfPolicy i) {
        return new ElementKnobs(rounding, overflow, i, nan, negative, e8m0Zero, e8m0Bottom, integerRange);
    }

    public ElementKnobs withNegative(NegativePolicy n) {
        return new ElementKnobs(rounding, overflow, infinity, nan, n, e8m0Zero, e8m0Bottom, integerRange);
    }

    public ElementKnobs withE8m0(E8m0ZeroPolicy zero, E8m0BottomBinade bottom) {
        return new ElementKnobs(rounding, overflow, infinity, nan, negative, zero, bottom, integerRange);
    }

    public ElementKnobs withIntegerRange(IntegerRange range) {
        return new ElementKnobs(rounding, overflow, infinity, nan, negative, e8m0Zero, e8m0Bottom, range);
    }

    /**
     * Checks that every knob has a meaning for {@code format}, e.g. that a format without NaN is not
     * asked to produce its quiet NaN.
     *
     * @return this
     * @throws IllegalArgumentException naming the knob, the format and the allowed values
     */
    public ElementKnobs requireApplicableTo(ElementFormat format) {
        if (!nan.appliesTo(format)) {
            throw notApplicable("nan policy", nan, format);
        }
        if (infinity == InfPolicy.TO_NAN && !format.hasNaN()) {
            throw notApplicable("inf policy", infinity, format);
        }
        if (!format.isSigned() && !negative.appliesTo(format)) {
            throw notApplicable("negative policy", negative, format);
        }
        return this;
    }

    private static IllegalArgumentException notApplicable(String knob, Enum<?> value, ElementFormat format) {
        return new IllegalArgumentException(String.format(Locale.ROOT,
                "%s %s does not apply to %s", knob, value, format.id()));
    }
}
