package org.lowbit.reference.layout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.lowbit.spec.WeightLayout;

class GptqPackingTest {
    private static final WeightLayout V1 = WeightLayout.GPTQ_V1;
    private static final WeightLayout V2 = WeightLayout.GPTQ_V2;

    // ---------------------------------------------------------------------------------------------
    // int-packing.md §2.6: one column n, consecutive k

    @Test
    @DisplayName("int-packing §2.6: 4-bit codes k=0..7 [1..8] -> 0x87654321 (LE bytes 21 43 65 87)")
    void fourBitOneToEight() {
        int[] qweight = GptqPacking.packWeights(new int[] {1, 2, 3, 4, 5, 6, 7, 8}, 1, 8, 4);
        assertArrayEquals(new int[] {0x87654321}, qweight);
        assertArrayEquals(RandomCodes.hex("21 43 65 87"), LittleEndian.toBytes(qweight));
    }

    @Test
    @DisplayName("int-packing §2.6: 4-bit [0,3,5,6,7,9,10,15] -> 0xFA976530")
    void fourBitExampleCodes() {
        assertArrayEquals(new int[] {0xFA976530}, GptqPacking.packWeights(new int[] {0, 3, 5, 6, 7, 9, 10, 15}, 1, 8, 4));
    }

    @Test
    @DisplayName("int-packing §2.6: 2-bit [0,1,2,3] x 4 -> 0xE4E4E4E4; 8-bit [1,2,3,4] -> 0x04030201")
    void twoAndEightBit() {
        assertArrayEquals(new int[] {0xE4E4E4E4},
                GptqPacking.packWeights(new int[] {0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3}, 1, 16, 2));
        assertArrayEquals(new int[] {0x04030201}, GptqPacking.packWeights(new int[] {1, 2, 3, 4}, 1, 4, 8));
    }

    @Test
    @DisplayName("int-packing §2.6: 3-bit codes k mod 8, k = 0..31 -> [0x88FAC688, 0xC688FAC6, 0xFAC688FA]")
    void threeBit() {
        int[] codes = new int[32];
        for (int k = 0; k < 32; k++) {
            codes[k] = k % 8;
        }
        int[] qweight = GptqPacking.packWeights(codes, 1, 32, 3);
        assertArrayEquals(new int[] {0x88FAC688, 0xC688FAC6, 0xFAC688FA}, qweight);
        assertArrayEquals(codes, GptqPacking.unpackWeights(qweight, 1, 32, 3));
    }

    @Test
    @DisplayName("int-packing §2.3: 3-bit element 10 = word0 bits 30-31 + word1 bit 0; element 21 = word1 bit 31 + word2 bits 0-1")
    void threeBitStraddlingFields() {
        int[] codes = new int[32];
        codes[10] = 7;
        assertArrayEquals(new int[] {0xC0000000, 0x00000001, 0}, GptqPacking.packWeights(codes, 1, 32, 3));
        codes[10] = 0;
        codes[21] = 7;
        assertArrayEquals(new int[] {0, 0x80000000, 0x00000003}, GptqPacking.packWeights(codes, 1, 32, 3));
    }

    @Test
    @DisplayName("qweight is [K*b/32][N]: word (r, n) holds column n, k = 8r..8r+7 (two columns, K = 16)")
    void shapeAlongK() {
        int[] codes = new int[2 * 16]; // W[2][16]
        for (int k = 0; k < 16; k++) {
            codes[k] = k % 16;          // row n = 0
            codes[16 + k] = 15 - k;     // row n = 1
        }
        assertArrayEquals(new int[] {0x76543210, 0x89ABCDEF, 0xFEDCBA98, 0x01234567},
                GptqPacking.packWeights(codes, 2, 16, 4));
    }

    @Test
    @DisplayName("int-packing §2.3 exllama MatrixView_q4_column::item: (data[row/8*width + col] >> ((row&7)*4)) & 0xF")
    void exllamaItemAccess() {
        int n = 24;
        int k = 64;
        int[] codes = RandomCodes.below(16, n * k, 23);
        int[] qweight = GptqPacking.packWeights(codes, n, k, 4);
        for (int row = 0; row < k; row++) {
            for (int col = 0; col < n; col++) {
                assertEquals(codes[col * k + row], (qweight[row / 8 * n + col] >> ((row & 7) * 4)) & 0xF);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // qzeros, v1 and v2 (§2.3, §2.4)

    @Test
    @DisplayName("int-packing §2.4 canonical symmetric qzeros: v1 4-bit 0x77777777, 8-bit 0x7F7F7F7F, 2-bit 0x55555555")
    void canonicalSymmetricV1() {
        assertArrayEquals(new int[] {0x77777777}, GptqPacking.packZeros(V1, filled(8, 8), 8, 1, 4));
        assertArrayEquals(new int[] {0x7F7F7F7F}, GptqPacking.packZeros(V1, filled(4, 128), 4, 1, 8));
        assertArrayEquals(new int[] {0x55555555}, GptqPacking.packZeros(V1, filled(16, 2), 16, 1, 2));
        assertArrayEquals(new int[] {0x88888888}, GptqPacking.packZeros(V2, filled(8, 8), 8, 1, 4));
    }

    @Test
    @DisplayName("int-packing §2.4 canonical 3-bit zero 4: v1 [DB6DB6DB B6DB6DB6 6DB6DB6D], v2 [24924924 49249249 92492492]")
    void canonicalThreeBit() {
        assertArrayEquals(new int[] {0xDB6DB6DB, 0xB6DB6DB6, 0x6DB6DB6D}, GptqPacking.packZeros(V1, filled(32, 4), 32, 1, 3));
        assertArrayEquals(new int[] {0x24924924, 0x49249249, 0x92492492}, GptqPacking.packZeros(V2, filled(32, 4), 32, 1, 3));
        assertArrayEquals(filled(32, 4), GptqPacking.unpackZeros(V1, new int[] {0xDB6DB6DB, 0xB6DB6DB6, 0x6DB6DB6D}, 32, 1, 3));
    }

    @Test
    @DisplayName("qzeros are [groups][N*b/32] along N; input Z[N][groups]; v1 reads a stored 0xF as zero 16")
    void zerosShapeAndV1Range() {
        int[] zeros = new int[8 * 2]; // Z[8][2]
        for (int n = 0; n < 8; n++) {
            zeros[2 * n] = n + 1;       // group 0: 1..8
            zeros[2 * n + 1] = 16 - n;  // group 1: 16..9
        }
        int[] qzeros = GptqPacking.packZeros(V1, zeros, 8, 2, 4);
        assertArrayEquals(new int[] {0x76543210, 0x89ABCDEF}, qzeros);
        assertArrayEquals(zeros, GptqPacking.unpackZeros(V1, qzeros, 8, 2, 4));
        // GPTQModel's word arithmetic: group 0 becomes the v2 word; group 1's v1 field 0xF (zero 16, which v2
        // cannot hold) carries into its neighbours (int-packing §2.4 "carries propagate!").
        assertArrayEquals(new int[] {0x87654321, 0x9ABCDF00}, GptqPacking.v1ToV2Words(qzeros, 4));
    }

    @Test
    @DisplayName("int-packing §2.4: v1 cannot store a true zero of 0; AutoGPTQ writes -1 and smears F into higher nibbles")
    void autoGptqZeroQuirk() {
        int[] zeros = {5, 5, 0, 5, 5, 5, 5, 5};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GptqPacking.packZeros(V1, zeros, 8, 1, 4));
        assertTrue(e.getMessage().contains("packZerosAutoGptqV1"), e.getMessage());
        int[] written = GptqPacking.packZerosAutoGptqV1(zeros, 8, 1, 4);
        assertArrayEquals(new int[] {0xFFFFFF44}, written);
        assertArrayEquals(new int[] {5, 5, 16, 16, 16, 16, 16, 16}, GptqPacking.unpackZeros(V1, written, 8, 1, 4));
        int[] fine = {1, 2, 3, 4, 5, 6, 7, 16};
        assertArrayEquals(GptqPacking.packZeros(V1, fine, 8, 1, 4), GptqPacking.packZerosAutoGptqV1(fine, 8, 1, 4));
        assertArrayEquals(new int[] {0}, GptqPacking.packZeros(V2, new int[8], 8, 1, 4));
    }

    @Test
    @DisplayName("int-packing §2.4 GPTQModel v1->v2 adds 0x11111111 per word, carries included; v2->v1 subtracts")
    void wordConversion() {
        assertEquals(0x88888888, GptqPacking.v1ToV2Word(0x77777777, 4));
        assertEquals(0x80808080, GptqPacking.v1ToV2Word(0x7F7F7F7F, 8));
        assertEquals(0xAAAAAAAA, GptqPacking.v1ToV2Word(0x55555555, 2));
        assertEquals(0x11111120, GptqPacking.v1ToV2Word(0x0000000F, 4), "a v1 field of 0xF (zero 16) carries");
        assertEquals(0x77777777, GptqPacking.v2ToV1Word(0x88888888, 4));
        assertThrows(IllegalArgumentException.class, () -> GptqPacking.v1ToV2Word(0, 3));
    }

    // ---------------------------------------------------------------------------------------------
    // Round trips and bad input

    @Test
    @DisplayName("round trip: b in {2, 3, 4, 8}, random codes with 0 and max, odd N, several K and group counts")
    void roundTrips() {
        for (int bits : new int[] {2, 3, 4, 8}) {
            int kStep = bits == 3 ? 32 : 32 / bits;
            for (int n : new int[] {1, 3, 7, 32}) {
                for (int k : new int[] {kStep, 2 * kStep, 5 * kStep}) {
                    int[] codes = RandomCodes.below(1 << bits, n * k, 97L * bits + 13L * n + k);
                    int[] qweight = GptqPacking.packWeights(codes, n, k, bits);
                    assertEquals(k * bits / 32 * n, qweight.length);
                    assertArrayEquals(codes, GptqPacking.unpackWeights(qweight, n, k, bits), bits + "-bit " + n + "x" + k);
                }
            }
            int nZ = bits == 3 ? 64 : 2 * (32 / bits);
            for (int groups : new int[] {1, 3}) {
                int[] v2 = RandomCodes.below(1 << bits, nZ * groups, 5L * bits + groups);
                int[] v1 = Arrays.stream(v2).map(z -> z + 1).toArray(); // v1 holds 1..2^b
                assertArrayEquals(v2, GptqPacking.unpackZeros(V2, GptqPacking.packZeros(V2, v2, nZ, groups, bits), nZ, groups, bits));
                assertArrayEquals(v1, GptqPacking.unpackZeros(V1, GptqPacking.packZeros(V1, v1, nZ, groups, bits), nZ, groups, bits));
                assertArrayEquals(GptqPacking.packZeros(V2, v2, nZ, groups, bits), GptqPacking.packZeros(V1, v1, nZ, groups, bits),
                        "v1 stores z - 1, so v1 of z + 1 is v2 of z");
            }
        }
    }

    @Test
    @DisplayName("offsets: packing into the middle of a word array and back")
    void offsets() {
        int[] codes = RandomCodes.below(16, 3 * 16, 4);
        int[] padded = new int[codes.length + 5];
        System.arraycopy(codes, 0, padded, 5, codes.length);
        int[] dst = new int[2 * 3 + 4];
        Arrays.fill(dst, 0xDEADBEEF);
        GptqPacking.packWeights(padded, 5, 3, 16, 4, dst, 2);
        assertEquals(0xDEADBEEF, dst[0]);
        assertEquals(0xDEADBEEF, dst[9]);
        assertArrayEquals(GptqPacking.packWeights(codes, 3, 16, 4), Arrays.copyOfRange(dst, 2, 8));
        int[] back = new int[codes.length + 1];
        GptqPacking.unpackWeights(dst, 2, 3, 16, 4, back, 1);
        assertArrayEquals(codes, Arrays.copyOfRange(back, 1, back.length));
    }

    @Test
    @DisplayName("bad input: K not a multiple of 8 (4-bit) or 32 (3-bit), a code of 16, zeros out of range, wrong version")
    void badInput() {
        IllegalArgumentException k = assertThrows(IllegalArgumentException.class,
                () -> GptqPacking.packWeights(new int[12], 1, 12, 4));
        assertTrue(k.getMessage().contains("multiple of 8"), k.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GptqPacking.packWeights(new int[16], 1, 16, 3));
        assertThrows(IllegalArgumentException.class, () -> GptqPacking.packWeights(new int[8], 1, 8, 5));
        IllegalArgumentException code = assertThrows(IllegalArgumentException.class,
                () -> GptqPacking.packWeights(new int[] {0, 0, 0, 16, 0, 0, 0, 0}, 1, 8, 4));
        assertTrue(code.getMessage().contains("index 3"), code.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GptqPacking.packWeights(new int[7], 1, 8, 4));
        assertThrows(IllegalArgumentException.class, () -> GptqPacking.packZeros(V2, filled(8, 16), 8, 1, 4));
        assertThrows(IllegalArgumentException.class, () -> GptqPacking.packZeros(V1, filled(8, 17), 8, 1, 4));
        assertThrows(IllegalArgumentException.class, () -> GptqPacking.packZeros(V1, filled(4, 1), 4, 1, 4));
        assertThrows(IllegalArgumentException.class, () -> GptqPacking.packZeros(WeightLayout.AWQ, filled(8, 1), 8, 1, 4));
        assertThrows(IllegalArgumentException.class, () -> GptqPacking.packZerosAutoGptqV1(filled(32, 1), 32, 1, 3));
        assertThrows(IllegalArgumentException.class, () -> GptqPacking.unpackWeights(new int[3], 1, 16, 4));
    }

    private static int[] filled(int count, int value) {
        int[] a = new int[count];
        Arrays.fill(a, value);
        return a;
    }
}
