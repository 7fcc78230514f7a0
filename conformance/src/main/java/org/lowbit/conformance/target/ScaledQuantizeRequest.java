package org.lowbit.conformance.target;

import java.util.Objects;
import org.lowbit.spec.ElementLayout;
import org.lowbit.spec.ScaledFormat;
import org.lowbit.spec.ScaledKnobs;
import org.lowbit.spec.ScaledProfile;
import org.lowbit.spec.SourceFormat;

/**
 * Quantize a rows × cols tensor into a scaled format (SPEC.md §11).
 *
 * @param format        the scaled format
 * @param profile       the scaled profile
 * @param knobs         every scaled knob (the profile's for the format)
 * @param source        f32, bf16 or f16
 * @param rows          rows (≥ 1)
 * @param cols          cols (≥ 1)
 * @param input         rows·cols source patterns, little-endian, row-major
 * @param elementLayout how the answer's codes are stored: {@code unpacked} (one per byte, as the golden
 *                      vectors write them) or, for 4-bit codes, a nibble layout
 */
public record ScaledQuantizeRequest(ScaledFormat format, ScaledProfile profile, ScaledKnobs knobs, SourceFormat source,
                                    int rows, int cols, byte[] input, ElementLayout elementLayout) {
    public ScaledQuantizeRequest {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(knobs, "knobs");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(elementLayout, "elementLayout");
        if (rows < 1 || cols < 1 || (long) rows * cols * source.bytes() != input.length) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                    "%d input bytes for a %d×%d tensor of %s", input.length, rows, cols, source));
        }
    }
}
