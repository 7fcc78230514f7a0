package org.lowbit.harness.cli;

import static org.lowbit.harness.cli.CliRun.lowbit;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConformCommandTest {

    @Test
    @DisplayName("conform on the reference target: PASS rows for encode-f16, encode-bf16 and decode, exit 0")
    void referencePasses() {
        lowbit("conform", "--profile", "ml-dtypes", "--format", "fp4_e2m1,fp8_e4m3").assertOk()
                .assertOutContains("| reference | ml-dtypes | fp4_e2m1 | RNE NONSAT | encode-f16 | 65536 | 0 | PASS |",
                        "| reference | ml-dtypes | fp8_e4m3 | RNE NONSAT | encode-bf16 | 65536 | 0 | PASS |",
                        "| reference | — | fp8_e4m3 | — | decode | 256 | 0 | PASS |", " 0 failures");
    }

    @Test
    @DisplayName("conform: an unknown target, profile or format is bad input (exit 2)")
    void unknownNames() {
        lowbit("conform", "--target", "cuda-nonexistent").assertBadInput("unknown target 'cuda-nonexistent'");
        lowbit("conform", "--profile", "nope").assertBadInput("nope");
        lowbit("conform", "--format", "fp7").assertBadInput("fp7");
    }

    @Test
    @DisplayName("spec --update-doc: a drifted table is rewritten, an up-to-date one is left alone")
    void updateDoc(@TempDir Path dir) throws Exception {
        Path committed = Path.of(System.getProperty("lowbit.repo.root", ".."), "spec", "SPEC.md");
        if (!Files.exists(committed)) {
            committed = Path.of("..", "spec", "SPEC.md");
        }
        String original = Files.readString(committed, StandardCharsets.UTF_8);
        Path doc = dir.resolve("SPEC.md");
        Files.writeString(doc, original.replace("| 448 (0x7E) |", "| 480 (0x7E) |"), StandardCharsets.UTF_8);
        lowbit("spec", "--update-doc", doc.toString()).assertOk().assertOutContains("tables regenerated");
        org.junit.jupiter.api.Assertions.assertEquals(original, Files.readString(doc, StandardCharsets.UTF_8));
        lowbit("spec", "--update-doc", doc.toString()).assertOk().assertOutContains("up to date");
        Files.writeString(doc, "no markers", StandardCharsets.UTF_8);
        lowbit("spec", "--update-doc", doc.toString()).assertBadInput("generated section");
    }
}
