package org.lowbit.vectors.generate;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.lowbit.reference.ElementCodec;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.ElementKnobs;
import org.lowbit.spec.ElementProfile;
import org.lowbit.spec.Rounding;
import org.lowbit.spec.SourceFormat;
import org.lowbit.spec.SpecialPolicies.E8m0BottomBinade;
import org.lowbit.spec.SpecialPolicies.NegativePolicy;
import org.lowbit.spec.SplitMix64;
import org.lowbit.vectors.CodeText;
import org.lowbit.vectors.EncodeGroup;
import org.lowbit.vectors.EncodeTest;
import org.lowbit.vectors.Flag;
import org.lowbit.vectors.Level;
import org.lowbit.vectors.Operation;
import org.lowbit.vectors.Result;
import org.lowbit.vectors.VectorFile;

/**
 * Encode vectors for one element format under one element profile, from f32, bf16 and f16 (SPEC.md §3).
 *
 * <ul>
 *   <li>Level 1: {@code level1/codes} (every code's value), {@code level1/midpoints} (every midpoint between
 *       adjacent values of each sign, the overflow point included, with its ±1-ulp neighbours in the source
 *       format, or the nearest source values either side where the midpoint is not a source value; this
 *       covers max normal's tie and tie + ulp and min subnormal's half), {@code level1/specials} (signed
 *       zeros, infinities, NaNs, the source's extremes).</li>
 *   <li>Level 2: {@code level2/walking} (walking-ones and walking-zeros significands over the target's
 *       exponent range) and {@code level2/random} (SplitMix64, FORMAT.md §9).</li>
 *   <li>Exhaustive: {@code exhaustive/all} every bf16 and f16 pattern.</li>
 * </ul>
 */
final class EncodeVectors {
    /** Where an input sits, which decides its context flags and the start of its comment. */
    enum Where { CODE, MIDPOINT, BELOW, ABOVE, SPECIAL, WALK, RANDOM, EXHAUSTIVE }

    /**
     * One input pattern and why it was chosen.
     *
     * @param rung      the lower rung of its interval, for MIDPOINT/BELOW/ABOVE; else -1
     * @param midExact  for BELOW/ABOVE: whether the midpoint is itself a source value (then the input is 1 ulp
     *                  from it), or not (then it is the nearest source value on that side)
     * @param label     for SPECIAL: what the input is
     */
    record Input(int bits, Where where, int rung, boolean midExact, String label) {
        static Input of(int bits, Where where) {
            return new Input(bits, where, -1, false, "");
        }
    }

    static final List<SourceFormat> SOURCES = List.of(SourceFormat.FP32, SourceFormat.BF16, SourceFormat.FP16);

    private static final int RANDOM_TESTS_PER_SOURCE = 256;

    private final ElementFormat format;
    private final ElementProfile profile;
    private final ElementKnobs knobs;
    private final Rungs positive;
    private final Rungs negative;

    EncodeVectors(ElementFormat format, ElementProfile profile) {
        this.format = format;
        this.profile = profile;
        this.knobs = profile.knobsFor(format);
        this.positive = Rungs.of(format, knobs, false);
        this.negative = Rungs.of(format, knobs, true);
    }

    static String path(ElementFormat format, ElementProfile profile) {
        return "encode/encode_" + format.id() + "_" + profile.id() + ".json";
    }

    VectorFile file(Level level) {
        FileBuilder b = new FileBuilder(Operation.ENCODE, format.id(), profile.id(), level, List.of(
                String.format(Locale.ROOT, "Encode %s values into %s under the element profile %s (SPEC.md sections"
                              + " 3-5); level %s.", String.join(", ", sources(format, level).stream()
                                      .map(SourceFormat::id).toList()), format.id(), profile.id(), level),
                switch (level) {
                    case ONE -> "Level 1: every code's value; every midpoint between adjacent values (the overflow"
                                + " point max + ulp included) with its 1-ulp neighbours in the source format; the"
                                + " signed zeros, infinities, NaNs and the source's extremes.";
                    case TWO -> "Level 2: walking-ones and walking-zeros significands across the target's exponent"
                                + " range, and a weighted SplitMix64 random fill (FORMAT.md section 9).";
                    case EXHAUSTIVE -> "Exhaustive: every bf16 and every f16 bit pattern.";
                }));
        for (SourceFormat source : sources(format, level)) {
            SourceGrid grid = SourceGrid.of(source);
            Set<Integer> seen = new HashSet<>();
            switch (level) {
                case ONE -> {
                    group(b, grid, "level1/codes", 0, codes(grid), seen);
                    group(b, grid, "level1/midpoints", 0, midpoints(grid), seen);
                    group(b, grid, "level1/specials", 0, specials(grid), seen);
                }
                case TWO -> {
                    group(b, grid, "level2/walking", 0, walking(grid), seen);
                    long seed = FileBuilder.seed(path(format, profile) + "/" + source.id() + "/random");
                    group(b, grid, "level2/random", seed, random(grid, seed), seen);
                }
                case EXHAUSTIVE -> group(b, grid, "exhaustive/all", 0, exhaustive(grid), seen);
            }
        }
        return b.build();
    }

    /**
     * The sources of a file. Level 1 takes f32, bf16 and f16 for the formats that kernels convert 16-bit data
     * into (fp8, fp6, fp4, int4, uint4), and f32 alone for the scale formats e8m0 and ue4m3 and for int8 and
     * mxint8, whose midpoints bf16 and f16 mostly cannot resolve: this keeps the committed set small
     * (FORMAT.md section 10). Level 2 takes all three; exhaustive takes bf16 and f16.
     */
    static List<SourceFormat> sources(ElementFormat format, Level level) {
        return switch (level) {
            case ONE -> switch (format) {
                case E8M0, UE4M3, INT8, MXINT8 -> List.of(SourceFormat.FP32);
                default -> SOURCES;
            };
            case TWO -> SOURCES;
            case EXHAUSTIVE -> List.of(SourceFormat.BF16, SourceFormat.FP16);
        };
    }

    private void group(FileBuilder b, SourceGrid grid, String generator, long seed, List<Input> inputs,
                       Set<Integer> seen) {
        List<EncodeTest> tests = new ArrayList<>();
        for (Input in : inputs) {
            if (seen.add(in.bits())) {
                tests.add(test(b, grid, in));
            }
        }
        if (!tests.isEmpty()) {
            b.add(new EncodeGroup(grid.source(), format, profile, knobs, generator, seed, tests));
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Inputs

    /** Every finite code's value, where the source holds it exactly. */
    private List<Input> codes(SourceGrid grid) {
        List<Input> out = new ArrayList<>();
        for (int code = 0; code < format.codeCount(); code++) {
            float v = ElementCodec.decodeToFloat(code, format);
            if (Float.isFinite(v)) {
                grid.exact(v).ifPresent(bits -> out.add(Input.of(bits, Where.CODE)));
            }
        }
        return out;
    }

    /** Each sign's midpoints with their neighbours, ascending. */
    private List<Input> midpoints(SourceGrid grid) {
        List<Input> out = new ArrayList<>();
        double sourceMax = grid.value(grid.maxFinite());
        for (boolean neg : new boolean[] {false, true}) {
            Rungs r = rungs(neg);
            int sign = neg ? grid.signBit() : 0;
            for (int i = 0; i + 1 < r.size(); i++) {
                double mid = (r.magnitudes[i] + r.magnitudes[i + 1]) / 2; // exact: both have few significant bits
                if (mid > sourceMax) {
                    break;
                }
                OptionalInt exact = grid.exact(mid);
                if (exact.isPresent()) {
                    int m = exact.getAsInt();
                    if (m > 1) {
                        out.add(new Input(sign | (m - 1), Where.BELOW, i, true, ""));
                    }
                    out.add(new Input(sign | m, Where.MIDPOINT, i, true, ""));
                    if (m + 1 <= grid.maxFinite()) {
                        out.add(new Input(sign | (m + 1), Where.ABOVE, i, true, ""));
                    }
                } else {
                    int floor = grid.floorMagnitude(mid);
                    if (floor > 0) {
                        out.add(new Input(sign | floor, Where.BELOW, i, false, ""));
                    }
                    if (floor + 1 <= grid.maxFinite()) {
                        out.add(new Input(sign | (floor + 1), Where.ABOVE, i, false, ""));
                    }
                }
            }
        }
        return out;
    }

    private List<Input> specials(SourceGrid grid) {
        int s = grid.signBit();
        int inf = grid.infinity();
        int quiet = grid.quietNaN();
        int mantissaMask = (1 << grid.source().mantissaBits()) - 1;
        int minNormal = 1 << grid.source().mantissaBits();
        String src = grid.source().id();
        List<Input> out = new ArrayList<>(List.of(
                special(0, "+0"), special(s, "-0"),
                special(inf, "+Inf"), special(s | inf, "-Inf"),
                special(quiet, "quiet NaN"), special(s | quiet, "negative quiet NaN"),
                special(inf | 1, "signalling NaN"), special(inf | mantissaMask, "NaN with an all-ones payload"),
                special(s | inf | mantissaMask, "negative NaN with an all-ones payload"),
                special(grid.maxFinite(), "the largest finite " + src),
                special(s | grid.maxFinite(), "the most negative finite " + src),
                special(1, "the smallest " + src + " subnormal"),
                special(s | 1, "the negative smallest " + src + " subnormal"),
                special(minNormal, "the smallest " + src + " normal")));
        double twiceOverflow = 2 * positive.overflowPoint();
        grid.exact(twiceOverflow).ifPresent(b -> out.add(special(b, "twice the overflow point")));
        grid.exact(-twiceOverflow).ifPresent(b -> out.add(special(b, "minus twice the overflow point")));
        return out;
    }

    private static Input special(int bits, String label) {
        return new Input(bits, Where.SPECIAL, -1, false, label);
    }

    /**
     * Walking-ones and walking-zeros fractions of the source format (TestFloat's P2 patterns, plus all zeros
     * and all ones), at every exponent from the target's emin - mantissaBits - 2 to its emax + 2, both signs.
     */
    private List<Input> walking(SourceGrid grid) {
        int m = grid.source().mantissaBits();
        int bias = grid.source().bias();
        int maxField = (1 << grid.source().exponentBits()) - 2;
        List<Integer> fractions = new ArrayList<>();
        fractions.add(0);
        fractions.add((1 << m) - 1);
        for (int j = 0; j < m; j++) {
            fractions.add(1 << j);                    // walking one
            fractions.add(((1 << m) - 1) ^ (1 << j)); // walking zero
        }
        List<Input> out = new ArrayList<>();
        int[] range = targetExponentRange();
        for (int e = range[0]; e <= range[1]; e++) {
            int field = e + bias;
            if (field < 1 || field > maxField) {
                continue;
            }
            for (int neg = 0; neg < 2; neg++) {
                for (int fraction : fractions) {
                    out.add(Input.of((neg == 1 ? grid.signBit() : 0) | field << m | fraction, Where.WALK));
                }
            }
        }
        return out;
    }

    /** The unbiased exponents a level-2 input spans: the target's emin - mantissaBits - 2 to emax + 2. */
    private int[] targetExponentRange() {
        int low = format.emin() - (format.isFloat() ? format.mantissaBits() : 0) - 2;
        int high = format.emax() + 2;
        return new int[] {low, high};
    }

    /**
     * The weighted random fill (FORMAT.md §9): per input two SplitMix64 draws r1, r2. sign = bit 63 of r1; if
     * bits 62..60 of r1 are below 6, the exponent is uniform over the target's range (see
     * {@link #targetExponentRange}), else uniform over the source's finite exponent fields (0 is subnormal);
     * the index is the low 32 bits of r1 modulo the range's size. The fraction is the top mantissaBits of r2.
     */
    private List<Input> random(SourceGrid grid, long seed) {
        SplitMix64 rng = new SplitMix64(seed);
        int m = grid.source().mantissaBits();
        int bias = grid.source().bias();
        int maxField = (1 << grid.source().exponentBits()) - 2;
        int[] range = targetExponentRange();
        List<Input> out = new ArrayList<>();
        for (int i = 0; i < RANDOM_TESTS_PER_SOURCE; i++) {
            long r1 = rng.nextLong();
            long r2 = rng.nextLong();
            int sign = (int) (r1 >>> 63);
            int pick = (int) ((r1 >>> 60) & 0x7);
            long low = r1 & 0xFFFFFFFFL;
            int field;
            if (pick < 6) {
                int span = range[1] - range[0] + 1;
                field = range[0] + (int) (low % span) + bias;
                field = Math.clamp(field, 0, maxField);
            } else {
                field = (int) (low % (maxField + 1));
            }
            int fraction = (int) (r2 >>> (64 - m));
            out.add(Input.of((sign == 1 ? grid.signBit() : 0) | field << m | fraction, Where.RANDOM));
        }
        return out;
    }

    private static List<Input> exhaustive(SourceGrid grid) {
        List<Input> out = new ArrayList<>(1 << 16);
        for (int bits = 0; bits < 1 << 16; bits++) {
            out.add(Input.of(bits, Where.EXHAUSTIVE));
        }
        return out;
    }

    private Rungs rungs(boolean neg) {
        return neg && format.isSigned() ? negative : positive;
    }

    // ---------------------------------------------------------------------------------------------
    // One test: the expected code, its flags and the comment that says why

    private EncodeTest test(FileBuilder b, SourceGrid grid, Input in) {
        int code = Oracle.encode(grid.source(), in.bits(), format, knobs);
        EnumSet<Flag> flags = EnumSet.noneOf(Flag.class);
        String comment;
        if (in.where() == Where.EXHAUSTIVE) {
            flags.add(Flag.EXHAUSTIVE_INPUT);
            comment = CodeText.f32(grid.toFloat32(in.bits())) + " -> " + CodeText.hex(code);
        } else {
            comment = explain(grid, in, code, flags);
        }
        return new EncodeTest(b.nextId(), comment, b.flags(flags), grid.hex(in.bits()), Optional.empty(),
                org.lowbit.vectors.HexBytes.code(code), Result.VALID);
    }

    private String explain(SourceGrid grid, Input in, int code, EnumSet<Flag> flags) {
        int bits = in.bits();
        int f32 = grid.toFloat32(bits);
        float x = Float.intBitsToFloat(f32);
        boolean neg = f32 < 0;
        String xs = CodeText.f32(f32);
        String result = describe(code);
        Rounding rounding = knobs.rounding();
        if (grid.isSubnormal(bits)) {
            flags.add(Flag.SUBNORMAL_IN);
        }

        StringBuilder s = new StringBuilder();
        switch (in.where()) {
            case CODE -> {
                flags.add(Flag.BASIC);
                s.append(xs).append(" is a value");
            }
            case MIDPOINT -> {
                tieFlag(flags);
                s.append(xs).append(" is the tie between ").append(interval(in.rung(), neg));
            }
            case BELOW, ABOVE -> {
                flags.add(Flag.NEAR_TIE);
                if (rounding != Rounding.RNE && rounding != Rounding.RNA) {
                    flags.add(Flag.DIRECTED_ROUNDING);
                }
                Rungs r = rungs(neg);
                double mid = (r.magnitudes[in.rung()] + r.magnitudes[in.rung() + 1]) / 2;
                String side = in.where() == Where.BELOW ? "below" : "above";
                s.append(xs).append(in.midExact() ? ", 1 ulp " + side + " the tie " : ", nearest " + side + " the tie ")
                 .append(CodeText.number(neg ? -mid : mid)).append(" of ").append(interval(in.rung(), neg));
            }
            case SPECIAL -> s.append(in.label()).append(" (").append(xs).append(")");
            case WALK -> {
                flags.add(Flag.WALKING_BITS);
                s.append(grid.label(bits)).append(" = ").append(xs);
            }
            case RANDOM -> {
                flags.add(Flag.RANDOM);
                s.append(grid.label(bits)).append(" = ").append(xs);
            }
            case EXHAUSTIVE -> throw new IllegalStateException();
        }
        s.append(": ");

        if (Float.isNaN(x)) {
            flags.add(Flag.NAN_IN);
            return s.append("nan ").append(knobs.nan()).append(" gives ").append(result).toString();
        }
        boolean zero = x == 0;
        if (neg && !zero && !format.isSigned()) {
            flags.add(Flag.NEGATIVE_TO_UNSIGNED);
            if (knobs.negative() != NegativePolicy.ABSOLUTE) {
                flags.removeAll(EnumSet.of(Flag.TIE_TO_EVEN, Flag.TIE_AWAY, Flag.E8M0_TIE_UP, Flag.NEAR_TIE,
                        Flag.DIRECTED_ROUNDING)); // no rounding happens: the knob decides
                return s.append("negative into unsigned, negative ").append(knobs.negative()).append(" gives ")
                        .append(result).toString();
            }
            s.append("negative ABSOLUTE drops the sign; ");
            neg = false;
        }
        if (Float.isInfinite(x)) {
            flags.add(Flag.INF_IN);
            s.append("infinity ").append(knobs.infinity()).append(" gives ").append(result);
            overflowFlag(code, flags);
            return s.toString();
        }
        if (zero) {
            if (!format.hasZero()) {
                flags.add(Flag.E8M0_ZERO_IN);
                return s.append("no zero in e8m0, e8m0Zero ").append(knobs.e8m0Zero()).append(" gives ").append(result)
                        .toString();
            }
            flags.add(Flag.SIGNED_ZERO);
            return s.append(result).toString();
        }

        Rungs r = rungs(neg);
        double a = Math.abs((double) x);
        int i = r.bracket(a);
        double resultValue = Math.abs((double) ElementCodec.decodeToFloat(code, format));
        boolean integerClamp = format.isInteger();
        if (format.isInteger() && format.isSigned() && neg && a >= positive.max()) {
            flags.add(Flag.INTEGER_RANGE);
        }
        if (a > r.max()) {
            if (a < r.overflowPoint()) {
                flags.add(Flag.ROUND_CARRY_PAST_MAXNORM);
            }
            if (r.overflows(a, rounding)) {
                overflowFlag(code, flags);
                s.append(a >= r.overflowPoint() ? "at or past the overflow point " : rounding + " rounds up to the"
                        + " overflow point ").append(CodeText.number(neg ? -r.overflowPoint() : r.overflowPoint()));
                if (integerClamp) {
                    return s.append(", the ").append(knobs.integerRange()).append(" range clamps to ").append(result)
                            .toString();
                }
                return s.append(", ").append(knobs.overflow()).append(" gives ").append(result).toString();
            }
            if (a >= r.overflowPoint()) {
                flags.add(Flag.OVERFLOW_SAT);
                return s.append("past the overflow point ").append(CodeText.number(neg ? -r.overflowPoint()
                                                                                       : r.overflowPoint())).append(", but ")
                        .append(rounding).append(" never overflows: max ").append(result).toString();
            }
            if (a == (r.max() + r.overflowPoint()) / 2 && rounding == Rounding.RNE) {
                return s.append("RNE keeps the even code, max ").append(result).toString();
            }
            return s.append(rounding).append(" rounds down to max ").append(result).toString();
        }
        if (format == ElementFormat.E8M0 && knobs.e8m0Bottom() == E8m0BottomBinade.CODE0_AS_ZERO && a < 0x1p-126) {
            // CODE0_AS_ZERO: below 2^-126 the rungs are 0 (code 0x00) and 2^-126 (0x01), with the tie at 2^-127
            flags.removeAll(EnumSet.of(Flag.TIE_TO_EVEN, Flag.E8M0_TIE_UP, Flag.TIE_AWAY));
            return s.append("below 2^-126 CODE0_AS_ZERO rounds between 0 (0x00) and 2^-126 (0x01), tie at 2^-127: ")
                    .append(rounding).append(" gives ").append(result).toString();
        }
        if (resultValue == 0) {
            flags.add(Flag.UNDERFLOW_TO_ZERO);
        } else if (isSubnormalCode(code)) {
            flags.add(Flag.SUBNORMAL_OUT);
        }
        if (resultValue == a) {
            return s.append(result).toString();
        }
        double lo = r.magnitudes[i];
        double hi = r.magnitudes[i + 1];
        boolean tie = a == (lo + hi) / 2;
        boolean up = resultValue > a;
        if (up && format.isFloat() && format.mantissaBits() > 0 && r.codes[i] >= 0 && resultValue == hi
            && exponentField(code) != exponentField(r.codes[i])) {
            flags.add(Flag.ROUND_CARRY_INTO_EXPONENT);
        }
        if (tie && rounding == Rounding.RNE) {
            s.append(format.mantissaBits() == 0 && format.isFloat() ? "E8M0 ties round up to "
                                                                     : "RNE keeps the even code ");
        } else if (tie && rounding == Rounding.RNA) {
            s.append("RNA rounds away from zero to ");
        } else {
            s.append(rounding).append(up ? " rounds up to " : " rounds down to ");
        }
        s.append(result);
        if (flags.contains(Flag.ROUND_CARRY_INTO_EXPONENT)) {
            s.append(" (carry into the exponent)");
        }
        return s.toString();
    }

    private void tieFlag(EnumSet<Flag> flags) {
        switch (knobs.rounding()) {
            case RNE -> flags.add(format.isFloat() && format.mantissaBits() == 0 ? Flag.E8M0_TIE_UP : Flag.TIE_TO_EVEN);
            case RNA -> flags.add(Flag.TIE_AWAY);
            default -> flags.add(Flag.DIRECTED_ROUNDING);
        }
    }

    private void overflowFlag(int code, EnumSet<Flag> flags) {
        if (format.isInfinityCode(code)) {
            flags.add(Flag.OVERFLOW_INF);
        } else if (format.isNaNCode(code)) {
            flags.add(Flag.OVERFLOW_NAN);
        } else {
            flags.add(Flag.OVERFLOW_SAT);
        }
    }

    /** "448 (0x7e) and 480 (the overflow point)", with signs. */
    private String interval(int rung, boolean neg) {
        Rungs r = rungs(neg);
        return bound(r, rung, neg) + " and " + bound(r, rung + 1, neg);
    }

    private String bound(Rungs r, int i, boolean neg) {
        double v = neg ? -r.magnitudes[i] : r.magnitudes[i];
        if (i == r.size() - 1) {
            return CodeText.number(v) + " (overflow point)";
        }
        if (neg && !format.isSigned()) {
            return CodeText.number(v); // an unsigned format has no code for it
        }
        if (r.codes[i] < 0) {
            return CodeText.number(v) + " (no code)";
        }
        return CodeText.number(v) + " (" + CodeText.hex(r.codes[i]) + ")";
    }

    private String describe(int code) {
        String value = CodeText.value(format, code);
        return CodeText.hex(code) + " (" + value + ")";
    }

    private boolean isSubnormalCode(int code) {
        return format.hasSubnormals() && exponentField(code) == 0 && (code & ((1 << format.mantissaBits()) - 1)) != 0;
    }

    private int exponentField(int code) {
        return ((code & ~format.signMask()) >>> format.mantissaBits()) & ((1 << format.exponentBits()) - 1);
    }
}
