package org.lowbit.vectors;

import java.util.Locale;
import org.apache.commons.codec.DecoderException;
import org.apache.commons.codec.binary.Hex;

/**
 * The one binary encoding of the vector files: lowercase hex of the little-endian bytes (FORMAT.md §3).
 * An FP32 pattern is 4 bytes ({@code 464.0f} = 0x43E80000 is {@code "0000e843"}), a BF16 or FP16
 * pattern 2 bytes, an element or scale code 1 byte.
 */
public final class HexBytes {
    private HexBytes() {}

    /** Lowercase hex of {@code bytes}, in order. */
    public static String of(byte[] bytes) {
        return Hex.encodeHexString(bytes, true);
    }

    /** The bytes of a hex string. @throws IllegalArgumentException if it is not lowercase hex of whole bytes */
    public static byte[] parse(String hex) {
        requireHex("hex", hex);
        try {
            return Hex.decodeHex(hex);
        } catch (DecoderException e) {
            throw new IllegalArgumentException("not hex: " + e.getMessage(), e);
        }
    }

    /** A code of one byte: {@code 0x7E} is {@code "7e"}. */
    public static String code(int code) {
        return String.format(Locale.ROOT, "%02x", code & 0xFF);
    }

    /** An FP32 pattern as its 4 little-endian bytes. */
    public static String f32(int bits) {
        return of(new byte[] {(byte) bits, (byte) (bits >>> 8), (byte) (bits >>> 16), (byte) (bits >>> 24)});
    }

    /** An FP64 pattern as its 8 little-endian bytes. */
    public static String f64(long bits) {
        return f32((int) bits) + f32((int) (bits >>> 32));
    }

    /** The FP64 pattern of 8 little-endian bytes of hex. */
    public static long parseF64(String hex) {
        requireHex("f64", hex, 8);
        int[] w = words(hex, 4);
        return (w[0] & 0xFFFFFFFFL) | ((long) w[1] << 32);
    }

    /** A 16-bit pattern (BF16, FP16) as its 2 little-endian bytes. */
    public static String u16(int bits) {
        return of(new byte[] {(byte) bits, (byte) (bits >>> 8)});
    }

    /** A value of {@code width} bytes (1, 2 or 4), little-endian. */
    public static String word(int bits, int width) {
        return switch (width) {
            case 1 -> code(bits);
            case 2 -> u16(bits);
            case 4 -> f32(bits);
            default -> throw new IllegalArgumentException("width must be 1, 2 or 4, got " + width);
        };
    }

    /** FP32 patterns, each as 4 little-endian bytes. */
    public static String f32s(int[] bits) {
        StringBuilder s = new StringBuilder(bits.length * 8);
        for (int b : bits) {
            s.append(f32(b));
        }
        return s.toString();
    }

    /** Reads little-endian words of {@code width} bytes (1, 2 or 4) from a hex string. */
    public static int[] words(String hex, int width) {
        byte[] bytes = parse(hex);
        if (bytes.length % width != 0) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%d bytes is not a whole number of %d-byte values", bytes.length, width));
        }
        int[] out = new int[bytes.length / width];
        for (int i = 0; i < out.length; i++) {
            int w = 0;
            for (int j = width - 1; j >= 0; j--) {
                w = w << 8 | (bytes[i * width + j] & 0xFF);
            }
            out[i] = w;
        }
        return out;
    }

    /**
     * Checks that {@code hex} is lowercase hex of whole bytes.
     *
     * @return hex
     * @throws IllegalArgumentException naming {@code what} and the problem
     */
    public static String requireHex(String what, String hex) {
        if (hex == null) {
            throw new IllegalArgumentException(what + " is missing");
        }
        if (hex.length() % 2 != 0) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%s \"%s\" has an odd number of hex digits (%d): bytes take two each", what, abbreviate(hex),
                    hex.length()));
        }
        for (int i = 0; i < hex.length(); i++) {
            char c = hex.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "%s \"%s\" is not lowercase hex: '%c' at position %d", what, abbreviate(hex), c, i));
            }
        }
        return hex;
    }

    /** Checks hex of exactly {@code bytes} bytes. */
    public static String requireHex(String what, String hex, int bytes) {
        requireHex(what, hex);
        if (hex.length() != 2 * bytes) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%s \"%s\" is %d bytes; expected %d", what, abbreviate(hex), hex.length() / 2, bytes));
        }
        return hex;
    }

    static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }
}
