package org.lowbit.conformance.run;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Counts per {@link Outcome} for every cell target × operation × format × profile. Its JSON form
 * ({@code matrix.json}, schema {@code lowbit-matrix-v1}) is what {@code lowbit conform merge} merges:
 * <pre>
 * {"schema": "lowbit-matrix-v1", "suiteVersion": "0.2.0", "shard": "1/1",
 *  "cells": [{"target": "reference", "operation": "encode", "format": "fp8_e4m3", "profile": "ocp",
 *             "counts": {"PASS": 9270, "FAIL": 0, "ACCEPTABLE_VARIANT": 0, "NOT_SUPPORTED": 0,
 *                        "CRASH": 0, "TIMEOUT": 0, "WAIVED": 0}}]}
 * </pre>
 * Every field is required and no other field is allowed; {@link #parse} refuses anything else.
 */
public final class ResultMatrix {

    /** The value of the {@code schema} field. */
    public static final String SCHEMA = "lowbit-matrix-v1";

    private static final Set<String> TOP_FIELDS = Set.of("schema", "suiteVersion", "shard", "cells");
    private static final Set<String> CELL_FIELDS = Set.of("target", "operation", "format", "profile", "counts");

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final SortedMap<MatrixKey, EnumMap<Outcome, Long>> cells = new TreeMap<>();

    /**
     * Adds {@code count} cases with {@code outcome} to the cell.
     *
     * @throws IllegalArgumentException for a negative count
     */
    public synchronized void add(MatrixKey key, Outcome outcome, long count) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(outcome, "outcome");
        if (count < 0) {
            throw new IllegalArgumentException("negative count " + count + " for " + outcome + " in " + key);
        }
        cells.computeIfAbsent(key, k -> zeros()).merge(outcome, count, Math::addExact);
    }

    /** A copy of the cells, sorted; each map holds every outcome (zero where none). */
    public synchronized SortedMap<MatrixKey, Map<Outcome, Long>> cells() {
        SortedMap<MatrixKey, Map<Outcome, Long>> copy = new TreeMap<>();
        cells.forEach((k, v) -> copy.put(k, Map.copyOf(v)));
        return copy;
    }

    /** Whether the matrix has no cell at all (nothing ran). */
    public synchronized boolean isEmpty() {
        return cells.isEmpty();
    }

    /** The number of cases with {@code outcome}, over every cell. */
    public synchronized long total(Outcome outcome) {
        return cells.values().stream().mapToLong(c -> c.get(outcome)).reduce(0, Math::addExact);
    }

    /** No FAIL, CRASH or TIMEOUT in any cell. */
    public synchronized boolean passed() {
        return cells.values().stream().noneMatch(ResultMatrix::fails);
    }

    /** The JSON form above, canonical (cells sorted, outcomes in {@link Outcome} order, 2-space indent, final newline). */
    public String toJson(String suiteVersion, Shard shard) {
        Objects.requireNonNull(suiteVersion, "suiteVersion");
        Objects.requireNonNull(shard, "shard");
        ObjectNode root = JSON.createObjectNode();
        root.put("schema", SCHEMA);
        root.put("suiteVersion", suiteVersion);
        root.put("shard", shard.toString());
        ArrayNode array = root.putArray("cells");
        cells().forEach((key, counts) -> {
            ObjectNode cell = array.addObject();
            cell.put("target", key.target());
            cell.put("operation", key.operation());
            cell.put("format", key.format());
            cell.put("profile", key.profile());
            ObjectNode countNode = cell.putObject("counts");
            for (Outcome o : Outcome.values()) {
                countNode.put(o.name(), counts.get(o));
            }
        });
        DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
                .withSeparators(Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER))
                .withObjectIndenter(indenter)
                .withArrayIndenter(indenter);
        try {
            return JSON.writer(printer).writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A Markdown table: one row per cell (target, operation, format, profile), a column per outcome and a
     * result column, then a last line that says PASS or FAIL with the totals.
     */
    public String toMarkdown() {
        SortedMap<MatrixKey, Map<Outcome, Long>> snapshot = cells();
        StringBuilder md = new StringBuilder("| target | operation | format | profile |");
        for (Outcome o : Outcome.values()) {
            md.append(' ').append(o.name()).append(" |");
        }
        md.append(" result |\n|---|---|---|---|");
        md.append("---:|".repeat(Outcome.values().length)).append("---|\n");
        int failedCells = 0;
        EnumMap<Outcome, Long> totals = zeros();
        for (Map.Entry<MatrixKey, Map<Outcome, Long>> e : snapshot.entrySet()) {
            MatrixKey k = e.getKey();
            md.append("| ").append(cellText(k.target())).append(" | ").append(cellText(k.operation()))
              .append(" | ").append(cellText(k.format())).append(" | ").append(cellText(k.profile())).append(" |");
            for (Outcome o : Outcome.values()) {
                long n = e.getValue().get(o);
                totals.merge(o, n, Math::addExact);
                md.append(' ').append(n).append(" |");
            }
            boolean fails = fails(e.getValue());
            failedCells += fails ? 1 : 0;
            md.append(fails ? " **FAIL** |\n" : " PASS |\n");
        }
        long cases = totals.values().stream().mapToLong(Long::longValue).sum();
        md.append('\n');
        if (snapshot.isEmpty()) {
            md.append("**FAIL**: no case ran.\n");
        } else if (failedCells > 0) {
            md.append("**FAIL**: ").append(failedCells).append(" of ").append(snapshot.size()).append(" cells failed; ")
              .append(cases).append(" cases: ").append(summary(totals)).append(".\n");
        } else {
            md.append("**PASS**: ").append(snapshot.size()).append(" cells, ").append(cases).append(" cases: ")
              .append(summary(totals)).append(".\n");
        }
        return md.toString();
    }

    /**
     * Parses the JSON form.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static ResultMatrix fromJson(String json) {
        return parse(json).matrix();
    }

    /** A parsed {@code matrix.json}: the matrix with the suite version and shard it was written with. */
    public record Parsed(String suiteVersion, Shard shard, ResultMatrix matrix) {
        public Parsed {
            Objects.requireNonNull(suiteVersion, "suiteVersion");
            Objects.requireNonNull(shard, "shard");
            Objects.requireNonNull(matrix, "matrix");
        }
    }

    /**
     * Parses the JSON form strictly: the schema id, every field and no other, counts whole numbers ≥ 0,
     * no cell twice.
     *
     * @throws IllegalArgumentException naming what is wrong and where
     */
    public static Parsed parse(String json) {
        Objects.requireNonNull(json, "json");
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()
                       + ", column " + e.getLocation().getColumnNr()), e);
        }
        if (root == null || root.isMissingNode()) {
            throw new IllegalArgumentException("empty: a result matrix is a JSON object");
        }
        if (!root.isObject()) {
            throw new IllegalArgumentException("a result matrix is a JSON object, not " + kind(root));
        }
        onlyFields(root, TOP_FIELDS, "the top level");
        String schema = text(root, "schema", "the top level");
        if (!schema.equals(SCHEMA)) {
            throw new IllegalArgumentException("schema is '" + schema + "', expected '" + SCHEMA + "'");
        }
        String suiteVersion = text(root, "suiteVersion", "the top level");
        Shard shard;
        try {
            shard = Shard.parse(text(root, "shard", "the top level"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("field 'shard': " + e.getMessage(), e);
        }
        JsonNode cellArray = root.get("cells");
        if (cellArray == null || !cellArray.isArray()) {
            throw new IllegalArgumentException("field 'cells' must be an array, is " + kind(cellArray));
        }
        ResultMatrix matrix = new ResultMatrix();
        for (int i = 0; i < cellArray.size(); i++) {
            JsonNode cell = cellArray.get(i);
            String where = "cells[" + i + "]";
            if (!cell.isObject()) {
                throw new IllegalArgumentException(where + " must be an object, is " + kind(cell));
            }
            onlyFields(cell, CELL_FIELDS, where);
            MatrixKey key = new MatrixKey(text(cell, "target", where), text(cell, "operation", where),
                    text(cell, "format", where), text(cell, "profile", where));
            if (matrix.cells.containsKey(key)) {
                throw new IllegalArgumentException(where + " repeats the cell " + describe(key));
            }
            JsonNode counts = cell.get("counts");
            if (counts == null || !counts.isObject()) {
                throw new IllegalArgumentException(where + ".counts must be an object, is " + kind(counts));
            }
            Set<String> outcomeNames = new java.util.LinkedHashSet<>();
            for (Outcome o : Outcome.values()) {
                outcomeNames.add(o.name());
            }
            onlyFields(counts, outcomeNames, where + ".counts");
            EnumMap<Outcome, Long> parsed = zeros();
            for (Outcome o : Outcome.values()) {
                JsonNode n = counts.get(o.name());
                String field = where + ".counts." + o.name();
                if (n == null) {
                    throw new IllegalArgumentException(field + " is missing");
                }
                if (!n.isIntegralNumber() || !n.canConvertToLong()) {
                    throw new IllegalArgumentException(field + " must be a whole number, is " + n);
                }
                if (n.longValue() < 0) {
                    throw new IllegalArgumentException(field + " is negative: " + n.longValue());
                }
                parsed.put(o, n.longValue());
            }
            matrix.cells.put(key, parsed);
        }
        return new Parsed(suiteVersion, shard, matrix);
    }

    /** The sum of several matrices (the shards of one run, or runs of several targets). */
    public static ResultMatrix merge(List<ResultMatrix> parts) {
        ResultMatrix sum = new ResultMatrix();
        for (ResultMatrix part : parts) {
            part.cells().forEach((key, counts) -> counts.forEach((outcome, n) -> sum.add(key, outcome, n)));
        }
        return sum;
    }

    private static boolean fails(Map<Outcome, Long> counts) {
        return counts.entrySet().stream().anyMatch(e -> e.getKey().failsRun() && e.getValue() > 0);
    }

    private static String summary(Map<Outcome, Long> totals) {
        List<String> parts = new ArrayList<>();
        for (Outcome o : Outcome.values()) {
            if (totals.get(o) > 0) {
                parts.add(o.name() + " " + totals.get(o));
            }
        }
        return parts.isEmpty() ? "none" : String.join(", ", parts);
    }

    /** A Markdown table cell: pipes escaped, line breaks removed (a process target's name may hold anything). */
    private static String cellText(String s) {
        return s.replace("\\", "\\\\").replace("|", "\\|").replaceAll("\\R", " ");
    }

    private static String describe(MatrixKey k) {
        return k.target() + " × " + k.operation() + " × " + k.format() + " × " + k.profile();
    }

    private static void onlyFields(JsonNode node, Set<String> allowed, String where) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!allowed.contains(name)) {
                throw new IllegalArgumentException(where + " has an unknown field '" + name + "'; allowed: "
                        + String.join(", ", allowed.stream().sorted().toList()));
            }
        }
    }

    private static String text(JsonNode node, String field, String where) {
        JsonNode v = node.get(field);
        if (v == null) {
            throw new IllegalArgumentException(where + " lacks the field '" + field + "'");
        }
        if (!v.isTextual() || v.asText().isEmpty()) {
            throw new IllegalArgumentException(where + ": field '" + field + "' must be a non-empty string, is " + v);
        }
        return v.asText();
    }

    private static String kind(JsonNode n) {
        return n == null ? "missing" : n.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    }

    private static EnumMap<Outcome, Long> zeros() {
        EnumMap<Outcome, Long> m = new EnumMap<>(Outcome.class);
        for (Outcome o : Outcome.values()) {
            m.put(o, 0L);
        }
        return m;
    }
}
