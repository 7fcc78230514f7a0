package org.lowbit.harness.process;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One running child of a process target: its stdin for frames out, a thread that reads frames from its
 * stdout into a queue (so that a caller waits with a deadline and never blocks forever), and a thread
 * that keeps the tail of its stderr. Killing the child closes its pipes, which ends both threads.
 */
final class ChildProcess {

    /** What the stdout thread saw: a frame, a frame that broke a rule, or the end of the stream. */
    sealed interface Event {
        record Received(Frame frame) implements Event {}
        record Bad(String problem) implements Event {}
        record EndOfStream() implements Event {}
    }

    /** The stderr bytes kept (the last ones). */
    static final int STDERR_KEEP_BYTES = 64 * 1024;
    /** How many stderr lines a report shows. */
    static final int STDERR_SHOW_LINES = 20;

    private final Process process;
    private final OutputStream stdin;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final Thread stdoutReader;
    private final Thread stderrReader;
    private final ArrayDeque<Byte> stderrTail = new ArrayDeque<>();
    private volatile boolean killed;

    private ChildProcess(Process process) {
        this.process = process;
        this.stdin = new BufferedOutputStream(process.getOutputStream(), 1 << 16);
        String pid = Long.toString(process.pid());
        this.stdoutReader = Thread.ofPlatform().daemon().name("lowbit-process-stdout-" + pid).unstarted(this::readStdout);
        this.stderrReader = Thread.ofPlatform().daemon().name("lowbit-process-stderr-" + pid).unstarted(this::readStderr);
        stdoutReader.start();
        stderrReader.start();
    }

    /** Starts the command. */
    static ChildProcess start(List<String> command) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.redirectInput(ProcessBuilder.Redirect.PIPE).redirectOutput(ProcessBuilder.Redirect.PIPE)
                .redirectError(ProcessBuilder.Redirect.PIPE);
        return new ChildProcess(builder.start());
    }

    long pid() { return process.pid(); }

    boolean isAlive() { return process.isAlive(); }

    boolean wasKilled() { return killed; }

    /** Writes one frame to the child's stdin. */
    void send(Frame frame) throws IOException {
        FrameCodec.write(stdin, frame);
    }

    /** The next event from stdout, or {@code null} when none came within {@code timeout}. */
    Event next(Duration timeout) throws InterruptedException {
        return events.poll(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
    }

    /** Closes stdin, which tells a well-behaved child to exit (PROTOCOL.md §5). */
    void closeStdin() {
        try {
            stdin.close();
        } catch (IOException ignored) {
            // the child is gone already; nothing to tell it
        }
    }

    /** Waits up to {@code grace} for the child to exit; true if it did. */
    boolean awaitExit(Duration grace) throws InterruptedException {
        return process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Kills the child and anything it started, waits for it, and joins the reader threads. */
    void kill() {
        killed = true;
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        boolean interrupted = false;
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            interrupted = true;
        }
        closeStdin();
        try {
            stdoutReader.join(Duration.ofSeconds(5));
            stderrReader.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            interrupted = true;
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** How the child ended, in words: "exited with status 3", "was killed by signal 11 (SIGSEGV)", or "is still running". */
    String exitDescription() {
        if (process.isAlive()) {
            return "is still running";
        }
        int status = process.exitValue();
        // The JDK reports a child killed by signal N as 128 + N (ProcessImpl on Linux and macOS).
        if (status > 128 && status < 128 + 65) {
            int signal = status - 128;
            return String.format(Locale.ROOT, "was killed by signal %d (%s) (exit value %d)", signal, signalName(signal), status);
        }
        return "exited with status " + status;
    }

    /** The last lines of the child's stderr, waiting briefly for the reader to drain after an exit. */
    String stderrTail() {
        if (!process.isAlive()) {
            try {
                stderrReader.join(Duration.ofMillis(500));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        byte[] bytes;
        synchronized (stderrTail) {
            bytes = new byte[stderrTail.size()];
            int i = 0;
            for (Byte b : stderrTail) {
                bytes[i++] = b;
            }
        }
        String text = new String(bytes, StandardCharsets.UTF_8).stripTrailing();
        if (text.isEmpty()) {
            return "(its stderr was empty)";
        }
        String[] lines = text.split("\n", -1);
        int from = Math.max(0, lines.length - STDERR_SHOW_LINES);
        StringBuilder s = new StringBuilder("last lines of its stderr:");
        for (int i = from; i < lines.length; i++) {
            s.append("\n  | ").append(lines[i]);
        }
        return s.toString();
    }

    private void readStdout() {
        InputStream in = new BufferedInputStream(process.getInputStream(), 1 << 16);
        try {
            while (true) {
                Frame frame = FrameCodec.read(in);
                if (frame == null) {
                    events.add(new Event.EndOfStream());
                    return;
                }
                events.add(new Event.Received(frame));
            }
        } catch (FrameCodec.BadFrameException e) {
            events.add(new Event.Bad(e.getMessage()));
        } catch (IOException e) {
            events.add(killed ? new Event.EndOfStream() : new Event.Bad("reading stdout failed: " + e.getMessage()));
        }
    }

    private void readStderr() {
        byte[] buffer = new byte[8192];
        try (InputStream err = process.getErrorStream()) {
            int n;
            while ((n = err.read(buffer)) > 0) {
                synchronized (stderrTail) {
                    for (int i = 0; i < n; i++) {
                        stderrTail.addLast(buffer[i]);
                    }
                    while (stderrTail.size() > STDERR_KEEP_BYTES) {
                        stderrTail.removeFirst();
                    }
                }
            }
        } catch (IOException ignored) {
            // the pipe closed: the child is gone
        }
    }

    static String signalName(int signal) {
        return switch (signal) {
            case 1 -> "SIGHUP";
            case 2 -> "SIGINT";
            case 3 -> "SIGQUIT";
            case 4 -> "SIGILL";
            case 5 -> "SIGTRAP";
            case 6 -> "SIGABRT";
            case 7 -> "SIGBUS";
            case 8 -> "SIGFPE";
            case 9 -> "SIGKILL";
            case 11 -> "SIGSEGV";
            case 13 -> "SIGPIPE";
            case 15 -> "SIGTERM";
            default -> "signal " + signal;
        };
    }
}
