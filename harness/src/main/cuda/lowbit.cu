// lowbit CUDA kernels: element encode/decode, MX and NVFP4 block quantize/dequantize, element packing.
// Built offline by build-fatbin.sh (nvcc 13, --fmad=false, no fast-math) into one fatbin for sm_90a,
// sm_100a and sm_120a plus PTX; the host (org.lowbit.harness.cuda) loads it with cuModuleLoadData.
//
// Section numbers are those of spec/SPEC.md. Every element conversion is either exact integer arithmetic
// on bit patterns (§3) or a hardware cvt whose result the conformance suite checks against the reference:
//   sm_90a            FP8 via cvt.rn.satfinite.e4m3x2/e5m2x2.f32 (operand a -> high byte; we pass the
//                     element as b and read the low byte, §9.1); FP4, FP6, E8M0 in integer arithmetic.
//   sm_100a, sm_120a  additionally cvt.rn.satfinite.e2m1x2 / e2m3x2 / e3m2x2 and cvt.rz|rp.ue8m0x2 (PTX 8.6).
#include <stdint.h>
#include <cuda_fp16.h>

#if defined(__CUDA_ARCH_FEAT_SM100_ALL) || defined(__CUDA_ARCH_FEAT_SM120_ALL) \
    || defined(__CUDA_ARCH_FEAT_SM101_ALL) || defined(__CUDA_ARCH_FEAT_SM103_ALL)
#define LOWBIT_NATIVE_FP4 1
#else
#define LOWBIT_NATIVE_FP4 0
#endif

// ------------------------------------------------------------------------------------------------
// Element format and knobs, resolved on the host (CudaElementParams.java keeps the same field order).

enum Kind { KIND_FLOAT = 0, KIND_INTEGER = 1, KIND_E8M0 = 2 };
enum Rounding { RNE = 0, RNA = 1, RZ = 2, RU = 3, RD = 4, SR = 5 };
enum Negative { NEG_ABSOLUTE = 0, NEG_CODE = 1 };
enum Fast { FAST_NONE = 0, FAST_E4M3 = 1, FAST_E5M2 = 2, FAST_E2M1 = 3, FAST_E2M3 = 4, FAST_E3M2 = 5 };

struct Elem {
    int kind, mbits, bias, emin, maxFiniteCode, signMask, bits, fractionBits;
    int isSigned, rounding, satfinite, negativePolicy, negativeCode, e8m0CodeZeroRounds;
    int nanCode[2], infCode[2], zeroCode[2], maxCode[2], overflowCode[2];
    int intLimit[2];      // largest |n| for a positive [0] and a negative [1] integer
    int fast;             // Fast: the hardware cvt reproduces these knobs on finite inputs (RNE, SATFINITE)
};

// ------------------------------------------------------------------------------------------------
// §3 in integer arithmetic: the value is (-1)^neg * sig * 2^exp, sig < 2^62.

__device__ __forceinline__ bool rounds_away(int rounding, bool neg, uint64_t n, uint64_t rem, int shift,
                                            uint32_t random) {
    if (rem == 0) return false;
    uint64_t half = 1ull << (shift - 1);
    switch (rounding) {
        case RNE: return rem > half || (rem == half && (n & 1));
        case RNA: return rem >= half;
        case RZ: return false;
        case RU: return !neg;
        case RD: return neg;
        default: {  // SR: floor(rem / 2^shift * 2^32) + random >= 2^32
            uint64_t fraction32 = shift <= 32 ? rem << (32 - shift) : rem >> (shift - 32);
            return fraction32 + random >= (1ull << 32);
        }
    }
}

__device__ __forceinline__ bool toward_zero(int rounding, bool neg) {
    return rounding == RZ || (rounding == RU && neg) || (rounding == RD && !neg);
}

// Split n >> shift into quotient and remainder, shifts capped at 63 (sig < 2^62, so only stickiness remains).
__device__ __forceinline__ void split(uint64_t sig, int shift, uint64_t &n, uint64_t &rem) {
    int s = shift > 63 ? 63 : shift;
    n = sig >> s;
    rem = sig & ((1ull << s) - 1);
}

__device__ __noinline__ int encode_magnitude(const Elem &f, bool neg, uint64_t sig, int exp, uint32_t random) {
    if (f.kind == KIND_INTEGER) {
        int shift = -(exp + f.fractionBits);
        uint64_t limit = (uint64_t) f.intLimit[neg ? 1 : 0];
        uint64_t n;
        if (shift <= 0) {
            int bitLength = 64 - __clzll(sig);
            n = bitLength - shift > 40 ? limit + 1 : sig << -shift;
        } else {
            uint64_t rem;
            split(sig, shift, n, rem);
            if (rounds_away(f.rounding, neg, n, rem, shift > 63 ? 63 : shift, random)) n++;
        }
        if (n > limit) n = limit;  // integers clamp under both overflow modes (§3 rule 7)
        int64_t v = neg ? -(int64_t) n : (int64_t) n;
        return (int) (v & ((1 << f.bits) - 1));
    }
    int m = f.mbits;
    int e = exp + 63 - __clzll(sig);  // floor(log2 |x|)
    int eminR = f.emin;
    if (f.kind == KIND_E8M0) {
        if (f.e8m0CodeZeroRounds) eminR = f.emin + 1;
        else if (e < f.emin) return 0;  // §3 rule 8: nothing below 2^-127
    }
    int t = e > eminR ? e : eminR;
    int shift = t - m - exp;
    uint64_t n;
    if (shift <= 0) {
        n = sig << -shift;
    } else {
        uint64_t rem;
        split(sig, shift, n, rem);
        if (rounds_away(f.rounding, neg, n, rem, shift > 63 ? 63 : shift, random)) n++;
    }
    if (n == 0) return f.kind == KIND_E8M0 ? 0 : f.zeroCode[neg];
    int64_t magnitude = ((int64_t) (t + f.bias - 1) << m) + (int64_t) n;
    if (magnitude > f.maxFiniteCode) {
        return (toward_zero(f.rounding, neg) || f.satfinite) ? f.maxCode[neg] : f.overflowCode[neg];
    }
    return (int) magnitude | (neg ? f.signMask : 0);
}

// §3 rules 1-4, then the magnitude. x is an FP32 pattern scaled by 2^-scaleExp (exact, MX §8.2 step 5).
__device__ __noinline__ int encode_f32(const Elem &f, uint32_t x, int scaleExp, uint32_t random) {
    bool neg = x >> 31;
    uint32_t field = (x >> 23) & 0xFF, fraction = x & 0x7FFFFF;
    if (field == 0xFF && fraction != 0) return f.nanCode[neg];
    bool zero = field == 0 && fraction == 0;
    if (neg && !zero && !f.isSigned) {
        if (f.negativePolicy == NEG_CODE) return f.negativeCode;
        neg = false;
    }
    if (field == 0xFF) return f.infCode[neg];
    if (zero) return f.zeroCode[neg];
    uint64_t sig = field == 0 ? fraction : (fraction | 0x800000u);
    int exp = (field == 0 ? 1 : (int) field) - 150 - scaleExp;
    return encode_magnitude(f, neg, sig, exp, random);
}

__device__ __forceinline__ uint32_t f16_to_f32_bits(uint32_t h) {
    uint32_t sign = (h & 0x8000u) << 16, field = (h >> 10) & 0x1F, mant = h & 0x3FF;
    if (field == 0x1F) return sign | 0x7F800000u | (mant << 13);
    if (field != 0) return sign | ((field - 15 + 127) << 23) | (mant << 13);
    if (mant == 0) return sign;
    int p = 31 - __clz(mant);
    return sign | ((uint32_t) (p - 24 + 127) << 23) | ((mant - (1u << p)) << (23 - p));
}

// Source formats: 0 f32, 1 bf16, 2 f16 (SourceFormat order), widened exactly to FP32 (§2).
template <int SRC> __device__ __forceinline__ uint32_t load_source(const void *in, int64_t i) {
    if (SRC == 0) return ((const uint32_t *) in)[i];
    uint32_t h = ((const uint16_t *) in)[i];
    return SRC == 1 ? h << 16 : f16_to_f32_bits(h);
}

// ------------------------------------------------------------------------------------------------
// Hardware conversions. Each returns the code of b, the low byte/nibble of the x2 result.

__device__ __forceinline__ int cvt_e4m3(float v) {
    unsigned short d;
    asm("cvt.rn.satfinite.e4m3x2.f32 %0, %1, %2;" : "=h"(d) : "f"(0.0f), "f"(v));
    return d & 0xFF;
}

__device__ __forceinline__ int cvt_e5m2(float v) {
    unsigned short d;
    asm("cvt.rn.satfinite.e5m2x2.f32 %0, %1, %2;" : "=h"(d) : "f"(0.0f), "f"(v));
    return d & 0xFF;
}

// Two E4M3 codes in one instruction: lo -> byte 0, hi -> byte 1.
__device__ __forceinline__ uint32_t cvt_e4m3x2(float lo, float hi) {
    unsigned short d;
    asm("cvt.rn.satfinite.e4m3x2.f32 %0, %1, %2;" : "=h"(d) : "f"(hi), "f"(lo));
    return d;
}

#if LOWBIT_NATIVE_FP4
__device__ __forceinline__ int cvt_e2m1(float v) {
    uint32_t d;
    asm("{ .reg .b8 t; cvt.rn.satfinite.e2m1x2.f32 t, %1, %2; cvt.u32.u8 %0, t; }" : "=r"(d) : "f"(0.0f), "f"(v));
    return d & 0xF;
}
__device__ __forceinline__ int cvt_e2m3(float v) {
    unsigned short d;
    asm("cvt.rn.satfinite.e2m3x2.f32 %0, %1, %2;" : "=h"(d) : "f"(0.0f), "f"(v));
    return d & 0x3F;
}
__device__ __forceinline__ int cvt_e3m2(float v) {
    unsigned short d;
    asm("cvt.rn.satfinite.e3m2x2.f32 %0, %1, %2;" : "=h"(d) : "f"(0.0f), "f"(v));
    return d & 0x3F;
}
__device__ __forceinline__ int cvt_ue8m0_rz(float v) {
    unsigned short d;
    asm("cvt.rz.satfinite.ue8m0x2.f32 %0, %1, %2;" : "=h"(d) : "f"(0.0f), "f"(v));
    return d & 0xFF;
}
__device__ __forceinline__ int cvt_ue8m0_rp(float v) {
    unsigned short d;
    asm("cvt.rp.satfinite.ue8m0x2.f32 %0, %1, %2;" : "=h"(d) : "f"(0.0f), "f"(v));
    return d & 0xFF;
}
// Two E2M1 codes: lo -> bits 3:0, hi -> bits 7:4.
__device__ __forceinline__ uint32_t cvt_e2m1x2(float lo, float hi) {
    uint32_t d;
    asm("{ .reg .b8 t; cvt.rn.satfinite.e2m1x2.f32 t, %1, %2; cvt.u32.u8 %0, t; }" : "=r"(d) : "f"(hi), "f"(lo));
    return d;
}
#endif

// E2M1 in integer arithmetic, RNE and SATFINITE (the 'ocp' element knobs for finite values): finite
// magnitudes order as their FP32 patterns, so the code is the number of rounding boundaries at or below
// |x|; a boundary that is a tie belongs to the even code (§3 rule 5). NaN gives +0 (nan ZERO).
__device__ __forceinline__ uint32_t e2m1_rne_sat(uint32_t x) {
    uint32_t a = x & 0x7FFFFFFFu;
    if (a > 0x7F800000u) return 0;
    uint32_t c = (a > 0x3E800000u)     // 0.25: tie 0 | 0.5 -> 0
               + (a >= 0x3F400000u)    // 0.75: tie 0.5 | 1 -> 1 (code 2)
               + (a > 0x3FA00000u)     // 1.25: tie 1 | 1.5 -> 1
               + (a >= 0x3FE00000u)    // 1.75: tie 1.5 | 2 -> 2 (code 4)
               + (a > 0x40200000u)     // 2.5: tie 2 | 3 -> 2
               + (a >= 0x40600000u)    // 3.5: tie 3 | 4 -> 4 (code 6)
               + (a > 0x40A00000u);    // 5: tie 4 | 6 -> 4
    return c | ((x >> 28) & 0x8u);
}

// An element of a finite quotient x * 2^-s: the hardware cvt where it reproduces the knobs, else §3.
__device__ __forceinline__ int encode_scaled(const Elem &f, uint32_t x, int s, uint32_t random) {
    if (f.fast != FAST_NONE && (x & 0x7FFFFFFFu) < 0x7F800000u) {
        // 2^-s as FP32 (exact for s in [-127, 127]); one RNE product, which gives the code of the exact
        // quotient under RNE (§8.2 step 5).
        int be = 127 - s;
        float scale = be >= 1 ? __uint_as_float((uint32_t) be << 23) : __uint_as_float(0x00400000u >> (-be));
        float q = __fmul_rn(__uint_as_float(x), scale);
        switch (f.fast) {
            case FAST_E4M3: return cvt_e4m3(q);
            case FAST_E5M2: return cvt_e5m2(q);
#if LOWBIT_NATIVE_FP4
            case FAST_E2M1: return cvt_e2m1(q);
            case FAST_E2M3: return cvt_e2m3(q);
            case FAST_E3M2: return cvt_e3m2(q);
#else
            case FAST_E2M1: return (int) e2m1_rne_sat(__float_as_uint(q));
#endif
            default: break;
        }
    }
    return encode_f32(f, x, s, random);
}

// ------------------------------------------------------------------------------------------------
// Element encode and decode (§3, §1)

template <int SRC>
__device__ void encode_body(const void *in, uint8_t *out, const uint32_t *random, int64_t count, const Elem &f) {
    for (int64_t i = blockIdx.x * (int64_t) blockDim.x + threadIdx.x; i < count; i += (int64_t) gridDim.x * blockDim.x) {
        uint32_t x = load_source<SRC>(in, i);
        int code;
        if (f.fast == FAST_E4M3) code = cvt_e4m3(__uint_as_float(x));       // the profile is the hardware's
        else if (f.fast == FAST_E5M2) code = cvt_e5m2(__uint_as_float(x));
#if LOWBIT_NATIVE_FP4
        else if (f.fast == FAST_E2M1) code = cvt_e2m1(__uint_as_float(x));
        else if (f.fast == FAST_E2M3) code = cvt_e2m3(__uint_as_float(x));
        else if (f.fast == FAST_E3M2) code = cvt_e3m2(__uint_as_float(x));
#endif
        else code = encode_f32(f, x, 0, random ? random[i] : 0u);
        out[i] = (uint8_t) code;
    }
}

extern "C" __global__ void lowbit_encode_f32(const void *in, uint8_t *out, const uint32_t *random, int64_t count, const __grid_constant__ Elem f) {
    encode_body<0>(in, out, random, count, f);
}
extern "C" __global__ void lowbit_encode_bf16(const void *in, uint8_t *out, const uint32_t *random, int64_t count, const __grid_constant__ Elem f) {
    encode_body<1>(in, out, random, count, f);
}
extern "C" __global__ void lowbit_encode_f16(const void *in, uint8_t *out, const uint32_t *random, int64_t count, const __grid_constant__ Elem f) {
    encode_body<2>(in, out, random, count, f);
}

// Exhaustive sweep: encodes the FP32 patterns first .. first+count-1 (no input array).
extern "C" __global__ void lowbit_encode_f32_range(uint32_t first, uint8_t *out, int64_t count, const __grid_constant__ Elem f) {
    for (int64_t i = blockIdx.x * (int64_t) blockDim.x + threadIdx.x; i < count; i += (int64_t) gridDim.x * blockDim.x) {
        uint32_t x = first + (uint32_t) i;
        int code;
        if (f.fast == FAST_E4M3) code = cvt_e4m3(__uint_as_float(x));
        else if (f.fast == FAST_E5M2) code = cvt_e5m2(__uint_as_float(x));
        else code = encode_f32(f, x, 0, 0u);
        out[i] = (uint8_t) code;
    }
}

// The exact FP32 pattern of a code (§1): fmt = Elem of the format (mbits, bias, bits, kind, signMask,
// fractionBits, isSigned), plus the NaN / Inf classes passed as flags.
struct Dec {
    int kind, mbits, ebits, bias, bits, signMask, fractionBits, isSigned;
    int specials;  // 0 IEEE, 1 NaN all ones, 2 fnuz, 3 none, 4 e8m0
};

__device__ __forceinline__ uint32_t decode_code(const Dec &d, uint32_t code) {
    if (d.kind == KIND_INTEGER) {
        int n = d.isSigned ? ((int) (code << (32 - d.bits)) >> (32 - d.bits)) : (int) code;
        // n * 2^-fractionBits: |n| < 2^8, exact
        float v = (float) n;
        if (d.fractionBits) v = __fmul_rn(v, __uint_as_float((uint32_t) (127 - d.fractionBits) << 23));
        return __float_as_uint(v);
    }
    uint32_t sign = (code & d.signMask) ? 0x80000000u : 0u;
    uint32_t magnitude = code & ~(uint32_t) d.signMask;
    uint32_t allOnes = (1u << (d.ebits + d.mbits)) - 1;
    uint32_t expOnes = ((1u << d.ebits) - 1) << d.mbits;
    switch (d.specials) {
        case 0: if ((magnitude & expOnes) == expOnes) return magnitude == expOnes ? (sign | 0x7F800000u) : (sign | 0x7FC00000u); break;
        case 1: if (magnitude == allOnes) return sign | 0x7FC00000u; break;
        case 2: if (code == (uint32_t) d.signMask) return 0x7FC00000u; sign = (code & d.signMask) ? 0x80000000u : 0u; break;
        case 4: return code == 0xFF ? 0x7FC00000u : (code == 0 ? 0x00400000u : code << 23);
        default: break;
    }
    uint32_t field = magnitude >> d.mbits, mant = magnitude & ((1u << d.mbits) - 1);
    if (field == 0) {
        if (mant == 0) return sign;
        int p = 31 - __clz(mant);
        int e = (1 - d.bias) - d.mbits + p + 127;
        return sign | ((uint32_t) e << 23) | ((mant - (1u << p)) << (23 - p));
    }
    return sign | ((field - d.bias + 127) << 23) | (mant << (23 - d.mbits));
}

extern "C" __global__ void lowbit_decode(const uint8_t *codes, uint32_t *out, int64_t count, Dec d) {
    for (int64_t i = blockIdx.x * (int64_t) blockDim.x + threadIdx.x; i < count; i += (int64_t) gridDim.x * blockDim.x) {
        out[i] = decode_code(d, codes[i]);
    }
}

// ------------------------------------------------------------------------------------------------
// Layouts (§9.1, §9.4)

enum Layout { L_UNPACKED = 0, L_NIBBLE_LOW = 1, L_NIBBLE_HIGH = 2, L_FP6_4IN3 = 3, L_F8F6F4 = 4 };
enum ScaleLayoutId { S_ROW_MAJOR = 0, S_SWIZZLE = 1 };

__device__ __forceinline__ int64_t scale_offset(int layout, int64_t r, int64_t c, int64_t cols) {
    if (layout == S_ROW_MAJOR) return r * cols + c;
    int64_t cp = (cols + 3) / 4 * 4;  // C' (§9.4)
    return ((r / 128) * (cp / 4) + c / 4) * 512 + (r % 32) * 16 + ((r % 128) / 32) * 4 + c % 4;
}

// Packs unpacked codes (one per byte) into a layout: one thread per container.
extern "C" __global__ void lowbit_pack(const uint8_t *codes, uint8_t *out, int64_t count, int layout, int fp4) {
    int64_t containers = layout == L_FP6_4IN3 ? count / 4 : (layout == L_UNPACKED || layout == L_F8F6F4 ? count : count / 2);
    for (int64_t i = blockIdx.x * (int64_t) blockDim.x + threadIdx.x; i < containers; i += (int64_t) gridDim.x * blockDim.x) {
        switch (layout) {
            case L_NIBBLE_LOW: out[i] = (uint8_t) ((codes[2 * i] & 0xF) | (codes[2 * i + 1] << 4)); break;
            case L_NIBBLE_HIGH: out[i] = (uint8_t) ((codes[2 * i] << 4) | (codes[2 * i + 1] & 0xF)); break;
            case L_FP6_4IN3: {
                uint32_t w = (codes[4 * i] & 0x3Fu) | (codes[4 * i + 1] & 0x3Fu) << 6 | (codes[4 * i + 2] & 0x3Fu) << 12
                             | (uint32_t) (codes[4 * i + 3] & 0x3Fu) << 18;
                out[3 * i] = (uint8_t) w; out[3 * i + 1] = (uint8_t) (w >> 8); out[3 * i + 2] = (uint8_t) (w >> 16);
                break;
            }
            case L_F8F6F4: out[i] = fp4 ? (uint8_t) (codes[i] << 2) : codes[i]; break;
            default: out[i] = codes[i];
        }
    }
}

// The inverse; a nonzero pad bit sets *bad to 1 + the container index (STRICT, §9.0).
extern "C" __global__ void lowbit_unpack(const uint8_t *in, uint8_t *codes, int64_t count, int layout, int fp4,
                                         int padMask, unsigned long long *bad) {
    int64_t containers = layout == L_FP6_4IN3 ? count / 4 : (layout == L_UNPACKED || layout == L_F8F6F4 ? count : count / 2);
    for (int64_t i = blockIdx.x * (int64_t) blockDim.x + threadIdx.x; i < containers; i += (int64_t) gridDim.x * blockDim.x) {
        bool padSet = false;
        switch (layout) {
            case L_NIBBLE_LOW: codes[2 * i] = in[i] & 0xF; codes[2 * i + 1] = in[i] >> 4; break;
            case L_NIBBLE_HIGH: codes[2 * i] = in[i] >> 4; codes[2 * i + 1] = in[i] & 0xF; break;
            case L_FP6_4IN3: {
                uint32_t w = in[3 * i] | (uint32_t) in[3 * i + 1] << 8 | (uint32_t) in[3 * i + 2] << 16;
                for (int j = 0; j < 4; j++) codes[4 * i + j] = (w >> (6 * j)) & 0x3F;
                break;
            }
            case L_F8F6F4:
                if (fp4) { padSet = (in[i] & 0xC3) != 0; codes[i] = (in[i] >> 2) & 0xF; }
                else { padSet = (in[i] & padMask) != 0; codes[i] = in[i]; }
                break;
            default: padSet = (in[i] & padMask) != 0; codes[i] = in[i];
        }
        if (padSet) atomicMin(bad, (unsigned long long) i + 1);
    }
}

// ------------------------------------------------------------------------------------------------
// MX block quantize (§8.2, §8.3): one thread per block of 32.

enum Rule { R_FLOOR = 0, R_CEIL = 1, R_EVEN = 2, R_RCEIL = 3, R_ROUND_UP = 4 };

struct Mx {
    int rule, emax, evenMbits, nonFiniteWholeBlock, zeroBlockOne, flushTinyAmax;
    float elementMax;       // 448, 57344, 28, 7.5, 6, 127/64
    int rows, rowLength, blocksPerRow, scaleLayout, elementLayout;  // elementLayout: L_UNPACKED or L_F8F6F4
    int fp4;
};

__device__ __forceinline__ int clamp_exp(int s) { return s < -127 ? -127 : (s > 127 ? 127 : s); }

__device__ __forceinline__ int floor_log2(uint32_t a) {
    uint32_t field = a >> 23, fraction = a & 0x7FFFFF;
    if (field) return (int) field - 127;
    return fraction == 0 ? -100000 : (31 - __clz(fraction)) - 149;
}

__device__ __forceinline__ int ceil_log2(uint32_t a) {
    uint32_t field = a >> 23, fraction = a & 0x7FFFFF;
    if (field) return (int) field - 127 + (fraction != 0);
    if (fraction == 0) return -100000;
    int fl = (31 - __clz(fraction)) - 149;
    return (fraction & (fraction - 1)) == 0 ? fl : fl + 1;
}

// The scale exponent s (§8.3) and whether every element is written as ±0 (ROUND_UP with d = 0).
__device__ __forceinline__ int mx_scale(const Mx &p, uint32_t amax, bool &zeroElements) {
    zeroElements = false;
    switch (p.rule) {
        case R_FLOOR:
#if LOWBIT_NATIVE_FP4
            return clamp_exp(cvt_ue8m0_rz(__uint_as_float(amax)) - 127 - p.emax);
#else
            return clamp_exp(floor_log2(amax) - p.emax);
#endif
        case R_CEIL: return clamp_exp(ceil_log2(amax) - p.emax);
        case R_EVEN: {
            uint32_t rounded = (amax + (1u << (22 - p.evenMbits))) & 0x7F800000u;
            return clamp_exp((int) (rounded >> 23) - 127 - p.emax);
        }
        case R_RCEIL: {
            float d = __fmul_rn(__uint_as_float(amax), __fdiv_rn(1.0f, p.elementMax));
#if LOWBIT_NATIVE_FP4
            return clamp_exp(cvt_ue8m0_rp(d) - 127);
#else
            uint32_t b = __float_as_uint(d), field = b >> 23, fraction = b & 0x7FFFFF;
            bool up = field != 0 ? fraction != 0 : fraction > 0x400000;
            return clamp_exp((int) (field + up) - 127);
#endif
        }
        default: {
            uint32_t d = __float_as_uint(__fdiv_rn(__uint_as_float(amax), p.elementMax));
            zeroElements = d == 0;
            return clamp_exp((int) (((d + 0x7FFFFFu) & 0x7F800000u) >> 23) - 127);
        }
    }
}

template <int SRC>
__device__ void mx_quantize_body(const void *in, uint8_t *codes, uint8_t *scales, const uint32_t *random, const Mx &p, const Elem &f) {
    int64_t blocks = (int64_t) p.rows * p.blocksPerRow;
    for (int64_t b = blockIdx.x * (int64_t) blockDim.x + threadIdx.x; b < blocks; b += (int64_t) gridDim.x * blockDim.x) {
        int64_t r = b / p.blocksPerRow, c = b % p.blocksPerRow;
        int64_t first = r * p.rowLength + c * 32;
        int n = p.rowLength - (int) (c * 32);
        if (n > 32) n = 32;  // a short tail block is padded with +0, which changes nothing (§8.1)
        uint32_t x[32];
        bool fullAligned = n == 32 && (first % (SRC == 0 ? 4 : 8)) == 0;
        if (fullAligned) {
            const uint4 *v = (const uint4 *) ((const char *) in + first * (SRC == 0 ? 4 : 2));
#pragma unroll
            for (int j = 0; j < (SRC == 0 ? 8 : 4); j++) {
                uint4 w = v[j];
                if (SRC == 0) { x[4 * j] = w.x; x[4 * j + 1] = w.y; x[4 * j + 2] = w.z; x[4 * j + 3] = w.w; }
                else {
                    uint32_t ws[4] = {w.x, w.y, w.z, w.w};
#pragma unroll
                    for (int h = 0; h < 4; h++) {
                        uint32_t lo = ws[h] & 0xFFFF, hi = ws[h] >> 16;
                        x[8 * j + 2 * h] = SRC == 1 ? lo << 16 : f16_to_f32_bits(lo);
                        x[8 * j + 2 * h + 1] = SRC == 1 ? hi << 16 : f16_to_f32_bits(hi);
                    }
                }
            }
        } else {
#pragma unroll
            for (int j = 0; j < 32; j++) x[j] = j < n ? load_source<SRC>(in, first + j) : 0u;
        }
        uint32_t amax = 0;
        bool nonFinite = false;
#pragma unroll
        for (int j = 0; j < 32; j++) {
            uint32_t a = x[j] & 0x7FFFFFFFu;
            if (a >= 0x7F800000u) nonFinite = true;
            else amax = a > amax ? a : amax;
        }
        int scaleCode;
        uint8_t out[32];
        if (nonFinite && p.nonFiniteWholeBlock) {
            scaleCode = 0xFF;  // §8.2 step 3: scale NaN, elements 0
#pragma unroll
            for (int j = 0; j < 32; j++) out[j] = 0;
        } else {
            int s;
            bool zeroElements;
            if (amax == 0 && p.zeroBlockOne) { s = 0; zeroElements = false; }
            else s = mx_scale(p, amax, zeroElements);
            zeroElements |= p.flushTinyAmax && amax < 0x00800000u;
            scaleCode = s + 127;
#pragma unroll
            for (int j = 0; j < 32; j++) {
                uint32_t v = x[j];
                int code;
                if ((v & 0x7FFFFFFFu) >= 0x7F800000u) code = encode_f32(f, v, 0, 0u);   // PER_ELEMENT: ±Inf / X = ±Inf
                else if (zeroElements) code = encode_f32(f, v & 0x80000000u, 0, 0u);
                else code = encode_scaled(f, v, s, random ? random[first + j] : 0u);
                out[j] = (uint8_t) (p.elementLayout == L_F8F6F4 && p.fp4 ? code << 2 : code);
            }
        }
        if (n == 32 && (first % 16) == 0) {
            uint4 *o = (uint4 *) (codes + first);
            o[0] = *(uint4 *) &out[0];
            o[1] = *(uint4 *) &out[16];
        } else {
            for (int j = 0; j < n; j++) codes[first + j] = out[j];
        }
        scales[scale_offset(p.scaleLayout, r, c, p.blocksPerRow)] = (uint8_t) scaleCode;
    }
}

extern "C" __global__ void lowbit_mx_quantize_f32(const void *in, uint8_t *codes, uint8_t *scales, const uint32_t *random, const __grid_constant__ Mx p, const __grid_constant__ Elem f) {
    mx_quantize_body<0>(in, codes, scales, random, p, f);
}
extern "C" __global__ void lowbit_mx_quantize_bf16(const void *in, uint8_t *codes, uint8_t *scales, const uint32_t *random, const __grid_constant__ Mx p, const __grid_constant__ Elem f) {
    mx_quantize_body<1>(in, codes, scales, random, p, f);
}
extern "C" __global__ void lowbit_mx_quantize_f16(const void *in, uint8_t *codes, uint8_t *scales, const uint32_t *random, const __grid_constant__ Mx p, const __grid_constant__ Elem f) {
    mx_quantize_body<2>(in, codes, scales, random, p, f);
}

// ------------------------------------------------------------------------------------------------
// Rounding an exact value sig * 2^exp once, to nearest even, into f32 / bf16 / f16 (§8.7).

struct Out { int mbits, bias, maxFiniteCode, infCode, signShift; };  // signShift: 31 or 15

__device__ __noinline__ uint32_t round_exact(const Out &o, bool neg, uint64_t sig, int exp) {
    uint32_t sign = neg ? (1u << o.signShift) : 0u;
    if (sig == 0) return sign;
    int e = exp + 63 - __clzll(sig);
    int emin = 1 - o.bias;
    int t = e > emin ? e : emin;
    int shift = t - o.mbits - exp;
    uint64_t n;
    if (shift <= 0) n = sig << -shift;
    else {
        uint64_t rem;
        split(sig, shift, n, rem);
        int sh = shift > 63 ? 63 : shift;
        uint64_t half = 1ull << (sh - 1);
        if (rem > half || (rem == half && (n & 1))) n++;
    }
    if (n == 0) return sign;
    int64_t magnitude = ((int64_t) (t + o.bias - 1) << o.mbits) + (int64_t) n;
    if (magnitude > o.maxFiniteCode) return sign | (uint32_t) o.infCode;
    return sign | (uint32_t) magnitude;
}

// Splits a finite nonzero FP32 pattern into sig * 2^exp.
__device__ __forceinline__ void split_f32(uint32_t bits, uint64_t &sig, int &exp) {
    uint32_t field = (bits >> 23) & 0xFF, fraction = bits & 0x7FFFFF;
    sig = field == 0 ? fraction : (fraction | 0x800000u);
    exp = (field == 0 ? 1 : (int) field) - 150;
}

__device__ __forceinline__ uint32_t quiet_nan(int outFormat, bool neg) {
    if (outFormat == 0) return (neg ? 0x80000000u : 0u) | 0x7FC00000u;
    if (outFormat == 1) return (neg ? 0x8000u : 0u) | 0x7FC0u;
    return (neg ? 0x8000u : 0u) | 0x7E00u;
}

__device__ __forceinline__ void store_out(void *out, int outFormat, int64_t i, uint32_t v) {
    if (outFormat == 0) ((uint32_t *) out)[i] = v;
    else ((uint16_t *) out)[i] = (uint16_t) v;
}

// An element value (FP32 pattern, exact) times 2^s [times g], rounded once into the output.
__device__ __forceinline__ uint32_t scaled_value(const Out &o, int outFormat, uint32_t e, int s, uint64_t gSig, int gExp) {
    bool neg = e >> 31;
    uint32_t a = e & 0x7FFFFFFFu;
    if (a > 0x7F800000u) return quiet_nan(outFormat, neg);
    if (a == 0x7F800000u) return (neg ? (1u << o.signShift) : 0u) | (uint32_t) o.infCode;
    if (a == 0) return neg ? (1u << o.signShift) : 0u;
    uint64_t sig; int exp;
    split_f32(a, sig, exp);
    return round_exact(o, neg, sig * gSig, exp + s + gExp);
}

// MX dequantize: one thread per block; unpacked (or f8f6f4) codes.
struct MxDeq {
    int rows, rowLength, blocksPerRow, scaleLayout, outFormat, f8f6f4Fp4;
    Out out;
    Dec dec;
};

template <int OUT>
__device__ void mx_dequantize_body(const uint8_t *codes, const uint8_t *scales, void *out, const MxDeq &p) {
    int64_t blocks = (int64_t) p.rows * p.blocksPerRow;
    for (int64_t b = blockIdx.x * (int64_t) blockDim.x + threadIdx.x; b < blocks; b += (int64_t) gridDim.x * blockDim.x) {
        int64_t r = b / p.blocksPerRow, c = b % p.blocksPerRow;
        int64_t first = r * p.rowLength + c * 32;
        int n = p.rowLength - (int) (c * 32);
        if (n > 32) n = 32;
        int scaleCode = scales[scale_offset(p.scaleLayout, r, c, p.blocksPerRow)];
        uint8_t in[32];
        if (n == 32 && (first % 16) == 0) {
            *(uint4 *) &in[0] = ((const uint4 *) (codes + first))[0];
            *(uint4 *) &in[16] = ((const uint4 *) (codes + first))[1];
        } else {
#pragma unroll
            for (int j = 0; j < 32; j++) in[j] = j < n ? codes[first + j] : 0;
        }
        uint32_t v[32];
        int s = scaleCode - 127;
        // Fast path: every nonzero product is an FP32 normal (elements are ≥ 2^-16, §1), so the FP32 product
        // is exact (or overflows to Inf correctly) and the cast to bf16/f16 rounds once.
        bool fast = s >= -110;
        float scale = s >= -126 ? __uint_as_float((uint32_t) (s + 127) << 23) : 0.0f;
#pragma unroll
        for (int j = 0; j < 32; j++) {
            uint32_t code = p.f8f6f4Fp4 ? (in[j] >> 2) & 0xF : in[j];
            uint32_t e = decode_code(p.dec, code);
            if (scaleCode == 0xFF) v[j] = quiet_nan(OUT, false);
            else if (fast) {
                float prod = __fmul_rn(__uint_as_float(e), scale);
                if ((e & 0x7FFFFFFFu) > 0x7F800000u) v[j] = quiet_nan(OUT, e >> 31);
                else if (OUT == 0) v[j] = __float_as_uint(prod);
                else if (OUT == 1) v[j] = __float_as_uint(prod) >> 16;  // exact: at most 7 significant bits
                else v[j] = __half_as_ushort(__float2half_rn(prod));
            } else v[j] = scaled_value(p.out, OUT, e, s, 1, 0);
        }
        if (n == 32 && (first % 8) == 0 && OUT != 0) {
            uint4 *o = (uint4 *) ((uint16_t *) out + first);
#pragma unroll
            for (int j = 0; j < 4; j++) o[j] = make_uint4(v[8 * j] | v[8 * j + 1] << 16, v[8 * j + 2] | v[8 * j + 3] << 16,
                                                         v[8 * j + 4] | v[8 * j + 5] << 16, v[8 * j + 6] | v[8 * j + 7] << 16);
        } else if (n == 32 && (first % 4) == 0 && OUT == 0) {
            uint4 *o = (uint4 *) ((uint32_t *) out + first);
#pragma unroll
            for (int j = 0; j < 8; j++) o[j] = make_uint4(v[4 * j], v[4 * j + 1], v[4 * j + 2], v[4 * j + 3]);
        } else {
            for (int j = 0; j < n; j++) store_out(out, OUT, first + j, v[j]);
        }
    }
}

extern "C" __global__ void lowbit_mx_dequantize_f32(const uint8_t *codes, const uint8_t *scales, void *out, const __grid_constant__ MxDeq p) {
    mx_dequantize_body<0>(codes, scales, out, p);
}
extern "C" __global__ void lowbit_mx_dequantize_bf16(const uint8_t *codes, const uint8_t *scales, void *out, const __grid_constant__ MxDeq p) {
    mx_dequantize_body<1>(codes, scales, out, p);
}
extern "C" __global__ void lowbit_mx_dequantize_f16(const uint8_t *codes, const uint8_t *scales, void *out, const __grid_constant__ MxDeq p) {
    mx_dequantize_body<2>(codes, scales, out, p);
}

// ------------------------------------------------------------------------------------------------
// NVFP4 (§8.4): one thread per block of 16. Elements RNE/SATFINITE ('ocp' knobs), WHOLE_BLOCK_NAN.

struct Nv {
    int rows, rowLength, blocksPerRow, scaleLayout, elementLayout;  // L_UNPACKED, L_NIBBLE_LOW/HIGH, L_F8F6F4
    int divide, zeroBlockOne, lowerExp, flushTinyAmax;
    int tensorScaleBits;    // g, or 0x3F800000 (1.0) in single level; ignored when gFromAmax
    int gFromAmax;          // two level, computed: g = fl(amax_t / 2688) from *tensorAmax
};

// The largest finite |x| of the whole tensor, as an FP32 pattern (atomicMax on patterns, §8.4 step 5).
template <int SRC>
__device__ void amax_body(const void *in, int64_t count, unsigned int *amax) {
    uint32_t m = 0;
    for (int64_t i = blockIdx.x * (int64_t) blockDim.x + threadIdx.x; i < count; i += (int64_t) gridDim.x * blockDim.x) {
        uint32_t a = load_source<SRC>(in, i) & 0x7FFFFFFFu;
        if (a < 0x7F800000u && a > m) m = a;
    }
    for (int o = 16; o > 0; o >>= 1) { uint32_t t = __shfl_xor_sync(0xFFFFFFFFu, m, o); m = t > m ? t : m; }
    if ((threadIdx.x & 31) == 0) atomicMax(amax, m);
}
extern "C" __global__ void lowbit_amax_f32(const void *in, int64_t count, unsigned int *amax) { amax_body<0>(in, count, amax); }
extern "C" __global__ void lowbit_amax_bf16(const void *in, int64_t count, unsigned int *amax) { amax_body<1>(in, count, amax); }
extern "C" __global__ void lowbit_amax_f16(const void *in, int64_t count, unsigned int *amax) { amax_body<2>(in, count, amax); }

__device__ __forceinline__ float ue4m3_value(int code) {  // exact; code 0x00..0x7E
    int field = code >> 3, mant = code & 7;
    if (field == 0) return __fmul_rn((float) mant, 0.001953125f);  // mant * 2^-9
    return __uint_as_float((uint32_t) (field - 7 + 127) << 23 | (uint32_t) mant << 20);
}

template <int SRC>
__device__ void nv_quantize_body(const void *in, uint8_t *codes, uint8_t *scales, const unsigned int *tensorAmax, const Nv &p) {
    float g = p.gFromAmax ? __fdiv_rn(__uint_as_float(*tensorAmax), 2688.0f) : __uint_as_float((uint32_t) p.tensorScaleBits);
    float lower = __uint_as_float((uint32_t) (127 + p.lowerExp) << 23);
    float invG = __fdiv_rn(1.0f, g);
    int64_t blocks = (int64_t) p.rows * p.blocksPerRow;
    for (int64_t b = blockIdx.x * (int64_t) blockDim.x + threadIdx.x; b < blocks; b += (int64_t) gridDim.x * blockDim.x) {
        int64_t r = b / p.blocksPerRow, c = b % p.blocksPerRow;
        int64_t first = r * p.rowLength + c * 16;
        int n = p.rowLength - (int) (c * 16);
        if (n > 16) n = 16;
        uint32_t x[16];
        if (n == 16 && (first % (SRC == 0 ? 4 : 8)) == 0) {
            const uint4 *v = (const uint4 *) ((const char *) in + first * (SRC == 0 ? 4 : 2));
#pragma unroll
            for (int j = 0; j < (SRC == 0 ? 4 : 2); j++) {
                uint4 w = v[j];
                if (SRC == 0) { x[4 * j] = w.x; x[4 * j + 1] = w.y; x[4 * j + 2] = w.z; x[4 * j + 3] = w.w; }
                else {
                    uint32_t ws[4] = {w.x, w.y, w.z, w.w};
#pragma unroll
                    for (int h = 0; h < 4; h++) {
                        uint32_t lo = ws[h] & 0xFFFF, hi = ws[h] >> 16;
                        x[8 * j + 2 * h] = SRC == 1 ? lo << 16 : f16_to_f32_bits(lo);
                        x[8 * j + 2 * h + 1] = SRC == 1 ? hi << 16 : f16_to_f32_bits(hi);
                    }
                }
            }
        } else {
#pragma unroll
            for (int j = 0; j < 16; j++) x[j] = j < n ? load_source<SRC>(in, first + j) : 0u;
        }
        uint32_t amax = 0;
        bool nonFinite = false;
#pragma unroll
        for (int j = 0; j < 16; j++) {
            uint32_t a = x[j] & 0x7FFFFFFFu;
            if (a >= 0x7F800000u) nonFinite = true;
            else amax = a > amax ? a : amax;
        }
        uint32_t q[16];
        int scaleCode;
        if (nonFinite) {
            scaleCode = 0x7F;
#pragma unroll
            for (int j = 0; j < 16; j++) q[j] = 0;
        } else {
            float a = __uint_as_float(amax);
            float s = p.divide ? __fdiv_rn(a, __fmul_rn(6.0f, g)) : __fdiv_rn(__fdiv_rn(a, 6.0f), g);
            if (s == 0.0f && p.zeroBlockOne) s = 1.0f;
            s = fminf(fmaxf(s, lower), 448.0f);
            scaleCode = cvt_e4m3(s);  // RNE into UE4M3; positive and ≤ 448, so the hardware cvt is exact here
            float S = ue4m3_value(scaleCode);
            float factor = p.divide ? __fmul_rn(S, g) : __fdiv_rn(invG, S);
            bool flush = p.flushTinyAmax && amax < 0x00800000u;
#if LOWBIT_NATIVE_FP4
            if (!flush) {
#pragma unroll
                for (int j = 0; j < 16; j += 2) {
                    float a0 = p.divide ? __fdiv_rn(__uint_as_float(x[j]), factor) : __fmul_rn(__uint_as_float(x[j]), factor);
                    float a1 = p.divide ? __fdiv_rn(__uint_as_float(x[j + 1]), factor) : __fmul_rn(__uint_as_float(x[j + 1]), factor);
                    if (a0 != a0 || a1 != a1) { q[j] = e2m1_rne_sat(__float_as_uint(a0)); q[j + 1] = e2m1_rne_sat(__float_as_uint(a1)); }
                    else { uint32_t d = cvt_e2m1x2(a0, a1); q[j] = d & 0xF; q[j + 1] = d >> 4; }
                }
            } else
#endif
#pragma unroll
            for (int j = 0; j < 16; j++) {
                uint32_t v = x[j];
                if (flush) q[j] = (v >> 28) & 0x8u;
                else {
                    float y = p.divide ? __fdiv_rn(__uint_as_float(v), factor) : __fmul_rn(__uint_as_float(v), factor);
                    q[j] = e2m1_rne_sat(__float_as_uint(y));
                }
            }
        }
        scales[scale_offset(p.scaleLayout, r, c, p.blocksPerRow)] = (uint8_t) scaleCode;
        if (p.elementLayout == L_NIBBLE_LOW || p.elementLayout == L_NIBBLE_HIGH) {
            // the host guarantees an even row length, so a block starts on a byte
            int hi = p.elementLayout == L_NIBBLE_LOW ? 4 : 0, lo = 4 - hi;
            uint32_t w0 = 0, w1 = 0;
#pragma unroll
            for (int j = 0; j < 8; j += 2) w0 |= (q[j] << lo | q[j + 1] << hi) << (4 * j);
#pragma unroll
            for (int j = 0; j < 8; j += 2) w1 |= (q[8 + j] << lo | q[9 + j] << hi) << (4 * j);
            uint8_t *o = codes + first / 2;
            if (n == 16 && (first % 16) == 0) *(uint2 *) o = make_uint2(w0, w1);
            else for (int j = 0; j < (n + 1) / 2; j++) o[j] = (uint8_t) ((j < 4 ? w0 >> (8 * j) : w1 >> (8 * (j - 4))) & 0xFF);
        } else {
            int shift = p.elementLayout == L_F8F6F4 ? 2 : 0;
            for (int j = 0; j < n; j++) codes[first + j] = (uint8_t) (q[j] << shift);
        }
    }
}

extern "C" __global__ void lowbit_nv_quantize_f32(const void *in, uint8_t *codes, uint8_t *scales, const unsigned int *amax, const __grid_constant__ Nv p) {
    nv_quantize_body<0>(in, codes, scales, amax, p);
}
extern "C" __global__ void lowbit_nv_quantize_bf16(const void *in, uint8_t *codes, uint8_t *scales, const unsigned int *amax, const __grid_constant__ Nv p) {
    nv_quantize_body<1>(in, codes, scales, amax, p);
}
extern "C" __global__ void lowbit_nv_quantize_f16(const void *in, uint8_t *codes, uint8_t *scales, const unsigned int *amax, const __grid_constant__ Nv p) {
    nv_quantize_body<2>(in, codes, scales, amax, p);
}

// NVFP4 dequantize (§8.7): e · S · g rounded once. Codes in L_UNPACKED, L_NIBBLE_LOW/HIGH or L_F8F6F4.
struct NvDeq {
    int rows, rowLength, blocksPerRow, scaleLayout, elementLayout, outFormat;
    int tensorScaleBits;  // 0x3F800000 in single level
    Out out;
};

__device__ __forceinline__ float e2m1_value(uint32_t c) {  // exact, from the bits (no table: no local memory)
    uint32_t mag = c & 7;
    uint32_t bits = mag == 0 ? 0u : mag == 1 ? 0x3F000000u : ((mag >> 1) + 126) << 23 | (mag & 1) << 22;
    return __uint_as_float(bits | (c & 8) << 28);
}

template <int OUT>
__device__ void nv_dequantize_body(const uint8_t *codes, const uint8_t *scales, void *out, const NvDeq &p) {
    int64_t blocks = (int64_t) p.rows * p.blocksPerRow;
    bool singleLevel = p.tensorScaleBits == 0x3F800000;
    uint64_t gSig; int gExp;
    split_f32((uint32_t) p.tensorScaleBits, gSig, gExp);
    for (int64_t b = blockIdx.x * (int64_t) blockDim.x + threadIdx.x; b < blocks; b += (int64_t) gridDim.x * blockDim.x) {
        int64_t r = b / p.blocksPerRow, c = b % p.blocksPerRow;
        int64_t first = r * p.rowLength + c * 16;
        int n = p.rowLength - (int) (c * 16);
        if (n > 16) n = 16;
        int scaleCode = scales[scale_offset(p.scaleLayout, r, c, p.blocksPerRow)];
        uint32_t e[16];
        if (p.elementLayout == L_NIBBLE_LOW || p.elementLayout == L_NIBBLE_HIGH) {
            uint32_t w0, w1;
            const uint8_t *src = codes + first / 2;
            if (n == 16 && (first % 16) == 0) { uint2 w = *(const uint2 *) src; w0 = w.x; w1 = w.y; }
            else {
                w0 = w1 = 0;
                for (int j = 0; j < (n + 1) / 2; j++) { if (j < 4) w0 |= (uint32_t) src[j] << (8 * j); else w1 |= (uint32_t) src[j] << (8 * (j - 4)); }
            }
            int hi = p.elementLayout == L_NIBBLE_LOW ? 4 : 0, lo = 4 - hi;
#pragma unroll
            for (int j = 0; j < 8; j += 2) {
                e[j] = (w0 >> (4 * j + lo)) & 0xF; e[j + 1] = (w0 >> (4 * j + hi)) & 0xF;
                e[8 + j] = (w1 >> (4 * j + lo)) & 0xF; e[9 + j] = (w1 >> (4 * j + hi)) & 0xF;
            }
        } else {
            int shift = p.elementLayout == L_F8F6F4 ? 2 : 0;
#pragma unroll
            for (int j = 0; j < 16; j++) e[j] = j < n ? (codes[first + j] >> shift) & 0xF : 0;
        }
        uint32_t v[16];
        float S = scaleCode == 0x7F ? 0.0f : ue4m3_value(scaleCode);
#pragma unroll
        for (int j = 0; j < 16; j++) {
            if (scaleCode == 0x7F) { v[j] = quiet_nan(OUT, false); continue; }
            float prod = __fmul_rn(e2m1_value(e[j]), S);  // exact: at most 6 significant bits, ≥ 2^-10
            if (singleLevel) {
                v[j] = OUT == 0 ? __float_as_uint(prod)
                     : OUT == 1 ? __float_as_uint(prod) >> 16
                     : (uint32_t) __half_as_ushort(__float2half_rn(prod));
            } else {
                v[j] = scaled_value(p.out, OUT, __float_as_uint(prod), 0, gSig, gExp);
            }
        }
        if (n == 16 && (first % 8) == 0 && OUT != 0) {
            uint4 *o = (uint4 *) ((uint16_t *) out + first);
#pragma unroll
            for (int j = 0; j < 2; j++) o[j] = make_uint4(v[8 * j] | v[8 * j + 1] << 16, v[8 * j + 2] | v[8 * j + 3] << 16,
                                                         v[8 * j + 4] | v[8 * j + 5] << 16, v[8 * j + 6] | v[8 * j + 7] << 16);
        } else if (n == 16 && (first % 4) == 0 && OUT == 0) {
            uint4 *o = (uint4 *) ((uint32_t *) out + first);
#pragma unroll
            for (int j = 0; j < 4; j++) o[j] = make_uint4(v[4 * j], v[4 * j + 1], v[4 * j + 2], v[4 * j + 3]);
        } else {
            for (int j = 0; j < n; j++) store_out(out, OUT, first + j, v[j]);
        }
    }
}

extern "C" __global__ void lowbit_nv_dequantize_f32(const uint8_t *codes, const uint8_t *scales, void *out, const __grid_constant__ NvDeq p) {
    nv_dequantize_body<0>(codes, scales, out, p);
}
extern "C" __global__ void lowbit_nv_dequantize_bf16(const uint8_t *codes, const uint8_t *scales, void *out, const __grid_constant__ NvDeq p) {
    nv_dequantize_body<1>(codes, scales, out, p);
}
extern "C" __global__ void lowbit_nv_dequantize_f16(const uint8_t *codes, const uint8_t *scales, void *out, const __grid_constant__ NvDeq p) {
    nv_dequantize_body<2>(codes, scales, out, p);
}

// ------------------------------------------------------------------------------------------------
// Coalesced variants for whole blocks (rowLength a multiple of the block size): each thread loads 16 bytes
// of input and a block is shared by 2-8 neighbouring lanes, which combine amax with shuffles. Same
// arithmetic as the kernels above, so the same codes; the host picks them when the shape allows.

template <int SRC> struct Vec {
    static constexpr int EPT = SRC == 0 ? 4 : 8;  // elements per 16-byte load
    __device__ static uint4 raw(const void *in, int64_t first) {
        return *(const uint4 *) ((const char *) in + first * (SRC == 0 ? 4 : 2));
    }
    __device__ static void load(const void *in, int64_t first, uint32_t *x) { convert(raw(in, first), x); }
    __device__ static void convert(uint4 w, uint32_t *x) {
        if (SRC == 0) { x[0] = w.x; x[1] = w.y; x[2] = w.z; x[3] = w.w; return; }
        uint32_t ws[4] = {w.x, w.y, w.z, w.w};
#pragma unroll
        for (int h = 0; h < 4; h++) {
            uint32_t lo = ws[h] & 0xFFFF, hi = ws[h] >> 16;
            x[2 * h] = SRC == 1 ? lo << 16 : f16_to_f32_bits(lo);
            x[2 * h + 1] = SRC == 1 ? hi << 16 : f16_to_f32_bits(hi);
        }
    }
};

// The scale byte of block b (blocks contiguous: row-major is b itself); 32-bit arithmetic, since a tensor
// has fewer than 2^31 elements (Java arrays), so blocks < 2^27.
__device__ __forceinline__ int64_t wide_scale_index(int64_t b, int layout, int blocksPerRow) {
    if (layout == S_ROW_MAJOR) return b;
    uint32_t ub = (uint32_t) b, bpr = (uint32_t) blocksPerRow;
    uint32_t r = ub / bpr, c = ub - r * bpr, cp4 = (bpr + 3) / 4;
    return (int64_t) ((r / 128) * cp4 + c / 4) * 512 + (r % 32) * 16 + ((r % 128) / 32) * 4 + c % 4;
}

template <int LANES> __device__ __forceinline__ uint32_t group_max(uint32_t v) {
#pragma unroll
    for (int o = 1; o < LANES; o <<= 1) { uint32_t t = __shfl_xor_sync(0xFFFFFFFFu, v, o); v = t > v ? t : v; }
    return v;
}

// MX, unpacked or f8f6f4 codes, WHOLE_BLOCK_NAN; the host guarantees rowLength % 32 == 0.
template <int SRC>
__device__ void mx_quantize_wide_body(const void *in, uint8_t *codes, uint8_t *scales, const Mx &p, const Elem &f) {
    constexpr int EPT = Vec<SRC>::EPT, LANES = 32 / EPT;
    int64_t count = (int64_t) p.rows * p.rowLength, threads = count / EPT;
    int64_t limit = (threads + 31) / 32 * 32;
        int64_t stride = (int64_t) gridDim.x * blockDim.x, t0 = blockIdx.x * (int64_t) blockDim.x + threadIdx.x;
    uint4 next = t0 < threads ? Vec<SRC>::raw(in, t0 * EPT) : make_uint4(0, 0, 0, 0);
    for (int64_t t = t0; t < limit; t += stride) {
        uint4 current = next;
        if (t + stride < threads) next = Vec<SRC>::raw(in, (t + stride) * EPT);  // in flight during this iteration
        bool live = t < threads;
        int64_t first = t * EPT;
        uint32_t x[EPT];
        Vec<SRC>::convert(current, x);
        uint32_t amax = 0, nonFinite = 0;
#pragma unroll
        for (int j = 0; j < EPT; j++) {
            uint32_t a = x[j] & 0x7FFFFFFFu;
            if (a >= 0x7F800000u) nonFinite = 1; else amax = a > amax ? a : amax;
        }
        amax = group_max<LANES>(amax);
        nonFinite = group_max<LANES>(nonFinite);
        if (!live) continue;
        int64_t b = first / 32;
        int scaleCode;
        uint8_t out[EPT];
        if (nonFinite) {
            scaleCode = 0xFF;
#pragma unroll
            for (int j = 0; j < EPT; j++) out[j] = 0;
        } else {
            int s;
            bool zeroElements;
            if (amax == 0 && p.zeroBlockOne) { s = 0; zeroElements = false; }
            else s = mx_scale(p, amax, zeroElements);
            zeroElements |= p.flushTinyAmax && amax < 0x00800000u;
            scaleCode = s + 127;
#pragma unroll
            for (int j = 0; j < EPT; j++) {
                int code = zeroElements ? encode_f32(f, x[j] & 0x80000000u, 0, 0u) : encode_scaled(f, x[j], s, 0u);
                out[j] = (uint8_t) (p.elementLayout == L_F8F6F4 && p.fp4 ? code << 2 : code);
            }
        }
        if (EPT == 8) *(uint2 *) (codes + first) = make_uint2(out[0] | out[1] << 8 | out[2] << 16 | (uint32_t) out[3] << 24,
                                                             out[4] | out[5] << 8 | out[6] << 16 | (uint32_t) out[7 % EPT] << 24);
        else *(uint32_t *) (codes + first) = out[0] | out[1] << 8 | out[2] << 16 | (uint32_t) out[3] << 24;
        if ((t % LANES) == 0) scales[wide_scale_index(b, p.scaleLayout, p.blocksPerRow)] = (uint8_t) scaleCode;
    }
}
extern "C" __global__ void lowbit_mx_quantize_wide_f32(const void *in, uint8_t *codes, uint8_t *scales, const __grid_constant__ Mx p, const __grid_constant__ Elem f) { mx_quantize_wide_body<0>(in, codes, scales, p, f); }
extern "C" __global__ void lowbit_mx_quantize_wide_bf16(const void *in, uint8_t *codes, uint8_t *scales, const __grid_constant__ Mx p, const __grid_constant__ Elem f) { mx_quantize_wide_body<1>(in, codes, scales, p, f); }
extern "C" __global__ void lowbit_mx_quantize_wide_f16(const void *in, uint8_t *codes, uint8_t *scales, const __grid_constant__ Mx p, const __grid_constant__ Elem f) { mx_quantize_wide_body<2>(in, codes, scales, p, f); }

// MX dequantize, 8 elements a thread; unpacked or f8f6f4 codes; rowLength % 32 == 0.
template <int OUT>
__device__ void mx_dequantize_wide_body(const uint8_t *codes, const uint8_t *scales, void *out, const MxDeq &p) {
    int64_t count = (int64_t) p.rows * p.rowLength, threads = count / 8;
    for (int64_t t = blockIdx.x * (int64_t) blockDim.x + threadIdx.x; t < threads; t += (int64_t) gridDim.x * blockDim.x) {
        int64_t first = t * 8;
        int scaleCode = scales[wide_scale_index(first / 32, p.scaleLayout, p.blocksPerRow)];
        uint2 w = *(const uint2 *) (codes + first);
        int s = scaleCode - 127;
        bool fast = s >= -110;
        float scale = s >= -126 ? __uint_as_float((uint32_t) (s + 127) << 23) : 0.0f;
        uint32_t v[8];
#pragma unroll
        for (int j = 0; j < 8; j++) {
            uint32_t byte = ((j < 4 ? w.x : w.y) >> (8 * (j & 3))) & 0xFF;
            uint32_t code = p.f8f6f4Fp4 ? (byte >> 2) & 0xF : byte;
            uint32_t e = decode_code(p.dec, code);
            if (scaleCode == 0xFF) v[j] = quiet_nan(OUT, false);
            else if ((e & 0x7FFFFFFFu) > 0x7F800000u) v[j] = quiet_nan(OUT, e >> 31);
            else if (fast) {
                float prod = __fmul_rn(__uint_as_float(e), scale);
                v[j] = OUT == 0 ? __float_as_uint(prod) : OUT == 1 ? __float_as_uint(prod) >> 16
                                                       : (uint32_t) __half_as_ushort(__float2half_rn(prod));
            } else v[j] = scaled_value(p.out, OUT, e, s, 1, 0);
        }
        if (OUT == 0) {
            uint4 *o = (uint4 *) ((uint32_t *) out + first);
            o[0] = make_uint4(v[0], v[1], v[2], v[3]);
            o[1] = make_uint4(v[4], v[5], v[6], v[7]);
        } else {
            *(uint4 *) ((uint16_t *) out + first) = make_uint4(v[0] | v[1] << 16, v[2] | v[3] << 16, v[4] | v[5] << 16, v[6] | v[7] << 16);
        }
    }
}
extern "C" __global__ void lowbit_mx_dequantize_wide_f32(const uint8_t *codes, const uint8_t *scales, void *out, const __grid_constant__ MxDeq p) { mx_dequantize_wide_body<0>(codes, scales, out, p); }
extern "C" __global__ void lowbit_mx_dequantize_wide_bf16(const uint8_t *codes, const uint8_t *scales, void *out, const __grid_constant__ MxDeq p) { mx_dequantize_wide_body<1>(codes, scales, out, p); }
extern "C" __global__ void lowbit_mx_dequantize_wide_f16(const uint8_t *codes, const uint8_t *scales, void *out, const __grid_constant__ MxDeq p) { mx_dequantize_wide_body<2>(codes, scales, out, p); }

// NVFP4 quantize, nibble layouts; rowLength % 16 == 0.
template <int SRC>
__device__ void nv_quantize_wide_body(const void *in, uint8_t *codes, uint8_t *scales, const Nv &p) {
    constexpr int EPT = Vec<SRC>::EPT, LANES = 16 / EPT;
    float g = __uint_as_float((uint32_t) p.tensorScaleBits);
    float lower = __uint_as_float((uint32_t) (127 + p.lowerExp) << 23);
    float invG = __fdiv_rn(1.0f, g);
    int64_t count = (int64_t) p.rows * p.rowLength, threads = count / EPT;
    int64_t limit = (threads + 31) / 32 * 32;
    int hi = p.elementLayout == L_NIBBLE_LOW ? 4 : 0, lo = 4 - hi;
        int64_t stride = (int64_t) gridDim.x * blockDim.x, t0 = blockIdx.x * (int64_t) blockDim.x + threadIdx.x;
    uint4 next = t0 < threads ? Vec<SRC>::raw(in, t0 * EPT) : make_uint4(0, 0, 0, 0);
    for (int64_t t = t0; t < limit; t += stride) {
        uint4 current = next;
        if (t + stride < threads) next = Vec<SRC>::raw(in, (t + stride) * EPT);  // in flight during this iteration
        bool live = t < threads;
        int64_t first = t * EPT;
        uint32_t x[EPT];
        Vec<SRC>::convert(current, x);
        uint32_t amax = 0, nonFinite = 0;
#pragma unroll
        for (int j = 0; j < EPT; j++) {
            uint32_t a = x[j] & 0x7FFFFFFFu;
            if (a >= 0x7F800000u) nonFinite = 1; else amax = a > amax ? a : amax;
        }
        amax = group_max<LANES>(amax);
        nonFinite = group_max<LANES>(nonFinite);
        if (!live) continue;
        uint32_t q[EPT];
        int scaleCode;
        if (nonFinite) {
            scaleCode = 0x7F;
#pragma unroll
            for (int j = 0; j < EPT; j++) q[j] = 0;
        } else {
            float a = __uint_as_float(amax);
            float s = p.divide ? __fdiv_rn(a, __fmul_rn(6.0f, g)) : __fdiv_rn(__fdiv_rn(a, 6.0f), g);
            if (s == 0.0f && p.zeroBlockOne) s = 1.0f;
            s = fminf(fmaxf(s, lower), 448.0f);
            scaleCode = cvt_e4m3(s);
            float S = ue4m3_value(scaleCode);
            float factor = p.divide ? __fmul_rn(S, g) : __fdiv_rn(invG, S);
            bool flush = p.flushTinyAmax && amax < 0x00800000u;
#pragma unroll
            for (int j = 0; j < EPT; j++) {
                float y = p.divide ? __fdiv_rn(__uint_as_float(x[j]), factor) : __fmul_rn(__uint_as_float(x[j]), factor);
                q[j] = flush ? (x[j] >> 28) & 0x8u : e2m1_rne_sat(__float_as_uint(y));
            }
        }
        uint32_t w = 0;
#pragma unroll
        for (int j = 0; j < EPT; j += 2) w |= (q[j] << lo | q[j + 1] << hi) << (4 * j);
        if (EPT == 8) *(uint32_t *) (codes + first / 2) = w;
        else *(uint16_t *) (codes + first / 2) = (uint16_t) w;
        if ((t % LANES) == 0) scales[wide_scale_index(first / 16, p.scaleLayout, p.blocksPerRow)] = (uint8_t) scaleCode;
    }
}
extern "C" __global__ void lowbit_nv_quantize_wide_f32(const void *in, uint8_t *codes, uint8_t *scales, const __grid_constant__ Nv p) { nv_quantize_wide_body<0>(in, codes, scales, p); }
extern "C" __global__ void lowbit_nv_quantize_wide_bf16(const void *in, uint8_t *codes, uint8_t *scales, const __grid_constant__ Nv p) { nv_quantize_wide_body<1>(in, codes, scales, p); }
extern "C" __global__ void lowbit_nv_quantize_wide_f16(const void *in, uint8_t *codes, uint8_t *scales, const __grid_constant__ Nv p) { nv_quantize_wide_body<2>(in, codes, scales, p); }

// NVFP4 dequantize, 8 elements a thread from nibble layouts; rowLength % 16 == 0.
template <int OUT>
__device__ void nv_dequantize_wide_body(const uint8_t *codes, const uint8_t *scales, void *out, const NvDeq &p) {
    int64_t count = (int64_t) p.rows * p.rowLength, threads = count / 8;
    bool singleLevel = p.tensorScaleBits == 0x3F800000;
    uint64_t gSig; int gExp;
    split_f32((uint32_t) p.tensorScaleBits, gSig, gExp);
    int hi = p.elementLayout == L_NIBBLE_LOW ? 4 : 0, lo = 4 - hi;
    for (int64_t t = blockIdx.x * (int64_t) blockDim.x + threadIdx.x; t < threads; t += (int64_t) gridDim.x * blockDim.x) {
        int64_t first = t * 8;
        int scaleCode = scales[wide_scale_index(first / 16, p.scaleLayout, p.blocksPerRow)];
        uint32_t w = *(const uint32_t *) (codes + first / 2);
        float S = scaleCode == 0x7F ? 0.0f : ue4m3_value(scaleCode);
        uint32_t v[8];
#pragma unroll
        for (int j = 0; j < 8; j += 2) {
#pragma unroll
            for (int h = 0; h < 2; h++) {
                uint32_t e = (w >> (4 * j + (h ? hi : lo))) & 0xF;
                float prod = __fmul_rn(e2m1_value(e), S);
                uint32_t val;
                if (scaleCode == 0x7F) val = quiet_nan(OUT, false);
                else if (singleLevel) val = OUT == 0 ? __float_as_uint(prod) : OUT == 1 ? __float_as_uint(prod) >> 16
                                                   : (uint32_t) __half_as_ushort(__float2half_rn(prod));
                else val = scaled_value(p.out, OUT, __float_as_uint(prod), 0, gSig, gExp);
                v[j + h] = val;
            }
        }
        if (OUT == 0) {
            uint4 *o = (uint4 *) ((uint32_t *) out + first);
            o[0] = make_uint4(v[0], v[1], v[2], v[3]);
            o[1] = make_uint4(v[4], v[5], v[6], v[7]);
        } else {
            *(uint4 *) ((uint16_t *) out + first) = make_uint4(v[0] | v[1] << 16, v[2] | v[3] << 16, v[4] | v[5] << 16, v[6] | v[7] << 16);
        }
    }
}
extern "C" __global__ void lowbit_nv_dequantize_wide_f32(const uint8_t *codes, const uint8_t *scales, void *out, const __grid_constant__ NvDeq p) { nv_dequantize_wide_body<0>(codes, scales, out, p); }
extern "C" __global__ void lowbit_nv_dequantize_wide_bf16(const uint8_t *codes, const uint8_t *scales, void *out, const __grid_constant__ NvDeq p) { nv_dequantize_wide_body<1>(codes, scales, out, p); }
extern "C" __global__ void lowbit_nv_dequantize_wide_f16(const uint8_t *codes, const uint8_t *scales, void *out, const __grid_constant__ NvDeq p) { nv_dequantize_wide_body<2>(codes, scales, out, p); }

// Kernels specialized for the performance gates (issue 7 §6).
#include "fast.cuh"

// Scaled formats (SPEC.md §11).
#include "scaled.cuh"
