package org.lowbit.harness.process;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.ElementLayout;
import org.lowbit.spec.SourceFormat;
import org.lowbit.spec.SplitMix64;

/**
 * Random tensors biased toward what breaks block quantizers: values spread over a dozen binades around a
 * random block exponent (so the FLOOR scale and the element saturation both move), short fractions
 * (ties), zeros of both signs, subnormals, the largest finite values, and now and then a NaN or an Inf.
 */
final class RandomInputs {
    private RandomInputs() {}

    static byte[] tensor(SplitMix64 random, SourceFormat precision, int count) {
        ByteBuffer out = ByteBuffer.allocate(count * precision.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        int center = precision == SourceFormat.FP16 ? 1 + below(random, 30) : below(random, 255);
        boolean nonFinite = below(random, 8) == 0;
        for (int i = 0; i < count; i++) {
            int bits = precision == SourceFormat.FP16 ? half(random, center, nonFinite) : single(random, center, nonFinite);
            if (precision == SourceFormat.FP32) {
                out.putInt(bits);
            } else if (precision == SourceFormat.BF16) {
                out.putShort((short) (bits >>> 16));
            } else {
                out.putShort((short) bits);
            }
        }
        return out.array();
    }

    /** An FP32 pattern near 2^(center-127). */
    private static int single(SplitMix64 random, int center, boolean nonFinite) {
        int sign = below(random, 2) << 31;
        return switch (below(random, 24)) {
            case 0 -> sign;                                           // ±0
            case 1 -> sign | (1 + below(random, 0x7FFFFF));           // subnormal
            case 2 -> sign | 0x7F7FFFFF;                              // the largest finite
            case 3 -> nonFinite ? sign | 0x7F800000 : sign | 0x00800000;  // ±Inf, or the smallest normal
            case 4 -> nonFinite ? 0x7FC00000 | below(random, 0x400000) : sign;  // NaN
            default -> {
                int exponent = Math.clamp(center - below(random, 12), 0, 254);
                int fraction = random.nextInt() & 0x7FFFFF;
                if (below(random, 3) == 0) {
                    fraction &= 0x7F0000;                             // few fraction bits: ties on the element grid
                }
                yield sign | exponent << 23 | fraction;
            }
        };
    }

    /** An FP16 pattern near 2^(center-15). */
    private static int half(SplitMix64 random, int center, boolean nonFinite) {
        int sign = below(random, 2) << 15;
        return switch (below(random, 24)) {
            case 0 -> sign;
            case 1 -> sign | (1 + below(random, 0x3FF));
            case 2 -> sign | 0x7BFF;
            case 3 -> nonFinite ? sign | 0x7C00 : sign | 0x0400;
            case 4 -> nonFinite ? 0x7E00 | below(random, 0x200) : sign;
            default -> {
                int exponent = Math.clamp(center - below(random, 8), 0, 30);
                int fraction = random.nextInt() & 0x3FF;
                if (below(random, 3) == 0) {
                    fraction &= 0x3C0;
                }
                yield sign | exponent << 10 | fraction;
            }
        };
    }

    /** Scale codes: mostly random, with 0x00, 0xFE, 0xFF (NaN) and the neighbourhood of 0x7F. */
    static byte[] scales(SplitMix64 random, int blocks) {
        byte[] out = new byte[blocks];
        for (int i = 0; i < blocks; i++) {
            out[i] = (byte) switch (below(random, 8)) {
                case 0 -> 0x00;
                case 1 -> 0xFE;
                case 2 -> 0xFF;
                case 3 -> 0x7F + below(random, 5) - 2;
                default -> below(random, 256);
            };
        }
        return out;
    }

    /** Element codes in the layout: any valid code of the format (E4M3 NaNs included). */
    static byte[] codes(SplitMix64 random, ElementFormat format, ElementLayout layout, int count) {
        int bytes = (int) ProtocolJson.elementBytes(layout, count);
        byte[] out = new byte[bytes];
        int mask = layout == ElementLayout.UNPACKED ? (1 << format.bits()) - 1 : 0xFF;
        for (int i = 0; i < bytes; i++) {
            out[i] = (byte) (random.nextInt() & mask);
        }
        return out;
    }

    private static int below(SplitMix64 random, int n) {
        return (int) Long.remainderUnsigned(random.nextLong(), n);
    }
}
