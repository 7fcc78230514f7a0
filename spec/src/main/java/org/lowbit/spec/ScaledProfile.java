package org.lowbit.spec;

import static org.lowbit.spec.ScaledFormat.FP8_E4M3_BLOCK_128X128;
import static org.lowbit.spec.ScaledFormat.FP8_E4M3_BLOCK_1X128;
import static org.lowbit.spec.ScaledFormat.GGUF_Q4_0;
import static org.lowbit.spec.ScaledFormat.GGUF_Q4_1;
import static org.lowbit.spec.ScaledFormat.GGUF_Q8_0;
import static org.lowbit.spec.ScaledFormat.INT4_GROUP;
import static org.lowbit.spec.ScaledFormat.INT8_BLOCK_128X128;
import static org.lowbit.spec.ScaledFormat.INT8_BLOCK_1X128;
import static org.lowbit.spec.ScaledFormat.INT8_PER_CHANNEL;
import static org.lowbit.spec.ScaledFormat.INT8_PER_TENSOR;
import static org.lowbit.spec.ScaledFormat.INT8_PER_TOKEN;

import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.lowbit.spec.ScaledPolicies.CodeRounding;
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
 * Named sets of scaled-format knobs, one per real system (DESIGN.md §1). A profile defines the formats
 * its system produces; asking it for another is an error that lists the ones it has. Sources are the
 * snapshots read in research/int-packing.md §0.1; where a profile had to choose, {@link #notes()} says
 * what and why.
 */
public enum ScaledProfile {
    VLLM("vllm",
        "vllm-project/vllm csrc/quantization/compressed_tensors/int8_quant_kernels.cu @00b0571e"
        + " (dynamic_scaled_int8_quant_kernel, static_scaled_int8_quant_kernel, float_to_int8_rn);"
        + " csrc/quantization/w8a8 per_token_group_quant_8bit_kernel (per_token_group_quant_int8,"
        + " per_token_group_quant_fp8) (int-packing §6.3, §6.5)",
        List.of("int8_per_token is the dynamic kernel: scale = absmax/127.0f stored, codes"
                + " cvt.rni.sat.s8.f32(x * (127.0f/absmax)) (RNE, saturating to [-128, 127], in practice [-127, 127])."
                + " An all-zero token gives scale 0 and codes 0 (0*Inf is NaN, and cvt of NaN is 0).",
                "int8_per_tensor is the static kernel's arithmetic, x / scale with the same cvt, so -128 is"
                + " reachable; vLLM reads the scale from the checkpoint: give it with quantizeWithScales, or"
                + " lowbit computes amax/127.",
                "int8_block_1x128 is per_token_group_quant_8bit_kernel with int8 output: absmax starts at"
                + " eps = 1e-10, y_s = absmax / 127 (IEEE), q = fminf(fmaxf(x / y_s, -128), 127), then int8_t(q),"
                + " which truncates toward zero (RZ), not rounds. fp8_e4m3_block_1x128 is the same kernel with"
                + " max 448 and __nv_fp8_e4m3(q) (RNE, saturating).",
                "vLLM's Triton fallback _per_token_group_quant_int8 divides with Triton's '/', div.full.f32 (up to"
                + " 2 ulp, triton-lang/triton#10661). On an H200 (Triton 3.6) it matched the IEEE quotient in 4600 of"
                + " 5120 codes and x*fl(1/s) in 5115: it is not modelled.",
                "CUDA '/' is IEEE under nvcc's default -prec-div=true; vLLM's build flags were not checked."),
        formats -> {
            ScaledKnobs.Builder base = ScaledKnobs.builder().range(IntegerRange.FULL);
            formats.put(INT8_PER_TOKEN, base.application(ScaleApplication.QMAX_OVER_AMAX_MULTIPLY).build());
            formats.put(INT8_PER_TENSOR, base.application(ScaleApplication.DIVIDE).build());
            formats.put(INT8_BLOCK_1X128, base.rounding(CodeRounding.RZ).amaxFloor(1e-10).build());
            formats.put(FP8_E4M3_BLOCK_1X128, ScaledKnobs.builder().amaxFloor(1e-10).fp8Overflow(Overflow.SATFINITE)
                    .build());
        }),

    COMPRESSED_TENSORS("compressed-tensors",
        "vllm-project/compressed-tensors src/compressed_tensors/quantization/utils/helpers.py"
        + "::calculate_qparams, calculate_range, _get_dtype_eps, maybe_pad_tensor_for_block_quant;"
        + " quant_args.py::round_to_quantized_type_args (int-packing §6.4)",
        List.of("Symmetric int8: scale = amax/127.5 (bit_range/2), codes round(clamp(x/scale, -128, 127)), so"
                + " -amax reaches -128 and +amax clamps to 127: an asymmetric use of [-128, 127].",
                "amax/127.5 is a tensor divided by a Python float: on CUDA that is amax * fl32(1/127.5)"
                + " (scalar division RECIPROCAL_MULTIPLY; 18 of 18 nonzero rows on an H200). On CPU it is a true"
                + " division: set scalar division DIVIDE.",
                "A scale of 0 (an all-zero tensor, row or block) is replaced by torch.finfo(float32).eps = 2^-23.",
                "Block strategy: ragged weights are zero-padded to whole 128x128 blocks"
                + " (maybe_pad_tensor_for_block_quant). Group strategy (1x128) needs whole groups.",
                "lowbit computes in FP32. With bf16 or fp16 weights the observers' min/max and the division run"
                + " in that dtype; set arithmetic and scale dtype to model it (not checked on a device)."),
        formats -> {
            ScaledKnobs.Builder base = ScaledKnobs.builder().rule(QuantizerRule.ABSMAX_HALF_STEP)
                    .scalarDivision(ScalarDivision.RECIPROCAL_MULTIPLY).range(IntegerRange.FULL)
                    .zeroScale(ZeroScale.EPSILON);
            formats.put(INT8_PER_TENSOR, base.build());
            formats.put(INT8_PER_CHANNEL, base.build());
            formats.put(INT8_PER_TOKEN, base.build());
            formats.put(INT8_BLOCK_1X128, base.build());
            formats.put(INT8_BLOCK_128X128, base.tail(Tail.PAD_WITH_ZEROS).build());
        }),

    SMOOTHQUANT("smoothquant",
        "mit-han-lab/smoothquant smoothquant/fake_quant.py @8268d4d1 (quantize_weight_per_channel_absmax,"
        + " quantize_weight_per_tensor_absmax, quantize_activation_per_token_absmax) (int-packing §6.2)",
        List.of("Fake quantization in the tensor's dtype, fp16 in W8A8Linear: scale = clamp(amax, 1e-5).div_(127)"
                + " (on CUDA fp16(fl32(amax * fl32(1/127)))), codes round(x / scale) in fp16 (RNE), dequant"
                + " round(x/scale) * scale in fp16.",
                "SmoothQuant has no clamp. Where the fp16 scale is subnormal (amax below 127*2^-14, about 7.8e-3)"
                + " round(x/scale) can pass 127 (145..159 were seen for amax near 1e-5); no int8 holds that, and"
                + " lowbit clamps to [-127, 127], so such tensors are outside this profile's bit-exact domain.",
                "Its fake-quantized output keeps -0.0 where round(x/scale) is -0; an int8 code 0 dequantizes to +0."),
        formats -> {
            ScaledKnobs k = ScaledKnobs.builder().amaxFloor(1e-5).scalarDivision(ScalarDivision.RECIPROCAL_MULTIPLY)
                    .precisions(Precision.FP16, Precision.FP16, Precision.FP16).build();
            formats.put(INT8_PER_TENSOR, k);
            formats.put(INT8_PER_CHANNEL, k);
            formats.put(INT8_PER_TOKEN, k);
        }),

    DEEPSEEK_V3("deepseek-v3",
        "deepseek-ai/DeepSeek-V3 inference/kernel.py @9b4e9788 act_quant_kernel, weight_dequant_kernel"
        + " (int-packing §6.6)",
        List.of("amax = max(max|x|, 1e-4) in fp32, s = amax / 448. (fp32), codes (x / s) cast to float8_e4m3fn"
                + " by Triton (cvt.rn.satfinite: RNE, saturating); s stored fp32. Dequant fp32(code) * s, stored in"
                + " the default dtype (bf16 in generate.py): dequantize to BF16.",
                "Triton's fp32 '/' is div.full.f32 (up to 2 ulp, triton-lang/triton#10661), not modelled exactly:"
                + " lowbit takes s = amax * fl32(1/448) (what div.full gave in 40 of 40 blocks on an H200, where"
                + " the IEEE quotient agreed in 17) and the codes as x * fl32(1/s), the same recipe as DeepGEMM's"
                + " reference. A kernel can still differ in a code where x/s lies within 2 ulp of a rounding boundary.",
                "act_quant asserts that the last dimension is a multiple of 128 (tail REJECT); weights carry"
                + " scale_inv of shape [ceil(N/128), ceil(K/128)] (tail PAD_WITH_ZEROS). The first release of"
                + " kernel.py (06231633) had no 1e-4 floor, so an all-zero block gave NaN.",
                "scale_fmt 'ue8m0' (V3.1) computes 2^ceil(log2(s)) with Triton's approximate log2/exp2; lowbit"
                + " models it by DeepGEMM's exact bit rule (profile deepgemm-ue8m0)."),
        formats -> {
            ScaledKnobs.Builder base = ScaledKnobs.builder().amaxFloor(1e-4).fp8Overflow(Overflow.SATFINITE)
                    .scalarDivision(ScalarDivision.RECIPROCAL_MULTIPLY)
                    .application(ScaleApplication.RECIPROCAL_MULTIPLY);
            formats.put(FP8_E4M3_BLOCK_1X128, base.build());
            formats.put(FP8_E4M3_BLOCK_128X128, base.tail(Tail.PAD_WITH_ZEROS).build());
        }),

    DEEPGEMM("deepgemm",
        "deepseek-ai/DeepGEMM deep_gemm/utils/math.py @38939a4c per_token_cast_to_fp8, per_block_cast_to_fp8"
        + " (int-packing §6.6)",
        List.of("PyTorch reference casts on CUDA: sf = amax.clamp(1e-4) / 448.0, a tensor divided by a Python"
                + " float, so amax * fl32(1/448); codes (x * (1.0/sf)).to(float8_e4m3fn): the reciprocal rounded"
                + " first, the cast RNE and non-saturating (|x/sf| never passes 448 by more than a rounding error,"
                + " so no code is NaN).",
                "Ragged shapes are zero-padded to multiples of 128 (tail PAD_WITH_ZEROS)."),
        formats -> {
            ScaledKnobs.Builder base = ScaledKnobs.builder().amaxFloor(1e-4)
                    .scalarDivision(ScalarDivision.RECIPROCAL_MULTIPLY)
                    .application(ScaleApplication.RECIPROCAL_MULTIPLY).fp8Overflow(Overflow.NONSAT)
                    .tail(Tail.PAD_WITH_ZEROS);
            formats.put(FP8_E4M3_BLOCK_1X128, base.build());
            formats.put(FP8_E4M3_BLOCK_128X128, base.build());
        }),

    DEEPGEMM_UE8M0("deepgemm-ue8m0",
        "deepseek-ai/DeepGEMM deep_gemm/utils/math.py @38939a4c ceil_to_ue8m0, per_token_cast_to_fp8(use_ue8m0=True)"
        + " (int-packing §6.6)",
        List.of("As deepgemm, with sf rounded up to a power of two by the bit rule: exponent field plus one if the"
                + " mantissa is nonzero, clamped to [1, 254]. The scale is stored as its fp32 bits; its E8M0 byte is"
                + " bits >>> 23."),
        formats -> {
            ScaledKnobs.Builder base = ScaledKnobs.builder().amaxFloor(1e-4)
                    .scalarDivision(ScalarDivision.RECIPROCAL_MULTIPLY)
                    .application(ScaleApplication.RECIPROCAL_MULTIPLY).fp8Overflow(Overflow.NONSAT)
                    .tail(Tail.PAD_WITH_ZEROS).scaleRounding(ScaleRounding.UE8M0_CEIL);
            formats.put(FP8_E4M3_BLOCK_1X128, base.build());
            formats.put(FP8_E4M3_BLOCK_128X128, base.build());
        }),

    AWQ("awq",
        "casper-hansen/AutoAWQ awq/quantize/quantizer.py::AwqQuantizer.pseudo_quantize_tensor @88e4c76b"
        + " (zero_point=True), _apply_quant (.half()); llm-awq v1 gemm_cuda_gen.cu dequant (int-packing §1.1-§1.3)",
        List.of("Every op in fp16 (the layer is .half()): s = clamp(max - min, 1e-5) / 15, z = clamp(-round(min/s), 0, 15),"
                + " q = clamp(round(w/s) + z, 0, 15); the fp16 quotients are rounded before torch.round (RNE). On CUDA"
                + " '/ 15' is a multiplication by fl32(1/15) in fp32 and then a rounding to fp16, which gives the"
                + " correctly rounded fp16 quotient; in fp32 arithmetic the two differ (scalar division knob).",
                "Dequant fp16((q - z) * s), as the CUDA kernel's sub.f16x2 and fma.rn.f16x2.",
                "from_linear recomputes the packed codes as round((w' + z*s)/s) from the fake-quantized fp16 weight;"
                + " on an H200 that gave back q for all 15360 elements tried (groups 32, 64, 128); lowbit's codes are q."),
        formats -> formats.put(INT4_GROUP, ScaledKnobs.builder().rule(QuantizerRule.AWQ_MIN_MAX).amaxFloor(1e-5)
                .scalarDivision(ScalarDivision.RECIPROCAL_MULTIPLY)
                .precisions(Precision.FP16, Precision.FP16, Precision.FP16).groupSize(128).build())),

    AWQ_SYMMETRIC("awq-symmetric",
        "casper-hansen/AutoAWQ awq/quantize/quantizer.py::AwqQuantizer.pseudo_quantize_tensor @88e4c76b"
        + " (zero_point=False) (int-packing §1.1)",
        List.of("fp16: s = clamp(amax, 1e-5) / 7, q = clamp(round(w/s), -8, 7) as int4; no zero point. AutoAWQ's GEMM"
                + " format does not use it; it exists in the quantizer."),
        formats -> formats.put(INT4_GROUP, ScaledKnobs.builder().amaxFloor(1e-5).range(IntegerRange.FULL)
                .scalarDivision(ScalarDivision.RECIPROCAL_MULTIPLY)
                .precisions(Precision.FP16, Precision.FP16, Precision.FP16).groupSize(128).build())),

    GPTQ_SYMMETRIC("gptq-symmetric",
        "AutoGPTQ/AutoGPTQ auto_gptq/quantization/quantizer.py::Quantizer.find_params, quantize @9f7d3707 (sym=True,"
        + " the BaseQuantizeConfig default); qlinear_cuda.py dequant (int-packing §2.1-§2.4)",
        List.of("fp32 (fasterquant does W.float()): xmin = min(min, 0), xmax = max(max, 0), xmax = max(|xmin|, xmax),"
                + " xmin = -xmax only where xmin < 0; an all-zero group becomes [-1, 1]; s = (xmax - xmin) / maxq with"
                + " maxq a device tensor, so a true division; z = 8.",
                "A group with no negative value keeps xmin = 0, so s = max/15 and codes above 7/15*max clamp to 15.",
                "Scales are stored fp16 (scales.half()); the codes use the fp32 scale. Dequant fp16(s16 * (q - z)).",
                "The stored qzeros of checkpoint format v1 hold z - 1; lowbit's zeros are the true z (the packer's"
                + " business). GPTQ's short last group equals zero padding (tail PAD_WITH_ZEROS)."),
        formats -> formats.put(INT4_GROUP, ScaledKnobs.builder().rule(QuantizerRule.GPTQ_SYMMETRIC)
                .precisions(Precision.FP32, Precision.FP16, Precision.FP16).groupSize(128)
                .tail(Tail.PAD_WITH_ZEROS).build())),

    GPTQ_ASYMMETRIC("gptq-asymmetric",
        "AutoGPTQ/AutoGPTQ auto_gptq/quantization/quantizer.py::Quantizer.find_params, quantize @9f7d3707 (sym=False)"
        + " (int-packing §2.1-§2.4)",
        List.of("fp32: xmin = min(min, 0), xmax = max(max, 0) (an all-zero group becomes [-1, 1]), s = (xmax - xmin)/15,"
                + " z = round(-xmin/s) (RNE, never outside [0, 15], so not clamped), q = clamp(round(x/s) + z, 0, 15).",
                "Scales stored fp16; dequant fp16(s16 * (q - z)). v1 checkpoints store z - 1 (a true zero of 0"
                + " overflows the packed word, int-packing §2.4)."),
        formats -> formats.put(INT4_GROUP, ScaledKnobs.builder().rule(QuantizerRule.GPTQ_ASYMMETRIC)
                .precisions(Precision.FP32, Precision.FP16, Precision.FP16).groupSize(128)
                .tail(Tail.PAD_WITH_ZEROS).build())),

    HQQ("hqq",
        "mobiusml/hqq hqq/core/quantize.py::Quantizer.quantize, dequantize, to_inplace @e0b1d00e (optimize=False,"
        + " axis=1, round_zero for 4 bits) (int-packing §3.1)",
        List.of("fp32 (W.float()): i = 15 / (max - min), which PyTorch computes as (max - min).reciprocal() * 15, set to 1"
                + " where |max - min| <= 1e-4, then min(i, 2e4); zero = -min * i, rounded (RNE);"
                + " q = clamp(round(W * i + zero), 0, 15), the product and the sum each rounded in fp32.",
                "Stored scale = fp16(fp32(1/i)) and zero = fp16(zero) (moved to compute_dtype fp16); dequant"
                + " ((q - zero) * scale) in fp16, two roundings.",
                "optimize=True (HQQ's default) refines zero by an iterative solver; lowbit takes only the closed form."
                + " Older releases (74bbe01e) lack the |max - min| <= 1e-4 rule. Group size 64 is HQQ's default."),
        formats -> formats.put(INT4_GROUP, ScaledKnobs.builder().rule(QuantizerRule.HQQ_MIN_MAX)
                .application(ScaleApplication.RECIPROCAL_MULTIPLY).scalarDivision(ScalarDivision.RECIPROCAL_MULTIPLY)
                .floatZero(FloatZero.ROUNDED).precisions(Precision.FP32, Precision.FP16, Precision.FP16)
                .groupSize(64).build())),

    GGUF("gguf",
        "ggml-org/ggml src/ggml-quants.c @d99724f2 quantize_row_q4_0_ref, quantize_row_q4_1_ref, quantize_row_q8_0_ref,"
        + " dequantize_row_q4_0/q4_1/q8_0 (= llama.cpp ggml/src/ggml-quants.c) (int-packing §5.2-§5.4)",
        List.of("The reference C functions, used when a model file is quantized: all arithmetic in C float, d stored"
                + " as fp16 (RNE) while the codes use the unrounded float id = 1/d.",
                "Q4_0: q = MIN(15, (int8_t)(x*id + 8.5f)), ties up; an element equal to -m gives 16 and clamps to 15.",
                "Q4_1: q = MIN(15, (int8_t)((x - min)*id + 0.5f)). Q8_0: q = roundf(x*id), ties away from zero.",
                "Dequant in fp32: (q - 8)*d, q*d + m (q*d is exact, so a fused multiply-add gives the same bits), q*d.",
                "ggml is often built with -march=native; if the compiler contracts x*id + 8.5f into an FMA the"
                + " codes can differ at rounding boundaries. lowbit defines the unfused arithmetic."),
        formats -> {
            ScaledKnobs.Builder q4 = ScaledKnobs.builder().application(ScaleApplication.RECIPROCAL_MULTIPLY)
                    .rounding(CodeRounding.HALF_UP_F32).precisions(Precision.FP32, Precision.FP16, Precision.FP32);
            formats.put(GGUF_Q4_0, q4.rule(QuantizerRule.GGUF_Q4_0).build());
            formats.put(GGUF_Q4_1, q4.rule(QuantizerRule.GGUF_Q4_1).build());
            formats.put(GGUF_Q8_0, ScaledKnobs.builder().application(ScaleApplication.RECIPROCAL_MULTIPLY)
                    .rounding(CodeRounding.RNA).precisions(Precision.FP32, Precision.FP16, Precision.FP32).build());
        }),

    GGUF_AVX2("gguf-avx2",
        "ggml-org/ggml src/ggml-cpu/arch/x86/quants.c::quantize_row_q8_0 @d99724f2 (int-packing §5.4)",
        List.of("The x86 AVX/AVX2 activation quantizer (vec_dot's q8_0 side): d = maxScalar/127.f stored fp16,"
                + " id = 127.f/maxScalar (0 when maxScalar is 0), codes _mm256_round_ps(x*id, _MM_ROUND_NEAREST): RNE.",
                "Not modelled: an amax below 127/FLT_MAX (about 3.7e-37) makes id infinite, and _mm256_cvtps_epi32 of"
                + " an infinite lane gives the integer indefinite 0x80000000, which the packs turn into -128."),
        formats -> formats.put(GGUF_Q8_0, ScaledKnobs.builder()
                .application(ScaleApplication.QMAX_OVER_AMAX_MULTIPLY)
                .precisions(Precision.FP32, Precision.FP16, Precision.FP32).build())),

    GGUF_NEON("gguf-neon",
        "ggml-org/ggml src/ggml-cpu/arch/arm/quants.c::quantize_row_q8_0 @d99724f2 (int-packing §5.4)",
        List.of("The ARM NEON activation quantizer: d = amax/127 stored fp16, id = d ? 1/d : 0,"
                + " codes vcvtnq_s32_f32(x*id): RNE."),
        formats -> formats.put(GGUF_Q8_0, ScaledKnobs.builder()
                .application(ScaleApplication.RECIPROCAL_MULTIPLY)
                .precisions(Precision.FP32, Precision.FP16, Precision.FP32).build()));

    private final String id;
    private final String sources;
    private final List<String> notes;
    private final Map<ScaledFormat, ScaledKnobs> knobs;

    ScaledProfile(String id, String sources, List<String> notes,
                  Consumer<Map<ScaledFormat, ScaledKnobs>> definition) {
        this.id = id;
        this.sources = sources;
        this.notes = List.copyOf(notes);
        Map<ScaledFormat, ScaledKnobs> table = new EnumMap<>(ScaledFormat.class);
        definition.accept(table);
        table.forEach((format, k) -> k.requireApplicableTo(format));
        this.knobs = Collections.unmodifiableMap(table);
    }

    public String id() { return id; }

    /** The upstream files and commits the profile follows. */
    public String sources() { return sources; }

    /** What the profile does, where it had to choose, and what it leaves out. */
    public List<String> notes() { return notes; }

    /** The formats this profile defines, in declaration order. */
    public Set<ScaledFormat> formats() { return knobs.keySet(); }

    public boolean defines(ScaledFormat format) { return knobs.containsKey(format); }

    /**
     * The knobs of this profile for {@code format}.
     *
     * @throws IllegalArgumentException if the profile does not define the format, listing those it does
     */
    public ScaledKnobs knobsFor(ScaledFormat format) {
        ScaledKnobs k = knobs.get(format);
        if (k == null) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "profile %s does not define %s; it defines: %s", id, format.id(),
                    formats().stream().map(ScaledFormat::id).collect(Collectors.joining(", "))));
        }
        return k;
    }

    public static ScaledProfile byId(String id) {
        for (ScaledProfile p : values()) {
            if (p.id.equalsIgnoreCase(id)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown scaled profile '" + id + "'; known profiles: " + ids());
    }

    public static String ids() {
        return Arrays.stream(values()).map(ScaledProfile::id).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() { return id; }
}
