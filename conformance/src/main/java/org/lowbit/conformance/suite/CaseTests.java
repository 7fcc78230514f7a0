package org.lowbit.conformance.suite;

import io.qameta.allure.Allure;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.DynamicTest;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;
import org.lowbit.conformance.run.CaseResult;
import org.lowbit.conformance.run.Outcome;

/**
 * Turns the verdicts of cases into one JUnit dynamic test: records each case, adds the Allure parameters (and
 * the decoded mismatch table on failure), and ends the test as failed (FAIL, CRASH, TIMEOUT), aborted
 * (NOT_SUPPORTED, WAIVED) or passed (PASS, ACCEPTABLE_VARIANT).
 */
final class CaseTests {
    private CaseTests() {}

    /** Allure parameters: target, format, profile, layout. */
    static Map<String, String> params(RunContext ctx, String format, String profile, String layout) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("target", ctx.targetName());
        p.put("format", format);
        p.put("profile", profile);
        p.put("layout", layout);
        return p;
    }

    static DynamicTest test(RunContext ctx, String name, Map<String, String> params, Supplier<List<Verdict>> cases) {
        return DynamicTest.dynamicTest(name, () -> finish(ctx, name, params, cases.get()));
    }

    static void finish(RunContext ctx, String name, Map<String, String> params, List<Verdict> verdicts) {
        finish(ctx, name, params, verdicts, null, 0);
    }

    /** As above, with {@code passes} passing cases of {@code passCell} counted at once (a sweep's passing inputs). */
    static void finish(RunContext ctx, String name, Map<String, String> params, List<Verdict> verdicts,
                       org.lowbit.conformance.run.MatrixKey passCell, long passes) {
        finish(ctx, name, params, verdicts, passCell, passes, 0);
    }

    /**
     * As above, where {@code unlisted} more failing cases were counted in the recorder without a verdict each
     * (an exhaustive slice lists its first failures only); the failure message gives their number.
     */
    static void finish(RunContext ctx, String name, Map<String, String> params, List<Verdict> verdicts,
                       org.lowbit.conformance.run.MatrixKey passCell, long passes, long unlisted) {
        if (passCell != null) {
            ctx.recorder().recordPasses(passCell, passes, name);
        }
        if (ctx.reporting()) {
            params.forEach(Allure::parameter);
            String suite = name.contains("#") ? name.substring(0, name.indexOf('#')) : name;
            Allure.getLifecycle().updateTestCase(t -> {
                t.getLabels().removeIf(l -> l.getName().equals("suite") || l.getName().equals("parentSuite"));
                t.getLabels().add(new io.qameta.allure.model.Label().setName("parentSuite").setValue(ctx.targetName()));
                t.getLabels().add(new io.qameta.allure.model.Label().setName("suite").setValue(suite));
            });
        }
        List<CaseResult> bad = new ArrayList<>();
        List<CaseResult> aborted = new ArrayList<>();
        StringBuilder tables = new StringBuilder();
        for (Verdict v : verdicts) {
            CaseResult r = ctx.recorder().record(v, name);
            if (r.outcome().failsRun()) {
                bad.add(r);
                if (!v.mismatchTable().isEmpty() && tables.length() < 200_000) {
                    tables.append(r.caseId()).append('\n').append(v.mismatchTable()).append('\n');
                }
            } else if (r.outcome() == Outcome.NOT_SUPPORTED || r.outcome() == Outcome.WAIVED) {
                aborted.add(r);
            }
        }
        if (!bad.isEmpty()) {
            if (ctx.reporting() && !tables.isEmpty()) {
                Allure.addAttachment("decoded mismatch table", "text/plain", tables.toString(), ".txt");
            }
            StringBuilder m = new StringBuilder();
            m.append(bad.size() + unlisted).append(" of ").append(verdicts.size() + unlisted + passes).append(" case(s) ")
             .append(bad.getFirst().outcome()).append(unlisted > 0 ? " (" + unlisted + " counted, not listed)" : "").append('\n');
            for (CaseResult r : bad.subList(0, Math.min(3, bad.size()))) {
                m.append(r.outcome()).append(' ').append(r.message()).append("\n  reproduce: ").append(r.reproduce())
                 .append('\n');
            }
            throw new AssertionFailedError(m.toString());
        }
        if (!aborted.isEmpty() && aborted.size() == verdicts.size() && passes == 0) {
            CaseResult r = aborted.getFirst();
            throw new TestAbortedException(r.outcome() + ": " + r.message());
        }
    }
}
