package org.lowbit.spec;

/**
 * The implementation-defined mappings of special inputs (research/mx-semantics.md §7, rows D4-D6,
 * D11-D13). Each is a named value, never a hidden boolean (aesthetics guide item 11).
 */
public final class SpecialPolicies {
    private SpecialPolicies() {}

    /** What ±Inf becomes. */
    public enum InfPolicy {
        /** Treated as the largest overflow: follows the {@link Overflow} knob (ml_dtypes, OFP8). */
        AS_OVERFLOW("as an overflow"),
        /** ±max, whatever the overflow knob says (CUDA {@code .satfinite}, torch e4m3 casts). */
        TO_MAX("±max"),
        /** The format's NaN (torchao and microxcaling make a non-finite block amax a NaN scale). */
        TO_NAN("NaN");

        private final String meaning;

        InfPolicy(String meaning) { this.meaning = meaning; }

        public String meaning() { return meaning; }
    }

    /**
     * What NaN becomes. For formats that have NaN only the first three apply; for FP4/FP6 (no NaN)
     * the "all ones" values mean ±max and the last two apply as well; integers take {@link #ZERO}.
     */
    public enum NanPolicy {
        /** The format's quiet NaN with the input's sign: E4M3 S.1111.111, E5M2 S.11111.10 (ml_dtypes). */
        QUIET_NAN_SIGNED("quiet NaN, sign kept"),
        /** Every exponent and mantissa bit set, sign clear: E4M3/E5M2 0x7F, FP4 0x7, FP6 0x1F (CUDA). */
        ALL_ONES_POSITIVE("all ones, sign clear"),
        /** Every exponent and mantissa bit set, the input's sign kept (CUTLASS host, Triton FP4). */
        ALL_ONES_SIGNED("all ones, sign kept"),
        /** +NaN to -0 and -NaN to +0 (ml_dtypes FP4/FP6, an artefact of its quiet_NaN() = 0b1'00'000). */
        NEGATED_ZERO("zero with the sign flipped"),
        /** +0. */
        ZERO("+0");

        private final String meaning;

        NanPolicy(String meaning) { this.meaning = meaning; }

        public String meaning() { return meaning; }

        /** Whether this policy is defined for the format. */
        public boolean appliesTo(ElementFormat format) {
            if (format.hasNaN()) {
                return this == QUIET_NAN_SIGNED || this == ALL_ONES_POSITIVE || this == ALL_ONES_SIGNED;
            }
            if (format.isInteger()) {
                return this == ZERO;
            }
            return this != QUIET_NAN_SIGNED;
        }
    }

    /** What a negative input to an unsigned format (e8m0, ue4m3, uint4) becomes. */
    public enum NegativePolicy {
        /** The sign is ignored: -x encodes as x (CUDA and torch e8m0 conversions). */
        ABSOLUTE("sign ignored"),
        /** NaN (ml_dtypes e8m0). */
        TO_NAN("NaN"),
        /** Clamped to zero (saturation at the bottom of the range). */
        CLAMP_TO_ZERO("0");

        private final String meaning;

        NegativePolicy(String meaning) { this.meaning = meaning; }

        public String meaning() { return meaning; }

        public boolean appliesTo(ElementFormat format) {
            return switch (this) {
                case ABSOLUTE -> true;
                case TO_NAN -> format.hasNaN();
                case CLAMP_TO_ZERO -> format.hasZero();
            };
        }
    }

    /** What ±0 becomes in E8M0, which has no zero (mx-semantics.md §7 D11). */
    public enum E8m0ZeroPolicy {
        /** Code 0x00 = 2^-127, the smallest scale (CUDA, torch, torchao, microxcaling). */
        MIN_CODE("0x00 (2^-127)"),
        /** 0xFF, NaN (ml_dtypes). */
        TO_NAN("0xFF (NaN)");

        private final String meaning;

        E8m0ZeroPolicy(String meaning) { this.meaning = meaning; }

        public String meaning() { return meaning; }
    }

    /**
     * How E8M0's code 0x00 takes part in rounding values below 2^-126 (mx-semantics.md §4.2).
     */
    public enum E8m0BottomBinade {
        /** Code 0x00 is 2^-127; the midpoint to 0x01 is 1.5·2^-127. */
        EXACT("0x00 = 2^-127"),
        /**
         * Code 0x00 rounds as if it were 0, so the midpoint to 0x01 is 2^-127 and every value in
         * (2^-127, 2^-126) goes to 0x01 (ml_dtypes 0.6.0: 1.25·2^-127 gives 0x01).
         */
        CODE0_AS_ZERO("0x00 rounds as 0");

        private final String meaning;

        E8m0BottomBinade(String meaning) { this.meaning = meaning; }

        public String meaning() { return meaning; }
    }

    /** The range of a signed integer format (DESIGN.md §1, "INT8 range"; OCP MX §5.3.4, D22). */
    public enum IntegerRange {
        /** [-max, max]: int8 [-127, 127], mxint8 ±127/64, int4 [-7, 7]. */
        SYMMETRIC("[-max, max]"),
        /** The whole two's-complement range: int8 [-128, 127], mxint8 [-2, 127/64], int4 [-8, 7]. */
        FULL("[-max-1, max]");

        private final String meaning;

        IntegerRange(String meaning) { this.meaning = meaning; }

        public String meaning() { return meaning; }
    }
}
