package org.lowbit.reference.layout;

import java.util.Locale;
import org.lowbit.spec.WeightLayout;

/**
 * GPTQ's packed tensors ({@code gptq-v1}, {@code gptq-v2}; SPEC.md §9.3.1): {@code qweight}
 * and {@code qzeros} of AutoGPTQ's {@code QuantLinear} for b ∈ {2, 3, 4, 8}.
 *
 * <p>Input: codes of W[N][K] row-major (code (n, k) at n·K + k), zero points Z[N][groups] row-major.
 * <pre>
 *   qweight int32 [K·b/32][N]   column n's codes along K are an LSB-first bit stream over the words
 *                               of column n: code k at stream bits b·k … b·k+b−1, word r = bits 32r..32r+31
 *                               b = 4: word (r, n) = q[n][8r+7] … q[n][8r+1] q[n][8r]   (nibble 0 = LSB)
 *                               b = 3: 32 codes in 3 words, fields straddle word edges (codes 10 and 21)
 *   qzeros  int32 [groups][N·b/32]  row g's zero points along N, the same bit stream;
 *                               gptq-v1 stores z − 1 (readers add 1: exllama, AutoGPTQ), gptq-v2 stores z
 * </pre>
 * So gptq-v1 holds true zeros 1 … 2^b (a stored field of all ones is 2^b) and gptq-v2 holds 0 … 2^b − 1.
 * A true zero of 0 cannot be stored in v1: {@link #packZeros} rejects it, and
 * {@link #packZerosAutoGptqV1} reproduces what AutoGPTQ writes instead.
 *
 * @apiNote Sources: AutoGPTQ {@code qlinear_cuda_old.py::QuantLinear.pack}, exllama {@code q4_matmul.cu},
 *     GPTQModel v1/v2 conversion (research/int-packing.md §2.2-§2.4, worked words §2.6).
 */
public final class GptqPacking {
    private GptqPacking() {}

    private static final String LAYOUT = "gptq";

    /** Rows of qweight: K·b/32. */
    public static int weightRows(int k, int bits) {
        checkBits(bits);
        Checks.dimension("K", k);
        Checks.multiple("K * bits", (long) k * bits, 32, "GPTQ packs codes along K into whole int32 words: K must be a "
                + "multiple of " + 32 / Integer.lowestOneBit(bits) + " for " + bits + "-bit codes");
        return (int) ((long) k * bits / 32);
    }

    /** Words per row of qzeros: N·b/32. */
    public static int zeroWords(int n, int bits) {
        checkBits(bits);
        Checks.dimension("N", n);
        Checks.multiple("N * bits", (long) n * bits, 32, "GPTQ packs zero points along N into whole int32 words: N must "
                + "be a multiple of " + 32 / Integer.lowestOneBit(bits) + " for " + bits + "-bit codes");
        return (int) ((long) n * bits / 32);
    }

    // ---------------------------------------------------------------------------------------------
    // qweight

    /** qweight [K·b/32][N] of the codes W[N][K]. */
    public static int[] packWeights(int[] codes, int n, int k, int bits) {
        int rows = weightRows(k, bits);
        Checks.length("codes", codes.length, (long) Checks.dimension("N", n) * k, "N * K");
        int[] out = new int[Checks.size("qweight size", (long) rows * n)];
        packWeights(codes, 0, n, k, bits, out, 0);
        return out;
    }

    /**
     * The N·K codes at {@code codes[offset]} into the (K·b/32)·N words at {@code dst[dstOffset]}.
     *
     * @throws IllegalArgumentException if b ∉ {2, 3, 4, 8}, K·b is not a multiple of 32, or a code does
     *     not fit in b bits
     * @throws IndexOutOfBoundsException if a range falls outside its array
     */
    public static void packWeights(int[] codes, int offset, int n, int k, int bits, int[] dst, int dstOffset) {
        int rows = weightRows(k, bits);
        Checks.dimension("N", n);
        long count = (long) n * k;
        Checks.range(codes.length, offset, count);
        Checks.range(dst.length, dstOffset, (long) rows * n);
        for (long i = 0; i < count; i++) {
            Checks.code("code", codes[(int) (offset + i)], bits, i);
        }
        java.util.Arrays.fill(dst, dstOffset, dstOffset + rows * n, 0);
        for (int col = 0; col < n; col++) {
            for (int kk = 0; kk < k; kk++) {
                BitStream.put(dst, dstOffset + col, n, (long) bits * kk, bits, codes[offset + col * k + kk]);
            }
        }
    }

    /** The codes W[N][K] of qweight [K·b/32][N]. */
    public static int[] unpackWeights(int[] qweight, int n, int k, int bits) {
        Checks.length("qweight", qweight.length, (long) weightRows(k, bits) * Checks.dimension("N", n), "(K*b/32) * N");
        int[] out = new int[Checks.size("code count", (long) n * k)];
        unpackWeights(qweight, 0, n, k, bits, out, 0);
        return out;
    }

    /** The N·K codes of the (K·b/32)·N words at {@code qweight[offset]}, into {@code dst[dstOffset]}. */
    public static void unpackWeights(int[] qweight, int offset, int n, int k, int bits, int[] dst, int dstOffset) {
        int rows = weightRows(k, bits);
        Checks.dimension("N", n);
        Checks.range(qweight.length, offset, (long) rows * n);
        Checks.range(dst.length, dstOffset, (long) n * k);
        for (int col = 0; col < n; col++) {
            for (int kk = 0; kk < k; kk++) {
                dst[dstOffset + col * k + kk] = BitStream.get(qweight, offset + col, n, (long) bits * kk, bits);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // qzeros

    /**
     * qzeros [groups][N·b/32] of the true zero points Z[N][groups].
     *
     * @param version {@link WeightLayout#GPTQ_V1} (stores z − 1; z ∈ 1 … 2^b) or
     *     {@link WeightLayout#GPTQ_V2} (stores z; z ∈ 0 … 2^b − 1)
     */
    public static int[] packZeros(WeightLayout version, int[] zeros, int n, int groups, int bits) {
        int words = zeroWords(n, bits);
        Checks.length("zeros", zeros.length, (long) n * Checks.dimension("groups", groups), "N * groups");
        int[] out = new int[Checks.size("qzeros size", (long) groups * words)];
        packZeros(version, zeros, 0, n, groups, bits, out, 0);
        return out;
    }

    /**
     * The N·groups true zero points at {@code zeros[offset]} (row n, group g at n·groups + g) into the
     * groups·(N·b/32) words at {@code dst[dstOffset]}.
     *
     * @throws IllegalArgumentException if the version is not a GPTQ layout, N·b is not a multiple of 32,
     *     or a zero point is outside the version's range (v1: a true zero of 0 has no stored form)
     */
    public static void packZeros(WeightLayout version, int[] zeros, int offset, int n, int groups, int bits,
                                 int[] dst, int dstOffset) {
        int bias = storedMinusTrue(version);
        int words = zeroWords(n, bits);
        Checks.dimension("groups", groups);
        Checks.range(zeros.length, offset, (long) n * groups);
        Checks.range(dst.length, dstOffset, (long) groups * words);
        for (int col = 0; col < n; col++) {
            for (int g = 0; g < groups; g++) {
                int z = zeros[offset + col * groups + g];
                int stored = z + bias;
                if (stored < 0 || stored >= 1 << bits) {
                    throw new IllegalArgumentException(String.format(Locale.ROOT,
                            "zero point %d (row %d, group %d) is outside %s's range %d..%d for %d-bit codes%s", z, col,
                            g, version, -bias, (1 << bits) - 1 - bias, bits,
                            version == WeightLayout.GPTQ_V1 && z == 0
                                    ? "; AutoGPTQ writes -1 there and corrupts the word, see packZerosAutoGptqV1" : ""));
                }
            }
        }
        java.util.Arrays.fill(dst, dstOffset, dstOffset + groups * words, 0);
        for (int g = 0; g < groups; g++) {
            for (int col = 0; col < n; col++) {
                BitStream.put(dst, dstOffset + g * words, 1, (long) bits * col, bits,
                        zeros[offset + col * groups + g] + bias);
            }
        }
    }

    /** The true zero points Z[N][groups] of qzeros [groups][N·b/32]. */
    public static int[] unpackZeros(WeightLayout version, int[] qzeros, int n, int groups, int bits) {
        Checks.length("qzeros", qzeros.length, (long) Checks.dimension("groups", groups) * zeroWords(n, bits),
                "groups * (N*b/32)");
        int[] out = new int[Checks.size("zero count", (long) n * groups)];
        unpackZeros(version, qzeros, 0, n, groups, bits, out, 0);
        return out;
    }

    /** The N·groups true zero points of the words at {@code qzeros[offset]}; v1 adds 1 to every field. */
    public static void unpackZeros(WeightLayout version, int[] qzeros, int offset, int n, int groups, int bits,
                                   int[] dst, int dstOffset) {
        int bias = storedMinusTrue(version);
        int words = zeroWords(n, bits);
        Checks.dimension("groups", groups);
        Checks.range(qzeros.length, offset, (long) groups * words);
        Checks.range(dst.length, dstOffset, (long) n * groups);
        for (int g = 0; g < groups; g++) {
            for (int col = 0; col < n; col++) {
                dst[dstOffset + col * groups + g] =
                        BitStream.get(qzeros, offset + g * words, 1, (long) bits * col, bits) - bias;
            }
        }
    }

    /**
     * What AutoGPTQ's v1 packer writes, true zero 0 included (b ∈ {2, 4, 8}): the stored value z − 1 is
     * converted to uint32, so 0 becomes 0xFFFFFFFF, and OR-ing it in at field j sets field j and every
     * higher bit of that word; a reader then sees 2^b in those fields (int-packing.md §2.4). For zero
     * points in 1 … 2^b this equals {@link #packZeros} with {@link WeightLayout#GPTQ_V1}.
     *
     * @throws IllegalArgumentException for b = 3 (the 3-bit packer's straddling fields are not
     *     described in the research) or a zero point outside 0 … 2^b
     */
    public static int[] packZerosAutoGptqV1(int[] zeros, int n, int groups, int bits) {
        Checks.bits(bits, "AutoGPTQ's v1 zero packing (as emulated here)", 2, 4, 8);
        int words = zeroWords(n, bits);
        Checks.length("zeros", zeros.length, (long) n * Checks.dimension("groups", groups), "N * groups");
        int[] out = new int[Checks.size("qzeros size", (long) groups * words)];
        int perWord = 32 / bits;
        for (int g = 0; g < groups; g++) {
            for (int col = 0; col < n; col++) {
                int z = zeros[col * groups + g];
                if (z < 0 || z > 1 << bits) {
                    throw new IllegalArgumentException(String.format(Locale.ROOT,
                            "zero point %d (row %d, group %d) is outside 0..%d", z, col, g, 1 << bits));
                }
                out[g * words + col / perWord] |= (z - 1) << (bits * (col % perWord)); // z = 0: all ones upward
            }
        }
        return out;
    }

    /**
     * GPTQModel's v1 → v2 conversion of one packed qzeros word (b ∈ {2, 4, 8}): the word plus 0x55555555,
     * 0x11111111 or 0x01010101, modulo 2^32 — the per-field +1, except that a field of all ones (a v1
     * zero of 2^b) carries into the next field, as GPTQModel's arithmetic does.
     */
    public static int v1ToV2Word(int word, int bits) {
        return word + onePerField(bits);
    }

    /** {@link #v1ToV2Word} applied to every word of a qzeros tensor; returns a new array. */
    public static int[] v1ToV2Words(int[] words, int bits) {
        int[] out = new int[words.length];
        for (int i = 0; i < words.length; i++) {
            out[i] = v1ToV2Word(words[i], bits);
        }
        return out;
    }

    /** {@link #v2ToV1Word} applied to every word of a qzeros tensor; returns a new array. */
    public static int[] v2ToV1Words(int[] words, int bits) {
        int[] out = new int[words.length];
        for (int i = 0; i < words.length; i++) {
            out[i] = v2ToV1Word(words[i], bits);
        }
        return out;
    }

    /** GPTQModel's v2 → v1 conversion of one packed qzeros word: the word minus the per-field ones, modulo 2^32. */
    public static int v2ToV1Word(int word, int bits) {
        return word - onePerField(bits);
    }

    private static int onePerField(int bits) {
        Checks.bits(bits, "GPTQModel's whole-word v1/v2 conversion (3-bit converts per field)", 2, 4, 8);
        return switch (bits) {
            case 2 -> 0x55555555;
            case 4 -> 0x11111111;
            default -> 0x01010101;
        };
    }

    private static int storedMinusTrue(WeightLayout version) {
        return switch (version) {
            case GPTQ_V1 -> -1;
            case GPTQ_V2 -> 0;
            default -> throw new IllegalArgumentException(
                    "GPTQ zero points are stored as gptq-v1 or gptq-v2, not " + version);
        };
    }

    private static void checkBits(int bits) {
        Checks.bits(bits, LAYOUT, 2, 3, 4, 8);
    }
}
