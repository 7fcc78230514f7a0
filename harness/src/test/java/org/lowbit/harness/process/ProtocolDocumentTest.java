package org.lowbit.harness.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.lowbit.conformance.target.CapabilityManifest;

/** The hex dump of PROTOCOL.md §8 is a valid exchange: every frame reads back and says what the text says. */
class ProtocolDocumentTest {

    @Test
    @DisplayName("PROTOCOL.md §8: seven frames, hello → manifest, quantize → ok (scale 7f, codes 02 09 07 05), decode → NOT_SUPPORTED, bye")
    void hexDumpIsAValidExchange() throws Exception {
        // 1.0, -0.5, 6.0, 3.0 as f32: 0x3F800000, 0xBF000000, 0x40C00000, 0x40400000, little-endian
        List<String> lines = Files.readAllLines(ExampleTargets.root().resolve("harness/PROTOCOL.md"));
        int section = lines.indexOf("## 8. One whole exchange, in hex");
        List<Frame> frames = new ArrayList<>();
        ByteArrayOutputStream current = null;
        for (String line : lines.subList(section, lines.size())) {
            if (line.equals("```")) {
                if (current == null) {
                    current = new ByteArrayOutputStream();
                } else {
                    ByteArrayInputStream in = new ByteArrayInputStream(current.toByteArray());
                    frames.add(FrameCodec.read(in));
                    assertEquals(-1, in.read(), "one frame per dump, nothing after it");
                    current = null;
                }
            } else if (current != null) {
                // "00000010: 7b22 7479 ...  {"ty..." : the hex columns sit between the colon and two spaces
                String hex = line.substring(line.indexOf(':') + 2, Math.min(line.length(), line.indexOf(':') + 2 + 39)).replace(" ", "");
                current.writeBytes(HexFormat.of().parseHex(hex));
            }
        }
        assertNull(current, "every code block is closed");
        assertEquals(List.of("hello", "manifest", "quantize", "ok", "decode", "error", "bye"), frames.stream().map(Frame::type).toList());
        assertEquals("lowbit-example-c", CapabilityManifest.fromJson(frames.get(1).header().get("manifest").toString()).target());
        assertEquals("0000803f000000bf0000c04000004040", HexFormat.of().formatHex(frames.get(2).segments().get("input")));
        assertEquals("7f", HexFormat.of().formatHex(frames.get(3).segments().get("scales")));
        assertEquals("02090705", HexFormat.of().formatHex(frames.get(3).segments().get("elements")));
        assertEquals("NOT_SUPPORTED", frames.get(5).header().get("code").asText());
    }
}
