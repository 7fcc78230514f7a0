package org.lowbit.harness.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
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
import org.lowbit.conformance.target.ScaledDequantizeRequest;
import org.lowbit.conformance.target.ScaledQuantizeRequest;
import org.lowbit.conformance.target.ScaledQuantizeResult;
import org.lowbit.conformance.target.TargetException;
import org.lowbit.reference.layout.LittleEndian;
import org.lowbit.spec.BlockFormat;
import org.lowbit.spec.BlockProfile;
import org.lowbit.spec.ElementLayout;
import org.lowbit.spec.ScaleLayout;
import org.lowbit.spec.ScaledFormat;
import org.lowbit.spec.ScaledKnobs;
import org.lowbit.spec.ScaledPolicies.CodeRounding;
import org.lowbit.spec.ScaledProfile;
import org.lowbit.spec.SourceFormat;
import org.lowbit.vectors.TensorScaleMode;

/**
 * cpu-vector's NVFP4 and scaled-format paths against the reference target, bit for bit, on seeded
 * boundary-biased tensors: values on the element grid, on its midpoints and one FP32 ulp either side, zeros
 * of both signs, values far below the block's range, whole and ragged shapes, one and two threads, every
 * source and output precision the target claims. Surefire runs it at the preferred species, at 128 and 256
 * bits, and without the incubator module (where every call goes to the reference, and so it must agree too).
 */
class CpuFormatsTest {

    private static final ReferenceTarget REFERENCE = new ReferenceTarget();
    private static final CpuVectorTarget ONE_THREAD = new CpuVectorTarget(CpuBackends.kernels(), 1);
    private static final CpuVectorTarget TWO_THREADS = new CpuVectorTarget(CpuBackends.kernels(), 2);
    /** Given per-tensor scales: ordinary, large, tiny (1/g overflows: the element-by-element blocks), subnormal. */
    private static final float[] GIVEN_G = {1.0f, 0.0123f, 3.0e3f, 1.0e-30f, 0x1p-140f};

    @AfterAll
    static void close() {
        ONE_THREAD.close();
        TWO_THREADS.close();
    }

    @Test
    void theVectorPlansCoverTheProfilesTheyClaimTo() {
        for (BlockProfile profile : List.of(BlockProfile.NVFP4_TORCHAO, BlockProfile.NVFP4_MODELOPT)) {
            assertTrue(Nvfp4Plan.of(BlockFormat.NVFP4, profile.knobsFor(BlockFormat.NVFP4)).isPresent(), profile.id());
        }
        for (ScaledProfile profile : ScaledProfile.values()) { // every profile's knobs run in vector code
            for (ScaledFormat format : profile.formats()) {
                assertTrue(ScaledPlan.of(format, profile.knobsFor(format)).isPresent(), profile.id() + " " + format.id());
            }
        }
        List<Capability> caps = CpuVectorTarget.capabilities();
        assertTrue(caps.stream().anyMatch(c -> c.covers(Operation.SCALED_QUANTIZE, "int4_group", "hqq")));
        assertTrue(caps.stream().anyMatch(c -> c.covers(Operation.DEQUANTIZE, "nvfp4", "nvfp4-torchao")));
    }

    // ---------------------------------------------------------------------------------------------
    // NVFP4

    static Stream<Arguments> nvfp4Cases() {
        List<Arguments> out = new ArrayList<>();
        for (BlockProfile profile : List.of(BlockProfile.NVFP4_TORCHAO, BlockProfile.NVFP4_MODELOPT)) {
            for (TensorScaleMode mode : TensorScaleMode.values()) {
                out.add(Arguments.of(profile, mode));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "nvfp4 {0}, tensor scale {1}: quantize from every source, whole and ragged rows")
    @MethodSource("nvfp4Cases")
    void nvfp4QuantizeMatchesTheReference(BlockProfile profile, TensorScaleMode mode) throws TargetException {
        BlockFormat format = BlockFormat.NVFP4;
        SplittableRandom random = new SplittableRandom(profile.ordinal() * 17L + mode.ordinal());
        for (SourceFormat source : CpuVectorTarget.PRECISIONS) {
            for (int rowLength : new int[] {16 * 9, 16 * 7 + 5, 16 * 300}) {
                for (float g : mode == TensorScaleMode.GIVEN ? GIVEN_G : new float[] {0}) {
                    int rows = rowLength > 1000 ? 3 : 6;
                    byte[] input = CpuVectorTargetTest.boundaryBiased(random, format, source, rows * rowLength,
                            random.nextBoolean());
                    QuantizeRequest request = new QuantizeRequest(format, profile, profile.knobsFor(format), source, rows,
                            rowLength, input, ElementLayout.UNPACKED, ScaleLayout.ROW_MAJOR, mode, Float.floatToRawIntBits(g));
                    QuantizeResult q = assertSameQuantize(request, rowLength > 1000 ? TWO_THREADS : ONE_THREAD);
                    if (q != null) { // and back, with the g the quantizer used
                        OptionalInt gBits = mode == TensorScaleMode.GIVEN ? OptionalInt.of(Float.floatToRawIntBits(g))
                                : q.tensorScaleBits();
                        for (SourceFormat output : CpuVectorTarget.PRECISIONS) {
                            DequantizeRequest back = new DequantizeRequest(format, profile, output, rows, rowLength, q.scales(),
                                    q.elements(), ElementLayout.UNPACKED, ScaleLayout.ROW_MAJOR, gBits);
                            assertArrayEquals(REFERENCE.dequantize(back), ONE_THREAD.dequantize(back),
                                    "round trip " + source + " -> " + output + " g " + gBits);
                        }
                    }
                }
            }
        }
    }

    @Test
    void theBlockScaleCastIsTheReferencesOverTheWholeClampedRange() {
        // every sign-exponent-and-top-mantissa prefix of a clamped block scale in [2^-9, 448], with low bits on
        // every tie of the code's quantum (a shift of 20 to 23 bits), one either side, and the extremes
        List<Integer> low = new ArrayList<>(List.of(0, 1, 0xFFFFF));
        for (int k = 16; k <= 19; k++) {
            low.addAll(List.of((1 << k) - 1, 1 << k, (1 << k) + 1));
        }
        int from = Float.floatToRawIntBits(0x1p-9f);
        int to = Float.floatToRawIntBits(448.0f);
        for (int high = from >>> 20; high <= to >>> 20; high++) {
            for (int l : low) {
                int bits = high << 20 | l;
                float s = Float.intBitsToFloat(bits);
                if (bits >= from && bits <= to && Nvfp4Plan.ue4m3(s) != Nvfp4Plan.ue4m3Reference(s)) {
                    throw new AssertionError(String.format("UE4M3 of %s (0x%08X): reference 0x%02X, fast 0x%02X", s, bits,
                            Nvfp4Plan.ue4m3Reference(s), Nvfp4Plan.ue4m3(s)));
                }
            }
        }
    }

    @Test
    void nvfp4DequantizesEveryCodeUnderEveryScaleLikeTheReference() throws TargetException {
        int rowLength = 16 * 16;
        int rows = 128; // row r: every code under scale r (0x7F NaN, 0x00 zero, subnormal scales included)
        byte[] codes = new byte[rows * rowLength];
        byte[] scales = new byte[rows * 16];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < rowLength; i++) {
                codes[r * rowLength + i] = (byte) ((i * 7 + r) % 16);
            }
            Arrays.fill(scales, r * 16, r * 16 + 16, (byte) r);
        }
        for (OptionalInt g : List.of(OptionalInt.empty(), OptionalInt.of(Float.floatToRawIntBits(0.37f)),
                OptionalInt.of(Float.floatToRawIntBits(0x1p-135f)), OptionalInt.of(Float.floatToRawIntBits(3.0e37f)))) {
            for (SourceFormat output : CpuVectorTarget.PRECISIONS) {
                for (ElementLayout layout : List.of(ElementLayout.UNPACKED, ElementLayout.NIBBLE_LOW_FIRST)) {
                    byte[] stored = ReferenceTarget.packElements(layout, BlockFormat.NVFP4.element(), codes);
                    DequantizeRequest request = new DequantizeRequest(BlockFormat.NVFP4, BlockProfile.NVFP4_MODELOPT, output,
                            rows, rowLength, ScaleLayoutCheck.swizzle(scales, rows, 16), stored, layout,
                            ScaleLayout.SWIZZLE_128X4, g);
                    assertArrayEquals(REFERENCE.dequantize(request), TWO_THREADS.dequantize(request),
                            output + " g " + g + " " + layout);
                }
            }
        }
    }

    /**
     * Two level to BF16 and FP16: every (code, scale) under 300 random g with a full significand, so that the
     * 30-bit products hit the narrow formats' ties after an FP32 rounding (a double rounding would differ there).
     */
    @Test
    void nvfp4TwoLevelToBf16AndFp16RoundsTheExactProductOnce() throws TargetException {
        int rows = 128;
        int rowLength = 16 * 4; // row r: every code, four times, under scale r
        byte[] codes = new byte[rows * rowLength];
        byte[] scales = new byte[rows * 4];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < rowLength; i++) {
                codes[r * rowLength + i] = (byte) (i % 16);
            }
            Arrays.fill(scales, r * 4, r * 4 + 4, (byte) r);
        }
        SplittableRandom random = new SplittableRandom(2024);
        for (int n = 0; n < 300; n++) {
            float g = n == 0 ? 0x1.234566p-90f : n == 1 ? 0x1.fedcbap89f
                    : Math.scalb(1.0f + random.nextFloat(), random.nextInt(-30, 30));
            for (SourceFormat output : List.of(SourceFormat.BF16, SourceFormat.FP16)) {
                DequantizeRequest request = new DequantizeRequest(BlockFormat.NVFP4, BlockProfile.NVFP4_TORCHAO, output, rows,
                        rowLength, scales, codes, ElementLayout.UNPACKED, ScaleLayout.ROW_MAJOR,
                        OptionalInt.of(Float.floatToRawIntBits(g)));
                assertArrayEquals(REFERENCE.dequantize(request), ONE_THREAD.dequantize(request), output + " g " + g);
            }
        }
    }

    @Test
    void nvfp4BadInputIsRejected() {
        BlockFormat format = BlockFormat.NVFP4;
        QuantizeRequest zeroTensor = new QuantizeRequest(format, BlockProfile.NVFP4_MODELOPT,
                BlockProfile.NVFP4_MODELOPT.knobsFor(format), SourceFormat.FP32, 1, 32, new byte[32 * 4],
                ElementLayout.UNPACKED, ScaleLayout.ROW_MAJOR, TensorScaleMode.COMPUTED, 0);
        String referenceCode = assertThrows(TargetException.Rejected.class, () -> REFERENCE.quantize(zeroTensor)).code();
        assertEquals(referenceCode, assertThrows(TargetException.Rejected.class, () -> ONE_THREAD.quantize(zeroTensor)).code());
        assertEquals("ZERO_TENSOR_SCALE", referenceCode, "FORMAT.md §5: two-level NVFP4 computing g = 0");
        QuantizeRequest ragged = new QuantizeRequest(format, BlockProfile.NVFP4_TORCHAO,
                BlockProfile.NVFP4_TORCHAO.knobsFor(format), SourceFormat.FP32, 1, 17, new byte[17 * 4],
                ElementLayout.UNPACKED, ScaleLayout.ROW_MAJOR, TensorScaleMode.NONE, 0);
        assertEquals("RAGGED_TAIL", assertThrows(TargetException.Rejected.class, () -> ONE_THREAD.quantize(ragged)).code());
        DequantizeRequest badScale = new DequantizeRequest(format, BlockProfile.NVFP4_TORCHAO, SourceFormat.FP32, 1, 16,
                new byte[] {(byte) 0x80}, new byte[16], ElementLayout.UNPACKED, ScaleLayout.ROW_MAJOR, OptionalInt.empty());
        TargetException.Rejected e = assertThrows(TargetException.Rejected.class, () -> ONE_THREAD.dequantize(badScale));
        assertTrue(e.getMessage().contains("0x80"), e.getMessage());
    }

    // ---------------------------------------------------------------------------------------------
    // Scaled formats

    static Stream<Arguments> scaledCases() {
        List<Arguments> out = new ArrayList<>();
        for (ScaledProfile profile : ScaledProfile.values()) {
            for (ScaledFormat format : profile.formats()) {
                out.add(Arguments.of(profile, format));
            }
        }
        // knobs no profile uses, so that every rounding and application of the vector kernel is exercised
        ScaledKnobs vllm = ScaledProfile.VLLM.knobsFor(ScaledFormat.INT8_PER_TOKEN);
        out.add(Arguments.of(ScaledProfile.VLLM, ScaledFormat.INT8_PER_TOKEN, vllm.withRounding(CodeRounding.RNA)));
        out.add(Arguments.of(ScaledProfile.VLLM, ScaledFormat.INT8_PER_TOKEN, vllm.withRounding(CodeRounding.RZ)));
        return out.stream().map(a -> a.get().length == 2
                ? Arguments.of(a.get()[0], a.get()[1], ((ScaledProfile) a.get()[0]).knobsFor((ScaledFormat) a.get()[1])) : a);
    }

    @ParameterizedTest(name = "{1} {0}: quantize from every source, then dequantize, against the reference")
    @MethodSource("scaledCases")
    void scaledQuantizeAndDequantizeMatchTheReference(ScaledProfile profile, ScaledFormat format, ScaledKnobs knobs)
            throws TargetException {
        SplittableRandom random = new SplittableRandom(format.ordinal() * 131L + profile.ordinal() + 7L * knobs.rounding().ordinal());
        int[][] shapes = {{4, 256}, {3, 130}, {1, 32 * 9 + 5}, {130, 256}, {2, 7}};
        for (SourceFormat source : CpuVectorTarget.PRECISIONS) {
            for (int variant = 0; variant < shapes.length + 2; variant++) {
                int[] shape = shapes[variant < shapes.length ? variant : 0];
                int rows = shape[0];
                int cols = shape[1];
                byte[] input = scaledInput(random, source, rows, cols, format.family().qmax());
                for (int i = 0; i < rows * cols && variant >= shapes.length; i++) { // then ≥ 0 only; then ±0 only
                    int width = source.bytes();
                    int signByte = i * width + width - 1;
                    input[signByte] &= 0x7F;
                    if (variant == shapes.length + 1) {
                        Arrays.fill(input, i * width, i * width + width, (byte) 0);
                        input[signByte] = (byte) (random.nextInt(3) == 0 ? 0x80 : 0);
                    }
                }
                CpuVectorTarget target = rows > 100 ? TWO_THREADS : ONE_THREAD;
                ScaledQuantizeRequest request = new ScaledQuantizeRequest(format, profile, knobs, source, rows, cols, input,
                        ElementLayout.UNPACKED);
                ScaledQuantizeResult expected;
                try {
                    expected = REFERENCE.scaledQuantize(request);
                } catch (TargetException.Rejected e) {
                    TargetException.Rejected mine = assertThrows(TargetException.Rejected.class, () -> target.scaledQuantize(request));
                    assertEquals(e.code(), mine.code(), mine.getMessage());
                    continue;
                }
                ScaledQuantizeResult actual = target.scaledQuantize(request);
                String what = format + " " + profile + " " + source + " " + rows + "x" + cols;
                assertArrayEquals(expected.scales(), actual.scales(), what + ": scales");
                assertArrayEquals(expected.zeros(), actual.zeros(), what + ": zeros");
                if (!Arrays.equals(expected.codes(), actual.codes())) {
                    int i = Arrays.mismatch(expected.codes(), actual.codes());
                    int width = source.bytes();
                    throw new AssertionError(String.format("%s: code %d (input %s LE) expected 0x%02X got 0x%02X", what, i,
                            HexFormat.of().formatHex(input, i * width, i * width + width), expected.codes()[i] & 0xFF,
                            actual.codes()[i] & 0xFF));
                }
                ScaledDequantizeRequest back = new ScaledDequantizeRequest(format, profile, knobs, SourceFormat.FP32, rows,
                        cols, expected.codes(), expected.scales(), expected.zeros(), ElementLayout.UNPACKED);
                assertArrayEquals(REFERENCE.scaledDequantize(back), target.scaledDequantize(back), what + ": dequantize");
            }
        }
    }

    @Test
    void scaledDequantizeOfEveryCodeUnderExtremeScalesMatchesTheReference() throws TargetException {
        int cols = 256;
        byte[] codes = new byte[2 * cols];
        for (int i = 0; i < codes.length; i++) {
            codes[i] = (byte) i; // every int8 and E4M3 code (NaN 0x7F, 0xFF included)
        }
        float[][] scalePairs = {{1.0f, 0x1p-140f}, {3.0e38f, -0.0f}, {Float.MIN_VALUE, 0.0078125f}};
        for (ScaledProfile profile : List.of(ScaledProfile.VLLM, ScaledProfile.DEEPGEMM, ScaledProfile.COMPRESSED_TENSORS)) {
            ScaledFormat format = profile == ScaledProfile.DEEPGEMM ? ScaledFormat.FP8_E4M3_BLOCK_1X128 : ScaledFormat.INT8_PER_TOKEN;
            ScaledKnobs knobs = profile.knobsFor(format);
            for (float[] pair : scalePairs) {
                int blocks = format == ScaledFormat.INT8_PER_TOKEN ? 2 : 4;
                byte[] scales = new byte[4 * blocks];
                for (int b = 0; b < blocks; b++) {
                    LittleEndian.putInt(scales, 4 * b, Float.floatToRawIntBits(pair[b % 2]));
                }
                ScaledDequantizeRequest request = new ScaledDequantizeRequest(format, profile, knobs, SourceFormat.FP32, 2,
                        cols, codes, scales, new byte[0], ElementLayout.UNPACKED);
                assertArrayEquals(REFERENCE.scaledDequantize(request), ONE_THREAD.scaledDequantize(request),
                        format + " " + Arrays.toString(pair));
            }
        }
    }

    @Test
    void scaledBadInputIsRejectedLikeTheReference() {
        ScaledKnobs knobs = ScaledProfile.VLLM.knobsFor(ScaledFormat.INT8_PER_TOKEN);
        byte[] input = new byte[4 * 64];
        LittleEndian.putInt(input, 4 * 40, 0x7FC00000);
        ScaledQuantizeRequest nan = new ScaledQuantizeRequest(ScaledFormat.INT8_PER_TOKEN, ScaledProfile.VLLM, knobs,
                SourceFormat.FP32, 1, 64, input, ElementLayout.UNPACKED);
        TargetException.Rejected e = assertThrows(TargetException.Rejected.class, () -> ONE_THREAD.scaledQuantize(nan));
        assertTrue(e.getMessage().contains("element 40"), e.getMessage());
        ScaledDequantizeRequest shortScales = new ScaledDequantizeRequest(ScaledFormat.INT8_PER_TOKEN, ScaledProfile.VLLM,
                knobs, SourceFormat.FP32, 2, 64, new byte[128], new byte[4], new byte[0], ElementLayout.UNPACKED);
        assertThrows(TargetException.Rejected.class, () -> ONE_THREAD.scaledDequantize(shortScales));
    }

    /**
     * Values that hit the integer and E4M3 rounding edges: per run of 32 a random amax A, then elements
     * ±A·(k + {0, ½, ½ ± ulp, random}) / qmax for random k ≤ qmax, A itself, zeros of both signs, and values far
     * below the run's range. Finite only.
     */
    static byte[] scaledInput(SplittableRandom random, SourceFormat source, int rows, int cols, int qmax) {
        int count = rows * cols;
        byte[] out = new byte[count * source.bytes()];
        float amax = 1;
        for (int i = 0; i < count; i++) {
            if (i % 32 == 0) {
                amax = Math.scalb(1.0f + random.nextFloat(), source == SourceFormat.FP16 ? random.nextInt(-8, 8)
                        : random.nextInt(-40, 40));
            }
            int k = random.nextInt(qmax + 1);
            float step = amax / qmax;
            float value = switch (random.nextInt(10)) {
                case 0 -> amax;
                case 1 -> 0.0f;
                case 2 -> -0.0f;
                case 3 -> (k + 0.5f) * step;
                case 4 -> Math.nextUp((k + 0.5f) * step);
                case 5 -> Math.nextDown((k + 0.5f) * step);
                case 6 -> k * step * 0x1p-20f;
                default -> (k + random.nextFloat()) * step;
            };
            if (random.nextBoolean()) {
                value = -value;
            }
            if (Math.abs(value) > amax) {
                value = Math.copySign(amax, value);
            }
            switch (source) {
                case FP32 -> LittleEndian.putInt(out, 4 * i, Float.floatToRawIntBits(value));
                case BF16 -> LittleEndian.putShort(out, 2 * i, (short) (Float.floatToRawIntBits(value) >>> 16));
                case FP16 -> LittleEndian.putShort(out, 2 * i, Float.floatToFloat16(value));
                case FP64 -> throw new IllegalArgumentException();
            }
        }
        return out;
    }

    // ---------------------------------------------------------------------------------------------

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
                + request.rowLength() + " g " + request.tensorScaleMode() + " " + Float.intBitsToFloat(request.tensorScaleBits());
        assertArrayEquals(expected.scales(), actual.scales(), what + ": scales");
        assertEquals(expected.tensorScaleBits(), actual.tensorScaleBits(), what + ": g");
        if (!Arrays.equals(expected.elements(), actual.elements())) {
            int i = Arrays.mismatch(expected.elements(), actual.elements());
            int width = request.source().bytes();
            String value = HexFormat.of().formatHex(request.input(), i * width, i * width + width);
            throw new AssertionError(String.format("%s: element %d (input %s LE) expected 0x%02X got 0x%02X", what, i, value,
                    expected.elements()[i] & 0xFF, actual.elements()[i] & 0xFF));
        }
        return actual;
    }

    /** Row-major scales into the 128×4 swizzle, by the reference packer. */
    private static final class ScaleLayoutCheck {
        static byte[] swizzle(byte[] rowMajor, int rows, int blocksPerRow) {
            return org.lowbit.reference.layout.ScalePacking.pack(ScaleLayout.SWIZZLE_128X4, rowMajor, rows, blocksPerRow);
        }
    }
}
