package org.lowbit.reference.dot;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lowbit.reference.dot.Codes.repeat;
import static org.lowbit.spec.ElementFormat.E8M0;
import static org.lowbit.spec.ElementFormat.FP4_E2M1;
import static org.lowbit.spec.ElementFormat.FP8_E4M3;
import static org.lowbit.spec.ElementFormat.UE4M3;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.lowbit.spec.DotAccumulation;

/** Bad input is an IllegalArgumentException whose message names the problem (DESIGN.md §3). */
class MxDotBadInputTest {

    private static void assertRejected(Executable call, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), "message '" + e.getMessage() + "' lacks '" + fragment + "'");
        }
    }

    @Test
    @DisplayName("A and B of different lengths")
    void lengthMismatch() {
        MxVector a = MxVector.mx(FP4_E2M1, repeat(0x2, 64), new int[] {0x7F, 0x7F});
        MxVector b = MxVector.mx(FP4_E2M1, repeat(0x2, 96), new int[] {0x7F, 0x7F, 0x7F});
        for (DotAccumulation accumulation : DotAccumulation.values()) {
            assertRejected(() -> MxDot.dotFloat32Bits(a, b, accumulation), "64 elements", "96", "same length");
        }
        assertRejected(() -> MxDot.exact(a, b), "same length");
        assertRejected(() -> MxDot.errorBound(a, b), "same length");
        assertRejected(() -> MxDot.withinBound(0.0f, a, b), "same length");
    }

    @Test
    @DisplayName("A and B with different scale formats (blocks of 32 and of 16)")
    void scaleFormatMismatch() {
        MxVector a = MxVector.mx(FP4_E2M1, repeat(0x2, 32), new int[] {0x7F});
        MxVector b = MxVector.nvfp4(repeat(0x2, 32), new int[] {0x38, 0x38}, 1.0f);
        assertRejected(() -> MxDot.exactFloat32Bits(a, b), "e8m0 scales (blocks of 32)", "ue4m3", "pair up");
    }

    @Test
    @DisplayName("Not a whole number of blocks")
    void notWholeBlocks() {
        assertRejected(() -> MxVector.mx(FP4_E2M1, repeat(0x2, 70), new int[] {0x7F, 0x7F}),
                       "70 elements", "not a whole number of blocks of 32", "6 left over");
        assertRejected(() -> MxVector.nvfp4(repeat(0x2, 20), new int[] {0x38}, 1.0f), "blocks of 16");
        assertRejected(() -> MxVector.mx(FP4_E2M1, new int[0], new int[0]), "at least one block");
    }

    @Test
    @DisplayName("Not one scale code per block")
    void scaleCount() {
        assertRejected(() -> MxVector.mx(FP4_E2M1, repeat(0x2, 64), new int[] {0x7F}),
                       "need 2 e8m0 scale codes", "got 1");
    }

    @Test
    @DisplayName("Element codes out of range for the element format")
    void invalidElementCode() {
        int[] codes = repeat(0x2, 64);
        codes[37] = 0x1F;
        assertRejected(() -> MxVector.mx(FP4_E2M1, codes, new int[] {0x7F, 0x7F}),
                       "element 37 (block 1)", "0x1F", "fp4_e2m1");
        codes[37] = -1;
        assertRejected(() -> MxVector.mx(FP4_E2M1, codes, new int[] {0x7F, 0x7F}), "element 37", "fp4_e2m1");
    }

    @Test
    @DisplayName("Scale codes out of range: UE4M3 has no sign bit, E8M0 is one byte")
    void invalidScaleCode() {
        assertRejected(() -> MxVector.nvfp4(repeat(0x2, 32), new int[] {0x38, 0x80}, 1.0f),
                       "scale 1", "0x80", "ue4m3");
        assertRejected(() -> MxVector.mx(FP8_E4M3, repeat(0x38, 32), new int[] {0x100}), "scale 0", "e8m0");
    }

    @Test
    @DisplayName("Formats: the scale must be e8m0 or ue4m3, and an element format may not be a scale format")
    void formats() {
        assertRejected(() -> MxVector.of(FP4_E2M1, repeat(0x2, 32), FP8_E4M3, new int[] {0x38}),
                       "scale format must be e8m0", "ue4m3", "fp8_e4m3");
        assertRejected(() -> MxVector.of(E8M0, repeat(0x7F, 32), E8M0, new int[] {0x7F}), "e8m0 is a scale format");
        assertRejected(() -> MxVector.of(UE4M3, repeat(0x38, 16), UE4M3, new int[] {0x38}), "ue4m3 is a scale format");
    }

    @Test
    @DisplayName("A per-tensor scale must be finite")
    void tensorScale() {
        assertRejected(() -> MxVector.nvfp4(repeat(0x2, 16), new int[] {0x38}, Float.NaN), "per-tensor scale", "NaN");
        assertRejected(() -> MxVector.nvfp4(repeat(0x2, 16), new int[] {0x38}, Float.POSITIVE_INFINITY),
                       "per-tensor scale", "Infinity");
    }

    @Test
    @DisplayName("The operands are copied: changing the caller's arrays changes nothing")
    void defensiveCopies() {
        int[] codes = repeat(0x2, 32);
        int[] scales = {0x7F};
        MxVector v = MxVector.mx(FP4_E2M1, codes, scales);
        codes[0] = 0x7;
        scales[0] = 0xFF;
        v.elementCodes()[1] = 0x7;
        assertTrue(v.elementCode(0) == 0x2 && v.elementCode(1) == 0x2 && v.scaleCode(0) == 0x7F, v.toString());
    }
}
