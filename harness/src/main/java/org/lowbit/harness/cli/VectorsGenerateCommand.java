package org.lowbit.harness.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.lowbit.vectors.Level;
import org.lowbit.vectors.VectorSets;
import org.lowbit.vectors.generate.VectorGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lowbit vectors generate --out DIR [--level 1|2|exhaustive] [--format F,...] [--profile P,...]}: writes a
 * vector set, the same bytes every time. A directory that already holds a set is replaced file by file; any
 * other non-empty directory is refused.
 */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
         description = {"Writes a golden vector set: JSON files, text twins, manifest.json and SHA256SUMS.",
                        "The committed set is level 1: ./lowbit vectors generate --out vectors/golden --level 1"})
final class VectorsGenerateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "The directory of the set.")
    Path out;

    @Option(names = "--level", paramLabel = "LEVEL", defaultValue = "1",
            description = "1 (default), 2 or exhaustive (every bf16 and f16 input; large: filter it).")
    String level;

    @Option(names = "--format", paramLabel = "ID", split = ",",
            description = "Element, block or scaled format ids to keep (repeatable, comma-separated), u8 for the"
                          + " scale-pack file, b1..b8 for the weight-pack files; default all.")
    List<String> formats = List.of();

    @Option(names = "--profile", paramLabel = "ID", split = ",",
            description = "Element, block or scaled profile ids to keep; default all. With a profile, the decode,"
                          + " pack, scale-pack and weight-pack files (which have none) are left out.")
    List<String> profiles = List.of();

    @Override
    public Integer call() {
        VectorGenerator.Request request;
        try {
            request = new VectorGenerator.Request(Level.byId(level), new LinkedHashSet<>(formats),
                    new LinkedHashSet<>(profiles));
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
        if (VectorGenerator.paths(request).isEmpty()) {
            throw new CliException("no vector file matches --format " + formats + " --profile " + profiles
                                   + " at level " + level);
        }
        long start = System.nanoTime();
        VectorSets.Manifest manifest;
        try {
            VectorSets.Writer writer = VectorSets.writer(out, request.level());
            VectorGenerator.forEach(request, writer::add);
            manifest = writer.finish();
        } catch (IOException e) {
            throw new CliException("cannot write the vector set to " + out + ": " + e.getMessage(), e);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        PrintWriter o = spec.commandLine().getOut();
        o.printf(Locale.ROOT, "wrote %d files (%d vector files, %d tests, %d bytes) and the manifest to %s in %.1f s%n",
                manifest.files().size(), manifest.files().size() / 2, manifest.numberOfTests(), manifest.bytes(), out,
                seconds);
        return ExitCode.OK;
    }
}
