package org.lowbit.reference.scaled;

import java.util.Locale;
import org.lowbit.reference.ElementCodec;
import org.lowbit.spec.ScaledPolicies.Precision;

/**
 * Rounding to IEEE binary32, binary16 and bfloat16, and their bit patterns, on exact {@code double}
 * values (IEEE 754-2019 §4.3.1 roundTiesToEven, §7.4 overflow to ±Inf).
 *
 * <p>A {@code double} holds every FP32, FP16 and BF16 value exactly, so values of those precisions
 * travel as doubles; {@link #round} is the one place where a value is rounded onto a narrower grid.
 *
 * <p>Method: with e = floor(log2|x|) and e_t = max(e, emin) the exponent of the target binade (below
 * emin the target is subnormal), the quantum is q = 2^(e_t − (p − 1)); n = |x|/q is formed exactly by
 * {@link Math#scalb} and rounded by {@link Math#rint} (exact RNE on a double); the result n·q is exact. A
 * result above the largest finite value is an overflow: ±Inf. FP32 uses the JLS narrowing conversion
 * {@code (float) x}, which is the same IEEE rounding (JLS §5.1.3).
 */
public final class FloatRounding {
    private FloatRounding() {}

    /** The FP16 quiet NaN ggml and PyTorch write: 0x7E00. */
    private static final int FLOAT16_QUIET_NAN = 0x7E00;
    /** The BF16 quiet NaN: 0x7FC0. */
    private static final int BFLOAT16_QUIET_NAN = 0x7FC0;

    /**
     * {@code x} rounded to the nearest value of {@code p}, ties to even; ±Inf beyond the largest finite
     * value (an FP16 |x| ≥ 65520 is Inf); NaN stays NaN; the sign of a zero result is kept.
     */
    public static double round(Precision p, double x) {
        if (p == Precision.FP32) {
            return (float) x;
        }
        if (Double.isNaN(x) || Double.isInfinite(x) || x == 0) {
            return x;
        }
        double magnitude = Math.abs(x);
        if (magnitude < Double.MIN_NORMAL) {
            return Math.copySign(0.0, x); // far below half the smallest FP16/BF16 subnormal
        }
        int e = Math.getExponent(magnitude);
        int quantumExponent = Math.max(e, p.emin()) - (p.precision() - 1);
        double n = Math.rint(Math.scalb(magnitude, -quantumExponent));
        double result = Math.scalb(n, quantumExponent);
        if (result > p.maxFinite()) {
            result = Double.POSITIVE_INFINITY;
        }
        return Math.copySign(result, x);
    }

    /** Whether {@code x} is a value of {@code p} (NaN and ±Inf are). */
    public static boolean isRepresentable(Precision p, double x) {
        return Double.isNaN(x) || Double.compare(round(p, x), x) == 0;
    }

    /**
     * The bit pattern of a value of {@code p}: FP32 in all 32 bits, FP16 and BF16 in the low 16. NaN
     * becomes the positive quiet NaN (FP32 0x7FC00000, FP16 0x7E00, BF16 0x7FC0): the sign and payload
     * of a NaN that arithmetic produced differ between CPUs (x86's default NaN is negative, ARM's and
     * CUDA's positive) and Java does not fix them, so lowbit writes one NaN.
     *
     * @throws IllegalArgumentException if {@code x} is not a value of {@code p}
     */
    public static int toBits(Precision p, double x) {
        if (Double.isNaN(x)) {
            return switch (p) {
                case FP32 -> 0x7FC00000;
                case FP16 -> FLOAT16_QUIET_NAN;
                case BF16 -> BFLOAT16_QUIET_NAN;
            };
        }
        if (!isRepresentable(p, x)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "%s is not a %s value", x, p.id()));
        }
        int float32 = Float.floatToRawIntBits((float) x); // exact: every value of p is an FP32 value
        return switch (p) {
            case FP32 -> float32;
            case FP16 -> Float.floatToFloat16((float) x) & 0xFFFF; // exact: x is an FP16 value
            case BF16 -> float32 >>> 16;                          // exact: the low half is zero
        };
    }

    /** The exact value of a bit pattern of {@code p} (FP16 and BF16 in the low 16 bits). */
    public static double fromBits(Precision p, int bits) {
        return switch (p) {
            case FP32 -> Float.intBitsToFloat(bits);
            case FP16 -> Float.intBitsToFloat(ElementCodec.float16ToFloat32Bits(bits & 0xFFFF));
            case BF16 -> Float.intBitsToFloat(ElementCodec.bfloat16ToFloat32Bits(bits & 0xFFFF));
        };
    }

    /** Rounds {@code x} to {@code p} and returns the bits: {@code toBits(p, round(p, x))}. */
    public static int roundToBits(Precision p, double x) {
        return toBits(p, round(p, x));
    }
}
