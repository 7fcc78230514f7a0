package org.lowbit.spec;

/**
 * What unpacking does with bits and bytes that a layout does not use: the two pad bits above a 6-bit
 * code in a byte, the four pad bits around an FP4 code in the f8f6f4 container, the unused nibble or
 * codes at the end of a padded stream, bits 30-31 of an HQQ 3-bit word, and the pad bytes of a
 * 128×4-swizzled scale matrix (SPEC.md §9.1, §9.4).
 *
 * <p>Packing always writes the pad value (zero unless a caller names another pad byte for scales).
 * An explicit policy rather than a hidden boolean, as Commons Codec's {@code CodecPolicy} does.
 */
public enum PadPolicy {
    /** Every pad bit and pad byte must hold the pad value; anything else is an error that names it. */
    STRICT("pad bits and bytes must hold the pad value; anything else is an error"),
    /**
     * Pad bits and bytes are ignored: what a consumer that masks them does (the f8f6f4 MMA reads only
     * its field; cuBLAS ignores the pad bytes of a swizzled scale matrix).
     */
    LENIENT("pad bits and bytes are ignored");

    private final String meaning;

    PadPolicy(String meaning) { this.meaning = meaning; }

    /** One line for tables and explanations. */
    public String meaning() { return meaning; }

    /** Parses {@code strict}, {@code LENIENT}, ... with an error that lists the allowed values. */
    public static PadPolicy parse(String name) {
        return Knobs.parse(PadPolicy.class, name);
    }
}
