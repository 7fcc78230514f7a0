package org.lowbit.harness.cuda;

import static org.lowbit.harness.cuda.CudaDevice.arg;
import static org.lowbit.harness.cuda.CudaDevice.check;
import static org.lowbit.harness.cuda.CudaDevice.nullArg;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.JCudaDriver;
import org.lowbit.conformance.target.Capability;
import org.lowbit.conformance.target.DecodeRequest;
import org.lowbit.conformance.target.DequantizeRequest;
import org.lowbit.conformance.target.EncodeRequest;
import org.lowbit.conformance.target.Operation;
import org.lowbit.conformance.target.QuantizeRequest;
import org.lowbit.conformance.target.QuantizeResult;
import org.lowbit.conformance.target.ReferenceTarget;
import org.lowbit.conformance.target.Target;
import org.lowbit.conformance.target.TargetException;
import org.lowbit.reference.ElementCodec;
import org.lowbit.reference.layout.ElementPacking;
import org.lowbit.reference.layout.LittleEndian;
import org.lowbit.reference.layout.ScalePacking;
import org.lowbit.spec.BlockFormat;
import org.lowbit.spec.BlockProfile;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.ElementKnobs;
import org.lowbit.spec.ElementLayout;
import org.lowbit.spec.ElementProfile;
import org.lowbit.spec.Rounding;
import org.lowbit.spec.ScaleLayout;
import org.lowbit.spec.SourceFormat;
import org.lowbit.vectors.TensorScaleMode;

/**
 * The cuda target's checks on a GPU, run from the bundle (no JUnit needed there):
 * <pre>
 *   java -cp lowbit-all.jar org.lowbit.harness.cuda.CudaCheck diff|sweep|probe|bench ...
 * </pre>
 * {@code diff} compares every claim of the manifest with the reference target on random and special
 * inputs, bit for bit; {@code sweep} encodes all 2^32 FP32 patterns to E4M3, E5M2 and E2M1 under
 * cuda-satfinite on the GPU and compares each code with the reference codec; {@code probe} prints what the
 * hardware cvt does with NaN, Inf and overflow; {@code bench} times the performance gates against
 * cuMemcpyDtoD. Exit status 1 on any mismatch or any gate that does not hold.
 */
public final class CudaCheck {
    private CudaCheck() {}

    public static void main(String[] args) throws Exception {
        boolean ok = true;
        try (CudaTarget cuda = new CudaTarget(CudaDevice.open())) {
            System.out.println("device: " + cuda.device().name() + " " + cuda.device().arch() + ", "
                               + cuda.device().multiprocessors() + " SMs");
            for (String mode : args) {
                switch (mode) {
                    case "diff" -> ok &= diff(cuda, new ReferenceTarget());
                    case "sweep" -> ok &= sweep(cuda.device());
                    case "probe" -> probe(cuda);
                    case "bench" -> ok &= bench(cuda);
                    default -> throw new IllegalArgumentException("unknown mode '" + mode + "': diff, sweep, probe, bench");
                }
            }
        }
        System.out.println(ok ? "ALL PASS" : "FAILURES");
        System.exit(ok ? 0 : 1);
    }

    // ---------------------------------------------------------------------------------------------
    // Differential test

    private static final int[] SPECIAL_F32 = {0, 0x80000000, 0x7F800000, 0xFF800000, 0x7FC00000, 0xFFC00001, 0x7F7FFFFF,
            0xFF7FFFFF, 1, 0x80000001, 0x00800000, 0x007FFFFF, 0x3F800000, 0xBF800000, 0x43F00000, 0x43E80000,
            0x47700000, 0x47800000, 0x40C00000, 0x40E00000, 0x3E800000, 0x3F400000, 0x00400000, 0x00500000};

    private static boolean diff(Target cuda, Target ref) throws Exception {
        SplittableRandom random = new SplittableRandom(20261127);
        int pass = 0, fail = 0;
        List<String> failures = new ArrayList<>();
        for (Capability c : CudaTarget.capabilities()) {
            if (c.operation() == Operation.SCALED_QUANTIZE || c.operation() == Operation.SCALED_DEQUANTIZE) {
                continue;  // CudaScaledCheck's diff, below
            }
            String result;
            try {
                result = switch (c.operation()) {
                    case DECODE -> diffDecode(cuda, ref, ElementFormat.byId(c.format()));
                    case ENCODE -> diffEncode(cuda, ref, c, random);
                    case QUANTIZE -> diffQuantize(cuda, ref, c, random);
                    case DEQUANTIZE -> diffDequantize(cuda, ref, c, random);
                    default -> "not checked";
                };
            } catch (Exception | Error e) {
                result = "exception " + e;
            }
            if (result == null) {
                pass++;
            } else {
                fail++;
                failures.add(c.operation() + " " + c.format() + " " + c.profile() + ": " + result);
            }
        }
        failures.forEach(f -> System.out.println("FAIL " + f));
        System.out.printf(Locale.ROOT, "diff: %d claims pass, %d fail (element, MX, NVFP4)%n", pass, fail);
        boolean scaled = CudaScaledCheck.diff(cuda, ref, 4);
        return fail == 0 && scaled;
    }

    private static String diffDecode(Target cuda, Target ref, ElementFormat f) throws TargetException {
        byte[] codes = new byte[f.codeCount()];
        for (int i = 0; i < codes.length; i++) {
            codes[i] = (byte) i;
        }
        DecodeRequest r = new DecodeRequest(f, codes);
        return firstDifference(ref.decode(r), cuda.decode(r), 4);
    }

    /** Random bit patterns, values spread around the format's range, and specials. */
    private static int[] f32Inputs(ElementFormat f, SplittableRandom random, int n) {
        int[] x = new int[n];
        int lo = f.isInteger() ? -10 : f.emin() - f.mantissaBits() - 3;
        int hi = f.isInteger() ? 10 : f.emax() + 3;
        for (int i = 0; i < n; i++) {
            if (i < SPECIAL_F32.length) {
                x[i] = SPECIAL_F32[i];
            } else if (i % 3 == 0) {
                x[i] = random.nextInt();
            } else {
                int e = random.nextInt(lo, hi + 1) + 127;
                int sig = i % 3 == 1 ? random.nextInt() & 0x7FFFFF : (random.nextInt() & 0x7F0000); // few bits: ties
                x[i] = e <= 0 ? (random.nextInt() & 0x7FFFFF) | (random.nextBoolean() ? 0x80000000 : 0)
                              : (Math.min(e, 254) << 23 | sig | (random.nextBoolean() ? 0x80000000 : 0));
            }
        }
        return x;
    }

    private static byte[] source(int[] f32, SourceFormat s) {
        if (s == SourceFormat.FP32) {
            return LittleEndian.toBytes(f32);
        }
        byte[] out = new byte[2 * f32.length];
        for (int i = 0; i < f32.length; i++) {
            int h = s == SourceFormat.BF16 ? f32[i] >>> 16 : Float.floatToFloat16(Float.intBitsToFloat(f32[i]));
            if (s == SourceFormat.FP16 && i % 5 == 0) {
                h = f32[i] & 0xFFFF; // raw f16 patterns too (NaN payloads, subnormals)
            }
            LittleEndian.putShort(out, 2 * i, (short) h);
        }
        return out;
    }

    private static String diffEncode(Target cuda, Target ref, Capability c, SplittableRandom random) throws TargetException {
        ElementFormat f = ElementFormat.byId(c.format());
        ElementKnobs knobs = ElementProfile.byId(c.profile()).knobsFor(f);
        for (SourceFormat s : c.precisions()) {
            for (Rounding rounding : new Rounding[] {knobs.rounding(), Rounding.RNA, Rounding.RZ, Rounding.RU, Rounding.RD, Rounding.SR}) {
                int n = 1 << 16;
                byte[] in = source(f32Inputs(f, random, n), s);
                byte[] bits = new byte[0];
                if (rounding == Rounding.SR) {
                    bits = new byte[4 * n];
                    for (int i = 0; i < bits.length; i++) {
                        bits[i] = (byte) random.nextInt();
                    }
                }
                EncodeRequest r = new EncodeRequest(f, ElementProfile.byId(c.profile()), knobs.withRounding(rounding), s, in, bits);
                String d = firstDifference(ref.encode(r), cuda.encode(r), 1);
                if (d != null) {
                    return s + " " + rounding + ": " + d;
                }
            }
        }
        return null;
    }

    /** Blocks of values at a random binade each, with zero, tiny, NaN and Inf blocks mixed in. */
    private static int[] tensor(SplittableRandom random, int count, int block) {
        int[] x = new int[count];
        for (int b = 0; b < count; b += block) {
            int kind = random.nextInt(12);
            int e = kind == 0 ? 1 : kind == 1 ? random.nextInt(1, 20) : kind == 2 ? random.nextInt(230, 255)
                                                                     : random.nextInt(100, 150);
            for (int i = b; i < Math.min(b + block, count); i++) {
                int ei = Math.max(0, Math.min(254, e - random.nextInt(0, 12)));
                x[i] = ei << 23 | (random.nextInt() & 0x7FFFFF) | (random.nextBoolean() ? 0x80000000 : 0);
                if (kind == 3) {
                    x[i] &= 0x80000000;
                }
                if (kind == 4) {
                    x[i] = random.nextInt() & 0x807FFFFF; // subnormals
                }
            }
            if (kind == 5) {
                x[b + random.nextInt(Math.min(block, count - b))] = SPECIAL_F32[2 + random.nextInt(4)];
            }
        }
        return x;
    }

    private static final int[][] SHAPES = {{4, 96}, {3, 70}, {130, 64}, {1, 48}};

    private static String diffQuantize(Target cuda, Target ref, Capability c, SplittableRandom random) throws TargetException {
        BlockFormat f = BlockFormat.byId(c.format());
        BlockProfile p = BlockProfile.byId(c.profile());
        for (SourceFormat s : c.precisions()) {
            for (String layoutId : c.elementLayouts()) {
                for (String scaleId : c.scaleLayouts()) {
                    for (int[] shape : SHAPES) {
                        for (TensorScaleMode mode : f.isNvfp4() ? TensorScaleMode.values() : new TensorScaleMode[] {TensorScaleMode.NONE}) {
                            int count = shape[0] * shape[1];
                            byte[] in = source(tensor(random, count, f.blockSize()), s);
                            int g = mode == TensorScaleMode.GIVEN ? 0x3B124925 : 0;
                            QuantizeRequest r = new QuantizeRequest(f, p, p.knobsFor(f), s, shape[0], shape[1], in,
                                    ElementLayout.byId(layoutId), ScaleLayout.byId(scaleId), mode, g);
                            String d = compareQuantize(ref, cuda, r);
                            if (d != null) {
                                return String.format(Locale.ROOT, "%s %s %s %dx%d g=%s: %s", s, layoutId, scaleId, shape[0], shape[1], mode, d);
                            }
                        }
                    }
                }
            }
        }
        return null;
    }

    private static String compareQuantize(Target ref, Target cuda, QuantizeRequest r) {
        QuantizeResult a, b;
        try {
            a = ref.quantize(r);
        } catch (TargetException e) {
            try {
                cuda.quantize(r);
                return "reference rejects (" + e.getMessage() + "), cuda does not";
            } catch (TargetException e2) {
                return e.getClass() == e2.getClass() ? null : "reference " + e + ", cuda " + e2;
            }
        }
        try {
            b = cuda.quantize(r);
        } catch (TargetException e) {
            return "cuda throws " + e;
        }
        String d = firstDifference(a.scales(), b.scales(), 1);
        if (d != null) {
            return "scales " + d;
        }
        d = firstDifference(a.elements(), b.elements(), 1);
        if (d != null) {
            return "elements " + d;
        }
        return a.tensorScaleBits().equals(b.tensorScaleBits()) ? null : "g " + a.tensorScaleBits() + " vs " + b.tensorScaleBits();
    }

    private static String diffDequantize(Target cuda, Target ref, Capability c, SplittableRandom random) throws TargetException {
        BlockFormat f = BlockFormat.byId(c.format());
        BlockProfile p = BlockProfile.byId(c.profile());
        for (SourceFormat out : c.precisions()) {
            for (String layoutId : c.elementLayouts()) {
                for (String scaleId : c.scaleLayouts()) {
                    for (int[] shape : SHAPES) {
                        ElementLayout layout = ElementLayout.byId(layoutId);
                        int count = shape[0] * shape[1];
                        if (count % layout.codesPerContainer() != 0) {
                            continue;
                        }
                        int bpr = Math.ceilDiv(shape[1], f.blockSize());
                        int[] codes = new int[count];
                        for (int i = 0; i < count; i++) {
                            codes[i] = random.nextInt(f.element().codeCount());
                        }
                        byte[] scales = new byte[shape[0] * bpr];
                        for (int i = 0; i < scales.length; i++) {
                            int v = f.isMx() ? random.nextInt(256) : random.nextInt(128);
                            if (random.nextInt(4) == 0) {
                                v = f.isMx() ? 127 + random.nextInt(-140, 14) : random.nextInt(0, 8); // extremes
                                v = Math.max(0, Math.min(f.isMx() ? 255 : 127, v));
                            }
                            scales[i] = (byte) v;
                        }
                        for (int g : f.isNvfp4() ? new int[] {0, 0x3B124925, 0x00000123, 0x7E000000} : new int[] {0}) {
                            DequantizeRequest r = new DequantizeRequest(f, p, out, shape[0], shape[1],
                                    ScalePacking.pack(ScaleLayout.byId(scaleId), scales, shape[0], bpr),
                                    ElementPacking.pack(layout, f.element(), codes), layout, ScaleLayout.byId(scaleId),
                                    g == 0 ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(g));
                            String d = firstDifference(ref.dequantize(r), cuda.dequantize(r), out.bytes());
                            if (d != null) {
                                return String.format(Locale.ROOT, "%s %s %s %dx%d g=%08x: %s", out, layoutId, scaleId, shape[0], shape[1], g, d);
                            }
                        }
                    }
                }
            }
        }
        return null;
    }

    private static String firstDifference(byte[] expected, byte[] actual, int width) {
        if (expected.length != actual.length) {
            return "length " + actual.length + ", expected " + expected.length;
        }
        int mismatches = 0, first = -1;
        for (int i = 0; i < expected.length; i++) {
            if (expected[i] != actual[i]) {
                mismatches++;
                if (first < 0) {
                    first = i / width;
                }
            }
        }
        if (first < 0) {
            return null;
        }
        StringBuilder e = new StringBuilder(), a = new StringBuilder();
        for (int j = width - 1; j >= 0; j--) {
            e.append(String.format("%02X", expected[first * width + j]));
            a.append(String.format("%02X", actual[first * width + j]));
        }
        return String.format(Locale.ROOT, "%d differing bytes; first at value %d: expected 0x%s, got 0x%s", mismatches, first, e, a);
    }

    // ---------------------------------------------------------------------------------------------
    // Exhaustive FP32 sweep (cuda-satfinite)

    private static boolean sweep(CudaDevice device) {
        boolean ok = true;
        long chunk = 1L << 28;
        CUdeviceptr out = device.alloc(chunk);
        byte[] codes = new byte[(int) chunk];
        for (ElementFormat f : new ElementFormat[] {ElementFormat.FP8_E4M3, ElementFormat.FP8_E5M2, ElementFormat.FP4_E2M1}) {
            ElementKnobs knobs = ElementProfile.CUDA_SATFINITE.knobsFor(f);
            int[] elem = KernelParams.element(f, knobs, KernelParams.everyInputFast(f, knobs));
            long start = System.nanoTime();
            double gpuSeconds = 0;
            AtomicLong mismatches = new AtomicLong();
            long[] firstBad = {-1};
            for (long first = 0; first < 1L << 32; first += chunk) {
                long t0 = System.nanoTime();
                device.launch("lowbit_encode_f32_range", chunk, arg((int) first), arg(out), arg(chunk), Pointer.to(elem));
                gpuSeconds += (System.nanoTime() - t0) / 1e9;
                check(JCudaDriver.cuMemcpyDtoH(Pointer.to(codes), out, chunk), "cuMemcpyDtoH");
                final long base = first;
                IntStream.range(0, (int) (chunk >> 16)).parallel().forEach(part -> {
                    long bad = 0;
                    for (int i = part << 16, end = i + (1 << 16); i < end; i++) {
                        int x = (int) (base + i);
                        if ((byte) ElementCodec.encodeFloat32(x, f, knobs) != codes[i]) {
                            bad++;
                            synchronized (firstBad) {
                                if (firstBad[0] < 0) {
                                    firstBad[0] = x & 0xFFFFFFFFL;
                                }
                            }
                        }
                    }
                    mismatches.addAndGet(bad);
                });
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(Locale.ROOT, "sweep %s cuda-satfinite: 2^32 inputs, %d mismatches%s; %.1f s total, GPU encode %.2f s%n",
                    f.id(), mismatches.get(), firstBad[0] < 0 ? "" : String.format(" (first input 0x%08X)", firstBad[0]),
                    seconds, gpuSeconds);
            ok &= mismatches.get() == 0;
        }
        device.free(out);
        return ok;
    }

    // ---------------------------------------------------------------------------------------------
    // What the sm_90 hardware cvt does (cuda-satfinite profile vs the device)

    private static void probe(CudaTarget cuda) throws TargetException {
        int[] x = {0x7FC00000, 0xFFC00000, 0x7F800001, 0x7F800000, 0xFF800000, 0x43F00000 /*480*/, 0x43E80000 /*464*/,
                0x43E00001, 0x49742400 /*1e6*/, 0x47700000 /*61440*/, 0x476FFFFF, 0x47800000, 0x7F7FFFFF, 0xFF7FFFFF,
                0x80000000, 0x00000001, 0x3A800000, 0xBA800000};
        for (ElementFormat f : new ElementFormat[] {ElementFormat.FP8_E4M3, ElementFormat.FP8_E5M2}) {
            ElementKnobs knobs = ElementProfile.CUDA_SATFINITE.knobsFor(f);
            byte[] got = cuda.encode(new EncodeRequest(f, ElementProfile.CUDA_SATFINITE, knobs, SourceFormat.FP32,
                    LittleEndian.toBytes(x), new byte[0]));
            StringBuilder sb = new StringBuilder("probe " + f.id() + " hardware cvt.rn.satfinite vs cuda-satfinite:");
            for (int i = 0; i < x.length; i++) {
                int want = ElementCodec.encodeFloat32(x[i], f, knobs);
                sb.append(String.format(Locale.ROOT, " %08X->%02X%s", x[i], got[i] & 0xFF, want == (got[i] & 0xFF) ? "" : "(spec " + String.format("%02X", want) + ")"));
            }
            System.out.println(sb);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Performance gates (issue 7 §6): CudaBench, the same as `lowbit bench --target cuda`

    private static boolean bench(CudaTarget cuda) throws Exception {
        CudaBench.Report report = CudaBench.run(cuda, CudaBench.builtInGates(), "built-in cuda-gates.json", 20);
        java.io.PrintWriter out = new java.io.PrintWriter(System.out, true);
        report.printTable(out);
        out.flush();
        return report.passed();
    }
}
