package org.lowbit.harness.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import org.lowbit.reference.block.BlockQuantizer;
import org.lowbit.reference.block.QuantizedBlocks;
import org.lowbit.spec.BlockFormat;
import org.lowbit.spec.BlockKnobs;
import org.lowbit.spec.BlockPolicies.TensorScaleRule;
import org.lowbit.spec.ElementLayout;
import org.lowbit.spec.Rounding;
import org.lowbit.spec.ScaleLayout;
import org.lowbit.spec.SourceFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lowbit quantize}: a raw little-endian tensor in, its quantized form out as separate files
 * (DESIGN.md §7; SPEC.md §8, SPEC.md §9, SPEC.md §11).
 *
 * <p>Block formats (MX, NVFP4), with the default layouts:
 * <pre>
 *   --in            rows·cols values, row-major: f32 4 bytes, bf16/f16 2 bytes each, little-endian
 *   --out-elements  one element code per byte, in the low bits, element order (--layout packs them)
 *   --out-scales    one scale byte per block (E8M0 for MX, UE4M3 for NVFP4): row 0's blocks, then row
 *                   1's, ...; a row has ⌈cols/k⌉ blocks (--scale-layout swizzles the rows × ⌈cols/k⌉ matrix)
 *   --out-global    two-level NVFP4 only: the FP32 per-tensor scale g, 4 bytes little-endian
 * </pre>
 * Scaled formats: see {@link ScaledFiles}.
 *
 * <p>Everything is computed before anything is written, and the outputs are written together
 * ({@link BinaryFiles#writeAllAtomically}): a failure leaves no output file behind.
 */
@Command(name = "quantize", mixinStandardHelpOptions = true, sortOptions = false,
         description = {
             "Quantizes a raw little-endian f32/bf16/f16 tensor into a block format (MX, NVFP4) or a scaled format"
             + " (INT8, FP8, INT4, GGUF), writing element codes, scales and (where the format has them) a"
             + " per-tensor scale and zero points to separate files.",
             "Block formats: --out-elements holds one code per byte (--layout unpacked) in element order;"
             + " --out-scales one byte per block (E8M0 for MX, UE4M3 for NVFP4) in block order, row-major, with"
             + " ceil(COLS/k) blocks per row (k = 32 for MX, 16 for NVFP4); --out-global the FP32 per-tensor scale of"
             + " two-level NVFP4, 4 bytes little-endian.",
             ScaledFiles.HELP_SCALES,
             ScaledFiles.HELP_ZEROS})
final class QuantizeCommand implements Callable<Integer> {

    @Option(names = "--format", required = true, paramLabel = "ID", completionCandidates = CliNames.TensorFormatIds.class,
            description = "Block or scaled format: ${COMPLETION-CANDIDATES}.")
    String format;

    @Option(names = "--profile", required = true, paramLabel = "NAME",
            completionCandidates = CliNames.TensorProfileIds.class,
            description = "Block or scaled profile that supports the format: ${COMPLETION-CANDIDATES}.")
    String profile;

    @Option(names = "--from", required = true, paramLabel = "FORMAT",
            description = "The input's format: f32, bf16 or f16.")
    String from;

    @Option(names = "--layout", paramLabel = "NAME", defaultValue = "unpacked",
            completionCandidates = CliNames.ElementLayoutIds.class,
            description = "How element codes are stored (default ${DEFAULT-VALUE}): ${COMPLETION-CANDIDATES}."
                          + " Packed layouts pack the whole code stream and need a whole number of containers.")
    String layout;

    @Option(names = "--scale-layout", paramLabel = "NAME", defaultValue = "row-major",
            completionCandidates = CliNames.ScaleLayoutIds.class,
            description = "Block formats: how the rows x ceil(COLS/k) scale matrix is stored (default ${DEFAULT-VALUE}):"
                          + " ${COMPLETION-CANDIDATES}; swizzle-128x4 pads it to 128x4 tiles with 0x00.")
    String scaleLayout;

    @Option(names = "--shape", paramLabel = "ROWS,COLS",
            description = "The input as ROWS rows of COLS values, row-major (default: one row of every value)."
                          + " Blocks never span rows.")
    String shape;

    @Option(names = "--tensor-scale", paramLabel = "auto|none|0xBITS",
            description = "NVFP4 only: auto computes g = amax/2688 (two level), none is single level, 0xBITS uses the"
                          + " given FP32 g (default: as the profile says).")
    String tensorScale;

    @Option(names = "--rounding", paramLabel = "R",
            description = "Overrides the profile's element rounding: RNE, RNA, RZ, RU, RD, SR (block formats);"
                          + " RNE, RNA, RZ, HALF_UP_F32 (scaled formats).")
    String rounding;

    @Option(names = "--random-bits", paramLabel = "FILE",
            description = "For --rounding SR: one little-endian uint32 per input value.")
    Path randomBits;

    @Option(names = "--group-size", paramLabel = "G",
            description = "int4_group only: the group size along COLS (default: the profile's).")
    Integer groupSize;

    @Option(names = "--in", required = true, paramLabel = "FILE", description = "Input tensor.")
    Path in;

    @Option(names = "--out-elements", required = true, paramLabel = "FILE", description = "Element codes.")
    Path outElements;

    @Option(names = "--out-scales", required = true, paramLabel = "FILE", description = "Block scales.")
    Path outScales;

    @Option(names = "--out-global", paramLabel = "FILE",
            description = "Two-level NVFP4 (required there, refused elsewhere): the FP32 per-tensor scale g.")
    Path outGlobal;

    @Option(names = "--out-zeros", paramLabel = "FILE",
            description = "Scaled formats with stored zero points (required there, refused elsewhere).")
    Path outZeros;

    @Override
    public Integer call() {
        if (CliNames.isBlockFormat(format)) {
            quantizeBlocks(CliNames.blockFormat(format));
        } else if (CliNames.isScaledFormat(format)) {
            ScaledFiles.quantize(this, CliNames.scaledFormat(format));
        } else {
            throw CliNames.unknownTensorFormat(format);
        }
        return ExitCode.OK;
    }

    // ---------------------------------------------------------------------------------------------
    // Block formats

    private void quantizeBlocks(BlockFormat blockFormat) {
        BlockKnobs knobs = CliNames.blockKnobs(blockFormat, CliNames.blockProfile(profile), rounding);
        OptionalInt givenTensorScale = OptionalInt.empty();
        if (tensorScale != null) {
            requireNvfp4("--tensor-scale", blockFormat);
            switch (tensorScale.strip().toLowerCase(Locale.ROOT)) {
                case "auto" -> knobs = knobs.withTensorScale(TensorScaleRule.AMAX_OVER_2688);
                case "none" -> knobs = knobs.withTensorScale(TensorScaleRule.NONE);
                default -> givenTensorScale = OptionalInt.of(float32Bits(tensorScale));
            }
        }
        BlockQuantizer quantizer = CliNames.resolve(k -> BlockQuantizer.of(blockFormat, k), knobs);
        if (givenTensorScale.isPresent()) {
            quantizer = CliNames.resolve(quantizer::withTensorScale, givenTensorScale.getAsInt());
        }
        boolean twoLevel = givenTensorScale.isPresent() || knobs.tensorScale() != TensorScaleRule.NONE;
        SourceFormat source = CliNames.wideFormat(from, "--from");
        ElementLayout elementLayout = PackedCodes.layout(layout, blockFormat.element(), blockFormat.id());
        ScaleLayout scaleStorage = CliNames.scaleLayout(scaleLayout);
        requireGlobalOutput(twoLevel, blockFormat);
        requireAbsent("--out-zeros", outZeros, blockFormat.id() + " has no zero points");
        requireAbsent("--group-size", groupSize, blockFormat.id() + " has a fixed block of " + blockFormat.blockSize());
        requireDistinctFiles();

        byte[] input = BinaryFiles.read(in, "--in");
        int count = RawArrays.valueCount(input, source, "--in");
        TensorShape tensor = TensorShape.of(shape, count,
                String.format(Locale.ROOT, "--in holds %d %s values", count, source.id()));
        if (twoLevel && count == 0 && givenTensorScale.isEmpty()) {
            throw new CliException("--in is empty: two-level nvfp4 computes g from the tensor's amax, and an empty"
                                   + " tensor has none; use --tensor-scale none or 0xBITS");
        }
        int[] random = randomBits(knobs.elementRounding(), count);
        if (shape != null) { // without --shape the whole input is one row, as the quantizer's default
            quantizer = quantizer.withRowLength(tensor.cols());
        }
        QuantizedBlocks q = quantize(quantizer, source, input, random);

        List<BinaryFiles.Output> outputs = new ArrayList<>(3);
        outputs.add(new BinaryFiles.Output("--out-elements", outElements,
                PackedCodes.packElements(elementLayout, blockFormat.element(), q.elementCodes())));
        outputs.add(new BinaryFiles.Output("--out-scales", outScales,
                PackedCodes.packScales(scaleStorage, q.scaleCodes(), q.rows(), q.blocksPerRow())));
        if (twoLevel) {
            outputs.add(new BinaryFiles.Output("--out-global", outGlobal,
                    RawArrays.bytes(new int[] {q.tensorScaleBits().orElseThrow()})));
        }
        BinaryFiles.writeAllAtomically(outputs);
    }

    /** Runs the quantizer on the input's patterns; the reference's IllegalArgumentException is bad input. */
    private static QuantizedBlocks quantize(BlockQuantizer quantizer, SourceFormat source, byte[] input, int[] random) {
        try {
            return switch (source) {
                case FP32 -> {
                    int[] values = RawArrays.ints(input);
                    yield quantizer.quantizeFloat32(values, 0, values.length, random);
                }
                case BF16 -> {
                    short[] values = RawArrays.shorts(input);
                    yield quantizer.quantizeBFloat16(values, 0, values.length, random);
                }
                case FP16 -> {
                    short[] values = RawArrays.shorts(input);
                    yield quantizer.quantizeFloat16(values, 0, values.length, random);
                }
                case FP64 -> throw new IllegalStateException("f64 is not an input of quantize");
            };
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage(), e);
        }
    }

    private void requireGlobalOutput(boolean twoLevel, BlockFormat blockFormat) {
        if (twoLevel && outGlobal == null) {
            throw new CliException("two-level " + blockFormat.id() + " (profile " + profile + ", tensor scale "
                                   + (tensorScale == null ? "as the profile says" : tensorScale)
                                   + ") needs --out-global FILE for the FP32 per-tensor scale g");
        }
        if (!twoLevel && outGlobal != null) {
            throw new CliException("--out-global is only for two-level nvfp4, and " + blockFormat.id() + " here is"
                                   + " single level" + (blockFormat.isMx() ? " (MX has no per-tensor scale)"
                                                                              : "; use --tensor-scale auto or 0xBITS"));
        }
    }

    private static void requireNvfp4(String option, BlockFormat blockFormat) {
        if (!blockFormat.allowsTensorScale()) {
            throw new CliException(option + " is only for nvfp4: " + blockFormat.id()
                                   + " has no per-tensor scale (MX is single level)");
        }
    }

    /** {@code 0x3B124925}: an FP32 pattern, 1 to 8 hex digits. */
    private static int float32Bits(String text) {
        String t = text.strip();
        if (t.length() > 2 && t.length() <= 10 && (t.startsWith("0x") || t.startsWith("0X"))) {
            try {
                return Integer.parseUnsignedInt(t.substring(2), 16);
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw new CliException(String.format(Locale.ROOT,
                "--tensor-scale '%s': use auto, none, or the FP32 bits of g as 0xBITS (e.g. 0x3B124925)", text));
    }

    /** The SR random words, one per value, or null when the rounding is not SR. */
    private int[] randomBits(Rounding elementRounding, int count) {
        boolean stochastic = elementRounding == Rounding.SR;
        if (stochastic && randomBits == null) {
            throw new CliException("rounding SR needs --random-bits FILE: one little-endian uint32 per value");
        }
        if (!stochastic && randomBits != null) {
            throw new CliException("--random-bits is only for rounding SR, and the rounding is " + elementRounding);
        }
        if (!stochastic) {
            return null;
        }
        byte[] bytes = BinaryFiles.read(randomBits, "--random-bits");
        if (bytes.length != 4L * count) {
            throw new CliException(String.format(Locale.ROOT,
                    "--random-bits is %s, but SR needs one uint32 per value: %s for %d values",
                    RawArrays.byteCount(bytes.length), RawArrays.byteCount(4L * count), count));
        }
        return RawArrays.ints(bytes);
    }

    // ---------------------------------------------------------------------------------------------
    // Shared with ScaledFiles

    /** Fails when {@code value} was given: {@code why} says why the option does not apply. */
    static void requireAbsent(String option, Object value, String why) {
        if (value != null) {
            throw new CliException(option + " does not apply: " + why);
        }
    }

    /** Fails when an output names the same file as an input or another output. */
    void requireDistinctFiles() {
        Map<String, Path> inputs = new LinkedHashMap<>();
        inputs.put("--in", in);
        inputs.put("--random-bits", randomBits);
        Map<String, Path> outputs = new LinkedHashMap<>();
        outputs.put("--out-elements", outElements);
        outputs.put("--out-scales", outScales);
        outputs.put("--out-global", outGlobal);
        outputs.put("--out-zeros", outZeros);
        BinaryFiles.requireDistinct(inputs, outputs);
    }
}
