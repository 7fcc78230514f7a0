package org.lowbit.harness.cpu;

import java.util.OptionalInt;
import org.lowbit.reference.block.BlockDequantizer;
import org.lowbit.reference.block.BlockQuantizer;
import org.lowbit.reference.block.QuantizedBlocks;
import org.lowbit.reference.layout.LittleEndian;
import org.lowbit.spec.SourceFormat;

/** The scalar backend: the reference codec ({@code org.lowbit.reference.block}) on the same block ranges. */
final class ScalarMxKernels implements MxKernels {

    @Override
    public String backend() { return "scalar"; }

    @Override
    public int vectorBits() { return 0; }

    @Override
    public void quantize(MxPlan plan, SourceFormat source, byte[] in, int first, int blocks, byte[] codes, byte[] scales,
                         int firstBlock) {
        if (blocks == 0) {
            return;
        }
        int n = blocks * MxPlan.BLOCK;
        BlockQuantizer quantizer = BlockQuantizer.of(plan.format(), plan.knobs());
        QuantizedBlocks q = switch (source) {
            case FP32 -> {
                int[] x = new int[n];
                for (int i = 0; i < n; i++) {
                    x[i] = LittleEndian.getInt(in, 4 * (first + i));
                }
                yield quantizer.quantizeFloat32(x);
            }
            case BF16, FP16 -> {
                short[] x = new short[n];
                for (int i = 0; i < n; i++) {
                    x[i] = LittleEndian.getShort(in, 2 * (first + i));
                }
                yield source == SourceFormat.BF16 ? quantizer.quantizeBFloat16(x) : quantizer.quantizeFloat16(x);
            }
            case FP64 -> throw new IllegalArgumentException("f64 is the exact oracle's input only");
        };
        for (int b = 0; b < blocks; b++) {
            scales[firstBlock + b] = (byte) q.scaleCode(b);
        }
        for (int i = 0; i < n; i++) {
            codes[first + i] = (byte) q.elementCode(i);
        }
    }

    @Override
    public void dequantize(MxPlan plan, SourceFormat output, byte[] codes, int first, int blocks, byte[] scales,
                           int firstBlock, byte[] out) {
        if (blocks == 0) {
            return;
        }
        int n = blocks * MxPlan.BLOCK;
        QuantizedBlocks q = new QuantizedBlocks(plan.format(), 1, n,
                java.util.Arrays.copyOfRange(scales, firstBlock, firstBlock + blocks),
                java.util.Arrays.copyOfRange(codes, first, first + n), OptionalInt.empty());
        switch (output) {
            case FP32 -> {
                int[] v = BlockDequantizer.toFloat32(q);
                for (int i = 0; i < n; i++) {
                    LittleEndian.putInt(out, 4 * (first + i), v[i]);
                }
            }
            case BF16, FP16 -> {
                short[] v = output == SourceFormat.BF16 ? BlockDequantizer.toBFloat16(q) : BlockDequantizer.toFloat16(q);
                for (int i = 0; i < n; i++) {
                    LittleEndian.putShort(out, 2 * (first + i), v[i]);
                }
            }
            case FP64 -> throw new IllegalArgumentException("f64 output");
        }
    }
}
