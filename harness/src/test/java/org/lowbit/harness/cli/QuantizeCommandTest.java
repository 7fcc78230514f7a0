package org.lowbit.harness.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.lowbit.harness.cli.TensorFiles.bytes;
import static org.lowbit.harness.cli.TensorFiles.float32;
import static org.lowbit.harness.cli.TensorFiles.floats;
import static org.lowbit.harness.cli.TensorFiles.int16;
import static org.lowbit.harness.cli.TensorFiles.int32;
import static org.lowbit.harness.cli.TensorFiles.ints;
import static org.lowbit.harness.cli.TensorFiles.shorts;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.lowbit.reference.block.BlockDequantizer;
import org.lowbit.reference.block.BlockQuantizer;
import org.lowbit.reference.block.QuantizedBlocks;
import org.lowbit.reference.layout.ElementPacking;
import org.lowbit.spec.BlockFormat;
import org.lowbit.spec.BlockPolicies.TensorScaleRule;
import org.lowbit.spec.BlockProfile;
import org.lowbit.spec.ElementLayout;
import org.lowbit.spec.Rounding;
import org.lowbit.spec.SourceFormat;

/** {@code lowbit quantize} and its inverse on the block formats (MX, NVFP4). */
class QuantizeCommandTest {

    @TempDir
    Path dir;

    private TensorFiles files;

    @BeforeEach
    void setUp() {
        files = new TensorFiles(dir);
    }

    // ---------------------------------------------------------------------------------------------
    // Round trips: every block format under every profile that supports it

    static Stream<Arguments> supportedPairs() {
        List<Arguments> pairs = new ArrayList<>();
        for (BlockProfile profile : BlockProfile.values()) {
            for (BlockFormat format : BlockFormat.values()) {
                if (profile.supports(format)) {
                    pairs.add(Arguments.of(format, profile));
                }
            }
        }
        return pairs.stream();
    }

    @ParameterizedTest(name = "{0} under {1}: the codes are BlockQuantizer's and dequantize gives BlockDequantizer's values")
    @MethodSource("supportedPairs")
    void roundTripMatchesTheReference(BlockFormat format, BlockProfile profile) {
        int rows = 2;
        int cols = 64; // a whole number of blocks of 32 and of 16, so that tail REJECT profiles accept it
        int[] input = TensorFiles.randomFloat32(31L * format.ordinal() + profile.ordinal(), rows * cols);
        files.write("x.f32", int32(input));
        boolean twoLevel = profile.knobs().tensorScale() != TensorScaleRule.NONE;
        String global = twoLevel ? " --out-global g.f32" : "";
        files.lowbit("quantize --format " + format.id() + " --profile " + profile.id() + " --from f32 --shape 2,64"
                     + " --in x.f32 --out-elements e.bin --out-scales s.bin" + global).assertOk();

        QuantizedBlocks expected = BlockQuantizer.of(format, profile).withRowLength(cols).quantizeFloat32(input);
        OptionalInt g = twoLevel ? OptionalInt.of(ints(files.read("g.f32"))[0]) : OptionalInt.empty();
        QuantizedBlocks written = new QuantizedBlocks(format, rows, cols, files.read("s.bin"), files.read("e.bin"), g);
        assertEquals(expected, written);

        files.lowbit("dequantize --format " + format.id() + " --profile " + profile.id() + " --shape 2,64"
                     + " --in-elements e.bin --in-scales s.bin --out y.f32"
                     + (twoLevel ? " --in-global g.f32" : "")).assertOk();
        assertArrayEquals(BlockDequantizer.toFloat32(written), ints(files.read("y.f32")));
    }

    static Stream<Arguments> packedLayouts() {
        List<Arguments> cases = new ArrayList<>();
        for (BlockFormat format : BlockFormat.values()) {
            for (ElementLayout layout : ElementLayout.values()) {
                if (layout != ElementLayout.UNPACKED && layout.supports(format.element())) {
                    cases.add(Arguments.of(format, layout));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} in {1} with swizzled scales: the bytes are ElementPacking's, and the values come back")
    @MethodSource("packedLayouts")
    void packedLayoutsRoundTrip(BlockFormat format, ElementLayout layout) {
        String profile = format.isNvfp4() ? "nvfp4-torchao" : "ocp-mx-1.0";
        files.write("x.f32", int32(TensorFiles.randomFloat32(7L * format.ordinal() + layout.ordinal(), 3 * 64)));
        String common = " --format " + format.id() + " --profile " + profile + " --shape 3,64";
        files.lowbit("quantize" + common + " --from f32 --in x.f32 --out-elements e.bin --out-scales s.bin").assertOk();
        files.lowbit("quantize" + common + " --from f32 --in x.f32 --layout " + layout.id()
                     + " --scale-layout swizzle-128x4 --out-elements p.bin --out-scales w.bin").assertOk();

        assertArrayEquals(ElementPacking.pack(layout, format.element(), files.read("e.bin")), files.read("p.bin"));
        assertEquals(512, files.read("w.bin").length, "3 × 2 or 3 × 4 scales fill one 128×4 tile");

        files.lowbit("dequantize" + common + " --in-elements e.bin --in-scales s.bin --out y.f32").assertOk();
        files.lowbit("dequantize" + common + " --layout " + layout.id() + " --scale-layout swizzle-128x4"
                     + " --in-elements p.bin --in-scales w.bin --out z.f32").assertOk();
        assertArrayEquals(files.read("y.f32"), files.read("z.f32"));
    }

    @ParameterizedTest(name = "--from {0}: quantizes the exact widened values, as BlockQuantizer does")
    @EnumSource(value = SourceFormat.class, names = {"BF16", "FP16"})
    void sixteenBitInputs(SourceFormat source) {
        int[] wide = TensorFiles.randomFloat32(5, 64);
        short[] narrow = new short[wide.length];
        for (int i = 0; i < wide.length; i++) { // the top half of an FP32 pattern is a BF16, and most are FP16 too
            narrow[i] = (short) (source == SourceFormat.BF16 ? wide[i] >>> 16 : i * 0x1F3 & 0x7BFF);
        }
        files.write("x.bin", int16(narrow));
        files.lowbit("quantize --format mxfp8_e4m3 --profile torchao-rceil --from " + source.id()
                     + " --in x.bin --out-elements e.bin --out-scales s.bin").assertOk();
        BlockQuantizer quantizer = BlockQuantizer.of(BlockFormat.MXFP8_E4M3, BlockProfile.TORCHAO_RCEIL);
        QuantizedBlocks expected = source == SourceFormat.BF16 ? quantizer.quantizeBFloat16(narrow)
                                                                               : quantizer.quantizeFloat16(narrow);
        assertArrayEquals(expected.elementCodes(), files.read("e.bin"));
        assertArrayEquals(expected.scaleCodes(), files.read("s.bin"));
    }

    @Test
    @DisplayName("dequantize --to bf16 and --to f16 round the exact values once, as BlockDequantizer does")
    void narrowOutputs() {
        files.write("x.f32", int32(TensorFiles.randomFloat32(11, 2 * 48)));
        files.lowbit("quantize --format mxfp6_e3m2 --profile microxcaling --from f32 --shape 2,48 --in x.f32"
                     + " --out-elements e.bin --out-scales s.bin").assertOk();
        QuantizedBlocks q = new QuantizedBlocks(BlockFormat.MXFP6_E3M2, 2, 48, files.read("s.bin"), files.read("e.bin"),
                OptionalInt.empty());
        String dequantize = "dequantize --format mxfp6_e3m2 --profile microxcaling --shape 2,48"
                            + " --in-elements e.bin --in-scales s.bin";
        files.lowbit(dequantize + " --to bf16 --out y.bf16").assertOk();
        files.lowbit(dequantize + " --to f16 --out y.f16").assertOk();
        assertArrayEquals(BlockDequantizer.toBFloat16(q), shorts(files.read("y.bf16")));
        assertArrayEquals(BlockDequantizer.toFloat16(q), shorts(files.read("y.f16")));
    }

    // ---------------------------------------------------------------------------------------------
    // Worked examples from research/mx-semantics.md §1.7 and §3.7, typed in by hand

    @Test
    @DisplayName("mxfp4 [7, 1, 0.25, -3] padded to 32 under ocp-mx-1.0: scale 0x7F, codes 7 2 0 D, packed 27 D0 (§1.7, §3.7)")
    void mxfp4FloorExample() {
        files.write("x.f32", float32(7, 1, 0.25f, -3));
        files.lowbit("quantize --format mxfp4 --profile ocp-mx-1.0 --from f32 --in x.f32"
                     + " --out-elements e.bin --out-scales s.bin").assertOk();
        assertArrayEquals(bytes(0x7F), files.read("s.bin"));
        assertArrayEquals(bytes(0x7, 0x2, 0x0, 0xD), files.read("e.bin")); // 6 (7 clamped), 1, 0 (tie to even), -3

        files.lowbit("quantize --format mxfp4 --profile ocp-mx-1.0 --from f32 --layout nibble-low-first --in x.f32"
                     + " --out-elements p.bin --out-scales s.bin").assertOk();
        assertArrayEquals(bytes(0x27, 0xD0), files.read("p.bin"));

        files.lowbit("dequantize --format mxfp4 --profile ocp-mx-1.0 --layout nibble-low-first"
                     + " --in-elements p.bin --in-scales s.bin --out y.f32").assertOk();
        assertArrayEquals(new float[] {6, 1, 0, -3}, floats(files.read("y.f32")));
    }

    @Test
    @DisplayName("mxfp4 [7, 1, 0.25, -3, 0 ×28] under torchao-ceil: scale 0x80, codes 6 1 0 B, packed 16 B0, values 8 1 0 -3 (§3.7)")
    void mxfp4CeilExample() {
        float[] x = new float[32];
        x[0] = 7;
        x[1] = 1;
        x[2] = 0.25f;
        x[3] = -3;
        files.write("x.f32", float32(x));
        files.lowbit("quantize --format mxfp4 --profile torchao-ceil --from f32 --layout nibble-low-first --in x.f32"
                     + " --out-elements p.bin --out-scales s.bin").assertOk();
        assertArrayEquals(bytes(0x80), files.read("s.bin"));
        byte[] packed = files.read("p.bin");
        assertEquals(16, packed.length);
        assertArrayEquals(bytes(0x16, 0xB0, 0, 0), Arrays.copyOf(packed, 4));

        files.lowbit("dequantize --format mxfp4 --profile torchao-ceil --layout nibble-low-first"
                     + " --in-elements p.bin --in-scales s.bin --out y.f32").assertOk();
        float[] y = floats(files.read("y.f32"));
        assertArrayEquals(new float[] {8, 1, 0, -3}, Arrays.copyOf(y, 4));
    }

    @Test
    @DisplayName("mxfp8_e4m3 [480, 1, 0, -464] under ocp-mx-1.0: scale 0x7F, codes 7E 38 00 FE, values 448 1 0 -448 (§3.7)")
    void mxfp8FloorExample() {
        files.write("x.f32", float32(480, 1, 0, -464));
        files.lowbit("quantize --format mxfp8_e4m3 --profile ocp-mx-1.0 --from f32 --in x.f32"
                     + " --out-elements e.bin --out-scales s.bin").assertOk();
        assertArrayEquals(bytes(0x7F), files.read("s.bin"));
        assertArrayEquals(bytes(0x7E, 0x38, 0x00, 0xFE), files.read("e.bin"));
        files.lowbit("dequantize --format mxfp8_e4m3 --profile ocp-mx-1.0 --in-elements e.bin --in-scales s.bin"
                     + " --out y.f32").assertOk();
        assertArrayEquals(new float[] {448, 1, 0, -448}, floats(files.read("y.f32")));
    }

    @Test
    @DisplayName("nvfp4 [6, 3, 1, 0.5, 0.25, -2, 0 ×9, 0.75] under nvfp4-torchao: scale 0x38, codes 7 5 2 1 0 C 0… 2, first byte 0x57 (§3.7)")
    void nvfp4SingleLevelExample() {
        files.write("x.f32", float32(6, 3, 1, 0.5f, 0.25f, -2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.75f));
        files.lowbit("quantize --format nvfp4 --profile nvfp4-torchao --from f32 --in x.f32"
                     + " --out-elements e.bin --out-scales s.bin").assertOk();
        assertArrayEquals(bytes(0x38), files.read("s.bin"));
        assertArrayEquals(bytes(7, 5, 2, 1, 0, 0xC, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2), files.read("e.bin"));

        files.lowbit("quantize --format nvfp4 --profile nvfp4-torchao --from f32 --layout nibble-low-first --in x.f32"
                     + " --out-elements p.bin --out-scales s.bin").assertOk();
        assertArrayEquals(bytes(0x57, 0x12, 0xC0, 0, 0, 0, 0, 0x20), files.read("p.bin"));
        assertFalse(files.exists("g.f32"));
    }

    @Test
    @DisplayName("nvfp4, two blocks: single level 0x38 0x08; --tensor-scale auto g = 0x3B124925, scales 0x7E 0x1A, block 2 codes 7 5 (§3.7)")
    void nvfp4TwoLevelExample() {
        float[] x = new float[32];
        float[] first = {6, 3, 1, 0.5f, 0.25f, -2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.75f};
        System.arraycopy(first, 0, x, 0, 16);
        x[16] = 0.001f;
        x[17] = 0.0005f;
        files.write("x.f32", float32(x));
        files.lowbit("quantize --format nvfp4 --profile nvfp4-torchao --from f32 --in x.f32"
                     + " --out-elements e.bin --out-scales s.bin").assertOk();
        assertArrayEquals(bytes(0x38, 0x08), files.read("s.bin"));

        files.lowbit("quantize --format nvfp4 --profile nvfp4-torchao --tensor-scale auto --from f32 --in x.f32"
                     + " --out-elements e.bin --out-scales s.bin --out-global g.f32").assertOk();
        assertArrayEquals(int32(0x3B124925), files.read("g.f32"));
        assertArrayEquals(bytes(0x7E, 0x1A), files.read("s.bin"));
        byte[] codes = files.read("e.bin");
        assertEquals(7, codes[16]);
        assertEquals(5, codes[17]);

        // nvfp4-modelopt is two level by itself; an explicit g is used as given.
        files.lowbit("quantize --format nvfp4 --profile nvfp4-torchao --tensor-scale 0x3B124925 --from f32 --in x.f32"
                     + " --out-elements e2.bin --out-scales s2.bin --out-global g2.f32").assertOk();
        assertArrayEquals(files.read("s.bin"), files.read("s2.bin"));
        assertArrayEquals(files.read("e.bin"), files.read("e2.bin"));
        assertArrayEquals(files.read("g.f32"), files.read("g2.f32"));

        files.lowbit("dequantize --format nvfp4 --profile nvfp4-torchao --in-elements e.bin --in-scales s.bin"
                     + " --in-global g.f32 --out y.f32").assertOk();
        QuantizedBlocks q = QuantizedBlocks.ofRow(BlockFormat.NVFP4, files.read("s.bin"), codes, OptionalInt.of(0x3B124925));
        assertArrayEquals(BlockDequantizer.toFloat32(q), ints(files.read("y.f32")));
        // code 7 (6) · S 448 · g, with g = fl(6/2688) = 1.1428572 · 2^-9: the exact product is 6 + 2.68e-7,
        // above the midpoint 6 + 2^-22 between 6 and its successor, so it rounds up to 0x40C00001.
        assertEquals(0x40C00001, ints(files.read("y.f32"))[0]);
    }

    @Test
    @DisplayName("nvfp4-modelopt --tensor-scale none: single level, no --out-global")
    void tensorScaleNone() {
        files.write("x.f32", float32(6, 3, 1, 0.5f, 0.25f, -2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.75f));
        files.lowbit("quantize --format nvfp4 --profile nvfp4-modelopt --tensor-scale none --from f32 --in x.f32"
                     + " --out-elements e.bin --out-scales s.bin").assertOk();
        assertArrayEquals(bytes(0x38), files.read("s.bin"));
    }

    // ---------------------------------------------------------------------------------------------
    // Scale layout, rounding overrides

    @Test
    @DisplayName("swizzle-128x4: 3×2 scales fill one 512-byte tile; (r, c) at (r%32)·16 + (r%128/32)·4 + c%4, pad 0x00")
    void swizzledScalesOfASmallShape() {
        int[] x = new int[3 * 64];
        for (int r = 0; r < 3; r++) {
            for (int j = 0; j < 2; j++) {
                x[r * 64 + j * 32] = Float.floatToIntBits((float) Math.scalb(1.0, 10 * r + j)); // block (r, j) amax 2^(10r+j)
            }
        }
        files.write("x.f32", int32(x));
        files.lowbit("quantize --format mxfp4 --profile ocp-mx-1.0 --from f32 --shape 3,64 --scale-layout swizzle-128x4"
                     + " --in x.f32 --out-elements e.bin --out-scales w.bin").assertOk();
        byte[] stored = files.read("w.bin");
        assertEquals(512, stored.length);
        byte[] expected = new byte[512];
        for (int r = 0; r < 3; r++) {
            for (int j = 0; j < 2; j++) {
                expected[r * 16 + j] = (byte) (127 + 10 * r + j - 2); // FLOOR: s = ⌊log2 amax⌋ − emax(fp4) 2
            }
        }
        assertArrayEquals(expected, stored);
    }

    @Test
    @DisplayName("swizzle-128x4: 130 rows of 5 blocks pad to 256×8, 2048 bytes")
    void swizzledScalesPadToWholeTiles() {
        files.write("x.f32", int32(TensorFiles.randomFloat32(3, 130 * 160)));
        files.lowbit("quantize --format mxfp8_e5m2 --profile triton-round-up --from f32 --shape 130,160"
                     + " --scale-layout swizzle-128x4 --in x.f32 --out-elements e.bin --out-scales w.bin").assertOk();
        assertEquals(2048, files.read("w.bin").length);
        files.lowbit("dequantize --format mxfp8_e5m2 --profile triton-round-up --shape 130,160"
                     + " --scale-layout swizzle-128x4 --in-elements e.bin --in-scales w.bin --out y.f32").assertOk();
        files.lowbit("quantize --format mxfp8_e5m2 --profile triton-round-up --from f32 --shape 130,160"
                     + " --in x.f32 --out-elements e.bin --out-scales s.bin").assertOk();
        QuantizedBlocks q = new QuantizedBlocks(BlockFormat.MXFP8_E5M2, 130, 160, files.read("s.bin"),
                files.read("e.bin"), OptionalInt.empty());
        assertArrayEquals(BlockDequantizer.toFloat32(q), ints(files.read("y.f32")));
    }

    @Test
    @DisplayName("--rounding SR takes one random word per value; --rounding RZ overrides the profile's RNE")
    void roundingOverrides() {
        int[] x = TensorFiles.randomFloat32(17, 64);
        int[] random = TensorFiles.randomFloat32(18, 64);
        files.write("x.f32", int32(x));
        files.write("r.u32", int32(random));
        files.lowbit("quantize --format mxfp6_e2m3 --profile ocp-mx-1.0 --rounding SR --random-bits r.u32 --from f32"
                     + " --in x.f32 --out-elements e.bin --out-scales s.bin").assertOk();
        BlockQuantizer stochastic = BlockQuantizer.of(BlockFormat.MXFP6_E2M3,
                BlockProfile.OCP_MX_1_0.knobs().withElementRounding(Rounding.SR));
        assertArrayEquals(stochastic.quantizeFloat32(x, 0, x.length, random).elementCodes(), files.read("e.bin"));

        files.lowbit("quantize --format mxfp6_e2m3 --profile ocp-mx-1.0 --rounding rz --from f32"
                     + " --in x.f32 --out-elements e.bin --out-scales s.bin").assertOk();
        BlockQuantizer towardZero = BlockQuantizer.of(BlockFormat.MXFP6_E2M3,
                BlockProfile.OCP_MX_1_0.knobs().withElementRounding(Rounding.RZ));
        assertArrayEquals(towardZero.quantizeFloat32(x).elementCodes(), files.read("e.bin"));
    }

    @Test
    @DisplayName("an empty input gives empty outputs, and dequantizes to an empty file")
    void emptyInput() {
        files.write("x.f32", new byte[0]);
        files.lowbit("quantize --format mxint8 --profile ocp-mx-1.0 --from f32 --in x.f32"
                     + " --out-elements e.bin --out-scales s.bin").assertOk();
        assertEquals(0, files.read("e.bin").length);
        assertEquals(0, files.read("s.bin").length);
        files.lowbit("dequantize --format mxint8 --profile ocp-mx-1.0 --in-elements e.bin --in-scales s.bin"
                     + " --out y.f32").assertOk();
        assertEquals(0, files.read("y.f32").length);
    }

    @Test
    @DisplayName("existing outputs are replaced on success, and no temporary file is left")
    void replacesOutputsAtomically() {
        files.write("x.f32", float32(7, 1, 0.25f, -3));
        files.write("e.bin", bytes(9, 9, 9, 9, 9, 9));
        files.write("s.bin", bytes(9, 9));
        files.lowbit("quantize --format mxfp4 --profile ocp-mx-1.0 --from f32 --in x.f32"
                     + " --out-elements e.bin --out-scales s.bin").assertOk();
        assertArrayEquals(bytes(0x7, 0x2, 0x0, 0xD), files.read("e.bin"));
        assertArrayEquals(bytes(0x7F), files.read("s.bin"));
        assertEquals(List.of("e.bin", "s.bin", "x.f32"), files.names());
    }

    // ---------------------------------------------------------------------------------------------
    // Bad input: exit code 2, one line on stderr, no output file

    static Stream<Arguments> badInputs() {
        // {name, the 4 input values, arguments after "quantize", expected fragment}
        String base = "--from f32 --in x.f32 --out-elements e.bin --out-scales s.bin ";
        String mxfp4 = "--format mxfp4 --profile ocp-mx-1.0 ";
        String nvfp4 = "--format nvfp4 --profile nvfp4-torchao ";
        return Stream.of(
            Arguments.of("unknown format", "--format mxfp5 --profile ocp-mx-1.0 " + base,
                         "unknown format 'mxfp5'; block formats: mxfp8_e4m3, mxfp8_e5m2"),
            Arguments.of("unknown profile", "--format mxfp4 --profile ocp " + base,
                         "unknown block profile 'ocp'; known profiles: ocp-mx-1.0, microxcaling"),
            Arguments.of("profile without the format", "--format mxint8 --profile torchao-floor " + base,
                         "block profile torchao-floor does not support mxint8; it supports: mxfp8_e4m3, mxfp8_e5m2,"
                         + " mxfp6_e3m2, mxfp6_e2m3, mxfp4"),
            Arguments.of("scaled profile for a block format", "--format mxfp4 --profile vllm " + base,
                         "profile 'vllm' is for scaled formats, not block formats; block profiles: ocp-mx-1.0,"),
            Arguments.of("MX profile for nvfp4", "--format nvfp4 --profile ocp-mx-1.0 " + base,
                         "block profile ocp-mx-1.0 does not support nvfp4"),
            Arguments.of("unknown layout", mxfp4 + "--layout nibbles " + base,
                         "unknown element layout 'nibbles'; known layouts: unpacked, nibble-low-first"),
            Arguments.of("nibbles for fp8", "--format mxfp8_e4m3 --profile ocp-mx-1.0 --layout nibble-low-first " + base,
                         "--layout nibble-low-first cannot hold mxfp8_e4m3 elements (fp8_e4m3, 8 bits): it holds 4-bit"
                         + " codes; layouts for mxfp8_e4m3: unpacked, f8f6f4-container"),
            Arguments.of("fp6-4in3 for fp4", mxfp4 + "--layout fp6-4in3 " + base,
                         "--layout fp6-4in3 cannot hold mxfp4 elements (fp4_e2m1, 4 bits)"),
            Arguments.of("f8f6f4 container for mxint8", "--format mxint8 --profile ocp-mx-1.0 --layout f8f6f4-container "
                         + base, "cannot hold mxint8 elements"),
            Arguments.of("unknown scale layout", mxfp4 + "--scale-layout swizzle " + base,
                         "unknown scale layout 'swizzle'; known layouts: row-major, swizzle-128x4"),
            Arguments.of("tail REJECT, one row", "--format mxfp4 --profile torchao-floor " + base,
                         "length 4 is not a multiple of the mxfp4 block size 32 (tail policy REJECT"),
            Arguments.of("tail REJECT, rows of 2", "--format nvfp4 --profile nvfp4-torchao --shape 2,2 " + base,
                         "row length 2 is not a multiple of the nvfp4 block size 16"),
            Arguments.of("shape of another count", mxfp4 + "--shape 3,5 " + base,
                         "--shape 3,5 is 15 elements, but --in holds 4 f32 values"),
            Arguments.of("shape not ROWS,COLS", mxfp4 + "--shape 4x1 " + base, "--shape '4x1' is not ROWS,COLS"),
            Arguments.of("shape of zero rows", mxfp4 + "--shape 0,4 " + base, "'0' is not a positive integer"),
            Arguments.of("unknown --from", mxfp4 + "--from f8 --in x.f32 --out-elements e.bin --out-scales s.bin",
                         "unknown --from format 'f8'; allowed: f32, bf16, f16"),
            Arguments.of("input not whole values", mxfp4 + "--from f32 --in x3.bin --out-elements e.bin --out-scales s.bin",
                         "--in is 3 bytes, not a whole number of 4-byte f32 values"),
            Arguments.of("unknown rounding", mxfp4 + "--rounding nearest " + base, "unknown rounding 'nearest'"),
            Arguments.of("SR without random bits", mxfp4 + "--rounding SR " + base,
                         "rounding SR needs --random-bits FILE: one little-endian uint32 per value"),
            Arguments.of("random bits without SR", mxfp4 + "--random-bits x.f32 " + base,
                         "--random-bits is only for rounding SR, and the rounding is RNE"),
            Arguments.of("random bits of the wrong length", mxfp4 + "--rounding SR --random-bits x3.bin " + base,
                         "--random-bits is 3 bytes, but SR needs one uint32 per value: 16 bytes for 4 values"),
            Arguments.of("--tensor-scale with MX", mxfp4 + "--tensor-scale auto " + base,
                         "--tensor-scale is only for nvfp4: mxfp4 has no per-tensor scale (MX is single level)"),
            Arguments.of("--tensor-scale none with MX", mxfp4 + "--tensor-scale none " + base,
                         "--tensor-scale is only for nvfp4"),
            Arguments.of("--tensor-scale not a value", nvfp4 + "--tensor-scale 1.5 " + base,
                         "--tensor-scale '1.5': use auto, none, or the FP32 bits of g as 0xBITS"),
            Arguments.of("--tensor-scale infinite", nvfp4 + "--tensor-scale 0x7F800000 --out-global g.f32 " + base,
                         "per-tensor scale 0x7F800000 (Infinity) must be a positive finite FP32 value"),
            Arguments.of("--tensor-scale zero", nvfp4 + "--tensor-scale 0x0 --out-global g.f32 " + base,
                         "per-tensor scale 0x00000000 (0.0) must be a positive finite FP32 value"),
            Arguments.of("two level without --out-global", "--format nvfp4 --profile nvfp4-modelopt " + base,
                         "two-level nvfp4 (profile nvfp4-modelopt, tensor scale as the profile says) needs --out-global"),
            Arguments.of("--out-global with MX", mxfp4 + "--out-global g.f32 " + base,
                         "--out-global is only for two-level nvfp4, and mxfp4 here is single level (MX has no"),
            Arguments.of("--out-global single level", nvfp4 + "--out-global g.f32 " + base,
                         "single level; use --tensor-scale auto or 0xBITS"),
            Arguments.of("two level of an all-zero tensor", "--format nvfp4 --profile nvfp4-modelopt --out-global g.f32"
                         + " --from f32 --in zeros.f32 --out-elements e.bin --out-scales s.bin",
                         "the per-tensor scale amax/2688 is 0"),
            Arguments.of("--out-zeros with a block format", mxfp4 + "--out-zeros z.bin " + base,
                         "--out-zeros does not apply: mxfp4 has no zero points"),
            Arguments.of("--group-size with a block format", mxfp4 + "--group-size 32 " + base,
                         "--group-size does not apply: mxfp4 has a fixed block of 32"),
            Arguments.of("odd count in nibbles", mxfp4 + "--layout nibble-low-first --from f32 --in x3v.f32"
                         + " --out-elements e.bin --out-scales s.bin",
                         "--layout nibble-low-first packs 2 codes into 1 byte, and 3 elements are not a whole number"),
            Arguments.of("output the same as the input", mxfp4 + "--from f32 --in x.f32 --out-elements e.bin"
                         + " --out-scales x.f32", "--in and --out-scales are the same file"),
            Arguments.of("two outputs the same", mxfp4 + "--from f32 --in x.f32 --out-elements e.bin"
                         + " --out-scales e.bin", "--out-elements and --out-scales are the same file"),
            Arguments.of("missing input", mxfp4 + "--from f32 --in nothing.f32 --out-elements e.bin --out-scales s.bin",
                         "cannot read --in"),
            Arguments.of("second output's directory missing", mxfp4 + "--from f32 --in x.f32 --out-elements e.bin"
                         + " --out-scales no/such/dir/s.bin", "cannot write --out-scales"),
            Arguments.of("missing required option (picocli)", mxfp4 + "--from f32 --in x.f32 --out-elements e.bin",
                         "Missing required option: '--out-scales=FILE' (see 'lowbit quantize --help')"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputs")
    void badInputFailsWithOneLineAndNoOutput(String name, String arguments, String fragment) {
        files.write("x.f32", float32(7, 1, 0.25f, -3));
        files.write("x3.bin", new byte[3]);
        files.write("x3v.f32", float32(1, 2, 3));
        files.write("zeros.f32", new byte[64]);
        files.lowbit("quantize " + arguments).assertBadInput(fragment);
        for (String output : List.of("e.bin", "s.bin", "g.f32", "z.bin")) {
            assertFalse(files.exists(output), () -> output + " was left behind: " + files.names());
        }
        files.assertNoTemporaryFiles();
        assertAll(() -> assertArrayEquals(float32(7, 1, 0.25f, -3), files.read("x.f32"), "the input is untouched"));
    }
}
