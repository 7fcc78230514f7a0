package org.lowbit.harness.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lowbit.harness.cli.TensorFiles.bytes;
import static org.lowbit.harness.cli.TensorFiles.float32;
import static org.lowbit.harness.cli.TensorFiles.floats;
import static org.lowbit.harness.cli.TensorFiles.int32;
import static org.lowbit.harness.cli.TensorFiles.ints;
import static org.lowbit.harness.cli.TensorFiles.shorts;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.lowbit.reference.layout.ElementPacking;
import org.lowbit.reference.scaled.QuantizedTensor;
import org.lowbit.reference.scaled.ScaledCodec;
import org.lowbit.spec.ElementLayout;
import org.lowbit.spec.ScaledFormat;
import org.lowbit.spec.ScaledKnobs;
import org.lowbit.spec.ScaledPolicies.Precision;
import org.lowbit.spec.ScaledPolicies.ZeroPoint;
import org.lowbit.spec.ScaledProfile;
import org.lowbit.spec.SourceFormat;

/** {@code lowbit quantize} and {@code dequantize} on the scaled formats (INT8, FP8, INT4, GGUF). */
class QuantizeScaledTest {

    @TempDir
    Path dir;

    private TensorFiles files;

    @BeforeEach
    void setUp() {
        files = new TensorFiles(dir);
    }

    // ---------------------------------------------------------------------------------------------
    // Round trips: every scaled format under every profile that defines it

    static Stream<Arguments> definedPairs() {
        List<Arguments> pairs = new ArrayList<>();
        for (ScaledProfile profile : ScaledProfile.values()) {
            for (ScaledFormat format : profile.formats()) {
                pairs.add(Arguments.of(format, profile));
            }
        }
        return pairs.stream();
    }

    @ParameterizedTest(name = "{0} under {1}: the files hold ScaledCodec's tensor, and dequantize gives its values")
    @MethodSource("definedPairs")
    void roundTripMatchesTheReference(ScaledFormat format, ScaledProfile profile) {
        int rows = format.blockRowsSpec() == 128 ? 128 : 4;
        int cols = 256; // a whole number of every block and group width
        int[] input = TensorFiles.randomFloat32(131L * format.ordinal() + profile.ordinal(), rows * cols);
        files.write("x.f32", int32(input));
        ScaledKnobs knobs = profile.knobsFor(format);
        boolean zeros = stored(knobs.zeroPoint());
        String shape = " --shape " + rows + "," + cols;
        String common = "--format " + format.id() + " --profile " + profile.id() + shape;
        files.lowbit("quantize " + common + " --from f32 --in x.f32 --out-elements e.bin --out-scales s.bin"
                     + (zeros ? " --out-zeros z.bin" : "")).assertOk();

        QuantizedTensor expected = ScaledCodec.quantize(input, SourceFormat.FP32, rows, cols, format, profile);
        assertArrayEquals(RawArrays.lowBytes(expected.codes()), files.read("e.bin"), "element codes");
        assertArrayEquals(valueBytes(expected.scales(), knobs.scaleDtype()), files.read("s.bin"), "scales");
        if (zeros) {
            byte[] zeroBytes = knobs.zeroPoint() == ZeroPoint.INTEGER ? RawArrays.lowBytes(expected.zeros())
                                                                       : valueBytes(expected.zeros(), knobs.scaleDtype());
            assertArrayEquals(zeroBytes, files.read("z.bin"), "zero points");
        } else {
            assertFalse(files.exists("z.bin"));
        }

        files.lowbit("dequantize " + common + " --in-elements e.bin --in-scales s.bin --out y.f32"
                     + (zeros ? " --in-zeros z.bin" : "")).assertOk();
        assertArrayEquals(ScaledCodec.dequantize(expected, Precision.FP32), ints(files.read("y.f32")));
        files.lowbit("dequantize " + common + " --in-elements e.bin --in-scales s.bin --to bf16 --out y.bf16"
                     + (zeros ? " --in-zeros z.bin" : "")).assertOk();
        assertArrayEquals(RawArrays.lowHalves(ScaledCodec.dequantize(expected, Precision.BF16)), files.read("y.bf16"));
    }

    @Test
    @DisplayName("int8_per_tensor under vllm: [127, -63.5, 1, 0] has scale 1.0 (0x3F800000) and codes 7F C0 01 00")
    void int8PerTensorByHand() {
        files.write("x.f32", float32(127, -63.5f, 1, 0));
        files.lowbit("quantize --format int8_per_tensor --profile vllm --from f32 --in x.f32"
                     + " --out-elements e.bin --out-scales s.bin").assertOk();
        assertArrayEquals(int32(0x3F800000), files.read("s.bin")); // amax/127 = 1
        assertArrayEquals(bytes(0x7F, 0xC0, 0x01, 0x00), files.read("e.bin")); // -63.5 ties to even: -64
        files.lowbit("dequantize --format int8_per_tensor --profile vllm --in-elements e.bin --in-scales s.bin"
                     + " --out y.f32").assertOk();
        assertArrayEquals(new float[] {127, -64, 1, 0}, floats(files.read("y.f32")));
    }

    @Test
    @DisplayName("int4_group under awq, packed nibble-low-first: ElementPacking's bytes, fp16 scales, one zero byte per group")
    void int4GroupPacked() {
        int[] input = TensorFiles.randomFloat32(23, 2 * 128);
        files.write("x.f32", int32(input));
        String common = "--format int4_group --profile awq --group-size 64 --shape 2,128 --layout nibble-low-first";
        files.lowbit("quantize " + common + " --from f32 --in x.f32 --out-elements p.bin --out-scales s.bin"
                     + " --out-zeros z.bin").assertOk();
        ScaledKnobs knobs = ScaledProfile.AWQ.knobsFor(ScaledFormat.INT4_GROUP).withGroupSize(64);
        QuantizedTensor expected = ScaledCodec.quantize(input, SourceFormat.FP32, 2, 128, ScaledFormat.INT4_GROUP, knobs);
        assertArrayEquals(ElementPacking.pack(ElementLayout.NIBBLE_LOW_FIRST, expected.elementFormat(),
                expected.codes()), files.read("p.bin"));
        assertArrayEquals(RawArrays.lowHalves(expected.scales()), files.read("s.bin")); // 4 groups, 2 bytes each
        assertArrayEquals(RawArrays.lowBytes(expected.zeros()), files.read("z.bin"));

        files.lowbit("dequantize " + common + " --in-elements p.bin --in-scales s.bin --in-zeros z.bin --to f16"
                     + " --out y.f16").assertOk();
        assertArrayEquals(RawArrays.lowHalves(ScaledCodec.dequantize(expected, Precision.FP16)), files.read("y.f16"));
        assertEquals(256, shorts(files.read("y.f16")).length);
    }

    @Test
    @DisplayName("the help names every scaled profile under the scale dtype of its formats")
    void helpNamesEveryProfilesScaleDtype() {
        String help = ScaledFiles.HELP_SCALES;
        for (ScaledProfile profile : ScaledProfile.values()) {
            for (ScaledFormat format : profile.formats()) {
                Precision dtype = profile.knobsFor(format).scaleDtype();
                int group = help.indexOf(dtype.id() + ", " + dtype.bits() / 8 + " bytes (");
                String names = help.substring(group, help.indexOf(')', group));
                assertTrue(List.of(names.substring(names.indexOf('(') + 1).split(", ")).contains(profile.id()),
                        () -> profile + " " + format + ": " + dtype + " scales, but the help says: " + help);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Bad input

    static Stream<Arguments> badQuantizeInputs() {
        String base = " --from f32 --in x.f32 --out-elements e.bin --out-scales s.bin";
        return Stream.of(
            Arguments.of("profile without the format", "--format int4_group --profile vllm" + base,
                         "profile vllm does not define int4_group; it defines: int8_per_tensor, int8_per_token"),
            Arguments.of("unknown scaled profile", "--format int8_per_token --profile vlm" + base,
                         "unknown scaled profile 'vlm'; known profiles: vllm"),
            Arguments.of("zero points without --out-zeros", "--format int4_group --profile awq --group-size 4" + base,
                         "int4_group with rule AWQ_MIN_MAX stores a zero point per block (integer code: (q-z)*s):"
                         + " give --out-zeros FILE"),
            Arguments.of("--out-zeros without zero points", "--format int8_per_token --profile vllm --out-zeros z.bin"
                         + base, "--out-zeros does not apply: int8_per_token with rule ABSMAX has no zero point"),
            Arguments.of("--out-zeros for GGUF Q4_0", "--format gguf_q4_0 --profile gguf --out-zeros z.bin" + base,
                         "gguf_q4_0 with rule GGUF_Q4_0 has an implicit (unstored) zero point"),
            Arguments.of("swizzled scales", "--format int8_per_token --profile vllm --scale-layout swizzle-128x4" + base,
                         "--scale-layout swizzle-128x4 is for one-byte block scales (MX, NVFP4)"),
            Arguments.of("--group-size of a fixed block", "--format int8_per_token --profile vllm --group-size 4" + base,
                         "--group-size does not apply: int8_per_token has a fixed block of 1×cols"),
            Arguments.of("--group-size 0", "--format int4_group --profile hqq --group-size 0 --out-zeros z.bin" + base,
                         "--group-size 0 is not a positive group size"),
            Arguments.of("--random-bits", "--format int8_per_token --profile vllm --random-bits x.f32" + base,
                         "--random-bits does not apply: int8_per_token has no stochastic rounding"),
            Arguments.of("--tensor-scale", "--format int8_per_token --profile vllm --tensor-scale auto" + base,
                         "--tensor-scale does not apply"),
            Arguments.of("--out-global", "--format int8_per_token --profile vllm --out-global g.f32" + base,
                         "--out-global does not apply"),
            Arguments.of("tail REJECT", "--format int8_block_1x128 --profile vllm" + base,
                         "int8_block_1x128: a 1×4 tensor is not a whole number of 1×128 blocks"),
            Arguments.of("rounding that does not apply", "--format fp8_e4m3_block_1x128 --profile deepseek-v3"
                         + " --rounding RZ" + base, "rounding RZ does not apply to fp8_e4m3_block_1x128"),
            Arguments.of("rounding of the block formats", "--format int8_per_token --profile vllm --rounding SR" + base,
                         "unknown rounding 'SR' for scaled formats; allowed: RNE, RNA, RZ, HALF_UP_F32"),
            Arguments.of("block profile for a scaled format", "--format int8_per_token --profile ocp-mx-1.0" + base,
                         "profile 'ocp-mx-1.0' is for block formats, not scaled formats; scaled profiles: vllm,"),
            Arguments.of("nibbles for int8", "--format int8_per_token --profile vllm --layout nibble-low-first" + base,
                         "--layout nibble-low-first cannot hold int8_per_token elements (int8, 8 bits)"),
            Arguments.of("non-finite input", "--format int8_per_token --profile vllm --from f32 --in inf.f32"
                         + " --out-elements e.bin --out-scales s.bin", "finite inputs only"),
            Arguments.of("empty input", "--format int8_per_token --profile vllm --from f32 --in empty.f32"
                         + " --out-elements e.bin --out-scales s.bin", "--in is empty"));
    }

    @ParameterizedTest(name = "quantize: {0}")
    @MethodSource("badQuantizeInputs")
    void badQuantizeInput(String name, String arguments, String fragment) {
        writeInputs();
        files.lowbit("quantize " + arguments).assertBadInput(fragment);
        assertNoOutputs();
    }

    static Stream<Arguments> badDequantizeInputs() {
        String out = " --out y.f32";
        return Stream.of(
            Arguments.of("scales of the wrong length", "--format int8_per_token --profile vllm --shape 2,2"
                         + " --in-elements c4.bin --in-scales f1.bin" + out,
                         "--in-scales is 4 bytes, but a 2×2 int8_per_token tensor has 2 blocks of 1×2: 8 bytes of f32"
                         + " (4 bytes per block)"),
            Arguments.of("f16 scales of the wrong length", "--format gguf_q8_0 --profile gguf --in-elements c32.bin"
                         + " --in-scales f1.bin" + out, "--in-scales is 4 bytes, but a 1×32 gguf_q8_0 tensor has 1"
                         + " block of 1×32: 2 bytes of f16 (2 bytes per block)"),
            Arguments.of("zeros of the wrong length", "--format int4_group --profile gptq-asymmetric --group-size 2"
                         + " --in-elements c4.bin --in-scales h2.bin --in-zeros z1.bin" + out,
                         "--in-zeros is 1 byte, but a 1×4 int4_group tensor has 2 blocks of 1×2: 2 bytes"),
            Arguments.of("integer zero out of range", "--format int4_group --profile gptq-asymmetric --group-size 2"
                         + " --in-elements c4.bin --in-scales h2.bin --in-zeros z-bad.bin" + out,
                         "--in-zeros byte 0x10 at offset 1 is not a zero point of uint4 (0..15)"),
            Arguments.of("int4 code out of range", "--format int4_group --profile awq-symmetric --group-size 4"
                         + " --in-elements c-bad.bin --in-scales h1.bin" + out, "byte 1 is 0x10, with pad bits set"),
            Arguments.of("missing zeros", "--format int4_group --profile hqq --group-size 4 --in-elements c4.bin"
                         + " --in-scales h1.bin" + out, "give --in-zeros FILE"),
            Arguments.of("tail REJECT", "--format gguf_q8_0 --profile gguf --in-elements c4.bin --in-scales h1.bin" + out,
                         "gguf_q8_0: a 1×4 tensor is not a whole number of 1×32 blocks (profile tail policy REJECT)"),
            Arguments.of("--in-global", "--format int8_per_token --profile vllm --in-elements c4.bin --in-scales f1.bin"
                         + " --in-global f1.bin" + out, "--in-global does not apply"),
            Arguments.of("empty elements", "--format int8_per_token --profile vllm --in-elements empty.f32"
                         + " --in-scales f1.bin" + out, "--in-elements is empty"));
    }

    @ParameterizedTest(name = "dequantize: {0}")
    @MethodSource("badDequantizeInputs")
    void badDequantizeInput(String name, String arguments, String fragment) {
        writeInputs();
        files.lowbit("dequantize " + arguments).assertBadInput(fragment);
        assertNoOutputs();
    }

    // ---------------------------------------------------------------------------------------------

    private void writeInputs() {
        files.write("x.f32", float32(1, -2, 3, -4));
        files.write("inf.f32", float32(1, Float.POSITIVE_INFINITY, 3, -4));
        files.write("empty.f32", new byte[0]);
        files.write("c4.bin", bytes(1, 2, 3, 4));
        files.write("c-bad.bin", bytes(1, 0x10, 3, 4));
        files.write("c32.bin", new byte[32]);
        files.write("f1.bin", float32(1));
        files.write("h1.bin", bytes(0x00, 0x3C)); // f16 1.0
        files.write("h2.bin", bytes(0x00, 0x3C, 0x00, 0x3C));
        files.write("z1.bin", bytes(8));
        files.write("z-bad.bin", bytes(8, 0x10));
    }

    private void assertNoOutputs() {
        for (String output : List.of("e.bin", "s.bin", "z.bin", "g.f32", "y.f32")) {
            assertFalse(files.exists(output), () -> output + " was left behind: " + files.names());
        }
        files.assertNoTemporaryFiles();
    }

    private static boolean stored(ZeroPoint zeroPoint) {
        return zeroPoint == ZeroPoint.INTEGER || zeroPoint == ZeroPoint.FLOAT || zeroPoint == ZeroPoint.MIN;
    }

    private static byte[] valueBytes(int[] bits, Precision dtype) {
        return dtype == Precision.FP32 ? int32(bits) : RawArrays.lowHalves(bits);
    }
}
