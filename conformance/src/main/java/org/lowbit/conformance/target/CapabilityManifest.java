package org.lowbit.conformance.target;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.lowbit.spec.SourceFormat;

/**
 * What a target claims to do: its name, a version string, and the list of claims. The JSON form is the
 * handshake of the process protocol and the {@code manifest.json} of a report:
 * <pre>
 * {"target": "my-kernel", "version": "1.2.0", "description": "...",
 *  "capabilities": [{"operation": "quantize", "format": "mxfp8_e4m3", "profile": "ocp-mx-1.0",
 *                    "precisions": ["f32", "bf16"], "elementLayouts": ["unpacked"], "scaleLayouts": ["row-major"]}]}
 * </pre>
 */
public record CapabilityManifest(String target, String version, String description, List<Capability> capabilities) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public CapabilityManifest {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(description, "description");
        capabilities = List.copyOf(capabilities);
    }

    /** The claim covering the operation on the format under the profile, if any. */
    public Optional<Capability> claim(Operation op, String formatId, String profileId) {
        return capabilities.stream().filter(c -> c.covers(op, formatId, profileId)).findFirst();
    }

    public boolean claims(Operation op, String formatId, String profileId) {
        return claim(op, formatId, profileId).isPresent();
    }

    /** The claims of one operation. */
    public List<Capability> claimsOf(Operation op) {
        return capabilities.stream().filter(c -> c.operation() == op).toList();
    }

    /** The canonical JSON text (sorted sets, 2-space indent). */
    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("target", target);
        root.put("version", version);
        root.put("description", description);
        ArrayNode caps = root.putArray("capabilities");
        for (Capability c : capabilities) {
            ObjectNode node = caps.addObject();
            node.put("operation", c.operation().id());
            node.put("format", c.format());
            node.put("profile", c.profile());
            ArrayNode precisions = node.putArray("precisions");
            c.precisions().stream().sorted(Comparator.comparing(SourceFormat::id)).forEach(s -> precisions.add(s.id()));
            ArrayNode elementLayouts = node.putArray("elementLayouts");
            new TreeSet<>(c.elementLayouts()).forEach(elementLayouts::add);
            ArrayNode scaleLayouts = node.putArray("scaleLayouts");
            new TreeSet<>(c.scaleLayouts()).forEach(scaleLayouts::add);
        }
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Parses the JSON form.
     *
     * @throws IllegalArgumentException naming the field that is missing or wrong
     */
    public static CapabilityManifest fromJson(String text) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("capability manifest is not JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("capability manifest must be a JSON object");
        }
        String target = requiredText(root, "target", "manifest");
        String version = root.hasNonNull("version") ? root.get("version").asText() : "unknown";
        String description = root.hasNonNull("description") ? root.get("description").asText() : "";
        JsonNode caps = root.get("capabilities");
        if (caps == null || !caps.isArray()) {
            throw new IllegalArgumentException("capability manifest: 'capabilities' must be an array");
        }
        List<Capability> list = new ArrayList<>();
        for (int i = 0; i < caps.size(); i++) {
            JsonNode c = caps.get(i);
            String where = "capabilities[" + i + "]";
            if (!c.isObject()) {
                throw new IllegalArgumentException("capability manifest: " + where + " must be an object");
            }
            Operation op;
            try {
                op = Operation.byId(requiredText(c, "operation", where));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("capability manifest: " + where + ": " + e.getMessage(), e);
            }
            String format = requiredText(c, "format", where);
            String profile = c.hasNonNull("profile") ? c.get("profile").asText() : Capability.NO_PROFILE;
            Set<SourceFormat> precisions = new LinkedHashSet<>();
            for (String id : textArray(c, "precisions", where)) {
                try {
                    precisions.add(SourceFormat.byId(id));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("capability manifest: " + where + ".precisions: " + e.getMessage(), e);
                }
            }
            list.add(new Capability(op, format, profile, precisions, new LinkedHashSet<>(textArray(c, "elementLayouts", where)),
                    new LinkedHashSet<>(textArray(c, "scaleLayouts", where))));
        }
        return new CapabilityManifest(target, version, description, list);
    }

    private static String requiredText(JsonNode node, String field, String where) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw new IllegalArgumentException("capability manifest: " + where + " needs a non-empty string '" + field + "'");
        }
        return v.asText();
    }

    private static List<String> textArray(JsonNode node, String field, String where) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw new IllegalArgumentException("capability manifest: " + where + "." + field + " must be an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : v) {
            if (!e.isTextual()) {
                throw new IllegalArgumentException("capability manifest: " + where + "." + field + " must be an array of strings");
            }
            out.add(e.asText());
        }
        return out;
    }
}
