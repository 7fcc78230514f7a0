package org.lowbit.conformance.suite;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.lowbit.vectors.Level;
import org.lowbit.conformance.run.MatrixKey;
import org.lowbit.conformance.run.Outcome;
import org.lowbit.conformance.target.Capability;
import org.lowbit.conformance.target.EncodeRequest;
import org.lowbit.conformance.target.Operation;
import org.lowbit.conformance.target.QuantizeRequest;
import org.lowbit.conformance.target.QuantizeResult;
import org.lowbit.conformance.target.Target;
import org.lowbit.conformance.target.TargetException;
import org.lowbit.reference.ElementCodec;
import org.lowbit.reference.layout.ElementPacking;
import org.lowbit.reference.layout.LittleEndian;
import org.lowbit.reference.layout.ScalePacking;
import org.lowbit.spec.BlockFormat;
import org.lowbit.spec.BlockKnobs;
import org.lowbit.spec.BlockPolicies.TensorScaleRule;
import org.lowbit.spec.BlockProfile;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.ElementKnobs;
import org.lowbit.spec.ElementLayout;
import org.lowbit.spec.ElementProfile;
import org.lowbit.spec.PadPolicy;
import org.lowbit.spec.Rounding;
import org.lowbit.spec.ScaleLayout;
import org.lowbit.spec.ScaleRule;
import org.lowbit.spec.SourceFormat;
import org.lowbit.spec.SplitMix64;
import org.lowbit.vectors.EncodeGroup;
import org.lowbit.vectors.EncodeTest;
import org.lowbit.vectors.Flag;
import org.lowbit.vectors.HexBytes;
import org.lowbit.vectors.QuantizeExpected;
import org.lowbit.vectors.QuantizeGroup;
import org.lowbit.vectors.QuantizeTest;
import org.lowbit.vectors.Result;
import org.lowbit.vectors.TensorScaleMode;
import org.lowbit.vectors.VectorFile;
import org.lowbit.vectors.VectorJsonWriter;

/**
 * Property tests on seeded, boundary-biased random blocks (SplitMix64, SPEC.md §7; the run's seed is in every
 * case id's message). For each claimed block format × profile × source:
 * <ul>
 *   <li><b>agreement</b>: the target's scales, elements and tensor scale equal the reference's;</li>
 *   <li><b>sign-symmetry</b> (symmetric element rounding): negating the input keeps the scales and negates every
 *       element;</li>
 *   <li><b>scale-by-2^k</b>: multiplying the block by 2^k changes only its scale (E8M0 code + k, UE4M3 exponent
 *       + k, or the NVFP4 tensor scale g · 2^k), for a k where no clamp intervenes: every input stays a normal
 *       source number and every scale stays inside its range, off its clamps;</li>
 *   <li><b>idempotence</b>: quantizing the dequantized result gives the same codes in every block whose scale is
 *       unchanged, and (FLOOR, OCP MX §6.3) the same scales;</li>
 *   <li><b>block-monotonicity</b> (monotone element rounding): within a block, a larger input never gets a smaller
 *       element.</li>
 * </ul>
 * and for each claimed element format × profile × source with RNE, RZ, RU or RD: <b>encode-monotonicity</b>.
 * A failing input is shrunk (fewer blocks, elements zeroed, significands cleared while it still fails) and saved
 * as a regression vector file under {@code <reportDir>/regressions/}.
 */
final class Properties {
    private Properties() {}

    /** Trials per property and claim at level 1; level 2 and beyond run ten times as many. */
    static final int TRIALS_LEVEL_ONE = 8;

    /** Blocks per random input (so that shrinking can drop blocks). */
    static final int BLOCKS = 2;

    /** At most this many property evaluations while shrinking one failure. */
    static final int SHRINK_BUDGET = 400;

    enum Property {
        AGREEMENT("agreement"), SIGN_SYMMETRY("sign-symmetry"), SCALE_BY_POWER_OF_TWO("scale-by-2^k"),
        IDEMPOTENCE("idempotence"), BLOCK_MONOTONICITY("block-monotonicity");

        final String id;

        Property(String id) {
            this.id = id;
        }
    }

    static int trials(RunContext ctx) {
        return ctx.level() == Level.ONE ? TRIALS_LEVEL_ONE : 10 * TRIALS_LEVEL_ONE;
    }

    static GoldenVectors.Plan plan(RunContext ctx) {
        List<DynamicNode> nodes = new ArrayList<>();
        long cases = 0;
        int trials = trials(ctx);
        for (Capability c : ctx.claimsOf(Operation.QUANTIZE)) {
            BlockFormat format = BlockFormat.byId(c.format());
            BlockProfile profile = BlockProfile.byId(c.profile());
            BlockKnobs knobs = profile.knobsFor(format);
            for (SourceFormat source : c.precisions().stream().sorted().toList()) {
                List<DynamicNode> tests = new ArrayList<>();
                for (Property p : Property.values()) {
                    if (p == Property.SIGN_SYMMETRY && !symmetric(knobs.elementRounding())) {
                        continue;
                    }
                    if (p == Property.BLOCK_MONOTONICITY && !monotone(knobs.elementRounding())) {
                        continue;
                    }
                    BlockProperty bp = new BlockProperty(ctx, c, format, profile, knobs, source, p);
                    List<Integer> kept = keptTrials(ctx, bp.name(), trials);
                    if (kept.isEmpty()) {
                        continue;
                    }
                    cases += kept.size();
                    tests.add(CaseTests.test(ctx, p.id, CaseTests.params(ctx, format.id(), profile.id(),
                            Claims.layoutPairs(c).getFirst().id()), () -> bp.run(kept)));
                }
                if (!tests.isEmpty()) {
                    nodes.add(DynamicContainer.dynamicContainer("quantize " + format + " " + profile + " from " + source, tests));
                }
            }
        }
        for (Capability c : ctx.claimsOf(Operation.ENCODE)) {
            ElementFormat format = ElementFormat.byId(c.format());
            ElementProfile profile = ElementProfile.byId(c.profile());
            ElementKnobs knobs = profile.knobsFor(format);
            if (!monotone(knobs.rounding())) {
                continue;
            }
            List<DynamicNode> tests = new ArrayList<>();
            for (SourceFormat source : c.precisions().stream().sorted().toList()) {
                EncodeMonotonicity em = new EncodeMonotonicity(ctx, format, profile, knobs, source);
                List<Integer> kept = keptTrials(ctx, em.name(), trials);
                if (kept.isEmpty()) {
                    continue;
                }
                cases += kept.size();
                tests.add(CaseTests.test(ctx, "encode-monotonicity from " + source,
                        CaseTests.params(ctx, format.id(), profile.id(), "-"), () -> em.run(kept)));
            }
            if (!tests.isEmpty()) {
                nodes.add(DynamicContainer.dynamicContainer("encode " + format + " " + profile, tests));
            }
        }
        return new GoldenVectors.Plan(nodes, cases);
    }

    static boolean symmetric(Rounding r) {
        return r == Rounding.RNE || r == Rounding.RNA || r == Rounding.RZ;
    }

    static boolean monotone(Rounding r) {
        return r == Rounding.RNE || r == Rounding.RNA || r == Rounding.RZ || r == Rounding.RU || r == Rounding.RD;
    }

    private static List<Integer> keptTrials(RunContext ctx, String name, int trials) {
        List<Integer> out = new ArrayList<>();
        for (int t = 0; t < trials; t++) {
            if (ctx.filter().keeps(name + "#" + t)) {
                out.add(t);
            }
        }
        return out;
    }

    /** The seed of one trial: the run's seed mixed with the property's name and the trial number. */
    static long trialSeed(long runSeed, String name, int trial) {
        return SplitMix64.mix(runSeed ^ CaseFilter.stableHash(name)) + trial;
    }

    // ---------------------------------------------------------------------------------------------
    // Block properties

    /** A quantize answer in the canonical form: row-major scales, unpacked codes. */
    record Quantized(byte[] scales, int[] codes, OptionalInt tensorScale) {}

    /** Why an input fails a property: a kind (to keep while shrinking) and the text. */
    record Failure(String kind, Outcome outcome, String text) {}

    static final class BlockProperty {
        final RunContext ctx;
        final Capability claim;
        final BlockFormat format;
        final BlockProfile profile;
        final BlockKnobs knobs;
        final SourceFormat source;
        final Property property;
        final Claims.LayoutPair layouts;
        final TensorScaleMode mode;
        final MatrixKey cell;

        BlockProperty(RunContext ctx, Capability claim, BlockFormat format, BlockProfile profile, BlockKnobs knobs,
                      SourceFormat source, Property property) {
            this.ctx = ctx;
            this.claim = claim;
            this.format = format;
            this.profile = profile;
            this.knobs = knobs;
            this.source = source;
            this.property = property;
            this.layouts = Claims.layoutPairs(claim).getFirst();
            this.mode = knobs.tensorScale() == TensorScaleRule.AMAX_OVER_2688 ? TensorScaleMode.COMPUTED : TensorScaleMode.NONE;
            this.cell = ctx.cell(Operation.QUANTIZE, format.id(), profile.id());
        }

        String name() {
            return "property/" + property.id + "/" + format.id() + "/" + profile.id() + "/" + source.id();
        }

        List<Verdict> run(List<Integer> trials) {
            ctx.exercise(Claims.unit(Operation.QUANTIZE, format.id(), profile.id(), "source", source.id()));
            List<Verdict> out = new ArrayList<>();
            for (int trial : trials) {
                String id = name() + "#" + trial;
                long seed = trialSeed(ctx.options().seed(), name(), trial);
                SplitMix64 rng = new SplitMix64(seed);
                int[] input = null;
                Optional<Failure> failure = Optional.empty();
                boolean applies = false;
                for (int attempt = 0; attempt < 8 && !applies; attempt++) {
                    input = BlockSampler.blocks(rng, format, source, BLOCKS);
                    Optional<Optional<Failure>> r = check(input);
                    if (r.isPresent()) {
                        applies = true;
                        failure = r.get();
                    }
                }
                if (!applies) {
                    out.add(Verdict.of(cell, id, Outcome.NOT_SUPPORTED, "property " + property.id
                            + ": no drawn block met its precondition (seed " + hex(seed) + ")"));
                    continue;
                }
                if (failure.isEmpty()) {
                    out.add(Verdict.pass(cell, id));
                    continue;
                }
                Failure f = failure.get();
                int[] small = f.outcome() == Outcome.FAIL ? shrink(input, f) : input;
                Failure last = small == input ? f : check(small).flatMap(x -> x).orElse(f);
                String saved = saveRegression(small, seed, trial);
                String text = String.format(Locale.ROOT,
                        "target '%s', case %s\n  property %s of quantize %s under %s from %s, layouts %s\n"
                        + "  seed %s (run seed %s, trial %d)\n  %s%s%s\n  %s",
                        ctx.targetName(), id, property.id, format, profile, source, layouts.id(), hex(seed),
                        hex(ctx.options().seed()), trial, small.length < input.length || !Arrays.equals(small, input)
                                ? "shrunk from " + input.length + " to " + small.length + " elements: " : "input: ",
                        FailureText.inputs(source, SourceBits.bytes(source, small)), "", last.text());
                out.add(Verdict.of(cell, id, last.outcome(), text + "\n  regression vector: " + saved));
            }
            return out;
        }

        /** Empty when the precondition fails for this input; else the failure, if any. */
        Optional<Optional<Failure>> check(int[] input) {
            Answer<Quantized> first = quantize(ctx.target(), input);
            if (first instanceof Answer.Err<Quantized>(Throwable e)) {
                return Optional.of(Optional.of(new Failure("error", Answer.outcome(e), "the target " + Answer.describe(e))));
            }
            Quantized q = ((Answer.Ok<Quantized>) first).value();
            return switch (property) {
                case AGREEMENT -> Optional.of(agreement(input, q));
                case SIGN_SYMMETRY -> Optional.of(signSymmetry(input, q));
                case SCALE_BY_POWER_OF_TWO -> scaleByPowerOfTwo(input, q);
                case IDEMPOTENCE -> idempotence(input, q);
                case BLOCK_MONOTONICITY -> Optional.of(blockMonotonicity(input, q));
            };
        }

        Optional<Failure> agreement(int[] input, Quantized q) {
            Answer<Quantized> ref = quantize(RunContext.REFERENCE, input);
            if (ref instanceof Answer.Err<Quantized>(Throwable e)) {
                return Optional.of(new Failure("reference", Outcome.FAIL, "the reference " + Answer.describe(e)
                                                                         + " but the target answered"));
            }
            Quantized r = ((Answer.Ok<Quantized>) ref).value();
            FailureText.Table t = new FailureText.Table();
            GoldenVectors.compareScales(t, format.scale(), ScaleLayout.ROW_MAJOR, r.scales(), q.scales(), 1, blocks(input));
            for (int i = 0; i < input.length; i++) {
                if (r.codes()[i] != q.codes()[i]) {
                    t.add("element", Integer.toString(i), FailureText.code(format.element(), r.codes()[i]),
                            FailureText.code(format.element(), q.codes()[i]));
                }
            }
            if (!r.tensorScale().equals(q.tensorScale())) {
                t.add("tensorScale", "g", r.tensorScale().toString(), q.tensorScale().toString());
            }
            return t.isEmpty() ? Optional.empty()
                    : Optional.of(new Failure("agreement", Outcome.FAIL, "differs from the reference (expected = reference):\n" + t));
        }

        Optional<Failure> signSymmetry(int[] input, Quantized q) {
            int[] negated = Arrays.stream(input).map(b -> SourceBits.negate(source, b)).toArray();
            Answer<Quantized> a = quantize(ctx.target(), negated);
            if (a instanceof Answer.Err<Quantized>(Throwable e)) {
                return Optional.of(new Failure("error", Answer.outcome(e), "on the negated input the target " + Answer.describe(e)));
            }
            Quantized n = ((Answer.Ok<Quantized>) a).value();
            FailureText.Table t = new FailureText.Table();
            GoldenVectors.compareScales(t, format.scale(), ScaleLayout.ROW_MAJOR, q.scales(), n.scales(), 1, blocks(input));
            for (int i = 0; i < input.length; i++) {
                double v = value(q.codes()[i]);
                double w = value(n.codes()[i]);
                if (!(w == -v)) {
                    t.add("element", Integer.toString(i), "the negation of " + FailureText.code(format.element(), q.codes()[i]),
                            FailureText.code(format.element(), n.codes()[i]));
                }
            }
            if (!q.tensorScale().equals(n.tensorScale())) {
                t.add("tensorScale", "g", q.tensorScale().toString(), n.tensorScale().toString());
            }
            return t.isEmpty() ? Optional.empty() : Optional.of(new Failure("sign", Outcome.FAIL,
                    "quantize(-x) is not -quantize(x) (expected = derived from quantize(x), actual = quantize(-x)):\n" + t));
        }

        Optional<Optional<Failure>> scaleByPowerOfTwo(int[] input, Quantized q) {
            for (int k : new int[] {1, -1, 2, -2, 3, -3}) {
                int[] scaled = new int[input.length];
                boolean ok = true;
                for (int i = 0; i < input.length && ok; i++) {
                    OptionalInt s = SourceBits.timesPowerOfTwo(source, input[i], k);
                    ok = s.isPresent();
                    scaled[i] = ok ? s.getAsInt() : 0;
                }
                if (!ok || !scalesStayInside(q, k)) {
                    continue;
                }
                Answer<Quantized> a = quantize(ctx.target(), scaled);
                if (a instanceof Answer.Err<Quantized>(Throwable e)) {
                    return Optional.of(Optional.of(new Failure("error", Answer.outcome(e), "on the input times 2^" + k
                                                                                      + " the target " + Answer.describe(e))));
                }
                Quantized s = ((Answer.Ok<Quantized>) a).value();
                FailureText.Table t = new FailureText.Table();
                byte[] want = q.scales().clone();
                OptionalInt wantG = q.tensorScale();
                if (mode == TensorScaleMode.COMPUTED) {
                    wantG = OptionalInt.of(q.tensorScale().orElseThrow() + (k << 23));
                } else {
                    for (int b = 0; b < want.length; b++) {
                        want[b] = (byte) (want[b] + (format.isMx() ? k : 8 * k));
                    }
                }
                GoldenVectors.compareScales(t, format.scale(), ScaleLayout.ROW_MAJOR, want, s.scales(), 1, blocks(input));
                for (int i = 0; i < input.length; i++) {
                    if (q.codes()[i] != s.codes()[i]) {
                        t.add("element", Integer.toString(i), FailureText.code(format.element(), q.codes()[i]),
                                FailureText.code(format.element(), s.codes()[i]));
                    }
                }
                if (!wantG.equals(s.tensorScale())) {
                    t.add("tensorScale", "g", wantG.toString(), s.tensorScale().toString());
                }
                return Optional.of(t.isEmpty() ? Optional.empty() : Optional.of(new Failure("scale", Outcome.FAIL,
                        "times 2^" + k + " changed more than the scale (expected = quantize(x) with the scale moved by "
                        + k + " binades):\n" + t)));
            }
            return Optional.empty();
        }

        /** Whether every block scale stays off its clamps after k binades (E8M0 codes 2..253; UE4M3 exponents 2..14). */
        boolean scalesStayInside(Quantized q, int k) {
            if (mode == TensorScaleMode.COMPUTED) {
                int g = q.tensorScale().orElse(0);
                int field = (g >>> 23) & 0xFF;
                return field > 0 && field + k >= 1 && field + k <= 254;
            }
            for (byte b : q.scales()) {
                int code = b & 0xFF;
                if (format.isMx()) {
                    if (code < 2 || code > 253 || code + k < 2 || code + k > 253) {
                        return false;
                    }
                } else {
                    int e = (code >>> 3) & 0xF;
                    if (e < 2 || e > 14 || e + k < 2 || e + k > 14) {
                        return false;
                    }
                }
            }
            return true;
        }

        Optional<Optional<Failure>> idempotence(int[] input, Quantized q) {
            int n = input.length;
            byte[] codes = new byte[n];
            for (int i = 0; i < n; i++) {
                codes[i] = (byte) q.codes()[i];
            }
            byte[] y;
            try {
                y = RunContext.REFERENCE.dequantize(new org.lowbit.conformance.target.DequantizeRequest(format, profile,
                        SourceFormat.FP32, 1, n, q.scales(), codes, ElementLayout.UNPACKED, ScaleLayout.ROW_MAJOR, q.tensorScale()));
            } catch (TargetException e) {
                return Optional.of(Optional.of(new Failure("dequantize", Outcome.FAIL,
                        "the reference cannot dequantize the target's answer: " + e.getMessage())));
            }
            int[] again = new int[n];
            for (int i = 0; i < n; i++) {
                int f32 = LittleEndian.getInt(y, 4 * i);
                if (!Float.isFinite(Float.intBitsToFloat(f32))) {
                    return Optional.empty();
                }
                OptionalInt s = SourceBits.exactly(source, f32);
                if (s.isEmpty()) {
                    return Optional.empty();
                }
                again[i] = s.getAsInt();
            }
            Answer<Quantized> a = quantize(ctx.target(), again);
            if (a instanceof Answer.Err<Quantized>(Throwable e)) {
                return Optional.of(Optional.of(new Failure("error", Answer.outcome(e),
                        "on the dequantized values the target " + Answer.describe(e))));
            }
            Quantized r = ((Answer.Ok<Quantized>) a).value();
            FailureText.Table t = new FailureText.Table();
            int k = format.blockSize();
            boolean sameG = q.tensorScale().equals(r.tensorScale());
            for (int b = 0; b < q.scales().length; b++) {
                boolean sameScale = q.scales()[b] == r.scales()[b] && sameG;
                if (!sameScale && knobs.scaleRule() == ScaleRule.FLOOR && format.isMx()) {
                    t.add("scale", "block " + b, FailureText.code(format.scale(), q.scales()[b] & 0xFF),
                            FailureText.code(format.scale(), r.scales()[b] & 0xFF));
                }
                if (sameScale) {
                    for (int i = b * k; i < Math.min(n, (b + 1) * k); i++) {
                        if (!(value(q.codes()[i]) == value(r.codes()[i]))) {
                            t.add("element", Integer.toString(i), FailureText.code(format.element(), q.codes()[i]),
                                    FailureText.code(format.element(), r.codes()[i]));
                        }
                    }
                }
            }
            return Optional.of(t.isEmpty() ? Optional.empty() : Optional.of(new Failure("idempotence", Outcome.FAIL,
                    "quantize(dequantize(q)) differs from q (expected = q, actual = the requantized codes):\n" + t)));
        }

        Optional<Failure> blockMonotonicity(int[] input, Quantized q) {
            int k = format.blockSize();
            FailureText.Table t = new FailureText.Table();
            for (int start = 0; start < input.length; start += k) {
                int end = Math.min(input.length, start + k);
                Integer[] order = new Integer[end - start];
                for (int i = 0; i < order.length; i++) {
                    order[i] = start + i;
                }
                Arrays.sort(order, Comparator.comparingDouble(i -> SourceBits.value(source, input[i])));
                for (int j = 1; j < order.length; j++) {
                    int a = order[j - 1];
                    int b = order[j];
                    if (SourceBits.value(source, input[a]) < SourceBits.value(source, input[b])
                        && value(q.codes()[a]) > value(q.codes()[b])) {
                        t.add("elements", a + " < " + b, FailureText.source(source, input[a]) + " -> "
                                + FailureText.code(format.element(), q.codes()[a]), FailureText.source(source, input[b]) + " -> "
                                + FailureText.code(format.element(), q.codes()[b]));
                    }
                }
            }
            return t.isEmpty() ? Optional.empty() : Optional.of(new Failure("monotone", Outcome.FAIL,
                    "a larger input got a smaller element in the same block (the pairs that break it):\n" + t));
        }

        double value(int code) {
            double v = ElementCodec.decodeToDouble(code, format.element());
            return v == 0 ? 0.0 : v;
        }

        int blocks(int[] input) {
            return Math.ceilDiv(input.length, format.blockSize());
        }

        Answer<Quantized> quantize(Target target, int[] input) {
            return Answer.of(() -> {
                QuantizeResult r = target.quantize(new QuantizeRequest(format, profile, knobs, source, 1, input.length,
                        SourceBits.bytes(source, input), layouts.element(), layouts.scale(), mode, 0));
                int blocks = blocks(input);
                try {
                    byte[] scales = ScalePacking.unpack(layouts.scale(), r.scales(), 1, blocks);
                    int[] codes = ElementPacking.unpack(layouts.element(), format.element(), r.elements(), PadPolicy.LENIENT);
                    if (codes.length != input.length) {
                        throw new TargetException.Malformed(codes.length + " element codes for " + input.length + " inputs");
                    }
                    if (mode == TensorScaleMode.COMPUTED && r.tensorScaleBits().isEmpty()) {
                        throw new TargetException.Malformed("no tensor scale g, which the profile computes");
                    }
                    return new Quantized(scales, codes, r.tensorScaleBits());
                } catch (IllegalArgumentException e) {
                    throw new TargetException.Malformed("the answer does not unpack: " + e.getMessage(), e);
                }
            });
        }

        /** Fewer blocks, then elements zeroed, then significands cleared, while the same kind of failure remains. */
        int[] shrink(int[] input, Failure original) {
            int[] best = input;
            int budget = SHRINK_BUDGET;
            int k = format.blockSize();
            if (best.length > k) {
                for (int b = 0; b < blocks(best) && budget-- > 0; b++) {
                    int[] one = Arrays.copyOfRange(best, b * k, Math.min(best.length, (b + 1) * k));
                    if (stillFails(one, original)) {
                        best = one;
                        break;
                    }
                }
            }
            for (int i = 0; i < best.length && budget > 0; i++) {
                if (best[i] == 0) {
                    continue;
                }
                int[] zeroed = best.clone();
                zeroed[i] = 0;
                budget--;
                if (stillFails(zeroed, original)) {
                    best = zeroed;
                }
            }
            int mask = ~((1 << source.mantissaBits()) - 1);
            for (int i = 0; i < best.length && budget > 0; i++) {
                if ((best[i] & ~mask) == 0) {
                    continue;
                }
                int[] plain = best.clone();
                plain[i] = best[i] & mask;
                budget--;
                if (stillFails(plain, original)) {
                    best = plain;
                }
            }
            return best;
        }

        boolean stillFails(int[] candidate, Failure original) {
            return check(candidate).flatMap(f -> f).filter(f -> f.kind().equals(original.kind())).isPresent();
        }

        /** Writes the shrunk input as a quantize vector file with the reference's expected outputs; returns its path or why not. */
        String saveRegression(int[] input, long seed, int trial) {
            if (ctx.regressions().isEmpty()) {
                return "(not written: the run has no report directory)";
            }
            try {
                QuantizeResult r = RunContext.REFERENCE.quantize(new QuantizeRequest(format, profile, knobs, source, 1,
                        input.length, SourceBits.bytes(source, input), ElementLayout.UNPACKED, ScaleLayout.ROW_MAJOR, mode, 0));
                byte[] y = RunContext.REFERENCE.dequantize(new org.lowbit.conformance.target.DequantizeRequest(format, profile,
                        SourceFormat.FP32, 1, input.length, r.scales(), r.elements(), ElementLayout.UNPACKED,
                        ScaleLayout.ROW_MAJOR, r.tensorScaleBits()));
                QuantizeExpected.Output expected = new QuantizeExpected.Output(HexBytes.of(r.scales()), HexBytes.of(r.elements()),
                        r.tensorScaleBits().isPresent() ? Optional.of(HexBytes.f32(r.tensorScaleBits().getAsInt())) : Optional.empty(),
                        HexBytes.of(y));
                QuantizeTest test = new QuantizeTest(1, "property " + property.id + " failed on target " + ctx.targetName()
                        + " (seed " + hex(seed) + ", trial " + trial + "), shrunk; expected values are the reference's",
                        List.of(Flag.RANDOM.name()), HexBytes.of(SourceBits.bytes(source, input)), Optional.empty(), expected,
                        Result.VALID);
                QuantizeGroup group = new QuantizeGroup(format, profile, source, knobs, input.length, 1, ElementLayout.UNPACKED,
                        ScaleLayout.ROW_MAJOR, mode, "property/" + property.id, seed, List.of(test));
                VectorFile file = VectorFile.of(org.lowbit.vectors.Operation.QUANTIZE, format.id(), profile.id(),
                        Level.ONE, List.of("A regression vector written by lowbit conform: a shrunk input"
                        + " that failed the property " + property.id + "."), Map.of(Flag.RANDOM.name(), Flag.RANDOM.note()),
                        List.of(group));
                return write(ctx, "quantize_" + format.id() + "_" + profile.id() + "_" + source.id() + "_"
                                  + property.id.replace("^", "") + "_" + hex(seed) + ".json", file);
            } catch (TargetException | RuntimeException | IOException e) {
                return "(not written: " + e.getMessage() + ")";
            }
        }
    }

    static String write(RunContext ctx, String name, VectorFile file) throws IOException {
        Path dir = ctx.regressions().orElseThrow();
        Files.createDirectories(dir);
        Path p = dir.resolve(name);
        Files.write(p, VectorJsonWriter.bytes(file));
        return p.toString();
    }

    // ---------------------------------------------------------------------------------------------
    // Element encode monotonicity

    static final class EncodeMonotonicity {
        /** Inputs per trial, sorted and encoded in one request. */
        static final int INPUTS = 64;

        final RunContext ctx;
        final ElementFormat format;
        final ElementProfile profile;
        final ElementKnobs knobs;
        final SourceFormat source;
        final MatrixKey cell;

        EncodeMonotonicity(RunContext ctx, ElementFormat format, ElementProfile profile, ElementKnobs knobs, SourceFormat source) {
            this.ctx = ctx;
            this.format = format;
            this.profile = profile;
            this.knobs = knobs;
            this.source = source;
            this.cell = ctx.cell(Operation.ENCODE, format.id(), profile.id());
        }

        String name() {
            return "property/encode-monotonicity/" + format.id() + "/" + profile.id() + "/" + source.id();
        }

        List<Verdict> run(List<Integer> trials) {
            ctx.exercise(Claims.unit(Operation.ENCODE, format.id(), profile.id(), "source", source.id()));
            List<Verdict> out = new ArrayList<>();
            for (int trial : trials) {
                String id = name() + "#" + trial;
                long seed = trialSeed(ctx.options().seed(), name(), trial);
                int[] inputs = BlockSampler.elementInputs(new SplitMix64(seed), format, source, INPUTS);
                if (!format.isSigned()) {
                    // unsigned formats map negative inputs by a knob (to zero, NaN or |x|): order holds on x >= 0
                    inputs = Arrays.stream(inputs).map(b -> b & ~SourceBits.signBit(source)).toArray();
                }
                int[] sorted = Arrays.stream(inputs).boxed()
                        .sorted(Comparator.comparingDouble(b -> SourceBits.value(source, b))).mapToInt(Integer::intValue).toArray();
                Answer<byte[]> a = Answer.of(() -> ctx.target().encode(new EncodeRequest(format, profile, knobs, source,
                        SourceBits.bytes(source, sorted), new byte[0])));
                String head = String.format(Locale.ROOT, "target '%s', case %s\n  encode %s -> %s under %s (%s), seed %s (run seed %s)",
                        ctx.targetName(), id, source, format, profile, knobs.rounding(), hex(seed), hex(ctx.options().seed()));
                if (a instanceof Answer.Err<byte[]>(Throwable e)) {
                    out.add(Verdict.of(cell, id, Answer.outcome(e), head + "\n  the target " + Answer.describe(e)));
                    continue;
                }
                byte[] codes = ((Answer.Ok<byte[]>) a).value();
                if (codes.length != sorted.length) {
                    out.add(Verdict.of(cell, id, Outcome.FAIL, head + "\n  answered " + codes.length + " codes for "
                                                               + sorted.length + " inputs"));
                    continue;
                }
                Optional<Integer> broken = Optional.empty();
                double previous = Double.NEGATIVE_INFINITY;
                int previousIndex = -1;
                for (int i = 0; i < sorted.length && broken.isEmpty(); i++) {
                    int code = codes[i] & 0xFF;
                    if (!format.isValidCode(code)) {
                        broken = Optional.of(i);
                        break;
                    }
                    double v = ElementCodec.decodeToDouble(code, format);
                    if (Double.isNaN(v)) {
                        continue;
                    }
                    if (previousIndex >= 0 && v < previous && SourceBits.value(source, sorted[previousIndex])
                                                              < SourceBits.value(source, sorted[i])) {
                        broken = Optional.of(i);
                        break;
                    }
                    previous = v;
                    previousIndex = i;
                }
                if (broken.isEmpty()) {
                    out.add(Verdict.pass(cell, id));
                    continue;
                }
                int i = broken.get();
                int[] pair = previousIndex >= 0 ? new int[] {sorted[previousIndex], sorted[i]} : new int[] {sorted[i]};
                int[] pairCodes = previousIndex >= 0 ? new int[] {codes[previousIndex] & 0xFF, codes[i] & 0xFF}
                                                     : new int[] {codes[i] & 0xFF};
                FailureText.Table t = new FailureText.Table();
                for (int j = 0; j < pair.length; j++) {
                    t.add("code", FailureText.source(source, pair[j]), "(non-decreasing)", FailureText.code(format, pairCodes[j]));
                }
                String saved = savePair(pair, seed, trial);
                out.add(new Verdict(cell, id, Outcome.FAIL, head + "\n  shrunk to the pair of inputs whose codes go down:\n"
                                                            + t + "  regression vector: " + saved, t.toString()));
            }
            return out;
        }

        String savePair(int[] pair, long seed, int trial) {
            if (ctx.regressions().isEmpty()) {
                return "(not written: the run has no report directory)";
            }
            try {
                List<EncodeTest> tests = new ArrayList<>();
                byte[] ref = RunContext.REFERENCE.encode(new EncodeRequest(format, profile, knobs, source,
                        SourceBits.bytes(source, pair), new byte[0]));
                for (int j = 0; j < pair.length; j++) {
                    tests.add(new EncodeTest(j + 1, "encode-monotonicity failed on target " + ctx.targetName() + " (seed "
                            + hex(seed) + ", trial " + trial + "); expected codes are the reference's", List.of(Flag.RANDOM.name()),
                            HexBytes.of(SourceBits.bytes(source, new int[] {pair[j]})), Optional.empty(),
                            HexBytes.code(ref[j]), Result.VALID));
                }
                EncodeGroup group = new EncodeGroup(source, format, profile, knobs, "property/encode-monotonicity", seed, tests);
                VectorFile file = VectorFile.of(org.lowbit.vectors.Operation.ENCODE, format.id(), profile.id(),
                        Level.ONE, List.of("A regression vector written by lowbit conform: two inputs"
                        + " whose codes broke encode monotonicity."), Map.of(Flag.RANDOM.name(), Flag.RANDOM.note()),
                        List.of(group));
                return write(ctx, "encode_" + format.id() + "_" + profile.id() + "_" + source.id() + "_monotonicity_"
                                  + hex(seed) + ".json", file);
            } catch (RuntimeException | IOException e) {
                return "(not written: " + e.getMessage() + ")";
            }
        }
    }

    static String hex(long v) {
        return String.format(Locale.ROOT, "0x%016x", v);
    }
}
