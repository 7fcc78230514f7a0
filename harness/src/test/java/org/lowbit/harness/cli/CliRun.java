package org.lowbit.harness.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;

/** One in-process run of {@code lowbit}: its exit code and what it wrote to stdout and stderr. */
record CliRun(int exitCode, String out, String err) {

    static CliRun lowbit(String... args) {
        return lowbit(Map.of(), args);
    }

    static CliRun lowbit(Map<String, String> environment, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = new LowbitCli(environment).execute(args, new PrintWriter(out), new PrintWriter(err));
        return new CliRun(exitCode, out.toString(), err.toString());
    }

    /** Asserts exit code 0 and an empty stderr. */
    CliRun assertOk() {
        assertEquals(ExitCode.OK, exitCode, () -> "exit code; stderr: " + err);
        assertEquals("", err, "stderr");
        return this;
    }

    /** Asserts exit code 2 and exactly one line on stderr, {@code lowbit: error: ...}, containing {@code fragment}. */
    CliRun assertBadInput(String fragment) {
        assertEquals(ExitCode.BAD_INPUT, exitCode, () -> "exit code; stderr: " + err + "; stdout: " + out);
        List<String> lines = err.lines().toList();
        assertEquals(1, lines.size(), () -> "one line on stderr, got: " + err);
        assertTrue(lines.getFirst().startsWith("lowbit: error: "), () -> "stderr: " + err);
        assertTrue(lines.getFirst().contains(fragment), () -> "stderr should mention '" + fragment + "': " + err);
        return this;
    }

    /** Asserts that stdout contains every fragment. */
    CliRun assertOutContains(String... fragments) {
        for (String fragment : fragments) {
            assertTrue(out.contains(fragment), () -> "stdout should contain '" + fragment + "':\n" + out);
        }
        return this;
    }
}
