package org.lowbit.vectors.verify;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.lowbit.reference.layout.ElementPacking;
import org.lowbit.reference.layout.ScalePacking;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.PadPolicy;
import org.lowbit.vectors.CodeText;
import org.lowbit.vectors.DecodeGroup;
import org.lowbit.vectors.DecodeTest;
import org.lowbit.vectors.EncodeGroup;
import org.lowbit.vectors.EncodeTest;
import org.lowbit.vectors.HexBytes;
import org.lowbit.vectors.PackGroup;
import org.lowbit.vectors.PackTest;
import org.lowbit.vectors.ScalePackGroup;
import org.lowbit.vectors.WeightPackGroup;
import org.lowbit.vectors.ScaledQuantizeGroup;
import org.lowbit.vectors.ScaledQuantizeTest;
import org.lowbit.vectors.WeightPackTest;
import org.lowbit.vectors.ScalePackTest;
import org.lowbit.vectors.QuantizeExpected;
import org.lowbit.vectors.QuantizeGroup;
import org.lowbit.vectors.QuantizeTest;
import org.lowbit.vectors.Result;
import org.lowbit.vectors.TestCase;
import org.lowbit.vectors.TestGroup;
import org.lowbit.vectors.TextTwin;
import org.lowbit.vectors.VectorFile;
import org.lowbit.vectors.VectorFormatException;
import org.lowbit.vectors.VectorSets;

/**
 * Compares the results another implementation wrote (FORMAT.md §8) with a vector set. Every test of every
 * vector file that has a results file is checked: bit for bit, except that an expected FP32 NaN (decode,
 * dequantized) matches any NaN, and that an invalid test passes when the implementation rejected it with any
 * error. A test without a result line is a failure. Malformed results (a bad line, an unknown tcId, a line
 * twice, a results file for no vector file, no results at all) are bad input: {@link VectorFormatException}.
 */
public final class Verifier {
    private Verifier() {}

    /** The file extension of results files. */
    public static final String RESULTS_EXTENSION = ".results";

    /** One failed test, with a report that decodes the fields of what was expected and what came. */
    public record Mismatch(String file, int tcId, String report) {
    }

    /**
     * The outcome.
     *
     * @param checkedFiles vector files that had results
     * @param untested     vector files without a results file (reported, not failed)
     * @param tests        tests checked
     * @param mismatches   failed tests: wrong output or no result line
     */
    public record Report(List<String> checkedFiles, List<String> untested, long tests, List<Mismatch> mismatches) {
        public boolean ok() {
            return mismatches.isEmpty();
        }
    }

    /** {@code encode/encode_fp8_e4m3_ocp.json} → {@code encode/encode_fp8_e4m3_ocp.results}. */
    public static String resultsPath(String vectorPath) {
        return vectorPath.substring(0, vectorPath.length() - ".json".length()) + RESULTS_EXTENSION;
    }

    /**
     * @throws VectorFormatException the vector set or a results file is malformed, or there are no results
     */
    public static Report verify(Path vectors, Path results) throws VectorFormatException, IOException {
        SortedMap<String, VectorFile> files = VectorSets.read(vectors);
        if (!Files.isDirectory(results)) {
            throw new VectorFormatException(results + ": the results directory does not exist");
        }
        TreeSet<String> resultFiles = new TreeSet<>();
        try (Stream<Path> walk = Files.walk(results)) {
            walk.filter(Files::isRegularFile).forEach(p -> {
                String rel = results.relativize(p).toString().replace('\\', '/');
                if (rel.endsWith(RESULTS_EXTENSION)) {
                    resultFiles.add(rel);
                }
            });
        }
        if (resultFiles.isEmpty()) {
            throw new VectorFormatException(results + ": no " + RESULTS_EXTENSION + " files: nothing to verify"
                                            + " (FORMAT.md section 8 says what to write)");
        }
        List<String> checked = new ArrayList<>();
        List<String> untested = new ArrayList<>();
        List<Mismatch> mismatches = new ArrayList<>();
        long tests = 0;
        for (Map.Entry<String, VectorFile> e : files.entrySet()) {
            String rp = resultsPath(e.getKey());
            if (!resultFiles.remove(rp)) {
                untested.add(e.getKey());
                continue;
            }
            checked.add(e.getKey());
            Map<Integer, String> actual = readResults(rp, Files.readAllLines(results.resolve(rp), StandardCharsets.UTF_8),
                    e.getValue());
            for (TestGroup g : e.getValue().testGroups()) {
                for (TestCase t : g.tests()) {
                    tests++;
                    String a = actual.get(t.tcId());
                    String problem = a == null ? "  no result line for this test" : compare(g, t, a);
                    if (problem != null) {
                        mismatches.add(new Mismatch(e.getKey(), t.tcId(), header(e.getKey(), g, t) + "\n" + problem));
                    }
                }
            }
        }
        if (!resultFiles.isEmpty()) {
            throw new VectorFormatException(resultFiles.first() + ": a results file for no vector file of the set"
                                            + " (results mirror the vector paths, P.json -> P" + RESULTS_EXTENSION + ")");
        }
        return new Report(checked, untested, tests, mismatches);
    }

    private static Map<Integer, String> readResults(String name, List<String> lines, VectorFile file)
            throws VectorFormatException {
        Map<Integer, Boolean> known = new HashMap<>();
        file.tests().forEach(t -> known.put(t.tcId(), true));
        Map<Integer, String> out = new HashMap<>();
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\\s+");
            if (parts.length != 2 || !parts[0].matches("[0-9]{1,9}")) {
                throw new VectorFormatException(String.format(Locale.ROOT,
                        "%s line %d: expected '<tcId> <actual>', got '%s'", name, n + 1, abbreviate(line)));
            }
            int tcId = Integer.parseInt(parts[0]);
            if (!known.containsKey(tcId)) {
                throw new VectorFormatException(String.format(Locale.ROOT, "%s line %d: tcId %d is not a test of the"
                                                                           + " vector file", name, n + 1, tcId));
            }
            String value = parts[1].startsWith("error:") ? parts[1] : parts[1].toLowerCase(Locale.ROOT);
            if (out.put(tcId, value) != null) {
                throw new VectorFormatException(String.format(Locale.ROOT, "%s line %d: a second result for tcId %d",
                        name, n + 1, tcId));
            }
        }
        return out;
    }

    private static String header(String path, TestGroup g, TestCase t) {
        return String.format(Locale.ROOT, "%s tcId %d [%s] %s %s%n  why: %s", path, t.tcId(), TextTwin.params(g),
                TextTwin.input(t).length() > 40 ? TextTwin.input(t).substring(0, 37) + "..." : TextTwin.input(t),
                t.flags().isEmpty() ? "-" : String.join(",", t.flags()), t.comment());
    }

    /** null when {@code actual} passes, else the report lines. */
    static String compare(TestGroup group, TestCase test, String actual) {
        return switch (group) {
            case DecodeGroup g -> compareF32(((DecodeTest) test).expected(), actual, "value");
            case EncodeGroup g -> compareCode(g.format(), ((EncodeTest) test).expected(), actual);
            case QuantizeGroup g -> compareQuantize(g, (QuantizeTest) test, actual);
            case PackGroup g -> comparePack(g, (PackTest) test, actual);
            case ScalePackGroup g -> compareScalePack(g, (ScalePackTest) test, actual);
            case WeightPackGroup g -> compareWeightPack((WeightPackTest) test, actual);
            case ScaledQuantizeGroup g -> compareScaled(g, (ScaledQuantizeTest) test, actual);
        };
    }

    private static String compareF32(String expectedHex, String actualHex, String what) {
        String malformed = malformed(actualHex, 4);
        if (malformed != null) {
            return "  " + what + ": " + malformed;
        }
        int e = HexBytes.words(expectedHex, 4)[0];
        int a = HexBytes.words(actualHex, 4)[0];
        if (e == a || Float.isNaN(Float.intBitsToFloat(e)) && Float.isNaN(Float.intBitsToFloat(a))) {
            return null;
        }
        return String.format(Locale.ROOT, "  %s expected %s%n  %s actual   %s", what, CodeText.f32Fields(e), what,
                CodeText.f32Fields(a));
    }

    private static String compareCode(ElementFormat format, String expectedHex, String actualHex) {
        String malformed = malformed(actualHex, 1);
        if (malformed != null) {
            return "  code: " + malformed;
        }
        int e = HexBytes.parse(expectedHex)[0] & 0xFF;
        int a = HexBytes.parse(actualHex)[0] & 0xFF;
        if (e == a) {
            return null;
        }
        return "  expected " + codeText(format, e) + "\n  actual   " + codeText(format, a);
    }

    private static String codeText(ElementFormat format, int code) {
        return format.isValidCode(code) ? CodeText.code(format, code)
                                        : CodeText.hex(code) + " (not a " + format.id() + " code)";
    }

    private static String compareQuantize(QuantizeGroup g, QuantizeTest t, String actual) {
        if (t.result() == Result.INVALID) {
            return actual.startsWith("error:") ? null
                    : "  expected a rejection (" + ((QuantizeExpected.Rejected) t.expected()).error()
                      + "), but the input was accepted: " + abbreviate(actual);
        }
        if (actual.startsWith("error:")) {
            return "  expected outputs, but the input was rejected: " + actual;
        }
        QuantizeExpected.Output e = (QuantizeExpected.Output) t.expected();
        String[] parts = actual.split("/", -1);
        int want = e.tensorScale().isPresent() ? 4 : 3;
        if (parts.length != want) {
            return String.format(Locale.ROOT, "  expected %d parts (scales/elements/dequantized%s), got %d",
                    want, want == 4 ? "/tensorScale" : "", parts.length);
        }
        StringBuilder s = new StringBuilder();
        int blocks = e.scales().length() / 2;
        int elements = e.elements().length() / 2;
        appendIfSet(s, malformed(parts[0], blocks), "scales");
        appendIfSet(s, malformed(parts[1], elements), "elements");
        appendIfSet(s, malformed(parts[2], 4 * elements), "dequantized");
        if (want == 4) {
            appendIfSet(s, malformed(parts[3], 4), "tensorScale");
        }
        if (!s.isEmpty()) {
            return s.toString().stripTrailing();
        }
        int shown = 0;
        byte[] es = HexBytes.parse(e.scales());
        byte[] as = HexBytes.parse(parts[0]);
        for (int i = 0; i < es.length; i++) {
            if (es[i] != as[i] && shown++ < 4) {
                s.append(String.format(Locale.ROOT, "  scale of block %d: expected %s, actual %s%n", i,
                        codeText(g.format().scale(), es[i] & 0xFF), codeText(g.format().scale(), as[i] & 0xFF)));
            }
        }
        byte[] ee = HexBytes.parse(e.elements());
        byte[] ae = HexBytes.parse(parts[1]);
        for (int i = 0; i < ee.length; i++) {
            if (ee[i] != ae[i] && shown++ < 8) {
                s.append(String.format(Locale.ROOT, "  element %d (block %d): expected %s, actual %s%n", i,
                        blockOf(g, i), codeText(g.format().element(), ee[i] & 0xFF),
                        codeText(g.format().element(), ae[i] & 0xFF)));
            }
        }
        int[] ed = HexBytes.words(e.dequantized(), 4);
        int[] ad = HexBytes.words(parts[2], 4);
        for (int i = 0; i < ed.length; i++) {
            boolean nan = Float.isNaN(Float.intBitsToFloat(ed[i])) && Float.isNaN(Float.intBitsToFloat(ad[i]));
            if (ed[i] != ad[i] && !nan && shown++ < 12) {
                s.append(String.format(Locale.ROOT, "  dequantized %d: expected %s, actual %s%n", i,
                        CodeText.f32Fields(ed[i]), CodeText.f32Fields(ad[i])));
            }
        }
        if (want == 4) {
            String ts = compareF32(e.tensorScale().get(), parts[3], "tensorScale");
            if (ts != null) {
                s.append(ts).append('\n');
                shown++;
            }
        }
        if (shown > 12) {
            s.append("  ... ").append(shown - 12).append(" more differences\n");
        }
        return s.isEmpty() ? null : s.toString().stripTrailing();
    }

    private static int blockOf(QuantizeGroup g, int element) {
        int row = element / g.rowLength();
        return row * Math.ceilDiv(g.rowLength(), g.blockSize()) + (element % g.rowLength()) / g.blockSize();
    }

    private static String comparePack(PackGroup g, PackTest t, String actual) {
        String malformed = malformed(actual, t.expected().length() / 2);
        if (malformed != null) {
            return "  packed bytes: " + malformed;
        }
        if (actual.equals(t.expected())) {
            return null;
        }
        byte[] e = HexBytes.parse(t.expected());
        byte[] a = HexBytes.parse(actual);
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < e.length; i++) {
            if (e[i] != a[i]) {
                s.append(String.format(Locale.ROOT, "  byte %d: expected 0x%02x (%s), actual 0x%02x (%s)%n", i,
                        e[i] & 0xFF, CodeText.bits(e[i], 8), a[i] & 0xFF, CodeText.bits(a[i], 8)));
                break;
            }
        }
        int count = HexBytes.parse(t.codes()).length;
        s.append("  codes    ").append(codes(HexBytes.parse(t.codes()))).append('\n');
        try {
            int[] back = ElementPacking.unpack(g.layout(), g.format(), a, PadPolicy.LENIENT);
            s.append("  actual bytes unpack to ").append(codes(back, count));
        } catch (IllegalArgumentException ex) {
            s.append("  actual bytes do not unpack: ").append(ex.getMessage());
        }
        return s.toString();
    }

    private static String compareScaled(ScaledQuantizeGroup g, ScaledQuantizeTest t, String actual) {
        if (t.error().isPresent()) {
            return actual.startsWith("error:") ? null
                    : "  expected a rejection (" + t.error().get() + "), but the input was accepted";
        }
        if (actual.startsWith("error:")) {
            return "  expected outputs, but the input was rejected (" + actual + ")";
        }
        String[] e = t.expectedText().split("/", -1);
        String[] a = actual.split("/", -1);
        if (a.length != 4) {
            return "  expected 'codes/scales/zeros/dequantized' ('-' for no zeros), got '" + abbreviate(actual) + "'";
        }
        String[] what = {"codes", "scales", "zeros", "dequantized"};
        int[] width = {1, g.knobs().scaleDtype() == org.lowbit.spec.ScaledPolicies.Precision.FP32 ? 4 : 2,
                       g.zeroPoint() == org.lowbit.spec.ScaledPolicies.ZeroPoint.INTEGER ? 1
                       : g.knobs().scaleDtype() == org.lowbit.spec.ScaledPolicies.Precision.FP32 ? 4 : 2, 4};
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 4; i++) {
            if (e[i].equals(a[i])) {
                continue;
            }
            if (e[i].length() != a[i].length()) {
                s.append(String.format(Locale.ROOT, "  %s: expected %d bytes, got '%s'%n", what[i], e[i].length() / 2,
                        abbreviate(a[i])));
                continue;
            }
            int w = 2 * width[i];
            for (int j = 0; j + w <= e[i].length(); j += w) {
                String ew = e[i].substring(j, j + w);
                String aw = a[i].substring(j, j + w);
                if (!ew.equals(aw)) {
                    int index = j / w;
                    String where = switch (i) {
                        case 0, 3 -> String.format(Locale.ROOT, "element %d (row %d, col %d)", index, index / g.cols(),
                                index % g.cols());
                        default -> "block " + index;
                    };
                    if (i == 3 && Float.isNaN(Float.intBitsToFloat(HexBytes.words(ew, 4)[0]))
                        && Float.isNaN(Float.intBitsToFloat(HexBytes.words(aw, 4)[0]))) {
                        continue;
                    }
                    s.append(String.format(Locale.ROOT, "  %s of %s: expected %s, actual %s%n", what[i], where, ew, aw));
                    break;
                }
            }
        }
        return s.isEmpty() ? null : s.toString().stripTrailing();
    }

    private static String compareWeightPack(WeightPackTest t, String actual) {
        int slash = actual.indexOf('/');
        if (slash < 0 || actual.indexOf('/', slash + 1) >= 0) {
            return "  expected 'qweight/qzeros' ('-' for no qzeros), got '" + abbreviate(actual) + "'";
        }
        String qweight = actual.substring(0, slash);
        String qzeros = actual.substring(slash + 1).equals("-") ? "" : actual.substring(slash + 1);
        StringBuilder s = new StringBuilder();
        tensorDiff(s, "qweight", t.qweight(), qweight);
        tensorDiff(s, "qzeros", t.qzeros(), qzeros);
        return s.isEmpty() ? null : s.toString().stripTrailing();
    }

    private static void tensorDiff(StringBuilder s, String what, String expected, String actual) {
        String malformed = malformed(actual, expected.length() / 2);
        if (malformed != null) {
            s.append("  ").append(what).append(": ").append(malformed).append('\n');
            return;
        }
        if (actual.equals(expected)) {
            return;
        }
        byte[] e = HexBytes.parse(expected);
        byte[] a = HexBytes.parse(actual);
        for (int i = 0; i < e.length; i++) {
            if (e[i] != a[i]) {
                int w = i / 4 * 4;
                s.append(String.format(Locale.ROOT, "  %s byte %d (int32 word %d): expected 0x%02x (%s), actual 0x%02x"
                                                    + " (%s)%n", what, i, i / 4, e[i] & 0xFF, CodeText.bits(e[i], 8),
                        a[i] & 0xFF, CodeText.bits(a[i], 8)));
                if (w + 4 <= e.length) {
                    s.append(String.format(Locale.ROOT, "  %s word %d: expected 0x%08x, actual 0x%08x%n", what, i / 4,
                            HexBytes.words(expected.substring(2 * w, 2 * w + 8), 4)[0],
                            HexBytes.words(actual.substring(2 * w, 2 * w + 8), 4)[0]));
                }
                break;
            }
        }
    }

    private static String compareScalePack(ScalePackGroup g, ScalePackTest t, String actual) {
        String malformed = malformed(actual, t.expected().length() / 2);
        if (malformed != null) {
            return "  stored bytes: " + malformed;
        }
        if (actual.equals(t.expected())) {
            return null;
        }
        byte[] e = HexBytes.parse(t.expected());
        byte[] a = HexBytes.parse(actual);
        StringBuilder s = new StringBuilder();
        int wrong = 0;
        for (int i = 0; i < e.length; i++) {
            if (e[i] != a[i]) {
                if (wrong++ == 0) {
                    int r = ScalePacking.rowAt(g.layout(), i, g.rows(), g.cols());
                    int c = ScalePacking.colAt(g.layout(), i, g.rows(), g.cols());
                    boolean pad = r >= g.rows() || c >= g.cols();
                    s.append(String.format(Locale.ROOT, "  offset %d holds %s: expected 0x%02x, actual 0x%02x%n", i,
                            pad ? String.format(Locale.ROOT, "padding (padded row %d, column %d)", r, c)
                                : String.format(Locale.ROOT, "S[%d][%d]", r, c), e[i] & 0xFF, a[i] & 0xFF));
                }
            }
        }
        s.append(String.format(Locale.ROOT, "  %d of %d stored bytes differ", wrong, e.length));
        return s.toString();
    }

    private static String codes(byte[] codes) {
        int[] c = new int[codes.length];
        for (int i = 0; i < c.length; i++) {
            c[i] = codes[i] & 0xFF;
        }
        return codes(c, c.length);
    }

    private static String codes(int[] codes, int count) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(count, 16); i++) {
            s.append(i == 0 ? "" : ",").append(Integer.toHexString(codes[i]));
        }
        return count > 16 ? s.append(",...").toString() : s.toString();
    }

    private static void appendIfSet(StringBuilder s, String problem, String what) {
        if (problem != null) {
            s.append("  ").append(what).append(": ").append(problem).append('\n');
        }
    }

    /** null when {@code hex} is lowercase hex of {@code bytes} bytes, else what is wrong. */
    private static String malformed(String hex, int bytes) {
        try {
            HexBytes.requireHex("result", hex, bytes);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
