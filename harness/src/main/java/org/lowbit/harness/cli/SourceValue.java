package org.lowbit.harness.cli;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Optional;
import org.lowbit.reference.ElementCodec;
import org.lowbit.spec.SourceFormat;

/**
 * A value to encode, as a bit pattern of a wide format (f32, bf16 or f16), with the text it came
 * from. A decimal that the format cannot hold becomes the nearest value of the format (ties to even,
 * as IEEE 754-2019 §5.12.2 converts decimal strings), and {@link #note()} says so.
 *
 * @param format the wide format
 * @param bits   the pattern, in the low {@code format.bits()} bits
 * @param text   what the user typed, or null for {@code --bits}
 * @param exact  whether the pattern's value is exactly {@code text}
 */
record SourceValue(SourceFormat format, int bits, String text, boolean exact) {

    /** The pattern given directly ({@code --bits 0x43E80000}). */
    static SourceValue ofBits(long bits, SourceFormat format) {
        if (bits >>> format.bits() != 0) {
            throw new CliException(String.format(Locale.ROOT, "--bits 0x%X does not fit in a %d-bit %s pattern",
                    bits, format.bits(), format.id()));
        }
        return new SourceValue(format, (int) bits, null, true);
    }

    /** Parses {@code 464}, {@code -0.3}, {@code 1e-3}, {@code inf}, {@code -inf} or {@code nan}. */
    static SourceValue parse(String text, SourceFormat format) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        boolean negative = t.startsWith("-");
        String unsigned = negative || t.startsWith("+") ? t.substring(1) : t;
        int sign = negative ? 1 << (format.bits() - 1) : 0;
        switch (unsigned) {
            case "inf", "infinity" -> {
                return new SourceValue(format, sign | infinityBits(format), text, true);
            }
            case "nan" -> {
                int quietNaN = infinityBits(format) | 1 << (format.mantissaBits() - 1);
                return new SourceValue(format, sign | quietNaN, text, true);
            }
            default -> {
                BigDecimal magnitude = parseDecimal(unsigned, text);
                int magnitudeBits = nearestMagnitudeBits(magnitude, format);
                boolean exact = magnitude.compareTo(magnitudeValue(magnitudeBits, format)) == 0;
                return new SourceValue(format, sign | magnitudeBits, text, exact);
            }
        }
    }

    /** The pattern widened to FP32, exactly. */
    int float32Bits() {
        return switch (format) {
            case FP32 -> bits;
            case BF16 -> ElementCodec.bfloat16ToFloat32Bits(bits);
            case FP16 -> ElementCodec.float16ToFloat32Bits(bits);
            case FP64 -> throw new IllegalStateException("f64 is not a wide format of the command line");
        };
    }

    /** {@code 464 = f32 0x43E80000}, or {@code f32 0x43E80000 = 464} for {@code --bits}. */
    String describe() {
        String pattern = pattern();
        String value = CodeText.decimal(Float.intBitsToFloat(float32Bits()));
        String widened = format == SourceFormat.FP32 ? ""
                         : String.format(Locale.ROOT, " (f32 0x%08X)", float32Bits());
        return (text == null || !exact ? pattern + " = " + value : text.strip() + " = " + pattern) + widened;
    }

    /** When the decimal was not a value of the format: which value is used instead. */
    Optional<String> note() {
        if (exact) {
            return Optional.empty();
        }
        String name = switch (format) {
            case FP32 -> "an FP32";
            case BF16 -> "a BF16";
            case FP16 -> "an FP16";
            case FP64 -> "an FP64";
        };
        return Optional.of(String.format(Locale.ROOT, "%s is not %s value; using the nearest, %s = %s",
                text.strip(), name, pattern(), CodeText.decimal(Float.intBitsToFloat(float32Bits()))));
    }

    private String pattern() {
        return String.format(Locale.ROOT, "%s 0x%0" + format.bits() / 4 + "X", format.id(), bits);
    }

    private static BigDecimal parseDecimal(String unsigned, String text) {
        try {
            if (unsigned.startsWith("+") || unsigned.startsWith("-")) {
                throw new NumberFormatException("two signs");
            }
            return new BigDecimal(unsigned);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new CliException(String.format(Locale.ROOT,
                    "'%s' is neither a code (0x7E, 0b1111110) nor a value (464, -0.3, 1e-3, inf, nan)", text), e);
        }
    }

    private static int infinityBits(SourceFormat format) {
        return ((1 << format.exponentBits()) - 1) << format.mantissaBits();
    }

    /**
     * The magnitude pattern nearest to {@code magnitude}, ties to the even pattern; past the largest
     * finite value by half an ulp or more, infinity. A float guess from {@code doubleValue()} is within
     * one step of the answer, and the exact comparisons settle it.
     */
    private static int nearestMagnitudeBits(BigDecimal magnitude, SourceFormat format) {
        int infinity = infinityBits(format);
        if (magnitude.signum() == 0) {
            return 0;
        }
        int decimalExponent = magnitude.precision() - magnitude.scale(); // 10^(d-1) <= magnitude < 10^d
        if (decimalExponent > 40) {
            return infinity; // above 10^39, past every wide format's range (FP32 max < 3.5e38)
        }
        if (decimalExponent < -50) {
            return 0; // below 10^-51, under half the smallest FP32 subnormal (2^-150 > 7e-46)
        }
        float guess = (float) magnitude.doubleValue();
        int guessBits = switch (format) {
            case FP32 -> Float.floatToRawIntBits(guess);
            case BF16 -> Float.floatToRawIntBits(guess) >>> 16;
            case FP16 -> Float.floatToFloat16(guess) & 0x7FFF;
            case FP64 -> throw new IllegalStateException("f64 is not a wide format of the command line");
        };
        int best = -1;
        BigDecimal bestDistance = null;
        for (int candidate = Math.max(0, guessBits - 1); candidate <= Math.min(infinity, guessBits + 1); candidate++) {
            BigDecimal distance = magnitude.subtract(magnitudeValue(candidate, format)).abs();
            int order = bestDistance == null ? -1 : distance.compareTo(bestDistance);
            if (order < 0 || (order == 0 && (candidate & 1) == 0)) {
                best = candidate;
                bestDistance = distance;
            }
        }
        return best;
    }

    /** The exact value of a magnitude pattern; infinity counts as 2^(emax+1), where rounding would put it. */
    private static BigDecimal magnitudeValue(int bits, SourceFormat format) {
        if (bits == infinityBits(format)) {
            return new BigDecimal(Math.scalb(1.0, format.bias() + 1));
        }
        return new BigDecimal(Float.intBitsToFloat(new SourceValue(format, bits, null, true).float32Bits()));
    }
}
