package org.lowbit.conformance.run;

/**
 * Progress of a run, for a terminal: the CLI draws it on stderr with the elapsed time and an estimate of
 * the time left. Called from any thread.
 */
public interface ProgressListener {
    ProgressListener NONE = new ProgressListener() {};

    /** The run will execute about {@code totalCases} cases (known after discovery). */
    default void started(long totalCases) {}

    /** {@code doneCases} cases have finished; {@code current} names what runs now (a file, a sweep). */
    default void advanced(long doneCases, String current) {}

    default void finished() {}
}
