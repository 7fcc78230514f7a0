package org.lowbit.vectors.generate;

import java.util.OptionalInt;
import org.lowbit.reference.ElementCodec;
import org.lowbit.spec.SourceFormat;
import org.lowbit.vectors.HexBytes;

/**
 * The bit patterns of a source format (f32, bf16, f16) as a grid: positive finite patterns order as their
 * values, so exact, floor and ceiling lookups are binary searches over the patterns.
 */
final class SourceGrid {
    private final SourceFormat source;
    private final int signBit;
    private final int infinity;

    private SourceGrid(SourceFormat source) {
        this.source = source;
        this.signBit = 1 << (source.bits() - 1);
        this.infinity = ((1 << source.exponentBits()) - 1) << source.mantissaBits();
    }

    static SourceGrid of(SourceFormat source) {
        if (source == SourceFormat.FP64) {
            throw new IllegalArgumentException("f64 is not a vector-file source");
        }
        return new SourceGrid(source);
    }

    SourceFormat source() { return source; }

    int signBit() { return signBit; }

    int infinity() { return infinity; }

    /** The largest finite positive pattern. */
    int maxFinite() { return infinity - 1; }

    /** A quiet NaN: the top fraction bit set. */
    int quietNaN() { return infinity | 1 << (source.mantissaBits() - 1); }

    /** The FP32 pattern of a source pattern (exact). */
    int toFloat32(int bits) {
        return switch (source) {
            case FP32 -> bits;
            case BF16 -> ElementCodec.bfloat16ToFloat32Bits(bits);
            case FP16 -> ElementCodec.float16ToFloat32Bits(bits);
            case FP64 -> throw new IllegalStateException();
        };
    }

    /** The value of a source pattern, exactly, as a double. */
    double value(int bits) {
        return Float.intBitsToFloat(toFloat32(bits));
    }

    boolean isSubnormal(int bits) {
        int magnitude = bits & (signBit - 1);
        return magnitude != 0 && magnitude < 1 << source.mantissaBits();
    }

    /** The pattern of {@code v} if the source format holds it exactly (finite, |v| ≤ max). */
    OptionalInt exact(double v) {
        if (!Double.isFinite(v)) {
            return OptionalInt.empty();
        }
        int floor = floorMagnitude(Math.abs(v));
        if (floor < 0 || value(floor) != Math.abs(v)) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(v < 0 || Double.doubleToRawLongBits(v) < 0 ? floor | signBit : floor);
    }

    /**
     * The largest positive finite pattern whose value is ≤ {@code a} (a ≥ 0): 0 below the smallest subnormal,
     * the max pattern at or above the largest finite value (callers check the range themselves).
     */
    int floorMagnitude(double a) {
        int lo = 0;
        int hi = maxFinite();
        if (a >= value(hi)) {
            return hi;
        }
        while (lo < hi) { // invariant: value(lo) <= a < value(hi)
            int mid = (int) (((long) lo + hi + 1) >>> 1);
            if (value(mid) <= a) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    /** The smallest positive pattern whose value is ≥ {@code a} (a ≥ 0), or Inf if above max. */
    int ceilMagnitude(double a) {
        int floor = floorMagnitude(a);
        return value(floor) == a ? floor : floor + 1;
    }

    String hex(int bits) {
        return HexBytes.word(bits, source.bytes());
    }

    /** {@code f32 0x43e80000}. */
    String label(int bits) {
        return String.format(java.util.Locale.ROOT, "%s 0x%0" + source.bytes() * 2 + "x", source.id(), bits);
    }
}
