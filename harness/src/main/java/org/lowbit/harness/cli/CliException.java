package org.lowbit.harness.cli;

import java.io.Serial;

/**
 * Bad input from the user (exit code {@link ExitCode#BAD_INPUT}). The message is the whole error,
 * one line, that follows {@code lowbit: error: }.
 */
final class CliException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    CliException(String message) {
        super(message);
    }

    CliException(String message, Throwable cause) {
        super(message, cause);
    }
}
