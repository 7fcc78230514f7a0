package org.lowbit.harness.cli;

import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Stream;
import org.lowbit.spec.BlockFormat;
import org.lowbit.spec.BlockKnobs;
import org.lowbit.spec.BlockProfile;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.ElementKnobs;
import org.lowbit.spec.ElementLayout;
import org.lowbit.spec.ElementProfile;
import org.lowbit.spec.Overflow;
import org.lowbit.spec.Rounding;
import org.lowbit.spec.ScaleLayout;
import org.lowbit.spec.ScaledFormat;
import org.lowbit.spec.ScaledProfile;
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

    static ElementLayout elementLayout(String id) {
        return resolve(ElementLayout::byId, id);
    }

    static ScaleLayout scaleLayout(String id) {
        return resolve(ScaleLayout::byId, id);
    }

    /** Whether {@code id} names a block format (mxfp4, nvfp4, ...). */
    static boolean isBlockFormat(String id) {
        return BlockFormat.all().stream().anyMatch(f -> f.id().equalsIgnoreCase(id));
    }

    /** Whether {@code id} names a scaled format (int8_per_token, int4_group, ...). */
    static boolean isScaledFormat(String id) {
        return ScaledFormat.all().stream().anyMatch(f -> f.id().equalsIgnoreCase(id));
    }

    /** The error for a {@code --format} that is neither a block nor a scaled format. */
    static CliException unknownTensorFormat(String id) {
        return new CliException(String.format(Locale.ROOT,
                "unknown format '%s'; block formats: %s; scaled formats: %s", id, BlockFormat.ids(), ScaledFormat.ids()));
    }

    static BlockFormat blockFormat(String id) {
        return resolve(BlockFormat::byId, id);
    }

    static ScaledFormat scaledFormat(String id) {
        return resolve(ScaledFormat::byId, id);
    }

    /** A block profile; a scaled profile's name gets an error that says which kind it is. */
    static BlockProfile blockProfile(String id) {
        if (Arrays.stream(ScaledProfile.values()).anyMatch(p -> p.id().equalsIgnoreCase(id))) {
            throw new CliException(String.format(Locale.ROOT,
                    "profile '%s' is for scaled formats, not block formats; block profiles: %s", id, BlockProfile.ids()));
        }
        return resolve(BlockProfile::byId, id);
    }

    /** A scaled profile; a block profile's name gets an error that says which kind it is. */
    static ScaledProfile scaledProfile(String id) {
        if (Arrays.stream(BlockProfile.values()).anyMatch(p -> p.id().equalsIgnoreCase(id))) {
            throw new CliException(String.format(Locale.ROOT,
                    "profile '%s' is for block formats, not scaled formats; scaled profiles: %s", id, ScaledProfile.ids()));
        }
        return resolve(ScaledProfile::byId, id);
    }

    /**
     * The profile's block knobs for {@code format}, with the element rounding overridden where given
     * (null: as the profile says); fails when the profile does not support the format, naming the
     * formats it does support.
     */
    static BlockKnobs blockKnobs(BlockFormat format, BlockProfile profile, String rounding) {
        BlockKnobs knobs = resolve(profile::knobsFor, format);
        if (rounding != null) {
            knobs = knobs.withElementRounding(rounding(rounding));
        }
        return resolve(knobs::requireApplicableTo, format);
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

    /** Applies a spec or reference lookup, turning its IllegalArgumentException into a one-line CliException. */
    static <T, R> R resolve(Function<T, R> lookup, T name) {
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

    /** The block and scaled format ids, for help texts. */
    static final class TensorFormatIds implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Stream.concat(BlockFormat.all().stream().map(BlockFormat::id),
                                 ScaledFormat.all().stream().map(ScaledFormat::id)).iterator();
        }
    }

    /** The block and scaled profile ids, for help texts. */
    static final class TensorProfileIds implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Stream.concat(Arrays.stream(BlockProfile.values()).map(BlockProfile::id),
                                 Arrays.stream(ScaledProfile.values()).map(ScaledProfile::id)).iterator();
        }
    }

    /** The element layout ids, for help texts. */
    static final class ElementLayoutIds implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(ElementLayout.values()).map(ElementLayout::id).iterator();
        }
    }

    /** The scale layout ids, for help texts. */
    static final class ScaleLayoutIds implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(ScaleLayout.values()).map(ScaleLayout::id).iterator();
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
