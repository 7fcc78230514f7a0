package org.lowbit.reference.exact;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.ElementKnobs;
import org.lowbit.spec.SpecialPolicies.E8m0BottomBinade;
import org.lowbit.spec.SpecialPolicies.IntegerRange;
import org.lowbit.spec.SpecialPolicies.NanPolicy;

/**
 * Everything the oracle knows about one format, found by decoding every code with
 * {@link ExactCodec#decode} (never by bit manipulation on values): the value of each code, the
 * {@link Ladder}s of finite magnitudes on each side, and where NaN, ±Inf and -0 live. Built once per
 * format, when this class is first used.
 */
final class CodeTable {
    private static final Map<ElementFormat, CodeTable> TABLES = buildAll();

    private final ElementFormat format;
    private final ExactValue[] values;
    /** Non-negative values: +0 (where there is a zero) up to +max. */
    private final Ladder positive;
    /** E8M0 with {@link E8m0BottomBinade#CODE0_AS_ZERO}: code 0 rounds as the value 0. Else {@link #positive}. */
    private final Ladder positiveCode0AsZero;
    /** Signed formats: 0 (-0 where it exists) up to the most negative value; null for unsigned formats. */
    private final Ladder negative;
    private final int[] nanCodes;
    private final int positiveInfinityCode;  // -1 if none
    private final int negativeInfinityCode;  // -1 if none
    private final int negativeZeroCode;      // -1 if none
    private final boolean hasZero;
    /** The sign bit of a signed float; 0 for unsigned floats and integers. */
    private final int signBit;
    /** Every exponent and mantissa bit set (floats), e.g. E4M3 0x7F, FP4 0x7. */
    private final int allOnes;
    /** The quiet NaN without sign: E5M2 0.11111.10 = 0x7E, E4M3 0.1111.111 = 0x7F; -1 if no NaN. */
    private final int quietNaN;

    private CodeTable(ElementFormat format) {
        this.format = format;
        this.values = IntStream.range(0, format.codeCount()).mapToObj(c -> ExactCodec.decode(c, format))
                               .toArray(ExactValue[]::new);
        this.signBit = format.isFloat() && format.isSigned() ? 1 << (format.exponentBits() + format.mantissaBits()) : 0;
        this.allOnes = format.isFloat() ? (1 << (format.exponentBits() + format.mantissaBits())) - 1 : 0;

        this.nanCodes = codesWhere(v -> v.isNaN());
        this.positiveInfinityCode = firstCodeWhere(v -> v.isInfinite() && !v.negative());
        this.negativeInfinityCode = firstCodeWhere(v -> v.isInfinite() && v.negative());
        this.negativeZeroCode = firstCodeWhere(v -> v.isZero() && v.negative());
        this.hasZero = firstCodeWhere(ExactValue::isZero) >= 0;

        this.positive = ladderOf(codesWhere(v -> v.isFinite() && !v.negative()));
        this.positiveCode0AsZero = format.specials() == ElementFormat.Specials.E8M0
                                   ? positive.withBottomMagnitude(BigDecimal.ZERO) : positive;
        if (format.isSigned()) {
            List<Integer> side = new ArrayList<>();
            for (int code : codesWhere(v -> v.isFinite() && v.negative())) {
                side.add(code);
            }
            if (negativeZeroCode < 0) {
                side.add(0); // no -0 (fnuz, integers): the negative side's zero is +0, code 0
            }
            this.negative = ladderOf(side.stream().mapToInt(Integer::intValue).toArray());
        } else {
            this.negative = null;
        }

        this.quietNaN = switch (format.specials()) {
            case IEEE -> (((1 << format.exponentBits()) - 1) << format.mantissaBits())
                         | (1 << (format.mantissaBits() - 1));
            case NAN_ALL_ONES -> allOnes;
            case FNUZ, E8M0 -> nanCodes[0];
            case NONE -> -1;
        };
        if (quietNaN >= 0 && (!values[quietNaN].isNaN() || !values[quietNaN | signBit].isNaN())) {
            throw new IllegalStateException(format + ": the quiet NaN 0x" + Integer.toHexString(quietNaN)
                                            + " does not decode as NaN");
        }
    }

    static CodeTable of(ElementFormat format) {
        return TABLES.get(format);
    }

    private static Map<ElementFormat, CodeTable> buildAll() {
        Map<ElementFormat, CodeTable> tables = new EnumMap<>(ElementFormat.class);
        for (ElementFormat format : ElementFormat.values()) {
            tables.put(format, new CodeTable(format));
        }
        return Collections.unmodifiableMap(tables);
    }

    ElementFormat format() { return format; }

    ExactValue value(int code) { return values[code]; }

    /**
     * The ladder a value of the given sign rounds on under {@code knobs}: the negative side of a
     * signed integer stops at -max under {@link IntegerRange#SYMMETRIC} and at -max-1 under
     * {@link IntegerRange#FULL}; E8M0's bottom rung is 2^-127 or 0 by {@link E8m0BottomBinade}.
     */
    Ladder ladder(boolean negativeSide, ElementKnobs knobs) {
        if (!negativeSide) {
            return knobs.e8m0Bottom() == E8m0BottomBinade.CODE0_AS_ZERO ? positiveCode0AsZero : positive;
        }
        if (negative == null) {
            throw new IllegalStateException(format + " is unsigned: it has no negative side");
        }
        if (format.isInteger() && knobs.integerRange() == IntegerRange.SYMMETRIC) {
            return negative.cutAbove(positive.topMagnitude());
        }
        return negative;
    }

    boolean hasZero() { return hasZero; }

    boolean hasNaN() { return nanCodes.length > 0; }

    boolean hasInfinity() { return positiveInfinityCode >= 0; }

    /** +0, or -0 where the format has one and {@code negative} is set. */
    int zeroCode(boolean negative) {
        return negative && negativeZeroCode >= 0 ? negativeZeroCode : 0;
    }

    int infinityCode(boolean negative) {
        int code = negative ? negativeInfinityCode : positiveInfinityCode;
        if (code < 0) {
            throw new IllegalStateException(format + " has no infinity");
        }
        return code;
    }

    /**
     * The code that a NaN (of the given sign) becomes under {@code policy}. A format with a single NaN
     * (fnuz 0x80, e8m0 0xFF, ue4m3 0x7F) gives it under every policy.
     */
    int nanCode(NanPolicy policy, boolean negative) {
        if (nanCodes.length == 1) {
            return nanCodes[0];
        }
        int sign = negative ? signBit : 0;
        return switch (policy) {
            case QUIET_NAN_SIGNED -> {
                if (quietNaN < 0) {
                    throw new IllegalStateException(format + " has no NaN");
                }
                yield quietNaN | sign;
            }
            case ALL_ONES_POSITIVE -> allOnes;
            case ALL_ONES_SIGNED -> allOnes | sign;
            case NEGATED_ZERO -> zeroCode(!negative);
            case ZERO -> 0;
        };
    }

    /**
     * The NaN that an overflow (or {@code InfPolicy.TO_NAN}) produces: the format's NaN with the sign of
     * the value where NaNs are signed, i.e. the all-ones magnitude with that sign (E4M3 0x7F/0xFF), or the
     * single NaN (fnuz 0x80, e8m0 0xFF, ue4m3 0x7F). It does not depend on the NaN-input policy: CUDA's
     * non-saturating cvt keeps the sign of -Inf (0xFF) while it writes 0x7F for every NaN input.
     */
    int signedNaNCode(boolean negative) {
        if (nanCodes.length == 1) {
            return nanCodes[0];
        }
        if (nanCodes.length == 0) {
            throw new IllegalStateException(format + " has no NaN");
        }
        return allOnes | (negative ? signBit : 0);
    }

    /** Every magnitude at which the rounding of either sign can change under {@code knobs}, ascending. */
    NavigableSet<BigDecimal> thresholds(ElementKnobs knobs) {
        NavigableSet<BigDecimal> thresholds = new TreeSet<>(Comparator.naturalOrder()); // compareTo: by value
        thresholds.addAll(ladder(false, knobs).thresholds());
        if (format.isSigned()) {
            thresholds.addAll(ladder(true, knobs).thresholds());
        }
        return thresholds;
    }

    private int[] codesWhere(Predicate<ExactValue> test) {
        return IntStream.range(0, values.length).filter(c -> test.test(values[c])).toArray();
    }

    private int firstCodeWhere(Predicate<ExactValue> test) {
        return IntStream.range(0, values.length).filter(c -> test.test(values[c])).findFirst().orElse(-1);
    }

    /** The ladder of the given codes, sorted by magnitude, with V one ulp above the top rung. */
    private Ladder ladderOf(int[] codes) {
        Integer[] sorted = IntStream.of(codes).boxed().toArray(Integer[]::new);
        Arrays.sort(sorted, Comparator.comparing(c -> values[c].magnitude()));
        BigDecimal[] magnitudes = new BigDecimal[sorted.length];
        int[] sortedCodes = new int[sorted.length];
        for (int i = 0; i < sorted.length; i++) {
            sortedCodes[i] = sorted[i];
            magnitudes[i] = values[sorted[i]].magnitude();
        }
        BigDecimal top = magnitudes[magnitudes.length - 1];
        BigDecimal overflowPoint = top.add(ulpOfTop(sortedCodes[sortedCodes.length - 1]));
        Ladder.TieBreak tieBreak = format.specials() == ElementFormat.Specials.E8M0
                                   ? Ladder.TieBreak.E8M0_IMPLICIT_BIT : Ladder.TieBreak.EVEN_CODE;
        return new Ladder(magnitudes, sortedCodes, overflowPoint, tieBreak);
    }

    /**
     * The spacing of the top binade, which is also the distance from ±max to V: for floats
     * 2^(emax - m) with emax the unbiased exponent of the top code (E4M3 2^(8-3) = 32, so V = 480;
     * E8M0 2^(127-0), so V = 2^128); for integers one step, 2^-fractionBits.
     */
    private BigDecimal ulpOfTop(int topCode) {
        if (format.isInteger()) {
            return PowersOfTwo.exact(-format.fractionBits());
        }
        int exponentField = (topCode & allOnes) >>> format.mantissaBits();
        return PowersOfTwo.exact(exponentField - format.bias() - format.mantissaBits());
    }
}
