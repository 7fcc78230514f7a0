package org.lowbit.conformance.target;

import java.util.Objects;

/**
 * A target's answer to a {@link ScaledQuantizeRequest}, in the encoding of the golden vectors'
 * {@code scaled-quantize} tests (vectors/FORMAT.md §5).
 *
 * @param codes  the codes in the request's element layout (unpacked: int8 two's complement, int4 the
 *               two's-complement nibble in the low bits, uint4 0..15, fp8_e4m3 the byte)
 * @param scales one scale per block, row-major over the block grid, as bits of the knob {@code scaleDtype}
 *               (4 bytes for FP32, 2 for FP16 and BF16), little-endian
 * @param zeros  one zero per block for zero points INTEGER (1 byte), FLOAT and MIN (scale dtype bits);
 *               empty otherwise
 */
public record ScaledQuantizeResult(byte[] codes, byte[] scales, byte[] zeros) {
    public ScaledQuantizeResult {
        Objects.requireNonNull(codes, "codes");
        Objects.requireNonNull(scales, "scales");
        Objects.requireNonNull(zeros, "zeros");
    }
}
