package org.lowbit.reference.layout;

import org.lowbit.spec.SplitMix64;

/** Seeded random codes for the round-trip tests, with the boundary codes 0 and max planted at the ends. */
final class RandomCodes {
    private RandomCodes() {}

    /** {@code count} codes below {@code limit} (a power of two up to 2^16); the first is 0, the last limit − 1. */
    static int[] below(int limit, int count, long seed) {
        SplitMix64 random = new SplitMix64(seed);
        int bits = Integer.numberOfTrailingZeros(limit);
        int[] codes = new int[count];
        for (int i = 0; i < count; i++) {
            codes[i] = bits == 0 ? 0 : (int) (random.nextLong() >>> (64 - bits));
        }
        if (count > 0) {
            codes[0] = 0;
            codes[count - 1] = limit - 1;
        }
        return codes;
    }

    /** {@code count} random bytes. */
    static byte[] bytes(int count, long seed) {
        SplitMix64 random = new SplitMix64(seed);
        byte[] out = new byte[count];
        for (int i = 0; i < count; i++) {
            out[i] = (byte) random.nextLong();
        }
        return out;
    }

    /** {@code count} random fp16 bit patterns. */
    static short[] shorts(int count, long seed) {
        SplitMix64 random = new SplitMix64(seed);
        short[] out = new short[count];
        for (int i = 0; i < count; i++) {
            out[i] = (short) random.nextLong();
        }
        return out;
    }

    /** Hex bytes "27 D0" → {0x27, 0xD0}. */
    static byte[] hex(String text) {
        String[] parts = text.trim().split("\\s+");
        byte[] out = new byte[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = (byte) Integer.parseInt(parts[i], 16);
        }
        return out;
    }
}
