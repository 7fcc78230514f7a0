package org.lowbit.harness.cli;

import java.math.BigDecimal;
import java.util.Locale;
import org.lowbit.reference.ElementCodec;
import org.lowbit.spec.ElementFormat;

/**
 * How codes and values are written for people: hex codes as wide as the format, bit fields, the
 * class of a code, and exact decimal values ({@code new BigDecimal(double)}, never a rounded print).
 */
final class CodeText {
    private CodeText() {}

    /** {@code 0x7E} for 8-bit formats, {@code 0x1F} for FP6, {@code 0x7} for 4-bit formats. */
    static String hex(int code, ElementFormat format) {
        return String.format(Locale.ROOT, "0x%0" + hexDigits(format) + "X", code);
    }

    /** A code and its exact value: {@code 0x48 (4)}, {@code 0x00 (2^-127)}. */
    static String codeAndValue(int code, ElementFormat format) {
        return hex(code, format) + " (" + brief(ElementCodec.decodeToDouble(code, format)) + ")";
    }

    /** The field layout, most significant bit first: {@code S EEEE MMM}, {@code EEEEEEEE}, {@code IIIIIIII}. */
    static String layout(ElementFormat format) {
        if (format.isInteger()) {
            return "I".repeat(format.bits());
        }
        String fields = (format.signMask() != 0 ? "S " : "") + "E".repeat(format.exponentBits())
                        + (format.mantissaBits() > 0 ? " " + "M".repeat(format.mantissaBits()) : "");
        return format == ElementFormat.UE4M3 ? "0 " + fields : fields;
    }

    /** Named fields: {@code S=0 E=1111 M=110}; integers {@code I=10000000}. */
    static String fields(int code, ElementFormat format) {
        if (format.isInteger()) {
            return "I=" + binary(code, format.bits());
        }
        StringBuilder text = new StringBuilder();
        if (format.signMask() != 0) {
            text.append("S=").append((code & format.signMask()) != 0 ? 1 : 0).append(' ');
        }
        text.append("E=").append(binary(code >>> format.mantissaBits(), format.exponentBits()));
        if (format.mantissaBits() > 0) {
            text.append(" M=").append(binary(code, format.mantissaBits()));
        }
        return text.toString();
    }

    /** The bits grouped by field, as in {@link #layout}: {@code 0 1111 110}. */
    static String groupedBits(int code, ElementFormat format) {
        String bits = fields(code, format).replaceAll("[SEMI]=", "");
        return format == ElementFormat.UE4M3 ? "0 " + bits : bits;
    }

    /** zero, subnormal, normal, NaN, Inf or integer. */
    static String className(int code, ElementFormat format) {
        if (format.isInteger()) {
            return "integer";
        }
        if (format.isNaNCode(code)) {
            return "NaN";
        }
        if (format.isInfinityCode(code)) {
            return "Inf";
        }
        int magnitude = code & ~format.signMask();
        if (format.hasZero() && magnitude == 0) {
            return "zero";
        }
        boolean subnormal = format.hasSubnormals() && magnitude >>> format.mantissaBits() == 0;
        return subnormal ? "subnormal" : "normal";
    }

    /**
     * The value with its significand and exponent: {@code 1.75 × 2^8 = 448}, {@code 0.5 × 2^-6 = 0.0078125}
     * (subnormal), {@code 2^-127 = 0.0000...} (E8M0), {@code 64 × 2^-6 = 1} (MXINT8), {@code -128}, {@code nan}.
     */
    static String value(int code, ElementFormat format) {
        String form = form(code, format);
        String decimal = decimal(ElementCodec.decodeToDouble(code, format));
        return form == null ? decimal : form + " = " + decimal;
    }

    /** Like {@link #value}, without a decimal longer than 24 characters: {@code 2^-127}. */
    static String shortValue(int code, ElementFormat format) {
        String form = form(code, format);
        String decimal = decimal(ElementCodec.decodeToDouble(code, format));
        return form == null ? decimal : decimal.length() > 24 ? form : form + " = " + decimal;
    }

    /** The significand-and-exponent form of a code's value, or null where the decimal says it all. */
    private static String form(int code, ElementFormat format) {
        double value = ElementCodec.decodeToDouble(code, format);
        if (Double.isNaN(value) || Double.isInfinite(value) || value == 0) {
            return null;
        }
        if (format.isInteger()) {
            long n = (long) Math.scalb(value, format.fractionBits()); // the integer the code holds
            return format.fractionBits() == 0 ? null : n + " × 2^-" + format.fractionBits();
        }
        if (format.specials() == ElementFormat.Specials.E8M0) {
            return "2^" + Math.getExponent(value);
        }
        int magnitude = code & ~format.signMask();
        int exponentField = magnitude >>> format.mantissaBits();
        int mantissa = magnitude & ((1 << format.mantissaBits()) - 1);
        boolean subnormal = exponentField == 0;
        double significand = (subnormal ? 0 : 1) + Math.scalb((double) mantissa, -format.mantissaBits());
        int exponent = subnormal ? format.emin() : exponentField - format.bias();
        return (value < 0 ? "-" : "") + decimal(significand) + " × 2^" + exponent;
    }

    /** A double exactly, in plain decimal: {@code 448}, {@code -0}, {@code 0.001953125}, {@code inf}, {@code nan}. */
    static String decimal(double value) {
        if (Double.isNaN(value)) {
            return "nan";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "inf" : "-inf";
        }
        if (value == 0) {
            return Double.doubleToRawLongBits(value) < 0 ? "-0" : "0";
        }
        return decimal(new BigDecimal(value));
    }

    /**
     * Like {@link #decimal(double)} while that is short; a longer one is written with a power of two:
     * {@code 2^-127}, {@code 1.5 × 2^-127}.
     */
    static String brief(double value) {
        String decimal = decimal(value);
        if (decimal.length() <= 24 || Double.isNaN(value) || Double.isInfinite(value) || value == 0) {
            return decimal;
        }
        int exponent = Math.getExponent(value);
        double significand = Math.scalb(value, -exponent); // exact: a power-of-two scaling
        return (Math.abs(significand) == 1 ? (significand < 0 ? "-" : "") : decimal(significand) + " × ")
               + "2^" + exponent;
    }

    /** A BigDecimal in plain decimal without trailing zeros. */
    static String decimal(BigDecimal value) {
        return value.signum() == 0 ? "0" : value.stripTrailingZeros().toPlainString();
    }

    /** Whether {@code text} is written as a code ({@code 0x7E}, {@code 0b1111110}) rather than a value. */
    static boolean looksLikeCode(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        return t.startsWith("0x") || t.startsWith("0b") || t.startsWith("-0x") || t.startsWith("-0b")
               || t.startsWith("+0x") || t.startsWith("+0b");
    }

    /** Parses {@code 0x..} or {@code 0b..} as an unsigned number of at most 32 bits. */
    static long parseUnsigned(String text, String what) {
        String t = text.strip().toLowerCase(Locale.ROOT).replace("_", "");
        int radix = t.startsWith("0x") ? 16 : t.startsWith("0b") ? 2 : 0;
        String digits = radix == 0 ? "" : t.substring(2);
        if (radix == 0 || digits.isEmpty() || digits.length() > 64) {
            throw new CliException(String.format(Locale.ROOT,
                    "%s '%s' is not a hex (0x7E) or binary (0b1111110) number", what, text));
        }
        try {
            long value = Long.parseLong(digits, radix);
            if (value > 0xFFFF_FFFFL) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw new CliException(String.format(Locale.ROOT,
                    "%s '%s' is not a hex (0x7E) or binary (0b1111110) number of at most 32 bits", what, text), e);
        }
    }

    /** Parses a code of {@code format}, with an error that gives the valid range. */
    static int parseCode(String text, ElementFormat format) {
        long code = parseUnsigned(text, "code");
        if (code >= format.codeCount()) {
            throw new CliException(String.format(Locale.ROOT, "code %s is not a %s code (valid codes %s..%s)",
                    text.strip(), format.id(), hex(0, format), hex(format.codeCount() - 1, format)));
        }
        return (int) code;
    }

    private static int hexDigits(ElementFormat format) {
        return (format.bits() + 3) / 4;
    }

    private static String binary(int bits, int width) {
        StringBuilder text = new StringBuilder(width);
        for (int i = width - 1; i >= 0; i--) {
            text.append((bits >>> i) & 1);
        }
        return text.toString();
    }
}
