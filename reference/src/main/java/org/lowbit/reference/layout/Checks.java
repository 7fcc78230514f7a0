package org.lowbit.reference.layout;

import java.util.Locale;
import java.util.Objects;

/** Argument checks shared by the layouts, with messages that name the problem and the rule. */
final class Checks {
    private Checks() {}

    /** A shape parameter: zero is allowed (an empty tensor), a negative value is not. */
    static int dimension(String name, int value) {
        if (value < 0) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "%s = %d is negative", name, value));
        }
        return value;
    }

    /** Requires {@code value} to be a multiple of {@code of}; {@code rule} says which layout needs it. */
    static void multiple(String name, long value, long of, String rule) {
        if (value % of != 0) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%s = %d is not a multiple of %d (%s)", name, value, of, rule));
        }
    }

    /** A size computed in long arithmetic, as an array length. */
    static int size(String what, long size) {
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%s = %d does not fit in a Java array", what, size));
        }
        return (int) size;
    }

    /** The whole-array forms: the array must hold exactly the shape's element count. */
    static void length(String what, int actual, long expected, String shape) {
        if (actual != expected) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%s has %d elements, but %s = %d", what, actual, shape, expected));
        }
    }

    /** A range of an array (IndexOutOfBoundsException, as the JDK's array methods throw). */
    static void range(int arrayLength, int offset, long count) {
        if (count > Integer.MAX_VALUE) {
            throw new IndexOutOfBoundsException(String.format(Locale.ROOT,
                    "range [%d, %d + %d) is out of bounds for length %d", offset, offset, count, arrayLength));
        }
        Objects.checkFromIndexSize(offset, (int) count, arrayLength);
    }

    /** An unsigned code of {@code bits} bits: 0 ≤ code < 2^bits. */
    static int code(String what, int code, int bits, long index) {
        if (code < 0 || code >= 1 << bits) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%s %d (0x%X) at index %d does not fit in %d bits (0..%d)", what, code, code, index, bits,
                    (1 << bits) - 1));
        }
        return code;
    }

    /** A bit width that a layout supports. */
    static void bits(int bits, String layout, int... allowed) {
        for (int a : allowed) {
            if (a == bits) {
                return;
            }
        }
        StringBuilder list = new StringBuilder();
        for (int a : allowed) {
            list.append(list.isEmpty() ? "" : ", ").append(a);
        }
        throw new IllegalArgumentException(String.format(Locale.ROOT,
                "%s is defined for %s-bit codes, not %d-bit", layout, list, bits));
    }

    /** A pad field that is not zero under {@code PadPolicy.STRICT}. */
    static IllegalArgumentException pad(String where, long index, int value, String rule) {
        return new IllegalArgumentException(String.format(Locale.ROOT,
                "%s %d is 0x%X, with pad bits set (%s); pad bits must be zero under PadPolicy.STRICT",
                where, index, value, rule));
    }
}
