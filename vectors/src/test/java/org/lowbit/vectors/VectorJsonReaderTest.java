package org.lowbit.vectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.ElementProfile;
import org.lowbit.spec.SourceFormat;

/** The strict reader: a round trip, and one refusal per kind of damage, each naming the file and the problem. */
class VectorJsonReaderTest {

    static VectorFile sample() {
        EncodeTest t1 = new EncodeTest(1, "464 is the tie between 448 and 480", List.of("TIE_TO_EVEN"), "0000e843",
                Optional.empty(), "7e", Result.VALID);
        EncodeTest t2 = new EncodeTest(2, "quote \" and backslash \\", List.of(), "0000803f", Optional.of("01020304"),
                "38", Result.VALID);
        EncodeGroup g = new EncodeGroup(SourceFormat.FP32, ElementFormat.FP8_E4M3, ElementProfile.OCP,
                ElementProfile.OCP.knobsFor(ElementFormat.FP8_E4M3), "test/sample", 42, List.of(t1, t2));
        return VectorFile.of(Operation.ENCODE, "fp8_e4m3", "ocp", Level.ONE, List.of("a sample"),
                Map.of("TIE_TO_EVEN", Flag.TIE_TO_EVEN.note()), List.of(g));
    }

    static String sampleText() {
        return VectorJsonWriter.write(sample());
    }

    private static VectorFormatException refused(String text) {
        return assertThrows(VectorFormatException.class,
                () -> VectorJsonReader.read("encode/sample.json", text.getBytes(StandardCharsets.UTF_8)));
    }

    private static void assertMessage(VectorFormatException e, String... fragments) {
        assertTrue(e.getMessage().startsWith("encode/sample.json: "), () -> "names the file: " + e.getMessage());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), () -> "message should contain '" + f + "': " + e.getMessage());
        }
    }

    @Test
    @DisplayName("write then read gives the same file, and writing it again the same bytes")
    void roundTrip() throws VectorFormatException {
        byte[] bytes = VectorJsonWriter.bytes(sample());
        VectorFile back = VectorJsonReader.read("encode/sample.json", bytes);
        assertEquals(sample(), back);
        assertArrayEquals(bytes, VectorJsonWriter.bytes(back));
    }

    @Test
    @DisplayName("canonical text: 2-space indent, one test per line, final newline, ASCII")
    void canonicalText() {
        String text = sampleText();
        assertTrue(text.startsWith("{\n  \"schema\": \"lowbit-vectors-v1\",\n  \"suiteVersion\": \"0.2.0\",\n"));
        assertTrue(text.endsWith("}\n"));
        assertTrue(text.contains("\n        {\"tcId\": 1, \"comment\": \"464 is the tie between 448 and 480\", \"flags\":"
                                 + " [\"TIE_TO_EVEN\"], \"input\": \"0000e843\", \"expected\": \"7e\", \"result\": \"valid\"},\n"));
        assertTrue(text.contains("\"seed\": \"0x000000000000002a\""));
        assertTrue(text.chars().allMatch(c -> c < 0x80));
        assertThrows(IllegalArgumentException.class, () -> VectorJsonWriter.str("448 \u00b1 1"));
    }

    @Test
    @DisplayName("refuses a wrong schema id")
    void wrongSchema() {
        assertMessage(refused(sampleText().replace("\"lowbit-vectors-v1\"", "\"lowbit-vectors-v2\"")),
                "wrong schema id 'lowbit-vectors-v2'");
    }

    @Test
    @DisplayName("refuses another major suite version, accepts another minor one")
    void wrongVersion() throws VectorFormatException {
        assertMessage(refused(sampleText().replace("\"0.2.0\"", "\"1.0.0\"")), "wrong suite version 1.0.0");
        assertMessage(refused(sampleText().replace("\"0.2.0\"", "\"0.1\"")), "not MAJOR.MINOR.PATCH");
        assertEquals("0.2.7", VectorJsonReader.read("x", sampleText().replace("\"0.2.0\"", "\"0.2.7\"")
                .getBytes(StandardCharsets.UTF_8)).suiteVersion());
    }

    @Test
    @DisplayName("refuses a wrong numberOfTests")
    void wrongCount() {
        assertMessage(refused(sampleText().replace("\"numberOfTests\": 2", "\"numberOfTests\": 3")),
                "numberOfTests is 3, but the file holds 2 tests");
    }

    @Test
    @DisplayName("refuses a tcId used twice")
    void duplicateTcId() {
        assertMessage(refused(sampleText().replace("{\"tcId\": 2,", "{\"tcId\": 1,")), "duplicate tcId 1");
    }

    @Test
    @DisplayName("refuses unknown and missing fields, naming the place")
    void unknownAndMissingFields() {
        assertMessage(refused(sampleText().replace("\"level\": \"1\",", "\"level\": \"1\", \"extra\": 1,")),
                "file: unknown field 'extra'");
        assertMessage(refused(sampleText().replace("\"result\": \"valid\"}", "\"result\": \"valid\", \"why\": \"\"}")),
                "testGroups[0].tests[0]: unknown field 'why'");
        assertMessage(refused(sampleText().replace("\"comment\": \"464 is the tie between 448 and 480\", ", "")),
                "testGroups[0].tests[0]: missing field 'comment'");
        assertMessage(refused(sampleText().replace("        \"integerRange\": \"SYMMETRIC\"\n", "")
                        .replace("\"e8m0Bottom\": \"EXACT\",", "\"e8m0Bottom\": \"EXACT\"")),
                "testGroups[0].knobs: missing field 'integerRange'");
    }

    @Test
    @DisplayName("refuses malformed hex, wrong widths, unknown ids and knob values")
    void badValues() {
        assertMessage(refused(sampleText().replace("\"0000e843\"", "\"0000E843\"")), "not lowercase hex");
        assertMessage(refused(sampleText().replace("\"0000e843\"", "\"e843\"")), "is 2 bytes; expected 4");
        assertMessage(refused(sampleText().replace("\"expected\": \"7e\"", "\"expected\": \"7e7e\"")), "expected 1");
        assertMessage(refused(sampleText().replace("\"format\": \"fp8_e4m3\",\n      \"profile\"",
                "\"format\": \"fp9\",\n      \"profile\"")), "unknown element format 'fp9'");
        assertMessage(refused(sampleText().replace("\"RNE\"", "\"NEAREST\"")), "'rounding' is 'NEAREST'; known: RNE");
        assertMessage(refused(sampleText().replace("\"valid\"}", "\"maybe\"}")), "unknown result 'maybe'");
        assertMessage(refused(sampleText().replace("\"tcId\": 1,", "\"tcId\": \"1\",")), "'tcId' must be an integer");
    }

    @Test
    @DisplayName("refuses a truncated file, a duplicate key and trailing data")
    void malformedJson() {
        String text = sampleText();
        assertMessage(refused(text.substring(0, text.length() / 2)), "not valid JSON (truncated or corrupted?)");
        assertMessage(refused(text.replace("\"level\": \"1\",", "\"level\": \"1\", \"level\": \"1\",")),
                "not valid JSON", "level");
        assertMessage(refused(text + "{}"), "not valid JSON");
        assertMessage(refused(""), "empty file");
    }
}
