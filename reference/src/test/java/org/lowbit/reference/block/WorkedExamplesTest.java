package org.lowbit.reference.block;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;
import static org.lowbit.reference.block.BlockTestSupport.codes;
import static org.lowbit.reference.block.BlockTestSupport.f32;
import static org.lowbit.reference.block.BlockTestSupport.hex;
import static org.lowbit.reference.block.BlockTestSupport.padded;
import static org.lowbit.spec.BlockFormat.MXFP4;
import static org.lowbit.spec.BlockFormat.MXFP6_E2M3;
import static org.lowbit.spec.BlockFormat.MXFP6_E3M2;
import static org.lowbit.spec.BlockFormat.MXFP8_E4M3;
import static org.lowbit.spec.BlockFormat.MXFP8_E5M2;
import static org.lowbit.spec.BlockFormat.MXINT8;
import static org.lowbit.spec.BlockFormat.NVFP4;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.lowbit.spec.BlockFormat;
import org.lowbit.spec.BlockKnobs;
import org.lowbit.spec.BlockPolicies.TensorScaleRule;
import org.lowbit.spec.BlockProfile;
import org.lowbit.spec.Rounding;

/**
 * The worked examples of research/mx-semantics.md §1.7 (spec-exact), §2.6 (microxcaling, RUN-MXL) and §3.7
 * (torchao, RUN-AO, MX and NVFP4), each under the profile it was observed with, expected values typed from
 * the tables. The research runs used blocks of the 4 (or 16) listed values; here the rest of the 32-element
 * MX block is +0, which changes neither amax nor the listed codes.
 *
 * <p>A table cell that lowbit does not reproduce on purpose is listed in {@link #KNOWN_DEVIATIONS} with the
 * reason and reported as aborted, never dropped or bent; a listed cell that starts to agree fails.
 */
class WorkedExamplesTest {

    private static final String MXL_PYTHON_LOG2 = "§2.6 fp4 [7.9999995, 1, 0.25, 0] round=even";
    private static final String AO_NAN_CODES = "§3.7 fp4 [NaN, 1, 2, 3]";
    private static final String AO_INF_CODES = "§3.7 fp4 [Inf, 1, 2, 3]";

    /** Row name → why lowbit gives another answer (reported to the lead). */
    private static final Map<String, String> KNOWN_DEVIATIONS = Map.of(
            MXL_PYTHON_LOG2, "microxcaling's Python path takes floor(fp32 torch.log2(0x40FFFFFF)) = 3 (libm rounds"
                    + " up just below a power of two); the profile follows the CUDA path's exact exponent bits,"
                    + " giving X = 1 and [6, 1, 0, 0] (the spec-exact answer, §1.7 row 4)",
            AO_NAN_CODES, "torchao's element codes under a NaN scale are what its arithmetic gives (0x3);"
                    + " lowbit writes 0 (the spec leaves them out of scope, OCP MX §5.1)",
            AO_INF_CODES, "as for NaN: torchao writes 0x3 under the 0xFF scale, lowbit writes 0");

    /**
     * One table row.
     *
     * @param scale  the expected scale code, or -1 when the table gives none
     * @param codes  the expected first element codes, or null
     * @param values the expected dequantized values of the first elements, or null (NaN: every value NaN)
     */
    record Row(String name, BlockFormat format, BlockKnobs knobs, int[] input, int scale, int[] codes,
               float[] values) {}

    private static final BlockKnobs OCP = BlockProfile.OCP_MX_1_0.knobs();
    private static final BlockKnobs MXL = BlockProfile.MICROXCALING.knobs();
    private static final BlockKnobs MXL_EVEN = MXL.withElementRounding(Rounding.RNE);
    private static final BlockKnobs FLOOR = BlockProfile.TORCHAO_FLOOR.knobs();
    private static final BlockKnobs CEIL = BlockProfile.TORCHAO_CEIL.knobs();
    private static final BlockKnobs EVEN = BlockProfile.TORCHAO_EVEN.knobs();
    private static final BlockKnobs RCEIL = BlockProfile.TORCHAO_RCEIL.knobs();
    private static final BlockKnobs NV_AO = BlockProfile.NVFP4_TORCHAO.knobs();

    private static final float NAN = Float.NaN;
    private static final float INF = Float.POSITIVE_INFINITY;
    private static final float X40FFFFFF = Float.intBitsToFloat(0x40FFFFFF); // 7.9999995

    private static int[] in(BlockFormat f, float... v) {
        return padded(f.blockSize(), v);
    }

    private static int[] c(int... codes) {
        return codes;
    }

    private static float[] v(float... values) {
        return values;
    }

    // ---------------------------------------------------------------------------------------------
    // §1.7: the spec's algorithm with RNE (profile ocp-mx-1.0)

    static List<Row> section17() {
        return List.of(
                new Row("§1.7 E2M1 [7, 1, 0.25, -3]: floor(log2 amax) = 2, X = 2^0, 7 clamps to 6, 0.25 ties to 0",
                        MXFP4, OCP, in(MXFP4, 7, 1, 0.25f, -3), 0x7F, c(0x7, 0x2, 0x0, 0xD), v(6, 1, 0, -3)),
                new Row("§1.7 E2M1 [3, 1.25, 0.75, 0]: floor 1, X = 2^-1, 2.5 ties to 2",
                        MXFP4, OCP, in(MXFP4, 3, 1.25f, 0.75f, 0), 0x7E, c(0x7, 0x4, 0x3, 0x0), v(3, 1, 0.75f, 0)),
                new Row("§1.7 E4M3 [240, 1]: floor 7, X = 2^-1, 480 clamps to 448",
                        MXFP8_E4M3, OCP, in(MXFP8_E4M3, 240, 1), 0x7E, c(0x7E, 0x40), v(224, 1)),
                new Row("§1.7 E2M1 [7.9999995 (0x40FFFFFF), 1, 0.25]: exact floor(log2) = 2, X = 2^0",
                        MXFP4, OCP, in(MXFP4, X40FFFFFF, 1, 0.25f), 0x7F, c(0x7, 0x2, 0x0), v(6, 1, 0)));
    }

    // ---------------------------------------------------------------------------------------------
    // §2.6: microxcaling (RUN-MXL), round=nearest (RNA) and round=even (RNE); values only

    static List<Row> section26() {
        List<Row> rows = new ArrayList<>();
        mxl(rows, "§2.6 fp4 [7, 1, 0.25, -3]", MXFP4, v(7, 1, 0.25f, -3), v(6, 1, 0.5f, -3), v(6, 1, 0, -3));
        mxl(rows, "§2.6 fp4 [3, 1.25, 0.75, 0]", MXFP4, v(3, 1.25f, 0.75f, 0), v(3, 1.5f, 0.75f, 0),
                v(3, 1, 0.75f, 0));
        mxl(rows, "§2.6 fp4 [5, 2.5, 1, 0]", MXFP4, v(5, 2.5f, 1, 0), v(6, 3, 1, 0), v(4, 2, 1, 0));
        mxl(rows, "§2.6 fp4 [NaN, 1, 2, 3]", MXFP4, v(NAN, 1, 2, 3), null, null);
        mxl(rows, "§2.6 fp4 [Inf, 1, 2, 3]", MXFP4, v(INF, 1, 2, 3), null, null);
        rows.add(new Row(MXL_PYTHON_LOG2, MXFP4, MXL_EVEN, in(MXFP4, X40FFFFFF, 1, 0.25f, 0), -1, null,
                v(8, 1, 0, 0)));
        mxl(rows, "§2.6 fp8_e4m3 [480, 1, 0, -464]", MXFP8_E4M3, v(480, 1, 0, -464), v(448, 1, 0, -448),
                v(448, 1, 0, -448));
        mxl(rows, "§2.6 fp8_e4m3 [240, 0, 0, 0]", MXFP8_E4M3, v(240, 0, 0, 0), v(224, 0, 0, 0), v(224, 0, 0, 0));
        mxl(rows, "§2.6 fp8_e4m3 [3e38, 1, 0, 0] (X = 2^119)", MXFP8_E4M3, v(3e38f, 1, 0, 0),
                v(2.9774707e38f, 0, 0, 0), v(2.9774707e38f, 0, 0, 0));
        mxl(rows, "§2.6 fp8_e5m2 [61440, 1, 0, 0]", MXFP8_E5M2, v(61440, 1, 0, 0), v(57344, 1, 0, 0),
                v(57344, 1, 0, 0));
        mxl(rows, "§2.6 fp6_e2m3 [7.75, 1.0625, 0, 0]", MXFP6_E2M3, v(7.75f, 1.0625f, 0, 0), v(7.5f, 1.125f, 0, 0),
                v(7.5f, 1, 0, 0));
        mxl(rows, "§2.6 fp6_e3m2 [30, 1.125, 0, 0]", MXFP6_E3M2, v(30, 1.125f, 0, 0), v(28, 1.25f, 0, 0),
                v(28, 1, 0, 0));
        mxl(rows, "§2.6 int8 [1, 0.5, 1/128, 3/256]", MXINT8, v(1, 0.5f, 1f / 128, 3f / 256),
                v(1, 0.5f, 1f / 64, 1f / 64), v(1, 0.5f, 0, 1f / 64));
        mxl(rows, "§2.6 int8 [1.99, 1/64, 0, 0]", MXINT8, v(1.99f, 1f / 64, 0, 0), v(127f / 64, 1f / 64, 0, 0),
                v(127f / 64, 1f / 64, 0, 0));
        // The element-only row: amax 5 gives X = 2^0, so the block is the element conversion itself.
        mxl(rows, "§2.6 element-only fp4 [0.25, 0.75, 1.25, 1.75, 2.5, 3.5, 5, -0.25, -2.5]", MXFP4,
                v(0.25f, 0.75f, 1.25f, 1.75f, 2.5f, 3.5f, 5, -0.25f, -2.5f),
                v(0.5f, 1, 1.5f, 2, 3, 4, 6, -0.5f, -3), v(0, 1, 1, 2, 2, 4, 4, -0.0f, -2));
        return rows;
    }

    /** A §2.6 row under round=nearest and round=even; null results mean "all NaN". */
    private static void mxl(List<Row> rows, String name, BlockFormat f, float[] input, float[] nearest,
                            float[] even) {
        rows.add(new Row(name + " round=nearest", f, MXL, in(f, input), nearest == null ? 0xFF : -1, null,
                nearest == null ? v(NAN) : nearest));
        rows.add(new Row(name + " round=even", f, MXL_EVEN, in(f, input), even == null ? 0xFF : -1, null,
                even == null ? v(NAN) : even));
    }

    // ---------------------------------------------------------------------------------------------
    // §3.7: torchao to_mx (RUN-AO), MX rows

    static List<Row> section37Mx() {
        List<Row> rows = new ArrayList<>();
        ao(rows, "§3.7 fp4 [7, 1, 0.25, -3]", MXFP4, v(7, 1, 0.25f, -3), List.of(FLOOR), 0x7F,
                c(0x7, 0x2, 0x0, 0xD), v(6, 1, 0, -3));
        ao(rows, "§3.7 fp4 [7, 1, 0.25, -3]", MXFP4, v(7, 1, 0.25f, -3), List.of(CEIL, EVEN, RCEIL), 0x80,
                c(0x6, 0x1, 0x0, 0xB), v(8, 1, 0, -3));
        ao(rows, "§3.7 fp4 [3, 1.25, 0.75, 0]", MXFP4, v(3, 1.25f, 0.75f, 0), List.of(FLOOR, EVEN, RCEIL), 0x7E,
                c(0x7, 0x4, 0x3, 0x0), v(3, 1, 0.75f, 0));
        ao(rows, "§3.7 fp4 [3, 1.25, 0.75, 0]", MXFP4, v(3, 1.25f, 0.75f, 0), List.of(CEIL), 0x7F,
                c(0x5, 0x2, 0x2, 0x0), v(3, 1, 1, 0));
        ao(rows, "§3.7 fp4 [5, 2.5, 1, 0]", MXFP4, v(5, 2.5f, 1, 0), List.of(FLOOR), 0x7F,
                c(0x6, 0x4, 0x2, 0x0), v(4, 2, 1, 0));
        ao(rows, "§3.7 fp4 [7.9999995, 1, 0.25, 0]", MXFP4, v(X40FFFFFF, 1, 0.25f, 0), List.of(FLOOR), 0x7F,
                c(0x7, 0x2, 0x0, 0x0), v(6, 1, 0, 0));
        ao(rows, "§3.7 fp4 all zero", MXFP4, v(0, 0, 0, 0), List.of(FLOOR, CEIL, EVEN, RCEIL), 0x00,
                c(0x0, 0x0, 0x0, 0x0), v(0, 0, 0, 0));
        rows.add(new Row(AO_NAN_CODES, MXFP4, FLOOR, in(MXFP4, NAN, 1, 2, 3), 0xFF, c(0x3, 0x3, 0x3, 0x3), v(NAN)));
        rows.add(new Row(AO_INF_CODES, MXFP4, FLOOR, in(MXFP4, INF, 1, 2, 3), 0xFF, c(0x3, 0x3, 0x3, 0x3), v(NAN)));
        ao(rows, "§3.7 e4m3 [480, 1, 0, -464]", MXFP8_E4M3, v(480, 1, 0, -464), List.of(FLOOR, EVEN), 0x7F,
                c(0x7E, 0x38, 0x00, 0xFE), v(448, 1, 0, -448));
        ao(rows, "§3.7 e4m3 [480, 1, 0, -464]", MXFP8_E4M3, v(480, 1, 0, -464), List.of(CEIL, RCEIL), 0x80,
                c(0x77, 0x30, 0x00, 0xF6), v(480, 1, 0, -448));
        ao(rows, "§3.7 e4m3 [240, 1, 0, 0]", MXFP8_E4M3, v(240, 1, 0, 0), List.of(FLOOR, EVEN), 0x7E,
                c(0x7E, 0x40, 0x00, 0x00), v(224, 1, 0, 0));
        ao(rows, "§3.7 e4m3 [240, 1, 0, 0]", MXFP8_E4M3, v(240, 1, 0, 0), List.of(CEIL, RCEIL), 0x7F,
                c(0x77, 0x38, 0x00, 0x00), v(240, 1, 0, 0));
        ao(rows, "§3.7 e4m3 [3e38, 1, 0, 0]", MXFP8_E4M3, v(3e38f, 1, 0, 0), List.of(FLOOR, EVEN), 0xF6,
                c(0x7E, 0x00, 0x00, 0x00), v(2.9774707e38f, 0, 0, 0));
        ao(rows, "§3.7 e5m2 [61440, 1, 0, 0]", MXFP8_E5M2, v(61440, 1, 0, 0), List.of(FLOOR), 0x7F,
                c(0x7B, 0x3C, 0x00, 0x00), v(57344, 1, 0, 0));
        ao(rows, "§3.7 e5m2 [61440, 1, 0, 0]", MXFP8_E5M2, v(61440, 1, 0, 0), List.of(CEIL, EVEN, RCEIL), 0x80,
                c(0x78, 0x38, 0x00, 0x00), v(65536, 1, 0, 0));
        ao(rows, "§3.7 fp6_e2m3 [7.75, 1.0625, 0, 0]", MXFP6_E2M3, v(7.75f, 1.0625f, 0, 0), List.of(FLOOR), 0x7F,
                c(0x1F, 0x08, 0x00, 0x00), v(7.5f, 1, 0, 0));
        ao(rows, "§3.7 fp6_e2m3 [7.75, 1.0625, 0, 0]", MXFP6_E2M3, v(7.75f, 1.0625f, 0, 0),
                List.of(CEIL, EVEN, RCEIL), 0x80, c(0x18, 0x04, 0x00, 0x00), v(8, 1, 0, 0));
        ao(rows, "§3.7 fp6_e3m2 [30, 1.125, 0, 0]", MXFP6_E3M2, v(30, 1.125f, 0, 0), List.of(FLOOR), 0x7F,
                c(0x1F, 0x0C, 0x00, 0x00), v(28, 1, 0, 0));
        return rows;
    }

    private static void ao(List<Row> rows, String name, BlockFormat f, float[] input, List<BlockKnobs> modes,
                           int scale, int[] codes, float[] values) {
        for (BlockKnobs k : modes) {
            rows.add(new Row(name + " " + k.scaleRule(), f, k, in(f, input), scale, codes, values));
        }
    }

    // ---------------------------------------------------------------------------------------------
    // §3.7: torchao nvfp4_quantize (RUN-AO), single level

    static List<Row> section37Nvfp4() {
        return List.of(
                new Row("§3.7 nvfp4 [6, 3, 1, 0.5, 0.25, -2, 0 ×9, 0.75] single level: s8 = 1.0, 0.75 ties to 1.0",
                        NVFP4, NV_AO, padded(16, 6, 3, 1, 0.5f, 0.25f, -2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.75f), 0x38,
                        c(0x7, 0x5, 0x2, 0x1, 0x0, 0xC, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x2), null),
                new Row("§3.7 nvfp4 [0.001, 0.0005, 0 ×14] single level: amax/6 clamps up to 2^-6",
                        NVFP4, NV_AO, padded(16, 0.001f, 0.0005f), 0x08, new int[16], null),
                new Row("§3.7 nvfp4 [100, 1 ×15] single level: 100/6 → e4m3 16, 6.25 clamps to 6",
                        NVFP4, NV_AO, ones(100), 0x58, c(0x7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), null),
                new Row("§3.7 nvfp4 [7, 1 ×15] single level: 7/6 → e4m3 1.125; 6.22 → 6, 0.889 → 1.0",
                        NVFP4, NV_AO, ones(7), 0x39, c(0x7, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2), null));
    }

    private static int[] ones(float first) {
        float[] v = new float[16];
        Arrays.fill(v, 1);
        v[0] = first;
        return BlockTestSupport.bits(v);
    }

    @TestFactory
    @DisplayName("mx-semantics.md §1.7, §2.6, §3.7: every worked example")
    Stream<DynamicTest> workedExamples() {
        return Stream.of(section17(), section26(), section37Mx(), section37Nvfp4())
                     .flatMap(List::stream)
                     .map(row -> dynamicTest(row.name(), () -> check(row)));
    }

    private static void check(Row row) {
        QuantizedBlocks q = BlockQuantizer.of(row.format(), row.knobs()).quantizeFloat32(row.input());
        int[] deq = BlockDequantizer.toFloat32(q);
        String reason = KNOWN_DEVIATIONS.get(row.name());
        boolean agrees = true;
        if (row.scale() >= 0) {
            assertEquals(row.scale(), q.scaleCode(0), () -> row.name() + ": scale code");
        }
        if (row.values() != null && Float.isNaN(row.values()[0]) && row.values().length == 1) {
            for (int i = 0; i < deq.length; i++) {
                assertTrue(Float.isNaN(Float.intBitsToFloat(deq[i])), row.name() + ": value " + i + " is NaN");
            }
        } else if (row.values() != null) {
            int[] expected = BlockTestSupport.bits(row.values());
            int[] actual = Arrays.copyOf(deq, expected.length);
            agrees = Arrays.equals(expected, actual);
            if (!agrees && reason == null) {
                assertArrayEquals(row.values(), Arrays.copyOf(BlockTestSupport.floats(deq), expected.length),
                        row.name() + ": dequantized values");
                fail(row.name() + ": dequantized bits " + Arrays.toString(actual) + " (signed zeros?)");
            }
        }
        if (row.codes() != null) {
            int[] actual = codes(q, row.codes().length);
            boolean codesAgree = Arrays.equals(row.codes(), actual);
            if (!codesAgree && reason == null) {
                fail(row.name() + ": element codes " + hex(actual) + ", expected " + hex(row.codes()));
            }
            agrees &= codesAgree;
        }
        if (reason != null) {
            if (agrees) {
                fail(row.name() + " is listed as a known deviation but now agrees with the table: remove it");
            }
            Assumptions.abort("known deviation: " + reason);
        }
    }

    @Test
    @DisplayName("§3.7 nvfp4 two level, g = 6/(448·6) from the tensor amax: s8 0x7E and 0x1A, second block 7, 5")
    void nvfp4TwoLevel() {
        int[] x = new int[32];
        System.arraycopy(padded(16, 6, 3, 1, 0.5f, 0.25f, -2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.75f), 0, x, 0, 16);
        x[16] = f32(0.001f);
        x[17] = f32(0.0005f);
        BlockKnobs twoLevel = NV_AO.withTensorScale(TensorScaleRule.AMAX_OVER_2688);
        QuantizedBlocks q = BlockQuantizer.of(NVFP4, twoLevel).quantizeFloat32(x);
        assertEquals(f32(6f / 2688f), q.tensorScaleBits().orElseThrow(), "g = fl(6 / 2688)");
        assertEquals(0x7E, q.scaleCode(0));
        assertEquals(0x1A, q.scaleCode(1));
        assertArrayEquals(c(0x7, 0x5), new int[] {q.elementCode(16), q.elementCode(17)});
        // the caller's g gives the same answer as the computed one
        QuantizedBlocks given = BlockQuantizer.of(NVFP4, NV_AO).withTensorScale(f32(6f / 2688f)).quantizeFloat32(x);
        assertEquals(q, given);
    }
}
