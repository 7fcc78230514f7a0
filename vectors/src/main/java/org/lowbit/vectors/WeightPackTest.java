package org.lowbit.vectors;

import java.util.List;

/**
 * Pack integer codes (and zero points or GGUF block fields) into a weight layout.
 *
 * @param codes       one code per byte, row-major
 * @param zeros       the true zero points Z[rows][cols/G], one per byte; empty when the layout packs none
 * @param blockFields the GGUF block fields other than the codes, block after block; empty for other layouts
 * @param qweight     the packed weight tensor's bytes (int32 words little-endian)
 * @param qzeros      the packed zero-point tensor's bytes; empty when the layout packs none
 */
public record WeightPackTest(int tcId, String comment, List<String> flags, String codes, String zeros,
                             String blockFields, String qweight, String qzeros, Result result) implements TestCase {
    public WeightPackTest {
        TestCase.requireCommon(tcId, comment, flags, result);
        flags = List.copyOf(flags);
        HexBytes.requireHex("codes", codes);
        HexBytes.requireHex("zeros", zeros);
        HexBytes.requireHex("blockFields", blockFields);
        HexBytes.requireHex("qweight", qweight);
        HexBytes.requireHex("qzeros", qzeros);
    }

    /** An empty hex field as the text twin and results files write it. */
    public static String dash(String hex) {
        return hex.isEmpty() ? "-" : hex;
    }
}
