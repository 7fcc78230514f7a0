package org.lowbit.reference.layout;

import java.util.Locale;

/**
 * The GGUF / ggml block structs ({@code gguf-q4_0}, {@code gguf-q4_1}, {@code gguf-q8_0}, {@code gguf-q4_k};
 * SPEC.md §9.3.7): a row is cut into consecutive blocks, each a packed little-endian struct
 * whose fp16 fields ({@code ggml_half}) are given and returned as their bit patterns.
 * <pre>
 *   q4_0  18 bytes / 32:  d[2]            qs[16]   qs[j] = q[j] | q[j+16] &lt;&lt; 4   (value = q − 8)
 *   q4_1  20 bytes / 32:  d[2] m[2]       qs[16]   as q4_0                         (value = q·d + m)
 *   q8_0  34 bytes / 32:  d[2]            qs[32]   qs[j] = q[j], an int8 code      (value = q·d)
 *   q4_k 144 bytes / 256: d[2] dmin[2] scales[12] qs[128]
 *         per 64 elements c = 0..3:  qs[32c + l] = q[64c + l] | q[64c + 32 + l] &lt;&lt; 4
 *         sub-block j = 0..7 has a 6-bit scale sc[j] and a 6-bit min m[j]:
 *           j &lt; 4:  scales[j]   = sc[j] | (sc[j+4] &gt;&gt; 4) &lt;&lt; 6      scales[j+4] = m[j] | (m[j+4] &gt;&gt; 4) &lt;&lt; 6
 *                   scales[j+8] = (sc[j+4] &amp; 0xF) | (m[j+4] &amp; 0xF) &lt;&lt; 4
 * </pre>
 * Codes: q4 codes are the stored nibbles 0..15 (ggml's quantizer writes value + 8 for q4_0); q8_0 codes
 * are int8 two's-complement patterns 0..255 (lowbit's int8 codes: −3 is 0xFD). Note the q4 pairing
 * (j, j+16), not (j, j+1).
 *
 * @apiNote Sources: ggml {@code ggml-common.h} {@code block_q4_0}, {@code block_q4_1}, {@code block_q8_0},
 *     {@code block_q4_K}; {@code ggml-quants.c} {@code dequantize_row_q4_0}, {@code get_scale_min_k4},
 *     {@code dequantize_row_q4_K} (research/int-packing.md §5.1, §5.5, worked blocks §5.6).
 */
public final class GgufBlocks {
    private GgufBlocks() {}

    /** Elements per q4_0 / q4_1 / q8_0 block. */
    public static final int QK = 32;
    /** Elements per K-quant (q4_k) block. */
    public static final int QK_K = 256;
    /** Bytes per block. */
    public static final int Q4_0_BYTES = 18;
    public static final int Q4_1_BYTES = 20;
    public static final int Q8_0_BYTES = 34;
    public static final int Q4_K_BYTES = 144;
    /** Bytes of the packed q4_k sub-block scales and mins. */
    public static final int K_SCALE_SIZE = 12;

    /**
     * The number of blocks that {@code count} elements fill.
     *
     * @throws IllegalArgumentException if {@code count} is not a whole number of blocks of {@code blockSize}
     */
    public static int blocks(int count, int blockSize) {
        Checks.dimension("count", count);
        if (count % blockSize != 0) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%d elements are not a whole number of %d-element GGUF blocks (a row's length must be a "
                    + "multiple of %d)", count, blockSize, blockSize));
        }
        return count / blockSize;
    }

    // ---------------------------------------------------------------------------------------------
    // q4_0

    /** q4_0 blocks of {@code d.length} blocks: fp16 d and 32 nibble codes each. */
    public static byte[] packQ4_0(short[] d, int[] codes) {
        int blocks = matchBlocks(codes.length, QK, d.length, "d");
        byte[] out = new byte[Checks.size("packed size", (long) blocks * Q4_0_BYTES)];
        packQ4_0(d, 0, codes, 0, blocks, out, 0);
        return out;
    }

    /** {@code blocks} q4_0 blocks: d from {@code d[dOffset]}, codes from {@code codes[codesOffset]}. */
    public static void packQ4_0(short[] d, int dOffset, int[] codes, int codesOffset, int blocks, byte[] dst,
                                int dstOffset) {
        packQ4(d, dOffset, null, 0, codes, codesOffset, blocks, dst, dstOffset, Q4_0_BYTES);
    }

    /** Fills {@code d} and {@code codes} from q4_0 blocks ({@code d.length} of them). */
    public static void unpackQ4_0(byte[] packed, short[] d, int[] codes) {
        int blocks = matchBlocks(codes.length, QK, d.length, "d");
        Checks.length("packed", packed.length, (long) blocks * Q4_0_BYTES, "blocks * 18");
        unpackQ4_0(packed, 0, blocks, d, 0, codes, 0);
    }

    /** {@code blocks} q4_0 blocks from {@code src[srcOffset]} into d and codes. */
    public static void unpackQ4_0(byte[] src, int srcOffset, int blocks, short[] d, int dOffset, int[] codes,
                                  int codesOffset) {
        unpackQ4(src, srcOffset, blocks, d, dOffset, null, 0, codes, codesOffset, Q4_0_BYTES);
    }

    // ---------------------------------------------------------------------------------------------
    // q4_1

    /** q4_1 blocks: fp16 d, fp16 m and 32 nibble codes each. */
    public static byte[] packQ4_1(short[] d, short[] m, int[] codes) {
        int blocks = matchBlocks(codes.length, QK, d.length, "d");
        Checks.length("m", m.length, blocks, "the block count");
        byte[] out = new byte[Checks.size("packed size", (long) blocks * Q4_1_BYTES)];
        packQ4_1(d, 0, m, 0, codes, 0, blocks, out, 0);
        return out;
    }

    /** {@code blocks} q4_1 blocks. */
    public static void packQ4_1(short[] d, int dOffset, short[] m, int mOffset, int[] codes, int codesOffset,
                                int blocks, byte[] dst, int dstOffset) {
        packQ4(d, dOffset, m, mOffset, codes, codesOffset, blocks, dst, dstOffset, Q4_1_BYTES);
    }

    /** Fills {@code d}, {@code m} and {@code codes} from q4_1 blocks. */
    public static void unpackQ4_1(byte[] packed, short[] d, short[] m, int[] codes) {
        int blocks = matchBlocks(codes.length, QK, d.length, "d");
        Checks.length("m", m.length, blocks, "the block count");
        Checks.length("packed", packed.length, (long) blocks * Q4_1_BYTES, "blocks * 20");
        unpackQ4_1(packed, 0, blocks, d, 0, m, 0, codes, 0);
    }

    /** {@code blocks} q4_1 blocks from {@code src[srcOffset]}. */
    public static void unpackQ4_1(byte[] src, int srcOffset, int blocks, short[] d, int dOffset, short[] m,
                                  int mOffset, int[] codes, int codesOffset) {
        unpackQ4(src, srcOffset, blocks, d, dOffset, m, mOffset, codes, codesOffset, Q4_1_BYTES);
    }

    // ---------------------------------------------------------------------------------------------
    // q8_0

    /** q8_0 blocks: fp16 d and 32 int8 codes (0..255 patterns) each. */
    public static byte[] packQ8_0(short[] d, int[] codes) {
        int blocks = matchBlocks(codes.length, QK, d.length, "d");
        byte[] out = new byte[Checks.size("packed size", (long) blocks * Q8_0_BYTES)];
        packQ8_0(d, 0, codes, 0, blocks, out, 0);
        return out;
    }

    /** {@code blocks} q8_0 blocks. */
    public static void packQ8_0(short[] d, int dOffset, int[] codes, int codesOffset, int blocks, byte[] dst,
                                int dstOffset) {
        Checks.dimension("blocks", blocks);
        Checks.range(d.length, dOffset, blocks);
        Checks.range(codes.length, codesOffset, (long) blocks * QK);
        Checks.range(dst.length, dstOffset, (long) blocks * Q8_0_BYTES);
        for (int i = 0; i < blocks * QK; i++) {
            Checks.code("int8 code", codes[codesOffset + i], 8, i);
        }
        for (int b = 0; b < blocks; b++) {
            int at = dstOffset + b * Q8_0_BYTES;
            LittleEndian.putShort(dst, at, d[dOffset + b]);
            for (int j = 0; j < QK; j++) {
                dst[at + 2 + j] = (byte) codes[codesOffset + b * QK + j];
            }
        }
    }

    /** Fills {@code d} and {@code codes} (0..255) from q8_0 blocks. */
    public static void unpackQ8_0(byte[] packed, short[] d, int[] codes) {
        int blocks = matchBlocks(codes.length, QK, d.length, "d");
        Checks.length("packed", packed.length, (long) blocks * Q8_0_BYTES, "blocks * 34");
        unpackQ8_0(packed, 0, blocks, d, 0, codes, 0);
    }

    /** {@code blocks} q8_0 blocks from {@code src[srcOffset]}. */
    public static void unpackQ8_0(byte[] src, int srcOffset, int blocks, short[] d, int dOffset, int[] codes,
                                  int codesOffset) {
        Checks.dimension("blocks", blocks);
        Checks.range(src.length, srcOffset, (long) blocks * Q8_0_BYTES);
        Checks.range(d.length, dOffset, blocks);
        Checks.range(codes.length, codesOffset, (long) blocks * QK);
        for (int b = 0; b < blocks; b++) {
            int at = srcOffset + b * Q8_0_BYTES;
            d[dOffset + b] = LittleEndian.getShort(src, at);
            for (int j = 0; j < QK; j++) {
                codes[codesOffset + b * QK + j] = src[at + 2 + j] & 0xFF;
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // q4_k

    /**
     * The 12 bytes that hold eight 6-bit sub-block scales and eight 6-bit mins (the inverse of ggml's
     * {@code get_scale_min_k4}); scales 1,2,3,4,33,34,35,36 with mins 5,6,7,8,40,41,42,63 give
     * {@code 81 82 83 84 85 86 87 C8 81 92 A3 F4}.
     */
    public static void packQ4KScales(int[] scales, int scalesOffset, int[] mins, int minsOffset, byte[] dst,
                                     int dstOffset) {
        Checks.range(scales.length, scalesOffset, 8);
        Checks.range(mins.length, minsOffset, 8);
        Checks.range(dst.length, dstOffset, K_SCALE_SIZE);
        for (int j = 0; j < 8; j++) {
            Checks.code("q4_k scale", scales[scalesOffset + j], 6, j);
            Checks.code("q4_k min", mins[minsOffset + j], 6, j);
        }
        for (int j = 0; j < 4; j++) {
            int sc = scales[scalesOffset + j];
            int scHigh = scales[scalesOffset + j + 4];
            int m = mins[minsOffset + j];
            int mHigh = mins[minsOffset + j + 4];
            dst[dstOffset + j] = (byte) (sc | (scHigh >>> 4) << 6);
            dst[dstOffset + j + 4] = (byte) (m | (mHigh >>> 4) << 6);
            dst[dstOffset + j + 8] = (byte) ((scHigh & 0xF) | (mHigh & 0xF) << 4);
        }
    }

    /** The eight 6-bit scales and mins of 12 packed bytes (ggml's {@code get_scale_min_k4} for j = 0..7). */
    public static void unpackQ4KScales(byte[] src, int srcOffset, int[] scales, int scalesOffset, int[] mins,
                                       int minsOffset) {
        Checks.range(src.length, srcOffset, K_SCALE_SIZE);
        Checks.range(scales.length, scalesOffset, 8);
        Checks.range(mins.length, minsOffset, 8);
        for (int j = 0; j < 8; j++) {
            int sc;
            int m;
            if (j < 4) {
                sc = src[srcOffset + j] & 63;
                m = src[srcOffset + j + 4] & 63;
            } else {
                sc = (src[srcOffset + j + 4] & 0xF) | ((src[srcOffset + j - 4] & 0xFF) >>> 6) << 4;
                m = ((src[srcOffset + j + 4] & 0xFF) >>> 4) | ((src[srcOffset + j] & 0xFF) >>> 6) << 4;
            }
            scales[scalesOffset + j] = sc;
            mins[minsOffset + j] = m;
        }
    }

    /** q4_k blocks: fp16 d, fp16 dmin, 8 scales, 8 mins and 256 nibble codes each. */
    public static byte[] packQ4_K(short[] d, short[] dmin, int[] scales, int[] mins, int[] codes) {
        int blocks = matchBlocks(codes.length, QK_K, d.length, "d");
        Checks.length("dmin", dmin.length, blocks, "the block count");
        Checks.length("scales", scales.length, 8L * blocks, "8 * blocks");
        Checks.length("mins", mins.length, 8L * blocks, "8 * blocks");
        byte[] out = new byte[Checks.size("packed size", (long) blocks * Q4_K_BYTES)];
        for (int b = 0; b < blocks; b++) {
            int at = b * Q4_K_BYTES;
            LittleEndian.putShort(out, at, d[b]);
            LittleEndian.putShort(out, at + 2, dmin[b]);
            packQ4KScales(scales, 8 * b, mins, 8 * b, out, at + 4);
            packQ4KCodes(codes, b * QK_K, b, out, at + 4 + K_SCALE_SIZE);
        }
        return out;
    }

    /** Fills d, dmin, scales (8 per block), mins (8 per block) and codes (256 per block) from q4_k blocks. */
    public static void unpackQ4_K(byte[] packed, short[] d, short[] dmin, int[] scales, int[] mins, int[] codes) {
        int blocks = matchBlocks(codes.length, QK_K, d.length, "d");
        Checks.length("dmin", dmin.length, blocks, "the block count");
        Checks.length("scales", scales.length, 8L * blocks, "8 * blocks");
        Checks.length("mins", mins.length, 8L * blocks, "8 * blocks");
        Checks.length("packed", packed.length, (long) blocks * Q4_K_BYTES, "blocks * 144");
        for (int b = 0; b < blocks; b++) {
            int at = b * Q4_K_BYTES;
            d[b] = LittleEndian.getShort(packed, at);
            dmin[b] = LittleEndian.getShort(packed, at + 2);
            unpackQ4KScales(packed, at + 4, scales, 8 * b, mins, 8 * b);
            int qs = at + 4 + K_SCALE_SIZE;
            for (int c = 0; c < 4; c++) {
                for (int l = 0; l < 32; l++) {
                    int v = packed[qs + 32 * c + l] & 0xFF;
                    codes[b * QK_K + 64 * c + l] = v & 0xF;
                    codes[b * QK_K + 64 * c + 32 + l] = v >>> 4;
                }
            }
        }
    }

    private static void packQ4KCodes(int[] codes, int offset, int block, byte[] dst, int dstOffset) {
        for (int i = 0; i < QK_K; i++) {
            Checks.code("code", codes[offset + i], 4, (long) block * QK_K + i);
        }
        for (int c = 0; c < 4; c++) {
            for (int l = 0; l < 32; l++) {
                dst[dstOffset + 32 * c + l] = (byte) (codes[offset + 64 * c + l] | codes[offset + 64 * c + 32 + l] << 4);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------

    /** q4_0 (m == null) and q4_1: [d][m]? qs[16], qs[j] = q[j] | q[j+16] << 4. */
    private static void packQ4(short[] d, int dOffset, short[] m, int mOffset, int[] codes, int codesOffset,
                               int blocks, byte[] dst, int dstOffset, int blockBytes) {
        Checks.dimension("blocks", blocks);
        Checks.range(d.length, dOffset, blocks);
        if (m != null) {
            Checks.range(m.length, mOffset, blocks);
        }
        Checks.range(codes.length, codesOffset, (long) blocks * QK);
        Checks.range(dst.length, dstOffset, (long) blocks * blockBytes);
        for (int i = 0; i < blocks * QK; i++) {
            Checks.code("code", codes[codesOffset + i], 4, i);
        }
        int qs = m == null ? 2 : 4;
        for (int b = 0; b < blocks; b++) {
            int at = dstOffset + b * blockBytes;
            LittleEndian.putShort(dst, at, d[dOffset + b]);
            if (m != null) {
                LittleEndian.putShort(dst, at + 2, m[mOffset + b]);
            }
            int q = codesOffset + b * QK;
            for (int j = 0; j < QK / 2; j++) {
                dst[at + qs + j] = (byte) (codes[q + j] | codes[q + j + QK / 2] << 4);
            }
        }
    }

    private static void unpackQ4(byte[] src, int srcOffset, int blocks, short[] d, int dOffset, short[] m, int mOffset,
                                 int[] codes, int codesOffset, int blockBytes) {
        Checks.dimension("blocks", blocks);
        Checks.range(src.length, srcOffset, (long) blocks * blockBytes);
        Checks.range(d.length, dOffset, blocks);
        if (m != null) {
            Checks.range(m.length, mOffset, blocks);
        }
        Checks.range(codes.length, codesOffset, (long) blocks * QK);
        int qs = m == null ? 2 : 4;
        for (int b = 0; b < blocks; b++) {
            int at = srcOffset + b * blockBytes;
            d[dOffset + b] = LittleEndian.getShort(src, at);
            if (m != null) {
                m[mOffset + b] = LittleEndian.getShort(src, at + 2);
            }
            int q = codesOffset + b * QK;
            for (int j = 0; j < QK / 2; j++) {
                int v = src[at + qs + j] & 0xFF;
                codes[q + j] = v & 0xF;
                codes[q + j + QK / 2] = v >>> 4;
            }
        }
    }

    /** The block count of a whole-array call; the codes must fill whole blocks and match the scale count. */
    private static int matchBlocks(int codeCount, int blockSize, int scaleCount, String scaleName) {
        int blocks = blocks(codeCount, blockSize);
        if (blocks != scaleCount) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%d codes make %d blocks of %d, but %s has %d entries", codeCount, blocks, blockSize, scaleName,
                    scaleCount));
        }
        return blocks;
    }
}
