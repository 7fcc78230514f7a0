package org.lowbit.reference.scaled;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.lowbit.spec.ScaledFormat;
import org.lowbit.spec.ScaledKnobs;
import org.lowbit.spec.ScaledPolicies.Precision;
import org.lowbit.spec.ScaledPolicies.ScalarDivision;
import org.lowbit.spec.ScaledProfile;
import org.lowbit.spec.SourceFormat;

/**
 * Where real systems disagree: each test feeds one input to several profiles (or to one profile with
 * one knob changed) and pins every answer. The inputs were found by search and are explained by hand.
 */
class ScaledDiscrepancyTest {

    static QuantizedTensor quantize(float[] x, int rows, int cols, ScaledFormat format, ScaledKnobs knobs) {
        return ScaledCodec.quantize(x, rows, cols, format, knobs);
    }

    static int[] ints(QuantizedTensor t) {
        int[] v = new int[t.rows() * t.cols()];
        for (int i = 0; i < v.length; i++) {
            v[i] = t.integerValue(i);
        }
        return v;
    }

    static float[] padded(int length, float... head) {
        return java.util.Arrays.copyOf(head, length);
    }

    @Test
    @DisplayName("[−127, 127] or [−128, 127]: −amax is −127 for vLLM dynamic and SmoothQuant, −128 for compressed-tensors")
    void int8Range() {
        float[] x = {-127.5f, 127.5f, 38.25f, -38.25f};
        ScaledFormat f = ScaledFormat.INT8_PER_TOKEN;
        assertArrayEquals(new int[] {-127, 127, 38, -38}, ints(quantize(x, 1, 4, f, ScaledProfile.VLLM.knobsFor(f))));
        assertArrayEquals(new int[] {-127, 127, 38, -38},
                ints(quantize(x, 1, 4, f, ScaledProfile.SMOOTHQUANT.knobsFor(f))));
        assertArrayEquals(new int[] {-128, 127, 38, -38},
                ints(quantize(x, 1, 4, f, ScaledProfile.COMPRESSED_TENSORS.knobsFor(f))));
    }

    @Test
    @DisplayName("The range knob on values past the ends: SYMMETRIC clamps −130 to −127, FULL to −128; +130 is 127 in both")
    void rangeKnobClamps() {
        float[] x = {-130, 130, -127.5f, 127.5f};
        ScaledKnobs sym = ScaledKnobs.builder().build();
        ScaledKnobs full = ScaledKnobs.builder().range(org.lowbit.spec.SpecialPolicies.IntegerRange.FULL).build();
        int[] one = {Float.floatToRawIntBits(1.0f)};
        assertArrayEquals(new int[] {-127, 127, -127, 127}, ints(ScaledCodec.quantizeWithScales(TestTensors.bits(x),
                SourceFormat.FP32, 1, 4, ScaledFormat.INT8_PER_TENSOR, sym, one)));
        assertArrayEquals(new int[] {-128, 127, -128, 127}, ints(ScaledCodec.quantizeWithScales(TestTensors.bits(x),
                SourceFormat.FP32, 1, 4, ScaledFormat.INT8_PER_TENSOR, full, one)));
    }

    @Test
    @DisplayName("compressed-tensors: amax = 1 gives s = fl32(1/127.5), rounded up, so −amax is −127.49999… → −127, not −128")
    void compressedTensorsAmaxOne() {
        float[] x = {-1.0f, 1.0f};
        ScaledFormat f = ScaledFormat.INT8_PER_TOKEN;
        ScaledKnobs cuda = ScaledProfile.COMPRESSED_TENSORS.knobsFor(f);
        assertArrayEquals(new int[] {-127, 127}, ints(quantize(x, 1, 2, f, cuda)));
        assertArrayEquals(new int[] {-127, 127},
                ints(quantize(x, 1, 2, f, cuda.withScalarDivision(ScalarDivision.DIVIDE))));
        assertEquals(Float.floatToRawIntBits(1 / 127.5f), quantize(x, 1, 2, f, cuda).scales()[0]);
    }

    @Test
    @DisplayName("RNE, ties away and toward zero on one row: vLLM per token, vLLM per group (int8_t cast), GGUF Q8_0 (roundf)")
    void roundingRules() {
        float[] x = padded(128, 127, 2.5f, -2.5f, 1.9f, -1.9f, 0.5f);
        int[] head = new int[6];
        QuantizedTensor token = quantize(x, 1, 128, ScaledFormat.INT8_PER_TOKEN,
                ScaledProfile.VLLM.knobsFor(ScaledFormat.INT8_PER_TOKEN));
        QuantizedTensor group = quantize(x, 1, 128, ScaledFormat.INT8_BLOCK_1X128,
                ScaledProfile.VLLM.knobsFor(ScaledFormat.INT8_BLOCK_1X128));
        QuantizedTensor q80 = quantize(x, 1, 128, ScaledFormat.GGUF_Q8_0,
                ScaledProfile.GGUF.knobsFor(ScaledFormat.GGUF_Q8_0));
        System.arraycopy(ints(token), 0, head, 0, 6);
        assertArrayEquals(new int[] {127, 2, -2, 2, -2, 0}, head, "vllm per token: RNE");
        System.arraycopy(ints(group), 0, head, 0, 6);
        assertArrayEquals(new int[] {127, 2, -2, 1, -1, 0}, head, "vllm per group: toward zero");
        System.arraycopy(ints(q80), 0, head, 0, 6);
        assertArrayEquals(new int[] {127, 3, -3, 2, -2, 1}, head, "gguf q8_0 ref: ties away");
    }

    @Test
    @DisplayName("GGUF Q8_0: x·fl(127/amax) (AVX2) is the tie 38.5 → 38; x·fl(1/fl(amax/127)) (NEON, ref) is 38.500004 → 39")
    void q80SimdVariants() {
        float amax = Float.intBitsToFloat(0x4123EB43); // 10.244937
        float x = Float.intBitsToFloat(0x4046C496);    // 3.1057487
        float[] block = padded(32, amax, x);
        ScaledFormat f = ScaledFormat.GGUF_Q8_0;
        assertEquals(38, quantize(block, 1, 32, f, ScaledProfile.GGUF_AVX2.knobsFor(f)).integerValue(1));
        assertEquals(39, quantize(block, 1, 32, f, ScaledProfile.GGUF_NEON.knobsFor(f)).integerValue(1));
        assertEquals(39, quantize(block, 1, 32, f, ScaledProfile.GGUF.knobsFor(f)).integerValue(1));
        assertEquals(38.5f, x * (127.0f / amax));
        assertEquals(38.500004f, x * (1.0f / (amax / 127)));
    }

    @Test
    @DisplayName("AWQ in fp16 (as AutoAWQ runs) and in fp32: 2.1875/0.625 is the tie 3.5 in fp16 (→ 4), 3.4999997 in fp32 (→ 3)")
    void awqFp16AgainstFp32() {
        float[] w = {2.1875f, -0.46875f, -0.6875f, 1.40625f, 4.59375f, -1.21875f, 1.15625f, -4.78125f};
        ScaledKnobs fp16 = ScaledProfile.AWQ.knobsFor(ScaledFormat.INT4_GROUP).withGroupSize(8);
        ScaledKnobs fp32 = fp16.withPrecisions(Precision.FP32, Precision.FP32, Precision.FP32);
        QuantizedTensor a = quantize(w, 1, 8, ScaledFormat.INT4_GROUP, fp16);
        QuantizedTensor b = quantize(w, 1, 8, ScaledFormat.INT4_GROUP, fp32);
        assertEquals(0.625, a.scaleValue(0));
        assertEquals(0.62500006f, (float) b.scaleValue(0)); // 9.375·fl32(1/15): PyTorch's CUDA scalar division
        assertArrayEquals(new int[] {8}, a.zeros());
        assertArrayEquals(new int[] {8}, b.zeros());
        assertArrayEquals(new int[] {12, 7, 7, 10, 15, 6, 10, 0}, a.codes());
        assertArrayEquals(new int[] {11, 7, 7, 10, 15, 6, 10, 0}, b.codes());
    }

    @Test
    @DisplayName("PyTorch on CUDA (amax·fl32(1/127.5)) or on CPU (amax/127.5): compressed-tensors' −amax gives −127 or −128")
    void compressedTensorsCudaAgainstCpu() {
        float[] x = {0.052814603f, -0.10287322f, 0.5526766f, -2.5578694f, -0.66751856f, 1.3422632f, -1.6611288f,
                -0.97836566f, -1.0507829f, 0.60128546f, 1.6688662f, 2.0175629f, 0.32905564f, -0.48295528f, 1.483512f,
                -0.26839754f};
        ScaledKnobs cuda = ScaledProfile.COMPRESSED_TENSORS.knobsFor(ScaledFormat.INT8_PER_TOKEN);
        ScaledKnobs cpu = cuda.withScalarDivision(ScalarDivision.DIVIDE);
        QuantizedTensor a = quantize(x, 1, 16, ScaledFormat.INT8_PER_TOKEN, cuda);
        QuantizedTensor b = quantize(x, 1, 16, ScaledFormat.INT8_PER_TOKEN, cpu);
        assertEquals(0x3CA4587B, a.scales()[0]);
        assertEquals(0x3CA4587A, b.scales()[0]);
        assertEquals(-127, a.integerValue(3));
        assertEquals(-128, b.integerValue(3));
    }

    @Test
    @DisplayName("FP8 1×128: DeepSeek-V3/DeepGEMM (amax·fl32(1/448), x·fl32(1/s)) and vLLM's CUDA kernel (IEEE) give 0xF1 and 0xF2")
    void fp8ReciprocalAgainstDivision() {
        float amax = Float.intBitsToFloat(0x4045C421); // 3.0900958
        float x = Float.intBitsToFloat(0xBF8632CD);    // −1.0484253
        float[] block = padded(128, amax, x);
        ScaledFormat f = ScaledFormat.FP8_E4M3_BLOCK_1X128;
        QuantizedTensor ds = quantize(block, 1, 128, f, ScaledProfile.DEEPSEEK_V3.knobsFor(f));
        QuantizedTensor dg = quantize(block, 1, 128, f, ScaledProfile.DEEPGEMM.knobsFor(f));
        QuantizedTensor vl = quantize(block, 1, 128, f, ScaledProfile.VLLM.knobsFor(f));
        assertEquals(0x3BE204B9, ds.scales()[0]);
        assertEquals(0x3BE204B9, dg.scales()[0]);
        assertEquals(0x3BE204B8, vl.scales()[0]);
        assertEquals(0xF1, ds.codes()[1]);
        assertEquals(0xF1, dg.codes()[1]);
        assertEquals(0xF2, vl.codes()[1]);
    }

    @Test
    @DisplayName("GPTQ symmetric with no negative value keeps xmin = 0: s = max/15 and codes above 7/15·max clamp to 15")
    void gptqSymmetricNonNegativeGroup() {
        float[] w = {0, 0.25f, 0.5f, 0.75f, 1.0f, 1.25f, 1.5f, 2.0f};
        ScaledKnobs sym = ScaledProfile.GPTQ_SYMMETRIC.knobsFor(ScaledFormat.INT4_GROUP).withGroupSize(8);
        ScaledKnobs asym = ScaledProfile.GPTQ_ASYMMETRIC.knobsFor(ScaledFormat.INT4_GROUP).withGroupSize(8);
        QuantizedTensor s = quantize(w, 1, 8, ScaledFormat.INT4_GROUP, sym);
        QuantizedTensor a = quantize(w, 1, 8, ScaledFormat.INT4_GROUP, asym);
        assertArrayEquals(new int[] {8, 10, 12, 14, 15, 15, 15, 15}, s.codes());
        assertArrayEquals(new int[] {0, 2, 4, 6, 7, 9, 11, 15}, a.codes()); // 1.0/s = 7.4999996
        assertEquals(8, s.zeros()[0]);
        assertEquals(0, a.zeros()[0]);
        assertEquals(0.9331054688, ScaledCodec.dequantizeValues(s)[7], 1e-9, "2.0 comes back as 7·s");
    }

    @Test
    @DisplayName("GGUF Q4_0 unfused (lowbit) against an FMA-contracted build (gcc -O2 -march=native): −3.375 gives 4 or 3")
    void q40FusedMultiplyAdd() {
        float[] block = padded(32, -6.0f, -3.375f);
        QuantizedTensor t = quantize(block, 1, 32, ScaledFormat.GGUF_Q4_0,
                ScaledProfile.GGUF.knobsFor(ScaledFormat.GGUF_Q4_0));
        assertEquals(f16(0.75f), t.scales()[0]);
        assertEquals(4, t.codes()[1]);
        float id = 1.0f / 0.75f;
        assertEquals(4, (int) (-3.375f * id + 8.5f), "unfused: x·id = −4.5 exactly after rounding");
        assertEquals(3, (int) Math.fma(-3.375f, id, 8.5f), "fused: −4.50000012 + 8.5 = 3.99999988");
    }

    @Test
    @DisplayName("SmoothQuant in fp16: a subnormal scale (amax 1e-5) sends 9e-6 to 151 before the clamp; fp32 gives 114")
    void smoothQuantSubnormalScale() {
        float[] x = {1.0e-5f, 9.0e-6f, -4.0e-6f, 0};
        ScaledKnobs fp16 = ScaledProfile.SMOOTHQUANT.knobsFor(ScaledFormat.INT8_PER_TOKEN);
        ScaledKnobs fp32 = fp16.withPrecisions(Precision.FP32, Precision.FP32, Precision.FP32);
        QuantizedTensor a = quantize(x, 1, 4, ScaledFormat.INT8_PER_TOKEN, fp16);
        QuantizedTensor b = quantize(x, 1, 4, ScaledFormat.INT8_PER_TOKEN, fp32);
        assertEquals(0x0001, a.scales()[0], "fp16 scale 2^-24, the smallest subnormal");
        assertArrayEquals(new int[] {127, 127, -67, 0}, ints(a));
        assertArrayEquals(new int[] {127, 114, -51, 0}, ints(b));
    }

    @Test
    @DisplayName("HQQ: PyTorch's 15/(max − min) is (max − min).reciprocal()·15, not the IEEE quotient")
    void hqqInverse() {
        float denom = Float.intBitsToFloat(0x402CCCD4); // 2.7000017: 15/d = 5.555552, (1/d)·15 = 5.5555525
        float ieee = 15 / denom;
        float torch = (1 / denom) * 15;
        assertNotEquals(ieee, torch);
        float[] w = {0, denom, 1, 2};
        ScaledKnobs hqq = ScaledProfile.HQQ.knobsFor(ScaledFormat.INT4_GROUP).withGroupSize(4)
                .withPrecisions(Precision.FP32, Precision.FP32, Precision.FP32);
        QuantizedTensor a = quantize(w, 1, 4, ScaledFormat.INT4_GROUP, hqq);
        QuantizedTensor b = quantize(w, 1, 4, ScaledFormat.INT4_GROUP, hqq.withScalarDivision(ScalarDivision.DIVIDE));
        assertEquals(1 / torch, (float) a.scaleValue(0));
        assertEquals(1 / ieee, (float) b.scaleValue(0));
    }

    @Test
    @DisplayName("HQQ multiplies by its inverse scale: x·i + zero = 10.500001 → 11, where x/s + zero would be the tie 10.5 → 10")
    void hqqMultipliesByTheInverse() {
        float mn = Float.intBitsToFloat(0xBF875165); // −1.0571715
        float mx = Float.intBitsToFloat(0x3E9AFEB5); //  0.3027245
        float x = Float.intBitsToFloat(0xBE0B40D8);  // −0.13598955
        float[] w = {mn, mx, x, 0};
        ScaledKnobs hqq = ScaledProfile.HQQ.knobsFor(ScaledFormat.INT4_GROUP).withGroupSize(4);
        QuantizedTensor t = quantize(w, 1, 4, ScaledFormat.INT4_GROUP, hqq);
        assertEquals(11, t.codes()[2]);
        float inverse = (1 / (mx - mn)) * 15;
        float zero = (float) Math.rint(-mn * inverse);
        assertEquals(10.500001f, x * inverse + zero);
        assertEquals(10.5f, x / (1 / inverse) + zero);
    }

    @Test
    @DisplayName("vLLM static per tensor with a compressed-tensors scale (amax/127.5) reaches −128")
    void vllmStaticWithCompressedTensorsScale() {
        float[] x = {-127.5f, 127.5f, 0.25f, -0.25f};
        QuantizedTensor ct = quantize(x, 1, 4, ScaledFormat.INT8_PER_TENSOR,
                ScaledProfile.COMPRESSED_TENSORS.knobsFor(ScaledFormat.INT8_PER_TENSOR));
        QuantizedTensor vllm = ScaledCodec.quantizeWithScales(TestTensors.bits(x), SourceFormat.FP32, 1, 4,
                ScaledFormat.INT8_PER_TENSOR, ScaledProfile.VLLM.knobsFor(ScaledFormat.INT8_PER_TENSOR), ct.scales());
        assertArrayEquals(ct.codes(), vllm.codes());
        assertEquals(-128, vllm.integerValue(0));
    }

    static int f16(float v) {
        return Float.floatToFloat16(v) & 0xFFFF;
    }
}
