package org.lowbit.vectors;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.lowbit.spec.BlockKnobs;
import org.lowbit.spec.ElementKnobs;

/**
 * Writes a {@link VectorFile} as canonical JSON (FORMAT.md §4): ASCII only, keys in a fixed order, a
 * 2-space indent, {@code \n} line ends and a final newline, and every test object on one line of its own.
 * Every number in a file is an integer; every bit pattern is a hex string. The same file always gives the
 * same bytes.
 */
public final class VectorJsonWriter {
    private VectorJsonWriter() {}

    /** The file's bytes (ASCII). */
    public static byte[] bytes(VectorFile file) {
        return write(file).getBytes(StandardCharsets.US_ASCII);
    }

    /** The file's text. @throws IllegalArgumentException if a string holds a character outside ASCII */
    public static String write(VectorFile file) {
        StringBuilder s = new StringBuilder(1 << 16);
        s.append("{\n");
        field(s, 1, "schema").append(str(file.schema())).append(",\n");
        field(s, 1, "suiteVersion").append(str(file.suiteVersion())).append(",\n");
        field(s, 1, "operation").append(str(file.operation().id())).append(",\n");
        field(s, 1, "format").append(str(file.format())).append(",\n");
        field(s, 1, "profile").append(str(file.profile())).append(",\n");
        field(s, 1, "level").append(str(file.level().id())).append(",\n");
        field(s, 1, "numberOfTests").append(file.numberOfTests()).append(",\n");
        field(s, 1, "header");
        stringArray(s, 1, file.header());
        s.append(",\n");
        field(s, 1, "notes");
        notes(s, file.notes());
        s.append(",\n");
        field(s, 1, "testGroups").append("[");
        List<TestGroup> groups = file.testGroups();
        for (int i = 0; i < groups.size(); i++) {
            s.append(i == 0 ? "\n" : ",\n");
            group(s, groups.get(i));
        }
        s.append(groups.isEmpty() ? "]\n" : "\n  ]\n");
        s.append("}\n");
        return s.toString();
    }

    private static void notes(StringBuilder s, Map<String, Note> notes) {
        if (notes.isEmpty()) {
            s.append("{}");
            return;
        }
        s.append("{");
        boolean first = true;
        for (Map.Entry<String, Note> e : notes.entrySet()) {
            s.append(first ? "\n" : ",\n");
            first = false;
            Note n = e.getValue();
            field(s, 2, e.getKey()).append("{\n");
            field(s, 3, "bugType").append(str(n.bugType())).append(",\n");
            field(s, 3, "description").append(str(n.description())).append(",\n");
            field(s, 3, "links");
            stringArray(s, 3, n.links());
            s.append("\n");
            indent(s, 2).append("}");
        }
        s.append("\n");
        indent(s, 1).append("}");
    }

    private static void group(StringBuilder s, TestGroup group) {
        indent(s, 2).append("{\n");
        field(s, 3, "type").append(str(group.operation().id())).append(",\n");
        switch (group) {
            case DecodeGroup g -> field(s, 3, "format").append(str(g.format().id())).append(",\n");
            case EncodeGroup g -> {
                field(s, 3, "source").append(str(g.source().id())).append(",\n");
                field(s, 3, "format").append(str(g.format().id())).append(",\n");
                field(s, 3, "profile").append(str(g.profile().id())).append(",\n");
                field(s, 3, "knobs");
                elementKnobs(s, 3, g.knobs());
                s.append(",\n");
            }
            case QuantizeGroup g -> {
                field(s, 3, "format").append(str(g.format().id())).append(",\n");
                field(s, 3, "profile").append(str(g.profile().id())).append(",\n");
                field(s, 3, "source").append(str(g.source().id())).append(",\n");
                field(s, 3, "knobs");
                blockKnobs(s, 3, g.knobs());
                s.append(",\n");
                field(s, 3, "elementKnobs");
                elementKnobs(s, 3, g.elementKnobs());
                s.append(",\n");
                field(s, 3, "blockSize").append(g.blockSize()).append(",\n");
                field(s, 3, "rowLength").append(g.rowLength()).append(",\n");
                field(s, 3, "rows").append(g.rows()).append(",\n");
                field(s, 3, "elementLayout").append(str(g.elementLayout().id())).append(",\n");
                field(s, 3, "scaleLayout").append(str(g.scaleLayout().id())).append(",\n");
                field(s, 3, "tensorScale").append(str(g.tensorScale().id())).append(",\n");
            }
            case PackGroup g -> {
                field(s, 3, "layout").append(str(g.layout().id())).append(",\n");
                field(s, 3, "format").append(str(g.format().id())).append(",\n");
            }
            case ScaledQuantizeGroup g -> {
                field(s, 3, "format").append(str(g.format().id())).append(",\n");
                field(s, 3, "profile").append(str(g.profile().id())).append(",\n");
                field(s, 3, "source").append(str(g.source().id())).append(",\n");
                field(s, 3, "knobs").append("{\n");
                List<String[]> knobs = scaledKnobs(g.knobs());
                for (int i = 0; i < knobs.size(); i++) {
                    String[] kv = knobs.get(i);
                    field(s, 4, kv[0]).append(kv[0].equals("groupSize") ? kv[1] : str(kv[1]))
                     .append(i + 1 < knobs.size() ? ",\n" : "\n");
                }
                indent(s, 3).append("},\n");
                field(s, 3, "elementFormat").append(str(g.elementFormat().id())).append(",\n");
                field(s, 3, "zeroPoint").append(str(g.zeroPoint().name())).append(",\n");
                field(s, 3, "rows").append(g.rows()).append(",\n");
                field(s, 3, "cols").append(g.cols()).append(",\n");
                field(s, 3, "blockRows").append(g.blockRows()).append(",\n");
                field(s, 3, "blockCols").append(g.blockCols()).append(",\n");
                field(s, 3, "dequantized").append(str(ScaledQuantizeGroup.DEQUANTIZED)).append(",\n");
            }
            case WeightPackGroup g -> {
                field(s, 3, "layout").append(str(g.layout().id())).append(",\n");
                field(s, 3, "bits").append(g.bits()).append(",\n");
                field(s, 3, "rows").append(g.rows()).append(",\n");
                field(s, 3, "cols").append(g.cols()).append(",\n");
                field(s, 3, "groupSize").append(g.groupSize()).append(",\n");
                field(s, 3, "innerKTiles").append(g.innerKTiles()).append(",\n");
            }
            case ScalePackGroup g -> {
                field(s, 3, "layout").append(str(g.layout().id())).append(",\n");
                field(s, 3, "rows").append(g.rows()).append(",\n");
                field(s, 3, "cols").append(g.cols()).append(",\n");
                field(s, 3, "padByte").append(str(String.format(Locale.ROOT, "%02x", g.padByte()))).append(",\n");
            }
        }
        field(s, 3, "generator").append(str(group.generator())).append(",\n");
        field(s, 3, "seed").append(str(TestGroup.seedText(group.seed()))).append(",\n");
        field(s, 3, "tests").append("[");
        List<? extends TestCase> tests = group.tests();
        for (int i = 0; i < tests.size(); i++) {
            s.append(i == 0 ? "\n" : ",\n");
            indent(s, 4);
            test(s, tests.get(i));
        }
        s.append("\n");
        indent(s, 3).append("]\n");
        indent(s, 2).append("}");
    }

    /** One test on one line: tcId, comment, flags, the inputs, expected, result. */
    private static void test(StringBuilder s, TestCase test) {
        s.append("{\"tcId\": ").append(test.tcId());
        s.append(", \"comment\": ").append(str(test.comment()));
        s.append(", \"flags\": [");
        List<String> flags = test.flags();
        for (int i = 0; i < flags.size(); i++) {
            s.append(i == 0 ? "" : ", ").append(str(flags.get(i)));
        }
        s.append("]");
        switch (test) {
            case DecodeTest t -> {
                inline(s, "code", t.code());
                inline(s, "expected", t.expected());
            }
            case EncodeTest t -> {
                inline(s, "input", t.input());
                t.randomBits().ifPresent(r -> inline(s, "randomBits", r));
                inline(s, "expected", t.expected());
            }
            case QuantizeTest t -> {
                inline(s, "input", t.input());
                t.tensorScale().ifPresent(g -> inline(s, "tensorScale", g));
                s.append(", \"expected\": {");
                switch (t.expected()) {
                    case QuantizeExpected.Output o -> {
                        s.append("\"scales\": ").append(str(o.scales()));
                        inline(s, "elements", o.elements());
                        o.tensorScale().ifPresent(g -> inline(s, "tensorScale", g));
                        inline(s, "dequantized", o.dequantized());
                    }
                    case QuantizeExpected.Rejected r -> s.append("\"error\": ").append(str(r.error()));
                }
                s.append("}");
            }
            case PackTest t -> {
                inline(s, "codes", t.codes());
                inline(s, "expected", t.expected());
            }
            case ScaledQuantizeTest t -> {
                inline(s, "input", t.input());
                s.append(", \"expected\": {");
                if (t.error().isPresent()) {
                    s.append("\"error\": ").append(str(t.error().get()));
                } else {
                    s.append("\"codes\": ").append(str(t.codes()));
                    inline(s, "scales", t.scales());
                    inline(s, "zeros", t.zeros());
                    inline(s, "dequantized", t.dequantized());
                }
                s.append("}");
            }
            case WeightPackTest t -> {
                inline(s, "codes", t.codes());
                inline(s, "zeros", t.zeros());
                inline(s, "blockFields", t.blockFields());
                s.append(", \"expected\": {\"qweight\": ").append(str(t.qweight()));
                inline(s, "qzeros", t.qzeros());
                s.append("}");
            }
            case ScalePackTest t -> {
                inline(s, "scales", t.scales());
                inline(s, "expected", t.expected());
            }
        }
        inline(s, "result", test.result().id());
        s.append("}");
    }

    /** The scaled knobs in file order, as name and value text (groupSize is a JSON number, the rest strings). */
    public static List<String[]> scaledKnobs(org.lowbit.spec.ScaledKnobs k) {
        return List.of(new String[] {"rule", k.rule().name()}, new String[] {"application", k.application().name()},
                new String[] {"scalarDivision", k.scalarDivision().name()},
                new String[] {"rounding", k.rounding().name()}, new String[] {"range", k.range().name()},
                new String[] {"fp8Overflow", k.fp8Overflow().name()},
                new String[] {"arithmetic", k.arithmetic().name()}, new String[] {"scaleDtype", k.scaleDtype().name()},
                new String[] {"dequantArithmetic", k.dequantArithmetic().name()},
                new String[] {"amaxFloor", HexBytes.f64(Double.doubleToRawLongBits(k.amaxFloor()))},
                new String[] {"zeroScale", k.zeroScale().name()},
                new String[] {"scaleRounding", k.scaleRounding().name()},
                new String[] {"floatZero", k.floatZero().name()},
                new String[] {"groupSize", Integer.toString(k.groupSize())}, new String[] {"tail", k.tail().name()});
    }

    private static void elementKnobs(StringBuilder s, int depth, ElementKnobs k) {
        s.append("{\n");
        field(s, depth + 1, "rounding").append(str(k.rounding().name())).append(",\n");
        field(s, depth + 1, "overflow").append(str(k.overflow().name())).append(",\n");
        field(s, depth + 1, "infinity").append(str(k.infinity().name())).append(",\n");
        field(s, depth + 1, "nan").append(str(k.nan().name())).append(",\n");
        field(s, depth + 1, "negative").append(str(k.negative().name())).append(",\n");
        field(s, depth + 1, "e8m0Zero").append(str(k.e8m0Zero().name())).append(",\n");
        field(s, depth + 1, "e8m0Bottom").append(str(k.e8m0Bottom().name())).append(",\n");
        field(s, depth + 1, "integerRange").append(str(k.integerRange().name())).append("\n");
        indent(s, depth).append("}");
    }

    private static void blockKnobs(StringBuilder s, int depth, BlockKnobs k) {
        s.append("{\n");
        field(s, depth + 1, "scaleRule").append(str(k.scaleRule().name())).append(",\n");
        field(s, depth + 1, "elementProfile").append(str(k.elementProfile().id())).append(",\n");
        field(s, depth + 1, "elementRounding").append(str(k.elementRounding().name())).append(",\n");
        field(s, depth + 1, "nonFinite").append(str(k.nonFinite().name())).append(",\n");
        field(s, depth + 1, "zeroBlock").append(str(k.zeroBlock().name())).append(",\n");
        field(s, depth + 1, "tinyAmax").append(str(k.tinyAmax().name())).append(",\n");
        field(s, depth + 1, "tail").append(str(k.tail().name())).append(",\n");
        field(s, depth + 1, "scaling").append(str(k.scaling().name())).append(",\n");
        field(s, depth + 1, "scaleClamp").append(str(k.scaleClamp().name())).append(",\n");
        field(s, depth + 1, "tensorScale").append(str(k.tensorScale().name())).append("\n");
        indent(s, depth).append("}");
    }

    private static void stringArray(StringBuilder s, int depth, List<String> values) {
        if (values.isEmpty()) {
            s.append("[]");
            return;
        }
        s.append("[");
        for (int i = 0; i < values.size(); i++) {
            s.append(i == 0 ? "\n" : ",\n");
            indent(s, depth + 1).append(str(values.get(i)));
        }
        s.append("\n");
        indent(s, depth).append("]");
    }

    private static void inline(StringBuilder s, String key, String value) {
        s.append(", ").append(str(key)).append(": ").append(str(value));
    }

    private static StringBuilder field(StringBuilder s, int depth, String key) {
        return indent(s, depth).append(str(key)).append(": ");
    }

    private static StringBuilder indent(StringBuilder s, int depth) {
        return s.repeat(' ', 2 * depth);
    }

    /** A JSON string: quotes, backslashes and control characters escaped; anything beyond ASCII refused. */
    static String str(String value) {
        StringBuilder s = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c > 0x7E) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "vector files are ASCII: character U+%04X at %d in \"%s\"", (int) c, i, value));
            }
            switch (c) {
                case '"' -> s.append("\\\"");
                case '\\' -> s.append("\\\\");
                case '\n' -> s.append("\\n");
                case '\t' -> s.append("\\t");
                default -> {
                    if (c < 0x20) {
                        s.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        s.append(c);
                    }
                }
            }
        }
        return s.append('"').toString();
    }
}
