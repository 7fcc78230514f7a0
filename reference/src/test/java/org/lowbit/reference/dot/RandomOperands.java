package org.lowbit.reference.dot;

import java.util.List;
import org.lowbit.reference.ElementCodec;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.SplitMix64;

/**
 * Boundary-biased random operand pairs from a seeded {@link SplitMix64}: element codes drawn often from
 * ±max, ±min subnormal and ±0, blocks whose second half cancels the first, E8M0 scales near 1 and at
 * both ends of the range (products down to 2^-254, where FP32 flushes, and up to 2^254), NVFP4 blocks
 * with UE4M3 scales, and per-tensor scales that are 1, ordinary, tiny or huge.
 */
final class RandomOperands {

    /** How wild the draw may be. */
    enum Range {
        /** Scales within 2^±8 of 1, no tensor scale, no NaN or Inf codes. */
        MODERATE,
        /** Everything finite, including scale products that flush or overflow in FP32. */
        FINITE_CODES,
        /** Also NaN and Inf codes, now and then. */
        ANY
    }

    private static final List<ElementFormat> ELEMENT_FORMATS = List.of(
            ElementFormat.FP8_E4M3, ElementFormat.FP8_E5M2, ElementFormat.FP6_E3M2, ElementFormat.FP6_E2M3,
            ElementFormat.FP4_E2M1, ElementFormat.MXINT8, ElementFormat.INT8, ElementFormat.FP8_E4M3FNUZ,
            ElementFormat.FP8_E5M2FNUZ, ElementFormat.INT4, ElementFormat.UINT4);

    private final SplitMix64 random;
    private final Range range;

    RandomOperands(long seed, Range range) {
        this.random = new SplitMix64(seed);
        this.range = range;
    }

    /** A uniform integer in [0, bound). */
    int below(int bound) {
        return (int) Long.remainderUnsigned(random.nextLong(), bound);
    }

    private boolean chance(int percent) {
        return below(100) < percent;
    }

    /** A pair A, B with at most {@code maxBlocks} blocks. */
    MxVector[] pair(int maxBlocks) {
        boolean nvfp4 = chance(15);
        ElementFormat scaleFormat = nvfp4 ? ElementFormat.UE4M3 : ElementFormat.E8M0;
        int k = MxVector.blockSize(scaleFormat);
        int n = chance(10) ? maxBlocks : 1 + below(Math.min(maxBlocks, 8));
        ElementFormat formatA = nvfp4 && chance(70) ? ElementFormat.FP4_E2M1 : pick(ELEMENT_FORMATS);
        ElementFormat formatB = chance(50) ? formatA : pick(ELEMENT_FORMATS);
        int[] elementsA = new int[n * k];
        int[] elementsB = new int[n * k];
        for (int index = 0; index < n * k; index++) {
            elementsA[index] = elementCode(formatA);
            elementsB[index] = elementCode(formatB);
        }
        for (int j = 0; j < n; j++) {
            if (chance(30) && formatA.isSigned()) { // the second half of the block cancels the first
                for (int i = 0; i < k / 2; i++) {
                    elementsA[j * k + k / 2 + i] = negate(elementsA[j * k + i], formatA);
                    elementsB[j * k + k / 2 + i] = elementsB[j * k + i];
                }
            }
        }
        if (range == Range.ANY && chance(15)) { // an infinite term: E5M2 ±Inf times a nonzero finite element
            formatA = ElementFormat.FP8_E5M2;
            for (int index = 0; index < n * k; index++) {
                elementsA[index] = elementCode(formatA);
            }
            int index = below(n * k);
            elementsA[index] = chance(50) ? 0x7C : 0xFC;
            int partner;
            do {
                partner = below(formatB.codeCount());
            } while (formatB.isNaNCode(partner) || formatB.isInfinityCode(partner)
                     || ElementCodec.decodeToFloat(partner, formatB) == 0.0f);
            elementsB[index] = partner;
        }
        int[] scalesA = new int[n];
        int[] scalesB = new int[n];
        for (int j = 0; j < n; j++) {
            if (nvfp4) {
                scalesA[j] = ue4m3Scale();
                scalesB[j] = ue4m3Scale();
            } else {
                int[] pair = e8m0Scales();
                scalesA[j] = pair[0];
                scalesB[j] = pair[1];
            }
        }
        return new MxVector[] {
            MxVector.of(formatA, elementsA, scaleFormat, scalesA, tensorScale()),
            MxVector.of(formatB, elementsB, scaleFormat, scalesB, tensorScale())
        };
    }

    private <T> T pick(List<T> values) {
        return values.get(below(values.size()));
    }

    private int elementCode(ElementFormat format) {
        while (true) {
            int code = switch (below(10)) {
                case 0, 1 -> signed(format, format.maxFiniteCode());
                case 2 -> signed(format, 1);                                 // smallest nonzero magnitude
                case 3 -> signed(format, 0);                                 // ±0
                default -> below(format.codeCount());
            };
            boolean special = format.isNaNCode(code) || format.isInfinityCode(code);
            if (!special || (range == Range.ANY && chance(3))) {
                return code;
            }
        }
    }

    /** The code of magnitude code {@code magnitude}, with a random sign where the format has one. */
    private int signed(ElementFormat format, int magnitude) {
        if (!format.isSigned() || !chance(50)) {
            return magnitude;
        }
        return negate(magnitude, format);
    }

    /** The code of minus the value of {@code code} (integers: two's complement, clamped at -max-1). */
    private static int negate(int code, ElementFormat format) {
        if (format.isFloat()) {
            if (format.specials() == ElementFormat.Specials.FNUZ && (code & 0x7F) == 0) {
                return 0; // fnuz has no -0 (0x80 is its NaN)
            }
            return code ^ format.signMask();
        }
        int bits = format.bits();
        int value = (code << (32 - bits)) >> (32 - bits);
        int negated = Math.min(-value, (1 << (bits - 1)) - 1);
        return negated & ((1 << bits) - 1);
    }

    private int[] e8m0Scales() {
        if (range == Range.MODERATE) {
            return new int[] {127 - 8 + below(17), 127 - 8 + below(17)};
        }
        if (range == Range.ANY && chance(2)) {
            return new int[] {0xFF, 127};
        }
        int choice = 1 + below(19);
        return switch (choice) {
            case 1, 2 -> new int[] {below(255), below(255)};
            case 3 -> new int[] {below(4), below(4)};                         // S ≈ 2^-254: flushed
            case 4 -> new int[] {251 + below(4), 251 + below(4)};             // S ≈ 2^254: overflows
            case 5, 6 -> {                                                    // S = 2^e, e in -155..-140
                int a = below(16);
                yield new int[] {a, 254 - 155 + below(16) - a};
            }
            case 7 -> new int[] {254, below(8)};                              // 2^127 · 2^-127..: exact S ≈ 1
            default -> new int[] {127 - 8 + below(17), 127 - 8 + below(17)};
        };
    }

    private int ue4m3Scale() {
        return switch (below(10)) {
            case 0 -> 0x00;
            case 1 -> 0x7E;
            case 2 -> range == Range.ANY && chance(30) ? 0x7F : 0x01;
            default -> below(0x7F);
        };
    }

    private float tensorScale() {
        if (range == Range.MODERATE) {
            return 1.0f;
        }
        int choice = below(20);
        int mantissa = below(1 << 23);
        float sign = chance(50) ? -1.0f : 1.0f;
        return switch (choice) {
            case 0, 1, 2, 3 -> sign * Math.scalb(1.0f + Math.scalb((float) mantissa, -23), below(21) - 10);
            case 4 -> sign * Math.scalb(1.0f + Math.scalb((float) mantissa, -23), -140 + below(20));
            case 5 -> sign * Math.scalb(1.0f + Math.scalb((float) mantissa, -23), 100 + below(28));
            default -> 1.0f;
        };
    }
}
