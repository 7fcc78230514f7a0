package org.lowbit.conformance.suite;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.lowbit.vectors.VectorFile;
import org.lowbit.vectors.VectorFormatException;
import org.lowbit.vectors.VectorJsonReader;
import org.lowbit.vectors.VectorSets;
import org.lowbit.vectors.generate.VectorGenerator;

/**
 * The golden vectors a run uses: the set in {@code RunOptions.vectorsDir}, its manifest and every file's size
 * and SHA-256 checked ({@code VectorSets}), and at level 2 the level-2 files generated on the fly. A missing or
 * damaged set is not an error of the run but a FAIL of it: the problems are kept and reported as cases.
 *
 * @param files    relative path → file, for the files the run's claims need
 * @param problems what is wrong with the set, one message each (empty when it is intact)
 */
public record Corpus(Path dir, SortedMap<String, VectorFile> files, List<String> problems) {

    /**
     * Reads the set: checks every listed file (JSON and text twins) against the manifest and parses the JSON
     * files that {@code wanted} keeps (by their relative path).
     */
    public static Corpus read(Path dir, Predicate<String> wanted) {
        SortedMap<String, VectorFile> files = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            problems.add("the vector corpus " + dir + " is missing (no such directory); pass --vectors DIR or restore"
                         + " vectors/golden");
            return new Corpus(dir, files, problems);
        }
        VectorSets.Manifest manifest;
        try {
            manifest = VectorSets.readManifest(dir);
        } catch (VectorFormatException e) {
            problems.add("the vector corpus " + dir + " has no valid manifest: " + e.getMessage());
            return new Corpus(dir, files, problems);
        }
        for (VectorSets.Entry entry : manifest.files()) {
            try {
                byte[] bytes = VectorSets.readChecked(dir, entry);
                if (entry.path().endsWith(".json") && wanted.test(entry.path())) {
                    VectorFile f = VectorJsonReader.read(entry.path(), bytes);
                    if (f.numberOfTests() != entry.numberOfTests()) {
                        throw new VectorFormatException(entry.path() + ": numberOfTests is " + f.numberOfTests()
                                                        + ", the manifest says " + entry.numberOfTests());
                    }
                    files.put(entry.path(), f);
                }
            } catch (VectorFormatException e) {
                problems.add("vector corpus " + dir + ": " + e.getMessage());
            }
        }
        return new Corpus(dir, files, problems);
    }

    /** Adds the level-2 files of the kept formats, generated now (FORMAT.md §1), under {@code level2/}. */
    public Corpus withLevelTwo(Set<String> formats, Set<String> profiles, Predicate<String> wanted) {
        SortedMap<String, VectorFile> all = new TreeMap<>(files);
        VectorGenerator.Request request = new VectorGenerator.Request(org.lowbit.vectors.Level.TWO, formats, profiles);
        for (String path : VectorGenerator.paths(request)) {
            if (wanted.test(path)) {
                all.putAll(prefixed(VectorGenerator.generate(request), wanted));
                break;
            }
        }
        return new Corpus(dir, all, problems);
    }

    private static SortedMap<String, VectorFile> prefixed(SortedMap<String, VectorFile> files, Predicate<String> wanted) {
        SortedMap<String, VectorFile> out = new TreeMap<>();
        files.forEach((p, f) -> {
            if (wanted.test(p)) {
                out.put("level2/" + p, f);
            }
        });
        return out;
    }

    /** The file name of a relative path, the first part of a vector case id: {@code encode_fp8_e4m3_ocp.json}. */
    public static String fileName(String path) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        return path.startsWith("level2/") ? "level2/" + name : name;
    }
}
