package org.lowbit.reference.layout;

/**
 * The byte order of every multi-byte word lowbit writes: little-endian, as safetensors stores int32
 * tensors ("Endianness is assumed to be little endian", research/int-packing.md §0.3) and as GGUF stores
 * its fp16 fields. The int32 word 0x86427531 is the bytes {@code 31 75 42 86}.
 *
 * <p>The layouts that produce int32 words (GPTQ, AWQ, HQQ 3-bit, compressed-tensors, tinygemm) return
 * {@code int[]}; these methods serialize them and read them back.
 */
public final class LittleEndian {
    private LittleEndian() {}

    /** Writes {@code value} as 4 little-endian bytes at {@code offset}. */
    public static void putInt(byte[] dst, int offset, int value) {
        dst[offset] = (byte) value;
        dst[offset + 1] = (byte) (value >>> 8);
        dst[offset + 2] = (byte) (value >>> 16);
        dst[offset + 3] = (byte) (value >>> 24);
    }

    /** Reads 4 little-endian bytes at {@code offset}. */
    public static int getInt(byte[] src, int offset) {
        return (src[offset] & 0xFF) | (src[offset + 1] & 0xFF) << 8 | (src[offset + 2] & 0xFF) << 16
               | (src[offset + 3] & 0xFF) << 24;
    }

    /** Writes {@code value} as 2 little-endian bytes at {@code offset}. */
    public static void putShort(byte[] dst, int offset, short value) {
        dst[offset] = (byte) value;
        dst[offset + 1] = (byte) (value >>> 8);
    }

    /** Reads 2 little-endian bytes at {@code offset}. */
    public static short getShort(byte[] src, int offset) {
        return (short) ((src[offset] & 0xFF) | (src[offset + 1] & 0xFF) << 8);
    }

    /** All words, 4 bytes each. */
    public static byte[] toBytes(int[] words) {
        byte[] out = new byte[Checks.size("byte count", 4L * words.length)];
        toBytes(words, 0, words.length, out, 0);
        return out;
    }

    /**
     * {@code count} words from {@code words[offset]} as {@code 4·count} bytes at {@code dst[dstOffset]}.
     *
     * @throws IndexOutOfBoundsException if a range falls outside its array
     */
    public static void toBytes(int[] words, int offset, int count, byte[] dst, int dstOffset) {
        Checks.range(words.length, offset, count);
        Checks.range(dst.length, dstOffset, 4L * count);
        for (int i = 0; i < count; i++) {
            putInt(dst, dstOffset + 4 * i, words[offset + i]);
        }
    }

    /**
     * All bytes as words.
     *
     * @throws IllegalArgumentException if the byte count is not a multiple of 4
     */
    public static int[] toInts(byte[] bytes) {
        Checks.multiple("byte count", bytes.length, 4, "int32 words are 4 bytes");
        int[] out = new int[bytes.length / 4];
        toInts(bytes, 0, out.length, out, 0);
        return out;
    }

    /**
     * {@code count} words from the {@code 4·count} bytes at {@code src[offset]}.
     *
     * @throws IndexOutOfBoundsException if a range falls outside its array
     */
    public static void toInts(byte[] src, int offset, int count, int[] dst, int dstOffset) {
        Checks.range(src.length, offset, 4L * count);
        Checks.range(dst.length, dstOffset, count);
        for (int i = 0; i < count; i++) {
            dst[dstOffset + i] = getInt(src, offset + 4 * i);
        }
    }
}
