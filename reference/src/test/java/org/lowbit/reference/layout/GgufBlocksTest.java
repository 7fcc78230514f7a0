package org.lowbit.reference.layout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.lowbit.spec.WeightLayout;

class GgufBlocksTest {

    @Test
    @DisplayName("int-packing §5.6 Q4_0, x[j] = (j-16)/4: d = 0x3800, block 00 38 80 91 91 A2 A2 B3 B3 C4 C4 D5 D5 E6 E6 F7 F7 F8")
    void q4_0Ramp() {
        byte[] expected = RandomCodes.hex("00 38 80 91 91 A2 A2 B3 B3 C4 C4 D5 D5 E6 E6 F7 F7 F8");
        // §5.2: q = min(15, (int)(x/d + 8.5)) with x/d = (j - 16)/2, i.e. floor((j + 1)/2), 16 clamped to 15
        int[] codes = new int[32];
        for (int j = 0; j < 32; j++) {
            codes[j] = Math.min(15, (j + 1) / 2);
        }
        assertArrayEquals(expected, GgufBlocks.packQ4_0(new short[] {0x3800}, codes));
        short[] d = new short[1];
        int[] back = new int[32];
        GgufBlocks.unpackQ4_0(expected, d, back);
        assertEquals(0x3800, d[0]);
        assertArrayEquals(codes, back);
    }

    @Test
    @DisplayName("int-packing §5.6 Q4_0, positive max: d = 0xB000, block 00 B0 70 FC 86 then 13 x 88")
    void q4_0PositiveMax() {
        byte[] expected = RandomCodes.hex("00 B0 70 FC 86 88 88 88 88 88 88 88 88 88 88 88 88 88");
        int[] codes = new int[32];
        Arrays.fill(codes, 8);
        codes[0] = 0;   // 1.0 * -8 + 8.5 = 0.5 -> 0
        codes[1] = 12;  // -0.5 -> 12.5 -> 12
        codes[2] = 6;   // 0.3 -> 6.1 -> 6
        codes[16] = 7;  // 0.125 -> 7.5 -> 7
        codes[17] = 15; // -1.0 -> 16.5 -> 16, clamped
        assertArrayEquals(expected, GgufBlocks.packQ4_0(new short[] {(short) 0xB000}, codes));
    }

    @Test
    @DisplayName("int-packing §5.6 Q4_1: d = 0x3822, m = 0xC400, block 22 38 00 C4 80 80 91 91 ... F7 F7 (codes j/2)")
    void q4_1Ramp() {
        byte[] expected = RandomCodes.hex("22 38 00 C4 80 80 91 91 A2 A2 B3 B3 C4 C4 D5 D5 E6 E6 F7 F7");
        int[] codes = new int[32];
        for (int j = 0; j < 32; j++) {
            codes[j] = j / 2;
        }
        assertArrayEquals(expected, GgufBlocks.packQ4_1(new short[] {0x3822}, new short[] {(short) 0xC400}, codes));
        short[] d = new short[1];
        short[] m = new short[1];
        int[] back = new int[32];
        GgufBlocks.unpackQ4_1(expected, d, m, back);
        assertEquals(0x3822, d[0]);
        assertEquals((short) 0xC400, m[0]);
        assertArrayEquals(codes, back);
    }

    @Test
    @DisplayName("int-packing §5.6 Q8_0 ref: d = 0x3C00, codes 127, 3, -3, -127, 1, 2 -> 00 3C 7F 03 FD 81 01 02")
    void q8_0() {
        int[] codes = new int[32];
        int[] first = {0x7F, 0x03, 0xFD, 0x81, 0x01, 0x02};
        System.arraycopy(first, 0, codes, 0, first.length);
        byte[] block = GgufBlocks.packQ8_0(new short[] {0x3C00}, codes);
        assertEquals(34, block.length);
        assertArrayEquals(RandomCodes.hex("00 3C 7F 03 FD 81 01 02"), Arrays.copyOf(block, 8));
        assertArrayEquals(new byte[26], Arrays.copyOfRange(block, 8, 34));
        short[] d = new short[1];
        int[] back = new int[32];
        GgufBlocks.unpackQ8_0(block, d, back);
        assertArrayEquals(codes, back);
    }

    @Test
    @DisplayName("int-packing §5.5 Q4_K scales: sc 1,2,3,4,33,34,35,36 and m 5,6,7,8,40,41,42,63 -> 81 82 83 84 85 86 87 C8 81 92 A3 F4")
    void q4_kScales() {
        int[] sc = {1, 2, 3, 4, 33, 34, 35, 36};
        int[] m = {5, 6, 7, 8, 40, 41, 42, 63};
        byte[] packed = new byte[12];
        GgufBlocks.packQ4KScales(sc, 0, m, 0, packed, 0);
        assertArrayEquals(RandomCodes.hex("81 82 83 84 85 86 87 C8 81 92 A3 F4"), packed);
        int[] scBack = new int[8];
        int[] mBack = new int[8];
        GgufBlocks.unpackQ4KScales(packed, 0, scBack, 0, mBack, 0);
        assertArrayEquals(sc, scBack);
        assertArrayEquals(m, mBack);
    }

    @Test
    @DisplayName("int-packing §5.5 Q4_K codes: per 64 elements, qs[32c + l] low nibble = 64c + l, high nibble = 64c + 32 + l")
    void q4_kCodes() {
        int[] codes = new int[256];
        codes[0] = 1;
        codes[32] = 2;
        codes[64 + 5] = 3;
        codes[64 + 32 + 5] = 4;
        codes[255] = 15;
        byte[] block = GgufBlocks.packQ4_K(new short[] {0x3C00}, new short[] {0x3800}, new int[8], new int[8], codes);
        assertEquals(144, block.length);
        int qs = 16;
        assertEquals(0x21, block[qs] & 0xFF);
        assertEquals(0x43, block[qs + 32 + 5] & 0xFF);
        assertEquals(0xF0, block[qs + 127] & 0xFF);
        assertArrayEquals(RandomCodes.hex("00 3C 00 38"), Arrays.copyOf(block, 4));
    }

    @Test
    @DisplayName("round trip: q4_0, q4_1, q8_0, q4_k over several blocks of random codes, scales and fp16 fields")
    void roundTrips() {
        int blocks = 5;
        short[] d = RandomCodes.shorts(blocks, 1);
        short[] m = RandomCodes.shorts(blocks, 2);
        int[] q4 = RandomCodes.below(16, blocks * 32, 3);
        int[] q8 = RandomCodes.below(256, blocks * 32, 4);
        short[] d2 = new short[blocks];
        short[] m2 = new short[blocks];
        int[] codes = new int[blocks * 32];

        GgufBlocks.unpackQ4_0(GgufBlocks.packQ4_0(d, q4), d2, codes);
        assertArrayEquals(d, d2);
        assertArrayEquals(q4, codes);
        GgufBlocks.unpackQ4_1(GgufBlocks.packQ4_1(d, m, q4), d2, m2, codes);
        assertArrayEquals(m, m2);
        assertArrayEquals(q4, codes);
        GgufBlocks.unpackQ8_0(GgufBlocks.packQ8_0(d, q8), d2, codes);
        assertArrayEquals(q8, codes);

        int[] sc = RandomCodes.below(64, blocks * 8, 5);
        int[] mins = RandomCodes.below(64, blocks * 8, 6);
        int[] qk = RandomCodes.below(16, blocks * 256, 7);
        byte[] packed = GgufBlocks.packQ4_K(d, m, sc, mins, qk);
        assertEquals(blocks * 144, packed.length);
        int[] sc2 = new int[blocks * 8];
        int[] mins2 = new int[blocks * 8];
        int[] qk2 = new int[blocks * 256];
        GgufBlocks.unpackQ4_K(packed, d2, m2, sc2, mins2, qk2);
        assertArrayEquals(d, d2);
        assertArrayEquals(m, m2);
        assertArrayEquals(sc, sc2);
        assertArrayEquals(mins, mins2);
        assertArrayEquals(qk, qk2);
    }

    @Test
    @DisplayName("block sizes agree with the spec data (18, 20, 34, 144 bytes)")
    void blockSizesMatchSpec() {
        assertEquals(WeightLayout.GGUF_Q4_0.blockBytes(), GgufBlocks.packQ4_0(new short[1], new int[32]).length);
        assertEquals(WeightLayout.GGUF_Q4_1.blockBytes(), GgufBlocks.packQ4_1(new short[1], new short[1], new int[32]).length);
        assertEquals(WeightLayout.GGUF_Q8_0.blockBytes(), GgufBlocks.packQ8_0(new short[1], new int[32]).length);
        assertEquals(WeightLayout.GGUF_Q4_K.blockBytes(),
                GgufBlocks.packQ4_K(new short[1], new short[1], new int[8], new int[8], new int[256]).length);
    }

    @Test
    @DisplayName("bad input: a count that is not a whole number of blocks, a scale count mismatch, out-of-range codes")
    void badInput() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GgufBlocks.packQ4_0(new short[1], new int[33]));
        assertTrue(e.getMessage().contains("33 elements"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GgufBlocks.packQ4_0(new short[2], new int[32]));
        assertThrows(IllegalArgumentException.class, () -> GgufBlocks.packQ4_1(new short[1], new short[2], new int[32]));
        int[] bad4 = new int[32];
        bad4[31] = 16;
        assertThrows(IllegalArgumentException.class, () -> GgufBlocks.packQ4_0(new short[1], bad4));
        int[] bad8 = new int[32];
        bad8[0] = -3; // int8 codes are 0..255 patterns: -3 is 0xFD
        assertThrows(IllegalArgumentException.class, () -> GgufBlocks.packQ8_0(new short[1], bad8));
        int[] sc = new int[8];
        sc[7] = 64;
        assertThrows(IllegalArgumentException.class, () -> GgufBlocks.packQ4KScales(sc, 0, new int[8], 0, new byte[12], 0));
        assertThrows(IllegalArgumentException.class, () -> GgufBlocks.unpackQ4_0(new byte[17], new short[1], new int[32]));
        assertThrows(IllegalArgumentException.class, () -> GgufBlocks.blocks(255, GgufBlocks.QK_K));
    }
}
