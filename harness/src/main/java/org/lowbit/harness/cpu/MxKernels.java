package org.lowbit.harness.cpu;

import org.lowbit.spec.SourceFormat;

/**
 * The MX quantize and dequantize kernels of one backend, on whole blocks of {@link MxPlan#BLOCK} elements.
 * Values are little-endian FP32, BF16 or FP16 patterns in a byte array; element codes are one per byte
 * (the {@code unpacked} layout); scales are one E8M0 byte per block. Offsets count elements or blocks,
 * never bytes, and every call is independent, so that callers may run disjoint ranges on several threads.
 */
public interface MxKernels {

    /** {@code vector} or {@code scalar}. */
    String backend();

    /** The vector width in bits, or 0 for the scalar backend. */
    int vectorBits();

    /**
     * Quantizes {@code blocks} whole blocks: values from element {@code first} of {@code in}, codes to the
     * same element positions of {@code codes}, scales to block {@code firstBlock} of {@code scales}.
     */
    void quantize(MxPlan plan, SourceFormat source, byte[] in, int first, int blocks, byte[] codes, byte[] scales,
                  int firstBlock);

    /**
     * Dequantizes {@code blocks} whole blocks: codes from element {@code first} of {@code codes}, scales from
     * block {@code firstBlock}, values of {@code output} to element {@code first} of {@code out}.
     */
    void dequantize(MxPlan plan, SourceFormat output, byte[] codes, int first, int blocks, byte[] scales,
                    int firstBlock, byte[] out);
}
