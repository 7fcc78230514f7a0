package org.lowbit.reference.exact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.lowbit.spec.ElementFormat;

/** {@link ExactCodec#decode} against the hand-written {@link CardinalTables}. */
class CardinalTablesTest {

    private static void assertDecodes(ElementFormat format, int code, String literal) {
        ExactValue expected = CardinalTables.value(literal);
        ExactValue actual = ExactCodec.decode(code, format);
        assertEquals(expected, actual, () -> String.format("%s 0x%02X: expected %s, decoded %s",
                format.id(), code, expected, actual));
    }

    private static Stream<DynamicTest> everyCode(ElementFormat format, List<String> table) {
        assertEquals(format.codeCount(), table.size(), format.id() + " table size");
        return IntStream.range(0, table.size()).mapToObj(code -> dynamicTest(
                String.format("%s decode: code 0x%02X is %s", format.id(), code, table.get(code)),
                () -> assertDecodes(format, code, table.get(code))));
    }

    @TestFactory
    @DisplayName("FP4 E2M1 decode: all 16 codes (OCP MX Table 5)")
    Stream<DynamicTest> fp4AllCodes() {
        return everyCode(ElementFormat.FP4_E2M1, CardinalTables.FP4_E2M1_VALUES);
    }

    @TestFactory
    @DisplayName("FP6 E2M3 decode: all 64 codes, subnormals M/8 (OCP MX Table 4)")
    Stream<DynamicTest> fp6E2m3AllCodes() {
        return everyCode(ElementFormat.FP6_E2M3, CardinalTables.FP6_E2M3_VALUES);
    }

    @TestFactory
    @DisplayName("FP6 E3M2 decode: all 64 codes, subnormals M/16 (OCP MX Table 3)")
    Stream<DynamicTest> fp6E3m2AllCodes() {
        return everyCode(ElementFormat.FP6_E3M2, CardinalTables.FP6_E3M2_VALUES);
    }

    @TestFactory
    @DisplayName("Float decode: max normal, min normal, max and min subnormal of every float format; E8M0 landmarks")
    Stream<DynamicTest> floatLimits() {
        return CardinalTables.FLOAT_LIMITS.stream().map(cv -> dynamicTest(cv.toString(),
                () -> assertDecodes(cv.format(), cv.code(), cv.value())));
    }

    @TestFactory
    @DisplayName("Zero and Inf decode: ±0 where -0 exists, fnuz's only zero, E5M2 ±Inf")
    Stream<DynamicTest> zerosAndInfinities() {
        return CardinalTables.ZEROS_AND_INFINITIES.stream().map(cv -> dynamicTest(cv.toString(),
                () -> assertDecodes(cv.format(), cv.code(), cv.value())));
    }

    @TestFactory
    @DisplayName("Integer decode: two's complement, mxint8 = code/64, uint4 plain")
    Stream<DynamicTest> integerExamples() {
        return CardinalTables.INTEGER_EXAMPLES.stream().map(cv -> dynamicTest(cv.toString(),
                () -> assertDecodes(cv.format(), cv.code(), cv.value())));
    }

    @TestFactory
    @DisplayName("NaN and Inf codes: exactly the hand-written sets, for every format")
    Stream<DynamicTest> specialCodeSets() {
        return ElementFormat.all().stream().map(format -> dynamicTest(format.id() + ": NaN and Inf code sets", () -> {
            List<Integer> nan = new ArrayList<>();
            List<Integer> inf = new ArrayList<>();
            for (int code = 0; code < format.codeCount(); code++) {
                ExactValue v = ExactCodec.decode(code, format);
                if (v.isNaN()) {
                    nan.add(code);
                }
                if (v.isInfinite()) {
                    inf.add(code);
                }
            }
            assertEquals(CardinalTables.NAN_CODES.get(format), nan, format.id() + " NaN codes");
            assertEquals(CardinalTables.INFINITY_CODES.getOrDefault(format, List.of()), inf, format.id() + " Inf codes");
        }));
    }

    @TestFactory
    @DisplayName("Invalid codes: -1, codeCount and (UE4M3) the codes with the top bit set are rejected")
    Stream<DynamicTest> invalidCodes() {
        return ElementFormat.all().stream().map(format -> dynamicTest(format.id() + ": out-of-range codes throw", () -> {
            int count = CardinalTables.CODE_COUNTS.get(format);
            assertEquals(count, format.codeCount(), "spec codeCount");
            for (int bad : new int[] {-1, count, count + 1, 0x100, Integer.MIN_VALUE, Integer.MAX_VALUE}) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> ExactCodec.decode(bad, format));
                assertTrue(e.getMessage().contains(format.id()), e.getMessage());
            }
            ExactCodec.decode(count - 1, format); // the last valid code does not throw
        }));
    }

    @Test
    @DisplayName("UE4M3 decode: 0x80..0xFF are not codes (the sign bit of the E4M3 byte must be 0)")
    void ue4m3TopBitRejected() {
        for (int code = 0x80; code <= 0xFF; code++) {
            int c = code;
            assertThrows(IllegalArgumentException.class, () -> ExactCodec.decode(c, ElementFormat.UE4M3));
        }
    }

    @TestFactory
    @DisplayName("Decode agrees with the spec module's derived limits (maxFinite, minNormal, minSubnormal, nanCodes)")
    Stream<DynamicTest> agreesWithSpecLimits() {
        return ElementFormat.all().stream().map(format -> dynamicTest(format.id() + ": limits from ElementFormat", () -> {
            double max = Double.NEGATIVE_INFINITY;
            double minPositive = Double.POSITIVE_INFINITY;
            for (int code = 0; code < format.codeCount(); code++) {
                ExactValue v = ExactCodec.decode(code, format);
                assertEquals(format.isNaNCode(code), v.isNaN(), "isNaNCode 0x" + Integer.toHexString(code));
                assertEquals(format.isInfinityCode(code), v.isInfinite(), "isInfinityCode 0x" + Integer.toHexString(code));
                if (v.isFinite() && !v.negative()) {
                    double d = v.magnitude().doubleValue();
                    max = Math.max(max, d);
                    if (d > 0) {
                        minPositive = Math.min(minPositive, d);
                    }
                }
            }
            assertEquals(format.maxFinite(), max, "maxFinite");
            assertEquals(format.minSubnormal(), minPositive, "minSubnormal");
            assertEquals(format.maxFinite(),
                         ExactCodec.decode(format.maxFiniteCode(), format).magnitude().doubleValue(), "maxFiniteCode");
            double minNormal = format.minNormal();
            assertTrue(IntStream.range(0, format.codeCount()).mapToObj(c -> ExactCodec.decode(c, format))
                               .anyMatch(v -> v.isFinite() && v.magnitude().doubleValue() == minNormal),
                       "minNormal " + minNormal + " is a value of the format");
            assertEquals(CardinalTables.NAN_CODES.get(format), IntStream.of(format.nanCodes()).boxed().toList(),
                         "ElementFormat.nanCodes");
        }));
    }
}
