package org.lowbit.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SpecDocumentTest {
    private static final Path SPEC_MD = Path.of("SPEC.md");
    private static final Path REGENERATED = Path.of("target", "SPEC.generated.md");

    @Test
    @DisplayName("SPEC.md: every generated table equals its rendering from the Java data")
    void generatedSectionsMatchTheData() throws IOException {
        String committed = Files.readString(SPEC_MD, StandardCharsets.UTF_8);
        String regenerated = SpecTables.regenerate(committed);
        Files.createDirectories(REGENERATED.getParent());
        Files.writeString(REGENERATED, regenerated, StandardCharsets.UTF_8);
        assertEquals(regenerated, committed, "spec/SPEC.md has drifted from the Java data; review "
                + "spec/target/SPEC.generated.md and copy it over spec/SPEC.md (or run ./lowbit spec --update-doc spec/SPEC.md)");
    }

    @Test
    @DisplayName("SPEC.md: a drifted table is detected (a changed max normal)")
    void driftIsDetected() throws IOException {
        String committed = Files.readString(SPEC_MD, StandardCharsets.UTF_8);
        String tampered = committed.replace("| 448 (0x7E) |", "| 480 (0x7E) |");
        assertTrue(!tampered.equals(committed), "the E4M3 row must be in the document");
        assertTrue(!SpecTables.regenerate(tampered).equals(tampered));
    }

    @Test
    @DisplayName("SPEC.md: a missing marker is an error that names the section")
    void missingMarkerIsAnError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SpecTables.regenerate("no markers here"));
        assertTrue(e.getMessage().contains("element-formats"), e.getMessage());
    }
}
