package org.lowbit.reference.exact;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Locale;
import java.util.Objects;

/**
 * An exact real number, or ±Inf, or NaN, with its sign bit: the value of a source bit pattern or of a
 * code, with nothing rounded.
 *
 * <p>The sign is a bit, not the sign of the number: it is meaningful for zero (-0), Inf and NaN too. A
 * finite magnitude is held exactly as a non-negative {@link BigDecimal} (every binary floating-point
 * value is a finite decimal), normalized with {@link BigDecimal#stripTrailingZeros()} so that
 * {@link #equals} compares values, not decimal scales. Inf and NaN carry no magnitude (null) and no
 * NaN payload: nothing in the oracle depends on the payload.
 *
 * <p>The factories decode IEEE 754-2019 §3.4 binary interchange formats field by field:
 * <pre>
 *   binary32   S EEEEEEEE MMMMMMMMMMMMMMMMMMMMMMM              bias 127
 *   bfloat16   S EEEEEEEE MMMMMMM                              bias 127 (the top half of a binary32)
 *   binary16   S EEEEE MMMMMMMMMM                              bias 15
 *   binary64   S EEEEEEEEEEE MMMM...(52 bits)...MMMM           bias 1023
 *
 *   E = 0             (-1)^S · 2^(1-bias) · 0.M     (zero and subnormals)
 *   0 &lt; E &lt; all ones  (-1)^S · 2^(E-bias) · 1.M     (normals)
 *   E = all ones      M = 0: (-1)^S · Inf;  M ≠ 0: NaN
 * </pre>
 *
 * @param kind      finite, infinite or NaN
 * @param negative  the sign bit
 * @param magnitude the exact absolute value for {@link Kind#FINITE}, else null
 */
public record ExactValue(Kind kind, boolean negative, BigDecimal magnitude) {

    /** What sort of value this is. */
    public enum Kind { FINITE, INFINITY, NAN }

    /** The longest plain decimal {@link #toString()} prints before it switches to {@code s·2^e}. */
    private static final int PLAIN_DECIMAL_LIMIT = 24;

    public ExactValue {
        Objects.requireNonNull(kind, "kind");
        if (kind == Kind.FINITE) {
            Objects.requireNonNull(magnitude, "a finite value needs a magnitude");
            if (magnitude.signum() < 0) {
                throw new IllegalArgumentException("magnitude must be ≥ 0 (the sign is the 'negative' bit): "
                                                   + magnitude);
            }
            magnitude = magnitude.stripTrailingZeros();
        } else if (magnitude != null) {
            throw new IllegalArgumentException(kind + " has no magnitude, got " + magnitude);
        }
    }

    /** The finite value (-1)^negative · magnitude; {@code magnitude} must be ≥ 0. */
    public static ExactValue ofFinite(boolean negative, BigDecimal magnitude) {
        return new ExactValue(Kind.FINITE, negative, magnitude);
    }

    /** ±Inf. */
    public static ExactValue ofInfinity(boolean negative) {
        return new ExactValue(Kind.INFINITY, negative, null);
    }

    /** NaN with the given sign bit. */
    public static ExactValue ofNaN(boolean negative) {
        return new ExactValue(Kind.NAN, negative, null);
    }

    /** The value of an IEEE binary32 bit pattern. */
    public static ExactValue ofFloat32Bits(int bits) {
        return ofIeeeBits(Integer.toUnsignedLong(bits), 8, 23);
    }

    /**
     * The value of a bfloat16 bit pattern, held in the low 16 bits of {@code bits}.
     *
     * @throws IllegalArgumentException if any of the high 16 bits is set
     */
    public static ExactValue ofBFloat16Bits(int bits) {
        return ofIeeeBits(require16Bits(bits, "bfloat16"), 8, 7);
    }

    /**
     * The value of an IEEE binary16 bit pattern, held in the low 16 bits of {@code bits}.
     *
     * @throws IllegalArgumentException if any of the high 16 bits is set
     */
    public static ExactValue ofFloat16Bits(int bits) {
        return ofIeeeBits(require16Bits(bits, "binary16"), 5, 10);
    }

    /** The value of an IEEE binary64 bit pattern. */
    public static ExactValue ofFloat64Bits(long bits) {
        return ofIeeeBits(bits, 11, 52);
    }

    /** The value of {@code value}, exactly (its raw bits, so NaN keeps its sign bit). */
    public static ExactValue ofFloat(float value) {
        return ofFloat32Bits(Float.floatToRawIntBits(value));
    }

    /** The value of {@code value}, exactly (its raw bits, so NaN keeps its sign bit). */
    public static ExactValue ofDouble(double value) {
        return ofFloat64Bits(Double.doubleToRawLongBits(value));
    }

    /**
     * Decodes the fields of an IEEE 754 binary format with {@code exponentBits} exponent bits and
     * {@code fractionBits} trailing significand bits; the sign is the bit above them.
     */
    private static ExactValue ofIeeeBits(long bits, int exponentBits, int fractionBits) {
        boolean negative = ((bits >>> (exponentBits + fractionBits)) & 1) != 0;
        int biasedExponent = (int) ((bits >>> fractionBits) & ((1L << exponentBits) - 1));
        long fraction = bits & ((1L << fractionBits) - 1);
        int bias = (1 << (exponentBits - 1)) - 1;
        int exponentAllOnes = (1 << exponentBits) - 1;

        if (biasedExponent == exponentAllOnes) {
            return fraction == 0 ? ofInfinity(negative) : ofNaN(negative);
        }
        if (biasedExponent == 0) {
            // zero or subnormal: 0.M · 2^(1-bias) = M · 2^(1-bias-fractionBits)
            return ofFinite(negative, PowersOfTwo.times(fraction, 1 - bias - fractionBits));
        }
        // normal: 1.M · 2^(E-bias) = (2^fractionBits + M) · 2^(E-bias-fractionBits)
        long significand = (1L << fractionBits) | fraction;
        return ofFinite(negative, PowersOfTwo.times(significand, biasedExponent - bias - fractionBits));
    }

    private static long require16Bits(int bits, String format) {
        if ((bits & ~0xFFFF) != 0) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "a %s bit pattern has 16 bits; 0x%X has bits above bit 15", format, bits));
        }
        return bits;
    }

    public boolean isFinite() { return kind == Kind.FINITE; }

    public boolean isInfinite() { return kind == Kind.INFINITY; }

    public boolean isNaN() { return kind == Kind.NAN; }

    /** Whether this is +0 or -0. */
    public boolean isZero() { return kind == Kind.FINITE && magnitude.signum() == 0; }

    /**
     * Whether {@code f} is this value: the same class, the same sign (zeros included), and for finite
     * values the same magnitude exactly. Any NaN matches any NaN (decoding fixes no payload).
     */
    public boolean isValueOf(float f) {
        return switch (kind) {
            case NAN -> Float.isNaN(f);
            case INFINITY -> Float.isInfinite(f) && (f < 0) == negative;
            case FINITE -> Float.isFinite(f) && (Float.floatToRawIntBits(f) < 0) == negative
                           && new BigDecimal(Math.abs(f)).compareTo(magnitude) == 0;
        };
    }

    /**
     * {@code "NaN"}, {@code "-NaN"}, {@code "+Inf"}, {@code "-Inf"}, {@code "+0"}, {@code "-0"}; a
     * nonzero finite value as a plain decimal ({@code "-1.5"}) when that is short, else exactly as
     * {@code s*2^e} with 1 ≤ s &lt; 2 ({@code "1.25*2^-127"}).
     */
    @Override
    public String toString() {
        String sign = negative ? "-" : "";
        return switch (kind) {
            case NAN -> sign + "NaN";
            case INFINITY -> (negative ? "-" : "+") + "Inf";
            case FINITE -> magnitude.signum() == 0 ? (negative ? "-0" : "+0") : sign + describe(magnitude);
        };
    }

    /** A short exact text for a positive magnitude. */
    private static String describe(BigDecimal magnitude) {
        String plain = magnitude.toPlainString();
        if (plain.length() <= PLAIN_DECIMAL_LIMIT) {
            return plain;
        }
        // magnitude = u · 10^-s = u · 5^-s · 2^-s; it is dyadic iff 5^s divides u (s > 0) or always (s ≤ 0).
        BigInteger unscaled = magnitude.unscaledValue();
        int scale = magnitude.scale();
        BigInteger integer;
        int exponent;
        if (scale > 0) {
            BigInteger[] quotient = unscaled.divideAndRemainder(BigInteger.valueOf(5).pow(scale));
            if (quotient[1].signum() != 0) {
                return magnitude.toString(); // not a binary fraction (ofFinite allows any decimal)
            }
            integer = quotient[0];
            exponent = -scale;
        } else {
            integer = magnitude.toBigIntegerExact();
            exponent = 0;
        }
        int trailingZeros = integer.getLowestSetBit();
        BigInteger odd = integer.shiftRight(trailingZeros);
        exponent += trailingZeros;
        // odd · 2^exponent = (odd / 2^(bitLength-1)) · 2^(exponent + bitLength - 1), significand in [1, 2)
        int shift = odd.bitLength() - 1;
        BigDecimal significand = new BigDecimal(odd).multiply(PowersOfTwo.exact(-shift)).stripTrailingZeros();
        String significandText = significand.compareTo(BigDecimal.ONE) == 0 ? "" : significand.toPlainString() + "*";
        return significandText + "2^" + (exponent + shift);
    }
}
