package org.lowbit.vectors;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.commons.codec.digest.DigestUtils;

/**
 * A vector set on disk (FORMAT.md §7): the vector files and their text twins under a directory, a
 * {@code manifest.json} with every file's path, SHA-256, size and number of tests, and a
 * {@code SHA256SUMS} in the format of coreutils {@code sha256sum -c}.
 *
 * <pre>{@code
 * VectorSets.write(dir, Level.ONE, files);           // files: relative path -> VectorFile
 * SortedMap<String, VectorFile> back = VectorSets.read(dir);  // checksums checked, files parsed strictly
 * }</pre>
 */
public final class VectorSets {
    private VectorSets() {}

    public static final String MANIFEST = "manifest.json";
    public static final String SUMS = "SHA256SUMS";
    public static final String MANIFEST_SCHEMA = "lowbit-vectors-manifest-v1";

    /**
     * One file of the set.
     *
     * @param path          relative, with '/' separators, e.g. {@code encode/encode_fp8_e4m3_ocp.json}
     * @param sha256        64 lowercase hex digits
     * @param bytes         the file's size
     * @param numberOfTests the tests it holds (a text twin: those of its JSON file)
     */
    public record Entry(String path, String sha256, long bytes, int numberOfTests) {
        public Entry {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(sha256, "sha256");
        }
    }

    /** The manifest: the suite version, the level, and the files sorted by path. */
    public record Manifest(String suiteVersion, Level level, List<Entry> files) {
        public Manifest {
            files = List.copyOf(files);
        }

        /** The tests of the JSON files (text twins repeat them and are not counted). */
        public long numberOfTests() {
            return files.stream().filter(e -> e.path().endsWith(".json")).mapToLong(Entry::numberOfTests).sum();
        }

        /** The bytes of every file, the manifest and SHA256SUMS excluded. */
        public long bytes() {
            return files.stream().mapToLong(Entry::bytes).sum();
        }
    }

    /**
     * Writes a vector set: each file as {@code path} (JSON) and its twin ({@code .txt}), then the manifest and
     * SHA256SUMS. If {@code dir} already holds a set (a manifest), the files that manifest lists are removed
     * first, so files of formats no longer generated do not linger; a non-empty directory without a manifest
     * is refused.
     *
     * @param files relative path of each JSON file (ending in {@code .json}) → file
     * @throws IOException on I/O errors, or when {@code dir} is a non-empty directory that holds no vector set
     */
    public static Manifest write(Path dir, Level level, Map<String, VectorFile> files) throws IOException {
        Writer w = writer(dir, level);
        for (Map.Entry<String, VectorFile> e : files.entrySet()) {
            w.add(e.getKey(), e.getValue());
        }
        return w.finish();
    }

    /** A writer that takes the files one at a time, so that a large set never sits in memory whole. */
    public static Writer writer(Path dir, Level level) throws IOException {
        prepare(dir);
        return new Writer(dir, level);
    }

    /** Writes files as they come; {@link #finish()} writes the manifest and SHA256SUMS. */
    public static final class Writer {
        private final Path dir;
        private final Level level;
        private final SortedMap<String, Entry> entries = new TreeMap<>();

        private Writer(Path dir, Level level) {
            this.dir = dir;
            this.level = level;
        }

        /** Writes one vector file and its text twin. */
        public void add(String path, VectorFile file) throws IOException {
            if (!path.endsWith(".json") || path.startsWith("/") || path.contains("..") || path.contains("\\")) {
                throw new IllegalArgumentException("a vector file's path must be relative and end in .json: " + path);
            }
            if (file.level() != level) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "%s is level %s, the set level %s",
                        path, file.level(), level));
            }
            if (entries.containsKey(path)) {
                throw new IllegalArgumentException(path + " is written twice");
            }
            String twin = path.substring(0, path.length() - ".json".length()) + ".txt";
            put(path, VectorJsonWriter.bytes(file), file.numberOfTests());
            put(twin, TextTwin.bytes(file), file.numberOfTests());
        }

        private void put(String path, byte[] bytes, int tests) throws IOException {
            Path target = dir.resolve(path);
            Files.createDirectories(target.getParent());
            Files.write(target, bytes);
            entries.put(path, new Entry(path, DigestUtils.sha256Hex(bytes), bytes.length, tests));
        }

        /** Writes the manifest and SHA256SUMS; returns the manifest. */
        public Manifest finish() throws IOException {
            Manifest manifest = new Manifest(VectorFile.SUITE_VERSION, level, new ArrayList<>(entries.values()));
            byte[] manifestBytes = manifestJson(manifest).getBytes(StandardCharsets.US_ASCII);
            Files.write(dir.resolve(MANIFEST), manifestBytes);
            SortedMap<String, String> sums = new TreeMap<>();
            entries.values().forEach(e -> sums.put(e.path(), e.sha256()));
            sums.put(MANIFEST, DigestUtils.sha256Hex(manifestBytes));
            StringBuilder s = new StringBuilder();
            sums.forEach((path, sha) -> s.append(sha).append("  ").append(path).append('\n'));
            Files.write(dir.resolve(SUMS), s.toString().getBytes(StandardCharsets.US_ASCII));
            return manifest;
        }
    }

    private static void prepare(Path dir) throws IOException {
        if (Files.isDirectory(dir.resolve(MANIFEST))) {
            throw new IOException(dir.resolve(MANIFEST) + " is a directory");
        }
        if (Files.exists(dir.resolve(MANIFEST))) {
            Manifest old;
            try {
                old = readManifest(dir);
            } catch (VectorFormatException e) {
                throw new IOException("refusing to overwrite " + dir + ": its manifest cannot be read: " + e.getMessage(), e);
            }
            for (Entry e : old.files()) {
                Files.deleteIfExists(dir.resolve(e.path()));
            }
            Files.deleteIfExists(dir.resolve(MANIFEST));
            Files.deleteIfExists(dir.resolve(SUMS));
            return;
        }
        if (Files.isDirectory(dir)) {
            try (var listing = Files.list(dir)) {
                if (listing.findAny().isPresent()) {
                    throw new IOException("refusing to write into " + dir + ": it is not empty and holds no vector set"
                                          + " (no " + MANIFEST + ")");
                }
            }
        }
        Files.createDirectories(dir);
    }

    /** The manifest's canonical JSON. */
    static String manifestJson(Manifest m) {
        StringBuilder s = new StringBuilder();
        s.append("{\n");
        s.append("  \"schema\": ").append(VectorJsonWriter.str(MANIFEST_SCHEMA)).append(",\n");
        s.append("  \"suiteVersion\": ").append(VectorJsonWriter.str(m.suiteVersion())).append(",\n");
        s.append("  \"vectorSchema\": ").append(VectorJsonWriter.str(VectorFile.SCHEMA)).append(",\n");
        s.append("  \"level\": ").append(VectorJsonWriter.str(m.level().id())).append(",\n");
        s.append("  \"numberOfFiles\": ").append(m.files().size()).append(",\n");
        s.append("  \"numberOfTests\": ").append(m.numberOfTests()).append(",\n");
        s.append("  \"files\": [");
        for (int i = 0; i < m.files().size(); i++) {
            Entry e = m.files().get(i);
            s.append(i == 0 ? "\n" : ",\n");
            s.append("    {\"path\": ").append(VectorJsonWriter.str(e.path()))
             .append(", \"sha256\": ").append(VectorJsonWriter.str(e.sha256()))
             .append(", \"bytes\": ").append(e.bytes())
             .append(", \"numberOfTests\": ").append(e.numberOfTests()).append("}");
        }
        s.append(m.files().isEmpty() ? "]\n" : "\n  ]\n");
        s.append("}\n");
        return s.toString();
    }

    /**
     * Reads and checks {@code dir/manifest.json}: its schema id, suite version, fields and counts.
     *
     * @throws VectorFormatException naming the manifest and the problem
     */
    public static Manifest readManifest(Path dir) throws VectorFormatException {
        Path path = dir.resolve(MANIFEST);
        String name = path.toString();
        byte[] bytes = readBytes(path, name);
        JsonNode root = VectorJsonReader.tree(name, bytes);
        try {
            VectorJsonReader.Fields f = new VectorJsonReader.Fields("manifest", root);
            String schema = f.string("schema");
            if (!schema.equals(MANIFEST_SCHEMA)) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "wrong schema id '%s': this reader reads '%s' manifests", schema, MANIFEST_SCHEMA));
            }
            String version = f.string("suiteVersion");
            if (!version.matches("[0-9]+\\.[0-9]+\\.[0-9]+")
                || !version.substring(0, version.indexOf('.')).equals(VectorJsonReader.SUPPORTED_MAJOR)) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "wrong suite version %s: this reader reads version %s.x.y sets", version,
                        VectorJsonReader.SUPPORTED_MAJOR));
            }
            String vectorSchema = f.string("vectorSchema");
            if (!vectorSchema.equals(VectorFile.SCHEMA)) {
                throw new IllegalArgumentException("wrong vectorSchema '" + vectorSchema + "': expected " + VectorFile.SCHEMA);
            }
            Level level = f.value("level", Level::byId);
            int numberOfFiles = f.integer("numberOfFiles");
            long numberOfTests = f.required("numberOfTests").asLong();
            List<Entry> entries = new ArrayList<>();
            int i = 0;
            String previous = "";
            for (JsonNode n : f.array("files")) {
                VectorJsonReader.Fields e = new VectorJsonReader.Fields("files[" + i++ + "]", n);
                String p = e.string("path");
                String sha = e.string("sha256");
                if (!sha.matches("[0-9a-f]{64}")) {
                    throw new IllegalArgumentException(e.where() + ": sha256 '" + sha + "' is not 64 lowercase hex digits");
                }
                if (p.compareTo(previous) <= 0) {
                    throw new IllegalArgumentException(e.where() + ": path '" + p + "' is out of order or repeated");
                }
                if (p.startsWith("/") || p.contains("..") || p.contains("\\")) {
                    throw new IllegalArgumentException(e.where() + ": path '" + p + "' must be relative, inside the set");
                }
                previous = p;
                entries.add(new Entry(p, sha, e.required("bytes").asLong(), e.integer("numberOfTests")));
                e.done();
            }
            f.done();
            Manifest m = new Manifest(version, level, entries);
            if (numberOfFiles != entries.size()) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "numberOfFiles is %d, but %d files are listed", numberOfFiles, entries.size()));
            }
            if (numberOfTests != m.numberOfTests()) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "numberOfTests is %d, but the listed JSON files hold %d", numberOfTests, m.numberOfTests()));
            }
            return m;
        } catch (IllegalArgumentException e) {
            throw new VectorFormatException(name + ": " + e.getMessage(), e);
        }
    }

    /**
     * The bytes of one listed file, after checking its size and SHA-256 against the manifest.
     *
     * @throws VectorFormatException naming the file: missing, a size or checksum mismatch
     */
    public static byte[] readChecked(Path dir, Entry entry) throws VectorFormatException {
        Path path = dir.resolve(entry.path());
        byte[] bytes = readBytes(path, entry.path());
        if (bytes.length != entry.bytes()) {
            throw new VectorFormatException(String.format(Locale.ROOT,
                    "%s: size mismatch: %d bytes on disk, the manifest says %d (truncated or modified; regenerate"
                    + " the set or restore the file)", entry.path(), bytes.length, entry.bytes()));
        }
        String sha = DigestUtils.sha256Hex(bytes);
        if (!sha.equals(entry.sha256())) {
            throw new VectorFormatException(String.format(Locale.ROOT,
                    "%s: checksum mismatch: SHA-256 %s, the manifest says %s (the file was modified or corrupted)",
                    entry.path(), sha, entry.sha256()));
        }
        return bytes;
    }

    /**
     * Reads every JSON file of a set: the manifest first, then each file with its checksum checked, then
     * parsed strictly.
     *
     * @return relative path → file, sorted by path
     * @throws VectorFormatException naming the first file that fails and why
     */
    public static SortedMap<String, VectorFile> read(Path dir) throws VectorFormatException {
        Manifest m = readManifest(dir);
        SortedMap<String, VectorFile> out = new TreeMap<>();
        for (Entry e : m.files()) {
            byte[] bytes = readChecked(dir, e);
            if (!e.path().endsWith(".json")) {
                continue;
            }
            VectorFile f = VectorJsonReader.read(e.path(), bytes);
            if (f.numberOfTests() != e.numberOfTests()) {
                throw new VectorFormatException(String.format(Locale.ROOT,
                        "%s: numberOfTests is %d, the manifest says %d", e.path(), f.numberOfTests(), e.numberOfTests()));
            }
            if (f.level() != m.level()) {
                throw new VectorFormatException(String.format(Locale.ROOT, "%s: level %s in a level %s set",
                        e.path(), f.level(), m.level()));
            }
            out.put(e.path(), f);
        }
        return out;
    }

    private static byte[] readBytes(Path path, String name) throws VectorFormatException {
        try {
            return Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new VectorFormatException(name + ": missing (no such file: " + path + ")");
        } catch (IOException e) {
            throw new VectorFormatException(name + ": cannot be read: " + e.getMessage(), e);
        }
    }
}
