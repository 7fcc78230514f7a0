package org.lowbit.conformance.suite;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.lowbit.vectors.Level;
import org.lowbit.conformance.run.MatrixKey;
import org.lowbit.conformance.run.RunOptions;
import org.lowbit.conformance.target.Capability;
import org.lowbit.conformance.target.CapabilityManifest;
import org.lowbit.conformance.target.Operation;
import org.lowbit.conformance.target.ReferenceTarget;
import org.lowbit.conformance.target.Target;

/**
 * Everything the suite's test classes need during one run: the opened target, its manifest, the kept claims,
 * the corpus, the case filter and the recorder. {@code ConformanceRun} registers it under a run id that it passes
 * to the JUnit Platform as the configuration parameter {@link #RUN_ID}; the test classes look it up.
 *
 * @param claims   the kept claims the reference defines
 * @param problems the kept claims it does not define, each a FAIL
 * @param plans    the dynamic tests of each part of the suite, built before the launcher runs (to count the cases)
 */
public record RunContext(String runId, RunOptions options, Target target, CapabilityManifest manifest,
                         List<Capability> claims, List<Claims.Problem> problems, Corpus corpus, CaseFilter filter,
                         CaseRecorder recorder, Waivers waivers, Optional<Path> regressions, Set<String> exercised,
                         Map<String, List<org.junit.jupiter.api.DynamicNode>> plans) {

    /** The configuration parameter that carries the run id. */
    public static final String RUN_ID = "lowbit.conformance.run";

    private static final Map<String, RunContext> RUNS = new ConcurrentHashMap<>();

    /** The reference the suite compares against where a vector has no expected value (bf16/f16 outputs). */
    public static final ReferenceTarget REFERENCE = new ReferenceTarget();

    public static void register(RunContext context) {
        RUNS.put(context.runId(), context);
    }

    public static void unregister(String runId) {
        RUNS.remove(runId);
    }

    /** @throws IllegalStateException when no run has this id (the suite classes run only inside a run) */
    public static RunContext get(String runId) {
        RunContext c = runId == null ? null : RUNS.get(runId);
        if (c == null) {
            throw new IllegalStateException("no conformance run '" + runId + "': the suite runs through"
                                            + " ConformanceRun.run (lowbit conform), not on its own");
        }
        return c;
    }

    public String targetName() { return target.name(); }

    public Level level() { return options.level(); }

    public MatrixKey cell(Operation op, String format, String profile) {
        return new MatrixKey(targetName(), op.id(), format, profile);
    }

    /** Notes that a case of this unit ran (the coverage check reads it at the end). */
    public void exercise(String unit) {
        exercised.add(unit);
    }

    /** The kept claims of one operation. */
    public List<Capability> claimsOf(Operation op) {
        return claims.stream().filter(c -> c.operation() == op).toList();
    }

    public Optional<Capability> claim(Operation op, String format, String profile) {
        return claims.stream().filter(c -> c.covers(op, format, profile)).findFirst();
    }

    /** Whether reports are written (then Allure parameters and attachments are added). */
    public boolean reporting() {
        return options.reportDir().isPresent();
    }

    public static Set<String> newExercisedSet() {
        return ConcurrentHashMap.newKeySet();
    }

    public static Map<String, List<org.junit.jupiter.api.DynamicNode>> newPlans() {
        return new ConcurrentHashMap<>();
    }
}
