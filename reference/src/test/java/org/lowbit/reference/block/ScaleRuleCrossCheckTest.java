package org.lowbit.reference.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;
import static org.lowbit.reference.block.BlockTestSupport.ceilLog2;
import static org.lowbit.reference.block.BlockTestSupport.floorLog2;
import static org.lowbit.reference.block.BlockTestSupport.magnitude;
import static org.lowbit.reference.block.BlockTestSupport.pow2;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.lowbit.reference.ElementCodec;
import org.lowbit.reference.exact.ExactCodec;
import org.lowbit.reference.exact.ExactValue;
import org.lowbit.spec.BlockFormat;
import org.lowbit.spec.BlockKnobs;
import org.lowbit.spec.BlockPolicies.NonFinitePolicy;
import org.lowbit.spec.BlockPolicies.ScalingArithmetic;
import org.lowbit.spec.BlockPolicies.TensorScaleRule;
import org.lowbit.spec.BlockPolicies.TinyAmaxPolicy;
import org.lowbit.spec.BlockPolicies.ZeroBlockScale;
import org.lowbit.spec.BlockProfile;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.ElementKnobs;
import org.lowbit.spec.ElementProfile;
import org.lowbit.spec.Rounding;
import org.lowbit.spec.ScaleRule;
import org.lowbit.spec.SplitMix64;

/**
 * An independent check of the block quantizer on seeded random blocks (SplitMix64, SPEC.md §7) biased to
 * the boundaries: amax at and a few ulps around each rule's threshold (powers of two for FLOOR/CEIL,
 * max·2^k for RCEIL/ROUND_UP, (2 − 2^−(mbits+1))·2^k for EVEN, the UE4M3 midpoints for NVFP4), zeros, FP32
 * subnormals, values next to FLT_MAX, element-grid ties, and NaN/Inf.
 *
 * <p>The expected answer is computed here without the codec's code: scale exponents by exact BigDecimal
 * floor/ceil(log2) (and, for RCEIL and ROUND_UP, of the FP32 descale the rule defines), element codes by
 * {@link ExactCodec#encode} of the exact quotient V_i / 2^s (MX) or of the FP32 quotient the NVFP4 recipe
 * defines.
 */
class ScaleRuleCrossCheckTest {

    private static final long SEED = 0x6C6F77626974L; // "lowbit"
    private static final int BLOCKS_PER_CALL = 3;
    private static final int CALLS = 24;

    /** Knob variants: element rounding, element profile, non-finite, tiny amax, zero block. */
    private static List<BlockKnobs> variants(BlockKnobs base) {
        return List.of(
                base.withElementRounding(Rounding.RNE),
                base.withElementRounding(Rounding.RNA).withElementProfile(ElementProfile.ML_DTYPES)
                    .withNonFinite(NonFinitePolicy.PER_ELEMENT).withTinyAmax(TinyAmaxPolicy.FLUSH_SUBNORMAL_AMAX)
                    .withZeroBlock(ZeroBlockScale.ONE),
                base.withElementRounding(Rounding.RU).withElementProfile(ElementProfile.CUDA_SATFINITE)
                    .withNonFinite(NonFinitePolicy.PER_ELEMENT),
                base.withElementRounding(Rounding.SR).withScaling(ScalingArithmetic.RECIPROCAL_MULTIPLY));
    }

    @TestFactory
    @DisplayName("MX: scale by exact floor/ceil(log2), elements by ExactCodec of the exact quotient")
    Stream<DynamicTest> mx() {
        List<DynamicTest> tests = new ArrayList<>();
        for (BlockFormat f : BlockFormat.values()) {
            if (!f.isMx()) {
                continue;
            }
            for (ScaleRule rule : List.of(ScaleRule.FLOOR, ScaleRule.CEIL, ScaleRule.EVEN, ScaleRule.RCEIL,
                    ScaleRule.ROUND_UP)) {
                List<BlockKnobs> variants = variants(BlockProfile.OCP_MX_1_0.knobs().withScaleRule(rule));
                for (int v = 0; v < variants.size(); v++) {
                    BlockKnobs knobs = variants.get(v);
                    long seed = SEED ^ ((long) f.ordinal() << 40) ^ ((long) rule.ordinal() << 32) ^ v;
                    String name = String.format(Locale.ROOT, "%s %s %s %s %s seed 0x%X", f, rule,
                            knobs.elementRounding(), knobs.elementProfile(), knobs.nonFinite(), seed);
                    tests.add(dynamicTest(name, () -> checkMx(f, knobs, seed)));
                }
            }
        }
        return tests.stream();
    }

    private static void checkMx(BlockFormat f, BlockKnobs knobs, long seed) {
        SplitMix64 random = new SplitMix64(seed);
        int k = f.blockSize();
        ElementKnobs elementKnobs = knobs.elementKnobs(f);
        for (int call = 0; call < CALLS; call++) {
            int[] x = new int[k * BLOCKS_PER_CALL];
            for (int b = 0; b < BLOCKS_PER_CALL; b++) {
                System.arraycopy(BlockGenerator.block(random, f), 0, x, b * k, k);
            }
            int[] randomBits = new int[x.length];
            for (int i = 0; i < x.length; i++) {
                randomBits[i] = random.nextInt();
            }
            QuantizedBlocks q = BlockQuantizer.of(f, knobs).quantizeFloat32(x, 0, x.length, randomBits);
            for (int b = 0; b < BLOCKS_PER_CALL; b++) {
                String where = String.format(Locale.ROOT, "call %d block %d %s", call, b,
                        BlockGenerator.describe(x, b * k, k));
                if (knobs.nonFinite() == NonFinitePolicy.WHOLE_BLOCK_NAN && hasNonFinite(x, b * k, k)) {
                    assertEquals(0xFF, q.scaleCode(b), where);
                    for (int i = b * k; i < (b + 1) * k; i++) {
                        assertEquals(0, q.elementCode(i), where);
                    }
                    continue;
                }
                BigDecimal amax = finiteAmax(x, b * k, k);
                int s;
                boolean zeroed;
                if (amax.signum() == 0 && knobs.zeroBlock() == ZeroBlockScale.ONE) {
                    s = 0;
                    zeroed = false;
                } else {
                    s = expectedExponent(knobs.scaleRule(), amax, f);
                    zeroed = knobs.scaleRule() == ScaleRule.ROUND_UP
                             && Float.floatToRawIntBits(amax.floatValue() / (float) f.element().maxFinite()) == 0;
                }
                zeroed |= knobs.tinyAmax() == TinyAmaxPolicy.FLUSH_SUBNORMAL_AMAX
                          && amax.compareTo(pow2(-126)) < 0;
                assertEquals(s + 127, q.scaleCode(b), where + ": scale");
                BigDecimal inverse = pow2(-s);
                for (int i = b * k; i < (b + 1) * k; i++) {
                    ExactValue value = ExactValue.ofFloat32Bits(x[i]);
                    ExactValue quotient;
                    if (!value.isFinite()) {
                        quotient = value;
                    } else if (zeroed) {
                        quotient = ExactValue.ofFinite(value.negative(), BigDecimal.ZERO);
                    } else {
                        quotient = ExactValue.ofFinite(value.negative(), value.magnitude().multiply(inverse));
                    }
                    int expected = ExactCodec.encode(quotient, f.element(), elementKnobs, randomBits[i]);
                    int index = i;
                    assertEquals(expected, q.elementCode(i), () -> String.format(Locale.ROOT,
                            "%s: element %d = 0x%08X, quotient %s", where, index, x[index], quotient));
                }
            }
        }
    }

    /**
     * The scale exponent by the rule's definition (SPEC.md §8.3), with exact BigDecimal logarithms; for RCEIL
     * and ROUND_UP of the FP32 descale that the rule specifies.
     */
    static int expectedExponent(ScaleRule rule, BigDecimal amax, BlockFormat f) {
        int emax = f.emax();
        float amaxFloat = amax.floatValue(); // exact: amax is an FP32 value
        float max = (float) f.element().maxFinite();
        return switch (rule) {
            case FLOOR -> amax.signum() == 0 ? -127 : clamp(floorLog2(amax) - emax);
            case CEIL -> amax.signum() == 0 ? -127 : clamp(ceilLog2(amax) - emax);
            case EVEN -> {
                if (amax.signum() == 0) {
                    yield -127;
                }
                // round half up at amax's FP32 quantum for mbits fraction bits, then floor(log2)
                int mbits = f.element().isInteger() ? f.element().fractionBits() : f.element().mantissaBits();
                BigDecimal quantum = pow2(Math.max(floorLog2(amax), -126) - mbits);
                BigDecimal rounded = amax.divide(quantum).setScale(0, RoundingMode.HALF_UP).multiply(quantum);
                yield rounded.signum() == 0 ? -127 : clamp(floorLog2(rounded) - emax);
            }
            case RCEIL -> {
                float descale = amaxFloat * (1.0f / max);
                yield descale == 0 ? -127 : clamp(Math.max(ceilLog2(new BigDecimal(descale)), -127));
            }
            case ROUND_UP -> {
                float descale = amaxFloat / max;
                yield descale == 0 ? -127 : clamp(Math.max(ceilLog2(new BigDecimal(descale)), -126));
            }
            case NEAREST -> throw new AssertionError();
        };
    }

    private static int clamp(int s) {
        return Math.max(-127, Math.min(127, s));
    }

    static BigDecimal finiteAmax(int[] x, int from, int n) {
        BigDecimal amax = BigDecimal.ZERO;
        for (int i = from; i < from + n; i++) {
            if ((x[i] & 0x7FFFFFFF) < 0x7F800000) {
                amax = amax.max(magnitude(x[i]));
            }
        }
        return amax;
    }

    static boolean hasNonFinite(int[] x, int from, int n) {
        for (int i = from; i < from + n; i++) {
            if ((x[i] & 0x7FFFFFFF) >= 0x7F800000) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------------------------------------
    // NVFP4: the two recipes restated here, one FP32 operation at a time

    @TestFactory
    @DisplayName("NVFP4: scale and elements by ExactCodec of the recipe's FP32 values")
    Stream<DynamicTest> nvfp4() {
        List<DynamicTest> tests = new ArrayList<>();
        for (BlockProfile p : List.of(BlockProfile.NVFP4_TORCHAO, BlockProfile.NVFP4_MODELOPT)) {
            for (TensorScaleRule level : TensorScaleRule.values()) {
                List<BlockKnobs> variants = variants(p.knobs().withTensorScale(level));
                for (int v = 0; v < variants.size(); v++) {
                    BlockKnobs knobs = v == 3 ? variants.get(v).withScaling(p.knobs().scaling()) : variants.get(v);
                    long seed = SEED ^ ((long) p.ordinal() << 40) ^ ((long) level.ordinal() << 32) ^ v;
                    String name = String.format(Locale.ROOT, "%s %s %s %s seed 0x%X", p, level,
                            knobs.elementRounding(), knobs.nonFinite(), seed);
                    tests.add(dynamicTest(name, () -> checkNvfp4(knobs, seed, false)));
                    if (level == TensorScaleRule.NONE) {
                        tests.add(dynamicTest(name + " given g", () -> checkNvfp4(knobs, seed + 1, true)));
                    }
                }
            }
        }
        return tests.stream();
    }

    private static void checkNvfp4(BlockKnobs knobs, long seed, boolean givenScale) {
        SplitMix64 random = new SplitMix64(seed);
        BlockFormat f = BlockFormat.NVFP4;
        ElementKnobs elementKnobs = knobs.elementKnobs(f);
        ElementKnobs scaleCast = ElementProfile.OCP.knobsFor(ElementFormat.UE4M3);
        for (int call = 0; call < CALLS * 2; call++) {
            int[] x = new int[16 * BLOCKS_PER_CALL];
            for (int b = 0; b < BLOCKS_PER_CALL; b++) {
                System.arraycopy(BlockGenerator.block(random, f), 0, x, b * 16, 16);
            }
            int[] randomBits = new int[x.length];
            for (int i = 0; i < x.length; i++) {
                randomBits[i] = random.nextInt();
            }
            BlockQuantizer quantizer = BlockQuantizer.of(f, knobs);
            float g;
            if (givenScale) {
                // near the tensor's own amax/2688 (within 2^±3), or any positive normal
                float own = finiteAmax(x, 0, x.length).floatValue() / 2688.0f;
                g = BlockGenerator.below(random, 2) == 0 && own > 0
                        ? Math.scalb(own, BlockGenerator.below(random, 7) - 3)
                        : Float.intBitsToFloat(0x00800000 + BlockGenerator.below(random, 0x7E800000));
                if (!(g > 0) || Float.isInfinite(g)) {
                    g = 1.0f;
                }
                quantizer = quantizer.withTensorScale(Float.floatToRawIntBits(g));
            } else if (knobs.tensorScale() == TensorScaleRule.AMAX_OVER_2688) {
                g = finiteAmax(x, 0, x.length).floatValue() / 2688.0f;
                if (g == 0) {
                    continue; // an all-zero tensor has no two-level scale (BadInputTest)
                }
            } else {
                g = 1.0f;
            }
            QuantizedBlocks q = quantizer.quantizeFloat32(x, 0, x.length, randomBits);
            boolean twoLevel = givenScale || knobs.tensorScale() == TensorScaleRule.AMAX_OVER_2688;
            assertEquals(twoLevel, q.tensorScaleBits().isPresent());
            for (int b = 0; b < BLOCKS_PER_CALL; b++) {
                String where = String.format(Locale.ROOT, "call %d block %d g %s %s", call, b, g,
                        BlockGenerator.describe(x, b * 16, 16));
                if (knobs.nonFinite() == NonFinitePolicy.WHOLE_BLOCK_NAN && hasNonFinite(x, b * 16, 16)) {
                    assertEquals(0x7F, q.scaleCode(b), where);
                    continue;
                }
                float amax = finiteAmax(x, b * 16, 16).floatValue();
                boolean torchao = knobs.scaling() == ScalingArithmetic.RECIPROCAL_MULTIPLY;
                float s = torchao ? (amax / 6.0f) / g : amax / (6.0f * g);
                if (s == 0 && knobs.zeroBlock() == ZeroBlockScale.ONE) {
                    s = 1.0f;
                }
                float lower = knobs.scaleClamp() == org.lowbit.spec.BlockPolicies.ScaleClampRange.MIN_NORMAL
                        ? 0.015625f : 0.001953125f;
                s = Math.min(Math.max(s, lower), 448.0f);
                int scaleCode = ExactCodec.encode(ExactValue.ofFloat(s), ElementFormat.UE4M3, scaleCast);
                assertEquals(scaleCode, q.scaleCode(b), where + ": scale of " + s);
                float decoded = ExactCodec.decode(scaleCode, ElementFormat.UE4M3).magnitude().floatValue();
                boolean flushed = knobs.tinyAmax() == TinyAmaxPolicy.FLUSH_SUBNORMAL_AMAX && amax < 0x1p-126f;
                for (int i = b * 16; i < (b + 1) * 16; i++) {
                    float xi = Float.intBitsToFloat(x[i]);
                    ExactValue scaled;
                    if ((x[i] & 0x7FFFFFFF) >= 0x7F800000) {
                        scaled = ExactValue.ofFloat32Bits(x[i]);
                    } else if (flushed) {
                        scaled = ExactValue.ofFinite(x[i] < 0, BigDecimal.ZERO);
                    } else {
                        float y = torchao ? xi * ((1.0f / g) / decoded) : xi / (decoded * g);
                        scaled = Float.isNaN(y) ? ExactValue.ofNaN(false) : ExactValue.ofFloat(y);
                    }
                    int expected = ExactCodec.encode(scaled, ElementFormat.FP4_E2M1, elementKnobs, randomBits[i]);
                    assertEquals(expected, q.elementCode(i), where + ": element " + i + " → " + scaled);
                }
            }
        }
    }

    /** The sanity of the fast FP32 path the checks above rely on: ElementCodec is the element codec. */
    @TestFactory
    @DisplayName("the element codec and the oracle agree on the quotients' formats (spot check)")
    Stream<DynamicTest> elementCodecSpotCheck() {
        return Stream.of(ElementFormat.FP4_E2M1, ElementFormat.FP8_E4M3, ElementFormat.MXINT8).map(e ->
                dynamicTest(e.id(), () -> {
                    SplitMix64 r = new SplitMix64(SEED);
                    ElementKnobs knobs = ElementProfile.OCP.knobsFor(e);
                    for (int i = 0; i < 2000; i++) {
                        int bits = r.nextInt();
                        assertEquals(ExactCodec.encode(ExactValue.ofFloat32Bits(bits), e, knobs),
                                ElementCodec.encodeFloat32(bits, e, knobs), Integer.toHexString(bits));
                    }
                }));
    }
}
