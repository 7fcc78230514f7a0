package org.lowbit.vectors;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One test: a stable {@code tcId}, a comment that says why the expected output is what it is, the flags
 * that point into the file's notes, the inputs and expected outputs in hex, and a {@link Result}
 * (FORMAT.md §5). Each operation has its own record.
 */
public sealed interface TestCase permits DecodeTest, EncodeTest, QuantizeTest, PackTest, ScalePackTest, WeightPackTest, ScaledQuantizeTest {

    /** Unique within its file, 1..n in file order; never reused for a different test. */
    int tcId();

    /** Why: e.g. "464 is the tie between 448 and 480: RNE keeps the even code 0x7e". ASCII. */
    String comment();

    /** Keys into the file's {@code notes}, in a fixed order. */
    List<String> flags();

    Result result();

    /** Checks the fields every test has. */
    static void requireCommon(int tcId, String comment, List<String> flags, Result result) {
        if (tcId < 1) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "tcId must be ≥ 1, got %d", tcId));
        }
        Objects.requireNonNull(comment, "comment");
        Objects.requireNonNull(flags, "flags");
        Objects.requireNonNull(result, "result");
    }
}
