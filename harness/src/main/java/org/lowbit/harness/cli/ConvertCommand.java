package org.lowbit.harness.cli;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.lowbit.reference.ElementCodec;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.ElementKnobs;
import org.lowbit.spec.ElementProfile;
import org.lowbit.spec.Rounding;
import org.lowbit.spec.SourceFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lowbit convert}: raw little-endian binary in, raw binary out (DESIGN.md §7).
 *
 * <ul>
 *   <li>Encode, {@code --from f32|bf16|f16 --to FORMAT}: 4 or 2 bytes per value in, one code per
 *       byte out (in the low bits), with the knobs of {@code --profile} and its overrides.</li>
 *   <li>Decode, {@code --from FORMAT --to f32}: one code per byte in, the exact value as 4-byte FP32
 *       out. Decoding has no knobs.</li>
 * </ul>
 * Files are read whole; the output appears only when the whole conversion succeeded.
 */
@Command(name = "convert", mixinStandardHelpOptions = true, sortOptions = false,
         description = {
             "Encodes f32/bf16/f16 values into element codes, or decodes codes to f32.",
             "Files are raw little-endian: f32 4 bytes and bf16/f16 2 bytes per value; codes one per byte."})
final class ConvertCommand implements Callable<Integer> {

    @Option(names = "--from", required = true, paramLabel = "FORMAT",
            completionCandidates = CliNames.AllFormatIds.class,
            description = "f32, bf16 or f16 to encode; an element format to decode: ${COMPLETION-CANDIDATES}.")
    String from;

    @Option(names = "--to", required = true, paramLabel = "FORMAT",
            description = "An element format to encode into; f32 to decode.")
    String to;

    @Option(names = "--profile", paramLabel = "NAME", completionCandidates = CliNames.ProfileIds.class,
            description = "Element profile (required to encode): ${COMPLETION-CANDIDATES}.")
    String profile;

    @Option(names = "--rounding", paramLabel = "R", completionCandidates = CliNames.RoundingNames.class,
            description = "Overrides the profile's rounding: ${COMPLETION-CANDIDATES}.")
    String rounding;

    @Option(names = "--overflow", paramLabel = "O", completionCandidates = CliNames.OverflowNames.class,
            description = "Overrides the profile's overflow: ${COMPLETION-CANDIDATES}.")
    String overflow;

    @Option(names = "--random-bits", paramLabel = "FILE",
            description = "For --rounding SR: one little-endian uint32 per value.")
    Path randomBits;

    @Option(names = "--in", required = true, paramLabel = "FILE", description = "Input file.")
    Path in;

    @Option(names = "--out", required = true, paramLabel = "FILE",
            description = "Output file, replaced only when the conversion succeeds.")
    Path out;

    @Override
    public Integer call() {
        if (CliNames.isWideFormat(from)) {
            encode(CliNames.wideFormat(from, "--from"), encodeTarget());
        } else if (isElementFormat(from)) {
            decode(CliNames.elementFormat(from));
        } else if (from.equalsIgnoreCase(SourceFormat.FP64.id())) {
            throw new CliException("--from f64 is not supported; use f32, bf16 or f16");
        } else {
            throw new CliException(String.format(Locale.ROOT,
                    "unknown --from format '%s'; use f32, bf16, f16 or an element format: %s",
                    from, ElementFormat.ids()));
        }
        return ExitCode.OK;
    }

    // ---------------------------------------------------------------------------------------------
    // Encoding

    private ElementFormat encodeTarget() {
        if (CliNames.isWideFormat(to) || to.equalsIgnoreCase(SourceFormat.FP64.id())) {
            throw new CliException(String.format(Locale.ROOT,
                    "--from %s --to %s: one side must be an element format (%s)", from, to, ElementFormat.ids()));
        }
        return CliNames.elementFormat(to);
    }

    private void encode(SourceFormat source, ElementFormat format) {
        if (profile == null) {
            throw new CliException("encoding needs --profile NAME; profiles: " + ElementProfile.ids());
        }
        ElementKnobs knobs = CliNames.knobs(format, CliNames.profile(profile), rounding, overflow);
        boolean stochastic = knobs.rounding() == Rounding.SR;
        if (stochastic && randomBits == null) {
            throw new CliException("rounding SR needs --random-bits FILE: one little-endian uint32 per value");
        }
        if (!stochastic && randomBits != null) {
            throw new CliException("--random-bits is only for rounding SR, and the rounding is " + knobs.rounding());
        }
        BinaryFiles.requireDistinct(in, "--in", out, "--out");
        BinaryFiles.requireDistinct(randomBits, "--random-bits", out, "--out");

        byte[] input = BinaryFiles.read(in, "--in");
        if (input.length % source.bytes() != 0) {
            throw new CliException(String.format(Locale.ROOT,
                    "input is %d bytes, not a whole number of %d-byte %s values",
                    input.length, source.bytes(), source.id()));
        }
        int count = input.length / source.bytes();
        IntBuffer random = stochastic ? readRandomBits(count) : null;
        ByteBuffer values = ByteBuffer.wrap(input).order(ByteOrder.LITTLE_ENDIAN);
        byte[] codes = encode(values, count, source, format, knobs, random);
        BinaryFiles.writeAtomically(out, codes, "--out");
    }

    private IntBuffer readRandomBits(int count) {
        byte[] bytes = BinaryFiles.read(randomBits, "--random-bits");
        if (bytes.length != 4L * count) {
            throw new CliException(String.format(Locale.ROOT,
                    "--random-bits is %d bytes, but SR needs one uint32 per value: %d bytes for %d values",
                    bytes.length, 4L * count, count));
        }
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer();
    }

    /** One code per value; {@code random} is null unless the rounding is SR. */
    private static byte[] encode(ByteBuffer input, int count, SourceFormat source, ElementFormat format,
                                 ElementKnobs knobs, IntBuffer random) {
        byte[] codes = new byte[count];
        for (int i = 0; i < count; i++) {
            int randomWord = random == null ? 0 : random.get(i);
            int code = switch (source) {
                case FP32 -> ElementCodec.encodeFloat32(input.getInt(4 * i), format, knobs, randomWord);
                case BF16 -> ElementCodec.encodeBFloat16(input.getShort(2 * i) & 0xFFFF, format, knobs, randomWord);
                case FP16 -> ElementCodec.encodeFloat16(input.getShort(2 * i) & 0xFFFF, format, knobs, randomWord);
                case FP64 -> throw new IllegalStateException("f64 is not an input of convert");
            };
            codes[i] = (byte) code;
        }
        return codes;
    }

    // ---------------------------------------------------------------------------------------------
    // Decoding

    private void decode(ElementFormat format) {
        if (!to.equalsIgnoreCase(SourceFormat.FP32.id())) {
            throw new CliException(String.format(Locale.ROOT,
                    "--from %s decodes to f32 only (--to f32), not '%s': not every %s value is a bf16 or f16 value",
                    format.id(), to, format.id()));
        }
        if (profile != null) {
            CliNames.profile(profile); // accepted, and checked, but decoding has no knobs
        }
        requireAbsentWhenDecoding("--rounding", rounding, format);
        requireAbsentWhenDecoding("--overflow", overflow, format);
        requireAbsentWhenDecoding("--random-bits", randomBits, format);
        BinaryFiles.requireDistinct(in, "--in", out, "--out");

        byte[] codes = BinaryFiles.read(in, "--in");
        if (4L * codes.length > BinaryFiles.MAX_BYTES) {
            throw new CliException(String.format(Locale.ROOT,
                    "input is %d codes, and their %d bytes of f32 are more than one file write holds",
                    codes.length, 4L * codes.length));
        }
        ByteBuffer values = ByteBuffer.allocate(4 * codes.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < codes.length; i++) {
            int code = codes[i] & 0xFF;
            if (!format.isValidCode(code)) {
                throw new CliException(String.format(Locale.ROOT,
                        "byte 0x%02X at offset %d is not a %s code (valid codes %s..%s)", code, i, format.id(),
                        CodeText.hex(0, format), CodeText.hex(format.codeCount() - 1, format)));
            }
            values.putInt(4 * i, ElementCodec.decodeToFloat32Bits(code, format));
        }
        BinaryFiles.writeAtomically(out, values.array(), "--out");
    }

    private static void requireAbsentWhenDecoding(String option, Object value, ElementFormat format) {
        if (value != null) {
            throw new CliException(option + " is only for encoding; decoding " + format.id() + " is exact");
        }
    }

    private static boolean isElementFormat(String id) {
        return ElementFormat.all().stream().anyMatch(f -> f.id().equalsIgnoreCase(id));
    }
}
