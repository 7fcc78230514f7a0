package org.lowbit.harness.cpu;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Collectors;
import org.lowbit.conformance.target.Capability;
import org.lowbit.conformance.target.CapabilityManifest;
import org.lowbit.conformance.target.DequantizeRequest;
import org.lowbit.conformance.target.Operation;
import org.lowbit.conformance.target.QuantizeRequest;
import org.lowbit.conformance.target.QuantizeResult;
import org.lowbit.conformance.target.ReferenceTarget;
import org.lowbit.conformance.target.Target;
import org.lowbit.conformance.target.TargetException;
import org.lowbit.reference.block.BlockDequantizer;
import org.lowbit.reference.block.BlockQuantizer;
import org.lowbit.reference.block.QuantizedBlocks;
import org.lowbit.reference.layout.ElementPacking;
import org.lowbit.reference.layout.LittleEndian;
import org.lowbit.reference.layout.ScalePacking;
import org.lowbit.spec.BlockFormat;
import org.lowbit.spec.BlockPolicies.TailPolicy;
import org.lowbit.spec.BlockProfile;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.ElementLayout;
import org.lowbit.spec.ScaleLayout;
import org.lowbit.spec.SourceFormat;
import org.lowbit.vectors.TensorScaleMode;

/**
 * {@code cpu-vector}: MX block quantize and dequantize (SPEC.md §8) on {@link MxKernels}, the Vector API
 * backend where it is available and the scalar reference otherwise, multi-threaded over blocks (or rows,
 * when a row ends in a partial block).
 *
 * <p>It claims every (MX format, block profile) pair whose knobs {@link MxPlan} computes, from and to f32,
 * bf16 and f16. Whole blocks go through the kernels; the partial block at the end of a row (tail knob
 * PAD_WITH_ZEROS) goes through the reference. Element layouts other than {@code unpacked} and the
 * {@code swizzle-128x4} scale layout are applied with the reference's packers after the kernels.
 */
public final class CpuVectorTarget implements Target {

    static final Set<SourceFormat> PRECISIONS = EnumSet.of(SourceFormat.FP32, SourceFormat.BF16, SourceFormat.FP16);
    /** Below this many blocks per thread a call stays on one thread. */
    private static final long MIN_BLOCKS_PER_THREAD = 1024;

    private final MxKernels kernels;
    private final BlockParallel parallel;

    /** A target on the chosen backend ({@link CpuBackends#kernels}) with the default parallelism. */
    public CpuVectorTarget() {
        this(CpuBackends.kernels(), CpuBackends.defaultThreads());
    }

    /** A target on {@code kernels} with {@code threads} threads. */
    public CpuVectorTarget(MxKernels kernels, int threads) {
        this.kernels = kernels;
        this.parallel = new BlockParallel(threads);
    }

    @Override
    public String name() { return "cpu-vector"; }

    @Override
    public boolean threadSafe() { return true; }

    /** The backend in use, e.g. {@code vector-512} or {@code scalar}. */
    public String backend() {
        return kernels.vectorBits() > 0 ? kernels.backend() + "-" + kernels.vectorBits() : kernels.backend();
    }

    @Override
    public CapabilityManifest manifest() {
        return new CapabilityManifest(name(), "0.1.0", String.format(Locale.ROOT,
                "MX quantize/dequantize on the Java Vector API (backend %s, %d threads)", backend(), parallel.threads()),
                capabilities());
    }

    /** Every (MX format, block profile) pair whose knobs the kernels compute. */
    public static List<Capability> capabilities() {
        List<Capability> caps = new ArrayList<>();
        Set<String> scaleLayouts = EnumSet.allOf(ScaleLayout.class).stream().map(ScaleLayout::id)
                .collect(Collectors.toUnmodifiableSet());
        for (BlockProfile profile : BlockProfile.values()) {
            for (BlockFormat format : BlockFormat.values()) {
                if (!profile.supports(format) || MxPlan.of(format, profile.knobsFor(format)).isEmpty()) {
                    continue;
                }
                Set<String> elementLayouts = EnumSet.allOf(ElementLayout.class).stream()
                        .filter(l -> l.supports(format.element())).map(ElementLayout::id)
                        .collect(Collectors.toUnmodifiableSet());
                caps.add(new Capability(Operation.QUANTIZE, format.id(), profile.id(), PRECISIONS, elementLayouts, scaleLayouts));
                caps.add(new Capability(Operation.DEQUANTIZE, format.id(), profile.id(), PRECISIONS, elementLayouts, scaleLayouts));
            }
        }
        return caps;
    }

    // ---------------------------------------------------------------------------------------------

    @Override
    public QuantizeResult quantize(QuantizeRequest r) throws TargetException {
        MxPlan plan = MxPlan.of(r.format(), r.knobs()).orElseThrow(() -> new TargetException.NotSupported(
                "cpu-vector does not compute " + r.format().id() + " with these knobs (" + r.profile().id() + ")"));
        if (r.tensorScaleMode() == TensorScaleMode.GIVEN) {
            throw new TargetException.Rejected("OUT_OF_RANGE", r.format().id() + " has no per-tensor scale (MX is single level)");
        }
        int rows = r.rows();
        int rowLength = r.rowLength();
        int full = rowLength / MxPlan.BLOCK;
        int tail = rowLength % MxPlan.BLOCK;
        if (tail != 0 && r.knobs().tail() == TailPolicy.REJECT) {
            throw new TargetException.Rejected("RAGGED_TAIL", String.format(Locale.ROOT,
                    "row length %d is not a multiple of the %s block size %d (tail policy REJECT)", rowLength,
                    r.format().id(), MxPlan.BLOCK));
        }
        int blocksPerRow = full + (tail == 0 ? 0 : 1);
        byte[] codes = new byte[r.count()];
        byte[] scales = new byte[rows * blocksPerRow];
        byte[] in = r.input();
        SourceFormat source = r.source();
        if (tail == 0) {
            parallel.forEach((long) rows * full, MIN_BLOCKS_PER_THREAD, (from, to) ->
                    kernels.quantize(plan, source, in, (int) from * MxPlan.BLOCK, (int) (to - from), codes, scales, (int) from));
        } else {
            BlockQuantizer tailQuantizer = BlockQuantizer.of(r.format(), r.knobs()).withRowLength(tail);
            parallel.forEach(rows, Math.max(1, MIN_BLOCKS_PER_THREAD / blocksPerRow), (from, to) -> {
                for (long row = from; row < to; row++) {
                    long first = row * rowLength;
                    kernels.quantize(plan, source, in, (int) first, full, codes, scales, (int) row * blocksPerRow);
                    QuantizedBlocks last = quantizeTail(tailQuantizer, source, r.input(), first + (long) full * MxPlan.BLOCK, tail);
                    scales[(int) (row * blocksPerRow + full)] = (byte) last.scaleCode(0);
                    for (int i = 0; i < tail; i++) {
                        codes[(int) (first + (long) full * MxPlan.BLOCK + i)] = (byte) last.elementCode(i);
                    }
                }
            });
        }
        byte[] elements = ReferenceTarget.packElements(r.elementLayout(), r.format().element(), codes);
        byte[] storedScales = ScalePacking.pack(r.scaleLayout(), scales, rows, blocksPerRow);
        return new QuantizeResult(storedScales, elements, OptionalInt.empty());
    }

    private static QuantizedBlocks quantizeTail(BlockQuantizer quantizer, SourceFormat source, byte[] input, long first, int n) {
        return switch (source) {
            case FP32 -> {
                int[] x = new int[n];
                for (int i = 0; i < n; i++) {
                    x[i] = LittleEndian.getInt(input, (int) (4 * (first + i)));
                }
                yield quantizer.quantizeFloat32(x);
            }
            case BF16, FP16 -> {
                short[] x = new short[n];
                for (int i = 0; i < n; i++) {
                    x[i] = LittleEndian.getShort(input, (int) (2 * (first + i)));
                }
                yield source == SourceFormat.BF16 ? quantizer.quantizeBFloat16(x) : quantizer.quantizeFloat16(x);
            }
            case FP64 -> throw new IllegalArgumentException("f64 is the exact oracle's input only");
        };
    }

    // ---------------------------------------------------------------------------------------------

    @Override
    public byte[] dequantize(DequantizeRequest r) throws TargetException {
        if (!r.profile().supports(r.format())) {
            throw new TargetException.NotSupported("block profile " + r.profile().id() + " does not define " + r.format().id());
        }
        MxPlan plan = MxPlan.of(r.format(), r.profile().knobsFor(r.format())).orElseThrow(() -> new TargetException.NotSupported(
                "cpu-vector does not dequantize " + r.format().id() + " under " + r.profile().id()));
        if (r.tensorScaleBits().isPresent()) {
            throw new TargetException.Rejected("OUT_OF_RANGE", r.format().id() + " has no per-tensor scale (MX is single level)");
        }
        int rows = r.rows();
        int rowLength = r.rowLength();
        int full = rowLength / MxPlan.BLOCK;
        int tail = rowLength % MxPlan.BLOCK;
        int blocksPerRow = full + (tail == 0 ? 0 : 1);
        byte[] scales;
        byte[] codes;
        try {
            scales = ScalePacking.unpack(r.scaleLayout(), r.scales(), rows, blocksPerRow);
            codes = unpack(r.elementLayout(), r.format().element(), r.elements());
        } catch (IllegalArgumentException e) {
            throw new TargetException.Rejected("OUT_OF_RANGE", e.getMessage());
        }
        if (codes.length != r.count()) {
            throw new TargetException.Rejected("OUT_OF_RANGE", String.format(Locale.ROOT,
                    "%d element codes in %d bytes of %s for %d elements", codes.length, r.elements().length,
                    r.elementLayout().id(), r.count()));
        }
        requireValidCodes(r.format().element(), codes);
        SourceFormat output = r.output();
        if (output == SourceFormat.FP64) {
            throw new TargetException.NotSupported("f64 output");
        }
        byte[] out = new byte[r.count() * output.bytes()];
        if (tail == 0) {
            parallel.forEach((long) rows * full, MIN_BLOCKS_PER_THREAD, (from, to) ->
                    kernels.dequantize(plan, output, codes, (int) from * MxPlan.BLOCK, (int) (to - from), scales, (int) from, out));
        } else {
            parallel.forEach(rows, Math.max(1, MIN_BLOCKS_PER_THREAD / blocksPerRow), (from, to) -> {
                for (long row = from; row < to; row++) {
                    long first = row * rowLength;
                    kernels.dequantize(plan, output, codes, (int) first, full, scales, (int) row * blocksPerRow, out);
                    int start = (int) (first + (long) full * MxPlan.BLOCK);
                    byte[] tailCodes = java.util.Arrays.copyOfRange(codes, start, start + tail);
                    QuantizedBlocks last = new QuantizedBlocks(r.format(), 1, tail,
                            new byte[] {scales[(int) (row * blocksPerRow + full)]}, tailCodes, OptionalInt.empty());
                    writeTail(last, output, out, start);
                }
            });
        }
        return out;
    }

    private static void writeTail(QuantizedBlocks q, SourceFormat output, byte[] out, int first) {
        switch (output) {
            case FP32 -> {
                int[] v = BlockDequantizer.toFloat32(q);
                for (int i = 0; i < v.length; i++) {
                    LittleEndian.putInt(out, 4 * (first + i), v[i]);
                }
            }
            case BF16, FP16 -> {
                short[] v = output == SourceFormat.BF16 ? BlockDequantizer.toBFloat16(q) : BlockDequantizer.toFloat16(q);
                for (int i = 0; i < v.length; i++) {
                    LittleEndian.putShort(out, 2 * (first + i), v[i]);
                }
            }
            case FP64 -> throw new IllegalArgumentException("f64 output");
        }
    }

    private static byte[] unpack(ElementLayout layout, ElementFormat element, byte[] stored) {
        if (layout == ElementLayout.UNPACKED) {
            return stored;
        }
        int[] codes = ElementPacking.unpack(layout, element, stored);
        byte[] out = new byte[codes.length];
        for (int i = 0; i < codes.length; i++) {
            out[i] = (byte) codes[i];
        }
        return out;
    }

    /** FP6 and FP4 codes must fit their width (the kernels mask them); 8-bit formats have no invalid code. */
    private static void requireValidCodes(ElementFormat element, byte[] codes) throws TargetException {
        if (element.codeCount() >= 256) {
            return;
        }
        for (int i = 0; i < codes.length; i++) {
            if (!element.isValidCode(codes[i] & 0xFF)) {
                throw new TargetException.Rejected("OUT_OF_RANGE", String.format(Locale.ROOT,
                        "element code 0x%02X at index %d is out of range for %s", codes[i] & 0xFF, i, element.id()));
            }
        }
    }

    @Override
    public void close() {
        parallel.close();
    }
}
