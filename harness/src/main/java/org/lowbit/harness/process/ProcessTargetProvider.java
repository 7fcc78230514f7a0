package org.lowbit.harness.process;

import java.time.Duration;
import org.lowbit.conformance.target.Target;
import org.lowbit.conformance.target.TargetProvider;

/**
 * Provides {@code process:COMMAND [ARGS...]}: any executable that speaks the process protocol
 * ({@code harness/PROTOCOL.md}) on stdin and stdout.
 */
public final class ProcessTargetProvider implements TargetProvider {

    /** The per-request timeout when the caller names none. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(60);

    @Override
    public String kind() { return "process"; }

    @Override
    public String description() {
        return "any program that speaks harness/PROTOCOL.md on stdin/stdout: process:COMMAND [ARGS...]";
    }

    @Override
    public Target open(String argument) {
        return open(argument, DEFAULT_REQUEST_TIMEOUT);
    }

    @Override
    public Target open(String argument, Duration requestTimeout) {
        return new ProcessTarget("process:" + argument.strip(), CommandWords.split(argument), requestTimeout,
                ProcessTarget.DEFAULT_EXIT_GRACE);
    }
}
