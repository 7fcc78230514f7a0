package org.lowbit.conformance.run;

/**
 * Runs the suite on one target through the JUnit Platform Launcher and collects the result matrix and
 * the reports.
 */
public final class ConformanceRun {
    private ConformanceRun() {}

    /**
     * Runs everything the target claims that the options keep.
     *
     * @throws IllegalArgumentException for an unknown target, format, profile or a bad option
     */
    public static RunReport run(RunOptions options) {
        throw new UnsupportedOperationException("not yet: the suite is being built");
    }
}
