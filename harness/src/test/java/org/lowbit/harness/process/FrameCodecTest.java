package org.lowbit.harness.process;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** PROTOCOL.md §2, byte by byte: frames built by hand here, not by the codec under test. */
class FrameCodecTest {

    private static byte[] frame(int version, int reserved, String header, long payloadLength, byte[] payload) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(16 + h.length + payload.length).order(ByteOrder.LITTLE_ENDIAN)
                .put(new byte[] {'L', 'B', 'P', 'F'}).putShort((short) version).putShort((short) reserved)
                .putInt(h.length).putInt((int) payloadLength).put(h).put(payload).array();
    }

    private static String problem(byte[] bytes) {
        return assertThrows(FrameCodec.BadFrameException.class, () -> FrameCodec.read(new ByteArrayInputStream(bytes))).getMessage();
    }

    @Test
    @DisplayName("a hand-built frame reads into its header and segments, and the codec writes the same bytes back")
    void roundTrip() throws Exception {
        String header = "{\"type\":\"ok\",\"id\":3,\"segments\":[{\"name\":\"scales\",\"bytes\":1},{\"name\":\"elements\",\"bytes\":2}]}";
        byte[] bytes = frame(1, 0, header, 3, new byte[] {0x7F, 2, 9});
        Frame f = FrameCodec.read(new ByteArrayInputStream(bytes));
        assertEquals("ok", f.type());
        assertEquals(3, f.header().get("id").asInt());
        assertArrayEquals(new byte[] {0x7F}, f.segments().get("scales"));
        assertArrayEquals(new byte[] {2, 9}, f.segments().get("elements"));
        Map<String, byte[]> segments = new LinkedHashMap<>(f.segments());
        assertArrayEquals(bytes, FrameCodec.encode(new Frame(f.header(), segments)));
        assertNull(FrameCodec.read(new ByteArrayInputStream(new byte[0])), "end of stream at a frame boundary");
    }

    @Test
    @DisplayName("every broken rule of §2 is named")
    void brokenFrames() {
        String ok = "{\"type\":\"ok\",\"id\":1}";
        assertTrue(problem(new byte[] {'L', 'B', 'P'}).contains("short frame: the stream ended after 3 of the 16 prefix bytes"));
        assertTrue(problem("Segmentation fault (core dumped)\n".getBytes(StandardCharsets.US_ASCII)).contains("bad magic"));
        assertTrue(problem(frame(2, 0, ok, 0, new byte[0])).contains("frame version 2"));
        assertTrue(problem(frame(1, 1, ok, 0, new byte[0])).contains("reserved prefix bytes"));
        assertTrue(problem(frame(1, 0, "{\"type\":\"ok\",\"id\":1,\"type\":\"x\"}", 0, new byte[0])).contains("not JSON"), "duplicate member");
        assertTrue(problem(frame(1, 0, "[1,2]", 0, new byte[0])).contains("must be a JSON object"));
        assertTrue(problem(frame(1, 0, "{\"type\":\"ok\"}", 0, new byte[0])).contains("no integer 'id'"));
        assertTrue(problem(frame(1, 0, ok, 4, new byte[4])).contains("wrong payload length: the prefix announces 4 payload bytes but the header lists no segments"));
        assertTrue(problem(frame(1, 0, "{\"type\":\"ok\",\"id\":1,\"segments\":[{\"name\":\"a\",\"bytes\":1},{\"name\":\"a\",\"bytes\":1}]}", 2, new byte[2]))
                .contains("listed twice"));
        // A prefix that promises 1 GiB and then ends: reported as a short frame, without allocating 1 GiB first.
        String oneSegment = "{\"type\":\"ok\",\"id\":1,\"segments\":[{\"name\":\"values\",\"bytes\":1073741824}]}";
        assertTrue(problem(frame(1, 0, oneSegment, 1L << 30, new byte[10])).contains("announced a 1073741824-byte payload, the stream ended after 10"));
        assertTrue(problem(frame(1, 0, ok, (1L << 30) + 1, new byte[0])).contains("over the limit"));
        byte[] badUtf8 = frame(1, 0, "{\"type\":\"ok\",\"id\":1}", 0, new byte[0]);
        badUtf8[16 + 10] = (byte) 0xFF;
        assertTrue(problem(badUtf8).contains("not UTF-8"));
    }
}
