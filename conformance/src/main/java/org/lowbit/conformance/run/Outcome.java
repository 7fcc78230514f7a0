package org.lowbit.conformance.run;

/**
 * The result taxonomy (DESIGN.md §5). Every case of a run ends in exactly one of these; a run passes
 * when nothing the target claimed ended in FAIL, CRASH or TIMEOUT (and no claim went unrun).
 */
public enum Outcome {
    /** Bit-exact agreement with the expected output. */
    PASS,
    /** A disagreement, a wrong rejection, a malformed answer, or a claim that was not run. */
    FAIL,
    /** Different bits that the spec allows: a vector marked {@code acceptable}, any NaN where any NaN matches, a dot product within its stated error bound. */
    ACCEPTABLE_VARIANT,
    /** The target does not claim this; nothing was asked of it. */
    NOT_SUPPORTED,
    /** The target died (a signal, an exit, a native fault). */
    CRASH,
    /** The target gave no answer within the per-request timeout. */
    TIMEOUT,
    /** A known failure with a reason and an expiry date; an expired waiver is a FAIL. */
    WAIVED;

    /** Whether this outcome makes the run fail. */
    public boolean failsRun() {
        return this == FAIL || this == CRASH || this == TIMEOUT;
    }
}
