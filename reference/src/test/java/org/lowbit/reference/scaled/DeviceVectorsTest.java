package org.lowbit.reference.scaled;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.lowbit.spec.ScaledFormat;
import org.lowbit.spec.ScaledKnobs;
import org.lowbit.spec.ScaledPolicies.Precision;
import org.lowbit.spec.ScaledPolicies.ZeroPoint;
import org.lowbit.spec.ScaledProfile;
import org.lowbit.spec.SourceFormat;

/**
 * The codec against what the real systems computed ({@link DeviceVectors}): scales, zeros, codes and
 * dequantized values, bit for bit. Profile ids with a suffix name a knob change: {@code awq+f32} is
 * AutoAWQ's ops on an fp32 tensor; {@code vllm:static} is the static kernel with its given scale.
 *
 * <p>Fake quantizers (SmoothQuant, AutoAWQ without zero point) write −0.0 where round(x/s) is −0; an
 * integer code 0 dequantizes to +0 (SPEC.md §11.4), so the sign of a zero is not compared.
 */
class DeviceVectorsTest {

    @TestFactory
    Stream<DynamicTest> realSystemsAgreeBitForBit() {
        assertTrue(DeviceVectors.ALL.size() >= 30, "the vector set is missing"); // a missing corpus is a failure
        return DeviceVectors.ALL.stream().map(v -> dynamicTest(v.name() + " (" + v.profile() + ")", () -> check(v)));
    }

    private static void check(DeviceVectors.Vector v) {
        ScaledFormat format = ScaledFormat.byId(v.format());
        String profileId = v.profile().replace("+f32", "").replace(":static", "");
        ScaledKnobs knobs = ScaledProfile.byId(profileId).knobsFor(format);
        if (v.profile().endsWith("+f32")) {
            knobs = knobs.withPrecisions(Precision.FP32, Precision.FP32, Precision.FP32);
        }
        if (format.hasGroupSize()) {
            knobs = knobs.withGroupSize(v.groupSize());
        }
        int[] input = hex(v.input(), 8);
        int[] scales = hexList(v.scales());
        QuantizedTensor t = v.profile().endsWith(":static")
                            ? ScaledCodec.quantizeWithScales(input, SourceFormat.FP32, 1, v.cols(), format, knobs, scales)
                            : ScaledCodec.quantize(input, SourceFormat.FP32, 1, v.cols(), format, knobs);
        assertEquals(Arrays.toString(scales), Arrays.toString(t.scales()), "scales");
        if (!v.zeros().isEmpty()) {
            int[] zeros = knobs.zeroPoint() == ZeroPoint.INTEGER
                          ? Arrays.stream(v.zeros().split(" ")).mapToInt(Integer::parseInt).toArray()
                          : hexList(v.zeros());
            assertEquals(Arrays.toString(zeros), Arrays.toString(t.zeros()), "zeros");
        }
        int[] codes = Arrays.stream(v.codes().split(",")).mapToInt(Integer::parseInt).toArray();
        boolean fp8 = format.family() == ScaledFormat.Family.FP8_E4M3;
        for (int i = 0; i < codes.length; i++) {
            int actual = fp8 ? t.codes()[i] : t.integerValue(i);
            if (actual != codes[i]) {
                fail(String.format(Locale.ROOT, "element %d, x = %s: code %d, the system's %d", i,
                        Float.intBitsToFloat(input[i]), actual, codes[i]));
            }
        }
        if (!v.dequant().isEmpty()) {
            Precision d = knobs.dequantArithmetic();
            int[] expected = hex(v.dequant(), d == Precision.FP32 ? 8 : 4);
            int[] actual = ScaledCodec.dequantize(t, d);
            int magnitude = d == Precision.FP32 ? 0x7FFFFFFF : 0x7FFF;
            for (int i = 0; i < expected.length; i++) {
                boolean bothZero = (expected[i] & magnitude) == 0 && (actual[i] & magnitude) == 0;
                if (expected[i] != actual[i] && !bothZero) {
                    fail(String.format(Locale.ROOT, "element %d dequantizes to 0x%X, the system's 0x%X", i, actual[i],
                            expected[i]));
                }
            }
        }
    }

    private static int[] hex(String s, int width) {
        int[] out = new int[s.length() / width];
        for (int i = 0; i < out.length; i++) {
            out[i] = (int) Long.parseLong(s.substring(i * width, (i + 1) * width), 16);
        }
        return out;
    }

    private static int[] hexList(String s) {
        return Arrays.stream(s.trim().split(" ")).mapToInt(h -> (int) Long.parseLong(h, 16)).toArray();
    }
}
