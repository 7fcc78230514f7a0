package org.lowbit.vectors.generate;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.lowbit.reference.ElementCodec;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.ElementKnobs;
import org.lowbit.spec.Rounding;
import org.lowbit.spec.SpecialPolicies.IntegerRange;

/**
 * The magnitudes one sign of an element format can take under a set of knobs, ascending, with their
 * codes, and the overflow point V = max + ulp(max) on top (SPEC.md §3 rule 5). Zero is always the bottom
 * rung (E8M0 has no zero code: its zero rung has code -1). Used to place test inputs (the midpoints) and
 * to explain the expected codes; it never computes an expected code itself.
 */
final class Rungs {
    final ElementFormat format;
    final boolean negative;
    /** Ascending magnitudes; the last is V. */
    final double[] magnitudes;
    /** The code of each magnitude; -1 for V and for E8M0's zero. */
    final int[] codes;

    private Rungs(ElementFormat format, boolean negative, double[] magnitudes, int[] codes) {
        this.format = format;
        this.negative = negative;
        this.magnitudes = magnitudes;
        this.codes = codes;
    }

    /**
     * The rungs of one sign. The negative side of an unsigned format mirrors the positive one (its inputs test
     * the knob {@code negative}); a symmetric integer range leaves out the most negative integer.
     */
    static Rungs of(ElementFormat format, ElementKnobs knobs, boolean negative) {
        boolean mirror = negative && !format.isSigned();
        boolean side = mirror ? false : negative;
        TreeMap<Double, Integer> byMagnitude = new TreeMap<>();
        for (int code = 0; code < format.codeCount(); code++) {
            int bits = ElementCodec.decodeToFloat32Bits(code, format);
            float f = Float.intBitsToFloat(bits);
            if (!Float.isFinite(f)) {
                continue;
            }
            if (format.isInteger() && format.isSigned() && knobs.integerRange() == IntegerRange.SYMMETRIC
                && code == (1 << (format.bits() - 1))) {
                continue; // -max-1 is never produced under a symmetric range
            }
            boolean codeNegative = bits < 0;
            if (f == 0) {
                if (codeNegative == side || !byMagnitude.containsKey(0.0)) {
                    byMagnitude.put(0.0, code); // the zero of this side where it has one, else +0
                }
                continue;
            }
            if (codeNegative == side) {
                byMagnitude.putIfAbsent((double) Math.abs(f), code);
            }
        }
        byMagnitude.putIfAbsent(0.0, -1); // E8M0: no zero code
        List<Double> mags = new ArrayList<>(byMagnitude.keySet());
        double max = mags.getLast();
        double previous = mags.get(mags.size() - 2);
        double v = format.isFloat() && format.mantissaBits() == 0 ? 2 * max : max + (max - previous);
        int n = mags.size();
        double[] magnitudes = new double[n + 1];
        int[] codes = new int[n + 1];
        for (int i = 0; i < n; i++) {
            magnitudes[i] = mags.get(i);
            codes[i] = byMagnitude.get(mags.get(i));
        }
        magnitudes[n] = v;
        codes[n] = -1;
        return new Rungs(format, negative, magnitudes, codes);
    }

    int size() { return magnitudes.length; }

    double max() { return magnitudes[magnitudes.length - 2]; }

    double overflowPoint() { return magnitudes[magnitudes.length - 1]; }

    int maxCode() { return codes[codes.length - 2]; }

    /** The index i with magnitudes[i] ≤ a < magnitudes[i+1]; the last index when a ≥ V. */
    int bracket(double a) {
        int lo = 0;
        int hi = magnitudes.length - 1;
        if (a >= magnitudes[hi]) {
            return hi;
        }
        while (lo < hi - 1) {
            int mid = (lo + hi) >>> 1;
            if (magnitudes[mid] <= a) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /**
     * Whether a finite |x| = a overflows under {@code rounding} (SPEC.md §3 rule 6): it is at least V, or it
     * lies between max and V and rounds up to V. A tie there goes up when max's magnitude code is odd (RNE
     * makes V's "code" the even one), and always for E8M0.
     */
    boolean overflows(double a, Rounding rounding) {
        double v = overflowPoint();
        double max = max();
        if (rounding == Rounding.RZ || rounding == Rounding.RU && negative || rounding == Rounding.RD && !negative) {
            return false; // toward zero never overflows: it gives ±max
        }
        if (a >= v) {
            return true;
        }
        if (a <= max) {
            return false;
        }
        double mid = (max + v) / 2;
        return switch (rounding) {
            case RU, RD -> true;
            case RNA -> a >= mid;
            case RNE -> a > mid || a == mid && tieGoesUp();
            case RZ, SR -> false;
        };
    }

    private boolean tieGoesUp() {
        if (format.isFloat() && format.mantissaBits() == 0) {
            return true; // E8M0: ties up
        }
        long magnitudeCode = format.isInteger() ? Math.round(Math.scalb(max(), format.fractionBits()))
                                                : maxCode() & ~format.signMask();
        return (magnitudeCode & 1) == 1;
    }
}
