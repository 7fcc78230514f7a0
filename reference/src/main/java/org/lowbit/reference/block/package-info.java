/**
 * Block-scaled formats in the reference codec: OCP MX (MXFP8, MXFP6, MXFP4, MXINT8) and NVIDIA NVFP4,
 * quantized by {@link org.lowbit.reference.block.BlockQuantizer} and dequantized by
 * {@link org.lowbit.reference.block.BlockDequantizer}, with the result held unpacked in
 * {@link org.lowbit.reference.block.QuantizedBlocks} (SPEC.md §8).
 *
 * <p>Everything is done on bit patterns: amax and the E8M0 scale exponents are read from FP32 bits, the
 * MX quotient V_i / 2^s is formed exactly, and the element conversion is
 * {@link org.lowbit.reference.ElementCodec}'s. The only floating-point operations are the FP32 ones that
 * the followed systems specify (NVFP4's amax / 6, its reciprocal or division, RCEIL's and ROUND_UP's
 * descale), each a single IEEE binary32 operation, which Java performs with round-to-nearest-even on every
 * JVM.
 */
package org.lowbit.reference.block;
