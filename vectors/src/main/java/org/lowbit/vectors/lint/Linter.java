package org.lowbit.vectors.lint;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.commons.codec.digest.DigestUtils;
import org.lowbit.vectors.TestCase;
import org.lowbit.vectors.TextTwin;
import org.lowbit.vectors.VectorFile;
import org.lowbit.vectors.VectorFormatException;
import org.lowbit.vectors.VectorJsonReader;
import org.lowbit.vectors.VectorJsonWriter;
import org.lowbit.vectors.VectorSets;

/**
 * Checks a vector set on disk (conformance-anchors.md lesson A.7, Wycheproof's {@code vectorgen lint}):
 * <ul>
 *   <li>the manifest reads, and SHA256SUMS agrees with it; every file on disk is listed, and every listed
 *       file is there with the listed size and SHA-256;</li>
 *   <li>every JSON file is valid against the JSON Schema and reads strictly (schema id, suite version, fields,
 *       hex, numberOfTests, unique tcIds);</li>
 *   <li>tcIds run 1..n in file order; every flag has a note and every note is used;</li>
 *   <li>every file is in canonical form, and its text twin is what the JSON file implies.</li>
 * </ul>
 */
public final class Linter {
    /** One problem: the file (relative path) and what is wrong. */
    public record Problem(String file, String message) {
        @Override
        public String toString() {
            return file + ": " + message;
        }
    }

    /** The outcome: the problems, and what was checked. */
    public record Report(List<Problem> problems, int files, long tests) {
        public boolean ok() {
            return problems.isEmpty();
        }
    }

    private static final int MAX_SCHEMA_ERRORS_PER_FILE = 5;

    private final SchemaValidator schema;

    public Linter() {
        this.schema = SchemaValidator.v1();
    }

    public Report lint(Path dir) throws IOException {
        List<Problem> problems = new ArrayList<>();
        VectorSets.Manifest manifest;
        try {
            manifest = VectorSets.readManifest(dir);
        } catch (VectorFormatException e) {
            problems.add(new Problem(VectorSets.MANIFEST, e.getMessage()));
            return new Report(problems, 0, 0);
        }
        checkSums(dir, manifest, problems);
        checkListing(dir, manifest, problems);
        long tests = 0;
        Map<String, VectorFile> parsed = new TreeMap<>();
        Map<String, byte[]> twins = new TreeMap<>();
        for (VectorSets.Entry e : manifest.files()) {
            byte[] bytes;
            try {
                bytes = VectorSets.readChecked(dir, e);
            } catch (VectorFormatException ex) {
                problems.add(new Problem(e.path(), ex.getMessage()));
                continue;
            }
            if (e.path().endsWith(".txt")) {
                twins.put(e.path(), bytes);
                continue;
            }
            if (!e.path().endsWith(".json")) {
                problems.add(new Problem(e.path(), "neither a .json vector file nor a .txt text twin"));
                continue;
            }
            String text = new String(bytes, StandardCharsets.UTF_8);
            List<String> violations = schema.validate(text);
            for (int i = 0; i < Math.min(violations.size(), MAX_SCHEMA_ERRORS_PER_FILE); i++) {
                problems.add(new Problem(e.path(), "schema: " + violations.get(i)));
            }
            if (violations.size() > MAX_SCHEMA_ERRORS_PER_FILE) {
                problems.add(new Problem(e.path(), "schema: ... and " + (violations.size()
                                                                         - MAX_SCHEMA_ERRORS_PER_FILE) + " more"));
            }
            VectorFile file;
            try {
                file = VectorJsonReader.read(e.path(), bytes);
            } catch (VectorFormatException ex) {
                problems.add(new Problem(e.path(), ex.getMessage()));
                continue;
            }
            parsed.put(e.path(), file);
            tests += file.numberOfTests();
            if (file.numberOfTests() != e.numberOfTests()) {
                problems.add(new Problem(e.path(), String.format(Locale.ROOT,
                        "numberOfTests is %d, the manifest says %d", file.numberOfTests(), e.numberOfTests())));
            }
            checkFile(e.path(), file, bytes, problems);
        }
        for (Map.Entry<String, VectorFile> p : parsed.entrySet()) {
            String twin = p.getKey().substring(0, p.getKey().length() - ".json".length()) + ".txt";
            byte[] actual = twins.get(twin);
            if (actual == null) {
                problems.add(new Problem(p.getKey(), "its text twin " + twin + " is not listed in the manifest"));
            } else if (!java.util.Arrays.equals(actual, TextTwin.bytes(p.getValue()))) {
                problems.add(new Problem(twin, "does not match its JSON file (regenerate the set)"));
            }
        }
        return new Report(problems, manifest.files().size(), tests);
    }

    private static void checkFile(String path, VectorFile file, byte[] bytes, List<Problem> problems) {
        int expectedId = 1;
        Set<String> used = new TreeSet<>();
        for (TestCase t : file.tests()) {
            if (t.tcId() != expectedId) {
                problems.add(new Problem(path, String.format(Locale.ROOT,
                        "tcIds must run 1..n in file order: found %d where %d belongs", t.tcId(), expectedId)));
                break;
            }
            expectedId++;
        }
        for (TestCase t : file.tests()) {
            for (String flag : t.flags()) {
                used.add(flag);
                if (!file.notes().containsKey(flag)) {
                    problems.add(new Problem(path, String.format(Locale.ROOT, "tcId %d: flag %s has no note", t.tcId(),
                            flag)));
                }
            }
        }
        for (String note : file.notes().keySet()) {
            if (!used.contains(note)) {
                problems.add(new Problem(path, "note " + note + " is not used by any test"));
            }
        }
        byte[] canonical;
        try {
            canonical = VectorJsonWriter.bytes(file);
        } catch (IllegalArgumentException e) {
            problems.add(new Problem(path, "cannot be written canonically: " + e.getMessage()));
            return;
        }
        if (!java.util.Arrays.equals(canonical, bytes)) {
            problems.add(new Problem(path, "not in canonical form (key order, indentation, one test per line, ASCII,"
                                           + " final newline): regenerate the set"));
        }
    }

    private static void checkSums(Path dir, VectorSets.Manifest manifest, List<Problem> problems) throws IOException {
        Path sums = dir.resolve(VectorSets.SUMS);
        if (!Files.exists(sums)) {
            problems.add(new Problem(VectorSets.SUMS, "missing"));
            return;
        }
        Map<String, String> listed = new TreeMap<>();
        for (String line : Files.readAllLines(sums, StandardCharsets.US_ASCII)) {
            if (!line.matches("[0-9a-f]{64}  \\S+")) {
                problems.add(new Problem(VectorSets.SUMS, "malformed line: " + line));
                continue;
            }
            listed.put(line.substring(66), line.substring(0, 64));
        }
        Map<String, String> expected = new TreeMap<>();
        manifest.files().forEach(e -> expected.put(e.path(), e.sha256()));
        expected.put(VectorSets.MANIFEST, DigestUtils.sha256Hex(Files.readAllBytes(dir.resolve(VectorSets.MANIFEST))));
        if (!listed.equals(expected)) {
            Set<String> all = new TreeSet<>(listed.keySet());
            all.addAll(expected.keySet());
            for (String p : all) {
                if (!expected.containsKey(p)) {
                    problems.add(new Problem(VectorSets.SUMS, p + " is listed but not in the manifest"));
                } else if (!listed.containsKey(p)) {
                    problems.add(new Problem(VectorSets.SUMS, p + " is missing"));
                } else if (!listed.get(p).equals(expected.get(p))) {
                    problems.add(new Problem(VectorSets.SUMS, p + ": its checksum differs from "
                            + (p.equals(VectorSets.MANIFEST) ? "the manifest file's" : "the manifest's")));
                }
            }
        }
    }

    private static void checkListing(Path dir, VectorSets.Manifest manifest, List<Problem> problems) throws IOException {
        Set<String> listed = new HashSet<>();
        manifest.files().forEach(e -> listed.add(e.path()));
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
                String rel = dir.relativize(p).toString().replace('\\', '/');
                if (!rel.equals(VectorSets.MANIFEST) && !rel.equals(VectorSets.SUMS) && !listed.contains(rel)) {
                    problems.add(new Problem(rel, "is not listed in the manifest"));
                }
            }
        }
    }
}
