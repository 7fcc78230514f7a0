package org.lowbit.reference.layout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.ElementLayout;

/** int-packing.md §9: the codes 1..8 in logical order, through every layout that §9 lists. */
class CrossFormatVectorTest {
    private static final int[] ONE_TO_EIGHT = {1, 2, 3, 4, 5, 6, 7, 8};

    @Test
    @DisplayName("§9 gptq (along K): int32 0x87654321")
    void gptq() {
        assertArrayEquals(new int[] {0x87654321}, GptqPacking.packWeights(ONE_TO_EIGHT, 1, 8, 4));
    }

    @Test
    @DisplayName("§9 ct.packq.i4 (signed -7..0 stored as codes 1..8, along K): int32 0x87654321")
    void compressedTensors() {
        int[] signed = {-7, -6, -5, -4, -3, -2, -1, 0};
        int[] stored = new int[8];
        for (int i = 0; i < 8; i++) {
            stored[i] = CompressedTensorsPacking.offsetBinary(signed[i] & 0xF, 4); // int4 code -> v + 8
        }
        assertArrayEquals(ONE_TO_EIGHT, stored);
        assertArrayEquals(new int[] {0x87654321}, CompressedTensorsPacking.pack(stored, 1, 8, 4));
    }

    @Test
    @DisplayName("§9 awq.gemm.u4 (along N): int32 0x86427531")
    void awq() {
        assertArrayEquals(new int[] {0x86427531}, AwqPacking.packWeights(ONE_TO_EIGHT, 8, 1));
    }

    @Test
    @DisplayName("§9 hqq.u8.4 (8 rows of one column): bytes 15 26 37 48")
    void hqq() {
        assertArrayEquals(RandomCodes.hex("15 26 37 48"), HqqPacking.pack(ONE_TO_EIGHT, 8, 1, 4));
    }

    @Test
    @DisplayName("§9 torch.quint4x2 / torch.f4e2m1x2 (device-verified storage): bytes 21 43 65 87")
    void torchTwoPerByte() {
        assertArrayEquals(RandomCodes.hex("21 43 65 87"), Uint4x2Packing.pack(ONE_TO_EIGHT, 1, 8));
        assertArrayEquals(RandomCodes.hex("21 43 65 87"), ElementPacking.pack(ElementLayout.NIBBLE_LOW_FIRST,
                ElementFormat.FP4_E2M1, ONE_TO_EIGHT));
        assertArrayEquals(ONE_TO_EIGHT, Uint4x2Packing.unpack(RandomCodes.hex("21 43 65 87"), 2, 4));
    }

    @Test
    @DisplayName("§9 tinygemm input bytes (torchao): bytes 12 34 56 78")
    void tinygemmInput() {
        assertArrayEquals(RandomCodes.hex("12 34 56 78"), TinygemmPacking.inputBytes(ONE_TO_EIGHT, 1, 8));
    }

    @Test
    @DisplayName("§9 ggml.q4_0 pairs (j, j+16), not (j, j+1): qs = 01 02 .. 08 when codes 1..8 lead a block")
    void ggufQ4_0Pairs() {
        int[] codes = new int[32];
        System.arraycopy(ONE_TO_EIGHT, 0, codes, 0, 8);
        byte[] block = GgufBlocks.packQ4_0(new short[] {0}, codes);
        assertArrayEquals(RandomCodes.hex("00 00 01 02 03 04 05 06 07 08 00 00 00 00 00 00 00 00"), block);
        codes[16] = 9;
        assertEquals(0x91, GgufBlocks.packQ4_0(new short[] {0}, codes)[2] & 0xFF);
    }
}
