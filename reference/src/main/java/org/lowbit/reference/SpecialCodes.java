package org.lowbit.reference;

import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.ElementKnobs;
import org.lowbit.spec.SpecialPolicies.E8m0ZeroPolicy;
import org.lowbit.spec.SpecialPolicies.IntegerRange;
import org.lowbit.spec.SpecialPolicies.NanPolicy;

/** The codes of zeros, ±max, ±Inf and NaNs of each format, as the knobs choose them. */
final class SpecialCodes {
    private SpecialCodes() {}

    /** ±0; formats without -0 give 0; E8M0, which has no zero, follows {@code knobs.e8m0Zero()}. */
    static int zero(ElementFormat format, ElementKnobs knobs, boolean negative) {
        if (format.specials() == ElementFormat.Specials.E8M0) {
            return knobs.e8m0Zero() == E8m0ZeroPolicy.MIN_CODE ? 0x00 : 0xFF;
        }
        return negative && format.hasNegativeZero() ? format.signMask() : 0;
    }

    /** ±max; the negative end of a FULL-range signed integer is one step further (int8 -128). */
    static int max(ElementFormat format, ElementKnobs knobs, boolean negative) {
        int max = format.maxFiniteCode();
        if (!negative || !format.isSigned()) {
            return negative ? 0 : max;
        }
        if (format.isInteger()) {
            int n = knobs.integerRange() == IntegerRange.FULL ? max + 1 : max;
            return -n & ((1 << format.bits()) - 1);
        }
        return max | format.signMask();
    }

    /** ±Inf of an IEEE-style format: all-ones exponent, zero mantissa. */
    static int infinity(ElementFormat format, boolean negative) {
        int magnitude = ((1 << format.exponentBits()) - 1) << format.mantissaBits();
        return magnitude | (negative ? format.signMask() : 0);
    }

    /**
     * The format's NaN with the given sign where NaNs are signed: the all-ones magnitude (E4M3
     * S.1111.111, E5M2 S.11111.11), or the single NaN of fnuz (0x80), E8M0 (0xFF) and UE4M3 (0x7F).
     */
    static int signedNaN(ElementFormat format, boolean negative) {
        return switch (format.specials()) {
            case FNUZ -> 1 << (format.exponentBits() + format.mantissaBits());
            case E8M0 -> 0xFF;
            case IEEE, NAN_ALL_ONES -> allOnes(format) | (negative ? format.signMask() : 0);
            case NONE -> throw new IllegalArgumentException(format.id() + " has no NaN");
        };
    }

    /** What a NaN input becomes under {@code policy} (SpecialPolicies.NanPolicy). */
    static int nan(ElementFormat format, NanPolicy policy, boolean negative) {
        if (!policy.appliesTo(format)) {
            throw new IllegalArgumentException("nan policy " + policy + " does not apply to " + format.id());
        }
        return switch (policy) {
            case QUIET_NAN_SIGNED -> format.specials() == ElementFormat.Specials.IEEE
                    // IEEE 754-2019 §6.2.1: the quiet bit is the mantissa's top bit; E5M2 S.11111.10
                    ? infinity(format, negative) | 1 << (format.mantissaBits() - 1)
                    : signedNaN(format, negative);
            case ALL_ONES_POSITIVE -> format.hasNaN() ? signedNaN(format, false) : allOnes(format);
            case ALL_ONES_SIGNED -> format.hasNaN()
                    ? signedNaN(format, negative)
                    : allOnes(format) | (negative ? format.signMask() : 0);
            case NEGATED_ZERO -> negative ? 0 : format.signMask();
            case ZERO -> 0;
        };
    }

    /** Every exponent and mantissa bit set, sign clear. */
    private static int allOnes(ElementFormat format) {
        return (1 << (format.exponentBits() + format.mantissaBits())) - 1;
    }
}
