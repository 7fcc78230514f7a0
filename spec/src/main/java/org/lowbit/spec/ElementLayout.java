package org.lowbit.spec;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How a stream of element codes, in logical order, is stored in bytes (DESIGN.md §1, knob "packing";
 * normative text: {@code SPEC.md §9} §1). A layout fills whole <em>containers</em>: a
 * container holds {@link #codesPerContainer()} codes in {@link #bytesPerContainer()} bytes.
 *
 * <p>Bit pictures, most significant bit first; e<sub>i</sub> is the code of element i:
 * <pre>
 *   unpacked           byte i  = 0..0 e_i              (code LSB-aligned, pad bits above it zero)
 *   nibble-low-first   byte i  = e_{2i+1} e_{2i}       (element 2i in bits 3..0)
 *   nibble-high-first  byte i  = e_{2i} e_{2i+1}       (element 2i in bits 7..4)
 *   fp6-4in3           code i at bits 6i..6i+5 of an LSB-first bit stream; stream bit b is bit b%8
 *                      of byte b/8 (4 codes in 3 bytes; lowbit's definition, see below)
 *   f8f6f4-container   fp8: byte = e;  fp6: byte = 00 eeeeee;  fp4: byte = 00 eeee 00
 * </pre>
 *
 * <p>References:
 * <ol>
 *   <li>torchao {@code prototype/mx_formats/kernels.py::pack_uint4}, {@code unpack_uint4}: element 2i in
 *       the low nibble; FP6 one code per uint8, LSB-aligned (research/mx-semantics.md §3.4).</li>
 *   <li>PTX ISA {@code cvt}: e2m1x2 {@code d[7:4] = convert(a); d[3:0] = convert(b)}; e2m3x2/e3m2x2 a 6-bit code
 *       in the low 6 bits of each byte; CUDA's {@code __nv_cvt_float2_to_fp4x2} passes x.x as b, so element 0
 *       lands in the low nibble (mx-semantics.md §5.1).</li>
 *   <li>PTX {@code mma}/{@code tcgen05.mma} {@code .kind::f8f6f4}: each 4- and 6-bit element in an 8-bit
 *       container, e2m1 in the central 4 bits, e3m2/e2m3 in the low 6 bits (mx-semantics.md §5.3, §7 D17-D18).</li>
 *   <li>Triton {@code tl.dot_scaled}: "first element in lower bits"; PyTorch {@code float4_e2m1fn_x2} and
 *       {@code quint4x2}: element 0 in the low nibble (mx-semantics.md §6.1; research/int-packing.md §7).</li>
 *   <li>CUDA driver API {@code CU_TENSOR_MAP_DATA_TYPE_16U6_ALIGN16B}: 16 six-bit values in 12 bytes; the
 *       bit order inside those 12 bytes was <b>not found</b> in any source read (mx-semantics.md §5.3, §8).
 *       {@code fp6-4in3} is lowbit's own definition, not a claim about TMA.</li>
 * </ol>
 */
public enum ElementLayout {
    // @formatter:off
    //                 id                   aliases                         codes bytes
    UNPACKED          ("unpacked",          List.of("byte", "fp6-byte"),    1,    1,
            "one code per byte, LSB-aligned, the bits above it zero",
            "torchao FP6 storage; ml_dtypes one element per byte; every 8-bit format"),
    NIBBLE_LOW_FIRST  ("nibble-low-first",  List.of("fp4-low-first"),       2,    1,
            "two 4-bit codes per byte, element 2i in the low nibble",
            "torchao pack_uint4, Triton dot_scaled, CUDA __nv_cvt_float2_to_fp4x2, ModelOpt, torch float4_e2m1fn_x2 / quint4x2"),
    NIBBLE_HIGH_FIRST ("nibble-high-first", List.of("fp4-high-first"),      2,    1,
            "two 4-bit codes per byte, element 2i in the high nibble",
            "PTX cvt e2m1x2 operand order (a -> d[7:4]); torchao's tinygemm input bytes"),
    FP6_4IN3          ("fp6-4in3",          List.of(),                      4,    3,
            "four 6-bit codes in three bytes, an LSB-first bit stream (lowbit's definition)",
            "lowbit; the CUDA TMA 16U6 bit order was not found in any source"),
    F8F6F4_CONTAINER  ("f8f6f4-container",  List.of(),                      1,    1,
            "one code per byte: fp8 whole, fp6 in bits 5..0, fp4 in bits 5..2",
            "PTX mma / tcgen05.mma .kind::f8f6f4 and .kind::mxf8f6f4 operands; CUTLASS *_unpacksmem_t types");
    // @formatter:on

    private final String id;
    private final List<String> aliases;
    private final int codesPerContainer;
    private final int bytesPerContainer;
    private final String meaning;
    private final String sources;

    ElementLayout(String id, List<String> aliases, int codesPerContainer, int bytesPerContainer,
                  String meaning, String sources) {
        this.id = id;
        this.aliases = aliases;
        this.codesPerContainer = codesPerContainer;
        this.bytesPerContainer = bytesPerContainer;
        this.meaning = meaning;
        this.sources = sources;
    }

    /** The layout's id on the command line and in vector files, e.g. {@code nibble-low-first}. */
    public String id() { return id; }

    /** Other names {@link #byId} accepts ({@code fp4-low-first} for {@code nibble-low-first}, ...). */
    public List<String> aliases() { return aliases; }

    /** Codes in one container: 1 (unpacked, f8f6f4-container), 2 (nibbles), 4 (fp6-4in3). */
    public int codesPerContainer() { return codesPerContainer; }

    /** Bytes in one container: 1, except fp6-4in3 (3). */
    public int bytesPerContainer() { return bytesPerContainer; }

    /** One line for tables and explanations. */
    public String meaning() { return meaning; }

    /** The systems that store codes this way. */
    public String sources() { return sources; }

    /**
     * Whether this layout can hold codes of {@code format}: unpacked holds every format (all are at most
     * 8 bits wide); the nibble layouts hold 4-bit formats (fp4_e2m1, int4, uint4); fp6-4in3 the 6-bit
     * formats; the f8f6f4 container exactly the five operand types of {@code .kind::f8f6f4}
     * (e4m3, e5m2, e3m2, e2m3, e2m1).
     */
    public boolean supports(ElementFormat format) {
        return switch (this) {
            case UNPACKED -> format.bits() <= 8;
            case NIBBLE_LOW_FIRST, NIBBLE_HIGH_FIRST -> format.bits() == 4;
            case FP6_4IN3 -> format.bits() == 6;
            case F8F6F4_CONTAINER -> format == ElementFormat.FP8_E4M3 || format == ElementFormat.FP8_E5M2
                                     || format == ElementFormat.FP6_E3M2 || format == ElementFormat.FP6_E2M3
                                     || format == ElementFormat.FP4_E2M1;
        };
    }

    /**
     * The lowest bit of a code inside its byte in the layouts that hold one code per byte:
     * 2 for fp4 in the f8f6f4 container, otherwise 0.
     */
    public int fieldShift(ElementFormat format) {
        return this == F8F6F4_CONTAINER && format.bits() == 4 ? 2 : 0;
    }

    /** Looks a layout up by its id or an alias, case-insensitively. */
    public static ElementLayout byId(String id) {
        for (ElementLayout layout : values()) {
            if (layout.id.equalsIgnoreCase(id)
                || layout.aliases.stream().anyMatch(a -> a.equalsIgnoreCase(id))) {
                return layout;
            }
        }
        throw new IllegalArgumentException(String.format(Locale.ROOT,
                "unknown element layout '%s'; known layouts: %s", id, ids()));
    }

    /** All layout ids, comma-separated, for error messages. */
    public static String ids() {
        return Arrays.stream(values()).map(ElementLayout::id).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() { return id; }
}
