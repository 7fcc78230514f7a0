package org.lowbit.conformance.suite;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.lowbit.conformance.run.MatrixKey;
import org.lowbit.conformance.run.Outcome;
import org.lowbit.conformance.target.Capability;
import org.lowbit.conformance.target.DecodeRequest;
import org.lowbit.conformance.target.EncodeRequest;
import org.lowbit.conformance.target.Operation;
import org.lowbit.reference.ElementCodec;
import org.lowbit.reference.exact.ExactCodec;
import org.lowbit.reference.exact.ExactValue;
import org.lowbit.reference.layout.LittleEndian;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.ElementKnobs;
import org.lowbit.spec.ElementProfile;
import org.lowbit.spec.SourceFormat;
import org.lowbit.vectors.Level;

/**
 * The exhaustive element tests: every code of every claimed format decoded (against the exact oracle,
 * {@link ExactCodec}), and every FP16 and BF16 bit pattern encoded into every claimed format × profile (against
 * the reference codec, which the reference's own tests prove equal to the exact oracle on all of these inputs).
 * All inputs of a sweep go to the target in one request; each input is a case.
 *
 * <p>At level {@code exhaustive} (DESIGN.md: "an opt-in exhaustive run, over all 2^32 FP32 inputs") every FP32
 * pattern is also encoded into every claimed format × profile, in 256 slices of 2^24 consecutive patterns, one
 * request and one test each. A slice is the unit of sharding and of {@code --only} globs
 * ({@code sweep/encode-f32/FORMAT/PROFILE/slice-0x3f}); a single input's id
 * ({@code sweep/encode-f32/FORMAT/PROFILE#0x3f800000}, what a failure's reproduce line names) runs that input
 * alone. The first {@link #LISTED_PER_SLICE} failing inputs of a slice are listed in full; the rest are counted
 * as failures of the same outcome, never dropped. The same level sends every FP32 pattern through each claimed MX
 * quantize as well ({@link BlockSweeps}).
 */
final class Sweeps {
    private Sweeps() {}

    /** Inputs per request when a whole sweep fails and is asked again in parts, to pin the failure down. */
    static final int CHUNK = 4096;

    static GoldenVectors.Plan plan(RunContext ctx) {
        List<DynamicNode> nodes = new ArrayList<>();
        long cases = 0;
        List<DynamicNode> decode = new ArrayList<>();
        for (Capability c : ctx.claimsOf(Operation.DECODE)) {
            ElementFormat format = ElementFormat.byId(c.format());
            int[] codes = kept(ctx, format.codeCount(), i -> decodeId(format, i));
            if (codes.length == 0) {
                continue;
            }
            cases += codes.length;
            decode.add(DynamicTest.dynamicTest("decode every " + format + " code", () -> decodeSweep(ctx, format, codes)));
        }
        if (!decode.isEmpty()) {
            nodes.add(DynamicContainer.dynamicContainer("decode every code", decode));
        }
        List<DynamicNode> encode = new ArrayList<>();
        for (Capability c : ctx.claimsOf(Operation.ENCODE)) {
            ElementFormat format = ElementFormat.byId(c.format());
            ElementProfile profile = ElementProfile.byId(c.profile());
            for (SourceFormat source : List.of(SourceFormat.BF16, SourceFormat.FP16)) {
                if (!c.precisions().contains(source)) {
                    continue;
                }
                int[] inputs = kept(ctx, 1 << 16, i -> encodeId(source, format, profile, i));
                if (inputs.length == 0) {
                    continue;
                }
                cases += inputs.length;
                encode.add(DynamicTest.dynamicTest("encode every " + source + " pattern to " + format + " under " + profile,
                        () -> encodeSweep(ctx, source, format, profile, inputs)));
            }
        }
        if (!encode.isEmpty()) {
            nodes.add(DynamicContainer.dynamicContainer("encode every 16-bit input", encode));
        }
        if (ctx.level() == Level.EXHAUSTIVE) {
            List<DynamicNode> f32 = new ArrayList<>();
            for (Capability c : ctx.claimsOf(Operation.ENCODE)) {
                if (!c.precisions().contains(SourceFormat.FP32)) {
                    continue;
                }
                ElementFormat format = ElementFormat.byId(c.format());
                ElementProfile profile = ElementProfile.byId(c.profile());
                List<DynamicNode> slices = new ArrayList<>();
                for (int slice = 0; slice < SLICES; slice++) {
                    int[] only = sliceInputs(ctx, format, profile, slice);
                    if (only != null && only.length == 0) {
                        continue;
                    }
                    int s = slice;
                    cases += only == null ? SLICE : only.length;
                    slices.add(DynamicTest.dynamicTest(String.format(Locale.ROOT, "encode every f32 pattern 0x%02x000000-0x%02xffffff",
                            slice, slice), () -> float32Slice(ctx, format, profile, s, only)));
                }
                if (!slices.isEmpty()) {
                    f32.add(DynamicContainer.dynamicContainer("encode every f32 pattern to " + format + " under " + profile, slices));
                }
            }
            if (!f32.isEmpty()) {
                nodes.add(DynamicContainer.dynamicContainer("encode every f32 input (level exhaustive)", f32));
            }
            GoldenVectors.Plan blocks = BlockSweeps.plan(ctx);
            nodes.addAll(blocks.nodes());
            cases += blocks.cases();
        }
        return new GoldenVectors.Plan(nodes, cases);
    }

    /** Level exhaustive: the FP32 space in slices of 2^24 patterns (the top byte is the slice). */
    static final int SLICES = 256;
    static final int SLICE = 1 << 24;
    /** Failing inputs of one slice listed in full; the rest are counted. */
    static final int LISTED_PER_SLICE = 16;

    static String sliceId(ElementFormat format, ElementProfile profile, int slice) {
        return String.format(Locale.ROOT, "sweep/encode-f32/%s/%s/slice-0x%02x", format.id(), profile.id(), slice);
    }

    static String float32Id(ElementFormat format, ElementProfile profile, int bits) {
        return String.format(Locale.ROOT, "sweep/encode-f32/%s/%s#0x%08x", format.id(), profile.id(), bits);
    }

    /** null: the whole slice; else the inputs that {@code --only} names one by one (possibly none). */
    private static int[] sliceInputs(RunContext ctx, ElementFormat format, ElementProfile profile, int slice) {
        if (ctx.filter().keepsAll() || ctx.filter().keeps(sliceId(format, profile, slice))) {
            return null;
        }
        return literalPatterns(ctx, String.format(Locale.ROOT, "sweep/encode-f32/%s/%s", format.id(), profile.id()), slice)
                .toArray();
    }

    /**
     * The FP32 patterns that {@code --only} names one by one as {@code CELL#0xXXXXXXXX} (the id of one input, or
     * of one block of {@link BlockSweeps}) with top byte {@code slice}: distinct, ascending.
     */
    static IntStream literalPatterns(RunContext ctx, String cell, int slice) {
        String prefix = String.format(Locale.ROOT, "%s#0x%02x", cell, slice);
        return ctx.filter().literalIds().stream()
                .filter(id -> id.length() == prefix.length() + 6 && id.startsWith(prefix) && ctx.filter().keeps(id)
                              && id.substring(prefix.length()).chars().allMatch(c -> Character.digit(c, 16) >= 0))
                .mapToInt(id -> Integer.parseUnsignedInt(id.substring(cell.length() + 3), 16))
                .distinct().sorted();
    }

    private static void float32Slice(RunContext ctx, ElementFormat format, ElementProfile profile, int slice, int[] only) {
        MatrixKey cell = ctx.cell(Operation.ENCODE, format.id(), profile.id());
        ctx.exercise(Claims.unit(Operation.ENCODE, format.id(), profile.id(), "source", SourceFormat.FP32.id()));
        ElementKnobs knobs = profile.knobsFor(format);
        int n = only == null ? SLICE : only.length;
        java.util.function.IntUnaryOperator input = only == null ? i -> slice << 24 | i : i -> only[i];
        byte[] in = new byte[4 * n];
        IntStream.range(0, n).parallel().forEach(i -> LittleEndian.putInt(in, 4 * i, input.applyAsInt(i)));
        Answer<byte[]> answer = Answer.of(() -> ctx.target().encode(new EncodeRequest(format, profile, knobs, SourceFormat.FP32,
                in, new byte[0])));
        if (answer instanceof Answer.Ok<byte[]>(byte[] v) && v.length != n) {
            answer = new Answer.Err<>(new org.lowbit.conformance.target.TargetException.Malformed(String.format(Locale.ROOT,
                    "answered %d bytes for %d inputs", v.length, n)));
        }
        String name = String.format(Locale.ROOT, "encode every f32 pattern 0x%02x000000-0x%02xffffff to %s under %s", slice, slice,
                format, profile);
        int[] failing;
        byte[] codes;
        if (answer instanceof Answer.Ok<byte[]>(byte[] v)) {
            codes = v;
            failing = IntStream.range(0, n).parallel()
                    .filter(i -> (v[i] & 0xFF) != ElementCodec.encodeFloat32(input.applyAsInt(i), format, knobs)).toArray();
        } else {
            codes = null;
            failing = IntStream.range(0, n).toArray();
        }
        List<Verdict> listed = new ArrayList<>();
        for (int k = 0; k < Math.min(LISTED_PER_SLICE, failing.length); k++) {
            int bits = input.applyAsInt(failing[k]);
            listed.add(float32Verdict(ctx, cell, format, profile, knobs, bits, answer, codes == null ? 0 : codes[failing[k]] & 0xFF));
        }
        long unlisted = failing.length - listed.size();
        if (unlisted > 0) {
            Outcome outcome = answer instanceof Answer.Err<byte[]>(Throwable e) ? Answer.outcome(e) : Outcome.FAIL;
            if (ctx.waivers().all().isEmpty()) {
                ctx.recorder().recordUnlisted(cell, outcome, unlisted, name);
            } else {  // a waiver may cover some of them: each goes through the recorder
                for (int k = listed.size(); k < failing.length; k++) {
                    int bits = input.applyAsInt(failing[k]);
                    ctx.recorder().record(Verdict.of(cell, float32Id(format, profile, bits), outcome,
                            "target '" + ctx.targetName() + "', f32 0x" + Integer.toHexString(bits) + ": see " + name), name);
                }
            }
        }
        CaseTests.finish(ctx, name, CaseTests.params(ctx, format.id(), profile.id(), "-"), listed, cell,
                n - failing.length, unlisted);
    }

    private static Verdict float32Verdict(RunContext ctx, MatrixKey cell, ElementFormat format, ElementProfile profile,
                                          ElementKnobs knobs, int bits, Answer<byte[]> answer, int actual) {
        String id = float32Id(format, profile, bits);
        String head = "target '" + ctx.targetName() + "', case " + id + " (exhaustive encode, " + knobs.rounding() + ", "
                      + knobs.overflow() + ")\n  input: " + FailureText.source(SourceFormat.FP32, bits);
        if (answer instanceof Answer.Err<byte[]>(Throwable e)) {
            return Verdict.of(cell, id, Answer.outcome(e), head + "\n  the target " + Answer.describe(e));
        }
        FailureText.Table t = new FailureText.Table();
        t.add("code", "0", FailureText.code(format, ElementCodec.encodeFloat32(bits, format, knobs)), FailureText.code(format, actual));
        return new Verdict(cell, id, Outcome.FAIL, head + "\n  expected vs actual:\n" + t, t.toString());
    }

    static String decodeId(ElementFormat format, int code) {
        return String.format(Locale.ROOT, "sweep/decode/%s#0x%02x", format.id(), code);
    }

    static String encodeId(SourceFormat source, ElementFormat format, ElementProfile profile, int bits) {
        return String.format(Locale.ROOT, "sweep/encode-%s/%s/%s#0x%04x", source.id(), format.id(), profile.id(), bits);
    }

    private static int[] kept(RunContext ctx, int n, java.util.function.IntFunction<String> id) {
        if (ctx.filter().keepsAll()) {
            return IntStream.range(0, n).toArray();
        }
        return IntStream.range(0, n).filter(i -> ctx.filter().keeps(id.apply(i))).toArray();
    }

    private static void decodeSweep(RunContext ctx, ElementFormat format, int[] codes) {
        MatrixKey cell = ctx.cell(Operation.DECODE, format.id(), Capability.NO_PROFILE);
        ctx.exercise(Claims.unit(Operation.DECODE, format.id(), Capability.NO_PROFILE, "", ""));
        byte[] in = new byte[codes.length];
        for (int i = 0; i < codes.length; i++) {
            in[i] = (byte) codes[i];
        }
        List<Answer<byte[]>> answers = chunked(codes.length, 4, (from, to) ->
                ctx.target().decode(new DecodeRequest(format, java.util.Arrays.copyOfRange(in, from, to))));
        List<Verdict> bad = new ArrayList<>();
        long passes = 0;
        for (int i = 0; i < codes.length; i++) {
            String id = decodeId(format, codes[i]);
            String head = "target '" + ctx.targetName() + "', case " + id + " (exhaustive decode)\n  input: code "
                          + FailureText.code(format, codes[i]);
            Answer<byte[]> a = answers.get(i);
            if (a instanceof Answer.Err<byte[]>(Throwable e)) {
                bad.add(Verdict.of(cell, id, Answer.outcome(e), head + "\n  the target " + Answer.describe(e)));
                continue;
            }
            int actual = LittleEndian.getInt(((Answer.Ok<byte[]>) a).value(), 0);
            ExactValue expected = ExactCodec.decode(codes[i], format);
            if (actual == ElementCodec.decodeToFloat32Bits(codes[i], format)) {
                passes++;
            } else if (expected.isValueOf(Float.intBitsToFloat(actual))) {
                bad.add(Verdict.of(cell, id, Outcome.ACCEPTABLE_VARIANT, head + "\n  a NaN of another sign or payload"));
            } else {
                FailureText.Table t = new FailureText.Table();
                t.add("value", "0", expected + " (exact)", FailureText.source(SourceFormat.FP32, actual));
                bad.add(new Verdict(cell, id, Outcome.FAIL, head + "\n  expected vs actual:\n" + t, t.toString()));
            }
        }
        CaseTests.finish(ctx, "decode every " + format + " code", CaseTests.params(ctx, format.id(), "none", "-"),
                bad, cell, passes);
    }

    private static void encodeSweep(RunContext ctx, SourceFormat source, ElementFormat format, ElementProfile profile,
                                    int[] inputs) {
        MatrixKey cell = ctx.cell(Operation.ENCODE, format.id(), profile.id());
        ctx.exercise(Claims.unit(Operation.ENCODE, format.id(), profile.id(), "source", source.id()));
        ElementKnobs knobs = profile.knobsFor(format);
        byte[] in = new byte[2 * inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            LittleEndian.putShort(in, 2 * i, (short) inputs[i]);
        }
        List<Answer<byte[]>> answers = chunked(inputs.length, 1, (from, to) -> ctx.target().encode(new EncodeRequest(format,
                profile, knobs, source, java.util.Arrays.copyOfRange(in, 2 * from, 2 * to), new byte[0])));
        List<Verdict> bad = new ArrayList<>();
        long passes = 0;
        for (int i = 0; i < inputs.length; i++) {
            int bits = inputs[i];
            int expected = source == SourceFormat.BF16 ? ElementCodec.encodeBFloat16(bits, format, knobs)
                                                       : ElementCodec.encodeFloat16(bits, format, knobs);
            Answer<byte[]> a = answers.get(i);
            if (a instanceof Answer.Ok<byte[]>(byte[] v) && (v[0] & 0xFF) == expected) {
                passes++;
                continue;
            }
            String id = encodeId(source, format, profile, bits);
            String head = "target '" + ctx.targetName() + "', case " + id + " (exhaustive encode, " + knobs.rounding() + ", "
                          + knobs.overflow() + ")\n  input: " + FailureText.source(source, bits);
            if (a instanceof Answer.Err<byte[]>(Throwable e)) {
                bad.add(Verdict.of(cell, id, Answer.outcome(e), head + "\n  the target " + Answer.describe(e)));
                continue;
            }
            int actual = ((Answer.Ok<byte[]>) a).value()[0] & 0xFF;
            FailureText.Table t = new FailureText.Table();
            t.add("code", "0", FailureText.code(format, expected), FailureText.code(format, actual));
            bad.add(new Verdict(cell, id, Outcome.FAIL, head + "\n  expected vs actual:\n" + t, t.toString()));
        }
        CaseTests.finish(ctx, "encode every " + source + " pattern to " + format + " under " + profile,
                CaseTests.params(ctx, format.id(), profile.id(), "-"), bad, cell, passes);
    }

    @FunctionalInterface
    interface RangeCall {
        byte[] call(int from, int to) throws org.lowbit.conformance.target.TargetException;
    }

    /** One request for all n inputs; if it fails, requests of {@link #CHUNK}; an input shares its request's error. */
    static List<Answer<byte[]>> chunked(int n, int bytesEach, RangeCall call) {
        List<Answer<byte[]>> out = new ArrayList<>(n);
        Answer<byte[]> whole = Answer.of(() -> call.call(0, n));
        if (whole instanceof Answer.Ok<byte[]>(byte[] bytes) && bytes.length == n * bytesEach) {
            split(bytes, bytesEach, out);
            return out;
        }
        for (int from = 0; from < n; from += CHUNK) {
            int f = from;
            int to = Math.min(n, from + CHUNK);
            Answer<byte[]> part = n <= CHUNK ? whole : Answer.of(() -> call.call(f, to));
            if (part instanceof Answer.Ok<byte[]>(byte[] bytes) && bytes.length == (to - from) * bytesEach) {
                split(bytes, bytesEach, out);
                continue;
            }
            Answer<byte[]> err = part instanceof Answer.Err<byte[]> e ? e
                    : new Answer.Err<>(new org.lowbit.conformance.target.TargetException.Malformed(String.format(Locale.ROOT,
                    "answered %d bytes for %d inputs, expected %d", ((Answer.Ok<byte[]>) part).value().length, to - from,
                    (to - from) * bytesEach)));
            for (int i = from; i < to; i++) {
                out.add(err);
            }
        }
        return out;
    }

    private static void split(byte[] bytes, int each, List<Answer<byte[]>> out) {
        for (int i = 0; i < bytes.length / each; i++) {
            out.add(new Answer.Ok<>(java.util.Arrays.copyOfRange(bytes, i * each, (i + 1) * each)));
        }
    }
}
