package org.lowbit.harness.cli;

import static java.nio.file.StandardCopyOption.ATOMIC_MOVE;
import static java.nio.file.StandardCopyOption.REPLACE_EXISTING;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Whole-file reads and writes for the raw binary subcommands, with one-line errors that name the
 * option and the file. A write never leaves a partial file: it goes to a temporary file in the same
 * directory, which is then moved over the target in one step. A command with several outputs writes
 * them together ({@link #writeAllAtomically}), so that a failure leaves none of them.
 */
final class BinaryFiles {
    private BinaryFiles() {}

    /** The largest file read into one array. */
    static final long MAX_BYTES = Integer.MAX_VALUE - 8; // the JDK's own array size limit

    private static final AtomicLong TEMP_COUNTER = new AtomicLong();

    /** Reads {@code file} whole; {@code option} (e.g. {@code --in}) names it in errors. */
    static byte[] read(Path file, String option) {
        try {
            if (Files.isDirectory(file)) {
                throw new CliException(String.format(Locale.ROOT,
                        "cannot read %s '%s': it is a directory", option, file));
            }
            long size = Files.size(file);
            if (size > MAX_BYTES) {
                throw new CliException(String.format(Locale.ROOT,
                        "cannot read %s '%s': it is %d bytes, and files are read whole, at most %d bytes",
                        option, file, size, MAX_BYTES));
            }
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new CliException(String.format(Locale.ROOT, "cannot read %s '%s': %s", option, file, reason(e)), e);
        }
    }

    /**
     * Writes {@code bytes} to {@code file} through a temporary file in the same directory and an
     * atomic move; on any failure the temporary file is deleted and {@code file} is left as it was.
     */
    static void writeAtomically(Path file, byte[] bytes, String option) {
        writeAllAtomically(List.of(new Output(option, file, bytes)));
    }

    /** One file a command writes: the option that named it, the file and its whole content. */
    record Output(String option, Path file, byte[] bytes) {}

    /**
     * Writes several files so that a failure leaves none of them behind. Every file is first written
     * whole to a temporary file next to its target; only when all are written are they moved into
     * place, one atomic move each. If a move fails, the targets this call already moved are deleted
     * and the remaining temporary files too, and the error names the file that failed. (A target that
     * existed before and was already replaced is then gone, not restored: its old content belonged to
     * an earlier run whose other outputs are being replaced too.)
     */
    static void writeAllAtomically(List<Output> outputs) {
        List<Path> targets = new ArrayList<>(outputs.size());
        List<Path> temps = new ArrayList<>(outputs.size());
        try {
            for (Output output : outputs) {
                Path target = requireWritableTarget(output.file(), output.option());
                Path temp = tempFileFor(target);
                targets.add(target);
                temps.add(temp);
                write(temp, output);
            }
            for (int i = 0; i < outputs.size(); i++) {
                moveIntoPlace(temps.get(i), targets.get(i), outputs.get(i), targets.subList(0, i));
            }
        } finally {
            temps.forEach(BinaryFiles::deleteQuietly); // gone already after a successful move
        }
    }

    private static Path requireWritableTarget(Path file, String option) {
        Path target = file.toAbsolutePath();
        Path directory = target.getParent();
        if (Files.isDirectory(target)) {
            throw new CliException(String.format(Locale.ROOT, "cannot write %s '%s': it is a directory", option, file));
        }
        if (directory == null || !Files.isDirectory(directory)) {
            throw new CliException(String.format(Locale.ROOT,
                    "cannot write %s '%s': directory '%s' does not exist", option, file, directory));
        }
        return target;
    }

    /** Not Files.createTempFile: its owner-only permissions would stay with the moved file. */
    private static Path tempFileFor(Path target) {
        return target.getParent().resolve(String.format(Locale.ROOT, ".%s.%d-%d.tmp",
                target.getFileName(), ProcessHandle.current().pid(), TEMP_COUNTER.incrementAndGet()));
    }

    private static void write(Path temp, Output output) {
        try {
            Files.write(temp, output.bytes(), CREATE_NEW, WRITE);
        } catch (IOException e) {
            throw cannotWrite(output, e);
        }
    }

    /** Moves one staged file into place; on failure, deletes {@code alreadyMoved} before reporting. */
    private static void moveIntoPlace(Path temp, Path target, Output output, List<Path> alreadyMoved) {
        try {
            try {
                Files.move(temp, target, ATOMIC_MOVE); // rename(2): replaces the target in one step
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, REPLACE_EXISTING);
            }
        } catch (IOException e) {
            alreadyMoved.forEach(BinaryFiles::deleteQuietly);
            throw cannotWrite(output, e);
        }
    }

    private static CliException cannotWrite(Output output, IOException e) {
        return new CliException(String.format(Locale.ROOT, "cannot write %s '%s': %s", output.option(),
                output.file(), reason(e)), e);
    }

    /** Fails when two options name the same file (writing one would destroy the other). */
    static void requireDistinct(Path first, String firstOption, Path second, String secondOption) {
        if (first == null || second == null) {
            return;
        }
        boolean same = first.toAbsolutePath().normalize().equals(second.toAbsolutePath().normalize());
        if (!same && Files.exists(first) && Files.exists(second)) {
            try {
                same = Files.isSameFile(first, second);
            } catch (IOException e) {
                same = false; // the read or the write will report the problem
            }
        }
        if (same) {
            throw new CliException(String.format(Locale.ROOT,
                    "%s and %s are the same file '%s'", firstOption, secondOption, second));
        }
    }

    /**
     * Fails when an output names the same file as an input or as another output. Both maps go from the
     * option to its file; a null file is an option that was not given.
     */
    static void requireDistinct(Map<String, Path> inputs, Map<String, Path> outputs) {
        List<Map.Entry<String, Path>> seen = new ArrayList<>(inputs.entrySet());
        for (Map.Entry<String, Path> output : outputs.entrySet()) {
            for (Map.Entry<String, Path> other : seen) {
                requireDistinct(other.getValue(), other.getKey(), output.getValue(), output.getKey());
            }
            seen.add(output);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // Best effort: the error that brought us here is the one to report.
        }
    }

    private static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
