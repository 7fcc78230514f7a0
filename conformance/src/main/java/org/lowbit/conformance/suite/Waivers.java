package org.lowbit.conformance.suite;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Known failures that a run reports as WAIVED instead of FAIL, each with a reason and an expiry date. The file
 * is a JSON array: {@code [{"case": "<glob over case ids>", "reason": "...", "expires": "YYYY-MM-DD"}]}.
 * A waiver is good through its expiry day; after it, the cases it matches fail again and the waiver itself is
 * reported as a FAIL saying that it expired.
 */
public final class Waivers {

    /** One waiver. */
    public record Waiver(String caseGlob, String reason, LocalDate expires, Pattern pattern) {
        public boolean expiredOn(LocalDate today) {
            return today.isAfter(expires);
        }
    }

    private final List<Waiver> waivers;

    private Waivers(List<Waiver> waivers) {
        this.waivers = List.copyOf(waivers);
    }

    public static final Waivers NONE = new Waivers(List.of());

    public List<Waiver> all() { return waivers; }

    /** The first waiver whose glob matches the case, if any. */
    public Optional<Waiver> find(String caseId) {
        return waivers.stream().filter(w -> w.pattern().matcher(caseId).matches()).findFirst();
    }

    /**
     * Reads a waivers file.
     *
     * @throws IllegalArgumentException naming the file and what is wrong with it
     */
    public static Waivers read(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readString(file));
        } catch (IOException e) {
            throw new IllegalArgumentException("waivers file " + file + ": cannot be read: " + e.getMessage(), e);
        }
        if (root == null || !root.isArray()) {
            throw new IllegalArgumentException("waivers file " + file + ": must be a JSON array of"
                                               + " {\"case\", \"reason\", \"expires\"} objects");
        }
        List<Waiver> list = new ArrayList<>();
        for (int i = 0; i < root.size(); i++) {
            JsonNode w = root.get(i);
            String where = "waivers file " + file + ", entry " + i;
            String glob = text(w, "case", where);
            String reason = text(w, "reason", where);
            String expires = text(w, "expires", where);
            LocalDate date;
            try {
                date = LocalDate.parse(expires);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(where + ": expires '" + expires + "' is not a YYYY-MM-DD date", e);
            }
            list.add(new Waiver(glob, reason, date, CaseFilter.glob(glob)));
        }
        return new Waivers(list);
    }

    private static String text(JsonNode node, String field, String where) {
        JsonNode v = node == null ? null : node.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new IllegalArgumentException(where + ": needs a non-empty string '" + field + "'");
        }
        return v.asText();
    }
}
