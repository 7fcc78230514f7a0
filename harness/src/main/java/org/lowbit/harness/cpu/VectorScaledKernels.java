package org.lowbit.harness.cpu;

import static org.lowbit.harness.cpu.VectorLanes.INT;
import static org.lowbit.harness.cpu.VectorLanes.LANES;
import static org.lowbit.harness.cpu.VectorLanes.loadInts;
import static org.lowbit.harness.cpu.VectorLanes.storeCodes;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import org.lowbit.reference.ElementCodec;
import org.lowbit.reference.layout.LittleEndian;
import org.lowbit.reference.scaled.FloatRounding;
import org.lowbit.spec.ScaledPolicies.CodeRounding;
import org.lowbit.spec.ScaledPolicies.Precision;
import org.lowbit.spec.SourceFormat;

/**
 * The scaled formats' per-element work on the Java Vector API. Integer codes: t = x / s or x · factor in
 * FP32, clamped to ±256 (which changes no code), truncated to an integer n, and n moved one step away from
 * zero by the exact remainder t − n as the rounding knob says (RNE, RNA, RZ); then clamped to the range.
 * FP8 codes: E4M3 by integer rounding of the FP32 pattern, saturating at 448 or overflowing to NaN. The
 * elements past the last whole vector of a run go through {@link ScaledPlan#encodeScalar}, the same rules.
 */
final class VectorScaledKernels implements ScaledKernels {

    @Override
    public void widen(SourceFormat source, byte[] in, int count, byte[] out) {
        boolean bf16 = source == SourceFormat.BF16;
        int whole = count - count % LANES;
        VectorLanes.widen(bf16, in, 0, whole, out);
        for (int i = whole; i < count; i++) {
            int h = LittleEndian.getShort(in, 2 * i) & 0xFFFF;
            LittleEndian.putInt(out, 4 * i, bf16 ? h << 16 : ElementCodec.float16ToFloat32Bits(h));
        }
    }

    @Override
    public void roundToHalf(byte[] values, int count) {
        int whole = count - count % LANES;
        for (int i = 0; i < whole; i += LANES) {
            VectorLanes.storeInts(VectorLanes.roundToHalf(loadInts(values, i * 4).reinterpretAsFloats()).reinterpretAsInts(),
                    values, i * 4);
        }
        for (int i = whole; i < count; i++) {
            float x = Float.intBitsToFloat(LittleEndian.getInt(values, 4 * i));
            LittleEndian.putInt(values, 4 * i, Float.floatToRawIntBits((float) FloatRounding.round(Precision.FP16, x)));
        }
    }

    @Override
    public int amaxBits(byte[] in, int first, int count) {
        int whole = count - count % LANES;
        IntVector m = IntVector.zero(INT);
        for (int i = 0; i < whole; i += LANES) {
            m = m.max(loadInts(in, (first + i) * 4).and(0x7FFFFFFF));
        }
        int amax = m.reduceLanes(VectorOperators.MAX);
        for (int i = whole; i < count; i++) {
            amax = Math.max(amax, LittleEndian.getInt(in, (first + i) * 4) & 0x7FFFFFFF);
        }
        return amax;
    }

    @Override
    public long minMaxBits(byte[] in, int first, int count) {
        int whole = count - count % LANES;
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        if (whole > 0) {
            FloatVector lo = loadInts(in, first * 4).reinterpretAsFloats();
            FloatVector hi = lo;
            for (int i = LANES; i < whole; i += LANES) {
                FloatVector x = loadInts(in, (first + i) * 4).reinterpretAsFloats();
                lo = lo.min(x);
                hi = hi.max(x);
            }
            min = lo.reduceLanes(VectorOperators.MIN);
            max = hi.reduceLanes(VectorOperators.MAX);
        }
        for (int i = whole; i < count; i++) {
            float x = Float.intBitsToFloat(LittleEndian.getInt(in, (first + i) * 4));
            min = Math.min(min, x);
            max = Math.max(max, x);
        }
        return (long) Float.floatToRawIntBits(min) << 32 | (Float.floatToRawIntBits(max) & 0xFFFFFFFFL);
    }

    @Override
    public int firstWithMagnitude(byte[] in, int first, int count, int magnitudeBits) {
        int whole = count - count % LANES;
        for (int i = 0; i < whole; i += LANES) {
            IntVector x = loadInts(in, (first + i) * 4);
            VectorMask<Integer> hit = x.and(0x7FFFFFFF).compare(VectorOperators.EQ, magnitudeBits);
            if (hit.anyTrue()) {
                return x.lane(hit.firstTrue());
            }
        }
        for (int i = whole; i < count; i++) {
            int x = LittleEndian.getInt(in, (first + i) * 4);
            if ((x & 0x7FFFFFFF) == magnitudeBits) {
                return x;
            }
        }
        throw new IllegalArgumentException("no element of magnitude 0x" + Integer.toHexString(magnitudeBits));
    }

    @Override
    public boolean encode(ScaledPlan plan, ScaledPlan.BlockScale scale, byte[] in, int first, int count, byte[] codes) {
        int whole = 0;
        if (plan.vectorSafe(scale)) {
            whole = count - count % LANES;
            if (plan.fp8()) {
                encodeFp8(plan.divides(), scale.d(), plan.saturate() ? 0x7E : 0x7F, in, first, whole, codes);
            } else if (!encodeInteger(plan, scale, in, first, whole, codes)) {
                return false;
            }
        }
        for (int i = whole; i < count; i++) {
            int code = plan.encodeScalar(Float.intBitsToFloat(LittleEndian.getInt(in, (first + i) * 4)), scale);
            if (code == Integer.MIN_VALUE) {
                return false;
            }
            codes[first + i] = (byte) code;
        }
        return true;
    }

    private static void encodeFp8(boolean divide, float d, int maxMagnitude, byte[] in, int first, int count, byte[] codes) {
        for (int i = 0; i < count; i += LANES) {
            FloatVector x = loadInts(in, (first + i) * 4).reinterpretAsFloats();
            IntVector t = (divide ? x.div(d) : x.mul(d)).reinterpretAsInts();
            storeCodes(VectorLanes.encodeSmallFloat(t, 3, 7, maxMagnitude, 7, 1024.0f), codes, first + i);
        }
    }

    private static boolean encodeInteger(ScaledPlan plan, ScaledPlan.BlockScale scale, byte[] in, int first, int count,
                                         byte[] codes) {
        boolean divide = plan.divides();
        boolean adds = plan.adds();
        boolean half = plan.half();
        boolean checksRange = plan.checksRange();
        float sub = scale.sub();
        float d = scale.d();
        float add = scale.add();
        int z = scale.z();
        int lo = plan.lo();
        int hi = plan.hi();
        int mask = plan.codeMask();
        CodeRounding rounding = plan.rounding();
        for (int i = 0; i < count; i += LANES) {
            FloatVector x = loadInts(in, (first + i) * 4).reinterpretAsFloats().sub(sub);
            FloatVector y = divide ? x.div(d) : x.mul(d);
            if (half) {
                y = VectorLanes.roundToHalf(y);
            }
            if (adds) {
                y = y.add(add);
            }
            if (checksRange && !y.compare(VectorOperators.GT, -1.0f).and(y.compare(VectorOperators.LT, 128.0f)).allTrue()) {
                return false; // C's (int8_t) cast is undefined there: the reference rejects the block
            }
            FloatVector t = y.max(-256.0f).min(256.0f);
            IntVector n = (IntVector) t.convert(VectorOperators.F2I, 0);           // toward zero
            FloatVector remainder = t.sub((FloatVector) n.convert(VectorOperators.I2F, 0)).abs(); // exact
            VectorMask<Integer> away = switch (rounding) {
                case RZ -> INT.maskAll(false);
                case RNA -> remainder.compare(VectorOperators.GE, 0.5f).cast(INT);
                case RNE -> remainder.compare(VectorOperators.GT, 0.5f).cast(INT)        // ties: to the even n
                        .or(remainder.compare(VectorOperators.EQ, 0.5f).cast(INT).and(n.and(1).compare(VectorOperators.NE, 0)));
                case HALF_UP_F32 -> throw new IllegalStateException("not vectorized");
            };
            IntVector step = IntVector.broadcast(INT, 1).blend(-1, t.compare(VectorOperators.LT, 0.0f).cast(INT));
            storeCodes(n.add(step, away).add(z).max(lo).min(hi).and(mask), codes, first + i);
        }
        return true;
    }

    @Override
    public void dequantize(ScaledDecoding decoding, int[] codes, int first, int count, float sub, float s, boolean adds,
                           float add, boolean half, SourceFormat output, byte[] out) {
        int whole = count - count % LANES;
        for (int i = 0; i < whole; i += LANES) {
            FloatVector v = decode(decoding, IntVector.fromArray(INT, codes, first + i)).sub(sub);
            v = roundIf(half, roundIf(half, v).mul(s));
            if (adds) {
                v = roundIf(half, v.add(add));
            }
            store(v.reinterpretAsInts(), output, out, first + i);
        }
        for (int i = whole; i < count; i++) {
            int c = codes[first + i];
            float x = switch (decoding) {
                case INT8 -> (byte) c;
                case INT4 -> (c << 28) >> 28;
                case UINT4 -> c;
                case FP8_E4M3 -> ElementCodec.decodeToFloat(c, org.lowbit.spec.ElementFormat.FP8_E4M3);
            };
            float v = roundIf(half, roundIf(half, x - sub) * s);
            if (adds) {
                v = roundIf(half, v + add);
            }
            Precision p = switch (output) {
                case FP32 -> Precision.FP32;
                case BF16 -> Precision.BF16;
                case FP16 -> Precision.FP16;
                case FP64 -> throw new IllegalArgumentException("f64 output");
            };
            int bits = FloatRounding.roundToBits(p, v); // NaN → the positive quiet NaN
            if (p == Precision.FP32) {
                LittleEndian.putInt(out, 4 * (first + i), bits);
            } else {
                LittleEndian.putShort(out, 2 * (first + i), (short) bits);
            }
        }
    }

    private static FloatVector decode(ScaledDecoding decoding, IntVector code) {
        return switch (decoding) {
            case INT8 -> (FloatVector) code.lanewise(VectorOperators.LSHL, 24).lanewise(VectorOperators.ASHR, 24)
                    .convert(VectorOperators.I2F, 0);
            case INT4 -> (FloatVector) code.lanewise(VectorOperators.LSHL, 28).lanewise(VectorOperators.ASHR, 28)
                    .convert(VectorOperators.I2F, 0);
            case UINT4 -> (FloatVector) code.convert(VectorOperators.I2F, 0);
            case FP8_E4M3 -> decodeE4m3(code);
        };
    }

    /** An FP32 value rounded to FP16 and back, when {@code half}: one IEEE FP16 rounding of an FP32 result. */
    private static FloatVector roundIf(boolean half, FloatVector v) {
        return half ? VectorLanes.float16ToFloat32(VectorLanes.toFloat16(v.reinterpretAsInts())).reinterpretAsFloats() : v;
    }

    private static float roundIf(boolean half, float v) {
        return half ? (float) FloatRounding.round(Precision.FP16, v) : v;
    }

    /** E4M3 (no Inf; S.1111.111 NaN): a normal code's fields moved into FP32's, a subnormal's integer times 2^-9. */
    private static FloatVector decodeE4m3(IntVector code) {
        IntVector magnitude = code.and(0x7F);
        IntVector normal = magnitude.lanewise(VectorOperators.LSHL, 20).add((127 - 7) << 23);
        IntVector subnormal = ((FloatVector) magnitude.convert(VectorOperators.I2F, 0)).mul(0x1p-9f).reinterpretAsInts();
        IntVector value = normal.blend(subnormal, magnitude.compare(VectorOperators.LT, 8))
                .blend(0x7FC00000, magnitude.compare(VectorOperators.EQ, 0x7F))
                .or(code.and(0x80).lanewise(VectorOperators.LSHL, 24));
        return value.reinterpretAsFloats();
    }

    private static void store(IntVector bits, SourceFormat output, byte[] out, int at) {
        switch (output) {
            case FP32 -> {
                IntVector canonical = bits.blend(0x7FC00000, bits.and(0x7FFFFFFF).compare(VectorOperators.GT, 0x7F800000));
                VectorLanes.storeInts(canonical, out, at * 4);
            }
            case BF16 -> VectorLanes.storeHalves(VectorLanes.toBFloat16(bits), out, at);
            case FP16 -> VectorLanes.storeHalves(VectorLanes.toFloat16(bits), out, at);
            case FP64 -> throw new IllegalArgumentException("f64 output");
        }
    }
}
