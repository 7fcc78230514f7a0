package org.lowbit.harness.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.lowbit.conformance.run.CaseResult;
import org.lowbit.conformance.run.ConformanceRun;
import org.lowbit.vectors.Level;
import org.lowbit.conformance.run.Outcome;
import org.lowbit.conformance.run.ProgressListener;
import org.lowbit.conformance.run.RunOptions;
import org.lowbit.conformance.run.RunReport;
import org.lowbit.conformance.run.Shard;
import org.lowbit.conformance.target.Capability;
import org.lowbit.conformance.target.Operation;
import org.lowbit.conformance.target.TargetProvider;
import org.lowbit.conformance.target.Targets;
import org.lowbit.spec.BlockFormat;
import org.lowbit.spec.BlockProfile;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.ElementProfile;
import org.lowbit.spec.ScaledFormat;
import org.lowbit.spec.ScaledProfile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lowbit conform}: runs the conformance suite (DESIGN.md §5, issue 5) on one target, prints the
 * result matrix as Markdown on stdout, the first failures in full on stderr, writes the reports, and exits
 * 0 only if everything the target claimed passed (1 if not, 2 on bad usage, 3 on an internal error).
 */
@Command(name = "conform", mixinStandardHelpOptions = true, subcommands = ConformMergeCommand.class,
         description = {"Runs the conformance suite on a target and prints the result matrix (Markdown) on stdout.",
                        "Exit 0: everything the target claimed passed; 1: a case failed, crashed or timed out,"
                        + " or nothing ran; 2: bad usage or input; 3: internal error.",
                        "With no --target it runs the built-in CPU target (cpu-vector), or reference where that is missing."})
final class ConformCommand implements Callable<Integer> {

    /** How many failures are printed in full on stderr; the reports hold the rest. */
    static final int FAILURES_SHOWN = 20;

    /** The target kind preferred when none is given, then the fallback. */
    static final List<String> DEFAULT_TARGETS = List.of("cpu-vector", "reference");

    /** What the command runs against; tests replace the runner and the environment. */
    record Context(Function<RunOptions, RunReport> runner, Supplier<List<TargetProvider>> providers,
                   BooleanSupplier stderrIsTerminal, LongSupplier nanoClock, Supplier<Path> repoRoot,
                   Supplier<Path> allureHome) {
        static Context real() {
            return new Context(ConformanceRun::run, Targets::providers, Progress::stderrIsTerminal, System::nanoTime,
                    ConformCommand::repoRoot, AllureReport::generatorHome);
        }
    }

    private final Context context;

    @Spec
    CommandSpec spec;

    @Option(names = "--target", paramLabel = "NAME",
            description = "The target: a built-in kind (see --list-targets) or process:COMMAND. Default: cpu-vector,"
                          + " else reference.")
    String targetSpec;

    @Option(names = "--format", paramLabel = "F", split = ",",
            description = "Formats to keep, comma-separated (element, block or scaled format ids; default: every claimed one).")
    List<String> formatIds = List.of();

    @Option(names = "--profile", paramLabel = "P", split = ",",
            description = "Profiles to keep, comma-separated (default: every claimed one).")
    List<String> profileIds = List.of();

    @Option(names = "--operation", paramLabel = "O", split = ",",
            description = "Operations to keep, comma-separated: encode, decode, quantize, dequantize, scaled-quantize,"
                          + " scaled-dequantize (default: every claimed one).")
    List<String> operationIds = List.of();

    @Option(names = "--level", paramLabel = "1|2|exhaustive", defaultValue = "1",
            description = "How much to run: 1 (the committed vectors, sweeps, properties), 2 (adds level-2 vectors, 10x the"
                          + " property trials), exhaustive (adds every f32 pattern, encoded per claimed element format and"
                          + " profile, and quantized in anchored blocks per claimed MX format and profile)"
                          + " (default ${DEFAULT-VALUE}).")
    String levelId;

    @Option(names = "--vectors", paramLabel = "DIR",
            description = "The golden-vector corpus (default: vectors/golden in the lowbit checkout). A missing corpus is an error.")
    Path vectorsDir;

    @Option(names = "--report", paramLabel = "DIR",
            description = "Write the reports here: junit/ (JUnit XML), allure-results/, matrix.json, matrix.md.")
    Path reportDir;

    @Option(names = "--html", description = "Also make the Allure HTML report, DIR/allure-report/index.html (needs --report).")
    boolean html;

    @Option(names = "--shard", paramLabel = "I/N", defaultValue = "1/1",
            description = "Run only the deterministic I-th of N slices of the cases (default ${DEFAULT-VALUE}); merge with 'conform merge'.")
    String shardText;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "0",
            description = "The property tests' seed, decimal or 0x-hex (default ${DEFAULT-VALUE}).")
    String seedText;

    @Option(names = "--only", paramLabel = "CASE", split = ",",
            description = "Keep only these case ids or globs (failures print the id that reproduces them).")
    List<String> only = List.of();

    @Option(names = "--waivers", paramLabel = "FILE",
            description = "Known failures: [{\"case\": GLOB, \"reason\": TEXT, \"expires\": \"YYYY-MM-DD\"}] (docs/ci.md).")
    Path waivers;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "The longest a target may take to answer one request before it counts as TIMEOUT (default ${DEFAULT-VALUE}).")
    String timeoutText;

    @Option(names = "--quiet", description = "No progress line and no notes on stderr (failures and errors still print).")
    boolean quiet;

    @Option(names = "--list-targets", description = "List the target kinds on stdout and exit.")
    boolean listTargets;

    ConformCommand() {
        this(Context.real());
    }

    /** @param context the runner and environment (tests pass fakes) */
    ConformCommand(Context context) {
        this.context = context;
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<TargetProvider> providers = context.providers().get();
        if (listTargets) {
            providers.forEach(p -> out.println(p.kind() + (p.kind().equals("process") ? ":COMMAND" : "") + "\t"
                    + p.description() + (p.available() ? "" : "\t(not available here: " + p.unavailableReason() + ")")));
            return ExitCode.OK;
        }
        String target = targetSpec == null ? defaultTarget(providers) : checkedTarget(targetSpec, providers);
        Level level = parse(Level::byId, levelId, "--level");
        Shard shard = parse(Shard::parse, shardText, "--shard");
        long seed = parseSeed(seedText);
        Duration timeout = parseTimeout(timeoutText);
        Set<String> formats = checkedIds("format", formatIds, knownFormats());
        Set<String> profiles = checkedIds("profile", profileIds, knownProfiles());
        Set<Operation> operations = new LinkedHashSet<>();
        operationIds.forEach(id -> operations.add(parse(Operation::byId, id, "--operation")));
        Set<String> onlyCases = new LinkedHashSet<>();
        for (String c : only) {
            if (c.isBlank()) {
                throw new CliException("--only: an empty case id");
            }
            onlyCases.add(c.strip());
        }
        Path vectors = vectorsDir != null ? vectorsDir : context.repoRoot().get().resolve("vectors").resolve("golden");
        if (!Files.isDirectory(vectors)) {
            throw new CliException("no golden-vector corpus at " + vectors + (vectorsDir == null
                    ? " (the lowbit checkout's vectors/golden; give one with --vectors DIR)" : " (--vectors)"));
        }
        if (waivers != null && !Files.isRegularFile(waivers)) {
            throw new CliException("--waivers: no such file: " + waivers);
        }
        if (html && reportDir == null) {
            throw new CliException("--html needs --report DIR (the HTML report goes to DIR/allure-report)");
        }
        Path allureHome = null;
        if (html) {
            try {
                allureHome = context.allureHome().get();
            } catch (AllureReport.GeneratorException e) {
                return internalError(err, e.getMessage());
            }
        }
        if (reportDir != null) {
            if (Files.exists(reportDir) && !Files.isDirectory(reportDir)) {
                throw new CliException("--report: " + reportDir + " exists and is not a directory");
            }
            Files.createDirectories(reportDir);
        }

        if (targetSpec == null && !quiet) {
            err.println("lowbit: conform: no --target given; checking the built-in '" + target + "' target");
        }
        ProgressListener progress = Progress.forStderr(quiet, context.stderrIsTerminal(), err, context.nanoClock());
        RunOptions options = new RunOptions(target, formats, profiles, operations, level, vectors,
                Optional.ofNullable(reportDir), shard, timeout, seed, onlyCases, Optional.ofNullable(waivers), progress);
        RunReport report;
        try {
            report = context.runner().apply(options);
        } catch (IllegalArgumentException e) { // the run's contract: an unknown name or a bad option
            throw new CliException(e.getMessage(), e);
        } finally {
            progress.finished();
        }

        out.print(report.matrix().toMarkdown());
        out.flush();
        printFailures(report, err);
        if (reportDir != null) {
            writeMatrixFiles(report, reportDir, shard);
            Path results = report.allureResults().orElse(reportDir.resolve("allure-results"));
            AllureReport.writeEnvironment(results, target, commandLine(target));
            if (html) {
                try {
                    Path index = AllureReport.generate(allureHome, results, reportDir.resolve("allure-report"));
                    if (!quiet) {
                        err.println("lowbit: Allure report: " + index);
                    }
                } catch (AllureReport.GeneratorException e) {
                    return internalError(err, e.getMessage());
                }
            }
        }
        if (report.matrix().isEmpty()) {
            err.println("lowbit: conform: no case ran: the filters keep nothing that target '" + target + "' claims");
            return ExitCode.CHECK_FAILED;
        }
        return report.passed() ? ExitCode.OK : ExitCode.CHECK_FAILED;
    }

    private static int internalError(PrintWriter err, String message) {
        err.println("lowbit: error: " + message);
        return ExitCode.INTERNAL_ERROR;
    }

    /** The first failures with their full messages and reproduce commands. */
    private static void printFailures(RunReport report, PrintWriter err) {
        long failing = Stream.of(Outcome.values()).filter(Outcome::failsRun).mapToLong(report.matrix()::total).sum();
        if (failing == 0) {
            return;
        }
        String counts = Stream.of(Outcome.values()).filter(Outcome::failsRun).filter(o -> report.matrix().total(o) > 0)
                .map(o -> o.name() + " " + report.matrix().total(o)).collect(Collectors.joining(", "));
        List<CaseResult> shown = report.failures().stream().limit(FAILURES_SHOWN).toList();
        err.println("lowbit: conform: " + failing + " failing case" + (failing == 1 ? "" : "s") + " (" + counts + ")"
                + (shown.isEmpty() ? "" : "; " + (shown.size() == failing ? "all" : "the first " + shown.size()) + " in full:"));
        for (CaseResult f : shown) {
            var k = f.cell();
            err.println();
            err.println("--- " + f.outcome() + " " + f.caseId() + "  [" + k.target() + " × " + k.operation() + " × "
                    + k.format() + " × " + k.profile() + "]");
            f.message().lines().forEach(line -> err.println("    " + line));
            if (!f.reproduce().isEmpty()) {
                err.println("    reproduce: " + f.reproduce());
            }
        }
        if (!shown.isEmpty()) {
            err.println();
        }
    }

    /** matrix.json and matrix.md, unless the run wrote them already. */
    private static void writeMatrixFiles(RunReport report, Path dir, Shard shard) throws IOException {
        Path json = dir.resolve("matrix.json");
        if (!Files.exists(json)) {
            BinaryFiles.writeAtomically(json, report.matrix().toJson(suiteVersion(), shard).getBytes(UTF_8), "--report");
        }
        Path md = dir.resolve("matrix.md");
        if (!Files.exists(md)) {
            BinaryFiles.writeAtomically(md, report.matrix().toMarkdown().getBytes(UTF_8), "--report");
        }
    }

    /** The version written into matrix.json: the jar's, or {@code development}. */
    static String suiteVersion() {
        String v = ConformCommand.class.getPackage().getImplementationVersion();
        return v == null ? "development" : v;
    }

    private String commandLine(String target) {
        return "lowbit conform --target " + target + (shardText.equals("1/1") ? "" : " --shard " + shardText)
                + " --level " + levelId;
    }

    /** cpu-vector where it is registered and available, else reference. */
    private static String defaultTarget(List<TargetProvider> providers) {
        for (String kind : DEFAULT_TARGETS) {
            Optional<TargetProvider> p = providers.stream().filter(x -> x.kind().equals(kind)).findFirst();
            if (p.isPresent() && p.get().available()) {
                return kind;
            }
        }
        throw new CliException("no --target given and no built-in target (" + String.join(", ", DEFAULT_TARGETS)
                + ") is available; known: " + kinds(providers));
    }

    /** The spec, if its kind is registered and can run here. */
    private static String checkedTarget(String target, List<TargetProvider> providers) {
        int colon = target.indexOf(':');
        String kind = colon < 0 ? target : target.substring(0, colon);
        String argument = colon < 0 ? "" : target.substring(colon + 1);
        TargetProvider provider = providers.stream().filter(p -> p.kind().equals(kind)).findFirst()
                .orElseThrow(() -> new CliException("unknown target '" + target + "'; known: " + kinds(providers)));
        if (kind.equals("process") && argument.isBlank()) {
            throw new CliException("--target process:COMMAND needs a command, e.g. process:./build/my-kernel");
        }
        if (!provider.available()) {
            throw new CliException("target '" + kind + "' cannot run here: " + provider.unavailableReason());
        }
        return target;
    }

    private static String kinds(List<TargetProvider> providers) {
        return providers.stream().map(p -> p.kind().equals("process") ? "process:COMMAND" : p.kind())
                .collect(Collectors.joining(", "));
    }

    private static Set<String> checkedIds(String what, List<String> ids, Set<String> known) {
        Set<String> kept = new LinkedHashSet<>();
        for (String id : ids) {
            if (!known.contains(id)) {
                throw new CliException("unknown " + what + " '" + id + "'; known: " + String.join(", ", known));
            }
            kept.add(id);
        }
        return kept;
    }

    /** Element, block and scaled format ids. */
    static Set<String> knownFormats() {
        Set<String> ids = new TreeSet<>();
        ElementFormat.all().forEach(f -> ids.add(f.id()));
        BlockFormat.all().forEach(f -> ids.add(f.id()));
        ScaledFormat.all().forEach(f -> ids.add(f.id()));
        return ids;
    }

    /** Element, block and scaled profile ids, and {@code none} (decode). */
    static Set<String> knownProfiles() {
        Set<String> ids = new TreeSet<>();
        Arrays.stream(ElementProfile.values()).forEach(p -> ids.add(p.id()));
        Arrays.stream(BlockProfile.values()).forEach(p -> ids.add(p.id()));
        Arrays.stream(ScaledProfile.values()).forEach(p -> ids.add(p.id()));
        ids.add(Capability.NO_PROFILE);
        return ids;
    }

    private static <T> T parse(Function<String, T> parser, String text, String option) {
        try {
            return parser.apply(text);
        } catch (IllegalArgumentException e) {
            String message = e.getMessage();
            throw new CliException(message.startsWith(option) ? message : option + ": " + message, e);
        }
    }

    static long parseSeed(String text) {
        String t = text.strip();
        try {
            if (t.startsWith("0x") || t.startsWith("0X")) {
                return Long.parseUnsignedLong(t.substring(2).replace("_", ""), 16);
            }
            return Long.parseLong(t);
        } catch (NumberFormatException e) {
            throw new CliException("--seed takes a whole number, decimal or 0x-hex (up to 64 bits), not '" + text + "'", e);
        }
    }

    static Duration parseTimeout(String text) {
        BigDecimal seconds;
        try {
            seconds = new BigDecimal(text.strip());
        } catch (NumberFormatException e) {
            throw new CliException("--timeout takes seconds, e.g. 60 or 0.5, not '" + text + "'", e);
        }
        if (seconds.signum() <= 0 || seconds.compareTo(BigDecimal.valueOf(86_400)) > 0) {
            throw new CliException("--timeout must be more than 0 and at most 86400 seconds, not " + text);
        }
        return Duration.ofNanos(seconds.movePointRight(9).longValue());
    }

    /**
     * The lowbit checkout: {@code -Dlowbit.repo.root}, else the directory three levels above the lowbit jar
     * ({@code ROOT/harness/target/lowbit-all.jar}) or above {@code harness/target/classes}, else the working directory.
     */
    static Path repoRoot() {
        String property = System.getProperty("lowbit.repo.root");
        if (property != null && !property.isBlank()) {
            return Path.of(property);
        }
        Optional<Path> root = AllureReport.harnessBuildDirectory().map(Path::getParent).map(Path::getParent);
        if (root.isPresent() && Files.isDirectory(root.get().resolve("vectors"))) {
            return root.get();
        }
        return Path.of("").toAbsolutePath();
    }
}
