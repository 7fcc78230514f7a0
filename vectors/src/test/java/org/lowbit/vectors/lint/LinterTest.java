package org.lowbit.vectors.lint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.commons.codec.digest.DigestUtils;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lowbit.vectors.Level;
import org.lowbit.vectors.TestSets;
import org.lowbit.vectors.VectorFile;
import org.lowbit.vectors.VectorJsonWriter;
import org.lowbit.vectors.VectorSets;

/** lint: a clean set passes; each kind of damage is one problem that names the file. */
class LinterTest {

    @TempDir
    Path dir;

    private static final String FILE = "encode/encode_fp4_e2m1_ocp.json";

    private List<String> problems() throws IOException {
        return new Linter().lint(dir).problems().stream().map(Object::toString).toList();
    }

    private static void assertOne(List<String> problems, String fragment) {
        assertEquals(1, problems.size(), problems::toString);
        assertTrue(problems.getFirst().contains(fragment), () -> problems.getFirst() + " should contain " + fragment);
    }

    /** Replaces a file's bytes and fixes the manifest and SHA256SUMS up, so that only the semantic damage is left. */
    private void replaceKeepingChecksums(String path, byte[] bytes) throws IOException {
        Path manifest = dir.resolve(VectorSets.MANIFEST);
        String oldSha = DigestUtils.sha256Hex(Files.readAllBytes(dir.resolve(path)));
        long oldSize = Files.size(dir.resolve(path));
        Files.write(dir.resolve(path), bytes);
        String newSha = DigestUtils.sha256Hex(bytes);
        String m = Files.readString(manifest).replace(oldSha + "\", \"bytes\": " + oldSize,
                newSha + "\", \"bytes\": " + bytes.length);
        Files.writeString(manifest, m);
        String sums = Files.readString(dir.resolve(VectorSets.SUMS)).replace(oldSha, newSha);
        String manifestSha = DigestUtils.sha256Hex(m.getBytes());
        sums = sums.replaceAll("[0-9a-f]{64}  manifest.json", manifestSha + "  manifest.json");
        Files.writeString(dir.resolve(VectorSets.SUMS), sums);
    }

    @Test
    @DisplayName("a generated set lints clean, level 1 and level 2")
    void clean(@TempDir Path level2) throws IOException {
        TestSets.writeSmall(dir);
        assertEquals(List.of(), problems());
        VectorSets.write(level2, Level.TWO, org.lowbit.vectors.generate.VectorGenerator.generate(
                new org.lowbit.vectors.generate.VectorGenerator.Request(Level.TWO, java.util.Set.of("fp4_e2m1", "mxfp4"),
                        java.util.Set.of("ocp", "ocp-mx-1.0"))));
        assertEquals(List.of(), new Linter().lint(level2).problems());
    }

    @Test
    @DisplayName("a flipped byte, an unlisted file and a bad SHA256SUMS line are found")
    void integrity() throws IOException {
        TestSets.writeSmall(dir);
        byte[] b = Files.readAllBytes(dir.resolve(FILE));
        b[100] ^= 0x20;
        Files.write(dir.resolve(FILE), b);
        assertOne(problems(), FILE + ": checksum mismatch");
        TestSets.writeSmall(dir);
        Files.writeString(dir.resolve("encode/stray.json"), "{}");
        assertOne(problems(), "encode/stray.json: is not listed in the manifest");
    }

    @Test
    @DisplayName("a schema violation, an unused note, a flag without a note and a stale twin are found")
    void semantics() throws Exception {
        TestSets.writeSmall(dir);
        String text = Files.readString(dir.resolve(FILE));
        // an unknown flag with a note for it: the reader accepts it, the schema's flag enum does not
        replaceKeepingChecksums(FILE, text.replace("[\"BASIC\", \"SIGNED_ZERO\"]", "[\"BASIC\", \"SIGNED_ZERO\", \"X\"]")
                .getBytes());
        List<String> p = problems();
        assertTrue(p.stream().anyMatch(s -> s.contains("schema: ")), p::toString);
        assertTrue(p.stream().anyMatch(s -> s.contains("flag X has no note")), p::toString);

        TestSets.writeSmall(dir);
        VectorFile f = VectorSets.read(dir).get(FILE);
        Map<String, org.lowbit.vectors.Note> notes = new java.util.TreeMap<>(f.notes());
        notes.put("RANDOM", org.lowbit.vectors.Flag.RANDOM.note());
        VectorFile extra = new VectorFile(f.schema(), f.suiteVersion(), f.operation(), f.format(), f.profile(),
                f.level(), f.numberOfTests(), f.header(), notes, f.testGroups());
        replaceKeepingChecksums(FILE, VectorJsonWriter.bytes(extra));
        assertOne(problems(), "note RANDOM is not used by any test");

        TestSets.writeSmall(dir);
        String twin = "encode/encode_fp4_e2m1_ocp.txt";
        replaceKeepingChecksums(twin, (Files.readString(dir.resolve(twin)) + "# extra\n").getBytes());
        assertOne(problems(), twin + ": does not match its JSON file");

        TestSets.writeSmall(dir);
        replaceKeepingChecksums(FILE, text.replace("\n  \"operation\"", "\n    \"operation\"").getBytes());
        assertOne(problems(), "not in canonical form");
    }
}
