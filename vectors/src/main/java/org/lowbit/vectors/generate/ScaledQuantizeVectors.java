package org.lowbit.vectors.generate;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.lowbit.reference.scaled.QuantizedTensor;
import org.lowbit.reference.scaled.ScaledCodec;
import org.lowbit.spec.ScaledFormat;
import org.lowbit.spec.ScaledKnobs;
import org.lowbit.spec.ScaledPolicies.Precision;
import org.lowbit.spec.ScaledProfile;
import org.lowbit.spec.SourceFormat;
import org.lowbit.vectors.Flag;
import org.lowbit.vectors.HexBytes;
import org.lowbit.vectors.Level;
import org.lowbit.vectors.Operation;
import org.lowbit.vectors.Result;
import org.lowbit.vectors.ScaledQuantizeGroup;
import org.lowbit.vectors.ScaledQuantizeTest;
import org.lowbit.vectors.VectorFile;

/**
 * Scaled-quantize vectors for one scaled format under one scaled profile (SPEC.md §11; FORMAT.md
 * "scaled-quantize"): small shapes whose blocks hit each rule's edges — a zero block (the amax floor or the
 * zero-scale rule), a tiny block, ties of the code rounding at a scale of exactly 1, both range ends (−amax
 * and +amax), GGUF's sign choice of the largest element, mixed signs, and a short last block. Expected
 * values: {@link ScaledCodec} (quantize, then dequantize to FP32); inputs it rejects become invalid tests.
 */
public final class ScaledQuantizeVectors {
    private ScaledQuantizeVectors() {}

    static String path(ScaledFormat format, ScaledProfile profile) {
        return "scaled/scaled_" + format.id() + "_" + profile.id() + ".json";
    }

    private record Shape(int rows, int cols) {}

    static VectorFile file(ScaledFormat format, ScaledProfile profile, Level level) {
        ScaledKnobs knobs = profile.knobsFor(format);
        FileBuilder b = new FileBuilder(Operation.SCALED_QUANTIZE, format.id(), profile.id(), level, List.of(
                String.format(Locale.ROOT, "Quantize FP32 tensors to %s under the scaled profile %s (SPEC.md section"
                              + " 11): codes, one scale (and zero point) per block, and the dequantized FP32 values.",
                        format.id(), profile.id()),
                "Knobs: the profile's, in every group's knobs object; codes one per byte, scales and float zeros as"
                + " bits of knobs.scaleDtype, integer zeros one byte each."));
        int bc = format.blockCols(1 << 20, Math.max(knobs.groupSize(), 1));
        int br = format.blockRows(1 << 20);
        int width = bc >= (1 << 20) ? 8 : bc;         // per-tensor, per-channel, per-token: 8 columns
        int height = br >= (1 << 20) ? 2 : Math.min(br, 2);
        List<Shape> shapes = new ArrayList<>(List.of(new Shape(height, width)));
        if (bc < (1 << 20)) {
            shapes.add(new Shape(1, width + 3)); // a short last block (padding, or a rejection under tail REJECT)
        }
        Map<Shape, List<ScaledQuantizeTest>> groups = new LinkedHashMap<>();
        for (Shape s : shapes) {
            List<ScaledQuantizeTest> tests = groups.computeIfAbsent(s, x -> new ArrayList<>());
            int n = s.rows() * s.cols();
            boolean ragged = s.cols() % width != 0;
            EnumSet<Flag> tail = ragged ? EnumSet.of(Flag.BLOCK_TAIL) : EnumSet.noneOf(Flag.class);
            double qmax = format.family().qmax();
            add(b, tests, format, knobs, s, fill(n, i -> (i - n / 2) * 0.37f), "a ramp (i - n/2) * 0.37, mixed signs",
                    with(tail, Flag.BASIC));
            add(b, tests, format, knobs, s, fill(n, i -> 0f), "an all-zero tensor: the amax floor or the zero-scale"
                    + " rule", with(tail, Flag.ALL_ZERO_BLOCK));
            add(b, tests, format, knobs, s, fill(n, i -> (i % 2 == 0 ? 1e-6f : -1e-6f)),
                    "a tiny block, |x| = 1e-6, below most amax floors", with(tail, Flag.TINY_AMAX));
            add(b, tests, format, knobs, s, fill(n, i -> i == 0 ? (float) qmax : ((i % 5) - 2) + 0.5f),
                    "amax = qmax (" + (int) qmax + ") so that an absmax scale is 1: the other elements are ties"
                    + " k + 0.5 of the code rounding", with(tail, Flag.TIE_TO_EVEN));
            add(b, tests, format, knobs, s, fill(n, i -> i == 0 ? -100f : i == 1 ? 100f : (i % 7) * 3.25f - 9f),
                    "both range ends: -amax and +amax in one block (-128 vs -127 for int8 rules, z for min-max)",
                    with(tail, Flag.INTEGER_RANGE));
            add(b, tests, format, knobs, s, fill(n, i -> i == 0 ? -8f : i == 1 ? 8f : (i % 3) - 1f),
                    "the largest magnitude twice, -8 first: GGUF Q4_0 takes the first (d = -8/-8 = 1 here)",
                    with(tail, Flag.GGUF_AMAX_SIGN));
            add(b, tests, format, knobs, s, fill(n, i -> i == 0 ? 8f : i == 1 ? -8f : (i % 3) - 1f),
                    "the largest magnitude twice, +8 first: GGUF Q4_0's d changes sign", with(tail, Flag.GGUF_AMAX_SIGN));
            add(b, tests, format, knobs, s, fill(n, i -> 1f + i * 0.125f), "all positive 1 .. 1 + n/8: the zero point"
                    + " of a min-max rule sits at 0 or is widened to contain 0", with(tail, Flag.BASIC));
        }
        for (Map.Entry<Shape, List<ScaledQuantizeTest>> e : groups.entrySet()) {
            Shape s = e.getKey();
            b.add(new ScaledQuantizeGroup(format, profile, SourceFormat.FP32, knobs, s.rows(), s.cols(),
                    format.blockRows(s.rows()), format.blockCols(s.cols(), knobs.groupSize()), "level1/scaled", 0,
                    e.getValue()));
        }
        return b.build();
    }

    private static EnumSet<Flag> with(EnumSet<Flag> base, Flag f) {
        EnumSet<Flag> out = EnumSet.copyOf(base.isEmpty() ? EnumSet.of(f) : base);
        out.add(f);
        return out;
    }

    private interface FloatAt {
        float at(int i);
    }

    private static int[] fill(int n, FloatAt f) {
        int[] bits = new int[n];
        for (int i = 0; i < n; i++) {
            bits[i] = Float.floatToRawIntBits(f.at(i));
        }
        return bits;
    }

    /** The reference's output for an input: codes/scales/zeros/dequantized hex, or empty when it rejects. */
    public static Optional<String[]> reference(ScaledFormat format, ScaledKnobs knobs, int rows, int cols, int[] input) {
        QuantizedTensor t;
        try {
            t = ScaledCodec.quantize(input, SourceFormat.FP32, rows, cols, format, knobs);
        } catch (IllegalArgumentException rejected) {
            return Optional.empty();
        }
        int scaleWidth = knobs.scaleDtype() == Precision.FP32 ? 4 : 2;
        StringBuilder codes = new StringBuilder();
        for (int c : t.codes()) {
            codes.append(HexBytes.code(c));
        }
        StringBuilder scales = new StringBuilder();
        for (int s : t.scales()) {
            scales.append(HexBytes.word(s, scaleWidth));
        }
        StringBuilder zeros = new StringBuilder();
        int zeroWidth = knobs.zeroPoint() == org.lowbit.spec.ScaledPolicies.ZeroPoint.INTEGER ? 1 : scaleWidth;
        for (int z : t.zeros()) {
            zeros.append(HexBytes.word(z, zeroWidth));
        }
        String deq = HexBytes.f32s(ScaledCodec.dequantize(t, Precision.FP32));
        return Optional.of(new String[] {codes.toString(), scales.toString(), zeros.toString(), deq});
    }

    private static void add(FileBuilder b, List<ScaledQuantizeTest> tests, ScaledFormat format, ScaledKnobs knobs,
                            Shape s, int[] input, String label, EnumSet<Flag> flags) {
        Optional<String[]> out = reference(format, knobs, s.rows(), s.cols(), input);
        String in = HexBytes.f32s(input);
        if (out.isEmpty()) {
            boolean ragged = s.cols() % format.blockCols(s.cols() - 3 > 0 ? s.cols() - 3 : s.cols(),
                    knobs.groupSize()) != 0;
            String error = ragged ? "RAGGED_TAIL" : "OUT_OF_RANGE";
            tests.add(new ScaledQuantizeTest(b.nextId(), String.format(Locale.ROOT, "%dx%d, %s: rejected (%s)",
                    s.rows(), s.cols(), label, error), b.flags(flags), in, "", "", "", "", Optional.of(error),
                    Result.INVALID));
            return;
        }
        String[] o = out.get();
        String comment = String.format(Locale.ROOT, "%dx%d, %s: scales %s%s, codes %s", s.rows(), s.cols(), label,
                head(o[1]), o[2].isEmpty() ? "" : ", zeros " + head(o[2]), head(o[0]));
        tests.add(new ScaledQuantizeTest(b.nextId(), comment, b.flags(flags), in, o[0], o[1], o[2], o[3],
                Optional.empty(), Result.VALID));
    }

    private static String head(String hex) {
        return hex.length() <= 16 ? hex : hex.substring(0, 16) + "...";
    }
}
