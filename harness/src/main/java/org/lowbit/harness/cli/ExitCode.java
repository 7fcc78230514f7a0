package org.lowbit.harness.cli;

/** The exit codes of {@code lowbit}, the same for every subcommand. */
final class ExitCode {
    private ExitCode() {}

    /** Everything worked. */
    static final int OK = 0;
    /** The command ran and a check failed (a conformance failure, a gate missed). */
    static final int CHECK_FAILED = 1;
    /** Bad usage or bad input: an unknown name, a missing or malformed file, a bad value. */
    static final int BAD_INPUT = 2;
    /** A bug in lowbit itself. */
    static final int INTERNAL_ERROR = 3;
}
