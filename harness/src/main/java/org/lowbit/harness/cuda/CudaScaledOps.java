package org.lowbit.harness.cuda;

import static org.lowbit.harness.cuda.CudaDevice.arg;

import java.util.Locale;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import org.lowbit.conformance.target.ReferenceTarget;
import org.lowbit.conformance.target.ScaledDequantizeRequest;
import org.lowbit.conformance.target.ScaledQuantizeRequest;
import org.lowbit.conformance.target.ScaledQuantizeResult;
import org.lowbit.conformance.target.TargetException;
import org.lowbit.reference.layout.ElementPacking;
import org.lowbit.reference.layout.LittleEndian;
import org.lowbit.reference.scaled.FloatRounding;
import org.lowbit.reference.scaled.QuantizedTensor;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.ElementKnobs;
import org.lowbit.spec.ElementLayout;
import org.lowbit.spec.ElementProfile;
import org.lowbit.spec.ScaledFormat;
import org.lowbit.spec.ScaledKnobs;
import org.lowbit.spec.ScaledPolicies.FloatZero;
import org.lowbit.spec.ScaledPolicies.Precision;
import org.lowbit.spec.ScaledPolicies.QuantizerRule;
import org.lowbit.spec.ScaledPolicies.ScaleRounding;
import org.lowbit.spec.ScaledPolicies.Tail;
import org.lowbit.spec.ScaledPolicies.ZeroPoint;
import org.lowbit.spec.ScaledPolicies.ZeroScale;
import org.lowbit.spec.SourceFormat;
import org.lowbit.spec.SpecialPolicies.IntegerRange;

/**
 * Scaled quantize and dequantize (SPEC.md §11) with scaled.cuh's kernels: the parameter structs, the
 * launches, and the host checks that need no arithmetic (knobs, tails, lengths, codes), worded as the
 * reference's. Codes come back from the kernel one per byte; the nibble layouts are packed on the GPU
 * ({@code lowbit_pack}) and unpacked on the host for dequantize (with the reference's STRICT checks).
 */
final class CudaScaledOps {

    /** lowbit.cu's layout ids for the nibble layouts (CudaTarget.layoutId). */
    private static final int NIBBLE_LOW = 1, NIBBLE_HIGH = 2;
    /** scaled.cuh {@code ScaledError}: the kinds of rejection a kernel reports as (kind << 40) | index. */
    private static final int BAD_INPUT = 1, BAD_SCALE = 2, BAD_ZERO = 3, BAD_CAST = 4;
    private static final long NO_ERROR = -1L;

    /**
     * A planted bug for checking the checks ({@code -Dlowbit.cuda.plant=scaled-rna}): integer codes round
     * ties away from zero where the profile says RNE. CudaScaledCheck and the suite must then fail.
     */
    static final boolean PLANT_RNA = "scaled-rna".equals(System.getProperty("lowbit.cuda.plant"));

    private final CudaDevice device;

    CudaScaledOps(CudaDevice device) {
        this.device = device;
    }

    // ---------------------------------------------------------------------------------------------
    // Quantize

    /** What a quantize launches, worked out (with the host checks) from a request. */
    private record Plan(ScaledKnobs knobs, long count, int rows, int blocks, int scaleCols, boolean perTensor, int layout,
                        int[] params, int[] fp8) {}

    private static Plan plan(ScaledQuantizeRequest r) throws TargetException {
        ScaledFormat f = r.format();
        ScaledKnobs k = r.knobs();
        if (r.source() == SourceFormat.FP64) {
            throw new TargetException.NotSupported("cuda scaled quantize: f64 input is the exact oracle's only");
        }
        try {
            k.requireApplicableTo(f);
        } catch (IllegalArgumentException e) {
            throw new TargetException.Rejected("OUT_OF_RANGE", e.getMessage());
        }
        int rows = r.rows(), cols = r.cols();
        int br = f.blockRows(rows), bc = f.blockCols(cols, k.groupSize());
        requireTail(f, k, rows, cols, br, bc);
        int layout = layoutId(r.elementLayout(), f.elementFormat(k.rule()));
        int scaleCols = Math.ceilDiv(cols, bc);
        int blocks = Math.ceilDiv(rows, br) * scaleCols;
        boolean perTensor = f == ScaledFormat.INT8_PER_TENSOR;
        ElementKnobs fp8Knobs = ElementProfile.OCP.knobsFor(ElementFormat.FP8_E4M3).withOverflow(k.fp8Overflow());
        return new Plan(k, (long) rows * cols, rows, blocks, scaleCols, perTensor, layout,
                quantizeParams(f, k, rows, cols, br, bc, scaleCols, blocks, perTensor),
                KernelParams.element(ElementFormat.FP8_E4M3, fp8Knobs, KernelParams.FAST_NONE));
    }

    /** The amax pass (per tensor) and the quantize kernel, queued on the default stream. */
    private void launch(Plan p, String source, CUdeviceptr in, CUdeviceptr codes, CUdeviceptr scales, CUdeviceptr zeros,
                        CUdeviceptr amax, CUdeviceptr error) {
        if (p.perTensor()) {
            device.launchAsync("lowbit_scaled_amax_" + source, p.count(), arg(in), arg(p.count()),
                    arg(p.knobs().arithmetic().ordinal()), arg(amax), arg(error));
        }
        device.launchAsync("lowbit_scaled_quantize_" + source, 32L * (p.perTensor() ? p.rows() : p.blocks()), arg(in),
                arg(codes), arg(scales), arg(zeros), arg(amax), arg(error), Pointer.to(p.params()), Pointer.to(p.fp8()));
    }

    /**
     * Milliseconds of the quantize kernels alone (CUDA events, median of {@code reps} after a warm-up), the
     * input on the device already; codes unpacked. For CudaScaledCheck's bench.
     */
    float kernelMillis(ScaledQuantizeRequest r, int reps) throws TargetException {
        Plan p = plan(r);
        CUdeviceptr in = device.upload(r.input());
        CUdeviceptr codes = device.alloc(p.count());
        CUdeviceptr scales = device.alloc(4L * p.blocks());
        CUdeviceptr zeros = device.alloc(4L * p.blocks());
        CUdeviceptr error = device.alloc(8);
        CUdeviceptr amax = device.alloc(4);
        try {
            float[] ms = new float[reps];
            jcuda.driver.CUevent start = device.event(), end = device.event();
            for (int i = -1; i < reps; i++) {
                device.memset(amax, 0, 4);
                device.record(start);
                launch(p, r.source().id(), in, codes, scales, zeros, amax, error);
                device.record(end);
                float t = device.elapsed(start, end);
                if (i >= 0) {
                    ms[i] = t;
                }
            }
            java.util.Arrays.sort(ms);
            return ms[reps / 2];
        } finally {
            device.free(in);
            device.free(codes);
            device.free(scales);
            device.free(zeros);
            device.free(error);
            device.free(amax);
        }
    }

    ScaledQuantizeResult quantize(ScaledQuantizeRequest r) throws TargetException {
        Plan plan = plan(r);
        ScaledFormat f = r.format();
        ScaledKnobs k = r.knobs();
        long count = plan.count();
        int blocks = plan.blocks();
        int layout = plan.layout();

        CUdeviceptr in = device.upload(r.input());
        CUdeviceptr codes = device.alloc(count);
        CUdeviceptr scales = device.alloc(4L * blocks);
        CUdeviceptr zeros = device.alloc(4L * blocks);
        CUdeviceptr error = device.alloc(8);
        CUdeviceptr amax = device.alloc(4);
        CUdeviceptr packed = null;
        try {
            device.memset(error, 0xFF, 8);
            device.memset(amax, 0, 4);
            launch(plan, r.source().id(), in, codes, scales, zeros, amax, error);
            device.synchronize("kernel lowbit_scaled_quantize_" + r.source().id());
            byte[] word = device.download(error, 8);
            long bad = (long) LittleEndian.getInt(word, 4) << 32 | (LittleEndian.getInt(word, 0) & 0xFFFFFFFFL);
            if (bad != NO_ERROR) {
                throw rejection(bad, r, f, k, plan.scaleCols());
            }
            byte[] codeBytes;
            if (layout == 0) {
                codeBytes = device.download(codes, count);
            } else {
                packed = device.alloc(count / 2);
                device.launch("lowbit_pack", count, arg(codes), arg(packed), arg(count), arg(layout), arg(0));
                codeBytes = device.download(packed, count / 2);
            }
            int[] scaleWords = LittleEndian.toInts(device.download(scales, 4L * blocks));
            byte[] zeroBytes = switch (k.zeroPoint()) {
                case NONE, IMPLICIT -> new byte[0];
                case INTEGER -> {
                    int[] z = LittleEndian.toInts(device.download(zeros, 4L * blocks));
                    byte[] b = new byte[blocks];
                    for (int i = 0; i < blocks; i++) {
                        b[i] = (byte) z[i];
                    }
                    yield b;
                }
                case FLOAT, MIN -> ReferenceTarget.scaleBytes(LittleEndian.toInts(device.download(zeros, 4L * blocks)),
                        k.scaleDtype());
            };
            return new ScaledQuantizeResult(codeBytes, ReferenceTarget.scaleBytes(scaleWords, k.scaleDtype()), zeroBytes);
        } finally {
            device.free(in);
            device.free(codes);
            device.free(scales);
            device.free(zeros);
            device.free(error);
            device.free(amax);
            device.free(packed);
        }
    }

    /** The {@code Scaled} struct of scaled.cuh, field by field. */
    static int[] quantizeParams(ScaledFormat f, ScaledKnobs k, int rows, int cols, int br, int bc, int scaleCols,
                                int blocks, boolean perTensor) {
        Precision p = k.arithmetic();
        QuantizerRule rule = k.rule();
        boolean absmax = rule == QuantizerRule.ABSMAX || rule == QuantizerRule.ABSMAX_HALF_STEP;
        ScaledFormat.Family family = f.family();
        // BlockRules.divisor: qmax, or (qmax − qmin)/2 for ABSMAX_HALF_STEP; the uint4 rules divide by 15.
        double divisor = !absmax ? 15 : rule == QuantizerRule.ABSMAX_HALF_STEP
                                        ? (family.qmax() - family.qmin()) / 2.0 : family.qmax();
        ElementFormat element = f.elementFormat(rule);
        int lo = k.range() == IntegerRange.FULL ? family.qmin() : -family.qmax();
        boolean fp8 = family == ScaledFormat.Family.FP8_E4M3;
        ElementKnobs fp8Knobs = ElementProfile.OCP.knobsFor(ElementFormat.FP8_E4M3).withOverflow(k.fp8Overflow());
        int rounding = k.rounding().ordinal();
        if (PLANT_RNA && rounding == 0) {
            rounding = 1;
        }
        return new int[] {rows, cols, br, bc, scaleCols, blocks,
                rule.ordinal(), k.application().ordinal(), k.scalarDivision().ordinal(), rounding,
                p.ordinal(), k.scaleDtype().ordinal(),
                lo, family.qmax(), (1 << element.bits()) - 1,
                fp8 ? 1 : 0, fp8 && KernelParams.finiteFast(ElementFormat.FP8_E4M3, fp8Knobs) != KernelParams.FAST_NONE ? 1 : 0,
                k.scaleRounding() == ScaleRounding.UE8M0_CEIL ? 1 : 0, k.floatZero() == FloatZero.ROUNDED ? 1 : 0,
                perTensor ? 1 : 0,
                floatBits(divisor), floatBits((float) (1.0 / divisor)),                     // Arithmetic.divByConstant
                k.amaxFloor() > 0 ? floatBits(FloatRounding.round(p, (float) k.amaxFloor())) : 0, // BlockRules.floorIn
                k.zeroScale() == ZeroScale.EPSILON ? floatBits(FloatRounding.round(p, k.scaleDtype().epsilon())) : 0,
                floatBits(FloatRounding.round(p, (float) 1e-4))};                              // HQQ's small range
    }

    private static int floatBits(double exactFloat) {
        return Float.floatToRawIntBits((float) exactFloat);
    }

    /** The reference's tail check (ScaledCodec.Tiling.of), with its words and the RAGGED_TAIL code. */
    private static void requireTail(ScaledFormat f, ScaledKnobs k, int rows, int cols, int br, int bc)
            throws TargetException {
        if (k.tail() == Tail.REJECT && (rows % br != 0 || cols % bc != 0)) {
            String which = cols % bc != 0 ? String.format(Locale.ROOT, "cols %d is not a multiple of %d", cols, bc)
                                          : String.format(Locale.ROOT, "rows %d is not a multiple of %d", rows, br);
            throw new TargetException.Rejected("RAGGED_TAIL", String.format(Locale.ROOT,
                    "%s: a %d×%d tensor is not a whole number of %d×%d blocks (%s); tail REJECT."
                    + " Pad the tensor, or use tail PAD_WITH_ZEROS", f.id(), rows, cols, br, bc, which));
        }
    }

    /** 0 for unpacked codes, else the nibble layout's id; a count that fills no whole bytes is rejected. */
    private static int layoutId(ElementLayout layout, ElementFormat element) throws TargetException {
        if (layout == ElementLayout.UNPACKED) {
            return 0;
        }
        if (element.bits() != 4 || (layout != ElementLayout.NIBBLE_LOW_FIRST && layout != ElementLayout.NIBBLE_HIGH_FIRST)) {
            throw new TargetException.NotSupported("cuda scaled formats: " + element.id() + " codes are stored unpacked"
                                                   + (element.bits() == 4 ? " or in a nibble layout" : "") + ", not " + layout.id());
        }
        return layout == ElementLayout.NIBBLE_LOW_FIRST ? NIBBLE_LOW : NIBBLE_HIGH;
    }

    private static TargetException.Rejected rejection(long bad, ScaledQuantizeRequest r, ScaledFormat f, ScaledKnobs k,
                                                      int scaleCols) {
        int kind = (int) (bad >>> 40);
        long index = bad & ((1L << 40) - 1);
        int cols = r.cols();
        String message = switch (kind) {
            case BAD_INPUT, BAD_CAST -> {
                int bits = r.source() == SourceFormat.FP32 ? LittleEndian.getInt(r.input(), (int) (4 * index))
                                                           : LittleEndian.getShort(r.input(), (int) (2 * index)) & 0xFFFF;
                float value = Float.intBitsToFloat(switch (r.source()) {
                    case BF16 -> bits << 16;
                    case FP16 -> Float.floatToRawIntBits(Float.float16ToFloat((short) bits));
                    default -> bits;
                });
                String where = String.format(Locale.ROOT, "input element %d (row %d, col %d)", index, index / cols, index % cols);
                if (kind == BAD_CAST) {
                    yield String.format(Locale.ROOT, "GGUF: %s = %s scales to a value outside what ggml's (int8_t) cast"
                                                     + " and uint8_t code can hold (the block's range overflows float)", where, value);
                }
                yield Float.isFinite(value)
                      ? String.format(Locale.ROOT, "%s = %s overflows %s arithmetic", where, value, k.arithmetic())
                      : String.format(Locale.ROOT, "%s is %s (bits 0x%X): scaled quantization is defined for finite inputs only",
                              where, value, bits);
            }
            case BAD_SCALE, BAD_ZERO -> String.format(Locale.ROOT, "block %d (block row %d, block col %d) of %s: %s",
                    index, index / scaleCols, index % scaleCols, f.id(), kind == BAD_SCALE || k.rule() == QuantizerRule.HQQ_MIN_MAX
                    ? String.format(Locale.ROOT, "the block's %s is not finite in %s arithmetic (rule %s): its range"
                                                 + " overflows the precision", kind == BAD_SCALE ? "scale" : "zero", k.arithmetic(), k.rule())
                    : "the GPTQ zero round(-xmin/s) is outside [0, 15]: the scale of the block's subnormal range"
                      + " underflowed to 0");
            default -> "the kernel reported error word 0x" + Long.toHexString(bad);
        };
        return new TargetException.Rejected("OUT_OF_RANGE", message);
    }

    // ---------------------------------------------------------------------------------------------
    // Dequantize

    byte[] dequantize(ScaledDequantizeRequest r) throws TargetException {
        ScaledFormat f = r.format();
        ScaledKnobs k = r.knobs();
        ElementFormat element = f.elementFormat(k.rule());
        Precision dtype = k.scaleDtype();
        if (r.output() == SourceFormat.FP64) {
            throw new TargetException.NotSupported("cuda scaled dequantize: f64 output");
        }
        layoutId(r.elementLayout(), element);
        int rows = r.rows(), cols = r.cols();
        int br = f.blockRows(rows), bc = f.blockCols(cols, k.groupSize());
        QuantizedTensor t;
        try {
            // The reference's checks: STRICT unpacking, whole scale words, and QuantizedTensor's lengths and codes.
            int[] codes = ElementPacking.unpack(r.elementLayout(), element, r.codes());
            int[] scales = ReferenceTarget.scaleWords(r.scales(), dtype);
            int[] zeros = k.zeroPoint() == ZeroPoint.INTEGER ? ReferenceTarget.unsignedBytes(r.zeros())
                          : k.zeroPoint() == ZeroPoint.FLOAT || k.zeroPoint() == ZeroPoint.MIN ? ReferenceTarget.scaleWords(r.zeros(), dtype) : new int[0];
            t = new QuantizedTensor(f, k, rows, cols, br, bc, codes, scales, zeros);
        } catch (IllegalArgumentException e) {
            throw new TargetException.Rejected("OUT_OF_RANGE", e.getMessage());
        }
        long count = (long) rows * cols;
        int[] codes = t.codes();
        byte[] codeBytes = new byte[codes.length];
        for (int i = 0; i < codes.length; i++) {
            codeBytes[i] = (byte) codes[i];
        }
        int[] zeros = t.zeros();
        int[] params = {rows, cols, br, bc, t.scaleCols(), elementKind(element), k.zeroPoint().ordinal(),
                k.dequantArithmetic().ordinal(), dtype.ordinal(), outputId(r.output())};
        int outBytes = r.output().bytes();
        CUdeviceptr codesOnDevice = device.upload(codeBytes);
        CUdeviceptr scalesOnDevice = device.upload(LittleEndian.toBytes(t.scales()));
        CUdeviceptr zerosOnDevice = device.upload(LittleEndian.toBytes(zeros.length == 0 ? new int[1] : zeros));
        CUdeviceptr out = device.alloc(count * outBytes);
        try {
            device.launch("lowbit_scaled_dequantize_" + r.output().id(), count, arg(codesOnDevice), arg(scalesOnDevice),
                    arg(zerosOnDevice), arg(out), Pointer.to(params));
            return device.download(out, count * outBytes);
        } finally {
            device.free(codesOnDevice);
            device.free(scalesOnDevice);
            device.free(zerosOnDevice);
            device.free(out);
        }
    }

    /** scaled.cuh {@code ScaledElement}. */
    private static int elementKind(ElementFormat e) {
        return switch (e) {
            case INT8 -> 0;
            case INT4 -> 1;
            case UINT4 -> 2;
            case FP8_E4M3 -> 3;
            default -> throw new IllegalArgumentException(e.id() + " is not a scaled element format");
        };
    }

    /** The output's OUT in scaled.cuh: 0 f32, 1 bf16, 2 f16. */
    private static int outputId(SourceFormat s) {
        return switch (s) {
            case FP32 -> 0;
            case BF16 -> 1;
            case FP16 -> 2;
            case FP64 -> throw new IllegalArgumentException("f64 output");
        };
    }
}
