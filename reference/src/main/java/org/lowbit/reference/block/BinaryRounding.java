package org.lowbit.reference.block;

/**
 * Exact scaling and single rounding into the IEEE binary formats that blocks are read from and written
 * to (SPEC.md §8.2 step 5 and §B.7), with integer arithmetic only.
 *
 * <p>A value is held as (−1)^S · significand · 2^exponent with a non-negative {@code long} significand
 * below 2^62; nothing is rounded until {@link #roundToNearestEven} writes the target format:
 * <pre>
 *   target     layout                                  bias   precision   smallest subnormal
 *   binary32   S EEEEEEEE MMMMMMMMMMMMMMMMMMMMMMM      127    24          2^-149
 *   bfloat16   S EEEEEEEE MMMMMMM                      127    8           2^-133
 *   binary16   S EEEEE MMMMMMMMMM                      15     11          2^-24
 * </pre>
 * Rounding is IEEE 754-2019 §4.3.1 roundTiesToEven on the quantum q = 2^(max(e, emin) − M), e = floor(log2
 * |v|), with the discarded bits read against half a quantum:
 * <pre>
 *   discarded &lt; half          keep n
 *   discarded = half          n + 1 if n is odd (ties to even)
 *   discarded &gt; half          n + 1
 * </pre>
 * A carry out of the significand moves into the exponent field; a result whose exponent field reaches all
 * ones is ±Inf (§7.4: overflow under roundTiesToEven).
 */
final class BinaryRounding {
    private BinaryRounding() {}

    /** The IEEE formats a block is dequantized to; each writes its pattern in the low bits of an int. */
    enum Target {
        FLOAT32(8, 23, 0x7FC00000),
        BFLOAT16(8, 7, 0x7FC0),
        FLOAT16(5, 10, 0x7E00);

        final int exponentBits;
        final int mantissaBits;
        final int quietNaN;
        final int signBit;
        final int infinity;

        Target(int exponentBits, int mantissaBits, int quietNaN) {
            this.exponentBits = exponentBits;
            this.mantissaBits = mantissaBits;
            this.quietNaN = quietNaN;
            this.signBit = 1 << (exponentBits + mantissaBits);
            this.infinity = ((1 << exponentBits) - 1) << mantissaBits;
        }
    }

    /**
     * (−1)^negative · significand · 2^exponent rounded to nearest even in {@code target}.
     *
     * @param significand non-negative, below 2^62
     */
    static int roundToNearestEven(boolean negative, long significand, int exponent, Target target) {
        int m = target.mantissaBits;
        int sign = negative ? target.signBit : 0;
        if (significand == 0) {
            return sign;
        }
        int bias = (1 << (target.exponentBits - 1)) - 1;
        int emin = 1 - bias;
        int e = exponent + 63 - Long.numberOfLeadingZeros(significand); // floor(log2 |v|)
        if (e > bias + 1) {
            return sign | target.infinity; // at least 2^(emax+2): beyond every rounding
        }
        int quantum = Math.max(e, emin) - m; // exponent of the target's ulp at |v|
        long n;
        if (exponent >= quantum) {
            n = significand << (exponent - quantum); // exact: n < 2^(m+1)
        } else {
            int shift = quantum - exponent;
            if (shift > 62) {
                n = 0; // significand < 2^62 ≤ half a quantum: rounds to zero
            } else {
                n = significand >>> shift;
                long discarded = significand & ((1L << shift) - 1);
                long half = 1L << (shift - 1);
                if (discarded > half || (discarded == half && (n & 1) != 0)) {
                    n++;
                }
            }
        }
        if (n == 1L << (m + 1)) { // carry out of the significand
            n >>>= 1;
            quantum++;
        }
        int field = n >= 1L << m ? quantum + m + bias : 0; // below 2^m: subnormal (or zero)
        if (field >= (1 << target.exponentBits) - 1) {
            return sign | target.infinity;
        }
        return sign | field << m | (int) (n & ((1L << m) - 1));
    }

    /**
     * The FP32 pattern of x · 2^−s for a finite x, exactly whenever that is an FP32 value; when it falls
     * below the FP32 subnormal grid (2^−149) it is rounded to odd: truncated, with the last bit set if
     * anything was discarded.
     *
     * <p>Why rounding to odd is safe: every element format's grid is at least 2^−17 (fp8_e5m2fnuz's smallest
     * subnormal), far coarser than 2^−149, and a value rounded to odd stays strictly inside the same
     * 2^−149 interval, never on a multiple of 2^−148. So it lies on the same side of every element grid
     * point and every midpoint as the exact quotient, and every rounding rule, SR included (whose
     * ⌊f · 2^32⌋ is 0 for either), picks the same code (Boldo and Melquiond, "When double rounding is odd").
     *
     * @param float32Bits a finite FP32 pattern (±0 included)
     */
    static int scaleFloat32ToOdd(int float32Bits, int s) {
        int sign = float32Bits & 0x80000000;
        int field = (float32Bits >>> 23) & 0xFF;
        int fraction = float32Bits & 0x7FFFFF;
        if (field == 0 && fraction == 0) {
            return float32Bits; // ±0
        }
        int significand = field == 0 ? fraction : fraction | 0x800000;
        int exponent = (field == 0 ? 1 : field) - 150 - s; // x · 2^-s = significand · 2^exponent
        if (exponent >= -149) {
            return sign | roundToNearestEven(false, significand, exponent, Target.FLOAT32); // exact
        }
        int shift = -149 - exponent; // ≥ 1, so the result is below 2^-126: a subnormal
        int n = shift >= 24 ? 0 : significand >>> shift;
        boolean inexact = shift >= 24 || (significand & ((1 << shift) - 1)) != 0;
        return sign | (inexact ? n | 1 : n);
    }

    /** The significand of a finite nonzero FP32 pattern with its trailing zeros removed (at most 24 bits). */
    static long significandOf(int float32Bits) {
        int field = (float32Bits >>> 23) & 0xFF;
        int significand = field == 0 ? float32Bits & 0x7FFFFF : (float32Bits & 0x7FFFFF) | 0x800000;
        return significand >>> Integer.numberOfTrailingZeros(significand);
    }

    /** The exponent that goes with {@link #significandOf}: value = significandOf · 2^exponentOf. */
    static int exponentOf(int float32Bits) {
        int field = (float32Bits >>> 23) & 0xFF;
        int significand = field == 0 ? float32Bits & 0x7FFFFF : (float32Bits & 0x7FFFFF) | 0x800000;
        return (field == 0 ? 1 : field) - 150 + Integer.numberOfTrailingZeros(significand);
    }
}
