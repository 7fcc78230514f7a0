package org.lowbit.conformance.suite;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.lowbit.conformance.run.MatrixKey;
import org.lowbit.conformance.run.Outcome;
import org.lowbit.conformance.target.Capability;
import org.lowbit.conformance.target.DecodeRequest;
import org.lowbit.conformance.target.DequantizeRequest;
import org.lowbit.conformance.target.EncodeRequest;
import org.lowbit.conformance.target.Operation;
import org.lowbit.conformance.target.QuantizeRequest;
import org.lowbit.conformance.target.QuantizeResult;
import org.lowbit.conformance.target.ScaledDequantizeRequest;
import org.lowbit.conformance.target.ScaledQuantizeRequest;
import org.lowbit.conformance.target.ScaledQuantizeResult;
import org.lowbit.conformance.target.TargetException;
import org.lowbit.reference.layout.ElementPacking;
import org.lowbit.reference.layout.LittleEndian;
import org.lowbit.reference.layout.ScalePacking;
import org.lowbit.spec.BlockFormat;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.ElementLayout;
import org.lowbit.spec.PadPolicy;
import org.lowbit.spec.ScaleLayout;
import org.lowbit.spec.ScaledPolicies.Precision;
import org.lowbit.spec.SourceFormat;
import org.lowbit.vectors.DecodeGroup;
import org.lowbit.vectors.DecodeTest;
import org.lowbit.vectors.EncodeGroup;
import org.lowbit.vectors.EncodeTest;
import org.lowbit.vectors.HexBytes;
import org.lowbit.vectors.QuantizeExpected;
import org.lowbit.vectors.QuantizeGroup;
import org.lowbit.vectors.QuantizeTest;
import org.lowbit.vectors.Result;
import org.lowbit.vectors.ScaledQuantizeGroup;
import org.lowbit.vectors.ScaledQuantizeTest;
import org.lowbit.vectors.TensorScaleMode;
import org.lowbit.vectors.TestGroup;
import org.lowbit.vectors.VectorFile;

/**
 * The golden-vector tests: one dynamic container per vector file and one dynamic test per vector, for every
 * vector whose operation × format × profile the target claims. Decode and encode vectors go to the target one
 * group per request (the answers are then compared vector by vector; if the batch fails, each vector is asked
 * alone, so a crash or a rejection is pinned to one vector). Block and scaled vectors run once per claimed
 * layout: the vectors hold unpacked codes and row-major scales, and the expected bytes of a packed layout come
 * from the reference packers ({@link ElementPacking}, {@link ScalePacking}, SPEC.md §9). Quantize vectors also
 * test dequantize, from their expected scales and elements, for every claimed output precision.
 */
final class GoldenVectors {
    private GoldenVectors() {}

    /** The nodes of every file the target's claims cover, and how many cases they hold. */
    static Plan plan(RunContext ctx) {
        List<DynamicNode> nodes = new ArrayList<>();
        long cases = 0;
        for (Map.Entry<String, VectorFile> e : ctx.corpus().files().entrySet()) {
            FileNodes f = new FileNodes(ctx, Corpus.fileName(e.getKey()), e.getValue());
            List<DynamicNode> children = f.children();
            if (!children.isEmpty()) {
                nodes.add(DynamicContainer.dynamicContainer(f.name, children));
                cases += f.cases;
            }
        }
        return new Plan(nodes, cases);
    }

    /** Dynamic nodes with the number of cases they record. */
    record Plan(List<DynamicNode> nodes, long cases) {}

    /** Builds the nodes of one file. */
    private static final class FileNodes {
        final RunContext ctx;
        final String name;
        final VectorFile file;
        long cases;

        FileNodes(RunContext ctx, String name, VectorFile file) {
            this.ctx = ctx;
            this.name = name;
            this.file = file;
        }

        List<DynamicNode> children() {
            List<DynamicNode> out = new ArrayList<>();
            for (int g = 0; g < file.testGroups().size(); g++) {
                TestGroup group = file.testGroups().get(g);
                String groupName = "group " + (g + 1) + " (" + group.generator() + ")";
                List<DynamicNode> tests = switch (group) {
                    case DecodeGroup d -> decode(d);
                    case EncodeGroup en -> encode(en);
                    case QuantizeGroup q -> quantize(q);
                    case ScaledQuantizeGroup s -> scaled(s);
                    default -> List.of();
                };
                if (!tests.isEmpty()) {
                    out.add(DynamicContainer.dynamicContainer(groupName, tests));
                }
            }
            return out;
        }

        String caseId(int tcId, String variant) {
            return name + "#" + tcId + variant;
        }

        // -----------------------------------------------------------------------------------------
        // decode: one request per group

        List<DynamicNode> decode(DecodeGroup g) {
            if (ctx.claim(Operation.DECODE, g.format().id(), Capability.NO_PROFILE).isEmpty()) {
                return List.of();
            }
            List<DecodeTest> kept = g.tests().stream().filter(t -> ctx.filter().keeps(caseId(t.tcId(), ""))).toList();
            if (kept.isEmpty()) {
                return List.of();
            }
            MatrixKey cell = ctx.cell(Operation.DECODE, g.format().id(), Capability.NO_PROFILE);
            String unit = Claims.unit(Operation.DECODE, g.format().id(), Capability.NO_PROFILE, "", "");
            Supplier<List<Answer<byte[]>>> answers = memo(() -> batch(kept.size(),
                    () -> {
                        byte[] codes = new byte[kept.size()];
                        for (int i = 0; i < codes.length; i++) {
                            codes[i] = HexBytes.parse(kept.get(i).code())[0];
                        }
                        return ctx.target().decode(new DecodeRequest(g.format(), codes));
                    }, 4,
                    i -> ctx.target().decode(new DecodeRequest(g.format(), HexBytes.parse(kept.get(i).code())))));
            List<DynamicNode> out = new ArrayList<>();
            for (int i = 0; i < kept.size(); i++) {
                DecodeTest t = kept.get(i);
                int index = i;
                String id = caseId(t.tcId(), "");
                cases++;
                out.add(CaseTests.test(ctx, id, CaseTests.params(ctx, g.format().id(), "none", "-"), () -> {
                    ctx.exercise(unit);
                    return List.of(decodeVerdict(cell, id, g.format(), t, answers.get().get(index)));
                }));
            }
            return out;
        }

        Verdict decodeVerdict(MatrixKey cell, String id, ElementFormat format, DecodeTest t, Answer<byte[]> answer) {
            int code = HexBytes.parse(t.code())[0] & 0xFF;
            String head = FailureText.header(ctx, id, t.comment(), t.flags(), file.notes())
                          + "\n  input: code " + FailureText.code(format, code);
            if (answer instanceof Answer.Err<byte[]>(Throwable error)) {
                return Verdict.of(cell, id, Answer.outcome(error), head + "\n  the target " + Answer.describe(error));
            }
            byte[] actual = ((Answer.Ok<byte[]>) answer).value();
            int expected = LittleEndian.getInt(HexBytes.parse(t.expected()), 0);
            int got = LittleEndian.getInt(actual, 0);
            return compareF32(cell, id, head, "value", new int[] {expected}, new int[] {got});
        }

        // -----------------------------------------------------------------------------------------
        // encode: one request per group

        List<DynamicNode> encode(EncodeGroup g) {
            Optional<Capability> claim = ctx.claim(Operation.ENCODE, g.format().id(), g.profile().id());
            if (claim.isEmpty() || !claim.get().precisions().contains(g.source())) {
                return List.of();
            }
            List<EncodeTest> kept = g.tests().stream().filter(t -> ctx.filter().keeps(caseId(t.tcId(), ""))).toList();
            if (kept.isEmpty()) {
                return List.of();
            }
            MatrixKey cell = ctx.cell(Operation.ENCODE, g.format().id(), g.profile().id());
            String unit = Claims.unit(Operation.ENCODE, g.format().id(), g.profile().id(), "source", g.source().id());
            boolean random = kept.stream().anyMatch(t -> t.randomBits().isPresent());
            boolean allRandom = kept.stream().allMatch(t -> t.randomBits().isPresent());
            Supplier<List<Answer<byte[]>>> answers = memo(() -> batch(kept.size(),
                    () -> {
                        if (random && !allRandom) {
                            throw new TargetException.Malformed("mixed random bits: asked one by one");
                        }
                        byte[] in = concat(kept.stream().map(EncodeTest::input).toList());
                        byte[] rnd = allRandom ? concat(kept.stream().map(t -> t.randomBits().orElseThrow()).toList())
                                               : new byte[0];
                        return ctx.target().encode(new EncodeRequest(g.format(), g.profile(), g.knobs(), g.source(), in, rnd));
                    }, 1,
                    i -> {
                        EncodeTest t = kept.get(i);
                        return ctx.target().encode(new EncodeRequest(g.format(), g.profile(), g.knobs(), g.source(),
                                HexBytes.parse(t.input()), t.randomBits().map(HexBytes::parse).orElse(new byte[0])));
                    }));
            List<DynamicNode> out = new ArrayList<>();
            for (int i = 0; i < kept.size(); i++) {
                EncodeTest t = kept.get(i);
                int index = i;
                String id = caseId(t.tcId(), "");
                cases++;
                out.add(CaseTests.test(ctx, id, CaseTests.params(ctx, g.format().id(), g.profile().id(), "-"),
                        () -> {
                            ctx.exercise(unit);
                            return List.of(encodeVerdict(cell, id, g, t, answers.get().get(index)));
                        }));
            }
            return out;
        }

        Verdict encodeVerdict(MatrixKey cell, String id, EncodeGroup g, EncodeTest t, Answer<byte[]> answer) {
            byte[] input = HexBytes.parse(t.input());
            String head = FailureText.header(ctx, id, t.comment(), t.flags(), file.notes())
                          + String.format(Locale.ROOT, "\n  %s -> %s under %s (%s, %s)", g.source(), g.format(), g.profile(),
                    g.knobs().rounding(), g.knobs().overflow())
                          + "\n  input: " + FailureText.source(g.source(), FailureText.word(g.source(), input, 0))
                          + t.randomBits().map(r -> "\n  random bits: " + r).orElse("");
            if (answer instanceof Answer.Err<byte[]>(Throwable error)) {
                return Verdict.of(cell, id, Answer.outcome(error), head + "\n  the target " + Answer.describe(error));
            }
            int expected = HexBytes.parse(t.expected())[0] & 0xFF;
            int actual = ((Answer.Ok<byte[]>) answer).value()[0] & 0xFF;
            if (expected == actual) {
                return Verdict.pass(cell, id);
            }
            FailureText.Table table = new FailureText.Table();
            table.add("code", "0", FailureText.code(g.format(), expected), FailureText.code(g.format(), actual));
            return new Verdict(cell, id, Outcome.FAIL, head + "\n  expected vs actual:\n" + table, table.toString());
        }

        // -----------------------------------------------------------------------------------------
        // quantize and dequantize: one request per vector and layout

        List<DynamicNode> quantize(QuantizeGroup g) {
            List<DynamicNode> out = new ArrayList<>();
            String format = g.format().id();
            String profile = g.profile().id();
            ctx.claim(Operation.QUANTIZE, format, profile).filter(c -> c.precisions().contains(g.source())).ifPresent(c -> {
                for (Claims.LayoutPair pair : Claims.layoutPairs(c)) {
                    String variant = pair.isDefault() ? "" : "@" + pair.id();
                    List<DynamicNode> tests = new ArrayList<>();
                    for (QuantizeTest t : g.tests()) {
                        String id = caseId(t.tcId(), variant);
                        if (!ctx.filter().keeps(id)) {
                            continue;
                        }
                        cases++;
                        tests.add(CaseTests.test(ctx, id, CaseTests.params(ctx, format, profile, pair.id()),
                                () -> List.of(quantizeVerdict(id, g, t, pair))));
                    }
                    if (!tests.isEmpty()) {
                        out.add(DynamicContainer.dynamicContainer("quantize " + g.source() + " " + pair.id(), tests));
                    }
                }
            });
            ctx.claim(Operation.QUANTIZE, format, profile).filter(c -> g.source() == SourceFormat.FP32).ifPresent(c -> {
                Claims.LayoutPair pair = Claims.layoutPairs(c).getFirst();
                for (SourceFormat source : c.precisions().stream().sorted().filter(s -> s != g.source()).toList()) {
                    List<DynamicNode> tests = new ArrayList<>();
                    for (QuantizeTest t : g.tests()) {
                        String id = caseId(t.tcId(), "/from-" + source.id() + (pair.isDefault() ? "" : "@" + pair.id()));
                        if (!ctx.filter().keeps(id)) {
                            continue;
                        }
                        cases++;
                        tests.add(CaseTests.test(ctx, id, CaseTests.params(ctx, format, profile, pair.id()),
                                () -> List.of(convertedQuantizeVerdict(id, g, t, source, pair))));
                    }
                    if (!tests.isEmpty()) {
                        out.add(DynamicContainer.dynamicContainer("quantize from " + source
                                + " (the f32 inputs converted where exact; expected values from the reference)", tests));
                    }
                }
            });
            ctx.claim(Operation.DEQUANTIZE, format, profile).ifPresent(c -> {
                for (SourceFormat output : c.precisions().stream().sorted().toList()) {
                    for (Claims.LayoutPair pair : Claims.layoutPairs(c)) {
                        String variant = "/dequantize-" + output.id() + (pair.isDefault() ? "" : "@" + pair.id());
                        List<DynamicNode> tests = new ArrayList<>();
                        for (QuantizeTest t : g.tests()) {
                            String id = caseId(t.tcId(), variant);
                            if (!(t.expected() instanceof QuantizeExpected.Output) || !ctx.filter().keeps(id)) {
                                continue;
                            }
                            cases++;
                            tests.add(CaseTests.test(ctx, id, CaseTests.params(ctx, format, profile, pair.id()),
                                    () -> List.of(dequantizeVerdict(id, g, t, output, pair))));
                        }
                        if (!tests.isEmpty()) {
                            out.add(DynamicContainer.dynamicContainer("dequantize to " + output + " " + pair.id(), tests));
                        }
                    }
                }
            });
            return out;
        }

        Verdict quantizeVerdict(String id, QuantizeGroup g, QuantizeTest t, Claims.LayoutPair pair) {
            BlockFormat format = g.format();
            MatrixKey cell = ctx.cell(Operation.QUANTIZE, format.id(), g.profile().id());
            int count = g.rows() * g.rowLength();
            byte[] input = HexBytes.parse(t.input());
            String head = FailureText.header(ctx, id, t.comment(), t.flags(), file.notes())
                          + String.format(Locale.ROOT, "\n  quantize %d x %d %s -> %s under %s, layouts %s, tensor scale %s",
                    g.rows(), g.rowLength(), g.source(), format, g.profile(), pair.id(), g.tensorScale())
                          + t.tensorScale().map(s -> "\n  given tensor scale g: " + FailureText.source(SourceFormat.FP32,
                    LittleEndian.getInt(HexBytes.parse(s), 0))).orElse("")
                          + FailureText.inputs(g.source(), input);
            if (pair.element() != ElementLayout.UNPACKED && count % pair.element().codesPerContainer() != 0) {
                return Verdict.of(cell, id, Outcome.NOT_SUPPORTED, String.format(Locale.ROOT,
                        "%d elements do not fill whole %s containers of %d codes: this shape is tested unpacked only",
                        count, pair.element().id(), pair.element().codesPerContainer()));
            }
            exerciseBlock(Operation.QUANTIZE, format.id(), g.profile().id(), "source", g.source(), pair);
            int given = t.tensorScale().map(s -> LittleEndian.getInt(HexBytes.parse(s), 0)).orElse(0);
            Answer<QuantizeResult> answer = Answer.of(() -> ctx.target().quantize(new QuantizeRequest(format, g.profile(),
                    g.knobs(), g.source(), g.rows(), g.rowLength(), input, pair.element(), pair.scale(), g.tensorScale(), given)));
            if (t.expected() instanceof QuantizeExpected.Rejected(String error)) {
                return switch (answer) {
                    case Answer.Err<QuantizeResult>(TargetException.Rejected r) -> Verdict.pass(cell, id);
                    case Answer.Err<QuantizeResult>(Throwable e) -> Verdict.of(cell, id, Answer.outcome(e),
                            head + "\n  expected: a rejection (" + error + "); the target " + Answer.describe(e));
                    case Answer.Ok<QuantizeResult> ok -> t.result() == Result.ACCEPTABLE
                            ? Verdict.of(cell, id, Outcome.ACCEPTABLE_VARIANT, head + "\n  accepted an input it may reject")
                            : Verdict.of(cell, id, Outcome.FAIL, head + "\n  expected: a rejection (" + error
                                                                  + "); the target accepted the input and answered");
                };
            }
            QuantizeExpected.Output expected = (QuantizeExpected.Output) t.expected();
            if (answer instanceof Answer.Err<QuantizeResult>(Throwable e)) {
                return Verdict.of(cell, id, Answer.outcome(e), head + "\n  the target " + Answer.describe(e));
            }
            QuantizeResult actual = ((Answer.Ok<QuantizeResult>) answer).value();
            int blocksPerRow = Math.ceilDiv(g.rowLength(), format.blockSize());
            byte[] scales = HexBytes.parse(expected.scales());
            byte[] elements = HexBytes.parse(expected.elements());
            byte[] wantScales = ScalePacking.pack(pair.scale(), scales, g.rows(), blocksPerRow);
            byte[] wantElements = ElementPacking.pack(pair.element(), format.element(), elements);
            FailureText.Table table = new FailureText.Table();
            compareScales(table, format.scale(), pair.scale(), wantScales, actual.scales(), g.rows(), blocksPerRow);
            compareElements(table, format.element(), pair.element(), wantElements, actual.elements());
            if (g.tensorScale() == TensorScaleMode.COMPUTED) {
                int want = LittleEndian.getInt(HexBytes.parse(expected.tensorScale().orElseThrow()), 0);
                if (actual.tensorScaleBits().isEmpty()) {
                    table.add("tensorScale", "g", FailureText.source(SourceFormat.FP32, want), "(none returned)");
                } else if (actual.tensorScaleBits().getAsInt() != want) {
                    table.add("tensorScale", "g", FailureText.source(SourceFormat.FP32, want),
                            FailureText.source(SourceFormat.FP32, actual.tensorScaleBits().getAsInt()));
                }
            }
            return verdict(cell, id, head, table, t.result());
        }

        Verdict dequantizeVerdict(String id, QuantizeGroup g, QuantizeTest t, SourceFormat output, Claims.LayoutPair pair) {
            BlockFormat format = g.format();
            MatrixKey cell = ctx.cell(Operation.DEQUANTIZE, format.id(), g.profile().id());
            QuantizeExpected.Output expected = (QuantizeExpected.Output) t.expected();
            int count = g.rows() * g.rowLength();
            if (pair.element() != ElementLayout.UNPACKED && count % pair.element().codesPerContainer() != 0) {
                return Verdict.of(cell, id, Outcome.NOT_SUPPORTED, String.format(Locale.ROOT,
                        "%d elements do not fill whole %s containers of %d codes: this shape is tested unpacked only",
                        count, pair.element().id(), pair.element().codesPerContainer()));
            }
            exerciseBlock(Operation.DEQUANTIZE, format.id(), g.profile().id(), "output", output, pair);
            int blocksPerRow = Math.ceilDiv(g.rowLength(), format.blockSize());
            byte[] scales = ScalePacking.pack(pair.scale(), HexBytes.parse(expected.scales()), g.rows(), blocksPerRow);
            byte[] elements = ElementPacking.pack(pair.element(), format.element(), HexBytes.parse(expected.elements()));
            OptionalInt g32 = switch (g.tensorScale()) {
                case NONE -> OptionalInt.empty();
                case GIVEN -> OptionalInt.of(LittleEndian.getInt(HexBytes.parse(t.tensorScale().orElseThrow()), 0));
                case COMPUTED -> OptionalInt.of(LittleEndian.getInt(HexBytes.parse(expected.tensorScale().orElseThrow()), 0));
            };
            DequantizeRequest request = new DequantizeRequest(format, g.profile(), output, g.rows(), g.rowLength(), scales,
                    elements, pair.element(), pair.scale(), g32);
            String head = FailureText.header(ctx, id, t.comment(), t.flags(), file.notes())
                          + String.format(Locale.ROOT, "\n  dequantize %d x %d %s -> %s, layouts %s%s", g.rows(), g.rowLength(),
                    format, output, pair.id(), g32.isPresent() ? ", tensor scale " + FailureText.source(SourceFormat.FP32, g32.getAsInt()) : "")
                          + "\n  scales (" + pair.scale().id() + "): " + HexBytes.of(scales)
                          + "\n  elements (" + pair.element().id() + "): " + HexBytes.of(elements);
            Answer<byte[]> answer = Answer.of(() -> ctx.target().dequantize(request));
            if (answer instanceof Answer.Err<byte[]>(Throwable e)) {
                return Verdict.of(cell, id, Answer.outcome(e), head + "\n  the target " + Answer.describe(e));
            }
            byte[] want;
            if (output == SourceFormat.FP32) {
                want = HexBytes.parse(expected.dequantized());
            } else {
                try {
                    want = RunContext.REFERENCE.dequantize(request);
                } catch (TargetException e) {
                    return Verdict.of(cell, id, Outcome.FAIL, head + "\n  the reference cannot dequantize this: " + e.getMessage());
                }
            }
            return compareValues(cell, id, head, output, want, ((Answer.Ok<byte[]>) answer).value(), t.result());
        }

        void exerciseBlock(Operation op, String format, String profile, String dimension, SourceFormat precision,
                           Claims.LayoutPair pair) {
            ctx.exercise(Claims.unit(op, format, profile, dimension, precision.id()));
            ctx.exercise(Claims.unit(op, format, profile, "element layout", pair.element().id()));
            ctx.exercise(Claims.unit(op, format, profile, "scale layout", pair.scale().id()));
        }

        // -----------------------------------------------------------------------------------------
        // scaled quantize and dequantize

        List<DynamicNode> scaled(ScaledQuantizeGroup g) {
            List<DynamicNode> out = new ArrayList<>();
            String format = g.format().id();
            String profile = g.profile().id();
            ctx.claim(Operation.SCALED_QUANTIZE, format, profile).filter(c -> c.precisions().contains(g.source())).ifPresent(c -> {
                for (ElementLayout layout : Claims.elementLayouts(c)) {
                    String variant = layout == ElementLayout.UNPACKED ? "" : "@" + layout.id();
                    List<DynamicNode> tests = new ArrayList<>();
                    for (ScaledQuantizeTest t : g.tests()) {
                        String id = caseId(t.tcId(), variant);
                        if (!ctx.filter().keeps(id)) {
                            continue;
                        }
                        cases++;
                        tests.add(CaseTests.test(ctx, id, CaseTests.params(ctx, format, profile, layout.id()),
                                () -> List.of(scaledQuantizeVerdict(id, g, t, layout))));
                    }
                    if (!tests.isEmpty()) {
                        out.add(DynamicContainer.dynamicContainer("scaled-quantize " + g.source() + " " + layout.id(), tests));
                    }
                }
            });
            ctx.claim(Operation.SCALED_QUANTIZE, format, profile).filter(c -> g.source() == SourceFormat.FP32).ifPresent(c -> {
                ElementLayout layout = Claims.elementLayouts(c).getFirst();
                for (SourceFormat source : c.precisions().stream().sorted().filter(s -> s != g.source()).toList()) {
                    List<DynamicNode> tests = new ArrayList<>();
                    for (ScaledQuantizeTest t : g.tests()) {
                        String id = caseId(t.tcId(), "/from-" + source.id() + (layout == ElementLayout.UNPACKED ? "" : "@" + layout.id()));
                        if (!ctx.filter().keeps(id)) {
                            continue;
                        }
                        cases++;
                        tests.add(CaseTests.test(ctx, id, CaseTests.params(ctx, format, profile, layout.id()),
                                () -> List.of(convertedScaledVerdict(id, g, t, source, layout))));
                    }
                    if (!tests.isEmpty()) {
                        out.add(DynamicContainer.dynamicContainer("scaled-quantize from " + source
                                + " (the f32 inputs converted where exact; expected values from the reference)", tests));
                    }
                }
            });
            ctx.claim(Operation.SCALED_DEQUANTIZE, format, profile).ifPresent(c -> {
                for (SourceFormat output : c.precisions().stream().sorted().toList()) {
                    for (ElementLayout layout : Claims.elementLayouts(c)) {
                        String variant = "/dequantize-" + output.id() + (layout == ElementLayout.UNPACKED ? "" : "@" + layout.id());
                        List<DynamicNode> tests = new ArrayList<>();
                        for (ScaledQuantizeTest t : g.tests()) {
                            String id = caseId(t.tcId(), variant);
                            if (t.error().isPresent() || !ctx.filter().keeps(id)) {
                                continue;
                            }
                            cases++;
                            tests.add(CaseTests.test(ctx, id, CaseTests.params(ctx, format, profile, layout.id()),
                                    () -> List.of(scaledDequantizeVerdict(id, g, t, output, layout))));
                        }
                        if (!tests.isEmpty()) {
                            out.add(DynamicContainer.dynamicContainer("scaled-dequantize to " + output + " " + layout.id(), tests));
                        }
                    }
                }
            });
            return out;
        }

        Verdict scaledQuantizeVerdict(String id, ScaledQuantizeGroup g, ScaledQuantizeTest t, ElementLayout layout) {
            MatrixKey cell = ctx.cell(Operation.SCALED_QUANTIZE, g.format().id(), g.profile().id());
            int count = g.rows() * g.cols();
            byte[] input = HexBytes.parse(t.input());
            if (layout != ElementLayout.UNPACKED && count % layout.codesPerContainer() != 0) {
                return Verdict.of(cell, id, Outcome.NOT_SUPPORTED, count + " codes do not fill whole " + layout.id()
                                                                   + " containers: this shape is tested unpacked only");
            }
            ctx.exercise(Claims.unit(Operation.SCALED_QUANTIZE, g.format().id(), g.profile().id(), "source", g.source().id()));
            ctx.exercise(Claims.unit(Operation.SCALED_QUANTIZE, g.format().id(), g.profile().id(), "element layout", layout.id()));
            String head = FailureText.header(ctx, id, t.comment(), t.flags(), file.notes())
                          + String.format(Locale.ROOT, "\n  scaled-quantize %d x %d %s -> %s under %s, layout %s", g.rows(),
                    g.cols(), g.source(), g.format(), g.profile(), layout.id())
                          + FailureText.inputs(g.source(), input);
            Answer<ScaledQuantizeResult> answer = Answer.of(() -> ctx.target().scaledQuantize(new ScaledQuantizeRequest(
                    g.format(), g.profile(), g.knobs(), g.source(), g.rows(), g.cols(), input, layout)));
            if (t.error().isPresent()) {
                return switch (answer) {
                    case Answer.Err<ScaledQuantizeResult>(TargetException.Rejected r) -> Verdict.pass(cell, id);
                    case Answer.Err<ScaledQuantizeResult>(Throwable e) -> Verdict.of(cell, id, Answer.outcome(e),
                            head + "\n  expected: a rejection (" + t.error().get() + "); the target " + Answer.describe(e));
                    case Answer.Ok<ScaledQuantizeResult> ok -> Verdict.of(cell, id, Outcome.FAIL,
                            head + "\n  expected: a rejection (" + t.error().get() + "); the target accepted the input");
                };
            }
            if (answer instanceof Answer.Err<ScaledQuantizeResult>(Throwable e)) {
                return Verdict.of(cell, id, Answer.outcome(e), head + "\n  the target " + Answer.describe(e));
            }
            ScaledQuantizeResult actual = ((Answer.Ok<ScaledQuantizeResult>) answer).value();
            ElementFormat element = g.elementFormat();
            FailureText.Table table = new FailureText.Table();
            compareElements(table, element, layout, ElementPacking.pack(layout, element, HexBytes.parse(t.codes())), actual.codes());
            Precision dtype = g.knobs().scaleDtype();
            compareWords(table, "scales", dtype, HexBytes.parse(t.scales()), actual.scales());
            byte[] zeros = HexBytes.parse(t.zeros());
            if (g.zeroPoint() == org.lowbit.spec.ScaledPolicies.ZeroPoint.INTEGER) {
                compareBytes(table, "zeros", zeros, actual.zeros());
            } else {
                compareWords(table, "zeros", dtype, zeros, actual.zeros());
            }
            return verdict(cell, id, head, table, t.result());
        }

        Verdict scaledDequantizeVerdict(String id, ScaledQuantizeGroup g, ScaledQuantizeTest t, SourceFormat output,
                                        ElementLayout layout) {
            MatrixKey cell = ctx.cell(Operation.SCALED_DEQUANTIZE, g.format().id(), g.profile().id());
            int count = g.rows() * g.cols();
            if (layout != ElementLayout.UNPACKED && count % layout.codesPerContainer() != 0) {
                return Verdict.of(cell, id, Outcome.NOT_SUPPORTED, count + " codes do not fill whole " + layout.id()
                                                                   + " containers: this shape is tested unpacked only");
            }
            ctx.exercise(Claims.unit(Operation.SCALED_DEQUANTIZE, g.format().id(), g.profile().id(), "output", output.id()));
            ctx.exercise(Claims.unit(Operation.SCALED_DEQUANTIZE, g.format().id(), g.profile().id(), "element layout", layout.id()));
            byte[] codes = ElementPacking.pack(layout, g.elementFormat(), HexBytes.parse(t.codes()));
            ScaledDequantizeRequest request = new ScaledDequantizeRequest(g.format(), g.profile(), g.knobs(), output,
                    g.rows(), g.cols(), codes, HexBytes.parse(t.scales()), HexBytes.parse(t.zeros()), layout);
            String head = FailureText.header(ctx, id, t.comment(), t.flags(), file.notes())
                          + String.format(Locale.ROOT, "\n  scaled-dequantize %d x %d %s -> %s, layout %s", g.rows(), g.cols(),
                    g.format(), output, layout.id())
                          + "\n  codes: " + HexBytes.of(codes) + "\n  scales: " + t.scales() + "\n  zeros: " + t.zeros();
            Answer<byte[]> answer = Answer.of(() -> ctx.target().scaledDequantize(request));
            if (answer instanceof Answer.Err<byte[]>(Throwable e)) {
                return Verdict.of(cell, id, Answer.outcome(e), head + "\n  the target " + Answer.describe(e));
            }
            byte[] want;
            if (output == SourceFormat.FP32) {
                want = HexBytes.parse(t.dequantized());
            } else {
                try {
                    want = RunContext.REFERENCE.scaledDequantize(request);
                } catch (TargetException e) {
                    return Verdict.of(cell, id, Outcome.FAIL, head + "\n  the reference cannot dequantize this: " + e.getMessage());
                }
            }
            return compareValues(cell, id, head, output, want, ((Answer.Ok<byte[]>) answer).value(), t.result());
        }

        // -----------------------------------------------------------------------------------------
        // other source precisions: the vector's f32 input converted (where exact), the reference as oracle

        /** The f32 input as patterns of {@code source}, or empty when one value is not exact there. */
        Optional<byte[]> converted(String inputHex, SourceFormat source) {
            int[] f32 = HexBytes.words(inputHex, 4);
            int[] out = new int[f32.length];
            for (int i = 0; i < f32.length; i++) {
                OptionalInt b = SourceBits.exactly(source, f32[i]);
                if (b.isEmpty()) {
                    return Optional.empty();
                }
                out[i] = b.getAsInt();
            }
            return Optional.of(SourceBits.bytes(source, out));
        }

        Verdict convertedQuantizeVerdict(String id, QuantizeGroup g, QuantizeTest t, SourceFormat source,
                                         Claims.LayoutPair pair) {
            BlockFormat format = g.format();
            MatrixKey cell = ctx.cell(Operation.QUANTIZE, format.id(), g.profile().id());
            Optional<byte[]> input = converted(t.input(), source);
            int count = g.rows() * g.rowLength();
            if (input.isEmpty() || (pair.element() != ElementLayout.UNPACKED && count % pair.element().codesPerContainer() != 0)) {
                return Verdict.of(cell, id, Outcome.NOT_SUPPORTED, input.isEmpty()
                        ? "an input of this vector is not exactly a " + source + " value: it runs from f32 only"
                        : count + " elements do not fill whole " + pair.element().id() + " containers");
            }
            exerciseBlock(Operation.QUANTIZE, format.id(), g.profile().id(), "source", source, pair);
            int given = t.tensorScale().map(s -> LittleEndian.getInt(HexBytes.parse(s), 0)).orElse(0);
            QuantizeRequest request = new QuantizeRequest(format, g.profile(), g.knobs(), source, g.rows(), g.rowLength(),
                    input.get(), pair.element(), pair.scale(), g.tensorScale(), given);
            String head = FailureText.header(ctx, id, t.comment(), t.flags(), file.notes())
                          + String.format(Locale.ROOT, "\n  quantize %d x %d %s -> %s under %s, layouts %s (expected: the reference)",
                    g.rows(), g.rowLength(), source, format, g.profile(), pair.id()) + FailureText.inputs(source, input.get());
            Answer<QuantizeResult> actual = Answer.of(() -> ctx.target().quantize(request));
            Answer<QuantizeResult> expected = Answer.of(() -> RunContext.REFERENCE.quantize(request));
            return switch (expected) {
                case Answer.Err<QuantizeResult>(TargetException.Rejected r) -> actual instanceof Answer.Err<QuantizeResult>(
                        TargetException.Rejected x) ? Verdict.pass(cell, id)
                        : Verdict.of(cell, id, actual instanceof Answer.Err<QuantizeResult>(Throwable e) ? Answer.outcome(e)
                        : Outcome.FAIL, head + "\n  expected: a rejection (" + r.getMessage() + "); the target "
                        + (actual instanceof Answer.Err<QuantizeResult>(Throwable e) ? Answer.describe(e) : "accepted the input"));
                case Answer.Err<QuantizeResult>(Throwable e) -> Verdict.of(cell, id, Outcome.FAIL,
                        head + "\n  the reference cannot answer this: " + e);
                case Answer.Ok<QuantizeResult>(QuantizeResult want) -> {
                    if (actual instanceof Answer.Err<QuantizeResult>(Throwable e)) {
                        yield Verdict.of(cell, id, Answer.outcome(e), head + "\n  the target " + Answer.describe(e));
                    }
                    QuantizeResult got = ((Answer.Ok<QuantizeResult>) actual).value();
                    FailureText.Table table = new FailureText.Table();
                    compareScales(table, format.scale(), pair.scale(), want.scales(), got.scales(), g.rows(),
                            Math.ceilDiv(g.rowLength(), format.blockSize()));
                    compareElements(table, format.element(), pair.element(), want.elements(), got.elements());
                    if (!want.tensorScaleBits().equals(got.tensorScaleBits())) {
                        table.add("tensorScale", "g", want.tensorScaleBits().toString(), got.tensorScaleBits().toString());
                    }
                    yield verdict(cell, id, head, table, Result.VALID);
                }
            };
        }

        Verdict convertedScaledVerdict(String id, ScaledQuantizeGroup g, ScaledQuantizeTest t, SourceFormat source,
                                       ElementLayout layout) {
            MatrixKey cell = ctx.cell(Operation.SCALED_QUANTIZE, g.format().id(), g.profile().id());
            Optional<byte[]> input = converted(t.input(), source);
            int count = g.rows() * g.cols();
            if (input.isEmpty() || (layout != ElementLayout.UNPACKED && count % layout.codesPerContainer() != 0)) {
                return Verdict.of(cell, id, Outcome.NOT_SUPPORTED, input.isEmpty()
                        ? "an input of this vector is not exactly a " + source + " value: it runs from f32 only"
                        : count + " codes do not fill whole " + layout.id() + " containers");
            }
            ctx.exercise(Claims.unit(Operation.SCALED_QUANTIZE, g.format().id(), g.profile().id(), "source", source.id()));
            ctx.exercise(Claims.unit(Operation.SCALED_QUANTIZE, g.format().id(), g.profile().id(), "element layout", layout.id()));
            ScaledQuantizeRequest request = new ScaledQuantizeRequest(g.format(), g.profile(), g.knobs(), source, g.rows(),
                    g.cols(), input.get(), layout);
            String head = FailureText.header(ctx, id, t.comment(), t.flags(), file.notes())
                          + String.format(Locale.ROOT, "\n  scaled-quantize %d x %d %s -> %s under %s, layout %s (expected: the reference)",
                    g.rows(), g.cols(), source, g.format(), g.profile(), layout.id()) + FailureText.inputs(source, input.get());
            Answer<ScaledQuantizeResult> actual = Answer.of(() -> ctx.target().scaledQuantize(request));
            Answer<ScaledQuantizeResult> expected = Answer.of(() -> RunContext.REFERENCE.scaledQuantize(request));
            return switch (expected) {
                case Answer.Err<ScaledQuantizeResult>(TargetException.Rejected r) -> actual instanceof Answer.Err<ScaledQuantizeResult>(
                        TargetException.Rejected x) ? Verdict.pass(cell, id)
                        : Verdict.of(cell, id, actual instanceof Answer.Err<ScaledQuantizeResult>(Throwable e) ? Answer.outcome(e)
                        : Outcome.FAIL, head + "\n  expected: a rejection (" + r.getMessage() + "); the target "
                        + (actual instanceof Answer.Err<ScaledQuantizeResult>(Throwable e) ? Answer.describe(e) : "accepted the input"));
                case Answer.Err<ScaledQuantizeResult>(Throwable e) -> Verdict.of(cell, id, Outcome.FAIL,
                        head + "\n  the reference cannot answer this: " + e);
                case Answer.Ok<ScaledQuantizeResult>(ScaledQuantizeResult want) -> {
                    if (actual instanceof Answer.Err<ScaledQuantizeResult>(Throwable e)) {
                        yield Verdict.of(cell, id, Answer.outcome(e), head + "\n  the target " + Answer.describe(e));
                    }
                    ScaledQuantizeResult got = ((Answer.Ok<ScaledQuantizeResult>) actual).value();
                    FailureText.Table table = new FailureText.Table();
                    compareElements(table, g.elementFormat(), layout, want.codes(), got.codes());
                    compareBytes(table, "scales", want.scales(), got.scales());
                    compareBytes(table, "zeros", want.zeros(), got.zeros());
                    yield verdict(cell, id, head, table, Result.VALID);
                }
            };
        }

        // -----------------------------------------------------------------------------------------

        Verdict verdict(MatrixKey cell, String id, String head, FailureText.Table table, Result result) {
            if (table.isEmpty()) {
                return Verdict.pass(cell, id);
            }
            Outcome o = result == Result.ACCEPTABLE ? Outcome.ACCEPTABLE_VARIANT : Outcome.FAIL;
            return new Verdict(cell, id, o, head + "\n  expected vs actual (" + table.count() + " differ):\n" + table,
                    table.toString());
        }

        Verdict compareF32(MatrixKey cell, String id, String head, String field, int[] want, int[] got) {
            return compareValues(cell, id, head, SourceFormat.FP32, LittleEndian.toBytes(want), LittleEndian.toBytes(got),
                    Result.VALID);
        }

        /** Values of a float type: bit for bit, except that an expected NaN matches any NaN (ACCEPTABLE_VARIANT). */
        Verdict compareValues(MatrixKey cell, String id, String head, SourceFormat type, byte[] want, byte[] got,
                              Result result) {
            if (want.length != got.length) {
                return Verdict.of(cell, id, Outcome.FAIL, head + String.format(Locale.ROOT,
                        "\n  the target answered %d bytes, expected %d (%d %s values)", got.length, want.length,
                        want.length / type.bytes(), type));
            }
            FailureText.Table table = new FailureText.Table();
            boolean nanVariant = false;
            int n = want.length / type.bytes();
            for (int i = 0; i < n; i++) {
                int w = FailureText.word(type, want, i);
                int a = FailureText.word(type, got, i);
                if (w == a) {
                    continue;
                }
                if (isNaN(type, w) && isNaN(type, a)) {
                    nanVariant = true;
                    continue;
                }
                table.add("value", Integer.toString(i), FailureText.source(type, w), FailureText.source(type, a));
            }
            if (table.isEmpty() && nanVariant) {
                return Verdict.of(cell, id, Outcome.ACCEPTABLE_VARIANT, head
                        + "\n  a NaN with another sign or payload than expected (any NaN matches)");
            }
            return verdict(cell, id, head, table, result);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Comparisons that fill a decoded mismatch table

    static boolean isNaN(SourceFormat type, int bits) {
        return switch (type) {
            case FP32 -> (bits & 0x7FFFFFFF) > 0x7F800000;
            case BF16 -> (bits & 0x7FFF) > 0x7F80;
            case FP16 -> (bits & 0x7FFF) > 0x7C00;
            case FP64 -> false;
        };
    }

    static void compareScales(FailureText.Table table, ElementFormat scale, ScaleLayout layout, byte[] want, byte[] got,
                              int rows, int cols) {
        if (want.length != got.length) {
            table.add("scales", "-", want.length + " bytes (" + layout.id() + ", " + rows + " x " + cols + " scales)",
                    got.length + " bytes");
            return;
        }
        for (int i = 0; i < want.length; i++) {
            if (want[i] != got[i]) {
                int r = ScalePacking.rowAt(layout, i, rows, cols);
                int c = ScalePacking.colAt(layout, i, rows, cols);
                String where = r < rows && c < cols ? (layout == ScaleLayout.ROW_MAJOR ? "block " + i
                        : "byte " + i + " = (row " + r + ", block " + c + ")") : "byte " + i + " (padding)";
                table.add("scale", where, FailureText.code(scale, want[i] & 0xFF), FailureText.code(scale, got[i] & 0xFF));
            }
        }
    }

    static void compareElements(FailureText.Table table, ElementFormat format, ElementLayout layout, byte[] want, byte[] got) {
        if (want.length != got.length) {
            table.add("elements", "-", want.length + " bytes (" + layout.id() + ")", got.length + " bytes");
            return;
        }
        if (Arrays.equals(want, got)) {
            return;
        }
        if (layout == ElementLayout.UNPACKED) {
            for (int i = 0; i < want.length; i++) {
                if (want[i] != got[i]) {
                    table.add("element", Integer.toString(i), FailureText.code(format, want[i] & 0xFF),
                            FailureText.code(format, got[i] & 0xFF));
                }
            }
            return;
        }
        // packed: name the bytes, then the codes they hold as the reference unpacker reads them
        for (int i = 0; i < want.length; i++) {
            if (want[i] != got[i]) {
                table.add("byte", Integer.toString(i), String.format(Locale.ROOT, "0x%02x", want[i] & 0xFF),
                        String.format(Locale.ROOT, "0x%02x", got[i] & 0xFF));
            }
        }
        int[] w = ElementPacking.unpack(layout, format, want, PadPolicy.LENIENT);
        int[] a;
        try {
            a = ElementPacking.unpack(layout, format, got, PadPolicy.LENIENT);
        } catch (IllegalArgumentException e) {
            return;
        }
        for (int i = 0; i < w.length; i++) {
            if (w[i] != a[i]) {
                table.add("element", i + " (" + layout.id() + ")", FailureText.code(format, w[i]), FailureText.code(format, a[i]));
            }
        }
    }

    static void compareBytes(FailureText.Table table, String field, byte[] want, byte[] got) {
        if (want.length != got.length) {
            table.add(field, "-", want.length + " bytes", got.length + " bytes");
            return;
        }
        for (int i = 0; i < want.length; i++) {
            if (want[i] != got[i]) {
                table.add(field, Integer.toString(i), String.format(Locale.ROOT, "0x%02x", want[i] & 0xFF),
                        String.format(Locale.ROOT, "0x%02x", got[i] & 0xFF));
            }
        }
    }

    static void compareWords(FailureText.Table table, String field, Precision dtype, byte[] want, byte[] got) {
        SourceFormat type = switch (dtype) {
            case FP32 -> SourceFormat.FP32;
            case BF16 -> SourceFormat.BF16;
            case FP16 -> SourceFormat.FP16;
        };
        if (want.length != got.length) {
            table.add(field, "-", want.length + " bytes (" + dtype + ")", got.length + " bytes");
            return;
        }
        for (int i = 0; i < want.length / type.bytes(); i++) {
            int w = FailureText.word(type, want, i);
            int a = FailureText.word(type, got, i);
            if (w != a) {
                table.add(field, Integer.toString(i), FailureText.source(type, w), FailureText.source(type, a));
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Batching

    /** Asks one request for all items; if it fails or answers the wrong length, asks item by item. */
    static List<Answer<byte[]>> batch(int n, Answer.Call<byte[]> all, int bytesEach, IndexedCall one) {
        Answer<byte[]> whole = Answer.of(all);
        List<Answer<byte[]>> out = new ArrayList<>(n);
        if (whole instanceof Answer.Ok<byte[]>(byte[] bytes) && bytes.length == n * bytesEach) {
            for (int i = 0; i < n; i++) {
                out.add(new Answer.Ok<>(Arrays.copyOfRange(bytes, i * bytesEach, (i + 1) * bytesEach)));
            }
            return out;
        }
        for (int i = 0; i < n; i++) {
            int index = i;
            Answer<byte[]> a = Answer.of(() -> one.call(index));
            if (a instanceof Answer.Ok<byte[]>(byte[] bytes) && bytes.length != bytesEach) {
                a = new Answer.Err<>(new TargetException.Malformed(String.format(Locale.ROOT,
                        "answered %d bytes for one value, expected %d", bytes.length, bytesEach)));
            }
            out.add(a);
        }
        return out;
    }

    @FunctionalInterface
    interface IndexedCall {
        byte[] call(int index) throws TargetException;
    }

    static byte[] concat(List<String> hex) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (String h : hex) {
            out.writeBytes(HexBytes.parse(h));
        }
        return out.toByteArray();
    }

    /** A supplier that computes once, when first asked (during the run, not at discovery). */
    static <T> Supplier<T> memo(Supplier<T> s) {
        return new Supplier<>() {
            private T value;
            private boolean done;

            @Override
            public synchronized T get() {
                if (!done) {
                    value = s.get();
                    done = true;
                }
                return value;
            }
        };
    }

    static Stream<DynamicNode> nodes(List<DynamicNode> list) {
        return list.stream();
    }
}
