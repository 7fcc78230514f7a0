package org.lowbit.reference.dot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.lowbit.reference.dot.Codes.pad;
import static org.lowbit.reference.dot.Codes.repeat;
import static org.lowbit.spec.ElementFormat.E8M0;
import static org.lowbit.spec.ElementFormat.FP4_E2M1;
import static org.lowbit.spec.ElementFormat.FP8_E5M2;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.lowbit.reference.ElementCodec;
import org.lowbit.spec.DotAccumulation;
import org.lowbit.spec.SplitMix64;

/**
 * The error bound of {@link MxDot#errorBound}: it holds for every pinned profile and for FP32
 * evaluations in random orders and shapes (written here, independently of the profiles), on
 * boundary-biased random inputs; it is not loose; and its acceptance rules for NaN and Inf.
 */
class MxDotErrorBoundTest {

    private static final int INPUTS = 1500;

    /** The operands as FP32 values, decoded here (the element decode is tested exhaustively elsewhere). */
    private record Decoded(int n, int k, float[] pa, float[] pb, float[] xa, float[] xb, boolean e8m0, int[] ea,
                           int[] eb, float ga, float gb) {

        static Decoded of(MxVector a, MxVector b) {
            int n = a.blockCount();
            int k = a.blockSize();
            float[] pa = new float[n * k];
            float[] pb = new float[n * k];
            for (int index = 0; index < n * k; index++) {
                pa[index] = ElementCodec.decodeToFloat(a.elementCode(index), a.elementFormat());
                pb[index] = ElementCodec.decodeToFloat(b.elementCode(index), b.elementFormat());
            }
            float[] xa = new float[n];
            float[] xb = new float[n];
            int[] ea = new int[n];
            int[] eb = new int[n];
            for (int j = 0; j < n; j++) {
                xa[j] = ElementCodec.decodeToFloat(a.scaleCode(j), a.scaleFormat());
                xb[j] = ElementCodec.decodeToFloat(b.scaleCode(j), b.scaleFormat());
                ea[j] = a.scaleCode(j) - 127;
                eb[j] = b.scaleCode(j) - 127;
            }
            return new Decoded(n, k, pa, pb, xa, xb, a.scaleFormat() == E8M0, ea, eb, a.tensorScale(), b.tensorScale());
        }

        int terms() { return n * k; }

        /** p = P_A · P_B: exact in FP32 (MxDotExactnessTest). */
        float product(int index) {
            return pa[index] * pb[index];
        }

        /** RN(S_j · y) in one rounding: E8M0 by Math.scalb (IEEE scaleB, one correctly rounded multiply). */
        float scaleExactly(int j, float y) {
            if (!e8m0) {
                return y * (xa[j] * xb[j]); // a UE4M3 product is exact in FP32
            }
            if (Float.isNaN(xa[j]) || Float.isNaN(xb[j])) {
                return Float.NaN;
            }
            return Math.scalb(y, ea[j] + eb[j]);
        }

        /** TOSA's way: y · fl(X_A · X_B). */
        float scaleInFloat32(int j, float y) {
            return y * (xa[j] * xb[j]);
        }

        float epilogue(float sum) {
            return sum * (ga * gb);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // FP32 evaluations of the model, in random orders and shapes

    private static float randomTree(float[] values, int count, RandomOperands random) {
        if (count == 0) {
            return 0.0f;
        }
        float[] pool = java.util.Arrays.copyOf(values, count);
        int size = count;
        while (size > 1) {
            int x = random.below(size);
            float first = pool[x];
            pool[x] = pool[--size];
            int y = random.below(size);
            pool[y] = pool[y] + first;
        }
        return pool[0];
    }

    private static int[] permutation(int count, RandomOperands random) {
        int[] order = new int[count];
        for (int i = 0; i < count; i++) {
            order[i] = i;
        }
        for (int i = count - 1; i > 0; i--) { // Fisher-Yates
            int r = random.below(i + 1);
            int t = order[i];
            order[i] = order[r];
            order[r] = t;
        }
        return order;
    }

    /** One way to evaluate the dot product in FP32 that the model allows. */
    private interface Evaluation {
        float evaluate(Decoded d, RandomOperands random);
    }

    /** Every scaled product rounded once, then a random binary tree of additions. */
    private static final Evaluation SCALED_TERMS_RANDOM_TREE = (d, random) -> {
        float[] terms = new float[d.terms()];
        for (int index = 0; index < terms.length; index++) {
            terms[index] = d.scaleExactly(index / d.k(), d.product(index));
        }
        return d.epilogue(randomTree(terms, terms.length, random));
    };

    /** Each block cut into random chunks, each chunk a random tree, scaled exactly or TOSA's way. */
    private static final Evaluation CHUNKED_BLOCKS = (d, random) -> {
        float[] scaled = new float[d.terms()];
        int count = 0;
        float[] chunk = new float[d.k()];
        for (int j = 0; j < d.n(); j++) {
            int[] order = permutation(d.k(), random);
            int start = 0;
            while (start < d.k()) {
                int length = 1 + random.below(d.k() - start);
                for (int t = 0; t < length; t++) {
                    chunk[t] = d.product(j * d.k() + order[start + t]);
                }
                float y = randomTree(chunk, length, random);
                scaled[count++] = random.below(2) == 0 ? d.scaleExactly(j, y) : d.scaleInFloat32(j, y);
                start += length;
            }
        }
        return d.epilogue(randomTree(scaled, count, random));
    };

    /** Dequantize both operands to FP32 (exact or ±Inf), multiply (one rounding), random tree. */
    private static final Evaluation DEQUANTIZE_THEN_MULTIPLY = (d, random) -> {
        float[] terms = new float[d.terms()];
        for (int index = 0; index < terms.length; index++) {
            int j = index / d.k();
            terms[index] = (d.pa()[index] * d.xa()[j]) * (d.pb()[index] * d.xb()[j]);
        }
        return d.epilogue(randomTree(terms, terms.length, random));
    };

    /** 1, 2, 4 or 8 interleaved FMA chains over a random permutation (SIMD lanes), then a random tree. */
    private static final Evaluation FMA_CHAINS = (d, random) -> {
        int chains = 1 << random.below(4);
        float[] acc = new float[chains];
        int[] order = permutation(d.terms(), random);
        for (int t = 0; t < order.length; t++) {
            int index = order[t];
            int j = index / d.k();
            acc[t % chains] = Math.fma(d.pa()[index] * d.xa()[j], d.pb()[index] * d.xb()[j], acc[t % chains]);
        }
        return d.epilogue(randomTree(acc, chains, random));
    };

    /** Recursive summation of the scaled products in a random permutation. */
    private static final Evaluation SEQUENTIAL_PERMUTED = (d, random) -> {
        float acc = 0.0f;
        for (int index : permutation(d.terms(), random)) {
            acc = acc + d.scaleExactly(index / d.k(), d.product(index));
        }
        return d.epilogue(acc);
    };

    private static final List<Evaluation> EVALUATIONS = List.of(SCALED_TERMS_RANDOM_TREE, CHUNKED_BLOCKS,
            DEQUANTIZE_THEN_MULTIPLY, FMA_CHAINS, SEQUENTIAL_PERMUTED);

    private static final List<String> EVALUATION_NAMES = List.of("scaled terms, random tree",
            "random chunks per block", "dequantize then multiply", "FMA chains", "sequential, permuted");

    private static String failure(String what, MxVector a, MxVector b, float computed, DotErrorBound bound) {
        String error = bound.exact().isFinite() && Float.isFinite(computed)
                ? bound.error(computed).round(new MathContext(6)).toString() : "-";
        return String.format(Locale.ROOT, "%s gave %s (0x%08X), |error| %s, outside %s%n  A = %s%n  B = %s", what,
                computed, Float.floatToRawIntBits(computed), error, bound, a, b);
    }

    // ---------------------------------------------------------------------------------------------

    @Test
    @DisplayName("Every pinned profile is within the bound, on boundary-biased random inputs (seeded)")
    void pinnedProfilesAreWithinTheBound() {
        for (RandomOperands.Range range : RandomOperands.Range.values()) {
            RandomOperands random = new RandomOperands(0x5EED_0001L + range.ordinal(), range);
            for (int input = 0; input < INPUTS; input++) {
                MxVector[] ab = random.pair(32);
                DotErrorBound bound = MxDot.errorBound(ab[0], ab[1]);
                for (DotAccumulation accumulation : DotAccumulation.values()) {
                    float computed = MxDot.dot(ab[0], ab[1], accumulation);
                    if (!bound.admits(computed)) {
                        fail(failure(accumulation + " (" + range + " input " + input + ")", ab[0], ab[1], computed,
                                     bound));
                    }
                }
            }
        }
    }

    @Test
    @DisplayName("FP32 evaluations in random orders and shapes are within the bound (seeded), and the draw covers"
                 + " NaN, Inf, overflow, flushed blocks, tensor scales and inexact results")
    void randomOrdersAreWithinTheBound() {
        int nanExact = 0;
        int infiniteExact = 0;
        int overflowPossible = 0;
        int flushed = 0;
        int tensorScaled = 0;
        int inexact = 0;
        int nonFiniteForFinite = 0;
        for (RandomOperands.Range range : RandomOperands.Range.values()) {
            RandomOperands random = new RandomOperands(0x5EED_0100L + range.ordinal(), range);
            for (int input = 0; input < INPUTS; input++) {
                MxVector[] ab = random.pair(32);
                DotErrorBound bound = MxDot.errorBound(ab[0], ab[1]);
                Decoded d = Decoded.of(ab[0], ab[1]);
                nanExact += bound.exact().isNaN() ? 1 : 0;
                infiniteExact += bound.exact().isInfinite() ? 1 : 0;
                overflowPossible += bound.overflowPossible() ? 1 : 0;
                flushed += bound.flushableSum().signum() > 0 ? 1 : 0;
                tensorScaled += d.ga() * d.gb() != 1.0f ? 1 : 0;
                for (int e = 0; e < EVALUATIONS.size(); e++) {
                    for (int repeat = 0; repeat < 2; repeat++) {
                        float computed = EVALUATIONS.get(e).evaluate(d, random);
                        if (!bound.admits(computed)) {
                            fail(failure(EVALUATION_NAMES.get(e) + " (" + range + " input " + input + ")", ab[0],
                                         ab[1], computed, bound));
                        }
                        if (bound.exact().isFinite()) {
                            if (!Float.isFinite(computed)) {
                                nonFiniteForFinite++;
                            } else if (bound.error(computed).signum() != 0) {
                                inexact++;
                            }
                        }
                    }
                }
            }
        }
        String coverage = String.format(Locale.ROOT, "NaN %d, Inf %d, overflow possible %d, flushed %d, tensor"
                + " scaled %d, inexact %d, non-finite for finite %d", nanExact, infiniteExact, overflowPossible,
                flushed, tensorScaled, inexact, nonFiniteForFinite);
        assertTrue(nanExact > 100 && infiniteExact > 50 && overflowPossible > 200 && flushed > 200 && tensorScaled > 500
                   && inexact > 10_000 && nonFiniteForFinite > 500, coverage);
    }

    @Test
    @DisplayName("The bound is not loose: B ≤ γ_(N+1)·T + 2N·2^-150, and B < 2^-10·T for N ≤ 1024 terms")
    void boundIsNotLoose() {
        RandomOperands random = new RandomOperands(0x5EED_0200L, RandomOperands.Range.MODERATE);
        BigDecimal twoToMinus10 = BigDecimal.ONE.divide(new BigDecimal(1024));
        BigDecimal twoToMinus150 = new BigDecimal(Math.scalb(1.0, -150));
        int checked = 0;
        for (int input = 0; input < INPUTS; input++) {
            MxVector[] ab = random.pair(32);
            DotErrorBound bound = MxDot.errorBound(ab[0], ab[1]);
            int terms = ab[0].length();
            assertTrue(terms <= 1024);
            BigDecimal t = bound.magnitudeSum();
            // γ_(N+1) = (N+1) / (2^24 - N - 1), computed here on its own (rounded up; B is rounded up too)
            BigDecimal gamma = new BigDecimal(terms + 1).divide(new BigDecimal((1 << 24) - terms - 1),
                                                                new MathContext(60, java.math.RoundingMode.CEILING));
            // B is rounded up to 40 significant digits: allow 10^-35 relative on top of the 2N·2^-150 floor
            BigDecimal floor = twoToMinus150.multiply(new BigDecimal(2L * terms));
            BigDecimal ceiling = gamma.multiply(t).multiply(BigDecimal.ONE.add(BigDecimal.ONE.movePointLeft(35)));
            assertTrue(bound.bound().compareTo(ceiling.add(floor)) <= 0, bound.toString());
            assertTrue(bound.bound().compareTo(gamma.multiply(t)) >= 0, bound.toString());
            if (t.compareTo(new BigDecimal(Math.scalb(1.0, -100))) > 0) {
                assertTrue(bound.bound().compareTo(twoToMinus10.multiply(t)) < 0, bound.toString());
                checked++;
            }
        }
        assertTrue(checked > INPUTS / 2, "too few inputs with T > 2^-100: " + checked);
    }

    @Test
    @DisplayName("The bound's value for 32 products 1·1: γ_33·32 + (1 + γ_64)·32·2^-150")
    void boundFormula() {
        MxVector a = MxVector.mx(FP4_E2M1, repeat(0x2, 32), new int[] {0x7F});
        DotErrorBound bound = MxDot.errorBound(a, a);
        assertEquals(0, bound.magnitudeSum().compareTo(new BigDecimal(32)));
        assertEquals(33, bound.depth());
        MathContext mc = new MathContext(80);
        BigDecimal expected = new BigDecimal(33 * 32).divide(new BigDecimal((1 << 24) - 33), mc)
                .add(new BigDecimal(1 << 24).divide(new BigDecimal((1 << 24) - 64), mc)
                                            .multiply(new BigDecimal(32 * Math.scalb(1.0, -150))));
        BigDecimal difference = bound.bound().subtract(expected);
        assertTrue(difference.signum() >= 0 && difference.compareTo(expected.movePointLeft(38)) < 0,
                   bound.bound() + " vs " + expected);
        assertFalse(bound.overflowPossible());
        assertFalse(bound.nanPossible());
        assertTrue(bound.admits(32.0f));
        // B = 33·32/(2^24 - 33) + ... ≈ 6.29e-5: 32 + 2^-14 (6.10e-5 away) is admitted, 32 + 2^-13 is not.
        assertTrue(bound.admits(32.0f + Math.scalb(1.0f, -14)));
        assertFalse(bound.admits(32.0f + Math.scalb(1.0f, -13)));
    }

    @Test
    @DisplayName("Admits: a finite exact result never allows Inf or NaN unless overflow is possible")
    void finiteExactRejectsNonFinite() {
        MxVector a = MxVector.mx(FP4_E2M1, repeat(0x7, 32), new int[] {0x7F});
        DotErrorBound bound = MxDot.errorBound(a, a); // 32 · 36 = 1152 exactly
        assertTrue(bound.admits(1152.0f));
        assertFalse(bound.admits(1153.0f));
        assertFalse(bound.admits(Float.POSITIVE_INFINITY));
        assertFalse(bound.admits(Float.NaN));
    }

    @Test
    @DisplayName("Admits: an infinite term in a block whose scale product flushes may give NaN (TOSA: Inf · 0)")
    void infinityInFlushedBlock() {
        // X(A) · X(B) = 2^-127 · 2^-127: fl(S) = 0 in FP32, so TOSA computes Inf · 0 = NaN; exactly, it is +Inf.
        MxVector a = MxVector.mx(FP8_E5M2, pad(32, 0, 0x7C), new int[] {0x00});
        MxVector b = MxVector.mx(FP8_E5M2, pad(32, 0, 0x3C), new int[] {0x00});
        DotErrorBound bound = MxDot.errorBound(a, b);
        assertTrue(bound.exact().isInfinite() && !bound.exact().negative());
        assertTrue(bound.nanPossible());
        assertEquals(0x7FC00000, MxDot.dotFloat32Bits(a, b, DotAccumulation.TOSA_BLOCK_SCALED));
        assertEquals(0x7F800000, MxDot.dotFloat32Bits(a, b, DotAccumulation.SEQUENTIAL_FP32));
        assertTrue(bound.admits(Float.NaN) && bound.admits(Float.POSITIVE_INFINITY));
        assertFalse(bound.admits(Float.NEGATIVE_INFINITY) || bound.admits(1.0f));
    }

    @Test
    @DisplayName("Admits: a tensor-scale product that flushes to 0 turns an infinite result into a possible NaN")
    void tinyTensorScale() {
        // g_A · g_B = 2^-100 · 2^-60 = 2^-160: alpha = fl(2^-160) = 0, and Inf · 0 = NaN in the epilogue.
        MxVector a = MxVector.of(FP8_E5M2, pad(32, 0, 0x7C), E8M0, new int[] {0x7F}, Math.scalb(1.0f, -100));
        MxVector b = MxVector.of(FP8_E5M2, pad(32, 0, 0x3C), E8M0, new int[] {0x7F}, Math.scalb(1.0f, -60));
        DotErrorBound bound = MxDot.errorBound(a, b);
        assertTrue(bound.exact().isInfinite());
        assertEquals(0x7FC00000, MxDot.dotFloat32Bits(a, b, DotAccumulation.SEQUENTIAL_FP32));
        assertEquals(0x7F800000, MxDot.exactFloat32Bits(a, b)); // Inf · 2^-160 = Inf, exactly
        assertTrue(bound.nanPossible() && bound.admits(Float.NaN));
    }
}
