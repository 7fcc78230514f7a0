package org.lowbit.harness.cpu;

import static org.lowbit.harness.cpu.VectorLanes.loadCodes;
import static org.lowbit.harness.cpu.VectorLanes.loadHalves;
import static org.lowbit.harness.cpu.VectorLanes.loadInts;
import static org.lowbit.harness.cpu.VectorLanes.storeCodes;
import static org.lowbit.harness.cpu.VectorLanes.storeHalves;

import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;
import org.lowbit.spec.SourceFormat;

/**
 * MX kernels on the Java Vector API (jdk.incubator.vector). This class is loaded only after
 * {@link CpuBackends} has found the module; nothing else in lowbit refers to it by name.
 *
 * <p>The species is fixed when the class loads, from the system property {@code lowbit.cpu.species}
 * (128, 256 or 512 bits; default the platform's preferred), so that the JIT sees a constant lane count.
 * Values are read from and written to byte arrays as bytes reinterpreted as ints, which is little-endian
 * because {@link CpuBackends} refuses this backend on a big-endian machine.
 *
 * <p>RNE float elements (ocp-mx-1.0, the torchao and Triton profiles) run on quads of blocks in four
 * interleaved input streams, with no reduction per block ({@link #quantizeQuadsNearestEven}). Blocks with NaN
 * or Inf, RNA elements and MXINT8 go block by block: the amax is the lane-wise integer max of |x| over the
 * block's vectors and one reduction. Either way the scale comes from {@link MxPlan#scaleCode} (FLOOR inline)
 * and the element codes are computed in every lane with integer rounding (SPEC.md §3). The quotient x · 2^-s
 * is one FP32 multiply: it is exact wherever it is at least 2^-126, and below that every MX element grid
 * rounds it to ±0 either way. Each hot loop is its own small method (FP32 in, float or integer elements) so
 * that C2 inlines every Vector API call in it; BF16 and FP16 go through an FP32 scratch array a chunk at a
 * time.
 */
final class VectorMxKernels implements MxKernels {

    static final VectorSpecies<Integer> INT = intSpecies();
    static final VectorSpecies<Float> FLOAT = VectorSpecies.of(float.class, INT.vectorShape());
    static final int LANES = INT.length();
    /** One byte per int lane; a 4-lane species goes through the 64-bit byte shape with a mask. */
    static final VectorSpecies<Byte> CODES = VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, LANES * 8)));
    static final VectorMask<Byte> CODE_LANES = CODES.indexInRange(0, LANES);
    static final boolean MASKED_CODES = CODES.length() != LANES;
    static final int VECTORS_PER_BLOCK = MxPlan.BLOCK / LANES;
    /** Blocks per step of the RNE quantize path. */
    static final int QUAD = 4;
    /** Input streams the quad path interleaves (see {@link #quantizeQuadsNearestEven}). */
    static final int STREAMS = 4;
    /**
     * Permutations that exchange lanes d apart (d = 1, 2, 4, 8; the identity where d ≥ LANES), and the odd lanes.
     * Static final fields, not arrays: the JIT intrinsifies a Vector API call only when it knows the shuffle's and
     * the mask's exact class, as it does for a constant.
     */
    private static final VectorShuffle<Integer> SWAP_1 = swap(1), SWAP_2 = swap(2), SWAP_4 = swap(4), SWAP_8 = swap(8);
    private static final VectorMask<Integer> ODD_LANES = VectorMask.fromLong(INT, 0xAAAAAAAAAAAAAAAAL & ((1L << LANES) - 1));
    /** How far ahead of the values being widened the BF16/FP16 input is touched: one page. */
    private static final int TOUCH_AHEAD = 4096;
    /** Where the touched bytes go, so that the JIT keeps the loads. */
    static volatile int touchSink;

    private static VectorShuffle<Integer> swap(int d) {
        return VectorShuffle.fromOp(INT, i -> d < LANES ? i ^ d : i);
    }

    /** Blocks per chunk when a BF16/FP16 source or output goes through the FP32 scratch array. */
    private static final int CHUNK_BLOCKS = 128;

    private static VectorSpecies<Integer> intSpecies() {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new IllegalStateException("the vector kernels read little-endian data as native ints");
        }
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
    public void quantize(MxPlan plan, SourceFormat source, byte[] in, int first, int blocks, byte[] codes, byte[] scales,
                         int firstBlock) {
        if (source == SourceFormat.FP32) {
            quantizeFloat32(plan, in, first, blocks, codes, first, scales, firstBlock);
            return;
        }
        if (source == SourceFormat.FP64) {
            throw new IllegalArgumentException("f64 is the exact oracle's input only");
        }
        byte[] scratch = new byte[CHUNK_BLOCKS * MxPlan.BLOCK * 4];
        for (int done = 0; done < blocks; done += CHUNK_BLOCKS) {
            int n = Math.min(CHUNK_BLOCKS, blocks - done);
            int at = first + done * MxPlan.BLOCK;
            if (source == SourceFormat.BF16) {
                widenBFloat16(in, at, n * MxPlan.BLOCK, scratch);
            } else {
                widenFloat16(in, at, n * MxPlan.BLOCK, scratch);
            }
            quantizeFloat32(plan, scratch, 0, n, codes, at, scales, firstBlock + done);
        }
    }

    private static void quantizeFloat32(MxPlan plan, byte[] in, int first, int blocks, byte[] codes, int firstCode,
                                        byte[] scales, int firstBlock) {
        if (plan.integer()) {
            quantizeToInteger(plan, in, first, blocks, codes, firstCode, scales, firstBlock);
        } else {
            quantizeToFloat(plan, in, first, blocks, codes, firstCode, scales, firstBlock);
        }
    }

    /** The block's largest |x| as an FP32 pattern (NaN and Inf patterns order above every finite value). */
    private static int amax(byte[] in, int byteOffset) {
        IntVector magnitudes = loadInts(in, byteOffset).and(0x7FFFFFFF);
        for (int v = 1; v < VECTORS_PER_BLOCK; v++) {
            magnitudes = magnitudes.max(loadInts(in, byteOffset + v * LANES * 4).and(0x7FFFFFFF));
        }
        return magnitudes.reduceLanes(VectorOperators.MAX);
    }

    /** The divisor 2^-s of a finite block's scale code, or 0 when the knobs write every element as ±0. */
    private static float divisor(MxPlan plan, int amax, int scale) {
        return plan.zeroesElements(amax) ? 0.0f : MxPlan.powerOfTwo(127 - scale);
    }

    /**
     * The scale code: FLOOR on a normal amax straight from its exponent field (OCP MX §6.3), every other case
     * through {@link MxPlan#scaleCode}.
     */
    private static int scaleCode(MxPlan plan, boolean floor, int emax, int amax) {
        if (floor && amax >= 0x00800000) {
            return Math.max(0, Math.min(254, (amax >>> 23) - emax)); // shared_exp + 127, clamped to [-127, 127]
        }
        return plan.scaleCode(amax);
    }

    private static void quantizeToFloat(MxPlan plan, byte[] in, int first, int blocks, byte[] codes, int firstCode,
                                        byte[] scales, int firstBlock) {
        if (plan.roundHalfAway()) {
            quantizeToFloatAway(plan, in, first, blocks, codes, firstCode, scales, firstBlock);
            return;
        }
        boolean floor = plan.knobs().scaleRule() == org.lowbit.spec.ScaleRule.FLOOR;
        boolean plain = !plan.zeroesAnyElements();
        quantizeQuadsNearestEven(plan, in, first, blocks, codes, firstCode, scales, firstBlock, floor, plain);
    }

    /**
     * The hot path, RNE float elements under any scale rule (ocp-mx-1.0, the torchao and Triton profiles), on quads
     * of four blocks read in {@link #STREAMS} interleaved streams. Per quad:
     * <ol>
     *   <li>{@link #pairMaxima}, twice: the lane-wise max |x| of two blocks merged into one vector (one blend pair,
     *       one permute), then folded across lanes by permutes that keep each block's lanes apart; lanes 0 and 1
     *       are the two amaxes. No reduction per block, no round trip through memory;</li>
     *   <li>{@link #encodeQuad}: each block's scale code in scalar code ({@link #scaleCode}: FLOOR straight from the
     *       exponent field, OCP MX §6.3; every other rule through {@link MxPlan#scaleCode}) and its divisor 2^-s,
     *       then the element codes, re-reading the quad from L1 right after its maxima.</li>
     * </ol>
     * The call's quads are cut into {@link #STREAMS} contiguous quarters, and the loop takes one quad of each in
     * turn. On this project's Xeon (Emerald Rapids, KVM) a single read stream with some arithmetic per cache line
     * runs far below the copy's bandwidth, and the same work on several streams runs near it: the hardware
     * prefetcher follows each stream on its own (README, "Performance"). A quad with a NaN or Inf, or a scale
     * code of 254 (divisor 2^-127, an FP32 subnormal), goes through {@link #quantizeBlocksToFloat} instead, as do
     * the last {@code blocks mod 4}. Vectors never cross a call (a vector that does is boxed): the maxima come
     * back as two ints in a long.
     */
    private static void quantizeQuadsNearestEven(MxPlan plan, byte[] in, int first, int blocks, byte[] codes,
                                                 int firstCode, byte[] scales, int firstBlock, boolean floor, boolean plain) {
        NearestEven rounding = new NearestEven(plan);
        int emax = plan.format().element().emax();
        int quads = blocks / QUAD;
        int perStream = Math.ceilDiv(quads, STREAMS);
        for (int i = 0; i < perStream * STREAMS; i++) {
            int q = (i % STREAMS) * perStream + i / STREAMS;
            if (q >= quads) {
                continue;
            }
            int qb = q * QUAD;
            int base = (first + qb * MxPlan.BLOCK) * 4;
            long low = pairMaxima(in, base);
            long high = pairMaxima(in, base + 2 * MxPlan.BLOCK * 4);
            if (!encodeQuad(plan, floor, plain, emax, rounding, low, high, in, base, codes, firstCode + qb * MxPlan.BLOCK,
                    scales, firstBlock + qb)) {
                quantizeBlocksToFloat(plan, in, first, qb, qb + QUAD, codes, firstCode, scales, firstBlock, floor, plain);
            }
        }
        int done = quads * QUAD;
        quantizeBlocksToFloat(plan, in, first, done, blocks, codes, firstCode, scales, firstBlock, floor, plain);
    }

    /** The FP32 bits of 2^-s for scale code s below 254, or of 0 when the knobs write every element as ±0. */
    private static int divisorBits(MxPlan plan, boolean plain, int amax, int scale) {
        return plain || !plan.zeroesElements(amax) ? (254 - scale) << 23 : 0;
    }

    /**
     * The amaxes (FP32 patterns of max |x|) of the two blocks at {@code base}: block 0's in the low int, block
     * 1's in the high. The two lane-wise maxima share one vector, block 0 in the even lanes and block 1 in the
     * odd (after one exchange of neighbouring lanes); exchanges at distance 2, 4, 8 keep the parity, so lane 0
     * ends with block 0's max over all lanes and lane 1 with block 1's.
     */
    private static long pairMaxima(byte[] in, int base) {
        int second = base + MxPlan.BLOCK * 4;
        IntVector even = loadInts(in, base).and(0x7FFFFFFF);
        IntVector odd = loadInts(in, second).and(0x7FFFFFFF);
        for (int v = 1; v < VECTORS_PER_BLOCK; v++) {
            even = even.max(loadInts(in, base + v * LANES * 4).and(0x7FFFFFFF));
            odd = odd.max(loadInts(in, second + v * LANES * 4).and(0x7FFFFFFF));
        }
        IntVector pair = even.blend(odd, ODD_LANES).max(odd.blend(even, ODD_LANES).rearrange(SWAP_1));
        pair = pair.max(pair.rearrange(SWAP_2)); // SWAP_d is the identity where d ≥ LANES
        pair = pair.max(pair.rearrange(SWAP_4));
        pair = pair.max(pair.rearrange(SWAP_8));
        return (pair.lane(0) & 0xFFFFFFFFL) | (long) pair.lane(1) << 32;
    }

    /** The constants of RNE float encoding (SPEC.md §3) for one plan. */
    private record NearestEven(int m, int maxCode, int signShift, int minNormalBits, float subnormalQuantum,
                               int subnormalQuantumBits, int roundingBias) {
        NearestEven(MxPlan plan) {
            this(plan.mantissaBits(), plan.maxCode(), plan.codeBits() - 1,
                    (128 - plan.bias()) << 23,                                   // 2^(1-bias), the smallest normal
                    MxPlan.powerOfTwo(24 - plan.bias() - plan.mantissaBits()),   // 2^23 quanta of 2^(1-bias-m)
                    Float.floatToRawIntBits(MxPlan.powerOfTwo(24 - plan.bias() - plan.mantissaBits())),
                    // half an ulp less one, with the exponent rebias (127 - bias) << 23 folded in
                    (1 << (22 - plan.mantissaBits())) - 1 - ((127 - plan.bias()) << 23));
        }
    }

    /**
     * The quad at {@code base}, from its amaxes (two per long, as {@link #pairMaxima} gives them): the four scale
     * codes to {@code scales}, then the element codes, block j divided by 2^s_j, RNE and saturating. Returns false,
     * writing nothing, when a block needs the block-by-block path: NaN or Inf (WHOLE_BLOCK_NAN), or a scale code
     * of 254. The scalar work is here rather than in the caller, where the inlined maxima leave the JIT no node
     * budget to inline {@link #scaleCode}.
     */
    private static boolean encodeQuad(MxPlan plan, boolean floor, boolean plain, int emax, NearestEven r, long low,
                                      long high, byte[] in, int base, byte[] codes, int codeBase, byte[] scales, int scaleAt) {
        int a0 = (int) low, a1 = (int) (low >>> 32), a2 = (int) high, a3 = (int) (high >>> 32);
        if (Math.max(Math.max(a0, a1), Math.max(a2, a3)) >= 0x7F800000) {
            return false;
        }
        int c0 = scaleCode(plan, floor, emax, a0), c1 = scaleCode(plan, floor, emax, a1);
        int c2 = scaleCode(plan, floor, emax, a2), c3 = scaleCode(plan, floor, emax, a3);
        if (Math.max(Math.max(c0, c1), Math.max(c2, c3)) >= 254) {
            return false;
        }
        scales[scaleAt] = (byte) c0;
        scales[scaleAt + 1] = (byte) c1;
        scales[scaleAt + 2] = (byte) c2;
        scales[scaleAt + 3] = (byte) c3;
        int d0 = divisorBits(plan, plain, a0, c0), d1 = divisorBits(plan, plain, a1, c1);
        int d2 = divisorBits(plan, plain, a2, c2), d3 = divisorBits(plan, plain, a3, c3);
        int shift = 23 - r.m();
        int roundingBias = r.roundingBias();
        float subnormalQuantum = r.subnormalQuantum();
        int subnormalQuantumBits = r.subnormalQuantumBits();
        int minNormalBits = r.minNormalBits();
        int maxCode = r.maxCode();
        int signShift = r.signShift();
        int signMask = 1 << signShift;
        for (int j = 0; j < QUAD; j++) {
            float d = Float.intBitsToFloat(j == 0 ? d0 : j == 1 ? d1 : j == 2 ? d2 : d3);
            int at = base + j * MxPlan.BLOCK * 4;
            for (int v = 0; v < VECTORS_PER_BLOCK; v++) {
                IntVector y = loadInts(in, at + v * LANES * 4).reinterpretAsFloats().mul(d).reinterpretAsInts();
                IntVector a = y.and(0x7FFFFFFF);
                // normal elements: ties-to-even on the FP32 pattern and the exponent rebiased, in one add
                IntVector normal = a.add(a.lanewise(VectorOperators.LSHR, shift).and(1).add(roundingBias))
                        .lanewise(VectorOperators.LSHR, shift); // negative sums are only in subnormal lanes
                // subnormal elements: an FP32 add rounds |y| to a multiple of the quantum (ties to even)
                IntVector subnormal = a.reinterpretAsFloats().add(subnormalQuantum).reinterpretAsInts()
                        .sub(subnormalQuantumBits);
                IntVector code = normal.blend(subnormal, a.compare(VectorOperators.LT, minNormalBits)).min(maxCode)
                        .or(y.lanewise(VectorOperators.LSHR, 31 - signShift).and(signMask));
                ByteVector bytes = (ByteVector) code.convertShape(VectorOperators.I2B, CODES, 0);
                if (MASKED_CODES) {
                    bytes.intoArray(codes, codeBase + j * MxPlan.BLOCK + v * LANES, CODE_LANES);
                } else {
                    bytes.intoArray(codes, codeBase + j * MxPlan.BLOCK + v * LANES);
                }
            }
        }
        return true;
    }

    /** {@link #encodeFloat} for RNE without a shift per lane (see quantizeToFloat). */
    private static IntVector encodeFloatNearestEven(IntVector y, int m, int maxCode, int signShift, int minNormalBits,
                                                    float subnormalQuantum, int rebias) {
        IntVector a = y.and(0x7FFFFFFF);
        IntVector normal = a.add(a.lanewise(VectorOperators.LSHR, 23 - m).and(1).add((1 << (22 - m)) - 1))
                .lanewise(VectorOperators.LSHR, 23 - m).sub(rebias);
        IntVector subnormal = a.reinterpretAsFloats().add(subnormalQuantum).reinterpretAsInts()
                .sub(Float.floatToRawIntBits(subnormalQuantum));
        return normal.blend(subnormal, a.compare(VectorOperators.LT, minNormalBits)).min(maxCode)
                .or(y.lanewise(VectorOperators.LSHR, 31).lanewise(VectorOperators.LSHL, signShift));
    }

    /** Blocks {@code [from, to)} one by one: the per-block amax reduction and {@link MxPlan#scaleCode}. */
    private static void quantizeBlocksToFloat(MxPlan plan, byte[] in, int first, int from, int to, byte[] codes,
                                              int firstCode, byte[] scales, int firstBlock, boolean floor, boolean plain) {
        int m = plan.mantissaBits();
        int maxCode = plan.maxCode();
        int signShift = plan.codeBits() - 1;
        int minNormalBits = (128 - plan.bias()) << 23;
        float subnormalQuantum = MxPlan.powerOfTwo(24 - plan.bias() - m);
        int rebias = (127 - plan.bias()) << m;
        int emax = plan.format().element().emax();
        for (int b = from; b < to; b++) {
            int base = (first + b * MxPlan.BLOCK) * 4;
            int codeBase = firstCode + b * MxPlan.BLOCK;
            int amax = amax(in, base);
            if (amax >= 0x7F800000) { // WHOLE_BLOCK_NAN: scale 0xFF, element codes 0
                java.util.Arrays.fill(codes, codeBase, codeBase + MxPlan.BLOCK, (byte) 0);
                scales[firstBlock + b] = (byte) MxPlan.NAN_SCALE;
                continue;
            }
            int scale = scaleCode(plan, floor, emax, amax);
            float d = plain ? MxPlan.powerOfTwo(127 - scale) : divisor(plan, amax, scale);
            for (int v = 0; v < VECTORS_PER_BLOCK; v++) {
                IntVector y = loadInts(in, base + v * LANES * 4).reinterpretAsFloats().mul(d).reinterpretAsInts();
                storeCodes(encodeFloatNearestEven(y, m, maxCode, signShift, minNormalBits, subnormalQuantum, rebias),
                        codes, codeBase + v * LANES);
            }
            scales[firstBlock + b] = (byte) scale;
        }
    }

    /** Float elements with ties away from zero (microxcaling): integer rounding with a shift per lane. */
    private static void quantizeToFloatAway(MxPlan plan, byte[] in, int first, int blocks, byte[] codes, int firstCode,
                                            byte[] scales, int firstBlock) {
        int m = plan.mantissaBits();
        int rebias = plan.bias() - 127;
        int maxCode = plan.maxCode();
        int signShift = plan.codeBits() - 1;
        for (int b = 0; b < blocks; b++) {
            int base = (first + b * MxPlan.BLOCK) * 4;
            int codeBase = firstCode + b * MxPlan.BLOCK;
            int amax = amax(in, base);
            if (amax >= 0x7F800000) {
                java.util.Arrays.fill(codes, codeBase, codeBase + MxPlan.BLOCK, (byte) 0);
                scales[firstBlock + b] = (byte) MxPlan.NAN_SCALE;
                continue;
            }
            int scale = plan.scaleCode(amax);
            float d = divisor(plan, amax, scale);
            for (int v = 0; v < VECTORS_PER_BLOCK; v++) {
                IntVector y = loadInts(in, base + v * LANES * 4).reinterpretAsFloats().mul(d).reinterpretAsInts();
                storeCodes(encodeFloat(y, m, rebias, maxCode, signShift, true), codes, codeBase + v * LANES);
            }
            scales[firstBlock + b] = (byte) scale;
        }
    }

    private static void quantizeToInteger(MxPlan plan, byte[] in, int first, int blocks, byte[] codes, int firstCode,
                                          byte[] scales, int firstBlock) {
        int fractionBits = plan.mantissaBits();
        int maxCode = plan.maxCode();
        boolean away = plan.roundHalfAway();
        for (int b = 0; b < blocks; b++) {
            int base = (first + b * MxPlan.BLOCK) * 4;
            int codeBase = firstCode + b * MxPlan.BLOCK;
            int amax = amax(in, base);
            if (amax >= 0x7F800000) {
                java.util.Arrays.fill(codes, codeBase, codeBase + MxPlan.BLOCK, (byte) 0);
                scales[firstBlock + b] = (byte) MxPlan.NAN_SCALE;
                continue;
            }
            int scale = plan.scaleCode(amax);
            float d = divisor(plan, amax, scale);
            for (int v = 0; v < VECTORS_PER_BLOCK; v++) {
                IntVector y = loadInts(in, base + v * LANES * 4).reinterpretAsFloats().mul(d).reinterpretAsInts();
                storeCodes(encodeInteger(y, fractionBits, maxCode, away), codes, codeBase + v * LANES);
            }
            scales[firstBlock + b] = (byte) scale;
        }
    }

    /** {@link MxPlan#encode} for a float element, lane by lane: RNE (or RNA) on the integer significand, saturating. */
    private static IntVector encodeFloat(IntVector y, int m, int rebias, int maxCode, int signShift, boolean away) {
        IntVector a = y.and(0x7FFFFFFF);
        IntVector t = a.lanewise(VectorOperators.LSHR, 23).add(rebias);  // the element's biased exponent
        IntVector tc = t.max(1);                                          // subnormals share exponent field 1
        IntVector shift = tc.sub(t).add(23 - m).min(25);
        IntVector sig = a.and(0x7FFFFF).or(0x800000);
        IntVector code = tc.sub(1).lanewise(VectorOperators.LSHL, m).add(round(sig, shift, away)).min(maxCode);
        return code.or(y.lanewise(VectorOperators.LSHR, 31).lanewise(VectorOperators.LSHL, signShift));
    }

    /** {@link MxPlan#encode} for MXINT8: |y| · 2^fractionBits rounded, saturated, two's complement. */
    private static IntVector encodeInteger(IntVector y, int fractionBits, int maxCode, boolean away) {
        IntVector a = y.and(0x7FFFFFFF);
        IntVector shift = IntVector.broadcast(INT, 150 - fractionBits).sub(a.lanewise(VectorOperators.LSHR, 23)).min(25);
        IntVector q = round(a.and(0x7FFFFF).or(0x800000), shift, away).min(maxCode);
        return q.blend(q.neg(), y.compare(VectorOperators.LT, 0)).and(0xFF);
    }

    /** sig / 2^shift rounded to an integer, ties to even (or away): shift is in [1, 25], sig below 2^24. */
    private static IntVector round(IntVector sig, IntVector shift, boolean away) {
        IntVector half = IntVector.broadcast(INT, 1).lanewise(VectorOperators.LSHL, shift.sub(1));
        IntVector bias = away ? half : half.sub(1).add(sig.lanewise(VectorOperators.LSHR, shift).and(1));
        return sig.add(bias).lanewise(VectorOperators.LSHR, shift);
    }

    /** BF16 patterns to FP32 patterns (the top half), {@code count} of them into {@code out} from 0. */
    private static void widenBFloat16(byte[] in, int first, int count, byte[] out) {
        int touched = 0;
        for (int i = 0; i < count; i += LANES) {
            loadHalves(in, first + i).lanewise(VectorOperators.LSHL, 16).reinterpretAsBytes().intoArray(out, i * 4);
            touched += in[Math.min(2 * (first + i) + TOUCH_AHEAD, in.length - 1)]; // a page ahead: the misses then overlap the arithmetic
        }
        touchSink = touched;
    }

    /**
     * binary16 to binary32 patterns, exactly, in integer and normal-FP32 arithmetic only: a normal's fields
     * shifted into place and its exponent rebiased by 127 - 15; a subnormal's (or zero's) 10-bit integer
     * converted and multiplied by 2^-24; Inf and NaN keep their payload. (Rescaling the shifted pattern by
     * 2^112 would give the same bits, but a subnormal FP32 operand costs a microcode assist of some hundred
     * cycles on x86.)
     */
    private static void widenFloat16(byte[] in, int first, int count, byte[] out) {
        int touched = 0;
        for (int i = 0; i < count; i += LANES) {
            IntVector h = loadHalves(in, first + i);
            IntVector sign = h.and(0x8000).lanewise(VectorOperators.LSHL, 16);
            IntVector magnitude = h.and(0x7FFF);
            IntVector shifted = magnitude.lanewise(VectorOperators.LSHL, 13);
            IntVector normal = shifted.add(112 << 23);
            IntVector subnormal = ((FloatVector) magnitude.convert(VectorOperators.I2F, 0)).mul(MxPlan.powerOfTwo(-24))
                    .reinterpretAsInts();
            IntVector special = shifted.or(0x7F800000);
            normal.blend(subnormal, magnitude.compare(VectorOperators.LT, 0x0400))
                    .blend(special, magnitude.compare(VectorOperators.GE, 0x7C00)).or(sign)
                    .reinterpretAsBytes().intoArray(out, i * 4);
            touched += in[Math.min(2 * (first + i) + TOUCH_AHEAD, in.length - 1)]; // a page ahead: the misses then overlap the arithmetic
        }
        touchSink = touched;
    }

    // ---------------------------------------------------------------------------------------------
    // Dequantize: to FP32 in the hot loops; BF16 and FP16 are narrowed from an FP32 scratch array.

    @Override
    public void dequantize(MxPlan plan, SourceFormat output, byte[] codes, int first, int blocks, byte[] scales,
                           int firstBlock, byte[] out) {
        if (output == SourceFormat.FP32) {
            dequantizeToFloat32(plan, codes, first, blocks, scales, firstBlock, out, first);
            return;
        }
        if (output == SourceFormat.FP64) {
            throw new IllegalArgumentException("f64 output");
        }
        byte[] scratch = new byte[CHUNK_BLOCKS * MxPlan.BLOCK * 4];
        for (int done = 0; done < blocks; done += CHUNK_BLOCKS) {
            int n = Math.min(CHUNK_BLOCKS, blocks - done);
            int at = first + done * MxPlan.BLOCK;
            dequantizeToFloat32(plan, codes, at, n, scales, firstBlock + done, scratch, 0);
            if (output == SourceFormat.BF16) {
                narrowToBFloat16(scratch, n * MxPlan.BLOCK, out, at);
            } else {
                narrowToFloat16(scratch, n * MxPlan.BLOCK, out, at);
            }
        }
    }

    private static void dequantizeToFloat32(MxPlan plan, byte[] codes, int first, int blocks, byte[] scales,
                                            int firstBlock, byte[] out, int firstOut) {
        if (plan.integer()) {
            dequantizeInteger(plan, codes, first, blocks, scales, firstBlock, out, firstOut);
        } else {
            dequantizeFloat(plan, codes, first, blocks, scales, firstBlock, out, firstOut);
        }
    }

    /**
     * Float elements: a normal code's exponent and mantissa moved into FP32's fields and rebiased, a
     * subnormal code's integer times its quantum, is the element's exact value (never an FP32 subnormal, which
     * the CPU handles slowly); one IEEE multiply by 2^s then rounds P · X once
     * (SPEC.md §8.7). NaN and Inf codes are blended in; a NaN scale makes the block's values +NaN.
     */
    private static void dequantizeFloat(MxPlan plan, byte[] codes, int first, int blocks, byte[] scales,
                                        int firstBlock, byte[] out, int firstOut) {
        int bits = plan.codeBits();
        int codeMask = (1 << bits) - 1;
        int magnitudeMask = (1 << (bits - 1)) - 1;
        int fieldShift = 23 - plan.mantissaBits();
        int rebias = (127 - plan.bias()) << 23;
        int firstNormal = 1 << plan.mantissaBits();
        float quantum = MxPlan.powerOfTwo(1 - plan.bias() - plan.mantissaBits());
        int nanFrom = plan.nanMagnitude() > 0 ? plan.nanMagnitude() : Integer.MAX_VALUE;
        int infinity = plan.infinityMagnitude() > 0 ? plan.infinityMagnitude() : Integer.MAX_VALUE;
        for (int b = 0; b < blocks; b++) {
            int codeBase = first + b * MxPlan.BLOCK;
            int outBase = (firstOut + b * MxPlan.BLOCK) * 4;
            int scale = scales[firstBlock + b] & 0xFF;
            float factor = MxPlan.powerOfTwo(scale - 127);
            for (int v = 0; v < VECTORS_PER_BLOCK; v++) {
                IntVector code = loadCodes(codes, codeBase + v * LANES).and(codeMask);
                IntVector magnitude = code.and(magnitudeMask);
                IntVector sign = code.lanewise(VectorOperators.LSHR, bits - 1).lanewise(VectorOperators.LSHL, 31);
                // a normal code's fields moved into FP32's and rebiased; a subnormal code is its integer · quantum
                IntVector normal = magnitude.lanewise(VectorOperators.LSHL, fieldShift).add(rebias);
                IntVector subnormal = ((FloatVector) magnitude.convert(VectorOperators.I2F, 0)).mul(quantum).reinterpretAsInts();
                IntVector value = normal.blend(subnormal, magnitude.compare(VectorOperators.LT, firstNormal))
                        .reinterpretAsFloats().mul(factor).reinterpretAsInts().or(sign);
                value = value.blend(sign.or(0x7F800000), magnitude.compare(VectorOperators.EQ, infinity))
                        .blend(sign.or(0x7FC00000), magnitude.compare(VectorOperators.GE, nanFrom));
                if (scale == MxPlan.NAN_SCALE) { // every value +NaN (OCP MX §5.1)
                    value = IntVector.broadcast(INT, 0x7FC00000);
                }
                value.reinterpretAsBytes().intoArray(out, outBase + v * LANES * 4);
            }
        }
    }

    /** MXINT8: code · 2^-6 (exact) times 2^s, one rounding. */
    private static void dequantizeInteger(MxPlan plan, byte[] codes, int first, int blocks, byte[] scales,
                                          int firstBlock, byte[] out, int firstOut) {
        float fraction = MxPlan.powerOfTwo(-plan.mantissaBits());
        for (int b = 0; b < blocks; b++) {
            int codeBase = first + b * MxPlan.BLOCK;
            int outBase = (firstOut + b * MxPlan.BLOCK) * 4;
            int scale = scales[firstBlock + b] & 0xFF;
            float factor = MxPlan.powerOfTwo(scale - 127);
            for (int v = 0; v < VECTORS_PER_BLOCK; v++) {
                IntVector value = scale == MxPlan.NAN_SCALE ? IntVector.broadcast(INT, 0x7FC00000)
                        : ((FloatVector) loadCodes(codes, codeBase + v * LANES).convert(VectorOperators.I2F, 0))
                                .mul(fraction).mul(factor).reinterpretAsInts();
                value.reinterpretAsBytes().intoArray(out, outBase + v * LANES * 4);
            }
        }
    }

    private static void narrowToBFloat16(byte[] in, int count, byte[] out, int first) {
        for (int i = 0; i < count; i += LANES) {
            storeHalves(toBFloat16(loadInts(in, i * 4)), out, first + i);
        }
    }

    private static void narrowToFloat16(byte[] in, int count, byte[] out, int first) {
        for (int i = 0; i < count; i += LANES) {
            storeHalves(toFloat16(loadInts(in, i * 4)), out, first + i);
        }
    }

    /** FP32 to BF16, ties to even on the pattern; NaN (0x7FC00000 with a sign) and Inf map exactly. */
    private static IntVector toBFloat16(IntVector f) {
        IntVector lsb = f.lanewise(VectorOperators.LSHR, 16).and(1);
        return f.add(lsb.add(0x7FFF)).lanewise(VectorOperators.LSHR, 16);
    }

    /** FP32 to binary16, ties to even, overflow to Inf; NaN to the quiet NaN with its sign. */
    private static IntVector toFloat16(IntVector f) {
        IntVector a = f.and(0x7FFFFFFF);
        IntVector t = a.lanewise(VectorOperators.LSHR, 23).sub(127 - 15);
        IntVector tc = t.max(1);
        IntVector shift = tc.sub(t).add(13).min(25);
        IntVector sig = a.and(0x7FFFFF).or(0x800000);
        IntVector h = tc.sub(1).lanewise(VectorOperators.LSHL, 10).add(round(sig, shift, false)).min(0x7C00);
        h = h.blend(IntVector.broadcast(INT, 0x7E00), a.compare(VectorOperators.GT, 0x7F800000));
        return h.or(f.lanewise(VectorOperators.LSHR, 16).and(0x8000));
    }
}
