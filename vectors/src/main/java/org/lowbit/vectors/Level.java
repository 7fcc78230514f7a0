package org.lowbit.vectors;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * How deep a vector set goes, in the manner of Berkeley TestFloat's levels
 * (research/conformance-anchors.md §1.2, lesson B.10).
 */
public enum Level {
    /** Every code, every midpoint and its neighbours, the boundaries, the scale thresholds, the worked examples. */
    ONE("1"),
    /** Walking-ones and walking-zeros significands, cross products for blocks, and a SplitMix64 random fill. */
    TWO("2"),
    /** Every FP16 and BF16 input, for each element format and profile (generated on demand, never committed). */
    EXHAUSTIVE("exhaustive");

    private final String id;

    Level(String id) {
        this.id = id;
    }

    /** The id in files and on the command line: {@code 1}, {@code 2}, {@code exhaustive}. */
    public String id() { return id; }

    /**
     * @throws IllegalArgumentException naming the known levels
     */
    public static Level byId(String id) {
        for (Level l : values()) {
            if (l.id.equals(id)) {
                return l;
            }
        }
        throw new IllegalArgumentException("unknown level '" + id + "'; known: "
                + Arrays.stream(values()).map(Level::id).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() { return id; }
}
