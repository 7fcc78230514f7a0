package org.lowbit.spec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The derived limits of every format against values typed from the specifications
 * (research/mx-semantics.md §1.2 table, OCP MX v1.0 §5.3-§5.4), not computed by the code under test.
 */
class ElementFormatLimitsTest {

    static Stream<Arguments> limits() {
        // format, bits, bias, emax, max finite, max code, min normal, min subnormal
        return Stream.of(
                Arguments.of(ElementFormat.FP8_E4M3, 8, 7, 8, 448.0, 0x7E, 0x1p-6, 0x1p-9),
                Arguments.of(ElementFormat.FP8_E5M2, 8, 15, 15, 57344.0, 0x7B, 0x1p-14, 0x1p-16),
                Arguments.of(ElementFormat.FP6_E3M2, 6, 3, 4, 28.0, 0x1F, 0.25, 0.0625),
                Arguments.of(ElementFormat.FP6_E2M3, 6, 1, 2, 7.5, 0x1F, 1.0, 0.125),
                Arguments.of(ElementFormat.FP4_E2M1, 4, 1, 2, 6.0, 0x7, 1.0, 0.5),
                Arguments.of(ElementFormat.INT8, 8, 0, 6, 127.0, 0x7F, 1.0, 1.0),
                Arguments.of(ElementFormat.MXINT8, 8, 0, 0, 1.984375, 0x7F, 0x1p-6, 0x1p-6),
                Arguments.of(ElementFormat.E8M0, 8, 127, 127, 0x1p127, 0xFE, 0x1p-127, 0x1p-127),
                Arguments.of(ElementFormat.UE4M3, 8, 7, 8, 448.0, 0x7E, 0x1p-6, 0x1p-9),
                Arguments.of(ElementFormat.FP8_E4M3FNUZ, 8, 8, 7, 240.0, 0x7F, 0x1p-7, 0x1p-10),
                Arguments.of(ElementFormat.FP8_E5M2FNUZ, 8, 16, 15, 57344.0, 0x7F, 0x1p-15, 0x1p-17),
                Arguments.of(ElementFormat.INT4, 4, 0, 2, 7.0, 0x7, 1.0, 1.0),
                Arguments.of(ElementFormat.UINT4, 4, 0, 3, 15.0, 0xF, 1.0, 1.0));
    }

    @ParameterizedTest(name = "{0}: bits {1}, bias {2}, emax {3}, max {4}, min normal {6}, min subnormal {7}")
    @MethodSource("limits")
    @DisplayName("derived limits equal the spec's table")
    void derivedLimits(ElementFormat f, int bits, int bias, int emax, double max, int maxCode,
                       double minNormal, double minSubnormal) {
        assertEquals(bits, f.bits(), "bits");
        assertEquals(bias, f.bias(), "bias");
        assertEquals(emax, f.emax(), "emax");
        assertEquals(max, f.maxFinite(), "max finite");
        assertEquals(maxCode, f.maxFiniteCode(), "max finite code");
        assertEquals(minNormal, f.minNormal(), "min normal");
        assertEquals(minSubnormal, f.minSubnormal(), "min subnormal");
    }

    @Test
    @DisplayName("NaN and Inf codes of every format")
    void specialCodes() {
        assertArrayEquals(new int[] {0x7F, 0xFF}, ElementFormat.FP8_E4M3.nanCodes());
        assertArrayEquals(new int[] {0x7D, 0x7E, 0x7F, 0xFD, 0xFE, 0xFF}, ElementFormat.FP8_E5M2.nanCodes());
        assertTrue(ElementFormat.FP8_E5M2.isInfinityCode(0x7C) && ElementFormat.FP8_E5M2.isInfinityCode(0xFC));
        assertArrayEquals(new int[] {0x80}, ElementFormat.FP8_E4M3FNUZ.nanCodes());
        assertArrayEquals(new int[] {0x80}, ElementFormat.FP8_E5M2FNUZ.nanCodes());
        assertArrayEquals(new int[] {0xFF}, ElementFormat.E8M0.nanCodes());
        assertArrayEquals(new int[] {0x7F}, ElementFormat.UE4M3.nanCodes());
        Set<ElementFormat> withoutNaN = EnumSet.of(ElementFormat.FP6_E3M2, ElementFormat.FP6_E2M3,
                ElementFormat.FP4_E2M1, ElementFormat.INT8, ElementFormat.MXINT8, ElementFormat.INT4,
                ElementFormat.UINT4);
        for (ElementFormat f : ElementFormat.values()) {
            assertEquals(withoutNaN.contains(f), f.nanCodes().length == 0, f.id());
            assertEquals(f == ElementFormat.FP8_E5M2, f.hasInfinity(), f.id());
        }
    }

    @Test
    @DisplayName("code ranges: ue4m3 stops at 0x7F, fp6 at 0x3F, fp4/int4/uint4 at 0xF")
    void codeRanges() {
        assertEquals(128, ElementFormat.UE4M3.codeCount());
        assertEquals(64, ElementFormat.FP6_E2M3.codeCount());
        assertEquals(16, ElementFormat.INT4.codeCount());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ElementFormat.UE4M3.requireValidCode(0x80));
        assertTrue(e.getMessage().contains("ue4m3"), e.getMessage());
    }

    @Test
    @DisplayName("lookup by id: unknown ids list the known ones")
    void lookup() {
        assertEquals(ElementFormat.FP8_E4M3, ElementFormat.byId("fp8_e4m3"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ElementFormat.byId("fp7"));
        assertTrue(e.getMessage().contains("fp4_e2m1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ElementProfile.byId("nope"));
        assertThrows(IllegalArgumentException.class, () -> Rounding.parse("RNX"));
        assertEquals(Rounding.RNE, Rounding.parse("rne"));
    }

    @Test
    @DisplayName("every profile gives every format knobs that apply to it")
    void profilesAreComplete() {
        for (ElementProfile p : ElementProfile.values()) {
            for (ElementFormat f : ElementFormat.values()) {
                assertEquals(p.knobsFor(f), p.knobsFor(f).requireApplicableTo(f));
            }
        }
        assertThrows(IllegalArgumentException.class, () -> ElementProfile.OCP.knobsFor(ElementFormat.FP4_E2M1)
                .withNan(SpecialPolicies.NanPolicy.QUIET_NAN_SIGNED).requireApplicableTo(ElementFormat.FP4_E2M1));
    }
}
