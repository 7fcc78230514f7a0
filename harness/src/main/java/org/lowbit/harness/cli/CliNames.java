package org.lowbit.harness.cli;

import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Stream;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.ElementKnobs;
import org.lowbit.spec.ElementProfile;
import org.lowbit.spec.Overflow;
import org.lowbit.spec.Rounding;
import org.lowbit.spec.SourceFormat;

/**
 * The names a user types (formats, profiles, knob values), resolved through the spec module's own
 * lookups so that an unknown name fails with the spec's message, which lists the allowed names.
 */
final class CliNames {
    private CliNames() {}

    /** The wide formats that {@code convert} and {@code explain} read: f32, bf16, f16 (not f64). */
    static final List<SourceFormat> WIDE_FORMATS = List.of(SourceFormat.FP32, SourceFormat.BF16, SourceFormat.FP16);

    static ElementFormat elementFormat(String id) {
        return resolve(ElementFormat::byId, id);
    }

    static ElementProfile profile(String id) {
        return resolve(ElementProfile::byId, id);
    }

    static Rounding rounding(String name) {
        return resolve(Rounding::parse, name);
    }

    static Overflow overflow(String name) {
        return resolve(Overflow::parse, name);
    }

    /** Whether {@code id} names f32, bf16 or f16. */
    static boolean isWideFormat(String id) {
        return WIDE_FORMATS.stream().anyMatch(f -> f.id().equalsIgnoreCase(id));
    }

    /** f32, bf16 or f16; {@code option} names the option in the error. */
    static SourceFormat wideFormat(String id, String option) {
        return WIDE_FORMATS.stream().filter(f -> f.id().equalsIgnoreCase(id)).findFirst()
                .orElseThrow(() -> new CliException(String.format(Locale.ROOT,
                        "unknown %s format '%s'; allowed: f32, bf16, f16", option, id)));
    }

    /**
     * The profile's knobs for {@code format}, with rounding and overflow overridden where given
     * (null means "as the profile says"), checked against the format.
     */
    static ElementKnobs knobs(ElementFormat format, ElementProfile profile, String rounding, String overflow) {
        ElementKnobs knobs = profile.knobsFor(format);
        if (rounding != null) {
            knobs = knobs.withRounding(rounding(rounding));
        }
        if (overflow != null) {
            knobs = knobs.withOverflow(overflow(overflow));
        }
        return resolve(knobs::requireApplicableTo, format);
    }

    private static <T, R> R resolve(Function<T, R> lookup, T name) {
        try {
            return lookup.apply(name);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage(), e);
        }
    }

    /** The element format ids, for {@code ${COMPLETION-CANDIDATES}} in help texts. */
    static final class FormatIds implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return ElementFormat.all().stream().map(ElementFormat::id).iterator();
        }
    }

    /** f32, bf16, f16 and the element format ids, for help texts. */
    static final class AllFormatIds implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Stream.concat(WIDE_FORMATS.stream().map(SourceFormat::id),
                                 ElementFormat.all().stream().map(ElementFormat::id)).iterator();
        }
    }

    /** The element profile ids, for help texts. */
    static final class ProfileIds implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(ElementProfile.values()).map(ElementProfile::id).iterator();
        }
    }

    /** The rounding names, for help texts. */
    static final class RoundingNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(Rounding.values()).map(Enum::name).iterator();
        }
    }

    /** The overflow names, for help texts. */
    static final class OverflowNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(Overflow.values()).map(Enum::name).iterator();
        }
    }
}
