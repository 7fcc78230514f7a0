package org.lowbit.harness.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.lowbit.spec.SourceFormat;

/**
 * MX kernels on the Java Vector API (jdk.incubator.vector). This class is loaded only after
 * {@link CpuBackends} has found the module; nothing else in lowbit refers to it by name.
 *
 * <p>The species is fixed when the class loads, from the system property {@code lowbit.cpu.species}
 * (128, 256 or 512 bits; default the platform's preferred), so that the JIT sees a constant lane count.
 *
 * <p>Per block: the amax is the lane-wise integer max of |x| over the block's vectors and one reduction;
 * the scale comes from {@link MxPlan#scaleCode}; the element codes are computed in every lane with integer
 * rounding (SPEC.md §3: the quotient x · 2^-s is exact in FP32 wherever the element grid can see it, so one
 * FP32 multiply by the power of two is safe), written with one narrow store per vector.
 */
final class VectorMxKernels implements MxKernels {

    static final VectorSpecies<Integer> INT = intSpecies();
    static final VectorSpecies<Float> FLOAT = VectorSpecies.of(float.class, INT.vectorShape());
    static final int LANES = INT.length();
    static final VectorSpecies<Short> SHORT = VectorSpecies.of(short.class, VectorShape.forBitSize(LANES * 16));
    /** Bytes of one vector's codes; a 4-lane species stores through the 64-bit byte shape with a mask. */
    static final VectorSpecies<Byte> BYTE = VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, LANES * 8)));
    static final VectorMask<Byte> CODE_LANES = BYTE.indexInRange(0, LANES);
    static final boolean MASKED_CODES = BYTE.length() != LANES;
    static final int VECTORS_PER_BLOCK = MxPlan.BLOCK / LANES;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private static VectorSpecies<Integer> intSpecies() {
        String width = System.getProperty(CpuBackends.SPECIES_PROPERTY, "");
        if (width.isEmpty()) {
            return IntVector.SPECIES_PREFERRED;
        }
        return switch (width) {
            case "128" -> IntVector.SPECIES_128;
            case "256" -> IntVector.SPECIES_256;
            case "512" -> IntVector.SPECIES_512;
            default -> throw new IllegalArgumentException(CpuBackends.SPECIES_PROPERTY + "=" + width
                    + ": the width must be 128, 256 or 512 (bits)");
        };
    }

    @Override
    public String backend() { return "vector"; }

    @Override
    public int vectorBits() { return INT.vectorBitSize(); }

    // ---------------------------------------------------------------------------------------------
    // Quantize

    @Override
    public void quantize(MxPlan plan, SourceFormat source, MemorySegment in, long first, int blocks,
                         MemorySegment codes, MemorySegment scales, long firstBlock) {
        for (int b = 0; b < blocks; b++) {
            long base = first + (long) b * MxPlan.BLOCK;
            IntVector magnitudes = IntVector.zero(INT);
            for (int v = 0; v < VECTORS_PER_BLOCK; v++) {
                magnitudes = magnitudes.max(load(source, in, base + (long) v * LANES).and(0x7FFFFFFF));
            }
            int amax = magnitudes.reduceLanes(VectorOperators.MAX); // NaN and Inf patterns order above every finite
            int scale;
            if (amax >= 0x7F800000) {
                scale = MxPlan.NAN_SCALE; // WHOLE_BLOCK_NAN: scale 0xFF, element codes 0
                for (int v = 0; v < VECTORS_PER_BLOCK; v++) {
                    storeCodes(IntVector.zero(INT), codes, base + (long) v * LANES);
                }
            } else {
                scale = plan.scaleCode(amax);
                float divisor = plan.zeroesElements(amax) ? 0.0f : MxPlan.powerOfTwo(127 - scale); // x · 2^-s
                for (int v = 0; v < VECTORS_PER_BLOCK; v++) {
                    long at = base + (long) v * LANES;
                    IntVector y = load(source, in, at).reinterpretAsFloats().mul(divisor).reinterpretAsInts();
                    storeCodes(encode(plan, y), codes, at);
                }
            }
            scales.set(ValueLayout.JAVA_BYTE, firstBlock + b, (byte) scale);
        }
    }

    /** FP32 patterns of LANES source values from element {@code at}; BF16 and FP16 widen exactly. */
    private static IntVector load(SourceFormat source, MemorySegment in, long at) {
        return switch (source) {
            case FP32 -> IntVector.fromMemorySegment(INT, in, at * 4, LE);
            case BF16 -> ((IntVector) ShortVector.fromMemorySegment(SHORT, in, at * 2, LE)
                    .convertShape(VectorOperators.S2I, INT, 0)).lanewise(VectorOperators.LSHL, 16);
            case FP16 -> widenFloat16((IntVector) ShortVector.fromMemorySegment(SHORT, in, at * 2, LE)
                    .convertShape(VectorOperators.S2I, INT, 0));
            case FP64 -> throw new IllegalArgumentException("f64 is the exact oracle's input only");
        };
    }

    /** binary16 to binary32, exactly: the magnitude shifted into place and rescaled by 2^112; Inf/NaN keep the payload. */
    private static IntVector widenFloat16(IntVector h) {
        IntVector sign = h.and(0x8000).lanewise(VectorOperators.LSHL, 16);
        IntVector magnitude = h.and(0x7FFF);
        IntVector shifted = magnitude.lanewise(VectorOperators.LSHL, 13);
        IntVector finite = shifted.reinterpretAsFloats().mul(MxPlan.powerOfTwo(112)).reinterpretAsInts();
        IntVector special = shifted.or(0x7F800000);
        return finite.blend(special, magnitude.compare(VectorOperators.GE, 0x7C00)).or(sign);
    }

    /** {@link MxPlan#encode} lane by lane. */
    private static IntVector encode(MxPlan plan, IntVector y) {
        int m = plan.mantissaBits();
        IntVector a = y.and(0x7FFFFFFF);
        IntVector e = a.lanewise(VectorOperators.LSHR, 23);
        IntVector sig = a.and(0x7FFFFF).or(0x800000);
        if (plan.integer()) {
            IntVector shift = IntVector.broadcast(INT, 150 - m).sub(e).min(25);
            IntVector q = round(plan, sig, shift).min(plan.maxCode());
            return q.blend(q.neg(), y.compare(VectorOperators.LT, 0)).and(0xFF);
        }
        IntVector t = e.add(plan.bias() - 127);
        IntVector tc = t.max(1);
        IntVector shift = tc.sub(t).add(23 - m).min(25);
        IntVector code = tc.sub(1).lanewise(VectorOperators.LSHL, m).add(round(plan, sig, shift)).min(plan.maxCode());
        return code.or(y.lanewise(VectorOperators.LSHR, 31).lanewise(VectorOperators.LSHL, plan.codeBits() - 1));
    }

    /** sig / 2^shift rounded to an integer, ties to even (or away): shift is in [1, 25]. */
    private static IntVector round(MxPlan plan, IntVector sig, IntVector shift) {
        IntVector half = IntVector.broadcast(INT, 1).lanewise(VectorOperators.LSHL, shift.sub(1));
        IntVector bias = plan.roundHalfAway() ? half
                : half.sub(1).add(sig.lanewise(VectorOperators.LSHR, shift).and(1));
        return sig.add(bias).lanewise(VectorOperators.LSHR, shift);
    }

    private static void storeCodes(IntVector codes, MemorySegment out, long at) {
        ByteVector bytes = (ByteVector) codes.convertShape(VectorOperators.I2B, BYTE, 0);
        if (MASKED_CODES) {
            bytes.intoMemorySegment(out, at, LE, CODE_LANES);
        } else {
            bytes.intoMemorySegment(out, at, LE);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Dequantize

    @Override
    public void dequantize(MxPlan plan, SourceFormat output, MemorySegment codes, long first, int blocks,
                           MemorySegment scales, long firstBlock, MemorySegment out) {
        for (int b = 0; b < blocks; b++) {
            long base = first + (long) b * MxPlan.BLOCK;
            int scale = scales.get(ValueLayout.JAVA_BYTE, firstBlock + b) & 0xFF;
            float factor = MxPlan.powerOfTwo(scale - 127);
            for (int v = 0; v < VECTORS_PER_BLOCK; v++) {
                long at = base + (long) v * LANES;
                IntVector bits = scale == MxPlan.NAN_SCALE ? IntVector.broadcast(INT, 0x7FC00000)
                        : decode(plan, loadCodes(codes, at), factor);
                store(output, bits, out, at);
            }
        }
    }

    private static IntVector loadCodes(MemorySegment codes, long at) {
        ByteVector bytes = MASKED_CODES ? ByteVector.fromMemorySegment(BYTE, codes, at, LE, CODE_LANES)
                : ByteVector.fromMemorySegment(BYTE, codes, at, LE);
        return (IntVector) bytes.convertShape(VectorOperators.B2I, INT, 0); // sign-extended
    }

    /**
     * The FP32 patterns of P · 2^s: the element's exact value times the scale, one IEEE multiply (one
     * rounding, as SPEC.md §8.7 asks). A float code is decoded by moving its magnitude into FP32's field
     * and rescaling by 2^(127 - bias), exact for normals and subnormals alike.
     */
    private static IntVector decode(MxPlan plan, IntVector signedCode, float factor) {
        if (plan.integer()) {
            return signedCode.convert(VectorOperators.I2F, 0).reinterpretAsFloats()
                    .mul(MxPlan.powerOfTwo(-plan.mantissaBits())).mul(factor).reinterpretAsInts();
        }
        int bits = plan.codeBits();
        IntVector code = signedCode.and((1 << bits) - 1);
        IntVector magnitude = code.and((1 << (bits - 1)) - 1);
        IntVector sign = code.lanewise(VectorOperators.LSHR, bits - 1).lanewise(VectorOperators.LSHL, 31);
        IntVector value = magnitude.lanewise(VectorOperators.LSHL, 23 - plan.mantissaBits()).reinterpretAsFloats()
                .mul(MxPlan.powerOfTwo(127 - plan.bias())).mul(factor).reinterpretAsInts();
        int nanFrom = plan.nanMagnitude();
        if (nanFrom > 0) {
            value = value.blend(IntVector.broadcast(INT, 0x7FC00000), magnitude.compare(VectorOperators.GE, nanFrom));
        }
        int infinity = plan.infinityMagnitude();
        if (infinity > 0) {
            value = value.blend(IntVector.broadcast(INT, 0x7F800000), magnitude.compare(VectorOperators.EQ, infinity));
        }
        return value.or(sign);
    }

    private static void store(SourceFormat output, IntVector bits, MemorySegment out, long at) {
        switch (output) {
            case FP32 -> bits.intoMemorySegment(out, at * 4, LE);
            case BF16 -> narrow(toBFloat16(bits)).intoMemorySegment(out, at * 2, LE);
            case FP16 -> narrow(toFloat16(bits)).intoMemorySegment(out, at * 2, LE);
            case FP64 -> throw new IllegalArgumentException("f64 output");
        }
    }

    private static ShortVector narrow(IntVector v) {
        return (ShortVector) v.convertShape(VectorOperators.I2S, SHORT, 0);
    }

    /** FP32 to BF16, ties to even on the pattern; NaN (0x7FC00000 with a sign) and Inf map exactly. */
    private static IntVector toBFloat16(IntVector f) {
        IntVector lsb = f.lanewise(VectorOperators.LSHR, 16).and(1);
        return f.add(lsb.add(0x7FFF)).lanewise(VectorOperators.LSHR, 16);
    }

    /** FP32 to binary16, ties to even, overflow to Inf; NaN to the quiet NaN with its sign. */
    private static IntVector toFloat16(IntVector f) {
        IntVector a = f.and(0x7FFFFFFF);
        IntVector e = a.lanewise(VectorOperators.LSHR, 23);
        IntVector sig = a.and(0x7FFFFF).or(0x800000);
        IntVector t = e.sub(127 - 15);
        IntVector tc = t.max(1);
        IntVector shift = tc.sub(t).add(13).min(25);
        IntVector half = IntVector.broadcast(INT, 1).lanewise(VectorOperators.LSHL, shift.sub(1));
        IntVector rounded = sig.add(half.sub(1).add(sig.lanewise(VectorOperators.LSHR, shift).and(1)))
                .lanewise(VectorOperators.LSHR, shift);
        IntVector h = tc.sub(1).lanewise(VectorOperators.LSHL, 10).add(rounded).min(0x7C00);
        h = h.blend(IntVector.broadcast(INT, 0x7E00), a.compare(VectorOperators.GT, 0x7F800000));
        return h.or(f.lanewise(VectorOperators.LSHR, 16).and(0x8000));
    }
}
