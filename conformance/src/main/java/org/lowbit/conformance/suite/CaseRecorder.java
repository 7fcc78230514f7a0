package org.lowbit.conformance.suite;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.lowbit.conformance.run.CaseResult;
import org.lowbit.conformance.run.MatrixKey;
import org.lowbit.conformance.run.Outcome;
import org.lowbit.conformance.run.ProgressListener;
import org.lowbit.conformance.run.ResultMatrix;

/**
 * Where every case of a run ends up: the waivers turn a known failure into WAIVED (or, once expired, back
 * into FAIL), the matrix counts it, the first failures are kept in full, and the progress listener hears of it.
 */
public final class CaseRecorder {
    /** How many failures a run keeps in full ({@code RunReport.failures}). */
    public static final int KEPT_FAILURES = 200;

    private final ResultMatrix matrix = new ResultMatrix();
    private final List<CaseResult> failures = new ArrayList<>();
    private final Waivers waivers;
    private final LocalDate today;
    private final ProgressListener progress;
    private final String targetSpec;
    private final AtomicLong done = new AtomicLong();
    private long failureCount;

    private final long seed;

    public CaseRecorder(Waivers waivers, LocalDate today, ProgressListener progress, String targetSpec, long seed) {
        this.seed = seed;
        this.waivers = waivers;
        this.today = today;
        this.progress = progress;
        this.targetSpec = targetSpec;
    }

    public ResultMatrix matrix() { return matrix; }

    public synchronized List<CaseResult> failures() { return List.copyOf(failures); }

    public synchronized long failureCount() { return failureCount; }

    /** Records one case; returns its final result (after waivers). */
    public CaseResult record(Verdict v, String current) {
        Outcome outcome = v.outcome();
        String message = v.message();
        if (outcome.failsRun()) {
            Optional<Waivers.Waiver> waiver = waivers.find(v.caseId());
            if (waiver.isPresent()) {
                Waivers.Waiver w = waiver.get();
                if (w.expiredOn(today)) {
                    outcome = Outcome.FAIL;
                    message = "the waiver '" + w.caseGlob() + "' expired on " + w.expires() + " (" + w.reason()
                              + "); the case fails again:\n" + message;
                } else {
                    outcome = Outcome.WAIVED;
                    message = "waived until " + w.expires() + ": " + w.reason() + "\n" + message;
                }
            }
        }
        String reproduce = outcome == Outcome.PASS ? "" : reproduce(v.cell(), v.caseId());
        CaseResult result = new CaseResult(v.cell(), v.caseId(), outcome, message, reproduce);
        matrix.add(v.cell(), outcome, 1);
        if (outcome.failsRun()) {
            synchronized (this) {
                failureCount++;
                if (failures.size() < KEPT_FAILURES) {
                    failures.add(result);
                }
            }
        }
        progress.advanced(done.incrementAndGet(), current);
        return result;
    }

    /** Counts {@code n} passing cases at once (the passing inputs of a sweep). */
    public void recordPasses(MatrixKey cell, long n, String current) {
        if (n <= 0) {
            return;
        }
        matrix.add(cell, Outcome.PASS, n);
        progress.advanced(done.addAndGet(n), current);
    }

    /**
     * Counts {@code n} failing cases of one outcome at once, with no verdict each: the failures of an exhaustive
     * slice beyond those it lists (no waiver file is in use when this is called).
     */
    public void recordUnlisted(MatrixKey cell, Outcome outcome, long n, String current) {
        if (n <= 0) {
            return;
        }
        matrix.add(cell, outcome, n);
        if (outcome.failsRun()) {
            synchronized (this) {
                failureCount += n;
            }
        }
        progress.advanced(done.addAndGet(n), current);
    }

    /** The one-line command that reruns a case. */
    public String reproduce(MatrixKey cell, String caseId) {
        StringBuilder s = new StringBuilder("./lowbit conform --target ").append(quote(targetSpec));
        if (!cell.format().isEmpty() && !cell.format().equals("-")) {
            s.append(" --format ").append(cell.format());
        }
        if (!cell.profile().isEmpty() && !cell.profile().equals("-") && !cell.profile().equals("none")) {
            s.append(" --profile ").append(cell.profile());
        }
        s.append(" --only ").append(quote(caseId));
        if (caseId.startsWith("property/")) {
            s.append(String.format(java.util.Locale.ROOT, " --seed 0x%016x", seed));
        }
        return s.toString();
    }

    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
