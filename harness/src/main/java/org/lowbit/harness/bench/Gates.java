package org.lowbit.harness.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The versioned gates file ({@code harness/bench/gates.json}): minimum ratios of a benchmark's bandwidth to
 * the same-run copy baseline.
 * <pre>
 * {"version": 1, "gates": [{"benchmark": "quantize f32->mxfp8_e4m3", "threads": 1, "minRatioToCopy": 0.6}]}
 * </pre>
 */
public record Gates(int version, List<Gate> gates) {

    /** One gate: the benchmark's name, its thread count, and the least ratio to copy that passes. */
    public record Gate(String benchmark, int threads, double minRatioToCopy) {}

    /**
     * Reads a gates file.
     *
     * @throws IllegalArgumentException naming the file and the field that is missing or wrong
     */
    public static Gates read(Path file) throws IOException {
        return parse(Files.readString(file), file.toString());
    }

    /** The gates shipped in the jar: {@code org/lowbit/harness/bench/gates.json}. */
    public static Gates builtIn() throws IOException {
        try (var in = Gates.class.getResourceAsStream("gates.json")) {
            if (in == null) {
                throw new IOException("the built-in gates file org/lowbit/harness/bench/gates.json is missing from the jar");
            }
            return parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8), "built-in gates.json");
        }
    }

    /**
     * Parses gates text; {@code file} names it in errors.
     *
     * @throws IllegalArgumentException naming the file and the field that is missing or wrong
     */
    public static Gates parse(String text, String file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(file + " is not JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.path("version").isInt() || !root.path("gates").isArray()) {
            throw new IllegalArgumentException(file + ": needs an integer 'version' and an array 'gates'");
        }
        List<Gate> gates = new ArrayList<>();
        for (int i = 0; i < root.get("gates").size(); i++) {
            JsonNode g = root.get("gates").get(i);
            if (!g.path("benchmark").isTextual() || !g.path("threads").isInt() || !g.path("minRatioToCopy").isNumber()) {
                throw new IllegalArgumentException(file + ": gates[" + i
                        + "] needs 'benchmark' (string), 'threads' (integer) and 'minRatioToCopy' (number)");
            }
            gates.add(new Gate(g.get("benchmark").asText(), g.get("threads").asInt(), g.get("minRatioToCopy").asDouble()));
        }
        return new Gates(root.get("version").asInt(), gates);
    }
}
