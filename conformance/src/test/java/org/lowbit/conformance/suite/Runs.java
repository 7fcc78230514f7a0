package org.lowbit.conformance.suite;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.lowbit.conformance.run.ConformanceRun;
import org.lowbit.vectors.Level;
import org.lowbit.conformance.run.ProgressListener;
import org.lowbit.conformance.run.RunOptions;
import org.lowbit.conformance.run.RunReport;
import org.lowbit.conformance.run.Shard;
import org.lowbit.conformance.target.Operation;

/** Run options for the suite's own tests. */
final class Runs {
    private Runs() {}

    static Path golden() {
        String root = System.getProperty("lowbit.repo.root", "..");
        return Path.of(root).resolve("vectors/golden");
    }

    static RunOptions options(String target, Set<String> formats, Set<String> profiles, Set<Operation> ops) {
        return new RunOptions(target, formats, profiles, ops, Level.ONE, golden(), Optional.empty(), Shard.ALL,
                Duration.ofSeconds(30), 0x5EEDL, Set.of(), Optional.empty(), ProgressListener.NONE);
    }

    static RunReport run(RunOptions o) {
        return ConformanceRun.run(o);
    }
}
