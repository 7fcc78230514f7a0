package org.lowbit.spec;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The block-scaled formats of lowbit, as data: a block is one shared scale code X and {@link #blockSize()}
 * element codes P_i, and its values are v_i = X · P_i (SPEC.md §8.1).
 *
 * <p>References:
 * <ol>
 *   <li>OCP Microscaling Formats (MX) v1.0, §5.1 (the block), §5.2 Table 1 (the concrete formats: k = 32,
 *       an E8M0 scale), §6.3 (conversion) (research/mx-semantics.md §1.1, §1.5).</li>
 *   <li>NVIDIA NVFP4: E2M1 elements, k = 16, a UE4M3 block scale and an optional FP32 per-tensor scale
 *       (mx-semantics.md §3.5, §5.3; CUTLASS "nv_float4 → ue4m3, SF vector 16 (not OCP)").</li>
 * </ol>
 *
 * <pre>
 *   id            element     k    scale   emax(element)   per-tensor scale
 *   mxfp8_e4m3    fp8_e4m3    32   e8m0    8               —
 *   mxfp8_e5m2    fp8_e5m2    32   e8m0    15              —
 *   mxfp6_e3m2    fp6_e3m2    32   e8m0    4               —
 *   mxfp6_e2m3    fp6_e2m3    32   e8m0    2               —
 *   mxfp4         fp4_e2m1    32   e8m0    2               —
 *   mxint8        mxint8      32   e8m0    0               —
 *   nvfp4         fp4_e2m1    16   ue4m3   2               FP32, optional (two-level)
 * </pre>
 */
public enum BlockFormat {
    // @formatter:off
    //           id             element                     k   scale               family
    MXFP8_E4M3  ("mxfp8_e4m3",  ElementFormat.FP8_E4M3,    32, ElementFormat.E8M0,  Family.MX),    // OCP MX §5.2 Table 1
    MXFP8_E5M2  ("mxfp8_e5m2",  ElementFormat.FP8_E5M2,    32, ElementFormat.E8M0,  Family.MX),    // OCP MX §5.2 Table 1
    MXFP6_E3M2  ("mxfp6_e3m2",  ElementFormat.FP6_E3M2,    32, ElementFormat.E8M0,  Family.MX),    // OCP MX §5.2 Table 1
    MXFP6_E2M3  ("mxfp6_e2m3",  ElementFormat.FP6_E2M3,    32, ElementFormat.E8M0,  Family.MX),    // OCP MX §5.2 Table 1
    MXFP4       ("mxfp4",       ElementFormat.FP4_E2M1,    32, ElementFormat.E8M0,  Family.MX),    // OCP MX §5.2 Table 1
    MXINT8      ("mxint8",      ElementFormat.MXINT8,      32, ElementFormat.E8M0,  Family.MX),    // OCP MX §5.2 Table 1
    NVFP4       ("nvfp4",       ElementFormat.FP4_E2M1,    16, ElementFormat.UE4M3, Family.NVFP4); // NVIDIA
    // @formatter:on

    /** OCP MX (a power-of-two E8M0 scale) or NVIDIA NVFP4 (a UE4M3 scale and a per-tensor FP32 scale). */
    public enum Family { MX, NVFP4 }

    private final String id;
    private final ElementFormat element;
    private final int blockSize;
    private final ElementFormat scale;
    private final Family family;

    BlockFormat(String id, ElementFormat element, int blockSize, ElementFormat scale, Family family) {
        this.id = id;
        this.element = element;
        this.blockSize = blockSize;
        this.scale = scale;
        this.family = family;
    }

    /** The format's id on the command line and in vector files, e.g. {@code mxfp4}. */
    public String id() { return id; }

    /** The format of the private elements P_i. */
    public ElementFormat element() { return element; }

    /** k, the number of elements that share one scale: 32 for MX (OCP MX §5.2), 16 for NVFP4. */
    public int blockSize() { return blockSize; }

    /** The format of the shared scale X: E8M0 for MX (OCP MX §5.4.1), UE4M3 for NVFP4. */
    public ElementFormat scale() { return scale; }

    public Family family() { return family; }

    public boolean isMx() { return family == Family.MX; }

    public boolean isNvfp4() { return family == Family.NVFP4; }

    /**
     * emax of the element format, the "emax_elem" of OCP MX §6.3 (the exponent of the largest power of
     * two the element can hold): fp8_e4m3 8, fp8_e5m2 15, fp6_e3m2 4, fp6_e2m3 2, fp4_e2m1 2, mxint8 0.
     */
    public int emax() { return element.emax(); }

    /**
     * Whether an FP32 per-tensor scale may multiply every value (NVFP4's second level); MX has none.
     */
    public boolean allowsTensorScale() { return family == Family.NVFP4; }

    /** Looks a format up by its id ({@code mxfp4}, ...), case-insensitively. */
    public static BlockFormat byId(String id) {
        for (BlockFormat f : values()) {
            if (f.id.equalsIgnoreCase(id)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown block format '" + id + "'; known formats: " + ids());
    }

    /** All format ids, comma-separated, for error messages. */
    public static String ids() {
        return Arrays.stream(values()).map(BlockFormat::id).collect(Collectors.joining(", "));
    }

    public static List<BlockFormat> all() { return List.of(values()); }

    @Override
    public String toString() { return id; }
}
