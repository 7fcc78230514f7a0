package org.lowbit.conformance.suite;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.lowbit.conformance.run.MatrixKey;
import org.lowbit.conformance.run.Outcome;
import org.lowbit.conformance.target.Capability;

/**
 * The conformance suite as JUnit Jupiter tests (DESIGN.md §5). It runs only inside
 * {@code ConformanceRun.run}, which opens the target, builds the dynamic tests of each part and hands them over
 * through the {@link RunContext}. In order: the corpus, claim and waiver checks; the golden vectors; the
 * exhaustive element sweeps; the property tests; last, the check that every claimed unit ran.
 */
@ExtendWith(RunContextResolver.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public class ConformanceSuite {
    static final String MANIFEST = "manifest";
    static final String VECTORS = "vectors";
    static final String SWEEPS = "sweeps";
    static final String PROPERTIES = "properties";

    @TestFactory
    @Order(1)
    Stream<DynamicNode> corpusClaimsAndWaivers(RunContext ctx) {
        return ctx.plans().getOrDefault(MANIFEST, List.of()).stream();
    }

    @TestFactory
    @Order(2)
    Stream<DynamicNode> goldenVectors(RunContext ctx) {
        return ctx.plans().getOrDefault(VECTORS, List.of()).stream();
    }

    @TestFactory
    @Order(3)
    Stream<DynamicNode> exhaustive(RunContext ctx) {
        return ctx.plans().getOrDefault(SWEEPS, List.of()).stream();
    }

    @TestFactory
    @Order(4)
    Stream<DynamicNode> properties(RunContext ctx) {
        return ctx.plans().getOrDefault(PROPERTIES, List.of()).stream();
    }

    /** No silent skips: a claimed unit (operation × format × profile × precision or layout) that no case ran fails. */
    @TestFactory
    @Order(5)
    Stream<DynamicNode> everyClaimRan(RunContext ctx) {
        if (!ctx.filter().keepsAll()) {
            return Stream.empty();
        }
        List<DynamicNode> out = new ArrayList<>();
        for (Capability c : ctx.claims()) {
            for (String unit : Claims.units(c)) {
                if (ctx.exercised().contains(unit)) {
                    continue;
                }
                MatrixKey cell = ctx.cell(c.operation(), c.format(), c.profile());
                String id = "claim/" + unit.replace(' ', '/');
                out.add(CaseTests.test(ctx, "claimed but not run: " + unit, CaseTests.params(ctx, c.format(), c.profile(), "-"),
                        () -> List.of(Verdict.of(cell, id, Outcome.FAIL, "target '" + ctx.targetName() + "' claims " + unit
                                + ", but no vector, sweep or property exercised it (claimed but not run): add vectors"
                                + " for it or drop the claim"))));
            }
        }
        return out.stream();
    }

    /** The corpus, claim and waiver checks, each a case; returns the count. */
    static long planManifest(RunContext ctx) {
        List<DynamicNode> out = new ArrayList<>();
        int i = 0;
        for (String problem : ctx.corpus().problems()) {
            MatrixKey cell = new MatrixKey(ctx.targetName(), "corpus", "-", "-");
            String id = "corpus/" + (++i);
            out.add(CaseTests.test(ctx, "vector corpus: " + problem, Map.of(), () -> List.of(Verdict.of(cell, id, Outcome.FAIL,
                    "target '" + ctx.targetName() + "', case " + id + "\n  " + problem))));
        }
        for (Claims.Problem p : ctx.problems()) {
            Capability c = p.claim();
            MatrixKey cell = ctx.cell(c.operation(), c.format(), c.profile());
            // SuiteRunner files a target that could not be opened under the placeholder claim (decode, "-"):
            // its reason says so by itself
            String text = c.format().equals("-") ? p.reason()
                          : "target '" + ctx.targetName() + "' claims " + c.operation() + " " + c.format() + " under "
                            + c.profile() + ", which the reference does not define: " + p.reason();
            out.add(CaseTests.test(ctx, "claim " + p.caseId(), Map.of(), () -> List.of(Verdict.of(cell, p.caseId(), Outcome.FAIL,
                    text))));
        }
        java.time.LocalDate today = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
        for (Waivers.Waiver w : ctx.waivers().all()) {
            if (w.expiredOn(today)) {
                MatrixKey cell = new MatrixKey(ctx.targetName(), "waiver", "-", "-");
                String id = "waiver/" + w.caseGlob();
                out.add(CaseTests.test(ctx, "waiver " + w.caseGlob(), Map.of(), () -> List.of(Verdict.of(cell, id, Outcome.FAIL,
                        "the waiver for '" + w.caseGlob() + "' expired on " + w.expires() + " (" + w.reason()
                        + "): fix the failures it covered or renew it"))));
            }
        }
        ctx.plans().put(MANIFEST, out);
        return out.size();
    }

}
