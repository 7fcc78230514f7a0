package org.lowbit.spec;

/**
 * Element rounding: how a value between two adjacent codes picks one (DESIGN.md §1).
 *
 * <p>IEEE 754-2019 §4.3 defines RNE, RNA, RZ, RU and RD; OCP MX v1.0 §5.3 requires roundTiesToEven
 * for FP6/FP4/INT8 and allows others. SR is stochastic rounding with the random bits supplied by the
 * caller, so that it is reproducible (PTX {@code cvt.rs}, microxcaling "dither").
 */
public enum Rounding {
    /** Round to nearest, ties to even (IEEE roundTiesToEven). */
    RNE("nearest, ties to the even code"),
    /** Round to nearest, ties away from zero (IEEE roundTiesToAway; microxcaling's default "nearest"). */
    RNA("nearest, ties away from zero"),
    /** Round toward zero (truncate; CUDA {@code .rz}). */
    RZ("toward zero"),
    /** Round up, toward +Inf (CUDA {@code .rp}). */
    RU("toward +Inf"),
    /** Round down, toward -Inf (CUDA {@code .rm}). */
    RD("toward -Inf"),
    /**
     * Stochastic: with f the position of |x| between the two neighbouring magnitudes lo < |x| < hi
     * (0 &lt; f &lt; 1), and r the caller's 32 random bits as an unsigned integer, round away from zero
     * iff floor(f · 2^32) + r ≥ 2^32.
     */
    SR("stochastic, with 32 caller-supplied random bits per element");

    private final String meaning;

    Rounding(String meaning) { this.meaning = meaning; }

    /** One line for tables and explanations. */
    public String meaning() { return meaning; }

    /** Parses {@code rne}, {@code RNE}, ... with an error that lists the allowed values. */
    public static Rounding parse(String name) {
        return Knobs.parse(Rounding.class, name);
    }
}
