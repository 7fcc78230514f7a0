package org.lowbit.harness.cli;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

import java.nio.ByteBuffer;
import java.util.Locale;
import org.lowbit.spec.SourceFormat;

/**
 * Raw little-endian files as Java arrays and back, with bulk buffer copies (no per-element objects):
 * FP32 and uint32 as {@code int[]}, BF16 and FP16 as {@code short[]}.
 */
final class RawArrays {
    private RawArrays() {}

    /**
     * The number of {@code source} values in {@code bytes}.
     *
     * @param option names the file in the error: {@code --in}
     */
    static int valueCount(byte[] bytes, SourceFormat source, String option) {
        if (bytes.length % source.bytes() != 0) {
            throw new CliException(String.format(Locale.ROOT,
                    "%s is %s, not a whole number of %d-byte %s values", option, byteCount(bytes.length), source.bytes(),
                    source.id()));
        }
        return bytes.length / source.bytes();
    }

    /** {@code "1 byte"}, {@code "12 bytes"}: a size in a message. */
    static String byteCount(long n) {
        return n == 1 ? "1 byte" : n + " bytes";
    }

    /** 4-byte little-endian words. The length must be a multiple of 4. */
    static int[] ints(byte[] bytes) {
        int[] values = new int[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(LITTLE_ENDIAN).asIntBuffer().get(values);
        return values;
    }

    /** 2-byte little-endian halves. The length must be even. */
    static short[] shorts(byte[] bytes) {
        short[] values = new short[bytes.length / 2];
        ByteBuffer.wrap(bytes).order(LITTLE_ENDIAN).asShortBuffer().get(values);
        return values;
    }

    /**
     * 2-byte little-endian halves as ints, zero-extended: the form of the BF16 and FP16 patterns that
     * take an {@code int[]} (the low 16 bits of each int).
     */
    static int[] unsignedShorts(byte[] bytes) {
        short[] halves = shorts(bytes);
        int[] values = new int[halves.length];
        for (int i = 0; i < halves.length; i++) {
            values[i] = halves[i] & 0xFFFF;
        }
        return values;
    }

    static byte[] bytes(int[] values) {
        ByteBuffer buffer = ByteBuffer.allocate(Math.multiplyExact(values.length, 4)).order(LITTLE_ENDIAN);
        buffer.asIntBuffer().put(values);
        return buffer.array();
    }

    static byte[] bytes(short[] values) {
        ByteBuffer buffer = ByteBuffer.allocate(Math.multiplyExact(values.length, 2)).order(LITTLE_ENDIAN);
        buffer.asShortBuffer().put(values);
        return buffer.array();
    }

    /** The low 16 bits of each int, as 2-byte little-endian halves. */
    static byte[] lowHalves(int[] values) {
        ByteBuffer buffer = ByteBuffer.allocate(Math.multiplyExact(values.length, 2)).order(LITTLE_ENDIAN);
        for (int i = 0; i < values.length; i++) {
            buffer.putShort(2 * i, (short) values[i]);
        }
        return buffer.array();
    }

    /** The low 8 bits of each int, one byte each. */
    static byte[] lowBytes(int[] values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return bytes;
    }

    /** Each byte, read unsigned, as an int. */
    static int[] unsignedBytes(byte[] bytes) {
        int[] values = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            values[i] = bytes[i] & 0xFF;
        }
        return values;
    }
}
