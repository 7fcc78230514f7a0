package org.lowbit.reference.layout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class AwqPackingTest {

    @Test
    @DisplayName("int-packing §1.4: codes 1..8 for columns n = 0..7 -> 0x86427531 (Java int -2042464975, LE 31 75 42 86)")
    void oneToEight() {
        int[] qweight = AwqPacking.packWeights(new int[] {1, 2, 3, 4, 5, 6, 7, 8}, 8, 1);
        assertArrayEquals(new int[] {0x86427531}, qweight);
        assertEquals(-2042464975, qweight[0]);
        assertArrayEquals(RandomCodes.hex("31 75 42 86"), LittleEndian.toBytes(qweight));
        assertArrayEquals(new int[] {1, 2, 3, 4, 5, 6, 7, 8}, AwqPacking.unpackWeights(qweight, 8, 1));
    }

    @Test
    @DisplayName("int-packing §1.4: [0..7] -> 0x75316420; [0,3,5,6,7,9,10,15] -> 0xF963A750; zeros all 5 -> 0x55555555")
    void otherWords() {
        assertArrayEquals(new int[] {0x75316420}, AwqPacking.packWeights(new int[] {0, 1, 2, 3, 4, 5, 6, 7}, 8, 1));
        assertArrayEquals(new int[] {0xF963A750}, AwqPacking.packWeights(new int[] {0, 3, 5, 6, 7, 9, 10, 15}, 8, 1));
        int[] fives = new int[8];
        Arrays.fill(fives, 5);
        assertArrayEquals(new int[] {0x55555555}, AwqPacking.packZeros(fives, 8, 1));
    }

    @Test
    @DisplayName("int-packing §1.3: ORDER [0,2,4,6,1,3,5,7]; REVERSE [0,4,1,5,2,6,3,7]; nibbles (i, i+4) hold columns (2i, 2i+1)")
    void orderAndDequantPairs() {
        assertArrayEquals(new int[] {0, 2, 4, 6, 1, 3, 5, 7}, AwqPacking.order());
        assertArrayEquals(new int[] {0, 4, 1, 5, 2, 6, 3, 7}, AwqPacking.reverseOrder());
        for (int i = 0; i < 4; i++) {
            assertEquals(2 * i, AwqPacking.order()[i]);
            assertEquals(2 * i + 1, AwqPacking.order()[i + 4]);
        }
        for (int j = 0; j < 8; j++) {
            assertEquals(j, AwqPacking.order()[AwqPacking.reverseOrder()[j]]);
        }
    }

    @Test
    @DisplayName("int-packing §1.3 unpack_awq: q[k][8c + j] = (qweight[k][c] >>> 4*REV[j]) & 0xF, on random codes")
    void unpackAwqFormula() {
        int n = 32;
        int k = 5;
        int[] rev = {0, 4, 1, 5, 2, 6, 3, 7};
        int[] codes = RandomCodes.below(16, n * k, 17);
        int[] qweight = AwqPacking.packWeights(codes, n, k);
        assertEquals(k * n / 8, qweight.length);
        for (int kk = 0; kk < k; kk++) {
            for (int c = 0; c < n / 8; c++) {
                for (int j = 0; j < 8; j++) {
                    assertEquals(codes[(8 * c + j) * k + kk], (qweight[kk * (n / 8) + c] >>> 4 * rev[j]) & 0xF);
                }
            }
        }
    }

    @Test
    @DisplayName("int-packing §2.5 exllama shuffle_4bit_8 turns the GPTQ word 0x87654321 into the AWQ word 0x86427531")
    void gptqAndAwqOfTheSameEightCodes() {
        int[] codes = {1, 2, 3, 4, 5, 6, 7, 8};
        assertEquals(0x87654321, GptqPacking.packWeights(codes, 1, 8, 4)[0]);
        assertEquals(0x86427531, AwqPacking.packWeights(codes, 8, 1)[0]);
    }

    @Test
    @DisplayName("round trip: random codes and zeros with 0 and 15, N in {8, 16, 40}, odd K and group counts")
    void roundTrips() {
        for (int n : new int[] {8, 16, 40}) {
            for (int k : new int[] {1, 3, 128}) {
                int[] codes = RandomCodes.below(16, n * k, 7L * n + k);
                assertArrayEquals(codes, AwqPacking.unpackWeights(AwqPacking.packWeights(codes, n, k), n, k));
            }
            int[] zeros = RandomCodes.below(16, n * 3, n);
            assertArrayEquals(zeros, AwqPacking.unpackZeros(AwqPacking.packZeros(zeros, n, 3), n, 3));
        }
        int[] dst = new int[3];
        AwqPacking.packWeights(new int[] {9, 1, 2, 3, 4, 5, 6, 7, 8}, 1, 8, 1, dst, 1);
        assertArrayEquals(new int[] {0, 0x86427531, 0}, dst);
    }

    @Test
    @DisplayName("bad input: N not a multiple of 8, a code of 16, a wrong array length")
    void badInput() {
        IllegalArgumentException n = assertThrows(IllegalArgumentException.class, () -> AwqPacking.packWeights(new int[12], 12, 1));
        assertTrue(n.getMessage().contains("N = 12") && n.getMessage().contains("multiple of 8"), n.getMessage());
        assertThrows(IllegalArgumentException.class, () -> AwqPacking.packWeights(new int[] {0, 0, 16, 0, 0, 0, 0, 0}, 8, 1));
        assertThrows(IllegalArgumentException.class, () -> AwqPacking.packZeros(new int[] {0, 0, -1, 0, 0, 0, 0, 0}, 8, 1));
        assertThrows(IllegalArgumentException.class, () -> AwqPacking.packWeights(new int[9], 8, 1));
        assertThrows(IllegalArgumentException.class, () -> AwqPacking.unpackWeights(new int[2], 8, 1));
        assertThrows(IllegalArgumentException.class, () -> AwqPacking.unpackZeros(new int[1], 4, 1));
    }
}
