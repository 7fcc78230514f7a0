package org.lowbit.vectors;

/**
 * What a test expects of an implementation (Wycheproof's {@code result}, conformance-anchors.md §2.5).
 */
public enum Result {
    /** The expected output must match bit for bit (NaN outputs in FP32 match any NaN). */
    VALID("valid"),
    /** The implementation must reject the input; the expected output names lowbit's error code. */
    INVALID("invalid"),
    /** Either outcome passes; the flags say why. */
    ACCEPTABLE("acceptable");

    private final String id;

    Result(String id) {
        this.id = id;
    }

    public String id() { return id; }

    /**
     * @throws IllegalArgumentException unless the id is valid, invalid or acceptable
     */
    public static Result byId(String id) {
        for (Result r : values()) {
            if (r.id.equals(id)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown result '" + id + "'; known: valid, invalid, acceptable");
    }

    @Override
    public String toString() { return id; }
}
