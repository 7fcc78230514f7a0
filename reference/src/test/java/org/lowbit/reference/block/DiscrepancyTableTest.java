package org.lowbit.reference.block;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lowbit.reference.block.BlockTestSupport.codes;
import static org.lowbit.reference.block.BlockTestSupport.f32;
import static org.lowbit.reference.block.BlockTestSupport.padded;
import static org.lowbit.spec.BlockFormat.MXFP4;
import static org.lowbit.spec.BlockFormat.MXFP6_E2M3;
import static org.lowbit.spec.BlockFormat.MXFP8_E4M3;
import static org.lowbit.spec.BlockFormat.MXFP8_E5M2;
import static org.lowbit.spec.BlockFormat.MXINT8;
import static org.lowbit.spec.BlockFormat.NVFP4;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.lowbit.spec.BlockFormat;
import org.lowbit.spec.BlockKnobs;
import org.lowbit.spec.BlockPolicies.NonFinitePolicy;
import org.lowbit.spec.BlockPolicies.ScalingArithmetic;
import org.lowbit.spec.BlockPolicies.TensorScaleRule;
import org.lowbit.spec.BlockPolicies.TinyAmaxPolicy;
import org.lowbit.spec.BlockPolicies.ZeroBlockScale;
import org.lowbit.spec.BlockProfile;
import org.lowbit.spec.ElementProfile;
import org.lowbit.spec.Rounding;
import org.lowbit.spec.ScaleRule;

/**
 * One test per row of research/mx-semantics.md §7 that concerns quantization (D1-D13, D19-D23) and the two
 * scale decodings (D14, D15): each shows what every named profile (or the knob that models the row) answers
 * on the same input. Expected codes are worked out by hand from the research rules and typed here.
 */
class DiscrepancyTableTest {

    /** The seven MX profiles, in the order of the rows' expected-value arrays. */
    private static final List<BlockProfile> MX_PROFILES = List.of(BlockProfile.OCP_MX_1_0, BlockProfile.MICROXCALING,
            BlockProfile.TORCHAO_FLOOR, BlockProfile.TORCHAO_CEIL, BlockProfile.TORCHAO_EVEN,
            BlockProfile.TORCHAO_RCEIL, BlockProfile.TRITON_ROUND_UP);

    private static QuantizedBlocks quantize(BlockFormat f, BlockProfile p, int[] x) {
        return BlockQuantizer.of(f, p).quantizeFloat32(x);
    }

    private static QuantizedBlocks quantize(BlockFormat f, BlockKnobs k, int[] x) {
        return BlockQuantizer.of(f, k).quantizeFloat32(x);
    }

    /** The scale code of block 0 under each MX profile. */
    private static Map<BlockProfile, Integer> scaleByProfile(BlockFormat f, int[] x) {
        Map<BlockProfile, Integer> m = new LinkedHashMap<>();
        for (BlockProfile p : MX_PROFILES) {
            m.put(p, quantize(f, p, x).scaleCode(0));
        }
        return m;
    }

    private static Map<BlockProfile, Integer> expected(int... codes) {
        Map<BlockProfile, Integer> m = new LinkedHashMap<>();
        for (int i = 0; i < codes.length; i++) {
            m.put(MX_PROFILES.get(i), codes[i]);
        }
        return m;
    }

    @Test
    @DisplayName("D1 scale rule: the same fp4 blocks under all seven MX profiles")
    void d1ScaleRule() {
        //                                                   ocp   mxl   floor ceil  even  rceil round-up
        assertEquals(expected(0x7F, 0x7F, 0x7F, 0x80, 0x80, 0x80, 0x80),
                scaleByProfile(MXFP4, padded(32, 7, 1, 0.25f, -3)), "amax 7");
        assertEquals(expected(0x7F, 0x7F, 0x7F, 0x80, 0x7F, 0x7F, 0x7F),
                scaleByProfile(MXFP4, padded(32, 5, 2.5f, 1)), "amax 5: only CEIL goes up");
        assertEquals(expected(0x7E, 0x7E, 0x7E, 0x7F, 0x7F, 0x7F, 0x7F),
                scaleByProfile(MXFP4, padded(32, 3.5f, 1)), "amax 3.5 = 1.75·2: EVEN bumps at 1.75");
        assertEquals(expected(0x7F, 0x7F, 0x7F, 0x80, 0x7F, 0x80, 0x80),
                scaleByProfile(MXFP4, padded(32, 6.5f)), "amax 6.5: above max 6, EVEN stays (1.625 < 1.75)");
        assertEquals(expected(0x7F, 0x7F, 0x7F, 0x80, 0x80, 0x80, 0x80),
                scaleByProfile(MXFP4, padded(32, Float.intBitsToFloat(0x40FFFFFF))), "amax 7.9999995");
        // microxcaling's Python path would give 0x80 here (fp32 log2(0x40FFFFFF) = 3); the profile is exact.
        assertEquals(0x7F, quantize(MXFP4, BlockProfile.MICROXCALING,
                padded(32, Float.intBitsToFloat(0x40FFFFFF))).scaleCode(0), "amax 0x40FFFFFF: floor(log2) = 2");
    }

    @Test
    @DisplayName("D2 element rounding: microxcaling's 'nearest' is ties-away, everyone else RNE")
    void d2ElementRounding() {
        int[] x = padded(32, 3, 1.25f, 0.75f, 0, 5 / 4f * 2);
        // X = 2^-1: quotients 6, 2.5, 1.5, 0, 5 (ties at 2.5 and 5)
        int[] rne = {0x7, 0x4, 0x3, 0x0, 0x6};
        int[] rna = {0x7, 0x5, 0x3, 0x0, 0x7};
        for (BlockProfile p : MX_PROFILES) {
            if (p == BlockProfile.TORCHAO_CEIL) {
                continue; // CEIL takes X = 1 here; its rows are in D1 and §3.7
            }
            int[] expected = p == BlockProfile.MICROXCALING ? rna : rne;
            assertArrayEquals(expected, codes(quantize(MXFP4, p, x), 5), p.id());
        }
        assertArrayEquals(rne, codes(quantize(MXFP4, BlockProfile.MICROXCALING.knobs()
                .withElementRounding(Rounding.RNE), x), 5), "microxcaling round='even'");
    }

    @Test
    @DisplayName("D3 FP6/FP4/INT8 overflow: every profile clamps to ±max")
    void d3Saturation() {
        for (BlockProfile p : MX_PROFILES) {
            if (p.knobs().scaleRule() != ScaleRule.FLOOR) {
                continue; // the other rules take a larger X on these blocks, so nothing clamps (D1)
            }
            if (p.supports(MXFP6_E2M3)) {
                assertEquals(0x1F, quantize(MXFP6_E2M3, p, padded(32, 7.75f)).elementCode(0), p + " e2m3 7.75");
            }
            if (p.supports(MXINT8)) {
                // 1.99 · 64 = 127.36 → 127; -1.999 · 64 → -127.94 → -128 → clamped to -127 (symmetric)
                QuantizedBlocks q = quantize(MXINT8, p, padded(32, 1.99f, -1.999f));
                assertArrayEquals(new int[] {0x7F, 0x81}, codes(q, 2), p + " mxint8");
            }
            assertArrayEquals(new int[] {0x7, 0xF}, codes(quantize(MXFP4, p, padded(32, 7.9f, -7.9f)), 2),
                    p + " fp4 ±7.9 → ±6");
        }
    }

    @Test
    @DisplayName("D4 FP8 element overflow: the MX profiles saturate; ml_dtypes' element knobs overflow to NaN")
    void d4Fp8Overflow() {
        int[] x = padded(32, 480, 1, 0, -464);
        for (BlockProfile p : MX_PROFILES) {
            if (p.knobs().scaleRule() == ScaleRule.FLOOR || p.knobs().scaleRule() == ScaleRule.EVEN) {
                assertArrayEquals(new int[] {0x7E, 0x38, 0x00, 0xFE}, codes(quantize(MXFP8_E4M3, p, x), 4), p.id());
            }
        }
        BlockKnobs mlDtypes = BlockProfile.OCP_MX_1_0.knobs().withElementProfile(ElementProfile.ML_DTYPES);
        assertArrayEquals(new int[] {0x7F, 0x38, 0x00, 0xFE}, codes(quantize(MXFP8_E4M3, mlDtypes, x), 4),
                "ml-dtypes element knobs: 480 → NaN 0x7F, -464 ties to -448");
        assertEquals(0x7B, quantize(MXFP8_E5M2, BlockProfile.OCP_MX_1_0, padded(32, 61440)).elementCode(0),
                "e5m2 61440 ties to the overflow point and saturates");
        assertEquals(0x7C, quantize(MXFP8_E5M2, mlDtypes, padded(32, 61440)).elementCode(0), "ml-dtypes: Inf");
    }

    @Test
    @DisplayName("D5 ±Inf element: whole block NaN in every profile; PER_ELEMENT follows the element knobs")
    void d5InfinityElement() {
        int[] x = padded(32, Float.POSITIVE_INFINITY, 1, 2, 3, Float.NEGATIVE_INFINITY);
        for (BlockProfile p : MX_PROFILES) {
            QuantizedBlocks q = quantize(MXFP8_E4M3, p, x);
            assertEquals(0xFF, q.scaleCode(0), p.id());
            assertArrayEquals(new int[32], codes(q, 32), p + ": element codes under a NaN scale are 0");
        }
        BlockKnobs perElement = BlockProfile.OCP_MX_1_0.knobs().withNonFinite(NonFinitePolicy.PER_ELEMENT);
        // finite amax 3: X = 2^(1-8); 1 → 128 (0x70), 2 → 256 (0x78), 3 → 384 (0x7C); ±Inf → ±448 (OFP8 SAT)
        QuantizedBlocks q = quantize(MXFP8_E4M3, perElement, x);
        assertEquals(0x78, q.scaleCode(0));
        assertArrayEquals(new int[] {0x7E, 0x70, 0x78, 0x7C, 0xFE}, codes(q, 5), "ocp element knobs");
        QuantizedBlocks ml = quantize(MXFP8_E4M3, perElement.withElementProfile(ElementProfile.ML_DTYPES), x);
        assertArrayEquals(new int[] {0x7F, 0x70, 0x78, 0x7C, 0xFF}, codes(ml, 5), "ml-dtypes: Inf → NaN");
        QuantizedBlocks e5 = quantize(MXFP8_E5M2, perElement.withElementProfile(ElementProfile.CUDA_SATFINITE), x);
        assertArrayEquals(new int[] {0x7B, 0xFB}, new int[] {e5.elementCode(0), e5.elementCode(4)},
                "cuda-satfinite e5m2: ±Inf → ±57344");
    }

    @Test
    @DisplayName("D6 NaN element → FP4 code: NaN scale in every profile; PER_ELEMENT shows each element profile")
    void d6NanElementToFp4() {
        int[] x = padded(32, Float.NaN, 1, 2, Float.intBitsToFloat(0xFFC00000));
        for (BlockProfile p : MX_PROFILES) {
            QuantizedBlocks q = quantize(MXFP4, p, x);
            assertEquals(0xFF, q.scaleCode(0), p.id());
            assertEquals(0, q.elementCode(0), p.id());
        }
        BlockKnobs perElement = BlockProfile.OCP_MX_1_0.knobs().withNonFinite(NonFinitePolicy.PER_ELEMENT);
        // finite amax 2: X = 2^(1-2); 1 → 2 (0x4), 2 → 4 (0x6)
        int[][] expected = {
            {0x0, 0x4, 0x6, 0x0}, // ocp: +0 for any NaN
            {0x8, 0x4, 0x6, 0x0}, // ml-dtypes: +NaN → -0, -NaN → +0
            {0x7, 0x4, 0x6, 0x7}, // cuda-satfinite: +max, sign dropped
        };
        ElementProfile[] profiles = {ElementProfile.OCP, ElementProfile.ML_DTYPES, ElementProfile.CUDA_SATFINITE};
        for (int i = 0; i < profiles.length; i++) {
            QuantizedBlocks q = quantize(MXFP4, perElement.withElementProfile(profiles[i]), x);
            assertEquals(0x7E, q.scaleCode(0));
            assertArrayEquals(expected[i], codes(q, 4), profiles[i].id());
        }
    }

    @Test
    @DisplayName("D7 NaN or Inf anywhere in the block: the whole block dequantizes to NaN, MX and NVFP4")
    void d7WholeBlockNan() {
        int[] x = padded(64, 1, 2, 3);
        x[63] = f32(Float.NaN); // the last element of the second block
        for (BlockProfile p : MX_PROFILES) {
            QuantizedBlocks q = quantize(MXFP4, p, x);
            assertEquals(0xFF, q.scaleCode(1), p.id());
            assertEquals(0, q.elementCode(63), p + ": element codes under a NaN scale are 0");
            int[] y = BlockDequantizer.toFloat32(q);
            for (int i = 32; i < 64; i++) {
                assertEquals(0x7FC00000, y[i], p + " value " + i);
            }
        }
        int[] nv = padded(16, 1, 2, Float.NEGATIVE_INFINITY);
        assertEquals(0x7F, quantize(NVFP4, BlockProfile.NVFP4_TORCHAO, nv).scaleCode(0), "nvfp4-torchao");
        assertEquals(0x7F, quantize(NVFP4, BlockProfile.NVFP4_MODELOPT.knobs().withTensorScale(TensorScaleRule.NONE),
                nv).scaleCode(0), "nvfp4-modelopt");
    }

    @Test
    @DisplayName("D8 all-zero block: 0x00 in every MX profile, 0x7F with the Gemmini knob; NVFP4 0x08 vs 0x38")
    void d8AllZeroBlock() {
        int[] zeros = padded(32, 0, -0.0f);
        for (BlockProfile p : MX_PROFILES) {
            QuantizedBlocks q = quantize(MXFP4, p, zeros);
            assertEquals(0x00, q.scaleCode(0), p.id());
            assertArrayEquals(new int[] {0x0, 0x8}, codes(q, 2), p + ": ±0 keep their sign");
        }
        BlockKnobs gemmini = BlockProfile.OCP_MX_1_0.knobs().withZeroBlock(ZeroBlockScale.ONE);
        assertEquals(0x7F, quantize(MXINT8, gemmini, zeros).scaleCode(0), "Gemmini: shared exponent 0");
        // NVFP4, single level: torchao clamps 0 up to 2^-6; ModelOpt sets 0 to 1.0
        int[] nvZeros = new int[16];
        assertEquals(0x08, quantize(NVFP4, BlockProfile.NVFP4_TORCHAO, nvZeros).scaleCode(0), "nvfp4-torchao");
        BlockKnobs modelOptSingle = BlockProfile.NVFP4_MODELOPT.knobs().withTensorScale(TensorScaleRule.NONE);
        assertEquals(0x38, quantize(NVFP4, modelOptSingle, nvZeros).scaleCode(0), "nvfp4-modelopt");
        // two level: a zero block next to a nonzero one
        int[] x = padded(32, 1);
        QuantizedBlocks mo = quantize(NVFP4, BlockProfile.NVFP4_MODELOPT, x);
        assertEquals(0x38, mo.scaleCode(1), "nvfp4-modelopt two level: zero block scale 1.0");
        QuantizedBlocks ao = quantize(NVFP4, BlockProfile.NVFP4_TORCHAO.knobs()
                .withTensorScale(TensorScaleRule.AMAX_OVER_2688), x);
        assertEquals(0x08, ao.scaleCode(1), "nvfp4-torchao two level: zero block scale 2^-6");
    }

    @Test
    @DisplayName("D9 FP32-subnormal amax: clamp at 2^-127, microxcaling's flush, Triton's 2^-126, RCEIL's 2^-127")
    void d9TinyAmax() {
        float tiny = Math.scalb(1.0f, -130); // amax 2^-130: FLOOR s = -138, clamped to -127
        int[] x = padded(32, tiny, -tiny / 2);
        for (BlockProfile p : List.of(BlockProfile.OCP_MX_1_0, BlockProfile.MICROXCALING, BlockProfile.TORCHAO_FLOOR,
                BlockProfile.TORCHAO_CEIL, BlockProfile.TORCHAO_EVEN, BlockProfile.TORCHAO_RCEIL)) {
            QuantizedBlocks q = quantize(MXFP8_E4M3, p, x);
            assertEquals(0x00, q.scaleCode(0), p.id());
            assertArrayEquals(new int[] {0x20, 0x98}, codes(q, 2), p + ": 2^-3 and -2^-4 against X = 2^-127");
        }
        QuantizedBlocks flush = quantize(MXFP8_E4M3, BlockProfile.MICROXCALING.knobs()
                .withTinyAmax(TinyAmaxPolicy.FLUSH_SUBNORMAL_AMAX), x);
        assertEquals(0x00, flush.scaleCode(0));
        assertArrayEquals(new int[] {0x00, 0x80}, codes(flush, 2), "mx_flush_fp32_subnorms: ±0");
        QuantizedBlocks triton = quantize(MXFP8_E4M3, BlockProfile.TRITON_ROUND_UP, x);
        assertEquals(0x01, triton.scaleCode(0), "ROUND_UP: a subnormal dequant scale rounds up to 2^-126");
        assertArrayEquals(new int[] {0x18, 0x90}, codes(triton, 2), "2^-4 and -2^-5 against X = 2^-126");
        // amax 2^-149: amax / 448 is 0 in FP32, so Triton stores 0x00 and writes every element as ±0
        QuantizedBlocks zero = quantize(MXFP8_E4M3, BlockProfile.TRITON_ROUND_UP, padded(32, -Float.MIN_VALUE));
        assertEquals(0x00, zero.scaleCode(0));
        assertEquals(0x80, zero.elementCode(0));
    }

    @Test
    @DisplayName("D10 rounding up to E8M0: CEIL, RCEIL and ROUND_UP at and just above max·2^k")
    void d10E8m0RoundingUp() {
        int[] six = padded(32, 6);
        int[] aboveSix = padded(32, Math.nextUp(6.0f));
        assertEquals(expected(0x7F, 0x7F, 0x7F, 0x80, 0x7F, 0x7F, 0x7F), scaleByProfile(MXFP4, six), "amax 6");
        assertEquals(expected(0x7F, 0x7F, 0x7F, 0x80, 0x7F, 0x80, 0x80), scaleByProfile(MXFP4, aboveSix),
                "amax nextUp(6): the descale rounds up");
        // RCEIL (reciprocal multiply, cvt.rp) and ROUND_UP (division, + 0x7FFFFF) agree on every normal descale
        // within ±2000 ulps of max·2^k (RUN-AO's side check), and differ on subnormal descales (D9).
        for (BlockFormat f : List.of(MXFP4, MXFP8_E4M3, MXFP8_E5M2)) {
            BlockKnobs rceil = BlockProfile.TORCHAO_RCEIL.knobs();
            for (int k = -100; k <= 100; k += 25) {
                int center = f32(Math.scalb(MxScales.elementMax(f), k));
                for (int d = -2000; d <= 2000; d++) {
                    int[] x = new int[32];
                    x[0] = center + d;
                    assertEquals(quantize(f, BlockProfile.TRITON_ROUND_UP, x).scaleCode(0),
                            quantize(f, rceil, x).scaleCode(0), () -> f + " amax 0x" + Integer.toHexString(x[0]));
                }
            }
        }
    }

    @Test
    @DisplayName("D11 zero → E8M0: an all-zero block's scale is 0x00 (2^-127), never the NaN 0xFF")
    void d11ZeroToE8m0() {
        for (BlockFormat f : List.of(MXFP8_E4M3, MXFP8_E5M2, MXFP4)) {
            for (BlockProfile p : MX_PROFILES) {
                if (p.supports(f)) {
                    QuantizedBlocks q = quantize(f, p, new int[32]);
                    assertEquals(0x00, q.scaleCode(0), p + " " + f);
                    assertEquals(0, BlockDequantizer.toFloat32(q)[0], "dequantizes to +0, not NaN");
                }
            }
        }
    }

    @Test
    @DisplayName("D12 negative → E8M0: amax is a magnitude, a negative block gets the positive block's scale")
    void d12NegativeAmax() {
        for (BlockProfile p : MX_PROFILES) {
            QuantizedBlocks pos = quantize(MXFP4, p, padded(32, 7, 1, 0.25f, 3));
            QuantizedBlocks neg = quantize(MXFP4, p, padded(32, -7, -1, -0.25f, -3));
            assertEquals(pos.scaleCode(0), neg.scaleCode(0), p.id());
            for (int i = 0; i < 4; i++) {
                assertEquals(pos.elementCode(i) | 0x8, neg.elementCode(i), p + " element " + i);
            }
        }
    }

    @Test
    @DisplayName("D13 E8M0 overflow: a finite amax never gives 0xFF; mxint8 clamps to 0xFE")
    void d13E8m0Overflow() {
        int[] max = padded(32, Float.MAX_VALUE);
        //                                                   ocp   mxl   floor ceil  even  rceil round-up
        assertEquals(expected(0xFC, 0xFC, 0xFC, 0xFD, 0xFD, 0xFD, 0xFD), scaleByProfile(MXFP4, max), "fp4");
        for (ScaleRule rule : List.of(ScaleRule.CEIL, ScaleRule.EVEN, ScaleRule.RCEIL, ScaleRule.ROUND_UP)) {
            QuantizedBlocks q = quantize(MXINT8, BlockProfile.OCP_MX_1_0.knobs().withScaleRule(rule), max);
            assertEquals(0xFE, q.scaleCode(0), rule + ": 128 clamps to 127");
            assertEquals(0x7F, q.elementCode(0), rule + ": (2 - 2^-23) · 64 rounds to 128, clamps to 127");
        }
        assertEquals(0xFE, quantize(MXINT8, BlockProfile.OCP_MX_1_0, max).scaleCode(0), "FLOOR: 127 - 0");
    }

    @Test
    @DisplayName("D14/D15 scale decoding: E8M0 0x00 is 2^-127, 0xFF is NaN (Triton's torch reference differs)")
    void d14d15ScaleDecoding() {
        byte[] elements = new byte[64];
        elements[0] = 0x2;  // 1.0
        elements[32] = 0x2;
        QuantizedBlocks q = QuantizedBlocks.ofRow(MXFP4, new byte[] {0x00, (byte) 0xFF}, elements,
                java.util.OptionalInt.empty());
        int[] y = BlockDequantizer.toFloat32(q);
        assertEquals(0x00400000, y[0], "1.0 · 2^-127, the FP32 subnormal");
        assertEquals(0x7FC00000, y[32], "NaN scale");
        assertEquals(0x7FC00000, y[33], "NaN scale: the zero elements are NaN too");
    }

    @Test
    @DisplayName("D19 scaling arithmetic: MX divide = reciprocal multiply; NVFP4 torchao x·(1/S) vs ModelOpt x/S")
    void d19ScalingArithmetic() {
        // MX: both forms give the exact quotient, on every block of a seeded random run
        org.lowbit.spec.SplitMix64 random = new org.lowbit.spec.SplitMix64(19);
        for (BlockFormat f : List.of(MXFP8_E4M3, MXFP8_E5M2, MXFP6_E2M3, MXFP4, MXINT8)) {
            for (int t = 0; t < 200; t++) {
                int[] x = new int[32];
                for (int i = 0; i < 32; i++) {
                    x[i] = random.nextInt() & 0xBFFFFFFF; // finite, any sign
                }
                BlockKnobs divide = BlockProfile.OCP_MX_1_0.knobs();
                assertEquals(quantize(f, divide, x),
                        quantize(f, divide.withScaling(ScalingArithmetic.RECIPROCAL_MULTIPLY), x), f.id());
            }
        }
        // NVFP4, single level: amax 11.25 gives S = 1.875 (0x3F) exactly in both; the other elements are
        // 1.25·S, 2.5·S and 5·S. x · fl(1/S) lands just above each tie, x / S exactly on it.
        int[] x = padded(16, 11.25f, 2.34375f, 4.6875f, 9.375f);
        QuantizedBlocks torchao = quantize(NVFP4, BlockProfile.NVFP4_TORCHAO, x);
        QuantizedBlocks modelOpt = quantize(NVFP4, BlockProfile.NVFP4_MODELOPT.knobs()
                .withTensorScale(TensorScaleRule.NONE), x);
        assertEquals(0x3F, torchao.scaleCode(0));
        assertEquals(0x3F, modelOpt.scaleCode(0));
        assertArrayEquals(new int[] {0x7, 0x3, 0x5, 0x7}, codes(torchao, 4), "torchao: 1.5, 3, 6");
        assertArrayEquals(new int[] {0x7, 0x2, 0x4, 0x6}, codes(modelOpt, 4), "ModelOpt: ties to 1, 2, 4");
    }

    @Test
    @DisplayName("D20 NVFP4 block-scale clamp: [2^-6, 448] (torchao) vs [2^-9, 448] (ModelOpt)")
    void d20BlockScaleClamp() {
        int[] x = padded(16, 0.001f, 0.0005f);
        QuantizedBlocks torchao = quantize(NVFP4, BlockProfile.NVFP4_TORCHAO, x);
        assertEquals(0x08, torchao.scaleCode(0), "0.001/6 clamps up to 2^-6");
        assertArrayEquals(new int[] {0x0, 0x0}, codes(torchao, 2), "0.064 and 0.032 round to 0");
        QuantizedBlocks modelOpt = quantize(NVFP4, BlockProfile.NVFP4_MODELOPT.knobs()
                .withTensorScale(TensorScaleRule.NONE), x);
        assertEquals(0x01, modelOpt.scaleCode(0), "0.001/6 clamps up to 2^-9, an E4M3 subnormal");
        assertArrayEquals(new int[] {0x1, 0x1}, codes(modelOpt, 2), "0.512 and 0.256 round to 0.5");
    }

    @Test
    @DisplayName("D21 NVFP4 per-tensor scale amax/(448·6); the two recipes' block-scale arithmetic differs")
    void d21TensorScale() {
        int[] x = padded(32, 6, 1);
        x[16] = f32(0.001f);
        for (BlockProfile p : List.of(BlockProfile.NVFP4_TORCHAO, BlockProfile.NVFP4_MODELOPT)) {
            QuantizedBlocks q = quantize(NVFP4, p.knobs().withTensorScale(TensorScaleRule.AMAX_OVER_2688), x);
            assertEquals(0x3B124925, q.tensorScaleBits().orElseThrow(), p + ": g = fl(6/2688)");
            assertEquals(0x7E, q.scaleCode(0), p + ": 1/g ≈ 448");
            assertEquals(0x1A, q.scaleCode(1), p + ": 0.001/6/g ≈ 0.0747 → 0.078125");
        }
        assertTrue(quantize(NVFP4, BlockProfile.NVFP4_TORCHAO, x).tensorScaleBits().isEmpty(),
                "torchao is single level unless asked");
        // amax_b = 7.696859 with g = 0.095022954: fl(fl(amax/6)/g) = 13.5 (a tie, to 14 = 0x56 by RNE), but
        // fl(amax/fl(6·g)) = 13.499999 (to 13 = 0x55)
        int[] tie = padded(16, Float.intBitsToFloat(0x40F64CAB));
        int g = 0x3DC29B65;
        assertEquals(0x56, BlockQuantizer.of(NVFP4, BlockProfile.NVFP4_TORCHAO).withTensorScale(g)
                .quantizeFloat32(tie).scaleCode(0), "torchao (amax/6)/g");
        assertEquals(0x55, BlockQuantizer.of(NVFP4, BlockProfile.NVFP4_MODELOPT).withTensorScale(g)
                .quantizeFloat32(tie).scaleCode(0), "ModelOpt amax/(6·g)");
    }

    @Test
    @DisplayName("D22 MXINT8 -128: never produced under the symmetric range; the FULL range knob produces it")
    void d22Mxint8MinusTwo() {
        int[] x = padded(32, -Float.intBitsToFloat(0x3FFFFFFF), 1); // -(2 - 2^-22): X = 1, -127.99... → -128
        assertEquals(0x81, quantize(MXINT8, BlockProfile.OCP_MX_1_0, x).elementCode(0), "ocp: clamped to -127");
        assertEquals(0x81, quantize(MXINT8, BlockProfile.MICROXCALING, x).elementCode(0), "microxcaling: ±127/64");
        BlockKnobs full = BlockProfile.OCP_MX_1_0.knobs().withElementProfile(ElementProfile.CUDA_SATFINITE);
        assertEquals(0x80, quantize(MXINT8, full, x).elementCode(0), "FULL range: -128 = -2.0");
    }

    @Test
    @DisplayName("D23 ragged tail: ocp, microxcaling, Triton and ModelOpt pad; torchao rejects")
    void d23RaggedTail() {
        int[] x = padded(33, 1, 2, 3);
        x[32] = f32(5);
        for (BlockProfile p : MX_PROFILES) {
            if (p.knobs().tail() == org.lowbit.spec.BlockPolicies.TailPolicy.REJECT) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> quantize(MXFP4, p, x), p.id());
                assertTrue(e.getMessage().contains("33") && e.getMessage().contains("32"), e.getMessage());
            } else {
                QuantizedBlocks q = quantize(MXFP4, p, x);
                assertEquals(2, q.blockCount(), p.id());
                assertEquals(33, q.length());
                assertEquals(0x7F, q.scaleCode(1), p + ": the one-element tail block [5] has its own scale");
            }
        }
        assertThrows(IllegalArgumentException.class, () -> quantize(NVFP4, BlockProfile.NVFP4_TORCHAO, new int[17]));
        QuantizedBlocks mo = quantize(NVFP4, BlockProfile.NVFP4_MODELOPT, padded(17, 1));
        assertEquals(2, mo.blockCount());
        assertEquals(0x38, mo.scaleCode(1), "ModelOpt pads; the zero tail block gets 1.0");
    }
}
