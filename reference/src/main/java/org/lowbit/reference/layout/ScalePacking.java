package org.lowbit.reference.layout;

import java.util.Locale;
import org.lowbit.spec.PadPolicy;
import org.lowbit.spec.ScaleLayout;

/**
 * A row-major matrix of one-byte block scales S[R][C] (E8M0 or UE4M3 codes; C = K / blockSize) to the
 * bytes of a {@link ScaleLayout}, and back (SPEC.md §9.4).
 *
 * <p>{@code swizzle-128x4}, the layout cuBLAS and tcgen05 block-scaled GEMMs read on sm_100/sm_120:
 * R and C are padded to R′ = ⌈R/128⌉·128 and C′ = ⌈C/4⌉·4, and byte (r, c) goes to
 * <pre>
 *   offset(r, c) = ((r / 128)·(C′/4) + c / 4)·512 + (r % 32)·16 + ((r % 128) / 32)·4 + c % 4
 *
 *   one 512-byte tile (rows i = r % 128, columns j = c % 4), 16 bytes per line:
 *     bytes   0..15:  (i=0,j=0..3)  (i=32,j=0..3)  (i=64,j=0..3)  (i=96,j=0..3)
 *     bytes  16..31:  (i=1,j=0..3)  (i=33,j=0..3)  (i=65,j=0..3)  (i=97,j=0..3)
 *     ...
 *     bytes 496..511: (i=31,...)    (i=63,...)     (i=95,...)     (i=127,...)
 * </pre>
 * Tiles follow each other K-tile fastest. A batch (expert) b of a [B][R][C] scale tensor starts at
 * b·{@link #storedSize}: pass {@code dstOffset = b * storedSize(...)}.
 *
 * <p>Padding: lowbit writes {@link ScaleLayout#DEFAULT_PAD} (0x00) unless a pad byte is given, as
 * torchao's {@code to_blocked} zero-fills; cuBLAS and the tcgen05 GEMM ignore the pad bytes
 * (research/perf-anchors.md §3), so a reader that must accept any producer uses {@link PadPolicy#LENIENT}.
 *
 * @apiNote Sources: torchao {@code utils.py::to_blocked} (mx-semantics.md §3.4); CUTLASS {@code SfKMajorAtom},
 *     FlashInfer {@code get_sf_out_offset_128x4}, nvmath {@code get_block_scale_offset} (perf-anchors.md §3).
 */
public final class ScalePacking {
    private ScalePacking() {}

    private static final int TILE_ROWS = 128;
    private static final int TILE_COLS = 4;
    private static final int TILE_BYTES = TILE_ROWS * TILE_COLS; // 512

    /** R′: rows padded to the layout's tile (⌈R/128⌉·128 for the swizzle, R for row-major). */
    public static int paddedRows(ScaleLayout layout, int rows) {
        Checks.dimension("rows", rows);
        return Checks.size("padded rows", roundUp(rows, layout.tileRows()));
    }

    /** C′: columns padded to the layout's tile (⌈C/4⌉·4 for the swizzle, C for row-major). */
    public static int paddedCols(ScaleLayout layout, int cols) {
        Checks.dimension("cols", cols);
        return Checks.size("padded cols", roundUp(cols, layout.tileCols()));
    }

    /** Bytes of the stored matrix: R′·C′. */
    public static int storedSize(ScaleLayout layout, int rows, int cols) {
        return Checks.size("stored size", (long) paddedRows(layout, rows) * paddedCols(layout, cols));
    }

    /**
     * Where scale (row, col) of an R × C matrix is stored. Positions in the padding (row &lt; R′,
     * col &lt; C′) are allowed, so that pad bytes can be addressed too.
     *
     * @throws IllegalArgumentException if (row, col) is outside the padded matrix
     */
    public static int offset(ScaleLayout layout, int row, int col, int rows, int cols) {
        int paddedRows = paddedRows(layout, rows);
        int paddedCols = paddedCols(layout, cols);
        if (row < 0 || row >= paddedRows || col < 0 || col >= paddedCols) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "(row %d, col %d) is outside the %d x %d %s matrix (padded from %d x %d)", row, col,
                    paddedRows, paddedCols, layout, rows, cols));
        }
        return offsetUnchecked(layout, row, col, paddedCols);
    }

    /** The inverse of {@link #offset}: the row of the scale stored at {@code offset}. */
    public static int rowAt(ScaleLayout layout, int offset, int rows, int cols) {
        int paddedCols = checkOffset(layout, offset, rows, cols);
        return switch (layout) {
            case ROW_MAJOR -> offset / paddedCols;
            case SWIZZLE_128X4 -> {
                int tile = offset / TILE_BYTES;
                int within = offset % TILE_BYTES;
                yield (tile / (paddedCols / TILE_COLS)) * TILE_ROWS + (within % 16) / 4 * 32 + within / 16;
            }
        };
    }

    /** The inverse of {@link #offset}: the column of the scale stored at {@code offset}. */
    public static int colAt(ScaleLayout layout, int offset, int rows, int cols) {
        int paddedCols = checkOffset(layout, offset, rows, cols);
        return switch (layout) {
            case ROW_MAJOR -> offset % paddedCols;
            case SWIZZLE_128X4 -> (offset / TILE_BYTES) % (paddedCols / TILE_COLS) * TILE_COLS + offset % 4;
        };
    }

    /** A row-major R × C matrix in {@code layout}, padded with 0x00. */
    public static byte[] pack(ScaleLayout layout, byte[] scales, int rows, int cols) {
        Checks.length("scales", scales.length, (long) Checks.dimension("rows", rows) * Checks.dimension("cols", cols),
                "rows * cols");
        byte[] out = new byte[storedSize(layout, rows, cols)];
        pack(layout, scales, 0, rows, cols, out, 0, ScaleLayout.DEFAULT_PAD);
        return out;
    }

    /**
     * The row-major R × C matrix at {@code src[srcOffset]} into the {@link #storedSize} bytes at
     * {@code dst[dstOffset]}; every pad byte is set to {@code pad}.
     *
     * @throws IndexOutOfBoundsException if a range falls outside its array
     */
    public static void pack(ScaleLayout layout, byte[] src, int srcOffset, int rows, int cols, byte[] dst,
                            int dstOffset, byte pad) {
        int size = storedSize(layout, rows, cols);
        Checks.range(src.length, srcOffset, (long) rows * cols);
        Checks.range(dst.length, dstOffset, size);
        int paddedCols = paddedCols(layout, cols);
        if (layout == ScaleLayout.ROW_MAJOR) {
            System.arraycopy(src, srcOffset, dst, dstOffset, size);
            return;
        }
        java.util.Arrays.fill(dst, dstOffset, dstOffset + size, pad);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                dst[dstOffset + offsetUnchecked(layout, r, c, paddedCols)] = src[srcOffset + r * cols + c];
            }
        }
    }

    /** The row-major R × C matrix of a stored one, under {@link PadPolicy#STRICT} with pad 0x00. */
    public static byte[] unpack(ScaleLayout layout, byte[] stored, int rows, int cols) {
        Checks.length("stored", stored.length, storedSize(layout, rows, cols), "storedSize(rows, cols)");
        byte[] out = new byte[rows * cols];
        unpack(layout, stored, 0, rows, cols, out, 0, PadPolicy.STRICT, ScaleLayout.DEFAULT_PAD);
        return out;
    }

    /**
     * The row-major R × C matrix of the {@link #storedSize} bytes at {@code src[srcOffset]}.
     *
     * @param pad the pad byte that STRICT requires in every pad position (LENIENT ignores them)
     * @throws IllegalArgumentException under STRICT, if a pad byte differs from {@code pad}
     * @throws IndexOutOfBoundsException if a range falls outside its array
     */
    public static void unpack(ScaleLayout layout, byte[] src, int srcOffset, int rows, int cols, byte[] dst,
                              int dstOffset, PadPolicy policy, byte pad) {
        int size = storedSize(layout, rows, cols);
        Checks.range(src.length, srcOffset, size);
        Checks.range(dst.length, dstOffset, (long) rows * cols);
        int paddedRows = paddedRows(layout, rows);
        int paddedCols = paddedCols(layout, cols);
        if (policy == PadPolicy.STRICT) {
            for (int r = 0; r < paddedRows; r++) {
                for (int c = r < rows ? cols : 0; c < paddedCols; c++) {
                    int at = offsetUnchecked(layout, r, c, paddedCols);
                    if (src[srcOffset + at] != pad) {
                        throw new IllegalArgumentException(String.format(Locale.ROOT,
                                "pad byte at offset %d (row %d, col %d of the padded %d x %d matrix) is 0x%02X, "
                                + "not the pad 0x%02X (PadPolicy.STRICT)", at, r, c, paddedRows, paddedCols,
                                src[srcOffset + at] & 0xFF, pad & 0xFF));
                    }
                }
            }
        }
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                dst[dstOffset + r * cols + c] = src[srcOffset + offsetUnchecked(layout, r, c, paddedCols)];
            }
        }
    }

    private static int offsetUnchecked(ScaleLayout layout, int r, int c, int paddedCols) {
        return switch (layout) {
            case ROW_MAJOR -> r * paddedCols + c;
            case SWIZZLE_128X4 -> ((r / TILE_ROWS) * (paddedCols / TILE_COLS) + c / TILE_COLS) * TILE_BYTES
                                  + (r % 32) * 16 + ((r % TILE_ROWS) / 32) * 4 + c % TILE_COLS;
        };
    }

    private static int checkOffset(ScaleLayout layout, int offset, int rows, int cols) {
        int size = storedSize(layout, rows, cols);
        if (offset < 0 || offset >= size) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "offset %d is outside the %d stored bytes of a %d x %d %s matrix", offset, size, rows, cols, layout));
        }
        return paddedCols(layout, cols);
    }

    private static long roundUp(int value, int multiple) {
        return ((long) value + multiple - 1) / multiple * multiple;
    }
}
