package org.lowbit.vectors.generate;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntBinaryOperator;
import org.lowbit.reference.layout.GgufBlocks;
import org.lowbit.reference.layout.LittleEndian;
import org.lowbit.spec.WeightLayout;
import org.lowbit.vectors.Flag;
import org.lowbit.vectors.HexBytes;
import org.lowbit.vectors.Level;
import org.lowbit.vectors.Operation;
import org.lowbit.vectors.Result;
import org.lowbit.vectors.VectorFile;
import org.lowbit.vectors.WeightPackGroup;
import org.lowbit.vectors.WeightPackTest;

/**
 * Weight-pack vectors for one weight layout and one code width (SPEC.md §9.3; FORMAT.md "weight-pack"): the
 * smallest shape the layout allows and a larger one with several words, groups and blocks; codes that show a
 * swapped order (row index, column index, 1..8), the boundary codes, the zero points at both ends, and the
 * worked hex of SPEC.md §9.6 (int-packing.md §1.4, §2.4, §3.2, §5.6, §7, §9), each checked against the
 * research's value while generating. Expected bytes: {@link WeightPackReference}.
 */
final class WeightPackVectors {
    private WeightPackVectors() {}

    static String path(WeightLayout layout, int bits) {
        return "weightpack/weightpack_" + layout.id() + "_b" + bits + ".json";
    }

    /** A group's shape: rows, cols, groupSize, innerKTiles. */
    private record Shape(int rows, int cols, int groupSize, int innerKTiles) {}

    private static List<Shape> shapes(WeightLayout layout, int b) {
        int m = b == 3 ? 32 : 32 / b; // the fewest codes whose K*b (and N*b) is a multiple of 32
        return switch (layout) {
            case GPTQ_V1, GPTQ_V2 -> List.of(new Shape(m, m, m, 0), new Shape(32, 64, 32, 0));
            case AWQ -> List.of(new Shape(8, 8, 8, 0), new Shape(16, 32, 16, 0));
            case HQQ -> b == 3 ? List.of(new Shape(10, 2, 0, 0), new Shape(13, 3, 0, 0), new Shape(20, 4, 0, 0))
                               : List.of(new Shape(8, 1, 0, 0), new Shape(16, 4, 0, 0));
            case UINT4X2 -> List.of(new Shape(1, 8, 0, 0), new Shape(3, 6, 0, 0));
            case CT_PACK_QUANTIZED -> List.of(new Shape(1, 32 / b, 0, 0), new Shape(4, 32, 0, 0));
            case TINYGEMM -> List.of(new Shape(8, 32, 0, 2), new Shape(16, 64, 0, 2), new Shape(8, 64, 0, 4),
                    new Shape(8, 128, 0, 8));
            case GGUF_Q4_0, GGUF_Q4_1, GGUF_Q8_0 -> List.of(new Shape(1, 32, 0, 0), new Shape(2, 64, 0, 0));
            case GGUF_Q4_K -> List.of(new Shape(1, 256, 0, 0), new Shape(2, 256, 0, 0));
        };
    }

    static VectorFile file(WeightLayout layout, int bits, Level level) {
        FileBuilder b = new FileBuilder(Operation.WEIGHT_PACK, WeightPackGroup.format(bits), VectorFile.NO_PROFILE,
                level, List.of(
                String.format(Locale.ROOT, "Pack %d-bit integer codes into the weight layout %s (SPEC.md section"
                              + " 9.3): %s.", bits, layout.id(), layout.meaning()),
                "Sources: " + layout.sources().replace("\u00a7", "section ") + ".",
                "codes: one per byte, row-major; zeros: the true zero points; blockFields: the GGUF fields besides"
                + " the codes; expected: qweight and qzeros as bytes, int32 words little-endian."));
        int max = (1 << bits) - 1;
        Map<Shape, List<WeightPackTest>> groups = new LinkedHashMap<>();
        for (Shape s : shapes(layout, bits)) {
            List<WeightPackTest> tests = groups.computeIfAbsent(s, x -> new ArrayList<>());
            int cols = s.cols();
            EnumSet<Flag> order = EnumSet.of(Flag.PACKING_ORDER);
            EnumSet<Flag> boundary = EnumSet.of(Flag.BOUNDARY_CODE);
            add(b, tests, layout, bits, s, (r, c) -> (r * cols + c + 1) & max, "codes 1, 2, 3, ... row-major (mod 2^b)",
                    order, false);
            add(b, tests, layout, bits, s, (r, c) -> c & max, "code = column index (mod 2^b)", order, false);
            add(b, tests, layout, bits, s, (r, c) -> (r + 1) & max, "code = 1 + row index (mod 2^b)", order, false);
            add(b, tests, layout, bits, s, (r, c) -> (7 * (r * cols + c) + 3 * r + 5) & max,
                    "code = 7*i + 3*row + 5 (mod 2^b)", order, false);
            add(b, tests, layout, bits, s, (r, c) -> max, "every code all ones (0x" + Integer.toHexString(max) + ")",
                    boundary, true);
            add(b, tests, layout, bits, s, (r, c) -> 0, "every code zero", boundary, false);
            add(b, tests, layout, bits, s, (r, c) -> (r + c) % 2 == 0 ? max : 0, "all-ones and zero codes alternating",
                    boundary, false);
        }
        for (Map.Entry<Shape, List<WeightPackTest>> e : groups.entrySet()) {
            Shape s = e.getKey();
            b.add(new WeightPackGroup(layout, bits, s.rows(), s.cols(), s.groupSize(), s.innerKTiles(),
                    "level1/weight-pack", 0, e.getValue()));
        }
        Map<Shape, List<WeightPackTest>> worked = new LinkedHashMap<>();
        worked(b, worked, layout, bits);
        for (Map.Entry<Shape, List<WeightPackTest>> e : worked.entrySet()) {
            Shape s = e.getKey();
            b.add(new WeightPackGroup(layout, bits, s.rows(), s.cols(), s.groupSize(), s.innerKTiles(),
                    "level1/worked-examples", 0, e.getValue()));
        }
        return b.build();
    }

    private static void worked(FileBuilder b, Map<Shape, List<WeightPackTest>> groups, WeightLayout layout, int bits) {
        EnumSet<Flag> flags = EnumSet.of(Flag.WORKED_EXAMPLE, Flag.PACKING_ORDER);
        switch (layout) {
            case GPTQ_V1, GPTQ_V2 -> {
                if (bits == 4) {
                    Shape s = new Shape(8, 8, 8, 0);
                    String z = layout == WeightLayout.GPTQ_V1 ? "0x77777777" : "0x88888888";
                    WeightPackTest t = add(b, groups.computeIfAbsent(s, x -> new ArrayList<>()), layout, bits, s,
                            (r, c) -> c + 1, (r, g) -> 8, "IP 2.3/9: codes 1..8 along K in every column -> qweight"
                            + " words 0x87654321; symmetric zero 8 -> qzeros " + z + " (IP 2.4)", flags);
                    expectWords(t.qweight(), 0x87654321, layout);
                    expectWords(t.qzeros(), layout == WeightLayout.GPTQ_V1 ? 0x77777777 : 0x88888888, layout);
                }
            }
            case AWQ -> {
                Shape s = new Shape(8, 8, 8, 0);
                WeightPackTest t = add(b, groups.computeIfAbsent(s, x -> new ArrayList<>()), layout, bits, s,
                        (r, c) -> r + 1, (r, g) -> 5, "IP 1.4/9: codes 1..8 along N -> qweight words 0x86427531 (the"
                        + " interleave [0,2,4,6,1,3,5,7]); zeros 5 -> qzeros 0x55555555", flags);
                expectWords(t.qweight(), 0x86427531, layout);
                expectWords(t.qzeros(), 0x55555555, layout);
            }
            case HQQ -> {
                if (bits == 4) {
                    Shape s = new Shape(8, 1, 0, 0);
                    WeightPackTest t = add(b, groups.computeIfAbsent(s, x -> new ArrayList<>()), layout, bits, s, (r, c) -> r + 1, null,
                            "IP 3.2/9: W_q rows 1..8 in one column -> 15 26 37 48 (first half in the high nibble)",
                            flags);
                    expectHex(t.qweight(), "15263748", layout);
                }
            }
            case UINT4X2 -> {
                Shape s = new Shape(1, 8, 0, 0);
                WeightPackTest t = add(b, groups.computeIfAbsent(s, x -> new ArrayList<>()), layout, bits, s, (r, c) -> c + 1, null,
                        "IP 7/9: codes 1..8 -> 21 43 65 87 (element 2i in the low nibble)", flags);
                expectHex(t.qweight(), "21436587", layout);
            }
            case CT_PACK_QUANTIZED -> {
                if (bits == 4) {
                    Shape s = new Shape(1, 8, 0, 0);
                    WeightPackTest t = add(b, groups.computeIfAbsent(s, x -> new ArrayList<>()), layout, bits, s, (r, c) -> c + 1, null,
                            "IP 6.4/9: the values -7..0 stored offset-binary as 1..8 -> 0x87654321", flags);
                    expectWords(t.qweight(), 0x87654321, layout);
                }
            }
            case TINYGEMM -> {
                Shape s = new Shape(8, 32, 0, 2);
                WeightPackTest t = add(b, groups.computeIfAbsent(s, x -> new ArrayList<>()), layout, bits, s, (r, c) -> c % 16, null,
                        "IP 7, measured on a device: q[n][k] = k mod 16, ikt = 2 -> word (0,0,0,0) = 0x91918080 and"
                        + " word (0,0,1,0) = 0xb3b3a2a2", flags);
                int[] w = LittleEndian.toInts(HexBytes.parse(t.qweight()));
                if (w[0] != 0x91918080 || w[1] != 0xB3B3A2A2) {
                    throw new IllegalStateException("reference disagreement with the research: tinygemm words "
                                                    + Integer.toHexString(w[0]) + " " + Integer.toHexString(w[1]));
                }
            }
            case GGUF_Q4_K -> {
                byte[] packed = HexBytes.parse("81828384858687c88192a3f4");
                int[] sc = new int[8];
                int[] m = new int[8];
                GgufBlocks.unpackQ4KScales(packed, 0, sc, 0, m, 0);
                Shape s = new Shape(1, 256, 0, 0);
                WeightPackTest t = add(b, groups.computeIfAbsent(s, x -> new ArrayList<>()), layout, bits, s, (r, c) -> c % 16, null, sc, m,
                        "IP 5.6: 6-bit scales and mins that pack to scales[12] = 81 82 83 84 85 86 87 c8 81 92 a3 f4",
                        EnumSet.of(Flag.WORKED_EXAMPLE, Flag.PACKING_ORDER));
                if (!t.qweight().substring(8, 32).equals("81828384858687c88192a3f4")) {
                    throw new IllegalStateException("reference disagreement with the research: q4_k scales "
                                                    + t.qweight().substring(8, 32));
                }
            }
            default -> {
            }
        }
    }

    private static void expectWords(String hex, int word, WeightLayout layout) {
        for (int w : LittleEndian.toInts(HexBytes.parse(hex))) {
            if (w != word) {
                throw new IllegalStateException(String.format(Locale.ROOT,
                        "reference disagreement with the research: %s word 0x%08x, not 0x%08x", layout, w, word));
            }
        }
    }

    private static void expectHex(String hex, String expected, WeightLayout layout) {
        if (!hex.equals(expected)) {
            throw new IllegalStateException("reference disagreement with the research: " + layout + " " + hex
                                            + ", not " + expected);
        }
    }

    private static void add(FileBuilder b, List<WeightPackTest> tests, WeightLayout layout, int bits, Shape s,
                            IntBinaryOperator code, String label, EnumSet<Flag> flags, boolean maxZeros) {
        int max = (1 << bits) - 1;
        // zero points are one byte each: gptq-v1's 8-bit top zero 256 (stored 0xff) does not fit, 255 is used
        boolean v1 = layout == WeightLayout.GPTQ_V1;
        int topZero = v1 && bits < 8 ? max + 1 : max;
        IntBinaryOperator zero = maxZeros ? (r, g) -> topZero
                                          : (r, g) -> v1 ? (r + 3 * g) % Math.min(max + 1, 255) + 1 : (r + 3 * g) & max;
        add(b, tests, layout, bits, s, code, zero, label + (WeightPackGroup.storesZeros(layout)
                ? maxZeros ? "; every zero point at its top (" + (v1 && bits < 8 ? "2^b, stored all ones"
                                                                                 : Integer.toString(max)) + ")"
                           : v1 ? "; zero (r, g) = (r + 3g) mod min(2^b, 255) + 1" : "; zero (r, g) = (r + 3g) mod 2^b"
                : ""), flags);
    }

    private static WeightPackTest add(FileBuilder b, List<WeightPackTest> tests, WeightLayout layout, int bits, Shape s,
                                      IntBinaryOperator code, IntBinaryOperator zero, String label,
                                      EnumSet<Flag> flags) {
        int blocks = layout.blockWeights() == 0 ? 0 : s.rows() * s.cols() / layout.blockWeights();
        int[] sc = new int[8 * blocks];
        int[] m = new int[8 * blocks];
        boolean top = label.contains("all ones (");
        for (int i = 0; i < sc.length; i++) {
            sc[i] = top ? 63 : (9 * (i % 8) + 5 * (i / 8) + 1) & 63;
            m[i] = top ? 63 : (5 * (i % 8) + 3 * (i / 8) + 34) & 63;
        }
        return add(b, tests, layout, bits, s, code, zero, sc, m, label, flags);
    }

    private static WeightPackTest add(FileBuilder b, List<WeightPackTest> tests, WeightLayout layout, int bits, Shape s,
                                      IntBinaryOperator code, IntBinaryOperator zero, int[] sc, int[] m, String label,
                                      EnumSet<Flag> flags) {
        int rows = s.rows();
        int cols = s.cols();
        byte[] codes = new byte[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                codes[r * cols + c] = (byte) code.applyAsInt(r, c);
            }
        }
        byte[] zeros = new byte[0];
        if (WeightPackGroup.storesZeros(layout)) {
            int groups = cols / s.groupSize();
            zeros = new byte[rows * groups];
            for (int r = 0; r < rows; r++) {
                for (int g = 0; g < groups; g++) {
                    zeros[r * groups + g] = (byte) zero.applyAsInt(r, g);
                }
            }
        }
        int per = WeightPackGroup.blockFieldBytesPerBlock(layout);
        int blocks = layout.blockWeights() == 0 ? 0 : rows * cols / layout.blockWeights();
        byte[] fields = new byte[blocks * per];
        for (int i = 0; i < blocks; i++) {
            LittleEndian.putShort(fields, i * per, (short) (0x3c00 + i));
            if (per >= 4) {
                LittleEndian.putShort(fields, i * per + 2, (short) (0xbc00 + i));
            }
            if (per == 20) {
                for (int j = 0; j < 8; j++) {
                    fields[i * per + 4 + j] = (byte) sc[8 * i + j];
                    fields[i * per + 12 + j] = (byte) m[8 * i + j];
                }
            }
        }
        String[] packed = WeightPackReference.pack(layout, bits, rows, cols, s.groupSize(), s.innerKTiles(),
                HexBytes.of(codes), HexBytes.of(zeros), HexBytes.of(fields));
        String comment = String.format(Locale.ROOT, "%dx%d%s%s: %s -> qweight %s%s", rows, cols,
                s.groupSize() == 0 ? "" : ", groups of " + s.groupSize(),
                s.innerKTiles() == 0 ? "" : ", innerKTiles " + s.innerKTiles(), label, head(packed[0]),
                packed[1].isEmpty() ? "" : ", qzeros " + head(packed[1]));
        WeightPackTest t = new WeightPackTest(b.nextId(), comment, b.flags(flags), HexBytes.of(codes),
                HexBytes.of(zeros), HexBytes.of(fields), packed[0], packed[1], Result.VALID);
        tests.add(t);
        return t;
    }

    private static String head(String hex) {
        return hex.length() <= 16 ? hex : hex.substring(0, 16) + "...";
    }
}
