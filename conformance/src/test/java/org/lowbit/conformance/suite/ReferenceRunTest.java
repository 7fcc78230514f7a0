package org.lowbit.conformance.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.lowbit.conformance.run.Outcome;
import org.lowbit.conformance.run.RunReport;

/** The reference target passes the whole level-1 suite with no FAIL, CRASH or TIMEOUT. */
class ReferenceRunTest {

    @Test
    void referencePassesLevelOne() {
        long start = System.nanoTime();
        RunReport report = Runs.run(Runs.options("reference", Set.of(), Set.of(), Set.of()));
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Map<Outcome, Long>> perOperation = new TreeMap<>();
        report.matrix().cells().forEach((k, v) -> v.forEach((o, n) ->
                perOperation.computeIfAbsent(k.operation(), x -> new TreeMap<>()).merge(o, n, Long::sum)));
        System.out.printf("level-1 run on the reference: %.1f s; cases per operation: %s%n", seconds, perOperation);
        assertTrue(report.failures().isEmpty(), () -> report.failures().size() + " failures, first: "
                + report.failures().subList(0, Math.min(3, report.failures().size())));
        assertTrue(report.passed());
        assertEquals(0, perOperation.values().stream().mapToLong(m -> m.getOrDefault(Outcome.FAIL, 0L)).sum());
    }
}
