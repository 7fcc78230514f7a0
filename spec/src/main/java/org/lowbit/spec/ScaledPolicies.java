package org.lowbit.spec;

/**
 * The implementation-defined choices of the scaled formats (INT8, FP8 E4M3 and INT4 with a scale per
 * tensor, row, block or group): each one a named value, never a hidden boolean (DESIGN.md §1,
 * aesthetics guide item 11). The systems that make each choice are cited from
 * research/int-packing.md (§1 AWQ, §2 GPTQ, §3 HQQ, §5 GGUF, §6 INT8 and DeepSeek FP8); the normative
 * text is SPEC.md §11.
 */
public final class ScaledPolicies {
    private ScaledPolicies() {}

    /**
     * An IEEE 754 binary format that arithmetic is done in, or that a scale or zero point is stored
     * in. {@code precision} counts the implicit bit.
     */
    public enum Precision {
        // @formatter:off
        //    id      precision  emin  emax
        FP32 ("f32",  24,        -126, 127),   // max (2-2^-23)·2^127, eps 2^-23
        FP16 ("f16",  11,         -14,  15),   // max (2-2^-10)·2^15 = 65504, eps 2^-10
        BF16 ("bf16",  8,        -126, 127);   // max (2-2^-7)·2^127, eps 2^-7
        // @formatter:on

        private final String id;
        private final int precision;
        private final int emin;
        private final int emax;

        Precision(String id, int precision, int emin, int emax) {
            this.id = id;
            this.precision = precision;
            this.emin = emin;
            this.emax = emax;
        }

        public String id() { return id; }

        /** Significand bits, the implicit one included (24, 11, 8). */
        public int precision() { return precision; }

        /** Exponent of the smallest normal (−126, −14, −126). */
        public int emin() { return emin; }

        /** Exponent of the largest binade (127, 15, 127). */
        public int emax() { return emax; }

        /** Machine epsilon 2^(1−precision): 2^-23, 2^-10, 2^-7 ({@code torch.finfo(dtype).eps}). */
        public double epsilon() { return Math.scalb(1.0, 1 - precision); }

        /** Largest finite value (2 − 2^(1−p))·2^emax. */
        public double maxFinite() { return Math.scalb(2.0 - epsilon(), emax); }

        /** The width of a stored value: 32 or 16 bits. */
        public int bits() { return this == FP32 ? 32 : 16; }

        public static Precision parse(String name) {
            for (Precision p : values()) {
                if (p.id.equalsIgnoreCase(name) || p.name().equalsIgnoreCase(name)) {
                    return p;
                }
            }
            throw new IllegalArgumentException("unknown precision '" + name + "'; allowed: f32, f16, bf16");
        }

        @Override
        public String toString() { return id; }
    }

    /**
     * How a block's scale (and zero point) is computed from its values. Each rule is a fixed sequence
     * of operations of one real system; every operation rounds in {@link ScaledKnobs#arithmetic()}.
     * With qmax the format's largest code magnitude (int8 127, int4 7, fp8_e4m3 448) and qmin its most
     * negative code (int8 −128, int4 −8).
     */
    public enum QuantizerRule {
        /**
         * s = amax / qmax, amax = max |x| (floored by {@link ScaledKnobs#amaxFloor()}): SmoothQuant,
         * vLLM, GGUF Q8_0, DeepSeek-V3, AWQ without zero point (int-packing §1.1, §5.4, §6.2-§6.6).
         */
        ABSMAX("s = amax/qmax (int8 127, int4 7, fp8 448)", ZeroPoint.NONE),
        /**
         * s = amax / ((qmax − qmin)/2): int8 amax/127.5, int4 amax/7.5, so that −amax reaches qmin:
         * compressed-tensors {@code calculate_qparams} (int-packing §6.4).
         */
        ABSMAX_HALF_STEP("s = amax/((qmax-qmin)/2): int8 amax/127.5, int4 amax/7.5", ZeroPoint.NONE),
        /**
         * AutoAWQ {@code pseudo_quantize_tensor} with zero point (int-packing §1.1): s = max(max − min,
         * floor)/15, z = clamp(−round(min/s), 0, 15), q = clamp(round(x/s) + z, 0, 15).
         */
        AWQ_MIN_MAX("s = max(max-min, floor)/15, z = clamp(-round(min/s), 0, 15)", ZeroPoint.INTEGER),
        /**
         * AutoGPTQ {@code Quantizer.find_params} with sym=True (int-packing §2.1): the range is widened to
         * contain 0 and made symmetric only where it has a negative end; s = (xmax − xmin)/15, z = 8.
         */
        GPTQ_SYMMETRIC("range with 0, symmetric if min < 0; s = (xmax-xmin)/15, z = 8", ZeroPoint.INTEGER),
        /**
         * AutoGPTQ {@code Quantizer.find_params} with sym=False (int-packing §2.1): the range is widened
         * to contain 0; s = (xmax − xmin)/15, z = round(−xmin/s).
         */
        GPTQ_ASYMMETRIC("range with 0; s = (xmax-xmin)/15, z = round(-xmin/s)", ZeroPoint.INTEGER),
        /**
         * HQQ {@code Quantizer.quantize} with optimize=False (int-packing §3.1): inverse scale
         * i = 15/(max − min), 1 where |max − min| ≤ 1e-4, at most 2e4; float zero −min·i; q =
         * clamp(round(x·i + zero), 0, 15); the stored scale is 1/i.
         */
        HQQ_MIN_MAX("i = min(15/(max-min) or 1, 2e4), zero = -min*i, q = round(x*i + zero)", ZeroPoint.FLOAT),
        /**
         * ggml {@code quantize_row_q4_0_ref} (int-packing §5.2): d = m/−8 with m the first element of
         * largest magnitude (its sign kept), implicit zero 8.
         */
        GGUF_Q4_0("d = m/-8, m the first element of largest |x|; implicit zero 8", ZeroPoint.IMPLICIT),
        /**
         * ggml {@code quantize_row_q4_1_ref} (int-packing §5.3): d = (max − min)/15, additive min m;
         * value q·d + m.
         */
        GGUF_Q4_1("d = (max-min)/15, additive min m", ZeroPoint.MIN);

        private final String meaning;
        private final ZeroPoint zeroPoint;

        QuantizerRule(String meaning, ZeroPoint zeroPoint) {
            this.meaning = meaning;
            this.zeroPoint = zeroPoint;
        }

        public String meaning() { return meaning; }

        /** The kind of zero point the rule produces. */
        public ZeroPoint zeroPoint() { return zeroPoint; }

        public static QuantizerRule parse(String name) { return Knobs.parse(QuantizerRule.class, name); }
    }

    /** The kind of zero point a block carries; fixed by the {@link QuantizerRule}. */
    public enum ZeroPoint {
        /** None: value = q·s with q a signed code. */
        NONE("none: q*s"),
        /** A fixed offset that is not stored: value = (q − 8)·d (GGUF Q4_0). */
        IMPLICIT("implicit 8, not stored: (q-8)*d"),
        /** An integer code 0..15 stored per block, the true zero (not GPTQ v1's zero − 1): (q − z)·s. */
        INTEGER("integer code: (q-z)*s"),
        /** A float stored in the scale's dtype, subtracted in float: (q − z)·s (HQQ). */
        FLOAT("float in the scale dtype: (q-z)*s"),
        /** An additive float minimum stored in the scale's dtype: q·d + m (GGUF Q4_1). */
        MIN("additive min in the scale dtype: q*d + m");

        private final String meaning;

        ZeroPoint(String meaning) { this.meaning = meaning; }

        public String meaning() { return meaning; }
    }

    /** How an element is brought onto the code grid once the scale is known. */
    public enum ScaleApplication {
        /** x / s: vLLM static, compressed-tensors, SmoothQuant, AWQ, GPTQ, DeepSeek-V3 act_quant. */
        DIVIDE("x / s"),
        /**
         * x · r with r = 1/s rounded first (0 when s = 0, as ggml's {@code d ? 1.0f/d : 0.0f}): ggml
         * Q4_0/Q4_1/Q8_0 ref and NEON, DeepGEMM; HQQ computes its r = 15/(max − min) directly.
         */
        RECIPROCAL_MULTIPLY("x * (1/s), the reciprocal rounded first"),
        /**
         * x · k with k = divisor/amax rounded first (amax after the floor; divisor 127, 448, 7 or 127.5):
         * vLLM {@code dynamic_scaled_int8_quant_kernel} (127.0f / absmax), ggml AVX2 Q8_0 (127.f/max).
         */
        QMAX_OVER_AMAX_MULTIPLY("x * (qmax/amax), the quotient rounded first");

        private final String meaning;

        ScaleApplication(String meaning) { this.meaning = meaning; }

        public String meaning() { return meaning; }

        public static ScaleApplication parse(String name) { return Knobs.parse(ScaleApplication.class, name); }
    }

    /**
     * How a scaled element v (already rounded in the arithmetic's precision) becomes an integer. A NaN
     * v gives 0 and ±Inf the end of the range (PTX {@code cvt.rni.sat} semantics), then the code clamps
     * to the range.
     */
    public enum CodeRounding {
        /**
         * Nearest, ties to even: {@code torch.round}, C {@code nearbyint}/{@code lrintf}, PTX
         * {@code cvt.rni} (CUDA {@code __float2int_rn} is also RNE), x86 {@code _mm256_round_ps(...,
         * _MM_ROUND_NEAREST)}, ARM {@code vcvtnq_s32_f32}, ggml {@code nearest_int} (int-packing §0.4).
         */
        RNE("nearest, ties to even (torch.round, cvt.rni, nearbyint)"),
        /** Nearest, ties away from zero, on the exact value: C {@code roundf} (ggml Q8_0 ref). */
        RNA("nearest, ties away from zero (C roundf)"),
        /** Toward zero: a C or Triton float-to-int cast ({@code .to(tl.int8)}: vLLM block int8). */
        RZ("toward zero (float-to-int cast)"),
        /**
         * ggml Q4_0/Q4_1: {@code (int8_t)(v + 8.5f)} and {@code (int8_t)(v + 0.5f)}: the offset plus one
         * half is added in FP32 (one rounding), then truncated; ties go up, and the FP32 addition can
         * carry a value just below a half up (0.49999997 + 8.5f = 9.0f).
         */
        HALF_UP_F32("truncate fl32(v + offset + 0.5) (ggml Q4_0/Q4_1)");

        private final String meaning;

        CodeRounding(String meaning) { this.meaning = meaning; }

        public String meaning() { return meaning; }

        public static CodeRounding parse(String name) { return Knobs.parse(CodeRounding.class, name); }
    }

    /**
     * How a tensor is divided by a constant, or a constant by a tensor, in the scale rules (amax/127,
     * (max − min)/15, 15/(max − min), 127/amax). The two differ in the last bit of about half the scales.
     */
    public enum ScalarDivision {
        /** One IEEE division, rounded once: C and CUDA C++ {@code /}, PyTorch on CPU, and tensor/tensor ops. */
        DIVIDE("one IEEE division (C, CUDA C++, PyTorch CPU)"),
        /**
         * PyTorch on CUDA: {@code tensor / scalar} is {@code tensor · fl32(1/scalar)} in the op-math type
         * (FP32, also for FP16 and BF16 tensors, rounded to the tensor's dtype after the product):
         * {@code BinaryDivTrueKernel.cu} "compute a * reciprocal(b)"; and {@code scalar / tensor} is
         * {@code tensor.reciprocal() * scalar} ({@code torch/_tensor.py __rdiv__}). Seen on an H200 with
         * PyTorch 2.11: AutoAWQ's fp32 scales, compressed-tensors' and DeepGEMM's; Triton's {@code amax / 448.}
         * in DeepSeek-V3's act_quant gave the same bits in every block.
         */
        RECIPROCAL_MULTIPLY("x * fl32(1/c) and c * fl(1/x) (PyTorch CUDA scalar ops)");

        private final String meaning;

        ScalarDivision(String meaning) { this.meaning = meaning; }

        public String meaning() { return meaning; }

        public static ScalarDivision parse(String name) { return Knobs.parse(ScalarDivision.class, name); }
    }

    /** What a computed scale of exactly 0 becomes (it can only happen without an amax floor). */
    public enum ZeroScale {
        /**
         * The scale stays 0 and the codes follow IEEE arithmetic: 0/0 and 0·Inf are NaN and give code 0
         * (vLLM's {@code 127/absmax} and {@code cvt.rni.sat}; ggml's {@code id = 0}).
         */
        KEEP_ZERO("scale 0; codes by IEEE arithmetic (NaN gives 0)"),
        /** Replaced by the scale dtype's machine epsilon before the codes (compressed-tensors). */
        EPSILON("replaced by the scale dtype's epsilon");

        private final String meaning;

        ZeroScale(String meaning) { this.meaning = meaning; }

        public String meaning() { return meaning; }

        public static ZeroScale parse(String name) { return Knobs.parse(ZeroScale.class, name); }
    }

    /** Whether the computed scale is rounded onto a coarser grid before use. */
    public enum ScaleRounding {
        /** Used as computed. */
        AS_COMPUTED("as computed"),
        /**
         * Rounded up to a power of two with DeepGEMM's {@code ceil_to_ue8m0} bit rule: biased exponent
         * plus one if the mantissa is nonzero, clamped to [1, 254] (int-packing §6.6).
         */
        UE8M0_CEIL("up to a power of two, DeepGEMM ceil_to_ue8m0");

        private final String meaning;

        ScaleRounding(String meaning) { this.meaning = meaning; }

        public String meaning() { return meaning; }

        public static ScaleRounding parse(String name) { return Knobs.parse(ScaleRounding.class, name); }
    }

    /** Whether a float zero point is rounded to an integer (HQQ {@code round_zero}). */
    public enum FloatZero {
        UNROUNDED("kept as computed"),
        /** {@code torch.round} (RNE), HQQ's {@code round_zero=True} (its 4-bit default). */
        ROUNDED("rounded to an integer, RNE");

        private final String meaning;

        FloatZero(String meaning) { this.meaning = meaning; }

        public String meaning() { return meaning; }

        public static FloatZero parse(String name) { return Knobs.parse(FloatZero.class, name); }
    }

    /** What a matrix whose shape is not a whole number of blocks does. */
    public enum Tail {
        /**
         * An {@link IllegalArgumentException} that names the shape and the block (AutoAWQ, HQQ, GGUF,
         * DeepSeek-V3 {@code act_quant} and vLLM assert divisibility).
         */
        REJECT("rejected"),
        /**
         * A ragged last block counts its missing elements as zeros when its scale is computed and codes
         * only the present elements; the scale grid is ceil(rows/br) × ceil(cols/bc) (DeepGEMM
         * zero-pads; DeepSeek-V3 stores ceil-sized weight scales; GPTQ's short last group is the same
         * because its range always contains 0).
         */
        PAD_WITH_ZEROS("padded with zeros for the scale");

        private final String meaning;

        Tail(String meaning) { this.meaning = meaning; }

        public String meaning() { return meaning; }

        public static Tail parse(String name) { return Knobs.parse(Tail.class, name); }
    }
}
