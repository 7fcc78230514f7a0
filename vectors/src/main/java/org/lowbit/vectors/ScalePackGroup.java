package org.lowbit.vectors;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

import org.lowbit.spec.ScaleLayout;

/**
 * Scale-pack tests: a matrix of one-byte block scales S[rows][cols], row-major, into a scale layout
 * (SPEC.md §9.4, FORMAT.md §5 "scale-pack"; suite version 0.2.0).
 *
 * @param padByte the byte written into every pad position, 0..255
 */
public record ScalePackGroup(ScaleLayout layout, int rows, int cols, int padByte, String generator, long seed,
                             List<ScalePackTest> tests) implements TestGroup {
    /** The top-level {@code format} of scale-pack files: the bytes are not interpreted. */
    public static final String FORMAT = "u8";

    public ScalePackGroup {
        Objects.requireNonNull(layout, "layout");
        if (layout == ScaleLayout.ROW_MAJOR) {
            throw new IllegalArgumentException("scale-pack groups use a layout other than row-major");
        }
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "scale matrix %dx%d: rows and cols must be >= 1",
                    rows, cols));
        }
        if (padByte < 0 || padByte > 0xFF) {
            throw new IllegalArgumentException("padByte must be one byte, got " + padByte);
        }
        TestGroup.requireCommon(generator, tests);
        tests = List.copyOf(tests);
        int stored = Math.ceilDiv(rows, layout.tileRows()) * layout.tileRows()
                     * Math.ceilDiv(cols, layout.tileCols()) * layout.tileCols();
        for (ScalePackTest t : tests) {
            if (t.scales().length() != 2 * rows * cols || t.expected().length() != 2 * stored) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "tcId %d: a %dx%d scale matrix needs %d scale bytes and %d stored bytes", t.tcId(), rows, cols,
                        rows * cols, stored));
            }
        }
    }

    @Override
    public Operation operation() { return Operation.SCALE_PACK; }
}
