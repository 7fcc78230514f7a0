package org.lowbit.harness.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.lowbit.reference.block.BlockDequantizer;
import org.lowbit.reference.block.BlockQuantizer;
import org.lowbit.reference.block.QuantizedBlocks;
import org.lowbit.spec.SourceFormat;

/** The scalar backend: the reference codec ({@code org.lowbit.reference.block}) on the same block ranges. */
final class ScalarMxKernels implements MxKernels {
    private static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @Override
    public String backend() { return "scalar"; }

    @Override
    public int vectorBits() { return 0; }

    @Override
    public void quantize(MxPlan plan, SourceFormat source, MemorySegment in, long first, int blocks,
                         MemorySegment codes, MemorySegment scales, long firstBlock) {
        int n = blocks * MxPlan.BLOCK;
        BlockQuantizer quantizer = BlockQuantizer.of(plan.format(), plan.knobs());
        QuantizedBlocks q = switch (source) {
            case FP32 -> quantizer.quantizeFloat32(in.asSlice(first * 4, n * 4L).toArray(INT_LE));
            case BF16 -> quantizer.quantizeBFloat16(in.asSlice(first * 2, n * 2L).toArray(SHORT_LE));
            case FP16 -> quantizer.quantizeFloat16(in.asSlice(first * 2, n * 2L).toArray(SHORT_LE));
            case FP64 -> throw new IllegalArgumentException("f64 is the exact oracle's input only");
        };
        for (int b = 0; b < blocks; b++) {
            scales.set(ValueLayout.JAVA_BYTE, firstBlock + b, (byte) q.scaleCode(b));
        }
        for (int i = 0; i < n; i++) {
            codes.set(ValueLayout.JAVA_BYTE, first + i, (byte) q.elementCode(i));
        }
    }

    @Override
    public void dequantize(MxPlan plan, SourceFormat output, MemorySegment codes, long first, int blocks,
                           MemorySegment scales, long firstBlock, MemorySegment out) {
        int n = blocks * MxPlan.BLOCK;
        byte[] scaleBytes = scales.asSlice(firstBlock, blocks).toArray(ValueLayout.JAVA_BYTE);
        byte[] codeBytes = codes.asSlice(first, n).toArray(ValueLayout.JAVA_BYTE);
        QuantizedBlocks q = new QuantizedBlocks(plan.format(), 1, n, scaleBytes, codeBytes, java.util.OptionalInt.empty());
        switch (output) {
            case FP32 -> MemorySegment.copy(BlockDequantizer.toFloat32(q), 0, out, INT_LE, first * 4, n);
            case BF16 -> MemorySegment.copy(BlockDequantizer.toBFloat16(q), 0, out, SHORT_LE, first * 2, n);
            case FP16 -> MemorySegment.copy(BlockDequantizer.toFloat16(q), 0, out, SHORT_LE, first * 2, n);
            case FP64 -> throw new IllegalArgumentException("f64 output");
        }
    }
}
