package org.lowbit.reference.exact;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Locale;
import java.util.NavigableSet;
import java.util.TreeSet;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.ElementKnobs;

/**
 * The oracle's code for every one of the 2^32 FP32 bit patterns, as a piecewise-constant map over the
 * patterns read as unsigned integers: every pattern in [{@link #start}(i), {@link #start}(i+1)) encodes
 * to {@link #code}(i), the last range running to 0xFFFFFFFF. Consecutive ranges have different codes.
 *
 * <p>How it is computed ({@link ExactCodec#float32Ranges}). The patterns fall into blocks:
 * <pre>
 *   0x00000000                  +0
 *   0x00000001 .. 0x7F7FFFFF    positive finite, value increasing with the pattern
 *   0x7F800000                  +Inf
 *   0x7F800001 .. 0x7FFFFFFF    NaN (sign clear; the result depends only on the sign)
 *   0x80000000                  -0
 *   0x80000001 .. 0xFF7FFFFF    negative finite, magnitude increasing with the pattern
 *   0xFF800000                  -Inf
 *   0xFF800001 .. 0xFFFFFFFF    NaN (sign set)
 * </pre>
 * In a finite block the result is a function of the magnitude that can change only at a threshold t:
 * a grid magnitude, a midpoint between neighbours, or V (and just after a grid magnitude, for directed
 * modes). For each t a binary search, comparing exact values, finds the first pattern b with
 * |value(b)| ≥ t, and {@link ExactCodec#encode} is evaluated at b-1, b and b+1. Between two consecutive
 * evaluated patterns p &lt; q every magnitude lies strictly between two thresholds, so the result on
 * [p, q) is encode(p); this claim is checked by also evaluating encode(q-1), and a disagreement throws
 * {@link IllegalStateException}.
 */
public final class Float32Ranges {
    private static final long PATTERN_COUNT = 1L << 32;

    private final ElementFormat format;
    private final ElementKnobs knobs;
    private final int[] starts;
    private final int[] codes;

    private Float32Ranges(ElementFormat format, ElementKnobs knobs, int[] starts, int[] codes) {
        this.format = format;
        this.knobs = knobs;
        this.starts = starts;
        this.codes = codes;
    }

    public ElementFormat format() { return format; }

    public ElementKnobs knobs() { return knobs; }

    /** Number of ranges. */
    public int size() { return starts.length; }

    /** The first FP32 pattern of range {@code i} (unsigned); {@code start(0)} is 0. */
    public int start(int i) { return starts[i]; }

    /** The last FP32 pattern of range {@code i} (unsigned, inclusive). */
    public int last(int i) { return i + 1 < starts.length ? starts[i + 1] - 1 : 0xFFFFFFFF; }

    /** The code that every pattern of range {@code i} encodes to. */
    public int code(int i) { return codes[i]; }

    /** The code that the FP32 pattern {@code float32Bits} encodes to. */
    public int codeFor(int float32Bits) {
        return codes[rangeOf(float32Bits)];
    }

    /** The index of the range holding {@code float32Bits}. */
    public int rangeOf(int float32Bits) {
        int lo = 0;
        int hi = starts.length - 1;
        while (lo < hi) { // invariant: start(lo) <= bits, and the answer is in [lo, hi]
            int mid = (lo + hi + 1) >>> 1;
            if (Integer.compareUnsigned(starts[mid], float32Bits) <= 0) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "Float32Ranges[%s, %s, %d ranges]", format.id(), knobs.rounding(), size());
    }

    // ---------------------------------------------------------------------------------------------
    // Construction

    static Float32Ranges compute(ElementFormat format, ElementKnobs knobs, NavigableSet<BigDecimal> thresholds) {
        Builder builder = new Builder(format, knobs);
        builder.single(0x00000000L);                                  // +0
        builder.finiteBlock(0x00000001L, 0x7F7FFFFFL, thresholds);   // positive finite
        builder.single(0x7F800000L);                                  // +Inf
        builder.constantBlock(0x7F800001L, 0x7FFFFFFFL);              // +NaN
        builder.single(0x80000000L);                                  // -0
        builder.finiteBlock(0x80000001L, 0xFF7FFFFFL, thresholds);   // negative finite
        builder.single(0xFF800000L);                                  // -Inf
        builder.constantBlock(0xFF800001L, 0xFFFFFFFFL);              // -NaN
        return builder.build();
    }

    private static final class Builder {
        private final ElementFormat format;
        private final ElementKnobs knobs;
        private int[] starts = new int[64];
        private int[] codes = new int[64];
        private int size;
        private long nextPattern; // the pattern the next range must start at

        Builder(ElementFormat format, ElementKnobs knobs) {
            this.format = format;
            this.knobs = knobs;
        }

        private int encode(long pattern) {
            return ExactCodec.encode(ExactValue.ofFloat32Bits((int) pattern), format, knobs);
        }

        private BigDecimal magnitude(long pattern) {
            return ExactValue.ofFloat32Bits((int) pattern).magnitude();
        }

        void single(long pattern) {
            add(pattern, pattern, encode(pattern));
        }

        /** A block whose patterns all encode alike (the NaNs); checked at both ends. */
        void constantBlock(long first, long last) {
            int code = encode(first);
            requireSame(first, last, code);
            add(first, last, code);
        }

        /** A block of finite patterns of one sign, magnitude increasing with the pattern. */
        void finiteBlock(long first, long last, NavigableSet<BigDecimal> thresholds) {
            TreeSet<Long> probes = new TreeSet<>();
            probes.add(first);
            for (BigDecimal t : thresholds) {
                long b = firstAtLeast(first, last, t);
                for (long p = b - 1; p <= b + 1; p++) {
                    if (p >= first && p <= last) {
                        probes.add(p);
                    }
                }
            }
            Long[] ordered = probes.toArray(Long[]::new);
            for (int i = 0; i < ordered.length; i++) {
                long from = ordered[i];
                long to = i + 1 < ordered.length ? ordered[i + 1] - 1 : last;
                int code = encode(from);
                if (to > from) {
                    requireSame(from, to, code);
                }
                add(from, to, code);
            }
        }

        /** The first pattern in [first, last] whose magnitude is ≥ t, or last + 1 if none. */
        private long firstAtLeast(long first, long last, BigDecimal t) {
            long lo = first;
            long hi = last + 1;
            while (lo < hi) {
                long mid = (lo + hi) >>> 1;
                if (magnitude(mid).compareTo(t) >= 0) {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            return lo;
        }

        private void requireSame(long from, long to, int code) {
            int atEnd = encode(to);
            if (atEnd != code) {
                throw new IllegalStateException(String.format(Locale.ROOT,
                        "%s %s: FP32 0x%08X (%s) encodes to 0x%X but 0x%08X (%s), the end of its range,"
                        + " to 0x%X: a threshold is missing", format.id(), knobs, from,
                        ExactValue.ofFloat32Bits((int) from), code, to, ExactValue.ofFloat32Bits((int) to), atEnd));
            }
        }

        /** Appends the patterns [start, last], all encoding to {@code code}. */
        private void add(long start, long last, int code) {
            if (start != nextPattern || last < start) {
                throw new IllegalStateException(String.format(Locale.ROOT,
                        "range [0x%08X, 0x%08X] does not follow 0x%08X", start, last, nextPattern - 1));
            }
            nextPattern = last + 1;
            if (size > 0 && codes[size - 1] == code) {
                return; // extends the previous range
            }
            if (size == starts.length) {
                starts = Arrays.copyOf(starts, size * 2);
                codes = Arrays.copyOf(codes, size * 2);
            }
            starts[size] = (int) start;
            codes[size] = code;
            size++;
        }

        Float32Ranges build() {
            if (nextPattern != PATTERN_COUNT) {
                throw new IllegalStateException("ranges do not cover 0x00000000..0xFFFFFFFF");
            }
            return new Float32Ranges(format, knobs, Arrays.copyOf(starts, size), Arrays.copyOf(codes, size));
        }
    }
}
