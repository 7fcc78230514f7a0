package org.lowbit.reference.exact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;
import static org.lowbit.spec.ElementFormat.E8M0;
import static org.lowbit.spec.ElementFormat.FP4_E2M1;
import static org.lowbit.spec.ElementFormat.FP6_E2M3;
import static org.lowbit.spec.ElementFormat.FP6_E3M2;
import static org.lowbit.spec.ElementFormat.FP8_E4M3;
import static org.lowbit.spec.ElementFormat.FP8_E4M3FNUZ;
import static org.lowbit.spec.ElementFormat.FP8_E5M2;
import static org.lowbit.spec.ElementFormat.FP8_E5M2FNUZ;
import static org.lowbit.spec.ElementFormat.INT4;
import static org.lowbit.spec.ElementFormat.INT8;
import static org.lowbit.spec.ElementFormat.MXINT8;
import static org.lowbit.spec.ElementFormat.UE4M3;
import static org.lowbit.spec.ElementFormat.UINT4;

import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.ElementKnobs;
import org.lowbit.spec.ElementProfile;
import org.lowbit.spec.Overflow;
import org.lowbit.spec.Rounding;
import org.lowbit.spec.SpecialPolicies.E8m0BottomBinade;
import org.lowbit.spec.SpecialPolicies.E8m0ZeroPolicy;
import org.lowbit.spec.SpecialPolicies.InfPolicy;
import org.lowbit.spec.SpecialPolicies.IntegerRange;
import org.lowbit.spec.SpecialPolicies.NanPolicy;
import org.lowbit.spec.SpecialPolicies.NegativePolicy;

/** One test per branch of {@link ExactCodec#encode}: rounding modes, SR, overflow, specials, integers, E8M0. */
class ExactCodecBranchesTest {

    private static ElementKnobs ocp(ElementFormat format) {
        return ElementProfile.OCP.knobsFor(format);
    }

    private static ElementKnobs mlDtypes(ElementFormat format) {
        return ElementProfile.ML_DTYPES.knobsFor(format);
    }

    private static int encode(String literal, ElementFormat format, ElementKnobs knobs) {
        return ExactCodec.encode(CardinalTables.value(literal), format, knobs);
    }

    private static int encodeSr(String literal, ElementFormat format, ElementKnobs knobs, int randomBits) {
        return ExactCodec.encode(CardinalTables.value(literal), format, knobs.withRounding(Rounding.SR), randomBits);
    }

    private static void assertCode(int expected, int actual, String what) {
        assertEquals(expected, actual, () -> String.format(Locale.ROOT, "%s: expected 0x%02X, got 0x%02X",
                                                           what, expected, actual));
    }

    @Test
    @DisplayName("V, the overflow point max + ulp(max), of every format's positive side")
    void overflowPoints() {
        Map<ElementFormat, String> expected = Map.ofEntries(
            Map.entry(FP8_E4M3, "480"), Map.entry(FP8_E5M2, "65536"), Map.entry(FP4_E2M1, "8"),
            Map.entry(FP6_E3M2, "32"), Map.entry(FP6_E2M3, "8"), Map.entry(E8M0, "2^128"),
            Map.entry(UE4M3, "480"), Map.entry(FP8_E4M3FNUZ, "256"), Map.entry(FP8_E5M2FNUZ, "65536"),
            Map.entry(INT8, "128"), Map.entry(MXINT8, "2"), Map.entry(INT4, "8"), Map.entry(UINT4, "16"));
        for (ElementFormat format : ElementFormat.values()) {
            Ladder positive = CodeTable.of(format).ladder(false, ocp(format));
            assertEquals(CardinalTables.value(expected.get(format)).magnitude(), positive.overflowPoint().stripTrailingZeros(),
                         format.id() + " V");
        }
        ElementKnobs full = ocp(INT8).withIntegerRange(IntegerRange.FULL);
        assertEquals(0, CodeTable.of(INT8).ladder(true, full).overflowPoint().compareTo(CardinalTables.value("129").magnitude()),
                     "int8 FULL negative side: V = 129");
        assertEquals(0, CodeTable.of(INT8).ladder(true, ocp(INT8)).overflowPoint().compareTo(CardinalTables.value("128").magnitude()),
                     "int8 SYMMETRIC negative side: V = 128");
    }

    @Nested
    @DisplayName("Stochastic rounding")
    class Stochastic {
        @Test
        @DisplayName("SR fp4 1.25: f = 1/2, F = 2^31; r = 0x7FFFFFFF stays at 1.0, r = 0x80000000 goes up to 1.5")
        void halfway() {
            assertCode(0x2, encodeSr("1.25", FP4_E2M1, ocp(FP4_E2M1), 0x7FFFFFFF), "r = 2^31 - 1");
            assertCode(0x3, encodeSr("1.25", FP4_E2M1, ocp(FP4_E2M1), 0x80000000), "r = 2^31");
            assertCode(0x2, encodeSr("1.25", FP4_E2M1, ocp(FP4_E2M1), 0), "r = 0");
            assertCode(0x3, encodeSr("1.25", FP4_E2M1, ocp(FP4_E2M1), 0xFFFFFFFF), "r = 2^32 - 1");
        }

        @Test
        @DisplayName("SR negative: -1.25 rounds its magnitude, -1.0 (0xA) or -1.5 (0xB)")
        void negative() {
            assertCode(0xA, encodeSr("-1.25", FP4_E2M1, ocp(FP4_E2M1), 0x7FFFFFFF), "r = 2^31 - 1");
            assertCode(0xB, encodeSr("-1.25", FP4_E2M1, ocp(FP4_E2M1), 0x80000000), "r = 2^31");
        }

        @Test
        @DisplayName("SR small f: 1 + 2^-24 in fp4 has f = 2^-23, F = 2^9: up iff r ≥ 2^32 - 512")
        void smallFraction() {
            String x = "1.000000059604644775390625"; // 1 + 2^-24
            assertCode(0x3, encodeSr(x, FP4_E2M1, ocp(FP4_E2M1), (int) ((1L << 32) - 512)), "r = 2^32 - 512");
            assertCode(0x2, encodeSr(x, FP4_E2M1, ocp(FP4_E2M1), (int) ((1L << 32) - 513)), "r = 2^32 - 513");
        }

        @Test
        @DisplayName("SR floor: fp4 1.1 has f = 0.2, f·2^32 = 858993459.2, so F = 858993459: up iff r ≥ 2^32 - F")
        void flooredFraction() {
            long f = 858993459L;
            assertCode(0x3, encodeSr("1.1", FP4_E2M1, ocp(FP4_E2M1), (int) ((1L << 32) - f)), "r = 2^32 - F");
            assertCode(0x2, encodeSr("1.1", FP4_E2M1, ocp(FP4_E2M1), (int) ((1L << 32) - f - 1)), "r = 2^32 - F - 1");
        }

        @Test
        @DisplayName("SR exact values ignore the random bits")
        void exactValue() {
            assertCode(0x3, encodeSr("1.5", FP4_E2M1, ocp(FP4_E2M1), 0xFFFFFFFF), "1.5 exact");
            assertCode(0x3, encodeSr("1.5", FP4_E2M1, ocp(FP4_E2M1), 0), "1.5 exact");
        }

        @Test
        @DisplayName("SR overflow: between max and V rounding up overflows (E4M3 NONSAT → NaN, FP4 → max)")
        void overflow() {
            assertCode(0x7E, encodeSr("464", FP8_E4M3, mlDtypes(FP8_E4M3), 0x7FFFFFFF), "E4M3 464 down");
            assertCode(0x7F, encodeSr("464", FP8_E4M3, mlDtypes(FP8_E4M3), 0x80000000), "E4M3 464 up to V: NaN");
            assertCode(0x7, encodeSr("7", FP4_E2M1, ocp(FP4_E2M1), 0x80000000), "FP4 7 up to V: saturates");
            assertCode(0x7F, encodeSr("1000", FP8_E4M3, mlDtypes(FP8_E4M3), 0), "E4M3 ≥ V overflows whatever r");
        }

        @Test
        @DisplayName("SR: the 3-argument encode refuses SR; float32Ranges refuses SR")
        void needsRandomBits() {
            ElementKnobs sr = ocp(FP4_E2M1).withRounding(Rounding.SR);
            assertThrows(IllegalArgumentException.class, () -> ExactCodec.encode(CardinalTables.value("1"), FP4_E2M1, sr));
            assertThrows(IllegalArgumentException.class, () -> ExactCodec.float32Ranges(FP4_E2M1, sr));
        }
    }

    @Nested
    @DisplayName("Directed rounding and overflow")
    class Directed {
        private final ElementKnobs e4m3NoSat = mlDtypes(FP8_E4M3);
        private final ElementKnobs e5m2NoSat = mlDtypes(FP8_E5M2);

        @Test
        @DisplayName("E4M3 NONSAT 500: RZ never overflows (0x7E); RU overflows to NaN 0x7F (no Inf); -500 RU → -max 0xFE; -500 RD → NaN 0xFF")
        void e4m3() {
            assertCode(0x7E, encode("500", FP8_E4M3, e4m3NoSat.withRounding(Rounding.RZ)), "500 RZ");
            assertCode(0x7F, encode("500", FP8_E4M3, e4m3NoSat.withRounding(Rounding.RU)), "500 RU");
            assertCode(0xFE, encode("-500", FP8_E4M3, e4m3NoSat.withRounding(Rounding.RU)), "-500 RU");
            assertCode(0xFF, encode("-500", FP8_E4M3, e4m3NoSat.withRounding(Rounding.RD)), "-500 RD");
            assertCode(0x7E, encode("500", FP8_E4M3, e4m3NoSat.withRounding(Rounding.RD)), "500 RD");
        }

        @Test
        @DisplayName("E5M2 NONSAT 1e6: RD → max 0x7B, -1e6 RD → -Inf 0xFC, RU → +Inf 0x7C, -1e6 RU → -max 0xFB")
        void e5m2() {
            assertCode(0x7B, encode("1e6", FP8_E5M2, e5m2NoSat.withRounding(Rounding.RD)), "1e6 RD");
            assertCode(0xFC, encode("-1e6", FP8_E5M2, e5m2NoSat.withRounding(Rounding.RD)), "-1e6 RD");
            assertCode(0x7C, encode("1e6", FP8_E5M2, e5m2NoSat.withRounding(Rounding.RU)), "1e6 RU");
            assertCode(0xFB, encode("-1e6", FP8_E5M2, e5m2NoSat.withRounding(Rounding.RU)), "-1e6 RU");
        }

        @Test
        @DisplayName("Just above max: RU overflows (NONSAT NaN, SATFINITE max), RNE stays at max")
        void justAboveMax() {
            String x = "448.0001";
            assertCode(0x7F, encode(x, FP8_E4M3, e4m3NoSat.withRounding(Rounding.RU)), "RU NONSAT");
            assertCode(0x7E, encode(x, FP8_E4M3, ocp(FP8_E4M3).withRounding(Rounding.RU)), "RU SATFINITE");
            assertCode(0x7E, encode(x, FP8_E4M3, e4m3NoSat), "RNE");
        }

        @Test
        @DisplayName("RNA at the max/V tie: 464 goes away, to V: overflow (NaN under NONSAT)")
        void rnaAtMaxTie() {
            assertCode(0x7F, encode("464", FP8_E4M3, e4m3NoSat.withRounding(Rounding.RNA)), "464 RNA");
            assertCode(0x7E, encode("464", FP8_E4M3, e4m3NoSat), "464 RNE");
        }

        @Test
        @DisplayName("±Inf AS_OVERFLOW is an overflow even under RZ: E5M2 NONSAT +Inf RZ → 0x7C")
        void infinityUnderRz() {
            assertCode(0x7C, encode("+Inf", FP8_E5M2, e5m2NoSat.withRounding(Rounding.RZ)), "+Inf RZ");
            assertCode(0x7B, encode("+Inf", FP8_E5M2, e5m2NoSat.withInfinity(InfPolicy.TO_MAX)), "+Inf TO_MAX");
            assertCode(0xFB, encode("-Inf", FP8_E5M2, e5m2NoSat.withInfinity(InfPolicy.TO_MAX)), "-Inf TO_MAX");
            // TO_NAN writes the format's NaN with the sign, the all-ones magnitude (SPEC.md §3 rule 6), not the NaN-input policy's quiet NaN
            assertCode(0xFF, encode("-Inf", FP8_E5M2, e5m2NoSat.withInfinity(InfPolicy.TO_NAN)), "-Inf TO_NAN");
            assertCode(0xFF, encode("-Inf", FP8_E4M3, ocp(FP8_E4M3).withInfinity(InfPolicy.TO_NAN)), "E4M3 -Inf TO_NAN");
        }

        @Test
        @DisplayName("Directed inside the grid: fp4 ±1.1 under RU, RD, RZ; tiny values to ±0 or the min subnormal")
        void insideGrid() {
            ElementKnobs k = ocp(FP4_E2M1);
            assertCode(0x3, encode("1.1", FP4_E2M1, k.withRounding(Rounding.RU)), "1.1 RU");
            assertCode(0x2, encode("1.1", FP4_E2M1, k.withRounding(Rounding.RD)), "1.1 RD");
            assertCode(0xA, encode("-1.1", FP4_E2M1, k.withRounding(Rounding.RU)), "-1.1 RU");
            assertCode(0xB, encode("-1.1", FP4_E2M1, k.withRounding(Rounding.RD)), "-1.1 RD");
            assertCode(0xA, encode("-1.1", FP4_E2M1, k.withRounding(Rounding.RZ)), "-1.1 RZ");
            assertCode(0x8, encode("-0.1", FP4_E2M1, k.withRounding(Rounding.RZ)), "-0.1 RZ → -0");
            assertCode(0x1, encode("0.1", FP4_E2M1, k.withRounding(Rounding.RU)), "0.1 RU → 0.5");
            assertCode(0x9, encode("-0.1", FP4_E2M1, k.withRounding(Rounding.RD)), "-0.1 RD → -0.5");
            assertCode(0x8, encode("-0.1", FP4_E2M1, k.withRounding(Rounding.RU)), "-0.1 RU → -0");
            assertCode(0x7, encode("100", FP4_E2M1, k.withRounding(Rounding.RU)), "100 RU SATFINITE → 6");
        }

        @Test
        @DisplayName("RNE ties: E4M3 subnormal/normal boundary 0.9375·2^-6 → 2^-6 (0x08 even); half min subnormal → +0 / -0")
        void rneTies() {
            ElementKnobs k = ocp(FP8_E4M3);
            assertCode(0x08, encode("0.9375*2^-6", FP8_E4M3, k), "between 0x07 and 0x08");
            assertCode(0x00, encode("2^-10", FP8_E4M3, k), "half min subnormal");
            assertCode(0x80, encode("-2^-10", FP8_E4M3, k), "-half min subnormal → -0");
            assertCode(0x01, encode("1.0001*2^-10", FP8_E4M3, k), "just above half min subnormal");
            assertCode(0x00, encode("-2^-11", FP8_E4M3FNUZ, ocp(FP8_E4M3FNUZ)), "fnuz -tiny → 0 (no -0)");
        }
    }

    @Nested
    @DisplayName("Special inputs")
    class Specials {
        @Test
        @DisplayName("NaN policies: quiet NaN with sign, all ones ±, negated zero, zero; single-NaN formats ignore the policy")
        void nanPolicies() {
            ElementKnobs e4m3 = ocp(FP8_E4M3);
            assertCode(0xFF, encode("-NaN", FP8_E4M3, e4m3.withNan(NanPolicy.QUIET_NAN_SIGNED)), "E4M3 -NaN quiet");
            assertCode(0x7F, encode("-NaN", FP8_E4M3, e4m3.withNan(NanPolicy.ALL_ONES_POSITIVE)), "E4M3 -NaN all ones +");
            assertCode(0xFF, encode("-NaN", FP8_E4M3, e4m3.withNan(NanPolicy.ALL_ONES_SIGNED)), "E4M3 -NaN all ones ±");
            ElementKnobs e5m2 = ocp(FP8_E5M2);
            assertCode(0x7E, encode("NaN", FP8_E5M2, e5m2.withNan(NanPolicy.QUIET_NAN_SIGNED)), "E5M2 NaN quiet S.11111.10");
            assertCode(0xFE, encode("-NaN", FP8_E5M2, e5m2.withNan(NanPolicy.QUIET_NAN_SIGNED)), "E5M2 -NaN quiet");
            assertCode(0xFF, encode("-NaN", FP8_E5M2, e5m2.withNan(NanPolicy.ALL_ONES_SIGNED)), "E5M2 -NaN all ones ±");
            ElementKnobs fp4 = ocp(FP4_E2M1);
            assertCode(0xF, encode("-NaN", FP4_E2M1, fp4.withNan(NanPolicy.ALL_ONES_SIGNED)), "FP4 -NaN all ones ± → -6");
            assertCode(0x7, encode("-NaN", FP4_E2M1, fp4.withNan(NanPolicy.ALL_ONES_POSITIVE)), "FP4 -NaN all ones + → 6");
            assertCode(0x8, encode("NaN", FP4_E2M1, fp4.withNan(NanPolicy.NEGATED_ZERO)), "FP4 +NaN → -0");
            assertCode(0x0, encode("-NaN", FP4_E2M1, fp4.withNan(NanPolicy.NEGATED_ZERO)), "FP4 -NaN → +0");
            assertCode(0x0, encode("-NaN", FP4_E2M1, fp4.withNan(NanPolicy.ZERO)), "FP4 -NaN → +0");
            assertCode(0x1F, encode("NaN", FP6_E3M2, ocp(FP6_E3M2).withNan(NanPolicy.ALL_ONES_POSITIVE)), "FP6 NaN → 0x1F");
            assertCode(0x0, encode("NaN", INT8, ocp(INT8)), "int8 NaN → 0");
            for (NanPolicy p : new NanPolicy[] {NanPolicy.QUIET_NAN_SIGNED, NanPolicy.ALL_ONES_POSITIVE, NanPolicy.ALL_ONES_SIGNED}) {
                assertCode(0x80, encode("-NaN", FP8_E4M3FNUZ, ocp(FP8_E4M3FNUZ).withNan(p)), "fnuz " + p);
                assertCode(0xFF, encode("-NaN", E8M0, ocp(E8M0).withNan(p)), "e8m0 " + p);
                assertCode(0x7F, encode("-NaN", UE4M3, ocp(UE4M3).withNan(p)), "ue4m3 " + p);
            }
        }

        @Test
        @DisplayName("Zeros: ±0 keep their sign in signed floats, fnuz/integers/unsigned give 0, E8M0 by its zero policy")
        void zeros() {
            assertCode(0x80, encode("-0", FP8_E4M3, ocp(FP8_E4M3)), "E4M3 -0");
            assertCode(0x20, encode("-0", FP6_E2M3, ocp(FP6_E2M3)), "E2M3 -0");
            assertCode(0x00, encode("-0", FP8_E5M2FNUZ, ocp(FP8_E5M2FNUZ)), "fnuz -0");
            assertCode(0x00, encode("-0", INT8, ocp(INT8)), "int8 -0");
            assertCode(0x00, encode("-0", UE4M3, ocp(UE4M3).withNegative(NegativePolicy.TO_NAN)), "ue4m3 -0 is zero, not negative");
            ElementKnobs e8m0 = ocp(E8M0);
            assertCode(0x00, encode("0", E8M0, e8m0.withE8m0(E8m0ZeroPolicy.MIN_CODE, E8m0BottomBinade.EXACT)), "MIN_CODE");
            assertCode(0xFF, encode("-0", E8M0, e8m0.withE8m0(E8m0ZeroPolicy.TO_NAN, E8m0BottomBinade.EXACT)), "TO_NAN");
        }

        @Test
        @DisplayName("Negative inputs to unsigned formats: ABSOLUTE, TO_NAN, CLAMP_TO_ZERO; -Inf takes the negative policy first")
        void negativeToUnsigned() {
            ElementKnobs ue4m3 = ocp(UE4M3);
            assertCode(0x38, encode("-1", UE4M3, ue4m3.withNegative(NegativePolicy.ABSOLUTE)), "ue4m3 ABSOLUTE");
            assertCode(0x7F, encode("-1", UE4M3, ue4m3.withNegative(NegativePolicy.TO_NAN)), "ue4m3 TO_NAN");
            assertCode(0x00, encode("-1", UE4M3, ue4m3.withNegative(NegativePolicy.CLAMP_TO_ZERO)), "ue4m3 CLAMP");
            assertCode(0x00, encode("-Inf", UE4M3, ue4m3.withNegative(NegativePolicy.CLAMP_TO_ZERO)), "ue4m3 -Inf CLAMP");
            assertCode(0x7E, encode("-Inf", UE4M3, ue4m3.withNegative(NegativePolicy.ABSOLUTE)), "ue4m3 -Inf ABSOLUTE, SATFINITE");
            assertCode(0x01, encode("-1", UINT4, ocp(UINT4).withNegative(NegativePolicy.ABSOLUTE)), "uint4 ABSOLUTE");
            assertCode(0x00, encode("-1", UINT4, ocp(UINT4)), "uint4 CLAMP");
            // ABSOLUTE drops the sign before the rounding direction is chosen: RU rounds |x| up
            assertCode(0x80, encode("-1.25", E8M0, ocp(E8M0).withRounding(Rounding.RU)), "e8m0 -1.25 RU → 2");
            assertCode(0xFF, encode("-Inf", E8M0, ocp(E8M0)), "e8m0 OCP -Inf → |x| = +Inf → TO_NAN");
        }

        @Test
        @DisplayName("Knobs that do not apply to the format are rejected (requireApplicableTo)")
        void inapplicableKnobs() {
            assertThrows(IllegalArgumentException.class,
                    () -> encode("1", FP4_E2M1, ocp(FP4_E2M1).withNan(NanPolicy.QUIET_NAN_SIGNED)));
            assertThrows(IllegalArgumentException.class,
                    () -> encode("1", FP8_E4M3, ocp(FP8_E4M3).withNan(NanPolicy.ZERO)));
            assertThrows(IllegalArgumentException.class,
                    () -> encode("-1", UINT4, ocp(UINT4).withNegative(NegativePolicy.TO_NAN)));
            assertThrows(IllegalArgumentException.class,
                    () -> ExactCodec.float32Ranges(FP4_E2M1, ocp(FP4_E2M1).withInfinity(InfPolicy.TO_NAN)));
        }
    }

    @Nested
    @DisplayName("Integers")
    class Integers {
        private final ElementKnobs symmetric = ocp(INT8);
        private final ElementKnobs full = ocp(INT8).withIntegerRange(IntegerRange.FULL);

        @Test
        @DisplayName("int8 -127.6: FULL reaches -128 (0x80), SYMMETRIC clamps to -127 (0x81)")
        void mostNegative() {
            assertCode(0x80, encode("-127.6", INT8, full), "FULL");
            assertCode(0x81, encode("-127.6", INT8, symmetric), "SYMMETRIC");
        }

        @Test
        @DisplayName("int8 ties at the ends: -128.5 FULL → -128 (tie between 128 and V = 129); ±127.5 clamp or reach -128")
        void tiesAtTheEnds() {
            assertCode(0x80, encode("-128.5", INT8, full), "-128.5 FULL");
            assertCode(0x80, encode("-127.5", INT8, full), "-127.5 FULL: 128 even");
            assertCode(0x81, encode("-127.5", INT8, symmetric), "-127.5 SYMMETRIC: to V = 128, clamps to -127");
            assertCode(0x7F, encode("127.5", INT8, full), "127.5: to V = 128, clamps to 127");
            assertCode(0x80, encode("-1000", INT8, full), "-1000 FULL");
            assertCode(0x81, encode("-1000", INT8, symmetric), "-1000 SYMMETRIC");
            assertCode(0x7F, encode("+Inf", INT8, symmetric.withOverflow(Overflow.NONSAT)), "+Inf NONSAT clamps (no Inf)");
        }

        @Test
        @DisplayName("int8 RNE ties to the even integer: 0.5 → 0, 1.5 → 2, 2.5 → 2, -2.5 → -2 (0xFE)")
        void tiesToEven() {
            assertCode(0x00, encode("0.5", INT8, symmetric), "0.5");
            assertCode(0x02, encode("1.5", INT8, symmetric), "1.5");
            assertCode(0x02, encode("2.5", INT8, symmetric), "2.5");
            assertCode(0xFE, encode("-2.5", INT8, symmetric), "-2.5");
            assertCode(0x00, encode("-0.3", INT8, symmetric), "-0.3 → 0 (no -0)");
        }

        @Test
        @DisplayName("Two's complement codes: int8 -1 → 0xFF, int4 -1 → 0xF, int4 -8 FULL → 0x8, mxint8 -0.5 → 0xE0, -2 FULL → 0x80")
        void twosComplement() {
            assertCode(0xFF, encode("-1", INT8, symmetric), "int8 -1");
            assertCode(0xF, encode("-1", INT4, ocp(INT4)), "int4 -1");
            assertCode(0x8, encode("-8", INT4, ocp(INT4).withIntegerRange(IntegerRange.FULL)), "int4 -8 FULL");
            assertCode(0x9, encode("-8", INT4, ocp(INT4)), "int4 -8 SYMMETRIC → -7");
            assertCode(0xE0, encode("-0.5", MXINT8, ocp(MXINT8)), "mxint8 -0.5");
            assertCode(0x80, encode("-2", MXINT8, ocp(MXINT8).withIntegerRange(IntegerRange.FULL)), "mxint8 -2 FULL");
            assertCode(0x81, encode("-2", MXINT8, ocp(MXINT8)), "mxint8 -2 SYMMETRIC");
            assertCode(0xF, encode("15.4", UINT4, ocp(UINT4)), "uint4 15.4");
            assertCode(0xF, encode("100", UINT4, ocp(UINT4)), "uint4 100 clamps");
        }
    }

    @Nested
    @DisplayName("E8M0")
    class E8m0 {
        private final ElementKnobs exact = ocp(E8M0).withRounding(Rounding.RNE);
        private final ElementKnobs code0AsZero = exact.withE8m0(E8m0ZeroPolicy.MIN_CODE, E8m0BottomBinade.CODE0_AS_ZERO);

        @Test
        @DisplayName("E8M0 RNE ties go up (no mantissa bits: the kept implicit bit is odd): 1.5 → 2, 0.75 → 1, 3 → 4")
        void tiesUp() {
            assertCode(0x80, encode("1.5", E8M0, exact), "1.5");
            assertCode(0x7F, encode("0.75", E8M0, exact), "0.75");
            assertCode(0x81, encode("3", E8M0, exact), "3");
            assertCode(0x7F, encode("1.4999", E8M0, exact), "1.4999");
            assertCode(0x80, encode("1.5", E8M0, exact.withRounding(Rounding.RNA)), "1.5 RNA");
        }

        @Test
        @DisplayName("E8M0 EXACT bottom: every magnitude in (0, 2^-127] gives 0x00 under every mode; the midpoint to 0x01 is 1.5·2^-127")
        void exactBottom() {
            for (Rounding r : new Rounding[] {Rounding.RNE, Rounding.RNA, Rounding.RZ, Rounding.RU, Rounding.RD}) {
                assertCode(0x00, encode("2^-130", E8M0, exact.withRounding(r)), "2^-130 " + r);
                assertCode(0x00, encode("2^-127", E8M0, exact.withRounding(r)), "2^-127 " + r);
            }
            assertCode(0x00, encode("1.25*2^-127", E8M0, exact), "1.25·2^-127 RNE");
            assertCode(0x01, encode("1.5*2^-127", E8M0, exact), "1.5·2^-127 RNE: tie goes up");
            assertCode(0x01, encode("1.25*2^-127", E8M0, exact.withRounding(Rounding.RU)), "1.25·2^-127 RU");
        }

        @Test
        @DisplayName("E8M0 CODE0_AS_ZERO bottom: code 0 rounds as 0, midpoint 2^-127 ties to code 0, RU lifts tiny values to 0x01")
        void code0AsZeroBottom() {
            assertCode(0x00, encode("2^-127", E8M0, code0AsZero), "2^-127 tie stays at code 0");
            assertCode(0x01, encode("1.25*2^-127", E8M0, code0AsZero), "1.25·2^-127");
            assertCode(0x00, encode("0.75*2^-127", E8M0, code0AsZero), "0.75·2^-127");
            assertCode(0x01, encode("2^-127", E8M0, code0AsZero.withRounding(Rounding.RNA)), "2^-127 RNA goes up");
            assertCode(0x01, encode("2^-130", E8M0, code0AsZero.withRounding(Rounding.RU)), "2^-130 RU");
            assertCode(0x00, encode("1.9*2^-127", E8M0, code0AsZero.withRounding(Rounding.RZ)), "1.9·2^-127 RZ");
        }

        @Test
        @DisplayName("E8M0 overflow: 1.5·2^127 ties up to V = 2^128: SATFINITE 0xFE, NONSAT NaN 0xFF; RZ keeps 0xFE")
        void overflow() {
            assertCode(0xFE, encode("1.5*2^127", E8M0, exact), "SATFINITE");
            assertCode(0xFF, encode("1.5*2^127", E8M0, exact.withOverflow(Overflow.NONSAT)), "NONSAT");
            assertCode(0xFE, encode("1.99*2^127", E8M0, exact.withOverflow(Overflow.NONSAT).withRounding(Rounding.RZ)), "RZ");
            assertCode(0xFE, encode("1.4*2^127", E8M0, exact.withOverflow(Overflow.NONSAT)), "below the tie");
        }
    }

    @TestFactory
    @DisplayName("Round trip: every finite code of every format encodes back to itself under every deterministic mode")
    Stream<DynamicTest> roundTrip() {
        return ElementFormat.all().stream().map(format -> dynamicTest(format.id() + ": decode then encode", () -> {
            for (Rounding r : new Rounding[] {Rounding.RNE, Rounding.RNA, Rounding.RZ, Rounding.RU, Rounding.RD}) {
                ElementKnobs k = ocp(format).withRounding(r).withIntegerRange(IntegerRange.FULL)
                                            .withE8m0(E8m0ZeroPolicy.MIN_CODE, E8m0BottomBinade.EXACT);
                for (int code = 0; code < format.codeCount(); code++) {
                    ExactValue v = ExactCodec.decode(code, format);
                    if (!v.isFinite()) {
                        continue;
                    }
                    int back = ExactCodec.encode(v, format, k);
                    assertTrue(back == code, String.format(Locale.ROOT,
                            "%s %s: 0x%02X = %s encodes to 0x%02X", format.id(), r, code, v, back));
                }
            }
        }));
    }
}
