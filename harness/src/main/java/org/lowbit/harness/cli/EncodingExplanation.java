package org.lowbit.harness.cli;

import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.lowbit.reference.ElementCodec;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.ElementKnobs;
import org.lowbit.spec.ElementProfile;
import org.lowbit.spec.Overflow;
import org.lowbit.spec.Rounding;
import org.lowbit.spec.SpecialPolicies.E8m0BottomBinade;
import org.lowbit.spec.SpecialPolicies.IntegerRange;

/**
 * How one value encodes into an element format, step by step: the neighbouring codes, the midpoint,
 * the rule of the profile, and the code that {@link ElementCodec} gives.
 *
 * <p>The explanation derives the code on its own, from the decoded values of every code (it shares
 * no rounding code with the codec), and fails with an internal error when the two disagree: so each
 * {@code explain} is also a small cross-check of the codec.
 *
 * <p>Rounding follows IEEE 754-2019 §4.3 on the grid of the format's values, and overflow §7.4: a
 * value overflows when rounding it as if the exponent range were unbounded passes the largest finite
 * magnitude; the grid then continues one step past max, and the midpoint to that step is the overflow
 * threshold (fp8_e4m3: max 448, next step 480, threshold 464).
 */
final class EncodingExplanation {
    private static final BigDecimal HALF = new BigDecimal("0.5");
    private static final BigDecimal TWO_POW_32 = BigDecimal.valueOf(1L << 32);

    private final ElementFormat format;
    private final ElementProfile profile;
    private final ElementKnobs knobs;
    private final Long randomBits; // SR only; null when not given
    private final PrintWriter out;
    private final String formatLine;
    private final String profileLine;
    private List<Step> positiveGrid; // built on first use
    private List<Step> negativeGrid;

    /** A code of the rounding grid and its magnitude there (E8M0's 0x00 may count as 0). */
    private record Step(int code, BigDecimal magnitude) {}

    /**
     * @param knobs      the profile's knobs with any overrides, already checked against the format
     * @param randomBits the 32 random bits for SR, or null
     */
    EncodingExplanation(ElementFormat format, ElementProfile profile, ElementKnobs knobs, Long randomBits,
                        PrintWriter out) {
        this.format = format;
        this.profile = profile;
        this.knobs = knobs;
        this.randomBits = randomBits;
        this.out = out;
        this.formatLine = format.id() + " (" + CodeText.layout(format) + "): max " + CodeText.brief(format.maxFinite())
                          + ", smallest positive " + CodeText.brief(format.minSubnormal());
        ElementKnobs profileKnobs = profile.knobsFor(format);
        this.profileLine = String.format(Locale.ROOT, "%s%s: rounding %s (%s), overflow %s (%s)", profile.id(),
                profileKnobs.equals(knobs) ? "" : " with overrides", knobs.rounding(), knobs.rounding().meaning(),
                knobs.overflow(), knobs.overflow().meaning());
    }

    /**
     * Prints the explanation.
     *
     * @throws IllegalStateException when the codec's code is not the one derived here (a bug)
     */
    void explain(SourceValue input) {
        line("input", input.describe());
        input.note().ifPresent(note -> line("note", note));
        line("format", formatLine);
        line("profile", profileLine);

        int x = input.float32Bits();
        boolean negative = x < 0;
        int exponentField = (x >>> 23) & 0xFF;
        boolean zero = (x & 0x7FFFFFFF) == 0;
        // The order of the special cases is the codec's (ElementCodec.encodeFloat32).
        if (exponentField == 0xFF && (x & 0x7FFFFF) != 0) {
            int code = encode(x, 0);
            result(code, code, String.format(Locale.ROOT, "NaN: %s maps NaN to %s (nan policy %s: %s)",
                    profile.id(), CodeText.hex(code, format), knobs.nan(), knobs.nan().meaning()));
            return;
        }
        if (negative && !zero && !format.isSigned()) {
            String policy = String.format(Locale.ROOT, "a negative value to the unsigned %s: negative policy %s (%s)",
                    format.id(), knobs.negative(), knobs.negative().meaning());
            switch (knobs.negative()) {
                case ABSOLUTE -> {
                    line("sign", policy + ", so it encodes |x|");
                    negative = false;
                }
                case TO_NAN, CLAMP_TO_ZERO -> {
                    int code = encode(x, 0);
                    result(code, code, policy + " gives " + CodeText.codeAndValue(code, format));
                    return;
                }
            }
        }
        if (exponentField == 0xFF) {
            explainInfinity(x, negative);
        } else if (zero) {
            explainZero(x, negative);
        } else {
            explainFinite(x, negative);
        }
    }

    private void explainInfinity(int x, boolean negative) {
        int code = encode(x, 0);
        String infinity = negative ? "-Inf" : "+Inf";
        String reason = switch (knobs.infinity()) {
            case AS_OVERFLOW -> infinity + " is treated as an overflow (inf policy AS_OVERFLOW): "
                                + overflowOutcome(code);
            case TO_MAX -> infinity + ": inf policy TO_MAX gives " + (negative ? "-max " : "max ")
                           + CodeText.codeAndValue(code, format);
            case TO_NAN -> infinity + ": inf policy TO_NAN gives NaN " + CodeText.hex(code, format);
        };
        result(code, code, reason);
    }

    private void explainZero(int x, boolean negative) {
        int code = encode(x, 0);
        String zero = negative ? "-0" : "+0";
        String reason;
        if (format.specials() == ElementFormat.Specials.E8M0) {
            reason = String.format(Locale.ROOT, "e8m0 has no zero: e8m0 zero policy %s gives %s",
                    knobs.e8m0Zero(), knobs.e8m0Zero().meaning());
        } else if (negative && !format.hasNegativeZero()) {
            reason = "-0 becomes " + CodeText.codeAndValue(code, format) + ": " + format.id() + " has no -0";
        } else {
            reason = zero + " is exact: " + CodeText.codeAndValue(code, format);
        }
        result(code, code, reason);
    }

    // ---------------------------------------------------------------------------------------------
    // Finite, non-zero values: the grid, the neighbours, the rule

    private void explainFinite(int x, boolean negative) {
        BigDecimal a = new BigDecimal(Math.abs((double) Float.intBitsToFloat(x)));
        List<Step> grid = grid(negative);
        Step max = grid.getLast();
        int firstAbove = firstAbove(grid, a);
        Step lower = firstAbove == 0 ? null : grid.get(firstAbove - 1);
        boolean exact = lower != null && lower.magnitude().compareTo(a) == 0;
        Step upper = exact ? lower : firstAbove == grid.size() ? null : grid.get(firstAbove);
        if (lower == null) { // E8M0 below 2^-127 (bottom binade EXACT): there is nothing smaller
            int code = encode(x, 0);
            line("below", "none: " + CodeText.codeAndValue(0, format) + " is the smallest e8m0 value");
            line("above", describe(grid.getFirst()));
            result(code, 0, "below 2^-127, the smallest e8m0 value, and e8m0 has no zero:"
                                   + " every rule gives " + CodeText.hex(0, format));
            return;
        }
        if (exact) {
            int code = encode(x, 0);
            result(code, lower.code(), "exact: " + signed(a, negative) + " is the value of "
                                              + CodeText.hex(lower.code(), format));
            return;
        }
        boolean pastMax = upper == null;
        BigDecimal high = pastMax ? max.magnitude().add(stepPastMax()) : upper.magnitude();
        String highText = pastMax ? signed(high, negative) + stepPastMaxNote(negative) : describe(upper);
        String lowText = describe(lower) + (pastMax ? (negative ? ", -max" : ", max") : "");
        line("below", negative ? highText : lowText); // by value: for a negative x, the larger magnitude
        line("above", negative ? lowText : highText);

        if (pastMax && a.compareTo(high) >= 0) {
            explainFarPastMax(x, negative, max, high);
            return;
        }
        BigDecimal midpoint = lower.magnitude().add(high).multiply(HALF);
        int order = a.compareTo(midpoint);
        line("midpoint", signed(midpoint, negative) + (pastMax ? " (the overflow threshold)" : ""));
        line("position", position(order, negative));

        Rounding rounding = knobs.rounding();
        int downCode = lower.code();
        int upCode = pastMax ? overflowCode(negative) : upper.code();
        if (rounding == Rounding.SR) {
            explainStochastic(x, negative, a, lower, high, downCode, upCode, pastMax);
            return;
        }
        boolean up = switch (rounding) {
            case RNE -> order > 0 || (order == 0 && !isEven(lower));
            case RNA -> order >= 0;
            case RZ -> false;
            case RU -> !negative;
            case RD -> negative;
            case SR -> throw new IllegalStateException("SR is explained above");
        };
        int code = encode(x, 0);
        String why = pastMax ? pastMaxReason(order, up, lower, high, midpoint, negative, code)
                             : betweenReason(order, up, lower, upper, midpoint, negative);
        result(code, up ? upCode : downCode, why);
    }

    /** Past the first step beyond max: an overflow under every rule but rounding toward zero. */
    private void explainFarPastMax(int x, boolean negative, Step max, BigDecimal stepPastMax) {
        int code = encode(x, randomBits == null ? 0 : randomBits.intValue());
        boolean towardZero = towardZero(knobs.rounding(), negative);
        line("position", "at or beyond " + signed(stepPastMax, negative)
                         + (negative ? ", one step past -max" : ", one step past max"));
        String beyond = (negative ? "below -max " : "above max ") + signed(max.magnitude(), negative);
        String reason = towardZero
                ? beyond + ": " + knobs.rounding() + " rounds toward zero here, which never overflows (IEEE 754-2019"
                  + " §7.4): " + (negative ? "-max " : "max ") + CodeText.hex(code, format)
                : beyond + " and past the overflow threshold: " + overflowOutcome(code);
        result(code, towardZero ? max.code() : overflowCode(negative), reason);
    }

    private void explainStochastic(int x, boolean negative, BigDecimal a, Step lower, BigDecimal high,
                                  int downCode, int upCode, boolean pastMax) {
        // SR (Rounding.SR): away from zero iff floor(f · 2^32) + r >= 2^32, f = (|x| - lo) / (hi - lo).
        long fraction32 = a.subtract(lower.magnitude()).multiply(TWO_POW_32)
                .divide(high.subtract(lower.magnitude()), 0, RoundingMode.FLOOR).longValueExact();
        long threshold = (1L << 32) - fraction32; // the smallest r that rounds away from zero
        String awayTarget = pastMax ? "one step past max" : CodeText.hex(upCode, format);
        String rule = String.format(Locale.ROOT,
                "SR: floor(f · 2^32) = 0x%08X, so it rounds away from zero (to %s) iff the random bits are"
                + " at least 0x%X", fraction32, awayTarget, threshold);
        if (randomBits == null) {
            int down = encode(x, (int) (threshold - 1));
            requireDerived(down, downCode);
            String outcome = CodeText.codeAndValue(down, format) + " when the random bits are below "
                             + String.format(Locale.ROOT, "0x%X", threshold);
            if (threshold <= 0xFFFF_FFFFL) {
                int up = encode(x, (int) threshold);
                requireDerived(up, upCode);
                outcome += ", else " + CodeText.codeAndValue(up, format);
            }
            line("result", outcome);
            line("reason", rule + "; give --random HEX to pick one");
            return;
        }
        boolean up = fraction32 + randomBits >= 1L << 32;
        int code = encode(x, randomBits.intValue());
        String chosen = !up ? "stays at " + CodeText.hex(code, format)
                        : pastMax ? "past max: " + overflowOutcome(code)
                        : "rounds to " + CodeText.hex(code, format);
        result(code, up ? upCode : downCode,
                rule + String.format(Locale.ROOT, "; with 0x%08X it %s", randomBits, chosen));
    }

    private String betweenReason(int order, boolean up, Step lower, Step upper, BigDecimal midpoint,
                                 boolean negative) {
        Step chosen = up ? upper : lower;
        String chosenText = CodeText.codeAndValue(chosen.code(), format);
        Rounding rounding = knobs.rounding();
        return switch (rounding) {
            case RNE, RNA -> {
                if (order != 0) {
                    yield position(order, negative) + " " + signed(midpoint, negative) + ": " + rounding
                          + " rounds to the nearer " + chosenText;
                }
                String tie = "tie between " + CodeText.codeAndValue(lower.code(), format) + " and "
                             + CodeText.codeAndValue(upper.code(), format) + ": ";
                if (rounding == Rounding.RNA) {
                    yield tie + "RNA rounds away from zero to " + CodeText.hex(chosen.code(), format);
                }
                if (format.isFloat() && format.mantissaBits() == 0 && !isZeroStep(lower)) {
                    yield tie + "RNE picks " + CodeText.hex(chosen.code(), format) + ", as e8m0 has no mantissa"
                          + " bits: the kept bit is the implicit 1, which is odd, so every tie carries";
                }
                yield tie + "RNE picks the even code " + CodeText.hex(chosen.code(), format);
            }
            case RZ -> "RZ truncates toward zero: " + chosenText;
            case RU -> "RU rounds toward +Inf" + (negative ? ", toward zero for a negative value: " : ": ")
                       + chosenText;
            case RD -> "RD rounds toward -Inf" + (negative ? ": " : ", toward zero for a positive value: ")
                       + chosenText;
            case SR -> throw new IllegalStateException("SR is explained elsewhere");
        };
    }

    private String pastMaxReason(int order, boolean up, Step max, BigDecimal stepPastMax, BigDecimal threshold,
                                 boolean negative, int code) {
        String beyond = (negative ? "below -max " : "above max ") + signed(max.magnitude(), negative);
        String thresholdText = signed(threshold, negative);
        String maxText = CodeText.hex(max.code(), format);
        Rounding rounding = knobs.rounding();
        return switch (rounding) {
            case RNE, RNA -> {
                if (order > 0) {
                    yield beyond + " and past the overflow threshold " + thresholdText + ": " + overflowOutcome(code);
                }
                if (order < 0) {
                    yield beyond + " but short of the overflow threshold " + thresholdText + ": " + rounding
                          + (negative ? " rounds to -max " : " rounds to max ") + maxText;
                }
                String tie = "tie at the overflow threshold " + thresholdText + " between "
                             + (negative ? "-max " : "max ") + maxText + " (" + signed(max.magnitude(), negative)
                             + ") and " + signed(stepPastMax, negative) + ", one step past max: ";
                if (rounding == Rounding.RNA) {
                    yield tie + "RNA rounds away from zero, past max: " + overflowOutcome(code);
                }
                yield up ? tie + "RNE picks the even step past max: " + overflowOutcome(code)
                         : tie + "RNE picks the even code, " + (negative ? "-max " : "max ") + maxText;
            }
            case RZ, RU, RD -> up
                    ? beyond + ": " + rounding + " rounds away from zero, past max: " + overflowOutcome(code)
                    : beyond + ": " + rounding + " rounds toward zero here, which never overflows (IEEE 754-2019"
                      + " §7.4): " + (negative ? "-max " : "max ") + maxText;
            case SR -> throw new IllegalStateException("SR is explained elsewhere");
        };
    }

    /** What the codec's overflow result is, in words: "SATFINITE clamps to 0x7E", "NONSAT gives NaN 0x7F". */
    private String overflowOutcome(int code) {
        String hex = CodeText.hex(code, format);
        if (format.isInteger()) {
            return "integers clamp to " + CodeText.codeAndValue(code, format) + " under either overflow mode";
        }
        if (knobs.overflow() == Overflow.SATFINITE) {
            return "SATFINITE clamps to " + hex;
        }
        if (format.isInfinityCode(code)) {
            return "NONSAT gives " + (ElementCodec.decodeToDouble(code, format) < 0 ? "-Inf " : "+Inf ") + hex;
        }
        if (format.isNaNCode(code)) {
            return "NONSAT gives NaN " + hex;
        }
        return "NONSAT clamps to " + hex + ", as " + format.id() + " has no Inf or NaN";
    }

    // ---------------------------------------------------------------------------------------------
    // The grid, derived from decoded codes only

    /**
     * The finite codes a value of this sign can round to, by ascending magnitude: codes of that sign
     * and the zero of that sign (or the only zero); a signed integer's most negative code only in the
     * FULL range; E8M0's 0x00 at magnitude 0 when its bottom binade is CODE0_AS_ZERO.
     */
    private List<Step> grid(boolean negative) {
        if (negative) {
            return negativeGrid == null ? negativeGrid = buildGrid(true) : negativeGrid;
        }
        return positiveGrid == null ? positiveGrid = buildGrid(false) : positiveGrid;
    }

    private List<Step> buildGrid(boolean negative) {
        List<Step> grid = new ArrayList<>();
        int mostNegativeInteger = format.isInteger() && format.isSigned()
                                  ? format.minIntegerCode() & ((1 << format.bits()) - 1) : -1;
        for (int code = 0; code < format.codeCount(); code++) {
            if (format.isNaNCode(code) || format.isInfinityCode(code)) {
                continue;
            }
            double value = ElementCodec.decodeToDouble(code, format);
            boolean codeNegative = Double.doubleToRawLongBits(value) < 0;
            boolean onlyZero = value == 0 && !format.hasNegativeZero();
            if (codeNegative != negative && !onlyZero) {
                continue;
            }
            if (code == mostNegativeInteger && knobs.integerRange() == IntegerRange.SYMMETRIC) {
                continue;
            }
            boolean code0AsZero = format.specials() == ElementFormat.Specials.E8M0 && code == 0
                                  && knobs.e8m0Bottom() == E8m0BottomBinade.CODE0_AS_ZERO;
            grid.add(new Step(code, code0AsZero ? BigDecimal.ZERO : new BigDecimal(Math.abs(value))));
        }
        grid.sort(Comparator.comparing(Step::magnitude));
        return List.copyOf(grid);
    }

    /** The index of the first step whose magnitude is above {@code a} (grid.size() if none): a binary search. */
    private static int firstAbove(List<Step> grid, BigDecimal a) {
        int low = 0;
        int high = grid.size();
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (grid.get(middle).magnitude().compareTo(a) <= 0) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low;
    }

    /** The grid's step past max: one quantum of the top binade (2^(emax-M)), or one integer step. */
    private BigDecimal stepPastMax() {
        int exponent = format.isInteger() ? -format.fractionBits() : format.emax() - format.mantissaBits();
        return new BigDecimal(Math.scalb(1.0, exponent));
    }

    /** What the step past max is: not a value of the format, or (int8 -128) outside the SYMMETRIC range. */
    private String stepPastMaxNote(boolean negative) {
        if (negative && format.isInteger() && format.isSigned() && knobs.integerRange() == IntegerRange.SYMMETRIC) {
            int code = format.minIntegerCode() & ((1 << format.bits()) - 1);
            return ", one step past -max (" + CodeText.hex(code, format) + ", outside the SYMMETRIC range)";
        }
        return negative ? ", one step past -max (not a value)" : ", one step past max (not a value)";
    }

    /** Whether a tie goes to this lower neighbour under RNE: its significand is even (E8M0's never is). */
    private boolean isEven(Step lower) {
        if (isZeroStep(lower)) {
            return true;
        }
        if (format.isFloat() && format.mantissaBits() == 0) {
            return false; // E8M0: the significand is the implicit 1
        }
        return (lower.code() & 1) == 0;
    }

    private static boolean isZeroStep(Step step) {
        return step.magnitude().signum() == 0;
    }

    /** ±max, or ±Inf, or the NaN of the format, as the overflow knob says (OFP8 SAT / OVF). */
    private int overflowCode(boolean negative) {
        int max = grid(negative).getLast().code();
        if (format.isInteger() || knobs.overflow() == Overflow.SATFINITE) {
            return max;
        }
        int sign = negative ? format.signMask() : 0;
        int allOnesExponent = ((1 << format.exponentBits()) - 1) << format.mantissaBits();
        return switch (format.specials()) {
            case IEEE -> sign | allOnesExponent;
            case NAN_ALL_ONES -> sign | allOnesExponent | ((1 << format.mantissaBits()) - 1);
            case FNUZ -> 1 << (format.exponentBits() + format.mantissaBits());
            case E8M0 -> 0xFF;
            case NONE -> max;
        };
    }

    private static boolean towardZero(Rounding rounding, boolean negative) {
        return rounding == Rounding.RZ
               || (rounding == Rounding.RU && negative)
               || (rounding == Rounding.RD && !negative);
    }

    // ---------------------------------------------------------------------------------------------
    // Output

    private int encode(int float32Bits, int random) {
        return ElementCodec.encodeFloat32(float32Bits, format, knobs, random);
    }

    /** Prints the codec's code and the reason, once it is the code that the reason derives. */
    private void result(int code, int derived, String reason) {
        requireDerived(code, derived);
        line("result", CodeText.hex(code, format) + "  " + CodeText.value(code, format));
        line("reason", reason);
    }

    /** A disagreement is a bug in the codec or here: an internal error, never a quiet wrong answer. */
    private void requireDerived(int code, int derived) {
        if (code != derived) {
            throw new IllegalStateException(String.format(Locale.ROOT,
                    "ElementCodec gives %s but explain derives %s for %s under %s; please report it",
                    CodeText.hex(code, format), CodeText.hex(derived, format), format.id(), profile.id()));
        }
    }

    private String describe(Step step) {
        if (isZeroStep(step) && step.code() == 0 && format.specials() == ElementFormat.Specials.E8M0) {
            return CodeText.codeAndValue(0, format) + ", which rounds as 0 (e8m0 bottom binade CODE0_AS_ZERO)";
        }
        return CodeText.codeAndValue(step.code(), format);
    }

    private static String position(int order, boolean negative) {
        if (order == 0) {
            return "at the midpoint: an exact tie";
        }
        boolean belowInValue = (order < 0) != negative;
        return belowInValue ? "below the midpoint" : "above the midpoint";
    }

    /** The value of a grid magnitude with the input's sign (every one is a double exactly). */
    private static String signed(BigDecimal magnitude, boolean negative) {
        return CodeText.brief((negative ? magnitude.negate() : magnitude).doubleValue());
    }

    /** One line: the label in a 10-character column, then the text. */
    private void line(String label, String text) {
        out.append(label).append(" ".repeat(Math.max(1, 10 - label.length()))).append(text).println();
    }
}
