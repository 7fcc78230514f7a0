package org.lowbit.vectors;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Quantize a tensor under a scaled format: either the expected codes, scales, zeros (empty when the rule
 * stores none) and dequantized FP32 values, or an error the implementation must raise.
 */
public record ScaledQuantizeTest(int tcId, String comment, List<String> flags, String input, String codes,
                                 String scales, String zeros, String dequantized, Optional<String> error,
                                 Result result) implements TestCase {
    public ScaledQuantizeTest {
        TestCase.requireCommon(tcId, comment, flags, result);
        flags = List.copyOf(flags);
        Objects.requireNonNull(error, "error");
        HexBytes.requireHex("input", input);
        HexBytes.requireHex("codes", codes);
        HexBytes.requireHex("scales", scales);
        HexBytes.requireHex("zeros", zeros);
        HexBytes.requireHex("dequantized", dequantized);
        if (error.isPresent() != (result == Result.INVALID)) {
            throw new IllegalArgumentException("tcId " + tcId + ": an error is expected exactly when the result is"
                                               + " invalid");
        }
    }

    /** The expected field of the text twin and the results files. */
    public String expectedText() {
        return error.map(e -> "error:" + e).orElseGet(() -> codes + "/" + scales + "/" + (zeros.isEmpty() ? "-" : zeros)
                                                           + "/" + dequantized);
    }
}
