package org.lowbit.vectors;

import java.util.List;

/**
 * Decode one element code to FP32.
 *
 * @param code     the code, one byte of hex ({@code "7e"})
 * @param expected the exact FP32 value, 4 little-endian bytes; an expected NaN matches any NaN
 */
public record DecodeTest(int tcId, String comment, List<String> flags, String code, String expected, Result result)
        implements TestCase {
    public DecodeTest {
        TestCase.requireCommon(tcId, comment, flags, result);
        flags = List.copyOf(flags);
        HexBytes.requireHex("code", code, 1);
        HexBytes.requireHex("expected", expected, 4);
    }
}
