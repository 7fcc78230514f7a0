package org.lowbit.conformance.run;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The outcome of a run.
 *
 * @param matrix        target × operation × format × profile with a count per {@link Outcome}
 * @param failures      the first failures, each with its full message (tcId or seed, inputs, expected and
 *                      actual decoded, flags, a command that reproduces it)
 * @param junitXml      the JUnit XML report directory, when a report directory was given
 * @param allureResults the Allure results directory, when a report directory was given
 */
public record RunReport(ResultMatrix matrix, List<CaseResult> failures, Optional<Path> junitXml,
                        Optional<Path> allureResults) {
    /** Whether everything the target claimed passed: no FAIL, CRASH or TIMEOUT anywhere. */
    public boolean passed() {
        return matrix.passed();
    }
}
