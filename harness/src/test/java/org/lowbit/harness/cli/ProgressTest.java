package org.lowbit.harness.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.lowbit.conformance.run.ProgressListener;

/** The progress line: only on a terminal, never with --quiet, never on stdout, throttled, with a sound estimate. */
class ProgressTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    @DisplayName("no progress when stderr is not a terminal, or with --quiet")
    void offUnlessTerminal() {
        PrintWriter err = new PrintWriter(new StringWriter());
        assertSame(ProgressListener.NONE, Progress.forStderr(false, () -> false, err, System::nanoTime));
        assertSame(ProgressListener.NONE, Progress.forStderr(true, () -> true, err, System::nanoTime));
        assertInstanceOf(Progress.class, Progress.forStderr(false, () -> true, err, System::nanoTime));
    }

    @Test
    @DisplayName("the launcher's -Dlowbit.stderr.terminal decides (its stderr filter makes the JVM's stderr a pipe)")
    void launcherDecides() {
        String before = System.getProperty(Progress.TERMINAL_PROPERTY);
        try {
            System.setProperty(Progress.TERMINAL_PROPERTY, "true");
            assertTrue(Progress.stderrIsTerminal());
            System.setProperty(Progress.TERMINAL_PROPERTY, "false");
            assertFalse(Progress.stderrIsTerminal());
            System.clearProperty(Progress.TERMINAL_PROPERTY);
            assertFalse(Progress.stderrIsTerminal(), "under the test runner stderr is not a terminal");
        } finally {
            if (before != null) {
                System.setProperty(Progress.TERMINAL_PROPERTY, before);
            }
        }
    }

    @Test
    @DisplayName("the line: elapsed, done/total with percent, and time left = elapsed × remaining / done")
    void lineText() {
        // 25 of 100 done in 10 s: 75 remain at 2.5 cases/s, 30 s left
        assertEquals("conform 0:10  25/100 cases (25%)  ~0:30 left  decode_fp4_e2m1.json",
                Progress.line(25, 100, 10 * SECOND, "decode_fp4_e2m1.json"));
        assertEquals("conform 0:00  0 cases, discovering", Progress.line(0, -1, 0, ""));
        assertEquals("conform 1:01:05  100/100 cases (100%)", Progress.line(100, 100, 3665 * SECOND, ""));
        assertEquals("conform 0:05  0/10 cases (0%)", Progress.line(0, 10, 5 * SECOND, ""));
        String longName = "x".repeat(300);
        String line = Progress.line(1, 2, SECOND, longName);
        assertEquals(100, line.length());
        assertTrue(line.endsWith("…"));
        assertEquals("conform 0:01  1/2 cases (50%)  ~0:01 left  a b", Progress.line(1, 2, SECOND, "a\nb"));
    }

    @Test
    @DisplayName("redrawn in place at most four times a second; finished() erases the line")
    void throttledAndErased() {
        StringWriter text = new StringWriter();
        AtomicLong now = new AtomicLong(1_000 * SECOND);
        ProgressListener p = Progress.forStderr(false, () -> true, new PrintWriter(text), now::get);
        p.started(1000);
        for (int i = 1; i <= 100; i++) { // 100 updates within 99 ms: no redraw after the first line
            now.addAndGet(TimeUnit.MILLISECONDS.toNanos(1));
            p.advanced(i, "f");
        }
        assertEquals(1, count(text.toString(), "\r\033[K"), text.toString());
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(250));
        p.advanced(200, "g");
        assertEquals(2, count(text.toString(), "\r\033[K"));
        assertTrue(text.toString().endsWith("200/1000 cases (20%)  ~0:01 left  g"), text.toString());
        p.finished();
        assertTrue(text.toString().endsWith("\r\033[K"));
        assertFalse(text.toString().contains("\n"), "the line is redrawn in place, never scrolled");
    }

    @Test
    @DisplayName("conform on a terminal: the run gets a progress listener that draws on stderr, stdout stays the matrix")
    void conformDrawsOnStderrOnly() throws IOException {
        FakeConform fake = new FakeConform();
        fake.repoRoot = Files.createTempDirectory("lowbit-progress");
        Files.createDirectories(fake.repoRoot.resolve("vectors/golden"));
        fake.terminal = true;
        fake.during = o -> {
            o.progress().started(136);
            fake.nanos.addAndGet(SECOND);
            o.progress().advanced(68, "decode_fp4_e2m1.json");
        };
        CliRun run = fake.lowbit("conform", "--target", "reference");
        assertEquals(ExitCode.OK, run.exitCode(), run.err());
        assertInstanceOf(Progress.class, fake.lastRun().progress());
        assertTrue(run.err().contains("68/136 cases (50%)  ~0:01 left  decode_fp4_e2m1.json"), run.err());
        assertTrue(run.err().endsWith("\r\033[K"), "erased before the matrix is printed");
        assertEquals(FakeConform.passing().toMarkdown(), run.out());

        CliRun quiet = fake.lowbit("conform", "--target", "reference", "--quiet").assertOk();
        assertSame(ProgressListener.NONE, fake.lastRun().progress());
        assertEquals("", quiet.err());
        fake.terminal = false;
        fake.lowbit("conform", "--target", "reference").assertOk();
        assertSame(ProgressListener.NONE, fake.lastRun().progress());
    }

    private static int count(String s, String part) {
        int n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
