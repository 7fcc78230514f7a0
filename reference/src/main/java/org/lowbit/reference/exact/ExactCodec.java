package org.lowbit.reference.exact;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Objects;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.ElementKnobs;
import org.lowbit.spec.Overflow;
import org.lowbit.spec.Rounding;

/**
 * The exact oracle of element conversion: decodes a code to its exact value and encodes an exact value
 * to a code, by the textbook definitions and a search over the format's grid of values, with
 * {@link BigDecimal} arithmetic only. It shares no code with the fast codec in
 * {@code org.lowbit.reference}; the two are compared on every FP16 and BF16 input and on all 2^32 FP32
 * inputs ({@link #float32Ranges}).
 *
 * <p>References:
 * <ol>
 *   <li>OCP Microscaling Formats (MX) v1.0: §5.3 element formats and saturation, §5.3.4 MXINT8,
 *       §5.4.1 E8M0 (research/mx-semantics.md §1.2-§1.4).</li>
 *   <li>OCP 8-bit Floating Point (OFP8) v1.0: E4M3, E5M2, the saturating and non-saturating modes.</li>
 *   <li>IEEE 754-2019: §4.3 rounding-direction attributes, §7.4 overflow.</li>
 *   <li>jax-ml/ml_dtypes 0.6.0 {@code float8.h ConvertImpl} (mx-semantics.md §4.2-§4.3).</li>
 *   <li>PTX ISA {@code cvt .satfinite}, CUDA 13.0 {@code __nv_cvt_*} (mx-semantics.md §5.2).</li>
 * </ol>
 *
 * <h2>Decoding (by definition, [1] [2])</h2>
 * <pre>
 *   floats     S E..E M..M      E = 0:     (-1)^S · 2^(1-bias) · (M / 2^m)        (zero, subnormals)
 *                               otherwise: (-1)^S · 2^(E-bias) · (1 + M / 2^m)    (normals)
 *   e8m0       EEEEEEEE         2^(E-127) for E = 0x00..0xFE (0x00 = 2^-127: no zero, no subnormals)
 *   integers   two's complement of bits() bits (uint4 plain), times 2^-fractionBits (mxint8: code/64)
 * </pre>
 * Specials by {@link ElementFormat.Specials}: IEEE, an all-ones exponent is ±Inf (M = 0) or NaN;
 * NAN_ALL_ONES, only the all-ones magnitude is NaN (E4M3 0x7F/0xFF, UE4M3 0x7F); FNUZ, 0x80 is the only
 * NaN and 0x00 the only zero; E8M0, 0xFF is NaN.
 *
 * <h2>Encoding ({@link #encode(ExactValue, ElementFormat, ElementKnobs, int)})</h2>
 * Special inputs, in this order:
 * <ol>
 *   <li>NaN: {@code knobs.nan()}. QUIET_NAN_SIGNED gives the format's quiet NaN with the input's sign
 *       (E5M2 S.11111.10, E4M3 S.1111.111); ALL_ONES_POSITIVE every exponent and mantissa bit, sign
 *       clear (E4M3/E5M2 0x7F, FP4 0x7 = +6, FP6 0x1F); ALL_ONES_SIGNED the same with the input's
 *       sign; NEGATED_ZERO +NaN to -0 and -NaN to +0; ZERO +0. A format with one NaN (fnuz 0x80, e8m0
 *       0xFF, ue4m3 0x7F) gives it under every policy.</li>
 *   <li>±0: ±0 where the format has -0 (signed floats but fnuz), else code 0; E8M0, which has no
 *       zero, by {@code knobs.e8m0Zero()}: MIN_CODE 0x00, TO_NAN 0xFF. -0 is a zero, not a negative
 *       value, for unsigned formats too.</li>
 *   <li>A negative input (also -Inf) to an unsigned format (e8m0, ue4m3, uint4): {@code knobs.negative()}.
 *       ABSOLUTE goes on with |x| (so RU then rounds |x| up); TO_NAN gives the NaN; CLAMP_TO_ZERO 0.</li>
 *   <li>±Inf: {@code knobs.infinity()}. AS_OVERFLOW gives the overflow result below (even under RZ);
 *       TO_MAX ±max; TO_NAN the format's NaN with the input's sign (the overflow NaN below).</li>
 * </ol>
 * A finite nonzero x rounds its magnitude on the ladder of its sign ({@code Ladder}): the sorted distinct
 * magnitudes of the format plus the overflow point V = max + ulp(max) (E4M3 480, E5M2 65536, FP4 8,
 * E3M2 32, E2M3 8, E8M0 2^128, UE4M3 480, E4M3FNUZ 256, E5M2FNUZ 65536, INT8 128, MXINT8 2, INT4 8,
 * UINT4 16). Signed modes act on |x| as {@code MagnitudeRounding} tabulates. Between neighbours
 * lo &lt; |x| &lt; hi:
 * <ul>
 *   <li>nearest picks the closer; a tie goes to the even code under RNE (V counts as code max + 1) and
 *       to hi under RNA. E8M0 has no mantissa bits, so its ties go up, to the larger power of two, as in
 *       ml_dtypes and torch ({@code Ladder.TieBreak.E8M0_IMPLICIT_BIT});</li>
 *   <li>directed modes pick lo or hi;</li>
 *   <li>SR picks hi iff floor(f · 2^32) + r ≥ 2^32, f = (|x| - lo)/(hi - lo), r = {@code randomBits}
 *       as an unsigned 32-bit integer.</li>
 * </ul>
 * Overflow: the result is V, or |x| ≥ V under any mode but toward zero (toward zero never overflows:
 * |x| ≥ max gives max). It gives ±max under SATFINITE; under NONSAT ±Inf where the format has Inf, else
 * its NaN with the sign of x where NaNs are signed (E4M3 0x7F/0xFF; whatever the NaN-input policy), else ±max.
 *
 * <p>The result's sign is the input's where the format can carry it: a magnitude rounded to 0 gives -0
 * in signed floats with -0 (-tiny → E4M3 0x80), else code 0. Signed integers round on
 * {@link org.lowbit.spec.SpecialPolicies.IntegerRange}: SYMMETRIC [-max, max], FULL [-max-1, max]
 * (int8 -127.6 → -128 under FULL, -127 under SYMMETRIC); beyond the range they clamp to its end
 * (they have no Inf or NaN, so NONSAT clamps too). Codes are two's complement in {@code bits()} bits.
 *
 * <p>E8M0's bottom, by {@link org.lowbit.spec.SpecialPolicies.E8m0BottomBinade}: EXACT, code 0 is
 * 2^-127 and nothing is smaller, so every magnitude in (0, 2^-127] gives 0x00 in every mode;
 * CODE0_AS_ZERO, code 0 rounds as the value 0, so the bottom interval is (0, 2^-126) with midpoint
 * 2^-127 (1.25·2^-127 → 0x01), and the tie at exactly 2^-127 goes to code 0 (ml_dtypes gives 0x00).
 */
public final class ExactCodec {
    private ExactCodec() {}

    /**
     * The exact value of {@code code} in {@code format}, by definition from the format's primitive
     * parameters (exponent bits, mantissa bits, bias, fraction bits, specials, signedness).
     *
     * <p>Special cases: NaN codes decode to NaN with the code's sign bit (fnuz 0x80 and e8m0 0xFF are
     * NaN with the sign bit clear: neither has a sign); ±Inf only in E5M2; 0x80 is -0 in E4M3, E5M2,
     * FP6 0x20, FP4 0x8; E8M0 0x00 is 2^-127.
     *
     * @throws IllegalArgumentException if {@code code} is not in 0..{@code format.codeCount()}-1 (UE4M3:
     *                                  0..0x7F)
     */
    public static ExactValue decode(int code, ElementFormat format) {
        Objects.requireNonNull(format, "format");
        if (code < 0 || code >= format.codeCount()) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "code %d (0x%X) is not a %s code: valid codes are 0x0..0x%X", code, code, format.id(),
                    format.codeCount() - 1));
        }
        return format.isInteger() ? decodeInteger(code, format) : decodeFloat(code, format);
    }

    /**
     * Integers: the code is n in two's complement of {@code 1 + mantissaBits} bits (signed) or plain
     * {@code mantissaBits} bits (unsigned); the value is n · 2^-fractionBits.
     * <pre>
     *   int8  SMMMMMMM  n        mxint8  SMMMMMMM  n / 64      int4  SMMM  n      uint4  MMMM  n
     * </pre>
     */
    private static ExactValue decodeInteger(int code, ElementFormat format) {
        int width = format.mantissaBits() + (format.isSigned() ? 1 : 0);
        int n = format.isSigned() && code >= 1 << (width - 1) ? code - (1 << width) : code;
        return ExactValue.ofFinite(n < 0, PowersOfTwo.times(Math.abs(n), -format.fractionBits()));
    }

    /**
     * Floats, with e = exponentBits, m = mantissaBits:
     * <pre>
     *   bit   e+m      e+m-1 .. m      m-1 .. 0
     *         S        E (biased)      M            (S only in signed formats; UE4M3's byte top bit is 0)
     * </pre>
     */
    private static ExactValue decodeFloat(int code, ElementFormat format) {
        int e = format.exponentBits();
        int m = format.mantissaBits();
        int signBit = format.isSigned() ? 1 << (e + m) : 0;
        int magnitudeBits = code & ((1 << (e + m)) - 1);
        boolean negative = (code & signBit) != 0;
        int exponentField = magnitudeBits >>> m;
        int mantissaField = magnitudeBits & ((1 << m) - 1);
        int exponentAllOnes = (1 << e) - 1;
        int mantissaAllOnes = (1 << m) - 1;

        boolean isNaN = switch (format.specials()) {
            case NONE -> false;
            case IEEE -> exponentField == exponentAllOnes && mantissaField != 0;
            case NAN_ALL_ONES -> exponentField == exponentAllOnes && mantissaField == mantissaAllOnes;
            case FNUZ -> negative && magnitudeBits == 0;
            case E8M0 -> exponentField == exponentAllOnes;
        };
        if (isNaN) {
            return ExactValue.ofNaN(negative);
        }
        if (format.specials() == ElementFormat.Specials.IEEE && exponentField == exponentAllOnes) {
            return ExactValue.ofInfinity(negative);
        }
        int bias = format.bias();
        if (format.specials() == ElementFormat.Specials.E8M0) {
            return ExactValue.ofFinite(false, PowersOfTwo.exact(exponentField - bias)); // 2^(E-127), no subnormals
        }
        if (exponentField == 0) {
            // subnormal or zero: 2^(1-bias) · M/2^m
            return ExactValue.ofFinite(negative, PowersOfTwo.times(mantissaField, 1 - bias - m));
        }
        // normal: 2^(E-bias) · (1 + M/2^m) = (2^m + M) · 2^(E-bias-m)
        return ExactValue.ofFinite(negative, PowersOfTwo.times((1L << m) + mantissaField, exponentField - bias - m));
    }

    /**
     * The code that {@code x} converts to under {@code knobs}, for every rounding mode but SR.
     *
     * @throws IllegalArgumentException if {@code knobs.rounding()} is SR (use the overload with random
     *                                  bits), or if a knob does not apply to {@code format}
     */
    public static int encode(ExactValue x, ElementFormat format, ElementKnobs knobs) {
        Objects.requireNonNull(knobs, "knobs");
        if (knobs.rounding() == Rounding.SR) {
            throw new IllegalArgumentException("rounding SR needs 32 random bits per element: call"
                                               + " encode(x, format, knobs, randomBits)");
        }
        return encode(x, format, knobs, 0);
    }

    /**
     * The code that {@code x} converts to under {@code knobs}: the normative definition in the class
     * documentation, implemented literally as a search over the format's grid.
     *
     * @param randomBits used only when {@code knobs.rounding()} is SR: 32 bits, read as unsigned
     * @throws IllegalArgumentException if a knob does not apply to {@code format}
     *                                  ({@link ElementKnobs#requireApplicableTo})
     */
    public static int encode(ExactValue x, ElementFormat format, ElementKnobs knobs, int randomBits) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(knobs, "knobs");
        knobs.requireApplicableTo(format);
        CodeTable table = CodeTable.of(format);

        // 1. NaN
        if (x.isNaN()) {
            return table.nanCode(knobs.nan(), x.negative());
        }
        // 2. ±0
        if (x.isZero()) {
            if (!table.hasZero()) { // E8M0
                return switch (knobs.e8m0Zero()) {
                    case MIN_CODE -> 0x00;
                    case TO_NAN -> table.nanCode(knobs.nan(), x.negative());
                };
            }
            return table.zeroCode(x.negative());
        }
        // 3. negative input to an unsigned format
        boolean negative = x.negative();
        if (negative && !format.isSigned()) {
            switch (knobs.negative()) {
                case ABSOLUTE -> negative = false;
                case TO_NAN -> { return table.nanCode(knobs.nan(), true); }
                case CLAMP_TO_ZERO -> { return table.zeroCode(false); }
            }
        }
        Ladder ladder = table.ladder(negative, knobs);
        // 4. ±Inf
        if (x.isInfinite()) {
            return switch (knobs.infinity()) {
                case AS_OVERFLOW -> overflowCode(table, ladder, knobs, negative);
                case TO_MAX -> ladder.topCode();
                case TO_NAN -> table.signedNaNCode(negative);
            };
        }
        // 5. finite, nonzero: round |x| on the ladder of its sign
        int rung = ladder.round(x.magnitude(), MagnitudeRounding.of(knobs.rounding(), negative), randomBits);
        return rung == ladder.size() ? overflowCode(table, ladder, knobs, negative) : ladder.code(rung);
    }

    /** SATFINITE: ±max. NONSAT: ±Inf, else NaN, else ±max (integers: the end of their range). */
    private static int overflowCode(CodeTable table, Ladder ladder, ElementKnobs knobs, boolean negative) {
        if (knobs.overflow() == Overflow.NONSAT) {
            if (table.hasInfinity()) {
                return table.infinityCode(negative);
            }
            if (table.hasNaN()) {
                return table.signedNaNCode(negative);
            }
        }
        return ladder.topCode();
    }

    /**
     * The oracle's answer for all 2^32 FP32 bit patterns at once, as ranges of patterns that encode to
     * the same code. Computed from {@link #encode} at every pattern where the answer can change and
     * checked at both ends of every range; see {@link Float32Ranges}.
     *
     * @throws IllegalArgumentException if {@code knobs.rounding()} is SR, or a knob does not apply
     * @throws IllegalStateException    if a range's two ends disagree (a bug in the threshold analysis)
     */
    public static Float32Ranges float32Ranges(ElementFormat format, ElementKnobs knobs) {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(knobs, "knobs");
        if (knobs.rounding() == Rounding.SR) {
            throw new IllegalArgumentException("SR has no fixed answer per input: float32Ranges needs a"
                                               + " deterministic rounding mode");
        }
        knobs.requireApplicableTo(format);
        return Float32Ranges.compute(format, knobs, CodeTable.of(format).thresholds(knobs));
    }
}
