package org.lowbit.vectors;

import java.util.List;

/**
 * Pack element codes, in logical order, into the bytes of a layout.
 *
 * @param codes    the codes, one byte each (the code in the low bits)
 * @param expected the packed bytes
 */
public record PackTest(int tcId, String comment, List<String> flags, String codes, String expected, Result result)
        implements TestCase {
    public PackTest {
        TestCase.requireCommon(tcId, comment, flags, result);
        flags = List.copyOf(flags);
        HexBytes.requireHex("codes", codes);
        HexBytes.requireHex("expected", expected);
    }
}
