package org.lowbit.reference;

import java.util.EnumMap;
import java.util.Map;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.ElementKnobs;
import org.lowbit.spec.Overflow;
import org.lowbit.spec.Rounding;
import org.lowbit.spec.SpecialPolicies.E8m0BottomBinade;
import org.lowbit.spec.SpecialPolicies.IntegerRange;

/**
 * The fast element codec: FP32, BF16 and FP16 bit patterns to element codes and back, with integer
 * arithmetic only, so that it gives the same bits on every JVM and CPU (DESIGN.md §3).
 *
 * <p>Its independent twin is {@code org.lowbit.reference.exact.ExactCodec}, a BigDecimal grid search
 * that shares no rounding code with this class; the tests compare the two on every FP16 and BF16
 * input and, in the exhaustive run, on all 2^32 FP32 inputs.
 *
 * <p>Encoding, in spec notation: the input is x = (-1)^s · sig · 2^exp with sig < 2^24. Let e = floor(log2|x|)
 * and e_t = max(e, emin) the exponent of the target binade (emin = 1 - bias: below it the target is
 * subnormal). The quantum is q = 2^(e_t - M), and n = |x| / q is rounded to an integer with the
 * discarded bits read as a round bit and a sticky bit:
 * <pre>
 *   rule   round up (away from zero) when                          IEEE 754-2019
 *   RNE    rem &gt; half, or rem == half and n is odd                §4.3.1 roundTiesToEven
 *   RNA    rem ≥ half                                               §4.3.1 roundTiesToAway
 *   RZ     never                                                    §4.3.2 roundTowardZero
 *   RU     rem ≠ 0 and x &gt; 0                                       §4.3.2 roundTowardPositive
 *   RD     rem ≠ 0 and x &lt; 0                                       §4.3.2 roundTowardNegative
 *   SR     floor(rem / 2^shift · 2^32) + random ≥ 2^32              (stochastic, lowbit SPEC.md)
 * </pre>
 * The code's magnitude is then ((e_t + bias - 1) &lt;&lt; M) + n: a carry out of the significand moves into
 * the exponent field by itself, and a magnitude past the largest finite code is an overflow (§7.4).
 */
public final class ElementCodec {
    private ElementCodec() {}

    private static final int FLOAT32_QUIET_NAN = 0x7FC00000;
    private static final int FLOAT32_INFINITY = 0x7F800000;

    private static final Map<ElementFormat, int[]> DECODE_TABLES = new EnumMap<>(ElementFormat.class);

    static {
        for (ElementFormat format : ElementFormat.values()) {
            int[] table = new int[format.codeCount()];
            for (int code = 0; code < table.length; code++) {
                table[code] = format.isInteger() ? decodeInteger(code, format) : decodeFloat(code, format);
            }
            DECODE_TABLES.put(format, table);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Decoding

    /**
     * The exact FP32 bit pattern of a code. Every value of every element format is an FP32 value
     * (E8M0's 2^-127 is the FP32 subnormal 0x00400000). NaN codes decode to the quiet NaN
     * 0x7FC00000 with the code's sign bit (fnuz and E8M0 NaNs to +NaN).
     *
     * @throws IllegalArgumentException if the code is outside 0..codeCount()-1
     */
    public static int decodeToFloat32Bits(int code, ElementFormat format) {
        return DECODE_TABLES.get(format)[format.requireValidCode(code)];
    }

    /** The code's value as a float (exact). */
    public static float decodeToFloat(int code, ElementFormat format) {
        return Float.intBitsToFloat(decodeToFloat32Bits(code, format));
    }

    /** The code's value as a double (exact; the widening from FP32 is exact). */
    public static double decodeToDouble(int code, ElementFormat format) {
        return decodeToFloat(code, format);
    }

    private static int decodeFloat(int code, ElementFormat format) {
        int m = format.mantissaBits();
        int sign = (code & format.signMask()) != 0 ? 0x80000000 : 0;
        if (format.isNaNCode(code)) {
            return format.specials() == ElementFormat.Specials.FNUZ ? FLOAT32_QUIET_NAN : sign | FLOAT32_QUIET_NAN;
        }
        if (format.isInfinityCode(code)) {
            return sign | FLOAT32_INFINITY;
        }
        int magnitude = code & ~format.signMask();
        int exponentField = magnitude >>> m;
        int mantissa = magnitude & ((1 << m) - 1);
        if (format.specials() == ElementFormat.Specials.E8M0) {
            // OCP MX §5.4.1: code c is 2^(c-127); code 0 is 2^-127, the FP32 subnormal 0x00400000.
            return exponentField == 0 ? 0x00400000 : exponentField << 23;
        }
        if (exponentField == 0) {
            if (mantissa == 0) {
                return sign; // ±0
            }
            // Subnormal: mantissa · 2^(emin - M); normalise around its leading one, at bit p.
            int p = 31 - Integer.numberOfLeadingZeros(mantissa);
            int float32Exponent = format.emin() - m + p + 127;
            return sign | float32Exponent << 23 | (mantissa - (1 << p)) << (23 - p);
        }
        int float32Exponent = exponentField - format.bias() + 127;
        return sign | float32Exponent << 23 | mantissa << (23 - m);
    }

    private static int decodeInteger(int code, ElementFormat format) {
        int bits = format.bits();
        int n = format.isSigned() ? (code << (32 - bits)) >> (32 - bits) : code; // sign-extend
        return Float.floatToRawIntBits(Math.scalb((float) n, -format.fractionBits()));
    }

    // ---------------------------------------------------------------------------------------------
    // Source formats, widened exactly to FP32

    /** BF16 is the top half of an FP32 pattern. */
    public static int bfloat16ToFloat32Bits(int bf16Bits) {
        return (bf16Bits & 0xFFFF) << 16;
    }

    /**
     * IEEE binary16 (S EEEEE MMMMMMMMMM, bias 15) to binary32, exactly; NaN payloads are kept in the
     * top fraction bits.
     */
    public static int float16ToFloat32Bits(int f16Bits) {
        int sign = (f16Bits & 0x8000) << 16;
        int exponentField = (f16Bits >>> 10) & 0x1F;
        int mantissa = f16Bits & 0x3FF;
        if (exponentField == 0x1F) {
            return sign | FLOAT32_INFINITY | mantissa << 13;
        }
        if (exponentField != 0) {
            return sign | (exponentField - 15 + 127) << 23 | mantissa << 13;
        }
        if (mantissa == 0) {
            return sign;
        }
        int p = 31 - Integer.numberOfLeadingZeros(mantissa); // value = mantissa · 2^-24
        return sign | (p - 24 + 127) << 23 | (mantissa - (1 << p)) << (23 - p);
    }

    // ---------------------------------------------------------------------------------------------
    // Encoding

    /** Encodes an FP32 pattern; not for {@link Rounding#SR}, which needs random bits. */
    public static int encodeFloat32(int float32Bits, ElementFormat format, ElementKnobs knobs) {
        requireDeterministic(knobs);
        return encodeFloat32(float32Bits, format, knobs, 0);
    }

    /** Encodes a BF16 pattern (low 16 bits); not for SR. */
    public static int encodeBFloat16(int bf16Bits, ElementFormat format, ElementKnobs knobs) {
        return encodeFloat32(bfloat16ToFloat32Bits(bf16Bits), format, knobs);
    }

    /** Encodes an FP16 pattern (low 16 bits); not for SR. */
    public static int encodeFloat16(int f16Bits, ElementFormat format, ElementKnobs knobs) {
        return encodeFloat32(float16ToFloat32Bits(f16Bits), format, knobs);
    }

    /** Encodes a BF16 pattern; {@code randomBits} is used only under SR. */
    public static int encodeBFloat16(int bf16Bits, ElementFormat format, ElementKnobs knobs, int randomBits) {
        return encodeFloat32(bfloat16ToFloat32Bits(bf16Bits), format, knobs, randomBits);
    }

    /** Encodes an FP16 pattern; {@code randomBits} is used only under SR. */
    public static int encodeFloat16(int f16Bits, ElementFormat format, ElementKnobs knobs, int randomBits) {
        return encodeFloat32(float16ToFloat32Bits(f16Bits), format, knobs, randomBits);
    }

    /**
     * Encodes an FP32 pattern into a code of {@code format} under {@code knobs}.
     *
     * <p>Special cases, in this order:
     * <ul>
     *   <li>NaN: {@code knobs.nan()};</li>
     *   <li>a negative input (-Inf too, but not -0) to an unsigned format: {@code knobs.negative()};</li>
     *   <li>±Inf: {@code knobs.infinity()};</li>
     *   <li>±0: ±0 where the format has -0, else 0; E8M0 (no zero): {@code knobs.e8m0Zero()};</li>
     *   <li>overflow: ±max under SATFINITE or toward-zero rounding, else ±Inf, else the format's NaN.</li>
     * </ul>
     *
     * @param randomBits 32 random bits, an unsigned integer, used only when rounding is SR
     * @throws IllegalArgumentException if a knob does not apply to the format
     */
    public static int encodeFloat32(int float32Bits, ElementFormat format, ElementKnobs knobs, int randomBits) {
        boolean negative = float32Bits < 0;
        int exponentField = (float32Bits >>> 23) & 0xFF;
        int fraction = float32Bits & 0x7FFFFF;
        if (exponentField == 0xFF && fraction != 0) {
            return SpecialCodes.nan(format, knobs.nan(), negative);
        }
        boolean zero = exponentField == 0 && fraction == 0;
        if (negative && !zero && !format.isSigned()) {
            switch (knobs.negative()) {
                case ABSOLUTE -> negative = false;
                case TO_NAN -> { return SpecialCodes.signedNaN(format, false); }
                case CLAMP_TO_ZERO -> { return 0; }
            }
        }
        if (exponentField == 0xFF) {
            return switch (knobs.infinity()) {
                case AS_OVERFLOW -> overflow(format, knobs, negative, false);
                case TO_MAX -> SpecialCodes.max(format, knobs, negative);
                case TO_NAN -> SpecialCodes.signedNaN(format, negative);
            };
        }
        if (zero) {
            return SpecialCodes.zero(format, knobs, negative);
        }
        // x = (-1)^s · significand · 2^exponent, significand < 2^24
        int significand = exponentField == 0 ? fraction : fraction | 0x800000;
        int exponent = (exponentField == 0 ? 1 : exponentField) - 150;
        return format.isInteger()
               ? encodeInteger(negative, significand, exponent, format, knobs, randomBits)
               : encodeFloat(negative, significand, exponent, format, knobs, randomBits);
    }

    private static int encodeFloat(boolean negative, int significand, int exponent, ElementFormat format,
                                   ElementKnobs knobs, int randomBits) {
        int m = format.mantissaBits();
        int e = exponent + 31 - Integer.numberOfLeadingZeros(significand); // floor(log2|x|)
        int eminForRounding = format.emin();
        if (format.specials() == ElementFormat.Specials.E8M0) {
            if (knobs.e8m0Bottom() == E8m0BottomBinade.CODE0_AS_ZERO) {
                eminForRounding = format.emin() + 1; // code 0 rounds as 0: (0, 2^-126) is one "subnormal" step
            } else if (e < format.emin()) {
                return 0; // nothing below 2^-127: every rule gives code 0x00
            }
        }
        int targetExponent = Math.max(e, eminForRounding);
        int shift = targetExponent - m - exponent; // bits of the significand below the quantum
        long n;
        boolean roundUp;
        if (shift <= 0) {
            n = (long) significand << -shift;
            roundUp = false;
        } else {
            int cappedShift = Math.min(shift, 62); // significand < 2^24: beyond 62 only "sticky" remains
            n = cappedShift > 31 ? 0 : significand >>> cappedShift;
            long remainder = significand & ((1L << cappedShift) - 1);
            roundUp = roundsAwayFromZero(knobs.rounding(), negative, n, remainder, cappedShift, randomBits);
        }
        if (roundUp) {
            n++;
        }
        if (n == 0) {
            // Underflow to zero; E8M0 has none, and only reaches here when code 0 rounds as 0.
            return format.specials() == ElementFormat.Specials.E8M0 ? 0 : SpecialCodes.zero(format, knobs, negative);
        }
        long magnitude = ((long) (targetExponent + format.bias() - 1) << m) + n;
        if (magnitude > format.maxFiniteCode()) {
            return overflow(format, knobs, negative, towardZero(knobs.rounding(), negative));
        }
        return (int) magnitude | (negative ? format.signMask() : 0);
    }

    private static int encodeInteger(boolean negative, int significand, int exponent, ElementFormat format,
                                     ElementKnobs knobs, int randomBits) {
        // n = |x| · 2^fractionBits, rounded; mxint8's code is value · 64 (OCP MX §5.3.4).
        int shift = -(exponent + format.fractionBits());
        long limit = format.maxFiniteCode()
                     + (negative && knobs.integerRange() == IntegerRange.FULL ? 1 : 0);
        long n;
        if (shift <= 0) {
            int bitLength = 32 - Integer.numberOfLeadingZeros(significand);
            n = bitLength - shift > 40 ? Long.MAX_VALUE : (long) significand << -shift;
        } else {
            int cappedShift = Math.min(shift, 62);
            n = cappedShift > 31 ? 0 : significand >>> cappedShift;
            long remainder = significand & ((1L << cappedShift) - 1);
            if (roundsAwayFromZero(knobs.rounding(), negative, n, remainder, cappedShift, randomBits)) {
                n++;
            }
        }
        n = Math.min(n, limit); // integers have no Inf or NaN: both overflow modes clamp
        int mask = (1 << format.bits()) - 1;
        return (int) (negative ? -n : n) & mask;
    }

    /**
     * The rounding decision on the magnitude: {@code remainder} is the discarded part of n, in units of
     * 2^-shift of one quantum (so half a quantum is 2^(shift-1)).
     */
    private static boolean roundsAwayFromZero(Rounding rounding, boolean negative, long n, long remainder,
                                              int shift, int randomBits) {
        if (remainder == 0) {
            return false;
        }
        long half = 1L << (shift - 1);
        return switch (rounding) {
            case RNE -> remainder > half || (remainder == half && (n & 1) != 0);
            case RNA -> remainder >= half;
            case RZ -> false;
            case RU -> !negative;
            case RD -> negative;
            case SR -> {
                long fraction32 = shift <= 32 ? remainder << (32 - shift) : remainder >>> (shift - 32);
                yield fraction32 + Integer.toUnsignedLong(randomBits) >= 1L << 32;
            }
        };
    }

    /** Whether the rule rounds this sign's magnitude toward zero (then an overflow gives ±max, §7.4). */
    private static boolean towardZero(Rounding rounding, boolean negative) {
        return rounding == Rounding.RZ
               || (rounding == Rounding.RU && negative)
               || (rounding == Rounding.RD && !negative);
    }

    private static int overflow(ElementFormat format, ElementKnobs knobs, boolean negative, boolean towardZero) {
        if (towardZero || knobs.overflow() == Overflow.SATFINITE) {
            return SpecialCodes.max(format, knobs, negative);
        }
        if (format.hasInfinity()) {
            return SpecialCodes.infinity(format, negative);
        }
        if (format.hasNaN()) {
            return SpecialCodes.signedNaN(format, negative);
        }
        return SpecialCodes.max(format, knobs, negative);
    }

    private static void requireDeterministic(ElementKnobs knobs) {
        if (knobs.rounding() == Rounding.SR) {
            throw new IllegalArgumentException("rounding SR needs random bits: use the overload that takes them");
        }
    }
}
