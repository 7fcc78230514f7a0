package org.lowbit.reference.block;

import java.util.Locale;
import java.util.Objects;
import java.util.OptionalInt;
import org.lowbit.reference.ElementCodec;
import org.lowbit.spec.BlockFormat;
import org.lowbit.spec.BlockKnobs;
import org.lowbit.spec.BlockPolicies.NonFinitePolicy;
import org.lowbit.spec.BlockPolicies.TailPolicy;
import org.lowbit.spec.BlockPolicies.TensorScaleRule;
import org.lowbit.spec.BlockPolicies.TinyAmaxPolicy;
import org.lowbit.spec.BlockPolicies.ZeroBlockScale;
import org.lowbit.spec.BlockProfile;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.ElementKnobs;
import org.lowbit.spec.Rounding;

/**
 * Quantizes FP32, BF16 or FP16 bit patterns into a block format (SPEC.md §8.2-§B.5): the
 * reference implementation of OCP MX v1.0 §6.3 and of NVFP4, with every open choice taken from a
 * {@link BlockKnobs}.
 *
 * <p>An instance is an immutable configuration (format, knobs, row length, per-tensor scale); the
 * {@code quantize...} methods are thread-safe.
 *
 * <pre>{@code
 * QuantizedBlocks q = BlockQuantizer.of(BlockFormat.MXFP4, BlockProfile.OCP_MX_1_0).quantizeFloat32(x);
 * int[] y = BlockDequantizer.toFloat32(q);
 * }</pre>
 *
 * <p>For each block of k elements V_i (spec notation; X the shared scale, P_i the element codes):
 * <ol>
 *   <li>amax = max |V_i| over the finite elements, compared as FP32 bit patterns with the sign cleared;</li>
 *   <li>a NaN or ±Inf element: the knob {@code nonFinite} (WHOLE_BLOCK_NAN: X = NaN, every P_i = 0);</li>
 *   <li>X by the knob {@code scaleRule} (an all-zero block: the knob {@code zeroBlock});</li>
 *   <li>P_i = the element conversion of V_i / X under {@link BlockKnobs#elementKnobs}: for MX the exact
 *       quotient V_i · 2^−s; for NVFP4 the FP32 arithmetic of the knob {@code scaling};</li>
 *   <li>with {@code tinyAmax} = FLUSH_SUBNORMAL_AMAX and amax &lt; 2^−126, every finite P_i is ±0.</li>
 * </ol>
 *
 * @apiNote Corresponds to "conversion from a vector of scalars to an MX block", OCP MX v1.0 §6.3, and to
 *          NVFP4 quantization as torchao's {@code nvfp4_quantize} and ModelOpt's {@code NVFP4QTensor.quantize}.
 */
public final class BlockQuantizer {
    /** No row length set: the whole input is one row. */
    private static final int WHOLE_INPUT = 0;

    private final BlockFormat format;
    private final BlockKnobs knobs;
    private final ElementKnobs elementKnobs;
    private final int rowLength;
    private final OptionalInt tensorScaleBits;

    private BlockQuantizer(BlockFormat format, BlockKnobs knobs, int rowLength, OptionalInt tensorScaleBits) {
        this.format = format;
        this.knobs = knobs;
        this.elementKnobs = knobs.elementKnobs(format);
        this.rowLength = rowLength;
        this.tensorScaleBits = tensorScaleBits;
    }

    /**
     * A quantizer with the knobs of {@code profile}.
     *
     * @throws IllegalArgumentException if the profile's system does not support {@code format}
     */
    public static BlockQuantizer of(BlockFormat format, BlockProfile profile) {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(profile, "profile");
        return of(format, profile.knobsFor(format));
    }

    /**
     * A quantizer with {@code knobs}.
     *
     * @throws IllegalArgumentException if a knob does not apply to {@code format}
     *                                  ({@link BlockKnobs#requireApplicableTo})
     */
    public static BlockQuantizer of(BlockFormat format, BlockKnobs knobs) {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(knobs, "knobs");
        return new BlockQuantizer(format, knobs.requireApplicableTo(format), WHOLE_INPUT, OptionalInt.empty());
    }

    /**
     * The same quantizer for a rows × rowLength tensor: the input length must be a multiple of
     * {@code rowLength}, blocks run along each row and never span two rows, and each row's tail follows the
     * knob {@code tail}.
     *
     * @throws IllegalArgumentException if {@code rowLength} is not positive
     */
    public BlockQuantizer withRowLength(int rowLength) {
        if (rowLength <= 0) {
            throw new IllegalArgumentException("row length must be positive, got " + rowLength);
        }
        return new BlockQuantizer(format, knobs, rowLength, tensorScaleBits);
    }

    /**
     * The same quantizer in NVFP4 two-level mode with the caller's per-tensor scale g (an FP32 pattern),
     * which then takes the place of the knob {@code tensorScale}.
     *
     * @throws IllegalArgumentException if the format is MX, or g is not a positive finite FP32 value
     */
    public BlockQuantizer withTensorScale(int float32Bits) {
        if (!format.allowsTensorScale()) {
            throw new IllegalArgumentException(format.id() + " has no per-tensor scale (MX is single level)");
        }
        return new BlockQuantizer(format, knobs, rowLength,
                OptionalInt.of(QuantizedBlocks.requireTensorScale(float32Bits)));
    }

    public BlockFormat format() { return format; }

    public BlockKnobs knobs() { return knobs; }

    /** The row length, or empty when the whole input is one row. */
    public OptionalInt rowLength() {
        return rowLength == WHOLE_INPUT ? OptionalInt.empty() : OptionalInt.of(rowLength);
    }

    /** The caller's per-tensor scale, or empty when the knob {@code tensorScale} decides. */
    public OptionalInt tensorScale() { return tensorScaleBits; }

    /**
     * The per-tensor scale that two-level NVFP4 computes for a tensor whose largest finite magnitude is
     * {@code amax}: fl(amax / 2688), 2688 = 448 · 6 (torchao {@code per_tensor_amax_to_scale}, ModelOpt
     * {@code get_weights_scaling_factor_2}).
     */
    public static int nvfp4TensorScale(int amaxFloat32Bits) {
        return Float.floatToRawIntBits(Nvfp4Scales.tensorScaleFromAmax(Float.intBitsToFloat(amaxFloat32Bits)));
    }

    // ---------------------------------------------------------------------------------------------
    // FP32

    /** Quantizes FP32 patterns; see {@link #quantizeFloat32(int[], int, int, int[])}. */
    public QuantizedBlocks quantizeFloat32(int[] float32Bits) {
        return quantizeFloat32(float32Bits, 0, float32Bits.length, null);
    }

    /** Quantizes {@code length} FP32 patterns from {@code offset}; see the overload with random bits. */
    public QuantizedBlocks quantizeFloat32(int[] float32Bits, int offset, int length) {
        return quantizeFloat32(float32Bits, offset, length, null);
    }

    /**
     * Quantizes {@code length} FP32 patterns from {@code offset}.
     *
     * @param randomBits under element rounding SR, 32 random bits for each element ({@code randomBits[i]} for
     *                   element {@code offset + i}); otherwise ignored and may be null
     * @throws IndexOutOfBoundsException if the range is outside the array
     * @throws IllegalArgumentException  if the length is not a multiple of the row length; if a row's length is
     *                                   not a multiple of the block size and the tail knob is REJECT; if the
     *                                   rounding is SR and {@code randomBits} is missing or short; if two-level
     *                                   NVFP4 computes a per-tensor scale of 0 (an all-zero tensor)
     */
    public QuantizedBlocks quantizeFloat32(int[] float32Bits, int offset, int length, int[] randomBits) {
        Objects.requireNonNull(float32Bits, "float32Bits");
        Objects.checkFromIndexSize(offset, length, float32Bits.length);
        return quantize(float32Bits, offset, length, randomBits);
    }

    // ---------------------------------------------------------------------------------------------
    // BF16 and FP16: widened exactly to FP32 first (every value of both is an FP32 value)

    /** Quantizes BF16 patterns (the top half of an FP32 pattern). */
    public QuantizedBlocks quantizeBFloat16(short[] bf16Bits) {
        return quantizeBFloat16(bf16Bits, 0, bf16Bits.length, null);
    }

    /** Quantizes {@code length} BF16 patterns from {@code offset}. */
    public QuantizedBlocks quantizeBFloat16(short[] bf16Bits, int offset, int length) {
        return quantizeBFloat16(bf16Bits, offset, length, null);
    }

    /**
     * Quantizes {@code length} BF16 patterns from {@code offset}, as their exact FP32 values.
     *
     * @throws IndexOutOfBoundsException if the range is outside the array
     * @throws IllegalArgumentException  as {@link #quantizeFloat32(int[], int, int, int[])}
     */
    public QuantizedBlocks quantizeBFloat16(short[] bf16Bits, int offset, int length, int[] randomBits) {
        Objects.requireNonNull(bf16Bits, "bf16Bits");
        Objects.checkFromIndexSize(offset, length, bf16Bits.length);
        int[] widened = new int[length];
        for (int i = 0; i < length; i++) {
            widened[i] = ElementCodec.bfloat16ToFloat32Bits(bf16Bits[offset + i]);
        }
        return quantize(widened, 0, length, randomBits);
    }

    /** Quantizes IEEE binary16 patterns. */
    public QuantizedBlocks quantizeFloat16(short[] f16Bits) {
        return quantizeFloat16(f16Bits, 0, f16Bits.length, null);
    }

    /** Quantizes {@code length} binary16 patterns from {@code offset}. */
    public QuantizedBlocks quantizeFloat16(short[] f16Bits, int offset, int length) {
        return quantizeFloat16(f16Bits, offset, length, null);
    }

    /**
     * Quantizes {@code length} binary16 patterns from {@code offset}, as their exact FP32 values.
     *
     * @throws IndexOutOfBoundsException if the range is outside the array
     * @throws IllegalArgumentException  as {@link #quantizeFloat32(int[], int, int, int[])}
     */
    public QuantizedBlocks quantizeFloat16(short[] f16Bits, int offset, int length, int[] randomBits) {
        Objects.requireNonNull(f16Bits, "f16Bits");
        Objects.checkFromIndexSize(offset, length, f16Bits.length);
        int[] widened = new int[length];
        for (int i = 0; i < length; i++) {
            widened[i] = ElementCodec.float16ToFloat32Bits(f16Bits[offset + i]);
        }
        return quantize(widened, 0, length, randomBits);
    }

    // ---------------------------------------------------------------------------------------------
    // The algorithm

    private QuantizedBlocks quantize(int[] x, int offset, int length, int[] randomBits) {
        int k = format.blockSize();
        int row = rowLength == WHOLE_INPUT ? length : rowLength;
        if (row != 0 && length % row != 0) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "length %d is not a multiple of the row length %d", length, row));
        }
        if (row % k != 0 && knobs.tail() == TailPolicy.REJECT) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%s %d is not a multiple of the %s block size %d (tail policy REJECT; PAD_WITH_ZEROS pads"
                    + " the last block with zeros)", rowLength == WHOLE_INPUT ? "length" : "row length", row,
                    format.id(), k));
        }
        if (knobs.elementRounding() == Rounding.SR && (randomBits == null || randomBits.length < length)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "element rounding SR needs 32 random bits per element: %d elements, %s random words", length,
                    randomBits == null ? "no" : Integer.toString(randomBits.length)));
        }
        int rows = row == 0 ? 0 : length / row;
        int blocksPerRow = QuantizedBlocks.blocksPerRow(format, row);
        byte[] scales = new byte[rows * blocksPerRow];
        byte[] codes = new byte[length];
        OptionalInt g = format.isNvfp4() ? tensorScale(x, offset, length) : OptionalInt.empty();
        float gValue = g.isPresent() ? Float.intBitsToFloat(g.getAsInt()) : 1.0f;
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < blocksPerRow; j++) {
                int first = r * row + j * k;                    // element index in the input range
                int end = Math.min(first + k, (r + 1) * row);   // a padded block is short: padding is +0
                int block = r * blocksPerRow + j;
                scales[block] = (byte) (format.isMx()
                        ? quantizeMxBlock(x, offset, first, end, codes, randomBits)
                        : quantizeNvfp4Block(x, offset, first, end, codes, randomBits, gValue));
            }
        }
        return new QuantizedBlocks(format, rows, row, scales, codes, g);
    }

    /** NVFP4 only: the caller's g, or the knob's (SPEC.md §8.4), or none. */
    private OptionalInt tensorScale(int[] x, int offset, int length) {
        if (tensorScaleBits.isPresent() || knobs.tensorScale() == TensorScaleRule.NONE || length == 0) {
            return tensorScaleBits; // an empty input has nothing to scale
        }
        int amaxBits = finiteAmax(x, offset, offset + length);
        int g = nvfp4TensorScale(amaxBits);
        if (g == 0) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "the per-tensor scale amax/2688 is 0 (tensor amax %s): two-level NVFP4 has no scale for this"
                    + " tensor; pass one with withTensorScale or use tensor scale NONE",
                    Float.intBitsToFloat(amaxBits)));
        }
        return OptionalInt.of(g);
    }

    /** The largest finite magnitude in x[from, to) as an FP32 pattern with the sign cleared (0 if none). */
    private static int finiteAmax(int[] x, int from, int to) {
        int amax = 0;
        for (int i = from; i < to; i++) {
            int magnitude = x[i] & 0x7FFFFFFF;
            if (magnitude < 0x7F800000 && magnitude > amax) {
                amax = magnitude; // finite FP32 magnitudes order as their bit patterns
            }
        }
        return amax;
    }

    private static boolean hasNonFinite(int[] x, int from, int to) {
        for (int i = from; i < to; i++) {
            if ((x[i] & 0x7FFFFFFF) >= 0x7F800000) {
                return true;
            }
        }
        return false;
    }

    private static boolean isNonFinite(int bits) {
        return (bits & 0x7FFFFFFF) >= 0x7F800000;
    }

    /**
     * One MX block, elements {@code first..end-1} of the range. Returns the E8M0 scale code and writes the
     * element codes.
     */
    private int quantizeMxBlock(int[] x, int offset, int first, int end, byte[] codes, int[] randomBits) {
        if (knobs.nonFinite() == NonFinitePolicy.WHOLE_BLOCK_NAN && hasNonFinite(x, offset + first, offset + end)) {
            return MxScales.NAN_CODE; // element codes stay 0
        }
        int amaxBits = finiteAmax(x, offset + first, offset + end);
        int s; // shared_exp: X = 2^s
        boolean zeroElements;
        if (amaxBits == 0 && knobs.zeroBlock() == ZeroBlockScale.ONE) {
            s = 0;
            zeroElements = false;
        } else {
            s = MxScales.scaleExponent(knobs.scaleRule(), amaxBits, format);
            zeroElements = MxScales.zeroesElements(knobs.scaleRule(), amaxBits, format);
        }
        zeroElements |= flushes(amaxBits);
        ElementFormat element = format.element();
        for (int i = first; i < end; i++) {
            int v = x[offset + i];
            int quotient;
            if (isNonFinite(v)) {
                quotient = v; // ±Inf / X = ±Inf; NaN stays NaN (PER_ELEMENT only)
            } else if (zeroElements) {
                quotient = v & 0x80000000;
            } else {
                quotient = BinaryRounding.scaleFloat32ToOdd(v, s); // V_i / X, exact for every rounding rule
            }
            codes[i] = (byte) ElementCodec.encodeFloat32(quotient, element, elementKnobs, random(randomBits, i));
        }
        return s + 127;
    }

    /** One NVFP4 block; returns the UE4M3 scale code and writes the element codes. */
    private int quantizeNvfp4Block(int[] x, int offset, int first, int end, byte[] codes, int[] randomBits,
                                   float g) {
        if (knobs.nonFinite() == NonFinitePolicy.WHOLE_BLOCK_NAN && hasNonFinite(x, offset + first, offset + end)) {
            return Nvfp4Scales.NAN_CODE; // element codes stay 0
        }
        int amaxBits = finiteAmax(x, offset + first, offset + end);
        int scaleCode = Nvfp4Scales.scaleCode(Float.intBitsToFloat(amaxBits), g, knobs);
        float factor = Nvfp4Scales.elementFactor(ElementCodec.decodeToFloat(scaleCode, ElementFormat.UE4M3), g,
                knobs);
        boolean zeroElements = flushes(amaxBits);
        for (int i = first; i < end; i++) {
            int v = x[offset + i];
            int scaled;
            if (isNonFinite(v)) {
                scaled = v; // not through the arithmetic: a NaN keeps its sign on every CPU
            } else if (zeroElements) {
                scaled = v & 0x80000000;
            } else {
                scaled = Nvfp4Scales.scaledElement(v, factor, knobs);
            }
            codes[i] = (byte) ElementCodec.encodeFloat32(scaled, ElementFormat.FP4_E2M1, elementKnobs,
                    random(randomBits, i));
        }
        return scaleCode;
    }

    /** microxcaling's mx_flush_fp32_subnorms: amax below 2^-126 (an FP32 subnormal or zero). */
    private boolean flushes(int amaxBits) {
        return knobs.tinyAmax() == TinyAmaxPolicy.FLUSH_SUBNORMAL_AMAX && amaxBits < 0x00800000;
    }

    private static int random(int[] randomBits, int i) {
        return randomBits == null ? 0 : randomBits[i];
    }
}
