package org.lowbit.reference.block;

import org.lowbit.spec.BlockFormat;
import org.lowbit.spec.ScaleRule;

/**
 * The E8M0 scale rules of SPEC.md §8.3 (research/mx-semantics.md §3.2, §6.2, §7 D1, D9, D10),
 * read from the bits of amax, never from a floating-point logarithm.
 *
 * <p>amax is a finite non-negative FP32 pattern {@code 0 EEEEEEEE MMMMMMMMMMMMMMMMMMMMMMM}; the result is
 * the scale exponent s of X = 2^s (OCP MX's {@code shared_exp}), clamped to [−127, 127], so the scale code
 * s + 127 is one of 0x00..0xFE and never the NaN 0xFF.
 */
final class MxScales {
    private MxScales() {}

    /** The smallest and largest E8M0 exponents: code 0x00 is 2^-127, 0xFE is 2^127 (OCP MX §5.4.1). */
    static final int MIN_EXPONENT = -127;
    static final int MAX_EXPONENT = 127;

    /** E8M0's NaN code (OCP MX §5.4.1 Table 7). */
    static final int NAN_CODE = 0xFF;

    /** floor(log2 0): below every clamp. */
    private static final int LOG2_OF_ZERO = Integer.MIN_VALUE / 2;

    /**
     * The scale exponent s for a finite amax under {@code rule}.
     *
     * @param amaxBits a finite FP32 pattern with the sign clear
     */
    static int scaleExponent(ScaleRule rule, int amaxBits, BlockFormat format) {
        int emax = format.emax();
        return switch (rule) {
            // OCP MX §6.3: shared_exp = floor(log2(amax)) - emax_elem
            case FLOOR -> clamp(floorLog2(amaxBits) - emax);
            case CEIL -> clamp(ceilLog2(amaxBits) - emax);
            case EVEN -> {
                // torchao: (bits + 2^(22 - mbits)) & 0xFF800000, then the exponent field less 127 (0 → -127)
                int rounded = (amaxBits + (1 << (22 - evenMantissaBits(format)))) & 0x7F800000;
                yield clamp((rounded >>> 23) - 127 - emax);
            }
            case RCEIL -> {
                // torchao _to_mx_rceil: descale = amax * (1.0 / max_pos), IEEE binary32, no FMA
                float descale = Float.intBitsToFloat(amaxBits) * (1.0f / elementMax(format));
                yield clamp(e8m0RoundedUp(Float.floatToRawIntBits(descale)) - 127);
            }
            case ROUND_UP -> {
                // Triton: (bits(amax / max_q) + 0x007FFFFF) & 0x7F800000, the stored byte is bits >> 23
                int roundedUp = (dequantScaleBits(amaxBits, format) + 0x7FFFFF) & 0x7F800000;
                yield clamp((roundedUp >>> 23) - 127);
            }
            case NEAREST -> throw new IllegalArgumentException("scale rule NEAREST makes a UE4M3 scale, not E8M0");
        };
    }

    /**
     * Whether the rule writes every element of the block as ±0 whatever its value: Triton's ROUND_UP when
     * the dequant scale amax / max_q is zero in FP32 ({@code quant_scale = 0 if scale == 0}).
     */
    static boolean zeroesElements(ScaleRule rule, int amaxBits, BlockFormat format) {
        return rule == ScaleRule.ROUND_UP && dequantScaleBits(amaxBits, format) == 0;
    }

    /** Triton's dequant_scale = amax / max_q, one IEEE binary32 division. */
    private static int dequantScaleBits(int amaxBits, BlockFormat format) {
        return Float.floatToRawIntBits(Float.intBitsToFloat(amaxBits) / elementMax(format));
    }

    /** The element's largest finite value as a float (exact): 448, 57344, 28, 7.5, 6, 127/64. */
    static float elementMax(BlockFormat format) {
        return (float) format.element().maxFinite();
    }

    /**
     * The fraction bits EVEN rounds amax to: the element's mantissa bits (E2M1 1, E4M3 3, E5M2 2, E3M2 2,
     * E2M3 3); MXINT8, a fixed-point 1.6 format, 6 (lowbit's extension; torchao has no MXINT8).
     */
    static int evenMantissaBits(BlockFormat format) {
        return format.element().isInteger() ? format.element().fractionBits() : format.element().mantissaBits();
    }

    /**
     * The E8M0 code of a non-negative finite FP32 value rounded up (torchao {@code _f32_to_e8m0_rceil},
     * {@code cvt.rp.ue8m0x2}): the biased exponent, plus one when the value is normal with a nonzero
     * fraction, or subnormal and above 2^-127 (fraction &gt; 0x400000); 0 gives 0x00.
     */
    private static int e8m0RoundedUp(int bits) {
        int field = bits >>> 23;
        int fraction = bits & 0x7FFFFF;
        boolean up = field != 0 ? fraction != 0 : fraction > 0x400000;
        return field + (up ? 1 : 0);
    }

    /** floor(log2 a), exactly, for a finite non-negative FP32 pattern; very negative for 0. */
    static int floorLog2(int bits) {
        int field = bits >>> 23;
        int fraction = bits & 0x7FFFFF;
        if (field != 0) {
            return field - 127;
        }
        return fraction == 0 ? LOG2_OF_ZERO : (31 - Integer.numberOfLeadingZeros(fraction)) - 149;
    }

    /** ceil(log2 a), exactly, for a finite non-negative FP32 pattern; very negative for 0. */
    static int ceilLog2(int bits) {
        int field = bits >>> 23;
        int fraction = bits & 0x7FFFFF;
        if (field != 0) {
            return field - 127 + (fraction != 0 ? 1 : 0);
        }
        if (fraction == 0) {
            return LOG2_OF_ZERO;
        }
        int floor = (31 - Integer.numberOfLeadingZeros(fraction)) - 149;
        return (fraction & (fraction - 1)) == 0 ? floor : floor + 1;
    }

    private static int clamp(int s) {
        return Math.max(MIN_EXPONENT, Math.min(MAX_EXPONENT, s));
    }
}
