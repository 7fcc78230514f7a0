package org.lowbit.spec;

import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.lowbit.spec.BlockPolicies.NonFinitePolicy;
import org.lowbit.spec.BlockPolicies.ScaleClampRange;
import org.lowbit.spec.BlockPolicies.ScalingArithmetic;
import org.lowbit.spec.BlockPolicies.TailPolicy;
import org.lowbit.spec.BlockPolicies.TensorScaleRule;
import org.lowbit.spec.BlockPolicies.TinyAmaxPolicy;
import org.lowbit.spec.BlockPolicies.ZeroBlockScale;

/**
 * A named set of block knobs that follows one real system (DESIGN.md §1; SPEC.md §8.6), with
 * the block formats that system supports, its sources, and in {@link #notes()} every place where the
 * profile had to choose because the system says nothing or does something lowbit does not copy.
 *
 * <p>The knobs themselves apply to any block format whose scale the rule produces
 * ({@link BlockKnobs#requireApplicableTo}); {@link #formats()} only records what the system offers.
 */
public enum BlockProfile {
    /** OCP MX v1.0 §6.3 as written: FLOOR, RNE, saturating elements; the open points as §7 "OCP-EXACT". */
    OCP_MX_1_0("ocp-mx-1.0",
        new BlockKnobs(ScaleRule.FLOOR, ElementProfile.OCP, Rounding.RNE, NonFinitePolicy.WHOLE_BLOCK_NAN,
                ZeroBlockScale.SMALLEST_SCALE, TinyAmaxPolicy.CLAMP, TailPolicy.PAD_WITH_ZEROS,
                ScalingArithmetic.DIVIDE, ScaleClampRange.MIN_NORMAL, TensorScaleRule.NONE),
        mx(BlockFormat.MXFP8_E4M3, BlockFormat.MXFP8_E5M2, BlockFormat.MXFP6_E3M2, BlockFormat.MXFP6_E2M3,
           BlockFormat.MXFP4, BlockFormat.MXINT8),
        "OCP MX v1.0 §5.1, §5.2 Table 1, §5.3, §5.3.4, §6.2, §6.3 (mx-semantics.md §1.1-§1.5, §7 OCP-EXACT)",
        List.of("Scale: §6.3's recommended algorithm, the exponent of amax read from its bits (never a float"
                + " log2), clamped to [-127, 127] so a finite block never gets 0xFF.",
                "Elements: roundTiesToEven (§5.3 'must') and clamping to ±max (§5.3 'Saturation'; FP8 in OFP8's"
                + " saturating mode); the element knobs are the 'ocp' element profile.",
                "Open in the spec (§4, §5.1), chosen as mx-semantics.md §7 OCP-EXACT: a NaN or Inf anywhere makes"
                + " the scale 0xFF (every implementation that handles it does), with element codes 0; an all-zero"
                + " block gets 0x00 (2^-127); a tiny amax clamps the scale at 2^-127.",
                "Tail: §6.2 assumes vectors padded to a multiple of k, so the last block is padded with zeros.",
                "Scaling: V_i / X as §6.3 writes it; X is a power of two, so the quotient is exact.")),

    /** microsoft/microxcaling with its defaults (block size 32, scale_bits 8), following its CUDA path. */
    MICROXCALING("microxcaling",
        new BlockKnobs(ScaleRule.FLOOR, ElementProfile.OCP, Rounding.RNA, NonFinitePolicy.WHOLE_BLOCK_NAN,
                ZeroBlockScale.SMALLEST_SCALE, TinyAmaxPolicy.CLAMP, TailPolicy.PAD_WITH_ZEROS,
                ScalingArithmetic.DIVIDE, ScaleClampRange.MIN_NORMAL, TensorScaleRule.NONE),
        mx(BlockFormat.MXFP8_E4M3, BlockFormat.MXFP8_E5M2, BlockFormat.MXFP6_E3M2, BlockFormat.MXFP6_E2M3,
           BlockFormat.MXFP4, BlockFormat.MXINT8),
        "microsoft/microxcaling 7bc41952 mx/mx_ops.py _quantize_mx, mx/elemwise_ops.py, mx/specs.py,"
                + " mx/cpp/shared_exp.cuh, quantize.cuh, mx.cuh (mx-semantics.md §2)",
        List.of("Deviation: the scale follows the CUDA path (custom_cuda=True), which reads amax's biased"
                + " exponent bits. The default Python path computes floor(log2 amax) with fp32 torch.log2, which"
                + " rounds up just below powers of two (0x40FFFFFF gives 3, 0x43FFFFFF gives 9; mx-semantics.md"
                + " §2.5 item 2) and then takes a scale one binade too large. That libm result cannot be"
                + " reproduced bit-exactly here, so it is not modelled: vectors whose amax lies a few ulps below a"
                + " power of two show the Python path as a deviation.",
                "Elements: the default round='nearest' is ties-away (RNA); round='even' is this profile with the"
                + " element rounding RNE. Saturating (saturate_normals=True), subnormals kept, MXINT8"
                + " symmetric (never -128).",
                "A NaN or Inf anywhere makes the whole block NaN (scale 0xFF, element codes 0: microxcaling outputs"
                + " fake-quantized FP32, not codes); an all-zero block gets 2^-127 (0x00).",
                "mx_flush_fp32_subnorms=False by default (tiny amax: CLAMP); True is the knob"
                + " FLUSH_SUBNORMAL_AMAX.",
                "Ragged tails are zero-padded (_reshape_to_blocks); elements are divided by 2^shared_exp.")),

    /** pytorch/ao to_mx with ScaleCalculationMode.FLOOR, its default. */
    TORCHAO_FLOOR("torchao-floor", torchao(ScaleRule.FLOOR), torchaoMxFormats(), Sources.TORCHAO_MX,
        torchaoNotes("FLOOR (the default, 'recommended by the OCP MX Spec 1.0'): E(amax) - emax from the"
                     + " bits of amax.")),

    /** pytorch/ao to_mx with ScaleCalculationMode.CEIL. */
    TORCHAO_CEIL("torchao-ceil", torchao(ScaleRule.CEIL), torchaoMxFormats(), Sources.TORCHAO_MX,
        torchaoNotes("CEIL: torchao computes E(amax) + [fraction != 0] - emax, which equals ceil(log2 amax) -"
                     + " emax after the clamp for every format torchao supports (they differ only for an FP32"
                     + " subnormal amax with emax 0).")),

    /** pytorch/ao to_mx with ScaleCalculationMode.EVEN. */
    TORCHAO_EVEN("torchao-even", torchao(ScaleRule.EVEN), torchaoMxFormats(), Sources.TORCHAO_MX,
        torchaoNotes("EVEN: amax rounded half-up to the element's mantissa bits, then FLOOR.")),

    /** pytorch/ao to_mx with ScaleCalculationMode.RCEIL (the cuBLAS method). */
    TORCHAO_RCEIL("torchao-rceil", torchao(ScaleRule.RCEIL), torchaoMxFormats(), Sources.TORCHAO_MX,
        torchaoNotes("RCEIL: the descale amax * (1.0 / max_pos) in FP32 (reproduced with Java float"
                     + " arithmetic, IEEE RNE, no FMA), rounded up to E8M0 as _f32_to_e8m0_rceil (and"
                     + " cvt.rp.ue8m0x2) do.")),

    /** Triton triton_kernels downcast_to_mxfp with DequantScaleRoundingMode.ROUND_UP, its default. */
    TRITON_ROUND_UP("triton-round-up",
        new BlockKnobs(ScaleRule.ROUND_UP, ElementProfile.OCP, Rounding.RNE, NonFinitePolicy.WHOLE_BLOCK_NAN,
                ZeroBlockScale.SMALLEST_SCALE, TinyAmaxPolicy.CLAMP, TailPolicy.PAD_WITH_ZEROS,
                ScalingArithmetic.RECIPROCAL_MULTIPLY, ScaleClampRange.MIN_NORMAL, TensorScaleRule.NONE),
        mx(BlockFormat.MXFP4, BlockFormat.MXFP8_E4M3, BlockFormat.MXFP8_E5M2),
        "triton-lang/triton python/triton_kernels/triton_kernels/numerics_details/mxfp_details/"
                + "_downcast_to_mxfp.py at 0616e645, mxfp.py at 018a674f (mx-semantics.md §6.2)",
        List.of("Scale: dequant_scale = amax / max_q in FP32 (max_q 6, 448, 57344), then"
                + " (bits + 0x7FFFFF) & 0x7F800000; a zero dequant_scale stores 0x00 and writes every element as"
                + " ±0 (quant_scale = 0).",
                "Elements: FP8 by the satfinite PTX cvt (RNE, clamp); FP4 by bit-level RNE then min(code, 7) as"
                + " in kernel 0616e645 and the torch reference. Kernel d1c192b7 rounds FP4 ties up (RNA on the"
                + " magnitude): this profile with element rounding RNA.",
                "Non-finite blocks are not handled deliberately in Triton: an Inf amax gives scale 0xFF by the"
                + " arithmetic, a NaN amax depends on tl.max. lowbit makes the whole block NaN (0xFF) with"
                + " element codes 0; Triton's element codes there are not modelled.",
                "Ragged tails are padded (padding lanes do not count in amax); elements are multiplied by"
                + " 1/2^s, which is exact.")),

    /** pytorch/ao nvfp4_quantize (emulated path), single level by default. */
    NVFP4_TORCHAO("nvfp4-torchao",
        new BlockKnobs(ScaleRule.NEAREST, ElementProfile.OCP, Rounding.RNE, NonFinitePolicy.WHOLE_BLOCK_NAN,
                ZeroBlockScale.SMALLEST_SCALE, TinyAmaxPolicy.CLAMP, TailPolicy.REJECT,
                ScalingArithmetic.RECIPROCAL_MULTIPLY, ScaleClampRange.MIN_NORMAL, TensorScaleRule.NONE),
        EnumSet.of(BlockFormat.NVFP4),
        "pytorch/ao 36027d82 torchao/prototype/mx_formats/nvfp4_tensor.py nvfp4_quantize,"
                + " per_tensor_amax_to_scale, get_hp_scales (mx-semantics.md §3.5, §3.7)",
        List.of("Single level unless a per_tensor_scale is given, as nvfp4_quantize(per_tensor_scale=None):"
                + " two level is the knob AMAX_OVER_2688 (g = amax/(448·6), per_tensor_amax_to_scale) or a"
                + " caller's g.",
                "Block scale fl(fl(amax/6) / g) clamped to [2^-6, 448] (E4M3_EPS = finfo.tiny, the smallest"
                + " normal), then PyTorch's RNE cast to e4m3: an all-zero block gets 2^-6 (0x08).",
                "Elements x * ((1/g) / S) by reciprocal multiplication 'to match MSLK triton kernel numerics'"
                + " (36027d82). An older torchao read in the code store (02a1bc44) divides, x / (g · S), which"
                + " is the knob DIVIDE except for its block scale's operation order.",
                "Non-finite: chosen WHOLE_BLOCK_NAN (scale 0x7F, element codes 0). Derived from the formulas,"
                + " not run: torchao's arithmetic gives a NaN scale for a NaN block but clamps an Inf block's"
                + " scale to 448 and saturates the Inf to ±6; lowbit does not copy that accident.",
                "The last dimension must be divisible by 16 (tail REJECT). Dequantization: torchao computes"
                + " e · fl(g · S) and then casts; lowbit rounds the exact product e · S · g once (SPEC.md §8.7).")),

    /** NVIDIA Model-Optimizer NVFP4QTensor.quantize: always two level. */
    NVFP4_MODELOPT("nvfp4-modelopt",
        new BlockKnobs(ScaleRule.NEAREST, ElementProfile.OCP, Rounding.RNE, NonFinitePolicy.WHOLE_BLOCK_NAN,
                ZeroBlockScale.ONE, TinyAmaxPolicy.CLAMP, TailPolicy.PAD_WITH_ZEROS,
                ScalingArithmetic.DIVIDE, ScaleClampRange.MIN_SUBNORMAL, TensorScaleRule.AMAX_OVER_2688),
        EnumSet.of(BlockFormat.NVFP4),
        "NVIDIA/Model-Optimizer 211c6b34 modelopt/torch/quantization/qtensor/nvfp4_tensor.py"
                + " NVFP4QTensor.quantize, get_weights_scaling_factor(_2), _cast_fp4 (mx-semantics.md §3.5)",
        List.of("Two level: weights_scaling_factor_2 g = amax / (6·448) over the tensor.",
                "Block scale fl(amax / fl(6 · g)); a block scale that computes to 0 becomes 1.0 (0x38); then"
                + " clamp(min=2^-9), the smallest E4M3 subnormal, and the e4m3 cast. ModelOpt has no upper clamp:"
                + " lowbit clamps at 448, which is what torch ≥ 2.13's saturating cast gives (an older torch gives"
                + " NaN from 464 up, reachable only with a caller's g below amax/2688).",
                "Elements x / fl(S · g) by division; FP4 by searchsorted with the ties at 0.75, 1.75 and 3.5"
                + " bumped up, which is RNE with saturation.",
                "Non-finite: not handled deliberately in ModelOpt; chosen WHOLE_BLOCK_NAN (scale 0x7F, element"
                + " codes 0).",
                "Ragged tails are padded (reduce_block_padding; zero padding assumed). Dequantization: ModelOpt"
                + " computes e · fl(S · g); lowbit rounds the exact product once (SPEC.md §8.7)."));

    /** Shared source lines (a nested class, so that the enum constants can read them). */
    private static final class Sources {
        static final String TORCHAO_MX =
                "pytorch/ao 36027d82 torchao/prototype/mx_formats/mx_tensor.py to_mx, config.py"
                + " ScaleCalculationMode, custom_fp_utils.py, constants.py (mx-semantics.md §3.1-§3.4, §3.7)";
    }

    private final String id;
    private final BlockKnobs knobs;
    private final Set<BlockFormat> formats;
    private final String sources;
    private final List<String> notes;

    BlockProfile(String id, BlockKnobs knobs, Set<BlockFormat> formats, String sources, List<String> notes) {
        this.id = id;
        this.knobs = knobs;
        this.formats = Collections.unmodifiableSet(EnumSet.copyOf(formats));
        this.sources = sources;
        this.notes = List.copyOf(notes);
        for (BlockFormat f : this.formats) {
            knobs.requireApplicableTo(f);
        }
    }

    private static Set<BlockFormat> mx(BlockFormat first, BlockFormat... rest) {
        return EnumSet.of(first, rest);
    }

    /** torchao has no MXINT8 ("TODO(future PR): add support for MX int8", constants.py). */
    private static Set<BlockFormat> torchaoMxFormats() {
        return EnumSet.of(BlockFormat.MXFP8_E4M3, BlockFormat.MXFP8_E5M2, BlockFormat.MXFP6_E3M2,
                BlockFormat.MXFP6_E2M3, BlockFormat.MXFP4);
    }

    private static BlockKnobs torchao(ScaleRule rule) {
        return new BlockKnobs(rule, ElementProfile.OCP, Rounding.RNE, NonFinitePolicy.WHOLE_BLOCK_NAN,
                ZeroBlockScale.SMALLEST_SCALE, TinyAmaxPolicy.CLAMP, TailPolicy.REJECT,
                ScalingArithmetic.RECIPROCAL_MULTIPLY, ScaleClampRange.MIN_NORMAL, TensorScaleRule.NONE);
    }

    private static List<String> torchaoNotes(String rule) {
        return List.of(rule,
                "Scale exponent clamped to [-127, 128] by torchao then byte = s + 127; for a finite amax of a"
                + " supported format s never exceeds 126, so lowbit's clamp to [-127, 127] gives the same bytes.",
                "A NaN or Inf amax gives scale 0xFF. torchao's element codes under it are whatever its arithmetic"
                + " gives (fp4 0x3, fp6 0x0C/0x0E, fp8 0x7F; mx-semantics.md §3.7): lowbit writes 0.",
                "An all-zero block and an FP32-subnormal amax get 0x00 (2^-127); elements are then converted as"
                + " usual.",
                "Elements: data * 2^-s with the exact reciprocal; FP8 by a clamp and PyTorch's RNE cast, FP6/FP4 by"
                + " _f32_to_floatx_unpacked (RNE, saturating): the 'ocp' element profile.",
                "The last dimension must be divisible by the block size (tail REJECT); input is cast to FP32"
                + " first (bf16 and fp32 only in torchao; lowbit also takes fp16).",
                "No MXINT8 in torchao, so the profile lists no mxint8.");
    }

    public String id() { return id; }

    /** The block knobs of this profile. */
    public BlockKnobs knobs() { return knobs; }

    /** The block formats the followed system supports. */
    public Set<BlockFormat> formats() { return formats; }

    /** Whether the followed system supports {@code format}. */
    public boolean supports(BlockFormat format) { return formats.contains(format); }

    /** The sources the profile follows. */
    public String sources() { return sources; }

    /** Where the profile had to choose, what it chose and why. */
    public List<String> notes() { return notes; }

    /**
     * The knobs for {@code format}, after checking that the followed system supports it.
     *
     * @throws IllegalArgumentException naming the profile, the format and the formats it supports
     */
    public BlockKnobs knobsFor(BlockFormat format) {
        if (!supports(format)) {
            throw new IllegalArgumentException("block profile " + id + " does not support " + format.id()
                    + "; it supports: " + formats.stream().map(BlockFormat::id).collect(Collectors.joining(", ")));
        }
        return knobs;
    }

    public static BlockProfile byId(String id) {
        for (BlockProfile p : values()) {
            if (p.id.equalsIgnoreCase(id)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown block profile '" + id + "'; known profiles: " + ids());
    }

    public static String ids() {
        return Arrays.stream(values()).map(BlockProfile::id).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() { return id; }
}
