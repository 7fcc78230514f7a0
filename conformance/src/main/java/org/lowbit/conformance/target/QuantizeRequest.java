package org.lowbit.conformance.target;

import java.util.Objects;
import org.lowbit.vectors.TensorScaleMode;
import org.lowbit.spec.BlockFormat;
import org.lowbit.spec.BlockKnobs;
import org.lowbit.spec.BlockProfile;
import org.lowbit.spec.ElementLayout;
import org.lowbit.spec.ScaleLayout;
import org.lowbit.spec.SourceFormat;

/**
 * Quantize a rows × rowLength tensor into a block format (SPEC.md §8). Blocks run along a row.
 *
 * @param format          the block format
 * @param profile         the block profile
 * @param knobs           every block knob (the profile's)
 * @param source          f32, bf16 or f16
 * @param rows            rows (≥ 1)
 * @param rowLength       elements per row (≥ 1)
 * @param input           rows·rowLength source patterns, little-endian, row-major
 * @param elementLayout   how the answer's elements are stored (SPEC.md §9.1)
 * @param scaleLayout     how the answer's scales are stored (SPEC.md §9.4)
 * @param tensorScaleMode NVFP4 two-level: none, given or computed
 * @param tensorScaleBits the FP32 bits of g when the mode is GIVEN; otherwise 0
 */
public record QuantizeRequest(BlockFormat format, BlockProfile profile, BlockKnobs knobs, SourceFormat source,
                              int rows, int rowLength, byte[] input, ElementLayout elementLayout,
                              ScaleLayout scaleLayout, TensorScaleMode tensorScaleMode, int tensorScaleBits) {
    public QuantizeRequest {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(knobs, "knobs");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(elementLayout, "elementLayout");
        Objects.requireNonNull(scaleLayout, "scaleLayout");
        Objects.requireNonNull(tensorScaleMode, "tensorScaleMode");
        if (rows < 1 || rowLength < 1 || (long) rows * rowLength * source.bytes() != input.length) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                    "%d input bytes for %d rows of %d %s values", input.length, rows, rowLength, source));
        }
    }

    public int count() { return rows * rowLength; }
}
