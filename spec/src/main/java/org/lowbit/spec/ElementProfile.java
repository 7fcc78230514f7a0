package org.lowbit.spec;

import static org.lowbit.spec.ElementFormat.E8M0;

import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.lowbit.spec.SpecialPolicies.E8m0BottomBinade;
import org.lowbit.spec.SpecialPolicies.E8m0ZeroPolicy;
import org.lowbit.spec.SpecialPolicies.InfPolicy;
import org.lowbit.spec.SpecialPolicies.IntegerRange;
import org.lowbit.spec.SpecialPolicies.NanPolicy;
import org.lowbit.spec.SpecialPolicies.NegativePolicy;

/**
 * A named set of element knobs, one {@link ElementKnobs} per format, following a real system
 * (DESIGN.md §1). Where the system says nothing about a format, the profile says which choice it
 * made instead, in {@link #notes()}.
 */
public enum ElementProfile {
    /**
     * OCP MX v1.0 and OFP8 v1.0 as written: RNE (§5.3 "must"), FP6/FP4/INT8 clamp to ±max preserving
     * the sign (§5.3 "Saturation", §5.3.4), FP8 in the saturating mode (OFP8 SAT: ±Inf and overflow to
     * ±max); E8M0 by the §6.3 rule "largest power of two ≤ |x|" (RZ on |x|).
     */
    OCP("ocp",
        "OCP MX v1.0 §5.3, §5.3.4, §5.4.1, §6.3; OFP8 v1.0 saturating mode",
        List.of("FP8 NaN stays NaN (quiet NaN, sign kept). FP4/FP6/INT have no NaN and OCP gives NaN no"
                + " element encoding (a NaN block is carried by the E8M0 scale 0xFF, §5.1), so NaN writes +0"
                + " to keep element bits deterministic.",
                "E8M0 follows §6.3: the largest power of two ≤ |x| (RZ, sign ignored), clamped to 0x00 below"
                + " 2^-127 and for 0; Inf is NaN (0xFF), as torchao and microxcaling make a non-finite amax.",
                "MXINT8 and INT8 are symmetric: §5.3.4 clamps to the max magnitude preserving the sign, and -128"
                + " may be left unused.",
                "ue4m3, fnuz and uint4 are outside OCP; they saturate, and negative inputs to unsigned formats"
                + " clamp to 0."),
        format -> {
            ElementKnobs base = new ElementKnobs(Rounding.RNE, Overflow.SATFINITE, InfPolicy.AS_OVERFLOW,
                    defaultNan(format, NanPolicy.QUIET_NAN_SIGNED, NanPolicy.ZERO),
                    NegativePolicy.CLAMP_TO_ZERO, E8m0ZeroPolicy.MIN_CODE, E8m0BottomBinade.EXACT,
                    IntegerRange.SYMMETRIC);
            if (format == E8M0) {
                return base.withRounding(Rounding.RZ).withInfinity(InfPolicy.TO_NAN)
                        .withNegative(NegativePolicy.ABSOLUTE);
            }
            return base;
        }),

    /**
     * What jax-ml/ml_dtypes 0.6.0 does in its float32 constructors (ConvertImpl with kSaturate = false,
     * kTruncate = false): mx-semantics.md §4.2 and §4.3.
     */
    ML_DTYPES("ml-dtypes",
        "jax-ml/ml_dtypes b793a6e2 float8.h ConvertImpl, mxfloat.h; runs of the 0.6.0 wheel (mx-semantics.md §4)",
        List.of("E4M3: overflow and ±Inf to NaN 0x7F/0xFF (infinity() is NaN); E5M2: to ±Inf; NaN keeps its"
                + " sign (E4M3 0x7F/0xFF, E5M2 0x7E/0xFE).",
                "FP4/FP6: overflow and ±Inf saturate (infinity() is max); +NaN becomes -0 and -NaN +0"
                + " (quiet_NaN() is the -0 pattern).",
                "E8M0: nearest with ties up (the implicit bit is the kept bit, so ties always carry), code 0x00"
                + " rounds as zero so (2^-127, 2^-126) goes to 0x01; 0 and negatives are NaN; overflow is NaN.",
                "fnuz: overflow, ±Inf and NaN to the single NaN 0x80; -0 to +0 (the same ConvertImpl; not run"
                + " here).",
                "ml_dtypes has no ue4m3, int8 or mxint8 rounding conversion; those follow the ocp choices, except"
                + " that ue4m3 uses float8_e4m3fn's overflow (NaN) and a negative ue4m3 input is NaN."),
        format -> {
            ElementKnobs base = new ElementKnobs(Rounding.RNE, Overflow.NONSAT, InfPolicy.AS_OVERFLOW,
                    defaultNan(format, NanPolicy.QUIET_NAN_SIGNED, NanPolicy.NEGATED_ZERO),
                    NegativePolicy.TO_NAN, E8m0ZeroPolicy.TO_NAN, E8m0BottomBinade.CODE0_AS_ZERO,
                    IntegerRange.SYMMETRIC);
            if (format.isInteger()) {
                return base.withOverflow(Overflow.SATFINITE).withNegative(NegativePolicy.CLAMP_TO_ZERO);
            }
            return base;
        }),

    /**
     * What CUDA's satfinite conversions do: PTX {@code cvt.rn.satfinite} for FP8 (run on an H200), and
     * the CUDA 13.0 {@code __nv_cvt_*} functions for FP4, FP6 and E8M0 (mx-semantics.md §5.2).
     */
    CUDA_SATFINITE("cuda-satfinite",
        "PTX ISA 9.0 cvt .satfinite; CUDA 13.0 cuda_fp8.hpp, cuda_fp6.hpp, cuda_fp4.hpp (mx-semantics.md §5.1-§5.2)",
        List.of("±Inf and overflow to ±max in every format; NaN to the all-ones positive code: 0x7F in FP8,"
                + " +max (0x1F, 0x7) in FP6/FP4 (\"NaN converts to positive MAXNORM\").",
                "E8M0: cvt.rz (use --rounding RU for cvt.rp), the sign ignored, 0 to 0x00, NaN to 0xFF,"
                + " .satfinite turns an overflow into 0xFE.",
                "Integers: cvt.rni.sat semantics: RNE, clamp to the full range, NaN to 0.",
                "ue4m3 (the E4M3 cvt used for NVFP4 scales): negative inputs clamp to 0."),
        format -> {
            ElementKnobs base = new ElementKnobs(Rounding.RNE, Overflow.SATFINITE, InfPolicy.TO_MAX,
                    defaultNan(format, NanPolicy.ALL_ONES_POSITIVE, NanPolicy.ALL_ONES_POSITIVE),
                    NegativePolicy.CLAMP_TO_ZERO, E8m0ZeroPolicy.MIN_CODE, E8m0BottomBinade.EXACT,
                    IntegerRange.FULL);
            if (format == E8M0) {
                return base.withRounding(Rounding.RZ).withNegative(NegativePolicy.ABSOLUTE);
            }
            return base;
        });

    private final String id;
    private final String sources;
    private final List<String> notes;
    private final Map<ElementFormat, ElementKnobs> knobs;

    ElementProfile(String id, String sources, List<String> notes, Function<ElementFormat, ElementKnobs> rule) {
        this.id = id;
        this.sources = sources;
        this.notes = List.copyOf(notes);
        Map<ElementFormat, ElementKnobs> table = new EnumMap<>(ElementFormat.class);
        for (ElementFormat f : ElementFormat.values()) {
            table.put(f, rule.apply(f).requireApplicableTo(f));
        }
        this.knobs = Collections.unmodifiableMap(table);
    }

    /** Integers take ZERO; formats with NaN take {@code withNaN}; FP4/FP6 take {@code withoutNaN}. */
    private static NanPolicy defaultNan(ElementFormat format, NanPolicy withNaN, NanPolicy withoutNaN) {
        if (format.isInteger()) {
            return NanPolicy.ZERO;
        }
        return format.hasNaN() ? withNaN : withoutNaN;
    }

    public String id() { return id; }

    /** The sources the profile follows. */
    public String sources() { return sources; }

    /** Where the profile had to choose, what it chose and why. */
    public List<String> notes() { return notes; }

    /** The knobs of this profile for {@code format}. */
    public ElementKnobs knobsFor(ElementFormat format) {
        return knobs.get(format);
    }

    public static ElementProfile byId(String id) {
        for (ElementProfile p : values()) {
            if (p.id.equalsIgnoreCase(id)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown element profile '" + id + "'; known profiles: " + ids());
    }

    public static String ids() {
        return Arrays.stream(values()).map(ElementProfile::id).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() { return id; }
}
