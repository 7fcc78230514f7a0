// Scaled formats (SPEC.md §11) on the GPU: INT8 per tensor/channel/token/block, FP8 E4M3 per block, INT4
// groups (AWQ, GPTQ, HQQ) and GGUF Q4_0/Q4_1/Q8_0. Included at the end of lowbit.cu; it uses that file's
// load_source, Elem, encode_f32 and cvt_e4m3, and nothing else of it.
//
// The op sequences are those of the reference (reference/.../scaled/BlockRules.java), one IEEE operation
// at a time in the arithmetic precision P (§11.3.1 step 3): an FP16 or BF16 operation is the FP32 result
// rounded to P, which is the correctly rounded result for + − × ÷ of two P values (24 ≥ 2p + 2, as
// PyTorch's op math). Comparisons, |x|, negation, max and min are exact; ties in max/min keep the first
// element in block order, as the reference's sequential scans do (the sign of a zero depends on it).
//
// One warp per block of the scale grid (per tensor: one warp per row, with the amax of a first pass).
// Lanes take consecutive columns, so loads are coalesced; the warp reads its block twice (stats, codes).
//
// Measured (CudaScaledCheck bench, H200, 16384×8192 bf16, 2026-11-27; no gate for these formats): against
// cuMemcpyDtoD of the input (about 3950 GB/s read + write), int8 per token 0.19×, per tensor 0.20×, per
// channel (fp16 arithmetic) 0.15×, 1×128 and 128×128 blocks 0.05–0.10×, int4 groups 0.06–0.09×, GGUF 0.04–0.05×.
// 16-byte loads doubled the long-row cases (0.11× before); for 1×128 and 1×32 blocks of 16-bit input they
// left most lanes idle and were slower, so those keep one element a lane. Next step for them: several
// blocks per warp (a lane group per block, as lowbit.cu's wide MX kernels do) and one pass over the block.
#pragma once

// Precision (ScaledPolicies.Precision order), rules, applications, roundings, zero points: the Java enum
// ordinals, passed by CudaScaledOps.
enum ScaledPrecision { SP_F32 = 0, SP_F16 = 1, SP_BF16 = 2 };
enum ScaledRule { SR_ABSMAX = 0, SR_ABSMAX_HALF_STEP = 1, SR_AWQ = 2, SR_GPTQ_SYM = 3, SR_GPTQ_ASYM = 4, SR_HQQ = 5,
                  SR_Q4_0 = 6, SR_Q4_1 = 7 };
enum ScaledApplication { SA_DIVIDE = 0, SA_RECIPROCAL = 1, SA_QMAX_OVER_AMAX = 2 };
enum ScaledRounding { SCR_RNE = 0, SCR_RNA = 1, SCR_RZ = 2 };
enum ScaledZero { SZ_NONE = 0, SZ_IMPLICIT = 1, SZ_INTEGER = 2, SZ_FLOAT = 3, SZ_MIN = 4 };
enum ScaledElement { SE_INT8 = 0, SE_INT4 = 1, SE_UINT4 = 2, SE_FP8 = 3 };
// Rejections, reported as (kind << 40) | index through atomicMin; the host words the message.
enum ScaledError { SE_BAD_INPUT = 1, SE_BAD_SCALE = 2, SE_BAD_ZERO = 3, SE_BAD_CAST = 4 };

// The knobs of one scaled quantization, resolved on the host (CudaScaledOps.quantizeParams keeps this order).
struct Scaled {
    int rows, cols, blockRows, blockCols, scaleCols, blocks;
    int rule, application, scalarDivision, rounding, arithmetic, scaleDtype;
    int lo, hi, codeMask;       // integer codes: clamp range and the code's bits
    int fp8, fp8Fast, ue8m0, zeroRounded, perTensor;
    float divisor;              // ABSMAX: qmax or (qmax − qmin)/2; AWQ, GPTQ, HQQ: 15
    float divisorReciprocal;    // fl32(1/divisor), PyTorch's scalar division (§11.3.1 step 4)
    float amaxFloor;            // P(fl32(literal)); 0: none
    float zeroScaleEpsilon;     // P(eps(scale dtype)) under zero scale EPSILON; 0 under KEEP_ZERO
    float hqqSmallRange;        // P(fl32(1e-4))
};

// ------------------------------------------------------------------------------------------------
// One operation in P (§11.3.1 step 3).

__device__ __forceinline__ float sc_round(int p, float v) {
    if (p == SP_F32) return v;
    if (p == SP_F16) return __half2float(__float2half_rn(v));
    uint32_t b = __float_as_uint(v);
    if ((b & 0x7FFFFFFFu) > 0x7F800000u) return v;
    return __uint_as_float((b + 0x7FFFu + ((b >> 16) & 1u)) & 0xFFFF0000u);  // RNE to bf16, overflow to Inf
}
__device__ __forceinline__ float sc_add(int p, float a, float b) { return sc_round(p, __fadd_rn(a, b)); }
__device__ __forceinline__ float sc_sub(int p, float a, float b) { return sc_round(p, __fsub_rn(a, b)); }
__device__ __forceinline__ float sc_mul(int p, float a, float b) { return sc_round(p, __fmul_rn(a, b)); }
__device__ __forceinline__ float sc_div(int p, float a, float b) { return sc_round(p, __fdiv_rn(a, b)); }

// x ⊘ c: one division, or PyTorch-on-CUDA's fl(x · fl32(1/c)) then P (Arithmetic.divByConstant).
__device__ __forceinline__ float sc_div_by_constant(const Scaled &p, float x, float c, float cReciprocal) {
    return p.scalarDivision == 0 ? sc_div(p.arithmetic, x, c) : sc_round(p.arithmetic, __fmul_rn(x, cReciprocal));
}

// c ⊘ x: one division, or PyTorch's x.reciprocal() * c (Arithmetic.constantDivBy).
__device__ __forceinline__ float sc_constant_div_by(const Scaled &p, float c, float x) {
    if (p.scalarDivision == 0) return sc_div(p.arithmetic, c, x);
    return sc_round(p.arithmetic, __fmul_rn(sc_div(p.arithmetic, 1.0f, x), c));
}

// P(1/s), 0 when s = 0 (ggml's d ? 1/d : 0): the RECIPROCAL_MULTIPLY factor, once per block.
__device__ __forceinline__ float sc_reciprocal(const Scaled &p, float s) {
    return s != 0.0f ? sc_div(p.arithmetic, 1.0f, s) : 0.0f;
}

// x / s or x · P(1/s) (BlockRules.apply), the factor given.
__device__ __forceinline__ float sc_apply(const Scaled &p, float x, float s, float reciprocal) {
    return p.application == SA_DIVIDE ? sc_div(p.arithmetic, x, s) : sc_mul(p.arithmetic, x, reciprocal);
}

// The bits of v rounded (RNE) to precision p; NaN is the positive quiet NaN (FloatRounding.toBits).
__device__ __forceinline__ uint32_t sc_bits(int p, float v) {
    if (isnan(v)) return p == SP_F32 ? 0x7FC00000u : p == SP_F16 ? 0x7E00u : 0x7FC0u;
    if (p == SP_F32) return __float_as_uint(v);
    if (p == SP_F16) return __half_as_ushort(__float2half_rn(v));
    return __float_as_uint(sc_round(SP_BF16, v)) >> 16;
}

__device__ __forceinline__ float sc_from_bits(int p, uint32_t bits) {
    if (p == SP_F32) return __uint_as_float(bits);
    if (p == SP_F16) return __half2float(__ushort_as_half((unsigned short) bits));
    return __uint_as_float(bits << 16);
}

__device__ __forceinline__ float sc_clamp(float x, float lo, float hi) { return x < lo ? lo : (x > hi ? hi : x); }

// Java's (int) of a float already in int range: NaN is 0.
__device__ __forceinline__ int sc_int(float x) { return isnan(x) ? 0 : (int) x; }

__device__ __forceinline__ void sc_report(unsigned long long *error, int kind, int64_t index) {
    atomicMin(error, ((unsigned long long) kind << 40) | (unsigned long long) index);
}

// Element i as a value of P; a non-finite input or one that overflows P is a rejection (§11.3.1 step 1).
template <int SRC>
__device__ __forceinline__ float sc_load(const void *in, int64_t i, int p, unsigned long long *error) {
    float f = __uint_as_float(load_source<SRC>(in, i));
    float x = sc_round(p, f);
    if (!isfinite(x)) sc_report(error, SE_BAD_INPUT, i);
    return x;
}

// 16 bytes of input, V elements as values of P, with sc_load's checks; first is a multiple of V.
template <int SRC> struct ScVec {
    static constexpr int V = SRC == 0 ? 4 : 8;
    __device__ static void load(const void *in, int64_t first, int p, unsigned long long *error, float *x) {
        uint4 w = *(const uint4 *) ((const char *) in + first * (SRC == 0 ? 4 : 2));
        uint32_t ws[4] = {w.x, w.y, w.z, w.w};
        bool bad = false;
#pragma unroll
        for (int j = 0; j < V; j++) {
            uint32_t bits = SRC == 0 ? ws[j] : (j & 1 ? ws[j / 2] >> 16 : ws[j / 2] & 0xFFFF);
            if (SRC == 1) bits <<= 16;
            if (SRC == 2) bits = f16_to_f32_bits(bits);
            x[j] = sc_round(p, __uint_as_float(bits));
            bad |= !isfinite(x[j]);
        }
        if (bad) {
            for (int j = 0; j < V; j++) if (!isfinite(x[j])) { sc_report(error, SE_BAD_INPUT, first + j); break; }
        }
    }
};

// DeepGEMM ceil_to_ue8m0: biased exponent + (mantissa ≠ 0), clamped to [1, 254] (BlockRules.ceilToUe8m0).
__device__ __forceinline__ float sc_ceil_ue8m0(float s) {
    uint32_t bits = __float_as_uint(s) & 0x7FFFFFFFu;
    int e = (int) (bits >> 23) + ((bits & 0x7FFFFF) != 0);
    e = e < 1 ? 1 : (e > 254 ? 254 : e);
    return __uint_as_float((uint32_t) e << 23);
}

// A scaled value to an integer code (§11.3.3): NaN gives 0, round, clamp (±Inf to the ends), the code's bits.
__device__ __forceinline__ int sc_integer_code(const Scaled &p, float t) {
    if (isnan(t)) return 0;
    float n = p.rounding == SCR_RNE ? rintf(t) : p.rounding == SCR_RNA ? roundf(t) : truncf(t);
    return (int) sc_clamp(n, (float) p.lo, (float) p.hi) & p.codeMask;
}

__device__ __forceinline__ int sc_fp8_code(const Scaled &p, const Elem &fp8, float t) {
    if (p.fp8Fast && isfinite(t)) return cvt_e4m3(t);
    return encode_f32(fp8, isnan(t) ? 0x7FC00000u : __float_as_uint(t), 0, 0u);  // NaN made positive, as CUDA does
}

// ------------------------------------------------------------------------------------------------
// Block statistics: max and min with the first position on ties, and GGUF Q4_0's first element of
// largest magnitude (strict < scan from 0). Positions are in block order (row-major inside the block).

struct ScaledStats {
    float mx, mn, big, bigValue;
    int mxAt, mnAt, bigAt;
};

__device__ __forceinline__ void sc_stats_add(ScaledStats &s, float x, int k) {
    if (x > s.mx || (x == s.mx && k < s.mxAt)) { s.mx = x; s.mxAt = k; }
    if (x < s.mn || (x == s.mn && k < s.mnAt)) { s.mn = x; s.mnAt = k; }
    float a = fabsf(x);
    if (a > s.big || (a == s.big && a > 0.0f && k < s.bigAt)) { s.big = a; s.bigValue = x; s.bigAt = k; }
}

__device__ __forceinline__ void sc_stats_reduce(ScaledStats &s) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) {
        float mx = __shfl_xor_sync(0xFFFFFFFFu, s.mx, o), mn = __shfl_xor_sync(0xFFFFFFFFu, s.mn, o);
        float big = __shfl_xor_sync(0xFFFFFFFFu, s.big, o), bigValue = __shfl_xor_sync(0xFFFFFFFFu, s.bigValue, o);
        int mxAt = __shfl_xor_sync(0xFFFFFFFFu, s.mxAt, o), mnAt = __shfl_xor_sync(0xFFFFFFFFu, s.mnAt, o);
        int bigAt = __shfl_xor_sync(0xFFFFFFFFu, s.bigAt, o);
        if (mx > s.mx || (mx == s.mx && mxAt < s.mxAt)) { s.mx = mx; s.mxAt = mxAt; }
        if (mn < s.mn || (mn == s.mn && mnAt < s.mnAt)) { s.mn = mn; s.mnAt = mnAt; }
        if (big > s.big || (big == s.big && bigAt < s.bigAt)) { s.big = big; s.bigValue = bigValue; s.bigAt = bigAt; }
    }
}

// ------------------------------------------------------------------------------------------------
// The scale, zero and per-element constants of one block (§11.3.2).

struct ScaledBlock {
    float s;          // the scale the codes use (or GGUF's d, HQQ's inverse)
    float z;          // AWQ/GPTQ integer zero (as a float, NaN possible), HQQ float zero, GGUF Q4_1 min
    float factor;     // RECIPROCAL / QMAX_OVER_AMAX factor, GGUF id
    uint32_t scaleBits, zeroBits;
    int bad;          // ScaledError kind of a block rejection, or 0
};

__device__ ScaledBlock sc_block(const Scaled &p, const ScaledStats &st, float amax) {
    const int P = p.arithmetic;
    ScaledBlock b;
    b.z = 0.0f; b.factor = 0.0f; b.zeroBits = 0; b.bad = 0;
    switch (p.rule) {
        case SR_ABSMAX:
        case SR_ABSMAX_HALF_STEP: {
            if (p.amaxFloor > 0.0f) amax = amax >= p.amaxFloor ? amax : p.amaxFloor;
            float s = sc_div_by_constant(p, amax, p.divisor, p.divisorReciprocal);
            if (p.ue8m0) s = sc_ceil_ue8m0(s);
            if (s == 0.0f && p.zeroScaleEpsilon != 0.0f) s = p.zeroScaleEpsilon;
            if (!isfinite(s)) b.bad = SE_BAD_SCALE;
            b.s = s;
            b.scaleBits = sc_bits(p.scaleDtype, s);
            if (p.application == SA_RECIPROCAL) b.factor = sc_reciprocal(p, s);
            else if (p.application == SA_QMAX_OVER_AMAX) b.factor = sc_constant_div_by(p, p.divisor, amax);
            break;
        }
        case SR_AWQ: {
            float r = sc_sub(P, st.mx, st.mn);
            if (p.amaxFloor > 0.0f) r = r >= p.amaxFloor ? r : p.amaxFloor;
            float s = sc_div_by_constant(p, r, 15.0f, p.divisorReciprocal);
            if (!isfinite(s)) b.bad = SE_BAD_SCALE;
            b.s = s;
            b.factor = sc_reciprocal(p, s);
            b.z = sc_clamp(-rintf(sc_apply(p, st.mn, s, b.factor)), 0.0f, 15.0f) + 0.0f;
            b.scaleBits = sc_bits(p.scaleDtype, s);
            b.zeroBits = (uint32_t) sc_int(b.z);
            break;
        }
        case SR_GPTQ_SYM:
        case SR_GPTQ_ASYM: {
            bool symmetric = p.rule == SR_GPTQ_SYM;
            float xmin = st.mn <= 0.0f ? st.mn : 0.0f, xmax = st.mx >= 0.0f ? st.mx : 0.0f;
            if (symmetric) {
                xmax = fabsf(xmin) >= xmax ? fabsf(xmin) : xmax;
                if (xmin < 0.0f) xmin = -xmax;
            }
            if (xmin == 0.0f && xmax == 0.0f) { xmin = -1.0f; xmax = 1.0f; }
            float s = sc_div_by_constant(p, sc_sub(P, xmax, xmin), 15.0f, p.divisorReciprocal);
            if (!isfinite(s)) b.bad = SE_BAD_SCALE;
            b.s = s;
            b.factor = sc_reciprocal(p, s);
            b.z = symmetric ? 8.0f : rintf(sc_apply(p, -xmin, s, b.factor)) + 0.0f;
            // The reference refuses a zero outside [0, 15] (an IllegalStateException): it happens when the
            // scale of a subnormal range underflows to 0, so −xmin/s is +Inf. Rejected here.
            if (b.z < 0.0f || b.z > 15.0f) b.bad = SE_BAD_ZERO;
            b.scaleBits = sc_bits(p.scaleDtype, s);
            b.zeroBits = (uint32_t) sc_int(b.z);
            break;
        }
        case SR_HQQ: {
            float denom = sc_sub(P, st.mx, st.mn);
            float inverse = sc_constant_div_by(p, 15.0f, denom);
            if (fabsf(denom) <= p.hqqSmallRange) inverse = 1.0f;
            inverse = inverse <= 20000.0f ? inverse : 20000.0f;
            float zero = sc_mul(P, -st.mn, inverse);
            if (p.zeroRounded) zero = rintf(zero);
            if (!isfinite(zero)) b.bad = SE_BAD_ZERO;
            b.s = inverse;
            b.z = zero;
            b.scaleBits = sc_bits(p.scaleDtype, sc_div(P, 1.0f, inverse));
            b.zeroBits = sc_bits(p.scaleDtype, zero);
            break;
        }
        case SR_Q4_0: {
            float m = st.big > 0.0f ? st.bigValue : 0.0f;
            float d = __fdiv_rn(m, -8.0f);
            b.s = d;
            b.factor = d != 0.0f ? __fdiv_rn(1.0f, d) : 0.0f;
            b.scaleBits = sc_bits(p.scaleDtype, d);
            break;
        }
        default: {  // SR_Q4_1: scans from ±FLT_MAX, so an empty comparison keeps them
            float mn = st.mn < 3.4028235e38f ? st.mn : 3.4028235e38f, mx = st.mx > -3.4028235e38f ? st.mx : -3.4028235e38f;
            float d = __fdiv_rn(__fsub_rn(mx, mn), 15.0f);
            b.s = d;
            b.z = mn;
            b.factor = d != 0.0f ? __fdiv_rn(1.0f, d) : 0.0f;
            b.scaleBits = sc_bits(p.scaleDtype, d);
            b.zeroBits = sc_bits(p.scaleDtype, mn);
            break;
        }
    }
    return b;
}

// The code of one element x of the block (0 .. 0xFF), or -1 for a GGUF cast out of range.
__device__ __forceinline__ int sc_code(const Scaled &p, const Elem &fp8, const ScaledBlock &b, float x) {
    const int P = p.arithmetic;
    switch (p.rule) {
        case SR_ABSMAX:
        case SR_ABSMAX_HALF_STEP: {
            float t = p.application == SA_DIVIDE ? sc_div(P, x, b.s) : sc_mul(P, x, b.factor);
            return p.fp8 ? sc_fp8_code(p, fp8, t) : sc_integer_code(p, t);
        }
        case SR_AWQ:
        case SR_GPTQ_SYM:
        case SR_GPTQ_ASYM:
            return sc_int(sc_clamp(sc_add(P, rintf(sc_apply(p, x, b.s, b.factor)), b.z), 0.0f, 15.0f));
        case SR_HQQ:
            return sc_int(sc_clamp(rintf(sc_add(P, sc_mul(P, x, b.s), b.z)), 0.0f, 15.0f));
        case SR_Q4_0: {
            float v = __fadd_rn(__fmul_rn(x, b.factor), 8.5f);
            if (!(v > -1.0f && v < 128.0f)) return -1;  // ggml's (int8_t) cast is undefined there
            int q = (int) v;
            return q < 15 ? q : 15;
        }
        default: {  // SR_Q4_1
            float v = __fadd_rn(__fmul_rn(__fsub_rn(x, b.z), b.factor), 0.5f);
            if (!(v > -1.0f && v < 128.0f)) return -1;
            int q = (int) v;
            return q < 15 ? q : 15;
        }
    }
}

// ------------------------------------------------------------------------------------------------
// Kernels

// Per tensor, first pass: amax of |x| in P as an FP32 pattern (patterns of non-negative floats order as
// the values), and the input checks.
template <int SRC>
__device__ void scaled_amax_body(const void *in, int64_t count, int arithmetic, unsigned int *amax, unsigned long long *error) {
    constexpr int V = ScVec<SRC>::V;
    uint32_t m = 0;
    int64_t t0 = blockIdx.x * (int64_t) blockDim.x + threadIdx.x, stride = (int64_t) gridDim.x * blockDim.x;
    for (int64_t v = t0; v < count / V; v += stride) {
        float x[V];
        ScVec<SRC>::load(in, v * V, arithmetic, error, x);
#pragma unroll
        for (int j = 0; j < V; j++) {
            uint32_t a = __float_as_uint(x[j]) & 0x7FFFFFFFu;
            if (a < 0x7F800000u && a > m) m = a;
        }
    }
    for (int64_t i = count / V * V + t0; i < count; i += stride) {
        uint32_t a = __float_as_uint(sc_load<SRC>(in, i, arithmetic, error)) & 0x7FFFFFFFu;
        if (a < 0x7F800000u && a > m) m = a;
    }
    for (int o = 16; o > 0; o >>= 1) { uint32_t t = __shfl_xor_sync(0xFFFFFFFFu, m, o); m = t > m ? t : m; }
    if ((threadIdx.x & 31) == 0) atomicMax(amax, m);
}
extern "C" __global__ void lowbit_scaled_amax_f32(const void *in, int64_t count, int arithmetic, unsigned int *amax, unsigned long long *error) { scaled_amax_body<0>(in, count, arithmetic, amax, error); }
extern "C" __global__ void lowbit_scaled_amax_bf16(const void *in, int64_t count, int arithmetic, unsigned int *amax, unsigned long long *error) { scaled_amax_body<1>(in, count, arithmetic, amax, error); }
extern "C" __global__ void lowbit_scaled_amax_f16(const void *in, int64_t count, int arithmetic, unsigned int *amax, unsigned long long *error) { scaled_amax_body<2>(in, count, arithmetic, amax, error); }

// Quantize: one warp per block of the scale grid (per tensor: per row, with the amax of the first pass).
// Codes one per byte (codes[r·cols + c]); scales and zeros one 32-bit word per block (bits of the scale
// dtype; the integer zero).
template <int SRC>
__device__ void scaled_quantize_body(const void *in, uint8_t *codes, uint32_t *scales, uint32_t *zeros,
                                     const unsigned int *tensorAmax, unsigned long long *error, const Scaled &p,
                                     const Elem &fp8) {
    const int lane = threadIdx.x & 31;
    const int64_t warps = ((int64_t) gridDim.x * blockDim.x) >> 5;
    const int units = p.perTensor ? p.rows : p.blocks;
    const int br = p.perTensor ? 1 : p.blockRows, bc = p.perTensor ? p.cols : p.blockCols;
    constexpr int V = ScVec<SRC>::V;
    for (int64_t u = ((int64_t) blockIdx.x * blockDim.x + threadIdx.x) >> 5; u < units; u += warps) {
        int r0, c0;
        if (p.perTensor) { r0 = (int) u; c0 = 0; }
        else { r0 = (int) (u / p.scaleCols) * br; c0 = (int) (u % p.scaleCols) * bc; }
        ScaledStats st = {__uint_as_float(0xFF800000u), __uint_as_float(0x7F800000u), 0.0f, 0.0f, 0x7FFFFFFF, 0x7FFFFFFF, 0x7FFFFFFF};
        // Each row of the block holds n present columns; with cols and c0 multiples of V, a lane takes V
        // neighbours at a time in one 16-byte load (8 times the bytes in flight of one element a lane), and
        // the last n mod V one by one.
        const int n = bc < p.cols - c0 ? bc : p.cols - c0;
        // [0, wideEnd) in whole vectors, where a row gives every lane one: for narrower rows (1×128 blocks of
        // 16-bit input, GGUF's 32) one element a lane keeps all 32 lanes computing, which is faster there.
        const int wideEnd = p.cols % V == 0 && c0 % V == 0 && n >= 32 * V ? n / V * V : 0;
        float amax;
        if (p.perTensor) {
            amax = __uint_as_float(*tensorAmax);
        } else {
            // Pass 1: statistics over every position of the block. Missing positions (a ragged edge) are +0;
            // only the first of them can matter (ties keep the first position), so lane 0 adds that one.
            for (int rr = 0; rr < br && r0 + rr < p.rows; rr++) {
                int64_t row = (int64_t) (r0 + rr) * p.cols + c0;
                for (int cc = lane * V; cc < wideEnd; cc += 32 * V) {
                    float x[V];
                    ScVec<SRC>::load(in, row + cc, p.arithmetic, error, x);
#pragma unroll
                    for (int j = 0; j < V; j++) sc_stats_add(st, x[j], rr * bc + cc + j);
                }
                for (int cc = wideEnd + lane; cc < n; cc += 32) sc_stats_add(st, sc_load<SRC>(in, row + cc, p.arithmetic, error), rr * bc + cc);
            }
            if (lane == 0) {
                int missingRows = r0 + br > p.rows;
                if (n < bc) sc_stats_add(st, 0.0f, n);
                else if (missingRows) sc_stats_add(st, 0.0f, (p.rows - r0) * bc);
            }
            sc_stats_reduce(st);
            amax = fabsf(st.mx) >= fabsf(st.mn) ? fabsf(st.mx) : fabsf(st.mn);
        }
        ScaledBlock b = sc_block(p, st, amax);
        if (b.bad) {
            if (lane == 0) sc_report(error, b.bad, p.perTensor ? 0 : u);
            continue;
        }
        if (lane == 0 && (!p.perTensor || u == 0)) {
            int64_t at = p.perTensor ? 0 : u;
            scales[at] = b.scaleBits;
            zeros[at] = b.zeroBits;
        }
        // Pass 2: the codes of the elements that exist.
        for (int rr = 0; rr < br && r0 + rr < p.rows; rr++) {
            int64_t row = (int64_t) (r0 + rr) * p.cols + c0;
            for (int cc = lane * V; cc < wideEnd; cc += 32 * V) {
                int64_t i = row + cc;
                float x[V];
                ScVec<SRC>::load(in, i, p.arithmetic, error, x);
                uint32_t w[2] = {0, 0};
#pragma unroll
                for (int j = 0; j < V; j++) {
                    int code = sc_code(p, fp8, b, x[j]);
                    if (code < 0) { sc_report(error, SE_BAD_CAST, i + j); code = 0; }
                    w[j / 4] |= (uint32_t) code << (8 * (j % 4));
                }
                if (V == 8) *(uint2 *) (codes + i) = make_uint2(w[0], w[1]);
                else *(uint32_t *) (codes + i) = w[0];
            }
            for (int cc = wideEnd + lane; cc < n; cc += 32) {
                int64_t i = row + cc;
                float x = sc_round(p.arithmetic, __uint_as_float(load_source<SRC>(in, i)));
                int code = sc_code(p, fp8, b, x);
                if (code < 0) { sc_report(error, SE_BAD_CAST, i); code = 0; }
                codes[i] = (uint8_t) code;
            }
        }
    }
}
extern "C" __global__ void lowbit_scaled_quantize_f32(const void *in, uint8_t *codes, uint32_t *scales, uint32_t *zeros, const unsigned int *tensorAmax, unsigned long long *error, const __grid_constant__ Scaled p, const __grid_constant__ Elem fp8) { scaled_quantize_body<0>(in, codes, scales, zeros, tensorAmax, error, p, fp8); }
extern "C" __global__ void lowbit_scaled_quantize_bf16(const void *in, uint8_t *codes, uint32_t *scales, uint32_t *zeros, const unsigned int *tensorAmax, unsigned long long *error, const __grid_constant__ Scaled p, const __grid_constant__ Elem fp8) { scaled_quantize_body<1>(in, codes, scales, zeros, tensorAmax, error, p, fp8); }
extern "C" __global__ void lowbit_scaled_quantize_f16(const void *in, uint8_t *codes, uint32_t *scales, uint32_t *zeros, const unsigned int *tensorAmax, unsigned long long *error, const __grid_constant__ Scaled p, const __grid_constant__ Elem fp8) { scaled_quantize_body<2>(in, codes, scales, zeros, tensorAmax, error, p, fp8); }

// Dequantize (§11.4): one thread per element, each operation rounded to the dequant arithmetic D, the
// result rounded (RNE) into the output (0 f32, 1 bf16, 2 f16: SourceFormat order).
struct ScaledDeq {
    int rows, cols, blockRows, blockCols, scaleCols;
    int element, zeroPoint, dequantArithmetic, scaleDtype, output;
};

__device__ __forceinline__ float sc_e4m3_value(uint32_t code) {  // exact; NaN for S.1111.111
    uint32_t sign = (code & 0x80u) << 24, m = code & 0x7Fu;
    if (m == 0x7Fu) return __uint_as_float(0x7FC00000u);
    uint32_t field = m >> 3, mant = m & 7u;
    if (field == 0) return __uint_as_float(__float_as_uint(__fmul_rn((float) mant, 0.001953125f)) | sign);  // mant·2^-9
    return __uint_as_float(sign | (field - 7u + 127u) << 23 | mant << 20);
}

template <int OUT>
__device__ void scaled_dequantize_body(const uint8_t *codes, const uint32_t *scales, const uint32_t *zeros, void *out,
                                       const ScaledDeq &p) {
    const int D = p.dequantArithmetic;
    int64_t count = (int64_t) p.rows * p.cols;
    for (int64_t i = blockIdx.x * (int64_t) blockDim.x + threadIdx.x; i < count; i += (int64_t) gridDim.x * blockDim.x) {
        int r = (int) (i / p.cols), c = (int) (i - (int64_t) r * p.cols);
        int b = (r / p.blockRows) * p.scaleCols + c / p.blockCols;
        uint32_t code = codes[i];
        float s = sc_from_bits(p.scaleDtype, scales[b]);
        float v;
        switch (p.zeroPoint) {
            case SZ_NONE: {
                float e = p.element == SE_FP8 ? sc_e4m3_value(code)
                        : (float) (p.element == SE_INT8 ? (int) (int8_t) code : p.element == SE_INT4 ? ((int) (code << 28) >> 28) : (int) code);
                v = sc_mul(D, e, s);
                break;
            }
            case SZ_IMPLICIT: v = sc_mul(D, (float) ((int) code - 8), s); break;
            case SZ_INTEGER: v = sc_mul(D, (float) ((int) code - (int) zeros[b]), s); break;
            case SZ_FLOAT: v = sc_mul(D, sc_sub(D, (float) code, sc_from_bits(p.scaleDtype, zeros[b])), s); break;
            default: v = sc_add(D, sc_mul(D, (float) code, s), sc_from_bits(p.scaleDtype, zeros[b])); break;
        }
        if (OUT == 0) ((uint32_t *) out)[i] = sc_bits(SP_F32, v);
        else ((uint16_t *) out)[i] = (uint16_t) sc_bits(OUT == 1 ? SP_BF16 : SP_F16, v);
    }
}
extern "C" __global__ void lowbit_scaled_dequantize_f32(const uint8_t *codes, const uint32_t *scales, const uint32_t *zeros, void *out, const __grid_constant__ ScaledDeq p) { scaled_dequantize_body<0>(codes, scales, zeros, out, p); }
extern "C" __global__ void lowbit_scaled_dequantize_bf16(const uint8_t *codes, const uint32_t *scales, const uint32_t *zeros, void *out, const __grid_constant__ ScaledDeq p) { scaled_dequantize_body<1>(codes, scales, zeros, out, p); }
extern "C" __global__ void lowbit_scaled_dequantize_f16(const uint8_t *codes, const uint32_t *scales, const uint32_t *zeros, void *out, const __grid_constant__ ScaledDeq p) { scaled_dequantize_body<2>(codes, scales, zeros, out, p); }
