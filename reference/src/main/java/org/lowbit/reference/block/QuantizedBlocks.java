package org.lowbit.reference.block;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalInt;
import org.lowbit.spec.BlockFormat;
import org.lowbit.spec.ElementFormat;

/**
 * A quantized tensor in a block format, unpacked: one scale code per block and one element code per
 * element, each in a byte (SPEC.md §8.1). Packing them (FP4 nibbles, FP6 in 3 bytes, scale
 * swizzles) is a layout matter and lives elsewhere.
 *
 * <p>Shape: {@code rows} rows of {@code rowLength} elements, in row-major order; blocks run along a row and
 * never span two rows, so a row has ⌈rowLength / k⌉ blocks, the last one short when the row was padded
 * (the padding is not stored). A 1-D tensor is one row.
 * <pre>
 *   element (r, j)      index r · rowLength + j       in block r · blocksPerRow + ⌊j / k⌋
 *   scale codes         block order: row 0's blocks, then row 1's, ...
 *   E8M0 scale byte     EEEEEEEE          2^(E − 127); 0xFF = NaN (MX)
 *   UE4M3 scale byte    0 EEEE MMM        0x7F = NaN (NVFP4)
 *   element byte        the code in the low bits(): fp8 8, fp6 6 (00SEEEMM / 00SEEMMM), fp4 4 (0000SEEM)
 * </pre>
 *
 * @param format          the block format
 * @param rows            the number of rows (≥ 0)
 * @param rowLength       elements per row (≥ 0; 0 only when rows is 0)
 * @param scaleCodes      one scale code per block, in block order
 * @param elementCodes    one element code per element, in element order
 * @param tensorScaleBits NVFP4 two-level only: the FP32 per-tensor scale g (positive, finite); every value is
 *                        multiplied by it. Empty for MX and single-level NVFP4.
 */
public record QuantizedBlocks(BlockFormat format, int rows, int rowLength, byte[] scaleCodes,
                              byte[] elementCodes, OptionalInt tensorScaleBits) {

    /**
     * Checks the shape, every code and the tensor scale, and copies the arrays.
     *
     * @throws IllegalArgumentException naming the field, the index and the allowed values
     */
    public QuantizedBlocks {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(scaleCodes, "scaleCodes");
        Objects.requireNonNull(elementCodes, "elementCodes");
        Objects.requireNonNull(tensorScaleBits, "tensorScaleBits");
        if (rows < 0 || rowLength < 0 || (rowLength == 0 && rows != 0)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "bad shape %d × %d: rows and row length must be ≥ 0, and a row may be empty only when"
                    + " there are no rows", rows, rowLength));
        }
        long length = (long) rows * rowLength;
        if (length != elementCodes.length) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%d element codes for %d rows of %d elements (%d expected)", elementCodes.length, rows,
                    rowLength, length));
        }
        long blocks = (long) rows * blocksPerRow(format, rowLength);
        if (blocks != scaleCodes.length) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%d scale codes for %d rows of %d blocks (%s block size %d; %d expected)", scaleCodes.length,
                    rows, blocksPerRow(format, rowLength), format.id(), format.blockSize(), blocks));
        }
        requireValidCodes("scale", scaleCodes, format.scale());
        requireValidCodes("element", elementCodes, format.element());
        if (tensorScaleBits.isPresent()) {
            int g = tensorScaleBits.getAsInt();
            if (!format.allowsTensorScale()) {
                throw new IllegalArgumentException(format.id() + " has no per-tensor scale (MX is single level)");
            }
            requireTensorScale(g);
        }
        scaleCodes = scaleCodes.clone();
        elementCodes = elementCodes.clone();
    }

    /** A 1-D tensor: one row of {@code elementCodes.length} elements. */
    public static QuantizedBlocks ofRow(BlockFormat format, byte[] scaleCodes, byte[] elementCodes,
                                        OptionalInt tensorScaleBits) {
        return new QuantizedBlocks(format, elementCodes.length == 0 ? 0 : 1, elementCodes.length, scaleCodes,
                elementCodes, tensorScaleBits);
    }

    /**
     * Checks a per-tensor scale: a positive finite FP32 pattern (a subnormal is allowed).
     *
     * @throws IllegalArgumentException otherwise
     */
    static int requireTensorScale(int float32Bits) {
        if (float32Bits <= 0 || float32Bits >= 0x7F800000) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "per-tensor scale 0x%08X (%s) must be a positive finite FP32 value", float32Bits,
                    Float.intBitsToFloat(float32Bits)));
        }
        return float32Bits;
    }

    private static void requireValidCodes(String what, byte[] codes, ElementFormat format) {
        for (int i = 0; i < codes.length; i++) {
            int code = codes[i] & 0xFF;
            if (!format.isValidCode(code)) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "%s code 0x%02X at index %d is out of range for %s (valid codes 0x0..0x%X)", what, code,
                        i, format.id(), format.codeCount() - 1));
            }
        }
    }

    static int blocksPerRow(BlockFormat format, int rowLength) {
        return Math.ceilDiv(rowLength, format.blockSize());
    }

    /** The number of elements, rows · rowLength. */
    public int length() { return elementCodes.length; }

    /** ⌈rowLength / k⌉. */
    public int blocksPerRow() { return blocksPerRow(format, rowLength); }

    /** The number of blocks, rows · blocksPerRow. */
    public int blockCount() { return scaleCodes.length; }

    /** The block that element {@code index} belongs to. */
    public int blockOf(int index) {
        Objects.checkIndex(index, elementCodes.length);
        return (index / rowLength) * blocksPerRow() + (index % rowLength) / format.blockSize();
    }

    /** The scale code of block {@code block}, 0..255. */
    public int scaleCode(int block) { return scaleCodes[block] & 0xFF; }

    /** The code of element {@code index}, in the element format's low bits. */
    public int elementCode(int index) { return elementCodes[index] & 0xFF; }

    /** A copy of the scale codes. */
    @Override
    public byte[] scaleCodes() { return scaleCodes.clone(); }

    /** A copy of the element codes. */
    @Override
    public byte[] elementCodes() { return elementCodes.clone(); }

    @Override
    public boolean equals(Object o) {
        return o instanceof QuantizedBlocks q && format == q.format && rows == q.rows && rowLength == q.rowLength
               && Arrays.equals(scaleCodes, q.scaleCodes) && Arrays.equals(elementCodes, q.elementCodes)
               && tensorScaleBits.equals(q.tensorScaleBits);
    }

    @Override
    public int hashCode() {
        return Objects.hash(format, rows, rowLength, Arrays.hashCode(scaleCodes), Arrays.hashCode(elementCodes),
                tensorScaleBits);
    }

    /** The shape, the codes in hex and the tensor scale; long tensors are cut after 64 codes. */
    @Override
    public String toString() {
        String g = tensorScaleBits.isPresent()
                ? String.format(Locale.ROOT, ", g=0x%08X", tensorScaleBits.getAsInt()) : "";
        return String.format(Locale.ROOT, "QuantizedBlocks[%s %d×%d%s, scales=%s, elements=%s]", format.id(), rows,
                rowLength, g, hex(scaleCodes), hex(elementCodes));
    }

    private static String hex(byte[] codes) {
        int shown = Math.min(codes.length, 64);
        String text = HexFormat.ofDelimiter(" ").withUpperCase().formatHex(codes, 0, shown);
        return "[" + text + (shown < codes.length ? " … (" + codes.length + ")" : "") + "]";
    }
}
