package org.lowbit.harness.cpu;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The lane plumbing that the NVFP4 and scaled-format vector kernels share: the species (the MX kernels',
 * so that {@link CpuBackends} decides the width for every format), loads and stores of little-endian values
 * and one-byte codes, and the exact widening of BF16 and FP16 to FP32 and the RNE narrowing back.
 * Loaded only when the Vector API backend was chosen.
 */
final class VectorLanes {
    private VectorLanes() {}

    static final VectorSpecies<Integer> INT = VectorMxKernels.INT;
    static final int LANES = INT.length();
    /** The bytes of one int vector. */
    static final VectorSpecies<Byte> BYTES = VectorSpecies.of(byte.class, INT.vectorShape());
    /** One byte per int lane; a 4-lane species goes through the 64-bit byte shape with a mask. */
    static final VectorSpecies<Byte> CODES = VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, LANES * 8)));
    static final VectorSpecies<Byte> HALF_BYTES = VectorSpecies.of(byte.class, VectorShape.forBitSize(LANES * 16));
    static final VectorSpecies<Short> SHORTS = VectorSpecies.of(short.class, VectorShape.forBitSize(LANES * 16));
    static final VectorMask<Byte> CODE_LANES = CODES.indexInRange(0, LANES);
    static final boolean MASKED_CODES = CODES.length() != LANES;

    /** LANES FP32 patterns from byte {@code byteOffset} (little-endian: CpuBackends refuses big-endian). */
    static IntVector loadInts(byte[] in, int byteOffset) {
        return ByteVector.fromArray(BYTES, in, byteOffset).reinterpretAsInts();
    }

    static void storeInts(IntVector v, byte[] out, int byteOffset) {
        v.reinterpretAsBytes().intoArray(out, byteOffset);
    }

    /** LANES one-byte codes from index {@code at}, sign-extended into int lanes. */
    static IntVector loadCodes(byte[] codes, int at) {
        ByteVector bytes = MASKED_CODES ? ByteVector.fromArray(CODES, codes, at, CODE_LANES)
                : ByteVector.fromArray(CODES, codes, at);
        return (IntVector) bytes.convertShape(VectorOperators.B2I, INT, 0);
    }

    /** The low byte of every lane, to index {@code at}. */
    static void storeCodes(IntVector codes, byte[] out, int at) {
        ByteVector bytes = (ByteVector) codes.convertShape(VectorOperators.I2B, CODES, 0);
        if (MASKED_CODES) {
            bytes.intoArray(out, at, CODE_LANES);
        } else {
            bytes.intoArray(out, at);
        }
    }

    /** 16-bit patterns from element {@code first}, zero-extended into int lanes. */
    static IntVector loadHalves(byte[] in, int first) {
        ByteVector bytes = ByteVector.fromArray(HALF_BYTES, in, first * 2);
        return ((IntVector) bytes.reinterpretAsShorts().convertShape(VectorOperators.S2I, INT, 0)).and(0xFFFF);
    }

    /** The low 16 bits of every lane, as little-endian 16-bit values from element {@code first}. */
    static void storeHalves(IntVector v, byte[] out, int first) {
        ((ShortVector) v.convertShape(VectorOperators.I2S, SHORTS, 0)).reinterpretAsBytes().intoArray(out, first * 2);
    }

    /** {@code count} (a multiple of LANES) BF16 or FP16 values from element {@code first}, as FP32 patterns into {@code out}. */
    static void widen(boolean bfloat16, byte[] in, int first, int count, byte[] out) {
        for (int i = 0; i < count; i += LANES) {
            IntVector h = loadHalves(in, first + i);
            storeInts(bfloat16 ? h.lanewise(VectorOperators.LSHL, 16) : float16ToFloat32(h), out, i * 4);
        }
    }

    /**
     * binary16 to binary32 patterns, exactly: the magnitude shifted into place and rescaled by 2^112 (normals
     * and subnormals alike); Inf and NaN keep their payload.
     */
    static IntVector float16ToFloat32(IntVector h) {
        IntVector sign = h.and(0x8000).lanewise(VectorOperators.LSHL, 16);
        IntVector magnitude = h.and(0x7FFF);
        IntVector shifted = magnitude.lanewise(VectorOperators.LSHL, 13);
        IntVector finite = shifted.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts();
        IntVector special = shifted.or(0x7F800000);
        return finite.blend(special, magnitude.compare(VectorOperators.GE, 0x7C00)).or(sign);
    }

    /** {@code count} FP32 patterns from {@code in} (from 0) narrowed to BF16 or FP16, to element {@code first} of {@code out}. */
    static void narrow(boolean bfloat16, byte[] in, int count, byte[] out, int first) {
        for (int i = 0; i < count; i += LANES) {
            IntVector f = loadInts(in, i * 4);
            storeHalves(bfloat16 ? toBFloat16(f) : toFloat16(f), out, first + i);
        }
    }

    /** FP32 to BF16, ties to even on the pattern; Inf maps exactly, every NaN to the positive quiet NaN 0x7FC0. */
    static IntVector toBFloat16(IntVector f) {
        IntVector lsb = f.lanewise(VectorOperators.LSHR, 16).and(1);
        IntVector h = f.add(lsb.add(0x7FFF)).lanewise(VectorOperators.LSHR, 16);
        return h.blend(IntVector.broadcast(INT, 0x7FC0), f.and(0x7FFFFFFF).compare(VectorOperators.GT, 0x7F800000));
    }

    /** FP32 to binary16, ties to even, overflow to Inf; every NaN to the positive quiet NaN 0x7E00. */
    static IntVector toFloat16(IntVector f) {
        IntVector a = f.and(0x7FFFFFFF);
        IntVector h = roundToSmallFloat(a.reinterpretAsFloats(), 10, 15, 0x7C00, 0x1p17f)
                .or(f.lanewise(VectorOperators.LSHR, 16).and(0x8000));
        return h.blend(IntVector.broadcast(INT, 0x7E00), a.compare(VectorOperators.GT, 0x7F800000));
    }

    /** Each lane rounded to the nearest FP16 value (ties to even; ±Inf beyond 65504), as an FP32 value. */
    static FloatVector roundToHalf(FloatVector v) {
        return float16ToFloat32(toFloat16(v.reinterpretAsInts())).reinterpretAsFloats();
    }

    /**
     * The magnitude code of a small binary float format (m trailing significand bits, exponent bias; E2M1,
     * E4M3, binary16) for each lane's FP32 magnitude a ≥ 0 (not NaN), rounded to nearest even, then
     * {@code min(code, maxMagnitude)}. The rounding is one FP32 addition: c = 2^(e + 23 − m), e the exponent
     * of a's binade (at least the format's smallest normal exponent 1 − bias), has an ulp equal to the
     * format's quantum there, so fl(a + c) − c is a rounded to that quantum, ties to even (IEEE 754 §4.3.1),
     * and the subtraction is exact. No lane needs a shift of its own. a is first clamped to
     * {@code clampAbove}, a power of two above the largest finite value, so that a + c stays finite; every
     * code from there up saturates anyway.
     */
    static IntVector roundToSmallFloat(FloatVector a, int m, int bias, int maxMagnitude, float clampAbove) {
        FloatVector x = a.min(clampAbove);
        int minNormalBits = (128 - bias) << 23;                    // 2^(1 − bias), the smallest normal
        IntVector bits = x.reinterpretAsInts();
        FloatVector c = bits.and(0x7F800000).max(minNormalBits).add((23 - m) << 23).reinterpretAsFloats();
        FloatVector r = x.add(c).sub(c);
        IntVector rounded = r.reinterpretAsInts();
        IntVector normal = rounded.lanewise(VectorOperators.LSHR, 23 - m).sub((127 - bias) << m);
        IntVector subnormal = (IntVector) r.mul(Math.scalb(1.0f, bias - 1 + m)).convert(VectorOperators.F2I, 0);
        return normal.blend(subnormal, rounded.compare(VectorOperators.LT, minNormalBits)).min(maxMagnitude);
    }

    /**
     * The code of a small float element (E2M1, E4M3) for each lane's FP32 value y (finite or ±Inf): the
     * magnitude by {@link #roundToSmallFloat}, the sign at bit {@code signShift}.
     */
    static IntVector encodeSmallFloat(IntVector y, int m, int bias, int maxMagnitude, int signShift, float clampAbove) {
        IntVector code = roundToSmallFloat(y.and(0x7FFFFFFF).reinterpretAsFloats(), m, bias, maxMagnitude, clampAbove);
        return code.or(y.lanewise(VectorOperators.LSHR, 31).lanewise(VectorOperators.LSHL, signShift));
    }
}
