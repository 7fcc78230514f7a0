package org.lowbit.vectors;

import java.math.BigDecimal;
import java.util.Locale;
import org.lowbit.reference.ElementCodec;
import org.lowbit.spec.ElementFormat;

/**
 * Human-readable text for codes and values, used in comments and mismatch reports: a code's fields
 * ({@code S=0 E=1111 M=110}), a value ({@code 448}, {@code -1.5}, {@code 3*2^-130}), an FP32 pattern's
 * fields. ASCII only.
 */
public final class CodeText {
    private CodeText() {}

    /** {@code 0x7e}: a code as the files write it. */
    public static String hex(int code) {
        return String.format(Locale.ROOT, "0x%02x", code);
    }

    /** The code's bit fields, e.g. {@code S=0 E=1111 M=110} (E4M3), {@code E=01111111} (E8M0), {@code int 11111101}. */
    public static String fields(ElementFormat format, int code) {
        if (format.isInteger()) {
            return "bits=" + bits(code, format.bits());
        }
        int m = format.mantissaBits();
        int e = format.exponentBits();
        StringBuilder s = new StringBuilder();
        if (format.isSigned()) {
            s.append("S=").append((code >>> (e + m)) & 1).append(' ');
        }
        s.append("E=").append(bits(code >>> m, e));
        if (m > 0) {
            s.append(" M=").append(bits(code, m));
        }
        return s.toString();
    }

    /** The code's value: {@code 448}, {@code -0}, {@code NaN}, {@code +Inf}, {@code 2^-127}. */
    public static String value(ElementFormat format, int code) {
        return f32(ElementCodec.decodeToFloat32Bits(code, format));
    }

    /** {@code 0x7e (S=0 E=1111 M=110, 448)}. */
    public static String code(ElementFormat format, int code) {
        return hex(code) + " (" + fields(format, code) + ", " + value(format, code) + ")";
    }

    /** An FP32 pattern's value, exactly: {@code 464}, {@code -0}, {@code NaN}, {@code 3*2^-130}. */
    public static String f32(int bits) {
        float f = Float.intBitsToFloat(bits);
        if (Float.isNaN(f)) {
            return (bits < 0 ? "-" : "") + "NaN";
        }
        if (Float.isInfinite(f)) {
            return f > 0 ? "+Inf" : "-Inf";
        }
        if (f == 0) {
            return bits < 0 ? "-0" : "0";
        }
        return number(f);
    }

    /** An FP32 pattern's fields and value: {@code 0x43e80000 (S=0 E=10000111 M=11010000000000000000000, 464)}. */
    public static String f32Fields(int bits) {
        return String.format(Locale.ROOT, "0x%08x (S=%d E=%s M=%s, %s)", bits, bits >>> 31, bits(bits >>> 23, 8),
                bits(bits, 23), f32(bits));
    }

    /**
     * A value for people to read: an exact short decimal where there is one ({@code 464}, {@code 0.0625}),
     * else {@code m*2^e} with a small odd m ({@code 3*2^-130}, {@code 2^127}), else the shortest decimal that
     * reads back as the same float ({@code 464.00003}). The hex in the file is the exact value.
     */
    public static String number(double v) {
        if (v == 0) {
            return Double.doubleToRawLongBits(v) < 0 ? "-0" : "0";
        }
        double a = Math.abs(v);
        String sign = v < 0 ? "-" : "";
        if (a >= 0x1p-14 && a < 0x1p24) {
            BigDecimal exact = new BigDecimal(a).stripTrailingZeros();
            if (exact.precision() <= 10) {
                return sign + exact.toPlainString();
            }
        }
        long bits = Double.doubleToRawLongBits(a);
        int exponent = Math.getExponent(a);
        long significand;
        int scale;
        if (exponent < Double.MIN_EXPONENT) {
            significand = bits & 0xFFFFFFFFFFFFFL;
            scale = Double.MIN_EXPONENT - 52;
        } else {
            significand = (bits & 0xFFFFFFFFFFFFFL) | 1L << 52;
            scale = exponent - 52;
        }
        int tz = Long.numberOfTrailingZeros(significand);
        significand >>>= tz;
        scale += tz;
        if (significand < 1 << 12) {
            return sign + (significand == 1 ? "" : significand + "*") + "2^" + scale;
        }
        return (float) v == v ? Float.toString((float) v) : Double.toString(v);
    }

    /** The low {@code width} bits of {@code value}, most significant first. */
    public static String bits(int value, int width) {
        StringBuilder s = new StringBuilder(width);
        for (int i = width - 1; i >= 0; i--) {
            s.append((value >>> i) & 1);
        }
        return s.toString();
    }
}
