package org.lowbit.vectors;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Quantize a rows × rowLength tensor of source values (the group gives the shape).
 *
 * @param input       every source value, row-major, little-endian (4 bytes each for f32, 2 for bf16/f16)
 * @param tensorScale the per-tensor scale g as an FP32 pattern, only in groups whose tensorScale is "given"
 * @param expected    the outputs, or the error of an invalid test
 */
public record QuantizeTest(int tcId, String comment, List<String> flags, String input, Optional<String> tensorScale,
                           QuantizeExpected expected, Result result) implements TestCase {
    public QuantizeTest {
        TestCase.requireCommon(tcId, comment, flags, result);
        flags = List.copyOf(flags);
        HexBytes.requireHex("input", input);
        Objects.requireNonNull(tensorScale, "tensorScale");
        tensorScale.ifPresent(g -> HexBytes.requireHex("tensorScale", g, 4));
        Objects.requireNonNull(expected, "expected");
        if ((expected instanceof QuantizeExpected.Rejected) != (result == Result.INVALID)) {
            throw new IllegalArgumentException("tcId " + tcId + ": an invalid test expects an error, and only an"
                                               + " invalid test does (result " + result + ")");
        }
    }
}
