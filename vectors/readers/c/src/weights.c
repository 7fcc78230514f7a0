/* Weight layouts (SPEC.md §9.3), the 128x4 scale swizzle (§9.4), scaled dequantization (§11.4). */
#include "weights.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *WL_NAMES[] = {"gptq-v1", "gptq-v2", "awq", "hqq", "uint4x2", "ct-pack-quantized", "tinygemm",
                                 "gguf-q4_0", "gguf-q4_1", "gguf-q8_0", "gguf-q4_k"};

lb_wlayout lb_wlayout_by_name(const char *name) {
    for (int i = 0; i < WL_NONE; i++) {
        if (name != NULL && strcmp(name, WL_NAMES[i]) == 0) {
            return (lb_wlayout)i;
        }
    }
    return WL_NONE;
}

int lb_wlayout_bits_ok(lb_wlayout l, int b) {
    switch (l) {
    case WL_GPTQ_V1:
    case WL_GPTQ_V2: return b == 2 || b == 3 || b == 4 || b == 8;
    case WL_HQQ: return b == 1 || b == 2 || b == 3 || b == 4 || b == 8;
    case WL_CT: return b == 2 || b == 4 || b == 8;
    case WL_Q8_0: return b == 8;
    case WL_NONE: return 0;
    default: return b == 4;
    }
}

static const long GG_N[] = {32, 32, 32, 256}, GG_SIZE[] = {18, 20, 34, 144}, GG_FIELDS[] = {2, 4, 2, 20};

#define FAIL(...)                                                                                              \
    do {                                                                                                       \
        snprintf(err, errlen, __VA_ARGS__);                                                                    \
        return 0;                                                                                              \
    } while (0)

int lb_wsizes_of(lb_wlayout l, int b, long rows, long cols, long gs, long ikt, lb_wsizes *s, char *err,
                 size_t errlen) {
    memset(s, 0, sizeof *s);
    if (!lb_wlayout_bits_ok(l, b)) {
        FAIL("the layout does not hold %d-bit codes", b);
    }
    if (rows < 1 || cols < 1 || rows > (1L << 24) || cols > (1L << 24) || rows * cols > (1L << 26)) {
        FAIL("shape %ldx%ld", rows, cols);
    }
    int groups = l == WL_GPTQ_V1 || l == WL_GPTQ_V2 || l == WL_AWQ;
    if ((gs > 0) != groups || gs < 0) {
        FAIL("groupSize %ld", gs);
    }
    if ((ikt != 0) != (l == WL_TINYGEMM)) {
        FAIL("innerKTiles %ld", ikt);
    }
    if (groups && cols % gs) {
        FAIL("K = %ld is not a multiple of groupSize %ld", cols, gs);
    }
    long ng = groups ? cols / gs : 0;
    switch (l) {
    case WL_GPTQ_V1:
    case WL_GPTQ_V2:
        if (cols * b % 32 || rows * b % 32) {
            FAIL("gptq needs K*b and N*b multiples of 32");
        }
        s->qweight = (size_t)(cols * b / 32 * rows * 4);
        s->qzeros = (size_t)(ng * (rows * b / 32) * 4);
        s->zeros = (size_t)(rows * ng);
        return 1;
    case WL_AWQ:
        if (rows % 8) {
            FAIL("awq needs N a multiple of 8");
        }
        s->qweight = (size_t)(cols * rows / 8 * 4);
        s->qzeros = (size_t)(ng * rows / 8 * 4);
        s->zeros = (size_t)(rows * ng);
        return 1;
    case WL_HQQ:
        if (b == 3) {
            s->qweight = (size_t)((rows + 9) / 10 * cols * 4);
            return 1;
        }
        if (rows % (8 / b)) {
            FAIL("hqq %d-bit needs R a multiple of %d", b, 8 / b);
        }
        s->qweight = (size_t)(rows * b / 8 * cols);
        return 1;
    case WL_UINT4X2:
        if (cols % 2) {
            FAIL("uint4x2 needs an even C");
        }
        s->qweight = (size_t)(rows * cols / 2);
        return 1;
    case WL_CT:
        if (cols * b % 32) {
            FAIL("ct-pack-quantized needs K*b a multiple of 32");
        }
        s->qweight = (size_t)(rows * (cols * b / 32) * 4);
        return 1;
    case WL_TINYGEMM:
        if (ikt != 2 && ikt != 4 && ikt != 8) {
            FAIL("innerKTiles must be 2, 4 or 8");
        }
        if (rows % 8 || cols % (16 * ikt)) {
            FAIL("tinygemm needs N a multiple of 8 and K of %ld", 16 * ikt);
        }
        s->qweight = (size_t)(rows * cols / 2);
        return 1;
    default: {
        int k = (int)l - WL_Q4_0;
        if (cols % GG_N[k]) {
            FAIL("a row must be a whole number of %ld-element blocks", GG_N[k]);
        }
        long blocks = rows * cols / GG_N[k];
        s->qweight = (size_t)(blocks * GG_SIZE[k]);
        s->fields = (size_t)(blocks * GG_FIELDS[k]);
        return 1;
    }
    }
}

static uint32_t rd32(const unsigned char *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void wr32(unsigned char *p, uint32_t w) {
    for (int i = 0; i < 4; i++) {
        p[i] = (unsigned char)(w >> (8 * i));
    }
}

/* Bit streams over int32 words: stream bit t is bit t%32 of word t/32; word w is at base + w*stride
 * words. */
static void stream_put(unsigned char *base, size_t stride, long i, int b, unsigned code) {
    for (int t = 0; t < b; t++) {
        if (code >> t & 1) {
            long pos = (long)b * i + t;
            unsigned char *p = base + (size_t)(pos / 32) * stride * 4;
            wr32(p, rd32(p) | 1u << (pos % 32));
        }
    }
}

static unsigned stream_get(const unsigned char *base, size_t stride, long i, int b) {
    unsigned c = 0;
    for (int t = 0; t < b; t++) {
        long pos = (long)b * i + t;
        c |= (rd32(base + (size_t)(pos / 32) * stride * 4) >> (pos % 32) & 1u) << t;
    }
    return c;
}

static const int AWQ_ORDER[8] = {0, 2, 4, 6, 1, 3, 5, 7};
static const int TG_K[8] = {0, 8, 16, 24, 1, 9, 17, 25};

/* tinygemm: the (n, k) of nibble i of word index w. */
static void tg_pos(long w, long rows, long cols, long ikt, int i, long *n, long *k) {
    (void)rows;
    long half = ikt / 2;
    long j = w % half;
    long t = w / half % 32;
    long ko = w / half / 32 % (cols / (16 * ikt));
    long nt = w / half / 32 / (cols / (16 * ikt));
    *n = 8 * nt + t / 4;
    *k = 16 * (ko * ikt + 2 * j) + 2 * (t % 4) + TG_K[i];
}

int lb_wpack(lb_wlayout l, int b, long rows, long cols, long gs, long ikt, const unsigned *codes,
             const unsigned *zeros, const unsigned char *fields, unsigned char *qweight, unsigned char *qzeros,
             char *err, size_t errlen) {
    lb_wsizes s;
    if (!lb_wsizes_of(l, b, rows, cols, gs, ikt, &s, err, errlen)) {
        return 0;
    }
    unsigned cmax = l == WL_Q8_0 ? 255u : (1u << b) - 1;
    for (long i = 0; i < rows * cols; i++) {
        if (codes[i] > cmax) {
            FAIL("code %ld (%u) does not fit in %d bits", i, codes[i], b);
        }
    }
    memset(qweight, 0, s.qweight);
    if (s.qzeros) {
        memset(qzeros, 0, s.qzeros);
    }
    long ng = gs > 0 ? cols / gs : 0;
    switch (l) {
    case WL_GPTQ_V1:
    case WL_GPTQ_V2:
        for (long n = 0; n < rows; n++) {
            for (long k = 0; k < cols; k++) {
                stream_put(qweight + n * 4, (size_t)rows, k, b, codes[n * cols + k]);
            }
        }
        for (long g = 0; g < ng; g++) {
            for (long n = 0; n < rows; n++) {
                unsigned z = zeros[n * ng + g];
                if (l == WL_GPTQ_V1) {
                    if (z < 1 || z > (1u << b)) {
                        FAIL("gptq-v1 cannot store the true zero %u (row %ld, group %ld)", z, n, g);
                    }
                    z -= 1;
                } else if (z > cmax) {
                    FAIL("zero %u does not fit in %d bits", z, b);
                }
                stream_put(qzeros + (size_t)(g * (rows * b / 32) * 4), 1, n, b, z);
            }
        }
        return 1;
    case WL_AWQ:
        for (long k = 0; k < cols; k++) {
            for (long c = 0; c < rows / 8; c++) {
                uint32_t w = 0;
                for (int i = 0; i < 8; i++) {
                    w |= (uint32_t)codes[(8 * c + AWQ_ORDER[i]) * cols + k] << (4 * i);
                }
                wr32(qweight + (size_t)(k * (rows / 8) + c) * 4, w);
            }
        }
        for (long g = 0; g < ng; g++) {
            for (long c = 0; c < rows / 8; c++) {
                uint32_t w = 0;
                for (int i = 0; i < 8; i++) {
                    unsigned z = zeros[(8 * c + AWQ_ORDER[i]) * ng + g];
                    if (z > 15) {
                        FAIL("zero %u does not fit in 4 bits", z);
                    }
                    w |= (uint32_t)z << (4 * i);
                }
                wr32(qzeros + (size_t)(g * (rows / 8) + c) * 4, w);
            }
        }
        return 1;
    case WL_HQQ:
        if (b == 3) {
            long sh = (rows + 9) / 10;
            for (long r = 0; r < sh; r++) {
                for (long c = 0; c < cols; c++) {
                    uint32_t w = 0;
                    for (int i = 0; i < 10; i++) {
                        long rr = r + i * sh;
                        if (rr < rows) {
                            w |= (uint32_t)codes[rr * cols + c] << (27 - 3 * i);
                        }
                    }
                    wr32(qweight + (size_t)(r * cols + c) * 4, w);
                }
            }
        } else {
            int planes = 8 / b;
            long sh = rows / planes;
            for (long r = 0; r < sh; r++) {
                for (long c = 0; c < cols; c++) {
                    unsigned v = 0;
                    for (int i = 0; i < planes; i++) {
                        v |= codes[(r + i * sh) * cols + c] << (8 - b * (i + 1));
                    }
                    qweight[r * cols + c] = (unsigned char)v;
                }
            }
        }
        return 1;
    case WL_UINT4X2:
        for (long i = 0; i < rows * cols / 2; i++) {
            qweight[i] = (unsigned char)(codes[2 * i + 1] << 4 | codes[2 * i]);
        }
        return 1;
    case WL_CT: {
        long per = cols * b / 32;
        for (long n = 0; n < rows; n++) {
            for (long k = 0; k < cols; k++) {
                stream_put(qweight + (size_t)(n * per) * 4, 1, k, b, codes[n * cols + k]);
            }
        }
        return 1;
    }
    case WL_TINYGEMM:
        for (long w = 0; w < rows * cols / 8; w++) {
            uint32_t word = 0;
            for (int i = 0; i < 8; i++) {
                long n, k;
                tg_pos(w, rows, cols, ikt, i, &n, &k);
                word |= (uint32_t)codes[n * cols + k] << (4 * i);
            }
            wr32(qweight + (size_t)w * 4, word);
        }
        return 1;
    default: {
        int kd = (int)l - WL_Q4_0;
        long n = GG_N[kd], blocks = rows * cols / n;
        for (long bi = 0; bi < blocks; bi++) {
            const unsigned *q = codes + bi * n;
            const unsigned char *f = fields + bi * GG_FIELDS[kd];
            unsigned char *o = qweight + bi * GG_SIZE[kd];
            memcpy(o, f, l == WL_Q4_K ? 4 : (size_t)GG_FIELDS[kd]);
            if (l == WL_Q8_0) {
                for (int j = 0; j < 32; j++) {
                    o[2 + j] = (unsigned char)q[j];
                }
            } else if (l == WL_Q4_0 || l == WL_Q4_1) {
                unsigned char *qs = o + GG_FIELDS[kd];
                for (int j = 0; j < 16; j++) {
                    qs[j] = (unsigned char)(q[j] | q[j + 16] << 4);
                }
            } else {
                const unsigned char *sc = f + 4, *mn = f + 12;
                for (int j = 0; j < 8; j++) {
                    if (sc[j] > 63 || mn[j] > 63) {
                        FAIL("block %ld: a q4_k sub-block scale or min has more than 6 bits", bi);
                    }
                }
                for (int j = 0; j < 4; j++) {
                    o[4 + j] = (unsigned char)(sc[j] | (sc[j + 4] >> 4) << 6);
                    o[8 + j] = (unsigned char)(mn[j] | (mn[j + 4] >> 4) << 6);
                    o[12 + j] = (unsigned char)((sc[j + 4] & 0xF) | (mn[j + 4] & 0xF) << 4);
                }
                for (int c = 0; c < 4; c++) {
                    for (int x = 0; x < 32; x++) {
                        o[16 + 32 * c + x] = (unsigned char)(q[64 * c + x] | q[64 * c + 32 + x] << 4);
                    }
                }
            }
        }
        return 1;
    }
    }
}

int lb_wunpack(lb_wlayout l, int b, long rows, long cols, long gs, long ikt, const unsigned char *qweight,
               const unsigned char *qzeros, unsigned *codes, unsigned *zeros, unsigned char *fields, char *err,
               size_t errlen) {
    lb_wsizes s;
    if (!lb_wsizes_of(l, b, rows, cols, gs, ikt, &s, err, errlen)) {
        return 0;
    }
    long ng = gs > 0 ? cols / gs : 0;
    switch (l) {
    case WL_GPTQ_V1:
    case WL_GPTQ_V2:
        for (long n = 0; n < rows; n++) {
            for (long k = 0; k < cols; k++) {
                codes[n * cols + k] = stream_get(qweight + n * 4, (size_t)rows, k, b);
            }
        }
        for (long g = 0; g < ng; g++) {
            for (long n = 0; n < rows; n++) {
                unsigned z = stream_get(qzeros + (size_t)(g * (rows * b / 32) * 4), 1, n, b);
                zeros[n * ng + g] = l == WL_GPTQ_V1 ? z + 1 : z;
            }
        }
        return 1;
    case WL_AWQ:
        for (long k = 0; k < cols; k++) {
            for (long c = 0; c < rows / 8; c++) {
                uint32_t w = rd32(qweight + (size_t)(k * (rows / 8) + c) * 4);
                for (int i = 0; i < 8; i++) {
                    codes[(8 * c + AWQ_ORDER[i]) * cols + k] = w >> (4 * i) & 0xF;
                }
            }
        }
        for (long g = 0; g < ng; g++) {
            for (long c = 0; c < rows / 8; c++) {
                uint32_t w = rd32(qzeros + (size_t)(g * (rows / 8) + c) * 4);
                for (int i = 0; i < 8; i++) {
                    zeros[(8 * c + AWQ_ORDER[i]) * ng + g] = w >> (4 * i) & 0xF;
                }
            }
        }
        return 1;
    case WL_HQQ:
        if (b == 3) {
            long sh = (rows + 9) / 10;
            for (long r = 0; r < sh; r++) {
                for (long c = 0; c < cols; c++) {
                    uint32_t w = rd32(qweight + (size_t)(r * cols + c) * 4);
                    if (w >> 30) {
                        FAIL("hqq 3-bit word (%ld, %ld) has pad bits 31..30 set", r, c);
                    }
                    for (int i = 0; i < 10; i++) {
                        unsigned v = w >> (27 - 3 * i) & 7;
                        long rr = r + i * sh;
                        if (rr < rows) {
                            codes[rr * cols + c] = v;
                        } else if (v) {
                            FAIL("hqq 3-bit padding row %ld, column %ld is %u, not 0", rr, c, v);
                        }
                    }
                }
            }
        } else {
            int planes = 8 / b;
            long sh = rows / planes;
            for (long r = 0; r < sh; r++) {
                for (long c = 0; c < cols; c++) {
                    for (int i = 0; i < planes; i++) {
                        codes[(r + i * sh) * cols + c] = qweight[r * cols + c] >> (8 - b * (i + 1)) & ((1u << b) - 1);
                    }
                }
            }
        }
        return 1;
    case WL_UINT4X2:
        for (long i = 0; i < rows * cols / 2; i++) {
            codes[2 * i] = qweight[i] & 0xF;
            codes[2 * i + 1] = qweight[i] >> 4;
        }
        return 1;
    case WL_CT: {
        long per = cols * b / 32;
        for (long n = 0; n < rows; n++) {
            for (long k = 0; k < cols; k++) {
                codes[n * cols + k] = stream_get(qweight + (size_t)(n * per) * 4, 1, k, b);
            }
        }
        return 1;
    }
    case WL_TINYGEMM:
        for (long w = 0; w < rows * cols / 8; w++) {
            uint32_t word = rd32(qweight + (size_t)w * 4);
            for (int i = 0; i < 8; i++) {
                long n, k;
                tg_pos(w, rows, cols, ikt, i, &n, &k);
                codes[n * cols + k] = word >> (4 * i) & 0xF;
            }
        }
        return 1;
    default: {
        int kd = (int)l - WL_Q4_0;
        long n = GG_N[kd], blocks = rows * cols / n;
        for (long bi = 0; bi < blocks; bi++) {
            unsigned *q = codes + bi * n;
            unsigned char *f = fields + bi * GG_FIELDS[kd];
            const unsigned char *o = qweight + bi * GG_SIZE[kd];
            memcpy(f, o, l == WL_Q4_K ? 4 : (size_t)GG_FIELDS[kd]);
            if (l == WL_Q8_0) {
                for (int j = 0; j < 32; j++) {
                    q[j] = o[2 + j];
                }
            } else if (l == WL_Q4_0 || l == WL_Q4_1) {
                const unsigned char *qs = o + GG_FIELDS[kd];
                for (int j = 0; j < 16; j++) {
                    q[j] = qs[j] & 0xF;
                    q[j + 16] = qs[j] >> 4;
                }
            } else {
                const unsigned char *sx = o + 4;
                for (int j = 0; j < 4; j++) {
                    f[4 + j] = sx[j] & 63;
                    f[12 + j] = sx[j + 4] & 63;
                    f[4 + j + 4] = (unsigned char)((sx[j + 8] & 0xF) | (sx[j] >> 6) << 4);
                    f[12 + j + 4] = (unsigned char)((sx[j + 8] >> 4) | (sx[j + 4] >> 6) << 4);
                }
                for (int c = 0; c < 4; c++) {
                    for (int x = 0; x < 32; x++) {
                        q[64 * c + x] = o[16 + 32 * c + x] & 0xF;
                        q[64 * c + 32 + x] = o[16 + 32 * c + x] >> 4;
                    }
                }
            }
        }
        return 1;
    }
    }
}

/* ------------------------------------------------------------------------------------------------ */

size_t lb_swizzle_offset(size_t r, size_t c, size_t cols) {
    size_t cp = (cols + 3) / 4 * 4;
    return ((r / 128) * (cp / 4) + c / 4) * 512 + (r % 32) * 16 + ((r % 128) / 32) * 4 + c % 4;
}

size_t lb_swizzle_size(size_t rows, size_t cols) {
    return (rows + 127) / 128 * 128 * ((cols + 3) / 4 * 4);
}

void lb_swizzle_pack(const unsigned char *s, size_t rows, size_t cols, unsigned char pad, unsigned char *out) {
    memset(out, pad, lb_swizzle_size(rows, cols));
    for (size_t r = 0; r < rows; r++) {
        for (size_t c = 0; c < cols; c++) {
            out[lb_swizzle_offset(r, c, cols)] = s[r * cols + c];
        }
    }
}

int lb_swizzle_unpack(const unsigned char *in, size_t rows, size_t cols, unsigned char pad, unsigned char *s,
                      char *err, size_t errlen) {
    size_t rp = (rows + 127) / 128 * 128, cp = (cols + 3) / 4 * 4;
    for (size_t r = 0; r < rp; r++) {
        for (size_t c = 0; c < cp; c++) {
            size_t off = lb_swizzle_offset(r, c, cols);
            if (r < rows && c < cols) {
                s[r * cols + c] = in[off];
            } else if (in[off] != pad) {
                FAIL("swizzle pad byte at offset %zu is 0x%02X, not 0x%02X", off, in[off], pad);
            }
        }
    }
    return 1;
}

/* ------------------------------------------------------------------------------------------------
 * §11.4 dequantization. Every operand is a value of at most 24 significant bits between 2^-158 and
 * 2^128, and every operation below (a product of two such values with 8 or fewer bits in one of them, a
 * difference or sum of two values with at most 24 bits and exponents within 40 of each other) is exact
 * in binary64; each exact result is then rounded once into D by lb_ieee_round. */

typedef struct {
    const char *profile, *format;
    lb_zeropoint zp;
    const lb_ieee *scale, *deq;
} prof_row;

int lb_scaled_profile(const char *profile, const char *format, lb_zeropoint *zp, const lb_ieee **scale,
                      const lb_ieee **deq) {
    static const prof_row T[] = {
        {"vllm", "int8_per_tensor", ZP_NONE, &LB_F32, &LB_F32},
        {"vllm", "int8_per_token", ZP_NONE, &LB_F32, &LB_F32},
        {"vllm", "int8_block_1x128", ZP_NONE, &LB_F32, &LB_F32},
        {"vllm", "fp8_e4m3_block_1x128", ZP_NONE, &LB_F32, &LB_F32},
        {"compressed-tensors", "int8_per_tensor", ZP_NONE, &LB_F32, &LB_F32},
        {"compressed-tensors", "int8_per_channel", ZP_NONE, &LB_F32, &LB_F32},
        {"compressed-tensors", "int8_per_token", ZP_NONE, &LB_F32, &LB_F32},
        {"compressed-tensors", "int8_block_1x128", ZP_NONE, &LB_F32, &LB_F32},
        {"compressed-tensors", "int8_block_128x128", ZP_NONE, &LB_F32, &LB_F32},
        {"smoothquant", "int8_per_tensor", ZP_NONE, &LB_F16, &LB_F16},
        {"smoothquant", "int8_per_channel", ZP_NONE, &LB_F16, &LB_F16},
        {"smoothquant", "int8_per_token", ZP_NONE, &LB_F16, &LB_F16},
        {"deepseek-v3", "fp8_e4m3_block_1x128", ZP_NONE, &LB_F32, &LB_F32},
        {"deepseek-v3", "fp8_e4m3_block_128x128", ZP_NONE, &LB_F32, &LB_F32},
        {"deepgemm", "fp8_e4m3_block_1x128", ZP_NONE, &LB_F32, &LB_F32},
        {"deepgemm", "fp8_e4m3_block_128x128", ZP_NONE, &LB_F32, &LB_F32},
        {"deepgemm-ue8m0", "fp8_e4m3_block_1x128", ZP_NONE, &LB_F32, &LB_F32},
        {"deepgemm-ue8m0", "fp8_e4m3_block_128x128", ZP_NONE, &LB_F32, &LB_F32},
        {"awq", "int4_group", ZP_INTEGER, &LB_F16, &LB_F16},
        {"awq-symmetric", "int4_group", ZP_NONE, &LB_F16, &LB_F16},
        {"gptq-symmetric", "int4_group", ZP_INTEGER, &LB_F16, &LB_F16},
        {"gptq-asymmetric", "int4_group", ZP_INTEGER, &LB_F16, &LB_F16},
        {"hqq", "int4_group", ZP_FLOAT, &LB_F16, &LB_F16},
        {"gguf", "gguf_q4_0", ZP_IMPLICIT, &LB_F16, &LB_F32},
        {"gguf", "gguf_q4_1", ZP_MIN, &LB_F16, &LB_F32},
        {"gguf", "gguf_q8_0", ZP_NONE, &LB_F16, &LB_F32},
        {"gguf-avx2", "gguf_q8_0", ZP_NONE, &LB_F16, &LB_F32},
        {"gguf-neon", "gguf_q8_0", ZP_NONE, &LB_F16, &LB_F32},
    };
    for (size_t i = 0; i < sizeof T / sizeof T[0]; i++) {
        if (profile && format && strcmp(T[i].profile, profile) == 0 && strcmp(T[i].format, format) == 0) {
            *zp = T[i].zp;
            *scale = T[i].scale;
            *deq = T[i].deq;
            return 1;
        }
    }
    return 0;
}

int lb_scaled_format(const char *format, const char **element, long *br, long *bc) {
    static const struct {
        const char *name, *element;
        long br, bc;
    } T[] = {{"int8_per_tensor", "int8", 0, 0},       {"int8_per_channel", "int8", 1, 0},
             {"int8_per_token", "int8", 1, 0},        {"int8_block_1x128", "int8", 1, 128},
             {"int8_block_128x128", "int8", 128, 128}, {"fp8_e4m3_block_1x128", "fp8_e4m3", 1, 128},
             {"fp8_e4m3_block_128x128", "fp8_e4m3", 128, 128}, {"int4_group", NULL, 1, -1},
             {"gguf_q4_0", "uint4", 1, 32},           {"gguf_q4_1", "uint4", 1, 32},
             {"gguf_q8_0", "int8", 1, 32}};
    for (size_t i = 0; i < sizeof T / sizeof T[0]; i++) {
        if (format && strcmp(T[i].name, format) == 0) {
            *element = T[i].element;
            *br = T[i].br;
            *bc = T[i].bc;
            return 1;
        }
    }
    return 0;
}

static double to_double(lb_value v) {
    if (v.kind == LB_NAN) {
        return NAN;
    }
    double d = v.kind == LB_INF ? INFINITY : ldexp((double)v.m, v.e);
    return v.sign ? -d : d;
}

static lb_value from_double(double d) {
    lb_value v = {LB_NUM, signbit(d) ? 1 : 0, 0, 0};
    if (isnan(d)) {
        v.kind = LB_NAN;
        v.sign = 0;
        return v;
    }
    if (isinf(d)) {
        v.kind = LB_INF;
        return v;
    }
    int e;
    double f = frexp(fabs(d), &e);
    return lb_dyadic(v.sign, (uint64_t)ldexp(f, 53), e - 53);
}

/* d rounded once into D, as a double again. */
static double in(const lb_ieee *D, double d) {
    return to_double(lb_ieee_decode(D, lb_ieee_round(D, from_double(d))));
}

uint32_t lb_scaled_dequant(lb_zeropoint zp, const lb_ieee *deq, const lb_format *ef, unsigned code,
                           uint32_t scale_bits, const lb_ieee *sdt, uint32_t zero) {
    double s = to_double(lb_ieee_decode(sdt, scale_bits));
    lb_value ev;
    char err[80];
    double r;
    if (!lb_decode(ef, code, &ev, err, sizeof err)) {
        return 0x7FC00000u;
    }
    switch (zp) {
    case ZP_NONE: {
        double v = to_double(ev);
        if (ef->family == LB_INT && v == 0) {
            v = 0.0; /* an integer code 0 is +0 */
        }
        r = in(deq, v * s);
        break;
    }
    case ZP_IMPLICIT: r = in(deq, ((double)code - 8.0) * s); break;
    case ZP_INTEGER: r = in(deq, ((double)code - (double)zero) * s); break;
    case ZP_FLOAT: {
        double z = to_double(lb_ieee_decode(sdt, zero));
        r = in(deq, in(deq, (double)code - z) * s);
        break;
    }
    default: {
        double m = to_double(lb_ieee_decode(sdt, zero));
        r = in(deq, in(deq, (double)code * s) + m);
        break;
    }
    }
    if (isnan(r)) {
        return 0x7FC00000u;
    }
    return lb_ieee_round(&LB_F32, from_double(r));
}
