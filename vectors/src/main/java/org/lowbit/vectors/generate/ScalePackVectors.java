package org.lowbit.vectors.generate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.function.IntBinaryOperator;
import org.lowbit.reference.layout.ScalePacking;
import org.lowbit.spec.ScaleLayout;
import org.lowbit.vectors.Flag;
import org.lowbit.vectors.HexBytes;
import org.lowbit.vectors.Level;
import org.lowbit.vectors.Operation;
import org.lowbit.vectors.Result;
import org.lowbit.vectors.ScalePackGroup;
import org.lowbit.vectors.ScalePackTest;
import org.lowbit.vectors.VectorFile;

/**
 * Scale-pack vectors for the 128x4 swizzle (SPEC.md §9.4; FORMAT.md "scale-pack"): whole tiles, ragged
 * shapes that need padding, several row and column tiles, and NVIDIA's published offsets (nvmath: row 5,
 * k-block 2 → 82; row 5, k-block 5 → 593; the simple cases) as tests with one non-zero scale. The
 * expected bytes come from {@link ScalePacking}; each is checked against the offset formula written out
 * here and unpacked again.
 */
final class ScalePackVectors {
    private ScalePackVectors() {}

    /** Shapes R × C: one whole tile, NVIDIA's 128 × 8, ragged ones, and several tiles each way. */
    private static final int[][] SHAPES = {{128, 4}, {128, 8}, {1, 1}, {5, 3}, {33, 5}, {130, 6}, {256, 12}};

    static String path(ScaleLayout layout) {
        return "scalepack/scalepack_" + layout.id() + ".json";
    }

    static List<ScaleLayout> layouts() {
        return Arrays.stream(ScaleLayout.values()).filter(l -> l != ScaleLayout.ROW_MAJOR).toList();
    }

    static VectorFile file(ScaleLayout layout, Level level) {
        FileBuilder b = new FileBuilder(Operation.SCALE_PACK, ScalePackGroup.FORMAT, VectorFile.NO_PROFILE, level,
                List.of(String.format(Locale.ROOT, "Pack a row-major matrix of one-byte block scales S[R][C] into the"
                                      + " scale layout %s (SPEC.md section 9.4): %s.", layout.id(), layout.meaning()),
                        "scales: R*C bytes, row-major; expected: the stored bytes, padded to whole tiles with padByte."));
        for (int[] shape : SHAPES) {
            int rows = shape[0];
            int cols = shape[1];
            List<ScalePackTest> tests = new ArrayList<>();
            boolean ragged = rows % layout.tileRows() != 0 || cols % layout.tileCols() != 0;
            EnumSet<Flag> base = ragged ? EnumSet.of(Flag.SCALE_SWIZZLE, Flag.SCALE_PADDING)
                                        : EnumSet.of(Flag.SCALE_SWIZZLE);
            add(b, tests, layout, rows, cols, (r, c) -> (r * cols + c) % 255 + 1,
                    "every scale distinct modulo 255 (1 + (r*C + c) mod 255)", base);
            add(b, tests, layout, rows, cols, (r, c) -> r % 255 + 1, "scale = 1 + row mod 255: the row strides", base);
            add(b, tests, layout, rows, cols, (r, c) -> c % 255 + 1, "scale = 1 + column: the K-tile order", base);
            if (rows == 128 && cols == 8) {
                named(b, tests, layout, rows, cols, 5, 2, 82, "nvmath NVFP4 M=K=128 (C=8): row 5, k-block 2 -> 82;"
                        + " the swapped row strides give 22");
                named(b, tests, layout, rows, cols, 5, 5, 593, "nvmath NVFP4 M=K=128 (C=8): row 5, k-block 5 -> 593");
                named(b, tests, layout, rows, cols, 0, 0, 0, "(0, 0) -> 0");
                named(b, tests, layout, rows, cols, 1, 0, 16, "(1, 0) -> 16");
                named(b, tests, layout, rows, cols, 32, 0, 4, "(32, 0) -> 4");
                named(b, tests, layout, rows, cols, 0, 1, 1, "(0, 1) -> 1");
                named(b, tests, layout, rows, cols, 0, 4, 512, "(0, 4) -> 512");
            }
            if (rows == 256) {
                int paddedCols = ScalePacking.paddedCols(layout, cols);
                named(b, tests, layout, rows, cols, 128, 0, paddedCols / 4 * 512, "(128, 0) -> (C'/4)*512");
            }
            b.add(new ScalePackGroup(layout, rows, cols, ScaleLayout.DEFAULT_PAD & 0xFF, "level1/scale-pack", 0,
                    tests));
        }
        return b.build();
    }

    private static void named(FileBuilder b, List<ScalePackTest> tests, ScaleLayout layout, int rows, int cols, int row,
                              int col, int offset, String label) {
        if (ScalePacking.offset(layout, row, col, rows, cols) != offset) {
            throw new IllegalStateException("reference disagreement, generation aborted: " + label);
        }
        add(b, tests, layout, rows, cols, (r, c) -> r == row && c == col ? 0x7f : 0,
                String.format(Locale.ROOT, "published offset: only S[%d][%d] = 0x7f; %s", row, col, label),
                EnumSet.of(Flag.SCALE_SWIZZLE, Flag.WORKED_EXAMPLE));
    }

    private static void add(FileBuilder b, List<ScalePackTest> tests, ScaleLayout layout, int rows, int cols,
                            IntBinaryOperator value, String label, EnumSet<Flag> flags) {
        byte[] scales = new byte[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                scales[r * cols + c] = (byte) value.applyAsInt(r, c);
            }
        }
        byte[] stored = ScalePacking.pack(layout, scales, rows, cols);
        // an independent statement of the formula, so that a change in the reference cannot slip through
        int paddedRows = Math.ceilDiv(rows, 128) * 128;
        int paddedCols = Math.ceilDiv(cols, 4) * 4;
        byte[] check = new byte[paddedRows * paddedCols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                int at = ((r / 128) * (paddedCols / 4) + c / 4) * 512 + (r % 32) * 16 + ((r % 128) / 32) * 4 + c % 4;
                check[at] = scales[r * cols + c];
            }
        }
        if (layout != ScaleLayout.SWIZZLE_128X4 || !Arrays.equals(stored, check)
            || !Arrays.equals(ScalePacking.unpack(layout, stored, rows, cols), scales)) {
            throw new IllegalStateException("reference disagreement, generation aborted: " + layout + " " + rows + "x"
                                            + cols + " " + label);
        }
        String comment = String.format(Locale.ROOT, "%dx%d scales padded to %dx%d (%d tiles of 512 bytes): %s", rows,
                cols, paddedRows, paddedCols, paddedRows / 128 * (paddedCols / 4), label);
        tests.add(new ScalePackTest(b.nextId(), comment, b.flags(flags), HexBytes.of(scales), HexBytes.of(stored),
                Result.VALID));
    }
}
