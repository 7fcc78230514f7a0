package org.lowbit.conformance.target;

import java.util.Objects;
import java.util.OptionalInt;
import org.lowbit.spec.BlockFormat;
import org.lowbit.spec.BlockProfile;
import org.lowbit.spec.ElementLayout;
import org.lowbit.spec.ScaleLayout;
import org.lowbit.spec.SourceFormat;

/**
 * Dequantize a block-format tensor (SPEC.md §8.7). The target answers with rows·rowLength values of
 * {@code output}, little-endian.
 *
 * @param format          the block format
 * @param profile         the block profile (dequantization has no knobs in v1; recorded for the reports)
 * @param output          f32, bf16 or f16 (narrow outputs round to nearest even)
 * @param rows            rows (≥ 1)
 * @param rowLength       elements per row (≥ 1)
 * @param scales          scale codes in {@code scaleLayout}
 * @param elements        element codes in {@code elementLayout}
 * @param elementLayout   how elements are stored
 * @param scaleLayout     how scales are stored
 * @param tensorScaleBits NVFP4 two-level: the FP32 bits of g; otherwise empty
 */
public record DequantizeRequest(BlockFormat format, BlockProfile profile, SourceFormat output, int rows, int rowLength,
                                byte[] scales, byte[] elements, ElementLayout elementLayout, ScaleLayout scaleLayout,
                                OptionalInt tensorScaleBits) {
    public DequantizeRequest {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(scales, "scales");
        Objects.requireNonNull(elements, "elements");
        Objects.requireNonNull(elementLayout, "elementLayout");
        Objects.requireNonNull(scaleLayout, "scaleLayout");
        Objects.requireNonNull(tensorScaleBits, "tensorScaleBits");
        if (rows < 1 || rowLength < 1) {
            throw new IllegalArgumentException("shape " + rows + " × " + rowLength + ": both must be ≥ 1");
        }
    }

    public int count() { return rows * rowLength; }
}
