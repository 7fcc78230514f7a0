package org.lowbit.reference.layout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.lowbit.spec.PadPolicy;

class HqqPackingTest {

    @Test
    @DisplayName("int-packing §3.2: 4-bit rows [1..8] of one column -> 15 26 37 48 (first half in the high nibble)")
    void fourBitOneToEight() {
        byte[] packed = HqqPacking.pack(new int[] {1, 2, 3, 4, 5, 6, 7, 8}, 8, 1, 4);
        assertArrayEquals(RandomCodes.hex("15 26 37 48"), packed);
        assertArrayEquals(new int[] {1, 2, 3, 4, 5, 6, 7, 8}, HqqPacking.unpack(packed, 8, 1, 4));
    }

    @Test
    @DisplayName("int-packing §3.2: the §3.1 codes [0,2,5,6,8,9,10,15] -> 08 29 5A 6F")
    void fourBitExampleCodes() {
        assertArrayEquals(RandomCodes.hex("08 29 5A 6F"), HqqPacking.pack(new int[] {0, 2, 5, 6, 8, 9, 10, 15}, 8, 1, 4));
    }

    @Test
    @DisplayName("int-packing §3.2: 2-bit rows [0,1,2,3,3,2,1,0] -> 2D 78; 1-bit [1,0,1,1,0,0,1,0] -> B2")
    void twoAndOneBit() {
        assertArrayEquals(RandomCodes.hex("2D 78"), HqqPacking.pack(new int[] {0, 1, 2, 3, 3, 2, 1, 0}, 8, 1, 2));
        assertArrayEquals(RandomCodes.hex("B2"), HqqPacking.pack(new int[] {1, 0, 1, 1, 0, 0, 1, 0}, 8, 1, 1));
    }

    @Test
    @DisplayName("int-packing §3.2: 3-bit rows [1,2,3,4,5,6,7,0,1,2] -> int32 0x0A72EE0A (plane i at bits 27-3i)")
    void threeBit() {
        int[] packed = HqqPacking.pack3Bit(new int[] {1, 2, 3, 4, 5, 6, 7, 0, 1, 2}, 10, 1);
        assertArrayEquals(new int[] {0x0A72EE0A}, packed);
        assertArrayEquals(new int[] {1, 2, 3, 4, 5, 6, 7, 0, 1, 2}, HqqPacking.unpack3Bit(packed, 10, 1));
    }

    @Test
    @DisplayName("planes across columns: 4-bit W_q[4][2] -> packed [2][2], byte (r, c) = W[r][c] << 4 | W[r+2][c]")
    void planesKeepColumns() {
        int[] wq = {1, 2,
                    3, 4,
                    5, 6,
                    7, 8};
        assertArrayEquals(RandomCodes.hex("15 26 37 48"), HqqPacking.pack(wq, 4, 2, 4));
    }

    @Test
    @DisplayName("3-bit rows are zero-padded to a multiple of 10: R = 13 -> 2 packed rows, padding checked under STRICT")
    void threeBitPadding() {
        int rows = 13;
        int[] wq = RandomCodes.below(8, rows * 3, 3);
        int[] packed = HqqPacking.pack3Bit(wq, rows, 3);
        assertEquals(2 * 3, packed.length);
        assertArrayEquals(wq, HqqPacking.unpack3Bit(packed, rows, 3));
        for (int word : packed) {
            assertEquals(0, word & 0xC0000000);
        }
        int[] badPadRow = packed.clone();
        badPadRow[3] |= 1; // packed row 1, plane 9 = row 19 >= 13: padding
        assertThrows(IllegalArgumentException.class, () -> HqqPacking.unpack3Bit(badPadRow, rows, 3));
        int[] badTopBits = packed.clone();
        badTopBits[0] |= 0x40000000;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HqqPacking.unpack3Bit(badTopBits, rows, 3));
        assertTrue(e.getMessage().contains("word 0"), e.getMessage());
        int[] lenient = new int[rows * 3];
        HqqPacking.unpack3Bit(badTopBits, 0, rows, 3, lenient, 0, PadPolicy.LENIENT);
        assertArrayEquals(wq, lenient);
    }

    @Test
    @DisplayName("round trip: b in {1, 2, 4, 8} and 3, random codes with 0 and max, several shapes")
    void roundTrips() {
        for (int bits : new int[] {1, 2, 4, 8}) {
            for (int rows : new int[] {8, 16, 64}) {
                for (int cols : new int[] {1, 3, 64}) {
                    int[] wq = RandomCodes.below(1 << bits, rows * cols, 11L * bits + rows + cols);
                    byte[] packed = HqqPacking.pack(wq, rows, cols, bits);
                    assertEquals(rows * bits / 8 * cols, packed.length);
                    assertArrayEquals(wq, HqqPacking.unpack(packed, rows, cols, bits), bits + "-bit " + rows + "x" + cols);
                }
            }
        }
        for (int rows : new int[] {1, 9, 10, 11, 20, 64}) {
            int[] wq = RandomCodes.below(8, rows * 5, rows);
            assertArrayEquals(wq, HqqPacking.unpack3Bit(HqqPacking.pack3Bit(wq, rows, 5), rows, 5));
        }
    }

    @Test
    @DisplayName("bad input: R not divisible into planes, 3 bits through the uint8 API, 5 bits, a code of 16")
    void badInput() {
        IllegalArgumentException r = assertThrows(IllegalArgumentException.class, () -> HqqPacking.pack(new int[7], 7, 1, 4));
        assertTrue(r.getMessage().contains("R = 7"), r.getMessage());
        assertThrows(IllegalArgumentException.class, () -> HqqPacking.pack(new int[6], 6, 1, 2));
        assertThrows(IllegalArgumentException.class, () -> HqqPacking.pack(new int[10], 10, 1, 3));
        assertThrows(IllegalArgumentException.class, () -> HqqPacking.pack(new int[8], 8, 1, 5));
        assertThrows(IllegalArgumentException.class, () -> HqqPacking.pack(new int[] {0, 16}, 2, 1, 4));
        assertThrows(IllegalArgumentException.class, () -> HqqPacking.pack3Bit(new int[] {8}, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> HqqPacking.unpack(new byte[3], 8, 1, 4));
    }
}
