package org.lowbit.reference.scaled;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.ScaledFormat;
import org.lowbit.spec.ScaledKnobs;
import org.lowbit.spec.ScaledPolicies.ZeroPoint;

/**
 * A quantized 2-D tensor in lowbit's <b>logical form</b>: one code per element, unpacked, in element
 * order, plus one scale (and zero point) per block. This is the whole contract with the packers (AWQ
 * and GPTQ int32 words, HQQ planes, GGUF block structs live elsewhere and consume exactly this).
 *
 * <pre>
 *   codes[r·cols + c]        element (r, c), row-major, as a code of {@link #elementFormat()}:
 *                              int8      the two's-complement byte, 0x00..0xFF (−1 is 0xFF)
 *                              int4      the two's-complement nibble, 0x0..0xF (−8 is 0x8)
 *                              uint4     0..15 (AWQ, GPTQ, HQQ; GGUF Q4_0/Q4_1, whose Q4_0 zero is an implicit 8)
 *                              fp8_e4m3  the OFP8 E4M3 byte
 *   scales[i·scaleCols + j]  block (i, j): rows i·br .. i·br+br−1, cols j·bc .. j·bc+bc−1, as bits of
 *                            {@code knobs.scaleDtype()} (FP32 in 32 bits; FP16 and BF16 in the low 16)
 *   zeros[i·scaleCols + j]   by {@link ZeroPoint}:  NONE, IMPLICIT  no array (length 0)
 *                                                    INTEGER         the true zero 0..15 (GPTQ v1's
 *                                                                    stored zero − 1 is the packer's)
 *                                                    FLOAT, MIN      bits of the scale dtype (HQQ zero,
 *                                                                    GGUF Q4_1's m)
 * </pre>
 * The scale grid is row-major over blocks, [ceil(rows/br)][ceil(cols/bc)], with the weight W[N][K] as
 * rows × cols. AWQ and GPTQ checkpoints store scales transposed, [K/G][N]: the transposition is the
 * packer's. An element's code is meaningful only with its block's scale (and zero).
 *
 * @param format      the scaled format
 * @param knobs       the knobs it was quantized with (they also say how to dequantize)
 * @param rows        rows of the tensor
 * @param cols        cols of the tensor
 * @param blockRows   block height br
 * @param blockCols   block width bc
 * @param codes       rows·cols codes
 * @param scales      one scale per block, bits of the scale dtype
 * @param zeros       one zero per block, or empty (see above)
 */
public record QuantizedTensor(ScaledFormat format, ScaledKnobs knobs, int rows, int cols, int blockRows,
                              int blockCols, int[] codes, int[] scales, int[] zeros) {

    public QuantizedTensor {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(knobs, "knobs");
        Objects.requireNonNull(codes, "codes");
        Objects.requireNonNull(scales, "scales");
        Objects.requireNonNull(zeros, "zeros");
        if (rows <= 0 || cols <= 0 || blockRows <= 0 || blockCols <= 0) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "shape %d×%d with blocks %d×%d: every extent must be positive", rows, cols, blockRows, blockCols));
        }
        if (codes.length != (long) rows * cols) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%d codes for a %d×%d tensor (expected %d)", codes.length, rows, cols, (long) rows * cols));
        }
        int blocks = ceilDiv(rows, blockRows) * ceilDiv(cols, blockCols);
        if (scales.length != blocks) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%d scales for %d blocks of %d×%d in a %d×%d tensor", scales.length, blocks, blockRows,
                    blockCols, rows, cols));
        }
        boolean stored = knobs.zeroPoint() == ZeroPoint.INTEGER || knobs.zeroPoint() == ZeroPoint.FLOAT
                         || knobs.zeroPoint() == ZeroPoint.MIN;
        if (zeros.length != (stored ? blocks : 0)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%d zeros for %d blocks with zero point %s (expected %d)", zeros.length, blocks,
                    knobs.zeroPoint(), stored ? blocks : 0));
        }
        ElementFormat element = format.elementFormat(knobs.rule());
        for (int i = 0; i < codes.length; i++) {
            element.requireValidCode(codes[i]);
        }
        codes = codes.clone();
        scales = scales.clone();
        zeros = zeros.clone();
    }

    static int ceilDiv(int a, int b) {
        return Math.ceilDiv(a, b);
    }

    /** The element format of the codes (int8, int4, uint4 or fp8_e4m3). */
    public ElementFormat elementFormat() {
        return format.elementFormat(knobs.rule());
    }

    /** Rows of the scale grid: ceil(rows / blockRows). */
    public int scaleRows() { return ceilDiv(rows, blockRows); }

    /** Cols of the scale grid: ceil(cols / blockCols). */
    public int scaleCols() { return ceilDiv(cols, blockCols); }

    /** The code of element (r, c). */
    public int code(int r, int c) { return codes[r * cols + c]; }

    /** The index into {@link #scales()} and {@link #zeros()} of the block holding element (r, c). */
    public int blockIndex(int r, int c) { return (r / blockRows) * scaleCols() + c / blockCols; }

    /** The signed integer of an integer code: int8 and int4 sign-extended, uint4 as is. */
    public int integerValue(int index) {
        ElementFormat element = elementFormat();
        int code = codes[index];
        return switch (element) {
            case INT8 -> (byte) code;
            case INT4 -> (code << 28) >> 28;
            case UINT4 -> code;
            default -> throw new UnsupportedOperationException(element.id() + " codes are not integers");
        };
    }

    /** A block's scale, exactly. */
    public double scaleValue(int block) {
        return FloatRounding.fromBits(knobs.scaleDtype(), scales[block]);
    }

    // The arrays are copied in and out so that the record stays immutable.
    @Override
    public int[] codes() { return codes.clone(); }

    @Override
    public int[] scales() { return scales.clone(); }

    @Override
    public int[] zeros() { return zeros.clone(); }

    @Override
    public boolean equals(Object o) {
        return o instanceof QuantizedTensor t && format == t.format && knobs.equals(t.knobs) && rows == t.rows
               && cols == t.cols && blockRows == t.blockRows && blockCols == t.blockCols
               && Arrays.equals(codes, t.codes) && Arrays.equals(scales, t.scales) && Arrays.equals(zeros, t.zeros);
    }

    @Override
    public int hashCode() {
        return Objects.hash(format, knobs, rows, cols, blockRows, blockCols, Arrays.hashCode(codes),
                Arrays.hashCode(scales), Arrays.hashCode(zeros));
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "QuantizedTensor[%s %d×%d, blocks %d×%d, %s %s, zero %s]", format, rows,
                cols, blockRows, blockCols, elementFormat(), knobs.scaleDtype(), knobs.zeroPoint());
    }
}
