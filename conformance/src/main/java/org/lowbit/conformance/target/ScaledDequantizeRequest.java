package org.lowbit.conformance.target;

import java.util.Objects;
import org.lowbit.spec.ElementLayout;
import org.lowbit.spec.ScaledFormat;
import org.lowbit.spec.ScaledKnobs;
import org.lowbit.spec.ScaledProfile;
import org.lowbit.spec.SourceFormat;

/**
 * Dequantize a scaled-format tensor (SPEC.md §11.4). The target answers with rows·cols values of
 * {@code output}, little-endian. The arrays are encoded as in {@link ScaledQuantizeResult}.
 */
public record ScaledDequantizeRequest(ScaledFormat format, ScaledProfile profile, ScaledKnobs knobs, SourceFormat output,
                                      int rows, int cols, byte[] codes, byte[] scales, byte[] zeros,
                                      ElementLayout elementLayout) {
    public ScaledDequantizeRequest {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(knobs, "knobs");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(codes, "codes");
        Objects.requireNonNull(scales, "scales");
        Objects.requireNonNull(zeros, "zeros");
        Objects.requireNonNull(elementLayout, "elementLayout");
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException("shape " + rows + " × " + cols + ": both must be ≥ 1");
        }
    }
}
