package org.lowbit.vectors;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.lowbit.spec.ElementKnobs;

/**
 * The text twin of a vector file (FORMAT.md §6): the same tests, one per line, for pipes, shell tools and C
 * harnesses. Lines that start with {@code #} are comments (the header and each group's parameters); every
 * other line is
 * <pre>
 *   tcId op params input expected flags
 * </pre>
 * separated by single spaces, with {@code params} the group's parameters joined by {@code :}, inputs and
 * expected values in the JSON file's hex (parts joined by {@code /}), and {@code flags} comma-separated or
 * {@code -}. The comments of the tests are in the JSON file only.
 */
public final class TextTwin {
    private TextTwin() {}

    /** The twin's bytes (ASCII). */
    public static byte[] bytes(VectorFile file) {
        return write(file).getBytes(StandardCharsets.US_ASCII);
    }

    public static String write(VectorFile file) {
        StringBuilder s = new StringBuilder(1 << 16);
        s.append(String.format(Locale.ROOT, "# %s %s: %s %s, profile %s, level %s, %d tests", file.schema(),
                file.suiteVersion(), file.operation(), file.format(), file.profile(), file.level(),
                file.numberOfTests())).append('\n');
        for (String line : file.header()) {
            s.append("# ").append(line).append('\n');
        }
        s.append("# one test per line: tcId ").append(file.operation()).append(' ').append(paramsLegend(file.operation()))
         .append(" input expected flags\n");
        int n = 1;
        for (TestGroup group : file.testGroups()) {
            s.append("# group ").append(n++).append(": ").append(groupComment(group)).append('\n');
            String params = params(group);
            for (TestCase t : group.tests()) {
                s.append(t.tcId()).append(' ').append(group.operation().id()).append(' ').append(params).append(' ')
                 .append(input(t)).append(' ').append(expected(t)).append(' ')
                 .append(t.flags().isEmpty() ? "-" : String.join(",", t.flags())).append('\n');
            }
        }
        return s.toString();
    }

    /** What the params field holds, per operation. */
    static String paramsLegend(Operation op) {
        return switch (op) {
            case DECODE -> "format";
            case ENCODE -> "format:profile:source:rounding:overflow";
            case QUANTIZE -> "format:profile:source:ROWSxROWLENGTH:tensorScale";
            case PACK -> "layout:format";
            case SCALE_PACK -> "layout:ROWSxCOLS:padByte";
            case WEIGHT_PACK -> "layout:bBITS:ROWSxCOLS:gGROUPSIZE:iINNERKTILES";
            case SCALED_QUANTIZE -> "format:profile:source:ROWSxCOLS:BRxBC";
        };
    }

    /** The params field of a group's lines. */
    public static String params(TestGroup group) {
        return switch (group) {
            case DecodeGroup g -> g.format().id();
            case EncodeGroup g -> String.join(":", g.format().id(), g.profile().id(), g.source().id(),
                    g.knobs().rounding().name(), g.knobs().overflow().name());
            case QuantizeGroup g -> String.join(":", g.format().id(), g.profile().id(), g.source().id(),
                    g.rows() + "x" + g.rowLength(), g.tensorScale().id());
            case PackGroup g -> g.layout().id() + ":" + g.format().id();
            case ScalePackGroup g -> g.layout().id() + ":" + g.rows() + "x" + g.cols() + ":"
                                     + String.format(java.util.Locale.ROOT, "%02x", g.padByte());
            case ScaledQuantizeGroup g -> String.join(":", g.format().id(), g.profile().id(), g.source().id(),
                    g.rows() + "x" + g.cols(), g.blockRows() + "x" + g.blockCols());
            case WeightPackGroup g -> g.layout().id() + ":b" + g.bits() + ":" + g.rows() + "x" + g.cols() + ":g"
                                      + g.groupSize() + ":i" + g.innerKTiles();
        };
    }

    /** The input field of a test's line. */
    public static String input(TestCase test) {
        return switch (test) {
            case DecodeTest t -> t.code();
            case EncodeTest t -> t.randomBits().map(r -> t.input() + "/" + r).orElse(t.input());
            case QuantizeTest t -> t.tensorScale().map(g -> t.input() + "/" + g).orElse(t.input());
            case PackTest t -> t.codes();
            case ScalePackTest t -> t.scales();
            case ScaledQuantizeTest t -> t.input();
            case WeightPackTest t -> t.codes() + "/" + WeightPackTest.dash(t.zeros()) + "/"
                                     + WeightPackTest.dash(t.blockFields());
        };
    }

    /**
     * The expected field of a test's line, which is also what a results file holds for it: quantize writes
     * {@code scales/elements/dequantized}, with {@code /tensorScale} appended when the group computes it, or
     * {@code error:CODE}.
     */
    public static String expected(TestCase test) {
        return switch (test) {
            case DecodeTest t -> t.expected();
            case EncodeTest t -> t.expected();
            case QuantizeTest t -> switch (t.expected()) {
                case QuantizeExpected.Output o -> o.scales() + "/" + o.elements() + "/" + o.dequantized()
                                                  + o.tensorScale().map(g -> "/" + g).orElse("");
                case QuantizeExpected.Rejected r -> "error:" + r.error();
            };
            case PackTest t -> t.expected();
            case ScalePackTest t -> t.expected();
            case ScaledQuantizeTest t -> t.expectedText();
            case WeightPackTest t -> t.qweight() + "/" + WeightPackTest.dash(t.qzeros());
        };
    }

    private static String groupComment(TestGroup group) {
        StringBuilder s = new StringBuilder();
        switch (group) {
            case DecodeGroup g -> s.append("format=").append(g.format().id());
            case EncodeGroup g -> {
                s.append("source=").append(g.source().id()).append(" format=").append(g.format().id())
                 .append(" profile=").append(g.profile().id()).append(' ');
                knobs(s, g.knobs());
            }
            case QuantizeGroup g -> {
                s.append("format=").append(g.format().id()).append(" profile=").append(g.profile().id())
                 .append(" source=").append(g.source().id())
                 .append(" scaleRule=").append(g.knobs().scaleRule().name())
                 .append(" elementProfile=").append(g.knobs().elementProfile().id())
                 .append(" elementRounding=").append(g.knobs().elementRounding().name())
                 .append(" nonFinite=").append(g.knobs().nonFinite().name())
                 .append(" zeroBlock=").append(g.knobs().zeroBlock().name())
                 .append(" tinyAmax=").append(g.knobs().tinyAmax().name())
                 .append(" tail=").append(g.knobs().tail().name())
                 .append(" scaling=").append(g.knobs().scaling().name())
                 .append(" scaleClamp=").append(g.knobs().scaleClamp().name())
                 .append(" tensorScaleRule=").append(g.knobs().tensorScale().name())
                 .append(" blockSize=").append(g.blockSize()).append(" rowLength=").append(g.rowLength())
                 .append(" rows=").append(g.rows()).append(" elementLayout=").append(g.elementLayout().id())
                 .append(" scaleLayout=").append(g.scaleLayout().id()).append(" tensorScale=")
                 .append(g.tensorScale().id());
            }
            case PackGroup g -> s.append("layout=").append(g.layout().id()).append(" format=").append(g.format().id());
            case ScalePackGroup g -> s.append("layout=").append(g.layout().id()).append(" rows=").append(g.rows())
                                      .append(" cols=").append(g.cols()).append(" padByte=")
                                      .append(String.format(java.util.Locale.ROOT, "%02x", g.padByte()));
            case ScaledQuantizeGroup g -> {
                s.append("format=").append(g.format().id()).append(" profile=").append(g.profile().id())
                 .append(" source=").append(g.source().id());
                for (String[] kv : VectorJsonWriter.scaledKnobs(g.knobs())) {
                    s.append(' ').append(kv[0]).append('=').append(kv[1]);
                }
                s.append(" elementFormat=").append(g.elementFormat().id()).append(" zeroPoint=")
                 .append(g.zeroPoint().name()).append(" rows=").append(g.rows()).append(" cols=").append(g.cols())
                 .append(" blockRows=").append(g.blockRows()).append(" blockCols=").append(g.blockCols())
                 .append(" dequantized=").append(ScaledQuantizeGroup.DEQUANTIZED);
            }
            case WeightPackGroup g -> s.append("layout=").append(g.layout().id()).append(" bits=").append(g.bits())
                                       .append(" rows=").append(g.rows()).append(" cols=").append(g.cols())
                                       .append(" groupSize=").append(g.groupSize()).append(" innerKTiles=")
                                       .append(g.innerKTiles());
        }
        s.append(" generator=").append(group.generator()).append(" seed=").append(TestGroup.seedText(group.seed()));
        return s.toString();
    }

    private static void knobs(StringBuilder s, ElementKnobs k) {
        s.append("rounding=").append(k.rounding().name()).append(" overflow=").append(k.overflow().name())
         .append(" infinity=").append(k.infinity().name()).append(" nan=").append(k.nan().name())
         .append(" negative=").append(k.negative().name()).append(" e8m0Zero=").append(k.e8m0Zero().name())
         .append(" e8m0Bottom=").append(k.e8m0Bottom().name()).append(" integerRange=")
         .append(k.integerRange().name());
    }
}
