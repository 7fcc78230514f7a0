package org.lowbit.vectors;

import java.util.List;
import java.util.Objects;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.ElementKnobs;
import org.lowbit.spec.ElementProfile;
import org.lowbit.spec.SourceFormat;

/**
 * Encode tests from one source format into one element format, under one set of element knobs.
 *
 * @param profile the element profile the knobs come from
 * @param knobs   every element knob (SPEC.md §4), including those that have no effect on this format
 */
public record EncodeGroup(SourceFormat source, ElementFormat format, ElementProfile profile, ElementKnobs knobs,
                          String generator, long seed, List<EncodeTest> tests) implements TestGroup {
    public EncodeGroup {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(knobs, "knobs");
        if (source == SourceFormat.FP64) {
            throw new IllegalArgumentException("source f64 is not a vector-file source: use f32, bf16 or f16");
        }
        TestGroup.requireCommon(generator, tests);
        tests = List.copyOf(tests);
    }

    @Override
    public Operation operation() { return Operation.ENCODE; }
}
