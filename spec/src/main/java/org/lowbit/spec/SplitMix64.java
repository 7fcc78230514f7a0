package org.lowbit.spec;

/**
 * SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014),
 * the portable generator behind every random choice lowbit makes, so that any language can regenerate
 * the same stream from the seed recorded with the data (SPEC.md §7):
 * <pre>
 *   state = state + 0x9E3779B97F4A7C15          (mod 2^64)
 *   z = state
 *   z = (z ^ (z &gt;&gt;&gt; 30)) * 0xBF58476D1CE4E5B9   (mod 2^64)
 *   z = (z ^ (z &gt;&gt;&gt; 27)) * 0x94D049BB133111EB   (mod 2^64)
 *   return z ^ (z &gt;&gt;&gt; 31)
 * </pre>
 * Not thread-safe; one instance per stream.
 */
public final class SplitMix64 {
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private long state;

    public SplitMix64(long seed) {
        this.state = seed;
    }

    /** The next 64 bits of the stream. */
    public long nextLong() {
        state += GOLDEN_GAMMA;
        return mix(state);
    }

    /** The high 32 bits of {@link #nextLong()}. */
    public int nextInt() {
        return (int) (nextLong() >>> 32);
    }

    /** The output function alone: a stateless hash of one 64-bit value. */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
