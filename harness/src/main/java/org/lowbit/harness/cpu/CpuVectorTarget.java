package org.lowbit.harness.cpu;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.lowbit.conformance.target.Capability;
import org.lowbit.conformance.target.CapabilityManifest;
import org.lowbit.conformance.target.DequantizeRequest;
import org.lowbit.conformance.target.Operation;
import org.lowbit.conformance.target.QuantizeRequest;
import org.lowbit.conformance.target.QuantizeResult;
import org.lowbit.conformance.target.ReferenceTarget;
import org.lowbit.conformance.target.ScaledDequantizeRequest;
import org.lowbit.conformance.target.ScaledQuantizeRequest;
import org.lowbit.conformance.target.ScaledQuantizeResult;
import org.lowbit.conformance.target.Target;
import org.lowbit.conformance.target.TargetException;
import org.lowbit.reference.block.BlockDequantizer;
import org.lowbit.reference.block.BlockQuantizer;
import org.lowbit.reference.block.QuantizedBlocks;
import org.lowbit.reference.layout.ElementPacking;
import org.lowbit.reference.layout.LittleEndian;
import org.lowbit.reference.layout.ScalePacking;
import org.lowbit.reference.scaled.FloatRounding;
import org.lowbit.reference.scaled.QuantizedTensor;
import org.lowbit.spec.BlockFormat;
import org.lowbit.spec.BlockPolicies.TailPolicy;
import org.lowbit.spec.BlockPolicies.TensorScaleRule;
import org.lowbit.spec.BlockProfile;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.ElementLayout;
import org.lowbit.spec.ScaleLayout;
import org.lowbit.spec.ScaledFormat;
import org.lowbit.spec.ScaledKnobs;
import org.lowbit.spec.ScaledPolicies;
import org.lowbit.spec.ScaledPolicies.Precision;
import org.lowbit.spec.ScaledProfile;
import org.lowbit.spec.SourceFormat;
import org.lowbit.vectors.TensorScaleMode;

/**
 * {@code cpu-vector}: block and scaled-format quantize and dequantize on the Java Vector API, the scalar
 * reference where the Vector API is not available, multi-threaded over blocks (or rows, when a row ends in a
 * partial block). Claims, from and to f32, bf16 and f16 (scaled dequantize: to f32, as the reference):
 * <ul>
 *   <li>MX (SPEC.md §8): every (format, block profile) pair whose knobs {@link MxPlan} computes, on
 *       {@link MxKernels};</li>
 *   <li>NVFP4 (§8.4, §8.7), both profiles, single and two level: on {@link Nvfp4Kernels}, except two-level
 *       dequantize to bf16/f16 with g outside [2^-90, 2^90] (reference);</li>
 *   <li>scaled formats (§11), every (format, scaled profile) pair, quantize and dequantize, on
 *       {@link ScaledKernels} ({@link ScaledPlan} lists the rules and arithmetic; knobs outside it, which no
 *       profile uses, go to the reference).</li>
 * </ul>
 * On the scalar backend every NVFP4 and scaled call goes to the reference. Inputs the reference rejects go to
 * it, so that the rejection and its message are the reference's. The partial block at the end of a row
 * (tail knob PAD_WITH_ZEROS) goes through the reference; element layouts other than {@code unpacked} and
 * the {@code swizzle-128x4} scale layout are applied with the reference's packers after the kernels.
 */
public final class CpuVectorTarget implements Target {

    static final Set<SourceFormat> PRECISIONS = EnumSet.of(SourceFormat.FP32, SourceFormat.BF16, SourceFormat.FP16);
    /** Below this many blocks per thread a call stays on one thread. */
    private static final long MIN_BLOCKS_PER_THREAD = 1024;

    private static final ReferenceTarget REFERENCE = new ReferenceTarget();
    static final String NVFP4_VECTOR_CLASS = "org.lowbit.harness.cpu.VectorNvfp4Kernels";
    static final String SCALED_VECTOR_CLASS = "org.lowbit.harness.cpu.VectorScaledKernels";
    /** Below this many elements per thread a scaled-format call stays on one thread. */
    private static final long MIN_ELEMENTS_PER_THREAD = 1 << 15;

    private final MxKernels kernels;
    /** The NVFP4 vector kernels, or null on the scalar backend (NVFP4 then runs on the reference). */
    private final Nvfp4Kernels nvfp4;
    /** The scaled-format vector kernels, or null on the scalar backend (the scaled formats then run on the reference). */
    private final ScaledKernels scaled;
    private final BlockParallel parallel;

    /** A target on the chosen backend ({@link CpuBackends#kernels}) with the default parallelism. */
    public CpuVectorTarget() {
        this(CpuBackends.kernels(), CpuBackends.defaultThreads());
    }

    /** A target on {@code kernels} with {@code threads} threads. */
    public CpuVectorTarget(MxKernels kernels, int threads) {
        this.kernels = kernels;
        this.nvfp4 = kernels.vectorBits() > 0 ? load(NVFP4_VECTOR_CLASS, Nvfp4Kernels.class) : null;
        this.scaled = kernels.vectorBits() > 0 ? load(SCALED_VECTOR_CLASS, ScaledKernels.class) : null;
        this.parallel = new BlockParallel(threads);
    }

    /** A vector kernel class, loaded by name (as {@link CpuBackends} loads the MX one) only on the vector backend. */
    private static <T> T load(String className, Class<T> type) {
        try {
            return type.cast(Class.forName(className).getDeclaredConstructor().newInstance());
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalStateException("the Vector API kernels " + className + " could not start: " + e, e);
        }
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
                "MX, NVFP4 and scaled-format quantize/dequantize on the Java Vector API (backend %s, %d threads)",
                backend(), parallel.threads()),
                capabilities());
    }

    /**
     * Every (MX format, block profile) pair whose knobs {@link MxPlan} computes; every NVFP4 profile; every
     * (scaled format, scaled profile) pair. Which of them run in vector code is in the class comment.
     */
    public static List<Capability> capabilities() {
        List<Capability> caps = new ArrayList<>();
        Set<String> scaleLayouts = EnumSet.allOf(ScaleLayout.class).stream().map(ScaleLayout::id)
                .collect(Collectors.toUnmodifiableSet());
        for (BlockProfile profile : BlockProfile.values()) {
            for (BlockFormat format : BlockFormat.values()) {
                if (!profile.supports(format)
                        || (format.isMx() && MxPlan.of(format, profile.knobsFor(format)).isEmpty())) {
                    continue;
                }
                Set<String> elementLayouts = EnumSet.allOf(ElementLayout.class).stream()
                        .filter(l -> l.supports(format.element())).map(ElementLayout::id)
                        .collect(Collectors.toUnmodifiableSet());
                caps.add(new Capability(Operation.QUANTIZE, format.id(), profile.id(), PRECISIONS, elementLayouts, scaleLayouts));
                caps.add(new Capability(Operation.DEQUANTIZE, format.id(), profile.id(), PRECISIONS, elementLayouts, scaleLayouts));
            }
        }
        for (ScaledProfile profile : ScaledProfile.values()) {
            for (ScaledFormat format : ScaledFormat.values()) {
                if (!profile.defines(format)) {
                    continue;
                }
                ElementFormat element = format.elementFormat(profile.knobsFor(format).rule());
                Set<String> elementLayouts = EnumSet.allOf(ElementLayout.class).stream()
                        .filter(l -> l == ElementLayout.UNPACKED || (l.supports(element) && element.bits() == 4))
                        .map(ElementLayout::id).collect(Collectors.toUnmodifiableSet());
                caps.add(new Capability(Operation.SCALED_QUANTIZE, format.id(), profile.id(), PRECISIONS, elementLayouts, Set.of()));
                caps.add(new Capability(Operation.SCALED_DEQUANTIZE, format.id(), profile.id(), Set.of(SourceFormat.FP32),
                        elementLayouts, Set.of()));
            }
        }
        return caps;
    }

    // ---------------------------------------------------------------------------------------------

    @Override
    public QuantizeResult quantize(QuantizeRequest r) throws TargetException {
        if (r.format().isNvfp4()) {
            return quantizeNvfp4(r);
        }
        MxPlan plan = MxPlan.of(r.format(), r.knobs()).orElseThrow(() -> new TargetException.NotSupported(
                "cpu-vector does not compute " + r.format().id() + " with these knobs (" + r.profile().id() + ")"));
        if (r.tensorScaleMode() == TensorScaleMode.GIVEN) {
            throw new TargetException.Rejected("OUT_OF_RANGE", r.format().id() + " has no per-tensor scale (MX is single level)");
        }
        SourceFormat source = r.source();
        byte[] in = r.input();
        return quantizeRows(r, (first, blocks, codes, scales, firstBlock) ->
                kernels.quantize(plan, source, in, first, blocks, codes, scales, firstBlock), OptionalInt.empty());
    }

    /**
     * NVFP4 (SPEC.md §8.4) on {@link Nvfp4Kernels} when the Vector API backend is in use and {@link Nvfp4Plan}
     * computes the knobs; otherwise the reference. g: the caller's, or amax/2688 over the tensor, or 1.
     */
    private QuantizeResult quantizeNvfp4(QuantizeRequest r) throws TargetException {
        Optional<Nvfp4Plan> maybePlan = nvfp4 == null ? Optional.empty() : Nvfp4Plan.of(r.format(), r.knobs());
        if (maybePlan.isEmpty()) {
            return REFERENCE.quantize(r);
        }
        Nvfp4Plan plan = maybePlan.get();
        OptionalInt g = OptionalInt.empty();
        if (r.tensorScaleMode() == TensorScaleMode.GIVEN) {
            int bits = r.tensorScaleBits();
            if (bits <= 0 || bits >= 0x7F800000) {
                throw new TargetException.Rejected("OUT_OF_RANGE", String.format(Locale.ROOT,
                        "per-tensor scale 0x%08X (%s) must be a positive finite FP32 value", bits, Float.intBitsToFloat(bits)));
            }
            g = OptionalInt.of(bits);
        }
        requireWholeBlocksOrPadding(r);
        boolean computes = r.tensorScaleMode() != TensorScaleMode.GIVEN && r.knobs().tensorScale() != TensorScaleRule.NONE;
        if (computes) {
            int amax = nvfp4.finiteAmax(r.source(), r.input(), r.count());
            int bits = BlockQuantizer.nvfp4TensorScale(amax);
            if (bits == 0) {
                throw new TargetException.Rejected("ZERO_TENSOR_SCALE", String.format(Locale.ROOT,  // FORMAT.md §5
                        "the per-tensor scale amax/2688 is 0 (tensor amax %s): two-level NVFP4 has no scale for this"
                        + " tensor", Float.intBitsToFloat(amax)));
            }
            g = OptionalInt.of(bits);
        }
        float gValue = g.isPresent() ? Float.intBitsToFloat(g.getAsInt()) : 1.0f;
        SourceFormat source = r.source();
        byte[] in = r.input();
        QuantizeResult result = quantizeRows(r, (first, blocks, codes, scales, firstBlock) ->
                nvfp4.quantize(plan, source, in, first, blocks, gValue, codes, scales, firstBlock), g);
        boolean returnsG = computes && r.tensorScaleMode() == TensorScaleMode.COMPUTED;
        return new QuantizeResult(result.scales(), result.elements(), returnsG ? g : OptionalInt.empty());
    }

    /** Whole blocks of one of the kernels: codes and scales into the given arrays, offsets as {@link MxKernels}. */
    @FunctionalInterface
    private interface QuantizeRange {
        void run(int first, int blocks, byte[] codes, byte[] scales, int firstBlock);
    }

    private static void requireWholeBlocksOrPadding(QuantizeRequest r) throws TargetException {
        int k = r.format().blockSize();
        if (r.rowLength() % k != 0 && r.knobs().tail() == TailPolicy.REJECT) {
            throw new TargetException.Rejected("RAGGED_TAIL", String.format(Locale.ROOT,
                    "row length %d is not a multiple of the %s block size %d (tail policy REJECT)", r.rowLength(),
                    r.format().id(), k));
        }
    }

    /**
     * The rows of {@code r}: whole blocks through {@code kernel}, in parallel over blocks (or rows, when a row
     * ends in a partial block, which goes through the reference with the same per-tensor scale g); then the
     * element and scale layouts by the reference's packers.
     */
    private QuantizeResult quantizeRows(QuantizeRequest r, QuantizeRange kernel, OptionalInt g) throws TargetException {
        requireWholeBlocksOrPadding(r);
        int k = r.format().blockSize();
        int rows = r.rows();
        int rowLength = r.rowLength();
        int full = rowLength / k;
        int tail = rowLength % k;
        int blocksPerRow = full + (tail == 0 ? 0 : 1);
        byte[] codes = new byte[r.count()];
        byte[] scales = new byte[rows * blocksPerRow];
        if (tail == 0) {
            parallel.forEach((long) rows * full, MIN_BLOCKS_PER_THREAD, (from, to) ->
                    kernel.run((int) from * k, (int) (to - from), codes, scales, (int) from));
        } else {
            BlockQuantizer tailQuantizer = BlockQuantizer.of(r.format(), r.knobs()).withRowLength(tail);
            if (g.isPresent()) {
                tailQuantizer = tailQuantizer.withTensorScale(g.getAsInt());
            }
            BlockQuantizer lastBlock = tailQuantizer;
            parallel.forEach(rows, Math.max(1, MIN_BLOCKS_PER_THREAD / blocksPerRow), (from, to) -> {
                for (long row = from; row < to; row++) {
                    long first = row * rowLength;
                    kernel.run((int) first, full, codes, scales, (int) row * blocksPerRow);
                    QuantizedBlocks last = quantizeTail(lastBlock, r.source(), r.input(), first + (long) full * k, tail);
                    scales[(int) (row * blocksPerRow + full)] = (byte) last.scaleCode(0);
                    for (int i = 0; i < tail; i++) {
                        codes[(int) (first + (long) full * k + i)] = (byte) last.elementCode(i);
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
        SourceFormat output = r.output();
        if (output == SourceFormat.FP64) {
            throw new TargetException.NotSupported("f64 output");
        }
        if (r.format().isNvfp4()) {
            boolean twoLevel = r.tensorScaleBits().isPresent();
            if (nvfp4 == null || (twoLevel && output != SourceFormat.FP32
                    && !Nvfp4Plan.splitsExactly(Float.intBitsToFloat(r.tensorScaleBits().getAsInt())))) {
                return REFERENCE.dequantize(r); // e·S·g to BF16/FP16, g far from 1: one rounding of a 30-bit product
            }
            int gBits = r.tensorScaleBits().orElse(0x3F800000);
            if (gBits <= 0 || gBits >= 0x7F800000) {
                throw new TargetException.Rejected("OUT_OF_RANGE", String.format(Locale.ROOT,
                        "per-tensor scale 0x%08X (%s) must be a positive finite FP32 value", gBits, Float.intBitsToFloat(gBits)));
            }
            float g = Float.intBitsToFloat(gBits);
            return dequantizeRows(r, (codes, first, blocks, scales, firstBlock, out) ->
                    nvfp4.dequantize(output, codes, first, blocks, scales, firstBlock, twoLevel, g, out));
        }
        MxPlan plan = MxPlan.of(r.format(), r.profile().knobsFor(r.format())).orElseThrow(() -> new TargetException.NotSupported(
                "cpu-vector does not dequantize " + r.format().id() + " under " + r.profile().id()));
        if (r.tensorScaleBits().isPresent()) {
            throw new TargetException.Rejected("OUT_OF_RANGE", r.format().id() + " has no per-tensor scale (MX is single level)");
        }
        return dequantizeRows(r, (codes, first, blocks, scales, firstBlock, out) ->
                kernels.dequantize(plan, output, codes, first, blocks, scales, firstBlock, out));
    }

    /** Whole blocks of one of the kernels, offsets as {@link MxKernels#dequantize}. */
    @FunctionalInterface
    private interface DequantizeRange {
        void run(byte[] codes, int first, int blocks, byte[] scales, int firstBlock, byte[] out);
    }

    /**
     * Unpacks and checks the codes and scales of {@code r}, then dequantizes whole blocks through
     * {@code kernel}, in parallel, and a row's partial last block through the reference.
     */
    private byte[] dequantizeRows(DequantizeRequest r, DequantizeRange kernel) throws TargetException {
        int k = r.format().blockSize();
        int rows = r.rows();
        int rowLength = r.rowLength();
        int full = rowLength / k;
        int tail = rowLength % k;
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
        requireValidScales(r.format().scale(), scales);
        SourceFormat output = r.output();
        byte[] out = new byte[r.count() * output.bytes()];
        if (tail == 0) {
            parallel.forEach((long) rows * full, MIN_BLOCKS_PER_THREAD, (from, to) ->
                    kernel.run(codes, (int) from * k, (int) (to - from), scales, (int) from, out));
        } else {
            parallel.forEach(rows, Math.max(1, MIN_BLOCKS_PER_THREAD / blocksPerRow), (from, to) -> {
                for (long row = from; row < to; row++) {
                    long first = row * rowLength;
                    kernel.run(codes, (int) first, full, scales, (int) row * blocksPerRow, out);
                    int start = (int) (first + (long) full * k);
                    byte[] tailCodes = java.util.Arrays.copyOfRange(codes, start, start + tail);
                    QuantizedBlocks last = new QuantizedBlocks(r.format(), 1, tail,
                            new byte[] {scales[(int) (row * blocksPerRow + full)]}, tailCodes, r.tensorScaleBits());
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

    // ---------------------------------------------------------------------------------------------
    // Scaled formats (SPEC.md §11)

    /**
     * On {@link ScaledKernels} where {@link ScaledPlan} computes the knobs (every profile's); otherwise, and
     * for every input the reference rejects, the reference itself. The tensor is
     * cut into blocks as the reference's tiling does; each block's max |x| and codes are runs of its rows.
     */
    @Override
    public ScaledQuantizeResult scaledQuantize(ScaledQuantizeRequest r) throws TargetException {
        Optional<ScaledPlan> maybePlan = scaled == null || r.source() == SourceFormat.FP64 ? Optional.empty()
                : ScaledPlan.of(r.format(), r.knobs());
        if (maybePlan.isEmpty()) {
            return REFERENCE.scaledQuantize(r);
        }
        ScaledPlan plan = maybePlan.get();
        Tiles tiles = Tiles.of(r.format(), r.knobs(), r.rows(), r.cols());
        if (r.knobs().tail() == ScaledPolicies.Tail.REJECT && !tiles.whole()) {
            return REFERENCE.scaledQuantize(r); // rejects, naming the shape
        }
        byte[] in = r.input();
        int count = r.rows() * r.cols();
        if (r.source() != SourceFormat.FP32) {
            in = new byte[count * 4];
            scaled.widen(r.source(), r.input(), count, in);
        }
        if (plan.half()) { // FP16 arithmetic: the input cast first (an overflow to Inf is the reference's error)
            in = in == r.input() ? in.clone() : in;
            scaled.roundToHalf(in, count);
        }
        byte[] values = in;
        int blocks = tiles.count();
        ScaledPlan.BlockScale[] scales = new ScaledPlan.BlockScale[blocks];
        AtomicBoolean undefined = new AtomicBoolean(); // a non-finite input, scale or zero, or a GGUF cast out of range
        long minBlocks = tiles.minBlocksPerThread();
        parallel.forEach(blocks, minBlocks, (from, to) -> {
            for (int b = (int) from; b < to && !undefined.get(); b++) {
                scales[b] = blockScale(plan, tiles, values, b);
                if (scales[b] == null) {
                    undefined.set(true);
                }
            }
        });
        byte[] codes = new byte[r.rows() * r.cols()];
        if (!undefined.get()) {
            parallel.forEach(blocks, minBlocks, (from, to) -> {
                for (int b = (int) from; b < to && !undefined.get(); b++) {
                    for (int row = tiles.firstRow(b); row < tiles.endRow(b); row++) {
                        if (!scaled.encode(plan, scales[b], values, tiles.first(b, row), tiles.width(b), codes)) {
                            undefined.set(true);
                        }
                    }
                }
            });
        }
        if (undefined.get()) {
            return REFERENCE.scaledQuantize(r); // the reference names the element and rejects the input
        }
        byte[] packed = ReferenceTarget.packElements(r.elementLayout(), r.format().elementFormat(r.knobs().rule()), codes);
        boolean wide = r.knobs().scaleDtype() == Precision.FP32;
        byte[] scaleBytes = new byte[blocks * (wide ? 4 : 2)];
        for (int b = 0; b < blocks; b++) {
            if (wide) {
                LittleEndian.putInt(scaleBytes, 4 * b, scales[b].scaleBits());
            } else {
                LittleEndian.putShort(scaleBytes, 2 * b, (short) scales[b].scaleBits());
            }
        }
        byte[] zeros = switch (r.knobs().zeroPoint()) {
            case INTEGER -> {
                byte[] z = new byte[blocks];
                for (int b = 0; b < blocks; b++) {
                    z[b] = (byte) scales[b].zeroStored();
                }
                yield z;
            }
            case FLOAT, MIN -> {
                byte[] z = new byte[blocks * (wide ? 4 : 2)];
                for (int b = 0; b < blocks; b++) {
                    if (wide) {
                        LittleEndian.putInt(z, 4 * b, scales[b].zeroStored());
                    } else {
                        LittleEndian.putShort(z, 2 * b, (short) scales[b].zeroStored());
                    }
                }
                yield z;
            }
            case NONE, IMPLICIT -> new byte[0];
        };
        return new ScaledQuantizeResult(packed, scaleBytes, zeros);
    }

    /**
     * Block b's statistic and then its scale, or null when an input is not finite or the scale or zero
     * overflows. Min and max follow the reference's order: the first of equal values wins, so that a zero's
     * sign is the first zero's in block order (the padding's +0 after the elements).
     */
    private ScaledPlan.BlockScale blockScale(ScaledPlan plan, Tiles tiles, byte[] values, int b) {
        int width = tiles.width(b);
        boolean padded = width < tiles.blockCols || tiles.endRow(b) - tiles.firstRow(b) < tiles.blockRows;
        switch (plan.statistic()) {
            case AMAX, FIRST_OF_AMAX -> {
                int amax = 0;
                for (int row = tiles.firstRow(b); row < tiles.endRow(b); row++) {
                    amax = Math.max(amax, scaled.amaxBits(values, tiles.first(b, row), width));
                }
                if (amax >= 0x7F800000) {
                    return null;
                }
                if (plan.statistic() == ScaledPlan.Statistic.AMAX) {
                    return plan.scale(Float.intBitsToFloat(amax), 0);
                }
                // GGUF Q4_0 (one-row blocks): the first element of largest |x|; +0 when every one is zero
                float m = amax == 0 ? 0.0f : Float.intBitsToFloat(
                        scaled.firstWithMagnitude(values, tiles.first(b, tiles.firstRow(b)), width, amax));
                return plan.scale(m, 0);
            }
            case MIN_MAX -> {
                int first = tiles.first(b, tiles.firstRow(b)); // one-row blocks (ScaledPlan.of)
                long both = scaled.minMaxBits(values, first, width);
                float min = Float.intBitsToFloat((int) (both >>> 32));
                float max = Float.intBitsToFloat((int) both);
                if (!Float.isFinite(min) || !Float.isFinite(max)) {
                    return null;
                }
                if (padded) {
                    min = min <= 0.0f ? min : 0.0f;
                    max = max >= 0.0f ? max : 0.0f;
                }
                if (min == 0.0f) {
                    min = firstZero(values, first, width);
                }
                if (max == 0.0f) {
                    max = firstZero(values, first, width);
                }
                return plan.scale(min, max);
            }
        }
        throw new IllegalStateException();
    }

    /** The first zero of the run, with its sign; +0 (the padding) when the run has none. */
    private static float firstZero(byte[] values, int first, int count) {
        for (int i = 0; i < count; i++) {
            int x = LittleEndian.getInt(values, 4 * (first + i));
            if ((x & 0x7FFFFFFF) == 0) {
                return Float.intBitsToFloat(x);
            }
        }
        return 0.0f;
    }

    /**
     * On {@link ScaledKernels} for every scaled format and zero point whose dequant arithmetic is FP32 or FP16
     * (every profile's): the codes and scales are read and checked as the reference reads them, then each
     * block's runs are dequantized in vector code. BF16 dequant arithmetic goes to the reference.
     */
    @Override
    public byte[] scaledDequantize(ScaledDequantizeRequest r) throws TargetException {
        ScaledKnobs knobs = r.knobs();
        Precision arithmetic = knobs.dequantArithmetic();
        if (scaled == null || r.output() == SourceFormat.FP64 || arithmetic == Precision.BF16) {
            return REFERENCE.scaledDequantize(r);
        }
        try {
            knobs.requireApplicableTo(r.format());
        } catch (IllegalArgumentException e) {
            return REFERENCE.scaledDequantize(r); // the reference names the knob
        }
        ElementFormat element = r.format().elementFormat(knobs.rule());
        ScaledKernels.ScaledDecoding decoding = switch (element) {
            case INT8 -> ScaledKernels.ScaledDecoding.INT8;
            case INT4 -> ScaledKernels.ScaledDecoding.INT4;
            case UINT4 -> ScaledKernels.ScaledDecoding.UINT4;
            case FP8_E4M3 -> ScaledKernels.ScaledDecoding.FP8_E4M3;
            default -> null;
        };
        if (decoding == null) {
            return REFERENCE.scaledDequantize(r);
        }
        Tiles tiles = Tiles.of(r.format(), knobs, r.rows(), r.cols());
        Precision dtype = knobs.scaleDtype();
        ScaledPolicies.ZeroPoint zeroPoint = knobs.zeroPoint();
        int[] codes;
        int[] scaleWords;
        int[] zeros;
        try {
            int[] unpacked = ElementPacking.unpack(r.elementLayout(), element, r.codes());
            int[] words = ReferenceTarget.scaleWords(r.scales(), dtype);
            int[] zeroWords = switch (zeroPoint) {
                case INTEGER -> ReferenceTarget.unsignedBytes(r.zeros()); // one unsigned byte per block
                case FLOAT, MIN -> ReferenceTarget.scaleWords(r.zeros(), dtype);
                case NONE, IMPLICIT -> new int[0];
            };
            QuantizedTensor t = new QuantizedTensor(r.format(), knobs, r.rows(), r.cols(), tiles.blockRows, tiles.blockCols,
                    unpacked, words, zeroWords); // checks every length and code, as the reference does
            codes = t.codes();
            scaleWords = t.scales();
            zeros = t.zeros();
        } catch (IllegalArgumentException e) {
            throw new TargetException.Rejected("OUT_OF_RANGE", e.getMessage());
        }
        SourceFormat output = r.output();
        boolean half = arithmetic == Precision.FP16;
        boolean adds = zeroPoint == ScaledPolicies.ZeroPoint.MIN;
        byte[] out = new byte[r.rows() * r.cols() * output.bytes()];
        parallel.forEach(tiles.count(), tiles.minBlocksPerThread(), (from, to) -> {
            for (int b = (int) from; b < to; b++) {
                float s = (float) FloatRounding.fromBits(dtype, scaleWords[b]);
                float sub = switch (zeroPoint) {
                    case NONE, MIN -> 0.0f;
                    case IMPLICIT -> 8.0f;
                    case INTEGER -> zeros[b];
                    case FLOAT -> (float) FloatRounding.fromBits(dtype, zeros[b]);
                };
                float add = adds ? (float) FloatRounding.fromBits(dtype, zeros[b]) : 0.0f;
                for (int row = tiles.firstRow(b); row < tiles.endRow(b); row++) {
                    scaled.dequantize(decoding, codes, tiles.first(b, row), tiles.width(b), sub, s, adds, add, half, output, out);
                }
            }
        });
        return out;
    }

    /** The block grid of a scaled-format tensor: block b's rows and its run of columns in each (SPEC.md §11). */
    private record Tiles(int rows, int cols, int blockRows, int blockCols, int scaleCols, int count) {

        static Tiles of(ScaledFormat format, ScaledKnobs knobs, int rows, int cols) {
            int br = format.blockRows(rows);
            int bc = format.blockCols(cols, knobs.groupSize());
            int scaleCols = Math.ceilDiv(cols, bc);
            return new Tiles(rows, cols, br, bc, scaleCols, Math.ceilDiv(rows, br) * scaleCols);
        }

        boolean whole() { return rows % blockRows == 0 && cols % blockCols == 0; }

        int firstRow(int b) { return (b / scaleCols) * blockRows; }

        int endRow(int b) { return Math.min(rows, firstRow(b) + blockRows); }

        int firstCol(int b) { return (b % scaleCols) * blockCols; }

        /** The columns of block b that exist (the last block of a row may pass the edge). */
        int width(int b) { return Math.min(blockCols, cols - firstCol(b)); }

        /** The element index where block b's run in {@code row} starts. */
        int first(int b, int row) { return row * cols + firstCol(b); }

        long minBlocksPerThread() { return Math.max(1, MIN_ELEMENTS_PER_THREAD / ((long) blockRows * blockCols)); }
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

    /** UE4M3 scale codes must be valid (0x00..0x7F); every E8M0 byte is a code. */
    private static void requireValidScales(ElementFormat scale, byte[] scales) throws TargetException {
        if (scale.codeCount() >= 256) {
            return;
        }
        for (int i = 0; i < scales.length; i++) {
            if (!scale.isValidCode(scales[i] & 0xFF)) {
                throw new TargetException.Rejected("OUT_OF_RANGE", String.format(Locale.ROOT,
                        "scale code 0x%02X of block %d is out of range for %s", scales[i] & 0xFF, i, scale.id()));
            }
        }
    }

    @Override
    public void close() {
        parallel.close();
    }
}
