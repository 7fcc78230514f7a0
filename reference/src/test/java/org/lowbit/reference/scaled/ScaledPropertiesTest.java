package org.lowbit.reference.scaled;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.lowbit.reference.ElementCodec;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.Overflow;
import org.lowbit.spec.ScaledFormat.Family;
import org.lowbit.spec.ScaledFormat;
import org.lowbit.spec.ScaledKnobs;
import org.lowbit.spec.ScaledPolicies.CodeRounding;
import org.lowbit.spec.ScaledPolicies.FloatZero;
import org.lowbit.spec.ScaledPolicies.Precision;
import org.lowbit.spec.ScaledPolicies.QuantizerRule;
import org.lowbit.spec.ScaledPolicies.ScalarDivision;
import org.lowbit.spec.ScaledPolicies.ScaleApplication;
import org.lowbit.spec.ScaledPolicies.ScaleRounding;
import org.lowbit.spec.ScaledPolicies.Tail;
import org.lowbit.spec.ScaledPolicies.ZeroPoint;
import org.lowbit.spec.ScaledPolicies.ZeroScale;
import org.lowbit.spec.ScaledProfile;
import org.lowbit.spec.SourceFormat;
import org.lowbit.spec.SpecialPolicies.IntegerRange;

/**
 * Independent checks of every profile and of a sweep of knob combinations, on deterministic mixed
 * tensors ({@link TestTensors}):
 * <ol>
 *   <li>the codec agrees bit for bit (codes, scales, zeros, dequantized values) with the test-side
 *       {@link OracleQuantizer}, which redoes every operation with exact rationals;</li>
 *   <li>every code is valid and inside the knob's range;</li>
 *   <li>each integer code is the rounding of the computed quotient t it came from: |t − n| ≤ 1/2 (toward
 *       zero: |n| ≤ |t| &lt; |n| + 1), and a tie goes the knob's way (RNE even, RNA away, HALF_UP up);
 *       codes at the end of the range that are farther are clamps and are skipped;</li>
 *   <li>dequantize∘quantize is within half a step, exactly: |x − x'| ≤ s/2 + |x − t·s_used| +
 *       |n|·|s_used − s| + |s_used − s|/2 + ulp(x')/2 (the last terms being the rounding of the computed
 *       quotient, of the stored scale and of the dequantization), computed with exact rationals.</li>
 * </ol>
 */
class ScaledPropertiesTest {

    record Case(String name, ScaledFormat format, ScaledKnobs knobs, int rows, int cols, long seed) {}

    static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        long seed = 1;
        for (ScaledProfile profile : ScaledProfile.values()) {
            for (ScaledFormat format : profile.formats()) {
                ScaledKnobs k = profile.knobsFor(format);
                cases.add(shaped(profile.id() + " " + format.id(), format, k, seed++));
                if (format.hasGroupSize()) {
                    cases.add(shaped(profile.id() + " " + format.id() + " G32", format, k.withGroupSize(32), seed++));
                    cases.add(shaped(profile.id() + " " + format.id() + " G64", format, k.withGroupSize(64), seed++));
                }
            }
        }
        // A sweep of the ABSMAX knobs on int8 per token and int4 groups.
        for (ScaleApplication application : ScaleApplication.values()) {
            for (ScalarDivision division : ScalarDivision.values()) {
                for (CodeRounding rounding : List.of(CodeRounding.RNE, CodeRounding.RNA, CodeRounding.RZ)) {
                    for (Precision p : Precision.values()) {
                        ScaledKnobs k = ScaledKnobs.builder().application(application).scalarDivision(division)
                                .rounding(rounding).range(rounding == CodeRounding.RZ ? IntegerRange.FULL
                                                                                    : IntegerRange.SYMMETRIC)
                                .precisions(p, p, p).build();
                        String name = String.format(Locale.ROOT, "int8 %s %s %s %s", application, division, rounding, p);
                        cases.add(new Case(name, ScaledFormat.INT8_PER_TOKEN, k, 10, 128, seed++));
                    }
                }
            }
        }
        for (QuantizerRule rule : List.of(QuantizerRule.ABSMAX_HALF_STEP, QuantizerRule.AWQ_MIN_MAX,
                QuantizerRule.GPTQ_SYMMETRIC, QuantizerRule.GPTQ_ASYMMETRIC)) {
            for (Precision p : Precision.values()) {
                for (ScalarDivision division : ScalarDivision.values()) {
                    ScaledKnobs k = ScaledKnobs.builder().rule(rule).scalarDivision(division).precisions(p, p, p)
                            .range(IntegerRange.FULL).groupSize(32).tail(Tail.PAD_WITH_ZEROS).build();
                    cases.add(new Case("int4 " + rule + " " + p + " " + division, ScaledFormat.INT4_GROUP, k, 10,
                            120, seed++));
                }
            }
        }
        ScaledKnobs hqq = ScaledProfile.HQQ.knobsFor(ScaledFormat.INT4_GROUP);
        cases.add(shaped("hqq unrounded zero, bf16 scales", ScaledFormat.INT4_GROUP,
                hqq.toBuilder().floatZero(FloatZero.UNROUNDED).precisions(Precision.FP32, Precision.BF16, Precision.BF16)
                        .build(), seed++));
        cases.add(shaped("hqq ieee division, f32 scales", ScaledFormat.INT4_GROUP,
                hqq.toBuilder().scalarDivision(ScalarDivision.DIVIDE).precisions(Precision.FP32, Precision.FP32,
                        Precision.FP32).build(), seed++));
        for (ScaleApplication application : ScaleApplication.values()) {
            for (Overflow overflow : Overflow.values()) {
                for (ScaleRounding sr : ScaleRounding.values()) {
                    ScaledKnobs k = ScaledKnobs.builder().application(application).fp8Overflow(overflow)
                            .scaleRounding(sr).amaxFloor(1e-4).tail(Tail.PAD_WITH_ZEROS).build();
                    cases.add(new Case("fp8 " + application + " " + overflow + " " + sr,
                            ScaledFormat.FP8_E4M3_BLOCK_1X128, k, 10, 200, seed++));
                }
            }
        }
        cases.add(new Case("fp8 no floor (zero rows give NaN quotients)", ScaledFormat.FP8_E4M3_BLOCK_1X128,
                ScaledKnobs.builder().fp8Overflow(Overflow.NONSAT).build(), 10, 128, seed++));
        cases.add(new Case("int8 compressed-tensors eps in fp16", ScaledFormat.INT8_PER_CHANNEL,
                ScaledKnobs.builder().rule(QuantizerRule.ABSMAX_HALF_STEP).zeroScale(ZeroScale.EPSILON)
                        .range(IntegerRange.FULL).precisions(Precision.FP16, Precision.FP16, Precision.FP16).build(),
                10, 128, seed++));
        return cases;
    }

    private static Case shaped(String name, ScaledFormat format, ScaledKnobs k, long seed) {
        boolean square = format.blockRowsSpec() == 128;
        // 128×128 blocks: ragged in both dimensions (2×2 blocks, the last ones 8 and 12 wide) or 1×2 whole blocks
        int rows = square ? (k.tail() == Tail.PAD_WITH_ZEROS ? 136 : 128) : 20;
        int cols = square ? (k.tail() == Tail.PAD_WITH_ZEROS ? 140 : 256) : 256;
        if (!square && k.tail() == Tail.PAD_WITH_ZEROS && format.blockColsSpec() != ScaledFormat.Extent.WHOLE) {
            cols = 200; // a ragged last block
        }
        return new Case(name, format, k, rows, cols, seed);
    }

    @TestFactory
    Stream<DynamicTest> everyProfileAndKnobSweepAgreesWithTheExactOracle() {
        return cases().stream().map(c -> dynamicTest(c.name(), () -> check(c)));
    }

    private static void check(Case c) {
        float[] x = TestTensors.mixed(c.seed(), c.rows(), c.cols());
        QuantizedTensor t = ScaledCodec.quantize(TestTensors.bits(x), SourceFormat.FP32, c.rows(), c.cols(),
                c.format(), c.knobs());
        OracleQuantizer.Result o = OracleQuantizer.quantize(x, c.rows(), c.cols(), c.format(), c.knobs());
        int[] codes = t.codes();
        for (int i = 0; i < codes.length; i++) {
            if (codes[i] != o.codes()[i]) {
                fail(String.format(Locale.ROOT, "%s: element %d (row %d, col %d) x = %s: code 0x%X, oracle 0x%X",
                        c.name(), i, i / c.cols(), i % c.cols(), x[i], codes[i], o.codes()[i]));
            }
        }
        assertArrayEquals(o.scales(), t.scales(), c.name() + ": scales");
        assertArrayEquals(o.zeros(), t.zeros(), c.name() + ": zeros");

        double[] dequant = ScaledCodec.dequantizeValues(t);
        double[] expected = oracleDequant(t);
        for (int i = 0; i < dequant.length; i++) {
            if (Double.compare(dequant[i], expected[i]) != 0) {
                fail(String.format(Locale.ROOT, "%s: element %d dequantizes to %s, oracle %s", c.name(), i,
                        dequant[i], expected[i]));
            }
        }
        checkRange(c, t);
        if (c.format().family() != Family.FP8_E4M3) {
            checkRoundingAndHalfStep(c, x, t, o, dequant);
        }
    }

    private static void checkRange(Case c, QuantizedTensor t) {
        ElementFormat element = t.elementFormat();
        for (int i = 0; i < t.rows() * t.cols(); i++) {
            assertTrue(element.isValidCode(t.codes()[i]));
            if (element == ElementFormat.INT8 || element == ElementFormat.INT4) {
                int v = t.integerValue(i);
                int lo = c.knobs().range() == IntegerRange.FULL ? c.format().family().qmin() : -c.format().family().qmax();
                assertTrue(v >= lo && v <= c.format().family().qmax(),
                        () -> c.name() + ": code " + v + " outside the " + c.knobs().range() + " range");
            }
        }
    }

    /** Exact dequantization by the spec text: each operation rounded once to D. */
    private static double[] oracleDequant(QuantizedTensor t) {
        Precision d = t.knobs().dequantArithmetic();
        Precision s = t.knobs().scaleDtype();
        double[] out = new double[t.rows() * t.cols()];
        for (int r = 0; r < t.rows(); r++) {
            for (int c = 0; c < t.cols(); c++) {
                int i = r * t.cols() + c;
                int b = t.blockIndex(r, c);
                double scale = FloatRounding.fromBits(s, t.scales()[b]);
                int code = t.codes()[i];
                out[i] = switch (t.knobs().zeroPoint()) {
                    case NONE -> product(d, ElementCodec.decodeToDouble(code, t.elementFormat()), scale);
                    case IMPLICIT -> product(d, code - 8, scale);
                    case INTEGER -> product(d, code - t.zeros()[b], scale);
                    case FLOAT -> product(d, Rational.of(code).subtract(
                            Rational.of(FloatRounding.fromBits(s, t.zeros()[b]))).round(d), scale);
                    case MIN -> {
                        double m = FloatRounding.fromBits(s, t.zeros()[b]);
                        double qd = product(d, code, scale);
                        double sum = Rational.of(qd).add(Rational.of(m)).round(d);
                        yield sum == 0 && 1 / qd < 0 && 1 / m < 0 ? -0.0 : sum;
                    }
                };
            }
        }
        return out;
    }

    /** v · s rounded once to d; a zero product has the sign of v · s (IEEE 754 §6.3); NaN stays NaN. */
    private static double product(Precision d, double v, double scale) {
        if (Double.isNaN(v) || Double.isNaN(scale)) {
            return Double.NaN;
        }
        double p = Rational.of(v).multiply(Rational.of(scale)).round(d);
        return p == 0 ? (Math.copySign(1, v) * Math.copySign(1, scale) < 0 ? -0.0 : 0.0) : p;
    }

    private static void checkRoundingAndHalfStep(Case c, float[] x, QuantizedTensor t, OracleQuantizer.Result o,
                                                 double[] dequant) {
        ScaledKnobs k = c.knobs();
        QuantizerRule rule = k.rule();
        CodeRounding rounding = k.rounding();
        for (int r = 0; r < t.rows(); r++) {
            for (int col = 0; col < t.cols(); col++) {
                int i = r * t.cols() + col;
                int b = t.blockIndex(r, col);
                double quotient = o.quotient()[i];
                if (!Double.isFinite(quotient)) {
                    continue; // a zero scale without a floor: NaN gives 0, ±Inf the range end
                }
                Rational tEff = Rational.of(quotient);
                int code = t.codes()[i];
                int n;
                Rational offset = Rational.ZERO;           // value = n·s + offset (GGUF Q4_1: its min)
                Rational offsetStored = Rational.ZERO;
                int lo;
                int hi;
                switch (rule) {
                    case GGUF_Q4_0 -> {
                        tEff = tEff.subtract(Rational.of(8.5));
                        n = code - 8;
                        lo = -8;
                        hi = 7;
                    }
                    case GGUF_Q4_1 -> {
                        tEff = tEff.subtract(Rational.of(0.5));
                        n = code;
                        lo = 0;
                        hi = 15;
                        offsetStored = Rational.of(FloatRounding.fromBits(k.scaleDtype(), t.zeros()[b]));
                        offset = Rational.of(blockMin(x, t, b));
                    }
                    case AWQ_MIN_MAX, GPTQ_SYMMETRIC, GPTQ_ASYMMETRIC -> {
                        n = code - t.zeros()[b];
                        lo = -t.zeros()[b];
                        hi = 15 - t.zeros()[b];
                    }
                    case HQQ_MIN_MAX -> {
                        n = code;
                        lo = 0;
                        hi = 15;
                    }
                    default -> {
                        n = t.integerValue(i);
                        lo = k.range() == IntegerRange.FULL ? c.format().family().qmin() : -c.format().family().qmax();
                        hi = c.format().family().qmax();
                    }
                }
                Rational distance = tEff.subtract(Rational.of(n)).abs();
                boolean atEnd = n == lo || n == hi;
                Rational half = new Rational(java.math.BigInteger.ONE, java.math.BigInteger.TWO);
                if (rounding == CodeRounding.RZ) {
                    boolean ok = distance.compareTo(Rational.of(1)) < 0 && tEff.abs().compareTo(Rational.of(Math.abs(n))) >= 0;
                    if (!ok && !atEnd) {
                        fail(c.name() + ": element " + i + " quotient " + quotient + " truncates to " + n);
                    }
                    continue; // toward zero: a full step, no half-step bound
                }
                if (distance.compareTo(half) > 0) {
                    if (atEnd) {
                        continue; // clamped
                    }
                    fail(String.format(Locale.ROOT, "%s: element %d quotient %s rounded to %d", c.name(), i,
                            tEff.toBigDecimal(20), n));
                }
                if (distance.compareTo(half) == 0 && !atEnd) {
                    boolean up = Rational.of(n).compareTo(tEff) > 0;
                    boolean away = Math.abs(n) > tEff.abs().toBigDecimal(30).doubleValue();
                    boolean ok = switch (rounding) {
                        case RNE -> n % 2 == 0;
                        case RNA -> away;
                        case HALF_UP_F32 -> up;
                        case RZ -> true;
                    };
                    if (!ok) {
                        fail(c.name() + ": element " + i + " tie " + tEff + " went to " + n + " under " + rounding);
                    }
                }
                if (rule == QuantizerRule.HQQ_MIN_MAX) {
                    continue; // HQQ rounds x·i + zero; its step bound is the oracle's agreement
                }
                // dequantize∘quantize within half a step, exactly
                Rational sUsed = Rational.of(Math.abs(o.scaleUsed()[b]));       // GGUF Q4_0's d may be negative
                Rational sStored = Rational.of(Math.abs(t.scaleValue(b)));
                Rational xv = Rational.of(x[i]).subtract(offset);
                Rational quotientError = xv.subtract(tEff.multiply(Rational.of(o.scaleUsed()[b]))).abs();
                Rational scaleError = sUsed.subtract(sStored).abs();
                Rational bound = sStored.multiply(half).add(quotientError)
                        .add(Rational.of(Math.abs(n)).multiply(scaleError)).add(scaleError.multiply(half))
                        .add(offset.subtract(offsetStored).abs())
                        .add(Rational.of(halfUlp(k.dequantArithmetic(), dequant[i])));
                Rational error = Rational.of(x[i]).subtract(Rational.of(dequant[i])).abs();
                if (error.compareTo(bound) > 0) {
                    fail(String.format(Locale.ROOT, "%s: element %d x = %s dequantizes to %s, error %s > bound %s",
                            c.name(), i, x[i], dequant[i], error.toBigDecimal(12), bound.toBigDecimal(12)));
                }
            }
        }
    }

    private static double blockMin(float[] x, QuantizedTensor t, int b) {
        int c0 = (b % t.scaleCols()) * t.blockCols();
        int r = (b / t.scaleCols()) * t.blockRows();
        double m = Float.MAX_VALUE;
        for (int c = c0; c < Math.min(c0 + t.blockCols(), t.cols()); c++) {
            m = Math.min(m, x[r * t.cols() + c]);
        }
        if (c0 + t.blockCols() > t.cols()) {
            m = Math.min(m, 0);
        }
        return m;
    }

    private static double halfUlp(Precision p, double v) {
        int e = v == 0 ? p.emin() : Math.max(Math.getExponent(v), p.emin());
        return Math.scalb(1.0, e - p.precision());
    }

    @TestFactory
    Stream<DynamicTest> bf16AndFp16InputsQuantizeAsTheirFp32Widening() {
        return Stream.of(SourceFormat.BF16, SourceFormat.FP16).map(source -> dynamicTest(source.id(), () -> {
            float[] x = TestTensors.mixed(99, 4, 128);
            int[] narrow = new int[x.length];
            float[] widened = new float[x.length];
            for (int i = 0; i < x.length; i++) {
                narrow[i] = source == SourceFormat.BF16 ? Float.floatToRawIntBits(x[i]) >>> 16
                                                        : Float.floatToFloat16(x[i]) & 0xFFFF;
                widened[i] = source == SourceFormat.BF16 ? Float.intBitsToFloat(narrow[i] << 16)
                                                         : Float.float16ToFloat((short) narrow[i]);
            }
            for (ScaledProfile profile : List.of(ScaledProfile.DEEPGEMM, ScaledProfile.VLLM)) {
                ScaledFormat f = ScaledFormat.FP8_E4M3_BLOCK_1X128;
                QuantizedTensor a = ScaledCodec.quantize(narrow, source, 4, 128, f, profile.knobsFor(f));
                QuantizedTensor b = ScaledCodec.quantize(widened, 4, 128, f, profile.knobsFor(f));
                assertEquals(b, a, profile.id());
            }
        }));
    }
}
