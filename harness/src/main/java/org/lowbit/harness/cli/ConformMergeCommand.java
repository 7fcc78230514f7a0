package org.lowbit.harness.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.lowbit.conformance.run.ResultMatrix;
import org.lowbit.conformance.run.Shard;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code lowbit conform merge DIR…}: sums the result matrices ({@code matrix.json}) of the shards of one run,
 * or of runs on several targets, prints the merged Markdown matrix, and exits 0 only if it passed.
 *
 * <p>It refuses (exit 2), naming the file: a corrupt or missing {@code matrix.json}, the same file twice,
 * matrices of different suite versions, and an incomplete set of shards (of N shards, each of 1..N must come
 * the same number of times) — a lost shard must not pass unnoticed.
 */
@Command(name = "merge", mixinStandardHelpOptions = true,
         description = {"Merges the result matrices (matrix.json) of the shards of a run, prints the merged matrix (Markdown).",
                        "Exit 0 only if the merged matrix passed; 2 for a corrupt, missing or inconsistent input."})
final class ConformMergeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "DIR",
                description = "Report directories of the shards (each holding matrix.json), or matrix.json files.")
    List<Path> inputs;

    @Option(names = "--report", paramLabel = "DIR", description = "Write the merged matrix.json and matrix.md here.")
    Path reportDir;

    @Option(names = "--html", description = "Also make one Allure HTML report, DIR/allure-report/index.html, from the"
                                           + " allure-results of every input directory (needs --report).")
    boolean html;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (html && reportDir == null) {
            throw new CliException("--html needs --report DIR (the HTML report goes to DIR/allure-report)");
        }
        List<Path> files = new ArrayList<>();
        List<Path> allureResults = new ArrayList<>();
        Map<Path, Path> seen = new HashMap<>();
        for (Path input : inputs) {
            Path file = Files.isDirectory(input) ? input.resolve("matrix.json") : input;
            if (!Files.isRegularFile(file)) {
                throw new CliException("merge: no result matrix at " + file
                        + (Files.isDirectory(input) ? " (a shard's --report directory holds matrix.json)" : ""));
            }
            Path real = file.toRealPath();
            Path earlier = seen.putIfAbsent(real, file);
            if (earlier != null) {
                throw new CliException("merge: " + file + " is given twice (also as " + earlier + ")");
            }
            files.add(file);
            if (Files.isDirectory(input.resolve("allure-results"))) {
                allureResults.add(input.resolve("allure-results"));
            }
        }
        if (html && allureResults.isEmpty()) {
            throw new CliException("--html: no input directory holds allure-results/ (give the shards' --report directories)");
        }
        Path allureHome = null;
        if (html) {
            try {
                allureHome = AllureReport.generatorHome();
            } catch (AllureReport.GeneratorException e) {
                err.println("lowbit: error: " + e.getMessage());
                return ExitCode.INTERNAL_ERROR;
            }
        }

        List<ResultMatrix.Parsed> parts = new ArrayList<>();
        for (Path file : files) {
            try {
                parts.add(ResultMatrix.parse(utf8(BinaryFiles.read(file, "merge input"), file)));
            } catch (IllegalArgumentException e) {
                throw new CliException("merge: " + file + " is not a valid result matrix: " + e.getMessage(), e);
            }
        }
        checkSameSuiteVersion(files, parts);
        checkCompleteShards(files, parts);

        ResultMatrix merged = ResultMatrix.merge(parts.stream().map(ResultMatrix.Parsed::matrix).toList());
        String markdown = merged.toMarkdown();
        out.print(markdown);
        out.flush();
        if (reportDir != null) {
            if (Files.exists(reportDir) && !Files.isDirectory(reportDir)) {
                throw new CliException("--report: " + reportDir + " exists and is not a directory");
            }
            Files.createDirectories(reportDir);
            BinaryFiles.writeAllAtomically(List.of(
                    new BinaryFiles.Output("--report", reportDir.resolve("matrix.json"),
                            merged.toJson(parts.getFirst().suiteVersion(), Shard.ALL).getBytes(UTF_8)),
                    new BinaryFiles.Output("--report", reportDir.resolve("matrix.md"), markdown.getBytes(UTF_8))));
            if (html) {
                try {
                    Path index = AllureReport.generate(allureHome, allureResults, reportDir.resolve("allure-report"));
                    err.println("lowbit: Allure report: " + index);
                } catch (AllureReport.GeneratorException e) {
                    err.println("lowbit: error: " + e.getMessage());
                    return ExitCode.INTERNAL_ERROR;
                }
            }
        }
        if (merged.isEmpty()) {
            err.println("lowbit: conform merge: the merged matrix is empty: no case ran");
            return ExitCode.CHECK_FAILED;
        }
        return merged.passed() ? ExitCode.OK : ExitCode.CHECK_FAILED;
    }

    private static String utf8(byte[] bytes, Path file) {
        try {
            return UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new CliException("merge: " + file + " is not a valid result matrix: not UTF-8 text", e);
        }
    }

    private static void checkSameSuiteVersion(List<Path> files, List<ResultMatrix.Parsed> parts) {
        Map<String, List<Path>> byVersion = new TreeMap<>();
        for (int i = 0; i < parts.size(); i++) {
            byVersion.computeIfAbsent(parts.get(i).suiteVersion(), v -> new ArrayList<>()).add(files.get(i));
        }
        if (byVersion.size() > 1) {
            throw new CliException("merge: the matrices come from different suite versions: " + byVersion.entrySet().stream()
                    .map(e -> e.getKey() + " (" + e.getValue().stream().map(Path::toString).collect(Collectors.joining(", ")) + ")")
                    .collect(Collectors.joining("; ")));
        }
    }

    /** For each shard count N > 1, every index 1..N comes equally often (once per sharded run). */
    private static void checkCompleteShards(List<Path> files, List<ResultMatrix.Parsed> parts) {
        Map<Integer, Map<Integer, Integer>> counts = new TreeMap<>();
        for (ResultMatrix.Parsed p : parts) {
            if (p.shard().count() > 1) {
                counts.computeIfAbsent(p.shard().count(), n -> new TreeMap<>()).merge(p.shard().index(), 1, Integer::sum);
            }
        }
        counts.forEach((n, indexCounts) -> {
            int runs = indexCounts.values().stream().mapToInt(Integer::intValue).max().orElse(0);
            List<String> missing = new ArrayList<>();
            for (int i = 1; i <= n; i++) {
                int have = indexCounts.getOrDefault(i, 0);
                if (have < runs) {
                    missing.add(i + "/" + n + (runs > 1 ? " (" + have + " of " + runs + ")" : ""));
                }
            }
            if (!missing.isEmpty()) {
                String given = files.stream().filter(f -> parts.get(files.indexOf(f)).shard().count() == n)
                        .map(f -> f + " = " + parts.get(files.indexOf(f)).shard()).collect(Collectors.joining(", "));
                throw new CliException("merge: shards missing: " + String.join(", ", missing) + "; given: " + given);
            }
        });
    }
}
