package org.lowbit.vectors;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.ScaledFormat;
import org.lowbit.spec.ScaledKnobs;
import org.lowbit.spec.ScaledPolicies.ZeroPoint;
import org.lowbit.spec.ScaledProfile;
import org.lowbit.spec.SourceFormat;

/**
 * Scaled-quantize tests: a rows × cols tensor to codes, one scale (and zero point) per block, and FP32
 * dequantized values, under a scaled format and profile (SPEC.md §11; FORMAT.md "scaled-quantize"; suite
 * version 0.2.0).
 *
 * @param blockRows the block height for this shape
 * @param blockCols the block width for this shape
 */
public record ScaledQuantizeGroup(ScaledFormat format, ScaledProfile profile, SourceFormat source, ScaledKnobs knobs,
                                  int rows, int cols, int blockRows, int blockCols, String generator, long seed,
                                  List<ScaledQuantizeTest> tests) implements TestGroup {

    /** The only dequantized precision of suite version 0.2.0. */
    public static final String DEQUANTIZED = "f32";

    public ScaledQuantizeGroup {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(knobs, "knobs");
        if (source == SourceFormat.FP64) {
            throw new IllegalArgumentException("source must be f32, bf16 or f16");
        }
        if (rows < 1 || cols < 1 || blockRows < 1 || blockCols < 1) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "shape %dx%d, blocks %dx%d: all must be >= 1",
                    rows, cols, blockRows, blockCols));
        }
        TestGroup.requireCommon(generator, tests);
        tests = List.copyOf(tests);
        int blocks = Math.ceilDiv(rows, blockRows) * Math.ceilDiv(cols, blockCols);
        int scaleBytes = knobs.scaleDtype() == org.lowbit.spec.ScaledPolicies.Precision.FP32 ? 4 : 2;
        int zeroBytes = switch (knobs.zeroPoint()) {
            case NONE, IMPLICIT -> 0;
            case INTEGER -> 1;
            case FLOAT, MIN -> scaleBytes;
        };
        for (ScaledQuantizeTest t : tests) {
            check(t, "input", t.input(), (long) rows * cols * source.bytes());
            if (t.error().isEmpty()) {
                check(t, "codes", t.codes(), (long) rows * cols);
                check(t, "scales", t.scales(), (long) blocks * scaleBytes);
                check(t, "zeros", t.zeros(), (long) blocks * zeroBytes);
                check(t, "dequantized", t.dequantized(), (long) rows * cols * 4);
            }
        }
    }

    private static void check(ScaledQuantizeTest t, String what, String hex, long bytes) {
        if (hex.length() != 2 * bytes) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "tcId %d: %s has %d bytes, the group needs %d",
                    t.tcId(), what, hex.length() / 2, bytes));
        }
    }

    /** The code format: int8, int4, uint4 or fp8_e4m3. */
    public ElementFormat elementFormat() {
        return format.elementFormat(knobs.rule());
    }

    public ZeroPoint zeroPoint() {
        return knobs.zeroPoint();
    }

    @Override
    public Operation operation() { return Operation.SCALED_QUANTIZE; }
}
