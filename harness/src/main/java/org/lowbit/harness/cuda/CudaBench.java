package org.lowbit.harness.cuda;

import static org.lowbit.harness.cuda.CudaDevice.arg;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.JCudaDriver;
import org.lowbit.conformance.target.QuantizeRequest;
import org.lowbit.conformance.target.TargetException;
import org.lowbit.harness.bench.Gates;
import org.lowbit.spec.BlockFormat;
import org.lowbit.spec.BlockKnobs;
import org.lowbit.spec.BlockProfile;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.ElementKnobs;
import org.lowbit.spec.ElementLayout;
import org.lowbit.spec.ScaleLayout;
import org.lowbit.spec.SourceFormat;
import org.lowbit.vectors.TensorScaleMode;

/**
 * The cuda target's performance gates (issue 7 §6): on a 16384×8192 bf16 tensor, each kernel's bytes read +
 * written per second over a same-run {@code cuMemcpyDtoD} of the 256 MiB input, CUDA events, the median of
 * the repetitions after a warm-up. The kernels are those {@link CudaTarget} launches for the shape (the
 * {@link FastKernels} where they apply); the generic wide kernels are timed too, for comparison, with no
 * gate. Also the JCuda launch overhead and the end-to-end time of {@link CudaTarget#quantize} (host arrays,
 * allocation, host→device, kernel, device→host).
 */
public final class CudaBench {
    private CudaBench() {}

    /** The gate shape. */
    public static final int ROWS = 16384, COLS = 8192;

    /** One timed kernel; {@code gate} is empty for the comparison rows. */
    public record Row(String benchmark, String kernel, long bytes, double ms, double gbPerS, double ratioToCopy,
                      Optional<Double> gate) {
        /** Whether the row has a gate and meets it. */
        public boolean failed() {
            return gate.isPresent() && ratioToCopy < gate.get();
        }
    }

    /** The whole run. */
    public record Report(String gpu, String arch, int driverVersion, int rows, int cols, int repetitions, double copyMs,
                         double copyGbPerS, List<Row> results, List<String> missingGates, double launchUs,
                         double launchSyncUs, double endToEndMs, String gatesSource) {

        /** Whether every gate of the gates file has a row and holds. */
        public boolean passed() {
            return missingGates.isEmpty() && results.stream().noneMatch(Row::failed);
        }

        /** The table, as {@code lowbit bench} prints it for the CPU target. */
        public void printTable(PrintWriter out) {
            out.printf(Locale.ROOT, "lowbit bench: target cuda on %s (%s, driver %d.%d), %d×%d bf16, median of %d%n", gpu, arch,
                    driverVersion / 1000, driverVersion % 1000 / 10, rows, cols, repetitions);
            out.printf(Locale.ROOT, "copy (cuMemcpyDtoD, %d MiB): %.3f ms, %.0f GB/s read + written; gates: %s%n",
                    2L * rows * cols >> 20, copyMs, copyGbPerS, gatesSource);
            out.printf(Locale.ROOT, "%-52s %-40s %9s %8s %7s %6s  %s%n", "benchmark", "kernel", "ms", "GB/s", "×copy", "gate", "");
            for (Row r : results) {
                out.printf(Locale.ROOT, "%-52s %-40s %9.3f %8.0f %7.2f %6s  %s%n", r.benchmark(), r.kernel(), r.ms(), r.gbPerS(),
                        r.ratioToCopy(), r.gate().map(g -> String.format(Locale.ROOT, "%.2f", g)).orElse("-"),
                        r.gate().isEmpty() ? "" : r.failed() ? "FAIL" : "PASS");
            }
            for (String m : missingGates) {
                out.println("gate without a benchmark: " + m + "  FAIL");
            }
            out.printf(Locale.ROOT, "launch overhead (JCuda cuLaunchKernel, 1-block kernel): %.2f µs back to back, %.2f µs with cuCtxSynchronize%n",
                    launchUs, launchSyncUs);
            out.printf(Locale.ROOT, "end to end, CudaTarget.quantize bf16 -> MXFP8 E4M3 %d×%d (Java arrays staged through pinned buffers: alloc + H2D + kernel + D2H): %.1f ms%n",
                    rows, cols, endToEndMs);
            out.println(passed() ? "all gates hold" : "a gate failed");
        }

        /** The report as JSON. */
        public String toJson() {
            ObjectMapper json = new ObjectMapper();
            ObjectNode root = json.createObjectNode();
            root.put("target", "cuda");
            root.put("gpu", gpu);
            root.put("arch", arch);
            root.put("driverVersion", driverVersion);
            root.put("rows", rows);
            root.put("cols", cols);
            root.put("source", "bf16");
            root.put("repetitions", repetitions);
            root.put("gates", gatesSource);
            ObjectNode copy = root.putObject("copy");
            copy.put("what", "cuMemcpyDtoD");
            copy.put("bytes", 4L * rows * cols);
            copy.put("ms", copyMs);
            copy.put("gbPerS", copyGbPerS);
            ArrayNode list = root.putArray("results");
            for (Row r : results) {
                ObjectNode o = list.addObject();
                o.put("benchmark", r.benchmark());
                o.put("kernel", r.kernel());
                o.put("bytes", r.bytes());
                o.put("ms", r.ms());
                o.put("gbPerS", r.gbPerS());
                o.put("ratioToCopy", r.ratioToCopy());
                r.gate().ifPresent(g -> o.put("minRatioToCopy", g));
                if (r.gate().isPresent()) {
                    o.put("passed", !r.failed());
                }
            }
            ArrayNode missing = root.putArray("gatesWithoutBenchmark");
            missingGates.forEach(missing::add);
            root.put("launchOverheadUs", launchUs);
            root.put("launchSyncUs", launchSyncUs);
            root.put("endToEndQuantizeMs", endToEndMs);
            root.put("passed", passed());
            try {
                return json.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** The gates shipped in the jar: {@code org/lowbit/harness/bench/cuda-gates.json}. */
    public static Gates builtInGates() throws java.io.IOException {
        try (var in = Gates.class.getResourceAsStream("cuda-gates.json")) {
            if (in == null) {
                throw new java.io.IOException("the built-in gates file org/lowbit/harness/bench/cuda-gates.json is missing from the jar");
            }
            return Gates.parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8), "built-in cuda-gates.json");
        }
    }

    /**
     * Times the gates on the target's GPU.
     *
     * @param repetitions timed runs per kernel after two warm-up runs; the median counts
     */
    public static Report run(CudaTarget cuda, Gates gates, String gatesSource, int repetitions) throws TargetException {
        CudaDevice d = cuda.device();
        int rows = ROWS, cols = COLS;
        long n = (long) rows * cols;
        SplittableRandom random = new SplittableRandom(7);
        byte[] host = new byte[(int) (2 * n)];
        for (int i = 0; i < host.length; i += 2) {  // |x| in [2^-7, 2^7), random mantissa and sign
            int e = 120 + random.nextInt(14);
            int bits = (e << 23 | (random.nextInt() & 0x7FFFFF) | (random.nextBoolean() ? 0x80000000 : 0)) >>> 16;
            host[i] = (byte) bits;
            host[i + 1] = (byte) (bits >>> 8);
        }
        CUdeviceptr in = d.upload(host);
        CUdeviceptr copy = d.alloc(2 * n);
        CUdeviceptr codes = d.alloc(n);
        CUdeviceptr scales = d.alloc(n / 16);
        CUdeviceptr deq = d.alloc(2 * n);
        CUdeviceptr one = d.alloc(4);
        try {
            float copyMs = median(d, repetitions, () -> CudaDevice.check(JCudaDriver.cuMemcpyDtoD(copy, in, 2 * n), "cuMemcpyDtoD"));
            double copyGb = 4.0 * n / copyMs / 1e6;
            List<Row> rowsOut = new ArrayList<>();
            Timer timer = (name, kernel, bytes, body) -> {
                float ms = median(d, repetitions, body);
                double gb = bytes / ms / 1e6;
                Optional<Double> gate = gates.gates().stream().filter(g -> g.benchmark().equals(name)).map(Gates.Gate::minRatioToCopy).findFirst();
                rowsOut.add(new Row(name, kernel, bytes, ms, gb, gb / copyGb, gate));
            };

            // bf16 -> MXFP8 E4M3, ocp-mx-1.0, unpacked codes, row-major scales
            BlockFormat mx = BlockFormat.MXFP8_E4M3;
            BlockProfile ocp = BlockProfile.OCP_MX_1_0;
            int[] mxp = CudaTarget.mxParams(mx, ocp.knobsFor(mx), rows, cols, cols / 32, ScaleLayout.ROW_MAJOR, 0);
            ElementKnobs ek = ocp.knobsFor(mx).elementKnobs(mx);
            int[] elem = KernelParams.element(mx.element(), ek, KernelParams.finiteFast(mx.element(), ek));
            long mqBytes = 2 * n + n + n / 32;
            FastKernels.Launch mq = FastKernels.mxQuantize(mx, ocp.knobsFor(mx), SourceFormat.BF16, ElementLayout.UNPACKED,
                    elem[elem.length - 1], rows, cols).orElseThrow();
            String mqName = "quantize bf16->mxfp8_e4m3 (ocp-mx-1.0)";
            timer.time(mqName, mq.kernel(), mqBytes, () -> mq.launchAsync(d, arg(in), arg(codes), arg(scales), Pointer.to(mxp), Pointer.to(elem)));
            timer.time(mqName + " [generic]", "lowbit_mx_quantize_wide_bf16", mqBytes, () -> d.launchAsync("lowbit_mx_quantize_wide_bf16", n / 8,
                    arg(in), arg(codes), arg(scales), Pointer.to(mxp), Pointer.to(elem)));

            int[] deqMx = KernelParams.concat(new int[] {rows, cols, cols / 32, 0, 1, 0}, KernelParams.output(SourceFormat.BF16),
                    KernelParams.decoder(mx.element()));
            long mdBytes = n + n / 32 + 2 * n;
            FastKernels.Launch md = FastKernels.mxDequantize(mx, SourceFormat.BF16, ElementLayout.UNPACKED, rows, cols).orElseThrow();
            String mdName = "dequantize mxfp8_e4m3->bf16";
            timer.time(mdName, md.kernel(), mdBytes, () -> md.launchAsync(d, arg(codes), arg(scales), arg(deq), Pointer.to(deqMx)));
            timer.time(mdName + " [generic]", "lowbit_mx_dequantize_wide_bf16", mdBytes, () -> d.launchAsync("lowbit_mx_dequantize_wide_bf16",
                    n / 8, arg(codes), arg(scales), arg(deq), Pointer.to(deqMx)));

            // bf16 -> NVFP4, nibble-low-first, row-major scales: nvfp4-torchao (single level) and nvfp4-modelopt (g given)
            long nqBytes = 2 * n + n / 2 + n / 16;
            for (BlockProfile p : List.of(BlockProfile.NVFP4_TORCHAO, BlockProfile.NVFP4_MODELOPT)) {
                BlockKnobs k = p.knobsFor(BlockFormat.NVFP4);
                int gBits = p == BlockProfile.NVFP4_TORCHAO ? 0x3F800000 : Float.floatToRawIntBits(128.0f / 2688.0f);
                int[] nv = CudaTarget.nvParams(k, rows, cols, cols / 16, ScaleLayout.ROW_MAJOR, 1, gBits);
                FastKernels.Launch nq = FastKernels.nvQuantize(k, SourceFormat.BF16, ElementLayout.NIBBLE_LOW_FIRST, rows, cols, gBits).orElseThrow();
                String nqName = "quantize bf16->nvfp4 (" + p.id() + (gBits == 0x3F800000 ? ")" : ", g given)");
                timer.time(nqName, nq.kernel(), nqBytes, () -> nq.launchAsync(d, arg(in), arg(codes), arg(scales), Pointer.to(nv)));
                timer.time(nqName + " [generic]", "lowbit_nv_quantize_wide_bf16", nqBytes, () -> d.launchAsync("lowbit_nv_quantize_wide_bf16",
                        n / 8, arg(in), arg(codes), arg(scales), Pointer.to(nv)));
                if (p == BlockProfile.NVFP4_TORCHAO) {  // dequantize what torchao's quantize wrote
                    int[] deqNv = KernelParams.concat(new int[] {rows, cols, cols / 16, 0, 1, 1, 0x3F800000}, KernelParams.output(SourceFormat.BF16));
                    long ndBytes = n / 2 + n / 16 + 2 * n;
                    FastKernels.Launch nd = FastKernels.nvDequantize(SourceFormat.BF16, ElementLayout.NIBBLE_LOW_FIRST, rows, cols, 0x3F800000).orElseThrow();
                    String ndName = "dequantize nvfp4->bf16";
                    timer.time(ndName, nd.kernel(), ndBytes, () -> nd.launchAsync(d, arg(codes), arg(scales), arg(deq), Pointer.to(deqNv)));
                    timer.time(ndName + " [generic]", "lowbit_nv_dequantize_wide_bf16", ndBytes, () -> d.launchAsync("lowbit_nv_dequantize_wide_bf16",
                            n / 8, arg(codes), arg(scales), arg(deq), Pointer.to(deqNv)));
                }
            }
            List<String> missing = gates.gates().stream().map(Gates.Gate::benchmark)
                    .filter(g -> rowsOut.stream().noneMatch(r -> r.benchmark().equals(g))).toList();

            // JCuda launch overhead: a one-block kernel, back to back (issue rate) and launch + synchronize
            int[] dec = KernelParams.decoder(ElementFormat.FP8_E4M3);
            Runnable tiny = () -> d.launchAsync("lowbit_decode", 1, arg(one), arg(one), arg(1L), Pointer.to(dec));
            for (int i = 0; i < 2000; i++) {
                tiny.run();
            }
            d.synchronize("warm-up");
            long t0 = System.nanoTime();
            for (int i = 0; i < 10000; i++) {
                tiny.run();
            }
            d.synchronize("tiny");
            double async = (System.nanoTime() - t0) / 1e4 / 1e3;
            t0 = System.nanoTime();
            for (int i = 0; i < 2000; i++) {
                tiny.run();
                d.synchronize("tiny");
            }
            double sync = (System.nanoTime() - t0) / 2e3 / 1e3;

            // End to end through the Target API (Java arrays, copied through CudaDevice's pinned staging buffers); the median of 5 after one warm-up
            QuantizeRequest r = new QuantizeRequest(mx, ocp, ocp.knobsFor(mx), SourceFormat.BF16, rows, cols, host,
                    ElementLayout.UNPACKED, ScaleLayout.ROW_MAJOR, TensorScaleMode.NONE, 0);
            cuda.quantize(r);
            double[] e2e = new double[5];
            for (int i = 0; i < e2e.length; i++) {
                long e0 = System.nanoTime();
                cuda.quantize(r);
                e2e[i] = (System.nanoTime() - e0) / 1e6;
            }
            Arrays.sort(e2e);
            int[] driver = {0};
            JCudaDriver.cuDriverGetVersion(driver);
            return new Report(d.name(), d.arch(), driver[0], rows, cols, repetitions, copyMs, copyGb, rowsOut, missing, async, sync,
                    e2e[e2e.length / 2], gatesSource);
        } finally {
            d.free(in);
            d.free(copy);
            d.free(codes);
            d.free(scales);
            d.free(deq);
            d.free(one);
        }
    }

    private interface Timer {
        void time(String name, String kernel, long bytes, Runnable body);
    }

    /**
     * The median time in ms of {@code reps} runs of {@code body}, each between two CUDA events, after two
     * warm-ups; each timed run follows an untimed one, so that the interval holds the GPU work alone and not the
     * host's launch latency.
     */
    static float median(CudaDevice d, int reps, Runnable body) {
        body.run();
        body.run();
        d.synchronize("warm-up");
        float[] t = new float[reps];
        CUevent a = d.event(), b = d.event();
        for (int i = 0; i < reps; i++) {
            body.run();  // keeps the GPU busy while the host records the start and launches (JCuda takes ~10 µs)
            d.record(a);
            body.run();
            d.record(b);
            t[i] = d.elapsed(a, b);
        }
        Arrays.sort(t);
        return t[reps / 2];
    }
}
