package org.lowbit.conformance.suite;

import java.util.OptionalInt;
import org.lowbit.reference.layout.LittleEndian;
import org.lowbit.spec.SourceFormat;

/** Bit patterns of the source formats (f32, bf16, f16), for the property tests. */
final class SourceBits {
    private SourceBits() {}

    /** A float as a source pattern: f32 exactly, bf16 truncated, f16 rounded to nearest even. */
    static int of(SourceFormat s, float f) {
        return switch (s) {
            case FP32 -> Float.floatToRawIntBits(f);
            case BF16 -> Float.floatToRawIntBits(f) >>> 16;
            case FP16 -> Float.floatToFloat16(f) & 0xFFFF;
            case FP64 -> throw new IllegalArgumentException("f64 is no target precision");
        };
    }

    /** The f32 pattern of an f32 pattern, or empty when the source format cannot hold it exactly. */
    static OptionalInt exactly(SourceFormat s, int f32) {
        return switch (s) {
            case FP32 -> OptionalInt.of(f32);
            case BF16 -> (f32 & 0xFFFF) == 0 ? OptionalInt.of(f32 >>> 16) : OptionalInt.empty();
            case FP16 -> {
                int h = Float.floatToFloat16(Float.intBitsToFloat(f32)) & 0xFFFF;
                yield Float.floatToRawIntBits(Float.float16ToFloat((short) h)) == f32 ? OptionalInt.of(h) : OptionalInt.empty();
            }
            case FP64 -> OptionalInt.empty();
        };
    }

    static double value(SourceFormat s, int bits) {
        return switch (s) {
            case FP32 -> Float.intBitsToFloat(bits);
            case BF16 -> Float.intBitsToFloat(bits << 16);
            case FP16 -> Float.float16ToFloat((short) bits);
            case FP64 -> throw new IllegalArgumentException("f64 is no target precision");
        };
    }

    static int signBit(SourceFormat s) {
        return s == SourceFormat.FP32 ? 0x80000000 : 0x8000;
    }

    static int negate(SourceFormat s, int bits) {
        return bits ^ signBit(s);
    }

    /**
     * The pattern times 2^k, when that is exact and stays a normal number (zero stays zero); empty for a
     * subnormal, Inf or NaN input or a result that would leave the normal range.
     */
    static OptionalInt timesPowerOfTwo(SourceFormat s, int bits, int k) {
        int m = s.mantissaBits();
        int maxField = (1 << s.exponentBits()) - 1;
        int magnitude = bits & (signBit(s) - 1);
        if (magnitude == 0) {
            return OptionalInt.of(bits);
        }
        int field = magnitude >>> m;
        if (field == 0 || field == maxField || field + k < 1 || field + k >= maxField) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(bits + (k << m));
    }

    static byte[] bytes(SourceFormat s, int[] bits) {
        byte[] out = new byte[bits.length * s.bytes()];
        for (int i = 0; i < bits.length; i++) {
            if (s.bytes() == 4) {
                LittleEndian.putInt(out, 4 * i, bits[i]);
            } else {
                LittleEndian.putShort(out, 2 * i, (short) bits[i]);
            }
        }
        return out;
    }
}
