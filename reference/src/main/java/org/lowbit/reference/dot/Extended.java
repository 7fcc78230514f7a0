package org.lowbit.reference.dot;

/**
 * An extended real: an exact finite value ({@link Dyadic}), +Inf, -Inf or NaN, with the special-value
 * rules of IEEE 754-2019 §6.1-§7.2 applied to exact operations (nothing is rounded here):
 * <pre>
 *   NaN op x, x op NaN    → NaN
 *   ±Inf · 0, 0 · ±Inf    → NaN            (invalid operation, §7.2)
 *   ±Inf · x (x ≠ 0)      → ±Inf, the sign the product of the signs
 *   +Inf + -Inf           → NaN            (§7.2)
 *   ±Inf + x (x finite)   → ±Inf
 * </pre>
 * A finite value has no sign of zero: the callers decide the sign of an exactly zero result.
 *
 * @param kind  finite, +Inf, -Inf or NaN
 * @param value the exact value when finite, else {@link Dyadic#ZERO}
 */
record Extended(Kind kind, Dyadic value) {

    enum Kind { FINITE, PLUS_INFINITY, MINUS_INFINITY, NAN }

    static final Extended ZERO = new Extended(Kind.FINITE, Dyadic.ZERO);
    static final Extended NAN = new Extended(Kind.NAN, Dyadic.ZERO);
    static final Extended PLUS_INFINITY = new Extended(Kind.PLUS_INFINITY, Dyadic.ZERO);
    static final Extended MINUS_INFINITY = new Extended(Kind.MINUS_INFINITY, Dyadic.ZERO);

    static Extended finite(Dyadic value) {
        return new Extended(Kind.FINITE, value);
    }

    /** The exact value of a float (its sign of zero is dropped). */
    static Extended ofFloat(float x) {
        if (Float.isNaN(x)) {
            return NAN;
        }
        if (Float.isInfinite(x)) {
            return x > 0 ? PLUS_INFINITY : MINUS_INFINITY;
        }
        return finite(Dyadic.ofFloat(x));
    }

    boolean isFinite() { return kind == Kind.FINITE; }

    boolean isNaN() { return kind == Kind.NAN; }

    boolean isInfinite() { return kind == Kind.PLUS_INFINITY || kind == Kind.MINUS_INFINITY; }

    /** -1, 0 or +1 for finite values and infinities; not for NaN. */
    private int signum() {
        return switch (kind) {
            case FINITE -> value.signum();
            case PLUS_INFINITY -> 1;
            case MINUS_INFINITY -> -1;
            case NAN -> throw new IllegalStateException("NaN has no sign");
        };
    }

    Extended times(Extended other) {
        if (isNaN() || other.isNaN()) {
            return NAN;
        }
        if (isFinite() && other.isFinite()) {
            return finite(value.multiply(other.value));
        }
        int sign = signum() * other.signum();
        return sign == 0 ? NAN : sign > 0 ? PLUS_INFINITY : MINUS_INFINITY;
    }

    Extended plus(Extended other) {
        if (isNaN() || other.isNaN()) {
            return NAN;
        }
        if (isFinite() && other.isFinite()) {
            return finite(value.add(other.value));
        }
        if (isInfinite() && other.isInfinite() && kind != other.kind) {
            return NAN;
        }
        return isInfinite() ? this : other;
    }

    /**
     * Rounded once to binary32, ties to even: NaN gives the quiet NaN 0x7FC00000, ±Inf gives
     * 0x7F800000 / 0xFF800000, a finite value {@link Dyadic#roundToFloat32Bits()} (overflow to ±Inf);
     * an exactly zero value gives -0 when {@code negativeZero}, else +0.
     */
    int roundToFloat32Bits(boolean negativeZero) {
        return switch (kind) {
            case NAN -> MxDot.FLOAT32_QUIET_NAN;
            case PLUS_INFINITY -> 0x7F800000;
            case MINUS_INFINITY -> 0xFF800000;
            case FINITE -> value.isZero() && negativeZero ? 0x80000000 : value.roundToFloat32Bits();
        };
    }

    /** Rounded once to binary32 (an exact zero gives +0). */
    float roundToFloat() {
        return Float.intBitsToFloat(roundToFloat32Bits(false));
    }
}
