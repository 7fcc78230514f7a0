package org.lowbit.harness.process;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Where the example targets live, and how the tests build and start them. */
final class ExampleTargets {
    private ExampleTargets() {}

    /** The repository root (surefire sets lowbit.repo.root; from the module directory it is ..). */
    static Path root() {
        return Path.of(System.getProperty("lowbit.repo.root", "..")).toAbsolutePath().normalize();
    }

    static Path cDirectory() { return root().resolve("harness/examples/c"); }

    static Path pythonScript() { return root().resolve("harness/examples/python/lowbit_example.py"); }

    static Path misbehaveScript() {
        return root().resolve("harness/src/test/resources/org/lowbit/harness/process/misbehave.py");
    }

    /** Runs {@code make -C harness/examples/c TARGET} and returns the binary; fails naming what is missing. */
    static synchronized Path buildC(String makeTarget, String binary) {
        Path dir = cDirectory();
        String output = run(List.of("make", "-s", "-C", dir.toString(), makeTarget), "building the C example needs make and a C11 compiler (cc)");
        Path exe = dir.resolve(binary);
        if (!Files.isExecutable(exe)) {
            fail("make " + makeTarget + " did not produce " + exe + ":\n" + output);
        }
        return exe;
    }

    /** Checks that python3 with numpy is present; fails naming what is missing. */
    static synchronized void requirePythonWithNumpy() {
        run(List.of("python3", "-c", "import numpy"), "the Python example needs python3 with numpy (pip install numpy)");
    }

    static ProcessTarget c(Duration timeout) {
        return new ProcessTarget(List.of(buildC("lowbit-example-c", "lowbit-example-c").toString()), timeout,
                ProcessTarget.DEFAULT_EXIT_GRACE);
    }

    static ProcessTarget cWithSanitizers(Duration timeout) {
        return new ProcessTarget(List.of(buildC("asan", "lowbit-example-c-asan").toString()), timeout,
                ProcessTarget.DEFAULT_EXIT_GRACE);
    }

    static ProcessTarget python(Duration timeout) {
        requirePythonWithNumpy();
        return new ProcessTarget(List.of("python3", pythonScript().toString()), timeout, ProcessTarget.DEFAULT_EXIT_GRACE);
    }

    /** A target that passes requests to the C example but misbehaves as {@code mode} (misbehave.py, python3 only). */
    static ProcessTarget misbehaving(String mode, String when, Duration timeout) {
        Path real = buildC("lowbit-example-c", "lowbit-example-c");
        run(List.of("python3", "-c", "import ctypes, json, struct, subprocess"), "the misbehaving targets need python3");
        List<String> command = new ArrayList<>(List.of("python3", misbehaveScript().toString(), mode, when, real.toString()));
        return new ProcessTarget(command, timeout, Duration.ofSeconds(1));
    }

    private static String run(List<String> command, String needs) {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return fail(needs + "; could not run " + command.getFirst() + ": " + e.getMessage());
        }
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                return fail(needs + "; " + String.join(" ", command) + " failed:\n" + out);
            }
            return out;
        } catch (IOException | InterruptedException e) {
            p.destroyForcibly();
            return fail(needs + "; " + String.join(" ", command) + ": " + e);
        }
    }

    /** The children of this JVM that are still alive (the tests' targets must leave none). */
    static List<ProcessHandle> liveChildren() {
        return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).toList();
    }

    /** Threads of the process target still alive. */
    static List<String> processThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith("lowbit-process-")).toList();
    }
}
