package org.lowbit.spec;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How a matrix of one-byte block scales (E8M0 for MX, UE4M3 for NVFP4) is stored (DESIGN.md §1, knob
 * "scale layout"; normative text: {@code SPEC.md §9} §4).
 *
 * <p>The scale matrix S has R rows (M for operand A, N for operand B) and C = K / blockSize columns;
 * S[r][c] scales elements c·blockSize … c·blockSize + blockSize − 1 of row r.
 * <ul>
 *   <li>{@code row-major}: byte (r, c) at r·C + c, no padding (torchao's default {@code [..., K/block]},
 *       Triton {@code dot_scaled}'s {@code [M, K//32]}).</li>
 *   <li>{@code swizzle-128x4}: R and C are padded to R′ = ⌈R/128⌉·128 and C′ = ⌈C/4⌉·4; byte (r, c) at
 *       <pre>((r/128)·(C′/4) + c/4)·512 + (r%32)·16 + ((r%128)/32)·4 + c%4</pre>
 *       — 128×4 tiles of 512 bytes, K-tile fastest; inside a tile, rows r and r+32 are 4 bytes apart and
 *       every 32-bit word holds the 4 K-scales of one row.</li>
 * </ul>
 *
 * <p>References:
 * <ol>
 *   <li>torchao {@code prototype/mx_formats/utils.py::to_blocked} citing cuBLAS's "block scaling factors
 *       layout" (research/mx-semantics.md §3.4).</li>
 *   <li>CUTLASS {@code sm100_blockscaled_layout.hpp} {@code SfKMajorAtom}; TRT-LLM/FlashInfer
 *       {@code get_sf_out_offset_128x4}; nvmath-python {@code get_block_scale_offset}, whose published
 *       offsets (row 5, k-block 2) → 82 and (row 5, k-block 5) → 593 for C = 8 the tests reproduce
 *       (research/perf-anchors.md §3).</li>
 * </ol>
 */
public enum ScaleLayout {
    // @formatter:off
    //              id               tile rows  tile cols
    ROW_MAJOR      ("row-major",     1,         1,
            "row r, column c at r*C + c; no padding",
            "torchao default scale storage, Triton dot_scaled, OCP MX (one scale per block, in block order)"),
    SWIZZLE_128X4  ("swizzle-128x4", 128,       4,
            "128x4 tiles of 512 bytes, K-tile fastest; (r, c) -> ((r/128)*(C'/4) + c/4)*512 + (r%32)*16 + ((r%128)/32)*4 + c%4",
            "cuBLAS block scaling factors layout; CUTLASS SfKMajorAtom (sm_100/sm_120 tcgen05); torchao to_blocked");
    // @formatter:on

    /** The pad byte lowbit writes into the padding of a swizzled matrix: 0x00, as torchao's zero fill. */
    public static final byte DEFAULT_PAD = 0x00;

    private final String id;
    private final int tileRows;
    private final int tileCols;
    private final String meaning;
    private final String sources;

    ScaleLayout(String id, int tileRows, int tileCols, String meaning, String sources) {
        this.id = id;
        this.tileRows = tileRows;
        this.tileCols = tileCols;
        this.meaning = meaning;
        this.sources = sources;
    }

    /** The layout's id on the command line and in vector files. */
    public String id() { return id; }

    /** Rows are padded to a multiple of this: 128 for the swizzle, 1 for row-major. */
    public int tileRows() { return tileRows; }

    /** Columns are padded to a multiple of this: 4 for the swizzle, 1 for row-major. */
    public int tileCols() { return tileCols; }

    /** Bytes in one tile: 512 for the swizzle (128 × 4), 1 for row-major. */
    public int tileBytes() { return tileRows * tileCols; }

    /** One line for tables and explanations. */
    public String meaning() { return meaning; }

    /** The systems that store scales this way. */
    public String sources() { return sources; }

    /** Looks a layout up by its id, case-insensitively. */
    public static ScaleLayout byId(String id) {
        for (ScaleLayout layout : values()) {
            if (layout.id.equalsIgnoreCase(id)) {
                return layout;
            }
        }
        throw new IllegalArgumentException(String.format(Locale.ROOT,
                "unknown scale layout '%s'; known layouts: %s", id, ids()));
    }

    /** All layout ids, comma-separated, for error messages. */
    public static String ids() {
        return Arrays.stream(values()).map(ScaleLayout::id).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() { return id; }
}
