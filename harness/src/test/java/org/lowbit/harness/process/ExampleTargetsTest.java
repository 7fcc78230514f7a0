package org.lowbit.harness.process;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.lowbit.conformance.target.CapabilityManifest;
import org.lowbit.conformance.target.DecodeRequest;
import org.lowbit.conformance.target.DequantizeRequest;
import org.lowbit.conformance.target.Operation;
import org.lowbit.conformance.target.QuantizeRequest;
import org.lowbit.conformance.target.QuantizeResult;
import org.lowbit.conformance.target.ReferenceTarget;
import org.lowbit.conformance.target.Target;
import org.lowbit.conformance.target.TargetException;
import org.lowbit.spec.BlockFormat;
import org.lowbit.spec.BlockKnobs;
import org.lowbit.spec.BlockPolicies.TailPolicy;
import org.lowbit.spec.BlockProfile;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.ElementLayout;
import org.lowbit.spec.ScaleLayout;
import org.lowbit.spec.SourceFormat;
import org.lowbit.spec.SplitMix64;
import org.lowbit.vectors.TensorScaleMode;

/**
 * The C and Python example targets, driven through {@link ProcessTarget}: every MXFP8 E4M3 and MXFP4
 * {@code ocp-mx-1.0} golden quantize vector (against the vector's expected bytes and the reference target),
 * dequantization of those codes into f32, bf16 and f16, random blocks in every claimed source, output and
 * layout, and the inputs the reference rejects. The C example also runs built with ASan and UBSan.
 */
class ExampleTargetsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final BlockProfile PROFILE = BlockProfile.OCP_MX_1_0;
    private static final List<BlockFormat> FORMATS = List.of(BlockFormat.MXFP8_E4M3, BlockFormat.MXFP4);
    private static final List<SourceFormat> PRECISIONS = List.of(SourceFormat.FP32, SourceFormat.BF16, SourceFormat.FP16);
    private static final HexFormat HEX = HexFormat.of();
    private final ReferenceTarget reference = new ReferenceTarget();

    static Stream<String> examples() {
        return Stream.of("c", "c-asan", "python");
    }

    private static ProcessTarget open(String example) {
        return switch (example) {
            case "c" -> ExampleTargets.c(TIMEOUT);
            case "c-asan" -> ExampleTargets.cWithSanitizers(TIMEOUT);
            case "python" -> ExampleTargets.python(TIMEOUT);
            default -> throw new IllegalArgumentException(example);
        };
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    @DisplayName("the manifest claims MXFP8 E4M3 and MXFP4 quantize and dequantize under ocp-mx-1.0, f32/bf16/f16, unpacked, row-major")
    void manifestClaims(String example) throws Exception {
        try (ProcessTarget target = open(example)) {
            CapabilityManifest m = target.manifest();
            for (BlockFormat format : FORMATS) {
                for (Operation op : List.of(Operation.QUANTIZE, Operation.DEQUANTIZE)) {
                    var claim = m.claim(op, format.id(), PROFILE.id()).orElseThrow(() -> new AssertionError(op + " " + format));
                    assertEquals(Set.copyOf(PRECISIONS), claim.precisions());
                    assertTrue(claim.elementLayouts().contains("unpacked"));
                    assertEquals(Set.of("row-major"), claim.scaleLayouts());
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    @DisplayName("every mxfp8_e4m3 and mxfp4 ocp-mx-1.0 golden quantize vector: the vector's bytes, and its codes dequantized as the reference does")
    void goldenVectors(String example) throws Exception {
        int checked = 0;
        try (ProcessTarget target = open(example)) {
            for (BlockFormat format : FORMATS) {
                Path file = ExampleTargets.root().resolve("vectors/golden/quantize/quantize_" + format.id() + "_" + PROFILE.id() + ".json");
                JsonNode root = new ObjectMapper().readTree(file.toFile());
                for (JsonNode group : root.get("testGroups")) {
                    int rows = group.get("rows").asInt();
                    int rowLength = group.get("rowLength").asInt();
                    SourceFormat source = SourceFormat.byId(group.get("source").asText());
                    for (JsonNode test : group.get("tests")) {
                        String where = format.id() + " tcId " + test.get("tcId").asInt();
                        JsonNode expected = test.get("expected");
                        QuantizeRequest q = quantizeRequest(format, PROFILE.knobs(), source, rows, rowLength,
                                HEX.parseHex(test.get("input").asText()), ElementLayout.UNPACKED);
                        QuantizeResult got = target.quantize(q);
                        assertEquals(expected.get("scales").asText(), HEX.formatHex(got.scales()), where + " scales");
                        assertEquals(expected.get("elements").asText(), HEX.formatHex(got.elements()), where + " elements");
                        byte[] scales = HEX.parseHex(expected.get("scales").asText());
                        byte[] elements = HEX.parseHex(expected.get("elements").asText());
                        for (SourceFormat output : PRECISIONS) {
                            DequantizeRequest d = dequantizeRequest(format, output, rows, rowLength, scales, elements, ElementLayout.UNPACKED);
                            assertEquals(HEX.formatHex(reference.dequantize(d)), HEX.formatHex(target.dequantize(d)),
                                    where + " dequantized to " + output);
                        }
                        assertSameFloat32(expected.get("dequantized").asText(), target.dequantize(
                                dequantizeRequest(format, SourceFormat.FP32, rows, rowLength, scales, elements, ElementLayout.UNPACKED)), where);
                        checked++;
                    }
                }
            }
            assertEquals(1, target.starts(), "the child never restarted");
        }
        assertTrue(checked >= 100, "only " + checked + " golden vectors were checked");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    @DisplayName("random blocks in every source, output and layout agree with the reference target bit for bit")
    void randomBlocksAgreeWithTheReference(String example) throws Exception {
        SplitMix64 random = new SplitMix64(0x5EED_0005L);
        int[] rowLengths = {1, 2, 5, 31, 32, 33, 64, 95, 128};
        try (ProcessTarget target = open(example)) {
            for (int i = 0; i < 240; i++) {
                BlockFormat format = FORMATS.get(i % 2);
                SourceFormat precision = PRECISIONS.get(i / 2 % 3);
                ElementLayout layout = format == BlockFormat.MXFP4 && i / 6 % 2 == 1 ? ElementLayout.NIBBLE_LOW_FIRST : ElementLayout.UNPACKED;
                int rows = 1 + (int) Long.remainderUnsigned(random.nextLong(), 3);
                int rowLength = rowLengths[(int) Long.remainderUnsigned(random.nextLong(), rowLengths.length)];
                String where = String.format(Locale.ROOT, "case %d: %s %s %s %d×%d", i, format.id(), precision, layout.id(), rows, rowLength);
                byte[] input = RandomInputs.tensor(random, precision, rows * rowLength);
                QuantizeRequest q = quantizeRequest(format, PROFILE.knobs(), precision, rows, rowLength, input, layout);
                agree(where + " quantize", () -> concat(reference.quantize(q)), () -> concat(target.quantize(q)));

                int blocks = rows * Math.ceilDiv(rowLength, 32);
                byte[] scales = RandomInputs.scales(random, blocks);
                byte[] elements = RandomInputs.codes(random, format.element(), layout, rows * rowLength);
                DequantizeRequest d = dequantizeRequest(format, precision, rows, rowLength, scales, elements, layout);
                agree(where + " dequantize", () -> reference.dequantize(d), () -> target.dequantize(d));
            }
            assertEquals(1, target.starts(), "the child never restarted");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    @DisplayName("rejects what the reference rejects: a ragged tail under tail REJECT, a pad bit, a wrong scale count, odd nibbles")
    void rejectsWhatTheReferenceRejects(String example) throws Exception {
        BlockKnobs reject = PROFILE.knobs().withTail(TailPolicy.REJECT);
        byte[] ragged = new byte[4 * 33];
        try (ProcessTarget target = open(example)) {
            for (BlockFormat format : FORMATS) {
                QuantizeRequest q = quantizeRequest(format, reject, SourceFormat.FP32, 1, 33, ragged, ElementLayout.UNPACKED);
                assertEquals("RAGGED_TAIL", rejection(() -> concat(reference.quantize(q))));
                assertEquals("RAGGED_TAIL", rejection(() -> concat(target.quantize(q))), format.id());
                QuantizeRequest whole = quantizeRequest(format, reject, SourceFormat.FP32, 1, 64, new byte[4 * 64], ElementLayout.UNPACKED);
                assertArrayEquals(concat(reference.quantize(whole)), concat(target.quantize(whole)), "tail REJECT on whole blocks");

                DequantizeRequest wrongScales = dequantizeRequest(format, SourceFormat.FP32, 1, 64, new byte[1], new byte[64], ElementLayout.UNPACKED);
                assertEquals("OUT_OF_RANGE", rejection(() -> reference.dequantize(wrongScales)));
                assertEquals("OUT_OF_RANGE", rejection(() -> target.dequantize(wrongScales)), format.id());
            }
            byte[] padBit = new byte[32];
            padBit[17] = 0x17;
            DequantizeRequest d = dequantizeRequest(BlockFormat.MXFP4, SourceFormat.FP32, 1, 32, new byte[] {0x7F}, padBit, ElementLayout.UNPACKED);
            assertEquals("OUT_OF_RANGE", rejection(() -> reference.dequantize(d)));
            assertEquals("OUT_OF_RANGE", rejection(() -> target.dequantize(d)));
            QuantizeRequest odd = quantizeRequest(BlockFormat.MXFP4, PROFILE.knobs(), SourceFormat.FP32, 1, 3, new byte[12], ElementLayout.NIBBLE_LOW_FIRST);
            assertEquals("OUT_OF_RANGE", rejection(() -> concat(reference.quantize(odd))));
            assertEquals("OUT_OF_RANGE", rejection(() -> concat(target.quantize(odd))));
            assertEquals(1, target.starts(), "a rejection does not restart the child");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    @DisplayName("answers NOT_SUPPORTED for what it does not claim, and goes on serving")
    void notSupported(String example) throws Exception {
        try (ProcessTarget target = open(example)) {
            assertThrows(TargetException.NotSupported.class,
                    () -> target.decode(new DecodeRequest(ElementFormat.FP8_E4M3, new byte[] {1, 2})));
            QuantizeRequest e5m2 = quantizeRequest(BlockFormat.MXFP8_E5M2, PROFILE.knobs(), SourceFormat.FP32, 1, 32, new byte[128], ElementLayout.UNPACKED);
            assertThrows(TargetException.NotSupported.class, () -> target.quantize(e5m2));
            QuantizeRequest swizzled = new QuantizeRequest(BlockFormat.MXFP4, PROFILE, PROFILE.knobs(), SourceFormat.FP32, 1, 32,
                    new byte[128], ElementLayout.UNPACKED, ScaleLayout.SWIZZLE_128X4, TensorScaleMode.NONE, 0);
            assertThrows(TargetException.NotSupported.class, () -> target.quantize(swizzled));
            QuantizeRequest ok = quantizeRequest(BlockFormat.MXFP4, PROFILE.knobs(), SourceFormat.FP32, 1, 32, new byte[128], ElementLayout.UNPACKED);
            assertArrayEquals(concat(reference.quantize(ok)), concat(target.quantize(ok)));
        }
    }

    // ---------------------------------------------------------------------------------------------

    static QuantizeRequest quantizeRequest(BlockFormat format, BlockKnobs knobs, SourceFormat source, int rows, int rowLength,
                                           byte[] input, ElementLayout layout) {
        return new QuantizeRequest(format, PROFILE, knobs, source, rows, rowLength, input, layout, ScaleLayout.ROW_MAJOR,
                TensorScaleMode.NONE, 0);
    }

    static DequantizeRequest dequantizeRequest(BlockFormat format, SourceFormat output, int rows, int rowLength, byte[] scales,
                                               byte[] elements, ElementLayout layout) {
        return new DequantizeRequest(format, PROFILE, output, rows, rowLength, scales, elements, layout, ScaleLayout.ROW_MAJOR,
                OptionalInt.empty());
    }

    /** scales, then elements: one byte string to compare. */
    static byte[] concat(QuantizeResult r) {
        byte[] out = new byte[r.scales().length + r.elements().length];
        System.arraycopy(r.scales(), 0, out, 0, r.scales().length);
        System.arraycopy(r.elements(), 0, out, r.scales().length, r.elements().length);
        return out;
    }

    interface Call {
        byte[] get() throws TargetException;
    }

    /** Both answer the same bytes, or both reject with the same code. */
    private static void agree(String where, Call expected, Call actual) throws TargetException {
        String want = outcome(expected);
        String got = outcome(actual);
        int at = 0;
        while (at < Math.min(want.length(), got.length()) && want.charAt(at) == got.charAt(at)) {
            at++;
        }
        assertEquals(want, got, where + ": first difference at byte " + at / 2);
    }

    private static String outcome(Call call) throws TargetException {
        try {
            return HEX.formatHex(call.get());
        } catch (TargetException.Rejected e) {
            return "rejected " + e.code();
        }
    }

    private static String rejection(Call call) {
        try {
            call.get();
            return fail("expected a rejection");
        } catch (TargetException.Rejected e) {
            return e.code();
        } catch (TargetException e) {
            return fail("expected a rejection, got " + e);
        }
    }

    /** The vector's FP32 values (FORMAT.md §5: an expected NaN matches any NaN), against the target's. */
    private static void assertSameFloat32(String expectedHex, byte[] actual, String where) {
        ByteBuffer want = ByteBuffer.wrap(HEX.parseHex(expectedHex)).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer got = ByteBuffer.wrap(actual).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(want.capacity(), got.capacity(), where + " dequantized length");
        for (int i = 0; i < want.capacity() / 4; i++) {
            int w = want.getInt(4 * i);
            int g = got.getInt(4 * i);
            boolean bothNaN = Float.isNaN(Float.intBitsToFloat(w)) && Float.isNaN(Float.intBitsToFloat(g));
            if (w != g && !bothNaN) {
                fail(String.format(Locale.ROOT, "%s dequantized[%d]: expected 0x%08X, got 0x%08X", where, i, w, g));
            }
        }
    }
}
