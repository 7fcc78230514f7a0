package org.lowbit.harness.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lowbit.harness.cli.CliRun.lowbit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lowbit.conformance.run.MatrixKey;
import org.lowbit.conformance.run.Outcome;
import org.lowbit.conformance.run.ResultMatrix;

class ConformMergeCommandTest {

    @TempDir
    Path dir;

    private static final String CELL = """
            {"target": "reference", "operation": "decode", "format": "fp4_e2m1", "profile": "none",
             "counts": {"PASS": %d, "FAIL": %d, "ACCEPTABLE_VARIANT": 0, "NOT_SUPPORTED": 0, "CRASH": 0, "TIMEOUT": 0, "WAIVED": 0}}""";

    /** A shard's report directory with a matrix.json written by hand in the documented schema. */
    private Path shard(String name, String shard, long pass, long fail) throws IOException {
        return shard(name, shard, "0.2.0", CELL.formatted(pass, fail));
    }

    private Path shard(String name, String shard, String suiteVersion, String cells) throws IOException {
        Path d = Files.createDirectories(dir.resolve(name));
        Files.writeString(d.resolve("matrix.json"), """
                {"schema": "lowbit-matrix-v1", "suiteVersion": "%s", "shard": "%s", "cells": [%s]}
                """.formatted(suiteVersion, shard, cells));
        return d;
    }

    @Test
    @DisplayName("merge sums the shards' counts, prints the Markdown matrix, writes matrix.json (1/1) and matrix.md, exit 0")
    void mergesShards() throws IOException {
        Path a = shard("s1", "1/3", 5, 0);
        Path b = shard("s2", "2/3", 6, 0);
        Path c = shard("s3", "3/3", 5, 0);
        Path out = dir.resolve("merged");
        CliRun run = lowbit("conform", "merge", a.toString(), b.toString(), c.resolve("matrix.json").toString(),
                "--report", out.toString()).assertOk();
        run.assertOutContains("| reference | decode | fp4_e2m1 | none | 16 | 0 | 0 | 0 | 0 | 0 | 0 | PASS |", "**PASS**: 1 cells, 16 cases");
        ResultMatrix.Parsed merged = ResultMatrix.parse(Files.readString(out.resolve("matrix.json")));
        assertEquals("1/1", merged.shard().toString());
        assertEquals("0.2.0", merged.suiteVersion());
        assertEquals(16L, merged.matrix().cells().get(new MatrixKey("reference", "decode", "fp4_e2m1", "none")).get(Outcome.PASS));
        assertEquals(run.out(), Files.readString(out.resolve("matrix.md")));
    }

    @Test
    @DisplayName("merge exits 1 when a shard failed, and also merges whole runs (1/1) of several targets")
    void failingShard() throws IOException {
        Path a = shard("s1", "1/2", 5, 0);
        Path b = shard("s2", "2/2", 6, 2);
        Path other = shard("cpu", "1/1", "0.2.0", CELL.formatted(16, 0).replace("reference", "cpu-vector"));
        CliRun run = lowbit("conform", "merge", a.toString(), b.toString(), other.toString());
        assertEquals(ExitCode.CHECK_FAILED, run.exitCode(), run.err());
        run.assertOutContains("| reference | decode | fp4_e2m1 | none | 11 | 2 |", "| cpu-vector | decode | fp4_e2m1 | none | 16 | 0 |",
                "**FAIL**: 1 of 2 cells failed");
    }

    @Test
    @DisplayName("merge refuses a corrupt matrix file (exit 2), naming the file and the problem")
    void corruptFiles() throws IOException {
        Path good = shard("good", "1/1", 1, 0);
        Path truncated = Files.createDirectories(dir.resolve("truncated"));
        Files.writeString(truncated.resolve("matrix.json"), "{\"schema\": \"lowbit-matrix-v1\", \"suiteVersion\": \"0.2.0\", \"sh");
        lowbit("conform", "merge", good.toString(), truncated.toString())
                .assertBadInput(truncated.resolve("matrix.json") + " is not a valid result matrix: not valid JSON");

        Path negative = shard("negative", "1/1", -4, 0);
        lowbit("conform", "merge", good.toString(), negative.toString())
                .assertBadInput(negative.resolve("matrix.json") + " is not a valid result matrix: cells[0].counts.PASS is negative: -4");

        Path schema = Files.createDirectories(dir.resolve("schema"));
        Files.writeString(schema.resolve("matrix.json"), Files.readString(good.resolve("matrix.json")).replace("v1", "v0"));
        lowbit("conform", "merge", schema.toString()).assertBadInput("schema is 'lowbit-matrix-v0', expected 'lowbit-matrix-v1'");

        Path binary = Files.createDirectories(dir.resolve("binary"));
        Files.write(binary.resolve("matrix.json"), new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1});
        lowbit("conform", "merge", binary.toString()).assertBadInput("not UTF-8 text");

        Path empty = Files.createDirectories(dir.resolve("empty"));
        lowbit("conform", "merge", empty.toString()).assertBadInput("no result matrix at " + empty.resolve("matrix.json"));
        lowbit("conform", "merge").assertBadInput("DIR");
    }

    @Test
    @DisplayName("merge refuses a missing shard, a shard given twice and mixed suite versions")
    void inconsistentSets() throws IOException {
        Path a = shard("s1", "1/3", 5, 0);
        Path c = shard("s3", "3/3", 5, 0);
        lowbit("conform", "merge", a.toString(), c.toString()).assertBadInput("shards missing: 2/3");
        lowbit("conform", "merge", a.toString(), a.resolve("matrix.json").toString()).assertBadInput("is given twice");
        Path b = shard("s2", "2/3", "0.3.0", CELL.formatted(6, 0));
        lowbit("conform", "merge", a.toString(), b.toString(), c.toString())
                .assertBadInput("different suite versions: 0.2.0 (");
        Path a2 = shard("t1", "1/3", 5, 0);
        Path b2 = shard("s2b", "2/3", 6, 0);
        CliRun twice = lowbit("conform", "merge", a.toString(), b2.toString(), c.toString(), a2.toString());
        twice.assertBadInput("shards missing: 2/3 (1 of 2), 3/3 (1 of 2)");
        assertFalse(Files.exists(dir.resolve("merged")));
    }

    @Test
    @DisplayName("merge --html needs --report, and input directories that hold allure-results/")
    void htmlNeedsResults() throws IOException {
        Path a = shard("s1", "1/1", 5, 0);
        lowbit("conform", "merge", a.toString(), "--html").assertBadInput("--html needs --report DIR");
        lowbit("conform", "merge", a.toString(), "--html", "--report", dir.resolve("m").toString())
                .assertBadInput("--html: no input directory holds allure-results/");
    }

    @Test
    @DisplayName("merge of matrices with no cells fails: nothing ran")
    void emptyMerge() throws IOException {
        Path a = shard("e", "1/1", "0.2.0", "");
        CliRun run = lowbit("conform", "merge", a.toString());
        assertEquals(ExitCode.CHECK_FAILED, run.exitCode());
        assertTrue(run.err().contains("no case ran"), run.err());
    }
}
