package org.lowbit.reference.block;

import java.util.Locale;
import org.lowbit.reference.ElementCodec;
import org.lowbit.spec.BlockFormat;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.SplitMix64;

/**
 * Random blocks of FP32 patterns biased to the places where scale rules and element rounding change their
 * answer. Deterministic for a seed (SplitMix64), so a failure names its seed and reproduces.
 */
final class BlockGenerator {
    private BlockGenerator() {}

    private static final int FLT_MAX = 0x7F7FFFFF;

    /** A uniform integer in [0, n). */
    static int below(SplitMix64 r, int n) {
        return (int) Long.remainderUnsigned(r.nextLong(), n);
    }

    /** One block of {@code format.blockSize()} patterns. */
    static int[] block(SplitMix64 r, BlockFormat format) {
        int k = format.blockSize();
        int amax = amaxBits(r, format);
        int[] x = new int[k];
        int sFloor = MxScales.floorLog2(amax) - format.emax(); // for placing element-grid ties
        for (int i = 0; i < k; i++) {
            x[i] = element(r, format, amax, sFloor) | (below(r, 2) == 0 ? 0 : 0x80000000);
        }
        x[below(r, k)] = amax | (below(r, 2) == 0 ? 0 : 0x80000000);
        if (below(r, 8) == 0) {
            int special = switch (below(r, 4)) {
                case 0 -> 0x7F800000;                                 // +Inf
                case 1 -> 0xFF800000;                                 // -Inf
                case 2 -> 0x7FC00000 | below(r, 0x400000);            // quiet NaN, some payload
                default -> 0xFF800000 | (1 + below(r, 0x7FFFFF));     // -NaN, any payload
            };
            x[below(r, k)] = special;
        }
        return x;
    }

    /** amax near a threshold of some rule, or zero, subnormal, near FLT_MAX, or random. */
    private static int amaxBits(SplitMix64 r, BlockFormat format) {
        int e = below(r, 4) == 0 ? below(r, 277) - 149 : below(r, 61) - 30; // sometimes anywhere
        int delta = below(r, 7) - 3;
        float max = format.isNvfp4() ? 6.0f : MxScales.elementMax(format);
        int mbits = MxScales.evenMantissaBits(format);
        long bits = switch (below(r, 10)) {
            case 0, 1 -> Float.floatToRawIntBits(Math.scalb(1.0f, e)) + delta;           // FLOOR / CEIL
            case 2, 3 -> Float.floatToRawIntBits(Math.scalb(max, e)) + delta;            // RCEIL / ROUND_UP
            case 4 -> Float.floatToRawIntBits(Math.scalb(2.0f - Math.scalb(1.0f, -(mbits + 1)), e)) + delta; // EVEN
            case 5 -> format.isNvfp4() ? ue4m3Midpoint(r) + delta : 0x00800000 + below(r, 0x7E800000);
            case 6 -> 1 + below(r, 0x7FFFFF);                                            // FP32 subnormal
            case 7 -> 0;                                                                 // all-zero block
            case 8 -> FLT_MAX - below(r, 1 << 20);                                      // next to FLT_MAX
            default -> below(r, FLT_MAX);
        };
        return (int) Math.max(0, Math.min(FLT_MAX, bits));
    }

    /** 6 times the midpoint of two adjacent UE4M3 values: the block scale amax/6 is a tie. */
    private static int ue4m3Midpoint(SplitMix64 r) {
        int c = 1 + below(r, 0x7D);
        float lo = ElementCodec.decodeToFloat(c, ElementFormat.UE4M3);
        float hi = ElementCodec.decodeToFloat(c + 1, ElementFormat.UE4M3);
        return Float.floatToRawIntBits((lo + hi) / 2 * 6);
    }

    /** A magnitude at most amax: a scaled element-grid tie, a random value, zero or a subnormal. */
    private static int element(SplitMix64 r, BlockFormat format, int amax, int sFloor) {
        int m = switch (below(r, 10)) {
            case 0, 1, 2 -> gridTie(r, format.element(), sFloor);
            case 3, 4, 5 -> amax == 0 ? 0 : below(r, amax) + 1;                    // anything up to amax
            case 6, 7 -> (amax & 0x7F800000) + below(r, (amax & 0x7FFFFF) + 1);   // amax's binade
            case 8 -> 0;
            default -> below(r, 0x800000);                                          // FP32 subnormal or 0
        };
        return m <= amax ? m : below(r, amax + 1);
    }

    /** The midpoint of two adjacent element values, times 2^sFloor (FLOOR's X). */
    private static int gridTie(SplitMix64 r, ElementFormat element, int sFloor) {
        int codes = element.isInteger() ? element.maxFiniteCode() : element.maxFiniteCode();
        int c = below(r, codes);
        float lo = ElementCodec.decodeToFloat(c, element);
        float hi = ElementCodec.decodeToFloat(c + 1, element);
        if (Float.isNaN(lo) || Float.isNaN(hi) || Float.isInfinite(hi)) {
            return 0;
        }
        float tie = Math.scalb((lo + hi) / 2, Math.max(-300, Math.min(300, sFloor)));
        return Float.floatToRawIntBits(tie) & 0x7FFFFFFF;
    }

    /** A short description of a block for failure messages: its first patterns in hex. */
    static String describe(int[] x, int from, int n) {
        StringBuilder b = new StringBuilder("[");
        for (int i = from; i < from + n; i++) {
            b.append(i == from ? "" : " ").append(String.format(Locale.ROOT, "%08X", x[i]));
        }
        return b.append(']').toString();
    }
}
