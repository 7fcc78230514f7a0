package org.lowbit.harness.process;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Writes and reads frames (PROTOCOL.md §2): a 16-byte little-endian prefix (magic {@code LBPF}, version,
 * reserved, header length, payload length), the UTF-8 JSON header, then the payload. Reading checks
 * every rule of §2 and throws {@link BadFrameException} naming the first one broken.
 */
public final class FrameCodec {

    /** The magic, the ASCII bytes {@code LBPF}. */
    public static final byte[] MAGIC = {'L', 'B', 'P', 'F'};
    /** The protocol version this harness speaks. */
    public static final int VERSION = 1;
    /** Bytes in the fixed prefix. */
    public static final int PREFIX_BYTES = 16;
    /** The largest header, in bytes (PROTOCOL.md §2). */
    public static final int MAX_HEADER_BYTES = 1 << 20;
    /** The largest payload, in bytes (PROTOCOL.md §2). */
    public static final long MAX_PAYLOAD_BYTES = 1L << 30;

    static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private FrameCodec() {}

    /** A frame that breaks a rule of PROTOCOL.md §2; the message names the rule. */
    public static final class BadFrameException extends Exception {
        public BadFrameException(String message) {
            super(message);
        }
    }

    /** Encodes a frame: prefix, header (with {@code segments} added when the payload is not empty), payload. */
    public static byte[] encode(Frame frame) {
        ObjectNode header = frame.header().deepCopy();
        if (!frame.segments().isEmpty()) {
            ArrayNode list = header.putArray("segments");
            frame.segments().forEach((name, bytes) -> list.addObject().put("name", name).put("bytes", bytes.length));
        }
        byte[] headerBytes;
        try {
            headerBytes = JSON.writeValueAsBytes(header);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        long payload = frame.payloadLength();
        if (headerBytes.length > MAX_HEADER_BYTES || payload > MAX_PAYLOAD_BYTES) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "frame too large for protocol v1: %d header bytes (max %d), %d payload bytes (max %d)",
                    headerBytes.length, MAX_HEADER_BYTES, payload, MAX_PAYLOAD_BYTES));
        }
        ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(PREFIX_BYTES + headerBytes.length + payload))
                .order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).putShort((short) VERSION).putShort((short) 0).putInt(headerBytes.length).putInt((int) payload);
        out.put(headerBytes);
        frame.segments().values().forEach(out::put);
        return out.array();
    }

    /** Writes one frame and flushes. */
    public static void write(OutputStream out, Frame frame) throws IOException {
        out.write(encode(frame));
        out.flush();
    }

    /**
     * Reads one frame.
     *
     * @return the frame, or {@code null} at the end of the stream before the first byte of a frame
     * @throws BadFrameException for a short frame (end of stream inside it) or any broken rule
     */
    public static Frame read(InputStream in) throws IOException, BadFrameException {
        byte[] prefix = new byte[PREFIX_BYTES];
        int got = in.readNBytes(prefix, 0, PREFIX_BYTES);
        if (got == 0) {
            return null;
        }
        if (got < PREFIX_BYTES) {
            throw new BadFrameException(String.format(Locale.ROOT,
                    "short frame: the stream ended after %d of the %d prefix bytes (%s)", got, PREFIX_BYTES,
                    hex(prefix, got)));
        }
        ByteBuffer p = ByteBuffer.wrap(prefix).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < MAGIC.length; i++) {
            if (prefix[i] != MAGIC[i]) {
                throw new BadFrameException("bad magic: the frame starts " + hex(prefix, PREFIX_BYTES)
                        + ", not 4c425046 ('LBPF')" + printable(prefix));
            }
        }
        int version = p.getShort(4) & 0xFFFF;
        int reserved = p.getShort(6) & 0xFFFF;
        long headerLength = p.getInt(8) & 0xFFFFFFFFL;
        long payloadLength = p.getInt(12) & 0xFFFFFFFFL;
        if (version != VERSION) {
            throw new BadFrameException("frame version " + version + ", this harness speaks " + VERSION);
        }
        if (reserved != 0) {
            throw new BadFrameException(String.format(Locale.ROOT, "reserved prefix bytes 6..7 are 0x%04x, must be 0", reserved));
        }
        if (headerLength < 2 || headerLength > MAX_HEADER_BYTES) {
            throw new BadFrameException("header length " + headerLength + " is outside 2.." + MAX_HEADER_BYTES);
        }
        if (payloadLength > MAX_PAYLOAD_BYTES) {
            throw new BadFrameException("payload length " + payloadLength + " is over the limit " + MAX_PAYLOAD_BYTES);
        }
        byte[] headerBytes = readFully(in, (int) headerLength, "header");
        ObjectNode header = parseHeader(headerBytes);
        Map<String, Long> lengths = segmentLengths(header, payloadLength);
        header.remove("segments");
        byte[] payload = readFully(in, (int) payloadLength, "payload");
        Map<String, byte[]> segments = new LinkedHashMap<>();
        int at = 0;
        for (Map.Entry<String, Long> e : lengths.entrySet()) {
            int n = Math.toIntExact(e.getValue());
            segments.put(e.getKey(), java.util.Arrays.copyOfRange(payload, at, at + n));
            at += n;
        }
        return new Frame(header, segments);
    }

    private static byte[] readFully(InputStream in, int n, String what) throws IOException, BadFrameException {
        // readNBytes(int) grows its buffer as bytes arrive, so a lying prefix cannot make us allocate 1 GiB
        byte[] b = in.readNBytes(n);
        if (b.length < n) {
            throw new BadFrameException(String.format(Locale.ROOT,
                    "short frame: the prefix announced a %d-byte %s, the stream ended after %d", n, what, b.length));
        }
        return b;
    }

    private static ObjectNode parseHeader(byte[] bytes) throws BadFrameException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new BadFrameException("the header is not UTF-8: " + e.getMessage());
        }
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new BadFrameException("the header is not JSON: " + e.getOriginalMessage() + " in "
                    + abbreviate(text));
        }
        if (node == null || !node.isObject()) {
            throw new BadFrameException("the header must be a JSON object, got " + abbreviate(text));
        }
        if (!node.path("type").isTextual()) {
            throw new BadFrameException("the header has no string 'type': " + abbreviate(text));
        }
        if (!node.path("id").canConvertToLong() || !node.path("id").isIntegralNumber()) {
            throw new BadFrameException("the header has no integer 'id': " + abbreviate(text));
        }
        return (ObjectNode) node;
    }

    private static Map<String, Long> segmentLengths(ObjectNode header, long payloadLength) throws BadFrameException {
        Map<String, Long> lengths = new LinkedHashMap<>();
        JsonNode list = header.get("segments");
        if (list == null || list.isNull()) {
            if (payloadLength != 0) {
                throw new BadFrameException("wrong payload length: the prefix announces " + payloadLength
                        + " payload bytes but the header lists no segments");
            }
            return lengths;
        }
        if (!list.isArray()) {
            throw new BadFrameException("the header's 'segments' must be an array");
        }
        Set<String> seen = new HashSet<>();
        long sum = 0;
        for (JsonNode s : list) {
            if (!s.path("name").isTextual() || !s.path("bytes").isIntegralNumber() || s.path("bytes").asLong() < 0) {
                throw new BadFrameException("a segment must be {\"name\": string, \"bytes\": integer ≥ 0}, got " + s);
            }
            String name = s.get("name").asText();
            if (!seen.add(name)) {
                throw new BadFrameException("segment '" + name + "' is listed twice");
            }
            long n = s.get("bytes").asLong();
            sum += n;
            lengths.put(name, n);
        }
        if (sum != payloadLength) {
            throw new BadFrameException(String.format(Locale.ROOT,
                    "wrong payload length: the segments %s add up to %d bytes, the prefix announces %d",
                    lengths, sum, payloadLength));
        }
        return lengths;
    }

    static String hex(byte[] b, int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append(String.format(Locale.ROOT, "%02x", b[i] & 0xFF));
        }
        return s.toString();
    }

    private static String printable(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (byte c : b) {
            s.append(c >= 0x20 && c < 0x7F ? (char) c : '.');
        }
        return " (text: \"" + s + "\")";
    }

    private static String abbreviate(String text) {
        String oneLine = text.replace('\n', ' ');
        return oneLine.length() <= 200 ? "'" + oneLine + "'" : "'" + oneLine.substring(0, 200) + "…'";
    }
}
