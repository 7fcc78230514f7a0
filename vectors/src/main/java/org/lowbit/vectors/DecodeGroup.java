package org.lowbit.vectors;

import java.util.List;
import java.util.Objects;
import org.lowbit.spec.ElementFormat;

/** Decode tests of one element format. Decoding has no knobs (SPEC.md §1). */
public record DecodeGroup(ElementFormat format, String generator, long seed, List<DecodeTest> tests)
        implements TestGroup {
    public DecodeGroup {
        Objects.requireNonNull(format, "format");
        TestGroup.requireCommon(generator, tests);
        tests = List.copyOf(tests);
    }

    @Override
    public Operation operation() { return Operation.DECODE; }
}
