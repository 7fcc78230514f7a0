package org.lowbit.vectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SortedMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The manifest and checksums: a damaged set is refused with the file and the problem named. */
class VectorSetsTest {

    @TempDir
    Path dir;

    private static final String FILE = "encode/encode_fp4_e2m1_ocp.json";

    private VectorFormatException refused() {
        return assertThrows(VectorFormatException.class, () -> VectorSets.read(dir));
    }

    @Test
    @DisplayName("a written set reads back, and sha256sum -c's file agrees with the manifest")
    void readsBack() throws Exception {
        SortedMap<String, VectorFile> files = TestSets.small();
        VectorSets.Manifest m = VectorSets.write(dir, Level.ONE, files);
        assertEquals(files, VectorSets.read(dir));
        assertEquals(2 * files.size(), m.files().size());
        List<String> sums = Files.readAllLines(dir.resolve(VectorSets.SUMS));
        assertEquals(m.files().size() + 1, sums.size());
        assertTrue(sums.contains(m.files().getFirst().sha256() + "  " + m.files().getFirst().path()));
    }

    @Test
    @DisplayName("a flipped byte is a checksum mismatch")
    void flippedByte() throws IOException {
        TestSets.writeSmall(dir);
        Path f = dir.resolve(FILE);
        byte[] bytes = Files.readAllBytes(f);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(f, bytes);
        VectorFormatException e = refused();
        assertTrue(e.getMessage().startsWith(FILE + ": checksum mismatch: SHA-256 "), e.getMessage());
    }

    @Test
    @DisplayName("a truncated file is a size mismatch")
    void truncated() throws IOException {
        TestSets.writeSmall(dir);
        Path f = dir.resolve(FILE);
        byte[] bytes = Files.readAllBytes(f);
        Files.write(f, java.util.Arrays.copyOf(bytes, bytes.length - 100));
        VectorFormatException e = refused();
        assertTrue(e.getMessage().startsWith(FILE + ": size mismatch: "), e.getMessage());
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    @DisplayName("a missing file, and a manifest with a wrong schema id or version, are refused")
    void manifestProblems() throws IOException {
        TestSets.writeSmall(dir);
        Files.delete(dir.resolve(FILE));
        assertTrue(refused().getMessage().startsWith(FILE + ": missing"));

        TestSets.writeSmall(dir); // replaces the set
        Path manifest = dir.resolve(VectorSets.MANIFEST);
        String text = Files.readString(manifest);
        Files.writeString(manifest, text.replace("lowbit-vectors-manifest-v1", "lowbit-vectors-manifest-v9"));
        assertTrue(refused().getMessage().contains("wrong schema id 'lowbit-vectors-manifest-v9'"));
        Files.writeString(manifest, text.replace("\"suiteVersion\": \"0.2.0\"", "\"suiteVersion\": \"3.0.0\""));
        assertTrue(refused().getMessage().contains("wrong suite version 3.0.0"));
        Files.writeString(manifest, text.replace("\"numberOfFiles\": ", "\"numberOfFiles\": 1"));
        assertTrue(refused().getMessage().contains("numberOfFiles is 1"));
    }

    @Test
    @DisplayName("a file with a wrong version or count, re-checksummed to pass the manifest, is still refused")
    void semanticDamageBehindGoodChecksums() throws Exception {
        TestSets.writeSmall(dir);
        SortedMap<String, VectorFile> files = VectorSets.read(dir);
        VectorFile f = files.get(FILE);
        String text = VectorJsonWriter.write(f).replace("\"suiteVersion\": \"0.2.0\"", "\"suiteVersion\": \"2.0.0\"");
        VectorFormatException e = assertThrows(VectorFormatException.class,
                () -> VectorJsonReader.read(FILE, text.getBytes(StandardCharsets.US_ASCII)));
        assertTrue(e.getMessage().startsWith(FILE + ": wrong suite version 2.0.0"), e.getMessage());
    }

    @Test
    @DisplayName("refuses to write into a non-empty directory that holds no set")
    void refusesForeignDirectory() throws IOException {
        Files.writeString(dir.resolve("notes.txt"), "mine");
        IOException e = assertThrows(IOException.class, () -> VectorSets.write(dir, Level.ONE, TestSets.small()));
        assertTrue(e.getMessage().contains("not empty and holds no vector set"), e.getMessage());
    }

    @Test
    @DisplayName("rewriting a set removes the files the new set no longer has")
    void rewriteRemovesStaleFiles() throws IOException {
        TestSets.writeSmall(dir);
        VectorSets.write(dir, Level.ONE, java.util.Map.of(FILE, TestSets.small().get(FILE)));
        try (Stream<Path> walk = Files.walk(dir)) {
            assertEquals(4, walk.filter(Files::isRegularFile).count()); // json, txt, manifest, SHA256SUMS
        }
    }

    @Test
    @DisplayName("generating twice gives byte-identical files")
    void deterministic(@TempDir Path other) throws IOException {
        TestSets.writeSmall(dir);
        TestSets.writeSmall(other);
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                assertArrayEquals(Files.readAllBytes(p), Files.readAllBytes(other.resolve(dir.relativize(p))),
                        p.toString());
            }
        }
    }
}
