package org.lowbit.spec;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The element formats of lowbit, as data: each one is a handful of primitive parameters, and every
 * limit (bias, emax, max normal, min subnormal, the NaN and Inf codes) is derived from them.
 *
 * <p>References:
 * <ol>
 *   <li>OCP Microscaling Formats (MX) v1.0, §5.2 Table 1, §5.3 Tables 2-6, §5.4.1 Table 7
 *       (research/mx-semantics.md §1.2-§1.4).</li>
 *   <li>OCP 8-bit Floating Point (OFP8) v1.0, E4M3 and E5M2.</li>
 *   <li>NVIDIA NVFP4: the UE4M3 block scale (mx-semantics.md §3.5, §5.3).</li>
 *   <li>AMD MI300 FP8 "fnuz" formats: bias one larger, a single NaN at 0x80, no negative zero
 *       (ml_dtypes {@code float8_e4m3fnuz}, {@code float8_e5m2fnuz}).</li>
 * </ol>
 *
 * <p>Floating-point layouts, most significant bit first:
 * <pre>
 *   fp8_e4m3   S EEEE MMM     fp6_e3m2  S EEE MM     fp4_e2m1  S EE M
 *   fp8_e5m2   S EEEEE MM     fp6_e2m3  S EE MMM     e8m0      EEEEEEEE   (2^(E-127), 0xFF = NaN)
 *   ue4m3      0 EEEE MMM     (the top bit of the byte must be zero)
 * </pre>
 * Integer formats are two's complement ({@code int8}, {@code int4}, {@code mxint8}) or unsigned
 * ({@code uint4}); {@code mxint8} carries an implicit factor 2^-6 (OCP MX §5.3.4 Table 6).
 *
 * <p>A code is always held in the low bits of an {@code int}: {@link #bits()} of them.
 */
public enum ElementFormat {
    // @formatter:off
    //            id              kind           specials              signed  E  M  bias  fraction bits (integers)
    FP8_E4M3     ("fp8_e4m3",     Kind.FLOAT,    Specials.NAN_ALL_ONES, true,  4, 3,   7, 0), // OFP8 E4M3 ("fn")
    FP8_E5M2     ("fp8_e5m2",     Kind.FLOAT,    Specials.IEEE,         true,  5, 2,  15, 0), // OFP8 E5M2
    FP6_E3M2     ("fp6_e3m2",     Kind.FLOAT,    Specials.NONE,         true,  3, 2,   3, 0), // OCP MX §5.3.2 Table 3
    FP6_E2M3     ("fp6_e2m3",     Kind.FLOAT,    Specials.NONE,         true,  2, 3,   1, 0), // OCP MX §5.3.2 Table 4
    FP4_E2M1     ("fp4_e2m1",     Kind.FLOAT,    Specials.NONE,         true,  2, 1,   1, 0), // OCP MX §5.3.3 Table 5
    INT8         ("int8",         Kind.INTEGER,  Specials.NONE,         true,  0, 7,   0, 0), // two's complement
    MXINT8       ("mxint8",       Kind.INTEGER,  Specials.NONE,         true,  0, 7,   0, 6), // OCP MX §5.3.4 Table 6
    E8M0         ("e8m0",         Kind.FLOAT,    Specials.E8M0,         false, 8, 0, 127, 0), // OCP MX §5.4.1 Table 7
    UE4M3        ("ue4m3",        Kind.FLOAT,    Specials.NAN_ALL_ONES, false, 4, 3,   7, 0), // NVFP4 block scale
    FP8_E4M3FNUZ ("fp8_e4m3fnuz", Kind.FLOAT,    Specials.FNUZ,         true,  4, 3,   8, 0), // AMD MI300
    FP8_E5M2FNUZ ("fp8_e5m2fnuz", Kind.FLOAT,    Specials.FNUZ,         true,  5, 2,  16, 0), // AMD MI300
    INT4         ("int4",         Kind.INTEGER,  Specials.NONE,         true,  0, 3,   0, 0), // two's complement
    UINT4        ("uint4",        Kind.INTEGER,  Specials.NONE,         false, 0, 4,   0, 0); // unsigned
    // @formatter:on

    /** Floating point (sign, biased exponent, trailing significand) or a plain integer. */
    public enum Kind { FLOAT, INTEGER }

    /** Which codes are reserved for Inf and NaN. */
    public enum Specials {
        /** None: every code is a finite number (FP6, FP4, the integers). */
        NONE,
        /** IEEE 754 style: an all-ones exponent field is ±Inf (mantissa 0) or NaN (otherwise). */
        IEEE,
        /** Finite with NaN: only S.1111.111 is NaN; the rest of the top binade is finite (OFP8 E4M3). */
        NAN_ALL_ONES,
        /** Finite, unsigned zero: the negative-zero code 0x80 is the single NaN; no Inf, no -0. */
        FNUZ,
        /** E8M0: exponent only, every code is a power of two but 0xFF, which is NaN; no zero. */
        E8M0
    }

    private final String id;
    private final Kind kind;
    private final Specials specials;
    private final boolean signed;
    private final int exponentBits;
    private final int mantissaBits;
    private final int bias;
    private final int fractionBits;

    ElementFormat(String id, Kind kind, Specials specials, boolean signed, int exponentBits,
                  int mantissaBits, int bias, int fractionBits) {
        this.id = id;
        this.kind = kind;
        this.specials = specials;
        this.signed = signed;
        this.exponentBits = exponentBits;
        this.mantissaBits = mantissaBits;
        this.bias = bias;
        this.fractionBits = fractionBits;
    }

    /** The format's id on the command line and in vector files, e.g. {@code fp8_e4m3}. */
    public String id() { return id; }

    public Kind kind() { return kind; }

    public Specials specials() { return specials; }

    public boolean isFloat() { return kind == Kind.FLOAT; }

    public boolean isInteger() { return kind == Kind.INTEGER; }

    /** Whether negative values are representable (a sign bit, or two's complement). */
    public boolean isSigned() { return signed; }

    /** Exponent field width; 0 for integers. */
    public int exponentBits() { return exponentBits; }

    /**
     * Trailing significand field width for floats; for integers, the number of magnitude bits
     * (7 for int8 and mxint8, 3 for int4, 4 for uint4).
     */
    public int mantissaBits() { return mantissaBits; }

    /** Exponent bias; 0 for integers. */
    public int bias() { return bias; }

    /** Integers only: the code is scaled by 2^-fractionBits (6 for mxint8, OCP MX §5.3.4). */
    public int fractionBits() { return fractionBits; }

    /** Total width of a code: 8 for fp8, int8, mxint8, e8m0 and ue4m3; 6 for fp6; 4 for fp4, int4, uint4. */
    public int bits() {
        int signBits = (signed && kind == Kind.FLOAT) ? 1 : 0;
        int width = kind == Kind.FLOAT ? signBits + exponentBits + mantissaBits
                                       : mantissaBits + (signed ? 1 : 0);
        return this == UE4M3 ? 8 : width; // UE4M3 lives in a byte whose top bit must be 0 (NVFP4)
    }

    /**
     * Number of valid codes: 2^bits, except UE4M3 whose codes are 0x00..0x7F (the sign bit of the
     * E4M3 byte must be zero).
     */
    public int codeCount() {
        return this == UE4M3 ? 128 : 1 << bits();
    }

    /** Whether {@code code} is a valid code of this format (in 0..codeCount()-1). */
    public boolean isValidCode(int code) {
        return code >= 0 && code < codeCount();
    }

    /** The sign bit's mask for signed floats; 0 for unsigned floats and integers. */
    public int signMask() {
        return (kind == Kind.FLOAT && signed) ? 1 << (exponentBits + mantissaBits) : 0;
    }

    public boolean hasInfinity() { return specials == Specials.IEEE; }

    public boolean hasNaN() {
        return specials == Specials.IEEE || specials == Specials.NAN_ALL_ONES
               || specials == Specials.FNUZ || specials == Specials.E8M0;
    }

    /** Whether zero is representable (every format but E8M0). */
    public boolean hasZero() { return specials != Specials.E8M0; }

    /** Whether -0 has a code of its own (signed floats except fnuz). */
    public boolean hasNegativeZero() {
        return kind == Kind.FLOAT && signed && specials != Specials.FNUZ;
    }

    /** Whether the smallest exponent field encodes subnormals (every float but E8M0). */
    public boolean hasSubnormals() { return kind == Kind.FLOAT && specials != Specials.E8M0; }

    /** Largest exponent field that holds finite values. */
    private int maxFiniteExponentField() {
        int allOnes = (1 << exponentBits) - 1;
        return switch (specials) {
            case IEEE -> allOnes - 1;
            case NAN_ALL_ONES, FNUZ, NONE -> allOnes;
            case E8M0 -> allOnes - 1;
        };
    }

    /**
     * emax: the exponent of the largest power of two in the format (the "emax_elem" of OCP MX §6.3).
     * fp8_e4m3 8, fp8_e5m2 15, fp6_e3m2 4, fp6_e2m3 2, fp4_e2m1 2, e8m0 127, ue4m3 8,
     * fp8_e4m3fnuz 7, fp8_e5m2fnuz 15; integers: floor(log2(max)) - fractionBits, so int8 6, mxint8 0,
     * int4 2, uint4 3.
     */
    public int emax() {
        if (kind == Kind.INTEGER) {
            return (mantissaBits - 1) - fractionBits;
        }
        return maxFiniteExponentField() - bias;
    }

    /** emin: the exponent of the smallest normal, 1 - bias (E8M0: -127, its code 0). */
    public int emin() {
        if (kind == Kind.INTEGER) {
            return -fractionBits;
        }
        return specials == Specials.E8M0 ? -bias : 1 - bias;
    }

    /** The positive code with the largest finite magnitude. */
    public int maxFiniteCode() {
        if (kind == Kind.INTEGER) {
            return (1 << mantissaBits) - 1;
        }
        int mantissaAllOnes = (1 << mantissaBits) - 1;
        int mantissa = specials == Specials.NAN_ALL_ONES ? mantissaAllOnes - 1 : mantissaAllOnes;
        return (maxFiniteExponentField() << mantissaBits) | mantissa;
    }

    /**
     * The most negative integer in the full two's-complement range (int8 -128, mxint8 -128 (= -2.0),
     * int4 -8; uint4 0). Floats: not applicable.
     */
    public int minIntegerCode() {
        if (kind != Kind.INTEGER) {
            throw new UnsupportedOperationException(id + " is not an integer format");
        }
        return signed ? -(1 << mantissaBits) : 0;
    }

    /**
     * Largest finite value, exactly: fp8_e4m3 448 = 1.75·2^8, fp8_e5m2 57344 = 1.75·2^15,
     * fp6_e3m2 28 = 1.75·2^4, fp6_e2m3 7.5 = 1.875·2^2, fp4_e2m1 6 = 1.5·2^2, int8 127,
     * mxint8 127/64 = 1.984375, e8m0 2^127, ue4m3 448, fp8_e4m3fnuz 240 = 1.875·2^7,
     * fp8_e5m2fnuz 57344 = 1.75·2^15, int4 7, uint4 15.
     */
    public double maxFinite() {
        if (kind == Kind.INTEGER) {
            return Math.scalb((double) maxFiniteCode(), -fractionBits);
        }
        double significand = 1.0 + Math.scalb((double) (maxFiniteCode() & ((1 << mantissaBits) - 1)), -mantissaBits);
        return Math.scalb(significand, emax());
    }

    /**
     * Smallest positive normal: fp8_e4m3 2^-6, fp8_e5m2 2^-14, fp6_e3m2 2^-2, fp6_e2m3 1, fp4_e2m1 1,
     * e8m0 2^-127, ue4m3 2^-6, fnuz 2^-7 and 2^-15; integers: one step (int8 1, mxint8 2^-6).
     */
    public double minNormal() {
        return Math.scalb(1.0, emin());
    }

    /**
     * Smallest positive value: fp8_e4m3 2^-9, fp8_e5m2 2^-16, fp6_e3m2 2^-4 = 0.0625,
     * fp6_e2m3 2^-3 = 0.125, fp4_e2m1 2^-1 = 0.5, e8m0 2^-127, ue4m3 2^-9, fnuz 2^-10 and 2^-17;
     * integers: one step.
     */
    public double minSubnormal() {
        return hasSubnormals() ? Math.scalb(1.0, emin() - mantissaBits) : minNormal();
    }

    /** The NaN codes, ascending (empty when the format has no NaN). */
    public int[] nanCodes() {
        return java.util.stream.IntStream.range(0, codeCount()).filter(this::isNaNCode).toArray();
    }

    /** Whether {@code code} is a NaN of this format. */
    public boolean isNaNCode(int code) {
        requireValidCode(code);
        int magnitude = code & ~signMask();
        int exponentField = magnitude >>> mantissaBits;
        int mantissa = magnitude & ((1 << mantissaBits) - 1);
        return switch (specials) {
            case NONE -> false;
            case IEEE -> exponentField == (1 << exponentBits) - 1 && mantissa != 0;
            case NAN_ALL_ONES -> magnitude == (1 << (exponentBits + mantissaBits)) - 1;
            case FNUZ -> code == 1 << (exponentBits + mantissaBits);
            case E8M0 -> code == 0xFF;
        };
    }

    /** Whether {@code code} is ±Inf of this format. */
    public boolean isInfinityCode(int code) {
        requireValidCode(code);
        return specials == Specials.IEEE
               && (code & ~signMask()) == ((1 << exponentBits) - 1) << mantissaBits;
    }

    /** Throws a clear {@link IllegalArgumentException} unless the code is valid for this format. */
    public int requireValidCode(int code) {
        if (!isValidCode(code)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "code 0x%X is out of range for %s (valid codes 0x0..0x%X)", code, id, codeCount() - 1));
        }
        return code;
    }

    /** Looks a format up by its id ({@code fp8_e4m3}, ...), case-insensitively. */
    public static ElementFormat byId(String id) {
        for (ElementFormat f : values()) {
            if (f.id.equalsIgnoreCase(id)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown element format '" + id + "'; known formats: " + ids());
    }

    /** All format ids, comma-separated, for error messages. */
    public static String ids() {
        return Arrays.stream(values()).map(ElementFormat::id).collect(Collectors.joining(", "));
    }

    public static List<ElementFormat> all() { return List.of(values()); }

    @Override
    public String toString() { return id; }
}
