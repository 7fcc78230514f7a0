package org.lowbit.harness.process;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One message of the process protocol (PROTOCOL.md §2): a JSON header and the named binary segments of
 * its payload, in payload order. The header's {@code segments} array is derived from {@link #segments()}
 * when the frame is written and checked against the payload when it is read.
 *
 * @param header   the header object, without {@code segments}
 * @param segments segment name → bytes, in payload order
 */
public record Frame(ObjectNode header, Map<String, byte[]> segments) {

    public Frame {
        Objects.requireNonNull(header, "header");
        segments = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(segments));
    }

    /** The header's {@code type}, or an empty string when it has none. */
    public String type() {
        return header.path("type").asText("");
    }

    /** The payload length: the sum of the segment lengths. */
    public long payloadLength() {
        return segments.values().stream().mapToLong(b -> b.length).sum();
    }
}
