package org.lowbit.reference.scaled;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Supplier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.lowbit.spec.ScaledFormat;
import org.lowbit.spec.ScaledKnobs;
import org.lowbit.spec.ScaledPolicies.CodeRounding;
import org.lowbit.spec.ScaledPolicies.FloatZero;
import org.lowbit.spec.ScaledPolicies.Precision;
import org.lowbit.spec.ScaledPolicies.QuantizerRule;
import org.lowbit.spec.ScaledPolicies.ScaleApplication;
import org.lowbit.spec.ScaledPolicies.ScaleRounding;
import org.lowbit.spec.ScaledPolicies.Tail;
import org.lowbit.spec.ScaledProfile;
import org.lowbit.spec.SourceFormat;

/** Bad input is a clear {@link IllegalArgumentException} that names the numbers, never a silent result. */
class ScaledBadInputTest {

    private static void assertMessage(Supplier<?> call, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::get);
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), () -> "'" + e.getMessage() + "' lacks '" + fragment + "'");
        }
    }

    private static final ScaledKnobs AWQ = ScaledProfile.AWQ.knobsFor(ScaledFormat.INT4_GROUP);

    @Test
    @DisplayName("cols not a multiple of the group size: AWQ (tail REJECT) names 100 and 128")
    void raggedGroup() {
        assertMessage(() -> ScaledCodec.quantize(new float[2 * 100], 2, 100, ScaledFormat.INT4_GROUP, AWQ),
                "cols 100 is not a multiple of 128", "2×100", "PAD_WITH_ZEROS");
    }

    @Test
    @DisplayName("GPTQ asymmetric: a group whose only nonzero is -2^-149 has scale 2^-149 / 15 = 0 and an infinite zero: rejected")
    void gptqScaleUnderflow() {
        // xmin = -2^-149, xmax = 0: s = 2^-149 / 15 rounds to 0 in FP32, z = round(2^-149 / 0) = +Inf (int-packing §2.1)
        ScaledKnobs gptq = ScaledProfile.GPTQ_ASYMMETRIC.knobsFor(ScaledFormat.INT4_GROUP);
        float[] group = new float[128];
        group[0] = Float.intBitsToFloat(0x80000001);
        assertMessage(() -> ScaledCodec.quantize(group, 1, 128, ScaledFormat.INT4_GROUP, gptq),
                "GPTQ zero Infinity outside [0, 15]", "underflowed");
    }

    @Test
    @DisplayName("128×128 blocks on a ragged matrix are rejected under REJECT and zero-padded under PAD_WITH_ZEROS")
    void ragged128x128() {
        ScaledKnobs ct = ScaledProfile.COMPRESSED_TENSORS.knobsFor(ScaledFormat.INT8_BLOCK_128X128);
        ScaledKnobs reject = ct.withTail(Tail.REJECT);
        assertMessage(() -> ScaledCodec.quantize(new float[200 * 128], 200, 128, ScaledFormat.INT8_BLOCK_128X128,
                reject), "rows 200 is not a multiple of 128", "200×128");
        QuantizedTensor t = ScaledCodec.quantize(new float[200 * 130], 200, 130, ScaledFormat.INT8_BLOCK_128X128, ct);
        assertEquals(2, t.scaleRows());
        assertEquals(2, t.scaleCols());
    }

    @Test
    @DisplayName("DeepSeek-V3 act_quant rejects a last dimension that is not a multiple of 128")
    void deepSeekActivations() {
        ScaledKnobs ds = ScaledProfile.DEEPSEEK_V3.knobsFor(ScaledFormat.FP8_E4M3_BLOCK_1X128);
        assertMessage(() -> ScaledCodec.quantize(new float[200], 1, 200, ScaledFormat.FP8_E4M3_BLOCK_1X128, ds),
                "cols 200 is not a multiple of 128");
    }

    @Test
    @DisplayName("Group size 0 or negative for int4_group; a group size on a fixed-block format")
    void groupSizes() {
        assertMessage(() -> ScaledCodec.quantize(new float[128], 1, 128, ScaledFormat.INT4_GROUP, AWQ.withGroupSize(0)),
                "int4_group needs a positive group size", "got 0");
        assertMessage(() -> AWQ.withGroupSize(-32), "group size must be positive", "-32");
        ScaledKnobs q80 = ScaledProfile.GGUF.knobsFor(ScaledFormat.GGUF_Q8_0).withGroupSize(64);
        assertMessage(() -> ScaledCodec.quantize(new float[64], 1, 64, ScaledFormat.GGUF_Q8_0, q80),
                "gguf_q8_0 has a fixed block of 1×32", "got 64");
    }

    @Test
    @DisplayName("A length that is not rows·cols, a non-positive shape")
    void shapes() {
        assertMessage(() -> ScaledCodec.quantize(new float[10], 2, 8, ScaledFormat.INT8_PER_TOKEN,
                ScaledProfile.VLLM.knobsFor(ScaledFormat.INT8_PER_TOKEN)), "10 input values for a 2×8 tensor", "16");
        assertMessage(() -> ScaledCodec.quantize(new float[0], 0, 8, ScaledFormat.INT8_PER_TOKEN,
                ScaledProfile.VLLM.knobsFor(ScaledFormat.INT8_PER_TOKEN)), "0×8");
    }

    @Test
    @DisplayName("NaN and ±Inf inputs are rejected with their position; an FP16 arithmetic overflow too")
    void nonFinite() {
        float[] x = new float[32];
        x[5] = Float.NaN;
        assertMessage(() -> ScaledCodec.quantize(x, 1, 32, ScaledFormat.GGUF_Q8_0,
                ScaledProfile.GGUF.knobsFor(ScaledFormat.GGUF_Q8_0)), "element 5", "NaN");
        x[5] = Float.NEGATIVE_INFINITY;
        assertMessage(() -> ScaledCodec.quantize(x, 1, 32, ScaledFormat.GGUF_Q8_0,
                ScaledProfile.GGUF.knobsFor(ScaledFormat.GGUF_Q8_0)), "element 5", "Infinity");
        float[] big = new float[128];
        big[3] = 70000;
        assertMessage(() -> ScaledCodec.quantize(big, 1, 128, ScaledFormat.INT4_GROUP, AWQ), "element 3", "f16");
    }

    @Test
    @DisplayName("GGUF Q4_1 on a block whose range overflows float: ggml's (int8_t) cast would be undefined")
    void ggufOverflow() {
        float[] x = new float[32];
        x[0] = -3e38f;
        x[1] = 3e38f;
        assertMessage(() -> ScaledCodec.quantize(x, 1, 32, ScaledFormat.GGUF_Q4_1,
                ScaledProfile.GGUF.knobsFor(ScaledFormat.GGUF_Q4_1)), "GGUF", "int8_t");
    }

    @Test
    @DisplayName("Knobs that do not apply: a profile without the format, GGUF rounding on int8, RNA on fp8, UE8M0 in fp16")
    void knobs() {
        assertMessage(() -> ScaledProfile.AWQ.knobsFor(ScaledFormat.INT8_PER_TOKEN),
                "profile awq does not define int8_per_token", "int4_group");
        assertMessage(() -> ScaledKnobs.builder().rounding(CodeRounding.HALF_UP_F32).build()
                .requireApplicableTo(ScaledFormat.INT8_PER_TOKEN), "rounding HALF_UP_F32", "int8_per_token");
        assertMessage(() -> ScaledKnobs.builder().rounding(CodeRounding.RNA).build()
                .requireApplicableTo(ScaledFormat.FP8_E4M3_BLOCK_1X128), "rounding RNA", "fp8_e4m3_block_1x128");
        assertMessage(() -> ScaledKnobs.builder().scaleRounding(ScaleRounding.UE8M0_CEIL)
                .precisions(Precision.FP16, Precision.FP16, Precision.FP16).build()
                .requireApplicableTo(ScaledFormat.FP8_E4M3_BLOCK_1X128), "UE8M0_CEIL");
        assertMessage(() -> ScaledKnobs.builder().rule(QuantizerRule.AWQ_MIN_MAX).build()
                .requireApplicableTo(ScaledFormat.INT8_PER_TOKEN), "rule AWQ_MIN_MAX", "int8_per_token");
        assertMessage(() -> ScaledKnobs.builder().rule(QuantizerRule.HQQ_MIN_MAX).groupSize(64).build()
                .requireApplicableTo(ScaledFormat.INT4_GROUP), "application DIVIDE", "RECIPROCAL_MULTIPLY");
        assertMessage(() -> ScaledKnobs.builder().floatZero(FloatZero.ROUNDED).build()
                .requireApplicableTo(ScaledFormat.INT8_PER_TOKEN), "float zero ROUNDED");
        assertMessage(() -> ScaledKnobs.builder().precisions(Precision.FP32, Precision.FP16, Precision.BF16).build()
                .requireApplicableTo(ScaledFormat.INT8_PER_TOKEN), "dequant arithmetic bf16");
        assertMessage(() -> ScaledKnobs.builder().amaxFloor(-1).build(), "amax floor", "-1");
        assertMessage(() -> ScaledFormat.byId("int3_group"), "unknown scaled format 'int3_group'", "int4_group");
        assertMessage(() -> ScaledProfile.byId("exl2"), "unknown scaled profile 'exl2'", "awq");
    }

    @Test
    @DisplayName("Given scales: the wrong count, a rule that computes its own zero, x·(qmax/amax)")
    void givenScales() {
        ScaledKnobs vllm = ScaledProfile.VLLM.knobsFor(ScaledFormat.INT8_PER_TOKEN);
        assertMessage(() -> ScaledCodec.quantizeWithScales(new int[8], SourceFormat.FP32, 2, 4,
                ScaledFormat.INT8_PER_TOKEN, vllm.withApplication(ScaleApplication.DIVIDE), new int[3]),
                "3 scales given for 2 blocks");
        assertMessage(() -> ScaledCodec.quantizeWithScales(new int[8], SourceFormat.FP32, 2, 4,
                ScaledFormat.INT8_PER_TOKEN, vllm, new int[2]), "QMAX_OVER_AMAX_MULTIPLY");
        assertMessage(() -> ScaledCodec.quantizeWithScales(new int[128], SourceFormat.FP32, 1, 128,
                ScaledFormat.INT4_GROUP, AWQ, new int[1]), "AWQ_MIN_MAX");
    }

    @Test
    @DisplayName("f64 input is the exact oracle's only")
    void float64Source() {
        assertMessage(() -> ScaledCodec.quantize(new int[4], SourceFormat.FP64, 1, 4, ScaledFormat.INT8_PER_TOKEN,
                ScaledProfile.VLLM.knobsFor(ScaledFormat.INT8_PER_TOKEN)), "f64");
    }

    @Test
    @DisplayName("A QuantizedTensor with codes outside its element format, or the wrong number of scales, is refused")
    void tensorRecord() {
        ScaledKnobs k = ScaledProfile.GPTQ_ASYMMETRIC.knobsFor(ScaledFormat.INT4_GROUP);
        assertMessage(() -> new QuantizedTensor(ScaledFormat.INT4_GROUP, k, 1, 128, 1, 128, new int[128],
                new int[2], new int[1]), "2 scales for 1 blocks");
        int[] codes = new int[128];
        codes[3] = 16;
        assertMessage(() -> new QuantizedTensor(ScaledFormat.INT4_GROUP, k, 1, 128, 1, 128, codes, new int[1],
                new int[1]), "code 0x10 is out of range for uint4");
    }
}
