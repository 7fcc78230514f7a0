package org.lowbit.reference.layout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.lowbit.spec.PadPolicy;
import org.lowbit.spec.ScaleLayout;

class ScalePackingTest {
    private static final ScaleLayout SWIZZLE = ScaleLayout.SWIZZLE_128X4;

    @Test
    @DisplayName("perf-anchors §3 NVIDIA nvmath golden offsets: NVFP4 M=K=128 (C=8): (5, 2) -> 82, (5, 5) -> 593")
    void nvmathPublishedOffsets() {
        int rows = 128;
        int cols = 128 / 16;
        assertEquals(82, ScalePacking.offset(SWIZZLE, 5, 2, rows, cols));
        assertEquals(593, ScalePacking.offset(SWIZZLE, 5, 5, rows, cols));
    }

    @ParameterizedTest(name = "(row {0}, col {1}) -> {2}")
    @DisplayName("perf-anchors §3 simple checks, C = 8: (0,0)->0, (1,0)->16, (32,0)->4, (0,1)->1, (0,4)->512, (128,0)->(C'/4)*512")
    @CsvSource({"0, 0, 0", "1, 0, 16", "32, 0, 4", "0, 1, 1", "0, 4, 512", "128, 0, 1024", "31, 0, 496",
                "127, 3, 511", "64, 2, 10"})
    void simpleOffsets(int row, int col, int expected) {
        assertEquals(expected, ScalePacking.offset(SWIZZLE, row, col, 256, 8));
    }

    @Test
    @DisplayName("swizzle equals torchao to_blocked's view/permute/reshape/transpose chain, enumerated in storage order")
    void matchesTorchaoToBlockedChain() {
        for (int rows : new int[] {1, 5, 127, 128, 129, 300}) {
            for (int cols : new int[] {1, 3, 4, 5, 8, 9}) {
                byte[] scales = RandomCodes.bytes(rows * cols, 1000L * rows + cols);
                int paddedRows = (rows + 127) / 128 * 128;
                int paddedCols = (cols + 3) / 4 * 4;
                byte[] padded = new byte[paddedRows * paddedCols]; // zero fill, as torchao pads
                for (int r = 0; r < rows; r++) {
                    System.arraycopy(scales, r * cols, padded, r * paddedCols, cols);
                }
                // padded.view(R'/128, 128, C'/4, 4).permute(0, 2, 1, 3)  -> [a][b][i][j]
                //   .reshape(-1, 4, 32, 4)                                -> [t][i1][i2][j], i = 32*i1 + i2
                //   .transpose(1, 2).reshape(-1, 32, 16).flatten()        -> order t, i2, i1, j
                byte[] expected = new byte[padded.length];
                int out = 0;
                for (int a = 0; a < paddedRows / 128; a++) {
                    for (int b = 0; b < paddedCols / 4; b++) {
                        for (int i2 = 0; i2 < 32; i2++) {
                            for (int i1 = 0; i1 < 4; i1++) {
                                for (int j = 0; j < 4; j++) {
                                    expected[out++] = padded[(128 * a + 32 * i1 + i2) * paddedCols + 4 * b + j];
                                }
                            }
                        }
                    }
                }
                assertArrayEquals(expected, ScalePacking.pack(SWIZZLE, scales, rows, cols), rows + " x " + cols);
                assertArrayEquals(scales, ScalePacking.unpack(SWIZZLE, expected, rows, cols), rows + " x " + cols);
            }
        }
    }

    @Test
    @DisplayName("rowAt/colAt invert offset at every stored byte, padding included")
    void inverseOfOffset() {
        for (ScaleLayout layout : ScaleLayout.values()) {
            int rows = 200;
            int cols = 6;
            int size = ScalePacking.storedSize(layout, rows, cols);
            boolean[] seen = new boolean[size];
            for (int offset = 0; offset < size; offset++) {
                int r = ScalePacking.rowAt(layout, offset, rows, cols);
                int c = ScalePacking.colAt(layout, offset, rows, cols);
                assertEquals(offset, ScalePacking.offset(layout, r, c, rows, cols), layout + " offset " + offset);
                seen[offset] = true;
            }
            for (boolean s : seen) {
                assertTrue(s);
            }
        }
    }

    @Test
    @DisplayName("padding: a 1 x 1 matrix takes a whole 512-byte tile, pad 0x00 by default or the pad byte given")
    void padding() {
        assertEquals(512, ScalePacking.storedSize(SWIZZLE, 1, 1));
        assertEquals(256 * 8, ScalePacking.storedSize(SWIZZLE, 129, 5));
        byte[] stored = ScalePacking.pack(SWIZZLE, new byte[] {(byte) 0x85}, 1, 1);
        assertEquals((byte) 0x85, stored[0]);
        for (int i = 1; i < 512; i++) {
            assertEquals(0, stored[i]);
        }
        byte[] withPad = new byte[512];
        ScalePacking.pack(SWIZZLE, new byte[] {(byte) 0x85}, 0, 1, 1, withPad, 0, (byte) 0x7F);
        assertEquals(511, countOf(withPad, (byte) 0x7F));
        byte[] back = new byte[1];
        ScalePacking.unpack(SWIZZLE, withPad, 0, 1, 1, back, 0, PadPolicy.STRICT, (byte) 0x7F);
        assertEquals((byte) 0x85, back[0]);
    }

    @Test
    @DisplayName("STRICT rejects a pad byte that differs from the pad; LENIENT ignores it (cuBLAS ignores pad bytes)")
    void strictPadBytes() {
        byte[] stored = ScalePacking.pack(SWIZZLE, RandomCodes.bytes(130 * 3, 7), 130, 3);
        stored[ScalePacking.offset(SWIZZLE, 129, 3, 130, 3)] = 1;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ScalePacking.unpack(SWIZZLE, stored, 130, 3));
        assertTrue(e.getMessage().contains("row 129, col 3"), e.getMessage());
        byte[] out = new byte[130 * 3];
        ScalePacking.unpack(SWIZZLE, stored, 0, 130, 3, out, 0, PadPolicy.LENIENT, (byte) 0);
        assertArrayEquals(RandomCodes.bytes(130 * 3, 7), out);
    }

    @Test
    @DisplayName("round trip on random shapes; row-major is the identity; a batch is storedSize bytes apart")
    void roundTripsAndBatches() {
        for (int rows : new int[] {0, 1, 31, 33, 128, 257}) {
            for (int cols : new int[] {0, 1, 2, 4, 7, 16}) {
                byte[] scales = RandomCodes.bytes(rows * cols, rows * 100L + cols);
                for (ScaleLayout layout : ScaleLayout.values()) {
                    assertArrayEquals(scales, ScalePacking.unpack(layout, ScalePacking.pack(layout, scales, rows, cols),
                            rows, cols));
                }
                assertArrayEquals(scales, ScalePacking.pack(ScaleLayout.ROW_MAJOR, scales, rows, cols));
            }
        }
        int rows = 3;
        int cols = 2;
        byte[] batched = RandomCodes.bytes(2 * rows * cols, 9);
        int size = ScalePacking.storedSize(SWIZZLE, rows, cols);
        byte[] stored = new byte[2 * size];
        for (int b = 0; b < 2; b++) {
            ScalePacking.pack(SWIZZLE, batched, b * rows * cols, rows, cols, stored, b * size, ScaleLayout.DEFAULT_PAD);
        }
        assertEquals(batched[rows * cols + 5], stored[size + ScalePacking.offset(SWIZZLE, 2, 1, rows, cols)]);
        assertEquals(size + (2 % 32) * 16 + 1, size + ScalePacking.offset(SWIZZLE, 2, 1, rows, cols));
    }

    @Test
    @DisplayName("bad input: a position outside the padded matrix, a negative shape, a wrong array length")
    void badInput() {
        assertThrows(IllegalArgumentException.class, () -> ScalePacking.offset(SWIZZLE, 128, 0, 100, 4));
        assertThrows(IllegalArgumentException.class, () -> ScalePacking.offset(SWIZZLE, 0, 4, 100, 4));
        assertEquals(511, ScalePacking.offset(SWIZZLE, 127, 3, 100, 3)); // padding can be addressed
        assertThrows(IllegalArgumentException.class, () -> ScalePacking.offset(ScaleLayout.ROW_MAJOR, 0, 3, 100, 3));
        assertThrows(IllegalArgumentException.class, () -> ScalePacking.storedSize(SWIZZLE, -1, 4));
        assertThrows(IllegalArgumentException.class, () -> ScalePacking.pack(SWIZZLE, new byte[5], 2, 3));
        assertThrows(IllegalArgumentException.class, () -> ScalePacking.unpack(SWIZZLE, new byte[511], 1, 1));
        assertThrows(IllegalArgumentException.class, () -> ScalePacking.rowAt(SWIZZLE, 512, 1, 1));
    }

    private static int countOf(byte[] bytes, byte value) {
        int n = 0;
        for (byte b : bytes) {
            n += b == value ? 1 : 0;
        }
        return n;
    }
}
