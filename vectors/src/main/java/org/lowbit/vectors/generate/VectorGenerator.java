package org.lowbit.vectors.generate;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.lowbit.spec.BlockFormat;
import org.lowbit.spec.BlockProfile;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.ElementLayout;
import org.lowbit.spec.ElementProfile;
import org.lowbit.spec.ScaleLayout;
import org.lowbit.spec.WeightLayout;
import org.lowbit.spec.ScaledFormat;
import org.lowbit.spec.ScaledProfile;
import org.lowbit.vectors.Level;
import org.lowbit.vectors.ScalePackGroup;
import org.lowbit.vectors.WeightPackGroup;
import org.lowbit.vectors.VectorFile;

/**
 * Generates a vector set: the files of one level, for every element format × element profile (decode,
 * encode), every block format × block profile that supports it (quantize), and every element layout ×
 * element format it holds (pack), optionally filtered by format and profile ids. The same request always
 * gives the same files, byte for byte.
 *
 * <pre>{@code
 * SortedMap<String, VectorFile> files = VectorGenerator.generate(VectorGenerator.Request.of(Level.ONE));
 * VectorSets.write(dir, Level.ONE, files);
 * }</pre>
 *
 * Scaled formats (INT8 and INT4 with per-group scales) are not in v1.
 */
public final class VectorGenerator {
    private VectorGenerator() {}

    /**
     * What to generate.
     *
     * @param formats  element or block format ids to keep; empty keeps all
     * @param profiles element or block profile ids to keep; empty keeps all. Decode and pack files have no
     *                 profile and are kept only when this is empty.
     */
    public record Request(Level level, Set<String> formats, Set<String> profiles) {
        public Request {
            Objects.requireNonNull(level, "level");
            formats = Set.copyOf(formats);
            profiles = Set.copyOf(profiles);
            for (String f : formats) {
                if (ElementFormat.all().stream().noneMatch(e -> e.id().equals(f))
                    && BlockFormat.all().stream().noneMatch(e -> e.id().equals(f))
                    && !f.equals(ScalePackGroup.FORMAT) && !f.matches("b[12348]")
                    && java.util.Arrays.stream(ScaledFormat.values()).noneMatch(e -> e.id().equals(f))) {
                    throw new IllegalArgumentException(String.format(Locale.ROOT,
                            "unknown format '%s'; element formats: %s; block formats: %s; scale-pack: %s;"
                            + " weight-pack: b1, b2, b3, b4, b8", f, ElementFormat.ids(), BlockFormat.ids(),
                            ScalePackGroup.FORMAT));
                }
            }
            for (String p : profiles) {
                if (List.of(ElementProfile.values()).stream().noneMatch(e -> e.id().equals(p))
                    && List.of(BlockProfile.values()).stream().noneMatch(e -> e.id().equals(p))
                    && List.of(ScaledProfile.values()).stream().noneMatch(e -> e.id().equals(p))) {
                    throw new IllegalArgumentException(String.format(Locale.ROOT,
                            "unknown profile '%s'; element profiles: %s; block profiles: %s", p, ElementProfile.ids(),
                            BlockProfile.ids()));
                }
            }
        }

        public static Request of(Level level) {
            return new Request(level, Set.of(), Set.of());
        }

        boolean keepsFormat(String id) {
            return formats.isEmpty() || formats.contains(id);
        }

        boolean keepsProfile(String id) {
            return profiles.isEmpty() || profiles.contains(id);
        }

        boolean keepsUnprofiled() {
            return profiles.isEmpty();
        }
    }

    /** The files of a request: relative path → file, sorted by path. Holds them all: for big sets use {@link #forEach}. */
    public static SortedMap<String, VectorFile> generate(Request request) {
        SortedMap<String, VectorFile> files = new TreeMap<>();
        for (String path : paths(request)) {
            files.put(path, file(request.level(), path));
        }
        return files;
    }

    /** Receives one generated file at a time. */
    @FunctionalInterface
    public interface FileSink {
        void accept(String path, VectorFile file) throws IOException;
    }

    /** Generates the files of a request one at a time, in path order, handing each to {@code sink}. */
    public static void forEach(Request request, FileSink sink) throws IOException {
        for (String path : paths(request)) {
            sink.accept(path, file(request.level(), path));
        }
    }

    /** The paths of a request's files, sorted. */
    public static SortedSet<String> paths(Request request) {
        SortedSet<String> paths = new TreeSet<>();
        Level level = request.level();
        if (level == Level.ONE && request.keepsUnprofiled()) {
            for (ElementFormat f : ElementFormat.values()) {
                if (request.keepsFormat(f.id())) {
                    paths.add(DecodeVectors.path(f));
                }
            }
        }
        for (ElementFormat f : ElementFormat.values()) {
            for (ElementProfile p : ElementProfile.values()) {
                if (request.keepsFormat(f.id()) && request.keepsProfile(p.id())) {
                    paths.add(EncodeVectors.path(f, p));
                }
            }
        }
        if (level != Level.EXHAUSTIVE) {
            for (BlockFormat f : BlockFormat.values()) {
                for (BlockProfile p : BlockProfile.values()) {
                    if (p.supports(f) && request.keepsFormat(f.id()) && request.keepsProfile(p.id())) {
                        paths.add(QuantizeVectors.path(f, p));
                    }
                }
            }
        }
        if (level == Level.ONE && request.keepsUnprofiled()) {
            for (ElementLayout layout : ElementLayout.values()) {
                for (ElementFormat f : ElementFormat.values()) {
                    if (layout.supports(f) && request.keepsFormat(f.id())) {
                        paths.add(PackVectors.path(layout, f));
                    }
                }
            }
        }
        if (level == Level.ONE) {
            for (ScaledProfile p : ScaledProfile.values()) {
                for (ScaledFormat f : p.formats()) {
                    if (request.keepsFormat(f.id()) && request.keepsProfile(p.id())) {
                        paths.add(ScaledQuantizeVectors.path(f, p));
                    }
                }
            }
        }
        if (level == Level.ONE && request.keepsUnprofiled()) {
            for (WeightLayout layout : WeightLayout.values()) {
                for (int bits : layout.bitWidths()) {
                    if (request.keepsFormat(WeightPackGroup.format(bits))) {
                        paths.add(WeightPackVectors.path(layout, bits));
                    }
                }
            }
        }
        if (level == Level.ONE && request.keepsUnprofiled()) {
            for (ScaleLayout layout : ScalePackVectors.layouts()) {
                if (request.keepsFormat(ScalePackGroup.FORMAT)) {
                    paths.add(ScalePackVectors.path(layout));
                }
            }
        }
        return paths;
    }

    /** The file at one of {@link #paths}' paths. */
    private static VectorFile file(Level level, String path) {
        for (ElementFormat f : ElementFormat.values()) {
            if (path.equals(DecodeVectors.path(f))) {
                return DecodeVectors.file(f, level);
            }
            for (ElementProfile p : ElementProfile.values()) {
                if (path.equals(EncodeVectors.path(f, p))) {
                    return new EncodeVectors(f, p).file(level);
                }
            }
            for (ElementLayout layout : ElementLayout.values()) {
                if (path.equals(PackVectors.path(layout, f))) {
                    return PackVectors.file(layout, f, level);
                }
            }
        }
        for (BlockFormat f : BlockFormat.values()) {
            for (BlockProfile p : BlockProfile.values()) {
                if (path.equals(QuantizeVectors.path(f, p))) {
                    return new QuantizeVectors(f, p).file(level);
                }
            }
        }
        for (ScaledProfile p : ScaledProfile.values()) {
            for (ScaledFormat f : p.formats()) {
                if (path.equals(ScaledQuantizeVectors.path(f, p))) {
                    return ScaledQuantizeVectors.file(f, p, level);
                }
            }
        }
        for (WeightLayout layout : WeightLayout.values()) {
            for (int bits : layout.bitWidths()) {
                if (path.equals(WeightPackVectors.path(layout, bits))) {
                    return WeightPackVectors.file(layout, bits, level);
                }
            }
        }
        for (ScaleLayout layout : ScalePackVectors.layouts()) {
            if (path.equals(ScalePackVectors.path(layout))) {
                return ScalePackVectors.file(layout, level);
            }
        }
        throw new IllegalArgumentException("no generator makes " + path);
    }
}
