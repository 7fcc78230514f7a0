package org.lowbit.reference.layout;

import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.ElementLayout;
import org.lowbit.spec.PadPolicy;

/**
 * PyTorch's two-per-byte 4-bit storage ({@code uint4x2}; SPEC.md §9.3.4): {@code torch.quint4x2}
 * and {@code torch.float4_e2m1fn_x2}. A [R][C] code matrix is stored as uint8 [R][C/2]; byte (r, j) holds
 * column 2j in its low nibble and column 2j+1 in its high nibble:
 * <pre>
 *   byte (r, j) = q[r][2j+1] &lt;&lt; 4 | q[r][2j]          codes 1..8 -&gt; bytes 21 43 65 87
 * </pre>
 * That is the {@code nibble-low-first} element stream of the row-major matrix. C must be even, so that
 * the pairs stay inside a row (float4_e2m1fn_x2 packs along the last dimension; quint4x2's flat byte
 * index i/2 agrees whenever C is even).
 *
 * @apiNote Sources: {@code torch/headeronly/util/Float4_e2m1fn_x2.h} ("val1 : val0 … bit index 7654 : 3210");
 *     {@code QuantizedOpKernels.cpp::quantize_tensor_per_tensor_affine_sub_byte_cpu}, device-verified bytes
 *     {@code 21 43 65 87} (research/int-packing.md §7).
 */
public final class Uint4x2Packing {
    private Uint4x2Packing() {}

    /** uint8 [R][C/2] of the 4-bit codes q[R][C]. */
    public static byte[] pack(int[] codes, int rows, int cols) {
        Checks.length("codes", codes.length, (long) Checks.dimension("R", rows) * checkCols(cols), "R * C");
        byte[] out = new byte[Checks.size("packed size", (long) rows * cols / 2)];
        pack(codes, 0, rows, cols, out, 0);
        return out;
    }

    /**
     * The R·C codes at {@code codes[offset]} into the R·C/2 bytes at {@code dst[dstOffset]}.
     *
     * @throws IllegalArgumentException if C is odd or a code does not fit in 4 bits
     */
    public static void pack(int[] codes, int offset, int rows, int cols, byte[] dst, int dstOffset) {
        Checks.dimension("R", rows);
        checkCols(cols);
        ElementPacking.pack(ElementLayout.NIBBLE_LOW_FIRST, ElementFormat.UINT4, codes, offset,
                Checks.size("code count", (long) rows * cols), dst, dstOffset);
    }

    /** The codes q[R][C] of uint8 [R][C/2]. */
    public static int[] unpack(byte[] packed, int rows, int cols) {
        Checks.length("packed", packed.length, (long) Checks.dimension("R", rows) * checkCols(cols) / 2, "R * C/2");
        int[] out = new int[Checks.size("code count", (long) rows * cols)];
        unpack(packed, 0, rows, cols, out, 0);
        return out;
    }

    /** The R·C codes of the R·C/2 bytes at {@code src[srcOffset]}, into {@code dst[dstOffset]}. */
    public static void unpack(byte[] src, int srcOffset, int rows, int cols, int[] dst, int dstOffset) {
        Checks.dimension("R", rows);
        checkCols(cols);
        ElementPacking.unpack(ElementLayout.NIBBLE_LOW_FIRST, ElementFormat.UINT4, src, srcOffset,
                Checks.size("code count", (long) rows * cols), dst, dstOffset, PadPolicy.STRICT);
    }

    private static int checkCols(int cols) {
        Checks.dimension("C", cols);
        Checks.multiple("C", cols, 2, "uint4x2 pairs codes along the last dimension");
        return cols;
    }
}
