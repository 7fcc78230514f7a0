package org.lowbit.reference.layout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TinygemmPackingTest {

    @Test
    @DisplayName("int-packing §7 (device-verified): q[n][k] = k mod 16, ikt = 2: out[0][0][0][0] = 0x91918080, out[0][0][1][0] = 0xB3B3A2A2")
    void deviceVerifiedWords() {
        int n = 8;
        int k = 32;
        int[] codes = new int[n * k];
        for (int i = 0; i < codes.length; i++) {
            codes[i] = (i % k) % 16;
        }
        int[] out = TinygemmPacking.pack(codes, n, k, 2);
        // shape [N/8][K/32][32][1]: word (0, 0, t, 0) is out[t]
        assertEquals(0x91918080, out[0]);
        assertEquals(0xB3B3A2A2, out[1]);
        assertArrayEquals(out, TinygemmPacking.convert(TinygemmPacking.inputBytes(codes, n, k), n, k, 2));
    }

    @Test
    @DisplayName("int-packing §7: nibbles 0..7 of lane t hold k0 + 0, 8, 16, 24, 1, 9, 17, 25 of row 8*nTile + t/4")
    void nibbleOrder() {
        int n = 16;
        int k = 64;
        int ikt = 4;
        int[] codes = RandomCodes.below(16, n * k, 42);
        int[] out = TinygemmPacking.pack(codes, n, k, ikt);
        int[] kOffsets = {0, 8, 16, 24, 1, 9, 17, 25};
        int word = 0;
        for (int nTile = 0; nTile < n / 8; nTile++) {
            for (int kOuter = 0; kOuter < k / (16 * ikt); kOuter++) {
                for (int t = 0; t < 32; t++) {
                    for (int j = 0; j < ikt / 2; j++) {
                        int row = 8 * nTile + t / 4;
                        int k0 = 16 * (kOuter * ikt + 2 * j) + 2 * (t % 4);
                        for (int i = 0; i < 8; i++) {
                            assertEquals(codes[row * k + k0 + kOffsets[i]], out[word] >>> (4 * i) & 0xF);
                        }
                        word++;
                    }
                }
            }
        }
        assertEquals(out.length, word);
    }

    @Test
    @DisplayName("int-packing §7 / §9: torchao's input bytes put even k high: codes 1..8 -> 12 34 56 78")
    void inputBytes() {
        assertArrayEquals(RandomCodes.hex("12 34 56 78"), TinygemmPacking.inputBytes(new int[] {1, 2, 3, 4, 5, 6, 7, 8}, 1, 8));
    }

    @Test
    @DisplayName("round trip: ikt in {2, 4, 8}, several N and K, random codes with 0 and 15")
    void roundTrips() {
        for (int ikt : new int[] {2, 4, 8}) {
            for (int n : new int[] {8, 24}) {
                for (int kTiles : new int[] {1, 3}) {
                    int k = 16 * ikt * kTiles;
                    int[] codes = RandomCodes.below(16, n * k, 1L * ikt * n * k);
                    int[] packed = TinygemmPacking.pack(codes, n, k, ikt);
                    assertEquals(n * k / 8, packed.length);
                    assertArrayEquals(codes, TinygemmPacking.unpack(packed, n, k, ikt));
                }
            }
        }
    }

    @Test
    @DisplayName("bad input: innerKTiles 3, N not a multiple of 8, K not a multiple of 16*ikt, a code of 16")
    void badInput() {
        assertThrows(IllegalArgumentException.class, () -> TinygemmPacking.pack(new int[8 * 48], 8, 48, 3));
        assertThrows(IllegalArgumentException.class, () -> TinygemmPacking.pack(new int[4 * 32], 4, 32, 2));
        assertThrows(IllegalArgumentException.class, () -> TinygemmPacking.pack(new int[8 * 48], 8, 48, 2));
        assertThrows(IllegalArgumentException.class, () -> TinygemmPacking.pack(new int[8 * 32], 8, 32, 4));
        int[] codes = new int[8 * 32];
        codes[100] = 16;
        assertThrows(IllegalArgumentException.class, () -> TinygemmPacking.pack(codes, 8, 32, 2));
        assertThrows(IllegalArgumentException.class, () -> TinygemmPacking.inputBytes(new int[3], 1, 3));
    }
}
