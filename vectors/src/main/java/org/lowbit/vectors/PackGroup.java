package org.lowbit.vectors;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.ElementLayout;

/** Pack tests of one element format into one element layout (SPEC.md §9.1). */
public record PackGroup(ElementLayout layout, ElementFormat format, String generator, long seed,
                        List<PackTest> tests) implements TestGroup {
    public PackGroup {
        Objects.requireNonNull(layout, "layout");
        Objects.requireNonNull(format, "format");
        if (!layout.supports(format)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "layout %s does not hold %s codes",
                    layout.id(), format.id()));
        }
        TestGroup.requireCommon(generator, tests);
        tests = List.copyOf(tests);
    }

    @Override
    public Operation operation() { return Operation.PACK; }
}
