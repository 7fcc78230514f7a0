package org.lowbit.conformance.target;

import java.util.Objects;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.ElementKnobs;
import org.lowbit.spec.ElementProfile;
import org.lowbit.spec.SourceFormat;

/**
 * Encode {@code count} source values into element codes (SPEC.md §3).
 *
 * @param format     the element format
 * @param profile    the element profile the knobs come from (the knobs may differ only in the rounding,
 *                   e.g. SR for a property test)
 * @param knobs      every element knob
 * @param source     f32, bf16 or f16
 * @param input      {@code count} source bit patterns, little-endian, {@code source.bytes()} each
 * @param randomBits under SR, {@code count} 32-bit little-endian random words; otherwise empty
 * @return (from the target) one code per byte, in the low bits
 */
public record EncodeRequest(ElementFormat format, ElementProfile profile, ElementKnobs knobs, SourceFormat source,
                            byte[] input, byte[] randomBits) {
    public EncodeRequest {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(knobs, "knobs");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(randomBits, "randomBits");
        if (input.length % source.bytes() != 0) {
            throw new IllegalArgumentException(input.length + " input bytes is not a whole number of " + source + " values");
        }
        if (randomBits.length != 0 && randomBits.length != 4 * (input.length / source.bytes())) {
            throw new IllegalArgumentException("random bits must be empty or 4 bytes per input value");
        }
    }

    public int count() { return input.length / source.bytes(); }
}
