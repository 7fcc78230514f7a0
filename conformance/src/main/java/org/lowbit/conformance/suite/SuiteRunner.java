package org.lowbit.conformance.suite;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.lowbit.vectors.Level;
import org.lowbit.conformance.run.RunOptions;
import org.lowbit.conformance.target.Capability;
import org.lowbit.conformance.target.CapabilityManifest;
import org.lowbit.conformance.target.Operation;
import org.lowbit.conformance.target.Target;
import org.lowbit.conformance.target.TargetException;
import org.lowbit.conformance.target.Targets;

/**
 * Prepares a run for {@code ConformanceRun}: checks the options, opens the target, reads its manifest, keeps the
 * claims the options keep (and sets aside those the reference does not define), reads the corpus, and builds the
 * dynamic tests of every part of the suite so that the number of cases is known before anything runs.
 */
public final class SuiteRunner {
    private SuiteRunner() {}

    /**
     * @throws IllegalArgumentException for an unknown target kind, format or profile id, or a bad waivers file
     */
    public static RunContext prepare(RunOptions options, String runId, LocalDate today) {
        Claims.checkFilters(options.formats(), options.profiles());
        Waivers waivers = options.waivers().map(Waivers::read).orElse(Waivers.NONE);
        Target target;
        try {
            target = Targets.open(options.targetSpec(), options.requestTimeout());
        } catch (TargetException e) {
            target = new Unopened(options.targetSpec(), e);
        }
        CapabilityManifest manifest;
        try {
            manifest = target.manifest();
        } catch (TargetException | RuntimeException e) {
            manifest = new CapabilityManifest(target.name(), "unknown", "no manifest: " + e.getMessage(), List.of());
            target = new Unopened(options.targetSpec(), e);
        }
        List<Capability> claims = new ArrayList<>();
        List<Claims.Problem> problems = new ArrayList<>();
        if (target instanceof Unopened u) {
            problems.add(new Claims.Problem(new Capability(Operation.DECODE, "-", "target", java.util.Set.of(),
                    java.util.Set.of(), java.util.Set.of()), "the target '" + options.targetSpec()
                                                             + "' could not be opened or gave no manifest: " + u.why.getMessage()));
        }
        for (Capability c : manifest.capabilities()) {
            if (!Claims.kept(c, options.formats(), options.profiles(), options.operations())) {
                continue;
            }
            Optional<String> p = Claims.problem(c);
            if (p.isPresent()) {
                problems.add(new Claims.Problem(c, p.get()));
            } else {
                claims.add(c);
            }
        }
        Predicate<String> wanted = path -> wanted(path, claims);
        Corpus corpus = Corpus.read(options.vectorsDir(), wanted);
        if (options.level() != Level.ONE && corpus.problems().isEmpty()) {
            corpus = corpus.withLevelTwo(options.formats(), options.profiles(), wanted);
        }
        CaseRecorder recorder = new CaseRecorder(waivers, today, options.progress(), options.targetSpec(), options.seed());
        Optional<Path> regressions = options.reportDir().map(d -> d.resolve("regressions"));
        RunContext ctx = new RunContext(runId, options, target, manifest, List.copyOf(claims), List.copyOf(problems), corpus,
                new CaseFilter(options.only(), options.shard()), recorder, waivers, regressions,
                RunContext.newExercisedSet(), RunContext.newPlans());
        RunContext.register(ctx);
        return ctx;
    }

    /** Builds the dynamic tests of every part; returns how many cases they will record. */
    public static long plan(RunContext ctx) {
        long cases = ConformanceSuite.planManifest(ctx);
        GoldenVectors.Plan vectors = GoldenVectors.plan(ctx);
        ctx.plans().put(ConformanceSuite.VECTORS, vectors.nodes());
        GoldenVectors.Plan sweeps = Sweeps.plan(ctx);
        ctx.plans().put(ConformanceSuite.SWEEPS, sweeps.nodes());
        GoldenVectors.Plan properties = Properties.plan(ctx);
        ctx.plans().put(ConformanceSuite.PROPERTIES, properties.nodes());
        return cases + vectors.cases() + sweeps.cases() + properties.cases();
    }

    /** Whether a vector file (by its path, {@code encode/encode_fp8_e4m3_ocp.json}) serves one of the claims. */
    static boolean wanted(String path, List<Capability> claims) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        if (!name.endsWith(".json")) {
            return false;
        }
        name = name.substring(0, name.length() - ".json".length());
        int underscore = name.indexOf('_');
        if (underscore < 0) {
            return false;
        }
        String kind = name.substring(0, underscore);
        String rest = name.substring(underscore + 1);
        for (Capability c : claims) {
            boolean match = switch (kind) {
                case "decode" -> c.operation() == Operation.DECODE && rest.equals(c.format());
                case "encode" -> c.operation() == Operation.ENCODE && rest.equals(c.format() + "_" + c.profile());
                case "quantize" -> (c.operation() == Operation.QUANTIZE || c.operation() == Operation.DEQUANTIZE)
                                   && rest.equals(c.format() + "_" + c.profile());
                case "scaled" -> (c.operation() == Operation.SCALED_QUANTIZE || c.operation() == Operation.SCALED_DEQUANTIZE)
                                 && rest.equals(c.format() + "_" + c.profile());
                default -> false;
            };
            if (match) {
                return true;
            }
        }
        return false;
    }

    /** A target that could not be opened: it claims nothing, and the run fails saying why. */
    private record Unopened(String spec, Exception why) implements Target {
        @Override
        public String name() { return spec; }

        @Override
        public CapabilityManifest manifest() {
            return new CapabilityManifest(spec, "unknown", "could not be opened: " + why.getMessage(), List.of());
        }
    }
}
