package org.lowbit.spec;

/**
 * How a block's shared scale is computed from amax, the largest magnitude among its finite elements
 * (SPEC.md §8.3; research/mx-semantics.md §7 row D1).
 *
 * <p>Notation: amax is an FP32 value, read from its bits {@code S EEEEEEEE MMMMMMMMMMMMMMMMMMMMMMM};
 * E(a) = (biased exponent field) − 127 and F(a) its 23 fraction bits; emax is the element's
 * {@link BlockFormat#emax()}, max its largest finite value ({@link ElementFormat#maxFinite()}); fl(·)
 * is one IEEE binary32 operation rounded to nearest even. An E8M0 rule yields the scale exponent s, the
 * scale is X = 2^s and its code is s + 127; s is clamped to [−127, 127], so a finite block never gets the
 * NaN code 0xFF. No rule uses a floating-point logarithm: exponents are read from bits.
 *
 * <pre>
 *   rule       scale                                                              source
 *   FLOOR      s = floor(log2 amax) − emax                                        OCP MX §6.3, torchao FLOOR
 *   CEIL       s = ceil(log2 amax) − emax                                         torchao CEIL
 *   EVEN       s = E(a') − emax, a' = bits(amax) + 2^(22 − mbits), fraction cleared   torchao EVEN
 *   RCEIL      d = fl(amax · fl(1/max)); s = the E8M0 code of d rounded up           torchao RCEIL, cuBLAS
 *   ROUND_UP   d = fl(amax / max); s = E((bits(d) + 0x7FFFFF) &amp; 0x7F800000)        Triton ROUND_UP
 *   NEAREST    s = RNE_ue4m3(clamp(amax / 6 [/ g]))  (NVFP4; SPEC.md §8.4)        torchao, ModelOpt
 * </pre>
 */
public enum ScaleRule {
    /**
     * OCP MX §6.3: "the largest power-of-two less than or equal to max(|V_i|), divided by the largest
     * power-of-two representable in the element data type", computed exactly from the bits of amax (an
     * FP32 subnormal amax has floor(log2 amax) ≤ −127, so s clamps to −127).
     */
    FLOOR("floor(log2 amax) − emax (OCP MX §6.3)", ElementFormat.E8M0),
    /**
     * ceil(log2 amax) − emax, exact. torchao computes it as E(amax) + [F(amax) ≠ 0] − emax, which equals
     * the exact value for every amax except FP32 subnormals; there the two differ only before the clamp
     * to −127, i.e. only for an element with emax 0 (mxint8, which torchao does not support).
     */
    CEIL("ceil(log2 amax) − emax", ElementFormat.E8M0),
    /**
     * torchao EVEN: amax is first rounded half-up to mbits fraction bits (mbits = the element's mantissa
     * bits; mxint8 6) by adding 2^(22 − mbits) to its bits and clearing the fraction, then FLOOR. The
     * exponent goes up by one iff amax's significand is ≥ 2 − 2^−(mbits+1) (E2M1 1.75, E4M3 1.9375).
     */
    EVEN("floor(log2 amax') − emax, amax' = amax rounded half-up to mbits fraction bits", ElementFormat.E8M0),
    /**
     * torchao RCEIL (cuBLAS "FP8 with UE8M0 scales", PTX {@code cvt.rp.ue8m0x2}): the descale
     * d = fl(amax · fl(1/max)) rounded up to a power of two: code = biased exponent of d, plus one if d is
     * normal with a nonzero fraction or subnormal with fraction &gt; 0x400000 (d &gt; 2^−127).
     */
    RCEIL("2^ceil(log2(fl(amax · fl(1/max)))) (cuBLAS, cvt.rp.ue8m0x2)", ElementFormat.E8M0),
    /**
     * Triton {@code DequantScaleRoundingMode.ROUND_UP}: d = fl(amax / max), then
     * {@code (bits(d) + 0x7FFFFF) & 0x7F800000} (every nonzero subnormal d becomes 2^−126); code =
     * those bits &gt;&gt; 23. When d is zero the code is 0x00 and every element is written as ±0 (Triton's
     * {@code quant_scale = 0}).
     */
    ROUND_UP("(bits(fl(amax / max)) + 0x7FFFFF) & 0x7F800000 (Triton)", ElementFormat.E8M0),
    /**
     * NVFP4: the decode scale amax / 6 (over the per-tensor scale g in two-level mode) in FP32
     * arithmetic, clamped to the knob's range and rounded to the nearest UE4M3 (RNE) (SPEC.md §8.4).
     */
    NEAREST("RNE to ue4m3 of clamp(amax / 6 [/ g]) (NVFP4)", ElementFormat.UE4M3);

    private final String meaning;
    private final ElementFormat scaleFormat;

    ScaleRule(String meaning, ElementFormat scaleFormat) {
        this.meaning = meaning;
        this.scaleFormat = scaleFormat;
    }

    /** One line for tables and explanations. */
    public String meaning() { return meaning; }

    /** The scale format the rule produces: E8M0 (MX) or UE4M3 (NVFP4). */
    public ElementFormat scaleFormat() { return scaleFormat; }

    /** Whether the rule produces {@code format}'s scale. */
    public boolean appliesTo(BlockFormat format) {
        return format.scale() == scaleFormat;
    }

    /** Parses {@code floor}, {@code ROUND_UP}, {@code round-up}, ... with an error that lists the values. */
    public static ScaleRule parse(String name) {
        return Knobs.parse(ScaleRule.class, name);
    }
}
