package org.lowbit.harness.cuda;

import static jcuda.driver.JCudaDriver.cuLaunchKernel;

import java.util.Optional;
import jcuda.Pointer;
import org.lowbit.spec.BlockFormat;
import org.lowbit.spec.BlockKnobs;
import org.lowbit.spec.BlockPolicies.NonFinitePolicy;
import org.lowbit.spec.BlockPolicies.ScalingArithmetic;
import org.lowbit.spec.BlockPolicies.TinyAmaxPolicy;
import org.lowbit.spec.BlockPolicies.ZeroBlockScale;
import org.lowbit.spec.ElementFormat;
import org.lowbit.spec.ElementLayout;
import org.lowbit.spec.ScaleRule;
import org.lowbit.spec.SourceFormat;

/**
 * The kernels of {@code fast.cuh}, specialized at compile time for the hot combinations of the performance
 * gates (issue 7 §6), and when each may replace the generic wide kernel: only where the knobs make the two
 * compute the same bytes (fast.cuh says why for each; {@code bench/gates.cu} and {@code CudaCheck diff}
 * compare them on the device). Each takes the generic kernel's arguments.
 */
final class FastKernels {
    private FastKernels() {}

    /** A kernel and its grid: 256-thread CTAs over {@code threads} threads, at most {@code maxBlocksPerSm} per SM. */
    record Launch(String kernel, long threads, long maxBlocksPerSm) {
        /** Launches without waiting; each argument points to a parameter's value, as {@link CudaDevice#launch}. */
        void launchAsync(CudaDevice device, Pointer... args) {
            long blocks = Math.max(1, Math.min((threads + THREADS - 1) / THREADS, maxBlocksPerSm * device.multiprocessors()));
            CudaDevice.check(cuLaunchKernel(device.function(kernel), (int) blocks, 1, 1, THREADS, 1, 1, 0, null,
                    Pointer.to(args), null), "kernel " + kernel + " (launch)");
        }

        /** Launches and waits. */
        void launch(CudaDevice device, Pointer... args) {
            launchAsync(device, args);
            device.synchronize("kernel " + kernel);
        }
    }

    static final int THREADS = 256;
    /** 16-byte (or 8-element) units per lane of each kernel: the LOWBIT_*_UNROLL defaults of fast.cuh. */
    static final int MXQ_UNROLL = 1, MXDQ_UNROLL = 4, NVQ_UNROLL = 2, NVDQ_UNROLL = 4;
    /** An exact grid; NVFP4 quantize fills a shared-memory table per CTA and prefetches the next units, so it runs
     *  32 CTAs per SM, looping. */
    private static final long EXACT = Long.MAX_VALUE / 1024, NVQ_BLOCKS_PER_SM = 32;

    /**
     * bf16 → MXFP8 E4M3 under FLOOR, WHOLE_BLOCK_NAN, no zero-block 1.0, no flush, elements by the hardware
     * cvt ({@code elementFast} is FAST_E4M3), codes one per byte (unpacked or the f8f6f4 container, the same
     * bytes for FP8), whole blocks.
     */
    static Optional<Launch> mxQuantize(BlockFormat f, BlockKnobs k, SourceFormat source, ElementLayout layout,
                                       int elementFast, long rows, int rowLength) {
        boolean fits = f == BlockFormat.MXFP8_E4M3 && source == SourceFormat.BF16 && rowLength % 32 == 0
                       && (layout == ElementLayout.UNPACKED || layout == ElementLayout.F8F6F4_CONTAINER)
                       && k.scaleRule() == ScaleRule.FLOOR && k.nonFinite() == NonFinitePolicy.WHOLE_BLOCK_NAN
                       && k.zeroBlock() != ZeroBlockScale.ONE && k.tinyAmax() != TinyAmaxPolicy.FLUSH_SUBNORMAL_AMAX
                       && elementFast == KernelParams.FAST_E4M3;
        return fits ? Optional.of(new Launch("lowbit_mx_quantize_fast_e4m3_bf16", rows * rowLength / 8 / MXQ_UNROLL, EXACT))
                    : Optional.empty();
    }

    /** MXFP8 E4M3 → bf16, codes one per byte, whole blocks. */
    static Optional<Launch> mxDequantize(BlockFormat f, SourceFormat output, ElementLayout layout, long rows, int rowLength) {
        boolean fits = f.element() == ElementFormat.FP8_E4M3 && f.isMx() && output == SourceFormat.BF16 && rowLength % 32 == 0
                       && (layout == ElementLayout.UNPACKED || layout == ElementLayout.F8F6F4_CONTAINER);
        return fits ? Optional.of(new Launch("lowbit_mx_dequantize_fast_e4m3_bf16", rows * rowLength / 8 / MXDQ_UNROLL, EXACT))
                    : Optional.empty();
    }

    /**
     * bf16 → NVFP4 in a nibble layout, whole blocks, WHOLE_BLOCK_NAN: DIVIDE with any g, RECIPROCAL_MULTIPLY
     * with g = 1 ({@code gBits} 0x3F800000) only. Blocks outside the proven ranges take the generic
     * arithmetic inside the kernel.
     */
    static Optional<Launch> nvQuantize(BlockKnobs k, SourceFormat source, ElementLayout layout, long rows, int rowLength, int gBits) {
        boolean nibbles = layout == ElementLayout.NIBBLE_LOW_FIRST || layout == ElementLayout.NIBBLE_HIGH_FIRST;
        boolean divide = k.scaling() == ScalingArithmetic.DIVIDE;
        if (source != SourceFormat.BF16 || !nibbles || rowLength % 16 != 0 || k.nonFinite() != NonFinitePolicy.WHOLE_BLOCK_NAN
            || (!divide && gBits != 0x3F800000)) {
            return Optional.empty();
        }
        String name = "lowbit_nv_quantize_fast_" + (divide ? "div" : "mul") + (layout == ElementLayout.NIBBLE_LOW_FIRST ? "_low" : "_high")
                      + "_bf16";
        return Optional.of(new Launch(name, Math.ceilDiv(rows * rowLength / 8, NVQ_UNROLL), NVQ_BLOCKS_PER_SM));
    }

    /** NVFP4 → bf16 from a nibble layout, single level (g = 1), whole blocks. */
    static Optional<Launch> nvDequantize(SourceFormat output, ElementLayout layout, long rows, int rowLength, int gBits) {
        boolean nibbles = layout == ElementLayout.NIBBLE_LOW_FIRST || layout == ElementLayout.NIBBLE_HIGH_FIRST;
        if (output != SourceFormat.BF16 || !nibbles || rowLength % 16 != 0 || gBits != 0x3F800000) {
            return Optional.empty();
        }
        String name = "lowbit_nv_dequantize_fast_" + (layout == ElementLayout.NIBBLE_LOW_FIRST ? "low" : "high") + "_bf16";
        return Optional.of(new Launch(name, Math.ceilDiv(rows * rowLength / 8, NVDQ_UNROLL), EXACT));
    }
}
