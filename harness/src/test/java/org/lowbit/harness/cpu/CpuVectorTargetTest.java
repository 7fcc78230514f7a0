package org.lowbit.harness.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.lowbit.conformance.target.Capability;
import org.lowbit.conformance.target.DequantizeRequest;
import org.lowbit.conformance.target.Operation;
import org.lowbit.conformance.target.QuantizeRequest;
import org.lowbit.conformance.target.QuantizeResult;
import org.lowbit.conformance.target.ReferenceTarget;
import org.lowbit.conformance.target.TargetException;
import org.lowbit.reference.ElementCodec;
import org.lowbit.spec.BlockFormat;
import org.lowbit.spec.BlockProfile;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.ElementLayout;
import org.lowbit.spec.ScaleLayout;
import org.lowbit.spec.SourceFormat;
import org.lowbit.vectors.TensorScaleMode;

/**
 * cpu-vector against the reference target, bit for bit, on boundary-biased random tensors: every claimed
 * (format, profile), every source and output precision, whole rows and rows with a partial last block, one
 * and two threads. Surefire runs this class at the preferred species, at 128 and 256 bits, and without the
 * incubator module (see harness/pom.xml); {@link #backendIsTheOneThisRunAsksFor} checks which one ran.
 */
class CpuVectorTargetTest {

    private static final ReferenceTarget REFERENCE = new ReferenceTarget();
    private static final CpuVectorTarget ONE_THREAD = new CpuVectorTarget(CpuBackends.kernels(), 1);
    private static final CpuVectorTarget TWO_THREADS = new CpuVectorTarget(CpuBackends.kernels(), 2);

    @AfterAll
    static void close() {
        ONE_THREAD.close();
        TWO_THREADS.close();
    }

    @Test
    void backendIsTheOneThisRunAsksFor() {
        String expected = System.getProperty("lowbit.cpu.expect.backend", "vector");
        assertEquals(expected, CpuBackends.kernels().backend(), "backend");
        String species = System.getProperty(CpuBackends.SPECIES_PROPERTY, "");
        if (expected.equals("vector") && !species.isEmpty()) {
            assertEquals(Integer.parseInt(species), CpuBackends.kernels().vectorBits(), "vector width");
        }
        if (expected.equals("scalar")) {
            IllegalStateException e = assertThrows(IllegalStateException.class, CpuBackends::vector);
            assertTrue(e.getMessage().contains("--add-modules jdk.incubator.vector"), e.getMessage());
        }
    }

    @Test
    void claimsEveryMxProfileItComputesAndNothingElse() {
        List<Capability> caps = CpuVectorTarget.capabilities();
        assertTrue(caps.stream().anyMatch(c -> c.covers(Operation.QUANTIZE, "mxfp8_e4m3", "ocp-mx-1.0")));
        assertTrue(caps.stream().anyMatch(c -> c.covers(Operation.QUANTIZE, "mxint8", "microxcaling")));
        assertTrue(caps.stream().anyMatch(c -> c.covers(Operation.QUANTIZE, "nvfp4", "nvfp4-modelopt")));
        for (Capability c : caps) {
            if (!c.format().startsWith("mx")) {
                continue; // NVFP4 and the scaled formats: CpuFormatsTest
            }
            BlockFormat format = BlockFormat.byId(c.format());
            assertTrue(MxPlan.of(format, BlockProfile.byId(c.profile()).knobsFor(format)).isPresent(), c.toString());
        }
    }

    static Stream<Arguments> claims() {
        List<Arguments> out = new ArrayList<>();
        for (Capability c : CpuVectorTarget.capabilities()) {
            if (c.operation() == Operation.QUANTIZE && c.format().startsWith("mx")) { // NVFP4: CpuFormatsTest
                out.add(Arguments.of(BlockFormat.byId(c.format()), BlockProfile.byId(c.profile())));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1}: quantize, every source, whole and ragged rows")
    @MethodSource("claims")
    void quantizeMatchesTheReference(BlockFormat format, BlockProfile profile) throws TargetException {
        SplittableRandom random = new SplittableRandom(format.ordinal() * 31L + profile.ordinal());
        for (SourceFormat source : CpuVectorTarget.PRECISIONS) {
            for (int rowLength : new int[] {32, 96, 32 * 7 + 5, 31, 64 + 31}) {
                int rows = 5;
                byte[] input = boundaryBiased(random, format, source, rows * rowLength);
                QuantizeRequest request = new QuantizeRequest(format, profile, profile.knobsFor(format), source, rows,
                        rowLength, input, ElementLayout.UNPACKED, ScaleLayout.ROW_MAJOR, TensorScaleMode.NONE, 0);
                assertSameQuantize(request, ONE_THREAD);
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}: runs of finite blocks (the 16-block amax path), every source")
    @MethodSource("claims")
    void runsOfFiniteBlocksMatchTheReference(BlockFormat format, BlockProfile profile) throws TargetException {
        SplittableRandom random = new SplittableRandom(99 + format.ordinal() * 7L + profile.ordinal());
        for (SourceFormat source : CpuVectorTarget.PRECISIONS) {
            int rows = 3;
            int rowLength = 32 * 80;
            byte[] input = boundaryBiased(random, format, source, rows * rowLength, false);
            QuantizeRequest request = new QuantizeRequest(format, profile, profile.knobsFor(format), source, rows,
                    rowLength, input, ElementLayout.UNPACKED, ScaleLayout.ROW_MAJOR, TensorScaleMode.NONE, 0);
            assertSameQuantize(request, ONE_THREAD);
        }
    }

    @ParameterizedTest(name = "{0} {1}: dequantize random codes and scales to every output")
    @MethodSource("claims")
    void dequantizeMatchesTheReference(BlockFormat format, BlockProfile profile) throws TargetException {
        SplittableRandom random = new SplittableRandom(7 + format.ordinal());
        for (SourceFormat output : CpuVectorTarget.PRECISIONS) {
            for (int rowLength : new int[] {64, 32 * 5 + 7, 20}) {
                int rows = 9;
                int blocksPerRow = Math.ceilDiv(rowLength, 32);
                byte[] codes = new byte[rows * rowLength];
                for (int i = 0; i < codes.length; i++) {
                    codes[i] = (byte) random.nextInt(format.element().codeCount());
                }
                byte[] scales = new byte[rows * blocksPerRow];
                for (int i = 0; i < scales.length; i++) { // every scale, the extremes and NaN often
                    int pick = random.nextInt(8);
                    scales[i] = (byte) (pick == 0 ? 0x00 : pick == 1 ? 0xFE : pick == 2 ? 0xFF : pick == 3 ? 1 + random.nextInt(3)
                            : pick == 4 ? 0xFB + random.nextInt(3) : random.nextInt(256));
                }
                DequantizeRequest request = new DequantizeRequest(format, profile, output, rows, rowLength, scales, codes,
                        ElementLayout.UNPACKED, ScaleLayout.ROW_MAJOR, OptionalInt.empty());
                assertArrayEquals(REFERENCE.dequantize(request), ONE_THREAD.dequantize(request),
                        format + " " + output + " row " + rowLength);
            }
        }
    }

    @Test
    void everyElementCodeDecodesLikeTheReferenceUnderEveryScale() throws TargetException {
        for (BlockFormat format : List.of(BlockFormat.MXFP8_E4M3, BlockFormat.MXFP8_E5M2, BlockFormat.MXFP6_E3M2,
                BlockFormat.MXFP6_E2M3, BlockFormat.MXFP4, BlockFormat.MXINT8)) {
            int count = format.element().codeCount();
            int rowLength = Math.max(32, count);
            byte[] codes = new byte[256 * rowLength];
            byte[] scales = new byte[256 * (rowLength / 32)];
            for (int scale = 0; scale < 256; scale++) {
                for (int i = 0; i < rowLength; i++) {
                    codes[scale * rowLength + i] = (byte) (i % count);
                }
                for (int b = 0; b < rowLength / 32; b++) {
                    scales[scale * (rowLength / 32) + b] = (byte) scale;
                }
            }
            for (SourceFormat output : CpuVectorTarget.PRECISIONS) {
                DequantizeRequest request = new DequantizeRequest(format, BlockProfile.OCP_MX_1_0, output, 256, rowLength,
                        scales, codes, ElementLayout.UNPACKED, ScaleLayout.ROW_MAJOR, OptionalInt.empty());
                assertArrayEquals(REFERENCE.dequantize(request), TWO_THREADS.dequantize(request), format + " to " + output);
            }
        }
    }

    @Test
    void largeTensorsOnTwoThreadsMatchTheReference() throws TargetException {
        SplittableRandom random = new SplittableRandom(42);
        for (BlockFormat format : List.of(BlockFormat.MXFP8_E4M3, BlockFormat.MXFP4)) {
            int rows = 64;
            int rowLength = 32 * 512;
            byte[] input = boundaryBiased(random, format, SourceFormat.FP32, rows * rowLength);
            QuantizeRequest request = new QuantizeRequest(format, BlockProfile.OCP_MX_1_0,
                    BlockProfile.OCP_MX_1_0.knobsFor(format), SourceFormat.FP32, rows, rowLength, input,
                    ElementLayout.UNPACKED, ScaleLayout.ROW_MAJOR, TensorScaleMode.NONE, 0);
            QuantizeResult q = assertSameQuantize(request, TWO_THREADS);
            DequantizeRequest back = new DequantizeRequest(format, BlockProfile.OCP_MX_1_0, SourceFormat.FP32, rows,
                    rowLength, q.scales(), q.elements(), ElementLayout.UNPACKED, ScaleLayout.ROW_MAJOR, OptionalInt.empty());
            assertArrayEquals(REFERENCE.dequantize(back), TWO_THREADS.dequantize(back), format + " round trip");
        }
    }

    @Test
    void packedLayoutsAndTheSwizzleMatchTheReference() throws TargetException {
        SplittableRandom random = new SplittableRandom(3);
        for (BlockFormat format : List.of(BlockFormat.MXFP4, BlockFormat.MXFP6_E2M3, BlockFormat.MXFP8_E5M2)) {
            for (ElementLayout layout : ElementLayout.values()) {
                if (!layout.supports(format.element())) {
                    continue;
                }
                int rows = 130;
                int rowLength = 32 * 6;
                byte[] input = boundaryBiased(random, format, SourceFormat.BF16, rows * rowLength);
                QuantizeRequest request = new QuantizeRequest(format, BlockProfile.OCP_MX_1_0,
                        BlockProfile.OCP_MX_1_0.knobsFor(format), SourceFormat.BF16, rows, rowLength, input, layout,
                        ScaleLayout.SWIZZLE_128X4, TensorScaleMode.NONE, 0);
                QuantizeResult q = assertSameQuantize(request, ONE_THREAD);
                DequantizeRequest back = new DequantizeRequest(format, BlockProfile.OCP_MX_1_0, SourceFormat.FP16, rows,
                        rowLength, q.scales(), q.elements(), layout, ScaleLayout.SWIZZLE_128X4, OptionalInt.empty());
                assertArrayEquals(REFERENCE.dequantize(back), ONE_THREAD.dequantize(back), format + " " + layout);
            }
        }
    }

    @Test
    void badInputIsRejectedWithAReason() {
        BlockFormat format = BlockFormat.MXFP4;
        QuantizeRequest ragged = new QuantizeRequest(format, BlockProfile.TORCHAO_FLOOR,
                BlockProfile.TORCHAO_FLOOR.knobsFor(format), SourceFormat.FP32, 1, 33, new byte[33 * 4],
                ElementLayout.UNPACKED, ScaleLayout.ROW_MAJOR, TensorScaleMode.NONE, 0);
        TargetException.Rejected e = assertThrows(TargetException.Rejected.class, () -> ONE_THREAD.quantize(ragged));
        assertEquals("RAGGED_TAIL", e.code());
        DequantizeRequest badCode = new DequantizeRequest(format, BlockProfile.OCP_MX_1_0, SourceFormat.FP32, 1, 32,
                new byte[1], new byte[] {0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
                ElementLayout.UNPACKED, ScaleLayout.ROW_MAJOR, OptionalInt.empty());
        TargetException.Rejected bad = assertThrows(TargetException.Rejected.class, () -> ONE_THREAD.dequantize(badCode));
        assertTrue(bad.getMessage().contains("0x10"), bad.getMessage());
    }

    private static QuantizeResult assertSameQuantize(QuantizeRequest request, CpuVectorTarget target) throws TargetException {
        QuantizeResult expected;
        try {
            expected = REFERENCE.quantize(request);
        } catch (TargetException.Rejected e) {
            TargetException.Rejected mine = assertThrows(TargetException.Rejected.class, () -> target.quantize(request));
            assertEquals(e.code(), mine.code(), mine.getMessage());
            return null;
        }
        QuantizeResult actual = target.quantize(request);
        String what = request.format() + " " + request.profile().id() + " " + request.source() + " " + request.rows() + "x"
                + request.rowLength();
        assertArrayEquals(expected.scales(), actual.scales(), what + ": scales");
        if (!java.util.Arrays.equals(expected.elements(), actual.elements())) {
            int i = java.util.Arrays.mismatch(expected.elements(), actual.elements());
            int width = request.source().bytes();
            String value = HexFormat.of().formatHex(request.input(), i * width, i * width + width);
            throw new AssertionError(String.format("%s: element %d (input %s LE) expected 0x%02X got 0x%02X", what, i, value,
                    expected.elements()[i] & 0xFF, actual.elements()[i] & 0xFF));
        }
        return actual;
    }

    /**
     * Source values that hit the kernels' edges: per block a random scale binade, then elements on the element
     * grid, on the midpoints between grid values and one FP32 ulp either side, random bits in the block's range,
     * zeros of both signs, values far below the block's range, and rarely NaN or Inf.
     */
    static byte[] boundaryBiased(SplittableRandom random, BlockFormat format, SourceFormat source, int count) {
        return boundaryBiased(random, format, source, count, true);
    }

    /** @param specials whether NaN, Inf, zero blocks and extreme block scales may appear */
    static byte[] boundaryBiased(SplittableRandom random, BlockFormat format, SourceFormat source, int count, boolean specials) {
        ElementFormat element = format.element();
        int[] grid = new int[element.codeCount()];
        int n = 0;
        for (int code = 0; code < element.codeCount(); code++) {
            int bits = ElementCodec.decodeToFloat32Bits(code, element);
            if ((bits & 0x7FFFFFFF) < 0x7F800000) {
                grid[n++] = bits;
            }
        }
        byte[] out = new byte[count * source.bytes()];
        int blockScale = 0;
        for (int i = 0; i < count; i++) {
            if (i % 32 == 0) {
                blockScale = specials && random.nextInt(10) == 0 ? random.nextInt(-140, 128) : source == SourceFormat.FP16 && !specials ? random.nextInt(-6, 6) : random.nextInt(-20, 20);
            }
            float value;
            int pick = specials ? random.nextInt(16) : (i % 32 == 0 ? 12 : random.nextInt(16));
            if (!specials && pick == 10) {
                pick = 3;
            }
            float g1 = Float.intBitsToFloat(grid[random.nextInt(n)]);
            float g2 = Float.intBitsToFloat(grid[random.nextInt(n)]);
            float mid = (float) (((double) g1 + g2) / 2);
            value = switch (pick) {
                case 0, 1, 2 -> g1;
                case 3, 4, 5 -> mid;
                case 6 -> Math.nextUp(mid);
                case 7 -> Math.nextDown(mid);
                case 8 -> 0.0f;
                case 9 -> -0.0f;
                case 10 -> Float.intBitsToFloat(random.nextInt()) ; // anything, NaN and Inf included
                case 11 -> g1 * 0x1p-30f;
                default -> Float.intBitsToFloat(random.nextInt(0x3F000000, 0x40FFFFFF) | (random.nextBoolean() ? 0x80000000 : 0));
            };
            double scaled = value * Math.pow(2, blockScale);
            int bits = Float.floatToRawIntBits((float) scaled);
            if (pick == 10) {
                bits = random.nextInt(20) == 0 ? Float.floatToRawIntBits(value) : Float.floatToRawIntBits(Math.abs(value) < 1e30f ? (float) scaled : 1.0f);
            }
            switch (source) {
                case FP32 -> org.lowbit.reference.layout.LittleEndian.putInt(out, 4 * i, bits);
                case BF16 -> org.lowbit.reference.layout.LittleEndian.putShort(out, 2 * i, (short) (bits >>> 16));
                case FP16 -> org.lowbit.reference.layout.LittleEndian.putShort(out, 2 * i,
                        specials && random.nextInt(4) == 0 ? (short) random.nextInt(0x10000)
                                : Float.floatToFloat16(Float.intBitsToFloat(bits)));
                case FP64 -> throw new IllegalArgumentException();
            }
        }
        return out;
    }
}
