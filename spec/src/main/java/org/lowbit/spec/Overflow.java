package org.lowbit.spec;

/**
 * What a finite value beyond the largest finite magnitude becomes (DESIGN.md §1; OCP MX v1.0 §5.3
 * "Saturation"; OFP8 v1.0 SAT and OVF modes).
 *
 * <p>Overflow follows IEEE 754-2019 §7.4: it happens when the value rounded as if the exponent range
 * were unbounded exceeds the largest finite magnitude. Under RZ, and under RU/RD toward zero, a finite
 * overflow yields ±max in both modes; ±Inf inputs (with {@code InfPolicy.AS_OVERFLOW}) overflow under every
 * rounding rule.
 */
public enum Overflow {
    /** Clamp to ±max, preserving the sign (OFP8 SAT, CUDA {@code .satfinite}, OCP MX FP6/FP4/INT8). */
    SATFINITE("clamp to ±max"),
    /** To ±Inf where the format has Inf, else to NaN where it has NaN, else clamp to ±max (OFP8 OVF). */
    NONSAT("±Inf, else NaN, else ±max");

    private final String meaning;

    Overflow(String meaning) { this.meaning = meaning; }

    public String meaning() { return meaning; }

    public static Overflow parse(String name) {
        return Knobs.parse(Overflow.class, name);
    }
}
