package org.lowbit.harness.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lowbit.harness.cli.CliRun.lowbit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.lowbit.spec.ElementFormat;

class ConvertCommandTest {

    @TempDir
    Path dir;

    // ---------------------------------------------------------------------------------------------
    // Round trips: every code of every format, decoded to f32 and encoded back

    @ParameterizedTest(name = "{0}: every code decodes to f32 and encodes back under ocp")
    @EnumSource(ElementFormat.class)
    void everyCodeRoundTripsUnderOcp(ElementFormat format) throws IOException {
        byte[] back = roundTrip(format, "ocp");
        for (int code = 0; code < format.codeCount(); code++) {
            int actual = back[code] & 0xFF;
            String where = String.format("%s code 0x%02X came back as 0x%02X", format, code, actual);
            if (format.isNaNCode(code)) {
                assertTrue(format.isNaNCode(actual), where);
            } else if (format.isInfinityCode(code)) {
                // ocp encodes FP8 in the OFP8 saturating mode: ±Inf becomes ±max.
                assertEquals(format.maxFiniteCode() | (code & format.signMask()), actual, where);
            } else if (format.isInteger() && format.isSigned() && code == 1 << (format.bits() - 1)) {
                // ocp's integers are SYMMETRIC: the most negative code (-128, -8, mxint8 -2) clamps to -max.
                assertEquals(code + 1, actual, where);
            } else {
                assertEquals(code, actual, where); // -0 included
            }
        }
    }

    @Test
    @DisplayName("fp8_e5m2: ±Inf round-trips under ml-dtypes (NONSAT)")
    void infinityRoundTripsUnderNonSaturating() throws IOException {
        byte[] back = roundTrip(ElementFormat.FP8_E5M2, "ml-dtypes");
        assertEquals(0x7C, back[0x7C] & 0xFF);
        assertEquals(0xFC, back[0xFC] & 0xFF);
    }

    @ParameterizedTest(name = "{0}: every code round-trips in the FULL range of cuda-satfinite")
    @EnumSource(value = ElementFormat.class, names = {"INT8", "MXINT8", "INT4", "UINT4"})
    void everyIntegerCodeRoundTripsInTheFullRange(ElementFormat format) throws IOException {
        byte[] back = roundTrip(format, "cuda-satfinite");
        for (int code = 0; code < format.codeCount(); code++) {
            assertEquals(code, back[code] & 0xFF, format + " code " + code);
        }
    }

    private byte[] roundTrip(ElementFormat format, String profile) throws IOException {
        byte[] codes = new byte[format.codeCount()];
        for (int code = 0; code < codes.length; code++) {
            codes[code] = (byte) code;
        }
        Path codesFile = write("codes.bin", codes);
        Path values = dir.resolve("values.f32");
        Path back = dir.resolve("back.bin");
        lowbit("convert", "--from", format.id(), "--to", "f32", "--in", codesFile.toString(), "--out", values.toString())
                .assertOk();
        assertEquals(4L * codes.length, Files.size(values));
        lowbit("convert", "--from", "f32", "--to", format.id(), "--profile", profile,
                "--in", values.toString(), "--out", back.toString()).assertOk();
        return Files.readAllBytes(back);
    }

    // ---------------------------------------------------------------------------------------------
    // Known values, worked out by hand

    @Test
    @DisplayName("fp8_e4m3: 464 is the tie 448|480 (to 448), 465 overflows: NaN under ml-dtypes, 448 under cuda-satfinite")
    void float32ToE4m3KnownValues() throws IOException {
        // 448 = 1.75·2^8 = 0 1111 110 = 0x7E; 480 would be 0 1111 111, which is NaN (0x7F).
        // 4.25 is the tie between 4 = 0 1001 000 (0x48) and 4.5 = 0 1001 001 (0x49): RNE takes 0x48.
        Path in = writeFloat32("values.f32", 464f, 465f, 4.25f, -464f, -4.25f);
        assertArrayEquals(bytes(0x7E, 0x7E, 0x48, 0xFE, 0xC8), encode("f32", "fp8_e4m3", "ocp", in));
        assertArrayEquals(bytes(0x7E, 0x7F, 0x48, 0xFE, 0xC8), encode("f32", "fp8_e4m3", "ml-dtypes", in));
        assertArrayEquals(bytes(0x7E, 0x7E, 0x48, 0xFE, 0xC8), encode("f32", "fp8_e4m3", "cuda-satfinite", in));
    }

    @Test
    @DisplayName("fp4_e2m1: bf16 0x3FC0 and f16 0x3E00 (both 1.5) encode to 0 01 1 = 0x3")
    void wideInputsOfOneAndAHalfToFp4() throws IOException {
        assertArrayEquals(bytes(0x3, 0xB), encode("bf16", "fp4_e2m1", "ocp", writeShorts("v.bf16", 0x3FC0, 0xBFC0)));
        assertArrayEquals(bytes(0x3, 0xB), encode("f16", "fp4_e2m1", "ocp", writeShorts("v.f16", 0x3E00, 0xBE00)));
    }

    @Test
    @DisplayName("e8m0: code 0x00 decodes to 2^-127, the FP32 subnormal 0x00400000; 0x7F to 1.0; 0xFF to NaN")
    void e8m0Decode() throws IOException {
        Path in = write("scales.e8m0", bytes(0x00, 0x7F, 0xFF));
        Path out = dir.resolve("scales.f32");
        lowbit("convert", "--from", "e8m0", "--to", "f32", "--in", in.toString(), "--out", out.toString()).assertOk();
        ByteBuffer values = ByteBuffer.wrap(Files.readAllBytes(out)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0x00400000, values.getInt(0));
        assertEquals(0x3F800000, values.getInt(4));
        assertTrue(Float.isNaN(values.getFloat(8)));
    }

    @Test
    @DisplayName("SR: 4.25 (halfway, floor(f·2^32) = 2^31) rounds up iff the random bits are at least 0x80000000")
    void stochasticRoundingUsesTheRandomBits() throws IOException {
        Path in = writeFloat32("values.f32", 4.25f, 4.25f, 4.25f);
        Path random = writeInts("random.u32", 0x00000000, 0x7FFFFFFF, 0x80000000);
        Path out = dir.resolve("codes.bin");
        lowbit("convert", "--from", "f32", "--to", "fp8_e4m3", "--profile", "ocp", "--rounding", "sr",
                "--random-bits", random.toString(), "--in", in.toString(), "--out", out.toString()).assertOk();
        assertArrayEquals(bytes(0x48, 0x48, 0x49), Files.readAllBytes(out));
    }

    @Test
    @DisplayName("--rounding and --overflow override the profile: 465 under ocp with NONSAT is NaN, 463 with RZ is 448")
    void knobOverrides() throws IOException {
        Path in = writeFloat32("values.f32", 465f, 463f);
        Path out = dir.resolve("codes.bin");
        lowbit("convert", "--from", "f32", "--to", "fp8_e4m3", "--profile", "ocp", "--overflow", "nonsat",
                "--rounding", "RZ", "--in", in.toString(), "--out", out.toString()).assertOk();
        assertArrayEquals(bytes(0x7E, 0x7E), Files.readAllBytes(out)); // RZ never overflows
        lowbit("convert", "--from", "f32", "--to", "fp8_e4m3", "--profile", "ocp", "--overflow", "NONSAT",
                "--in", in.toString(), "--out", out.toString()).assertOk();
        assertArrayEquals(bytes(0x7F, 0x7E), Files.readAllBytes(out));
    }

    @Test
    @DisplayName("an existing output file is replaced on success, and no temporary file is left")
    void replacesTheOutputAtomically() throws IOException {
        Path in = writeFloat32("values.f32", 1f);
        Path out = write("codes.bin", bytes(1, 2, 3, 4, 5));
        lowbit("convert", "--from", "f32", "--to", "fp4_e2m1", "--profile", "ocp", "--in", in.toString(),
                "--out", out.toString()).assertOk();
        assertArrayEquals(bytes(0x2), Files.readAllBytes(out));
        assertEquals(List.of("codes.bin", "values.f32"), fileNames());
    }

    @Test
    @DisplayName("an empty input gives an empty output")
    void emptyInput() throws IOException {
        Path in = write("empty.f32", new byte[0]);
        Path out = dir.resolve("codes.bin");
        lowbit("convert", "--from", "f32", "--to", "int8", "--profile", "ocp", "--in", in.toString(),
                "--out", out.toString()).assertOk();
        assertEquals(0, Files.size(out));
    }

    // ---------------------------------------------------------------------------------------------
    // Bad input: exit code 2, one line on stderr, no output file

    static Stream<Arguments> badInputs() {
        // {name, input file name, input bytes, arguments (IN and OUT are replaced), expected fragment}
        byte[] oneFloat = {0, 0, (byte) 0x80, 0x3F};
        return Stream.of(
            Arguments.of("unknown element format", oneFloat, "--from f32 --to fp9_e5m3 --profile ocp",
                         "unknown element format 'fp9_e5m3'; known formats: fp8_e4m3"),
            Arguments.of("unknown --from format", oneFloat, "--from f24 --to fp8_e4m3 --profile ocp",
                         "unknown --from format 'f24'; use f32, bf16, f16 or an element format"),
            Arguments.of("no element format on either side", oneFloat, "--from f32 --to bf16 --profile ocp",
                         "one side must be an element format"),
            Arguments.of("f64 input", oneFloat, "--from f64 --to fp8_e4m3 --profile ocp", "--from f64 is not supported"),
            Arguments.of("unknown profile", oneFloat, "--from f32 --to fp8_e4m3 --profile opc",
                         "unknown element profile 'opc'; known profiles: ocp, ml-dtypes, cuda-satfinite"),
            Arguments.of("encoding without a profile", oneFloat, "--from f32 --to fp8_e4m3", "encoding needs --profile"),
            Arguments.of("unknown rounding", oneFloat, "--from f32 --to fp8_e4m3 --profile ocp --rounding nearest",
                         "unknown rounding 'nearest'; allowed: RNE, RNA, RZ, RU, RD, SR"),
            Arguments.of("unknown overflow", oneFloat, "--from f32 --to fp8_e4m3 --profile ocp --overflow clamp",
                         "unknown overflow 'clamp'; allowed: SATFINITE, NONSAT"),
            Arguments.of("odd-length bf16 input", new byte[7], "--from bf16 --to fp4_e2m1 --profile ocp",
                         "input is 7 bytes, not a whole number of 2-byte bf16 values"),
            Arguments.of("f32 input of 6 bytes", new byte[6], "--from f32 --to fp4_e2m1 --profile ocp",
                         "input is 6 bytes, not a whole number of 4-byte f32 values"),
            Arguments.of("SR without --random-bits", oneFloat, "--from f32 --to fp8_e4m3 --profile ocp --rounding SR",
                         "rounding SR needs --random-bits FILE"),
            Arguments.of("--random-bits without SR", oneFloat,
                         "--from f32 --to fp8_e4m3 --profile ocp --random-bits IN",
                         "--random-bits is only for rounding SR, and the rounding is RNE"),
            Arguments.of("--random-bits of the wrong length", new byte[8],
                         "--from f32 --to fp8_e4m3 --profile ocp --rounding SR --random-bits RANDOM3",
                         "--random-bits is 3 bytes, but SR needs one uint32 per value: 8 bytes for 2 values"),
            Arguments.of("fp6 byte 0x40 in decode mode", new byte[] {0x1F, 0x3F, 0x40},
                         "--from fp6_e3m2 --to f32", "byte 0x40 at offset 2 is not a fp6_e3m2 code (valid codes 0x00..0x3F)"),
            Arguments.of("fp4 byte 0x10 in decode mode", new byte[] {0x10}, "--from fp4_e2m1 --to f32",
                         "byte 0x10 at offset 0 is not a fp4_e2m1 code (valid codes 0x0..0xF)"),
            Arguments.of("ue4m3 byte 0x80 in decode mode", new byte[] {0x7F, (byte) 0x80}, "--from ue4m3 --to f32",
                         "byte 0x80 at offset 1 is not a ue4m3 code"),
            Arguments.of("decode to bf16", new byte[] {1}, "--from fp8_e4m3 --to bf16", "decodes to f32 only"),
            Arguments.of("--rounding when decoding", new byte[] {1}, "--from fp8_e4m3 --to f32 --rounding RZ",
                         "--rounding is only for encoding"),
            Arguments.of("unknown profile when decoding", new byte[] {1}, "--from fp8_e4m3 --to f32 --profile x",
                         "unknown element profile 'x'"),
            Arguments.of("missing input file", null, "--from f32 --to fp8_e4m3 --profile ocp",
                         "cannot read --in"),
            Arguments.of("--in and --out the same file", oneFloat, "--from fp8_e4m3 --to f32 --out IN",
                         "--in and --out are the same file"),
            Arguments.of("output directory missing", oneFloat, "--from f32 --to fp8_e4m3 --profile ocp --out NODIR",
                         "cannot write --out"),
            Arguments.of("missing required option (picocli)", oneFloat, "--from f32 --profile ocp",
                         "Missing required option: '--to=FORMAT' (see 'lowbit convert --help')"),
            Arguments.of("unknown option (picocli)", oneFloat, "--from f32 --to fp8_e4m3 --profile ocp --fast",
                         "Unknown option: '--fast'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputs")
    void badInputFailsWithOneLineAndNoOutput(String name, byte[] input, String arguments, String fragment)
            throws IOException {
        Path in = dir.resolve("in.bin");
        if (input != null) {
            Files.write(in, input);
        }
        write("random3.u32", new byte[3]);
        Path out = dir.resolve("out.bin");
        List<String> args = new ArrayList<>(List.of("convert"));
        for (String argument : arguments.split(" ")) {
            args.add(switch (argument) {
                case "IN" -> in.toString();
                case "RANDOM3" -> dir.resolve("random3.u32").toString();
                case "NODIR" -> dir.resolve("no/such/dir/out.bin").toString();
                default -> argument;
            });
        }
        if (!args.contains("--in")) {
            args.addAll(List.of("--in", in.toString()));
        }
        if (!args.contains("--out")) {
            args.addAll(List.of("--out", out.toString()));
        }
        lowbit(args.toArray(String[]::new)).assertBadInput(fragment);
        assertFalse(Files.exists(out), "no output file");
        assertTrue(fileNames().stream().noneMatch(f -> f.endsWith(".tmp")), "no temporary file: " + fileNames());
        if (input != null) {
            assertArrayEquals(input, Files.readAllBytes(in), "the input is untouched");
        }
    }

    @Test
    @DisplayName("a failed conversion leaves an existing output file as it was")
    void failureKeepsTheOldOutput() throws IOException {
        Path in = write("codes.bin", bytes(0x01, 0x40));
        Path out = write("old.f32", bytes(9, 9, 9, 9));
        lowbit("convert", "--from", "fp6_e2m3", "--to", "f32", "--in", in.toString(), "--out", out.toString())
                .assertBadInput("byte 0x40 at offset 1");
        assertArrayEquals(bytes(9, 9, 9, 9), Files.readAllBytes(out));
    }

    // ---------------------------------------------------------------------------------------------

    private byte[] encode(String from, String to, String profile, Path in) throws IOException {
        Path out = dir.resolve("encoded.bin");
        lowbit("convert", "--from", from, "--to", to, "--profile", profile, "--in", in.toString(),
                "--out", out.toString()).assertOk();
        return Files.readAllBytes(out);
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    private Path writeFloat32(String name, float... values) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float value : values) {
            buffer.putFloat(value);
        }
        return write(name, buffer.array());
    }

    private Path writeShorts(String name, int... values) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(2 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int value : values) {
            buffer.putShort((short) value);
        }
        return write(name, buffer.array());
    }

    private Path writeInts(String name, int... values) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int value : values) {
            buffer.putInt(value);
        }
        return write(name, buffer.array());
    }

    private List<String> fileNames() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(f -> !f.equals("random3.u32")).sorted().toList();
        }
    }

    private static byte[] bytes(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return bytes;
    }
}
