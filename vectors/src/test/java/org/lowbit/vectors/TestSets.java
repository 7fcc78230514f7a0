package org.lowbit.vectors;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Set;
import java.util.SortedMap;
import org.lowbit.vectors.generate.VectorGenerator;

/** Small vector sets for tests, and the committed golden set's location. */
public final class TestSets {
    private TestSets() {}

    /** The repository root (surefire sets lowbit.repo.root; from the module directory it is ..). */
    public static Path repoRoot() {
        return Path.of(System.getProperty("lowbit.repo.root", "..")).toAbsolutePath().normalize();
    }

    /** vectors/golden. */
    public static Path golden() {
        return repoRoot().resolve("vectors").resolve("golden");
    }

    /**
     * Level 1 for fp8_e4m3, fp4_e2m1 and mxfp4: decode, encode under every profile, quantize under every MX
     * profile, pack into every layout that holds them, the scale-pack file (format u8) the 4-bit weight-pack files (b4) and scaled gguf_q4_0; about a second to generate.
     */
    public static SortedMap<String, VectorFile> small() {
        return VectorGenerator.generate(new VectorGenerator.Request(Level.ONE, Set.of("fp8_e4m3", "fp4_e2m1", "mxfp4", "u8", "b4", "gguf_q4_0"),
                Set.of()));
    }

    /** {@link #small()} written to {@code dir}. */
    public static Path writeSmall(Path dir) {
        try {
            VectorSets.write(dir, Level.ONE, small());
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
