package org.lowbit.reference.dot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Locale;
import org.lowbit.spec.DotAccumulation;

/** Small helpers to write code arrays and to check every profile at once. */
final class Codes {
    private Codes() {}

    /** {@code leading}, then {@code fill} up to {@code length}. */
    static int[] pad(int length, int fill, int... leading) {
        int[] codes = new int[length];
        Arrays.fill(codes, fill);
        System.arraycopy(leading, 0, codes, 0, leading.length);
        return codes;
    }

    /** {@code count} copies of {@code code}. */
    static int[] repeat(int code, int count) {
        int[] codes = new int[count];
        Arrays.fill(codes, code);
        return codes;
    }

    /** The parts, one after the other. */
    static int[] concat(int[]... parts) {
        return Arrays.stream(parts).flatMapToInt(Arrays::stream).toArray();
    }

    /** A float's bits as text: {@code 0x42000000 (32.0)}. */
    static String describe(int bits) {
        return String.format(Locale.ROOT, "0x%08X (%s)", bits, Float.intBitsToFloat(bits));
    }

    /**
     * Asserts the FP32 result of every profile, in {@link DotAccumulation} order (EXACT,
     * EXACT_BLOCK_THEN_FP32, TOSA_BLOCK_SCALED, SEQUENTIAL_FP32, DEQUANTIZE_FMA_FP32), and that each
     * one is admitted by the error bound.
     */
    static void assertProfiles(MxVector a, MxVector b, int... expectedBits) {
        DotAccumulation[] all = DotAccumulation.values();
        assertEquals(all.length, expectedBits.length, "one expected pattern per profile");
        DotErrorBound bound = MxDot.errorBound(a, b);
        for (int p = 0; p < all.length; p++) {
            int actual = MxDot.dotFloat32Bits(a, b, all[p]);
            assertEquals(describe(expectedBits[p]), describe(actual), all[p] + " of " + a + " · " + b);
            assertTrue(bound.admitsFloat32Bits(actual),
                       all[p] + " result " + describe(actual) + " is outside " + bound);
        }
    }

    /** Asserts that every profile gives {@code expectedBits}. */
    static void assertAllProfiles(MxVector a, MxVector b, int expectedBits) {
        int[] expected = new int[DotAccumulation.values().length];
        Arrays.fill(expected, expectedBits);
        assertProfiles(a, b, expected);
    }
}
