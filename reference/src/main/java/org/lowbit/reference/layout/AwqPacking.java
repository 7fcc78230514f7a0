package org.lowbit.reference.layout;

import java.util.Locale;

/**
 * AWQ's GEMM tensors ({@code awq}; SPEC.md §9.3.2): {@code qweight} and {@code qzeros} of
 * AutoAWQ's {@code WQLinear_GEMM} (and llm-awq v1's {@code WQLinear}), 4-bit only.
 *
 * <p>Input: codes of W[N][K] row-major (code (n, k) at n·K + k), zero points Z[N][groups] row-major.
 * Eight codes along N share an int32 word, interleaved:
 * <pre>
 *   qweight int32 [K][N/8]        nibble i of word (k, c) = q[8c + ORDER[i]][k]
 *   qzeros  int32 [groups][N/8]   nibble i of word (g, c) = z[8c + ORDER[i]][g]   (the true zero, no offset)
 *
 *   ORDER         = [0, 2, 4, 6, 1, 3, 5, 7]     (packing: which column goes to nibble i)
 *   REVERSE_ORDER = [0, 4, 1, 5, 2, 6, 3, 7]     (unpacking: which nibble holds column j)
 *
 *   columns 0..7 with codes 1..8  -&gt;  word 0x86427531 (bytes 31 75 42 86)
 *   nibble:   7 6 5 4 3 2 1 0
 *   column:   7 5 3 1 6 4 2 0
 * </pre>
 * The interleave serves the CUDA dequantizer, whose masks 0x000f000f / 0x00f000f0 on the word and the word
 * shifted by 8 pick nibbles (0, 4), (1, 5), (2, 6), (3, 7) as half2 pairs: columns (0, 1), (2, 3), …
 *
 * @apiNote Sources: AutoAWQ {@code WQLinear_GEMM.from_linear}, {@code packing_utils.py::unpack_awq},
 *     {@code reverse_awq_order}; llm-awq v1 {@code dequantize.cuh} (research/int-packing.md §1.2-§1.4).
 */
public final class AwqPacking {
    private AwqPacking() {}

    private static final int[] ORDER = {0, 2, 4, 6, 1, 3, 5, 7};
    private static final int[] REVERSE_ORDER = {0, 4, 1, 5, 2, 6, 3, 7};
    private static final String N_RULE = "AWQ packs 8 codes along N into each int32 word";

    /** ORDER: nibble i of a word holds column 8c + order()[i]. */
    public static int[] order() { return ORDER.clone(); }

    /** REVERSE_ORDER: column 8c + j is in nibble reverseOrder()[j]. */
    public static int[] reverseOrder() { return REVERSE_ORDER.clone(); }

    /** qweight [K][N/8] of the codes W[N][K]. */
    public static int[] packWeights(int[] codes, int n, int k) {
        Checks.length("codes", codes.length, (long) checkN(n) * Checks.dimension("K", k), "N * K");
        int[] out = new int[Checks.size("qweight size", (long) k * (n / 8))];
        packWeights(codes, 0, n, k, out, 0);
        return out;
    }

    /**
     * The N·K codes at {@code codes[offset]} into the K·(N/8) words at {@code dst[dstOffset]}.
     *
     * @throws IllegalArgumentException if N is not a multiple of 8 or a code does not fit in 4 bits
     * @throws IndexOutOfBoundsException if a range falls outside its array
     */
    public static void packWeights(int[] codes, int offset, int n, int k, int[] dst, int dstOffset) {
        packAlongN("code", codes, offset, n, k, dst, dstOffset);
    }

    /** The codes W[N][K] of qweight [K][N/8]. */
    public static int[] unpackWeights(int[] qweight, int n, int k) {
        Checks.length("qweight", qweight.length, (long) Checks.dimension("K", k) * (checkN(n) / 8), "K * (N/8)");
        int[] out = new int[Checks.size("code count", (long) n * k)];
        unpackWeights(qweight, 0, n, k, out, 0);
        return out;
    }

    /** The N·K codes of the K·(N/8) words at {@code qweight[offset]}, into {@code dst[dstOffset]}. */
    public static void unpackWeights(int[] qweight, int offset, int n, int k, int[] dst, int dstOffset) {
        unpackAlongN(qweight, offset, n, k, dst, dstOffset);
    }

    /** qzeros [groups][N/8] of the zero points Z[N][groups] (stored as they are, 0 … 15). */
    public static int[] packZeros(int[] zeros, int n, int groups) {
        Checks.length("zeros", zeros.length, (long) checkN(n) * Checks.dimension("groups", groups), "N * groups");
        int[] out = new int[Checks.size("qzeros size", (long) groups * (n / 8))];
        packZeros(zeros, 0, n, groups, out, 0);
        return out;
    }

    /** The N·groups zero points at {@code zeros[offset]} into the groups·(N/8) words at {@code dst[dstOffset]}. */
    public static void packZeros(int[] zeros, int offset, int n, int groups, int[] dst, int dstOffset) {
        packAlongN("zero point", zeros, offset, n, groups, dst, dstOffset);
    }

    /** The zero points Z[N][groups] of qzeros [groups][N/8]. */
    public static int[] unpackZeros(int[] qzeros, int n, int groups) {
        Checks.length("qzeros", qzeros.length, (long) Checks.dimension("groups", groups) * (checkN(n) / 8),
                "groups * (N/8)");
        int[] out = new int[Checks.size("zero count", (long) n * groups)];
        unpackZeros(qzeros, 0, n, groups, out, 0);
        return out;
    }

    /** The N·groups zero points of the words at {@code qzeros[offset]}, into {@code dst[dstOffset]}. */
    public static void unpackZeros(int[] qzeros, int offset, int n, int groups, int[] dst, int dstOffset) {
        unpackAlongN(qzeros, offset, n, groups, dst, dstOffset);
    }

    /** values [N][rows] (n-major) to words [rows][N/8]: word (row, c), nibble i = values[8c + ORDER[i]][row]. */
    private static void packAlongN(String what, int[] values, int offset, int n, int rows, int[] dst, int dstOffset) {
        checkN(n);
        Checks.dimension(what.equals("code") ? "K" : "groups", rows);
        int wordsPerRow = n / 8;
        Checks.range(values.length, offset, (long) n * rows);
        Checks.range(dst.length, dstOffset, (long) rows * wordsPerRow);
        for (int i = 0; i < n * rows; i++) {
            Checks.code(what, values[offset + i], 4, i);
        }
        for (int row = 0; row < rows; row++) {
            for (int c = 0; c < wordsPerRow; c++) {
                int word = 0;
                for (int i = 0; i < 8; i++) {
                    word |= values[offset + (8 * c + ORDER[i]) * rows + row] << (4 * i);
                }
                dst[dstOffset + row * wordsPerRow + c] = word;
            }
        }
    }

    private static void unpackAlongN(int[] words, int offset, int n, int rows, int[] dst, int dstOffset) {
        checkN(n);
        Checks.dimension("rows", rows);
        int wordsPerRow = n / 8;
        Checks.range(words.length, offset, (long) rows * wordsPerRow);
        Checks.range(dst.length, dstOffset, (long) n * rows);
        for (int row = 0; row < rows; row++) {
            for (int c = 0; c < wordsPerRow; c++) {
                int word = words[offset + row * wordsPerRow + c];
                for (int j = 0; j < 8; j++) {
                    dst[dstOffset + (8 * c + j) * rows + row] = word >>> (4 * REVERSE_ORDER[j]) & 0xF;
                }
            }
        }
    }

    private static int checkN(int n) {
        Checks.dimension("N", n);
        if (n % 8 != 0) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "N = %d is not a multiple of 8 (%s)", n, N_RULE));
        }
        return n;
    }
}
