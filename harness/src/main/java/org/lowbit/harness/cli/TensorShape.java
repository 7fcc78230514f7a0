package org.lowbit.harness.cli;

import java.util.Locale;

/**
 * The shape of a 2-D tensor stored row-major: {@code rows} rows of {@code cols} elements, as
 * {@code --shape ROWS,COLS} gives it. Without {@code --shape} a file is one row of all its elements;
 * an empty file is 0 × 0.
 *
 * @param rows the number of rows (0 only for an empty tensor)
 * @param cols the elements of each row (0 only for an empty tensor)
 */
record TensorShape(int rows, int cols) {

    /**
     * The shape of {@code count} elements: {@code --shape} when given, checked against {@code count},
     * else one row of them.
     *
     * @param shape   the text of {@code --shape}, or null
     * @param count   the elements the file holds
     * @param holding what holds them, for the error: {@code "--in holds 16 f32 values"}
     */
    static TensorShape of(String shape, int count, String holding) {
        if (shape == null) {
            return count == 0 ? new TensorShape(0, 0) : new TensorShape(1, count);
        }
        TensorShape given = parse(shape);
        if (given.count() != count) {
            throw new CliException(String.format(Locale.ROOT,
                    "--shape %d,%d is %d elements, but %s", given.rows, given.cols, given.count(), holding));
        }
        return given;
    }

    /** Parses {@code ROWS,COLS}: two positive integers. */
    static TensorShape parse(String text) {
        String[] parts = text.split(",", -1);
        if (parts.length != 2) {
            throw new CliException(String.format(Locale.ROOT,
                    "--shape '%s' is not ROWS,COLS (two positive integers, e.g. --shape 4,64)", text));
        }
        return new TensorShape(positive(parts[0], text), positive(parts[1], text));
    }

    private static int positive(String part, String text) {
        try {
            int value = Integer.parseInt(part.strip());
            if (value > 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below, with the whole text
        }
        throw new CliException(String.format(Locale.ROOT,
                "--shape '%s': '%s' is not a positive integer (ROWS,COLS, e.g. --shape 4,64)", text, part));
    }

    /** rows · cols. */
    long count() {
        return (long) rows * cols;
    }
}
