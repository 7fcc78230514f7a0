package org.lowbit.harness.cuda;

import static org.lowbit.harness.cuda.CudaDevice.arg;
import static org.lowbit.harness.cuda.CudaDevice.nullArg;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import org.lowbit.conformance.target.Capability;
import org.lowbit.conformance.target.CapabilityManifest;
import org.lowbit.conformance.target.DecodeRequest;
import org.lowbit.conformance.target.DequantizeRequest;
import org.lowbit.conformance.target.EncodeRequest;
import org.lowbit.conformance.target.Operation;
import org.lowbit.conformance.target.QuantizeRequest;
import org.lowbit.conformance.target.QuantizeResult;
import org.lowbit.conformance.target.ScaledDequantizeRequest;
import org.lowbit.conformance.target.ScaledQuantizeRequest;
import org.lowbit.conformance.target.ScaledQuantizeResult;
import org.lowbit.conformance.target.Target;
import org.lowbit.conformance.target.TargetException;
import org.lowbit.reference.layout.ElementPacking;
import org.lowbit.reference.layout.ScalePacking;
import org.lowbit.spec.BlockFormat;
import org.lowbit.spec.BlockKnobs;
import org.lowbit.spec.BlockPolicies.NonFinitePolicy;
import org.lowbit.spec.BlockPolicies.ScalingArithmetic;
import org.lowbit.spec.BlockPolicies.TailPolicy;
import org.lowbit.spec.BlockPolicies.TensorScaleRule;
import org.lowbit.spec.BlockPolicies.TinyAmaxPolicy;
import org.lowbit.spec.BlockPolicies.ZeroBlockScale;
import org.lowbit.spec.BlockProfile;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.ElementKnobs;
import org.lowbit.spec.ElementLayout;
import org.lowbit.spec.ElementProfile;
import org.lowbit.spec.Overflow;
import org.lowbit.spec.Rounding;
import org.lowbit.spec.ScaleLayout;
import org.lowbit.spec.ScaledFormat;
import org.lowbit.spec.ScaledProfile;
import org.lowbit.spec.SourceFormat;
import org.lowbit.vectors.TensorScaleMode;

/**
 * The {@code cuda} target: lowbit.cu's kernels on one GPU through JCuda. It claims element encode (every
 * format and element profile) and decode, and MX / NVFP4 block quantize and dequantize under every block
 * profile, in every element layout and both scale layouts; and scaled quantize and dequantize (SPEC.md §11)
 * under every scaled profile, from and to f32, bf16 and f16 ({@link CudaScaledOps}).
 *
 * <p>Input checks that need no arithmetic (tails, shapes, code validity, pad bits) run on the host, and
 * give the same rejection codes as the reference target.
 */
public final class CudaTarget implements Target {

    static final Set<SourceFormat> PRECISIONS = EnumSet.of(SourceFormat.FP32, SourceFormat.BF16, SourceFormat.FP16);

    private final CudaDevice device;

    public CudaTarget(CudaDevice device) {
        this.device = device;
    }

    public CudaDevice device() { return device; }

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public CapabilityManifest manifest() {
        return new CapabilityManifest(name(), "0.1.0", "lowbit.cu on " + device.name() + " (" + device.arch() + "), JCuda driver API",
                capabilities());
    }

    /** What the kernels do. */
    public static List<Capability> capabilities() {
        List<Capability> caps = new ArrayList<>();
        for (ElementFormat format : ElementFormat.values()) {
            caps.add(new Capability(Operation.DECODE, format.id(), Capability.NO_PROFILE, Set.of(), Set.of(), Set.of()));
            for (ElementProfile profile : ElementProfile.values()) {
                caps.add(new Capability(Operation.ENCODE, format.id(), profile.id(), PRECISIONS, Set.of(), Set.of()));
            }
        }
        Set<String> scaleLayouts = Set.of(ScaleLayout.ROW_MAJOR.id(), ScaleLayout.SWIZZLE_128X4.id());
        for (BlockProfile profile : BlockProfile.values()) {
            for (BlockFormat format : BlockFormat.values()) {
                if (!profile.supports(format)) {
                    continue;
                }
                Set<String> layouts = new java.util.TreeSet<>();
                for (ElementLayout l : ElementLayout.values()) {
                    if (l.supports(format.element())) {
                        layouts.add(l.id());
                    }
                }
                caps.add(new Capability(Operation.QUANTIZE, format.id(), profile.id(), PRECISIONS, layouts, scaleLayouts));
                caps.add(new Capability(Operation.DEQUANTIZE, format.id(), profile.id(), PRECISIONS, layouts, scaleLayouts));
            }
        }
        // Scaled formats (scaled.cuh): every profile's formats, from and to f32, bf16 and f16; 4-bit codes
        // also in the nibble layouts.
        for (ScaledProfile profile : ScaledProfile.values()) {
            for (ScaledFormat format : ScaledFormat.values()) {
                if (!profile.defines(format)) {
                    continue;
                }
                Set<String> layouts = new java.util.TreeSet<>(Set.of(ElementLayout.UNPACKED.id()));
                if (format.elementFormat(profile.knobsFor(format).rule()).bits() == 4) {
                    layouts.add(ElementLayout.NIBBLE_LOW_FIRST.id());
                    layouts.add(ElementLayout.NIBBLE_HIGH_FIRST.id());
                }
                caps.add(new Capability(Operation.SCALED_QUANTIZE, format.id(), profile.id(), PRECISIONS, layouts, Set.of()));
                caps.add(new Capability(Operation.SCALED_DEQUANTIZE, format.id(), profile.id(), PRECISIONS, layouts, Set.of()));
            }
        }
        return caps;
    }

    // ---------------------------------------------------------------------------------------------
    // Elements

    @Override
    public byte[] encode(EncodeRequest r) throws TargetException {
        int n = r.count();
        boolean sr = r.knobs().rounding() == Rounding.SR;
        if (sr && r.randomBits().length == 0) {
            throw new TargetException.Rejected("OUT_OF_RANGE", "rounding SR needs 32 random bits per element");
        }
        int[] elem = KernelParams.element(r.format(), r.knobs(), sr ? KernelParams.FAST_NONE : KernelParams.everyInputFast(r.format(), r.knobs()));
        CUdeviceptr in = device.upload(r.input());
        CUdeviceptr random = sr ? device.upload(r.randomBits()) : null;
        CUdeviceptr out = device.alloc(n);
        try {
            String kernel = "lowbit_encode_" + r.source().id();
            device.launch(kernel, n, arg(in), arg(out), random == null ? nullArg() : arg(random), arg((long) n), Pointer.to(elem));
            return device.download(out, n);
        } finally {
            device.free(in);
            device.free(random);
            device.free(out);
        }
    }

    @Override
    public byte[] decode(DecodeRequest r) throws TargetException {
        byte[] codes = r.codes();
        for (int i = 0; i < codes.length; i++) {
            if (!r.format().isValidCode(codes[i] & 0xFF)) {
                throw new TargetException.Rejected("OUT_OF_RANGE", String.format(Locale.ROOT,
                        "byte %d: 0x%02X is not a %s code", i, codes[i] & 0xFF, r.format().id()));
            }
        }
        CUdeviceptr in = device.upload(codes);
        CUdeviceptr out = device.alloc(4L * codes.length);
        try {
            device.launch("lowbit_decode", codes.length, arg(in), arg(out), arg((long) codes.length),
                    Pointer.to(KernelParams.decoder(r.format())));
            return device.download(out, 4L * codes.length);
        } finally {
            device.free(in);
            device.free(out);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Blocks

    /** Layout ids of lowbit.cu. */
    static int layoutId(ElementLayout l) {
        return switch (l) {
            case UNPACKED -> 0;
            case NIBBLE_LOW_FIRST -> 1;
            case NIBBLE_HIGH_FIRST -> 2;
            case FP6_4IN3 -> 3;
            case F8F6F4_CONTAINER -> 4;
        };
    }

    static long packedBytes(ElementLayout l, long count) {
        return switch (l) {
            case UNPACKED, F8F6F4_CONTAINER -> count;
            case NIBBLE_LOW_FIRST, NIBBLE_HIGH_FIRST -> count / 2;
            case FP6_4IN3 -> count / 4 * 3;
        };
    }

    static long scaleBytes(ScaleLayout l, int rows, int blocksPerRow) {
        return l == ScaleLayout.ROW_MAJOR ? (long) rows * blocksPerRow
                                          : (long) Math.ceilDiv(rows, 128) * 128 * Math.ceilDiv(blocksPerRow, 4) * 4;
    }

    private static void requireWholeContainers(ElementLayout l, long count) throws TargetException {
        if (count % l.codesPerContainer() != 0) {
            throw new TargetException.Rejected("OUT_OF_RANGE", String.format(Locale.ROOT,
                    "%d codes do not fill whole %s containers of %d codes", count, l.id(), l.codesPerContainer()));
        }
    }

    private static void requireTail(QuantizeRequest r) throws TargetException {
        int k = r.format().blockSize();
        if (r.rowLength() % k != 0 && r.knobs().tail() == TailPolicy.REJECT) {
            throw new TargetException.Rejected("RAGGED_TAIL", String.format(Locale.ROOT,
                    "row length %d is not a multiple of the %s block size %d (tail policy REJECT)", r.rowLength(),
                    r.format().id(), k));
        }
    }

    /** NVFP4's kernel does RNE/SATFINITE E2M1 elements and whole-block NaN, as both NVFP4 profiles. */
    private static void requireNvfp4Knobs(BlockKnobs k, BlockFormat f) throws TargetException {
        ElementKnobs e = k.elementKnobs(f);
        if (e.rounding() != Rounding.RNE || e.overflow() != Overflow.SATFINITE || k.nonFinite() != NonFinitePolicy.WHOLE_BLOCK_NAN) {
            throw new TargetException.NotSupported("cuda nvfp4 kernel: element rounding RNE, SATFINITE and WHOLE_BLOCK_NAN only");
        }
    }

    @Override
    public QuantizeResult quantize(QuantizeRequest r) throws TargetException {
        requireTail(r);
        long count = (long) r.rows() * r.rowLength();
        requireWholeContainers(r.elementLayout(), count);
        BlockFormat f = r.format();
        int blocksPerRow = Math.ceilDiv(r.rowLength(), f.blockSize());
        long scaleBytes = scaleBytes(r.scaleLayout(), r.rows(), blocksPerRow);
        long elementBytes = packedBytes(r.elementLayout(), count);
        CUdeviceptr in = device.upload(r.input());
        CUdeviceptr scales = device.alloc(scaleBytes);
        CUdeviceptr codes = device.alloc(elementBytes);
        CUdeviceptr scratch = null;
        CUdeviceptr amax = null;
        try {
            device.memset(scales, 0, scaleBytes);   // swizzle pad bytes are 0x00 (§9.4)
            OptionalInt g = OptionalInt.empty();
            if (f.isMx()) {
                boolean direct = r.elementLayout() == ElementLayout.UNPACKED || r.elementLayout() == ElementLayout.F8F6F4_CONTAINER;
                if (!direct) {
                    scratch = device.alloc(count);
                }
                BlockKnobs k = r.knobs();
                ElementKnobs ek = k.elementKnobs(f);
                int[] mx = mxParams(f, k, r.rows(), r.rowLength(), blocksPerRow, r.scaleLayout(),
                        direct ? layoutId(r.elementLayout()) : 0);
                int[] elem = KernelParams.element(f.element(), ek, KernelParams.finiteFast(f.element(), ek));
                Optional<FastKernels.Launch> fast = direct
                        ? FastKernels.mxQuantize(f, k, r.source(), r.elementLayout(), elem[elem.length - 1], r.rows(), r.rowLength())
                        : Optional.empty();
                if (fast.isPresent()) {
                    fast.get().launch(device, arg(in), arg(codes), arg(scales), Pointer.to(mx), Pointer.to(elem));
                } else if (r.rowLength() % 32 == 0 && k.nonFinite() == NonFinitePolicy.WHOLE_BLOCK_NAN) {
                    device.launch("lowbit_mx_quantize_wide_" + r.source().id(), count / (r.source() == SourceFormat.FP32 ? 4 : 8),
                            arg(in), arg(direct ? codes : scratch), arg(scales), Pointer.to(mx), Pointer.to(elem));
                } else {
                    device.launch("lowbit_mx_quantize_" + r.source().id(), (long) r.rows() * blocksPerRow, arg(in),
                            arg(direct ? codes : scratch), arg(scales), nullArg(), Pointer.to(mx), Pointer.to(elem));
                }
                if (!direct) {
                    pack(scratch, codes, count, r.elementLayout(), f.element());
                }
            } else {
                requireNvfp4Knobs(r.knobs(), f);
                int gBits = 0x3F800000;
                if (r.tensorScaleMode() == TensorScaleMode.GIVEN) {
                    gBits = requireTensorScale(r.tensorScaleBits());
                } else if (r.knobs().tensorScale() == TensorScaleRule.AMAX_OVER_2688) {
                    amax = device.alloc(4);
                    device.memset(amax, 0, 4);
                    device.launch("lowbit_amax_" + r.source().id(), count, arg(in), arg(count), arg(amax));
                    int amaxBits = org.lowbit.reference.layout.LittleEndian.getInt(device.download(amax, 4), 0);
                    float gValue = Float.intBitsToFloat(amaxBits) / 2688.0f;   // fl(amax / 2688), §8.4 step 5
                    if (gValue == 0.0f) {
                        throw new TargetException.Rejected("ZERO_TENSOR_SCALE", "the per-tensor scale amax/2688 is 0 (tensor amax "
                                + Float.intBitsToFloat(amaxBits) + ")");
                    }
                    gBits = Float.floatToRawIntBits(gValue);
                    if (r.tensorScaleMode() == TensorScaleMode.COMPUTED) {
                        g = OptionalInt.of(gBits);
                    }
                }
                boolean direct = r.elementLayout() == ElementLayout.UNPACKED || r.elementLayout() == ElementLayout.F8F6F4_CONTAINER
                                 || r.rowLength() % 2 == 0;
                if (!direct) {
                    scratch = device.alloc(count);
                }
                int[] nv = nvParams(r.knobs(), r.rows(), r.rowLength(), blocksPerRow, r.scaleLayout(),
                        direct ? layoutId(r.elementLayout()) : 0, gBits);
                boolean nibbles = r.elementLayout() == ElementLayout.NIBBLE_LOW_FIRST || r.elementLayout() == ElementLayout.NIBBLE_HIGH_FIRST;
                Optional<FastKernels.Launch> fast = FastKernels.nvQuantize(r.knobs(), r.source(), r.elementLayout(), r.rows(),
                        r.rowLength(), gBits);
                if (fast.isPresent()) {
                    fast.get().launch(device, arg(in), arg(codes), arg(scales), Pointer.to(nv));
                } else if (nibbles && r.rowLength() % 16 == 0) {
                    device.launch("lowbit_nv_quantize_wide_" + r.source().id(), count / (r.source() == SourceFormat.FP32 ? 4 : 8),
                            arg(in), arg(codes), arg(scales), Pointer.to(nv));
                } else {
                    device.launch("lowbit_nv_quantize_" + r.source().id(), (long) r.rows() * blocksPerRow, arg(in),
                            arg(direct ? codes : scratch), arg(scales), nullArg(), Pointer.to(nv));
                }
                if (!direct) {
                    pack(scratch, codes, count, r.elementLayout(), f.element());
                }
            }
            return new QuantizeResult(device.download(scales, scaleBytes), device.download(codes, elementBytes), g);
        } finally {
            device.free(in);
            device.free(scales);
            device.free(codes);
            device.free(scratch);
            device.free(amax);
        }
    }

    private static int requireTensorScale(int bits) throws TargetException {
        if (bits <= 0 || bits >= 0x7F800000) {
            throw new TargetException.Rejected("OUT_OF_RANGE", String.format(Locale.ROOT,
                    "the per-tensor scale 0x%08X is not a positive finite FP32 value", bits));
        }
        return bits;
    }

    static int[] mxParams(BlockFormat f, BlockKnobs k, int rows, int rowLength, int blocksPerRow, ScaleLayout scaleLayout,
                          int elementLayout) {
        ElementFormat e = f.element();
        int evenMbits = e.isInteger() ? e.fractionBits() : e.mantissaBits();
        return new int[] {k.scaleRule().ordinal(), f.emax(), evenMbits,
                k.nonFinite() == NonFinitePolicy.WHOLE_BLOCK_NAN ? 1 : 0, k.zeroBlock() == ZeroBlockScale.ONE ? 1 : 0,
                k.tinyAmax() == TinyAmaxPolicy.FLUSH_SUBNORMAL_AMAX ? 1 : 0, Float.floatToRawIntBits((float) e.maxFinite()),
                rows, rowLength, blocksPerRow, scaleLayout == ScaleLayout.ROW_MAJOR ? 0 : 1, elementLayout,
                e == ElementFormat.FP4_E2M1 ? 1 : 0};
    }

    static int[] nvParams(BlockKnobs k, int rows, int rowLength, int blocksPerRow, ScaleLayout scaleLayout, int elementLayout,
                          int gBits) {
        return new int[] {rows, rowLength, blocksPerRow, scaleLayout == ScaleLayout.ROW_MAJOR ? 0 : 1, elementLayout,
                k.scaling() == ScalingArithmetic.DIVIDE ? 1 : 0, k.zeroBlock() == ZeroBlockScale.ONE ? 1 : 0,
                k.scaleClamp().lowerExponent(), k.tinyAmax() == TinyAmaxPolicy.FLUSH_SUBNORMAL_AMAX ? 1 : 0, gBits, 0};
    }

    private void pack(CUdeviceptr unpacked, CUdeviceptr packed, long count, ElementLayout layout, ElementFormat e) {
        device.launch("lowbit_pack", count, arg(unpacked), arg(packed), arg(count), arg(layoutId(layout)),
                arg(e == ElementFormat.FP4_E2M1 ? 1 : 0));
    }

    @Override
    public byte[] dequantize(DequantizeRequest r) throws TargetException {
        BlockFormat f = r.format();
        int blocksPerRow = Math.ceilDiv(r.rowLength(), f.blockSize());
        long count = r.count();
        try {
            // Host checks only: shapes, code ranges and pad bits (the reference's STRICT unpacking, §9.0).
            ScalePacking.unpack(r.scaleLayout(), r.scales(), r.rows(), blocksPerRow);
            int[] codes = ElementPacking.unpack(r.elementLayout(), f.element(), r.elements());
            if (codes.length != count) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "%d element codes in %d bytes of %s for %d elements",
                        codes.length, r.elements().length, r.elementLayout().id(), count));
            }
            for (byte s : scaleBytesOf(r)) {
                if (!f.scale().isValidCode(s & 0xFF)) {
                    throw new IllegalArgumentException(String.format(Locale.ROOT, "0x%02X is not a %s scale code", s & 0xFF, f.scale().id()));
                }
            }
            if (r.tensorScaleBits().isPresent()) {
                requireTensorScale(r.tensorScaleBits().getAsInt());
            }
        } catch (IllegalArgumentException e) {
            throw new TargetException.Rejected("OUT_OF_RANGE", e.getMessage());
        }
        int outBytes = r.output().bytes();
        CUdeviceptr elements = device.upload(r.elements());
        CUdeviceptr scales = device.upload(r.scales());
        CUdeviceptr out = device.alloc(count * outBytes);
        CUdeviceptr scratch = null;
        CUdeviceptr bad = null;
        try {
            ElementLayout layout = r.elementLayout();
            boolean direct = layout == ElementLayout.UNPACKED || layout == ElementLayout.F8F6F4_CONTAINER
                             || (f.isNvfp4() && r.rowLength() % 2 == 0);
            CUdeviceptr codes = elements;
            if (!direct) {
                scratch = device.alloc(count);
                bad = device.upload(new byte[] {-1, -1, -1, -1, -1, -1, -1, -1});
                device.launch("lowbit_unpack", count, arg(elements), arg(scratch), arg(count), arg(layoutId(layout)),
                        arg(f.element() == ElementFormat.FP4_E2M1 ? 1 : 0), arg(0), arg(bad));
                codes = scratch;
                layout = ElementLayout.UNPACKED;
            }
            String kernel = (f.isMx() ? "lowbit_mx_dequantize_" : "lowbit_nv_dequantize_") + r.output().id();
            int[] params;
            int scaleLayout = r.scaleLayout() == ScaleLayout.ROW_MAJOR ? 0 : 1;
            if (f.isMx()) {
                params = KernelParams.concat(new int[] {r.rows(), r.rowLength(), blocksPerRow, scaleLayout, 0,
                        layout == ElementLayout.F8F6F4_CONTAINER && f.element() == ElementFormat.FP4_E2M1 ? 1 : 0},
                        KernelParams.output(r.output()), KernelParams.decoder(f.element()));
            } else {
                params = KernelParams.concat(new int[] {r.rows(), r.rowLength(), blocksPerRow, scaleLayout, layoutId(layout), 0,
                        r.tensorScaleBits().orElse(0x3F800000)}, KernelParams.output(r.output()));
            }
            boolean nibbles = layout == ElementLayout.NIBBLE_LOW_FIRST || layout == ElementLayout.NIBBLE_HIGH_FIRST;
            Optional<FastKernels.Launch> fast = f.isMx()
                    ? FastKernels.mxDequantize(f, r.output(), layout, r.rows(), r.rowLength())
                    : FastKernels.nvDequantize(r.output(), layout, r.rows(), r.rowLength(), r.tensorScaleBits().orElse(0x3F800000));
            if (fast.isPresent()) {
                fast.get().launch(device, arg(codes), arg(scales), arg(out), Pointer.to(params));
            } else if (f.isMx() ? r.rowLength() % 32 == 0 : r.rowLength() % 16 == 0 && nibbles) {
                kernel = kernel.replace("_dequantize_", "_dequantize_wide_");  // coalesced: 8 elements a thread
                device.launch(kernel, count / 8, arg(codes), arg(scales), arg(out), Pointer.to(params));
            } else {
                device.launch(kernel, (long) r.rows() * blocksPerRow, arg(codes), arg(scales), arg(out), Pointer.to(params));
            }
            return device.download(out, count * outBytes);
        } finally {
            device.free(elements);
            device.free(scales);
            device.free(out);
            device.free(scratch);
            device.free(bad);
        }
    }

    private static byte[] scaleBytesOf(DequantizeRequest r) {
        int blocksPerRow = Math.ceilDiv(r.rowLength(), r.format().blockSize());
        return ScalePacking.unpack(r.scaleLayout(), r.scales(), r.rows(), blocksPerRow);
    }

    // ---------------------------------------------------------------------------------------------
    // Scaled formats (SPEC.md §11): CudaScaledOps

    @Override
    public ScaledQuantizeResult scaledQuantize(ScaledQuantizeRequest r) throws TargetException {
        return new CudaScaledOps(device).quantize(r);
    }

    @Override
    public byte[] scaledDequantize(ScaledDequantizeRequest r) throws TargetException {
        return new CudaScaledOps(device).dequantize(r);
    }

    @Override
    public void close() {
        device.close();
    }
}
