package org.lowbit.harness.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.lowbit.conformance.target.TargetException;
import org.lowbit.harness.bench.BenchCase;
import org.lowbit.harness.bench.BenchReport;
import org.lowbit.harness.bench.BenchRunner;
import org.lowbit.harness.bench.Gates;
import org.lowbit.harness.cpu.CpuBackends;
import org.lowbit.harness.cpu.MxKernels;
import org.lowbit.harness.cuda.CudaBench;
import org.lowbit.harness.cuda.CudaTarget;
import org.lowbit.harness.cuda.CudaTargetProvider;
import org.lowbit.spec.BlockFormat;
import org.lowbit.spec.SourceFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lowbit bench}: the performance gates (DESIGN.md §6). Times the cpu-vector MX kernels against a
 * same-run memory copy and the scalar reference, prints a table, optionally writes JSON, and exits 1 when a
 * gate of the gates file fails.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
         description = "Times the cpu-vector kernels against a same-run memory copy and the scalar reference, and"
                       + " checks the performance gates (ratios to the copy).")
final class BenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--target", paramLabel = "NAME", defaultValue = "cpu-vector",
            description = "The target to time: cpu-vector (default) or cuda (the GPU gates of cuda-gates.json on a"
                          + " 16384×8192 bf16 tensor; --size, --threads, --only and --all are cpu-vector's).")
    String target;

    @Option(names = "--threads", paramLabel = "N",
            description = "Threads for the multi-threaded figures (default: every core). Gates are single-threaded.")
    Integer threads;

    @Option(names = "--size", paramLabel = "SIZE", defaultValue = "64MiB",
            description = "Input bytes per benchmark, e.g. 64MiB, 1GiB, 4096 (default ${DEFAULT-VALUE}).")
    String size;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the results as JSON to FILE.")
    Path json;

    @Option(names = "--gates", paramLabel = "FILE",
            description = "Gates file (default: the built-in harness gates.json).")
    Path gatesFile;

    @Option(names = "--repetitions", paramLabel = "N", defaultValue = "15",
            description = "Measured runs per benchmark; the median counts (default ${DEFAULT-VALUE}).")
    int repetitions;

    @Option(names = "--warmups", paramLabel = "N", defaultValue = "8",
            description = "Warm-up runs per benchmark (default ${DEFAULT-VALUE}).")
    int warmups;

    @Option(names = "--only", paramLabel = "TEXT",
            description = "Run only the benchmarks whose name contains TEXT (gates of the others then fail).")
    String only;

    @Option(names = "--all", description = "Also time bf16 and f16 sources and outputs and the other MX formats.")
    boolean all;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (target.equals("cuda")) {
            return cudaBench(out, err);
        }
        if (!target.equals("cpu-vector")) {
            throw new CliException("bench: target '" + target + "' has no benchmarks; only cpu-vector and cuda do");
        }
        if (repetitions < 1 || warmups < 0) {
            throw new CliException("bench: --repetitions must be ≥ 1 and --warmups ≥ 0");
        }
        long inputBytes = parseSize(size);
        int many = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (many < 1) {
            throw new CliException("bench: --threads must be ≥ 1, got " + many);
        }
        Gates gates;
        try {
            gates = gatesFile == null ? Gates.builtIn() : Gates.read(gatesFile);
        } catch (IllegalArgumentException e) {
            throw new CliException("bench: " + e.getMessage(), e);
        }
        MxKernels kernels = CpuBackends.kernels();
        BenchRunner runner = new BenchRunner(kernels, CpuBackends.scalar(), warmups, repetitions);
        List<BenchRunner.Result> results = new ArrayList<>();
        for (BenchCase c : cases()) {
            results.add(runner.run(c, inputBytes, 1, true));
            err.printf(Locale.ROOT, "lowbit: bench: %s, 1 thread done%n", c.name());
            if (many > 1) {
                results.add(runner.run(c, inputBytes, many, false));
            }
        }
        BenchReport report = new BenchReport(target, kernels.backend(), kernels.vectorBits(), inputBytes, results, gates,
                gatesFile == null ? "built-in gates.json" : gatesFile.toString());
        report.printTable(out);
        if (json != null) {
            Files.writeString(json, report.toJson());
        }
        if (!report.passed()) {
            err.println("lowbit: bench: a performance gate failed (see the gate column)");
            return ExitCode.CHECK_FAILED;
        }
        return ExitCode.OK;
    }

    /** {@code --target cuda}: {@link CudaBench} against its gates; a clean error where the target cannot run. */
    private int cudaBench(PrintWriter out, PrintWriter err) throws IOException {
        if (repetitions < 1) {
            throw new CliException("bench: --repetitions must be ≥ 1");
        }
        CudaTargetProvider provider = new CudaTargetProvider();
        if (!provider.available()) {
            throw new CliException("bench: target 'cuda' cannot run here (NOT_SUPPORTED): " + provider.unavailableReason());
        }
        Gates gates;
        try {
            gates = gatesFile == null ? CudaBench.builtInGates() : Gates.read(gatesFile);
        } catch (IllegalArgumentException e) {
            throw new CliException("bench: " + e.getMessage(), e);
        }
        CudaBench.Report report;
        try (CudaTarget cuda = (CudaTarget) provider.open("")) {
            report = CudaBench.run(cuda, gates, gatesFile == null ? "built-in cuda-gates.json" : gatesFile.toString(), repetitions);
        } catch (TargetException e) {
            throw new CliException("bench: target 'cuda' cannot run here (" + e.getClass().getSimpleName() + "): " + e.getMessage(), e);
        }
        report.printTable(out);
        if (json != null) {
            Files.writeString(json, report.toJson());
        }
        if (!report.passed()) {
            err.println("lowbit: bench: a performance gate failed (see the gate column)");
            return ExitCode.CHECK_FAILED;
        }
        return ExitCode.OK;
    }

    private List<BenchCase> cases() {
        List<BenchCase> cases = new ArrayList<>();
        List<BlockFormat> formats = all ? List.of(BlockFormat.MXFP8_E4M3, BlockFormat.MXFP4, BlockFormat.MXFP8_E5M2,
                BlockFormat.MXFP6_E3M2, BlockFormat.MXFP6_E2M3, BlockFormat.MXINT8) : List.of(BlockFormat.MXFP8_E4M3, BlockFormat.MXFP4);
        List<SourceFormat> precisions = all ? List.of(SourceFormat.FP32, SourceFormat.BF16, SourceFormat.FP16) : List.of(SourceFormat.FP32);
        for (boolean quantize : new boolean[] {true, false}) {
            for (BlockFormat f : formats) {
                for (SourceFormat p : precisions) {
                    BenchCase c = new BenchCase(quantize, f, p);
                    if (only == null || c.name().contains(only)) {
                        cases.add(c);
                    }
                }
            }
        }
        return cases;
    }

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(|B|KiB|MiB|GiB)");

    /** {@code 64MiB} → 67108864; plain digits are bytes. */
    static long parseSize(String text) {
        Matcher m = SIZE.matcher(text.trim());
        if (!m.matches()) {
            throw new CliException("bench: --size '" + text + "' is not a size (digits with B, KiB, MiB or GiB)");
        }
        long n = Long.parseLong(m.group(1));
        long bytes = switch (m.group(2)) {
            case "KiB" -> n << 10;
            case "MiB" -> n << 20;
            case "GiB" -> n << 30;
            default -> n;
        };
        if (bytes < 4096 || bytes > (1L << 31)) {
            throw new CliException("bench: --size must be between 4KiB and 2GiB, got " + text);
        }
        return bytes;
    }
}
