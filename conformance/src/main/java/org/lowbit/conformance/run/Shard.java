package org.lowbit.conformance.run;

/**
 * A deterministic 1/N slice of a run, {@code I/N} with 1 ≤ I ≤ N: a case belongs to shard
 * {@code 1 + floorMod(hash(stable case id), N)}, so N machines together run every case exactly once.
 */
public record Shard(int index, int count) {
    public static final Shard ALL = new Shard(1, 1);

    public Shard {
        if (count < 1 || index < 1 || index > count) {
            throw new IllegalArgumentException("shard " + index + "/" + count + ": need 1 ≤ I ≤ N");
        }
    }

    /** Parses {@code I/N}. */
    public static Shard parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("--shard takes I/N, e.g. 2/8, not '" + text + "'");
        }
        try {
            return new Shard(Integer.parseInt(text.substring(0, slash).trim()), Integer.parseInt(text.substring(slash + 1).trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--shard takes I/N with whole numbers, e.g. 2/8, not '" + text + "'");
        }
    }

    @Override
    public String toString() { return index + "/" + count; }
}
