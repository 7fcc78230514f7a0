package org.lowbit.harness.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.lowbit.vectors.lint.Linter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code lowbit vectors lint DIR}: the set is intact (manifest, SHA256SUMS, sizes, checksums), every file is
 * valid against the JSON Schema and reads strictly, tcIds are unique and in order, numberOfTests is right,
 * every flag has a note and every note is used, and every file and text twin is canonical. Exit 1 on any
 * problem.
 */
@Command(name = "lint", mixinStandardHelpOptions = true,
         description = "Checks a vector set: schema, checksums, tcIds, counts, notes, canonical form.")
final class VectorsLintCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "The vector set's directory.")
    Path dir;

    @Override
    public Integer call() {
        if (!Files.isDirectory(dir)) {
            throw new CliException(dir + " is not a directory");
        }
        Linter.Report report;
        try {
            report = new Linter().lint(dir);
        } catch (IOException e) {
            throw new CliException("cannot read " + dir + ": " + e.getMessage(), e);
        }
        PrintWriter o = spec.commandLine().getOut();
        report.problems().forEach(p -> o.println("lint: " + p));
        o.printf(Locale.ROOT, "lint: %d files, %d tests: %s%n", report.files(), report.tests(),
                report.ok() ? "OK" : report.problems().size() + " problems");
        return report.ok() ? ExitCode.OK : ExitCode.CHECK_FAILED;
    }
}
