package org.lowbit.vectors;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.lowbit.spec.WeightLayout;

/**
 * Weight-pack tests: integer codes W[rows][cols] (and the zero points or GGUF block fields a layout stores
 * beside them) into a weight layout (SPEC.md §9.3; FORMAT.md "weight-pack"; suite version 0.2.0).
 *
 * @param bits        the code width, one the layout supports
 * @param rows        N (or HQQ's and uint4x2's R)
 * @param cols        K (or C)
 * @param groupSize   G for gptq-v1, gptq-v2 and awq; 0 for the others
 * @param innerKTiles ikt for tinygemm; 0 for the others
 */
public record WeightPackGroup(WeightLayout layout, int bits, int rows, int cols, int groupSize, int innerKTiles,
                              String generator, long seed, List<WeightPackTest> tests) implements TestGroup {

    public WeightPackGroup {
        Objects.requireNonNull(layout, "layout");
        if (!layout.supportsBits(bits)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "layout %s does not hold %d-bit codes",
                    layout.id(), bits));
        }
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "shape %dx%d: rows and cols must be >= 1",
                    rows, cols));
        }
        boolean grouped = storesZeros(layout);
        if (grouped ? groupSize < 1 || cols % groupSize != 0 : groupSize != 0) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%s: groupSize %d (it must divide cols %d for gptq and awq, and be 0 for the others)", layout.id(),
                    groupSize, cols));
        }
        if (layout == WeightLayout.TINYGEMM ? innerKTiles != 2 && innerKTiles != 4 && innerKTiles != 8
                                            : innerKTiles != 0) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%s: innerKTiles %d (2, 4 or 8 for tinygemm, 0 for the others)", layout.id(), innerKTiles));
        }
        TestGroup.requireCommon(generator, tests);
        tests = List.copyOf(tests);
        for (WeightPackTest t : tests) {
            check(t, "codes", t.codes(), (long) rows * cols);
            check(t, "zeros", t.zeros(), grouped ? (long) rows * (cols / groupSize) : 0);
            check(t, "blockFields", t.blockFields(), blockFieldBytes(layout, rows, cols));
            check(t, "qweight", t.qweight(), qweightBytes(layout, bits, rows, cols));
            check(t, "qzeros", t.qzeros(), qzerosBytes(layout, bits, rows, cols, groupSize));
        }
    }

    private static void check(WeightPackTest t, String what, String hex, long bytes) {
        if (hex.length() != 2 * bytes) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "tcId %d: %s has %d bytes, the shape needs %d",
                    t.tcId(), what, hex.length() / 2, bytes));
        }
    }

    /** Whether the layout packs zero points (gptq-v1, gptq-v2, awq). */
    public static boolean storesZeros(WeightLayout layout) {
        return layout.zeroPoints() != WeightLayout.ZeroPoints.NONE;
    }

    /** The top-level {@code format} of a weight-pack file: {@code b} and the code width. */
    public static String format(int bits) {
        return "b" + bits;
    }

    /** Bytes of block fields per GGUF block: d (2), d m (4), d (2), d dmin + 8 scales + 8 mins (20). */
    public static int blockFieldBytesPerBlock(WeightLayout layout) {
        return switch (layout) {
            case GGUF_Q4_0, GGUF_Q8_0 -> 2;
            case GGUF_Q4_1 -> 4;
            case GGUF_Q4_K -> 20;
            default -> 0;
        };
    }

    static long blockFieldBytes(WeightLayout layout, int rows, int cols) {
        return layout.blockWeights() == 0 ? 0 : (long) rows * cols / layout.blockWeights()
                                                * blockFieldBytesPerBlock(layout);
    }

    static long qweightBytes(WeightLayout layout, int bits, int rows, int cols) {
        long codes = (long) rows * cols;
        return switch (layout) {
            case GPTQ_V1, GPTQ_V2, CT_PACK_QUANTIZED -> codes * bits / 8;
            case HQQ -> bits == 3 ? (long) Math.ceilDiv(rows, 10) * cols * 4 : codes * bits / 8;
            case AWQ, UINT4X2, TINYGEMM -> codes / 2;
            case GGUF_Q4_0, GGUF_Q4_1, GGUF_Q8_0, GGUF_Q4_K -> codes / layout.blockWeights() * layout.blockBytes();
        };
    }

    static long qzerosBytes(WeightLayout layout, int bits, int rows, int cols, int groupSize) {
        return switch (layout) {
            case GPTQ_V1, GPTQ_V2 -> (long) (cols / groupSize) * rows * bits / 8;
            case AWQ -> (long) (cols / groupSize) * rows / 2;
            default -> 0;
        };
    }

    @Override
    public Operation operation() { return Operation.WEIGHT_PACK; }
}
