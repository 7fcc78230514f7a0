package org.lowbit.harness.cli;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.lowbit.reference.layout.ElementPacking;
import org.lowbit.reference.layout.ScalePacking;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.ElementLayout;
import org.lowbit.spec.PadPolicy;
import org.lowbit.spec.ScaleLayout;

/**
 * The files of {@code quantize} and {@code dequantize} as layouts store them (SPEC.md §9
 * §1, §4): element codes packed by an {@link ElementLayout}, one-byte block scales stored by a
 * {@link ScaleLayout}. Packing writes zeros into every pad bit and pad byte; unpacking is
 * {@link PadPolicy#STRICT}, so a set pad bit, an invalid code or a nonzero pad byte is an error that
 * names its offset.
 */
final class PackedCodes {
    private PackedCodes() {}

    /**
     * The element layout {@code id}, checked against the element format that {@code formatId} stores.
     *
     * @throws CliException for an unknown layout, or one that cannot hold the codes, naming the layouts
     *                      that can
     */
    static ElementLayout layout(String id, ElementFormat element, String formatId) {
        ElementLayout layout = CliNames.elementLayout(id);
        if (!layout.supports(element)) {
            String fitting = Arrays.stream(ElementLayout.values()).filter(l -> l.supports(element))
                    .map(ElementLayout::id).collect(Collectors.joining(", "));
            throw new CliException(String.format(Locale.ROOT,
                    "--layout %s cannot hold %s elements (%s, %d bits): it holds %s; layouts for %s: %s", layout.id(),
                    formatId, element.id(), element.bits(), holds(layout), formatId, fitting));
        }
        return layout;
    }

    private static String holds(ElementLayout layout) {
        return switch (layout) {
            case UNPACKED -> "every format";
            case NIBBLE_LOW_FIRST, NIBBLE_HIGH_FIRST -> "4-bit codes";
            case FP6_4IN3 -> "6-bit codes";
            case F8F6F4_CONTAINER -> "fp8_e4m3, fp8_e5m2, fp6_e3m2, fp6_e2m3 and fp4_e2m1";
        };
    }

    // ---------------------------------------------------------------------------------------------
    // Element codes

    /**
     * The codes, one per byte in element order, packed. The whole stream is packed as one, so its
     * length must be a whole number of the layout's containers (an even count for nibbles, a multiple
     * of 4 for fp6-4in3), as every system that stores packed codes requires.
     */
    static byte[] packElements(ElementLayout layout, ElementFormat element, byte[] codes) {
        requireWholeContainers(layout, codes.length);
        return CliNames.resolve(c -> ElementPacking.pack(layout, element, c), codes);
    }

    /** As {@link #packElements(ElementLayout, ElementFormat, byte[])}, codes in ints. */
    static byte[] packElements(ElementLayout layout, ElementFormat element, int[] codes) {
        requireWholeContainers(layout, codes.length);
        return CliNames.resolve(c -> ElementPacking.pack(layout, element, c), codes);
    }

    /**
     * Every code of a packed file, one per byte, under {@link PadPolicy#STRICT}.
     *
     * @param option names the file in errors: {@code --in-elements}
     */
    static byte[] unpackElements(ElementLayout layout, ElementFormat element, byte[] packed, String option) {
        if (packed.length % layout.bytesPerContainer() != 0) {
            throw new CliException(String.format(Locale.ROOT,
                    "%s is %s, not a whole number of %s containers (%d codes in %s)", option,
                    RawArrays.byteCount(packed.length), layout.id(), layout.codesPerContainer(),
                    RawArrays.byteCount(layout.bytesPerContainer())));
        }
        int count = Math.toIntExact((long) packed.length / layout.bytesPerContainer() * layout.codesPerContainer());
        byte[] codes = new byte[count];
        try {
            ElementPacking.unpack(layout, element, packed, 0, count, codes, 0, PadPolicy.STRICT);
        } catch (IllegalArgumentException e) {
            throw new CliException(String.format(Locale.ROOT, "%s is not valid %s in %s: %s", option, element.id(),
                    layout.id(), e.getMessage()), e);
        }
        return codes;
    }

    private static void requireWholeContainers(ElementLayout layout, int count) {
        if (count % layout.codesPerContainer() != 0) {
            throw new CliException(String.format(Locale.ROOT,
                    "--layout %s packs %d codes into %s, and %d elements are not a whole number of such containers;"
                    + " use --layout unpacked, or a length that is a multiple of %d", layout.id(),
                    layout.codesPerContainer(), RawArrays.byteCount(layout.bytesPerContainer()), count,
                    layout.codesPerContainer()));
        }
    }

    // ---------------------------------------------------------------------------------------------
    // One-byte block scales, a rows × cols matrix

    /** The row-major scale matrix in {@code layout}, pad bytes 0x00. */
    static byte[] packScales(ScaleLayout layout, byte[] scales, int rows, int cols) {
        return CliNames.resolve(s -> ScalePacking.pack(layout, s, rows, cols), scales);
    }

    /**
     * The row-major scale matrix of a stored one, whose size must be exactly
     * {@link ScalePacking#storedSize}; under STRICT every pad byte must be 0x00.
     *
     * @param blocks what the matrix is, for the error: {@code "a 2×40 mxfp4 tensor has 2×2 blocks"}
     */
    static byte[] unpackScales(ScaleLayout layout, byte[] stored, int rows, int cols, String option, String blocks) {
        int expected = ScalePacking.storedSize(layout, rows, cols);
        if (stored.length != expected) {
            String padded = layout == ScaleLayout.ROW_MAJOR ? "" : String.format(Locale.ROOT,
                    ", padded to %d×%d", ScalePacking.paddedRows(layout, rows), ScalePacking.paddedCols(layout, cols));
            throw new CliException(String.format(Locale.ROOT,
                    "%s is %s, but %s: %s in %s (one byte per block%s)", option,
                    RawArrays.byteCount(stored.length), blocks, RawArrays.byteCount(expected), layout.id(), padded));
        }
        byte[] scales = new byte[rows * cols];
        try {
            ScalePacking.unpack(layout, stored, 0, rows, cols, scales, 0, PadPolicy.STRICT, ScaleLayout.DEFAULT_PAD);
        } catch (IllegalArgumentException e) {
            throw new CliException(option + ": " + e.getMessage(), e);
        }
        return scales;
    }
}
