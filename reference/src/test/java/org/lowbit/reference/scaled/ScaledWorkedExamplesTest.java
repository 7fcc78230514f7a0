package org.lowbit.reference.scaled;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.lowbit.spec.ScaledFormat;
import org.lowbit.spec.ScaledKnobs;
import org.lowbit.spec.ScaledPolicies.Precision;
import org.lowbit.spec.ScaledProfile;
import org.lowbit.spec.SourceFormat;

/**
 * The worked examples of research/int-packing.md for the quantization arithmetic, each under the
 * profile of the system it was observed with; expected values are typed from the research file. Where
 * the research gives a packed form (hex words, block bytes), the test packs the logical codes with a
 * few lines of its own to show that the logical form carries everything (the packers are the layout
 * package's).
 */
class ScaledWorkedExamplesTest {

    /** The group of int-packing §1.4, §2.1 and §3.1. */
    private static final float[] W8 = {-1.0f, -0.5f, 0.0f, 0.25f, 0.5f, 0.75f, 1.0f, 2.0f};

    static QuantizedTensor quantize(float[] x, int rows, int cols, ScaledFormat format, ScaledKnobs knobs) {
        return ScaledCodec.quantize(x, rows, cols, format, knobs);
    }

    static ScaledKnobs group8(ScaledProfile profile) {
        return profile.knobsFor(ScaledFormat.INT4_GROUP).withGroupSize(8);
    }

    static int f16(float v) {
        return Float.floatToFloat16(v) & 0xFFFF;
    }

    static double[] values(QuantizedTensor t) {
        return ScaledCodec.dequantizeValues(t);
    }

    @Nested
    @DisplayName("§1.4 AWQ (device-verified, torch CUDA fp16)")
    class Awq {
        @Test
        @DisplayName("s = 0.199951171875 (fp16 0x3266), z = 5, q = [0, 3, 5, 6, 7, 9, 10, 15]")
        void scaleZeroAndCodes() {
            QuantizedTensor t = quantize(W8, 1, 8, ScaledFormat.INT4_GROUP, group8(ScaledProfile.AWQ));
            assertArrayEquals(new int[] {0x3266}, t.scales());
            assertEquals(0.199951171875, t.scaleValue(0));
            assertArrayEquals(new int[] {5}, t.zeros());
            assertArrayEquals(new int[] {0, 3, 5, 6, 7, 9, 10, 15}, t.codes());
        }

        @Test
        @DisplayName("−0.5/s = −2.50061 rounds in fp16 to exactly −2.5, then RNE gives −2 and q = 3")
        void theFp16QuotientLandsOnATie() {
            QuantizedTensor t = quantize(W8, 1, 8, ScaledFormat.INT4_GROUP, group8(ScaledProfile.AWQ));
            double s = t.scaleValue(0);
            assertEquals(-2.5, FloatRounding.round(Precision.FP16, -0.5 / s));
            assertEquals(3, t.codes()[1]);
        }

        @Test
        @DisplayName("dequant fp16((q − z)·s) = [−1.0, −0.3999, 0.0, 0.19995, 0.3999, 0.7998, 1.0, 2.0]")
        void dequant() {
            QuantizedTensor t = quantize(W8, 1, 8, ScaledFormat.INT4_GROUP, group8(ScaledProfile.AWQ));
            assertArrayEquals(new double[] {-1.0, -0.39990234375, 0.0, 0.199951171875, 0.39990234375, 0.7998046875,
                    1.0, 2.0}, values(t));
        }

        @Test
        @DisplayName("packing (test-local): codes in AWQ order [0,2,4,6,1,3,5,7] give 0xF963A750; zeros 5 give 0x55555555")
        void packedWord() {
            QuantizedTensor t = quantize(W8, 1, 8, ScaledFormat.INT4_GROUP, group8(ScaledProfile.AWQ));
            int[] order = {0, 2, 4, 6, 1, 3, 5, 7};
            int word = 0;
            int zeros = 0;
            for (int i = 0; i < 8; i++) {
                word |= t.codes()[order[i]] << (4 * i);
                zeros |= t.zeros()[0] << (4 * i);
            }
            assertEquals(0xF963A750, word);
            assertEquals(0x55555555, zeros);
        }
    }

    @Nested
    @DisplayName("§2.1, §2.6 GPTQ (device-verified, fp32)")
    class Gptq {
        @Test
        @DisplayName("asymmetric: scale = 0.2f, zero = 5, q = [0, 3, 5, 6, 7, 9, 10, 15]; fp16 scale 0x3266")
        void asymmetric() {
            QuantizedTensor t = quantize(W8, 1, 8, ScaledFormat.INT4_GROUP, group8(ScaledProfile.GPTQ_ASYMMETRIC));
            assertArrayEquals(new int[] {0, 3, 5, 6, 7, 9, 10, 15}, t.codes());
            assertArrayEquals(new int[] {5}, t.zeros());
            assertArrayEquals(new int[] {f16(0.2f)}, t.scales());
            QuantizedTensor f32 = quantize(W8, 1, 8, ScaledFormat.INT4_GROUP, group8(ScaledProfile.GPTQ_ASYMMETRIC)
                    .withPrecisions(Precision.FP32, Precision.FP32, Precision.FP32));
            assertArrayEquals(new int[] {Float.floatToRawIntBits(0.2f)}, f32.scales());
        }

        @Test
        @DisplayName("symmetric: scale = 0.26666668 (4/15), zero = 8, q = [4, 6, 8, 9, 10, 11, 12, 15]")
        void symmetric() {
            QuantizedTensor t = quantize(W8, 1, 8, ScaledFormat.INT4_GROUP, group8(ScaledProfile.GPTQ_SYMMETRIC)
                    .withPrecisions(Precision.FP32, Precision.FP32, Precision.FP32));
            assertArrayEquals(new int[] {4, 6, 8, 9, 10, 11, 12, 15}, t.codes());
            assertArrayEquals(new int[] {8}, t.zeros());
            assertEquals(0.26666668f, (float) t.scaleValue(0));
        }

        @Test
        @DisplayName("2/s = 7.4999995 in fp32 gives 7, so q = 15; −1/s = −3.7499998 gives −4, so q = 4")
        void nearTiesInFp32() {
            float s = 4.0f / 15;
            assertEquals(7.4999995f, 2.0f / s);
            assertEquals(-3.7499998f, -1.0f / s);
        }

        @Test
        @DisplayName("packing (test-local): codes [0,3,5,6,7,9,10,15] along K give 0xFA976530")
        void packedWord() {
            QuantizedTensor t = quantize(W8, 1, 8, ScaledFormat.INT4_GROUP, group8(ScaledProfile.GPTQ_ASYMMETRIC));
            int word = 0;
            for (int i = 0; i < 8; i++) {
                word |= t.codes()[i] << (4 * i);
            }
            assertEquals(0xFA976530, word);
        }
    }

    @Nested
    @DisplayName("§3.1 HQQ (device-verified, optimize=False, fp32)")
    class Hqq {
        @Test
        @DisplayName("inv_scale 5, zero 5, scale 0.2 (fp16 0x3266), q = [0, 2, 5, 6, 8, 9, 10, 15] (RNE ties 2.5 → 2, 7.5 → 8)")
        void closedForm() {
            QuantizedTensor t = quantize(W8, 1, 8, ScaledFormat.INT4_GROUP, group8(ScaledProfile.HQQ));
            assertArrayEquals(new int[] {0, 2, 5, 6, 8, 9, 10, 15}, t.codes());
            assertArrayEquals(new int[] {0x3266}, t.scales());
            assertArrayEquals(new int[] {f16(5.0f)}, t.zeros());
        }

        @Test
        @DisplayName("planar packing (test-local): rows [0,2,5,6 | 8,9,10,15] give bytes 08 29 5A 6F")
        void packedBytes() {
            QuantizedTensor t = quantize(W8, 1, 8, ScaledFormat.INT4_GROUP, group8(ScaledProfile.HQQ));
            int[] q = t.codes();
            int[] bytes = new int[4];
            for (int r = 0; r < 4; r++) {
                bytes[r] = q[r] << 4 | q[r + 4];
            }
            assertArrayEquals(new int[] {0x08, 0x29, 0x5A, 0x6F}, bytes);
        }
    }

    @Nested
    @DisplayName("§5.6 GGUF (float32-exact port of the ref code)")
    class Gguf {
        static float[] quarters() {
            float[] x = new float[32];
            for (int j = 0; j < 32; j++) {
                x[j] = (j - 16) / 4.0f;
            }
            return x;
        }

        /** ggml's Q4 nibble order: qs[j] = q[j] | q[j + 16] << 4. */
        static int[] q4Bytes(int[] codes) {
            int[] qs = new int[16];
            for (int j = 0; j < 16; j++) {
                qs[j] = codes[j] | codes[j + 16] << 4;
            }
            return qs;
        }

        @Test
        @DisplayName("Q4_0, x = (j − 16)/4: d = 0.5 (0x3800), bytes 80 91 91 A2 A2 B3 B3 C4 C4 D5 D5 E6 E6 F7 F7 F8")
        void q40Quarters() {
            QuantizedTensor t = quantize(quarters(), 1, 32, ScaledFormat.GGUF_Q4_0,
                    ScaledProfile.GGUF.knobsFor(ScaledFormat.GGUF_Q4_0));
            assertArrayEquals(new int[] {0x3800}, t.scales());
            assertArrayEquals(new int[] {0x80, 0x91, 0x91, 0xA2, 0xA2, 0xB3, 0xB3, 0xC4, 0xC4, 0xD5, 0xD5, 0xE6, 0xE6,
                    0xF7, 0xF7, 0xF8}, q4Bytes(t.codes()));
            double[] y = values(t);
            assertEquals(-3.5, y[1], "−3.75 is a tie and rounds up to −3.5");
            assertEquals(3.5, y[31], "3.75 gives 16, clamped to 15: 3.5");
        }

        @Test
        @DisplayName("Q4_0 with a positive first max: d = −0.125 (0xB000), bytes 70 FC 86 88…, x17 = −1.0 decodes to −0.875")
        void q40NegativeD() {
            float[] x = new float[32];
            x[0] = 1.0f;
            x[1] = -0.5f;
            x[2] = 0.3f;
            x[16] = 0.125f;
            x[17] = -1.0f;
            QuantizedTensor t = quantize(x, 1, 32, ScaledFormat.GGUF_Q4_0,
                    ScaledProfile.GGUF.knobsFor(ScaledFormat.GGUF_Q4_0));
            assertArrayEquals(new int[] {0xB000}, t.scales());
            int[] expected = new int[16];
            java.util.Arrays.fill(expected, 0x88);
            expected[0] = 0x70;
            expected[1] = 0xFC;
            expected[2] = 0x86;
            assertArrayEquals(expected, q4Bytes(t.codes()));
            assertEquals(-0.875, values(t)[17]);
        }

        @Test
        @DisplayName("Q4_0, all-zero block: d = −0.0 (0x8000), every code 8 (bytes 0x88)")
        void q40Zero() {
            QuantizedTensor t = quantize(new float[32], 1, 32, ScaledFormat.GGUF_Q4_0,
                    ScaledProfile.GGUF.knobsFor(ScaledFormat.GGUF_Q4_0));
            assertArrayEquals(new int[] {0x8000}, t.scales());
            int[] eights = new int[32];
            java.util.Arrays.fill(eights, 8);
            assertArrayEquals(eights, t.codes());
        }

        @Test
        @DisplayName("Q4_1, x = (j − 16)/4: d = 0.51666665 (0x3822), m = −4 (0xC400), bytes 80 80 91 91 … F7 F7")
        void q41Quarters() {
            QuantizedTensor t = quantize(quarters(), 1, 32, ScaledFormat.GGUF_Q4_1,
                    ScaledProfile.GGUF.knobsFor(ScaledFormat.GGUF_Q4_1));
            assertArrayEquals(new int[] {0x3822}, t.scales());
            assertArrayEquals(new int[] {0xC400}, t.zeros());
            assertArrayEquals(new int[] {0x80, 0x80, 0x91, 0x91, 0xA2, 0xA2, 0xB3, 0xB3, 0xC4, 0xC4, 0xD5, 0xD5, 0xE6,
                    0xE6, 0xF7, 0xF7}, q4Bytes(t.codes()));
        }

        static float[] q8Input() {
            float[] x = new float[32];
            x[0] = 127;
            x[1] = 2.5f;
            x[2] = -2.5f;
            x[3] = -127;
            x[4] = 0.5f;
            x[5] = 1.5f;
            return x;
        }

        @Test
        @DisplayName("Q8_0 ref (roundf, RNA): d = 1.0 (0x3C00), bytes 7F 03 FD 81 01 02")
        void q80Reference() {
            QuantizedTensor t = quantize(q8Input(), 1, 32, ScaledFormat.GGUF_Q8_0,
                    ScaledProfile.GGUF.knobsFor(ScaledFormat.GGUF_Q8_0));
            assertArrayEquals(new int[] {0x3C00}, t.scales());
            assertArrayEquals(new int[] {0x7F, 0x03, 0xFD, 0x81, 0x01, 0x02}, java.util.Arrays.copyOf(t.codes(), 6));
        }

        @Test
        @DisplayName("Q8_0 AVX2 path (RNE): codes [127, 2, −2, −127, 0, 2]")
        void q80Avx2() {
            QuantizedTensor t = quantize(q8Input(), 1, 32, ScaledFormat.GGUF_Q8_0,
                    ScaledProfile.GGUF_AVX2.knobsFor(ScaledFormat.GGUF_Q8_0));
            int[] v = new int[6];
            for (int i = 0; i < 6; i++) {
                v[i] = t.integerValue(i);
            }
            assertArrayEquals(new int[] {127, 2, -2, -127, 0, 2}, v);
        }
    }

    @Nested
    @DisplayName("§6.6 DeepSeek-V3 block FP8 (device-verified codes)")
    class DeepSeek {
        static float[] block() {
            float[] x = new float[128];
            x[0] = 224;
            x[1] = 1.0f;
            x[2] = -0.3f;
            x[3] = 0.001f;
            x[4] = 100;
            x[5] = 0.36328125f;
            return x;
        }

        @Test
        @DisplayName("amax 224: s = 0.5; 224 → 0x7E, 1.0 → 0x40, −0.3 → 0xB2, 0.001 → 0x01, 100 → 0x74, 0.36328125 → 0x34")
        void act() {
            for (ScaledProfile profile : new ScaledProfile[] {ScaledProfile.DEEPSEEK_V3, ScaledProfile.DEEPGEMM,
                    ScaledProfile.VLLM}) {
                QuantizedTensor t = quantize(block(), 1, 128, ScaledFormat.FP8_E4M3_BLOCK_1X128,
                        profile.knobsFor(ScaledFormat.FP8_E4M3_BLOCK_1X128));
                assertArrayEquals(new int[] {Float.floatToRawIntBits(0.5f)}, t.scales(), profile.id());
                assertArrayEquals(new int[] {0x7E, 0x40, 0xB2, 0x01, 0x74, 0x34, 0x00},
                        java.util.Arrays.copyOf(t.codes(), 7), profile.id());
            }
        }

        @Test
        @DisplayName("ue8m0: amax = 300 gives s = 0.6696 rounded up to 1.0 (E8M0 byte 127)")
        void ue8m0() {
            float[] x = new float[128];
            x[7] = 300;
            QuantizedTensor t = quantize(x, 1, 128, ScaledFormat.FP8_E4M3_BLOCK_1X128,
                    ScaledProfile.DEEPGEMM_UE8M0.knobsFor(ScaledFormat.FP8_E4M3_BLOCK_1X128));
            assertArrayEquals(new int[] {Float.floatToRawIntBits(1.0f)}, t.scales());
            assertEquals(127, t.scales()[0] >>> 23);
        }

        @Test
        @DisplayName("weight_dequant: fp32(code)·s, stored as bf16 (the default dtype)")
        void dequantToBf16() {
            QuantizedTensor t = quantize(block(), 1, 128, ScaledFormat.FP8_E4M3_BLOCK_1X128,
                    ScaledProfile.DEEPSEEK_V3.knobsFor(ScaledFormat.FP8_E4M3_BLOCK_1X128));
            int[] bf16 = ScaledCodec.dequantize(t, Precision.BF16);
            assertEquals(0x4360, bf16[0]);   // 224
            assertEquals(0xBEA0, bf16[2]);   // −0.3125
            assertEquals(0x42C0, bf16[4]);   // 96
        }
    }

    @Nested
    @DisplayName("§6.3-§6.5 INT8: which producers reach −128")
    class Int8 {
        @Test
        @DisplayName("compressed-tensors: amax/127.5, so −amax → −127.5 → −128 (RNE) and +amax → 127.5 → clamp 127")
        void compressedTensors() {
            float[] x = {-127.5f, 127.5f, 0.5f, -0.5f};
            QuantizedTensor t = quantize(x, 1, 4, ScaledFormat.INT8_PER_TOKEN,
                    ScaledProfile.COMPRESSED_TENSORS.knobsFor(ScaledFormat.INT8_PER_TOKEN));
            assertArrayEquals(new int[] {Float.floatToRawIntBits(1.0f)}, t.scales());
            assertArrayEquals(new int[] {-128, 127, 0, 0}, ints(t));
        }

        @Test
        @DisplayName("vLLM dynamic per token: x·(127/amax) reaches ±127 only; an all-zero token gives scale 0, codes 0")
        void vllmDynamic() {
            float[] x = {-10, 10, 5, 0, 0, 0, 0, 0};
            QuantizedTensor t = quantize(x, 2, 4, ScaledFormat.INT8_PER_TOKEN,
                    ScaledProfile.VLLM.knobsFor(ScaledFormat.INT8_PER_TOKEN));
            assertArrayEquals(new int[] {-127, 127, 64, 0, 0, 0, 0, 0}, ints(t));
            assertEquals(Float.floatToRawIntBits(10 / 127.0f), t.scales()[0]);
            assertEquals(0, t.scales()[1]);
        }

        @Test
        @DisplayName("vLLM static per tensor: x / 0.5 with cvt.rni.sat: −64.2 → −128.4 → −128, −70 → −140 → −128")
        void vllmStatic() {
            float[] x = {-64.2f, -70, 63.75f, 63.25f};
            ScaledKnobs k = ScaledProfile.VLLM.knobsFor(ScaledFormat.INT8_PER_TENSOR);
            QuantizedTensor t = ScaledCodec.quantizeWithScales(TestTensors.bits(x), SourceFormat.FP32, 1, 4,
                    ScaledFormat.INT8_PER_TENSOR, k, new int[] {Float.floatToRawIntBits(0.5f)});
            assertArrayEquals(new int[] {-128, -128, 127, 126}, ints(t)); // 127.5 and 126.5: ties to even
        }

        @Test
        @DisplayName("SmoothQuant (fp16): amax 127 gives s = 1; codes within [−127, 127] without a clamp")
        void smoothQuant() {
            float[] x = {-127, 127, 3.4f, -3.6f};
            QuantizedTensor t = quantize(x, 1, 4, ScaledFormat.INT8_PER_CHANNEL,
                    ScaledProfile.SMOOTHQUANT.knobsFor(ScaledFormat.INT8_PER_CHANNEL));
            assertArrayEquals(new int[] {-127, 127, 3, -4}, ints(t));
            assertArrayEquals(new int[] {0x3C00}, t.scales());
        }

        static int[] ints(QuantizedTensor t) {
            int[] v = new int[t.rows() * t.cols()];
            for (int i = 0; i < v.length; i++) {
                v[i] = t.integerValue(i);
            }
            return v;
        }
    }
}
