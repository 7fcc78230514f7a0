package org.lowbit.reference.block;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lowbit.reference.block.BlockTestSupport.f32;

import java.util.Arrays;
import java.util.OptionalInt;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.lowbit.reference.ElementCodec;
import org.lowbit.spec.BlockFormat;
import org.lowbit.spec.BlockKnobs;
import org.lowbit.spec.BlockPolicies.TensorScaleRule;
import org.lowbit.spec.BlockProfile;
import org.lowbit.spec.Rounding;
import org.lowbit.spec.SplitMix64;

/** Every public overload gives the same answer on the same values; rows keep their blocks apart. */
class ApiTest {

    /** Values that are exact in FP32, BF16 and FP16: 8 significant bits, exponents within FP16's range. */
    private static float[] sharedValues(int n, long seed) {
        SplitMix64 r = new SplitMix64(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            int significand = 128 + BlockGenerator.below(r, 128);
            v[i] = Math.scalb((float) significand, BlockGenerator.below(r, 20) - 20)
                   * (BlockGenerator.below(r, 2) == 0 ? 1 : -1);
        }
        return v;
    }

    @Test
    @DisplayName("FP32, BF16 and FP16 inputs of the same values quantize alike; offset overloads too")
    void sourceFormatsAgree() {
        for (BlockProfile p : BlockProfile.values()) {
            for (BlockFormat f : p.formats()) {
                float[] v = sharedValues(4 * f.blockSize(), p.ordinal());
                int[] fp32 = BlockTestSupport.bits(v);
                short[] bf16 = new short[v.length];
                short[] fp16 = new short[v.length];
                for (int i = 0; i < v.length; i++) {
                    bf16[i] = (short) (fp32[i] >>> 16);
                    fp16[i] = Float.floatToFloat16(v[i]);
                    assertEquals(fp32[i], ElementCodec.float16ToFloat32Bits(fp16[i]), "exact in FP16");
                }
                BlockQuantizer quantizer = BlockQuantizer.of(f, p);
                QuantizedBlocks expected = quantizer.quantizeFloat32(fp32);
                assertEquals(expected, quantizer.quantizeBFloat16(bf16), p + " " + f + " bf16");
                assertEquals(expected, quantizer.quantizeFloat16(fp16), p + " " + f + " fp16");
                int[] shifted = new int[fp32.length + 7];
                System.arraycopy(fp32, 0, shifted, 5, fp32.length);
                assertEquals(expected, quantizer.quantizeFloat32(shifted, 5, fp32.length), "offset");
                short[] shifted16 = new short[bf16.length + 3];
                System.arraycopy(bf16, 0, shifted16, 3, bf16.length);
                assertEquals(expected, quantizer.quantizeBFloat16(shifted16, 3, bf16.length), "bf16 offset");
            }
        }
    }

    @Test
    @DisplayName("rows: blocks never span two rows; each row is quantized as if alone")
    void rows() {
        float[] v = sharedValues(3 * 40, 7);
        v[39] = 1000; // the last element of row 0: must not reach row 1's first block
        int[] x = BlockTestSupport.bits(v);
        QuantizedBlocks q = BlockQuantizer.of(BlockFormat.MXFP4, BlockProfile.OCP_MX_1_0).withRowLength(40)
                .quantizeFloat32(x);
        assertEquals(3, q.rows());
        assertEquals(40, q.rowLength());
        assertEquals(2, q.blocksPerRow());
        assertEquals(6, q.blockCount());
        assertEquals(1, q.blockOf(39));
        assertEquals(2, q.blockOf(40));
        assertEquals(5, q.blockOf(119));
        for (int r = 0; r < 3; r++) {
            QuantizedBlocks row = BlockQuantizer.of(BlockFormat.MXFP4, BlockProfile.OCP_MX_1_0)
                    .quantizeFloat32(x, r * 40, 40);
            assertEquals(row.scaleCode(0), q.scaleCode(2 * r), "row " + r + " block 0");
            assertEquals(row.scaleCode(1), q.scaleCode(2 * r + 1), "row " + r + " tail block");
            for (int j = 0; j < 40; j++) {
                assertEquals(row.elementCode(j), q.elementCode(r * 40 + j));
            }
        }
        int[] y = BlockDequantizer.toFloat32(q);
        int[] dst = new int[130];
        BlockDequantizer.toFloat32(q, dst, 10);
        assertArrayEquals(y, Arrays.copyOfRange(dst, 10, 130));
        short[] h = new short[125];
        BlockDequantizer.toFloat16(q, h, 5);
        assertArrayEquals(BlockDequantizer.toFloat16(q), Arrays.copyOfRange(h, 5, 125));
    }

    @Test
    @DisplayName("an empty input has no rows and no blocks")
    void empty() {
        QuantizedBlocks q = BlockQuantizer.of(BlockFormat.MXFP4, BlockProfile.OCP_MX_1_0).quantizeFloat32(new int[0]);
        assertEquals(0, q.rows());
        assertEquals(0, q.blockCount());
        assertEquals(0, BlockDequantizer.toFloat32(q).length);
        QuantizedBlocks nv = BlockQuantizer.of(BlockFormat.NVFP4, BlockProfile.NVFP4_MODELOPT).quantizeFloat32(new int[0]);
        assertEquals(0, nv.blockCount());
        assertTrue(nv.tensorScaleBits().isEmpty(), "no per-tensor scale for nothing");
    }

    @Test
    @DisplayName("SR: the caller's random bits decide, reproducibly")
    void stochasticRounding() {
        BlockKnobs sr = BlockProfile.OCP_MX_1_0.knobs().withElementRounding(Rounding.SR);
        int[] x = new int[32];
        Arrays.fill(x, f32(1.25f)); // amax 1.25: X = 2^-2, quotient 5 lies between 4 and 6
        int[] low = new int[32];
        int[] high = new int[32];
        Arrays.fill(high, -1);
        BlockQuantizer quantizer = BlockQuantizer.of(BlockFormat.MXFP4, sr);
        assertEquals(0x6, quantizer.quantizeFloat32(x, 0, 32, low).elementCode(0), "r = 0: down to 4");
        assertEquals(0x7, quantizer.quantizeFloat32(x, 0, 32, high).elementCode(0), "r = 2^32-1: up to 6");
        int[] random = new int[32];
        SplitMix64 r = new SplitMix64(1);
        for (int i = 0; i < 32; i++) {
            random[i] = r.nextInt();
        }
        assertEquals(quantizer.quantizeFloat32(x, 0, 32, random), quantizer.quantizeFloat32(x, 0, 32, random));
    }

    @Test
    @DisplayName("QuantizedBlocks is a value: copies its arrays, compares by content, prints hex")
    void valueSemantics() {
        byte[] scales = {0x7F};
        byte[] elements = new byte[32];
        elements[0] = 0x7;
        QuantizedBlocks a = QuantizedBlocks.ofRow(BlockFormat.MXFP4, scales, elements, OptionalInt.empty());
        scales[0] = 0;
        assertEquals(0x7F, a.scaleCode(0), "the constructor copied the array");
        a.elementCodes()[0] = 0;
        assertEquals(0x7, a.elementCode(0), "the accessor returns a copy");
        QuantizedBlocks b = QuantizedBlocks.ofRow(BlockFormat.MXFP4, new byte[] {0x7F}, a.elementCodes(),
                OptionalInt.empty());
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, QuantizedBlocks.ofRow(BlockFormat.MXFP4, new byte[] {0x7E}, a.elementCodes(),
                OptionalInt.empty()));
        assertTrue(a.toString().contains("scales=[7F]"), a.toString());
    }

    @Test
    @DisplayName("nvfp4TensorScale is fl(amax / 2688); the knob and the caller's scale agree")
    void tensorScale() {
        assertEquals(f32(6f / 2688f), BlockQuantizer.nvfp4TensorScale(f32(6)));
        int[] x = BlockTestSupport.bits(sharedValues(64, 3));
        int amax = 0;
        for (int b : x) {
            amax = Math.max(amax, b & 0x7FFFFFFF);
        }
        BlockKnobs twoLevel = BlockProfile.NVFP4_TORCHAO.knobs().withTensorScale(TensorScaleRule.AMAX_OVER_2688);
        assertEquals(BlockQuantizer.of(BlockFormat.NVFP4, twoLevel).quantizeFloat32(x),
                BlockQuantizer.of(BlockFormat.NVFP4, BlockProfile.NVFP4_TORCHAO)
                        .withTensorScale(BlockQuantizer.nvfp4TensorScale(amax)).quantizeFloat32(x));
    }
}
