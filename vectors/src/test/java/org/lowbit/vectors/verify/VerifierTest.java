package org.lowbit.vectors.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lowbit.vectors.EncodeTest;
import org.lowbit.vectors.HexBytes;
import org.lowbit.vectors.ScalePackTest;
import org.lowbit.vectors.ScaledQuantizeTest;
import org.lowbit.vectors.TestCase;
import org.lowbit.vectors.TestSets;
import org.lowbit.vectors.VectorFile;
import org.lowbit.vectors.VectorFormatException;
import org.lowbit.vectors.VectorSets;

/**
 * verify end to end: the reference's own results pass; results with a planted bug (a swapped nibble, a
 * flipped tie, an off-by-one scale, a lost NaN) fail on exactly that test, with the fields decoded.
 */
class VerifierTest {

    @TempDir
    Path vectors;

    @TempDir
    Path results;

    SortedMap<String, VectorFile> files;

    @BeforeEach
    void setUp() throws Exception {
        TestSets.writeSmall(vectors);
        files = VectorSets.read(vectors);
        ReferenceResults.write(vectors, results);
    }

    @Test
    @DisplayName("the reference's results pass every test")
    void referencePasses() throws Exception {
        Verifier.Report report = Verifier.verify(vectors, results);
        assertTrue(report.ok(), () -> report.mismatches().toString());
        assertEquals(files.size(), report.checkedFiles().size());
        assertEquals(files.values().stream().mapToLong(VectorFile::numberOfTests).sum(), report.tests());
    }

    /** Replaces one test's result line and returns the single mismatch verify must report. */
    private Verifier.Mismatch plant(String file, int tcId, UnaryOperator<String> bug) throws Exception {
        Path p = results.resolve(Verifier.resultsPath(file));
        List<String> lines = new ArrayList<>(Files.readAllLines(p));
        boolean planted = false;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(tcId + " ")) {
                String actual = lines.get(i).substring(lines.get(i).indexOf(' ') + 1);
                String wrong = bug.apply(actual);
                assertTrue(!wrong.equals(actual), "the planted bug changes the result");
                lines.set(i, tcId + " " + wrong);
                planted = true;
            }
        }
        assertTrue(planted, "tcId " + tcId + " is in " + file);
        Files.write(p, lines);
        Verifier.Report report = Verifier.verify(vectors, results);
        assertEquals(1, report.mismatches().size(), () -> report.mismatches().toString());
        Verifier.Mismatch m = report.mismatches().getFirst();
        assertEquals(file, m.file());
        assertEquals(tcId, m.tcId());
        return m;
    }

    private int find(String file, String flag, String commentFragment) {
        for (TestCase t : files.get(file).tests()) {
            if (t.flags().contains(flag) && t.comment().contains(commentFragment)) {
                return t.tcId();
            }
        }
        throw new AssertionError("no " + flag + " test with '" + commentFragment + "' in " + file);
    }

    private static void assertReports(Verifier.Mismatch m, String... fragments) {
        for (String f : fragments) {
            assertTrue(m.report().contains(f), () -> "the report should contain '" + f + "':\n" + m.report());
        }
    }

    @Test
    @DisplayName("a swapped nibble in packed FP4 is a mismatch, with both code orders shown")
    void swappedNibble() throws Exception {
        String file = "pack/pack_nibble-low-first_fp4_e2m1.json";
        int tcId = find(file, "PACKING_ORDER", "7,2,0,D");
        Verifier.Mismatch m = plant(file, tcId, a -> "72" + a.substring(2)); // 27 d0 -> 72 d0: high-first
        assertReports(m, "byte 0: expected 0x27 (00100111), actual 0x72 (01110010)", "codes    7,2,0,d",
                "actual bytes unpack to 2,7,0,d");
    }

    @Test
    @DisplayName("a flipped tie (464 -> 480 instead of 448) is a mismatch, with sign, exponent and mantissa")
    void flippedTie() throws Exception {
        String file = "encode/encode_fp8_e4m3_ocp.json";
        int tcId = files.get(file).tests().stream().filter(t -> t instanceof EncodeTest e
                && e.input().equals("0000e843")).findFirst().orElseThrow().tcId();
        Verifier.Mismatch m = plant(file, tcId, a -> "7f");
        assertReports(m, "TIE_TO_EVEN", "expected 0x7e (S=0 E=1111 M=110, 448)", "actual   0x7f (S=0 E=1111 M=111, NaN)",
                "why: 464 is the tie");
        // and a tie in FP4 rounding the wrong way: 0.25 -> 0.5 (code 1) instead of 0
        String fp4 = "encode/encode_fp4_e2m1_ocp.json";
        int tie = files.get(fp4).tests().stream().filter(t -> t instanceof EncodeTest e
                && e.input().equals("0000803e")).findFirst().orElseThrow().tcId();
        ReferenceResults.write(vectors, results); // takes the first planted bug out again
        assertReports(plant(fp4, tie, a -> "01"), "expected 0x00 (S=0 E=00 M=0, 0)", "actual   0x01 (S=0 E=00 M=1, 0.5)");
    }

    @Test
    @DisplayName("an off-by-one scale is a mismatch that names the block and both scale values")
    void offByOneScale() throws Exception {
        String file = "quantize/quantize_mxfp4_ocp-mx-1.0.json";
        int tcId = find(file, "WORKED_EXAMPLE", "[7.0, 1.0, 0.25, -3.0]");
        Verifier.Mismatch m = plant(file, tcId, a -> "80" + a.substring(2));
        assertReports(m, "scale of block 0: expected 0x7f (E=01111111, 1), actual 0x80 (E=10000000, 2)");
    }

    @Test
    @DisplayName("swapped swizzle row strides ((r%32)*4 + ((r%128)/32)*16) are a mismatch that names S[r][c]")
    void swappedSwizzleStrides() throws Exception {
        String file = "scalepack/scalepack_swizzle-128x4.json";
        int tcId = find(file, "SCALE_SWIZZLE", "128x8 scales padded to 128x8 (2 tiles of 512 bytes): scale = 1 + row");
        ScalePackTest t = (ScalePackTest) files.get(file).tests().get(tcId - 1);
        byte[] scales = HexBytes.parse(t.scales());
        byte[] wrong = new byte[128 * 8];
        for (int r = 0; r < 128; r++) {
            for (int c = 0; c < 8; c++) {
                wrong[(c / 4) * 512 + (r % 32) * 4 + ((r % 128) / 32) * 16 + c % 4] = scales[r * 8 + c];
            }
        }
        Verifier.Mismatch m = plant(file, tcId, a -> HexBytes.of(wrong));
        // offset 4 is S[32][0] (= 33 = 0x21); the swapped strides put S[1][0] (= 2) there
        assertReports(m, "offset 4 holds S[32][0]: expected 0x21, actual 0x02", "of 1024 stored bytes differ");
    }

    @Test
    @DisplayName("NVIDIA's published offsets are in the scale-pack file: (5, 2) -> 82, (5, 5) -> 593")
    void publishedSwizzleOffsets() {
        String file = "scalepack/scalepack_swizzle-128x4.json";
        for (int[] named : new int[][] {{2, 82}, {5, 593}}) {
            int tcId = find(file, "WORKED_EXAMPLE", "only S[5][" + named[0] + "] = 0x7f");
            byte[] stored = HexBytes.parse(((ScalePackTest) files.get(file).tests().get(tcId - 1)).expected());
            for (int i = 0; i < stored.length; i++) {
                assertEquals(i == named[1] ? 0x7f : 0, stored[i] & 0xFF, "offset " + i);
            }
        }
    }

    @Test
    @DisplayName("a non-zero pad byte in a ragged scale matrix is a mismatch that says it is padding")
    void dirtyPadding() throws Exception {
        String file = "scalepack/scalepack_swizzle-128x4.json";
        int tcId = find(file, "SCALE_PADDING", "5x3 scales padded to 128x4 (1 tiles of 512 bytes): every scale");
        Verifier.Mismatch m = plant(file, tcId, a -> a.substring(0, 6) + "ff" + a.substring(8));
        assertReports(m, "offset 3 holds padding (padded row 0, column 3): expected 0x00, actual 0xff");
    }

    @Test
    @DisplayName("AWQ packed in plain order (no [0,2,4,6,1,3,5,7] interleave) is a mismatch that shows both words")
    void awqOrderSwapped() throws Exception {
        String file = "weightpack/weightpack_awq_b4.json";
        int tcId = find(file, "WORKED_EXAMPLE", "0x86427531");
        // the plain sequential packing of codes 1..8 along N: 0x87654321 in every word, zeros as they are
        Verifier.Mismatch m = plant(file, tcId, a -> "21436587".repeat(8) + a.substring(64));
        assertReports(m, "qweight byte 0 (int32 word 0): expected 0x31 (00110001), actual 0x21 (00100001)",
                "qweight word 0: expected 0x86427531, actual 0x87654321");
    }

    @Test
    @DisplayName("GPTQ v1 zeros written without the -1 offset are a mismatch on qzeros")
    void gptqZeroOffset() throws Exception {
        String file = "weightpack/weightpack_gptq-v1_b4.json";
        int tcId = find(file, "WORKED_EXAMPLE", "0x77777777");
        Verifier.Mismatch m = plant(file, tcId, a -> a.substring(0, a.indexOf('/') + 1) + "88888888");
        assertReports(m, "qzeros word 0: expected 0x77777777, actual 0x88888888");
    }

    @Test
    @DisplayName("a scaled code off by one is a mismatch that names the element; GGUF's sign choice is pinned")
    void scaledCodeOffByOne() throws Exception {
        String file = "scaled/scaled_gguf_q4_0_gguf.json";
        int tcId = find(file, "GGUF_AMAX_SIGN", "1x32, the largest magnitude twice, -8 first");
        ScaledQuantizeTest t = (ScaledQuantizeTest) files.get(file).tests().get(tcId - 1);
        assertEquals("003c", t.scales(), "d = -8/-8 = 1.0 (fp16 0x3c00)");
        // -8 -> code 0, +8 -> 15 (7, clamped), element 2 is +1 -> code 9 (with the implicit zero 8); the bug writes 10
        assertEquals("000f09", t.codes().substring(0, 6));
        Verifier.Mismatch m = plant(file, tcId, a -> a.substring(0, 4) + "0a" + a.substring(6));
        assertReports(m, "codes of element 2 (row 0, col 2): expected 09, actual 0a");
    }

    @Test
    @DisplayName("a lost NaN (E4M3 0x7f decoded as 480) is a mismatch; any NaN bits pass")
    void lostNaN() throws Exception {
        String file = "decode/decode_fp8_e4m3.json";
        int tcId = 0x7F + 1; // code 0x7f is the 128th test
        Path p = results.resolve(Verifier.resultsPath(file));
        String text = Files.readString(p);
        Files.writeString(p, text.replace("\n128 0000c07f\n", "\n128 0100807f\n")); // a signalling NaN: still NaN
        assertTrue(Verifier.verify(vectors, results).ok());
        Verifier.Mismatch m = plant(file, tcId, a -> "0000f043");
        assertReports(m, "NAN_CODE_DECODE", "expected 0x7fc00000", "NaN)", "actual   0x43f00000", "480)");
    }

    @Test
    @DisplayName("a missing line is a mismatch; a rejected valid input and an accepted invalid one too")
    void missingAndRejections() throws Exception {
        String file = "encode/encode_fp4_e2m1_cuda-satfinite.json";
        Path p = results.resolve(Verifier.resultsPath(file));
        Files.write(p, Files.readAllLines(p).stream().filter(l -> !l.startsWith("3 ")).toList());
        Verifier.Report report = Verifier.verify(vectors, results);
        assertEquals(1, report.mismatches().size());
        assertTrue(report.mismatches().getFirst().report().contains("no result line for this test"));
        ReferenceResults.write(vectors, results);

        String q = "quantize/quantize_mxfp4_torchao-floor.json";
        int ragged = find(q, "BLOCK_TAIL", "tail REJECT");
        Verifier.Mismatch accepted = plant(q, ragged, a -> "7f/00/00000000");
        assertReports(accepted, "expected a rejection (RAGGED_TAIL), but the input was accepted");
        ReferenceResults.write(vectors, results);
        int valid = find(q, "WORKED_EXAMPLE", "[7.0, 1.0, 0.25, -3.0]");
        assertReports(plant(q, valid, a -> "error:NOT_SUPPORTED"), "expected outputs, but the input was rejected");
    }

    @Test
    @DisplayName("malformed results are bad input, not mismatches")
    void badInput() throws IOException {
        Path p = results.resolve(Verifier.resultsPath("encode/encode_fp4_e2m1_ocp.json"));
        Files.writeString(p, "1 00 extra\n");
        VectorFormatException e = assertThrows(VectorFormatException.class, () -> Verifier.verify(vectors, results));
        assertTrue(e.getMessage().contains("line 1: expected '<tcId> <actual>'"), e.getMessage());
        Files.writeString(p, "1 00\n1 00\n");
        assertTrue(assertThrows(VectorFormatException.class, () -> Verifier.verify(vectors, results)).getMessage()
                .contains("a second result for tcId 1"));
        Files.writeString(p, "99999 00\n");
        assertTrue(assertThrows(VectorFormatException.class, () -> Verifier.verify(vectors, results)).getMessage()
                .contains("tcId 99999 is not a test"));
        Files.delete(p);
        Files.writeString(results.resolve("encode/encode_fp5.results"), "1 00\n");
        assertTrue(assertThrows(VectorFormatException.class, () -> Verifier.verify(vectors, results)).getMessage()
                .contains("a results file for no vector file"));
    }
}
