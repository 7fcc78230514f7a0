// Kernels specialized at compile time for the hot combinations of issue 7 §6 (bf16 <-> MXFP8 E4M3 under
// ocp-mx-1.0 knobs, bf16 <-> NVFP4 in nibble layouts). Each computes exactly what the generic wide kernel
// computes for the knobs that CudaTarget checks before it picks one (the generic kernels stay for every
// other combination); bench/gates.cu compares them bit for bit on the device and times them.
//
// Shape of every kernel: a warp owns 32 * UNROLL consecutive 16-byte units and lane l takes units
// base + k*32 + l (k < UNROLL), so each load instruction is one coalesced 512-byte request and UNROLL
// of them are in flight before the first use. 32-bit indices (a tensor has fewer than 2^31 elements,
// Java arrays), a grid-stride loop over warps so that any grid size works; an exact grid runs it once.

#include <cuda_bf16.h>

#define LOWBIT_FAST_THREADS 256
#ifndef LOWBIT_MXQ_UNROLL  // 16-byte loads in flight per lane (bench/gates.cu times the choices)
#define LOWBIT_MXQ_UNROLL 1
#endif
#ifndef LOWBIT_MXDQ_UNROLL
#define LOWBIT_MXDQ_UNROLL 4
#endif
#ifndef LOWBIT_NVQ_UNROLL
#define LOWBIT_NVQ_UNROLL 2
#endif
#ifndef LOWBIT_NVQ_PREFETCH
#define LOWBIT_NVQ_PREFETCH 1
#endif
#ifndef LOWBIT_NVDQ_UNROLL
#define LOWBIT_NVDQ_UNROLL 4
#endif

__device__ __forceinline__ uint32_t fast_warp() { return (blockIdx.x * blockDim.x + threadIdx.x) >> 5; }
__device__ __forceinline__ uint32_t fast_warps() { return (gridDim.x * blockDim.x) >> 5; }

// The largest |x| of 8 bf16 as a 16-bit pattern; a value >= 0x7F80 means an Inf or NaN is among them
// (finite magnitudes order as their patterns, §2).
__device__ __forceinline__ uint32_t bf16x8_abs_max(uint4 w) {
    uint32_t m = __vmaxu2(__vmaxu2(w.x & 0x7FFF7FFFu, w.y & 0x7FFF7FFFu), __vmaxu2(w.z & 0x7FFF7FFFu, w.w & 0x7FFF7FFFu));
    return max(m & 0xFFFFu, m >> 16);
}

// ------------------------------------------------------------------------------------------------
// bf16 -> MXFP8 E4M3, ocp-mx-1.0: scale FLOOR (§8.3), WHOLE_BLOCK_NAN, zero block 2^-127, no flush,
// elements RNE/SATFINITE, which is cvt.rn.satfinite.e4m3x2.f32 on the finite quotient (Elem.fast ==
// FAST_E4M3, the same path as encode_scaled). Unpacked codes; rowLength % 32 == 0. A block of 32 is
// 4 lanes; the host passes the generic kernel's Mx and Elem and checks the knobs.
template <int UNROLL>
__device__ __forceinline__ void mx_quantize_e4m3_bf16_body(const uint4 *in, uint2 *codes, uint8_t *scales, const Mx &p) {
    uint32_t units = (uint32_t) ((int64_t) p.rows * p.rowLength / 8);
    uint32_t lane = threadIdx.x & 31;
    for (uint32_t base = fast_warp() * (32 * UNROLL); base < units; base += fast_warps() * (32 * UNROLL)) {
        uint4 w[UNROLL];
#pragma unroll
        for (int k = 0; k < UNROLL; k++) {
            uint32_t u = base + k * 32 + lane;
            w[k] = u < units ? __ldcs(in + u) : make_uint4(0, 0, 0, 0);
        }
#pragma unroll
        for (int k = 0; k < UNROLL; k++) {
            uint32_t u = base + k * 32 + lane;
            uint32_t amax = bf16x8_abs_max(w[k]);
            amax = max(amax, __shfl_xor_sync(0xFFFFFFFFu, amax, 1));
            amax = max(amax, __shfl_xor_sync(0xFFFFFFFFu, amax, 2));
            // Straight-line for every block (no branch keeps the units' chains apart); a block with a NaN or
            // Inf (amax >= 0x7F80) then gets scale 0xFF and elements 0 (§8.2 step 3).
            int s = clamp_exp(floor_log2(min(amax, 0x7F7Fu) << 16) - p.emax);
            int be = 127 - s;          // 2^-s as FP32, exact for s in [-127, 127] (encode_scaled)
            float scale = be >= 1 ? __uint_as_float((uint32_t) be << 23) : __uint_as_float(0x00400000u);
            uint32_t ws[4] = {w[k].x, w[k].y, w[k].z, w[k].w};
            uint32_t pairs[4];
#pragma unroll
            for (int h = 0; h < 4; h++) {
                float a = __fmul_rn(__uint_as_float(ws[h] << 16), scale);
                float b = __fmul_rn(__uint_as_float(ws[h] & 0xFFFF0000u), scale);
                pairs[h] = cvt_e4m3x2(a, b);
            }
            bool nonFinite = amax >= 0x7F80u;
            uint32_t lo = nonFinite ? 0u : pairs[0] | pairs[1] << 16;
            uint32_t hi = nonFinite ? 0u : pairs[2] | pairs[3] << 16;
            int scaleCode = nonFinite ? 0xFF : s + 127;
            if (u < units) {           // a block's 4 units are all in or all out (units % 4 == 0)
                codes[u] = make_uint2(lo, hi);
                if ((lane & 3) == 0) scales[wide_scale_index(u / 4, p.scaleLayout, p.blocksPerRow)] = (uint8_t) scaleCode;
            }
        }
    }
}
extern "C" __global__ void __launch_bounds__(LOWBIT_FAST_THREADS) lowbit_mx_quantize_fast_e4m3_bf16(
        const void *in, uint8_t *codes, uint8_t *scales, const __grid_constant__ Mx p, const __grid_constant__ Elem f) {
    mx_quantize_e4m3_bf16_body<LOWBIT_MXQ_UNROLL>((const uint4 *) in, (uint2 *) codes, scales, p);
}

// ------------------------------------------------------------------------------------------------
// MXFP8 E4M3 -> bf16: e * 2^s rounded once (§8.7). cvt.rn.f16x2.e4m3x2 is exact (every E4M3 value is an
// f16 normal: 2^-9 .. 448), so for a nonzero element the f16 pattern h gives the bf16 pattern directly:
// sign | (h & 0x7FFF) >> 3 plus (112 + s) in the exponent field (f16 bias 15, bf16 bias 127; the f16
// mantissa has at most 3 nonzero bits, all in its top 7, so nothing crosses from the high half). The f16
// exponent field is 6 .. 23, so for s in [-112, 119] the bf16 field stays in 1 .. 254 (and the added
// (112 + s) << 7 is not negative, so no borrow crosses the halves): the value is a bf16 normal, exact. Other s, a NaN code or the NaN scale take the generic per-element
// path. Unpacked codes, 8 a lane (8 bytes in, 16 bytes out: both coalesced); rowLength % 32 == 0.

__device__ __forceinline__ uint32_t cvt_f16x2_e4m3x2(uint32_t two) {  // byte 0 -> low half, byte 1 -> high half
    uint32_t d;
    asm("cvt.rn.f16x2.e4m3x2 %0, %1;" : "=r"(d) : "h"((unsigned short) two));
    return d;
}

// The generic kernel's per-element path for 8 codes, stored by itself (no array crosses the call).
__device__ __noinline__ void mx_dequantize_slow8(const MxDeq &p, uint2 c, int scaleCode, uint4 *out) {
    uint32_t v[8];
    int s = scaleCode - 127;
#pragma unroll
    for (int j = 0; j < 8; j++) {
        uint32_t e = decode_code(p.dec, ((j < 4 ? c.x : c.y) >> (8 * (j & 3))) & 0xFF);
        if (scaleCode == 0xFF) v[j] = quiet_nan(1, false);
        else if ((e & 0x7FFFFFFFu) > 0x7F800000u) v[j] = quiet_nan(1, e >> 31);
        else v[j] = scaled_value(p.out, 1, e, s, 1, 0);
    }
    *out = make_uint4(v[0] | v[1] << 16, v[2] | v[3] << 16, v[4] | v[5] << 16, v[6] | v[7] << 16);
}

template <int UNROLL>
__device__ __forceinline__ void mx_dequantize_e4m3_bf16_body(const uint2 *codes, const uint8_t *scales, uint4 *out, const MxDeq &p) {
    uint32_t units = (uint32_t) ((int64_t) p.rows * p.rowLength / 8);
    uint32_t lane = threadIdx.x & 31;
    for (uint32_t base = fast_warp() * (32 * UNROLL); base < units; base += fast_warps() * (32 * UNROLL)) {
        uint2 c[UNROLL];
        int sc[UNROLL];
#pragma unroll
        for (int k = 0; k < UNROLL; k++) {
            uint32_t u = base + k * 32 + lane;
            c[k] = u < units ? __ldcs(codes + u) : make_uint2(0, 0);
            sc[k] = u < units ? scales[wide_scale_index(u / 4, p.scaleLayout, p.blocksPerRow)] : 0;
        }
#pragma unroll
        for (int k = 0; k < UNROLL; k++) {
            uint32_t u = base + k * 32 + lane;
            if (u >= units) continue;
            int s = sc[k] - 127;
            uint32_t nanCodes = __vcmpeq4(c[k].x | 0x80808080u, 0xFFFFFFFFu) | __vcmpeq4(c[k].y | 0x80808080u, 0xFFFFFFFFu);
            if (s >= -112 && s <= 119 && nanCodes == 0) {
                uint32_t bias = (uint32_t) (112 + s) << 7;
                bias |= bias << 16;
                uint32_t pairs[4];
#pragma unroll
                for (int h = 0; h < 4; h++) {
                    uint32_t f16 = cvt_f16x2_e4m3x2((h < 2 ? c[k].x : c[k].y) >> (16 * (h & 1)));
                    uint32_t mag = f16 & 0x7FFF7FFFu;
                    pairs[h] = (f16 & 0x80008000u) | ((mag >> 3) + (bias & __vcmpne2(mag, 0)));
                }
                out[u] = make_uint4(pairs[0], pairs[1], pairs[2], pairs[3]);
            } else {
                mx_dequantize_slow8(p, c[k], sc[k], out + u);
            }
        }
    }
}
extern "C" __global__ void __launch_bounds__(LOWBIT_FAST_THREADS) lowbit_mx_dequantize_fast_e4m3_bf16(
        const uint8_t *codes, const uint8_t *scales, void *out, const __grid_constant__ MxDeq p) {
    mx_dequantize_e4m3_bf16_body<LOWBIT_MXDQ_UNROLL>((const uint2 *) codes, scales, (uint4 *) out, p);
}

// ------------------------------------------------------------------------------------------------
// bf16 -> NVFP4 (§8.4), nibble layouts, rowLength % 16 == 0. The block arithmetic is the generic kernel's
// (Nv knobs at run time), computed without a division on the way:
//  * s = fl(amax / 6) when g = 1 (fl(s / g) = s): Markstein's correction q' = fma(fma(-q, 6, a), r, q) with
//    r = fl(1/6), q = fl(a*r). Markstein's theorem (Muller et al., Handbook of Floating-Point Arithmetic,
//    2nd ed., Thm. 4.11): if r is 1/b rounded to nearest and q is within 1 ulp of a/b, the residual a - qb
//    is exact and fma(residual, r, q) is a/b rounded to nearest, barring underflow and overflow; for
//    b = 6 that holds for every a >= 2^-100, and a smaller a gives a quotient far under the lower clamp
//    (2^-9 or 2^-6) either way. Other g: the generic divisions.
//  * the element factor fl(fl(1/g) / S) (RECIPROCAL_MULTIPLY) or the reciprocal fl(1 / fl(S*g)) (DIVIDE) of
//    each of the 127 scale codes: a shared-memory table filled with __fdiv_rn at the start of each CTA.
// Element arithmetic:
//  * RECIPROCAL_MULTIPLY (nvfp4-torchao): the code of y = fl(x * factor), as the generic, found by integer
//    comparisons of |x| with 7 thresholds per scale code (nv_codes8_thresholds), with no FP32 arithmetic.
//  * DIVIDE (nvfp4-modelopt): y = fl(x / divisor) by the same correction with r = fl(1/divisor), the
//    sign from x; taken when the divisor is in [2^-90, 2^90] and amax/divisor stays under 2^100 (no
//    overflow), where the quotient is exact for |x| >= 2^-100 and a smaller |x| gives a quotient far under
//    the first E2M1 boundary either way. The block scale fl(amax / fl(6g)) likewise, when amax >= 2^-100
//    and the quotient is in [2^-100, 2^100]. Any other block (a zero or tiny amax, an extreme g) takes the
//    generic arithmetic (nv_quantize_unit_generic), after the straight-line pass over all units.
//  * E2M1 RNE/SATFINITE of y without a comparison chain: a = min(|y|, 6); M = 2^(max(e, 0) + 22) for a in
//    binade e, so that ulp(M) is the E2M1 spacing there (0.5 below 2, then 1, then 2); fl(a + M) rounds a
//    to that spacing, ties to even (the even code, §3 rule 5), and its low bits count the steps:
//    code = (bits(a + M) & 7) + 2 max(e, 0) (e2m1_biased).
// bench/gates.cu checks the E2M1 encoding against e2m1_rne_sat over all 2^32 FP32 patterns and both
// divisions against __fdiv_rn over every FP32 x, on the device.

// The E2M1 code plus 298 (see nv_codes8): steps and 2 max(e, 0) both come from the bits of fl(a + M):
// steps = bits & 7, and bits >> 22 = 298 + 2 max(e, 0) (M's exponent field is 149 + max(e, 0); bit 22 is
// 0 since steps <= 4). sign8 is 8 for a negative element.
__device__ __forceinline__ uint32_t e2m1_biased(float y, uint32_t sign8) {
    float a = fminf(fabsf(y), 6.0f);
    uint32_t m = max(__float_as_uint(a) & 0x7F800000u, 0x3F800000u) + (22u << 23);  // M = 2^(max(e, 0) + 22)
    uint32_t bits = __float_as_uint(__fadd_rn(a, __uint_as_float(m)));
    return ((bits & 7u) | sign8) + (bits >> 22);
}

__device__ __forceinline__ uint32_t e2m1_fast(float y) {
    return e2m1_biased(y, (__float_as_uint(y) >> 28) & 8u) - 298u;
}

__device__ __forceinline__ float div_markstein(float x, float b, float r) {
    float q = __fmul_rn(x, r);
    float rem = __fmaf_rn(-q, b, x);
    return __fmaf_rn(rem, r, q);
}

// The generic wide kernel's arithmetic for one unit of 8 (nv_quantize_wide_body): the rare blocks where
// the fast path's divisions are not proven (a tiny amax or divisor, an extreme g). Returns code word | scale << 32.
__device__ __noinline__ uint64_t nv_quantize_unit_generic(uint4 w, uint32_t amax16, const Nv &p, int nibbleHigh) {
    float g = __uint_as_float((uint32_t) p.tensorScaleBits);
    float lower = __uint_as_float((uint32_t) (127 + p.lowerExp) << 23);
    float invG = __fdiv_rn(1.0f, g);
    float a = __uint_as_float(amax16 << 16);
    float s = p.divide ? __fdiv_rn(a, __fmul_rn(6.0f, g)) : __fdiv_rn(__fdiv_rn(a, 6.0f), g);
    if (s == 0.0f && p.zeroBlockOne) s = 1.0f;
    s = fminf(fmaxf(s, lower), 448.0f);
    int scaleCode = cvt_e4m3(s);
    float S = ue4m3_value(scaleCode);
    float factor = p.divide ? __fmul_rn(S, g) : __fdiv_rn(invG, S);
    bool flush = p.flushTinyAmax && amax16 < 0x0080u;
    uint32_t ws[4] = {w.x, w.y, w.z, w.w}, word = 0;
    for (int j = 0; j < 8; j++) {
        uint32_t xb = j & 1 ? ws[j / 2] & 0xFFFF0000u : ws[j / 2] << 16;
        float y = p.divide ? __fdiv_rn(__uint_as_float(xb), factor) : __fmul_rn(__uint_as_float(xb), factor);
        uint32_t q = flush ? (xb >> 28) & 8u : e2m1_rne_sat(__float_as_uint(y));
        word |= q << (nibbleHigh ? 4 * (j ^ 1) : 4 * j);
    }
    return word | (uint64_t) scaleCode << 32;
}

// The E2M1 codes of 8 elements (bf16 pairs ws[0..3], element 2h in the low half of ws[h]) as a word of
// nibbles: the biased codes (e2m1_biased) are summed into place first and the 298s taken off once
// (integer arithmetic, exact: the true word is below 2^32). The sign comes from x.
template <int DIVIDE, int NIBBLE_HIGH>
__device__ __forceinline__ uint32_t nv_codes8(const uint32_t *ws, float factor, float divisor) {
    uint32_t acc = 0;
#pragma unroll
    for (int j = 0; j < 8; j++) {
        uint32_t xb = j & 1 ? ws[j / 2] & 0xFFFF0000u : ws[j / 2] << 16;
        float x = __uint_as_float(xb);
        float y = DIVIDE ? div_markstein(fabsf(x), divisor, factor) : __fmul_rn(x, factor);
        acc += e2m1_biased(y, (xb >> 28) & 8u) << (NIBBLE_HIGH ? 4 * (j ^ 1) : 4 * j);
    }
    return acc - 298u * 0x11111111u;
}

// RECIPROCAL_MULTIPLY (g = 1) by thresholds, no FP32 arithmetic per element: the code magnitude of
// fl(|x| * f), f = fl(1/S), is a non-decreasing function of |x| (one RN product, then E2M1 RNE), so it is the
// number of i in 1..7 with |x| >= T_i, T_i the smallest bf16 magnitude whose code is at least i. The exact
// boundary of code i is the E2M1 midpoint m_i times S: m_i (0.25, 0.75, 1.25, 1.75, 2.5, 3.5, 5) has at most
// 3 significant bits and S at most 4, so B_i = m_i S is a bf16 value; fl(B_i f) is m_i or one of its FP32
// neighbours, while one bf16 step either side moves the product by 2^-8 relative: T_i is B_i or B_i + 1, and
// one evaluation of the generic arithmetic at B_i decides (nv_threshold). bench/gates.cu checks every
// scale code against the generic arithmetic over all bf16 patterns. Per block, 7 words T_i | T_i << 16.
__device__ __forceinline__ uint32_t nv_threshold(int scaleCode, int i) {
    float S = ue4m3_value(scaleCode), f = __fdiv_rn(1.0f, S);
    float m = i <= 4 ? (2 * i - 1) * 0.25f : i == 5 ? 2.5f : i == 6 ? 3.5f : 5.0f;
    uint32_t b = __float_as_uint(__fmul_rn(m, S)) >> 16;   // exact: at most 7 significant bits
    uint32_t code = e2m1_rne_sat(__float_as_uint(__fmul_rn(__uint_as_float(b << 16), f))) & 7u;
    uint32_t t = code >= (uint32_t) i ? b : b + 1;
    return t | t << 16;
}

__device__ __forceinline__ uint32_t prmt(uint32_t a, uint32_t b, uint32_t selector) {
    uint32_t d;
    asm("prmt.b32 %0, %1, %2, %3;" : "=r"(d) : "r"(a), "r"(b), "r"(selector));
    return d;
}

// The E2M1 codes of 8 elements (as nv_codes8) from the thresholds T[0..6] of their block. For a bf16 pair w,
// (w | 0x80008000) - T keeps bit 15 (31) set exactly when the low (high) magnitude is >= T (T <= 0x8000, so
// no borrow crosses the halves). The 7 flags of an element count its code as a thermometer: bit 2 = flag 4,
// bit 1 = (flag 2 and not flag 4) or flag 6, bit 0 = the parity of all 7. Each bit plane (and the sign,
// bit 15/31 of w itself) goes through sign-replicating byte permutes (0xFF or 0x00 a byte, elements
// [0, 2, 1, 3] and [4, 6, 5, 7]), bitwise selects put the planes in their nibble, two permutes and a select
// interleave the nibbles.
template <int NIBBLE_HIGH>
__device__ __forceinline__ uint32_t nv_codes8_thresholds(const uint32_t *ws, const uint32_t *T) {
    uint32_t bit0[4], bit1[4], bit2[4];
#pragma unroll
    for (int h = 0; h < 4; h++) {
        uint32_t o = ws[h] | 0x80008000u, d[7];
#pragma unroll
        for (int i = 0; i < 7; i++) d[i] = o - T[i];
        bit2[h] = d[3];
        bit1[h] = (d[1] & ~d[3]) | d[5];
        bit0[h] = d[0] ^ d[1] ^ d[2] ^ d[3] ^ d[4] ^ d[5] ^ d[6];
    }
    const uint32_t spread = 0xFBD9u;  // bytes 1, 5, 3, 7 (bits 15 and 31 of both words), sign-replicated
    // where each plane's bit lands: even elements (bytes 0, 1 of a spread word) in the first nibble of the layout
    const uint32_t evenNib = NIBBLE_HIGH ? 0x10u : 0x01u, oddNib = NIBBLE_HIGH ? 0x01u : 0x10u;
    const uint32_t m0 = evenNib * 0x0101u | oddNib * 0x01010000u;   // plane 0's positions; plane k: m0 << k
    uint32_t x[2];
#pragma unroll
    for (int q = 0; q < 2; q++) {
        uint32_t e0 = prmt(bit0[2 * q], bit0[2 * q + 1], spread), e1 = prmt(bit1[2 * q], bit1[2 * q + 1], spread);
        uint32_t e2 = prmt(bit2[2 * q], bit2[2 * q + 1], spread), es = prmt(ws[2 * q], ws[2 * q + 1], spread);
        uint32_t r = (e0 & m0) | (e1 & ~m0);
        r = (r & (m0 * 3)) | (e2 & ~(m0 * 3));
        x[q] = (r & (m0 * 7)) | (es & ~(m0 * 7));
    }
    uint32_t even = prmt(x[0], x[1], 0x5410u), odd = prmt(x[0], x[1], 0x7632u);  // elements 0 2 4 6 / 1 3 5 7
    const uint32_t evenMask = NIBBLE_HIGH ? 0xF0F0F0F0u : 0x0F0F0F0Fu;
    return (even & evenMask) | (odd & ~evenMask);
}

// The largest |x| of 16 bf16 as a 16-bit pattern, from one unsigned and one signed max chain over the raw
// pairs: as unsigned 16-bit, a negative x (0x8000 | |x|) is above every positive one; as signed, below.
// So the unsigned max carries the largest negative magnitude (if any, else the largest positive) and the
// signed max the largest positive one (if any, else the largest negative); the larger of the two, sign
// bits cleared, is the block's largest magnitude.
__device__ __forceinline__ uint32_t bf16x16_abs_max(uint4 a, uint4 b) {
    uint32_t u = __vmaxu2(__vmaxu2(__vmaxu2(a.x, a.y), __vmaxu2(a.z, a.w)), __vmaxu2(__vmaxu2(b.x, b.y), __vmaxu2(b.z, b.w)));
    uint32_t s = __vmaxs2(__vmaxs2(__vmaxs2(a.x, a.y), __vmaxs2(a.z, a.w)), __vmaxs2(__vmaxs2(b.x, b.y), __vmaxs2(b.z, b.w)));
    uint32_t m = __vmaxu2(u & 0x7FFF7FFFu, s & 0x7FFF7FFFu);
    return max(m & 0xFFFFu, m >> 16);
}

// RECIPROCAL_MULTIPLY requires g = 1 (the host checks it); DIVIDE takes any g. A lane takes a whole block
// of 16: lanes 2i and 2i+1 load units k and k+1 of the pair (coalesced, as every kernel here) and swap
// halves with one 16-byte shuffle, so that lane 2i holds block (k, i) and lane 2i+1 block (k+1, i); the
// per-block work (amax, scale, table look-up, stores) is then done once per block, not once per lane.
// Lane 2i+1 loads the pair's two units in the other order, so that every lane keeps w[k] and sends w[k+1].
// THRESHOLDS (multiply only): the codes by nv_codes8_thresholds; 0 keeps the FP32 path (nv_codes8), which
// bench/gates.cu times beside it.
template <int UNROLL, int DIVIDE, int NIBBLE_HIGH, int PREFETCH = LOWBIT_NVQ_PREFETCH, int THRESHOLDS = !DIVIDE>
__device__ __forceinline__ void nv_quantize_bf16_body(const uint4 *in, uint2 *codes, uint8_t *scales, const Nv &p) {
    static_assert(UNROLL % 2 == 0, "units pair up");
    static_assert(!(DIVIDE && THRESHOLDS), "thresholds model the multiply");
    __shared__ float perScale[128];    // by scale code: the factor fl(1 / S) (multiply) or fl(1 / divisor) (divide)
    __shared__ float perDivisor[128];  // by scale code: the divisor fl(S * g) (divide)
    float g = __uint_as_float((uint32_t) p.tensorScaleBits);
    float lower = __uint_as_float((uint32_t) (127 + p.lowerExp) << 23);
    float sixG = DIVIDE ? __fmul_rn(6.0f, g) : 6.0f;   // block scale fl(a / sixG): g = 1 for multiply
    float sixGInverse = __fdiv_rn(1.0f, sixG);
    bool sixGNormal = sixG >= 0x1p-125f && sixG <= 0x1p125f;
    __shared__ uint4 perThresholds[128][2];  // by scale code: T_1..T_7 (multiply)
    if (!THRESHOLDS) {
        for (int c = threadIdx.x; c < 128; c += blockDim.x) {
            float S = c < 127 ? ue4m3_value(c) : 1.0f;
            float divisor = __fmul_rn(S, g);
            perScale[c] = DIVIDE ? __fdiv_rn(1.0f, divisor) : __fdiv_rn(1.0f, S);
            perDivisor[c] = divisor;
        }
    } else {
        uint32_t *t = (uint32_t *) perThresholds;
        for (int k = threadIdx.x; k < 128 * 8; k += blockDim.x) {
            int c = k >> 3, i = (k & 7) + 1;   // slot 8 and code 0x7F (never looked up): no flag ever set
            t[k] = i <= 7 && c < 127 ? nv_threshold(c, i) : 0x80008000u;
        }
    }
    __syncthreads();
    uint32_t units = (uint32_t) ((int64_t) p.rows * p.rowLength / 8);
    uint32_t lane = threadIdx.x & 31, odd = lane & 1, stride = fast_warps() * (32 * UNROLL);
    uint32_t off[UNROLL];  // unit k of the lane: k ^ odd of the pair
#pragma unroll
    for (int k = 0; k < UNROLL; k++) off[k] = (k ^ odd) * 32 + lane;
    uint4 next[UNROLL];  // PREFETCH: the next iteration's units, loaded before this one's arithmetic
    if (PREFETCH) {
#pragma unroll
        for (int k = 0; k < UNROLL; k++) {
            uint32_t u = fast_warp() * (32 * UNROLL) + off[k];
            next[k] = u < units ? __ldcs(in + u) : make_uint4(0, 0, 0, 0);
        }
    }
    for (uint32_t base = fast_warp() * (32 * UNROLL); base < units; base += stride) {
        uint4 w[UNROLL];
#pragma unroll
        for (int k = 0; k < UNROLL; k++) {
            uint32_t u = base + off[k];
            if (PREFETCH) {
                w[k] = next[k];
                next[k] = u + stride < units ? __ldcs(in + u + stride) : make_uint4(0, 0, 0, 0);
            } else {
                w[k] = u < units ? __ldcs(in + u) : make_uint4(0, 0, 0, 0);
            }
        }
        uint2 words[UNROLL / 2];
        uint32_t amaxes[UNROLL / 2];
        int scaleCodes[UNROLL / 2];
        bool slow[UNROLL / 2];
        uint4 lo[UNROLL / 2], hi[UNROLL / 2];
#pragma unroll
        for (int k = 0; k < UNROLL; k += 2) {  // straight-line for every block; fix-ups after
            uint4 mine = w[k], give = w[k + 1], got;
            got.x = __shfl_xor_sync(0xFFFFFFFFu, give.x, 1);
            got.y = __shfl_xor_sync(0xFFFFFFFFu, give.y, 1);
            got.z = __shfl_xor_sync(0xFFFFFFFFu, give.z, 1);
            got.w = __shfl_xor_sync(0xFFFFFFFFu, give.w, 1);
            lo[k / 2] = mine; hi[k / 2] = got;  // the block's elements 0-7 and 8-15, swapped on an odd lane
            uint32_t amax = bf16x16_abs_max(mine, got);
            amaxes[k / 2] = amax;
            bool nonFinite = amax >= 0x7F80u;
            float a = __uint_as_float(min(amax, 0x7F7Fu) << 16);
            float s = div_markstein(a, sixG, sixGInverse);
            bool isSlow = !(sixGNormal && a >= 0x1p-100f && s >= 0x1p-100f && s <= 0x1p100f);
            s = fminf(fmaxf(s, lower), 448.0f);   // s > 0 here: zeroBlockOne only matters on the slow path
            int scaleCode = cvt_e4m3(s);
            uint32_t ws0[4] = {mine.x, mine.y, mine.z, mine.w}, ws1[4] = {got.x, got.y, got.z, got.w};
            uint32_t c0, c1;
            if (!THRESHOLDS) {
                float factor = perScale[scaleCode], divisor = perDivisor[scaleCode];
                if (DIVIDE) isSlow |= !(divisor >= 0x1p-90f && divisor <= 0x1p90f && __fmul_rn(a, factor) <= 0x1p100f);
                c0 = nv_codes8<DIVIDE, NIBBLE_HIGH>(ws0, factor, divisor);
                c1 = nv_codes8<DIVIDE, NIBBLE_HIGH>(ws1, factor, divisor);
            } else {
                // scale code 0 (a lower clamp under 2^-9): f = Inf, whose 0 * Inf the thresholds do not model
                isSlow |= scaleCode == 0;
                uint4 t0 = perThresholds[scaleCode][0], t1 = perThresholds[scaleCode][1];
                uint32_t T[7] = {t0.x, t0.y, t0.z, t0.w, t1.x, t1.y, t1.z};
                c0 = nv_codes8_thresholds<NIBBLE_HIGH>(ws0, T);
                c1 = nv_codes8_thresholds<NIBBLE_HIGH>(ws1, T);
            }
            slow[k / 2] = isSlow && !nonFinite;
            if (odd) { uint32_t t = c0; c0 = c1; c1 = t; }
            words[k / 2] = nonFinite ? make_uint2(0, 0) : make_uint2(c0, c1);  // WHOLE_BLOCK_NAN: scale NaN, elements 0
            scaleCodes[k / 2] = nonFinite ? 0x7F : scaleCode;
        }
#pragma unroll
        for (int k = 0; k < UNROLL; k += 2) {
            uint32_t u = base + (k + odd) * 32 + lane - odd;  // the block's first unit
            if (u >= units) continue;  // a block's 2 units are both in or both out (units % 2 == 0)
            if (slow[k / 2]) {
                uint64_t r0 = nv_quantize_unit_generic(odd ? hi[k / 2] : lo[k / 2], amaxes[k / 2], p, NIBBLE_HIGH);
                uint64_t r1 = nv_quantize_unit_generic(odd ? lo[k / 2] : hi[k / 2], amaxes[k / 2], p, NIBBLE_HIGH);
                words[k / 2] = make_uint2((uint32_t) r0, (uint32_t) r1);
                scaleCodes[k / 2] = (int) (r0 >> 32);
            }
            codes[u / 2] = words[k / 2];
            scales[wide_scale_index(u / 2, p.scaleLayout, p.blocksPerRow)] = (uint8_t) scaleCodes[k / 2];
        }
    }
}
#define LOWBIT_NV_QUANTIZE_FAST(NAME, DIVIDE, HIGH)                                                                   \
    extern "C" __global__ void __launch_bounds__(LOWBIT_FAST_THREADS) NAME(                                           \
            const void *in, uint8_t *codes, uint8_t *scales, const __grid_constant__ Nv p) {                         \
        nv_quantize_bf16_body<LOWBIT_NVQ_UNROLL, DIVIDE, HIGH>((const uint4 *) in, (uint2 *) codes, scales, p);       \
    }
LOWBIT_NV_QUANTIZE_FAST(lowbit_nv_quantize_fast_mul_low_bf16, 0, 0)
LOWBIT_NV_QUANTIZE_FAST(lowbit_nv_quantize_fast_mul_high_bf16, 0, 1)
LOWBIT_NV_QUANTIZE_FAST(lowbit_nv_quantize_fast_div_low_bf16, 1, 0)
LOWBIT_NV_QUANTIZE_FAST(lowbit_nv_quantize_fast_div_high_bf16, 1, 1)

// ------------------------------------------------------------------------------------------------
// NVFP4 -> bf16, single level (g = 1), nibble layouts, rowLength % 16 == 0: e * S rounded once (§8.7).
// e has at most 2 significant bits and S (UE4M3) at most 4, |e*S| >= 2^-10: the product is a bf16
// normal, exact, so mul.rn.bf16x2 of the two exact bf16 operands gives it (and -0 * S = -0). e comes
// from a byte-permute table of the 8 magnitudes' bf16 patterns, the sign from the code's bit 3.
// 8 elements a lane (4 bytes in, 16 out, both coalesced), a block is 2 lanes; the NaN scale (0x7F)
// gives quiet NaN 0x7FC0.

__device__ __forceinline__ uint32_t mul_bf16x2(uint32_t a, uint32_t b) {
    uint32_t d;
    asm("mul.rn.bf16x2 %0, %1, %2;" : "=r"(d) : "r"(a), "r"(b));
    return d;
}

// 8 codes (nibble k = element k) -> 4 words of bf16 pairs, element 2i in the low half of word i.
__device__ __forceinline__ uint4 e2m1x8_to_bf16(uint32_t w, uint32_t S2) {
    // bf16 of 0, 0.5, 1, 1.5, 2, 3, 4, 6: low bytes 00 00 80 C0 00 40 80 C0, high bytes 00 3F 3F 3F 40 40 40 40
    uint32_t mags = w & 0x77777777u, signs = w & 0x88888888u;
    uint32_t pairs[4];
#pragma unroll
    for (int half = 0; half < 2; half++) {
        uint32_t sel = mags >> (16 * half);
        uint32_t lo = __byte_perm(0xC0800000u, 0xC0804000u, sel), hi = __byte_perm(0x3F3F3F00u, 0x40404040u, sel);
#pragma unroll
        for (int i = 0; i < 2; i++) {
            uint32_t e = __byte_perm(lo, hi, i ? 0x7362 : 0x5140);
            uint32_t t = signs >> (16 * half + 8 * i);
            e |= ((t << 12) & 0x8000u) | ((t << 24) & 0x80000000u);
            pairs[2 * half + i] = mul_bf16x2(e, S2);
        }
    }
    return make_uint4(pairs[0], pairs[1], pairs[2], pairs[3]);
}

template <int UNROLL, int NIBBLE_HIGH>
__device__ __forceinline__ void nv_dequantize_bf16_body(const uint32_t *codes, const uint8_t *scales, uint4 *out, const NvDeq &p) {
    uint32_t units = (uint32_t) ((int64_t) p.rows * p.rowLength / 8);
    uint32_t lane = threadIdx.x & 31;
    for (uint32_t base = fast_warp() * (32 * UNROLL); base < units; base += fast_warps() * (32 * UNROLL)) {
        uint32_t c[UNROLL];
        int sc[UNROLL];
#pragma unroll
        for (int k = 0; k < UNROLL; k++) {
            uint32_t u = base + k * 32 + lane;
            c[k] = u < units ? __ldcs(codes + u) : 0u;
            sc[k] = u < units ? scales[wide_scale_index(u / 2, p.scaleLayout, p.blocksPerRow)] : 0;
        }
#pragma unroll
        for (int k = 0; k < UNROLL; k++) {
            uint32_t u = base + k * 32 + lane;
            if (u >= units) continue;
            uint32_t w = c[k];
            if (NIBBLE_HIGH) w = ((w >> 4) & 0x0F0F0F0Fu) | ((w & 0x0F0F0F0Fu) << 4);
            uint32_t S = __float_as_uint(ue4m3_value(sc[k] & 0x7F)) >> 16;  // exact in bf16
            uint4 v = e2m1x8_to_bf16(w, S | S << 16);
            out[u] = sc[k] == 0x7F ? make_uint4(0x7FC07FC0u, 0x7FC07FC0u, 0x7FC07FC0u, 0x7FC07FC0u) : v;
        }
    }
}
extern "C" __global__ void __launch_bounds__(LOWBIT_FAST_THREADS) lowbit_nv_dequantize_fast_low_bf16(
        const uint8_t *codes, const uint8_t *scales, void *out, const __grid_constant__ NvDeq p) {
    nv_dequantize_bf16_body<LOWBIT_NVDQ_UNROLL, 0>((const uint32_t *) codes, scales, (uint4 *) out, p);
}
extern "C" __global__ void __launch_bounds__(LOWBIT_FAST_THREADS) lowbit_nv_dequantize_fast_high_bf16(
        const uint8_t *codes, const uint8_t *scales, void *out, const __grid_constant__ NvDeq p) {
    nv_dequantize_bf16_body<LOWBIT_NVDQ_UNROLL, 1>((const uint32_t *) codes, scales, (uint4 *) out, p);
}
