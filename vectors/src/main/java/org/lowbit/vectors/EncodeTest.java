package org.lowbit.vectors;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Encode one source value to an element code.
 *
 * @param input      the source pattern: 4 bytes for f32, 2 for bf16 and f16, little-endian
 * @param randomBits under SR only: the 32 random bits, 4 little-endian bytes
 * @param expected   the code, one byte
 */
public record EncodeTest(int tcId, String comment, List<String> flags, String input, Optional<String> randomBits,
                         String expected, Result result) implements TestCase {
    public EncodeTest {
        TestCase.requireCommon(tcId, comment, flags, result);
        flags = List.copyOf(flags);
        HexBytes.requireHex("input", input);
        Objects.requireNonNull(randomBits, "randomBits");
        randomBits.ifPresent(r -> HexBytes.requireHex("randomBits", r, 4));
        HexBytes.requireHex("expected", expected, 1);
    }
}
