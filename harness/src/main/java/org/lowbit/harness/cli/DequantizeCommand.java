package org.lowbit.harness.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import org.lowbit.reference.block.BlockDequantizer;
import org.lowbit.reference.block.QuantizedBlocks;
import org.lowbit.spec.BlockFormat;
import org.lowbit.spec.BlockKnobs;
import org.lowbit.spec.BlockPolicies.TailPolicy;
import org.lowbit.spec.BlockPolicies.TensorScaleRule;
import org.lowbit.spec.BlockProfile;
import org.lowbit.spec.ElementLayout;
import org.lowbit.spec.ScaleLayout;
import org.lowbit.spec.SourceFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lowbit dequantize}: the inverse of {@code quantize}. It reads the files that {@code quantize}
 * writes, in the same layouts, and writes the tensor's values as raw little-endian f32 (or bf16, f16).
 *
 * <p>Block formats (SPEC.md §8.7): each value is the exact product P_i · X (· g) rounded
 * once, to nearest even, into the output format; bf16 and f16 are rounded from the exact product,
 * never through f32. The profile does not change the values (dequantization has no knobs); it is
 * checked to support the format, its tail policy is applied to the shape, and a two-level profile
 * needs {@code --in-global}. The packed element codes are unpacked under PadPolicy STRICT: a pad bit
 * that is set, an invalid code, or a nonzero pad byte of a swizzled scale matrix is an error.
 *
 * <p>Scaled formats (SPEC.md §11.4): each value is computed in the profile's dequant
 * arithmetic D, every operation rounded to D, and then widened exactly or rounded (RNE) into the
 * output format; the files are those of {@link ScaledFiles}.
 */
@Command(name = "dequantize", mixinStandardHelpOptions = true, sortOptions = false,
         description = {
             "Dequantizes the files that 'lowbit quantize' writes (same --format, --profile, --layout, --scale-layout"
             + " and --shape) into raw little-endian values: f32 by default, or bf16/f16. Block formats round the exact"
             + " value once (RNE) into the output; scaled formats compute in the profile's dequant arithmetic and"
             + " round that value (RNE) where the output is narrower.",
             "Block formats: --in-elements holds one code per byte (--layout unpacked) in element order; --in-scales"
             + " one byte per block (E8M0 for MX, UE4M3 for NVFP4) in block order, row-major, with ceil(COLS/k) blocks"
             + " per row; --in-global the FP32 per-tensor scale of two-level NVFP4, 4 bytes little-endian. Pad bits and"
             + " pad bytes must be zero, and every code valid.",
             ScaledFiles.HELP_SCALES,
             ScaledFiles.HELP_ZEROS})
final class DequantizeCommand implements Callable<Integer> {

    @Option(names = "--format", required = true, paramLabel = "ID", completionCandidates = CliNames.TensorFormatIds.class,
            description = "Block or scaled format: ${COMPLETION-CANDIDATES}.")
    String format;

    @Option(names = "--profile", required = true, paramLabel = "NAME",
            completionCandidates = CliNames.TensorProfileIds.class,
            description = "The profile it was quantized with: ${COMPLETION-CANDIDATES}.")
    String profile;

    @Option(names = "--layout", paramLabel = "NAME", defaultValue = "unpacked",
            completionCandidates = CliNames.ElementLayoutIds.class,
            description = "How the element codes are stored (default ${DEFAULT-VALUE}): ${COMPLETION-CANDIDATES}.")
    String layout;

    @Option(names = "--scale-layout", paramLabel = "NAME", defaultValue = "row-major",
            completionCandidates = CliNames.ScaleLayoutIds.class,
            description = "Block formats: how the scale matrix is stored (default ${DEFAULT-VALUE}):"
                          + " ${COMPLETION-CANDIDATES}.")
    String scaleLayout;

    @Option(names = "--shape", paramLabel = "ROWS,COLS",
            description = "The tensor as ROWS rows of COLS elements (default: one row of every element).")
    String shape;

    @Option(names = "--group-size", paramLabel = "G",
            description = "int4_group only: the group size along COLS (default: the profile's).")
    Integer groupSize;

    @Option(names = "--in-elements", required = true, paramLabel = "FILE", description = "Element codes.")
    Path inElements;

    @Option(names = "--in-scales", required = true, paramLabel = "FILE", description = "Block scales.")
    Path inScales;

    @Option(names = "--in-global", paramLabel = "FILE",
            description = "Two-level NVFP4: the FP32 per-tensor scale g (required under a two-level profile).")
    Path inGlobal;

    @Option(names = "--in-zeros", paramLabel = "FILE",
            description = "Scaled formats with stored zero points (required there, refused elsewhere).")
    Path inZeros;

    @Option(names = "--to", paramLabel = "FORMAT", defaultValue = "f32",
            description = "The output's format: f32 (default), bf16 or f16.")
    String to;

    @Option(names = "--out", required = true, paramLabel = "FILE",
            description = "Output file, replaced only when the whole tensor dequantized.")
    Path out;

    @Override
    public Integer call() {
        if (CliNames.isBlockFormat(format)) {
            dequantizeBlocks(CliNames.blockFormat(format));
        } else if (CliNames.isScaledFormat(format)) {
            ScaledFiles.dequantize(this, CliNames.scaledFormat(format));
        } else {
            throw CliNames.unknownTensorFormat(format);
        }
        return ExitCode.OK;
    }

    // ---------------------------------------------------------------------------------------------
    // Block formats

    private void dequantizeBlocks(BlockFormat blockFormat) {
        BlockProfile blockProfile = CliNames.blockProfile(profile);
        BlockKnobs knobs = CliNames.blockKnobs(blockFormat, blockProfile, null);
        ElementLayout elementLayout = PackedCodes.layout(layout, blockFormat.element(), blockFormat.id());
        ScaleLayout scaleStorage = CliNames.scaleLayout(scaleLayout);
        SourceFormat output = CliNames.wideFormat(to, "--to");
        requireGlobalInput(blockFormat, knobs);
        QuantizeCommand.requireAbsent("--in-zeros", inZeros, blockFormat.id() + " has no zero points");
        QuantizeCommand.requireAbsent("--group-size", groupSize,
                blockFormat.id() + " has a fixed block of " + blockFormat.blockSize());
        requireDistinctFiles();

        byte[] codes = PackedCodes.unpackElements(elementLayout, blockFormat.element(),
                BinaryFiles.read(inElements, "--in-elements"), "--in-elements");
        TensorShape tensor = TensorShape.of(shape, codes.length, String.format(Locale.ROOT,
                "--in-elements holds %d %s codes", codes.length, blockFormat.element().id()));
        requireTail(blockFormat, knobs, tensor);
        int blocksPerRow = Math.ceilDiv(tensor.cols(), blockFormat.blockSize());
        byte[] scales = PackedCodes.unpackScales(scaleStorage, BinaryFiles.read(inScales, "--in-scales"),
                tensor.rows(), blocksPerRow, "--in-scales", String.format(Locale.ROOT,
                        "a %d×%d %s tensor has %d×%d blocks of %d", tensor.rows(), tensor.cols(), blockFormat.id(),
                        tensor.rows(), blocksPerRow, blockFormat.blockSize()));
        OptionalInt g = inGlobal == null ? OptionalInt.empty() : OptionalInt.of(readTensorScale());
        QuantizedBlocks q = CliNames.resolve(
                s -> new QuantizedBlocks(blockFormat, tensor.rows(), tensor.cols(), s, codes, g), scales);

        requireOutputFits(q.length(), output);
        byte[] values = switch (output) {
            case FP32 -> RawArrays.bytes(BlockDequantizer.toFloat32(q));
            case BF16 -> RawArrays.bytes(BlockDequantizer.toBFloat16(q));
            case FP16 -> RawArrays.bytes(BlockDequantizer.toFloat16(q));
            case FP64 -> throw new IllegalStateException("f64 is not an output of dequantize");
        };
        BinaryFiles.writeAtomically(out, values, "--out");
    }

    /** --in-global: refused for MX, required under a two-level profile, optional otherwise. */
    private void requireGlobalInput(BlockFormat blockFormat, BlockKnobs knobs) {
        if (inGlobal != null && !blockFormat.allowsTensorScale()) {
            throw new CliException("--in-global is only for two-level nvfp4: " + blockFormat.id()
                                   + " has no per-tensor scale (MX is single level)");
        }
        if (inGlobal == null && knobs.tensorScale() != TensorScaleRule.NONE) {
            throw new CliException("profile " + profile + " is two-level: give --in-global FILE, the FP32 per-tensor"
                                   + " scale that quantize wrote with --out-global");
        }
    }

    /** The profile could not have written a row that is not a whole number of blocks under tail REJECT. */
    private void requireTail(BlockFormat blockFormat, BlockKnobs knobs, TensorShape tensor) {
        if (knobs.tail() == TailPolicy.REJECT && tensor.cols() % blockFormat.blockSize() != 0) {
            throw new CliException(String.format(Locale.ROOT,
                    "%s %d is not a multiple of the %s block size %d (profile tail policy REJECT)",
                    shape == null ? "length" : "row length", tensor.cols(), blockFormat.id(),
                    blockFormat.blockSize()));
        }
    }

    private int readTensorScale() {
        byte[] bytes = BinaryFiles.read(inGlobal, "--in-global");
        if (bytes.length != 4) {
            throw new CliException(String.format(Locale.ROOT,
                    "--in-global is %s; the per-tensor scale g is one FP32 value, 4 bytes little-endian",
                    RawArrays.byteCount(bytes.length)));
        }
        return RawArrays.ints(bytes)[0];
    }

    // ---------------------------------------------------------------------------------------------
    // Shared with ScaledFiles

    /** Fails before dequantizing when the output could not be written as one file. */
    static void requireOutputFits(long count, SourceFormat output) {
        if (count * output.bytes() > BinaryFiles.MAX_BYTES) {
            throw new CliException(String.format(Locale.ROOT,
                    "the tensor has %d elements, and their %d bytes of %s are more than one file write holds", count,
                    count * output.bytes(), output.id()));
        }
    }

    /** Fails when --out names the same file as an input. */
    void requireDistinctFiles() {
        Map<String, Path> inputs = new LinkedHashMap<>();
        inputs.put("--in-elements", inElements);
        inputs.put("--in-scales", inScales);
        inputs.put("--in-global", inGlobal);
        inputs.put("--in-zeros", inZeros);
        BinaryFiles.requireDistinct(inputs, Map.of("--out", out));
    }
}
