package org.lowbit.reference.block;

import java.util.Objects;
import org.lowbit.reference.ElementCodec;
import org.lowbit.reference.block.BinaryRounding.Target;
import org.lowbit.spec.BlockFormat;
import org.lowbit.spec.ElementFormat;

/**
 * Dequantizes a {@link QuantizedBlocks} to FP32, BF16 or FP16 bit patterns (SPEC.md §8.7).
 *
 * <p>Each value is the exact product v_i = P_i · X (· g for two-level NVFP4) rounded <em>once</em>, to
 * nearest even, into the target format:
 * <ul>
 *   <li>MX: P_i · 2^s is an FP32 value unless it leaves FP32's range, which OCP MX §5.1 makes
 *       implementation-defined: lowbit rounds the exact product (to ±Inf above the largest finite value,
 *       to a subnormal or ±0 below 2^−126), as IEEE multiplication would;</li>
 *   <li>BF16 and FP16 are rounded from the exact product, never through FP32 (no double rounding);</li>
 *   <li>NVFP4: e · S · g has up to 2 + 4 + 24 significant bits; it is rounded once. torchao and ModelOpt
 *       compute e · fl(S · g) and then cast, which can differ in the last place (SPEC.md §8.7).</li>
 * </ul>
 * Special cases:
 * <ul>
 *   <li>a NaN scale (E8M0 0xFF, UE4M3 0x7F): every value of the block is the target's quiet NaN, positive
 *       (OCP MX §5.1, §5.4.1);</li>
 *   <li>a NaN element code (E4M3 S.1111.111, E5M2 S.11111.xx): the quiet NaN with the element's sign;</li>
 *   <li>an Inf element (E5M2): ±Inf;</li>
 *   <li>±0 stays ±0; a zero UE4M3 scale (0x00) gives ±0 for every element.</li>
 * </ul>
 * The codes were validated when the {@link QuantizedBlocks} was built.
 *
 * @apiNote Corresponds to the value v_i = X · P_i of OCP MX v1.0 §5.1.
 */
public final class BlockDequantizer {
    private BlockDequantizer() {}

    /** The FP32 patterns of every value, in element order. */
    public static int[] toFloat32(QuantizedBlocks q) {
        int[] out = new int[q.length()];
        toFloat32(q, out, 0);
        return out;
    }

    /**
     * Writes the FP32 patterns of every value into {@code dst} from {@code dstOffset}.
     *
     * @throws IndexOutOfBoundsException if {@code dst} has fewer than {@code q.length()} places there
     */
    public static void toFloat32(QuantizedBlocks q, int[] dst, int dstOffset) {
        Objects.requireNonNull(dst, "dst");
        Objects.checkFromIndexSize(dstOffset, q.length(), dst.length);
        for (int i = 0, n = q.length(); i < n; i++) {
            dst[dstOffset + i] = value(q, i, Target.FLOAT32);
        }
    }

    /** The BF16 patterns of every value, each rounded once from the exact product. */
    public static short[] toBFloat16(QuantizedBlocks q) {
        short[] out = new short[q.length()];
        toBFloat16(q, out, 0);
        return out;
    }

    /**
     * Writes the BF16 patterns of every value into {@code dst} from {@code dstOffset}.
     *
     * @throws IndexOutOfBoundsException if {@code dst} has fewer than {@code q.length()} places there
     */
    public static void toBFloat16(QuantizedBlocks q, short[] dst, int dstOffset) {
        write16(q, dst, dstOffset, Target.BFLOAT16);
    }

    /** The IEEE binary16 patterns of every value, each rounded once from the exact product. */
    public static short[] toFloat16(QuantizedBlocks q) {
        short[] out = new short[q.length()];
        toFloat16(q, out, 0);
        return out;
    }

    /**
     * Writes the binary16 patterns of every value into {@code dst} from {@code dstOffset}.
     *
     * @throws IndexOutOfBoundsException if {@code dst} has fewer than {@code q.length()} places there
     */
    public static void toFloat16(QuantizedBlocks q, short[] dst, int dstOffset) {
        write16(q, dst, dstOffset, Target.FLOAT16);
    }

    private static void write16(QuantizedBlocks q, short[] dst, int dstOffset, Target target) {
        Objects.requireNonNull(dst, "dst");
        Objects.checkFromIndexSize(dstOffset, q.length(), dst.length);
        for (int i = 0, n = q.length(); i < n; i++) {
            dst[dstOffset + i] = (short) value(q, i, target);
        }
    }

    /** Element {@code i}'s value in {@code target}. */
    private static int value(QuantizedBlocks q, int i, Target target) {
        BlockFormat format = q.format();
        ElementFormat scaleFormat = format.scale();
        int scaleCode = q.scaleCode(q.blockOf(i));
        if (scaleFormat.isNaNCode(scaleCode)) {
            return target.quietNaN; // OCP MX §5.1: a NaN scale makes every value of the block NaN
        }
        int elementBits = ElementCodec.decodeToFloat32Bits(q.elementCode(i), format.element()); // exact
        boolean negative = elementBits < 0;
        int sign = negative ? target.signBit : 0;
        int magnitude = elementBits & 0x7FFFFFFF;
        if (magnitude > 0x7F800000) {
            return sign | target.quietNaN;
        }
        if (magnitude == 0x7F800000) {
            return sign | target.infinity; // the scale is positive and finite
        }
        if (magnitude == 0) {
            return sign;
        }
        // P_i = significand · 2^exponent, exactly; then times X (and g), still exactly
        long significand = BinaryRounding.significandOf(magnitude);
        int exponent = BinaryRounding.exponentOf(magnitude);
        if (format.isMx()) {
            exponent += scaleCode - 127; // X = 2^(code - 127); code 0x00 is 2^-127
        } else {
            int scaleBits = ElementCodec.decodeToFloat32Bits(scaleCode, scaleFormat);
            if (scaleBits == 0) {
                return sign; // UE4M3 0x00 is 0
            }
            significand *= BinaryRounding.significandOf(scaleBits); // ≤ 2 + 4 significant bits so far
            exponent += BinaryRounding.exponentOf(scaleBits);
            if (q.tensorScaleBits().isPresent()) {
                int g = q.tensorScaleBits().getAsInt();
                significand *= BinaryRounding.significandOf(g);         // ≤ 30 significant bits
                exponent += BinaryRounding.exponentOf(g);
            }
        }
        return BinaryRounding.roundToNearestEven(negative, significand, exponent, target);
    }
}
