package org.lowbit.reference.dot;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import org.lowbit.spec.ElementFormat;

/**
 * One operand of an MX dot product, in logical form: n blocks of k elements, each block one shared
 * scale code X_j and k element codes P_i, one code per element (unpacked, in the low bits of an
 * {@code int}), plus an optional FP32 per-tensor scale g (1 when absent). Its value is
 * <pre>
 *   v_(j·k + i) = g · X_j · P_i        (OCP MX v1.0 §5.1, with the NVFP4 per-tensor scale g)
 * </pre>
 *
 * <p>Scale formats and block sizes:
 * <pre>
 *   scale   k    X_j                                              used by
 *   e8m0    32   EEEEEEEE: 2^(E-127); 0x00 = 2^-127; 0xFF NaN     MXFP8, MXFP6, MXFP4, MXINT8 (OCP MX §5.2 Table 1)
 *   ue4m3   16   0 EEEE MMM, E4M3 without sign: 0x00 = 0 ... 0x7E = 448; 0x7F NaN   NVFP4
 * </pre>
 * Any element format that is not a scale format may be used (FP8, FP6, FP4, INT8, MXINT8, fnuz,
 * INT4, UINT4); the two operands of a dot product may have different element formats (OCP MX §5.2.1)
 * but must have the same scale format, so that their blocks pair up.
 *
 * <p>Immutable: the factories copy the arrays, and the accessors return copies or single codes.
 */
public final class MxVector {
    private final ElementFormat elementFormat;
    private final int[] elementCodes;
    private final ElementFormat scaleFormat;
    private final int[] scaleCodes;
    private final float tensorScale;

    private MxVector(ElementFormat elementFormat, int[] elementCodes, ElementFormat scaleFormat, int[] scaleCodes,
                     float tensorScale) {
        this.elementFormat = elementFormat;
        this.elementCodes = elementCodes;
        this.scaleFormat = scaleFormat;
        this.scaleCodes = scaleCodes;
        this.tensorScale = tensorScale;
    }

    /**
     * An OCP MX vector: E8M0 scales, blocks of 32, no per-tensor scale.
     *
     * @throws IllegalArgumentException as {@link #of(ElementFormat, int[], ElementFormat, int[], float)}
     */
    public static MxVector mx(ElementFormat elementFormat, int[] elementCodes, int[] scaleCodes) {
        return of(elementFormat, elementCodes, ElementFormat.E8M0, scaleCodes, 1.0f);
    }

    /**
     * An NVFP4 vector: FP4 E2M1 elements, UE4M3 scales, blocks of 16, and the FP32 per-tensor scale.
     *
     * @throws IllegalArgumentException as {@link #of(ElementFormat, int[], ElementFormat, int[], float)}
     */
    public static MxVector nvfp4(int[] elementCodes, int[] scaleCodes, float tensorScale) {
        return of(ElementFormat.FP4_E2M1, elementCodes, ElementFormat.UE4M3, scaleCodes, tensorScale);
    }

    /**
     * A vector without a per-tensor scale.
     *
     * @throws IllegalArgumentException as {@link #of(ElementFormat, int[], ElementFormat, int[], float)}
     */
    public static MxVector of(ElementFormat elementFormat, int[] elementCodes, ElementFormat scaleFormat,
                              int[] scaleCodes) {
        return of(elementFormat, elementCodes, scaleFormat, scaleCodes, 1.0f);
    }

    /**
     * A vector of {@code elementCodes.length / k} blocks, k = {@link #blockSize(ElementFormat)}.
     *
     * @param tensorScale the per-tensor scale g, a finite FP32 value (1 for none)
     * @throws IllegalArgumentException if the scale format is not e8m0 or ue4m3; if the element format
     *                                  is a scale format; if there are no elements, or the element count
     *                                  is not a whole number of blocks; if the number of scale codes is
     *                                  not one per block; if a code is out of range for its format; if
     *                                  {@code tensorScale} is NaN or infinite
     */
    public static MxVector of(ElementFormat elementFormat, int[] elementCodes, ElementFormat scaleFormat,
                              int[] scaleCodes, float tensorScale) {
        Objects.requireNonNull(elementFormat, "elementFormat");
        Objects.requireNonNull(elementCodes, "elementCodes");
        Objects.requireNonNull(scaleFormat, "scaleFormat");
        Objects.requireNonNull(scaleCodes, "scaleCodes");
        int k = blockSize(scaleFormat);
        if (elementFormat == ElementFormat.E8M0 || elementFormat == ElementFormat.UE4M3) {
            throw new IllegalArgumentException(elementFormat.id() + " is a scale format, not an element format");
        }
        int length = elementCodes.length;
        if (length == 0) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "an MX vector needs at least one block of %d elements, got 0 elements", k));
        }
        if (length % k != 0) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%d elements are not a whole number of blocks of %d (%d blocks and %d left over);"
                    + " pad the vector to a multiple of %d (OCP MX §6.2)", length, k, length / k, length % k, k));
        }
        if (scaleCodes.length != length / k) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%d elements in blocks of %d need %d %s scale codes, one per block, got %d",
                    length, k, length / k, scaleFormat.id(), scaleCodes.length));
        }
        for (int i = 0; i < length; i++) {
            if (!elementFormat.isValidCode(elementCodes[i])) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "element %d (block %d): code 0x%X is out of range for %s (valid codes 0x0..0x%X)",
                        i, i / k, elementCodes[i], elementFormat.id(), elementFormat.codeCount() - 1));
            }
        }
        for (int j = 0; j < scaleCodes.length; j++) {
            if (!scaleFormat.isValidCode(scaleCodes[j])) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "scale %d: code 0x%X is out of range for %s (valid codes 0x0..0x%X)",
                        j, scaleCodes[j], scaleFormat.id(), scaleFormat.codeCount() - 1));
            }
        }
        if (!Float.isFinite(tensorScale)) {
            throw new IllegalArgumentException("a per-tensor scale must be a finite FP32 value, got " + tensorScale);
        }
        return new MxVector(elementFormat, elementCodes.clone(), scaleFormat, scaleCodes.clone(), tensorScale);
    }

    /**
     * The block size k of a scale format: 32 for e8m0 (OCP MX v1.0 §5.2 Table 1), 16 for ue4m3 (NVFP4).
     *
     * @throws IllegalArgumentException for any other format
     */
    public static int blockSize(ElementFormat scaleFormat) {
        return switch (scaleFormat) {
            case E8M0 -> 32;
            case UE4M3 -> 16;
            default -> throw new IllegalArgumentException("scale format must be e8m0 (blocks of 32, OCP MX §5.2)"
                                                          + " or ue4m3 (blocks of 16, NVFP4), got " + scaleFormat.id());
        };
    }

    public ElementFormat elementFormat() { return elementFormat; }

    public ElementFormat scaleFormat() { return scaleFormat; }

    /** k: 32 for e8m0 scales, 16 for ue4m3. */
    public int blockSize() { return blockSize(scaleFormat); }

    /** n, the number of blocks (and of scale codes). */
    public int blockCount() { return scaleCodes.length; }

    /** n · k, the number of elements. */
    public int length() { return elementCodes.length; }

    /** The code of element {@code index} (block index / k). */
    public int elementCode(int index) { return elementCodes[index]; }

    /** The scale code of block {@code block}. */
    public int scaleCode(int block) { return scaleCodes[block]; }

    /** A copy of the element codes. */
    public int[] elementCodes() { return elementCodes.clone(); }

    /** A copy of the scale codes. */
    public int[] scaleCodes() { return scaleCodes.clone(); }

    /** The per-tensor scale g (1 when absent). */
    public float tensorScale() { return tensorScale; }

    @Override
    public String toString() {
        String codes = Arrays.stream(elementCodes).limit(8).mapToObj(c -> String.format(Locale.ROOT, "%02X", c))
                             .reduce((x, y) -> x + " " + y).orElse("") + (elementCodes.length > 8 ? " ..." : "");
        String scales = Arrays.stream(scaleCodes).limit(8).mapToObj(c -> String.format(Locale.ROOT, "%02X", c))
                              .reduce((x, y) -> x + " " + y).orElse("") + (scaleCodes.length > 8 ? " ..." : "");
        return String.format(Locale.ROOT, "%s×%d blocks of %d, %s scales [%s], elements [%s]%s", elementFormat.id(),
                blockCount(), blockSize(), scaleFormat.id(), scales, codes,
                tensorScale == 1.0f ? "" : ", tensor scale " + tensorScale);
    }
}
