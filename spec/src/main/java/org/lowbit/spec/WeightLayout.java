package org.lowbit.spec;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How a matrix of low-bit integer weight codes (and, where the format packs them, its zero points) is
 * stored by a real system (normative text: {@code SPEC.md §9} §3; facts:
 * research/int-packing.md).
 *
 * <p>The logical input of every layout is the code matrix of a linear weight W[N][K] (N output
 * features, K the reduction dimension, {@code nn.Linear.weight} order), row-major: code (n, k) at
 * n·K + k; zero points, where packed, are the matrix Z[N][K/G] (one per output row and group of G
 * consecutive K), row-major. HQQ alone packs whatever 2-D matrix it is given (its W_q, rows R and
 * columns C). Codes are unsigned b-bit integers (a signed int4 is stored as its 4-bit pattern, or with
 * the format's offset, e.g. GGUF's q + 8).
 *
 * <p>Pictures (nibble i = bits 4i..4i+3 of a little-endian int32 word; q[n][k] a code):
 * <pre>
 *   gptq-v1/v2   qweight [K·b/32][N]: column n's codes along K form an LSB-first bit stream over the
 *                words of that column (b = 4: nibble i of word (r, n) = q[n][8r + i]);
 *                qzeros [K/G][N·b/32]: the same stream along N; v1 stores z − 1, v2 stores z
 *   awq          qweight [K][N/8]: nibble i of word (k, c) = q[8c + [0,2,4,6,1,3,5,7][i]][k]; qzeros likewise
 *   hqq          uint8 [R/2][C]: byte (r, c) = W_q[r][c] &lt;&lt; 4 | W_q[r + R/2][c] (first half high);
 *                2-, 1-bit and 3-bit (int32, 10 planes, bits 27−3i) alike
 *   uint4x2      uint8, element 2i low nibble, over the row-major flattening (torch quint4x2)
 *   ct-pack-quantized  int32 [N][K·b/32], LSB-first along K (compressed-tensors pack_to_int32)
 *   tinygemm     int32 [N/8][K/(16·ikt)][32][ikt/2] (torch _convert_weight_to_int4pack)
 *   gguf-q4_0    18-byte blocks of 32: fp16 d, qs[j] = q[j] | q[j+16] &lt;&lt; 4
 *   gguf-q4_1    20-byte blocks of 32: fp16 d, fp16 m, qs as q4_0
 *   gguf-q8_0    34-byte blocks of 32: fp16 d, 32 int8 codes
 *   gguf-q4_k    144-byte blocks of 256: fp16 d, fp16 dmin, 12 bytes of 6-bit scales and mins, qs[128]
 * </pre>
 */
public enum WeightLayout {
    // @formatter:off
    //               id                     bits            container             zero points                block: weights bytes
    GPTQ_V1         ("gptq-v1",             bits(2, 3, 4, 8), Container.INT32_WORDS, ZeroPoints.STORED_MINUS_ONE, 0,   0,
            "qweight [K*b/32][N] LSB-first along K; qzeros [K/G][N*b/32] along N, stored zero - 1",
            "AutoGPTQ qlinear_cuda_old.py QuantLinear.pack; exllama q4_matmul.cu (+1); int-packing.md §2.2-§2.4, §2.6"),
    GPTQ_V2         ("gptq-v2",             bits(2, 3, 4, 8), Container.INT32_WORDS, ZeroPoints.STORED,           0,   0,
            "as gptq-v1, qzeros store the true zero",
            "GPTQModel checkpoint_format gptq_v2; int-packing.md §2.4"),
    AWQ             ("awq",                 bits(4),          Container.INT32_WORDS, ZeroPoints.STORED,           0,   0,
            "qweight [K][N/8], qzeros [K/G][N/8]; nibble i = column 8c + [0,2,4,6,1,3,5,7][i]",
            "AutoAWQ WQLinear_GEMM.from_linear; llm-awq v1 WQLinear; int-packing.md §1.2-§1.4"),
    HQQ             ("hqq",                 bits(1, 2, 3, 4, 8), Container.PLANES,   ZeroPoints.NONE,             0,   0,
            "planar along dim 0, first plane in the most significant bits; uint8 (1/2/4/8-bit), int32 (3-bit)",
            "mobiusml/hqq core/bitpack.py BitPack; int-packing.md §3.2"),
    UINT4X2         ("uint4x2",             bits(4),          Container.BYTES,       ZeroPoints.NONE,             0,   0,
            "two codes per byte over the row-major flattening, element 2i in the low nibble",
            "PyTorch quint4x2 and float4_e2m1fn_x2; int-packing.md §7"),
    CT_PACK_QUANTIZED("ct-pack-quantized",  bits(2, 4, 8),    Container.INT32_WORDS, ZeroPoints.NONE,             0,   0,
            "int32 [N][K*b/32], 32/b codes per word LSB-first along K",
            "compressed-tensors pack_quantized.py pack_to_int32 (power-of-two b); int-packing.md §6.4, §9"),
    TINYGEMM        ("tinygemm",            bits(4),          Container.INT32_WORDS, ZeroPoints.NONE,             0,   0,
            "int32 [N/8][K/(16*ikt)][32][ikt/2], the mma.m16n8k16 B-fragment order, ikt in {2, 4, 8}",
            "PyTorch int4mm.cu _convert_weight_to_int4pack (input uint8 [N][K/2], even k high); int-packing.md §7"),
    GGUF_Q4_0       ("gguf-q4_0",           bits(4),          Container.BLOCKS,      ZeroPoints.NONE,             32,  18,
            "block {fp16 d; uint8 qs[16]}, qs[j] low nibble = element j, high nibble = element j + 16",
            "ggml ggml-common.h block_q4_0, ggml-quants.c dequantize_row_q4_0; int-packing.md §5.1"),
    GGUF_Q4_1       ("gguf-q4_1",           bits(4),          Container.BLOCKS,      ZeroPoints.NONE,             32,  20,
            "block {fp16 d; fp16 m; uint8 qs[16]}, nibbles as q4_0",
            "ggml ggml-common.h block_q4_1; int-packing.md §5.1, §5.3"),
    GGUF_Q8_0       ("gguf-q8_0",           bits(8),          Container.BLOCKS,      ZeroPoints.NONE,             32,  34,
            "block {fp16 d; int8 qs[32]}, element j in qs[j]",
            "ggml ggml-common.h block_q8_0; int-packing.md §5.1, §5.4"),
    GGUF_Q4_K       ("gguf-q4_k",           bits(4),          Container.BLOCKS,      ZeroPoints.NONE,             256, 144,
            "block {fp16 d; fp16 dmin; uint8 scales[12]; uint8 qs[128]}; per 64 elements, low nibbles 0-31, high 32-63",
            "ggml ggml-common.h block_q4_K, get_scale_min_k4, dequantize_row_q4_K; int-packing.md §5.1, §5.5");
    // @formatter:on

    /** What the packed tensor is made of. */
    public enum Container {
        /** 32-bit words, serialized little-endian (safetensors stores int32 little-endian, C order). */
        INT32_WORDS,
        /** Bytes. */
        BYTES,
        /** HQQ planes: bytes for 1-, 2-, 4- and 8-bit codes, int32 words for 3-bit. */
        PLANES,
        /** Fixed-size structs of {@link #blockWeights()} elements, fp16 fields little-endian. */
        BLOCKS
    }

    /** Whether and how the layout packs integer zero points beside the codes. */
    public enum ZeroPoints {
        /** The layout packs no zero points (none, implicit, a float beside it, or a field of the block). */
        NONE,
        /** Packed like the codes, true zero z stored as z − 1 (GPTQ "v1"; readers add 1 back). */
        STORED_MINUS_ONE,
        /** Packed like the codes, the true zero stored as is. */
        STORED
    }

    private final String id;
    private final int[] bits;
    private final Container container;
    private final ZeroPoints zeroPoints;
    private final int blockWeights;
    private final int blockBytes;
    private final String meaning;
    private final String sources;

    WeightLayout(String id, int[] bits, Container container, ZeroPoints zeroPoints, int blockWeights,
                 int blockBytes, String meaning, String sources) {
        this.id = id;
        this.bits = bits;
        this.container = container;
        this.zeroPoints = zeroPoints;
        this.blockWeights = blockWeights;
        this.blockBytes = blockBytes;
        this.meaning = meaning;
        this.sources = sources;
    }

    private static int[] bits(int... widths) { return widths; }

    /** The layout's id on the command line and in vector files, e.g. {@code gptq-v1}. */
    public String id() { return id; }

    /** The code widths the layout is defined for, ascending. */
    public int[] bitWidths() { return bits.clone(); }

    /** Whether the layout is defined for {@code b}-bit codes. */
    public boolean supportsBits(int b) {
        return Arrays.stream(bits).anyMatch(w -> w == b);
    }

    public Container container() { return container; }

    public ZeroPoints zeroPoints() { return zeroPoints; }

    /** Elements per block for the GGUF block structs (32 or 256); 0 for the others. */
    public int blockWeights() { return blockWeights; }

    /** Bytes per block for the GGUF block structs (18, 20, 34, 144); 0 for the others. */
    public int blockBytes() { return blockBytes; }

    /** One line for tables and explanations. */
    public String meaning() { return meaning; }

    /** The code and the research section it follows. */
    public String sources() { return sources; }

    /** Looks a layout up by its id, case-insensitively ({@code gguf-q4_0} and {@code gguf-q4-0} both work). */
    public static WeightLayout byId(String id) {
        for (WeightLayout layout : values()) {
            if (layout.id.equalsIgnoreCase(id) || layout.id.replace('_', '-').equalsIgnoreCase(id)) {
                return layout;
            }
        }
        throw new IllegalArgumentException(String.format(Locale.ROOT,
                "unknown weight layout '%s'; known layouts: %s", id, ids()));
    }

    /** All layout ids, comma-separated, for error messages. */
    public static String ids() {
        return Arrays.stream(values()).map(WeightLayout::id).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() { return id; }
}
