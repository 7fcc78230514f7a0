package org.lowbit.conformance.run;

import io.qameta.allure.Allure;
import io.qameta.allure.AllureLifecycle;
import io.qameta.allure.FileSystemResultsWriter;
import io.qameta.allure.junitplatform.AllureJunitPlatform;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.EngineFilter;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherConfig;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.reporting.legacy.xml.LegacyXmlReportGeneratingListener;
import org.lowbit.conformance.suite.SuiteRunner;
import org.lowbit.conformance.suite.RunContext;

/**
 * Runs the suite on one target through the JUnit Platform Launcher and collects the result matrix and
 * the reports.
 */
public final class ConformanceRun {
    private ConformanceRun() {}

    /**
     * Runs everything the target claims that the options keep: opens the target, reads its manifest and the
     * vector corpus, builds the suite's dynamic tests, runs {@code ConformanceSuite} through the Launcher (with the
     * Allure and JUnit XML listeners when a report directory is set) and writes {@code matrix.json},
     * {@code matrix.md} and {@code manifest.json}.
     *
     * @throws IllegalArgumentException for an unknown target, format, profile or a bad option
     */
    public static RunReport run(RunOptions options) {
        RunContext ctx = SuiteRunner.prepare(options, UUID.randomUUID().toString(), LocalDate.now(ZoneOffset.UTC));
        Optional<Path> junit = options.reportDir().map(d -> d.resolve("junit"));
        Optional<Path> allure = options.reportDir().map(d -> d.resolve("allure-results"));
        AllureLifecycle previous = Allure.getLifecycle();
        try {
            options.progress().started(SuiteRunner.plan(ctx));
            Launcher launcher = LauncherFactory.create(LauncherConfig.builder()
                    .enableTestExecutionListenerAutoRegistration(false).build());
            LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                    .selectors(DiscoverySelectors.selectClass(org.lowbit.conformance.suite.ConformanceSuite.class))
                    .filters(EngineFilter.includeEngines("junit-jupiter"))
                    .configurationParameter(RunContext.RUN_ID, ctx.runId())
                    .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "false")
                    .configurationParameter("junit.jupiter.execution.parallel.enabled", "false")
                    .build();
            List<TestExecutionListener> listeners = new ArrayList<>();
            listeners.add(new SuiteErrors(ctx));
            if (junit.isPresent()) {
                Files.createDirectories(junit.get());
                listeners.add(new LegacyXmlReportGeneratingListener(junit.get(),
                        new PrintWriter(System.err, true, StandardCharsets.UTF_8)));
            }
            if (allure.isPresent()) {
                Files.createDirectories(allure.get());
                AllureLifecycle lifecycle = new AllureLifecycle(new TestResultsOnly(new FileSystemResultsWriter(allure.get())));
                Allure.setLifecycle(lifecycle);
                listeners.add(new AllureJunitPlatform(lifecycle));
            }
            launcher.execute(request, listeners.toArray(TestExecutionListener[]::new));
            ResultMatrix matrix = ctx.recorder().matrix();
            if (options.reportDir().isPresent()) {
                writeReports(options.reportDir().get(), ctx, matrix, options.shard());
            }
            return new RunReport(matrix, ctx.recorder().failures(), junit, allure);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the reports: " + e.getMessage(), e);
        } finally {
            Allure.setLifecycle(previous);
            RunContext.unregister(ctx.runId());
            try {
                ctx.target().close();
            } finally {
                options.progress().finished();
            }
        }
    }

    private static void writeReports(Path dir, RunContext ctx, ResultMatrix matrix, Shard shard) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("manifest.json"), ctx.manifest().toJson());
        try {
            Files.writeString(dir.resolve("matrix.json"), matrix.toJson(org.lowbit.vectors.VectorFile.SUITE_VERSION, shard));
            Files.writeString(dir.resolve("matrix.md"), matrix.toMarkdown());
        } catch (UnsupportedOperationException e) {
            // ResultMatrix's JSON and Markdown come with helper B's branch; until then only manifest.json is written
        }
    }

    /**
     * Writes test results and attachments, and only those containers that hold fixtures: allure-junit-platform
     * writes a container for every test and for every dynamic container (listing all its children), which for the
     * 100,000 tests of a level-1 run is half the files and most of the bytes, and carries nothing the report shows.
     */
    private record TestResultsOnly(io.qameta.allure.AllureResultsWriter delegate) implements io.qameta.allure.AllureResultsWriter {
        @Override
        public void write(io.qameta.allure.model.TestResult result) {
            delegate.write(result);
        }

        @Override
        public void write(io.qameta.allure.model.TestResultContainer container) {
            if (!container.getBefores().isEmpty() || !container.getAfters().isEmpty()) {
                delegate.write(container);
            }
        }

        @Override
        public void write(String source, java.io.InputStream attachment) {
            delegate.write(source, attachment);
        }
    }

    /**
     * Turns an error of the suite itself (a test factory or a dynamic test that threw something other than the
     * failure it reports) into a FAIL case, so that a broken suite can never pass a run.
     */
    private static final class SuiteErrors implements TestExecutionListener {
        private final RunContext ctx;

        SuiteErrors(RunContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void executionFinished(TestIdentifier id, TestExecutionResult result) {
            if (result.getStatus() != TestExecutionResult.Status.FAILED) {
                return;
            }
            Throwable t = result.getThrowable().orElse(null);
            if (t instanceof org.opentest4j.AssertionFailedError) {
                return;
            }
            StringWriter trace = new StringWriter();
            if (t != null) {
                t.printStackTrace(new PrintWriter(trace));
            }
            MatrixKey cell = new MatrixKey(ctx.targetName(), "suite", "-", "-");
            ctx.recorder().record(org.lowbit.conformance.suite.Verdict.of(cell, "suite/" + id.getDisplayName(), Outcome.FAIL,
                    "the suite itself failed in '" + id.getDisplayName() + "': " + trace), id.getDisplayName());
        }
    }

}
