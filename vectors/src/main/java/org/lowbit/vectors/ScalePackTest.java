package org.lowbit.vectors;

import java.util.List;

/**
 * Pack a row-major scale matrix into a scale layout.
 *
 * @param scales   the scales S[r][c], row-major, one byte each
 * @param expected the stored bytes, padding included
 */
public record ScalePackTest(int tcId, String comment, List<String> flags, String scales, String expected,
                            Result result) implements TestCase {
    public ScalePackTest {
        TestCase.requireCommon(tcId, comment, flags, result);
        flags = List.copyOf(flags);
        HexBytes.requireHex("scales", scales);
        HexBytes.requireHex("expected", expected);
    }
}
