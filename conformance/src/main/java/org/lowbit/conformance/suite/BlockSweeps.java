package org.lowbit.conformance.suite;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.lowbit.conformance.run.MatrixKey;
import org.lowbit.conformance.run.Outcome;
import org.lowbit.conformance.target.Capability;
import org.lowbit.conformance.target.Operation;
import org.lowbit.conformance.target.QuantizeRequest;
import org.lowbit.conformance.target.QuantizeResult;
import org.lowbit.conformance.target.TargetException;
import org.lowbit.reference.layout.LittleEndian;
import org.lowbit.spec.BlockFormat;
import org.lowbit.spec.BlockKnobs;
import org.lowbit.spec.BlockProfile;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.ElementLayout;
import org.lowbit.spec.ScaleLayout;
import org.lowbit.spec.SourceFormat;
import org.lowbit.vectors.TensorScaleMode;

/**
 * The exhaustive block test (level {@code exhaustive}): every FP32 pattern goes once through the target's MX
 * quantize, for every claimed MX format × profile with an FP32 source, compared bit for bit (scale byte and
 * element codes) with the reference. A block target's element path sees every input this way, and its scale
 * rule sees 2^27 different amaxes, where the element sweeps ({@link Sweeps}) reach only targets that claim a
 * bare element encode.
 *
 * <p>The FP32 space is cut as the encode sweep cuts it, in 256 slices of 2^24 patterns (the top byte: the
 * sign and the exponent's upper seven bits, so every swept value of a slice lies in two binades). A slice is
 * one request of {@value #BLOCKS_PER_SLICE} rows of 32, one block per row (unpacked codes, row-major scales):
 * <ul>
 *   <li>block k holds the slice's patterns {@code 31k .. 31k + 30} in order (the last block ends with +0.0
 *       padding), with an <em>anchor</em> at position {@code k mod 32};</li>
 *   <li>the anchor is at least as large as every swept value, so that it is the amax and pins the block's
 *       scale: its biased exponent is {@code 2·(slice & 0x7f) + 2 + (k mod K)} (at most 254), its mantissa
 *       varies with k, and its sign alternates every K blocks. K, the element's binades from the top of its
 *       grid to below its smallest quantum plus three, makes consecutive blocks place the swept values at every
 *       depth of the element grid, down to where they round to zero.</li>
 * </ul>
 * Each block is a case, named by its first swept pattern ({@code sweep/quantize-f32/mxfp4/ocp-mx-1.0#0x3f7ffff8});
 * that id reruns the block alone. As in the encode sweep, the first {@link Sweeps#LISTED_PER_SLICE} failing
 * blocks of a slice are listed in full and the rest counted, never dropped.
 */
final class BlockSweeps {
    private BlockSweeps() {}

    static final int BLOCK = 32;
    /** Swept patterns per block: the 32nd element is the anchor. */
    static final int SWEPT = BLOCK - 1;
    static final int BLOCKS_PER_SLICE = (Sweeps.SLICE + SWEPT - 1) / SWEPT;
    /** Rows per reference call when the expected answer is computed in parallel. */
    private static final int REFERENCE_ROWS = 8192;

    static GoldenVectors.Plan plan(RunContext ctx) {
        List<DynamicNode> cells = new ArrayList<>();
        long cases = 0;
        for (Capability c : ctx.claimsOf(Operation.QUANTIZE)) {
            BlockFormat format = BlockFormat.byId(c.format());
            if (!sweeps(format, c)) {
                continue;
            }
            BlockProfile profile = BlockProfile.byId(c.profile());
            List<DynamicNode> slices = new ArrayList<>();
            for (int slice = 0; slice < Sweeps.SLICES; slice++) {
                int[] only = sliceBlocks(ctx, format, profile, slice);
                if (only != null && only.length == 0) {
                    continue;
                }
                int s = slice;
                cases += only == null ? BLOCKS_PER_SLICE : only.length;
                slices.add(DynamicTest.dynamicTest(String.format(Locale.ROOT,
                        "quantize every f32 pattern 0x%02x000000-0x%02xffffff", slice, slice), () -> slice(ctx, format, profile, s, only)));
            }
            if (!slices.isEmpty()) {
                cells.add(DynamicContainer.dynamicContainer("quantize every f32 pattern to " + format + " under " + profile, slices));
            }
        }
        if (cells.isEmpty()) {
            return new GoldenVectors.Plan(List.of(), 0);
        }
        return new GoldenVectors.Plan(List.of(DynamicContainer.dynamicContainer(
                "quantize every f32 input in anchored blocks (level exhaustive)", cells)), cases);
    }

    /** MX blocks of 32 from FP32, answered unpacked with row-major scales. */
    static boolean sweeps(BlockFormat format, Capability c) {
        return format.isMx() && format.blockSize() == BLOCK && c.precisions().contains(SourceFormat.FP32)
               && Claims.layoutPairs(c).stream().anyMatch(Claims.LayoutPair::isDefault);
    }

    static String sliceId(BlockFormat format, BlockProfile profile, int slice) {
        return String.format(Locale.ROOT, "sweep/quantize-f32/%s/%s/slice-0x%02x", format.id(), profile.id(), slice);
    }

    static String blockId(BlockFormat format, BlockProfile profile, int slice, int block) {
        return String.format(Locale.ROOT, "sweep/quantize-f32/%s/%s#0x%08x", format.id(), profile.id(), firstPattern(slice, block));
    }

    static int firstPattern(int slice, int block) {
        return slice << 24 | SWEPT * block;
    }

    /** K: the element's binades from the top of its grid to below its smallest quantum, plus three. */
    static int anchorDepths(ElementFormat element) {
        return element.emax() - element.emin() + element.mantissaBits() + 3;
    }

    /** The anchor of block {@code block} of {@code slice} (see the class comment). */
    static int anchor(int slice, int block, int depths) {
        int top = ((slice & 0x7F) << 1) | 1;                       // the larger biased exponent of the slice
        int exponent = Math.min(254, top + 1 + block % depths);
        int mantissa = (block * 0x9E3779B1 >>> 9) & 0x7FFFFF;
        int sign = (block / depths) & 1;
        return sign << 31 | exponent << 23 | mantissa;
    }

    /** The 32 FP32 patterns of block {@code block} of {@code slice}. */
    static int[] block(int slice, int block, int depths) {
        int[] out = new int[BLOCK];
        int at = block % BLOCK;
        for (int j = 0, i = 0; j < BLOCK; j++) {
            if (j == at) {
                out[j] = anchor(slice, block, depths);
                continue;
            }
            int index = SWEPT * block + i++;
            out[j] = index < Sweeps.SLICE ? slice << 24 | index : 0;
        }
        return out;
    }

    /** null: the whole slice; else the blocks that {@code --only} names one by one (possibly none). */
    private static int[] sliceBlocks(RunContext ctx, BlockFormat format, BlockProfile profile, int slice) {
        if (ctx.filter().keepsAll() || ctx.filter().keeps(sliceId(format, profile, slice))) {
            return null;
        }
        return Sweeps.literalPatterns(ctx, String.format(Locale.ROOT, "sweep/quantize-f32/%s/%s", format.id(), profile.id()),
                        slice)
                .map(pattern -> pattern & 0xFFFFFF)
                .filter(low -> low % SWEPT == 0)         // a block's id is its first swept pattern
                .map(low -> low / SWEPT)
                .toArray();
    }

    private static void slice(RunContext ctx, BlockFormat format, BlockProfile profile, int slice, int[] only) {
        MatrixKey cell = ctx.cell(Operation.QUANTIZE, format.id(), profile.id());
        BlockKnobs knobs = profile.knobsFor(format);
        int depths = anchorDepths(format.element());
        int n = only == null ? BLOCKS_PER_SLICE : only.length;
        java.util.function.IntUnaryOperator blockOf = only == null ? r -> r : r -> only[r];
        byte[] input = new byte[4 * BLOCK * n];
        IntStream.range(0, n).parallel().forEach(r -> {
            int[] values = block(slice, blockOf.applyAsInt(r), depths);
            for (int j = 0; j < BLOCK; j++) {
                LittleEndian.putInt(input, 4 * (BLOCK * r + j), values[j]);
            }
        });
        byte[] wantScales = new byte[n];
        byte[] wantCodes = new byte[BLOCK * n];
        IntStream.range(0, Math.ceilDiv(n, REFERENCE_ROWS)).parallel().forEach(part -> {
            int from = part * REFERENCE_ROWS;
            int rows = Math.min(REFERENCE_ROWS, n - from);
            QuantizeResult q;
            try {
                q = RunContext.REFERENCE.quantize(request(format, profile, knobs, rows,
                        Arrays.copyOfRange(input, 4 * BLOCK * from, 4 * BLOCK * (from + rows))));
            } catch (TargetException e) {
                throw new IllegalStateException("the reference refused a block of the sweep: " + e.getMessage(), e);
            }
            System.arraycopy(q.scales(), 0, wantScales, from, rows);
            System.arraycopy(q.elements(), 0, wantCodes, BLOCK * from, BLOCK * rows);
        });
        Answer<QuantizeResult> answer = Answer.of(() -> ctx.target().quantize(request(format, profile, knobs, n, input)));
        if (answer instanceof Answer.Ok<QuantizeResult>(QuantizeResult q)
            && (q.scales().length != n || q.elements().length != BLOCK * n)) {
            answer = new Answer.Err<>(new TargetException.Malformed(String.format(Locale.ROOT,
                    "answered %d scales and %d codes for %d blocks of %d", q.scales().length, q.elements().length, n, BLOCK)));
        }
        String name = String.format(Locale.ROOT, "quantize every f32 pattern 0x%02x000000-0x%02xffffff to %s under %s",
                slice, slice, format, profile);
        int[] failing;
        QuantizeResult actual;
        if (answer instanceof Answer.Ok<QuantizeResult>(QuantizeResult q)) {
            actual = q;
            failing = IntStream.range(0, n).parallel().filter(r -> q.scales()[r] != wantScales[r]
                    || !Arrays.equals(q.elements(), BLOCK * r, BLOCK * (r + 1), wantCodes, BLOCK * r, BLOCK * (r + 1))).toArray();
        } else {
            actual = null;
            failing = IntStream.range(0, n).toArray();
        }
        List<Verdict> listed = new ArrayList<>();
        for (int k = 0; k < Math.min(Sweeps.LISTED_PER_SLICE, failing.length); k++) {
            int r = failing[k];
            listed.add(blockVerdict(ctx, cell, format, profile, knobs, slice, blockOf.applyAsInt(r), input, r, answer,
                    wantScales[r] & 0xFF, Arrays.copyOfRange(wantCodes, BLOCK * r, BLOCK * (r + 1)), actual));
        }
        long unlisted = failing.length - listed.size();
        if (unlisted > 0) {
            Outcome outcome = answer instanceof Answer.Err<QuantizeResult>(Throwable e) ? Answer.outcome(e) : Outcome.FAIL;
            if (ctx.waivers().all().isEmpty()) {
                ctx.recorder().recordUnlisted(cell, outcome, unlisted, name);
            } else {  // a waiver may cover some of them: each goes through the recorder
                for (int k = listed.size(); k < failing.length; k++) {
                    String id = blockId(format, profile, slice, blockOf.applyAsInt(failing[k]));
                    ctx.recorder().record(Verdict.of(cell, id, outcome, "target '" + ctx.targetName() + "', " + id + ": see " + name),
                            name);
                }
            }
        }
        CaseTests.finish(ctx, name, CaseTests.params(ctx, format.id(), profile.id(), "unpacked/row-major"), listed, cell,
                n - failing.length, unlisted);
    }

    private static QuantizeRequest request(BlockFormat format, BlockProfile profile, BlockKnobs knobs, int rows, byte[] input) {
        return new QuantizeRequest(format, profile, knobs, SourceFormat.FP32, rows, BLOCK, input, ElementLayout.UNPACKED,
                ScaleLayout.ROW_MAJOR, TensorScaleMode.NONE, 0);
    }

    private static Verdict blockVerdict(RunContext ctx, MatrixKey cell, BlockFormat format, BlockProfile profile,
                                        BlockKnobs knobs, int slice, int block, byte[] input, int row,
                                        Answer<QuantizeResult> answer, int wantScale, byte[] wantCodes, QuantizeResult actual) {
        String id = blockId(format, profile, slice, block);
        String head = "target '" + ctx.targetName() + "', case " + id + " (exhaustive quantize: block " + block + " of slice 0x"
                      + String.format(Locale.ROOT, "%02x", slice) + ", anchor at element " + block % BLOCK + ")\n  quantize 1 x "
                      + BLOCK + " f32 -> " + format + " under " + profile + " (" + knobs.scaleRule() + " scale)"
                      + FailureText.inputs(SourceFormat.FP32, Arrays.copyOfRange(input, 4 * BLOCK * row, 4 * BLOCK * (row + 1)));
        if (answer instanceof Answer.Err<QuantizeResult>(Throwable e)) {
            return Verdict.of(cell, id, Answer.outcome(e), head + "\n  the target " + Answer.describe(e));
        }
        FailureText.Table t = new FailureText.Table();
        int gotScale = actual.scales()[row] & 0xFF;
        if (gotScale != wantScale) {
            t.add("scale", "0", FailureText.code(format.scale(), wantScale), FailureText.code(format.scale(), gotScale));
        }
        for (int j = 0; j < BLOCK; j++) {
            int want = wantCodes[j] & 0xFF;
            int got = actual.elements()[BLOCK * row + j] & 0xFF;
            if (got != want) {
                t.add("element", Integer.toString(j), FailureText.code(format.element(), want), FailureText.code(format.element(), got));
            }
        }
        return new Verdict(cell, id, Outcome.FAIL, head + "\n  expected vs actual:\n" + t, t.toString());
    }
}
