package org.lowbit.reference.layout;

import java.util.Locale;
import org.lowbit.spec.PadPolicy;

/**
 * HQQ's bit packing ({@code hqq}; SPEC.md §9.3.3): planar along dimension 0 of the 2-D code
 * matrix W_q (R rows, C columns, row-major) that HQQ quantized — for its default {@code axis=1} that is
 * W.reshape(−1, G). The rows are split into 8/b equal planes; packed row r of column c gathers rows
 * r, r + s, r + 2s, … (s = R·b/8), the first plane in the most significant bits:
 * <pre>
 *   b = 8  uint8 [R][C]     byte (r, c) = W_q[r][c]
 *   b = 4  uint8 [R/2][C]   byte (r, c) = W_q[r][c] &lt;&lt; 4 | W_q[r + R/2][c]
 *   b = 2  uint8 [R/4][C]   byte (r, c) = W_q[r] &lt;&lt; 6 | W_q[r+s] &lt;&lt; 4 | W_q[r+2s] &lt;&lt; 2 | W_q[r+3s]
 *   b = 1  uint8 [R/8][C]   byte (r, c) = Σ_{i&lt;8} W_q[r + i·s][c] &lt;&lt; (7 − i)
 *   b = 3  int32 [⌈R/10⌉][C] rows zero-padded to a multiple of 10, s = ⌈R/10⌉:
 *                            word (r, c) = Σ_{i&lt;10} W_q[r + i·s][c] &lt;&lt; (27 − 3i); bits 31..30 zero
 * </pre>
 * For 1-, 2- and 4-bit codes R must divide into the planes (HQQ's slicing fails otherwise).
 *
 * @apiNote Sources: mobiusml/hqq {@code core/bitpack.py::BitPack} {@code pack_8bit_u8}, {@code pack_4bit_u8},
 *     {@code pack_2bit_u8}, {@code pack_3bit_32}, {@code pack_1bit_u8} (research/int-packing.md §3.2).
 */
public final class HqqPacking {
    private HqqPacking() {}

    /** Rows of the packed tensor: R·b/8 for b ∈ {1, 2, 4, 8}, ⌈R/10⌉ for b = 3. */
    public static int packedRows(int rows, int bits) {
        Checks.bits(bits, "hqq", 1, 2, 3, 4, 8);
        Checks.dimension("R", rows);
        if (bits == 3) {
            return (rows + 9) / 10;
        }
        int planes = 8 / bits;
        Checks.multiple("R", rows, planes, "HQQ packs " + planes + " rows of " + bits + "-bit codes into each byte");
        return rows / planes;
    }

    /**
     * The uint8 planes [R·b/8][C] of W_q[R][C], b ∈ {1, 2, 4, 8}.
     *
     * @throws IllegalArgumentException if b = 3 (use {@link #pack3Bit}), R does not split into 8/b planes,
     *     or a code does not fit in b bits
     */
    public static byte[] pack(int[] wq, int rows, int cols, int bits) {
        Checks.length("W_q", wq.length, (long) Checks.dimension("R", rows) * Checks.dimension("C", cols), "R * C");
        byte[] out = new byte[Checks.size("packed size", (long) packedRows(rows, bits) * cols)];
        pack(wq, 0, rows, cols, bits, out, 0);
        return out;
    }

    /** The R·C codes at {@code wq[offset]} into the (R·b/8)·C bytes at {@code dst[dstOffset]}. */
    public static void pack(int[] wq, int offset, int rows, int cols, int bits, byte[] dst, int dstOffset) {
        requireByteBits(bits);
        int packedRows = packedRows(rows, bits);
        Checks.dimension("C", cols);
        Checks.range(wq.length, offset, (long) rows * cols);
        Checks.range(dst.length, dstOffset, (long) packedRows * cols);
        for (int i = 0; i < rows * cols; i++) {
            Checks.code("code", wq[offset + i], bits, i);
        }
        int planes = 8 / bits;
        for (int r = 0; r < packedRows; r++) {
            for (int c = 0; c < cols; c++) {
                int b = 0;
                for (int i = 0; i < planes; i++) {
                    b |= wq[offset + (r + i * packedRows) * cols + c] << (8 - bits * (i + 1));
                }
                dst[dstOffset + r * cols + c] = (byte) b;
            }
        }
    }

    /** W_q[R][C] of the uint8 planes [R·b/8][C], b ∈ {1, 2, 4, 8}. */
    public static int[] unpack(byte[] packed, int rows, int cols, int bits) {
        Checks.length("packed", packed.length, (long) packedRows(rows, bits) * Checks.dimension("C", cols),
                "packedRows(R) * C");
        int[] out = new int[Checks.size("code count", (long) rows * cols)];
        unpack(packed, 0, rows, cols, bits, out, 0);
        return out;
    }

    /** The R·C codes of the (R·b/8)·C bytes at {@code src[srcOffset]}, into {@code dst[dstOffset]}. */
    public static void unpack(byte[] src, int srcOffset, int rows, int cols, int bits, int[] dst, int dstOffset) {
        requireByteBits(bits);
        int packedRows = packedRows(rows, bits);
        Checks.dimension("C", cols);
        Checks.range(src.length, srcOffset, (long) packedRows * cols);
        Checks.range(dst.length, dstOffset, (long) rows * cols);
        int planes = 8 / bits;
        int mask = (1 << bits) - 1;
        for (int r = 0; r < packedRows; r++) {
            for (int c = 0; c < cols; c++) {
                int b = src[srcOffset + r * cols + c] & 0xFF;
                for (int i = 0; i < planes; i++) {
                    dst[dstOffset + (r + i * packedRows) * cols + c] = b >>> (8 - bits * (i + 1)) & mask;
                }
            }
        }
    }

    /** The int32 planes [⌈R/10⌉][C] of 3-bit W_q[R][C], rows zero-padded to a multiple of 10. */
    public static int[] pack3Bit(int[] wq, int rows, int cols) {
        Checks.length("W_q", wq.length, (long) Checks.dimension("R", rows) * Checks.dimension("C", cols), "R * C");
        int[] out = new int[Checks.size("packed size", (long) packedRows(rows, 3) * cols)];
        pack3Bit(wq, 0, rows, cols, out, 0);
        return out;
    }

    /** The R·C 3-bit codes at {@code wq[offset]} into the ⌈R/10⌉·C words at {@code dst[dstOffset]}. */
    public static void pack3Bit(int[] wq, int offset, int rows, int cols, int[] dst, int dstOffset) {
        int packedRows = packedRows(rows, 3);
        Checks.dimension("C", cols);
        Checks.range(wq.length, offset, (long) rows * cols);
        Checks.range(dst.length, dstOffset, (long) packedRows * cols);
        for (int i = 0; i < rows * cols; i++) {
            Checks.code("code", wq[offset + i], 3, i);
        }
        for (int r = 0; r < packedRows; r++) {
            for (int c = 0; c < cols; c++) {
                int word = 0;
                for (int i = 0; i < 10; i++) {
                    int row = r + i * packedRows;
                    if (row < rows) { // rows at and past R are HQQ's zero padding
                        word |= wq[offset + row * cols + c] << (27 - 3 * i);
                    }
                }
                dst[dstOffset + r * cols + c] = word;
            }
        }
    }

    /** W_q[R][C] of the 3-bit int32 planes, under {@link PadPolicy#STRICT}. */
    public static int[] unpack3Bit(int[] packed, int rows, int cols) {
        Checks.length("packed", packed.length, (long) packedRows(rows, 3) * Checks.dimension("C", cols),
                "ceil(R/10) * C");
        int[] out = new int[Checks.size("code count", (long) rows * cols)];
        unpack3Bit(packed, 0, rows, cols, out, 0, PadPolicy.STRICT);
        return out;
    }

    /**
     * The R·C 3-bit codes of the ⌈R/10⌉·C words at {@code src[srcOffset]}; the padding rows are dropped, as
     * HQQ's dequantizer does.
     *
     * @throws IllegalArgumentException under STRICT, if bits 31..30 of a word or a padding row's field are
     *     not zero
     */
    public static void unpack3Bit(int[] src, int srcOffset, int rows, int cols, int[] dst, int dstOffset,
                                  PadPolicy policy) {
        int packedRows = packedRows(rows, 3);
        Checks.dimension("C", cols);
        Checks.range(src.length, srcOffset, (long) packedRows * cols);
        Checks.range(dst.length, dstOffset, (long) rows * cols);
        if (policy == PadPolicy.STRICT) {
            for (int r = 0; r < packedRows; r++) {
                int padMask = 0xC0000000;
                for (int i = 0; i < 10; i++) {
                    if (r + i * packedRows >= rows) {
                        padMask |= 7 << (27 - 3 * i);
                    }
                }
                for (int c = 0; c < cols; c++) {
                    int word = src[srcOffset + r * cols + c];
                    if ((word & padMask) != 0) {
                        throw Checks.pad("word", (long) r * cols + c, word, String.format(Locale.ROOT,
                                "HQQ 3-bit: bits 31..30 and the fields of padding rows, mask 0x%08X", padMask));
                    }
                }
            }
        }
        for (int r = 0; r < packedRows; r++) {
            for (int c = 0; c < cols; c++) {
                int word = src[srcOffset + r * cols + c];
                for (int i = 0; i < 10; i++) {
                    int row = r + i * packedRows;
                    if (row < rows) {
                        dst[dstOffset + row * cols + c] = word >>> (27 - 3 * i) & 7;
                    }
                }
            }
        }
    }

    private static void requireByteBits(int bits) {
        if (bits == 3) {
            throw new IllegalArgumentException("hqq packs 3-bit codes into int32 words: use pack3Bit / unpack3Bit");
        }
        Checks.bits(bits, "hqq (uint8 planes)", 1, 2, 4, 8);
    }
}
