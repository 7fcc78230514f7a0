package org.lowbit.reference.layout;

/**
 * An LSB-first bit stream over int32 words that may be strided in memory: stream bit p is bit p % 32 of
 * word {@code base + stride·(p / 32)}. A field of b bits at stream position p occupies stream bits
 * p … p+b−1 and may straddle two words (GPTQ 3-bit, research/int-packing.md §2.3).
 */
final class BitStream {
    private BitStream() {}

    /** ORs {@code value} (already checked to fit in {@code bits}) into the cleared stream at {@code bitPos}. */
    static void put(int[] words, int base, int stride, long bitPos, int bits, int value) {
        int word = (int) (bitPos >>> 5);
        int shift = (int) (bitPos & 31);
        words[base + stride * word] |= value << shift;
        if (shift + bits > 32) {
            words[base + stride * (word + 1)] |= value >>> (32 - shift);
        }
    }

    /** The {@code bits}-bit field at {@code bitPos}. */
    static int get(int[] words, int base, int stride, long bitPos, int bits) {
        int word = (int) (bitPos >>> 5);
        int shift = (int) (bitPos & 31);
        long field = Integer.toUnsignedLong(words[base + stride * word]) >>> shift;
        if (shift + bits > 32) {
            field |= Integer.toUnsignedLong(words[base + stride * (word + 1)]) << (32 - shift);
        }
        return (int) (field & ((1L << bits) - 1));
    }
}
