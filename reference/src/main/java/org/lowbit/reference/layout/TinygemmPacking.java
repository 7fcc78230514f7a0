package org.lowbit.reference.layout;

import java.util.Locale;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.ElementLayout;
import org.lowbit.spec.PadPolicy;

/**
 * The tinygemm int4 weight layout ({@code tinygemm}; SPEC.md §9.3.6): the output of PyTorch's
 * {@code torch.ops.aten._convert_weight_to_int4pack(input, innerKTiles)} on CUDA, read by
 * {@code _weight_int4pack_mm}, for innerKTiles (ikt) ∈ {2, 4, 8}.
 *
 * <p>Input: unsigned 4-bit codes q[N][K] (dequantized as (q − 8)·scale + zero). Torch's input tensor is
 * uint8 [N][K/2] with even k in the <em>high</em> nibble ({@link #inputBytes}, as torchao builds it). Output:
 * <pre>
 *   int32 [N/8][K/(16·ikt)][32][ikt/2]
 *   word (nTile, kOuter, t, j):  n  = 8·nTile + t/4                 (t = lane 0..31)
 *                                k0 = 16·(kOuter·ikt + 2j) + 2·(t % 4)
 *     nibble: 7       6       5      4      3       2       1      0
 *     k:      k0+25   k0+17   k0+9   k0+1   k0+24   k0+16   k0+8   k0
 *   q[n][k] = k mod 16, ikt = 2:  word (0,0,0,0) = 0x91918080, word (0,0,1,0) = 0xB3B3A2A2
 * </pre>
 * Word j of a lane covers the k-tile pair (kOuter·ikt + 2j, kOuter·ikt + 2j + 1): the B fragment of
 * mma.m16n8k16 for two k-tiles.
 *
 * <p>What the research leaves open: the layout is derived from the CUDA kernel
 * ({@code int4mm.cu::matrix_to_m16n8k16_Bint4_layout}) at one PyTorch version and checked on one device
 * with ikt = 2; whether older PyTorch versions (int32 input) pack identically, and the XPU variant (the
 * opposite input nibble order) and the ISA-dependent CPU variant ({@code _convert_weight_to_int4pack_for_cpu})
 * are not covered.
 *
 * @apiNote Sources: PyTorch {@code aten/src/ATen/native/cuda/int4mm.cu}; torchao
 *     {@code quantization/utils.py::groupwise_affine_quantize_tensor_from_qparams} (research/int-packing.md §7).
 */
public final class TinygemmPacking {
    private TinygemmPacking() {}

    /** Words of the packed tensor: N·K/8. */
    public static int packedSize(int n, int k, int innerKTiles) {
        checkShape(n, k, innerKTiles);
        return Checks.size("packed size", (long) n * k / 8);
    }

    /** Torch's input tensor uint8 [N][K/2]: byte (n, j) = q[n][2j] &lt;&lt; 4 | q[n][2j+1] (even k high). */
    public static byte[] inputBytes(int[] codes, int n, int k) {
        Checks.dimension("N", n);
        Checks.dimension("K", k);
        Checks.multiple("K", k, 2, "the tinygemm input holds two codes of a row per byte");
        Checks.length("codes", codes.length, (long) n * k, "N * K");
        return ElementPacking.pack(ElementLayout.NIBBLE_HIGH_FIRST, ElementFormat.UINT4, codes);
    }

    /** {@code _convert_weight_to_int4pack(input, innerKTiles)}: the packed words of torch's uint8 [N][K/2] input. */
    public static int[] convert(byte[] input, int n, int k, int innerKTiles) {
        checkShape(n, k, innerKTiles);
        Checks.length("input", input.length, (long) n * k / 2, "N * K/2");
        int[] codes = ElementPacking.unpack(ElementLayout.NIBBLE_HIGH_FIRST, ElementFormat.UINT4, input,
                PadPolicy.STRICT);
        return pack(codes, n, k, innerKTiles);
    }

    /** int32 [N/8][K/(16·ikt)][32][ikt/2] of the codes q[N][K]. */
    public static int[] pack(int[] codes, int n, int k, int innerKTiles) {
        int size = packedSize(n, k, innerKTiles);
        Checks.length("codes", codes.length, (long) n * k, "N * K");
        int[] out = new int[size];
        pack(codes, 0, n, k, innerKTiles, out, 0);
        return out;
    }

    /**
     * The N·K codes at {@code codes[offset]} into the N·K/8 words at {@code dst[dstOffset]}.
     *
     * @throws IllegalArgumentException if ikt ∉ {2, 4, 8}, N is not a multiple of 8, K not a multiple of
     *     16·ikt, or a code does not fit in 4 bits
     */
    public static void pack(int[] codes, int offset, int n, int k, int innerKTiles, int[] dst, int dstOffset) {
        int size = packedSize(n, k, innerKTiles);
        Checks.range(codes.length, offset, (long) n * k);
        Checks.range(dst.length, dstOffset, size);
        for (int i = 0; i < n * k; i++) {
            Checks.code("code", codes[offset + i], 4, i);
        }
        walk(n, k, innerKTiles, (word, row, k0) -> {
            int w = 0;
            for (int nibble = 0; nibble < 8; nibble++) {
                w |= codes[offset + row * k + k0 + kOffset(nibble)] << (4 * nibble);
            }
            dst[dstOffset + word] = w;
        });
    }

    /** The codes q[N][K] of the packed words. */
    public static int[] unpack(int[] packed, int n, int k, int innerKTiles) {
        Checks.length("packed", packed.length, packedSize(n, k, innerKTiles), "N * K/8");
        int[] out = new int[Checks.size("code count", (long) n * k)];
        unpack(packed, 0, n, k, innerKTiles, out, 0);
        return out;
    }

    /** The N·K codes of the N·K/8 words at {@code src[srcOffset]}, into {@code dst[dstOffset]}. */
    public static void unpack(int[] src, int srcOffset, int n, int k, int innerKTiles, int[] dst, int dstOffset) {
        int size = packedSize(n, k, innerKTiles);
        Checks.range(src.length, srcOffset, size);
        Checks.range(dst.length, dstOffset, (long) n * k);
        walk(n, k, innerKTiles, (word, row, k0) -> {
            int w = src[srcOffset + word];
            for (int nibble = 0; nibble < 8; nibble++) {
                dst[dstOffset + row * k + k0 + kOffset(nibble)] = w >>> (4 * nibble) & 0xF;
            }
        });
    }

    /** Nibble i holds k0 + [0, 8, 16, 24, 1, 9, 17, 25][i]. */
    private static int kOffset(int nibble) {
        return 8 * (nibble & 3) + (nibble >>> 2);
    }

    private interface WordVisitor {
        void visit(int word, int row, int k0);
    }

    /** Visits every output word in storage order with its row n and first column k0. */
    private static void walk(int n, int k, int innerKTiles, WordVisitor visitor) {
        int kOuterTiles = k / (16 * innerKTiles);
        int wordsPerLane = innerKTiles / 2;
        int word = 0;
        for (int nTile = 0; nTile < n / 8; nTile++) {
            for (int kOuter = 0; kOuter < kOuterTiles; kOuter++) {
                for (int t = 0; t < 32; t++) {
                    for (int j = 0; j < wordsPerLane; j++) {
                        int row = 8 * nTile + t / 4;
                        int k0 = 16 * (kOuter * innerKTiles + 2 * j) + 2 * (t % 4);
                        visitor.visit(word++, row, k0);
                    }
                }
            }
        }
    }

    private static void checkShape(int n, int k, int innerKTiles) {
        if (innerKTiles != 2 && innerKTiles != 4 && innerKTiles != 8) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "innerKTiles = %d; tinygemm allows 2, 4 or 8", innerKTiles));
        }
        Checks.dimension("N", n);
        Checks.dimension("K", k);
        Checks.multiple("N", n, 8, "tinygemm packs n-tiles of 8 rows");
        Checks.multiple("K", k, 16L * innerKTiles, "tinygemm packs K in tiles of 16 x innerKTiles = " + 16 * innerKTiles);
    }
}
