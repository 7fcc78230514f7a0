package org.lowbit.harness.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.lowbit.reference.scaled.QuantizedTensor;
import org.lowbit.reference.scaled.ScaledCodec;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.ElementLayout;
import org.lowbit.spec.ScaleLayout;
import org.lowbit.spec.ScaledFormat;
import org.lowbit.spec.ScaledKnobs;
import org.lowbit.spec.ScaledPolicies.CodeRounding;
import org.lowbit.spec.ScaledPolicies.Precision;
import org.lowbit.spec.ScaledPolicies.Tail;
import org.lowbit.spec.ScaledPolicies.ZeroPoint;
import org.lowbit.spec.ScaledProfile;
import org.lowbit.spec.SourceFormat;

/**
 * {@code quantize} and {@code dequantize} for the scaled formats (INT8 per tensor, channel, token and
 * block; FP8 E4M3 per block; INT4 per group; GGUF Q4_0, Q4_1, Q8_0), driving
 * {@link ScaledCodec} with the knobs of a {@link ScaledProfile}. The files hold lowbit's logical form
 * ({@link QuantizedTensor}):
 * <pre>
 *   elements  one code per element, row-major (--layout packs them; int4/uint4 fit the nibble layouts):
 *               int8 two's complement byte, int4 two's complement nibble, uint4 0..15, fp8_e4m3 byte
 *   scales    one scale per block, as the bits of the profile's scale dtype, little-endian:
 *               f32 4 bytes, f16 or bf16 2 bytes; row-major over the ⌈rows/br⌉ × ⌈cols/bc⌉ block grid
 *   zeros     by the rule's zero point:  INTEGER (AWQ, GPTQ)   one byte per block, the true zero 0..15
 *                                         FLOAT (HQQ), MIN (GGUF Q4_1's m)  like the scales
 *                                         NONE, IMPLICIT (GGUF Q4_0's 8)     no file
 * </pre>
 */
final class ScaledFiles {
    private ScaledFiles() {}

    /**
     * The scales file format, for the help texts. The profiles of each scale dtype are pinned by
     * {@code QuantizeScaledTest.helpNamesEveryProfilesScaleDtype}.
     */
    static final String HELP_SCALES = "Scaled formats: the elements file holds one code per byte (int8 and int4"
            + " two's complement, uint4 0..15, fp8_e4m3), row-major; the scales file one scale per block as the bits of the"
            + " profile's scale dtype, little-endian: f32, 4 bytes (vllm, compressed-tensors, deepseek-v3, deepgemm,"
            + " deepgemm-ue8m0) or f16, 2 bytes (smoothquant, awq, awq-symmetric, gptq-symmetric, gptq-asymmetric, hqq,"
            + " gguf, gguf-avx2, gguf-neon); row-major over the ceil(ROWS/br) x ceil(COLS/bc) block grid.";

    /** The zeros file format, for the help texts. */
    static final String HELP_ZEROS = "The zeros file, by the profile's rule: integer zeros (awq,"
            + " gptq-*) one byte per block, the true zero 0..15; float zeros (hqq) and GGUF Q4_1's additive min (gguf)"
            + " in the scale dtype, like the scales; none for symmetric rules and GGUF Q4_0 (its zero 8 is implicit).";

    // ---------------------------------------------------------------------------------------------
    // quantize

    static void quantize(QuantizeCommand c, ScaledFormat format) {
        ScaledKnobs knobs = knobs(format, c.profile, c.groupSize, c.rounding);
        ElementFormat element = format.elementFormat(knobs.rule());
        SourceFormat source = CliNames.wideFormat(c.from, "--from");
        ElementLayout layout = PackedCodes.layout(c.layout, element, format.id());
        requireRowMajorScales(c.scaleLayout, format);
        String oneScale = format.id() + " has no per-tensor scale beyond its block scales";
        QuantizeCommand.requireAbsent("--tensor-scale", c.tensorScale, oneScale);
        QuantizeCommand.requireAbsent("--out-global", c.outGlobal, oneScale);
        QuantizeCommand.requireAbsent("--random-bits", c.randomBits,
                format.id() + " has no stochastic rounding (its roundings: RNE, RNA, RZ, HALF_UP_F32)");
        requireZerosFile("--out-zeros", c.outZeros != null, format, knobs);
        c.requireDistinctFiles();

        byte[] input = BinaryFiles.read(c.in, "--in");
        int count = RawArrays.valueCount(input, source, "--in");
        if (count == 0) {
            throw new CliException("--in is empty; a scaled tensor has at least one value");
        }
        TensorShape tensor = TensorShape.of(c.shape, count,
                String.format(Locale.ROOT, "--in holds %d %s values", count, source.id()));
        int[] values = source == SourceFormat.FP32 ? RawArrays.ints(input) : RawArrays.unsignedShorts(input);
        QuantizedTensor t;
        try {
            t = ScaledCodec.quantize(values, source, tensor.rows(), tensor.cols(), format, knobs);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage(), e);
        }

        Precision dtype = knobs.scaleDtype();
        List<BinaryFiles.Output> outputs = new ArrayList<>(3);
        outputs.add(new BinaryFiles.Output("--out-elements", c.outElements,
                PackedCodes.packElements(layout, element, t.codes())));
        outputs.add(new BinaryFiles.Output("--out-scales", c.outScales, valueBytes(t.scales(), dtype)));
        if (storesZeros(knobs)) {
            byte[] zeros = knobs.zeroPoint() == ZeroPoint.INTEGER ? RawArrays.lowBytes(t.zeros())
                                                                   : valueBytes(t.zeros(), dtype);
            outputs.add(new BinaryFiles.Output("--out-zeros", c.outZeros, zeros));
        }
        BinaryFiles.writeAllAtomically(outputs);
    }

    // ---------------------------------------------------------------------------------------------
    // dequantize

    static void dequantize(DequantizeCommand c, ScaledFormat format) {
        ScaledKnobs knobs = knobs(format, c.profile, c.groupSize, null);
        ElementFormat element = format.elementFormat(knobs.rule());
        ElementLayout layout = PackedCodes.layout(c.layout, element, format.id());
        requireRowMajorScales(c.scaleLayout, format);
        Precision output = precision(CliNames.wideFormat(c.to, "--to"));
        QuantizeCommand.requireAbsent("--in-global", c.inGlobal, format.id() + " has no per-tensor scale beyond its"
                                                                 + " block scales");
        requireZerosFile("--in-zeros", c.inZeros != null, format, knobs);
        c.requireDistinctFiles();

        byte[] codeBytes = PackedCodes.unpackElements(layout, element, BinaryFiles.read(c.inElements, "--in-elements"),
                "--in-elements");
        if (codeBytes.length == 0) {
            throw new CliException("--in-elements is empty; a scaled tensor has at least one element");
        }
        TensorShape tensor = TensorShape.of(c.shape, codeBytes.length, String.format(Locale.ROOT,
                "--in-elements holds %d %s codes", codeBytes.length, element.id()));
        int blockRows = format.blockRows(tensor.rows());
        int blockCols = format.blockCols(tensor.cols(), knobs.groupSize());
        requireTail(format, knobs, tensor, blockRows, blockCols);
        int blocks = Math.ceilDiv(tensor.rows(), blockRows) * Math.ceilDiv(tensor.cols(), blockCols);
        String grid = String.format(Locale.ROOT, "a %d×%d %s tensor has %s of %d×%d", tensor.rows(),
                tensor.cols(), format.id(), blocks == 1 ? "1 block" : blocks + " blocks", blockRows, blockCols);
        Precision dtype = knobs.scaleDtype();
        int[] scales = readValues(c.inScales, "--in-scales", blocks, dtype, grid);
        int[] zeros = new int[0];
        if (storesZeros(knobs)) {
            zeros = knobs.zeroPoint() == ZeroPoint.INTEGER ? readIntegerZeros(c.inZeros, blocks, element, grid)
                                                           : readValues(c.inZeros, "--in-zeros", blocks, dtype, grid);
        }
        int[] codes = RawArrays.unsignedBytes(codeBytes);
        int[] z = zeros;
        QuantizedTensor t = CliNames.resolve(s -> new QuantizedTensor(format, knobs, tensor.rows(), tensor.cols(),
                blockRows, blockCols, codes, s, z), scales);

        DequantizeCommand.requireOutputFits(codes.length, CliNames.wideFormat(c.to, "--to"));
        int[] bits = ScaledCodec.dequantize(t, output);
        byte[] values = output == Precision.FP32 ? RawArrays.bytes(bits) : RawArrays.lowHalves(bits);
        BinaryFiles.writeAtomically(c.out, values, "--out");
    }

    // ---------------------------------------------------------------------------------------------
    // Shared

    /** The profile's knobs for the format, with the group size and rounding overridden where given. */
    private static ScaledKnobs knobs(ScaledFormat format, String profileId, Integer groupSize, String rounding) {
        ScaledProfile profile = CliNames.scaledProfile(profileId);
        ScaledKnobs knobs = CliNames.resolve(profile::knobsFor, format);
        if (groupSize != null) {
            if (!format.hasGroupSize()) {
                throw new CliException(String.format(Locale.ROOT,
                        "--group-size does not apply: %s has a fixed block of %s", format.id(), format.blockText()));
            }
            if (groupSize <= 0) {
                throw new CliException("--group-size " + groupSize + " is not a positive group size");
            }
            knobs = knobs.withGroupSize(groupSize);
        }
        if (rounding != null) {
            knobs = knobs.withRounding(codeRounding(rounding));
        }
        return CliNames.resolve(knobs::requireApplicableTo, format);
    }

    private static CodeRounding codeRounding(String name) {
        try {
            return CodeRounding.parse(name);
        } catch (IllegalArgumentException e) {
            throw new CliException(String.format(Locale.ROOT, "unknown rounding '%s' for scaled formats; allowed: %s",
                    name, Arrays.stream(CodeRounding.values()).map(Enum::name).collect(Collectors.joining(", "))), e);
        }
    }

    private static void requireRowMajorScales(String scaleLayout, ScaledFormat format) {
        if (CliNames.scaleLayout(scaleLayout) != ScaleLayout.ROW_MAJOR) {
            throw new CliException(String.format(Locale.ROOT,
                    "--scale-layout %s is for one-byte block scales (MX, NVFP4); the scales of %s are f32/f16/bf16"
                    + " values, stored row-major over the block grid", scaleLayout, format.id()));
        }
    }

    private static boolean storesZeros(ScaledKnobs knobs) {
        return switch (knobs.zeroPoint()) {
            case INTEGER, FLOAT, MIN -> true;
            case NONE, IMPLICIT -> false;
        };
    }

    /** The zeros file is required exactly when the rule stores zero points. */
    private static void requireZerosFile(String option, boolean given, ScaledFormat format, ScaledKnobs knobs) {
        if (storesZeros(knobs) && !given) {
            throw new CliException(String.format(Locale.ROOT, "%s with rule %s stores a zero point per block (%s):"
                    + " give %s FILE", format.id(), knobs.rule(), knobs.zeroPoint().meaning(), option));
        }
        if (!storesZeros(knobs) && given) {
            throw new CliException(String.format(Locale.ROOT, "%s does not apply: %s with rule %s has %s zero point",
                    option, format.id(), knobs.rule(),
                    knobs.zeroPoint() == ZeroPoint.IMPLICIT ? "an implicit (unstored)" : "no"));
        }
    }

    /** Dequantize accepts only shapes the profile could have quantized. */
    private static void requireTail(ScaledFormat format, ScaledKnobs knobs, TensorShape tensor, int blockRows,
                                    int blockCols) {
        if (knobs.tail() == Tail.REJECT && (tensor.rows() % blockRows != 0 || tensor.cols() % blockCols != 0)) {
            throw new CliException(String.format(Locale.ROOT,
                    "%s: a %d×%d tensor is not a whole number of %d×%d blocks (profile tail policy REJECT)",
                    format.id(), tensor.rows(), tensor.cols(), blockRows, blockCols));
        }
    }

    /** Values stored as bits of {@code dtype}: 4 bytes each for f32, the low 2 bytes for f16 and bf16. */
    private static byte[] valueBytes(int[] bits, Precision dtype) {
        return dtype == Precision.FP32 ? RawArrays.bytes(bits) : RawArrays.lowHalves(bits);
    }

    private static int[] readValues(Path file, String option, int blocks, Precision dtype, String grid) {
        byte[] bytes = BinaryFiles.read(file, option);
        int width = dtype.bits() / 8;
        if (bytes.length != (long) blocks * width) {
            throw new CliException(String.format(Locale.ROOT,
                    "%s is %s, but %s: %s of %s (%s per block)", option, RawArrays.byteCount(bytes.length),
                    grid, RawArrays.byteCount((long) blocks * width), dtype.id(), RawArrays.byteCount(width)));
        }
        return dtype == Precision.FP32 ? RawArrays.ints(bytes) : RawArrays.unsignedShorts(bytes);
    }

    /** Integer zero points: one byte per block, each a code of the (unsigned) element format. */
    private static int[] readIntegerZeros(Path file, int blocks, ElementFormat element, String grid) {
        byte[] bytes = BinaryFiles.read(file, "--in-zeros");
        if (bytes.length != blocks) {
            throw new CliException(String.format(Locale.ROOT,
                    "--in-zeros is %s, but %s: %s (one integer zero per block)", RawArrays.byteCount(bytes.length),
                    grid, RawArrays.byteCount(blocks)));
        }
        int[] zeros = RawArrays.unsignedBytes(bytes);
        for (int b = 0; b < zeros.length; b++) {
            if (!element.isValidCode(zeros[b])) {
                throw new CliException(String.format(Locale.ROOT,
                        "--in-zeros byte 0x%02X at offset %d is not a zero point of %s (0..%d)", zeros[b], b,
                        element.id(), element.codeCount() - 1));
            }
        }
        return zeros;
    }

    private static Precision precision(SourceFormat output) {
        return switch (output) {
            case FP32 -> Precision.FP32;
            case BF16 -> Precision.BF16;
            case FP16 -> Precision.FP16;
            case FP64 -> throw new IllegalStateException("f64 is not an output of dequantize");
        };
    }
}
