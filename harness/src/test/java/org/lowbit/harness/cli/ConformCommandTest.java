package org.lowbit.harness.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lowbit.harness.cli.CliRun.lowbit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.lowbit.conformance.run.CaseResult;
import org.lowbit.conformance.run.ConformanceRun;
import org.lowbit.vectors.Level;
import org.lowbit.conformance.run.Outcome;
import org.lowbit.conformance.run.ProgressListener;
import org.lowbit.conformance.run.ResultMatrix;
import org.lowbit.conformance.run.RunOptions;
import org.lowbit.conformance.run.Shard;
import org.lowbit.conformance.target.Operation;

class ConformCommandTest {

    @TempDir
    Path dir;

    private FakeConform fakeWithCorpus() throws IOException {
        FakeConform fake = new FakeConform();
        fake.repoRoot = dir.resolve("checkout");
        Files.createDirectories(fake.repoRoot.resolve("vectors/golden"));
        return fake;
    }

    @Test
    @DisplayName("every option reaches the run as the RunOptions it names")
    void optionsReachTheRun() throws IOException {
        FakeConform fake = fakeWithCorpus();
        Path vectors = Files.createDirectories(dir.resolve("v"));
        Path waivers = Files.writeString(dir.resolve("waivers.json"), "[]");
        fake.lowbit("conform", "--target", "reference", "--format", "mxfp4,nvfp4", "--profile", "ocp-mx-1.0",
                "--operation", "quantize,dequantize", "--level", "exhaustive", "--vectors", vectors.toString(),
                "--report", dir.resolve("r").toString(), "--shard", "2/4", "--seed", "0x10", "--only", "a.json#1,b*",
                "--waivers", waivers.toString(), "--timeout", "1.5", "--quiet").assertOk();
        RunOptions o = fake.lastRun();
        assertEquals("reference", o.targetSpec());
        assertEquals(Set.of("mxfp4", "nvfp4"), o.formats());
        assertEquals(Set.of("ocp-mx-1.0"), o.profiles());
        assertEquals(Set.of(Operation.QUANTIZE, Operation.DEQUANTIZE), o.operations());
        assertEquals(Level.EXHAUSTIVE, o.level());
        assertEquals(vectors, o.vectorsDir());
        assertEquals(Optional.of(dir.resolve("r")), o.reportDir());
        assertEquals(new Shard(2, 4), o.shard());
        assertEquals(16L, o.seed());
        assertEquals(Set.of("a.json#1", "b*"), o.only());
        assertEquals(Optional.of(waivers), o.waivers());
        assertEquals(Duration.ofMillis(1500), o.requestTimeout());
        assertSame(ProgressListener.NONE, o.progress());
    }

    @Test
    @DisplayName("no arguments: the default target, the checkout's vectors/golden, level 1, all of it, seed 0, 60 s")
    void defaults() throws IOException {
        FakeConform fake = fakeWithCorpus();
        CliRun run = fake.lowbit("conform");
        assertEquals(ExitCode.OK, run.exitCode(), run.err());
        assertEquals("lowbit: conform: no --target given; checking the built-in 'reference' target\n", run.err());
        RunOptions o = fake.lastRun();
        assertEquals("reference", o.targetSpec());
        assertEquals(fake.repoRoot.resolve("vectors/golden"), o.vectorsDir());
        assertEquals(Level.ONE, o.level());
        assertEquals(Shard.ALL, o.shard());
        assertEquals(0L, o.seed());
        assertEquals(Duration.ofSeconds(60), o.requestTimeout());
        assertTrue(o.formats().isEmpty() && o.profiles().isEmpty() && o.operations().isEmpty() && o.only().isEmpty());
        assertEquals(Optional.empty(), o.reportDir());
        assertEquals(Optional.empty(), o.waivers());
    }

    @Test
    @DisplayName("the default target is cpu-vector where it is registered and available, else reference")
    void defaultPrefersCpuVector() throws IOException {
        FakeConform fake = fakeWithCorpus();
        fake.providers = List.of(new FakeConform.Provider("cpu-vector"), new FakeConform.Provider("reference"));
        assertTrue(fake.lowbit("conform").err().contains("built-in 'cpu-vector' target"));
        assertEquals("cpu-vector", fake.lastRun().targetSpec());
        fake.providers = List.of(new FakeConform.Provider("cpu-vector", false, "no SIMD"), new FakeConform.Provider("reference"));
        fake.lowbit("conform", "--quiet").assertOk();
        assertEquals("reference", fake.lastRun().targetSpec());
    }

    @ParameterizedTest(name = "{0} {1}")
    @DisplayName("bad usage exits 2 with one 'lowbit: error:' line that names the known values, and runs nothing")
    @CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = """
            --target   | cuda                 | unknown target 'cuda'; known: gpu, process:COMMAND, reference
            --target   | process:             | process:COMMAND needs a command
            --target   | gpu                  | target 'gpu' cannot run here: no device
            --format   | fp7                  | unknown format 'fp7'; known: e8m0, fp4_e2m1,
            --format   | mxfp4,fp7            | unknown format 'fp7'
            --profile  | nope                 | unknown profile 'nope'; known: awq,
            --operation| gemm                 | unknown operation 'gemm'; known: encode, decode, quantize
            --level    | 3                    | unknown level '3'; known: 1, 2, exhaustive
            --shard    | 0/4                  | shard 0/4: need 1 ≤ I ≤ N
            --shard    | 5/4                  | shard 5/4: need 1 ≤ I ≤ N
            --shard    | 1/0                  | shard 1/0
            --shard    | two                  | --shard takes I/N
            --shard    | a/b                  | --shard takes I/N with whole numbers
            --seed     | 12x                  | --seed takes a whole number
            --seed     | 0x1ffffffffffffffff  | --seed takes a whole number
            --timeout  | 0                    | --timeout must be more than 0
            --timeout  | -3                   | --timeout must be more than 0
            --timeout  | soon                 | --timeout takes seconds
            --vectors  | /nonexistent/golden  | no golden-vector corpus at /nonexistent/golden
            --waivers  | /nonexistent/w.json  | --waivers: no such file: /nonexistent/w.json
            --only     | ~a,,b~               | --only: an empty case id
            --html     | ~~                   | --html needs --report DIR
            """)
    void badUsage(String option, String value, String fragment) throws IOException {
        FakeConform fake = fakeWithCorpus();
        fake.providers = List.of(new FakeConform.Provider("gpu", false, "no device"),
                new FakeConform.Provider("process"), new FakeConform.Provider("reference"));
        CliRun run = value.isEmpty() ? fake.lowbit("conform", option) : fake.lowbit("conform", option, value);
        run.assertBadInput(fragment);
        assertEquals("", run.out());
        assertTrue(fake.runs.isEmpty(), "nothing runs after a usage error");
    }

    @Test
    @DisplayName("a missing default corpus (no vectors/golden in the checkout) is an error, not a skip")
    void missingDefaultCorpus() {
        FakeConform fake = new FakeConform();
        fake.repoRoot = dir;
        fake.lowbit("conform", "--target", "reference").assertBadInput("no golden-vector corpus at " + dir.resolve("vectors/golden"));
        assertTrue(fake.runs.isEmpty());
    }

    @Test
    @DisplayName("an IllegalArgumentException from the run (its contract for a bad name) is bad input, exit 2")
    void runRejectsAName() throws IOException {
        FakeConform fake = fakeWithCorpus();
        fake.answer = o -> {
            throw new IllegalArgumentException("the target does not claim profile 'gguf'; it claims: ocp");
        };
        fake.lowbit("conform", "--target", "reference", "--profile", "gguf").assertBadInput("does not claim profile 'gguf'");
    }

    @Test
    @DisplayName("exit 0 when the matrix passed: the Markdown matrix on stdout, nothing on stderr with --target")
    void passingRun() throws IOException {
        FakeConform fake = fakeWithCorpus();
        CliRun run = fake.lowbit("conform", "--target", "reference").assertOk();
        assertEquals(FakeConform.passing().toMarkdown(), run.out());
        run.assertOutContains("| reference | decode | fp4_e2m1 | none | 16 | 0 | 0 | 0 | 0 | 0 | 0 | PASS |", "**PASS**");
    }

    @ParameterizedTest(name = "{0}")
    @DisplayName("the exit code follows the report: FAIL, CRASH and TIMEOUT give 1; the others alone give 0")
    @CsvSource({"FAIL,1", "CRASH,1", "TIMEOUT,1", "ACCEPTABLE_VARIANT,0", "NOT_SUPPORTED,0", "WAIVED,0", "PASS,0"})
    void exitCodeFollowsTheReport(Outcome outcome, int exitCode) throws IOException {
        FakeConform fake = fakeWithCorpus();
        ResultMatrix m = FakeConform.passing();
        m.add(FakeConform.QUANTIZE, outcome, 1);
        List<CaseResult> failures = outcome.failsRun() ? List.of(new CaseResult(FakeConform.QUANTIZE,
                "quantize_mxfp4_ocp-mx-1.0.json#17", outcome, "expected 0x3f got 0x3e\nscale 0x7f",
                "./lowbit conform --target reference --only 'quantize_mxfp4_ocp-mx-1.0.json#17'")) : List.of();
        fake.answer = o -> FakeConform.report(m, failures);
        CliRun run = fake.lowbit("conform", "--target", "reference");
        assertEquals(exitCode, run.exitCode(), run.err());
        assertTrue(run.out().contains(exitCode == 0 ? "**PASS**" : "**FAIL**"), run.out());
        if (exitCode == 1) {
            assertTrue(run.err().contains("lowbit: conform: 1 failing case (" + outcome + " 1); all in full:"), run.err());
            assertTrue(run.err().contains("--- " + outcome + " quantize_mxfp4_ocp-mx-1.0.json#17  [reference × quantize × mxfp4 × ocp-mx-1.0]"), run.err());
            assertTrue(run.err().contains("    expected 0x3f got 0x3e\n    scale 0x7f\n"), run.err());
            assertTrue(run.err().contains("    reproduce: ./lowbit conform --target reference --only 'quantize_mxfp4_ocp-mx-1.0.json#17'"), run.err());
        } else {
            assertEquals("", run.err());
        }
    }

    @Test
    @DisplayName("at most 20 failures are printed in full, and the total is named")
    void failuresAreCapped() throws IOException {
        FakeConform fake = fakeWithCorpus();
        ResultMatrix m = new ResultMatrix();
        m.add(FakeConform.DECODE, Outcome.FAIL, 30);
        List<CaseResult> failures = java.util.stream.IntStream.range(0, 30).mapToObj(i -> new CaseResult(FakeConform.DECODE,
                "decode_fp4_e2m1.json#" + i, Outcome.FAIL, "m" + i, "")).toList();
        fake.answer = o -> FakeConform.report(m, failures);
        CliRun run = fake.lowbit("conform", "--target", "reference");
        assertEquals(ExitCode.CHECK_FAILED, run.exitCode());
        assertTrue(run.err().contains("30 failing cases (FAIL 30); the first 20 in full:"), run.err());
        assertTrue(run.err().contains("decode_fp4_e2m1.json#19 "));
        assertFalse(run.err().contains("decode_fp4_e2m1.json#20 "));
    }

    @Test
    @DisplayName("a run in which nothing ran (an empty matrix) fails: exit 1, said on stderr")
    void emptyRunFails() throws IOException {
        FakeConform fake = fakeWithCorpus();
        fake.answer = o -> FakeConform.report(new ResultMatrix(), List.of());
        CliRun run = fake.lowbit("conform", "--target", "reference", "--only", "nothing-matches");
        assertEquals(ExitCode.CHECK_FAILED, run.exitCode());
        assertTrue(run.err().contains("no case ran"), run.err());
        assertTrue(run.out().contains("**FAIL**: no case ran."), run.out());
    }

    @Test
    @DisplayName("--report writes matrix.json (which merge reads back), matrix.md and Allure's environment files")
    void reportFiles() throws IOException {
        FakeConform fake = fakeWithCorpus();
        Path report = dir.resolve("out/nested");
        fake.lowbit("conform", "--target", "reference", "--shard", "3/5", "--report", report.toString(), "--quiet").assertOk();
        ResultMatrix.Parsed parsed = ResultMatrix.parse(Files.readString(report.resolve("matrix.json")));
        assertEquals(new Shard(3, 5), parsed.shard());
        assertEquals(FakeConform.passing().cells(), parsed.matrix().cells());
        assertTrue(Files.readString(report.resolve("matrix.md")).contains("| reference | quantize | mxfp4 | ocp-mx-1.0 | 120 |"));
        Properties env = new Properties();
        try (var reader = Files.newBufferedReader(report.resolve("allure-results/environment.properties"), UTF_8)) {
            env.load(reader);
        }
        assertEquals("reference", env.getProperty("target"));
        assertTrue(env.getProperty("JDK").contains(System.getProperty("java.runtime.version")), env.toString());
        assertTrue(env.getProperty("OS").contains(System.getProperty("os.arch")), env.toString());
        assertTrue(env.getProperty("CPU").contains("hardware threads"), env.toString());
        assertTrue(Files.readString(report.resolve("allure-results/executor.json")).contains("\"name\" : \"lowbit\""));
    }

    @Test
    @DisplayName("a matrix.json that the run wrote itself is kept")
    void runsOwnMatrixIsKept() throws IOException {
        FakeConform fake = fakeWithCorpus();
        Path report = dir.resolve("out");
        fake.during = o -> {
            try {
                Files.writeString(report.resolve("matrix.json"), "written by the run");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        fake.lowbit("conform", "--target", "reference", "--report", report.toString()).assertOk();
        assertEquals("written by the run", Files.readString(report.resolve("matrix.json")));
        assertTrue(Files.exists(report.resolve("matrix.md")));
    }

    @Test
    @DisplayName("--report on a file is bad input")
    void reportOnAFile() throws IOException {
        FakeConform fake = fakeWithCorpus();
        Path file = Files.writeString(dir.resolve("f"), "x");
        fake.lowbit("conform", "--target", "reference", "--report", file.toString()).assertBadInput("exists and is not a directory");
    }

    @Test
    @DisplayName("--html with the generator missing: exit 3 and a clear error before anything runs, never a fake page")
    void generatorMissing() throws IOException {
        FakeConform fake = fakeWithCorpus();
        fake.allureHome = () -> {
            throw new AllureReport.GeneratorException("the Allure report generator is missing (looked in [x])");
        };
        Path report = dir.resolve("out");
        CliRun run = fake.lowbit("conform", "--target", "reference", "--report", report.toString(), "--html");
        assertEquals(ExitCode.INTERNAL_ERROR, run.exitCode());
        assertEquals("lowbit: error: the Allure report generator is missing (looked in [x])\n", run.err());
        assertTrue(fake.runs.isEmpty());
        assertFalse(Files.exists(report.resolve("allure-report")));
    }

    @Test
    @DisplayName("--list-targets prints every kind with its description on stdout")
    void listTargets() {
        FakeConform fake = new FakeConform();
        fake.providers = List.of(new FakeConform.Provider("cuda", false, "no GPU"), new FakeConform.Provider("process"),
                new FakeConform.Provider("reference"));
        CliRun run = fake.lowbit("conform", "--list-targets").assertOk();
        assertEquals("cuda\tfake cuda\t(not available here: no GPU)\nprocess:COMMAND\tfake process\nreference\tfake reference\n", run.out());
        assertTrue(fake.runs.isEmpty());
    }

    @Test
    @DisplayName("the real registry lists the built-in reference target")
    void realRegistry() {
        lowbit("conform", "--list-targets").assertOk().assertOutContains("reference\t");
    }

    @Test
    @DisplayName("end to end on the reference target (runs once the suite is merged): decode fp4_e2m1 passes, exit 0")
    void endToEndOnTheReference() {
        try {
            ConformanceRun.run(null);
        } catch (UnsupportedOperationException e) {
            Assumptions.abort("the suite (ConformanceRun.run) is not merged yet");
        } catch (RuntimeException e) {
            // a real run: it refuses null options
        }
        CliRun run = lowbit("conform", "--target", "reference", "--format", "fp4_e2m1", "--operation", "decode",
                "--report", dir.resolve("r").toString(), "--quiet");
        assertEquals(ExitCode.OK, run.exitCode(), run.err());
        run.assertOutContains("| reference | decode | fp4_e2m1 |", "**PASS**");
        assertTrue(Files.exists(dir.resolve("r/matrix.json")));
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
