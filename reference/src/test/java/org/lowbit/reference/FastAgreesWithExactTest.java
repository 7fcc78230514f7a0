package org.lowbit.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.lowbit.reference.exact.ExactCodec;
import org.lowbit.reference.exact.ExactValue;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.ElementKnobs;
import org.lowbit.spec.ElementProfile;
import org.lowbit.spec.Overflow;
import org.lowbit.spec.Rounding;
import org.lowbit.spec.SplitMix64;

/**
 * The fast codec against the exact oracle: every code decoded, and every FP16 and every BF16 input
 * encoded, for every format × rounding × overflow under every profile's special-value policies.
 */
class FastAgreesWithExactTest {
    private static final int SIXTEEN_BIT_PATTERNS = 1 << 16;
    private static final int MAX_REPORTED = 8;

    /** The exact value of every FP16 and BF16 pattern, built once: [0] fp16, [1] bf16. */
    private static final ExactValue[][] INPUTS = {
        IntStream.range(0, SIXTEEN_BIT_PATTERNS).mapToObj(ExactValue::ofFloat16Bits).toArray(ExactValue[]::new),
        IntStream.range(0, SIXTEEN_BIT_PATTERNS).mapToObj(ExactValue::ofBFloat16Bits).toArray(ExactValue[]::new)
    };

    @Test
    @DisplayName("decode: every code of every format has the oracle's exact value")
    void everyCodeDecodesToTheExactValue() {
        List<String> mismatches = new ArrayList<>();
        for (ElementFormat format : ElementFormat.values()) {
            for (int code = 0; code < format.codeCount(); code++) {
                ExactValue expected = ExactCodec.decode(code, format);
                float actual = ElementCodec.decodeToFloat(code, format);
                if (!expected.isValueOf(actual)) {
                    mismatches.add(String.format(Locale.ROOT, "%s 0x%02X: exact %s, fast %s (0x%08X)", format, code,
                            expected, actual, Float.floatToRawIntBits(actual)));
                }
            }
        }
        if (!mismatches.isEmpty()) {
            fail(mismatches.size() + " decode mismatches:\n" + String.join("\n", mismatches));
        }
    }

    @TestFactory
    @DisplayName("encode: every FP16 and BF16 input, every format, rounding and overflow, every profile")
    Stream<DynamicContainer> everySixteenBitInputEncodesLikeTheOracle() {
        List<DynamicContainer> profiles = new ArrayList<>();
        for (ElementProfile profile : ElementProfile.values()) {
            List<DynamicTest> tests = new ArrayList<>();
            for (ElementFormat format : ElementFormat.values()) {
                for (Rounding rounding : Rounding.values()) {
                    for (Overflow overflow : Overflow.values()) {
                        ElementKnobs knobs = profile.knobsFor(format).withRounding(rounding).withOverflow(overflow);
                        tests.add(DynamicTest.dynamicTest(format + " " + rounding + " " + overflow,
                                () -> assertAgreement(format, knobs)));
                    }
                }
            }
            profiles.add(DynamicContainer.dynamicContainer(profile.id(), tests));
        }
        return profiles.stream();
    }

    /** Random bits at the edges of SR's decision: with F = 2^31 (a midpoint), 0x80000000 just rounds up. */
    private static final int[] EDGE_RANDOM_BITS = {
        0x00000000, 0x00000001, 0x7FFFFFFF, 0x80000000, 0x80000001, 0xBFFFFFFF, 0xC0000000, 0xFFFFFFFF
    };

    /**
     * The SR random bits of one input, a function of the pattern alone so that a failure is
     * reproducible: SplitMix64's output function of it picks either an edge value or its own high half.
     */
    static int randomBitsFor(int sourceIndex, int pattern) {
        long h = SplitMix64.mix(((long) sourceIndex << 32) | pattern);
        return (h & 1) != 0 ? EDGE_RANDOM_BITS[(int) (h >>> 1) & 7] : (int) (h >>> 32);
    }

    private static void assertAgreement(ElementFormat format, ElementKnobs knobs) {
        ConcurrentLinkedQueue<String> mismatches = new ConcurrentLinkedQueue<>();
        for (int source = 0; source < 2; source++) {
            final int s = source;
            IntStream.range(0, SIXTEEN_BIT_PATTERNS).parallel().forEach(pattern -> {
                int random = randomBitsFor(s, pattern);
                int fast = s == 0 ? ElementCodec.encodeFloat16(pattern, format, knobs, random)
                                  : ElementCodec.encodeBFloat16(pattern, format, knobs, random);
                int exact = ExactCodec.encode(INPUTS[s][pattern], format, knobs, random);
                if (fast != exact && mismatches.size() < MAX_REPORTED) {
                    mismatches.add(String.format(Locale.ROOT, "%s 0x%04X (%s)%s: exact 0x%02X, fast 0x%02X",
                            s == 0 ? "f16" : "bf16", pattern, INPUTS[s][pattern],
                            knobs.rounding() == Rounding.SR ? String.format(Locale.ROOT, " random 0x%08X", random) : "",
                            exact, fast));
                }
            });
        }
        assertEquals(List.of(), List.copyOf(mismatches), () -> format + " " + knobs);
    }
}
