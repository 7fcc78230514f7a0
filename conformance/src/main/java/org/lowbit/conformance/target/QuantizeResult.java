package org.lowbit.conformance.target;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * A target's answer to a {@link QuantizeRequest}.
 *
 * @param scales          the scale codes in the request's scale layout (row-major: one byte per block, row by row)
 * @param elements        the element codes in the request's element layout (unpacked: one per byte)
 * @param tensorScaleBits the FP32 bits of g when the request's mode is COMPUTED; otherwise empty
 */
public record QuantizeResult(byte[] scales, byte[] elements, OptionalInt tensorScaleBits) {
    public QuantizeResult {
        Objects.requireNonNull(scales, "scales");
        Objects.requireNonNull(elements, "elements");
        Objects.requireNonNull(tensorScaleBits, "tensorScaleBits");
    }
}
