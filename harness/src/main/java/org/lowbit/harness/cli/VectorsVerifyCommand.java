package org.lowbit.harness.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.lowbit.vectors.VectorFormatException;
import org.lowbit.vectors.verify.ReferenceResults;
import org.lowbit.vectors.verify.Verifier;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lowbit vectors verify --vectors DIR --results DIR}: compares another implementation's results
 * (vectors/FORMAT.md §8) with the set and prints each mismatch with its fields decoded. Exit 0 when every
 * tested file matches, 1 on a mismatch or a missing result line, 2 on malformed input.
 *
 * <p>{@code --write-results DIR} instead writes the lowbit reference's own results for the set, computed by
 * running the reference on every input: a known-good results directory to test {@code verify} with.
 */
@Command(name = "verify", mixinStandardHelpOptions = true, sortOptions = false,
         description = {"Checks results written by another implementation against a vector set.",
                        "Results: for each P.json, a text file P.results with lines '<tcId> <actual-hex>'."})
final class VectorsVerifyCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--vectors", required = true, paramLabel = "DIR", description = "The vector set.")
    Path vectors;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Mode mode;

    static final class Mode {
        @Option(names = "--results", paramLabel = "DIR", description = "The results to check.")
        Path results;

        @Option(names = "--write-results", paramLabel = "DIR",
                description = "Write the lowbit reference's results for the set into DIR instead of checking.")
        Path writeResults;
    }

    @Override
    public Integer call() {
        PrintWriter o = spec.commandLine().getOut();
        try {
            if (mode.writeResults != null) {
                int n = ReferenceResults.write(vectors, mode.writeResults);
                o.printf(Locale.ROOT, "wrote the reference's results for %d vector files to %s%n", n, mode.writeResults);
                return ExitCode.OK;
            }
            Verifier.Report report = Verifier.verify(vectors, mode.results);
            for (Verifier.Mismatch m : report.mismatches()) {
                o.println("MISMATCH " + m.report());
            }
            for (String f : report.untested()) {
                o.println("untested: " + f + " (no results file)");
            }
            long failed = report.mismatches().size();
            o.printf(Locale.ROOT, "verify: %d of %d tests pass in %d files; %d mismatches; %d vector files untested%n",
                    report.tests() - failed, report.tests(), report.checkedFiles().size(), failed,
                    report.untested().size());
            return report.ok() ? ExitCode.OK : ExitCode.CHECK_FAILED;
        } catch (VectorFormatException e) {
            throw new CliException(e.getMessage(), e);
        } catch (IOException e) {
            throw new CliException("I/O error: " + e.getMessage(), e);
        }
    }
}
