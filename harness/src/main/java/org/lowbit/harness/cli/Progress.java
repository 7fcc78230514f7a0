package org.lowbit.harness.cli;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.Console;
import java.io.PrintWriter;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.lowbit.conformance.run.ProgressListener;

/**
 * The progress line of a long run on stderr (issue 5 §5): elapsed time, cases done of the total, and an
 * estimate of the time left, redrawn in place with a carriage return at most {@link #REDRAW_INTERVAL_NANOS}
 * apart. It is drawn only when stderr is a terminal and {@code --quiet} is off; stdout never carries it.
 * {@link #finished()} erases the line, so the next output starts on a clean line.
 */
final class Progress implements ProgressListener {

    /** Four redraws a second at most. */
    static final long REDRAW_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    private static final int WIDTH = 100;
    private static final String ERASE_LINE = "\r\033[K";

    private final PrintWriter err;
    private final LongSupplier nanoClock;
    private final long startNanos;
    private long total = -1;
    private long lastDrawNanos = Long.MIN_VALUE;
    private boolean drawn;

    private Progress(PrintWriter err, LongSupplier nanoClock) {
        this.err = err;
        this.nanoClock = nanoClock;
        this.startNanos = nanoClock.getAsLong();
    }

    /**
     * The progress listener for a run: {@link ProgressListener#NONE} when {@code quiet} or when stderr is not
     * a terminal, else one that draws on {@code err}.
     */
    static ProgressListener forStderr(boolean quiet, BooleanSupplier stderrIsTerminal, PrintWriter err, LongSupplier nanoClock) {
        if (quiet || !stderrIsTerminal.getAsBoolean()) {
            return ProgressListener.NONE;
        }
        return new Progress(err, nanoClock);
    }

    @Override
    public synchronized void started(long totalCases) {
        total = totalCases;
        draw(0, "", true);
    }

    @Override
    public synchronized void advanced(long doneCases, String current) {
        draw(doneCases, current == null ? "" : current, false);
    }

    @Override
    public synchronized void finished() {
        if (drawn) {
            err.print(ERASE_LINE);
            err.flush();
            drawn = false;
        }
    }

    private void draw(long done, String current, boolean force) {
        long now = nanoClock.getAsLong();
        if (!force && drawn && now - lastDrawNanos < REDRAW_INTERVAL_NANOS) {
            return;
        }
        lastDrawNanos = now;
        String line = line(done, total, now - startNanos, current);
        err.print(ERASE_LINE + line);
        err.flush();
        drawn = true;
    }

    /** The text of the progress line, at most {@link #WIDTH} characters. */
    static String line(long done, long total, long elapsedNanos, String current) {
        StringBuilder s = new StringBuilder("conform ").append(clock(elapsedNanos)).append("  ");
        if (total < 0) {
            s.append(done).append(" cases, discovering");
        } else {
            long percent = total == 0 ? 100 : Math.min(100, done * 100 / total);
            s.append(done).append('/').append(total).append(" cases (").append(percent).append("%)");
            if (done > 0 && done < total) {
                long leftNanos = (long) ((double) elapsedNanos * (total - done) / done);
                s.append("  ~").append(clock(leftNanos)).append(" left");
            }
        }
        if (!current.isEmpty()) {
            s.append("  ").append(current.replaceAll("\\p{Cntrl}", " "));
        }
        return s.length() <= WIDTH ? s.toString() : s.substring(0, WIDTH - 1) + "…";
    }

    /** {@code m:ss}, or {@code h:mm:ss} from an hour on. */
    static String clock(long nanos) {
        long seconds = TimeUnit.NANOSECONDS.toSeconds(Math.max(0, nanos));
        long h = seconds / 3600;
        long m = seconds / 60 % 60;
        long sec = seconds % 60;
        return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, sec) : String.format(Locale.ROOT, "%d:%02d", m, sec);
    }

    /** Set by the launcher, whose stderr filter makes the JVM's own stderr a pipe: {@code true} or {@code false}. */
    static final String TERMINAL_PROPERTY = "lowbit.stderr.terminal";

    /**
     * Whether stderr is a terminal: {@code -Dlowbit.stderr.terminal} where the launcher set it, else
     * {@code isatty(2)} through the FFM API where native access is enabled, else {@link Console#isTerminal()}
     * (which asks about stdin and stdout).
     */
    static boolean stderrIsTerminal() {
        String told = System.getProperty(TERMINAL_PROPERTY);
        if (told != null) {
            return Boolean.parseBoolean(told);
        }
        if (Progress.class.getModule().isNativeAccessEnabled()) {
            try {
                Linker linker = Linker.nativeLinker();
                var isatty = linker.defaultLookup().find("isatty");
                if (isatty.isPresent()) {
                    MethodHandle handle = linker.downcallHandle(isatty.get(), FunctionDescriptor.of(JAVA_INT, JAVA_INT));
                    return (int) handle.invokeExact(2) == 1;
                }
            } catch (Throwable e) { // no libc isatty here: fall back to the console
            }
        }
        Console console = System.console();
        return console != null && console.isTerminal();
    }
}
