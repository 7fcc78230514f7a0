package org.lowbit.harness.cli;

import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.lowbit.spec.SplitMix64;

/**
 * The raw files of the quantize and dequantize tests in one temporary directory: writing inputs,
 * reading outputs, and running a command line whose FILE words are names in that directory.
 */
record TensorFiles(Path dir) {

    /** The path of {@code name} in the directory. */
    Path path(String name) {
        return dir.resolve(name);
    }

    Path write(String name, byte[] bytes) {
        try {
            return Files.write(dir.resolve(name), bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    byte[] read(String name) {
        try {
            return Files.readAllBytes(dir.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    boolean exists(String name) {
        return Files.exists(dir.resolve(name));
    }

    /** The directory's file names, sorted. */
    List<String> names() {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void assertNoTemporaryFiles() {
        assertTrue(names().stream().noneMatch(n -> n.endsWith(".tmp")), () -> "temporary files left: " + names());
    }

    /**
     * Runs {@code lowbit} with {@code arguments} split on spaces; an argument that follows an option
     * ending in a file option ({@code --in}, {@code --out-scales}, ...) is a name in the directory.
     */
    CliRun lowbit(String arguments) {
        List<String> args = new ArrayList<>();
        String previous = "";
        for (String argument : arguments.strip().split(" +")) {
            args.add(isFileOption(previous) ? dir.resolve(argument).toString() : argument);
            previous = argument;
        }
        return CliRun.lowbit(args.toArray(String[]::new));
    }

    private static boolean isFileOption(String option) {
        return option.equals("--in") || option.equals("--out") || option.equals("--random-bits")
               || option.startsWith("--out-") || option.startsWith("--in-");
    }

    // ---------------------------------------------------------------------------------------------
    // Bytes

    static byte[] float32(float... values) {
        ByteBuffer buffer = ByteBuffer.allocate(4 * values.length).order(LITTLE_ENDIAN);
        for (float value : values) {
            buffer.putFloat(value);
        }
        return buffer.array();
    }

    static byte[] int32(int... values) {
        ByteBuffer buffer = ByteBuffer.allocate(4 * values.length).order(LITTLE_ENDIAN);
        buffer.asIntBuffer().put(values);
        return buffer.array();
    }

    static byte[] int16(short... values) {
        ByteBuffer buffer = ByteBuffer.allocate(2 * values.length).order(LITTLE_ENDIAN);
        buffer.asShortBuffer().put(values);
        return buffer.array();
    }

    static int[] ints(byte[] bytes) {
        int[] values = new int[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(LITTLE_ENDIAN).asIntBuffer().get(values);
        return values;
    }

    static short[] shorts(byte[] bytes) {
        short[] values = new short[bytes.length / 2];
        ByteBuffer.wrap(bytes).order(LITTLE_ENDIAN).asShortBuffer().get(values);
        return values;
    }

    static float[] floats(byte[] bytes) {
        float[] values = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(LITTLE_ENDIAN).asFloatBuffer().get(values);
        return values;
    }

    static byte[] bytes(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return bytes;
    }

    /**
     * {@code count} FP32 patterns from {@code seed}: random signs and mantissas, exponents within
     * 2^−12 … 2^12, and every 13th value zero, so that blocks have a spread of magnitudes.
     */
    static int[] randomFloat32(long seed, int count) {
        SplitMix64 random = new SplitMix64(seed);
        int[] bits = new int[count];
        for (int i = 0; i < count; i++) {
            long r = random.nextLong();
            int exponent = 127 + (int) Math.floorMod(r >>> 32, 25L) - 12;
            bits[i] = i % 13 == 12 ? 0 : (int) (r & 0x807FFFFFL) | exponent << 23;
        }
        return bits;
    }
}
