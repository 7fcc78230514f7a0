package org.lowbit.harness.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.lowbit.harness.cli.TensorFiles.bytes;
import static org.lowbit.harness.cli.TensorFiles.floats;
import static org.lowbit.harness.cli.TensorFiles.int32;

import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code lowbit dequantize} on the block formats: the special values, and every bad input. */
class DequantizeCommandTest {

    @TempDir
    Path dir;

    private TensorFiles files;

    @BeforeEach
    void setUp() {
        files = new TensorFiles(dir);
    }

    @Test
    @DisplayName("E8M0 0xFF makes the block NaN; 0x00 is 2^-127, never 0; an E5M2 Inf code stays Inf (SPEC.md §8.7)")
    void specialScalesAndCodes() {
        files.write("e.bin", bytes(0x3C, 0x7C, 0xFC, 0x00));
        files.write("nan.bin", bytes(0xFF));
        files.write("tiny.bin", bytes(0x00));
        String common = "dequantize --format mxfp8_e5m2 --profile ocp-mx-1.0 --in-elements e.bin --out y.f32 ";
        files.lowbit(common + "--in-scales nan.bin").assertOk();
        assertArrayEquals(int32(0x7FC00000, 0x7FC00000, 0x7FC00000, 0x7FC00000), files.read("y.f32"));
        files.lowbit(common + "--in-scales tiny.bin").assertOk();
        float[] y = floats(files.read("y.f32"));
        assertArrayEquals(new float[] {(float) Math.scalb(1.0, -127), Float.POSITIVE_INFINITY,
                                       Float.NEGATIVE_INFINITY, 0f}, y);
    }

    // ---------------------------------------------------------------------------------------------
    // Bad input: exit code 2, one line on stderr, no output file

    static Stream<Arguments> badInputs() {
        // {name, arguments after "dequantize" (files as below), expected fragment}
        // fp4x4: 4 fp4 codes; s1: one scale 0x7F; fp4x32: 32 codes; nv16: 16 codes; g: a valid FP32 g.
        String out = " --out y.f32";
        String mxfp4 = "--format mxfp4 --profile ocp-mx-1.0 ";
        String nvfp4 = "--format nvfp4 --profile nvfp4-torchao --in-elements nv16.bin ";
        return Stream.of(
            Arguments.of("unknown format", "--format fp4 --profile ocp-mx-1.0 --in-elements fp4x4.bin --in-scales s1.bin"
                         + out, "unknown format 'fp4'; block formats:"),
            Arguments.of("unknown profile", "--format mxfp4 --profile torchao --in-elements fp4x4.bin --in-scales s1.bin"
                         + out, "unknown block profile 'torchao'"),
            Arguments.of("profile without the format", "--format mxfp6_e2m3 --profile triton-round-up"
                         + " --in-elements fp4x4.bin --in-scales s1.bin" + out,
                         "block profile triton-round-up does not support mxfp6_e2m3; it supports: mxfp8_e4m3, mxfp8_e5m2,"
                         + " mxfp4"),
            Arguments.of("layout that does not fit", "--format mxfp6_e3m2 --profile ocp-mx-1.0 --layout nibble-high-first"
                         + " --in-elements fp4x4.bin --in-scales s1.bin" + out,
                         "--layout nibble-high-first cannot hold mxfp6_e3m2 elements (fp6_e3m2, 6 bits)"),
            Arguments.of("fp4 code with pad bits", mxfp4 + "--in-elements bad-fp4.bin --in-scales s1.bin" + out,
                         "--in-elements is not valid fp4_e2m1 in unpacked: byte 2 is 0x10, with pad bits set"),
            Arguments.of("fp6 code with pad bits", "--format mxfp6_e2m3 --profile ocp-mx-1.0 --in-elements bad-fp6.bin"
                         + " --in-scales s1.bin" + out, "byte 0 is 0x40, with pad bits set"),
            Arguments.of("ue4m3 scale 0x80", nvfp4 + "--in-scales s80.bin" + out,
                         "scale code 0x80 at index 0 is out of range for ue4m3"),
            Arguments.of("fp6-4in3 not whole containers", "--format mxfp6_e3m2 --profile ocp-mx-1.0 --layout fp6-4in3"
                         + " --in-elements fp4x4.bin --in-scales s1.bin" + out,
                         "--in-elements is 4 bytes, not a whole number of fp6-4in3 containers (4 codes in 3 bytes)"),
            Arguments.of("scales of the wrong length", mxfp4 + "--in-elements fp4x32.bin --in-scales s2.bin" + out,
                         "--in-scales is 2 bytes, but a 1×32 mxfp4 tensor has 1×1 blocks of 32: 1 byte in row-major"),
            Arguments.of("scales too short for the shape", mxfp4 + "--shape 2,16 --in-elements fp4x32.bin"
                         + " --in-scales s1.bin" + out, "--in-scales is 1 byte, but a 2×16 mxfp4 tensor has 2×1 blocks"),
            Arguments.of("swizzled scales of the wrong length", mxfp4 + "--scale-layout swizzle-128x4"
                         + " --in-elements fp4x32.bin --in-scales s1.bin" + out,
                         "--in-scales is 1 byte, but a 1×32 mxfp4 tensor has 1×1 blocks of 32: 512 bytes in"
                         + " swizzle-128x4 (one byte per block, padded to 128×4)"),
            Arguments.of("swizzle pad byte not zero", mxfp4 + "--scale-layout swizzle-128x4 --in-elements fp4x32.bin"
                         + " --in-scales w-bad.bin" + out, "--in-scales: pad byte at offset 1 (row 0, col 1"),
            Arguments.of("shape of another count", mxfp4 + "--shape 2,32 --in-elements fp4x32.bin --in-scales s1.bin" + out,
                         "--shape 2,32 is 64 elements, but --in-elements holds 32 fp4_e2m1 codes"),
            Arguments.of("tail REJECT", "--format mxfp4 --profile torchao-even --in-elements fp4x4.bin --in-scales s1.bin"
                         + out, "length 4 is not a multiple of the mxfp4 block size 32 (profile tail policy REJECT)"),
            Arguments.of("unknown --to", mxfp4 + "--in-elements fp4x4.bin --in-scales s1.bin --to f64" + out,
                         "unknown --to format 'f64'; allowed: f32, bf16, f16"),
            Arguments.of("--in-global with MX", mxfp4 + "--in-elements fp4x4.bin --in-scales s1.bin --in-global g.f32"
                         + out, "--in-global is only for two-level nvfp4: mxfp4 has no per-tensor scale"),
            Arguments.of("two-level profile without --in-global", "--format nvfp4 --profile nvfp4-modelopt"
                         + " --in-elements nv16.bin --in-scales s1.bin" + out,
                         "profile nvfp4-modelopt is two-level: give --in-global FILE"),
            Arguments.of("--in-global of 3 bytes", nvfp4 + "--in-scales s1.bin --in-global s3.bin" + out,
                         "--in-global is 3 bytes; the per-tensor scale g is one FP32 value, 4 bytes little-endian"),
            Arguments.of("--in-global negative", nvfp4 + "--in-scales s1.bin --in-global gneg.f32" + out,
                         "per-tensor scale 0xBF800000 (-1.0) must be a positive finite FP32 value"),
            Arguments.of("--in-zeros with a block format", mxfp4 + "--in-elements fp4x4.bin --in-scales s1.bin"
                         + " --in-zeros s1.bin" + out, "--in-zeros does not apply: mxfp4 has no zero points"),
            Arguments.of("--out the same as an input", mxfp4 + "--in-elements fp4x4.bin --in-scales s1.bin"
                         + " --out s1.bin", "--in-scales and --out are the same file"),
            Arguments.of("missing scales file", mxfp4 + "--in-elements fp4x4.bin --in-scales nothing.bin" + out,
                         "cannot read --in-scales"),
            Arguments.of("missing required option (picocli)", mxfp4 + "--in-elements fp4x4.bin" + out,
                         "Missing required option: '--in-scales=FILE' (see 'lowbit dequantize --help')"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputs")
    void badInputFailsWithOneLineAndNoOutput(String name, String arguments, String fragment) {
        files.write("fp4x4.bin", bytes(7, 2, 0, 0xD));
        files.write("fp4x32.bin", new byte[32]);
        files.write("nv16.bin", new byte[16]);
        files.write("bad-fp4.bin", bytes(7, 2, 0x10, 0xD));
        files.write("bad-fp6.bin", bytes(0x40, 1, 2, 3));
        files.write("s1.bin", bytes(0x7F));
        files.write("s2.bin", bytes(0x7F, 0x7F));
        files.write("s3.bin", bytes(1, 2, 3));
        files.write("s80.bin", bytes(0x80));
        byte[] swizzled = new byte[512];
        swizzled[0] = 0x7F;
        swizzled[1] = 0x7F; // (row 0, col 1) is padding for one column of blocks
        files.write("w-bad.bin", swizzled);
        files.write("g.f32", int32(0x3B124925));
        files.write("gneg.f32", int32(0xBF800000));
        files.lowbit("dequantize " + arguments).assertBadInput(fragment);
        assertFalse(files.exists("y.f32"), () -> "y.f32 was left behind: " + files.names());
        files.assertNoTemporaryFiles();
        assertArrayEquals(bytes(0x7F), files.read("s1.bin"), "the input is untouched");
    }
}
