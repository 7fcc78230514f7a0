package org.lowbit.vectors;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Tests that share every parameter: the format, the profile, every knob value, the layout, the shape,
 * the source type, and the generator with its SplitMix64 seed (SPEC.md §7). Each operation has its own
 * record; a file's groups are all of its operation.
 */
public sealed interface TestGroup permits DecodeGroup, EncodeGroup, QuantizeGroup, PackGroup, ScalePackGroup, WeightPackGroup, ScaledQuantizeGroup {

    /** The operation, which is also the group's {@code type} in the file. */
    Operation operation();

    /** Which generator made the tests, e.g. {@code level1/midpoints}. */
    String generator();

    /** The SplitMix64 seed the generator used; 0 when it draws nothing. */
    long seed();

    List<? extends TestCase> tests();

    /** A seed as the files write it: {@code 0x} and 16 lowercase hex digits. */
    static String seedText(long seed) {
        return String.format(Locale.ROOT, "0x%016x", seed);
    }

    static void requireCommon(String generator, List<?> tests) {
        Objects.requireNonNull(generator, "generator");
        Objects.requireNonNull(tests, "tests");
        if (tests.isEmpty()) {
            throw new IllegalArgumentException("a test group needs at least one test (generator " + generator + ")");
        }
    }
}
