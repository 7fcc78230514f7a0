package org.lowbit.vectors.generate;

import java.util.Arrays;
import org.lowbit.reference.layout.AwqPacking;
import org.lowbit.reference.layout.CompressedTensorsPacking;
import org.lowbit.reference.layout.GgufBlocks;
import org.lowbit.reference.layout.GptqPacking;
import org.lowbit.reference.layout.HqqPacking;
import org.lowbit.reference.layout.LittleEndian;
import org.lowbit.reference.layout.TinygemmPacking;
import org.lowbit.reference.layout.Uint4x2Packing;
import org.lowbit.spec.WeightLayout;
import org.lowbit.vectors.HexBytes;
import org.lowbit.vectors.WeightPackGroup;

/**
 * What the lowbit reference ({@code org.lowbit.reference.layout}) packs for one weight-pack test: the
 * generator's expected values and {@code verify --write-results}' answers. Every packing is unpacked again
 * and compared, so a packer that does not invert its unpacker aborts generation.
 */
public final class WeightPackReference {
    private WeightPackReference() {}

    /** {qweight, qzeros} as hex; qzeros is empty when the layout packs none. */
    public static String[] pack(WeightPackGroup g, String codesHex, String zerosHex, String fieldsHex) {
        return pack(g.layout(), g.bits(), g.rows(), g.cols(), g.groupSize(), g.innerKTiles(), codesHex, zerosHex,
                fieldsHex);
    }

    /** {qweight, qzeros} as hex for a group's parameters. */
    public static String[] pack(WeightLayout layout, int bits, int rows, int cols, int groupSize, int innerKTiles,
                                String codesHex, String zerosHex, String fieldsHex) {
        Group g = new Group(layout, bits, rows, cols, groupSize, innerKTiles);
        int[] codes = unsigned(HexBytes.parse(codesHex));
        int[] zeros = unsigned(HexBytes.parse(zerosHex));
        byte[] fields = HexBytes.parse(fieldsHex);
        int n = g.rows();
        int k = g.cols();
        int b = g.bits();
        int groups = g.groupSize() == 0 ? 0 : k / g.groupSize();
        byte[] qweight;
        byte[] qzeros = new byte[0];
        int[] back;
        switch (g.layout()) {
            case GPTQ_V1, GPTQ_V2 -> {
                int[] w = GptqPacking.packWeights(codes, n, k, b);
                int[] z = GptqPacking.packZeros(g.layout(), zeros, n, groups, b);
                qweight = LittleEndian.toBytes(w);
                qzeros = LittleEndian.toBytes(z);
                back = GptqPacking.unpackWeights(w, n, k, b);
                same(zeros, GptqPacking.unpackZeros(g.layout(), z, n, groups, b), g);
            }
            case AWQ -> {
                int[] w = AwqPacking.packWeights(codes, n, k);
                int[] z = AwqPacking.packZeros(zeros, n, groups);
                qweight = LittleEndian.toBytes(w);
                qzeros = LittleEndian.toBytes(z);
                back = AwqPacking.unpackWeights(w, n, k);
                same(zeros, AwqPacking.unpackZeros(z, n, groups), g);
            }
            case HQQ -> {
                if (b == 3) {
                    int[] w = HqqPacking.pack3Bit(codes, n, k);
                    qweight = LittleEndian.toBytes(w);
                    back = HqqPacking.unpack3Bit(w, n, k);
                } else {
                    qweight = HqqPacking.pack(codes, n, k, b);
                    back = HqqPacking.unpack(qweight, n, k, b);
                }
            }
            case UINT4X2 -> {
                qweight = Uint4x2Packing.pack(codes, n, k);
                back = Uint4x2Packing.unpack(qweight, n, k);
            }
            case CT_PACK_QUANTIZED -> {
                int[] w = CompressedTensorsPacking.pack(codes, n, k, b);
                qweight = LittleEndian.toBytes(w);
                back = CompressedTensorsPacking.unpack(w, n, k, b);
            }
            case TINYGEMM -> {
                int[] w = TinygemmPacking.pack(codes, n, k, g.innerKTiles());
                qweight = LittleEndian.toBytes(w);
                back = TinygemmPacking.unpack(w, n, k, g.innerKTiles());
            }
            case GGUF_Q4_0, GGUF_Q4_1, GGUF_Q8_0, GGUF_Q4_K -> {
                int blocks = codes.length / g.layout().blockWeights();
                int per = WeightPackGroup.blockFieldBytesPerBlock(g.layout());
                short[] d = new short[blocks];
                short[] m = new short[blocks];
                int[] sc = new int[8 * blocks];
                int[] mins = new int[8 * blocks];
                for (int i = 0; i < blocks; i++) {
                    d[i] = LittleEndian.getShort(fields, i * per);
                    if (per >= 4) {
                        m[i] = LittleEndian.getShort(fields, i * per + 2);
                    }
                    if (per == 20) {
                        for (int j = 0; j < 8; j++) {
                            sc[8 * i + j] = fields[i * per + 4 + j] & 0xFF;
                            mins[8 * i + j] = fields[i * per + 12 + j] & 0xFF;
                        }
                    }
                }
                back = new int[codes.length];
                short[] d2 = new short[blocks];
                short[] m2 = new short[blocks];
                int[] sc2 = new int[8 * blocks];
                int[] mins2 = new int[8 * blocks];
                switch (g.layout()) {
                    case GGUF_Q4_0 -> {
                        qweight = GgufBlocks.packQ4_0(d, codes);
                        GgufBlocks.unpackQ4_0(qweight, d2, back);
                    }
                    case GGUF_Q4_1 -> {
                        qweight = GgufBlocks.packQ4_1(d, m, codes);
                        GgufBlocks.unpackQ4_1(qweight, d2, m2, back);
                    }
                    case GGUF_Q8_0 -> {
                        qweight = GgufBlocks.packQ8_0(d, codes);
                        GgufBlocks.unpackQ8_0(qweight, d2, back);
                    }
                    default -> {
                        qweight = GgufBlocks.packQ4_K(d, m, sc, mins, codes);
                        GgufBlocks.unpackQ4_K(qweight, d2, m2, sc2, mins2, back);
                        same(sc, sc2, g);
                        same(mins, mins2, g);
                    }
                }
                if (!Arrays.equals(d, d2) || (per >= 4 && !Arrays.equals(m, m2))) {
                    throw new IllegalStateException("reference disagreement: " + g.layout() + " block fields do not"
                                                    + " unpack to what was packed");
                }
            }
            default -> throw new IllegalArgumentException("no weight-pack reference for " + g.layout());
        }
        same(codes, back, g);
        return new String[] {HexBytes.of(qweight), HexBytes.of(qzeros)};
    }

    private static void same(int[] packed, int[] unpacked, Group g) {
        if (!Arrays.equals(packed, unpacked)) {
            throw new IllegalStateException("reference disagreement, generation aborted: " + g.layout() + " b"
                                            + g.bits() + " " + g.rows() + "x" + g.cols()
                                            + " does not unpack what it packed");
        }
    }

    private record Group(WeightLayout layout, int bits, int rows, int cols, int groupSize, int innerKTiles) {}

    private static int[] unsigned(byte[] bytes) {
        int[] out = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = bytes[i] & 0xFF;
        }
        return out;
    }
}
