package org.lowbit.harness.cuda;

import static jcuda.driver.JCudaDriver.cuCtxSynchronize;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;
import static org.lowbit.harness.cuda.CudaDevice.check;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import org.lowbit.conformance.target.ReferenceTarget;
import org.lowbit.conformance.target.ScaledDequantizeRequest;
import org.lowbit.conformance.target.ScaledQuantizeRequest;
import org.lowbit.conformance.target.ScaledQuantizeResult;
import org.lowbit.conformance.target.Target;
import org.lowbit.conformance.target.TargetException;
import org.lowbit.reference.layout.LittleEndian;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.ElementLayout;
import org.lowbit.spec.ScaledFormat;
import org.lowbit.spec.ScaledKnobs;
import org.lowbit.spec.ScaledPolicies.ZeroPoint;
import org.lowbit.spec.ScaledProfile;
import org.lowbit.spec.SourceFormat;

/**
 * The scaled formats' checks on a GPU, run from the bundle:
 * <pre>
 *   LOWBIT_MAIN=org.lowbit.harness.cuda.CudaScaledCheck ./lowbit diff [cases] | transfer
 * </pre>
 * {@code diff} quantizes random tensors (several shapes, ragged ones too, and value styles that reach the
 * rules' corners: ties, ±0, equal extremes of both signs, subnormals, FP16 overflow, non-finite input) under
 * every scaled profile from f32, bf16 and f16 on the GPU and with the reference target, and dequantizes the
 * reference's answer and random codes and scale bits to f32, bf16 and f16; every byte must agree, and a
 * rejection must meet a rejection. {@code transfer} times 256 MiB host↔device copies through the pinned
 * staging buffers against plain pageable cuMemcpy. {@code bench} times the quantize kernels on a 16384×8192
 * bf16 tensor (CUDA events, median of 10) against cuMemcpyDtoD of the input, and one call end to end.
 * The scaled kernels have no speed gate; these are numbers to report. Exit status 1 on any difference.
 */
public final class CudaScaledCheck {
    private CudaScaledCheck() {}

    public static void main(String[] args) throws Exception {
        boolean ok = true;
        try (CudaTarget cuda = new CudaTarget(CudaDevice.open())) {
            System.out.println("device: " + cuda.device().name() + " " + cuda.device().arch());
            for (int a = 0; a < args.length; a++) {
                switch (args[a]) {
                    case "diff" -> {
                        int cases = a + 1 < args.length && args[a + 1].matches("\\d+") ? Integer.parseInt(args[++a]) : 3;
                        ok &= diff(cuda, new ReferenceTarget(), cases);
                    }
                    case "transfer" -> transfer(cuda.device());
                    case "bench" -> bench(cuda);
                    default -> throw new IllegalArgumentException("unknown mode '" + args[a] + "': diff [cases], transfer, bench");
                }
            }
        }
        System.out.println(ok ? "ALL PASS" : "FAILURES");
        System.exit(ok ? 0 : 1);
    }

    // ---------------------------------------------------------------------------------------------
    // Differential test against the reference target

    /** rows × cols: whole blocks of every format, ragged edges, one long row. */
    private static final int[][] SHAPES = {{1, 32}, {2, 64}, {4, 128}, {3, 384}, {130, 256}, {129, 131}, {256, 512},
            {1, 4096}, {7, 35}, {128, 129}, {5, 8}, {129, 1032}, {3, 1000}};
    private static final int STYLES = 9;

    static boolean diff(Target cuda, Target ref, int cases) {
        SplittableRandom random = new SplittableRandom(20261127L);
        long checks = 0, rejections = 0;
        List<String> failures = new ArrayList<>();
        List<String> findings = new ArrayList<>();
        long start = System.nanoTime();
        for (ScaledProfile profile : ScaledProfile.values()) {
            for (ScaledFormat format : ScaledFormat.values()) {
                if (!profile.defines(format)) {
                    continue;
                }
                ScaledKnobs knobs = profile.knobsFor(format);
                ElementFormat element = format.elementFormat(knobs.rule());
                List<ElementLayout> layouts = element.bits() == 4
                        ? List.of(ElementLayout.UNPACKED, ElementLayout.NIBBLE_LOW_FIRST, ElementLayout.NIBBLE_HIGH_FIRST)
                        : List.of(ElementLayout.UNPACKED);
                for (int[] shape : SHAPES) {
                    for (int c = 0; c < cases; c++) {
                        int style = random.nextInt(STYLES);
                        SourceFormat source = List.of(SourceFormat.FP32, SourceFormat.BF16, SourceFormat.FP16).get(random.nextInt(3));
                        ElementLayout layout = layouts.get(random.nextInt(layouts.size()));
                        if (layout != ElementLayout.UNPACKED && (long) shape[0] * shape[1] % 2 != 0) {
                            layout = ElementLayout.UNPACKED;
                        }
                        byte[] input = input(source, shape[0], shape[1], style, random);
                        String what = String.format(Locale.ROOT, "%s %s %dx%d from %s style %d %s", profile.id(), format.id(),
                                shape[0], shape[1], source.id(), style, layout.id());
                        ScaledQuantizeRequest q = new ScaledQuantizeRequest(format, profile, knobs, source, shape[0], shape[1],
                                input, layout);
                        checks++;
                        ScaledQuantizeResult want;
                        try {
                            want = ref.scaledQuantize(q);
                        } catch (RuntimeException e) {
                            // Not a rejection but a failure of the reference itself: a finding, and the GPU must refuse.
                            findings.add(what + ": the reference throws " + e);
                            try {
                                cuda.scaledQuantize(q);
                                failures.add(what + ": the reference throws " + e + ", the GPU accepts");
                            } catch (TargetException.Rejected expected) {
                                // refused
                            } catch (TargetException other) {
                                failures.add(what + ": the GPU says " + other);
                            }
                            continue;
                        } catch (TargetException e) {
                            rejections++;
                            try {
                                cuda.scaledQuantize(q);
                                failures.add(what + ": the reference rejects (" + e.getMessage() + "), the GPU accepts");
                            } catch (TargetException.Rejected expected) {
                                // both reject
                            } catch (TargetException other) {
                                failures.add(what + ": the GPU says " + other);
                            }
                            continue;
                        }
                        String d = quantizeDifference(cuda, q, want);
                        if (d != null) {
                            failures.add(what + ": " + d);
                        }
                        SourceFormat output = List.of(SourceFormat.FP32, SourceFormat.BF16, SourceFormat.FP16).get(random.nextInt(3));
                        checks++;
                        d = dequantizeDifference(cuda, ref, new ScaledDequantizeRequest(format, profile, knobs, output,
                                shape[0], shape[1], want.codes(), want.scales(), want.zeros(), layout));
                        if (d != null) {
                            failures.add(what + " dequantize to " + output.id() + ": " + d);
                        }
                        checks++;
                        ScaledDequantizeRequest noise = randomCodes(format, profile, knobs, output, shape[0], shape[1], layout,
                                want, random);
                        d = dequantizeDifference(cuda, ref, noise);
                        if (d != null) {
                            failures.add(what + " dequantize random codes and scale bits to " + output.id() + ": " + d);
                        }
                    }
                }
            }
        }
        findings.stream().limit(10).forEach(f -> System.out.println("FINDING " + f));
        failures.stream().limit(40).forEach(f -> System.out.println("FAIL " + f));
        System.out.printf(Locale.ROOT, "scaled diff: %d checks (%d inputs both rejected, %d where the reference throws),"
                                       + " %d differ, %.1f s%n", checks, rejections, findings.size(), failures.size(),
                (System.nanoTime() - start) / 1e9);
        return failures.isEmpty();
    }

    private static String quantizeDifference(Target cuda, ScaledQuantizeRequest q, ScaledQuantizeResult want) {
        ScaledQuantizeResult got;
        try {
            got = cuda.scaledQuantize(q);
        } catch (TargetException e) {
            return "the reference accepts, the GPU says " + e;
        }
        String d = firstDifference("codes", want.codes(), got.codes(), 1);
        if (d == null) {
            d = firstDifference("scales", want.scales(), got.scales(), q.knobs().scaleDtype().bits() / 8);
        }
        if (d == null) {
            d = firstDifference("zeros", want.zeros(), got.zeros(), 1);
        }
        return d;
    }

    private static String dequantizeDifference(Target cuda, Target ref, ScaledDequantizeRequest r) {
        byte[] want;
        try {
            want = ref.scaledDequantize(r);
        } catch (TargetException e) {
            try {
                cuda.scaledDequantize(r);
                return "the reference rejects (" + e.getMessage() + "), the GPU accepts";
            } catch (TargetException.Rejected expected) {
                return null;
            } catch (TargetException other) {
                return "the GPU says " + other;
            }
        }
        try {
            return firstDifference("values", want, cuda.scaledDequantize(r), r.output().bytes());
        } catch (TargetException e) {
            return "the reference accepts, the GPU says " + e;
        }
    }

    private static String firstDifference(String what, byte[] want, byte[] got, int width) {
        if (want.length != got.length) {
            return String.format(Locale.ROOT, "%s: %d bytes expected, %d given", what, want.length, got.length);
        }
        int differ = 0, first = -1;
        for (int i = 0; i < want.length; i += width) {
            if (!Arrays.equals(want, i, i + width, got, i, i + width)) {
                differ++;
                if (first < 0) {
                    first = i;
                }
            }
        }
        if (differ == 0) {
            return null;
        }
        return String.format(Locale.ROOT, "%s: %d of %d differ; first at %d: expected %s, got %s", what, differ,
                want.length / width, first / width, hex(want, first, width), hex(got, first, width));
    }

    private static String hex(byte[] b, int at, int width) {
        StringBuilder s = new StringBuilder("0x");
        for (int i = width - 1; i >= 0; i--) {
            s.append(String.format(Locale.ROOT, "%02X", b[at + i] & 0xFF));
        }
        return s.toString();
    }

    /**
     * rows·cols values of {@code source} in one style: 0 gaussian with a random scale per row; 1 halves of
     * small integers (ties after scaling); 2 mostly ±0; 3 exponents over the whole FP32 range; 4 subnormals;
     * 5 a few magnitudes of both signs, repeated (equal extremes); 6 near the FP16 limit (overflows FP16
     * arithmetic); 7 gaussian with one non-finite value; 8 one constant per row.
     */
    private static byte[] input(SourceFormat source, int rows, int cols, int style, SplittableRandom random) {
        float[] x = new float[rows * cols];
        float a = (float) Math.scalb(1.0, random.nextInt(-6, 7));
        for (int r = 0; r < rows; r++) {
            float rowScale = (float) Math.scalb(1.0, random.nextInt(-12, 13));
            float constant = (float) (random.nextGaussian() * rowScale);
            for (int c = 0; c < cols; c++) {
                float g = (float) random.nextGaussian();
                x[r * cols + c] = switch (style) {
                    case 0, 7 -> g * rowScale;
                    case 1 -> Math.round(g * 16) / 2.0f;
                    case 2 -> random.nextInt(8) == 0 ? g : (random.nextBoolean() ? -0.0f : 0.0f);
                    case 3 -> (float) Math.scalb(g, random.nextInt(-149, 100));
                    case 4 -> Float.intBitsToFloat(random.nextInt(1, 1 << 16) | (random.nextBoolean() ? 0x80000000 : 0));
                    case 5 -> new float[] {a, -a, a / 2, -a / 2, 0.0f, -0.0f, a / 4}[random.nextInt(7)];
                    case 6 -> g * 30000.0f;
                    default -> constant;
                };
            }
        }
        if (style == 7) {
            x[random.nextInt(x.length)] = new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}[random.nextInt(3)];
        }
        byte[] out = new byte[x.length * source.bytes()];
        for (int i = 0; i < x.length; i++) {
            switch (source) {
                case FP32 -> LittleEndian.putInt(out, 4 * i, Float.floatToRawIntBits(x[i]));
                case BF16 -> LittleEndian.putShort(out, 2 * i, (short) (Float.floatToRawIntBits(x[i]) >>> 16));
                case FP16 -> LittleEndian.putShort(out, 2 * i, Float.floatToFloat16(x[i]));
                default -> throw new IllegalArgumentException(source.id());
            }
        }
        return out;
    }

    /** The request's shape with random codes of the element format and random bits for scales and zeros. */
    private static ScaledDequantizeRequest randomCodes(ScaledFormat format, ScaledProfile profile, ScaledKnobs knobs,
                                                      SourceFormat output, int rows, int cols, ElementLayout layout,
                                                      ScaledQuantizeResult shapeOf, SplittableRandom random) {
        ElementFormat element = format.elementFormat(knobs.rule());
        int[] codes = new int[rows * cols];
        for (int i = 0; i < codes.length; i++) {
            codes[i] = random.nextInt(element.bits() == 4 ? 16 : 256);
        }
        byte[] codeBytes = org.lowbit.reference.layout.ElementPacking.pack(layout, element, codes);
        byte[] scales = shapeOf.scales().clone();
        byte[] zeros = shapeOf.zeros().clone();
        for (int i = 0; i < scales.length; i++) {
            scales[i] = (byte) random.nextInt();
        }
        if (knobs.zeroPoint() == ZeroPoint.INTEGER) {
            for (int i = 0; i < zeros.length; i++) {
                zeros[i] = (byte) random.nextInt(16);
            }
        } else {
            for (int i = 0; i < zeros.length; i++) {
                zeros[i] = (byte) random.nextInt();
            }
        }
        return new ScaledDequantizeRequest(format, profile, knobs, output, rows, cols, codeBytes, scales, zeros, layout);
    }

    // ---------------------------------------------------------------------------------------------
    // Speed (no gate)

    private static void bench(CudaTarget cuda) throws TargetException {
        int rows = 16384, cols = 8192;
        long count = (long) rows * cols;
        SplittableRandom random = new SplittableRandom(7);
        byte[] input = new byte[(int) (2 * count)];
        for (int i = 0; i < count; i++) {
            LittleEndian.putShort(input, 2 * i, (short) (Float.floatToRawIntBits((float) random.nextGaussian()) >>> 16));
        }
        CudaDevice device = cuda.device();
        CUdeviceptr a = device.upload(input), b = device.alloc(input.length);
        jcuda.driver.CUevent start = device.event(), end = device.event();
        float[] copy = new float[10];
        for (int i = -1; i < copy.length; i++) {
            device.record(start);
            check(jcuda.driver.JCudaDriver.cuMemcpyDtoD(b, a, input.length), "cuMemcpyDtoD");
            device.record(end);
            float t = device.elapsed(start, end);
            if (i >= 0) {
                copy[i] = t;
            }
        }
        device.free(a);
        device.free(b);
        Arrays.sort(copy);
        double copyGbps = 2.0 * input.length / (copy[copy.length / 2] / 1e3) / 1e9;
        System.out.printf(Locale.ROOT, "bench %dx%d bf16: cuMemcpyDtoD %.3f ms, %.0f GB/s (read + write)%n", rows, cols,
                copy[copy.length / 2], copyGbps);
        String[][] cases = {{"int8_per_token", "vllm"}, {"int8_per_tensor", "vllm"}, {"int8_per_channel", "smoothquant"},
                {"int8_block_1x128", "vllm"}, {"int8_block_128x128", "compressed-tensors"},
                {"fp8_e4m3_block_1x128", "deepseek-v3"}, {"fp8_e4m3_block_128x128", "deepgemm"}, {"int4_group", "awq"},
                {"int4_group", "gptq-asymmetric"}, {"int4_group", "hqq"}, {"gguf_q4_0", "gguf"}, {"gguf_q8_0", "gguf"}};
        CudaScaledOps ops = new CudaScaledOps(device);
        for (String[] c : cases) {
            ScaledFormat f = ScaledFormat.byId(c[0]);
            ScaledProfile p = ScaledProfile.byId(c[1]);
            ScaledKnobs k = p.knobsFor(f);
            ScaledQuantizeRequest q = new ScaledQuantizeRequest(f, p, k, SourceFormat.BF16, rows, cols, input, ElementLayout.UNPACKED);
            float ms = ops.kernelMillis(q, 10);
            int br = f.blockRows(rows), bc = f.blockCols(cols, k.groupSize());
            long blocks = (long) Math.ceilDiv(rows, br) * Math.ceilDiv(cols, bc);
            long moved = 2 * count + count + blocks * k.scaleDtype().bits() / 8;   // bf16 in, codes (one a byte) and scales out
            long t0 = System.nanoTime();
            cuda.scaledQuantize(q);
            double endToEnd = (System.nanoTime() - t0) / 1e6;
            System.out.printf(Locale.ROOT, "  %-24s %-18s kernel %7.3f ms  %6.0f GB/s  %.2fx copy   end to end %.0f ms%n",
                    c[0], c[1], ms, moved / (ms / 1e3) / 1e9, moved / (ms / 1e3) / 1e9 / copyGbps, endToEnd);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Transfers: pinned staging against pageable cuMemcpy

    private static void transfer(CudaDevice device) {
        int bytes = 256 << 20;
        byte[] host = new byte[bytes];
        new SplittableRandom(1).nextBytes(host);
        CUdeviceptr d = device.alloc(bytes);
        try {
            double[] pageableUp = new double[5], pageableDown = new double[5], pinnedUp = new double[5], pinnedDown = new double[5];
            byte[] back = new byte[bytes];
            for (int rep = 0; rep < 5; rep++) {
                long t0 = System.nanoTime();
                check(cuMemcpyHtoD(d, Pointer.to(host), bytes), "cuMemcpyHtoD");
                long t1 = System.nanoTime();
                check(cuMemcpyDtoH(Pointer.to(back), d, bytes), "cuMemcpyDtoH");
                long t2 = System.nanoTime();
                device.copyToDevice(d, host);
                long t3 = System.nanoTime();
                device.copyToHost(back, d);
                long t4 = System.nanoTime();
                check(cuCtxSynchronize(), "sync");
                pageableUp[rep] = bytes / ((t1 - t0) / 1e9) / 1e9;
                pageableDown[rep] = bytes / ((t2 - t1) / 1e9) / 1e9;
                pinnedUp[rep] = bytes / ((t3 - t2) / 1e9) / 1e9;
                pinnedDown[rep] = bytes / ((t4 - t3) / 1e9) / 1e9;
            }
            if (!Arrays.equals(host, back)) {
                throw new IllegalStateException("the round trip through the staging buffers changed the bytes");
            }
            // The ceiling: DMA alone from and to pinned memory (what a caller with pinned arrays would get).
            jcuda.Pointer pinned = new jcuda.Pointer();
            check(jcuda.driver.JCudaDriver.cuMemAllocHost(pinned, bytes), "cuMemAllocHost");
            double[] dmaUp = new double[5], dmaDown = new double[5];
            for (int rep = 0; rep < 5; rep++) {
                long t0 = System.nanoTime();
                check(cuMemcpyHtoD(d, pinned, bytes), "cuMemcpyHtoD(pinned)");
                long t1 = System.nanoTime();
                check(cuMemcpyDtoH(pinned, d, bytes), "cuMemcpyDtoH(pinned)");
                long t2 = System.nanoTime();
                dmaUp[rep] = bytes / ((t1 - t0) / 1e9) / 1e9;
                dmaDown[rep] = bytes / ((t2 - t1) / 1e9) / 1e9;
            }
            jcuda.driver.JCudaDriver.cuMemFreeHost(pinned);
            System.out.printf(Locale.ROOT, "transfer 256 MiB, median of 5 (GB/s): pageable H2D %.1f D2H %.1f;"
                                           + " pinned staging (upload/download) H2D %.1f D2H %.1f; DMA alone from pinned"
                                           + " memory H2D %.1f D2H %.1f%n", median(pageableUp), median(pageableDown),
                    median(pinnedUp), median(pinnedDown), median(dmaUp), median(dmaDown));
        } finally {
            device.free(d);
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
