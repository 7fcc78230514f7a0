package org.lowbit.reference.scaled;

import static org.lowbit.reference.scaled.Arithmetic.add;
import static org.lowbit.reference.scaled.Arithmetic.mul;
import static org.lowbit.reference.scaled.Arithmetic.sub;

import java.util.Locale;
import java.util.Objects;
import org.lowbit.reference.ElementCodec;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.ScaledFormat;
import org.lowbit.spec.ScaledKnobs;
import org.lowbit.spec.ScaledPolicies.Precision;
import org.lowbit.spec.ScaledPolicies.QuantizerRule;
import org.lowbit.spec.ScaledPolicies.ScaleApplication;
import org.lowbit.spec.ScaledPolicies.Tail;
import org.lowbit.spec.ScaledProfile;
import org.lowbit.spec.SourceFormat;

/**
 * The scaled formats' reference quantizer and dequantizer: INT8 per tensor, channel, token and block,
 * FP8 E4M3 per 1×128 and 128×128 block, INT4 per group (AWQ, GPTQ, HQQ) and GGUF Q4_0, Q4_1, Q8_0,
 * each with the arithmetic of the system its profile names (SPEC.md §11).
 *
 * <p>References:
 * <ol>
 *   <li>research/int-packing.md §1 (AWQ), §2 (GPTQ), §3 (HQQ), §5 (GGUF), §6 (INT8 and DeepSeek FP8),
 *       §0.4 (rounding primitives) and the upstream files each {@link ScaledProfile} cites.</li>
 *   <li>IEEE 754-2019 §4.3.1 (roundTiesToEven), §5.4.1 (arithmetic operations).</li>
 * </ol>
 *
 * <p>The input is a rows × cols tensor, row-major, of FP32, BF16 or FP16 bit patterns (BF16 and FP16 in
 * the low 16 bits of each int). It is widened exactly to FP32 and then rounded (RNE) to the
 * arithmetic precision of the knobs, as the systems' {@code .float()} or {@code .half()} casts do. The
 * tensor is cut into blocks of br × bc ({@link ScaledFormat#blockRows}, {@link ScaledFormat#blockCols});
 * each block's scale, zero point and codes follow its scale rule exactly, one rounded operation at a
 * time (the op sequences are in {@code BlockRules}). The result is the logical form,
 * {@link QuantizedTensor}.
 *
 * <p>Bad input is an {@link IllegalArgumentException} that names the numbers: a length that is not
 * rows·cols, a shape that is not a whole number of blocks under tail REJECT, a non-finite input (real
 * systems give NaN scales or undefined casts; lowbit defines none), an input that overflows a narrow
 * arithmetic (|x| ≥ 65520 in FP16), a knob that does not apply to the format.
 */
public final class ScaledCodec {
    private ScaledCodec() {}

    /** Quantizes with the knobs that {@code profile} defines for {@code format}. */
    public static QuantizedTensor quantize(int[] input, SourceFormat source, int rows, int cols, ScaledFormat format,
                                           ScaledProfile profile) {
        return quantize(input, source, rows, cols, format, profile.knobsFor(format));
    }

    /**
     * Quantizes a rows × cols tensor.
     *
     * @param input  rows·cols bit patterns of {@code source}, row-major
     * @param source FP32, BF16 or FP16 (FP64 is the exact oracle's input only)
     * @throws IllegalArgumentException for a bad shape, a non-finite input, or knobs that do not apply
     */
    public static QuantizedTensor quantize(int[] input, SourceFormat source, int rows, int cols, ScaledFormat format,
                                           ScaledKnobs knobs) {
        Tiling tiling = Tiling.of(input, source, rows, cols, format, knobs);
        double[] x = tiling.values(input, source);
        int blocks = tiling.blockCount();
        int[] codes = new int[rows * cols];
        int[] scales = new int[blocks];
        boolean storesZero = storesZero(knobs);
        int[] zeros = new int[storesZero ? blocks : 0];
        for (int b = 0; b < blocks; b++) {
            BlockRules.Block block = BlockRules.quantize(tiling.gather(x, b), format, knobs);
            scales[b] = block.scaleBits();
            if (storesZero) {
                zeros[b] = block.zero();
            }
            tiling.scatter(block.codes(), b, codes);
        }
        return new QuantizedTensor(format, knobs, rows, cols, tiling.blockRows, tiling.blockCols, codes, scales, zeros);
    }

    /** Quantizes FP32 values (a convenience for {@code quantize} on their bit patterns). */
    public static QuantizedTensor quantize(float[] input, int rows, int cols, ScaledFormat format, ScaledKnobs knobs) {
        int[] bits = new int[input.length];
        for (int i = 0; i < bits.length; i++) {
            bits[i] = Float.floatToRawIntBits(input[i]);
        }
        return quantize(bits, SourceFormat.FP32, rows, cols, format, knobs);
    }

    /**
     * Quantizes with given scales, as a static-scale kernel does (vLLM {@code static_scaled_int8_quant}:
     * the scale comes from the checkpoint). ABSMAX rules only, with application DIVIDE or
     * RECIPROCAL_MULTIPLY (QMAX_OVER_AMAX_MULTIPLY needs the block's amax).
     *
     * @param scaleBits one scale per block, bits of {@code knobs.scaleDtype()}, row-major over blocks
     * @throws IllegalArgumentException for a wrong number of scales or a rule that computes its own zero
     */
    public static QuantizedTensor quantizeWithScales(int[] input, SourceFormat source, int rows, int cols,
                                                     ScaledFormat format, ScaledKnobs knobs, int[] scaleBits) {
        Objects.requireNonNull(scaleBits, "scaleBits");
        if (knobs.rule() != QuantizerRule.ABSMAX && knobs.rule() != QuantizerRule.ABSMAX_HALF_STEP) {
            throw new IllegalArgumentException("given scales need rule ABSMAX or ABSMAX_HALF_STEP, not " + knobs.rule());
        }
        if (knobs.application() == ScaleApplication.QMAX_OVER_AMAX_MULTIPLY) {
            throw new IllegalArgumentException("given scales need application DIVIDE or RECIPROCAL_MULTIPLY;"
                                               + " QMAX_OVER_AMAX_MULTIPLY uses the block's amax");
        }
        Tiling tiling = Tiling.of(input, source, rows, cols, format, knobs);
        if (scaleBits.length != tiling.blockCount()) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%d scales given for %d blocks of %d×%d in a %d×%d tensor", scaleBits.length,
                    tiling.blockCount(), tiling.blockRows, tiling.blockCols, rows, cols));
        }
        double[] x = tiling.values(input, source);
        int[] codes = new int[rows * cols];
        for (int b = 0; b < scaleBits.length; b++) {
            double s = Arithmetic.of(knobs.arithmetic(), FloatRounding.fromBits(knobs.scaleDtype(), scaleBits[b]));
            int[] blockCodes = BlockRules.absmaxCodes(tiling.gather(x, b), s, Double.NaN, format, knobs);
            tiling.scatter(blockCodes, b, codes);
        }
        return new QuantizedTensor(format, knobs, rows, cols, tiling.blockRows, tiling.blockCols, codes,
                scaleBits.clone(), new int[0]);
    }

    // ---------------------------------------------------------------------------------------------
    // Dequantization

    /**
     * The dequantized values, exact, in the precision {@code knobs.dequantArithmetic()} D, element by
     * element with its block's scale s and zero z (SPEC.md §11 S.4):
     * <pre>
     *   zero point  value                      operations (each rounded to D)
     *   NONE        v · s                      v the code's value: the integer, or the fp8_e4m3 value
     *   IMPLICIT    (q − 8) · d                GGUF Q4_0 (D = FP32; exact)
     *   INTEGER     (q − z) · s                AWQ, GPTQ: q − z exact, one rounding
     *   FLOAT       (q − z) · s                HQQ: the subtraction and the product each rounded
     *   MIN         q · d + m                  GGUF Q4_1: q · d exact, one rounding (so FMA or not)
     * </pre>
     * A scale or zero stored narrower than D is widened exactly.
     */
    public static double[] dequantizeValues(QuantizedTensor t) {
        ScaledKnobs knobs = t.knobs();
        Precision d = knobs.dequantArithmetic();
        Precision stored = knobs.scaleDtype();
        ElementFormat element = t.elementFormat();
        int[] codes = t.codes();
        int[] scales = t.scales();
        int[] zeros = t.zeros();
        double[] out = new double[codes.length];
        for (int r = 0; r < t.rows(); r++) {
            for (int c = 0; c < t.cols(); c++) {
                int i = r * t.cols() + c;
                int b = t.blockIndex(r, c);
                double s = FloatRounding.fromBits(stored, scales[b]);
                out[i] = switch (knobs.zeroPoint()) {
                    case NONE -> mul(d, ElementCodec.decodeToDouble(codes[i], element), s);
                    case IMPLICIT -> mul(d, codes[i] - 8, s);
                    case INTEGER -> mul(d, codes[i] - zeros[b], s);
                    case FLOAT -> mul(d, sub(d, codes[i], FloatRounding.fromBits(stored, zeros[b])), s);
                    case MIN -> add(d, mul(d, codes[i], s), FloatRounding.fromBits(stored, zeros[b]));
                };
            }
        }
        return out;
    }

    /**
     * The dequantized tensor as bit patterns of {@code output}: the values of {@link #dequantizeValues}
     * widened exactly, or rounded (RNE) where {@code output} is narrower than the dequant arithmetic (an
     * FP32 result to BF16 as DeepSeek-V3's {@code weight_dequant} stores it; an FP16 result to BF16 is a
     * second rounding, as {@code .to(torch.bfloat16)} would do).
     */
    public static int[] dequantize(QuantizedTensor t, Precision output) {
        double[] values = dequantizeValues(t);
        int[] bits = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = FloatRounding.roundToBits(output, values[i]);
        }
        return bits;
    }

    private static boolean storesZero(ScaledKnobs knobs) {
        return switch (knobs.zeroPoint()) {
            case INTEGER, FLOAT, MIN -> true;
            case NONE, IMPLICIT -> false;
        };
    }

    // ---------------------------------------------------------------------------------------------
    // Tiling

    /** The block grid of one tensor and the gathering of a block's values (zeros where padded). */
    private static final class Tiling {
        final int rows;
        final int cols;
        final int blockRows;
        final int blockCols;
        final int scaleRows;
        final int scaleCols;
        final Precision arithmetic;

        private Tiling(int rows, int cols, int blockRows, int blockCols, Precision arithmetic) {
            this.rows = rows;
            this.cols = cols;
            this.blockRows = blockRows;
            this.blockCols = blockCols;
            this.scaleRows = Math.ceilDiv(rows, blockRows);
            this.scaleCols = Math.ceilDiv(cols, blockCols);
            this.arithmetic = arithmetic;
        }

        static Tiling of(int[] input, SourceFormat source, int rows, int cols, ScaledFormat format,
                         ScaledKnobs knobs) {
            Objects.requireNonNull(input, "input");
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(format, "format");
            Objects.requireNonNull(knobs, "knobs").requireApplicableTo(format);
            if (source == SourceFormat.FP64) {
                throw new IllegalArgumentException("f64 input is the exact oracle's only; give f32, bf16 or f16 bits");
            }
            if (rows <= 0 || cols <= 0) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "shape %d×%d: rows and cols must be positive", rows, cols));
            }
            if ((long) rows * cols != input.length) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "%d input values for a %d×%d tensor (expected %d)", input.length, rows, cols,
                        (long) rows * cols));
            }
            int br = format.blockRows(rows);
            int bc = format.blockCols(cols, knobs.groupSize());
            if (knobs.tail() == Tail.REJECT && (rows % br != 0 || cols % bc != 0)) {
                String which = cols % bc != 0
                               ? String.format(Locale.ROOT, "cols %d is not a multiple of %d", cols, bc)
                               : String.format(Locale.ROOT, "rows %d is not a multiple of %d", rows, br);
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "%s: a %d×%d tensor is not a whole number of %d×%d blocks (%s); tail REJECT."
                        + " Pad the tensor, or use tail PAD_WITH_ZEROS", format.id(), rows, cols, br, bc, which));
            }
            return new Tiling(rows, cols, br, bc, knobs.arithmetic());
        }

        int blockCount() {
            return scaleRows * scaleCols;
        }

        /** The input widened to FP32 and rounded to the arithmetic precision; non-finite input is an error. */
        double[] values(int[] input, SourceFormat source) {
            double[] x = new double[input.length];
            for (int i = 0; i < input.length; i++) {
                int float32 = switch (source) {
                    case FP32 -> input[i];
                    case BF16 -> ElementCodec.bfloat16ToFloat32Bits(input[i]);
                    case FP16 -> ElementCodec.float16ToFloat32Bits(input[i]);
                    case FP64 -> throw new IllegalStateException("rejected in of()");
                };
                float f = Float.intBitsToFloat(float32);
                if (!Float.isFinite(f)) {
                    throw new IllegalArgumentException(String.format(Locale.ROOT,
                            "input element %d (row %d, col %d) is %s (bits 0x%X): scaled quantization is defined for"
                            + " finite inputs only", i, i / cols, i % cols, f, input[i]));
                }
                x[i] = Arithmetic.of(arithmetic, f);
                if (!Double.isFinite(x[i])) {
                    throw new IllegalArgumentException(String.format(Locale.ROOT,
                            "input element %d (row %d, col %d) = %s overflows %s arithmetic", i, i / cols, i % cols,
                            f, arithmetic));
                }
            }
            return x;
        }

        /** Block b's values in row-major block order, zeros where the block passes the tensor's edge. */
        double[] gather(double[] x, int b) {
            int r0 = (b / scaleCols) * blockRows;
            int c0 = (b % scaleCols) * blockCols;
            double[] values = new double[blockRows * blockCols];
            for (int rr = 0; rr < blockRows; rr++) {
                int r = r0 + rr;
                if (r >= rows) {
                    break;
                }
                for (int cc = 0; cc < blockCols && c0 + cc < cols; cc++) {
                    values[rr * blockCols + cc] = x[r * cols + c0 + cc];
                }
            }
            return values;
        }

        /** Writes block b's codes for the elements that exist. */
        void scatter(int[] blockCodes, int b, int[] codes) {
            int r0 = (b / scaleCols) * blockRows;
            int c0 = (b % scaleCols) * blockCols;
            for (int rr = 0; rr < blockRows && r0 + rr < rows; rr++) {
                for (int cc = 0; cc < blockCols && c0 + cc < cols; cc++) {
                    codes[(r0 + rr) * cols + c0 + cc] = blockCodes[rr * blockCols + cc];
                }
            }
        }
    }
}
