package org.lowbit.harness.cuda;

import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.ElementKnobs;
import org.lowbit.spec.Overflow;
import org.lowbit.spec.Rounding;
import org.lowbit.spec.SourceFormat;
import org.lowbit.spec.SpecialPolicies.E8m0BottomBinade;
import org.lowbit.spec.SpecialPolicies.E8m0ZeroPolicy;
import org.lowbit.spec.SpecialPolicies.InfPolicy;
import org.lowbit.spec.SpecialPolicies.IntegerRange;
import org.lowbit.spec.SpecialPolicies.NanPolicy;
import org.lowbit.spec.SpecialPolicies.NegativePolicy;

/**
 * The structs that lowbit.cu's kernels take by value, built as int arrays in the kernels' field order. The
 * special codes (NaN, ±Inf, ±0, ±max, overflow) are worked out here from SPEC.md §3 and §3.1; the kernels
 * do the rounding.
 */
final class KernelParams {
    private KernelParams() {}

    /** lowbit.cu {@code Fast}: which hardware cvt reproduces the knobs. */
    static final int FAST_NONE = 0, FAST_E4M3 = 1, FAST_E5M2 = 2, FAST_E2M1 = 3, FAST_E2M3 = 4, FAST_E3M2 = 5;

    /** The {@code Elem} struct. {@code fast} is one of the FAST_ constants. */
    /**
     * A planted bug for checking the checks ({@code -Dlowbit.cuda.plant=rna}): the kernels round ties away
     * instead of to even, and no hardware cvt is used. CudaCheck's diff and sweep must then fail.
     */
    static final boolean PLANT_RNA = "rna".equals(System.getProperty("lowbit.cuda.plant"));

    static int[] element(ElementFormat f, ElementKnobs k, int fast) {
        if (PLANT_RNA && k.rounding() == Rounding.RNE) {
            k = k.withRounding(Rounding.RNA);
            fast = FAST_NONE;
        }
        int kind = f.isInteger() ? 1 : f.specials() == ElementFormat.Specials.E8M0 ? 2 : 0;
        int[] p = new int[27];
        p[0] = kind;
        p[1] = f.isInteger() ? 0 : f.mantissaBits();
        p[2] = f.isInteger() ? 0 : f.bias();
        p[3] = f.isInteger() ? 0 : f.emin();
        p[4] = f.maxFiniteCode();
        p[5] = f.signMask();
        p[6] = f.bits();
        p[7] = f.isInteger() ? f.fractionBits() : 0;
        p[8] = f.isSigned() ? 1 : 0;
        p[9] = k.rounding().ordinal();
        p[10] = k.overflow() == Overflow.SATFINITE ? 1 : 0;
        p[11] = k.negative() == NegativePolicy.ABSOLUTE ? 0 : 1;
        p[12] = k.negative() == NegativePolicy.TO_NAN && f.hasNaN() ? signedNaN(f, false) : 0;
        p[13] = k.e8m0Bottom() == E8m0BottomBinade.CODE0_AS_ZERO ? 1 : 0;
        for (int neg = 0; neg < 2; neg++) {
            boolean n = neg == 1;
            p[14 + neg] = nan(f, k.nan(), n);
            p[16 + neg] = infinity(f, k, n);
            p[18 + neg] = zero(f, k, n);
            p[20 + neg] = max(f, k, n);
            p[22 + neg] = overflow(f, k, n);
        }
        p[24] = f.maxFiniteCode();
        p[25] = f.isInteger() && f.isSigned() && k.integerRange() == IntegerRange.FULL ? f.maxFiniteCode() + 1 : f.maxFiniteCode();
        p[26] = fast;
        return p;
    }

    /** Whether the hardware FP8 cvt ({@code .rn.satfinite}) is the conversion for finite inputs under these knobs. */
    static int finiteFast(ElementFormat f, ElementKnobs k) {
        if (k.rounding() != Rounding.RNE || k.overflow() != Overflow.SATFINITE) {
            return FAST_NONE;
        }
        return switch (f) {
            case FP8_E4M3 -> FAST_E4M3;
            case FP8_E5M2 -> FAST_E5M2;
            case FP4_E2M1 -> FAST_E2M1;
            case FP6_E2M3 -> FAST_E2M3;
            case FP6_E3M2 -> FAST_E3M2;
            default -> FAST_NONE;
        };
    }

    /**
     * Whether the hardware cvt gives every code under these knobs, specials included: the cuda-satfinite
     * knobs (RNE, SATFINITE, Inf to max, NaN to the positive all-ones code). Only FP8 here: the FP4/FP6
     * kernels use the native cvt only on sm_100a/sm_120a.
     */
    static int everyInputFast(ElementFormat f, ElementKnobs k) {
        boolean cuda = k.rounding() == Rounding.RNE && k.overflow() == Overflow.SATFINITE
                       && k.infinity() == InfPolicy.TO_MAX && k.nan() == NanPolicy.ALL_ONES_POSITIVE;
        if (!cuda) {
            return FAST_NONE;
        }
        return switch (f) {
            case FP8_E4M3 -> FAST_E4M3;
            case FP8_E5M2 -> FAST_E5M2;
            default -> FAST_NONE;
        };
    }

    /** The {@code Dec} struct. */
    static int[] decoder(ElementFormat f) {
        int specials = switch (f.specials()) {
            case IEEE -> 0;
            case NAN_ALL_ONES -> 1;
            case FNUZ -> 2;
            case NONE -> 3;
            case E8M0 -> 4;
        };
        return new int[] {f.isInteger() ? 1 : f.specials() == ElementFormat.Specials.E8M0 ? 2 : 0,
                f.isInteger() ? 0 : f.mantissaBits(), f.isInteger() ? 0 : f.exponentBits(), f.isInteger() ? 0 : f.bias(),
                f.bits(), f.signMask(), f.isInteger() ? f.fractionBits() : 0, f.isSigned() ? 1 : 0, specials};
    }

    /** The {@code Out} struct of an output format: f32, bf16 or f16. */
    static int[] output(SourceFormat out) {
        return switch (out) {
            case FP32 -> new int[] {23, 127, 0x7F7FFFFF, 0x7F800000, 31};
            case BF16 -> new int[] {7, 127, 0x7F7F, 0x7F80, 15};
            case FP16 -> new int[] {10, 15, 0x7BFF, 0x7C00, 15};
            case FP64 -> throw new IllegalArgumentException("f64 output");
        };
    }

    static int[] concat(int[]... parts) {
        int n = 0;
        for (int[] a : parts) {
            n += a.length;
        }
        int[] out = new int[n];
        int at = 0;
        for (int[] a : parts) {
            System.arraycopy(a, 0, out, at, a.length);
            at += a.length;
        }
        return out;
    }

    // ---------------------------------------------------------------------------------------------
    // Special codes, SPEC.md §3 rules 1-6 and §3.1

    private static int signBit(ElementFormat f, boolean negative) {
        return negative ? f.signMask() : 0;
    }

    private static int allOnes(ElementFormat f) {
        return (1 << (f.exponentBits() + f.mantissaBits())) - 1;
    }

    private static int infinityCode(ElementFormat f, boolean negative) {
        return ((1 << f.exponentBits()) - 1) << f.mantissaBits() | signBit(f, negative);
    }

    static int zero(ElementFormat f, ElementKnobs k, boolean negative) {
        if (f.specials() == ElementFormat.Specials.E8M0) {
            return k.e8m0Zero() == E8m0ZeroPolicy.MIN_CODE ? 0x00 : 0xFF;
        }
        return negative && f.hasNegativeZero() ? f.signMask() : 0;
    }

    static int max(ElementFormat f, ElementKnobs k, boolean negative) {
        int max = f.maxFiniteCode();
        if (!negative || !f.isSigned()) {
            return negative ? 0 : max;
        }
        if (f.isInteger()) {
            int n = k.integerRange() == IntegerRange.FULL ? max + 1 : max;
            return -n & ((1 << f.bits()) - 1);
        }
        return max | f.signMask();
    }

    static int signedNaN(ElementFormat f, boolean negative) {
        return switch (f.specials()) {
            case FNUZ -> 1 << (f.exponentBits() + f.mantissaBits());
            case E8M0 -> 0xFF;
            case IEEE, NAN_ALL_ONES -> allOnes(f) | signBit(f, negative);
            case NONE -> 0;
        };
    }

    static int nan(ElementFormat f, NanPolicy policy, boolean negative) {
        return switch (policy) {
            case QUIET_NAN_SIGNED -> f.specials() == ElementFormat.Specials.IEEE
                    ? infinityCode(f, negative) | 1 << (f.mantissaBits() - 1) : signedNaN(f, negative);
            case ALL_ONES_POSITIVE -> f.hasNaN() ? signedNaN(f, false) : allOnes(f);
            case ALL_ONES_SIGNED -> f.hasNaN() ? signedNaN(f, negative) : allOnes(f) | signBit(f, negative);
            case NEGATED_ZERO -> negative ? 0 : f.signMask();
            case ZERO -> 0;
        };
    }

    /** What a non-toward-zero overflow gives under NONSAT (rule 6). */
    static int overflow(ElementFormat f, ElementKnobs k, boolean negative) {
        if (f.hasInfinity()) {
            return infinityCode(f, negative);
        }
        return f.hasNaN() ? signedNaN(f, negative) : max(f, k, negative);
    }

    /** ±Inf inputs (rule 3): AS_OVERFLOW is an overflow under every rounding. */
    static int infinity(ElementFormat f, ElementKnobs k, boolean negative) {
        return switch (k.infinity()) {
            case AS_OVERFLOW -> k.overflow() == Overflow.SATFINITE ? max(f, k, negative) : overflow(f, k, negative);
            case TO_MAX -> max(f, k, negative);
            case TO_NAN -> signedNaN(f, negative);
        };
    }
}
