package org.lowbit.conformance.suite;

import org.lowbit.reference.ElementCodec;
import org.lowbit.spec.BlockFormat;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.SourceFormat;
import org.lowbit.spec.SplitMix64;

/**
 * Seeded random inputs for the property tests, drawn from SplitMix64 the way the vectors module's level-2
 * generators draw theirs (FORMAT.md §9): blocks as in {@code level2/random} (one draw picks amax's binade, then
 * each element a significand a few binades below it), and, for half the blocks, boundary-biased values: element
 * grid points, midpoints between neighbours (ties) and their one-ulp neighbours, times the block's power of
 * two, with element 0 on a scale threshold (the element's max or 2^emax, or one ulp off).
 */
final class BlockSampler {
    private BlockSampler() {}

    /** {@code blocks} blocks of the format's size, as source patterns. */
    static int[] blocks(SplitMix64 rng, BlockFormat format, SourceFormat source, int blocks) {
        int k = format.blockSize();
        int emax = format.emax();
        ElementFormat element = format.element();
        int[] out = new int[k * blocks];
        for (int b = 0; b < blocks; b++) {
            int binade = (int) Long.remainderUnsigned(rng.nextLong(), 40) - 20 + emax;
            if (source == SourceFormat.FP16) {
                binade = Math.clamp(binade, -6, 13);
            }
            boolean boundary = (rng.nextLong() & 1) == 0;
            double x = Math.scalb(1.0, binade - emax);
            for (int i = 0; i < k; i++) {
                long r = rng.nextLong();
                float f;
                if (!boundary) {
                    int sign = (int) (r >>> 63);
                    int drop = (int) ((r >>> 56) & 0xF);
                    int field = Math.clamp(binade - drop + 127, 1, 254);
                    f = Float.intBitsToFloat(sign << 31 | field << 23 | (int) (r & 0x7FFFFF));
                } else {
                    f = boundaryValue(r, element, x, i == 0);
                }
                out[b * k + i] = SourceBits.of(source, f);
            }
        }
        return out;
    }

    private static float boundaryValue(long r, ElementFormat element, double x, boolean threshold) {
        boolean negative = (r >>> 63) != 0;
        double v;
        if (threshold) {
            v = ((r >>> 8) & 1) == 0 ? element.maxFinite() : Math.scalb(1.0, element.emax());
        } else {
            int code = (int) Long.remainderUnsigned(r & 0xFFFF, element.codeCount());
            v = ElementCodec.decodeToDouble(code, element);
            if (!Double.isFinite(v)) {
                v = 0;
            }
            v = Math.abs(v);
            if (((r >>> 16) & 3) == 0 && code + 1 < element.codeCount()) {
                double next = Math.abs(ElementCodec.decodeToDouble(code + 1, element));
                if (Double.isFinite(next) && next > v) {
                    v = (v + next) / 2;
                }
            }
        }
        float f = (float) (v * x);
        int ulp = (int) ((r >>> 20) & 3);
        if (f != 0 && ulp == 1) {
            f = Math.nextUp(f);
        } else if (f != 0 && ulp == 2) {
            f = Math.nextDown(f);
        }
        return negative ? -f : f;
    }

    /**
     * Element-encode inputs: the weighted fill of FORMAT.md §9 (per input two draws; mostly an exponent over
     * the target's range, else any finite source exponent; the fraction from the second draw).
     */
    static int[] elementInputs(SplitMix64 rng, ElementFormat format, SourceFormat source, int n) {
        int m = source.mantissaBits();
        int bias = source.bias();
        int maxField = (1 << source.exponentBits()) - 2;
        int low = format.emin() - (format.isFloat() ? format.mantissaBits() : 0) - 2;
        int high = format.emax() + 2;
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            long r1 = rng.nextLong();
            long r2 = rng.nextLong();
            int sign = (int) (r1 >>> 63);
            int pick = (int) ((r1 >>> 60) & 0x7);
            long lowBits = r1 & 0xFFFFFFFFL;
            int field;
            if (pick < 6) {
                field = Math.clamp(low + (int) (lowBits % (high - low + 1)) + bias, 0, maxField);
            } else {
                field = (int) (lowBits % (maxField + 1));
            }
            int fraction = (int) (r2 >>> (64 - m));
            out[i] = (sign == 1 ? SourceBits.signBit(source) : 0) | field << m | fraction;
        }
        return out;
    }
}
