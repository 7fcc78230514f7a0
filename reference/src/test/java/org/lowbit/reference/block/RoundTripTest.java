package org.lowbit.reference.block;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;
import static org.lowbit.reference.block.BlockTestSupport.roundBinary;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.lowbit.reference.exact.ExactCodec;
import org.lowbit.reference.exact.ExactValue;
import org.lowbit.spec.BlockFormat;
import org.lowbit.spec.BlockKnobs;
import org.lowbit.spec.BlockPolicies.TensorScaleRule;
import org.lowbit.spec.BlockProfile;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.ScaleRule;
import org.lowbit.spec.SplitMix64;

/**
 * Dequantization is exact (each value is the exact product P_i · X (· g) rounded once, compared with a
 * BigDecimal product rounded by HALF_EVEN here), and quantize(dequantize(q)) = q wherever the
 * re-quantization finds the same scale, which FLOOR always does.
 */
class RoundTripTest {

    private static final long SEED = 0x726F756E64L;

    @TestFactory
    @DisplayName("dequantize to FP32, BF16, FP16: the exact product rounded once, for random codes and scales")
    Stream<DynamicTest> dequantizeIsExact() {
        List<DynamicTest> tests = new ArrayList<>();
        for (BlockFormat f : BlockFormat.values()) {
            tests.add(dynamicTest(f.id(), () -> checkDequantize(f, false)));
            if (f.allowsTensorScale()) {
                tests.add(dynamicTest(f.id() + " two level", () -> checkDequantize(f, true)));
            }
        }
        return tests.stream();
    }

    private static void checkDequantize(BlockFormat f, boolean twoLevel) {
        SplitMix64 r = new SplitMix64(SEED ^ f.ordinal() ^ (twoLevel ? 1L << 32 : 0));
        ElementFormat e = f.element();
        ElementFormat scale = f.scale();
        int blocks = 64;
        for (int call = 0; call < 16; call++) {
            byte[] scales = new byte[blocks];
            byte[] elements = new byte[blocks * f.blockSize()];
            for (int b = 0; b < blocks; b++) {
                // scale codes: anywhere, or at the ends (E8M0 0x00, 0xFE, 0xFF; UE4M3 0x00, 0x01, 0x7E, 0x7F)
                int code = BlockGenerator.below(r, scale.codeCount());
                if (BlockGenerator.below(r, 4) == 0) {
                    int[] ends = {0, 1, scale.codeCount() - 2, scale.codeCount() - 1};
                    code = ends[BlockGenerator.below(r, 4)];
                }
                scales[b] = (byte) code;
            }
            for (int i = 0; i < elements.length; i++) {
                elements[i] = (byte) BlockGenerator.below(r, e.codeCount());
            }
            OptionalInt g = OptionalInt.empty();
            if (twoLevel) {
                int bits = BlockGenerator.below(r, 3) == 0
                        ? 1 + BlockGenerator.below(r, 0x7FFFFF)                // subnormal g
                        : 0x00800000 + BlockGenerator.below(r, 0x7E800000);     // normal g
                g = OptionalInt.of(bits);
            }
            QuantizedBlocks q = QuantizedBlocks.ofRow(f, scales, elements, g);
            int[] f32 = BlockDequantizer.toFloat32(q);
            short[] bf16 = BlockDequantizer.toBFloat16(q);
            short[] f16 = BlockDequantizer.toFloat16(q);
            for (int i = 0; i < elements.length; i++) {
                int scaleCode = scales[i / f.blockSize()] & 0xFF;
                int elementCode = elements[i] & 0xFF;
                String where = String.format(Locale.ROOT, "%s scale 0x%02X element 0x%02X g %s", f, scaleCode,
                        elementCode, g);
                ExactValue p = ExactCodec.decode(elementCode, e);
                ExactValue x = ExactCodec.decode(scaleCode, scale);
                if (x.isNaN()) {
                    assertEquals(0x7FC00000, f32[i], where);
                    assertEquals((short) 0x7FC0, bf16[i], where);
                    assertEquals((short) 0x7E00, f16[i], where);
                    continue;
                }
                if (p.isNaN() || p.isInfinite()) {
                    int sign = p.negative() ? 1 : 0;
                    int special = p.isNaN() ? 0 : 1;
                    assertEquals(sign << 31 | (special == 0 ? 0x7FC00000 : 0x7F800000), f32[i], where);
                    assertEquals((short) (sign << 15 | (special == 0 ? 0x7FC0 : 0x7F80)), bf16[i], where);
                    assertEquals((short) (sign << 15 | (special == 0 ? 0x7E00 : 0x7C00)), f16[i], where);
                    continue;
                }
                BigDecimal product = p.magnitude().multiply(x.magnitude());
                if (g.isPresent()) {
                    product = product.multiply(ExactValue.ofFloat32Bits(g.getAsInt()).magnitude());
                }
                assertEquals(roundBinary(p.negative(), product, 8, 23), f32[i], where + " → FP32");
                assertEquals(roundBinary(p.negative(), product, 8, 7), bf16[i] & 0xFFFF, where + " → BF16");
                assertEquals(roundBinary(p.negative(), product, 5, 10), f16[i] & 0xFFFF, where + " → FP16");
                if (product.signum() != 0) {
                    float jdk = p.negative() ? -product.floatValue() : product.floatValue();
                    assertEquals(Float.floatToRawIntBits(jdk), f32[i], where + " → FP32 (BigDecimal.floatValue)");
                }
            }
        }
    }

    @Test
    @DisplayName("dequantize to BF16 rounds the exact product once, not through FP32 (NVFP4 two level)")
    void noDoubleRounding() {
        // e = 3 (code 0x5), S = 2 (0x40), so the product is 6·g: up to 26 significant bits. Near each BF16 tie
        // in [1, 2), FP32 rounding of 6·g can land exactly on the tie, and rounding that again to BF16 picks
        // the wrong neighbour; the dequantizer must give the BF16 nearest to the exact product.
        int found = 0;
        for (int j = 0; j < 128; j++) {
            float tie = 1 + (2 * j + 1) * 0x1p-8f;
            int g0 = Float.floatToRawIntBits(tie / 6);
            for (int d = -64; d <= 64; d++) {
                int g = g0 + d;
                BigDecimal product = new BigDecimal(6).multiply(ExactValue.ofFloat32Bits(g).magnitude());
                int direct = roundBinary(false, product, 8, 7);
                int viaFp32 = bf16Of(roundBinary(false, product, 8, 23));
                QuantizedBlocks q = QuantizedBlocks.ofRow(BlockFormat.NVFP4, new byte[] {0x40}, oneCode(16, 0x5),
                        OptionalInt.of(g));
                assertEquals(direct, BlockDequantizer.toBFloat16(q)[0] & 0xFFFF, () -> "g 0x" + Integer.toHexString(g));
                if (direct != viaFp32) {
                    found++;
                }
            }
        }
        assertTrue(found > 10, "the search met double-rounding cases: " + found);
    }

    private static byte[] oneCode(int n, int code) {
        byte[] b = new byte[n];
        b[0] = (byte) code;
        return b;
    }

    /** FP32 bits to BF16 by RNE (the second rounding the dequantizer must not do). */
    private static int bf16Of(int f32) {
        int rounded = f32 + 0x7FFF + ((f32 >>> 16) & 1);
        return rounded >>> 16;
    }

    // ---------------------------------------------------------------------------------------------

    @TestFactory
    @DisplayName("quantize(dequantize(q)) = q: always under FLOOR and single-level NVFP4 at ±6; else when the scale repeats")
    Stream<DynamicTest> fixedPoint() {
        List<DynamicTest> tests = new ArrayList<>();
        for (BlockProfile p : BlockProfile.values()) {
            for (BlockFormat f : p.formats()) {
                tests.add(dynamicTest(p + " " + f, () -> checkFixedPoint(f, p.knobs().withTail(
                        org.lowbit.spec.BlockPolicies.TailPolicy.REJECT), p.ordinal())));
            }
        }
        BlockKnobs twoLevel = BlockProfile.NVFP4_TORCHAO.knobs().withTensorScale(TensorScaleRule.AMAX_OVER_2688);
        tests.add(dynamicTest("nvfp4-torchao two level", () -> checkFixedPoint(BlockFormat.NVFP4, twoLevel, 99)));
        return tests.stream();
    }

    private static void checkFixedPoint(BlockFormat f, BlockKnobs knobs, long salt) {
        SplitMix64 r = new SplitMix64(SEED ^ salt << 8 ^ f.ordinal());
        int k = f.blockSize();
        int blocks = 0;
        int sameScale = 0;
        for (int call = 0; call < 200; call++) {
            int[] x = BlockGenerator.block(r, f);
            for (int i = 0; i < k; i++) {
                if ((x[i] & 0x7FFFFFFF) >= 0x7F800000) {
                    x[i] = 0; // finite blocks only: a NaN block has no values to re-quantize
                }
            }
            BlockQuantizer quantizer = BlockQuantizer.of(f, knobs);
            QuantizedBlocks q1;
            try {
                q1 = quantizer.quantizeFloat32(x);
            } catch (IllegalArgumentException allZeroTensor) {
                continue; // two level: an all-zero tensor has no per-tensor scale
            }
            if (q1.tensorScaleBits().isPresent()) {
                quantizer = quantizer.withTensorScale(q1.tensorScaleBits().getAsInt()); // keep g
            }
            int[] y = BlockDequantizer.toFloat32(q1);
            QuantizedBlocks q2 = quantizer.quantizeFloat32(y);
            blocks++;
            String where = String.format(Locale.ROOT, "%s %s x %s → %s → %s", f, knobs.scaleRule(),
                    BlockGenerator.describe(x, 0, k), q1, q2);
            boolean mustRepeat = knobs.scaleRule() == ScaleRule.FLOOR
                    || (f.isNvfp4() && q1.tensorScaleBits().isEmpty() && hasMaxCode(q1));
            if (mustRepeat) {
                assertEquals(q1.scaleCode(0), q2.scaleCode(0), where);
            }
            if (q1.scaleCode(0) == q2.scaleCode(0)) {
                sameScale++;
                assertArrayEquals(BlockTestSupport.codes(q1, k), BlockTestSupport.codes(q2, k), where);
            }
        }
        assertTrue(sameScale * 2 > blocks, "the scale repeats for most blocks: " + sameScale + " of " + blocks);
    }

    /** Whether some element is ±6 (FP4 0x7 / 0xF): then y's amax/6 is the scale itself. */
    private static boolean hasMaxCode(QuantizedBlocks q) {
        for (int i = 0; i < q.length(); i++) {
            if ((q.elementCode(i) & 0x7) == 0x7) {
                return true;
            }
        }
        return false;
    }
}
