package org.lowbit.harness.cpu;

import org.lowbit.spec.SourceFormat;

/**
 * NVFP4 quantize and dequantize on whole blocks of {@link Nvfp4Plan#BLOCK} elements (SPEC.md §8.4, §8.7),
 * in the conventions of {@link MxKernels}: little-endian values in byte arrays, one code per byte, one UE4M3
 * scale byte per block, offsets in elements or blocks. The per-tensor scale g is 1 in single level.
 */
interface Nvfp4Kernels {

    /** The largest finite |x| of the first {@code count} values of {@code in}, as an FP32 pattern (0 if none). */
    int finiteAmax(SourceFormat source, byte[] in, int count);

    /** Quantizes {@code blocks} whole blocks from element {@code first}; scales to block {@code firstBlock}. */
    void quantize(Nvfp4Plan plan, SourceFormat source, byte[] in, int first, int blocks, float g, byte[] codes,
                  byte[] scales, int firstBlock);

    /**
     * Dequantizes {@code blocks} whole blocks from element {@code first}: each value e · S · g rounded once.
     * BF16 and FP16 outputs in two level only for g in [2^-90, 2^90] ({@link Nvfp4Plan#splitsExactly}).
     */
    void dequantize(SourceFormat output, byte[] codes, int first, int blocks, byte[] scales, int firstBlock,
                    boolean twoLevel, float g, byte[] out);
}
