package org.lowbit.harness.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import org.lowbit.conformance.run.CaseResult;
import org.lowbit.conformance.run.MatrixKey;
import org.lowbit.conformance.run.Outcome;
import org.lowbit.conformance.run.ResultMatrix;
import org.lowbit.conformance.run.RunOptions;
import org.lowbit.conformance.run.RunReport;
import org.lowbit.conformance.target.Target;
import org.lowbit.conformance.target.TargetProvider;
import picocli.CommandLine;

/**
 * {@code lowbit conform} with a canned run instead of the suite: it records the {@link RunOptions} the command
 * built and answers with a report the test chose, so the command line is tested without the suite.
 */
final class FakeConform {

    /** A target kind that opens nothing. */
    record Provider(String kind, boolean available, String unavailableReason) implements TargetProvider {
        Provider(String kind) {
            this(kind, true, "");
        }

        @Override
        public String description() { return "fake " + kind; }

        @Override
        public Target open(String argument) {
            throw new UnsupportedOperationException("fake provider");
        }
    }

    static final MatrixKey DECODE = new MatrixKey("reference", "decode", "fp4_e2m1", "none");
    static final MatrixKey QUANTIZE = new MatrixKey("reference", "quantize", "mxfp4", "ocp-mx-1.0");

    final List<RunOptions> runs = new ArrayList<>();
    List<TargetProvider> providers = List.of(new Provider("reference"));
    boolean terminal;
    Path repoRoot = Path.of("/nonexistent-lowbit-checkout");
    Function<RunOptions, RunReport> answer = options -> report(passing(), List.of());
    Consumer<RunOptions> during = options -> {};
    final AtomicLong nanos = new AtomicLong();
    java.util.function.Supplier<Path> allureHome = AllureReport::generatorHome;

    ConformCommand.Context context() {
        return new ConformCommand.Context(options -> {
            runs.add(options);
            during.accept(options);
            return answer.apply(options);
        }, () -> providers, () -> terminal, nanos::get, () -> repoRoot, () -> allureHome.get());
    }

    /** Runs {@code lowbit ARGS} in process with this fake behind {@code conform}. */
    CliRun lowbit(String... args) {
        ConformCommand.Context context = context();
        CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                return cls == ConformCommand.class ? cls.cast(new ConformCommand(context)) : CommandLine.defaultFactory().create(cls);
            }
        };
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = new LowbitCli(Map.of(), factory).execute(args, new PrintWriter(out), new PrintWriter(err));
        return new CliRun(exitCode, out.toString(), err.toString());
    }

    RunOptions lastRun() {
        return runs.getLast();
    }

    static ResultMatrix passing() {
        ResultMatrix m = new ResultMatrix();
        m.add(DECODE, Outcome.PASS, 16);
        m.add(QUANTIZE, Outcome.PASS, 120);
        return m;
    }

    static RunReport report(ResultMatrix matrix, List<CaseResult> failures) {
        return new RunReport(matrix, failures, java.util.Optional.empty(), java.util.Optional.empty());
    }
}
