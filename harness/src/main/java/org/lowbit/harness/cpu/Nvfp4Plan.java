package org.lowbit.harness.cpu;

import java.util.Optional;
import org.lowbit.reference.ElementCodec;
import org.lowbit.spec.BlockFormat;
import org.lowbit.spec.BlockKnobs;
import org.lowbit.spec.BlockPolicies.NonFinitePolicy;
import org.lowbit.spec.BlockPolicies.ScalingArithmetic;
import org.lowbit.spec.BlockPolicies.TinyAmaxPolicy;
import org.lowbit.spec.BlockPolicies.ZeroBlockScale;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.ElementKnobs;
import org.lowbit.spec.ElementProfile;
import org.lowbit.spec.Overflow;
import org.lowbit.spec.Rounding;

/**
 * What the NVFP4 vector kernel needs about one set of block knobs (SPEC.md §8.4), and the once-per-block
 * scalar arithmetic: the UE4M3 block scale and the element factor, in FP32 one IEEE operation at a time,
 * as the reference's {@code Nvfp4Scales} computes them (torchao: s = fl(fl(amax/6)/g), x · fl(fl(1/g)/S);
 * ModelOpt: s = fl(amax/fl(6·g)), x / fl(S·g)).
 *
 * <p>The kernel computes: element rounding RNE, saturating E2M1 elements, a NaN or Inf anywhere
 * making the whole block NaN, either scaling arithmetic, either scale clamp, either zero-block rule, tiny
 * amax CLAMP or FLUSH_SUBNORMAL_AMAX, single or two level. {@link #of} is empty for anything else.
 *
 * @param knobs         the block knobs
 * @param elementKnobs  the E2M1 conversion's knobs (for the blocks done element by element)
 * @param divide        x / fl(S·g) (ModelOpt) rather than x · fl(fl(1/g)/S) (torchao)
 * @param lowerClamp    the lower clamp of the FP32 block scale, 2^-6 or 2^-9
 * @param flushTiny     an amax below 2^-126 writes every element as ±0
 */
record Nvfp4Plan(BlockKnobs knobs, ElementKnobs elementKnobs, boolean divide, float lowerClamp, boolean flushTiny) {

    /** Elements per NVFP4 block. */
    static final int BLOCK = 16;
    /** UE4M3's NaN: the whole block is NaN. */
    static final int NAN_SCALE = 0x7F;
    private static final float FP4_MAX = 6.0f;
    private static final float UE4M3_MAX = 448.0f;
    private static final ElementKnobs UE4M3_CAST = ElementProfile.OCP.knobsFor(ElementFormat.UE4M3);
    /** Every UE4M3 code's value (code 0x7F, NaN, included). */
    private static final float[] UE4M3_VALUES = new float[128];

    static {
        for (int code = 0; code < 128; code++) {
            UE4M3_VALUES[code] = ElementCodec.decodeToFloat(code, ElementFormat.UE4M3);
        }
    }

    /** The plan, or empty when a knob asks for something the vector kernel does not compute. */
    static Optional<Nvfp4Plan> of(BlockFormat format, BlockKnobs knobs) {
        if (!format.isNvfp4() || format.blockSize() != BLOCK) {
            return Optional.empty();
        }
        try {
            knobs.requireApplicableTo(format);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        ElementKnobs element = knobs.elementKnobs(format);
        if (element.rounding() != Rounding.RNE || element.overflow() != Overflow.SATFINITE
                || knobs.nonFinite() != NonFinitePolicy.WHOLE_BLOCK_NAN) {
            return Optional.empty();
        }
        return Optional.of(new Nvfp4Plan(knobs, element, knobs.scaling() == ScalingArithmetic.DIVIDE,
                Math.scalb(1.0f, knobs.scaleClamp().lowerExponent()),
                knobs.tinyAmax() == TinyAmaxPolicy.FLUSH_SUBNORMAL_AMAX));
    }

    /** The UE4M3 code of the block scale for a finite block amax (FP32 bits) and per-tensor scale g (1: single level). */
    int scaleCode(int amaxBits, float g) {
        float amax = Float.intBitsToFloat(amaxBits);
        float s = divide ? amax / (FP4_MAX * g) : (amax / FP4_MAX) / g;
        if (s == 0.0f && knobs.zeroBlock() == ZeroBlockScale.ONE) {
            s = 1.0f; // ModelOpt: per_block_scale[per_block_scale == 0] = 1.0
        }
        s = Math.min(Math.max(s, lowerClamp), UE4M3_MAX);
        return ue4m3(s);
    }

    /**
     * The UE4M3 code of s in [2^-9, 448], rounded to nearest even, as PyTorch's cast (the reference's 'ocp'
     * element conversion) gives it: the significand shifted to the code's quantum (2^-9 below 2^-6, the
     * subnormals) with integer RNE; a carry moves into the exponent field by itself.
     */
    static int ue4m3(float s) {
        int bits = Float.floatToRawIntBits(s);
        int t = (bits >>> 23) - 127 + 7;      // UE4M3's biased exponent (bias 7)
        int tc = Math.max(t, 1);              // subnormals share exponent field 1
        int shift = Math.min(tc - t + 20, 25); // 23 - 3 mantissa bits, more below the normal range
        int sig = (bits & 0x7FFFFF) | 0x800000;
        int rounded = (sig + (1 << (shift - 1)) - 1 + ((sig >>> shift) & 1)) >>> shift;
        return Math.min(((tc - 1) << 3) + rounded, 0x7E);
    }

    /** The reference's UE4M3 conversion, for the tests of {@link #ue4m3}. */
    static int ue4m3Reference(float s) {
        return ElementCodec.encodeFloat32(Float.floatToRawIntBits(s), ElementFormat.UE4M3, UE4M3_CAST);
    }

    /** The decoded UE4M3 scale S. */
    static float scaleValue(int code) {
        return UE4M3_VALUES[code & 0x7F];
    }

    /** The factor the elements are divided by (fl(S·g)) or multiplied by (fl(fl(1/g)/S)). */
    float elementFactor(int scaleCode, float g) {
        float s = scaleValue(scaleCode);
        return divide ? s * g : (1.0f / g) / s;
    }

    /**
     * Whether g's split products in the two-level BF16/FP16 dequantize are exact: g in [2^-90, 2^90], so that
     * e · S · g's parts stay normal FP32 values (e · S lies in [2^-10, 2688]).
     */
    static boolean splitsExactly(float g) {
        return g >= 0x1p-90f && g <= 0x1p90f;
    }

    /**
     * Whether the vector kernel may use {@code factor} for a whole block: finite and not zero, so that no lane
     * makes a NaN (0 · Inf, 0 / 0) whose sign the CPU decides. Other blocks go through {@link #encodeScalar}.
     */
    static boolean vectorSafe(float factor) {
        return factor != 0.0f && Float.isFinite(factor);
    }

    /**
     * One element's E2M1 code the scalar way, for the blocks that are not {@link #vectorSafe}: the FP32
     * operation, a NaN result made the canonical 0x7FC00000, then the reference's element conversion.
     */
    int encodeScalar(int xBits, float factor) {
        float x = Float.intBitsToFloat(xBits);
        float scaled = divide ? x / factor : x * factor;
        int bits = Float.isNaN(scaled) ? 0x7FC00000 : Float.floatToRawIntBits(scaled);
        return ElementCodec.encodeFloat32(bits, ElementFormat.FP4_E2M1, elementKnobs, 0);
    }
}
