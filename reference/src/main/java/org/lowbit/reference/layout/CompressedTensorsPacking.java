package org.lowbit.reference.layout;

/**
 * compressed-tensors' "pack-quantized" int32 format ({@code ct-pack-quantized}; SPEC.md §9
 * §3.5), for b ∈ {2, 4, 8}: the codes of W[N][K] packed along K, 32/b per int32 word, LSB first:
 * <pre>
 *   int32 [N][K·b/32]    word (n, w) = Σ_i q[n][w·(32/b) + i] &lt;&lt; (b·i)
 *   stored codes 1..8 (signed values −7..0) -&gt; 0x87654321
 * </pre>
 * compressed-tensors stores a signed value v as v + 2^(b−1) (offset binary); the codes given here are
 * those stored, unsigned codes. {@link #offsetBinary} turns a two's-complement code (lowbit's int4 and
 * int8 codes) into one. Non-power-of-two widths (dense packing across word edges in newer versions) are
 * not covered: the research does not pin them.
 *
 * @apiNote Source: compressed-tensors {@code compressors/quantized_compressors/pack_quantized.py::pack_to_int32}
 *     at 179cba93 (research/int-packing.md §6.4, §9).
 */
public final class CompressedTensorsPacking {
    private CompressedTensorsPacking() {}

    /** The stored code v + 2^(b−1) of a two's-complement b-bit code of v: the code with its top bit flipped. */
    public static int offsetBinary(int twosComplementCode, int bits) {
        Checks.bits(bits, "ct-pack-quantized", 2, 4, 8);
        Checks.code("code", twosComplementCode, bits, 0);
        return twosComplementCode ^ 1 << (bits - 1);
    }

    /** Words per row: K·b/32. */
    public static int wordsPerRow(int k, int bits) {
        Checks.bits(bits, "ct-pack-quantized", 2, 4, 8);
        Checks.dimension("K", k);
        Checks.multiple("K", k, 32 / bits, "ct-pack-quantized packs " + 32 / bits + " " + bits
                + "-bit codes along K into each int32 word");
        return k / (32 / bits);
    }

    /** int32 [N][K·b/32] of the stored codes W[N][K]. */
    public static int[] pack(int[] codes, int n, int k, int bits) {
        int words = wordsPerRow(k, bits);
        Checks.length("codes", codes.length, (long) Checks.dimension("N", n) * k, "N * K");
        int[] out = new int[Checks.size("packed size", (long) n * words)];
        pack(codes, 0, n, k, bits, out, 0);
        return out;
    }

    /**
     * The N·K codes at {@code codes[offset]} into the N·(K·b/32) words at {@code dst[dstOffset]}.
     *
     * @throws IllegalArgumentException if b ∉ {2, 4, 8}, K is not a multiple of 32/b, or a code does not
     *     fit in b bits
     */
    public static void pack(int[] codes, int offset, int n, int k, int bits, int[] dst, int dstOffset) {
        int words = wordsPerRow(k, bits);
        Checks.dimension("N", n);
        Checks.range(codes.length, offset, (long) n * k);
        Checks.range(dst.length, dstOffset, (long) n * words);
        for (int i = 0; i < n * k; i++) {
            Checks.code("code", codes[offset + i], bits, i);
        }
        java.util.Arrays.fill(dst, dstOffset, dstOffset + n * words, 0);
        for (int row = 0; row < n; row++) {
            for (int kk = 0; kk < k; kk++) {
                BitStream.put(dst, dstOffset + row * words, 1, (long) bits * kk, bits, codes[offset + row * k + kk]);
            }
        }
    }

    /** The stored codes W[N][K] of int32 [N][K·b/32]. */
    public static int[] unpack(int[] packed, int n, int k, int bits) {
        Checks.length("packed", packed.length, (long) Checks.dimension("N", n) * wordsPerRow(k, bits), "N * (K*b/32)");
        int[] out = new int[Checks.size("code count", (long) n * k)];
        unpack(packed, 0, n, k, bits, out, 0);
        return out;
    }

    /** The N·K codes of the words at {@code src[srcOffset]}, into {@code dst[dstOffset]}. */
    public static void unpack(int[] src, int srcOffset, int n, int k, int bits, int[] dst, int dstOffset) {
        int words = wordsPerRow(k, bits);
        Checks.dimension("N", n);
        Checks.range(src.length, srcOffset, (long) n * words);
        Checks.range(dst.length, dstOffset, (long) n * k);
        for (int row = 0; row < n; row++) {
            for (int kk = 0; kk < k; kk++) {
                dst[dstOffset + row * k + kk] = BitStream.get(src, srcOffset + row * words, 1, (long) bits * kk, bits);
            }
        }
    }
}
