package org.lowbit.harness.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Allure HTML report, made by the real generator that the harness build unpacks. */
class AllureReportTest {

    @TempDir
    Path dir;

    /** One Allure result in the allure-java results format (allure-results/UUID-result.json). */
    private static final String RESULT = """
            {"uuid": "6f1c9d0e-0000-4000-8000-000000000001", "historyId": "decode_fp4_e2m1.json#3",
             "name": "decode_fp4_e2m1.json#3", "fullName": "lowbit.golden.decode_fp4_e2m1.json#3",
             "status": "failed", "stage": "finished", "start": 1700000000000, "stop": 1700000000004,
             "statusDetails": {"message": "expected 0x3f000000 (0.5), got 0x3f800000 (1.0)"},
             "labels": [{"name": "suite", "value": "decode"}],
             "parameters": [{"name": "target", "value": "reference"}, {"name": "format", "value": "fp4_e2m1"}]}
            """;

    @Test
    @Tag("slow")
    @DisplayName("conform --report DIR --html runs the real Allure generator on this JDK and makes index.html (slow: ~3 s)")
    void generatesIndexHtml() throws IOException {
        FakeConform fake = new FakeConform();
        fake.repoRoot = dir;
        Files.createDirectories(dir.resolve("vectors/golden"));
        Path report = dir.resolve("report");
        fake.during = o -> { // the suite writes the Allure results; here one by hand
            try {
                Path results = Files.createDirectories(report.resolve("allure-results"));
                Files.writeString(results.resolve("6f1c9d0e-0000-4000-8000-000000000001-result.json"), RESULT);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        CliRun run = fake.lowbit("conform", "--target", "reference", "--report", report.toString(), "--html");
        assertEquals(ExitCode.OK, run.exitCode(), run.err());
        Path index = report.resolve("allure-report/index.html");
        assertEquals("lowbit: Allure report: " + index + "\n", run.err());
        assertTrue(Files.readString(index).contains("<html"), "an HTML page");
        // the generator read our result and the environment file, so the page is made from them
        String suites = Files.readString(report.resolve("allure-report/data/suites.json"));
        assertTrue(suites.contains("decode_fp4_e2m1.json#3"), suites);
        String environment = Files.readString(report.resolve("allure-report/widgets/environment.json"));
        assertTrue(environment.contains("\"reference\""), environment);
    }

    @Test
    @Tag("slow")
    @DisplayName("conform merge --html makes one Allure report from the allure-results of every shard (slow: ~3 s)")
    void mergeGeneratesOneReport() throws IOException {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("conform", "merge"));
        for (int i = 1; i <= 2; i++) {
            Path shard = Files.createDirectories(dir.resolve("shard-" + i + "/allure-results"));
            String uuid = "6f1c9d0e-0000-4000-8000-00000000000" + i;
            Files.writeString(shard.resolve(uuid + "-result.json"),
                    RESULT.replace("6f1c9d0e-0000-4000-8000-000000000001", uuid).replace("#3", "#" + (10 + i)));
            Files.writeString(shard.resolveSibling("matrix.json"), ResultMatrixFiles.shard(i + "/2"));
            args.add(shard.getParent().toString());
        }
        Path merged = dir.resolve("merged");
        args.addAll(java.util.List.of("--report", merged.toString(), "--html"));
        CliRun run = CliRun.lowbit(args.toArray(String[]::new));
        assertEquals(ExitCode.OK, run.exitCode(), run.err());
        String suites = Files.readString(merged.resolve("allure-report/data/suites.json"));
        assertTrue(suites.contains("decode_fp4_e2m1.json#11") && suites.contains("decode_fp4_e2m1.json#12"), suites);
        assertTrue(Files.exists(merged.resolve("matrix.md")));
    }

    /** A one-cell matrix.json of one shard, in the documented schema. */
    static final class ResultMatrixFiles {
        static String shard(String shard) {
            return """
                   {"schema": "lowbit-matrix-v1", "suiteVersion": "0.2.0", "shard": "%s", "cells": [
                    {"target": "reference", "operation": "decode", "format": "fp4_e2m1", "profile": "none",
                     "counts": {"PASS": 8, "FAIL": 0, "ACCEPTABLE_VARIANT": 0, "NOT_SUPPORTED": 0, "CRASH": 0, "TIMEOUT": 0, "WAIVED": 0}}]}
                   """.formatted(shard);
        }
    }

    @Test
    @DisplayName("a generator home without the generator's jars is refused, naming where it looked")
    void missingGenerator() {
        String before = System.getProperty(AllureReport.HOME_PROPERTY);
        System.setProperty(AllureReport.HOME_PROPERTY, dir.toString());
        try {
            AllureReport.GeneratorException e = assertThrows(AllureReport.GeneratorException.class, AllureReport::generatorHome);
            assertTrue(e.getMessage().startsWith("the Allure report generator is missing (looked in [" + dir + "])"), e.getMessage());
        } finally {
            if (before == null) {
                System.clearProperty(AllureReport.HOME_PROPERTY);
            } else {
                System.setProperty(AllureReport.HOME_PROPERTY, before);
            }
        }
    }

    @Test
    @DisplayName("the generator failing (no such results directory... an unreadable one) is an error, not a page")
    void generatorFailure() throws IOException {
        Path notAHome = Files.createDirectories(dir.resolve("fake-home/lib"));
        Files.writeString(notAHome.resolve("allure-commandline-0.jar"), "not a jar");
        AllureReport.GeneratorException e = assertThrows(AllureReport.GeneratorException.class,
                () -> AllureReport.generate(dir.resolve("fake-home"), dir.resolve("results"), dir.resolve("out")));
        assertTrue(e.getMessage().startsWith("the Allure generator failed (exit 1)"), e.getMessage());
    }

    @Test
    @DisplayName("environment.properties values survive Properties.load: separators, backslashes, line breaks")
    void propertiesEscaping() throws IOException {
        AllureReport.writeEnvironment(dir, "process:./k --a=b c:\\d\nx #!", "lowbit conform");
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(dir.resolve("environment.properties"))) {
            p.load(in);
        }
        assertEquals("process:./k --a=b c:\\d\nx #!", p.getProperty("target"));
    }
}
