package org.lowbit.harness.cli;

import java.io.PrintWriter;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.lowbit.reference.ElementCodec;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.ElementKnobs;
import org.lowbit.spec.ElementProfile;
import org.lowbit.spec.Rounding;
import org.lowbit.spec.SourceFormat;

/**
 * {@code explain} derives every code from the decoded values alone and fails when ElementCodec
 * disagrees; this runs that derivation over every boundary of every format, under every profile and
 * rounding: each code's value, each midpoint and the FP32 values one ulp either side of it, the
 * overflow thresholds, values far past max and below the smallest step, both signs.
 */
class EncodingExplanationTest {

    private static final Long[] RANDOM_BITS = {null, 0x8000_0000L};

    @TestFactory
    Stream<DynamicTest> explanationAgreesWithTheCodecAtEveryBoundary() {
        return ElementFormat.all().stream().map(format -> DynamicTest.dynamicTest(
                format.id() + ": explain derives the codec's code at every boundary", () -> checkFormat(format)));
    }

    private static void checkFormat(ElementFormat format) {
        List<Integer> inputs = boundaryInputs(format);
        PrintWriter nowhere = new PrintWriter(Writer.nullWriter());
        for (ElementProfile profile : ElementProfile.values()) {
            for (Rounding rounding : Rounding.values()) {
                ElementKnobs knobs = profile.knobsFor(format).withRounding(rounding);
                for (Long random : rounding == Rounding.SR ? RANDOM_BITS : new Long[] {null}) {
                    EncodingExplanation explanation = new EncodingExplanation(format, profile, knobs, random, nowhere);
                    for (int bits : inputs) {
                        explanation.explain(new SourceValue(SourceFormat.FP32, bits, null, true)); // throws if wrong
                    }
                }
            }
        }
    }

    private static List<Integer> boundaryInputs(ElementFormat format) {
        TreeSet<Double> magnitudes = new TreeSet<>();
        for (int code = 0; code < format.codeCount(); code++) {
            double value = ElementCodec.decodeToDouble(code, format);
            if (!Double.isNaN(value) && !Double.isInfinite(value)) {
                magnitudes.add(Math.abs(value));
            }
        }
        double max = magnitudes.last();
        double stepPastMax = max - magnitudes.lower(max);
        magnitudes.addAll(List.of(max + stepPastMax / 2, max + stepPastMax, 4 * max, 0x1p-127, 0x1.8p-127, 0x1p-128,
                0x1p-149, (double) Float.MAX_VALUE));
        List<Double> points = new ArrayList<>(magnitudes);
        List<Integer> inputs = new ArrayList<>();
        for (int i = 0; i < points.size(); i++) {
            addBothSigns(inputs, Float.floatToRawIntBits(points.get(i).floatValue()));
            if (i > 0) { // the midpoint, and one FP32 ulp either side of it
                int midpoint = Float.floatToRawIntBits((float) ((points.get(i - 1) + points.get(i)) / 2));
                addBothSigns(inputs, midpoint - 1);
                addBothSigns(inputs, midpoint);
                addBothSigns(inputs, midpoint + 1);
            }
        }
        inputs.addAll(Arrays.asList(0x7FC00000, 0xFFC00000, 0x7F800001));
        return inputs;
    }

    private static void addBothSigns(List<Integer> inputs, int magnitudeBits) {
        if (magnitudeBits >= 0 && magnitudeBits <= 0x7F800000) {
            inputs.add(magnitudeBits);
            inputs.add(magnitudeBits | 0x80000000);
        }
    }
}
