package org.lowbit.vectors;

/** Where an NVFP4 quantize group's per-tensor scale g comes from; MX groups are always {@link #NONE}. */
public enum TensorScaleMode {
    /** Single level: no g. */
    NONE("none"),
    /** The test gives g as an input ({@code tensorScale}). */
    GIVEN("given"),
    /** The implementation computes g = amax/2688 and the test expects it ({@code expected.tensorScale}). */
    COMPUTED("computed");

    private final String id;

    TensorScaleMode(String id) {
        this.id = id;
    }

    public String id() { return id; }

    /**
     * @throws IllegalArgumentException unless the id is none, given or computed
     */
    public static TensorScaleMode byId(String id) {
        for (TensorScaleMode m : values()) {
            if (m.id.equals(id)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown tensorScale '" + id + "'; known: none, given, computed");
    }

    @Override
    public String toString() { return id; }
}
