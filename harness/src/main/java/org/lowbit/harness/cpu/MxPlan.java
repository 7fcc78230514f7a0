package org.lowbit.harness.cpu;

import java.util.Optional;
import org.lowbit.spec.BlockFormat;
import org.lowbit.spec.BlockKnobs;
import org.lowbit.spec.BlockPolicies.NonFinitePolicy;
import org.lowbit.spec.BlockPolicies.TensorScaleRule;
import org.lowbit.spec.BlockPolicies.TinyAmaxPolicy;
import org.lowbit.spec.BlockPolicies.ZeroBlockScale;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.ElementKnobs;
import org.lowbit.spec.Overflow;
import org.lowbit.spec.Rounding;
import org.lowbit.spec.ScaleRule;
import org.lowbit.spec.SpecialPolicies.IntegerRange;

/**
 * Everything an MX kernel needs about one (format, knobs) pair, as plain ints: the element's field widths
 * and saturation code, the element rounding, and the E8M0 scale rule (SPEC.md §8.2, §8.3).
 *
 * <p>The kernels implement the knobs that the MX profiles use: scale rules FLOOR, CEIL, EVEN, RCEIL and
 * ROUND_UP; element rounding RNE or RNA; saturating elements (SATFINITE; MXINT8 symmetric); NaN or Inf
 * anywhere makes the whole block NaN; zero block and tiny amax as the knobs say. {@link #of} returns
 * empty for anything else, so that the target claims only what it computes.
 *
 * @param format         the MX block format
 * @param knobs          the block knobs
 * @param integer        MXINT8 (a two's-complement 1.6 fixed-point code) rather than a float element
 * @param mantissaBits   M: trailing significand bits of a float element, 6 fraction bits for MXINT8
 * @param bias           the element's exponent bias (float elements)
 * @param codeBits       bits per code (8, 6 or 4)
 * @param maxCode        the largest finite magnitude code: saturation clamps to it
 * @param roundHalfAway  RNA rather than RNE
 */
public record MxPlan(BlockFormat format, BlockKnobs knobs, boolean integer, int mantissaBits, int bias, int codeBits,
                     int maxCode, boolean roundHalfAway) {

    /** Elements per block: 32 for every MX format (OCP MX §5.2 Table 1). */
    public static final int BLOCK = 32;

    /** E8M0's NaN code (OCP MX §5.4.1). */
    public static final int NAN_SCALE = 0xFF;

    /** The plan, or empty when a knob asks for something the CPU kernels do not compute. */
    public static Optional<MxPlan> of(BlockFormat format, BlockKnobs knobs) {
        if (!format.isMx() || format.blockSize() != BLOCK) {
            return Optional.empty();
        }
        try {
            knobs.requireApplicableTo(format);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        ElementKnobs element = knobs.elementKnobs(format);
        boolean rna = element.rounding() == Rounding.RNA;
        boolean supported = (element.rounding() == Rounding.RNE || rna)
                && element.overflow() == Overflow.SATFINITE
                && knobs.nonFinite() == NonFinitePolicy.WHOLE_BLOCK_NAN
                && knobs.tensorScale() == TensorScaleRule.NONE
                && knobs.scaleRule() != ScaleRule.NEAREST
                && (!format.element().isInteger() || element.integerRange() == IntegerRange.SYMMETRIC);
        if (!supported) {
            return Optional.empty();
        }
        ElementFormat e = format.element();
        return Optional.of(new MxPlan(format, knobs, e.isInteger(), e.isInteger() ? e.fractionBits() : e.mantissaBits(),
                e.bias(), e.bits(), e.maxFiniteCode(), rna));
    }

    /**
     * The E8M0 scale code of a block whose finite amax is {@code amaxBits} (a finite FP32 pattern, sign clear),
     * read from the bits as SPEC.md §8.3 defines each rule; the zero-block knob included.
     */
    public int scaleCode(int amaxBits) {
        if (amaxBits == 0 && knobs.zeroBlock() == ZeroBlockScale.ONE) {
            return 127;
        }
        int emax = format.element().emax();
        int s = switch (knobs.scaleRule()) {
            case FLOOR -> floorLog2(amaxBits) - emax;
            case CEIL -> ceilLog2(amaxBits) - emax;
            case EVEN -> {
                int fractionBits = integer ? format.element().fractionBits() : mantissaBits;
                int rounded = (amaxBits + (1 << (22 - fractionBits))) & 0x7F800000;
                yield (rounded >>> 23) - 127 - emax;
            }
            case RCEIL -> {
                float descale = Float.intBitsToFloat(amaxBits) * (1.0f / (float) format.element().maxFinite());
                int bits = Float.floatToRawIntBits(descale);
                int field = bits >>> 23;
                int fraction = bits & 0x7FFFFF;
                yield field + ((field != 0 ? fraction != 0 : fraction > 0x400000) ? 1 : 0) - 127;
            }
            case ROUND_UP -> (((dequantScaleBits(amaxBits) + 0x7FFFFF) & 0x7F800000) >>> 23) - 127;
            case NEAREST -> throw new IllegalStateException("NEAREST is not an E8M0 rule");
        };
        return Math.max(-127, Math.min(127, s)) + 127;
    }

    /**
     * Whether every element of the block is written as ±0 whatever its value: ROUND_UP with a zero dequant
     * scale (Triton), or FLUSH_SUBNORMAL_AMAX with amax below 2^-126 (microxcaling).
     */
    public boolean zeroesElements(int amaxBits) {
        return (knobs.scaleRule() == ScaleRule.ROUND_UP && dequantScaleBits(amaxBits) == 0)
                || (knobs.tinyAmax() == TinyAmaxPolicy.FLUSH_SUBNORMAL_AMAX && amaxBits < 0x00800000);
    }

    /** Whether some amax makes {@link #zeroesElements} true: ROUND_UP, or FLUSH_SUBNORMAL_AMAX. */
    public boolean zeroesAnyElements() {
        return knobs.scaleRule() == ScaleRule.ROUND_UP || knobs.tinyAmax() == TinyAmaxPolicy.FLUSH_SUBNORMAL_AMAX;
    }

    private int dequantScaleBits(int amaxBits) {
        return Float.floatToRawIntBits(Float.intBitsToFloat(amaxBits) / (float) format.element().maxFinite());
    }

    private static int floorLog2(int bits) {
        int field = bits >>> 23;
        int fraction = bits & 0x7FFFFF;
        if (field != 0) {
            return field - 127;
        }
        return fraction == 0 ? -1000 : (31 - Integer.numberOfLeadingZeros(fraction)) - 149;
    }

    private static int ceilLog2(int bits) {
        int floor = floorLog2(bits);
        int field = bits >>> 23;
        int fraction = bits & 0x7FFFFF;
        boolean powerOfTwo = field != 0 ? fraction == 0 : (fraction & (fraction - 1)) == 0;
        return powerOfTwo ? floor : floor + 1;
    }

    /** The FP32 value 2^e for e in [-149, 127], exactly (2^-127 is an FP32 subnormal). */
    public static float powerOfTwo(int e) {
        return e >= -126 ? Float.intBitsToFloat((e + 127) << 23) : Float.intBitsToFloat(1 << (e + 149));
    }

    /**
     * The element code of the FP32 value {@code y} (finite, already divided by the scale), scalar: the same
     * integer rounding the vector kernel applies lane by lane.
     */
    public int encode(int y) {
        int sign = y >>> 31;
        int a = y & 0x7FFFFFFF;
        int e = a >>> 23;
        int sig = (a & 0x7FFFFF) | 0x800000;
        int code;
        if (integer) {
            int shift = Math.min(150 - mantissaBits - e, 25);
            int q = round(sig, shift);
            code = Math.min(q, maxCode);
            return (sign != 0 ? -code : code) & 0xFF;
        }
        int t = e - 127 + bias;
        int tc = Math.max(t, 1);
        int shift = Math.min(23 - mantissaBits + tc - t, 25);
        code = Math.min(((tc - 1) << mantissaBits) + round(sig, shift), maxCode);
        return code | sign << (codeBits - 1);
    }

    /** The smallest magnitude code that is NaN (E4M3 0x7F, E5M2 0x7D), or 0 when the element has no NaN. */
    public int nanMagnitude() {
        return switch (format.element().specials()) {
            case NAN_ALL_ONES -> 0x7F;
            case IEEE -> 0x7D;
            default -> 0;
        };
    }

    /** The Inf magnitude code (E5M2 0x7C), or 0 when the element has no Inf. */
    public int infinityMagnitude() {
        return format.element().hasInfinity() ? 0x7C : 0;
    }

    private int round(int sig, int shift) {
        int half = 1 << (shift - 1);
        return roundHalfAway ? (sig + half) >>> shift : (sig + half - 1 + ((sig >>> shift) & 1)) >>> shift;
    }
}
