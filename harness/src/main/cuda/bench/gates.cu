// Standalone device check and timing of fast.cuh against the generic kernels of lowbit.cu (no Java):
//   nvcc -O3 --fmad=false -std=c++17 -gencode=arch=compute_90a,code=sm_90a -o gates bench/gates.cu && ./gates
//   (./gates elements: the exhaustive checks of step 1 only)
// 1. exhaustive: e2m1_fast == e2m1_rne_sat over all 2^32 FP32 patterns; Markstein division == __fdiv_rn
//    over all finite FP32 x for the 126 UE4M3 values (g = 1) and 130 random factors in [2^-90, 2^90];
// 2. bit for bit, fast kernel == generic wide kernel (the one the suite verifies) on the gate tensor
//    (16384 x 8192 bf16) and on a tensor of special values (every bf16 pattern, NaN/Inf/zero/subnormal/max
//    blocks; every code and scale byte for the dequantizers), row-major and swizzled scales;
// 3. timing: CUDA events, median of 20 after a warm-up, bytes read + written over a same-run
//    cudaMemcpy device-to-device of the 256 MiB input. Prints a table; exit 1 on any mismatch.
#include "../lowbit.cu"
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>
#include <algorithm>
#include <functional>
#include <random>

#define CK(x) do { cudaError_t e_ = (x); if (e_ != cudaSuccess) { fprintf(stderr, "%s:%d %s: %s\n", __FILE__, __LINE__, #x, cudaGetErrorString(e_)); exit(2); } } while (0)

__global__ void e2m1_exhaustive(unsigned long long *bad, uint32_t *firstBad) {
    for (uint64_t i = blockIdx.x * (uint64_t) blockDim.x + threadIdx.x; i < (1ull << 32); i += (uint64_t) gridDim.x * blockDim.x) {
        uint32_t x = (uint32_t) i;
        if ((x & 0x7FFFFFFFu) > 0x7F800000u) continue;  // NaN: never reaches it (finite blocks only)
        if (e2m1_fast(__uint_as_float(x)) != e2m1_rne_sat(x)) { atomicAdd(bad, 1ull); atomicMin(firstBad, x); }
    }
}

// Every finite x: the Markstein quotient is __fdiv_rn's, bit for bit, where |x| >= 2^-100 and the quotient is
// in [2^-100, 2^100]; elsewhere with |x/b| <= 8 its E2M1 code is the same. With b = 6 (the block scale,
// a >= 0): bit for bit wherever the quotient is at least 2^-120, both under 2^-9 (the lowest clamp) elsewhere.
__global__ void markstein_exhaustive(const float *factors, int nf, unsigned long long *bad, uint32_t *firstBad, unsigned long long *exactBits) {
    for (int fi = 0; fi < nf; fi++) {
        float b = factors[fi], r = __fdiv_rn(1.0f, b);
        bool six = b == 6.0f;
        for (uint64_t i = blockIdx.x * (uint64_t) blockDim.x + threadIdx.x; i < (1ull << 32); i += (uint64_t) gridDim.x * blockDim.x) {
            uint32_t xb = (uint32_t) i;
            if ((xb & 0x7FFFFFFFu) >= 0x7F800000u) continue;
            float x = __uint_as_float(xb);
            float want = __fdiv_rn(x, b);
            bool ok;
            if (six) {
                if (xb >> 31) continue;
                float got = div_markstein(x, b, r);
                ok = want >= 0x1p-120f ? __float_as_uint(got) == __float_as_uint(want) : (got < 0x1p-9f && want < 0x1p-9f);
            } else {
                uint32_t got = __float_as_uint(div_markstein(fabsf(x), b, r)) | (xb & 0x80000000u);
                if (fabsf(x) >= 0x1p-100f && fabsf(want) >= 0x1p-100f && fabsf(want) <= 0x1p100f) ok = got == __float_as_uint(want);
                else if (fabsf(want) <= 8.0f) ok = e2m1_fast(__uint_as_float(got)) == e2m1_fast(want);
                else continue;
                if (got == __float_as_uint(want)) atomicAdd(exactBits, 1ull);
            }
            if (!ok) { atomicAdd(bad, 1ull); atomicMin(firstBad, xb); }
        }
    }
}

// Every scale code 1..126 and every finite bf16 x (8 consecutive patterns a lane): the threshold codes
// (nv_codes8_thresholds, both nibble orders) == e2m1_rne_sat(fl(x * fl(1/S))), the generic arithmetic.
__global__ void thresholds_exhaustive(unsigned long long *bad, uint32_t *firstBad) {
    int c = blockIdx.y + 1;
    uint32_t T[7];
    for (int i = 0; i < 7; i++) T[i] = nv_threshold(c, i + 1);
    float f = __fdiv_rn(1.0f, ue4m3_value(c));
    for (uint32_t base = (blockIdx.x * blockDim.x + threadIdx.x) * 8; base < 65536; base += gridDim.x * blockDim.x * 8) {
        uint32_t ws[4];
        for (int h = 0; h < 4; h++) ws[h] = (base + 2 * h) | (base + 2 * h + 1) << 16;
        uint32_t low = nv_codes8_thresholds<0>(ws, T), high = nv_codes8_thresholds<1>(ws, T);
        for (int j = 0; j < 8; j++) {
            uint32_t x = base + j;
            if ((x & 0x7FFFu) >= 0x7F80u) continue;   // Inf, NaN: whole-block NaN, never coded
            uint32_t want = e2m1_rne_sat(__float_as_uint(__fmul_rn(__uint_as_float(x << 16), f)));
            if (((low >> (4 * j)) & 15u) != want || ((high >> (4 * (j ^ 1))) & 15u) != want) {
                atomicAdd(bad, 1ull); atomicMin(firstBad, (uint32_t) c << 16 | x);
            }
        }
    }
}

template <int U> __global__ void __launch_bounds__(256) mxq_u(const void *in, uint8_t *codes, uint8_t *scales, const __grid_constant__ Mx p) { mx_quantize_e4m3_bf16_body<U>((const uint4 *) in, (uint2 *) codes, scales, p); }
template <int U> __global__ void __launch_bounds__(256) mxdq_u(const uint8_t *codes, const uint8_t *scales, void *out, const __grid_constant__ MxDeq p) { mx_dequantize_e4m3_bf16_body<U>((const uint2 *) codes, scales, (uint4 *) out, p); }
template <int U, int PF = 0, int TH = 1> __global__ void __launch_bounds__(256) nvq_u(const void *in, uint8_t *codes, uint8_t *scales, const __grid_constant__ Nv p) { nv_quantize_bf16_body<U, 0, 0, PF, TH>((const uint4 *) in, (uint2 *) codes, scales, p); }
template <int MINB> __global__ void __launch_bounds__(256, MINB) nvq_minb(const void *in, uint8_t *codes, uint8_t *scales, const __grid_constant__ Nv p) { nv_quantize_bf16_body<2, 0, 0, 1, 1>((const uint4 *) in, (uint2 *) codes, scales, p); }
template <int U> __global__ void __launch_bounds__(256) nvqd_u(const void *in, uint8_t *codes, uint8_t *scales, const __grid_constant__ Nv p) { nv_quantize_bf16_body<U, 1, 0>((const uint4 *) in, (uint2 *) codes, scales, p); }
template <int U> __global__ void __launch_bounds__(256) nvdq_u(const uint8_t *codes, const uint8_t *scales, void *out, const __grid_constant__ NvDeq p) { nv_dequantize_bf16_body<U, 0>((const uint32_t *) codes, scales, (uint4 *) out, p); }

// bf16 of e * 2^s by exact arithmetic on the host: the oracle for the first mismatches of a dequantize.
static uint16_t host_bf16(double v) {
    if (v != v) return 0x7FC0;
    float f = (float) v;  // exact: at most 4 significant bits, exponent >= -136
    uint32_t b; memcpy(&b, &f, 4);
    uint32_t sign = b & 0x80000000u, a = b & 0x7FFFFFFFu;
    if (a >= 0x7F800000u) return (uint16_t) ((sign | 0x7F800000u) >> 16);
    if (a < 0x00800000u) {  // subnormal bf16: round a * 2^149 to a multiple of 2^16 in units of 2^-149... RNE on the pattern
        uint32_t q = a >> 16, rem = a & 0xFFFF;
        if (rem > 0x8000 || (rem == 0x8000 && (q & 1))) q++;
        return (uint16_t) ((sign >> 16) | q);
    }
    uint32_t q = a >> 16, rem = a & 0xFFFF;
    if (rem > 0x8000 || (rem == 0x8000 && (q & 1))) q++;
    return (uint16_t) ((sign >> 16) | q);
}
static double e4m3_value(int c) {
    int sign = c & 0x80, f = (c >> 3) & 15, m = c & 7;
    if ((c & 0x7F) == 0x7F) return NAN;
    double v = f ? ldexp(1.0 + m / 8.0, f - 7) : ldexp((double) m, -9);
    return sign ? -v : v;
}

static float median_ms(std::function<void()> f, int reps = 20) {
    cudaEvent_t a, b; CK(cudaEventCreate(&a)); CK(cudaEventCreate(&b));
    f(); f(); CK(cudaDeviceSynchronize());
    std::vector<float> t(reps);
    // a run before each timed one keeps the GPU busy while the host records the start and launches, so the
    // interval holds the kernel alone, not the host's launch latency
    for (int i = 0; i < reps; i++) { f(); CK(cudaEventRecord(a)); f(); CK(cudaEventRecord(b)); CK(cudaEventSynchronize(b)); CK(cudaEventElapsedTime(&t[i], a, b)); }
    CK(cudaGetLastError());
    std::sort(t.begin(), t.end());
    return t[reps / 2];
}

static int mismatches = 0;
static bool same(const char *what, const void *da, const void *db, size_t bytes) {
    std::vector<uint8_t> a(bytes), b(bytes);
    CK(cudaMemcpy(a.data(), da, bytes, cudaMemcpyDeviceToHost)); CK(cudaMemcpy(b.data(), db, bytes, cudaMemcpyDeviceToHost));
    size_t diff = 0, first = 0;
    for (size_t i = 0; i < bytes; i++) if (a[i] != b[i]) { if (!diff) first = i; diff++; }
    if (diff) { printf("MISMATCH %s: %zu of %zu bytes differ, first at %zu (fast %02x generic %02x)\n", what, diff, bytes, first, a[first], b[first]); mismatches++; }
    else printf("same %s (%zu bytes)\n", what, bytes);
    return diff == 0;
}

static int sms;
static int capped(long work) { long b = (work + 255) / 256; return (int) std::max(1L, std::min(b, (long) sms * 32)); }
static int exact(long threads) { return (int) ((threads + 255) / 256); }

static const int ELEM[27] = {0, 3, 7, -6, 126, 128, 8, 0, 1, 0, 1, 1, 0, 0, 127, 255, 126, 254, 0, 128, 126, 254, 127, 255, 126, 126, 1};

struct Case { int rows, cols; };

int main(int argc, char **argv) {
    cudaDeviceProp prop; CK(cudaGetDeviceProperties(&prop, 0)); sms = prop.multiProcessorCount;
    int driver; CK(cudaDriverGetVersion(&driver));
    printf("device %s, %d SMs, driver %d\n", prop.name, sms, driver);
    unsigned long long *bad; uint32_t *firstBad; CK(cudaMalloc(&bad, 8)); CK(cudaMalloc(&firstBad, 4));

    // 1. exhaustive element checks
    {
        CK(cudaMemset(bad, 0, 8)); CK(cudaMemset(firstBad, 0xFF, 4));
        cudaEvent_t a, b; cudaEventCreate(&a); cudaEventCreate(&b); cudaEventRecord(a);
        e2m1_exhaustive<<<sms * 16, 256>>>(bad, firstBad); CK(cudaGetLastError());
        cudaEventRecord(b); CK(cudaEventSynchronize(b)); float ms; cudaEventElapsedTime(&ms, a, b);
        unsigned long long nb; uint32_t fb; CK(cudaMemcpy(&nb, bad, 8, cudaMemcpyDeviceToHost)); CK(cudaMemcpy(&fb, firstBad, 4, cudaMemcpyDeviceToHost));
        printf("e2m1_fast vs e2m1_rne_sat, all 2^32: %llu mismatches%s (%.0f ms)\n", nb, nb ? "" : "", ms);
        if (nb) { printf("  first bad x = 0x%08x\n", fb); mismatches++; }
        CK(cudaMemset(bad, 0, 8)); CK(cudaMemset(firstBad, 0xFF, 4));
        thresholds_exhaustive<<<dim3(8, 126), 256>>>(bad, firstBad); CK(cudaGetLastError());
        CK(cudaMemcpy(&nb, bad, 8, cudaMemcpyDeviceToHost)); CK(cudaMemcpy(&fb, firstBad, 4, cudaMemcpyDeviceToHost));
        printf("E2M1 thresholds vs e2m1_rne_sat(fl(x * fl(1/S))), scale codes 1..126, all finite bf16 x, both nibble orders: %llu mismatches\n", nb);
        if (nb) { printf("  first bad (code << 16 | x) = 0x%08x\n", fb); mismatches++; }
        std::vector<float> f;
        f.push_back(6.0f);
        for (int c = 1; c < 0x7F; c++) { int fld = c >> 3, m = c & 7; f.push_back(fld ? ldexpf(1.0f + m / 8.0f, fld - 7) : ldexpf((float) m, -9)); }
        std::mt19937 rng(11);
        for (int i = 0; i < 130; i++) { uint32_t bits = ((uint32_t) (127 - 90 + rng() % 181) << 23) | (rng() & 0x7FFFFF); float v; memcpy(&v, &bits, 4); f.push_back(v); }
        float *df; CK(cudaMalloc(&df, f.size() * 4)); CK(cudaMemcpy(df, f.data(), f.size() * 4, cudaMemcpyHostToDevice));
        CK(cudaMemset(bad, 0, 8)); CK(cudaMemset(firstBad, 0xFF, 4));
        unsigned long long *exactBits; CK(cudaMalloc(&exactBits, 8)); CK(cudaMemset(exactBits, 0, 8));
        cudaEventRecord(a);
        markstein_exhaustive<<<sms * 16, 256>>>(df, (int) f.size(), bad, firstBad, exactBits); CK(cudaGetLastError());
        cudaEventRecord(b); CK(cudaEventSynchronize(b)); cudaEventElapsedTime(&ms, a, b);
        CK(cudaMemcpy(&nb, bad, 8, cudaMemcpyDeviceToHost)); CK(cudaMemcpy(&fb, firstBad, 4, cudaMemcpyDeviceToHost));
        unsigned long long ne; CK(cudaMemcpy(&ne, exactBits, 8, cudaMemcpyDeviceToHost));
        printf("Markstein x/b vs __fdiv_rn, all finite x (|x/b| <= 8), b = 6 and %zu factors: %llu mismatches, %llu quotients bit-identical (%.0f ms)\n", f.size() - 1, nb, ne, ms);
        if (nb) { printf("  first bad x = 0x%08x\n", fb); mismatches++; }
    }

    if (argc > 1 && !strcmp(argv[1], "elements")) return mismatches ? 1 : 0;  // the exhaustive checks alone

    const int rows = 16384, cols = 8192;
    const long n = (long) rows * cols;
    std::vector<uint16_t> gate(n), special(n);
    std::mt19937_64 rng(7);
    for (long i = 0; i < n; i++) {  // as CudaCheck bench: exponents 120..133, random mantissa and sign
        uint32_t e = 120 + rng() % 14;
        gate[i] = (uint16_t) (((e << 23) | (rng() & 0x7FFFFF) | ((rng() & 1) << 31)) >> 16);
    }
    for (long i = 0; i < n; i++) {
        long blk = i / 32;
        switch (blk % 8) {
            case 0: special[i] = (uint16_t) (i & 0xFFFF); break;                 // every bf16 pattern
            case 1: special[i] = (uint16_t) (rng() & 0xFFFF); break;              // anything
            case 2: special[i] = (uint16_t) ((rng() & 0x807F) | ((blk / 8 % 256) << 7)); break;  // one binade per block, all of them
            case 3: special[i] = (uint16_t) (rng() & 0x80FF); break;              // subnormals and zeros
            case 4: special[i] = (uint16_t) (i % 32 == 5 ? 0x7F7F : (rng() & 0xFFFF) & 0xBFFF); break;  // max
            case 5: special[i] = (uint16_t) (i % 16 == (blk / 8) % 16 ? ((blk / 128) % 2 ? 0x7F80 : 0xFFC1) : rng() & 0x3FFF); break;  // one Inf/NaN
            case 6: special[i] = (uint16_t) ((rng() & 1) << 15); break;           // ±0 only
            default: special[i] = (uint16_t) ((rng() & 0x8007) | (((blk / 8) % 254 + 1) << 7)); break;  // few mantissa bits
        }
    }
    uint16_t *in; uint8_t *copyDst, *codesA, *codesB, *scalesA, *scalesB; uint16_t *outA, *outB;
    size_t scaleCap = n / 16 + 4 * 1024 * 1024;
    CK(cudaMalloc(&in, 2 * n)); CK(cudaMalloc(&copyDst, 2 * n));
    CK(cudaMalloc(&codesA, n)); CK(cudaMalloc(&codesB, n)); CK(cudaMalloc(&scalesA, scaleCap)); CK(cudaMalloc(&scalesB, scaleCap));
    CK(cudaMalloc(&outA, 2 * n)); CK(cudaMalloc(&outB, 2 * n));

    float copyMs = 0;
    auto copy = [&] { CK(cudaMemcpyAsync(copyDst, in, 2 * n, cudaMemcpyDeviceToDevice)); };
    struct Row { const char *what; double gate, generic, fast, fastCapped; };
    std::vector<Row> table;
    auto ratio = [&](double bytes, float ms) { return bytes / ms / (2.0 * 2 * n / copyMs); };

    for (int pass = 0; pass < 2; pass++) {
        const std::vector<uint16_t> &host = pass == 0 ? gate : special;
        const char *tname = pass == 0 ? "gate" : "special";
        CK(cudaMemcpy(in, host.data(), 2 * n, cudaMemcpyHostToDevice));
        if (pass == 0) { copyMs = median_ms(copy); printf("copy %.3f ms, %.0f GB/s (read + written)\n", copyMs, 4.0 * n / copyMs / 1e6); }
        for (int layout = 0; layout < 2; layout++) {
            bool timing = pass == 0 && layout == 0;
            char what[160];
            // ---- MXFP8 quantize
            int bpr = cols / 32;
            Mx mx = {0, 8, 3, 1, 0, 0, 448.0f, rows, cols, bpr, layout, 0, 0};
            Elem el; memcpy(&el, ELEM, sizeof ELEM);
            size_t mxScales = layout ? (size_t) (rows + 127) / 128 * 128 * ((bpr + 3) / 4 * 4) : (size_t) rows * bpr;
            CK(cudaMemset(codesA, 0x5A, n)); CK(cudaMemset(codesB, 0xA5, n)); CK(cudaMemset(scalesA, 0, mxScales)); CK(cudaMemset(scalesB, 0, mxScales));
            auto mqG = [&] { lowbit_mx_quantize_wide_bf16<<<capped(n / 8), 256>>>(in, codesB, scalesB, mx, el); };
            auto mqF = [&] { lowbit_mx_quantize_fast_e4m3_bf16<<<exact(n / 8 / LOWBIT_MXQ_UNROLL), 256>>>(in, codesA, scalesA, mx, el); };
            auto mqFc = [&] { lowbit_mx_quantize_fast_e4m3_bf16<<<capped(n / 8 / LOWBIT_MXQ_UNROLL), 256>>>(in, codesA, scalesA, mx, el); };
            mqG(); mqF(); CK(cudaDeviceSynchronize());
            snprintf(what, sizeof what, "MXFP8 q codes [%s, scales %d]", tname, layout); same(what, codesA, codesB, n);
            snprintf(what, sizeof what, "MXFP8 q scales [%s, scales %d]", tname, layout); same(what, scalesA, scalesB, mxScales);
            double mqBytes = 2.0 * n + n + n / 32;
            if (timing) table.push_back({"bf16 -> MXFP8 E4M3 quantize (ocp-mx-1.0)", 0.90, ratio(mqBytes, median_ms(mqG)), ratio(mqBytes, median_ms(mqF)), ratio(mqBytes, median_ms(mqFc))});
            // ---- MXFP8 dequantize: of the codes just made, and (special pass) of every code and scale byte
            MxDeq md; md.rows = rows; md.rowLength = cols; md.blocksPerRow = bpr; md.scaleLayout = layout; md.outFormat = 1; md.f8f6f4Fp4 = 0;
            md.out = {7, 127, 0x7F7F, 0x7F80, 15}; md.dec = {0, 3, 4, 7, 8, 128, 0, 1, 1};
            if (pass == 1) {
                std::vector<uint8_t> c(n), s(mxScales);
                for (long i = 0; i < n; i++) c[i] = (uint8_t) rng();
                for (size_t i = 0; i < mxScales; i++) s[i] = (uint8_t) i;
                CK(cudaMemcpy(codesB, c.data(), n, cudaMemcpyHostToDevice)); CK(cudaMemcpy(scalesB, s.data(), mxScales, cudaMemcpyHostToDevice));
            }
            CK(cudaMemset(outA, 0x5A, 2 * n)); CK(cudaMemset(outB, 0xA5, 2 * n));
            auto mdG = [&] { lowbit_mx_dequantize_wide_bf16<<<capped(n / 8), 256>>>(codesB, scalesB, outB, md); };
            auto mdF = [&] { lowbit_mx_dequantize_fast_e4m3_bf16<<<exact(n / 8 / LOWBIT_MXDQ_UNROLL), 256>>>(codesB, scalesB, outA, md); };
            auto mdFc = [&] { lowbit_mx_dequantize_fast_e4m3_bf16<<<capped(n / 8 / LOWBIT_MXDQ_UNROLL), 256>>>(codesB, scalesB, outA, md); };
            mdG(); mdF(); CK(cudaDeviceSynchronize());
            snprintf(what, sizeof what, "MXFP8 dq [%s, scales %d]", tname, layout);
            if (!same(what, outA, outB, 2 * n)) {
                std::vector<uint16_t> fa(n), ga(n); std::vector<uint8_t> c(n), sb(mxScales);
                CK(cudaMemcpy(fa.data(), outA, 2 * n, cudaMemcpyDeviceToHost)); CK(cudaMemcpy(ga.data(), outB, 2 * n, cudaMemcpyDeviceToHost));
                CK(cudaMemcpy(c.data(), codesB, n, cudaMemcpyDeviceToHost)); CK(cudaMemcpy(sb.data(), scalesB, mxScales, cudaMemcpyDeviceToHost));
                for (long i = 0, shown = 0; i < n && shown < 8; i++) if (fa[i] != ga[i]) {
                    long r = i / cols, cb = (i % cols) / 32;
                    int sc = sb[layout ? ((r / 128) * ((bpr + 3) / 4) + cb / 4) * 512 + (r % 32) * 16 + ((r % 128) / 32) * 4 + cb % 4 : r * bpr + cb];
                    uint16_t want = sc == 0xFF ? 0x7FC0 : host_bf16(ldexp(e4m3_value(c[i]), sc - 127));
                    printf("  element %ld code %02x scale %02x: fast %04x generic %04x exact %04x\n", i, c[i], sc, fa[i], ga[i], want);
                    shown++;
                }
            }
            double mdBytes = n + n / 32 + 2.0 * n;
            if (timing) table.push_back({"MXFP8 E4M3 -> bf16 dequantize", 0.90, ratio(mdBytes, median_ms(mdG)), ratio(mdBytes, median_ms(mdF)), ratio(mdBytes, median_ms(mdFc))});

            // ---- NVFP4 quantize: torchao (multiply, g = 1) and modelopt (divide; g = 1 and a computed g)
            int nbpr = cols / 16;
            size_t nvScales = layout ? (size_t) (rows + 127) / 128 * 128 * ((nbpr + 3) / 4 * 4) : (size_t) rows * nbpr;
            for (int prof = 0; prof < 4; prof++) {
                int divide = prof >= 1, high = prof == 3;
                int gBits = prof == 2 ? 0x3B2D2D2D : 0x3F800000;   // a modelopt-like g = amax/2688 around 2.6e-3
                Nv nv = {rows, cols, nbpr, layout, high ? 2 : 1, divide, divide, divide ? -9 : -6, 0, gBits, 0};
                CK(cudaMemset(codesA, 0x5A, n / 2)); CK(cudaMemset(codesB, 0xA5, n / 2)); CK(cudaMemset(scalesA, 0, nvScales)); CK(cudaMemset(scalesB, 0, nvScales));
                auto nqG = [&] { lowbit_nv_quantize_wide_bf16<<<capped(n / 8), 256>>>(in, codesB, scalesB, nv); };
                auto fastKernel = divide ? (high ? lowbit_nv_quantize_fast_div_high_bf16 : lowbit_nv_quantize_fast_div_low_bf16)
                                         : (high ? lowbit_nv_quantize_fast_mul_high_bf16 : lowbit_nv_quantize_fast_mul_low_bf16);
                auto nqF = [&] { fastKernel<<<capped(n / 8 / LOWBIT_NVQ_UNROLL), 256>>>(in, codesA, scalesA, nv); };
                auto nqFc = [&] { fastKernel<<<exact(n / 8 / LOWBIT_NVQ_UNROLL), 256>>>(in, codesA, scalesA, nv); };
                nqG(); nqF(); CK(cudaDeviceSynchronize());
                const char *pn[] = {"torchao", "modelopt g=1", "modelopt g=2.6e-3", "modelopt g=1 high"};
                snprintf(what, sizeof what, "NVFP4 q %s codes [%s, scales %d]", pn[prof], tname, layout); same(what, codesA, codesB, n / 2);
                snprintf(what, sizeof what, "NVFP4 q %s scales [%s, scales %d]", pn[prof], tname, layout); same(what, scalesA, scalesB, nvScales);
                double nqBytes = 2.0 * n + n / 2 + n / 16;
                if (timing && prof == 0) table.push_back({"bf16 -> NVFP4 quantize (nvfp4-torchao, low first)", 0.75, ratio(nqBytes, median_ms(nqG)), ratio(nqBytes, median_ms(nqF)), ratio(nqBytes, median_ms(nqFc))});
                if (timing && prof == 2) table.push_back({"bf16 -> NVFP4 quantize (nvfp4-modelopt, given g)", 0.75, ratio(nqBytes, median_ms(nqG)), ratio(nqBytes, median_ms(nqF)), ratio(nqBytes, median_ms(nqFc))});
                if (prof == 0 || prof == 3) {
                    // ---- NVFP4 dequantize (single level) of these codes, and of every code/scale byte
                    if (pass == 1) {
                        std::vector<uint8_t> c(n / 2), s(nvScales);
                        for (long i = 0; i < n / 2; i++) c[i] = (uint8_t) rng();
                        for (size_t i = 0; i < nvScales; i++) s[i] = (uint8_t) (i & 0x7F);
                        CK(cudaMemcpy(codesB, c.data(), n / 2, cudaMemcpyHostToDevice)); CK(cudaMemcpy(scalesB, s.data(), nvScales, cudaMemcpyHostToDevice));
                    }
                    NvDeq nd; nd.rows = rows; nd.rowLength = cols; nd.blocksPerRow = nbpr; nd.scaleLayout = layout; nd.elementLayout = high ? 2 : 1;
                    nd.outFormat = 1; nd.tensorScaleBits = 0x3F800000; nd.out = {7, 127, 0x7F7F, 0x7F80, 15};
                    CK(cudaMemset(outA, 0x5A, 2 * n)); CK(cudaMemset(outB, 0xA5, 2 * n));
                    auto ndG = [&] { lowbit_nv_dequantize_wide_bf16<<<capped(n / 8), 256>>>(codesB, scalesB, outB, nd); };
                    auto dk = high ? lowbit_nv_dequantize_fast_high_bf16 : lowbit_nv_dequantize_fast_low_bf16;
                    auto ndF = [&] { dk<<<exact(n / 8 / LOWBIT_NVDQ_UNROLL), 256>>>(codesB, scalesB, outA, nd); };
                    auto ndFc = [&] { dk<<<capped(n / 8 / LOWBIT_NVDQ_UNROLL), 256>>>(codesB, scalesB, outA, nd); };
                    ndG(); ndF(); CK(cudaDeviceSynchronize());
                    snprintf(what, sizeof what, "NVFP4 dq %s [%s, scales %d]", high ? "high" : "low", tname, layout); same(what, outA, outB, 2 * n);
                    double ndBytes = n / 2 + n / 16 + 2.0 * n;
                    if (timing && prof == 0) table.push_back({"NVFP4 -> bf16 dequantize", 0.90, ratio(ndBytes, median_ms(ndG)), ratio(ndBytes, median_ms(ndF)), ratio(ndBytes, median_ms(ndFc))});
                }
            }
        }
    }
    {   // unroll variants on the gate tensor, row-major scales (exact grids)
        CK(cudaMemcpy(in, gate.data(), 2 * n, cudaMemcpyHostToDevice));
        Mx mx = {0, 8, 3, 1, 0, 0, 448.0f, rows, cols, cols / 32, 0, 0, 0};
        MxDeq md; md.rows = rows; md.rowLength = cols; md.blocksPerRow = cols / 32; md.scaleLayout = 0; md.outFormat = 1; md.f8f6f4Fp4 = 0;
        md.out = {7, 127, 0x7F7F, 0x7F80, 15}; md.dec = {0, 3, 4, 7, 8, 128, 0, 1, 1};
        Nv nv = {rows, cols, cols / 16, 0, 1, 0, 0, -6, 0, 0x3F800000, 0};
        Nv nvd = {rows, cols, cols / 16, 0, 1, 1, 1, -9, 0, 0x3B2D2D2D, 0};
        NvDeq nd; nd.rows = rows; nd.rowLength = cols; nd.blocksPerRow = cols / 16; nd.scaleLayout = 0; nd.elementLayout = 1;
        nd.outFormat = 1; nd.tensorScaleBits = 0x3F800000; nd.out = {7, 127, 0x7F7F, 0x7F80, 15};
        double mq = 2.0 * n + n + n / 32, mdq = n + n / 32 + 2.0 * n, nq = 2.0 * n + n / 2 + n / 16, ndq = n / 2 + n / 16 + 2.0 * n;
        printf("unroll  mxq   mxdq  nvq(mul) nvq(div) nvdq   (x copy, exact grid)\n");
#define VAR(U) printf("%6d %5.2f %5.2f %8.2f %8.2f %5.2f\n", U, \
            ratio(mq, median_ms([&] { mxq_u<U><<<exact(n / 8 / U), 256>>>(in, codesA, scalesA, mx); })), \
            ratio(mdq, median_ms([&] { mxdq_u<U><<<exact(n / 8 / U), 256>>>(codesA, scalesA, outA, md); })), \
            ratio(nq, median_ms([&] { nvq_u<(U < 2 ? 2 : U)><<<exact(n / 8 / (U < 2 ? 2 : U)), 256>>>(in, codesA, scalesA, nv); })), \
            ratio(nq, median_ms([&] { nvqd_u<(U < 2 ? 2 : U)><<<exact(n / 8 / (U < 2 ? 2 : U)), 256>>>(in, codesA, scalesA, nvd); })), \
            ratio(ndq, median_ms([&] { nvdq_u<U><<<exact(n / 8 / U), 256>>>(codesA, scalesA, outA, nd); })))
        VAR(1); VAR(2); VAR(4); VAR(8);
        printf("nvq(mul), capped grid: U=4 %.2f, U=8 %.2f; prefetching the next units: U=2 %.2f, U=4 %.2f, U=8 %.2f\n",
               ratio(nq, median_ms([&] { nvq_u<4, 0><<<capped(n / 8 / 4), 256>>>(in, codesA, scalesA, nv); })),
               ratio(nq, median_ms([&] { nvq_u<8, 0><<<capped(n / 8 / 8), 256>>>(in, codesA, scalesA, nv); })),
               ratio(nq, median_ms([&] { nvq_u<2, 1><<<capped(n / 8 / 2), 256>>>(in, codesA, scalesA, nv); })),
               ratio(nq, median_ms([&] { nvq_u<4, 1><<<capped(n / 8 / 4), 256>>>(in, codesA, scalesA, nv); })),
               ratio(nq, median_ms([&] { nvq_u<8, 1><<<capped(n / 8 / 8), 256>>>(in, codesA, scalesA, nv); })));
        auto fp32Path = [&] { return ratio(nq, median_ms([&] { nvq_u<2, 1, 0><<<capped(n / 8 / 2), 256>>>(in, codesA, scalesA, nv); })); };
        auto thresholds = [&] { return ratio(nq, median_ms([&] { nvq_u<2, 1, 1><<<capped(n / 8 / 2), 256>>>(in, codesA, scalesA, nv); })); };
        double a1 = fp32Path(), b1 = thresholds(), a2 = fp32Path(), b2 = thresholds();
        printf("nvq(mul) U=2 prefetching, capped grid, at least 5 / 6 / 7 CTAs an SM (register cap): %.3f %.3f %.3f\n",
               ratio(nq, median_ms([&] { nvq_minb<5><<<capped(n / 8 / 2), 256>>>(in, codesA, scalesA, nv); })),
               ratio(nq, median_ms([&] { nvq_minb<6><<<capped(n / 8 / 2), 256>>>(in, codesA, scalesA, nv); })),
               ratio(nq, median_ms([&] { nvq_minb<7><<<capped(n / 8 / 2), 256>>>(in, codesA, scalesA, nv); })));
        printf("nvq(mul) U=2 prefetching, capped grid, alternating: FP32 element path (v6) %.3f %.3f, thresholds %.3f %.3f\n", a1, a2, b1, b2);
    }
    float copy2 = median_ms(copy);
    printf("\n%s: copy %.0f GB/s (again at the end: %.0f GB/s)\n", prop.name, 4.0 * n / copyMs / 1e6, 4.0 * n / copy2 / 1e6);
    printf("%-52s %6s %8s %8s %10s\n", "gate (x copy)", "gate", "generic", "fast", "other grid");
    printf("(fast: the production grid, exact except NVFP4 quantize, capped at 32 CTAs per SM; other grid: the other)\n");
    for (auto &r : table) printf("%-52s %6.2f %8.2f %8.2f %10.2f  %s\n", r.what, r.gate, r.generic, r.fast, r.fastCapped, std::max(r.fast, r.fastCapped) >= r.gate ? "PASS" : "FAIL");
    printf("%s\n", mismatches ? "MISMATCHES" : "all fast outputs bit-identical to the generic kernels");
    return mismatches ? 1 : 0;
}
