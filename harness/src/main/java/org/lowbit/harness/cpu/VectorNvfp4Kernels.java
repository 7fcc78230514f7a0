package org.lowbit.harness.cpu;

import static org.lowbit.harness.cpu.VectorLanes.LANES;
import static org.lowbit.harness.cpu.VectorLanes.loadCodes;
import static org.lowbit.harness.cpu.VectorLanes.loadInts;
import static org.lowbit.harness.cpu.VectorLanes.storeCodes;
import static org.lowbit.harness.cpu.VectorLanes.storeInts;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import org.lowbit.spec.SourceFormat;

/**
 * NVFP4 on the Java Vector API. Per block: the amax is the lane-wise max of |x| and one reduction; the UE4M3
 * scale and the element factor come from {@link Nvfp4Plan} (scalar, once per block); every element is one
 * FP32 multiply or divide by the factor, as the reference does, then E2M1 by integer rounding of the FP32
 * pattern (SPEC.md §3), saturating at ±6. A block whose factor is 0 or not finite (a tiny or huge g) goes
 * element by element through {@link Nvfp4Plan#encodeScalar}. BF16 and FP16 are widened exactly to FP32 a
 * chunk at a time. Dequantize: E2M1 decoded by moving its fields into FP32's, times S (exact: at most 6
 * significant bits), times g (the one rounding).
 */
final class VectorNvfp4Kernels implements Nvfp4Kernels {

    private static final int BLOCK = Nvfp4Plan.BLOCK;
    private static final int VECTORS_PER_BLOCK = BLOCK / LANES;
    /** Blocks per chunk when BF16/FP16 goes through an FP32 scratch array. */
    private static final int CHUNK_BLOCKS = 256;

    @Override
    public int finiteAmax(SourceFormat source, byte[] in, int count) {
        int amax = 0;
        if (source == SourceFormat.FP32) {
            int whole = count - count % LANES;
            IntVector m = IntVector.zero(VectorLanes.INT);
            for (int i = 0; i < whole; i += LANES) {
                IntVector a = loadInts(in, i * 4).and(0x7FFFFFFF);
                m = m.max(a.blend(0, a.compare(VectorOperators.GE, 0x7F800000)));
            }
            amax = m.reduceLanes(VectorOperators.MAX);
            for (int i = whole; i < count; i++) {
                amax = Math.max(amax, finite(org.lowbit.reference.layout.LittleEndian.getInt(in, 4 * i)));
            }
            return amax;
        }
        boolean bf16 = requireHalf(source);
        for (int i = 0; i < count; i++) { // not a hot path: once per tensor
            int h = org.lowbit.reference.layout.LittleEndian.getShort(in, 2 * i) & 0xFFFF;
            amax = Math.max(amax, finite(bf16 ? h << 16 : org.lowbit.reference.ElementCodec.float16ToFloat32Bits(h)));
        }
        return amax;
    }

    private static int finite(int bits) {
        int a = bits & 0x7FFFFFFF;
        return a >= 0x7F800000 ? 0 : a;
    }

    private static boolean requireHalf(SourceFormat format) {
        return switch (format) {
            case BF16 -> true;
            case FP16 -> false;
            case FP32, FP64 -> throw new IllegalArgumentException("not a 16-bit format: " + format);
        };
    }

    // ---------------------------------------------------------------------------------------------

    @Override
    public void quantize(Nvfp4Plan plan, SourceFormat source, byte[] in, int first, int blocks, float g, byte[] codes,
                         byte[] scales, int firstBlock) {
        if (source == SourceFormat.FP32) {
            quantizeFloat32(plan, in, first, blocks, g, codes, first, scales, firstBlock);
            return;
        }
        boolean bf16 = requireHalf(source);
        byte[] scratch = new byte[CHUNK_BLOCKS * BLOCK * 4];
        for (int done = 0; done < blocks; done += CHUNK_BLOCKS) {
            int n = Math.min(CHUNK_BLOCKS, blocks - done);
            int at = first + done * BLOCK;
            VectorLanes.widen(bf16, in, at, n * BLOCK, scratch);
            quantizeFloat32(plan, scratch, 0, n, g, codes, at, scales, firstBlock + done);
        }
    }

    private static void quantizeFloat32(Nvfp4Plan plan, byte[] in, int first, int blocks, float g, byte[] codes,
                                        int firstCode, byte[] scales, int firstBlock) {
        boolean divide = plan.divide();
        for (int b = 0; b < blocks; b++) {
            int base = (first + b * BLOCK) * 4;
            int codeBase = firstCode + b * BLOCK;
            int amax = blockAmax(in, base);
            if (amax >= 0x7F800000) { // WHOLE_BLOCK_NAN: scale 0x7F, element codes 0
                java.util.Arrays.fill(codes, codeBase, codeBase + BLOCK, (byte) 0);
                scales[firstBlock + b] = (byte) Nvfp4Plan.NAN_SCALE;
                continue;
            }
            int scale = plan.scaleCode(amax, g);
            float factor = plan.elementFactor(scale, g);
            scales[firstBlock + b] = (byte) scale;
            if (plan.flushTiny() && amax < 0x00800000) { // every element ±0
                for (int v = 0; v < VECTORS_PER_BLOCK; v++) {
                    storeCodes(loadInts(in, base + v * LANES * 4).lanewise(VectorOperators.LSHR, 31)
                            .lanewise(VectorOperators.LSHL, 3), codes, codeBase + v * LANES);
                }
            } else if (Nvfp4Plan.vectorSafe(factor)) {
                encodeBlock(in, base, divide, factor, codes, codeBase);
            } else {
                for (int i = 0; i < BLOCK; i++) {
                    int x = org.lowbit.reference.layout.LittleEndian.getInt(in, base + 4 * i);
                    codes[codeBase + i] = (byte) plan.encodeScalar(x, factor);
                }
            }
        }
    }

    /**
     * The block's largest |x| (NaN and Inf order above every finite value). The hot steps are small methods
     * of their own, so that C2 compiles each whole and no vector crosses a call (a crossing vector is boxed).
     */
    private static int blockAmax(byte[] in, int base) {
        IntVector magnitudes = loadInts(in, base).and(0x7FFFFFFF);
        for (int v = 1; v < VECTORS_PER_BLOCK; v++) {
            magnitudes = magnitudes.max(loadInts(in, base + v * LANES * 4).and(0x7FFFFFFF));
        }
        return magnitudes.reduceLanes(VectorOperators.MAX);
    }

    /** E2M1 codes of one block: x · factor or x / factor in FP32, then RNE to the E2M1 grid, saturating at ±6. */
    private static void encodeBlock(byte[] in, int base, boolean divide, float factor, byte[] codes,
                                    int codeBase) {
        for (int v = 0; v < VECTORS_PER_BLOCK; v++) {
            FloatVector x = loadInts(in, base + v * LANES * 4).reinterpretAsFloats();
            IntVector y = (divide ? x.div(factor) : x.mul(factor)).reinterpretAsInts();
            storeCodes(VectorLanes.encodeSmallFloat(y, 1, 1, 7, 3, 8.0f), codes, codeBase + v * LANES); // ±6 max
        }
    }

    // ---------------------------------------------------------------------------------------------

    @Override
    public void dequantize(SourceFormat output, byte[] codes, int first, int blocks, byte[] scales, int firstBlock,
                           boolean twoLevel, float g, byte[] out) {
        if (output == SourceFormat.FP32) {
            dequantizeToFloat32(codes, first, blocks, scales, firstBlock, twoLevel, g, out, first);
            return;
        }
        boolean bf16 = requireHalf(output);
        if (twoLevel && !Nvfp4Plan.splitsExactly(g)) {
            throw new IllegalArgumentException("g = " + g + " is outside [2^-90, 2^90]: its split products are not exact");
        }
        byte[] scratch = new byte[CHUNK_BLOCKS * BLOCK * 4];
        for (int done = 0; done < blocks; done += CHUNK_BLOCKS) {
            int n = Math.min(CHUNK_BLOCKS, blocks - done);
            int at = first + done * BLOCK;
            if (twoLevel) {
                dequantizeRoundToOdd(codes, at, n, scales, firstBlock + done, g, scratch);
            } else {
                dequantizeToFloat32(codes, at, n, scales, firstBlock + done, false, 1.0f, scratch, 0); // e·S exact
            }
            VectorLanes.narrow(bf16, scratch, n * BLOCK, out, at); // the one rounding
        }
    }

    /**
     * Two level to BF16 or FP16: e · S · g has up to 30 significant bits, and must be rounded once. g is split
     * into gh (its top 12 significant bits) and gl = g − gh; e · S (at most 6 bits) times each is exact in FP32,
     * and their sum is then rounded to odd (Fast2Sum gives the exact error of the FP32 sum; an inexact even
     * result steps one ulp toward it). An FP32 value rounded to odd, with 24 ≥ 8 + 2 and 11 + 2 bits, rounds
     * to BF16 and FP16 as the exact product does (Boldo and Melquiond, "When double rounding is odd", 2005).
     * Written as FP32 patterns to {@code out} from 0.
     */
    private static void dequantizeRoundToOdd(byte[] codes, int first, int blocks, byte[] scales, int firstBlock, float g,
                                             byte[] out) {
        float gh = Float.intBitsToFloat(Float.floatToRawIntBits(g) & 0xFFFFF000);
        float gl = g - gh; // exact
        for (int b = 0; b < blocks; b++) {
            int scale = scales[firstBlock + b] & 0xFF;
            float s = Nvfp4Plan.scaleValue(scale);
            for (int v = 0; v < VECTORS_PER_BLOCK; v++) {
                int at = (b * BLOCK + v * LANES);
                if (scale == Nvfp4Plan.NAN_SCALE) {
                    storeInts(IntVector.broadcast(VectorLanes.INT, 0x7FC00000), out, at * 4);
                    continue;
                }
                IntVector code = loadCodes(codes, first + at);
                FloatVector p = decodeMagnitude(code).mul(s);           // exact
                FloatVector hi = p.mul(gh);                             // exact
                FloatVector lo = p.mul(gl);                             // exact
                FloatVector sum = hi.add(lo);
                FloatVector error = lo.sub(sum.sub(hi));                // exact (Fast2Sum: |hi| ≥ |lo|)
                IntVector bits = sum.reinterpretAsInts();
                VectorMask<Integer> even = bits.and(1).compare(VectorOperators.EQ, 0);
                VectorMask<Integer> inexact = error.compare(VectorOperators.NE, 0.0f).cast(VectorLanes.INT);
                IntVector step = IntVector.broadcast(VectorLanes.INT, 1)
                        .blend(-1, error.compare(VectorOperators.LT, 0.0f).cast(VectorLanes.INT));
                IntVector odd = bits.add(step, even.and(inexact));
                storeInts(odd.or(code.and(8).lanewise(VectorOperators.LSHL, 28)), out, at * 4);
            }
        }
    }

    /** |e| of E2M1 codes: the normal magnitudes' fields moved into FP32's, the subnormal 0.5 as m · 0.5. */
    private static FloatVector decodeMagnitude(IntVector code) {
        IntVector magnitude = code.and(7);
        IntVector normal = magnitude.lanewise(VectorOperators.LSHL, 22).add(126 << 23);
        IntVector subnormal = ((FloatVector) magnitude.convert(VectorOperators.I2F, 0)).mul(0.5f).reinterpretAsInts();
        return normal.blend(subnormal, magnitude.compare(VectorOperators.LT, 2)).reinterpretAsFloats();
    }

    /**
     * E2M1 magnitude m (0..7) is 0, 0.5 (the subnormal, m · 0.5) or 2^(m>>1 - 1) · (1 + (m&1)/2): its exponent
     * and mantissa bits moved into FP32's fields and rebiased by 127 - 1.
     */
    private static void dequantizeToFloat32(byte[] codes, int first, int blocks, byte[] scales, int firstBlock,
                                            boolean twoLevel, float g, byte[] out, int firstOut) {
        for (int b = 0; b < blocks; b++) {
            int codeBase = first + b * BLOCK;
            int outBase = (firstOut + b * BLOCK) * 4;
            int scale = scales[firstBlock + b] & 0xFF;
            float s = Nvfp4Plan.scaleValue(scale);
            for (int v = 0; v < VECTORS_PER_BLOCK; v++) {
                IntVector value;
                if (scale == Nvfp4Plan.NAN_SCALE) { // every value +NaN (SPEC.md §8.7)
                    value = IntVector.broadcast(VectorLanes.INT, 0x7FC00000);
                } else {
                    IntVector code = loadCodes(codes, codeBase + v * LANES);
                    FloatVector product = decodeMagnitude(code).mul(s); // exact
                    if (twoLevel) {
                        product = product.mul(g);   // the one rounding
                    }
                    value = product.reinterpretAsInts().or(code.and(8).lanewise(VectorOperators.LSHL, 28));
                }
                storeInts(value, out, outBase + v * LANES * 4);
            }
        }
    }
}
