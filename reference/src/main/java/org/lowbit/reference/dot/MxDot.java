package org.lowbit.reference.dot;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.Objects;
import org.lowbit.reference.ElementCodec;
import org.lowbit.reference.exact.ExactValue;
import org.lowbit.spec.DotAccumulation;

/**
 * The MX dot product: OCP MX v1.0 §6.1 Dot and §6.2 DotGeneral, exactly, under each pinned
 * accumulation profile ({@link DotAccumulation}), and the error bound that any FP32 accumulation
 * must meet in any order.
 *
 * <p>References:
 * <ol>
 *   <li>OCP Microscaling Formats (MX) v1.0, §5.1 (a NaN scale makes the block NaN), §5.2.1 (mixed
 *       element formats), §6.1 Dot, §6.2 DotGeneral (research/mx-semantics.md §1.1, §1.6).</li>
 *   <li>arm/tosa-specification, {@code pseudocode/operators/MATMUL_T_BLOCK_SCALED.tosac}.</li>
 *   <li>IEEE 754-2019: §4.3.1 roundTiesToEven, §5.4.1 fusedMultiplyAdd, §6.1-§6.3 infinities, NaNs and
 *       the sign of zero, §7.2 invalid operation, §7.4 overflow.</li>
 *   <li>N. J. Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed., SIAM 2002: §3.1
 *       (Lemma 3.1, Lemma 3.3, the inner-product bound for any order of evaluation), §4.2 (summation
 *       by any binary tree of additions).</li>
 * </ol>
 *
 * <h2>Notation</h2>
 * A and B are {@link MxVector}s of n blocks of k elements. For block j and element i:
 * <pre>
 *   p_ji = P_i(A_j) · P_i(B_j)      the element product
 *   S_j  = X(A_j) · X(B_j)          the block-scale product
 *   G    = g_A · g_B                the per-tensor scales (1 when absent)
 *   c    = G · Σ_j S_j · Σ_i p_ji   (§6.1: the scales factor out of each block; §6.2: the sum over blocks)
 * </pre>
 * The terms are t_ji = S_j · p_ji and N = n·k. Every code decodes to an exact FP32 value
 * ({@link ElementCodec#decodeToFloat32Bits}); p_ji is always an FP32 value too (the significands have
 * at most 8 bits each and 2^-34 ≤ |p_ji| &lt; 2^32 when p_ji ≠ 0), and so is P·X for an E8M0 or UE4M3
 * scale X unless it overflows.
 *
 * <h2>The exact result ({@link #exact})</h2>
 * c is computed with no rounding at all, as an extended real, by these rules:
 * <ul>
 *   <li>A NaN scale code (E8M0 0xFF, UE4M3 0x7F) makes every term of its block NaN, whatever the
 *       elements (§5.1), so c is NaN. A NaN element code makes its term NaN, so c is NaN.</li>
 *   <li>A term with an infinite factor (E5M2 ±Inf) is NaN if another factor is zero (an element 0, or
 *       a UE4M3 scale 0), else ±Inf with the product of the signs.</li>
 *   <li>c is NaN if any term is NaN or if both +Inf and -Inf terms occur; else ±Inf if any term is
 *       infinite; else the exact sum, times G.</li>
 *   <li>An exactly zero sum is +0 (a sum of opposite signs that is exactly zero is +0 under
 *       roundTiesToEven, IEEE §6.3, and every accumulator below starts at +0, so even a sum of -0 terms
 *       is +0); G then contributes its sign, as +0 · G does.</li>
 * </ul>
 * {@link #exactFloat32Bits} rounds c once to FP32 (RNE, gradual underflow, |c| ≥ 2^128 - 2^103
 * overflows to ±Inf, a nonzero c that rounds to zero keeps its sign); it is
 * {@link DotAccumulation#EXACT}.
 *
 * <h2>The pinned profiles ({@link #dotFloat32Bits})</h2>
 * Java {@code float} arithmetic is IEEE binary32 with roundTiesToEven and gradual underflow on every
 * operation (JLS §15.4); no expression here is contracted into an FMA unless the profile says so.
 * fl(·) is one such rounding. All accumulators start at +0; blocks go j = 0..n-1, elements i = 0..k-1.
 * <pre>
 *   EXACT                  c = fl(G · Σ t_ji)                                         (one rounding)
 *   EXACT_BLOCK_THEN_FP32  b_j = fl(S_j · Σ_i p_ji);  acc = fl(acc + b_j)
 *   TOSA_BLOCK_SCALED      block_acc = fl(block_acc + fl(p_ji))   (fl(p_ji) = p_ji: exact)
 *                          s_j = fl(X(A_j) · X(B_j))   (E8M0: 0 when S_j ≤ 2^-150, +Inf when S_j ≥ 2^128)
 *                          block_acc = fl(block_acc · s_j);  acc = fl(acc + block_acc)
 *   SEQUENTIAL_FP32        acc = fl(acc + fl(S_j · p_ji))      (the scaled product rounded once)
 *   DEQUANTIZE_FMA_FP32    a = fl(P_i(A_j) · X(A_j)), b = fl(P_i(B_j) · X(B_j))  (exact, or ±Inf)
 *                          acc = fma(a, b, acc) = fl(a · b + acc)
 *   then, all but EXACT:   c = fl(acc · fl(g_A · g_B))   (the GEMM "alpha" epilogue; exact when G = 1)
 * </pre>
 * Inside these steps IEEE 754 special values behave as in Java: NaN propagates, Inf · 0 and
 * Inf - Inf are NaN, an overflowing rounding is ±Inf. A NaN result is always the quiet NaN
 * 0x7FC00000: IEEE 754 does not fix the sign or payload of a NaN result, so neither do we.
 *
 * <h2>The error bound ({@link #errorBound}, {@link #withinBound})</h2>
 * OCP §6.1 leaves the internal precision and order of operations to the implementation. The bound
 * covers every FP32 evaluation that fits this model, whatever its order:
 * <ol>
 *   <li>(A1) Arithmetic is binary32 with round-to-nearest (either tie rule) and gradual underflow: a
 *       product is fl(x·y) = x·y·(1+δ) + η with |δ| ≤ u = 2^-24, |η| ≤ 2^-150 and δ·η = 0; a sum
 *       fl(x+y) = (x+y)(1+δ) with no η, because binary32 values are multiples of 2^-149, so a sum
 *       that lands below 2^-126 is exact.</li>
 *   <li>(A2) Each term is formed from its element product p_ji (exact, or rounded once) and its block
 *       scale, applied once: as S_j exactly (hardware adds exponents, or dequantizes each operand, which
 *       is exact), or as ŝ_j = fl(X(A_j) · X(B_j)) (TOSA), to one element product or to an FP32 (or wider)
 *       partial sum of products of the same block; that scaling is one rounded multiplication.</li>
 *   <li>(A3) The scaled values are summed by any binary tree of rounded FP32 additions (any order,
 *       any blocking, FMA chains included: an FMA is an exact product and one rounded addition).</li>
 *   <li>(A4) When G ≠ 1, the tensor scales are applied once at the end: ĉ = fl(ŝ · Ĝ), Ĝ = fl(g_A · g_B)
 *       or G exactly.</li>
 * </ol>
 * On the path from a term to the result there are then at most N - 1 additions, one product rounding
 * and one scaling: D = N + 1 roundings. By Higham's Lemma 3.1 each term carries a factor 1 + θ with
 * |θ| ≤ γ_D, γ_m = m·u / (1 - m·u). ŝ_j is S_j unless S_j ≤ 2^-150 (E8M0 only: then ŝ_j = 0 and the
 * block's contribution is lost, at most (1 + γ_(N+k)) times its magnitude) or S_j ≥ 2^128 (then ŝ_j =
 * +Inf: an overflow). With T = Σ |t_ji| over all terms and T_0 the same sum over the blocks with
 * S_j ≤ 2^-150:
 * <pre>
 *   B_s = γ_(N+1) · T + (1 + γ_(N+k)) · (T_0 + N · 2^-150)                       (G = 1)
 *   B   = |G|·(1 + γ_2)·B_s + |G|·γ_2·T + (T + B_s)·(1 + u)·2^-150 + 2^-150      (G ≠ 1)
 * </pre>
 * (the G ≠ 1 line expands fl(ŝ · (G(1+δ₁) + η₁)) = ŝ·Ĝ·(1+δ₂) + η₂ with |s| ≤ T and
 * |ŝ - s| ≤ B_s).
 * Every step is computed in {@link BigDecimal}, each division rounded up, and the sum rounded up to 40
 * significant digits, so the B returned is never below the formula. Lemma 3.1 needs (N + k)·u &lt; 1.
 *
 * <p>Overflow (IEEE 754 §7.4) is outside the algebra above, but it is visible: once a rounding
 * overflows, the result is ±Inf or NaN, never finite again. So a finite ĉ proves the evaluation never overflowed,
 * and the bound holds for it. A non-finite ĉ for a finite c is accepted when some evaluation of the
 * model may overflow: when some S_j ≥ 2^128, some dequantized operand |P·X| rounds to Inf, T + B_s
 * reaches Ω = 2^128 - 2^103 (every partial result is at most T + B_s in magnitude), or, for G ≠ 1,
 * |G| ≥ Ω or (T + B_s)·(|G|(1+u) + 2^-150) ≥ Ω. An infinite c may come out as NaN in the same cases,
 * when an infinite term lies in a block with S_j ≤ 2^-150 (Inf · ŝ_j = Inf · 0), or when
 * 0 &lt; |G| ≤ 2^-150 (Ĝ may be 0). A NaN c is NaN in every evaluation. {@link DotErrorBound#admits}
 * applies these rules.
 *
 * <p>Not covered: accumulators that truncate or keep fewer than 24 significand bits, flush-to-zero,
 * and applying X(A_j) and X(B_j) to a partial sum in two separate roundings (an underflowed
 * intermediate would then be scaled back up). Such an implementation can fall outside B, and that is
 * a finding about it, not a flaw in B.
 */
public final class MxDot {
    private MxDot() {}

    /** The NaN every result uses: IEEE 754 fixes neither the sign nor the payload of a NaN result. */
    static final int FLOAT32_QUIET_NAN = 0x7FC00000;

    /** u = 2^-24, the unit roundoff of binary32 with rounding to nearest. */
    private static final int INVERSE_UNIT_ROUNDOFF = 1 << 24;

    /** 2^-150: half the smallest subnormal spacing, the largest underflow error of one rounding. */
    private static final Dyadic HALF_MIN_SUBNORMAL = Dyadic.powerOfTwo(-150);

    /** Ω = 2^128 - 2^103: every |x| ≥ Ω rounds to ±Inf under roundTiesToEven (§7.4). */
    private static final Dyadic OVERFLOW_THRESHOLD = Dyadic.powerOfTwo(128).subtract(Dyadic.powerOfTwo(103));

    /** 2^128: the smallest power of two above the binary32 range; a scale product this large is +Inf. */
    private static final Dyadic SCALE_OVERFLOW = Dyadic.powerOfTwo(128);

    private static final MathContext UPWARD = new MathContext(50, RoundingMode.CEILING);
    private static final MathContext BOUND_DIGITS = new MathContext(40, RoundingMode.CEILING);

    // ---------------------------------------------------------------------------------------------
    // The exact result

    /**
     * c, exactly: NaN, ±Inf or a finite value with no rounding (see "The exact result" above).
     *
     * @apiNote Corresponds to Dot (OCP MX v1.0 §6.1) when each operand is one block, and to
     *          DotGeneral (§6.2) otherwise; the per-tensor scales multiply the result.
     * @throws IllegalArgumentException if the operands have different lengths or scale formats
     */
    public static ExactValue exact(MxVector a, MxVector b) {
        Exact c = exact(Operands.of(a, b));
        return switch (c.value().kind()) {
            case NAN -> ExactValue.ofNaN(false);
            case PLUS_INFINITY -> ExactValue.ofInfinity(false);
            case MINUS_INFINITY -> ExactValue.ofInfinity(true);
            case FINITE -> c.value().value().isZero()
                    ? ExactValue.ofFinite(c.negativeZero(), BigDecimal.ZERO)
                    : ExactValue.ofFinite(c.value().value().signum() < 0, c.value().value().abs().toBigDecimal());
        };
    }

    /**
     * c rounded once to FP32 with roundTiesToEven: {@link DotAccumulation#EXACT}.
     *
     * @throws IllegalArgumentException if the operands have different lengths or scale formats
     */
    public static int exactFloat32Bits(MxVector a, MxVector b) {
        Exact c = exact(Operands.of(a, b));
        return c.value().roundToFloat32Bits(c.negativeZero());
    }

    /** The exact value of c, and the sign its zero takes when c is exactly zero. */
    private record Exact(Extended value, boolean negativeZero) {}

    private static Exact exact(Operands o) {
        Extended sum = Extended.ZERO;
        for (int j = 0; j < o.n; j++) {
            Extended s = o.scaleProduct(j);
            for (int i = 0; i < o.k; i++) {
                sum = sum.plus(s.times(o.elementProduct(j, i)));
            }
        }
        boolean negativeTensorScale = (Float.floatToRawIntBits(o.ga) ^ Float.floatToRawIntBits(o.gb)) < 0;
        boolean negativeZero = sum.isFinite() && (sum.value().signum() < 0) != negativeTensorScale;
        return new Exact(sum.times(Extended.ofFloat(o.ga).times(Extended.ofFloat(o.gb))), negativeZero);
    }

    // ---------------------------------------------------------------------------------------------
    // The pinned profiles

    /**
     * The FP32 result of {@code accumulation}, as a bit pattern (NaN is always 0x7FC00000).
     *
     * @throws IllegalArgumentException if the operands have different lengths or scale formats
     */
    public static int dotFloat32Bits(MxVector a, MxVector b, DotAccumulation accumulation) {
        Objects.requireNonNull(accumulation, "accumulation");
        Operands o = Operands.of(a, b);
        if (accumulation == DotAccumulation.EXACT) {
            Exact c = exact(o);
            return c.value().roundToFloat32Bits(c.negativeZero());
        }
        float acc = switch (accumulation) {
            case EXACT_BLOCK_THEN_FP32 -> exactBlocksThenFloat32(o);
            case TOSA_BLOCK_SCALED -> tosaBlockScaled(o);
            case SEQUENTIAL_FP32 -> sequentialFloat32(o);
            case DEQUANTIZE_FMA_FP32 -> dequantizeFma(o);
            case EXACT -> throw new AssertionError("handled above");
        };
        float c = acc * (o.ga * o.gb); // the epilogue: fl(acc · fl(g_A · g_B))
        return Float.isNaN(c) ? FLOAT32_QUIET_NAN : Float.floatToRawIntBits(c);
    }

    /**
     * {@link #dotFloat32Bits} as a float.
     *
     * @throws IllegalArgumentException if the operands have different lengths or scale formats
     */
    public static float dot(MxVector a, MxVector b, DotAccumulation accumulation) {
        return Float.intBitsToFloat(dotFloat32Bits(a, b, accumulation));
    }

    /** b_j = fl(S_j · Σ_i p_ji), exact inside the block; acc = fl(acc + b_j). */
    private static float exactBlocksThenFloat32(Operands o) {
        float acc = 0.0f;
        for (int j = 0; j < o.n; j++) {
            Extended blockSum = Extended.ZERO;
            for (int i = 0; i < o.k; i++) {
                blockSum = blockSum.plus(o.elementProduct(j, i));
            }
            acc = acc + o.scaleProduct(j).times(blockSum).roundToFloat();
        }
        return acc;
    }

    /** TOSA MATMUL_T_BLOCK_SCALED, one output: every operation an FP32 rounding, in the pseudocode's order. */
    private static float tosaBlockScaled(Operands o) {
        float acc = 0.0f;
        for (int j = 0; j < o.n; j++) {
            float blockAcc = 0.0f;
            for (int i = 0; i < o.k; i++) {
                int index = j * o.k + i;
                blockAcc = blockAcc + o.pa[index] * o.pb[index]; // the product is exact; the sum rounds
            }
            blockAcc = blockAcc * (o.xa[j] * o.xb[j]); // fl(block_acc · fl(scale_A · scale_B))
            acc = acc + blockAcc;
        }
        return acc;
    }

    /** acc = fl(acc + fl(S_j · p_ji)): each scaled product rounded once from its exact value. */
    private static float sequentialFloat32(Operands o) {
        float acc = 0.0f;
        for (int j = 0; j < o.n; j++) {
            Extended s = o.scaleProduct(j);
            for (int i = 0; i < o.k; i++) {
                acc = acc + s.times(o.elementProduct(j, i)).roundToFloat();
            }
        }
        return acc;
    }

    /** a = fl(P·X(A)), b = fl(P·X(B)) (exact unless ±Inf); acc = fma(a, b, acc). */
    private static float dequantizeFma(Operands o) {
        float acc = 0.0f;
        for (int j = 0; j < o.n; j++) {
            for (int i = 0; i < o.k; i++) {
                int index = j * o.k + i;
                acc = Math.fma(o.pa[index] * o.xa[j], o.pb[index] * o.xb[j], acc);
            }
        }
        return acc;
    }

    // ---------------------------------------------------------------------------------------------
    // The error bound

    /**
     * The exact result, the bound B and the overflow and NaN allowances of the model above.
     *
     * @throws IllegalArgumentException if the operands have different lengths or scale formats, or if
     *                                  (n·k + k)·2^-24 ≥ 1 (Lemma 3.1 needs m·u &lt; 1)
     */
    public static DotErrorBound errorBound(MxVector a, MxVector b) {
        Operands o = Operands.of(a, b);
        long termCount = (long) o.n * o.k;
        if (termCount + o.k >= INVERSE_UNIT_ROUNDOFF) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%d terms are too many for the bound: it needs (n·k + k)·2^-24 < 1", termCount));
        }
        Dyadic total = Dyadic.ZERO;      // T
        Dyadic flushable = Dyadic.ZERO;  // T_0
        boolean scaleOverflow = false;
        boolean dequantizedOverflow = false;
        boolean infinityInFlushableBlock = false;
        for (int j = 0; j < o.n; j++) {
            Extended s = o.scaleProduct(j);
            Dyadic blockMagnitude = Dyadic.ZERO;
            boolean blockHasInfinity = false;
            for (int i = 0; i < o.k; i++) {
                Extended p = o.elementProduct(j, i);
                if (p.isFinite()) {
                    blockMagnitude = blockMagnitude.add(p.value().abs());
                } else if (p.isInfinite()) {
                    blockHasInfinity = true;
                }
                int index = j * o.k + i;
                dequantizedOverflow |= overflows(o.pa[index], o.xa[j]) || overflows(o.pb[index], o.xb[j]);
            }
            if (!s.isFinite()) {
                continue; // a NaN scale: c is NaN, and no magnitude is needed
            }
            Dyadic magnitude = s.value().multiply(blockMagnitude);
            total = total.add(magnitude);
            if (!s.value().isZero() && s.value().compareTo(HALF_MIN_SUBNORMAL) <= 0) {
                // fl(S_j) = 0: only E8M0 products 2^e with e ≤ -150 (a UE4M3 product is ≥ 2^-18 or 0)
                flushable = flushable.add(magnitude);
                infinityInFlushableBlock |= blockHasInfinity;
            }
            scaleOverflow |= s.value().compareTo(SCALE_OVERFLOW) >= 0;
        }

        int depth = (int) termCount + 1;
        BigDecimal t = total.toBigDecimal();
        BigDecimal underflow = flushable.add(Dyadic.of(termCount, -150)).toBigDecimal();
        BigDecimal boundUnscaled = gamma(depth).multiply(t)
                                               .add(onePlusGamma((int) termCount + o.k).multiply(underflow));

        Dyadic g = Dyadic.ofFloat(o.ga).multiply(Dyadic.ofFloat(o.gb));
        BigDecimal halfMinSubnormal = HALF_MIN_SUBNORMAL.toBigDecimal();
        BigDecimal reach = t.add(boundUnscaled); // every partial result is at most T + B_s in magnitude
        BigDecimal omega = OVERFLOW_THRESHOLD.toBigDecimal();
        boolean overflowPossible = scaleOverflow || dequantizedOverflow || reach.compareTo(omega) >= 0;
        boolean tinyTensorScale = false;
        BigDecimal bound = boundUnscaled;
        if (!g.equals(Dyadic.ONE)) {
            BigDecimal absG = g.abs().toBigDecimal();
            BigDecimal onePlusU = onePlusUnitRoundoff();
            bound = absG.multiply(onePlusGamma(2)).multiply(boundUnscaled)
                        .add(absG.multiply(gamma(2)).multiply(t))
                        .add(reach.multiply(onePlusU).multiply(halfMinSubnormal))
                        .add(halfMinSubnormal);
            overflowPossible |= absG.compareTo(omega) >= 0
                                || reach.multiply(absG.multiply(onePlusU).add(halfMinSubnormal)).compareTo(omega) >= 0;
            tinyTensorScale = !g.isZero() && g.abs().compareTo(HALF_MIN_SUBNORMAL) <= 0;
        }
        boolean nanPossible = overflowPossible || infinityInFlushableBlock || tinyTensorScale;
        return new DotErrorBound(exact(a, b), bound.round(BOUND_DIGITS), t, flushable.toBigDecimal(), depth,
                                 overflowPossible, nanPossible);
    }

    /**
     * Whether {@code computed} is a result that an FP32 accumulation of A·B may give in some order:
     * {@code errorBound(a, b).admits(computed)}.
     *
     * @throws IllegalArgumentException as {@link #errorBound}
     */
    public static boolean withinBound(float computed, MxVector a, MxVector b) {
        return errorBound(a, b).admits(computed);
    }

    /** Whether a finite element times a finite scale overflows binary32 (a dequantized operand is ±Inf). */
    private static boolean overflows(float element, float scale) {
        return Float.isFinite(element) && Float.isFinite(scale) && Float.isInfinite(element * scale);
    }

    /** γ_m = m·u / (1 - m·u) = m / (2^24 - m), rounded up. */
    private static BigDecimal gamma(int m) {
        return BigDecimal.valueOf(m).divide(BigDecimal.valueOf(INVERSE_UNIT_ROUNDOFF - m), UPWARD);
    }

    /** 1 + γ_m = 2^24 / (2^24 - m), rounded up. */
    private static BigDecimal onePlusGamma(int m) {
        return BigDecimal.valueOf(INVERSE_UNIT_ROUNDOFF).divide(BigDecimal.valueOf(INVERSE_UNIT_ROUNDOFF - m), UPWARD);
    }

    /** 1 + u = 1 + 2^-24, exactly. */
    private static BigDecimal onePlusUnitRoundoff() {
        return Dyadic.ONE.add(Dyadic.powerOfTwo(-24)).toBigDecimal();
    }

    // ---------------------------------------------------------------------------------------------
    // Decoded operands

    /**
     * The operands decoded to FP32 values (exact; NaN codes decode to NaN): element values
     * {@code pa}, {@code pb} (index j·k + i), block scales {@code xa}, {@code xb}, tensor scales.
     */
    private record Operands(int n, int k, float[] pa, float[] pb, float[] xa, float[] xb, float ga, float gb) {

        static Operands of(MxVector a, MxVector b) {
            Objects.requireNonNull(a, "a");
            Objects.requireNonNull(b, "b");
            if (a.scaleFormat() != b.scaleFormat()) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "A has %s scales (blocks of %d) and B has %s scales (blocks of %d): the blocks of A and B"
                        + " must pair up", a.scaleFormat().id(), a.blockSize(), b.scaleFormat().id(), b.blockSize()));
            }
            if (a.length() != b.length()) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "A has %d elements and B has %d: the operands of a dot product must have the same length"
                        + " (OCP MX §6.2)", a.length(), b.length()));
            }
            return new Operands(a.blockCount(), a.blockSize(), elements(a), elements(b), scales(a), scales(b),
                                a.tensorScale(), b.tensorScale());
        }

        private static float[] elements(MxVector v) {
            float[] values = new float[v.length()];
            for (int i = 0; i < values.length; i++) {
                values[i] = ElementCodec.decodeToFloat(v.elementCode(i), v.elementFormat());
            }
            return values;
        }

        private static float[] scales(MxVector v) {
            float[] values = new float[v.blockCount()];
            for (int j = 0; j < values.length; j++) {
                values[j] = ElementCodec.decodeToFloat(v.scaleCode(j), v.scaleFormat());
            }
            return values;
        }

        /** p_ji = P_i(A_j) · P_i(B_j), exactly (with the special-value rules). */
        Extended elementProduct(int j, int i) {
            int index = j * k + i;
            return Extended.ofFloat(pa[index]).times(Extended.ofFloat(pb[index]));
        }

        /** S_j = X(A_j) · X(B_j), exactly: NaN for a NaN scale code. */
        Extended scaleProduct(int j) {
            return Extended.ofFloat(xa[j]).times(Extended.ofFloat(xb[j]));
        }
    }
}
