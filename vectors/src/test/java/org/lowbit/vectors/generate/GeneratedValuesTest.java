package org.lowbit.vectors.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.lowbit.vectors.CodeText;
import org.lowbit.vectors.EncodeTest;
import org.lowbit.vectors.Level;
import org.lowbit.vectors.QuantizeExpected;
import org.lowbit.vectors.QuantizeTest;
import org.lowbit.vectors.TestCase;
import org.lowbit.vectors.TestSets;
import org.lowbit.vectors.VectorFile;

/** Spot checks of generated tests against values typed from the research and SPEC.md, and level 2's shape. */
class GeneratedValuesTest {

    private static final SortedMap<String, VectorFile> SMALL = TestSets.small();

    private static EncodeTest encode(String file, String input) {
        return SMALL.get(file).tests().stream().map(EncodeTest.class::cast).filter(t -> t.input().equals(input))
                .findFirst().orElseThrow(() -> new AssertionError(input + " not in " + file));
    }

    @Test
    @DisplayName("E4M3 448, its tie 464 and tie + ulp: ocp saturates, ml-dtypes overflows to NaN (ml_dtypes#400)")
    void e4m3OverflowTie() {
        EncodeTest tie = encode("encode/encode_fp8_e4m3_ocp.json", "0000e843");
        assertEquals("7e", tie.expected());
        assertEquals(List.of("TIE_TO_EVEN", "ROUND_CARRY_PAST_MAXNORM"), tie.flags());
        assertTrue(tie.comment().contains("464 is the tie between 448 (0x7e) and 480"), tie.comment());
        assertEquals("7e", encode("encode/encode_fp8_e4m3_ocp.json", "0100e843").expected());
        assertEquals("7f", encode("encode/encode_fp8_e4m3_ml-dtypes.json", "0100e843").expected());
        assertTrue(encode("encode/encode_fp8_e4m3_ml-dtypes.json", "0100e843").flags().contains("OVERFLOW_NAN"));
        assertEquals("7e", encode("encode/encode_fp8_e4m3_ml-dtypes.json", "0000e843").expected());
        assertEquals("7e", encode("encode/encode_fp8_e4m3_cuda-satfinite.json", "0000807f").expected()); // +Inf
        assertEquals("7f", encode("encode/encode_fp8_e4m3_cuda-satfinite.json", "0000c0ff").expected()); // -NaN
    }

    @Test
    @DisplayName("bf16 and f16 inputs are there for fp8, with 1-ulp neighbours of the midpoints")
    void sixteenBitSources() {
        assertEquals("7e", encode("encode/encode_fp8_e4m3_ocp.json", "e843").expected()); // bf16 464 in bf16 group
        VectorFile f = SMALL.get("encode/encode_fp4_e2m1_ocp.json");
        long bf16 = f.testGroups().stream().filter(g -> g.toString().contains("source=BF16") || g instanceof
                org.lowbit.vectors.EncodeGroup e && e.source() == org.lowbit.spec.SourceFormat.BF16)
                .mapToLong(g -> g.tests().size()).sum();
        assertTrue(bf16 > 40, "bf16 tests: " + bf16);
    }

    @Test
    @DisplayName("the MX 3.7 worked examples come out as the research says, under FLOOR and CEIL")
    void workedExamples() {
        QuantizeExpected.Output floor = worked("quantize/quantize_mxfp4_torchao-floor.json", "[7.0, 1.0, 0.25, -3.0]");
        assertEquals("7f", floor.scales());
        assertTrue(floor.elements().startsWith("0702000d"));
        QuantizeExpected.Output ceil = worked("quantize/quantize_mxfp4_torchao-ceil.json", "[7.0, 1.0, 0.25, -3.0]");
        assertEquals("80", ceil.scales());
        assertTrue(ceil.elements().startsWith("0601000b"));
        assertTrue(ceil.dequantized().startsWith("000000410000803f00000000000040c0")); // 8, 1, 0, -3
    }

    private static QuantizeExpected.Output worked(String file, String values) {
        for (TestCase t : SMALL.get(file).tests()) {
            if (t.comment().contains(values)) {
                return (QuantizeExpected.Output) ((QuantizeTest) t).expected();
            }
        }
        throw new AssertionError(values);
    }

    @Test
    @DisplayName("numbers in comments are short and exact where they can be")
    void numbers() {
        assertEquals("464", CodeText.number(464));
        assertEquals("-0.0009765625", CodeText.number(-0x1p-10));
        assertEquals("2^-127", CodeText.number(0x1p-127));
        assertEquals("3*2^-130", CodeText.number(3 * 0x1p-130));
        assertEquals("464.00003", CodeText.number(Math.nextUp(464f)));
        assertEquals("S=0 E=1111 M=110", CodeText.fields(org.lowbit.spec.ElementFormat.FP8_E4M3, 0x7E));
    }

    @Test
    @DisplayName("level 2 has walking-bit and random groups with their seeds, and is deterministic")
    void levelTwo() {
        VectorGenerator.Request r = new VectorGenerator.Request(Level.TWO, Set.of("fp4_e2m1"), Set.of("ocp"));
        SortedMap<String, VectorFile> a = VectorGenerator.generate(r);
        assertEquals(Set.of("encode/encode_fp4_e2m1_ocp.json"), a.keySet());
        VectorFile f = a.get("encode/encode_fp4_e2m1_ocp.json");
        assertTrue(f.testGroups().stream().anyMatch(g -> g.generator().equals("level2/walking")));
        assertTrue(f.testGroups().stream().anyMatch(g -> g.generator().equals("level2/random") && g.seed() != 0));
        assertEquals(a, VectorGenerator.generate(r));
    }

    @Test
    @DisplayName("exhaustive encodes every bf16 and f16 pattern")
    void exhaustive() {
        VectorFile f = VectorGenerator.generate(new VectorGenerator.Request(Level.EXHAUSTIVE, Set.of("fp4_e2m1"),
                Set.of("cuda-satfinite"))).get("encode/encode_fp4_e2m1_cuda-satfinite.json");
        assertEquals(2 * 65536, f.numberOfTests());
    }
}
