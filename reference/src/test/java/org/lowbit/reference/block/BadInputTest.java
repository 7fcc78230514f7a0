package org.lowbit.reference.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lowbit.reference.block.BlockTestSupport.f32;
import static org.lowbit.reference.block.BlockTestSupport.padded;

import java.util.OptionalInt;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.lowbit.spec.BlockFormat;
import org.lowbit.spec.BlockKnobs;
import org.lowbit.spec.BlockPolicies.TailPolicy;
import org.lowbit.spec.BlockPolicies.TensorScaleRule;
import org.lowbit.spec.BlockProfile;
import org.lowbit.spec.Rounding;
import org.lowbit.spec.ScaleRule;

/** Bad input is a clear exception that names the problem, never a silent result (DESIGN.md §3). */
class BadInputTest {

    private static void assertMessage(Executable call, String... words) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String w : words) {
            assertTrue(e.getMessage().contains(w), () -> "'" + e.getMessage() + "' names " + w);
        }
    }

    @Test
    @DisplayName("ragged length with tail REJECT: names the length and the block size")
    void raggedReject() {
        BlockKnobs reject = BlockProfile.OCP_MX_1_0.knobs().withTail(TailPolicy.REJECT);
        assertMessage(() -> BlockQuantizer.of(BlockFormat.MXFP4, reject).quantizeFloat32(new int[33]),
                "33", "32", "mxfp4", "REJECT");
        assertMessage(() -> BlockQuantizer.of(BlockFormat.NVFP4, BlockProfile.NVFP4_TORCHAO)
                .quantizeBFloat16(new short[20]), "20", "16");
        assertMessage(() -> BlockQuantizer.of(BlockFormat.MXFP4, reject).withRowLength(40)
                .quantizeFloat32(new int[80]), "row length 40", "32");
    }

    @Test
    @DisplayName("a length that is not a whole number of rows")
    void notWholeRows() {
        assertMessage(() -> BlockQuantizer.of(BlockFormat.MXFP4, BlockProfile.OCP_MX_1_0).withRowLength(64)
                .quantizeFloat32(new int[100]), "100", "64");
        assertThrows(IllegalArgumentException.class,
                () -> BlockQuantizer.of(BlockFormat.MXFP4, BlockProfile.OCP_MX_1_0).withRowLength(0));
    }

    @Test
    @DisplayName("a NaN scale decodes to NaN for every element, whatever the element codes")
    void nanScaleDecode() {
        byte[] elements = new byte[32];
        for (int i = 0; i < 32; i++) {
            elements[i] = (byte) i; // every fp8 code, including ±0 and NaN
        }
        QuantizedBlocks mx = QuantizedBlocks.ofRow(BlockFormat.MXFP8_E4M3, new byte[] {(byte) 0xFF}, elements,
                OptionalInt.empty());
        QuantizedBlocks nv = QuantizedBlocks.ofRow(BlockFormat.NVFP4, new byte[] {0x7F, 0x7F},
                new byte[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                    0, 0, 0, 0}, OptionalInt.of(f32(0.5f)));
        for (QuantizedBlocks q : new QuantizedBlocks[] {mx, nv}) {
            int[] y = BlockDequantizer.toFloat32(q);
            short[] b = BlockDequantizer.toBFloat16(q);
            short[] h = BlockDequantizer.toFloat16(q);
            for (int i = 0; i < q.length(); i++) {
                assertEquals(0x7FC00000, y[i], q.format() + " element " + i);
                assertEquals((short) 0x7FC0, b[i]);
                assertEquals((short) 0x7E00, h[i]);
            }
        }
    }

    @Test
    @DisplayName("invalid codes and shapes are rejected when the blocks are built")
    void invalidCodes() {
        assertMessage(() -> QuantizedBlocks.ofRow(BlockFormat.MXFP4, new byte[1], oneCode(32, 5, 0x10),
                OptionalInt.empty()), "element code 0x10", "index 5", "fp4_e2m1", "0x0..0xF");
        assertMessage(() -> QuantizedBlocks.ofRow(BlockFormat.MXFP6_E3M2, new byte[1], oneCode(32, 31, 0x40),
                OptionalInt.empty()), "0x40", "index 31", "fp6_e3m2");
        assertMessage(() -> QuantizedBlocks.ofRow(BlockFormat.NVFP4, new byte[] {(byte) 0x80}, new byte[16],
                OptionalInt.empty()), "scale code 0x80", "ue4m3");
        assertMessage(() -> QuantizedBlocks.ofRow(BlockFormat.MXFP4, new byte[2], new byte[32],
                OptionalInt.empty()), "2 scale codes", "1 expected");
        assertMessage(() -> new QuantizedBlocks(BlockFormat.MXFP4, 2, 16, new byte[2], new byte[33],
                OptionalInt.empty()), "33 element codes");
    }

    @Test
    @DisplayName("per-tensor scales: only NVFP4, only positive finite FP32; an all-zero tensor has none")
    void tensorScales() {
        assertMessage(() -> QuantizedBlocks.ofRow(BlockFormat.MXFP4, new byte[1], new byte[32],
                OptionalInt.of(f32(1))), "mxfp4", "per-tensor");
        assertMessage(() -> BlockQuantizer.of(BlockFormat.MXFP8_E4M3, BlockProfile.OCP_MX_1_0).withTensorScale(f32(1)),
                "per-tensor");
        assertMessage(() -> BlockQuantizer.of(BlockFormat.MXFP4,
                BlockProfile.OCP_MX_1_0.knobs().withTensorScale(TensorScaleRule.AMAX_OVER_2688)), "AMAX_OVER_2688");
        for (int bad : new int[] {0, 0x80000000, f32(-1), 0x7F800000, 0x7FC00000}) {
            assertThrows(IllegalArgumentException.class,
                    () -> BlockQuantizer.of(BlockFormat.NVFP4, BlockProfile.NVFP4_TORCHAO).withTensorScale(bad),
                    Integer.toHexString(bad));
        }
        assertMessage(() -> BlockQuantizer.of(BlockFormat.NVFP4, BlockProfile.NVFP4_MODELOPT)
                .quantizeFloat32(padded(32, 0, -0.0f, Float.NaN)), "per-tensor scale", "0");
    }

    @Test
    @DisplayName("knobs that do not fit the format, profiles that do not support it, SR without random bits")
    void misconfiguration() {
        assertMessage(() -> BlockQuantizer.of(BlockFormat.MXFP4,
                BlockProfile.OCP_MX_1_0.knobs().withScaleRule(ScaleRule.NEAREST)), "NEAREST", "mxfp4", "FLOOR");
        assertMessage(() -> BlockQuantizer.of(BlockFormat.NVFP4, BlockProfile.OCP_MX_1_0.knobs()), "FLOOR", "nvfp4",
                "NEAREST");
        assertMessage(() -> BlockQuantizer.of(BlockFormat.MXINT8, BlockProfile.TORCHAO_FLOOR), "torchao-floor",
                "mxint8");
        assertMessage(() -> BlockQuantizer.of(BlockFormat.MXFP4, BlockProfile.NVFP4_TORCHAO), "nvfp4-torchao");
        BlockKnobs sr = BlockProfile.OCP_MX_1_0.knobs().withElementRounding(Rounding.SR);
        assertMessage(() -> BlockQuantizer.of(BlockFormat.MXFP4, sr).quantizeFloat32(new int[32]), "SR");
        assertMessage(() -> BlockQuantizer.of(BlockFormat.MXFP4, sr).quantizeFloat32(new int[32], 0, 32, new int[31]),
                "SR", "31");
        assertThrows(IndexOutOfBoundsException.class,
                () -> BlockQuantizer.of(BlockFormat.MXFP4, BlockProfile.OCP_MX_1_0).quantizeFloat32(new int[32], 1, 32));
        assertThrows(IndexOutOfBoundsException.class, () -> BlockDequantizer.toFloat32(
                QuantizedBlocks.ofRow(BlockFormat.MXFP4, new byte[1], new byte[32], OptionalInt.empty()),
                new int[40], 9));
    }

    private static byte[] oneCode(int n, int index, int code) {
        byte[] b = new byte[n];
        b[index] = (byte) code;
        return b;
    }
}
