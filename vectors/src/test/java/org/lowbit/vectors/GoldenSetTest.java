package org.lowbit.vectors;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lowbit.vectors.generate.VectorGenerator;
import org.lowbit.vectors.lint.Linter;

/** The committed golden set is exactly what the generator writes today, and it lints clean. */
class GoldenSetTest {

    static final String REGENERATE = "regenerate it with: ./lowbit vectors generate --out vectors/golden --level 1";

    @Test
    @DisplayName("vectors/golden is byte for byte what `lowbit vectors generate --level 1` writes")
    void goldenSetIsUpToDate(@TempDir Path fresh) throws IOException {
        Path golden = TestSets.golden();
        assertTrue(Files.isDirectory(golden), () -> golden + " is missing; " + REGENERATE);
        VectorSets.write(fresh, Level.ONE, VectorGenerator.generate(VectorGenerator.Request.of(Level.ONE)));
        TreeSet<String> expected = files(fresh);
        TreeSet<String> committed = files(golden);
        List<String> problems = new ArrayList<>();
        for (String p : expected) {
            if (!committed.contains(p)) {
                problems.add(p + " is missing from vectors/golden");
            } else if (!Arrays.equals(Files.readAllBytes(fresh.resolve(p)), Files.readAllBytes(golden.resolve(p)))) {
                problems.add(p + " differs from what the generator writes");
            }
        }
        for (String p : committed) {
            if (!expected.contains(p)) {
                problems.add(p + " is in vectors/golden but the generator no longer writes it");
            }
        }
        if (!problems.isEmpty()) {
            fail("the committed golden set is out of date (" + problems.size() + " files):\n  "
                 + String.join("\n  ", problems.subList(0, Math.min(problems.size(), 20))) + "\n" + REGENERATE
                 + "\nand commit the result (check the diff: a changed expected value is a change of semantics).");
        }
    }

    @Test
    @DisplayName("lowbit vectors lint passes on vectors/golden")
    void goldenSetLints() throws IOException {
        Linter.Report report = new Linter().lint(TestSets.golden());
        assertTrue(report.ok(), () -> "lint problems:\n  " + String.join("\n  ",
                report.problems().stream().limit(20).map(Object::toString).toList()) + "\n" + REGENERATE);
        assertTrue(report.tests() > 50_000, "the golden set holds " + report.tests() + " tests");
    }

    private static TreeSet<String> files(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            TreeSet<String> out = new TreeSet<>();
            walk.filter(Files::isRegularFile).forEach(p -> out.add(dir.relativize(p).toString().replace('\\', '/')));
            return out;
        }
    }
}
