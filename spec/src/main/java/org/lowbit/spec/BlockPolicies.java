package org.lowbit.spec;

/**
 * The block-level choices that the MX specification leaves open or that real systems make differently
 * (SPEC.md §8.5; research/mx-semantics.md §7 rows D7-D9, D19-D21, D23). Each is a named
 * value, never a hidden boolean (aesthetics guide item 11).
 */
public final class BlockPolicies {
    private BlockPolicies() {}

    /** What a block with a NaN or ±Inf element becomes (OCP MX §5.1 leaves it open; D5, D6, D7). */
    public enum NonFinitePolicy {
        /**
         * The scale is the scale format's NaN (E8M0 0xFF, UE4M3 0x7F), so every value of the block decodes to
         * NaN; the element codes are all 0 (the spec leaves element bits under a NaN scale out of scope,
         * §5.1; lowbit writes zeros so that they are deterministic). microxcaling, torchao.
         */
        WHOLE_BLOCK_NAN("scale NaN, element codes 0"),
        /**
         * The scale is computed from the amax of the finite elements (0 if there are none), and every
         * element, NaN and ±Inf included, is converted on its own by the element knobs (±Inf / X = ±Inf).
         */
        PER_ELEMENT("scale from the finite amax, elements one by one");

        private final String meaning;

        NonFinitePolicy(String meaning) { this.meaning = meaning; }

        public String meaning() { return meaning; }
    }

    /** The scale of a block whose elements are all ±0 (D8; log2 0 is undefined, the spec is silent). */
    public enum ZeroBlockScale {
        /**
         * No special case: what the scale rule and its clamp give. Every MX rule gives E8M0 0x00 (2^−127;
         * torchao, microxcaling, Triton, TOSA); NVFP4 gives the lower end of its clamp (torchao 0x08 = 2^−6).
         */
        SMALLEST_SCALE("the rule's smallest scale (E8M0 0x00)"),
        /**
         * Scale 1: E8M0 0x7F (the Gemmini profile, shared exponent 0), UE4M3 0x38 (ModelOpt sets a block
         * scale that computes to 0 to 1.0 before the clamp).
         */
        ONE("1.0 (E8M0 0x7F, UE4M3 0x38)");

        private final String meaning;

        ZeroBlockScale(String meaning) { this.meaning = meaning; }

        public String meaning() { return meaning; }
    }

    /** A block whose amax is tiny (D9). */
    public enum TinyAmaxPolicy {
        /**
         * The scale exponent clamps at −127 (E8M0 0x00 = 2^−127) and the elements are converted against
         * that scale as usual (torchao, microxcaling by default).
         */
        CLAMP("scale ≥ 2^-127, elements converted as usual"),
        /**
         * microxcaling {@code mx_flush_fp32_subnorms}: a block whose amax is an FP32 subnormal (below 2^−126)
         * has every finite element written as ±0 (its sign kept); the scale is computed as usual.
         */
        FLUSH_SUBNORMAL_AMAX("amax < 2^-126: elements ±0");

        private final String meaning;

        TinyAmaxPolicy(String meaning) { this.meaning = meaning; }

        public String meaning() { return meaning; }
    }

    /** A row whose length is not a multiple of the block size (D23). */
    public enum TailPolicy {
        /**
         * The last block of the row is padded with +0 (OCP MX §6.2 "assumed padded", microxcaling, Triton,
         * ModelOpt); padding never changes amax and its codes are not stored.
         */
        PAD_WITH_ZEROS("pad the last block with zeros"),
        /** An {@code IllegalArgumentException} that names the length and the block size (torchao). */
        REJECT("reject");

        private final String meaning;

        TailPolicy(String meaning) { this.meaning = meaning; }

        public String meaning() { return meaning; }
    }

    /**
     * How the elements are divided by the scale (D19). For MX the scale is a power of two, so both values
     * give the exact quotient V_i / X = V_i · 2^−s: they are named for the source they follow, not for a
     * different result. For NVFP4 they are two different FP32 recipes (SPEC.md §8.4).
     */
    public enum ScalingArithmetic {
        /**
         * x · (1/X). NVFP4, torchao: s = fl(fl(amax/6) / g), x' = fl(x · fl(fl(1/g) / S)), S the decoded
         * UE4M3 scale (single level: g = 1, so s = fl(amax/6) and x' = fl(x · fl(1/S))).
         */
        RECIPROCAL_MULTIPLY("x · (1/X)"),
        /**
         * x / X. NVFP4, ModelOpt: s = fl(amax / fl(6 · g)), x' = fl(x / fl(S · g)) (single level: g = 1).
         */
        DIVIDE("x / X");

        private final String meaning;

        ScalingArithmetic(String meaning) { this.meaning = meaning; }

        public String meaning() { return meaning; }
    }

    /** NVFP4 only: the range the FP32 block scale is clamped to before its UE4M3 rounding (D20). */
    public enum ScaleClampRange {
        /** [2^−6, 448]: {@code torch.finfo(float8_e4m3fn).tiny}, the smallest normal (torchao). */
        MIN_NORMAL("[2^-6, 448]", -6),
        /** [2^−9, 448]: the smallest E4M3 subnormal (ModelOpt; its 448 end is the saturating cast). */
        MIN_SUBNORMAL("[2^-9, 448]", -9);

        private final String meaning;
        private final int lowerExponent;

        ScaleClampRange(String meaning, int lowerExponent) {
            this.meaning = meaning;
            this.lowerExponent = lowerExponent;
        }

        public String meaning() { return meaning; }

        /** The lower end is 2^lowerExponent; the upper end is 448, the largest UE4M3. */
        public int lowerExponent() { return lowerExponent; }
    }

    /** NVFP4 only: whether a per-tensor FP32 scale g multiplies every value (D21). */
    public enum TensorScaleRule {
        /** Single level: no per-tensor scale (MX always; torchao NVFP4 when no per_tensor_scale is given). */
        NONE("single level"),
        /**
         * Two level: g = fl(amax_tensor / 2688), 2688 = 448 · 6, amax_tensor the largest finite magnitude of
         * the whole input (torchao {@code per_tensor_amax_to_scale}, ModelOpt {@code weights_scaling_factor_2}).
         */
        AMAX_OVER_2688("two level, g = amax / (448·6)");

        private final String meaning;

        TensorScaleRule(String meaning) { this.meaning = meaning; }

        public String meaning() { return meaning; }
    }
}
