package org.lowbit.conformance.run;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.lowbit.vectors.Level;
import org.lowbit.conformance.target.Operation;

/**
 * What one conformance run does.
 *
 * @param targetSpec     the target: {@code reference}, {@code cpu-vector}, {@code cuda}, {@code process:COMMAND}
 * @param formats        format ids to keep (element, block or scaled); empty keeps every claimed format
 * @param profiles       profile ids to keep; empty keeps every claimed profile
 * @param operations     operations to keep; empty keeps every claimed operation
 * @param level          how much to run, as the vector levels of vectors/FORMAT.md §1: {@code 1} runs the
 *                       committed golden set, the 16-bit element sweeps (exhaustive at every level) and the
 *                       property tests at their default trial counts; {@code 2} adds the level-2 vectors generated
 *                       on the fly and 10× the property trials; {@code exhaustive} adds to {@code 2} the
 *                       encode of all 2^32 FP32 patterns into every claimed format × profile (256 slices of
 *                       2^24, each one request)
 * @param vectorsDir     the golden set (a missing or unreadable corpus is a FAIL, never a skip)
 * @param reportDir      where reports go (JUnit XML, Allure results, matrix JSON and Markdown), or empty
 * @param shard          the slice of the run
 * @param requestTimeout the longest a target may take to answer one request (then TIMEOUT)
 * @param seed           the seed of the property tests (SplitMix64)
 * @param only           case ids (or globs over them, e.g. {@code quantize_mxfp4_ocp-mx-1.0.json#17}) to keep;
 *                       empty keeps every case. The reproduce commands of failures use it.
 * @param waivers        a waivers file, or empty
 * @param progress       progress for a terminal
 */
public record RunOptions(String targetSpec, Set<String> formats, Set<String> profiles, Set<Operation> operations,
                         Level level, Path vectorsDir, Optional<Path> reportDir, Shard shard, Duration requestTimeout,
                         long seed, Set<String> only, Optional<Path> waivers, ProgressListener progress) {
    public RunOptions {
        Objects.requireNonNull(targetSpec, "targetSpec");
        formats = Set.copyOf(formats);
        profiles = Set.copyOf(profiles);
        operations = Set.copyOf(operations);
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(vectorsDir, "vectorsDir");
        Objects.requireNonNull(reportDir, "reportDir");
        Objects.requireNonNull(shard, "shard");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        only = Set.copyOf(only);
        Objects.requireNonNull(waivers, "waivers");
        Objects.requireNonNull(progress, "progress");
    }
}
