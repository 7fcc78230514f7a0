package org.lowbit.vectors.generate;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.lowbit.reference.ElementCodec;
import org.lowbit.reference.block.BlockDequantizer;
import org.lowbit.reference.block.BlockQuantizer;
import org.lowbit.reference.block.QuantizedBlocks;
import org.lowbit.reference.exact.ExactCodec;
import org.lowbit.reference.exact.ExactValue;
import org.lowbit.spec.BlockFormat;
import org.lowbit.spec.BlockKnobs;
import org.lowbit.spec.BlockPolicies.ScalingArithmetic;
import org.lowbit.spec.BlockPolicies.TailPolicy;
import org.lowbit.spec.BlockPolicies.TensorScaleRule;
import org.lowbit.spec.BlockPolicies.TinyAmaxPolicy;
import org.lowbit.spec.BlockProfile;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.ElementLayout;
import org.lowbit.spec.ScaleLayout;
import org.lowbit.spec.ScaleRule;
import org.lowbit.spec.SourceFormat;
import org.lowbit.spec.SplitMix64;
import org.lowbit.vectors.CodeText;
import org.lowbit.vectors.Flag;
import org.lowbit.vectors.HexBytes;
import org.lowbit.vectors.Level;
import org.lowbit.vectors.Operation;
import org.lowbit.vectors.QuantizeExpected;
import org.lowbit.vectors.QuantizeGroup;
import org.lowbit.vectors.QuantizeTest;
import org.lowbit.vectors.Result;
import org.lowbit.vectors.TensorScaleMode;
import org.lowbit.vectors.VectorFile;

/**
 * Quantize vectors for one block format under one block profile (SPEC.md §8): the scale thresholds of
 * every rule, zero, NaN, Inf and tiny blocks, ragged tails, several rows, NVFP4's clamps and two-level
 * mode, and the research's worked examples. Every input is FP32 unless a case says otherwise; the expected
 * scales, element codes and dequantized values come from {@link BlockQuantizer} and {@link BlockDequantizer},
 * and each MX element code is cross-checked against {@link ExactCodec} on the exact quotient V_i / X.
 */
final class QuantizeVectors {
    /** One tensor to quantize and why. {@code error} is set for an input the profile must reject. */
    record Case(String generator, SourceFormat source, int rows, int rowLength, TensorScaleMode mode, int[] values,
                OptionalInt givenScale, String label, EnumSet<Flag> flags, Optional<String> error) {
    }

    private static final List<ScaleRule> MX_RULES =
            List.of(ScaleRule.FLOOR, ScaleRule.CEIL, ScaleRule.EVEN, ScaleRule.RCEIL, ScaleRule.ROUND_UP);

    private final BlockFormat format;
    private final BlockProfile profile;
    private final BlockKnobs knobs;
    private final ElementFormat element;
    private final int k;
    private final TensorScaleMode defaultMode;

    QuantizeVectors(BlockFormat format, BlockProfile profile) {
        this.format = format;
        this.profile = profile;
        this.knobs = profile.knobsFor(format);
        this.element = format.element();
        this.k = format.blockSize();
        this.defaultMode = knobs.tensorScale() == TensorScaleRule.AMAX_OVER_2688 ? TensorScaleMode.COMPUTED
                                                                                 : TensorScaleMode.NONE;
    }

    static String path(BlockFormat format, BlockProfile profile) {
        return "quantize/quantize_" + format.id() + "_" + profile.id() + ".json";
    }

    VectorFile file(Level level) {
        FileBuilder b = new FileBuilder(Operation.QUANTIZE, format.id(), profile.id(), level, List.of(
                String.format(Locale.ROOT, "Quantize tensors into %s (%s elements, blocks of %d, %s scales) under the"
                              + " block profile %s (SPEC.md section 8); level %s.", format.id(), element.id(), k,
                        format.scale().id(), profile.id(), level),
                "Each test gives the scales (one byte per block, row-major), the element codes (one byte each) and"
                + " every element dequantized to FP32 (an expected NaN matches any NaN); an invalid test must be"
                + " rejected."));
        List<Case> cases = new ArrayList<>();
        if (level == Level.ONE) {
            thresholds(cases);
            specialBlocks(cases);
            shapes(cases);
            if (format.isNvfp4()) {
                nvfp4(cases);
            }
            workedExamples(cases);
        } else if (level == Level.TWO) {
            crossProducts(cases);
            random(cases, FileBuilder.seed(path(format, profile) + "/random"));
        } else {
            return null;
        }
        // one group per generator and shape, in order of first appearance; tcIds in file order
        Map<String, List<Case>> groups = new LinkedHashMap<>();
        for (Case c : cases) {
            String key = c.generator() + "|" + c.source() + "|" + c.rows() + "|" + c.rowLength() + "|" + c.mode();
            groups.computeIfAbsent(key, x -> new ArrayList<>()).add(c);
        }
        for (List<Case> group : groups.values()) {
            Case c = group.getFirst();
            List<QuantizeTest> tests = new ArrayList<>();
            for (Case each : group) {
                tests.add(test(b, each));
            }
            long seed = c.generator().endsWith("/random") ? FileBuilder.seed(path(format, profile) + "/random") : 0;
            b.add(new QuantizeGroup(format, profile, c.source(), knobs, c.rowLength(), c.rows(),
                    ElementLayout.UNPACKED, ScaleLayout.ROW_MAJOR, c.mode(), c.generator(), seed, tests));
        }
        return b.build();
    }

    // ---------------------------------------------------------------------------------------------
    // Level 1 cases

    /**
     * amax on and one FP32 ulp either side of each rule's thresholds, at three binades: 2^(j+emax) (FLOOR and
     * CEIL change there), (2 - 2^-(mbits+1))·2^(j+emax) (EVEN), max·2^j (RCEIL, ROUND_UP; saturation under
     * FLOOR above it), and the element's overflow tie (max + V)/2 · 2^j. For NVFP4, the thresholds of the
     * UE4M3 block scale amax/6: 6·(each UE4M3 midpoint).
     */
    private void thresholds(List<Case> cases) {
        List<float[]> points = new ArrayList<>(); // {threshold, label index}
        List<String> labels = new ArrayList<>();
        if (format.isMx()) {
            double max = element.maxFinite();
            int emax = format.emax();
            int mbits = element.isInteger() ? 6 : element.mantissaBits();
            double evenSignificand = 2 - Math.scalb(1.0, -(mbits + 1));
            double overflowTie = (max + overflowPoint()) / 2;
            for (int j : new int[] {-3, 0, 4}) {
                add(points, labels, Math.scalb(1.0, j + emax), "2^" + (j + emax) + " (FLOOR/CEIL threshold)");
                add(points, labels, evenSignificand * Math.scalb(1.0, j + emax),
                        CodeText.number(evenSignificand) + "*2^" + (j + emax) + " (EVEN threshold)");
                add(points, labels, max * Math.scalb(1.0, j), CodeText.number(max) + "*2^" + j
                                                              + " = max*2^" + j + " (RCEIL/ROUND_UP threshold)");
                add(points, labels, overflowTie * Math.scalb(1.0, j), CodeText.number(overflowTie) + "*2^" + j
                                                                      + " (the element's overflow tie, scaled)");
            }
        } else {
            // UE4M3 midpoints around 1, 448 and the clamp: amax = 6 * s
            for (double s : new double[] {1.0, 1.0625, 416 + 16, 448, 0x1p-6, 0x1p-9 + 0x1p-10}) {
                add(points, labels, 6 * s, "6*" + CodeText.number(s) + " (block scale amax/6 = " + CodeText.number(s)
                                           + ")");
            }
        }
        for (int i = 0; i < points.size(); i++) {
            float t = points.get(i)[0];
            for (int d = -1; d <= 1; d++) {
                int bits = Float.floatToRawIntBits(t) + d;
                String where = d == 0 ? "amax = " : d < 0 ? "amax 1 ulp below " : "amax 1 ulp above ";
                cases.add(one("level1/thresholds", block(Float.intBitsToFloat(bits)), where + labels.get(i),
                        EnumSet.noneOf(Flag.class)));
            }
        }
    }

    private static void add(List<float[]> points, List<String> labels, double threshold, String label) {
        if ((float) threshold == threshold && Float.isFinite((float) threshold)) {
            points.add(new float[] {(float) threshold});
            labels.add(label);
        }
    }

    /** A block with amax a at index 0 and a spread of smaller values after it: -a/2, a/4, -0.75a, a/3, 0 ... */
    private int[] block(float a) {
        int[] v = new int[k];
        v[1] = Float.floatToRawIntBits(-a / 2);
        v[2] = Float.floatToRawIntBits(a / 4);
        v[3] = Float.floatToRawIntBits(-0.75f * a);
        v[4] = Float.floatToRawIntBits(a / 3);
        v[0] = Float.floatToRawIntBits(a);
        return v;
    }

    private void specialBlocks(List<Case> cases) {
        String g = "level1/special-blocks";
        cases.add(one(g, new int[k], "all +0", EnumSet.of(Flag.ALL_ZERO_BLOCK)));
        int[] negZero = new int[k];
        Arrays.fill(negZero, 0x80000000);
        cases.add(one(g, negZero, "all -0", EnumSet.of(Flag.ALL_ZERO_BLOCK)));
        int[] nan = block(3.0f);
        nan[5] = 0x7FC00000;
        cases.add(one(g, nan, "a quiet NaN among finite values", EnumSet.of(Flag.SCALE_NAN_BLOCK)));
        int[] negNan = block(3.0f);
        negNan[0] = 0xFFC00001;
        cases.add(one(g, negNan, "a negative NaN with a payload in place of amax", EnumSet.of(Flag.SCALE_NAN_BLOCK)));
        int[] inf = block(3.0f);
        inf[7] = 0x7F800000;
        cases.add(one(g, inf, "+Inf among finite values", EnumSet.of(Flag.SCALE_NAN_BLOCK)));
        int[] negInf = block(1.0f);
        negInf[k - 1] = 0xFF800000;
        cases.add(one(g, negInf, "-Inf in the last element", EnumSet.of(Flag.SCALE_NAN_BLOCK)));
        for (int bits : new int[] {0x00000001, 0x00200000, 0x007FFFFF, 0x00800000, 0x01000000}) {
            float a = Float.intBitsToFloat(bits);
            int[] v = new int[k];
            v[0] = bits;
            v[1] = Float.floatToRawIntBits(-a);
            v[2] = Float.floatToRawIntBits(a / 2);
            cases.add(one(g, v, "tiny amax " + CodeText.f32Fields(bits), EnumSet.of(Flag.TINY_AMAX)));
        }
        for (float a : new float[] {0x1p-120f, Float.MAX_VALUE, 3e38f, 0x1p127f}) {
            cases.add(one(g, block(a), "extreme amax " + CodeText.f32Fields(Float.floatToRawIntBits(a)),
                    EnumSet.noneOf(Flag.class)));
        }
    }

    /** Ragged tails (padded or rejected) and several rows. */
    private void shapes(List<Case> cases) {
        for (int rowLength : new int[] {k + 5, 3, 2 * k - 1}) {
            int[] v = new int[rowLength];
            for (int i = 0; i < rowLength; i++) {
                v[i] = Float.floatToRawIntBits((i % 2 == 0 ? 1 : -1) * (0.5f + i * 0.375f));
            }
            boolean reject = knobs.tail() == TailPolicy.REJECT;
            cases.add(new Case("level1/tails", SourceFormat.FP32, 1, rowLength, defaultMode, v, OptionalInt.empty(),
                    String.format(Locale.ROOT, "a row of %d elements, not a multiple of %d: tail %s", rowLength, k,
                            knobs.tail()),
                    EnumSet.of(Flag.BLOCK_TAIL), reject ? Optional.of("RAGGED_TAIL") : Optional.empty()));
        }
        int rowLength = 2 * k + 3;
        int[] v = new int[2 * rowLength];
        for (int i = 0; i < v.length; i++) {
            v[i] = Float.floatToRawIntBits((float) Math.scalb((i % 7) - 3.0, (i / 5) % 9 - 4));
        }
        boolean reject = knobs.tail() == TailPolicy.REJECT;
        cases.add(new Case("level1/tails", SourceFormat.FP32, 2, rowLength, defaultMode, v, OptionalInt.empty(),
                String.format(Locale.ROOT, "2 rows of %d: each row has its own padded tail, blocks never span rows",
                        rowLength), EnumSet.of(Flag.BLOCK_TAIL), reject ? Optional.of("RAGGED_TAIL") : Optional.empty()));
        int[] w = new int[2 * 2 * k];
        for (int i = 0; i < w.length; i++) {
            int blockIndex = i / k;
            float amax = (float) Math.scalb(1.0 + blockIndex * 0.25, blockIndex * 3 - 4);
            w[i] = Float.floatToRawIntBits(i % k == 0 ? amax : (float) ((i % 5) - 2) * amax / 5);
        }
        cases.add(new Case("level1/rows", SourceFormat.FP32, 2, 2 * k, defaultMode, w, OptionalInt.empty(),
                "2 rows of 2 blocks with amax 2^-4, 1.25*2^-1, 1.5*2^2, 1.75*2^5", EnumSet.noneOf(Flag.class),
                Optional.empty()));
    }

    /** NVFP4: the scale clamps, saturation, given and computed per-tensor scales, x*(1/S) against x/S. */
    private void nvfp4(List<Case> cases) {
        String g = "level1/nvfp4";
        cases.add(one(g, block(6 * 448 * 2), "block scale amax/6 = 896 clamps to 448: elements saturate at 6",
                EnumSet.of(Flag.NVFP4_SCALE_SATURATES)));
        cases.add(one(g, block(0.001f), "block scale 0.001/6 clamps up to the minimum",
                EnumSet.of(Flag.SCALE_CLAMP_MIN)));
        cases.add(one(g, block(6 * 0x1p-8f), "block scale 2^-8: below torchao's clamp 2^-6, above ModelOpt's 2^-9",
                EnumSet.of(Flag.SCALE_CLAMP_MIN)));
        // two-level, with g given (every profile can take a caller's g)
        int gBits = Float.floatToRawIntBits(6.0f / 2688);
        for (float a : new float[] {6, 3, 0.001f, 6 * 448}) {
            cases.add(new Case("level1/nvfp4-given-scale", SourceFormat.FP32, 1, k, TensorScaleMode.GIVEN, block(a),
                    OptionalInt.of(gBits), "two level with g = fl(6/2688) given; amax " + CodeText.number(a),
                    EnumSet.of(Flag.NVFP4_TWO_LEVEL), Optional.empty()));
        }
        // computed g, over a two-block tensor: the first block holds the tensor amax
        if (defaultMode == TensorScaleMode.COMPUTED) {
            for (float[] pair : new float[][] {{6, 0.001f}, {2688, 6}, {1, 1}, {5, 0}}) {
                int[] v = new int[2 * k];
                System.arraycopy(block(pair[0]), 0, v, 0, k);
                System.arraycopy(block(pair[1]), 0, v, k, k);
                cases.add(new Case("level1/nvfp4-computed-scale", SourceFormat.FP32, 1, 2 * k, TensorScaleMode.COMPUTED, v,
                        OptionalInt.empty(), "two level, g = tensor amax/2688 computed; block amaxes "
                                             + CodeText.number(pair[0]) + " and " + CodeText.number(pair[1]),
                        EnumSet.of(Flag.NVFP4_TWO_LEVEL), Optional.empty()));
            }
            cases.add(new Case("level1/nvfp4-computed-scale", SourceFormat.FP32, 1, k, TensorScaleMode.COMPUTED,
                    new int[k], OptionalInt.empty(), "an all-zero tensor: g = 0/2688 = 0 has no scale",
                    EnumSet.of(Flag.NVFP4_TWO_LEVEL, Flag.ALL_ZERO_BLOCK), Optional.of("ZERO_TENSOR_SCALE")));
        }
        // x * (1/S) against x / S: elements on E2M1 midpoints times S, for block scales S whose reciprocal is
        // inexact; keep the first four blocks where the two scaling knobs give different codes
        BlockKnobs other = knobs.withScaling(knobs.scaling() == ScalingArithmetic.DIVIDE
                                             ? ScalingArithmetic.RECIPROCAL_MULTIPLY : ScalingArithmetic.DIVIDE);
        float[] midpoints = {0.25f, 0.75f, 1.25f, 1.75f, 2.5f, 3.5f, 5f};
        int found = 0;
        for (int scaleCode = 0x30; scaleCode < 0x58 && found < 4; scaleCode++) {
            float scale = ElementCodec.decodeToFloat(scaleCode, ElementFormat.UE4M3);
            int[] v = new int[k];
            v[0] = Float.floatToRawIntBits(6 * scale);
            for (int i = 0; i < midpoints.length; i++) {
                v[1 + 2 * i] = Float.floatToRawIntBits(midpoints[i] * scale);
                v[2 + 2 * i] = Float.floatToRawIntBits(-midpoints[i] * scale);
            }
            byte[] mine = quantize(knobs, v, 1, k, OptionalInt.empty()).elementCodes();
            byte[] theirs = quantize(other, v, 1, k, OptionalInt.empty()).elementCodes();
            if (!Arrays.equals(mine, theirs)) {
                found++;
                cases.add(one(g, v, "amax 6*" + CodeText.number(scale) + ", the other elements E2M1 midpoints times "
                                    + CodeText.number(scale) + ": x*(1/S) and x/S give different codes (scaling "
                                    + knobs.scaling() + ")",
                        EnumSet.of(Flag.NVFP4_SCALING_ORDER)));
            }
        }
        if (found == 0) {
            throw new IllegalStateException("no block found where the NVFP4 scaling knobs differ");
        }
    }

    /** The worked examples of research/mx-semantics.md §1.7 and §3.7, each padded to whole blocks with +0. */
    private void workedExamples(List<Case> cases) {
        record Example(BlockFormat format, String source, String research, float[] values) {}
        float nan = Float.NaN;
        List<Example> examples = List.of(
                new Example(BlockFormat.MXFP4, "MX 1.7 / 3.7", "FLOOR 0x7f codes 7,2,0,d; CEIL/EVEN/RCEIL 0x80 codes 6,1,0,b",
                        new float[] {7, 1, 0.25f, -3}),
                new Example(BlockFormat.MXFP4, "MX 1.7 / 3.7", "FLOOR/EVEN/RCEIL 0x7e codes 7,4,3,0; CEIL 0x7f codes 5,2,2,0",
                        new float[] {3, 1.25f, 0.75f, 0}),
                new Example(BlockFormat.MXFP4, "MX 3.7", "FLOOR 0x7f codes 6,4,2,0", new float[] {5, 2.5f, 1, 0}),
                new Example(BlockFormat.MXFP4, "MX 1.7 / 3.7", "FLOOR 0x7f codes 7,2,0,0 (spec-exact; microxcaling's"
                        + " Python log2 differs)", new float[] {Float.intBitsToFloat(0x40FFFFFF), 1, 0.25f, 0}),
                new Example(BlockFormat.MXFP4, "MX 3.7", "scale 0xff, codes 0 (lowbit writes zeros)",
                        new float[] {nan, 1, 2, 3}),
                new Example(BlockFormat.MXFP8_E4M3, "MX 1.7", "FLOOR 0x7e: 240 -> 448 (480 clamped), 1 -> 2",
                        new float[] {240, 1}),
                new Example(BlockFormat.MXFP8_E4M3, "MX 3.7", "FLOOR/EVEN 0x7f codes 7e,38,00,fe; CEIL/RCEIL 0x80 codes"
                        + " 77,30,00,f6", new float[] {480, 1, 0, -464}),
                new Example(BlockFormat.MXFP8_E4M3, "MX 3.7", "FLOOR/EVEN 0x7e codes 7e,40,00,00; CEIL/RCEIL 0x7f"
                        + " codes 77,38,00,00", new float[] {240, 1, 0, 0}),
                new Example(BlockFormat.MXFP8_E4M3, "MX 3.7", "FLOOR/EVEN 0xf6 (2^119) codes 7e,00,00,00",
                        new float[] {3e38f, 1, 0, 0}),
                new Example(BlockFormat.MXFP8_E4M3, "microxcaling#4", "FLOOR: 957 saturates to 448*2 = 896",
                        new float[] {957, 1, -2, 0.5f}),
                new Example(BlockFormat.MXFP8_E5M2, "MX 3.7", "FLOOR 0x7f codes 7b,3c,00,00; CEIL/EVEN/RCEIL 0x80 codes"
                        + " 78,38,00,00", new float[] {61440, 1, 0, 0}),
                new Example(BlockFormat.MXFP8_E5M2, "pytorch/ao#436", "127.9999 rounds past max normal after scaling",
                        new float[] {127.9999f, 1, 0, 0}),
                new Example(BlockFormat.MXFP6_E2M3, "MX 3.7", "FLOOR 0x7f codes 1f,08,00,00; CEIL/EVEN/RCEIL 0x80"
                        + " codes 18,04,00,00", new float[] {7.75f, 1.0625f, 0, 0}),
                new Example(BlockFormat.MXFP6_E3M2, "MX 3.7", "FLOOR 0x7f codes 1f,0c,00,00",
                        new float[] {30, 1.125f, 0, 0}),
                new Example(BlockFormat.MXFP8_E4M3, "pytorch/ao#2035", "amax 150: RCEIL 0x7e, OCP CEIL 0x7f",
                        new float[] {150, 1, 0, 0}),
                new Example(BlockFormat.NVFP4, "MX 3.7 (RUN-AO)", "single level 0x38 codes 7,5,2,1,0,c,0..,2",
                        nvfp4Block(6, 3, 1, 0.5f, 0.25f, -2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.75f)),
                new Example(BlockFormat.NVFP4, "MX 3.7 (RUN-AO)", "single level: amax/6 clamped to 2^-6, 0x08, codes 0",
                        nvfp4Block(0.001f, 0.0005f)),
                new Example(BlockFormat.NVFP4, "MX 3.7 (RUN-AO)", "100/6 -> e4m3 16.0; codes 7 (6.25 clamped), 0 x15",
                        nvfp4Fill(100, 1)),
                new Example(BlockFormat.NVFP4, "MX 3.7 (RUN-AO)", "7/6 -> e4m3 1.125; codes 7 (6.22 -> 6), 2 x15 (0.889"
                        + " -> 1)", nvfp4Fill(7, 1)),
                new Example(BlockFormat.NVFP4, "cudnn-frontend#148", "an all-1.0 block: scale 1/6 rounded to e4m3",
                        nvfp4Fill(1, 1)));
        for (Example e : examples) {
            if (e.format() != format) {
                continue;
            }
            int[] v = new int[k];
            for (int i = 0; i < e.values().length; i++) {
                v[i] = Float.floatToRawIntBits(e.values()[i]);
            }
            String label = "worked example " + e.source() + " " + Arrays.toString(e.values()).replace("NaN", "NaN")
                           + "; research: " + e.research();
            cases.add(one("level1/worked-examples", v, label, EnumSet.of(Flag.WORKED_EXAMPLE)));
        }
        if (format.isNvfp4()) {
            int[] v = new int[2 * k];
            float[] first = nvfp4Block(6, 3, 1, 0.5f, 0.25f, -2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.75f);
            float[] second = nvfp4Block(0.001f, 0.0005f);
            for (int i = 0; i < k; i++) {
                v[i] = Float.floatToRawIntBits(first[i]);
                v[k + i] = Float.floatToRawIntBits(second[i]);
            }
            cases.add(new Case("level1/worked-examples", SourceFormat.FP32, 1, 2 * k, TensorScaleMode.GIVEN, v,
                    OptionalInt.of(Float.floatToRawIntBits(6.0f / 2688)),
                    "worked example MX 3.7 (RUN-AO), SPEC.md 8.4: the two blocks with g = fl(6/2688) = 0x3b124925;"
                    + " research: scales 0x7e and 0x1a, second block codes 7, 5",
                    EnumSet.of(Flag.WORKED_EXAMPLE, Flag.NVFP4_TWO_LEVEL), Optional.empty()));
        }
    }

    private static float[] nvfp4Block(float... first) {
        return Arrays.copyOf(first, 16);
    }

    private static float[] nvfp4Fill(float first, float rest) {
        float[] v = new float[16];
        Arrays.fill(v, rest);
        v[0] = first;
        return v;
    }

    // ---------------------------------------------------------------------------------------------
    // Level 2 cases

    /**
     * Two elements walking: element 0 takes walking-ones significands at the scale thresholds' binades, element
     * 1 walking-ones and walking-zeros significands at every exponent from the element's emin - 3 to emax + 1
     * relative to element 0's scale; the rest of the block is zero.
     */
    private void crossProducts(List<Case> cases) {
        int emax = format.emax();
        List<Float> firsts = new ArrayList<>();
        for (int j : new int[] {0, 5}) {
            for (int bit = 0; bit < 23; bit += 4) {
                firsts.add(Float.intBitsToFloat(((j + emax + 127) << 23) | (1 << bit)));
            }
            firsts.add(Float.intBitsToFloat(((j + emax + 127) << 23) | 0x7FFFFF));
        }
        int low = element.emin() - (element.isFloat() ? element.mantissaBits() : 0) - 3;
        for (float a : firsts) {
            int scaleExponent = Math.getExponent(a) - emax;
            for (int e = low; e <= emax + 1; e++) {
                for (int bit = 0; bit < 23; bit += 6) {
                    for (int zeros = 0; zeros < 2; zeros++) {
                        int fraction = zeros == 0 ? 1 << bit : 0x7FFFFF ^ (1 << bit);
                        int field = e + scaleExponent + 127;
                        if (field < 1 || field > 254) {
                            continue;
                        }
                        int[] v = new int[k];
                        v[0] = Float.floatToRawIntBits(a);
                        v[1] = (zeros == 1 ? 0x80000000 : 0) | field << 23 | fraction;
                        cases.add(one("level2/cross-products", v, "element 0 " + CodeText.f32Fields(v[0])
                                      + ", element 1 " + CodeText.f32Fields(v[1]), EnumSet.of(Flag.WALKING_BITS)));
                    }
                }
            }
        }
    }

    /** 128 random blocks: per block one SplitMix64 draw picks amax's binade, each element a significand. */
    private void random(List<Case> cases, long seed) {
        SplitMix64 rng = new SplitMix64(seed);
        int emax = format.emax();
        for (int n = 0; n < 128; n++) {
            int binade = (int) Long.remainderUnsigned(rng.nextLong(), 40) - 20 + emax;
            int[] v = new int[k];
            for (int i = 0; i < k; i++) {
                long r = rng.nextLong();
                int sign = (int) (r >>> 63);
                int drop = (int) ((r >>> 56) & 0xF);
                int field = Math.clamp(binade - drop + 127, 1, 254);
                v[i] = sign << 31 | field << 23 | (int) (r & 0x7FFFFF);
            }
            cases.add(one("level2/random", v, "random block " + n, EnumSet.of(Flag.RANDOM)));
        }
    }

    // ---------------------------------------------------------------------------------------------

    private Case one(String generator, int[] values, String label, EnumSet<Flag> flags) {
        if (defaultMode == TensorScaleMode.COMPUTED && Float.intBitsToFloat(finiteAmax(values)) / 2688f == 0) {
            // a computed g needs a nonzero tensor amax: put a companion block with amax 1 first
            int[] two = new int[values.length + k];
            System.arraycopy(block(1.0f), 0, two, 0, k);
            System.arraycopy(values, 0, two, k, values.length);
            values = two;
            label = "after a companion block with amax 1 (g = amax/2688 must not be 0), " + label;
        }
        return new Case(generator, SourceFormat.FP32, 1, values.length, defaultMode, values, OptionalInt.empty(),
                label, flags, Optional.empty());
    }

    private static int finiteAmax(int[] values) {
        int amax = 0;
        for (int v : values) {
            int m = v & 0x7FFFFFFF;
            if (m < 0x7F800000) {
                amax = Math.max(amax, m);
            }
        }
        return amax;
    }

    private double overflowPoint() {
        return Rungs.of(element, knobs.elementKnobs(format), false).overflowPoint();
    }

    private QuantizedBlocks quantize(BlockKnobs with, int[] values, int rows, int rowLength, OptionalInt given) {
        BlockQuantizer q = BlockQuantizer.of(format, with).withRowLength(rowLength);
        if (given.isPresent()) {
            q = q.withTensorScale(given.getAsInt());
        }
        return q.quantizeFloat32(values);
    }

    private QuantizeTest test(FileBuilder b, Case c) {
        EnumSet<Flag> flags = EnumSet.copyOf(c.flags());
        StringBuilder comment = new StringBuilder(c.label());
        String input = HexBytes.f32s(c.values());
        Optional<String> given = c.givenScale().isPresent() ? Optional.of(HexBytes.f32(c.givenScale().getAsInt()))
                                                            : Optional.empty();
        if (c.error().isPresent()) {
            try {
                quantize(knobs, c.values(), c.rows(), c.rowLength(), c.givenScale());
            } catch (IllegalArgumentException expected) {
                comment.append(": must be rejected (").append(c.error().get()).append(")");
                return new QuantizeTest(b.nextId(), comment.toString(), b.flags(flags), input, given,
                        new QuantizeExpected.Rejected(c.error().get()), Result.INVALID);
            }
            throw new IllegalStateException("the reference accepted an input the generator expects it to reject: "
                                            + c.label());
        }
        QuantizedBlocks q = quantize(knobs, c.values(), c.rows(), c.rowLength(), c.givenScale());
        int[] dequantized = BlockDequantizer.toFloat32(q);
        crossCheck(c, q, dequantized);
        explain(c, q, flags, comment);
        Optional<String> computed = c.mode() == TensorScaleMode.COMPUTED
                                    ? Optional.of(HexBytes.f32(q.tensorScaleBits().getAsInt())) : Optional.empty();
        return new QuantizeTest(b.nextId(), comment.toString(), b.flags(flags), input, given,
                new QuantizeExpected.Output(HexBytes.of(q.scaleCodes()), HexBytes.of(q.elementCodes()), computed,
                        HexBytes.f32s(dequantized)), Result.VALID);
    }

    /** Appends the scale, and the other rules' scales where they differ; adds the flags the outputs show. */
    private void explain(Case c, QuantizedBlocks q, EnumSet<Flag> flags, StringBuilder comment) {
        int blocksPerRow = q.blocksPerRow();
        comment.append(": scale");
        for (int blk = 0; blk < q.blockCount(); blk++) {
            int code = q.scaleCode(blk);
            comment.append(blk == 0 ? " " : ", ").append(CodeText.hex(code)).append(" (")
                   .append(CodeText.value(format.scale(), code)).append(")");
            int row = blk / blocksPerRow;
            int first = row * c.rowLength() + (blk % blocksPerRow) * k;
            int end = Math.min(first + k, (row + 1) * c.rowLength());
            int amax = 0;
            boolean allZero = true;
            for (int i = first; i < end; i++) {
                int m = c.values()[i] & 0x7FFFFFFF;
                allZero &= m == 0;
                if (m < 0x7F800000) {
                    amax = Math.max(amax, m);
                }
            }
            if (format.scale().isNaNCode(code)) {
                flags.add(Flag.SCALE_NAN_BLOCK);
            }
            if (allZero) {
                flags.add(Flag.ALL_ZERO_BLOCK);
            }
            if (amax != 0 && amax < 0x00800000) {
                flags.add(Flag.TINY_AMAX);
            }
            if (format.isMx() && code == 0 && amax != 0) {
                flags.add(Flag.SCALE_CLAMP_MIN);
            }
            if (format.isNvfp4() && !format.scale().isNaNCode(code)) {
                double s = ElementCodec.decodeToDouble(code, format.scale());
                double g = q.tensorScaleBits().isPresent() ? Float.intBitsToFloat(q.tensorScaleBits().getAsInt()) : 1;
                double ideal = Float.intBitsToFloat(amax) / 6.0 / g;
                if (ideal > 448) {
                    flags.add(Flag.NVFP4_SCALE_SATURATES);
                }
                if (amax != 0 && ideal < Math.scalb(1.0, knobs.scaleClamp().lowerExponent()) && s > 0) {
                    flags.add(Flag.SCALE_CLAMP_MIN);
                }
            }
            if (format.isMx() && !format.scale().isNaNCode(code)) {
                double x = Math.scalb(1.0, code - 127);
                if (Float.intBitsToFloat(amax) / x > element.maxFinite()) {
                    flags.add(Flag.BLOCKMAX_SATURATES);
                }
            }
        }
        if (format.isMx() && c.rows() == 1 && c.rowLength() == k) {
            StringBuilder others = new StringBuilder();
            boolean differ = false;
            for (ScaleRule rule : MX_RULES) {
                int code = quantize(knobs.withScaleRule(rule), c.values(), 1, k, OptionalInt.empty()).scaleCode(0);
                differ |= code != q.scaleCode(0);
                others.append(others.isEmpty() ? "" : ", ").append(rule).append(' ').append(CodeText.hex(code));
            }
            if (differ) {
                flags.add(Flag.SCALE_MODE_DISCRIMINATOR);
                comment.append(" by ").append(knobs.scaleRule()).append("; the rules differ: ").append(others);
            } else {
                comment.append(" by every rule");
            }
        } else if (format.isMx()) {
            comment.append(" by ").append(knobs.scaleRule());
        }
        q.tensorScaleBits().ifPresent(g -> comment.append("; g ").append(CodeText.f32Fields(g)));
        int shown = Math.min(q.length(), 6);
        comment.append("; codes");
        for (int i = 0; i < shown; i++) {
            comment.append(i == 0 ? " " : ",").append(Integer.toHexString(q.elementCode(i)));
        }
        if (q.length() > shown) {
            comment.append(",...");
        }
    }

    /** Each MX element code against the exact oracle on the exact quotient V_i / 2^s, and every scale's decoding. */
    private void crossCheck(Case c, QuantizedBlocks q, int[] dequantized) {
        for (int blk = 0; blk < q.blockCount(); blk++) {
            Oracle.decode(q.scaleCode(blk), format.scale());
        }
        if (!format.isMx()) {
            return;
        }
        int blocksPerRow = q.blocksPerRow();
        for (int i = 0; i < q.length(); i++) {
            int row = i / c.rowLength();
            int blk = row * blocksPerRow + (i % c.rowLength()) / k;
            int code = q.scaleCode(blk);
            int v = c.values()[i];
            Oracle.decode(q.elementCode(i), element);
            boolean flushed = knobs.scaleRule() == ScaleRule.ROUND_UP && code == 0
                              || knobs.tinyAmax() == TinyAmaxPolicy.FLUSH_SUBNORMAL_AMAX;
            if (code == 0xFF || flushed || (v & 0x7FFFFFFF) >= 0x7F800000) {
                continue;
            }
            ExactValue x = ExactValue.ofFloat32Bits(v);
            ExactValue quotient = x.isZero() ? x : ExactValue.ofFinite(x.negative(),
                    x.magnitude().multiply(new BigDecimal(Math.scalb(1.0, 127 - code))));
            int exact = ExactCodec.encode(quotient, element, knobs.elementKnobs(format));
            if (exact != q.elementCode(i)) {
                throw new IllegalStateException(String.format(Locale.ROOT,
                        "reference disagreement, generation aborted: %s %s element %d (%s) under scale 0x%02x:"
                        + " BlockQuantizer gives 0x%02x, ExactCodec on the exact quotient 0x%02x", format.id(),
                        profile.id(), i, CodeText.f32(v), code, q.elementCode(i), exact));
            }
        }
    }
}
