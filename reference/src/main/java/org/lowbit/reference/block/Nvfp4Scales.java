package org.lowbit.reference.block;

import org.lowbit.reference.ElementCodec;
import org.lowbit.spec.BlockKnobs;
import org.lowbit.spec.BlockPolicies.ZeroBlockScale;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.ElementKnobs;
import org.lowbit.spec.ElementProfile;

/**
 * NVFP4's two scales (SPEC.md §8.4; research/mx-semantics.md §3.5, §7 D19-D21).
 *
 * <p>The arithmetic is FP32, one IEEE binary32 operation at a time, exactly as torchao and ModelOpt do it
 * in PyTorch; Java float arithmetic is IEEE binary32 with round-to-nearest-even on every JVM (JLS §15.4) and
 * never fuses a multiply and an add. With g the per-tensor scale (1 in single level, where every operation
 * by g is exact) and S the decoded UE4M3 block scale:
 * <pre>
 *   arithmetic            FP32 block scale s              element x'           source
 *   RECIPROCAL_MULTIPLY   fl(fl(amax / 6) / g)            fl(x · fl(fl(1/g) / S))   torchao 36027d82
 *   DIVIDE                fl(amax / fl(6 · g))            fl(x / fl(S · g))         ModelOpt 211c6b34
 * </pre>
 * then s → 1.0 if it is 0 and the zero-block knob is ONE (ModelOpt), s → clamp(s, 2^lo, 448), and the
 * UE4M3 code is s rounded to nearest even ({@code .to(torch.float8_e4m3fn)}; no overflow after the clamp).
 */
final class Nvfp4Scales {
    private Nvfp4Scales() {}

    /** E2M1's largest value, the "6" of amax / 6. */
    static final float FP4_MAX = 6.0f;

    /** UE4M3's largest value (1.75 · 2^8, code 0x7E). */
    static final float UE4M3_MAX = 448.0f;

    /** 448 · 6, the denominator of the two-level per-tensor scale. */
    static final float TENSOR_SCALE_DENOMINATOR = UE4M3_MAX * FP4_MAX; // 2688, exact

    /** UE4M3's NaN: the whole block is NaN. */
    static final int NAN_CODE = 0x7F;

    /** The UE4M3 cast of the scale: RNE, saturating, NaN to 0x7F ('ocp' element profile). */
    private static final ElementKnobs UE4M3_CAST = ElementProfile.OCP.knobsFor(ElementFormat.UE4M3);

    /** The per-tensor scale g = fl(amax / 2688) (torchao per_tensor_amax_to_scale, ModelOpt wsf2). */
    static float tensorScaleFromAmax(float amax) {
        return amax / TENSOR_SCALE_DENOMINATOR;
    }

    /**
     * The UE4M3 code of the block scale for a finite block amax.
     *
     * @param g the per-tensor scale; 1 in single level
     */
    static int scaleCode(float amax, float g, BlockKnobs knobs) {
        float s = switch (knobs.scaling()) {
            case RECIPROCAL_MULTIPLY -> (amax / FP4_MAX) / g;
            case DIVIDE -> amax / (FP4_MAX * g);
        };
        if (s == 0.0f && knobs.zeroBlock() == ZeroBlockScale.ONE) {
            s = 1.0f; // ModelOpt: per_block_scale[per_block_scale == 0] = 1.0
        }
        float lower = Math.scalb(1.0f, knobs.scaleClamp().lowerExponent());
        s = Math.min(Math.max(s, lower), UE4M3_MAX); // torch.clamp; s is never NaN here
        return ElementCodec.encodeFloat32(Float.floatToRawIntBits(s), ElementFormat.UE4M3, UE4M3_CAST);
    }

    /**
     * The factor the elements are multiplied by (RECIPROCAL_MULTIPLY: fl(fl(1/g) / S)) or divided by
     * (DIVIDE: fl(S · g)).
     */
    static float elementFactor(float decodedScale, float g, BlockKnobs knobs) {
        return switch (knobs.scaling()) {
            case RECIPROCAL_MULTIPLY -> (1.0f / g) / decodedScale;
            case DIVIDE -> decodedScale * g;
        };
    }

    /**
     * x' for a finite x: one FP32 multiplication or division. A NaN made from non-NaN operands (0 · Inf
     * when 1/g overflows) is written as the canonical 0x7FC00000, since the hardware's default NaN differs
     * between CPUs.
     */
    static int scaledElement(int xBits, float factor, BlockKnobs knobs) {
        float x = Float.intBitsToFloat(xBits);
        float scaled = switch (knobs.scaling()) {
            case RECIPROCAL_MULTIPLY -> x * factor;
            case DIVIDE -> x / factor;
        };
        return Float.isNaN(scaled) ? 0x7FC00000 : Float.floatToRawIntBits(scaled);
    }
}
