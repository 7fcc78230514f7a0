package org.lowbit.harness.bench;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.lowbit.harness.cpu.BlockParallel;
import org.lowbit.harness.cpu.MxKernels;
import org.lowbit.harness.cpu.MxPlan;
import org.lowbit.spec.BlockProfile;
import org.lowbit.spec.SourceFormat;

/**
 * Measures one {@link BenchCase} with warm-up and repeated measurement, against two same-run baselines:
 * a {@link System#arraycopy} of the kernel's input buffer (its bandwidth counts the bytes read plus the
 * bytes written, as the kernel's does) and the scalar reference kernels. Copy and kernel alternate in every
 * repetition so that both see the same machine; each reports the median time.
 *
 * <p>Buffers are byte arrays, filled once with normally distributed FP32 values of varied
 * magnitude (or, for dequantize, with the codes and scales quantized from them), and never allocated in the
 * measured loop.
 */
public final class BenchRunner {

    /** One measured result. */
    public record Result(BenchCase benchCase, int threads, long elements, long bytes, double seconds, double copySeconds,
                         long copyBytes, double scalarSeconds, int warmups, int repetitions, String clock,
                         double wallSeconds, double copyWallSeconds) {
        /** The wall-clock ratio to the copy, whatever {@link #clock} the gates use. */
        public double wallRatioToCopy() { return (bytes / wallSeconds) / (copyBytes / copyWallSeconds); }
        public double gbPerSecond() { return bytes / seconds / 1e9; }
        public double elementsPerSecond() { return elements / seconds; }
        public double copyGbPerSecond() { return copyBytes / copySeconds / 1e9; }
        public double ratioToCopy() { return gbPerSecond() / copyGbPerSecond(); }
        public double ratioToScalar() { return Double.isNaN(scalarSeconds) ? Double.NaN : scalarSeconds / seconds; }
    }

    private final MxKernels kernels;
    private final MxKernels scalar;
    private final int warmups;
    private final int repetitions;

    public BenchRunner(MxKernels kernels, MxKernels scalar, int warmups, int repetitions) {
        this.kernels = kernels;
        this.scalar = scalar;
        this.warmups = warmups;
        this.repetitions = repetitions;
    }

    /**
     * Runs {@code benchCase} on {@code inputBytes} of input values with {@code threads} threads.
     *
     * @param scalarBaseline also time the scalar reference (single-threaded, fewer repetitions)
     */
    public Result run(BenchCase benchCase, long inputBytes, int threads, boolean scalarBaseline) {
        MxPlan plan = MxPlan.of(benchCase.format(), BlockProfile.OCP_MX_1_0.knobsFor(benchCase.format())).orElseThrow();
        SourceFormat precision = benchCase.precision();
        int elements = (int) (inputBytes / precision.bytes() / MxPlan.BLOCK * MxPlan.BLOCK);
        int blocks = elements / MxPlan.BLOCK;
        try (BlockParallel parallel = new BlockParallel(threads)) {
            byte[] values = new byte[elements * precision.bytes()];
            byte[] codes = new byte[elements];
            byte[] scales = new byte[blocks];
            byte[] copySource = new byte[values.length];
            byte[] copyTarget = new byte[values.length];
            fill(MemorySegment.ofArray(values), precision, elements);
            System.arraycopy(values, 0, copySource, 0, values.length);
            kernels.quantize(plan, precision, values, 0, blocks, codes, scales, 0); // dequantize's input
            Runnable kernel = benchCase.quantize()
                    ? () -> parallel.forEach(blocks, 1024, (from, to) -> kernels.quantize(plan, precision, values,
                            (int) from * MxPlan.BLOCK, (int) (to - from), codes, scales, (int) from))
                    : () -> parallel.forEach(blocks, 1024, (from, to) -> kernels.dequantize(plan, precision, codes,
                            (int) from * MxPlan.BLOCK, (int) (to - from), scales, (int) from, values));
            int copyLength = copySource.length;
            Runnable copy = () -> parallel.forEach(copyLength / 4096, 256, (from, to) ->
                    System.arraycopy(copySource, (int) from * 4096, copyTarget, (int) from * 4096,
                            (int) (Math.min(copyLength, to * 4096) - from * 4096)));
            for (int i = 0; i < warmups; i++) {
                copy.run();
                kernel.run();
            }
            // one thread: the calling thread's CPU time, which a shared machine's scheduler does not inflate
            // (the wall clock is kept too); several threads: the wall clock
            boolean cpuClock = threads == 1 && THREADS.isCurrentThreadCpuTimeSupported();
            long[] kernelNanos = new long[repetitions];
            long[] copyNanos = new long[repetitions];
            long[] kernelWall = new long[repetitions];
            long[] copyWall = new long[repetitions];
            for (int i = 0; i < repetitions; i++) {
                long[] c = time(copy);
                long[] k = time(kernel);
                copyWall[i] = c[0];
                kernelWall[i] = k[0];
                copyNanos[i] = cpuClock ? c[1] : c[0];
                kernelNanos[i] = cpuClock ? k[1] : k[0];
            }
            double scalarSeconds = Double.NaN;
            if (scalarBaseline) {
                Runnable reference = benchCase.quantize()
                        ? () -> scalar.quantize(plan, precision, values, 0, blocks, codes, scales, 0)
                        : () -> scalar.dequantize(plan, precision, codes, 0, blocks, scales, 0, values);
                reference.run(); // one warm-up: the reference is slow
                long[] scalarNanos = {time(reference)[cpuClock ? 1 : 0], time(reference)[cpuClock ? 1 : 0],
                                      time(reference)[cpuClock ? 1 : 0]};
                scalarSeconds = median(scalarNanos) / 1e9;
            }
            return new Result(benchCase, threads, elements, benchCase.bytesMoved(elements), median(kernelNanos) / 1e9,
                    median(copyNanos) / 1e9, 2L * copyLength, scalarSeconds, warmups, repetitions,
                    cpuClock ? "thread-cpu" : "wall", median(kernelWall) / 1e9, median(copyWall) / 1e9);
        }
    }

    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    /** {wall nanoseconds, this thread's CPU nanoseconds}. */
    private static long[] time(Runnable r) {
        long cpu = THREADS.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        r.run();
        long wall = System.nanoTime() - start;
        return new long[] {wall, THREADS.getCurrentThreadCpuTime() - cpu};
    }

    private static double median(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
    }

    /** N(0, 1) values times 2^k, k uniform in [-8, 8) per block of 32: varied block scales, deterministic. */
    private static void fill(MemorySegment values, SourceFormat precision, long elements) {
        SplittableRandom random = new SplittableRandom(0x10B17L);
        ValueLayout.OfInt ints = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        ValueLayout.OfShort shorts = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        float blockScale = 1;
        for (long i = 0; i < elements; i++) {
            if (i % MxPlan.BLOCK == 0) {
                blockScale = (float) Math.scalb(1.0, random.nextInt(-8, 8));
            }
            float v = (float) nextGaussian(random) * blockScale;
            switch (precision) {
                case FP32 -> values.set(ints, 4 * i, Float.floatToRawIntBits(v));
                case BF16 -> values.set(shorts, 2 * i, (short) (Float.floatToRawIntBits(v) >>> 16));
                case FP16 -> values.set(shorts, 2 * i, Float.floatToFloat16(v));
                case FP64 -> throw new IllegalArgumentException("f64");
            }
        }
    }

    private static double nextGaussian(SplittableRandom random) {
        double u = random.nextDouble(Double.MIN_VALUE, 1.0);
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
    }
}
