package org.lowbit.reference.exact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;
import static org.lowbit.spec.ElementFormat.E8M0;
import static org.lowbit.spec.ElementFormat.FP4_E2M1;
import static org.lowbit.spec.ElementFormat.FP6_E2M3;
import static org.lowbit.spec.ElementFormat.FP6_E3M2;
import static org.lowbit.spec.ElementFormat.FP8_E4M3;
import static org.lowbit.spec.ElementFormat.FP8_E4M3FNUZ;
import static org.lowbit.spec.ElementFormat.FP8_E5M2;
import static org.lowbit.spec.ElementFormat.INT4;
import static org.lowbit.spec.ElementFormat.INT8;
import static org.lowbit.spec.ElementFormat.MXINT8;
import static org.lowbit.spec.ElementFormat.UE4M3;
import static org.lowbit.spec.ElementFormat.UINT4;

import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.ElementKnobs;
import org.lowbit.spec.ElementProfile;
import org.lowbit.spec.Overflow;
import org.lowbit.spec.Rounding;
import org.lowbit.spec.SpecialPolicies.InfPolicy;
import org.lowbit.spec.SpecialPolicies.IntegerRange;
import org.lowbit.spec.SpecialPolicies.NegativePolicy;

/** {@link Float32Ranges} against {@link ExactCodec#encode}, pattern by pattern, on seeded samples. */
class Float32RangesTest {

    private static final int RANDOM_PATTERNS = 100_000;

    private record Case(String name, ElementFormat format, ElementKnobs knobs) {}

    private static List<Case> cases() {
        return List.of(
            new Case("fp4 ocp (RNE, saturate, NaN → 0)", FP4_E2M1, ElementProfile.OCP.knobsFor(FP4_E2M1)),
            new Case("fp4 ocp RD", FP4_E2M1, ElementProfile.OCP.knobsFor(FP4_E2M1).withRounding(Rounding.RD)),
            new Case("fp6_e3m2 ocp RNA", FP6_E3M2, ElementProfile.OCP.knobsFor(FP6_E3M2).withRounding(Rounding.RNA)),
            new Case("fp6_e2m3 ml-dtypes", FP6_E2M3, ElementProfile.ML_DTYPES.knobsFor(FP6_E2M3)),
            new Case("fp8_e4m3 ml-dtypes (overflow NaN)", FP8_E4M3, ElementProfile.ML_DTYPES.knobsFor(FP8_E4M3)),
            new Case("fp8_e5m2 cuda nosat RU", FP8_E5M2, ElementProfile.CUDA_SATFINITE.knobsFor(FP8_E5M2)
                     .withOverflow(Overflow.NONSAT).withInfinity(InfPolicy.AS_OVERFLOW).withRounding(Rounding.RU)),
            new Case("fp8_e4m3fnuz ml-dtypes", FP8_E4M3FNUZ, ElementProfile.ML_DTYPES.knobsFor(FP8_E4M3FNUZ)),
            new Case("e8m0 ml-dtypes (ties up, code 0 as zero)", E8M0, ElementProfile.ML_DTYPES.knobsFor(E8M0)),
            new Case("e8m0 cuda rp", E8M0, ElementProfile.CUDA_SATFINITE.knobsFor(E8M0).withRounding(Rounding.RU)),
            new Case("e8m0 ocp (RZ, Inf NaN)", E8M0, ElementProfile.OCP.knobsFor(E8M0)),
            new Case("ue4m3 cuda (negative → 0)", UE4M3, ElementProfile.CUDA_SATFINITE.knobsFor(UE4M3)),
            new Case("int8 cuda (FULL range)", INT8, ElementProfile.CUDA_SATFINITE.knobsFor(INT8)),
            new Case("mxint8 ocp RU", MXINT8, ElementProfile.OCP.knobsFor(MXINT8).withRounding(Rounding.RU)),
            new Case("int4 ocp FULL RNA", INT4, ElementProfile.OCP.knobsFor(INT4).withIntegerRange(IntegerRange.FULL)
                     .withRounding(Rounding.RNA)),
            new Case("uint4 ocp ABSOLUTE RD", UINT4, ElementProfile.OCP.knobsFor(UINT4)
                     .withNegative(NegativePolicy.ABSOLUTE).withRounding(Rounding.RD)));
    }

    private static int encode(int bits, Case c) {
        return ExactCodec.encode(ExactValue.ofFloat32Bits(bits), c.format(), c.knobs());
    }

    private static void check(Float32Ranges ranges, Case c, int bits) {
        int expected = encode(bits, c);
        int actual = ranges.codeFor(bits);
        if (expected != actual) {
            throw new AssertionError(String.format(Locale.ROOT, "%s: FP32 0x%08X (%s): encode 0x%02X, ranges 0x%02X",
                    c.name(), bits, ExactValue.ofFloat32Bits(bits), expected, actual));
        }
    }

    /** Half uniform patterns, half near the format's values (a code's value times [0.5, 2), either sign). */
    private static int samplePattern(SplittableRandom random, ElementFormat format) {
        if (random.nextBoolean()) {
            return random.nextInt();
        }
        ExactValue v = ExactCodec.decode(random.nextInt(format.codeCount()), format);
        float base = v.isFinite() ? v.magnitude().floatValue() : Float.MAX_VALUE;
        float x = base * (float) (0.5 + 1.5 * random.nextDouble());
        return Float.floatToRawIntBits(random.nextBoolean() ? -x : x);
    }

    @TestFactory
    @DisplayName("Float32Ranges: codeFor equals encode on 100k seeded patterns and on every pattern within ±3 of every range start")
    Stream<DynamicTest> agreesWithEncode() {
        return cases().stream().map(c -> dynamicTest(c.name(), () -> {
            Float32Ranges ranges = ExactCodec.float32Ranges(c.format(), c.knobs());
            assertStructure(ranges);
            for (int i = 0; i < ranges.size(); i++) {
                for (int d = -3; d <= 3; d++) {
                    check(ranges, c, ranges.start(i) + d); // wraps around at 0 / 0xFFFFFFFF: fine
                }
            }
            SplittableRandom random = new SplittableRandom(0xF32L ^ c.name().hashCode());
            for (int i = 0; i < RANDOM_PATTERNS; i++) {
                check(ranges, c, samplePattern(random, c.format()));
            }
        }));
    }

    private static void assertStructure(Float32Ranges ranges) {
        assertEquals(0, ranges.start(0), "the first range starts at 0x00000000");
        for (int i = 1; i < ranges.size(); i++) {
            assertTrue(Integer.compareUnsigned(ranges.start(i - 1), ranges.start(i)) < 0, "starts ascend");
            assertNotEquals(ranges.code(i - 1), ranges.code(i), "neighbouring ranges have different codes");
            assertEquals(ranges.start(i) - 1, ranges.last(i - 1), "last(i-1) = start(i) - 1");
        }
        assertEquals(0xFFFFFFFF, ranges.last(ranges.size() - 1), "the last range ends at 0xFFFFFFFF");
        for (int i = 0; i < ranges.size(); i++) {
            assertEquals(i, ranges.rangeOf(ranges.start(i)));
            assertEquals(i, ranges.rangeOf(ranges.last(i)));
        }
    }

    @Test
    @DisplayName("Float32Ranges fp8_e4m3 ml-dtypes: the landmarks 464 (0x43E80000) → 0x7E, next float → NaN 0x7F, NaN block, -0")
    void e4m3Landmarks() {
        Float32Ranges r = ExactCodec.float32Ranges(FP8_E4M3, ElementProfile.ML_DTYPES.knobsFor(FP8_E4M3));
        assertEquals(0x7E, r.codeFor(Float.floatToRawIntBits(464f)));
        assertEquals(0x7F, r.codeFor(Float.floatToRawIntBits(464f) + 1));
        assertEquals(0x7F, r.codeFor(0x7F800001));
        assertEquals(0xFF, r.codeFor(0xFFFFFFFF));
        assertEquals(0x80, r.codeFor(0x80000000));
        assertEquals(0x00, r.codeFor(0x00000000));
        // positive side: codes 0x00..0x7E then NaN; negative side the same with the sign: 2 · 128 ranges
        assertEquals(256, r.size());
    }

    @Test
    @DisplayName("Float32Ranges e8m0 ml-dtypes: 2^-127 (0x00400000) → 0x00, the next float → 0x01; +0, negatives and overflow → NaN 0xFF")
    void e8m0Landmarks() {
        Float32Ranges r = ExactCodec.float32Ranges(E8M0, ElementProfile.ML_DTYPES.knobsFor(E8M0));
        assertEquals(0xFF, r.codeFor(0x00000000));
        assertEquals(0x00, r.codeFor(0x00000001));
        assertEquals(0x00, r.codeFor(0x00400000));
        assertEquals(0x01, r.codeFor(0x00400001));
        assertEquals(0xFE, r.codeFor(0x7F3FFFFF)); // just below 1.5·2^127, the tie between 2^127 and V = 2^128
        assertEquals(0xFF, r.codeFor(0x7F400000)); // 1.5·2^127: ties up to V, overflow NaN
        assertEquals(0xFF, r.codeFor(0x7F7FFFFF)); // FP32 max
    }
}
