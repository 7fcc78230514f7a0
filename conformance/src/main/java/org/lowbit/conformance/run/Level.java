package org.lowbit.conformance.run;

/**
 * How much of the suite a run does, in the manner of TestFloat's levels.
 * <pre>
 *   1           the committed golden set (vectors/golden), the exhaustive element sweeps (every code,
 *               every f16 and bf16 input) and the property tests at their default trial counts
 *   2           level 1 plus the level-2 vectors generated on the fly and 10× the property trials
 *   exhaustive  level 2 plus every 16-bit input of every claimed element format × profile as vectors
 * </pre>
 */
public enum Level {
    ONE("1"),
    TWO("2"),
    EXHAUSTIVE("exhaustive");

    private final String id;

    Level(String id) {
        this.id = id;
    }

    public String id() { return id; }

    public static Level byId(String id) {
        for (Level l : values()) {
            if (l.id.equals(id)) {
                return l;
            }
        }
        throw new IllegalArgumentException("unknown level '" + id + "'; known: 1, 2, exhaustive");
    }
}
