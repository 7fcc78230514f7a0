package org.lowbit.spec;

import java.util.Locale;
import java.util.Objects;
import org.lowbit.spec.BlockPolicies.NonFinitePolicy;
import org.lowbit.spec.BlockPolicies.ScaleClampRange;
import org.lowbit.spec.BlockPolicies.ScalingArithmetic;
import org.lowbit.spec.BlockPolicies.TailPolicy;
import org.lowbit.spec.BlockPolicies.TensorScaleRule;
import org.lowbit.spec.BlockPolicies.TinyAmaxPolicy;
import org.lowbit.spec.BlockPolicies.ZeroBlockScale;

/**
 * Every block-level choice of one quantization into one block format (DESIGN.md §1;
 * SPEC.md §8.5). Immutable; a {@link BlockProfile} supplies one, and the {@code with...}
 * methods derive variants.
 *
 * @param scaleRule       how the shared scale follows from amax (D1)
 * @param elementProfile  the element knobs of the element format (overflow, NaN, Inf, integer range)
 * @param elementRounding the element rounding, overriding the profile's (D2; microxcaling's "nearest" is RNA)
 * @param nonFinite       a NaN or ±Inf anywhere in the block (D5-D7)
 * @param zeroBlock       the scale of an all-zero block (D8)
 * @param tinyAmax        a block with an FP32-subnormal amax (D9)
 * @param tail            a row length that is not a multiple of the block size (D23)
 * @param scaling         x · (1/X) or x / X (D19); the same exact quotient for MX
 * @param scaleClamp      NVFP4 only: the clamp of the FP32 block scale before its UE4M3 rounding (D20)
 * @param tensorScale     NVFP4 only: single level, or two level with g = amax/(448·6) (D21); MX: NONE
 */
public record BlockKnobs(ScaleRule scaleRule, ElementProfile elementProfile, Rounding elementRounding,
                         NonFinitePolicy nonFinite, ZeroBlockScale zeroBlock, TinyAmaxPolicy tinyAmax,
                         TailPolicy tail, ScalingArithmetic scaling, ScaleClampRange scaleClamp,
                         TensorScaleRule tensorScale) {

    public BlockKnobs {
        Objects.requireNonNull(scaleRule, "scaleRule");
        Objects.requireNonNull(elementProfile, "elementProfile");
        Objects.requireNonNull(elementRounding, "elementRounding");
        Objects.requireNonNull(nonFinite, "nonFinite");
        Objects.requireNonNull(zeroBlock, "zeroBlock");
        Objects.requireNonNull(tinyAmax, "tinyAmax");
        Objects.requireNonNull(tail, "tail");
        Objects.requireNonNull(scaling, "scaling");
        Objects.requireNonNull(scaleClamp, "scaleClamp");
        Objects.requireNonNull(tensorScale, "tensorScale");
    }

    /**
     * The knobs of the element conversion into {@code format}'s element format: the element profile's,
     * with the rounding replaced by {@link #elementRounding()}.
     */
    public ElementKnobs elementKnobs(BlockFormat format) {
        return elementProfile.knobsFor(format.element()).withRounding(elementRounding);
    }

    public BlockKnobs withScaleRule(ScaleRule v) {
        return new BlockKnobs(v, elementProfile, elementRounding, nonFinite, zeroBlock, tinyAmax, tail, scaling,
                scaleClamp, tensorScale);
    }

    public BlockKnobs withElementProfile(ElementProfile v) {
        return new BlockKnobs(scaleRule, v, elementRounding, nonFinite, zeroBlock, tinyAmax, tail, scaling,
                scaleClamp, tensorScale);
    }

    public BlockKnobs withElementRounding(Rounding v) {
        return new BlockKnobs(scaleRule, elementProfile, v, nonFinite, zeroBlock, tinyAmax, tail, scaling,
                scaleClamp, tensorScale);
    }

    public BlockKnobs withNonFinite(NonFinitePolicy v) {
        return new BlockKnobs(scaleRule, elementProfile, elementRounding, v, zeroBlock, tinyAmax, tail, scaling,
                scaleClamp, tensorScale);
    }

    public BlockKnobs withZeroBlock(ZeroBlockScale v) {
        return new BlockKnobs(scaleRule, elementProfile, elementRounding, nonFinite, v, tinyAmax, tail, scaling,
                scaleClamp, tensorScale);
    }

    public BlockKnobs withTinyAmax(TinyAmaxPolicy v) {
        return new BlockKnobs(scaleRule, elementProfile, elementRounding, nonFinite, zeroBlock, v, tail, scaling,
                scaleClamp, tensorScale);
    }

    public BlockKnobs withTail(TailPolicy v) {
        return new BlockKnobs(scaleRule, elementProfile, elementRounding, nonFinite, zeroBlock, tinyAmax, v, scaling,
                scaleClamp, tensorScale);
    }

    public BlockKnobs withScaling(ScalingArithmetic v) {
        return new BlockKnobs(scaleRule, elementProfile, elementRounding, nonFinite, zeroBlock, tinyAmax, tail, v,
                scaleClamp, tensorScale);
    }

    public BlockKnobs withScaleClamp(ScaleClampRange v) {
        return new BlockKnobs(scaleRule, elementProfile, elementRounding, nonFinite, zeroBlock, tinyAmax, tail,
                scaling, v, tensorScale);
    }

    public BlockKnobs withTensorScale(TensorScaleRule v) {
        return new BlockKnobs(scaleRule, elementProfile, elementRounding, nonFinite, zeroBlock, tinyAmax, tail,
                scaling, scaleClamp, v);
    }

    /**
     * Checks that every knob has a meaning for {@code format}: the scale rule produces its scale format
     * (E8M0 rules for MX, NEAREST for NVFP4), MX has no per-tensor scale, and the element knobs apply to
     * the element format.
     *
     * @return this
     * @throws IllegalArgumentException naming the knob, the format and the allowed values
     */
    public BlockKnobs requireApplicableTo(BlockFormat format) {
        Objects.requireNonNull(format, "format");
        if (!scaleRule.appliesTo(format)) {
            StringBuilder allowed = new StringBuilder();
            for (ScaleRule r : ScaleRule.values()) {
                if (r.appliesTo(format)) {
                    allowed.append(allowed.isEmpty() ? "" : ", ").append(r.name());
                }
            }
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "scale rule %s does not apply to %s (its scale is %s); allowed: %s",
                    scaleRule, format.id(), format.scale().id(), allowed));
        }
        if (!format.allowsTensorScale() && tensorScale != TensorScaleRule.NONE) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "tensor scale %s does not apply to %s: MX has no per-tensor scale; allowed: NONE",
                    tensorScale, format.id()));
        }
        elementKnobs(format).requireApplicableTo(format.element());
        return this;
    }
}
