package org.lowbit.conformance.suite;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.lowbit.conformance.target.Capability;
import org.lowbit.conformance.target.Operation;
import org.lowbit.spec.BlockFormat;
import org.lowbit.spec.BlockProfile;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.ElementLayout;
import org.lowbit.spec.ElementProfile;
import org.lowbit.spec.ScaleLayout;
import org.lowbit.spec.ScaledFormat;
import org.lowbit.spec.ScaledProfile;
import org.lowbit.spec.SourceFormat;

/**
 * The claims of a manifest checked against what the reference defines (an unknown format, profile or layout
 * is a FAIL with that reason), filtered by the run's options, and broken into the units the suite must
 * exercise: each claimed precision, element layout and scale layout of each claim.
 */
public final class Claims {

    /** A claim that the reference does not define, and why. */
    public record Problem(Capability claim, String reason) {
        public String caseId() {
            return "claim/" + claim.operation().id() + "/" + claim.format() + "/" + claim.profile();
        }
    }

    private Claims() {}

    /** Why the reference cannot check this claim, or empty when it can. */
    public static Optional<String> problem(Capability c) {
        try {
            switch (c.operation()) {
                case DECODE -> {
                    ElementFormat.byId(c.format());
                    if (!c.profile().equals(Capability.NO_PROFILE)) {
                        return Optional.of("decode has no profile: claim it with profile 'none', not '" + c.profile() + "'");
                    }
                }
                case ENCODE -> {
                    ElementFormat.byId(c.format());
                    ElementProfile.byId(c.profile());
                    return precisions(c);
                }
                case QUANTIZE, DEQUANTIZE -> {
                    BlockFormat f = BlockFormat.byId(c.format());
                    BlockProfile p = BlockProfile.byId(c.profile());
                    if (!p.supports(f)) {
                        return Optional.of("the block profile " + p.id() + " does not define " + f.id() + " (it defines "
                                           + p.formats().stream().map(BlockFormat::id).sorted().toList() + ")");
                    }
                    Optional<String> bad = precisions(c).or(() -> layouts(c, f.element(), false));
                    if (bad.isPresent()) {
                        return bad;
                    }
                    if (c.scaleLayouts().isEmpty()) {
                        return Optional.of("a " + c.operation() + " claim needs at least one scale layout ("
                                           + ScaleLayout.ids() + ")");
                    }
                    for (String id : c.scaleLayouts()) {
                        ScaleLayout.byId(id);
                    }
                }
                case SCALED_QUANTIZE, SCALED_DEQUANTIZE -> {
                    ScaledFormat f = ScaledFormat.byId(c.format());
                    ScaledProfile p = ScaledProfile.byId(c.profile());
                    if (!p.defines(f)) {
                        return Optional.of("the scaled profile " + p.id() + " does not define " + f.id());
                    }
                    Optional<String> bad = precisions(c).or(() -> layouts(c, f.elementFormat(p.knobsFor(f).rule()), true));
                    if (bad.isPresent()) {
                        return bad;
                    }
                }
            }
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
        return Optional.empty();
    }

    private static Optional<String> precisions(Capability c) {
        if (c.precisions().isEmpty()) {
            return Optional.of("a " + c.operation() + " claim needs at least one precision (f32, bf16, f16)");
        }
        if (c.precisions().contains(SourceFormat.FP64)) {
            return Optional.of("f64 is not a target precision (only the exact oracle reads it): claim f32, bf16 or f16");
        }
        return Optional.empty();
    }

    private static Optional<String> layouts(Capability c, ElementFormat element, boolean scaled) {
        if (c.elementLayouts().isEmpty()) {
            return Optional.of("a " + c.operation() + " claim needs at least one element layout (" + ElementLayout.ids() + ")");
        }
        for (String id : c.elementLayouts()) {
            ElementLayout l = ElementLayout.byId(id);
            if (!l.supports(element) || (scaled && l != ElementLayout.UNPACKED && element.bits() != 4)) {
                return Optional.of("the element layout " + l.id() + " cannot hold " + element.id() + " codes");
            }
        }
        return Optional.empty();
    }

    /**
     * Checks the run's filters: every format, profile id must be one the reference knows.
     *
     * @throws IllegalArgumentException naming the unknown id and the known ones
     */
    public static void checkFilters(Set<String> formats, Set<String> profiles) {
        Set<String> knownFormats = new TreeSet<>();
        Arrays.stream(ElementFormat.values()).map(ElementFormat::id).forEach(knownFormats::add);
        Arrays.stream(BlockFormat.values()).map(BlockFormat::id).forEach(knownFormats::add);
        Arrays.stream(ScaledFormat.values()).map(ScaledFormat::id).forEach(knownFormats::add);
        for (String f : formats) {
            if (!knownFormats.contains(f)) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "unknown format '%s'; element formats: %s; block formats: %s; scaled formats: %s", f,
                        ElementFormat.ids(), BlockFormat.ids(), ScaledFormat.ids()));
            }
        }
        Set<String> knownProfiles = new TreeSet<>();
        knownProfiles.add(Capability.NO_PROFILE);
        Arrays.stream(ElementProfile.values()).map(ElementProfile::id).forEach(knownProfiles::add);
        Arrays.stream(BlockProfile.values()).map(BlockProfile::id).forEach(knownProfiles::add);
        Arrays.stream(ScaledProfile.values()).map(ScaledProfile::id).forEach(knownProfiles::add);
        for (String p : profiles) {
            if (!knownProfiles.contains(p)) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "unknown profile '%s'; element profiles: %s; block profiles: %s; scaled profiles: %s", p,
                        ElementProfile.ids(), BlockProfile.ids(), ScaledProfile.ids()));
            }
        }
    }

    /** Whether the run's filters keep a claim (decode, which has no profile, only without a profile filter). */
    public static boolean kept(Capability c, Set<String> formats, Set<String> profiles, Set<Operation> operations) {
        return (operations.isEmpty() || operations.contains(c.operation()))
               && (formats.isEmpty() || formats.contains(c.format()))
               && (profiles.isEmpty() || profiles.contains(c.profile()));
    }

    /** A unit of a claim that some case must exercise, e.g. {@code quantize mxfp4/ocp-mx-1.0 element layout fp6-4in3}. */
    public static String unit(Operation op, String format, String profile, String dimension, String value) {
        return op.id() + " " + format + "/" + profile + (dimension.isEmpty() ? "" : " " + dimension + " " + value);
    }

    /** Every unit of a claim. */
    public static List<String> units(Capability c) {
        List<String> out = new ArrayList<>();
        Operation op = c.operation();
        if (op == Operation.DECODE) {
            out.add(unit(op, c.format(), c.profile(), "", ""));
            return out;
        }
        String precision = op == Operation.DEQUANTIZE || op == Operation.SCALED_DEQUANTIZE ? "output" : "source";
        c.precisions().stream().map(SourceFormat::id).sorted()
                .forEach(p -> out.add(unit(op, c.format(), c.profile(), precision, p)));
        new TreeSet<>(c.elementLayouts()).forEach(l -> out.add(unit(op, c.format(), c.profile(), "element layout",
                ElementLayout.byId(l).id())));
        new TreeSet<>(c.scaleLayouts()).forEach(l -> out.add(unit(op, c.format(), c.profile(), "scale layout",
                ScaleLayout.byId(l).id())));
        return out;
    }

    /** The element layouts of a claim, in a fixed order, unpacked first. */
    public static List<ElementLayout> elementLayouts(Capability c) {
        return c.elementLayouts().stream().map(ElementLayout::byId).sorted().collect(Collectors.toList());
    }

    /** The scale layouts of a claim, in a fixed order, row-major first. */
    public static List<ScaleLayout> scaleLayouts(Capability c) {
        return c.scaleLayouts().stream().map(ScaleLayout::byId).sorted().collect(Collectors.toList());
    }

    /**
     * The layout pairs a block claim runs its vectors through: every claimed element layout with the first scale
     * layout, and every other scale layout with the first element layout. Each claimed layout is in one pair.
     */
    public static List<LayoutPair> layoutPairs(Capability c) {
        List<ElementLayout> el = elementLayouts(c);
        List<ScaleLayout> sl = c.scaleLayouts().isEmpty() ? List.of(ScaleLayout.ROW_MAJOR) : scaleLayouts(c);
        Set<LayoutPair> pairs = new LinkedHashSet<>();
        el.forEach(e -> pairs.add(new LayoutPair(e, sl.getFirst())));
        sl.stream().skip(1).forEach(s -> pairs.add(new LayoutPair(el.getFirst(), s)));
        return List.copyOf(pairs);
    }

    /** An element layout with a scale layout. */
    public record LayoutPair(ElementLayout element, ScaleLayout scale) {
        /** {@code unpacked/row-major}. */
        public String id() { return element.id() + "/" + scale.id(); }

        public boolean isDefault() { return element == ElementLayout.UNPACKED && scale == ScaleLayout.ROW_MAJOR; }
    }

    static Stream<SourceFormat> sorted(Set<SourceFormat> s) {
        return s.stream().sorted();
    }
}
