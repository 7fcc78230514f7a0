package org.lowbit.harness.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lowbit vectors generate | lint | verify}: exit codes and output. */
class VectorsCommandTest {

    @TempDir
    Path dir;

    private Path generate() {
        Path set = dir.resolve("set");
        CliRun.lowbit("vectors", "generate", "--out", set.toString(), "--level", "1", "--format", "fp4_e2m1,mxfp4")
              .assertOk().assertOutContains("vector files", "tests", set.toString());
        return set;
    }

    @Test
    @DisplayName("generate, lint, write the reference's results, verify: all exit 0")
    void roundTrip() {
        Path set = generate();
        CliRun.lowbit("vectors", "lint", set.toString()).assertOk().assertOutContains("lint: ", ": OK");
        Path results = dir.resolve("results");
        CliRun.lowbit("vectors", "verify", "--vectors", set.toString(), "--write-results", results.toString()).assertOk();
        CliRun.lowbit("vectors", "verify", "--vectors", set.toString(), "--results", results.toString()).assertOk()
              .assertOutContains("0 mismatches");
    }

    @Test
    @DisplayName("verify exits 1 on a planted bug and prints the decoded fields")
    void mismatch() throws IOException {
        Path set = generate();
        Path results = dir.resolve("results");
        CliRun.lowbit("vectors", "verify", "--vectors", set.toString(), "--write-results", results.toString()).assertOk();
        Path p = results.resolve("encode/encode_fp4_e2m1_ocp.results");
        Files.writeString(p, Files.readString(p).replaceFirst("\n2 01\n", "\n2 02\n"));
        CliRun run = CliRun.lowbit("vectors", "verify", "--vectors", set.toString(), "--results", results.toString());
        assertEquals(ExitCode.CHECK_FAILED, run.exitCode(), run.err());
        run.assertOutContains("MISMATCH encode/encode_fp4_e2m1_ocp.json tcId 2", "expected 0x01 (S=0 E=00 M=1, 0.5)",
                "actual   0x02 (S=0 E=01 M=0, 1)", "1 mismatches");
    }

    @Test
    @DisplayName("lint exits 1 on a damaged set; bad input exits 2 with one line")
    void failures() throws IOException {
        Path set = generate();
        Path f = set.resolve("decode/decode_fp4_e2m1.json");
        byte[] b = Files.readAllBytes(f);
        b[200] ^= 1;
        Files.write(f, b);
        CliRun lint = CliRun.lowbit("vectors", "lint", set.toString());
        assertEquals(ExitCode.CHECK_FAILED, lint.exitCode());
        assertTrue(lint.out().contains("decode/decode_fp4_e2m1.json: checksum mismatch"), lint.out());

        CliRun.lowbit("vectors", "verify", "--vectors", set.toString(), "--results", dir.toString())
              .assertBadInput("checksum mismatch");
        CliRun.lowbit("vectors", "generate", "--out", dir.resolve("x").toString(), "--level", "3")
              .assertBadInput("unknown level '3'");
        CliRun.lowbit("vectors", "generate", "--out", dir.resolve("x").toString(), "--format", "fp9")
              .assertBadInput("unknown format 'fp9'");
        CliRun.lowbit("vectors", "lint", dir.resolve("nowhere").toString()).assertBadInput("is not a directory");
        CliRun.lowbit("vectors").assertBadInput("no subcommand given");
    }
}
