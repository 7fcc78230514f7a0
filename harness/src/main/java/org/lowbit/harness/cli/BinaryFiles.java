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
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Whole-file reads and writes for the raw binary subcommands, with one-line errors that name the
 * option and the file. A write never leaves a partial file: it goes to a temporary file in the same
 * directory, which is then moved over the target in one step.
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
        Path target = file.toAbsolutePath();
        Path directory = target.getParent();
        if (Files.isDirectory(target)) {
            throw new CliException(String.format(Locale.ROOT, "cannot write %s '%s': it is a directory", option, file));
        }
        if (directory == null || !Files.isDirectory(directory)) {
            throw new CliException(String.format(Locale.ROOT,
                    "cannot write %s '%s': directory '%s' does not exist", option, file, directory));
        }
        // Not Files.createTempFile: its owner-only permissions would stay with the moved file.
        Path temp = directory.resolve(String.format(Locale.ROOT, ".%s.%d-%d.tmp",
                target.getFileName(), ProcessHandle.current().pid(), TEMP_COUNTER.incrementAndGet()));
        try {
            Files.write(temp, bytes, CREATE_NEW, WRITE);
            moveIntoPlace(temp, target);
        } catch (IOException e) {
            throw new CliException(String.format(Locale.ROOT, "cannot write %s '%s': %s", option, file, reason(e)), e);
        } finally {
            deleteQuietly(temp); // gone already after a successful move
        }
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

    private static void moveIntoPlace(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, ATOMIC_MOVE); // rename(2): replaces the target in one step
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, REPLACE_EXISTING);
        }
    }

    private static void deleteQuietly(Path temp) {
        try {
            Files.deleteIfExists(temp);
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
