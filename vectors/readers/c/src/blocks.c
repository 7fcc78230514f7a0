/* MX and NVFP4 blocks from spec/SPEC.md §8; see blocks.h.
 *
 * fl(.) in SPEC.md §8 is one IEEE binary32 operation rounded to nearest even. C's float arithmetic is
 * exactly that under C11 Annex F with FLT_EVAL_METHOD 0 (x86-64 SSE, AArch64) and no contraction of
 * a*b+c into an FMA (the Makefile passes -ffp-contract=off; the code never writes a*b+c anyway). */
#include "blocks.h"

#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if !defined(FLT_EVAL_METHOD) || FLT_EVAL_METHOD != 0
#error "the NVFP4 and RCEIL/ROUND_UP arithmetic needs FLT_EVAL_METHOD == 0 (one binary32 rounding per operation)"
#endif

static const lb_block_format BLOCK_FORMATS[] = {
    {"mxfp8_e4m3", "fp8_e4m3", 32, "e8m0", 8, 448.0f, 3},
    {"mxfp8_e5m2", "fp8_e5m2", 32, "e8m0", 15, 57344.0f, 2},
    {"mxfp6_e3m2", "fp6_e3m2", 32, "e8m0", 4, 28.0f, 2},
    {"mxfp6_e2m3", "fp6_e2m3", 32, "e8m0", 2, 7.5f, 3},
    {"mxfp4", "fp4_e2m1", 32, "e8m0", 2, 6.0f, 1},
    {"mxint8", "mxint8", 32, "e8m0", 0, 127.0f / 64.0f, 6},
    {"nvfp4", "fp4_e2m1", 16, "ue4m3", 2, 6.0f, 1},
};

const lb_block_format *lb_block_format_by_name(const char *name) {
    for (size_t i = 0; i < sizeof BLOCK_FORMATS / sizeof BLOCK_FORMATS[0]; i++) {
        if (strcmp(BLOCK_FORMATS[i].name, name) == 0) {
            return &BLOCK_FORMATS[i];
        }
    }
    return NULL;
}

int lb_block_knobs_set(lb_block_knobs *k, const char *name, const char *value) {
#define IS(s) (strcmp(value, s) == 0)
    if (strcmp(name, "scaleRule") == 0) {
        if (IS("FLOOR")) k->rule = SR_FLOOR;
        else if (IS("CEIL")) k->rule = SR_CEIL;
        else if (IS("EVEN")) k->rule = SR_EVEN;
        else if (IS("RCEIL")) k->rule = SR_RCEIL;
        else if (IS("ROUND_UP")) k->rule = SR_ROUND_UP;
        else if (IS("NEAREST")) k->rule = SR_NEAREST;
        else return 0;
        return 1;
    }
    if (strcmp(name, "nonFinite") == 0) {
        if (IS("WHOLE_BLOCK_NAN")) k->whole_block_nan = 1;
        else if (IS("PER_ELEMENT")) k->whole_block_nan = 0;
        else return 0;
        return 1;
    }
    if (strcmp(name, "zeroBlock") == 0) {
        if (IS("ONE")) k->zero_block_one = 1;
        else if (IS("SMALLEST_SCALE")) k->zero_block_one = 0;
        else return 0;
        return 1;
    }
    if (strcmp(name, "tinyAmax") == 0) {
        if (IS("FLUSH_SUBNORMAL_AMAX")) k->flush_tiny = 1;
        else if (IS("CLAMP")) k->flush_tiny = 0;
        else return 0;
        return 1;
    }
    if (strcmp(name, "tail") == 0) {
        if (IS("REJECT")) k->tail_reject = 1;
        else if (IS("PAD_WITH_ZEROS")) k->tail_reject = 0;
        else return 0;
        return 1;
    }
    if (strcmp(name, "scaling") == 0) {
        if (IS("RECIPROCAL_MULTIPLY")) k->reciprocal = 1;
        else if (IS("DIVIDE")) k->reciprocal = 0;
        else return 0;
        return 1;
    }
    if (strcmp(name, "scaleClamp") == 0) {
        if (IS("MIN_NORMAL")) k->clamp_min_normal = 1;
        else if (IS("MIN_SUBNORMAL")) k->clamp_min_normal = 0;
        else return 0;
        return 1;
    }
#undef IS
    return -1;
}

static uint32_t bits_of(float f) {
    uint32_t b;
    memcpy(&b, &f, 4);
    return b;
}

static float float_of(uint32_t b) {
    float f;
    memcpy(&f, &b, 4);
    return f;
}

static float value_to_float(lb_value v) { return float_of(lb_ieee_round(&LB_F32, v)); }

/* A NaN made by arithmetic is written as 0x7FC00000 (SPEC.md §8.4 step 4). */
static lb_value float_to_value(float f) {
    uint32_t b = bits_of(f);
    if (lb_ieee_is_nan(&LB_F32, b)) {
        b = 0x7FC00000u;
    }
    return lb_ieee_decode(&LB_F32, b);
}

static int floor_log2(lb_value v) { /* v finite, nonzero */
    int n = 0;
    for (uint64_t m = v.m; m > 1; m >>= 1) {
        n++;
    }
    return n + v.e;
}

unsigned lb_mx_scale_code(lb_scale_rule rule, uint32_t amax_bits, int emax, float max, int mbits, int *descale_zero) {
    lb_value amax = lb_ieee_decode(&LB_F32, amax_bits);
    *descale_zero = 0;
    int s;
    switch (rule) {
    case SR_FLOOR:
        s = (amax.m ? floor_log2(amax) : -127) - emax;
        break;
    case SR_CEIL:
        if (amax.m == 0) {
            s = -127 - emax;
        } else {
            s = floor_log2(amax) + (amax.m != 1) - emax; /* m odd: a power of two iff m == 1 */
        }
        break;
    case SR_EVEN: {
        uint64_t a2 = ((uint64_t)amax_bits + (UINT64_C(1) << (22 - mbits))) & ~(uint64_t)0x7FFFFF;
        s = (int)(a2 >> 23) - 127 - emax;
        break;
    }
    case SR_RCEIL: {
        float d = float_of(amax_bits) * (1.0f / max);
        uint32_t db = bits_of(d), field = db >> 23 & 0xFF, frac = db & 0x7FFFFF;
        unsigned code = field + ((field != 0 && frac != 0) || (field == 0 && frac > 0x400000));
        return code > 0xFE ? 0xFE : code;
    }
    case SR_ROUND_UP: {
        float d = float_of(amax_bits) / max;
        uint32_t db = bits_of(d);
        if (db == 0) {
            *descale_zero = 1;
            return 0;
        }
        unsigned code = (unsigned)(((uint64_t)db + 0x7FFFFF) >> 23 & 0xFF);
        return code > 0xFE ? 0xFE : code;
    }
    default:
        s = 0;
        break;
    }
    if (s < -127) {
        s = -127;
    }
    if (s > 127) {
        s = 127;
    }
    return (unsigned)(s + 127);
}

static unsigned zero_code(const lb_format *ef, int sign, const lb_knobs *ek) {
    unsigned code;
    char err[16];
    lb_value z = lb_dyadic(sign, 0, 0);
    lb_encode(ef, ek, z, 0, &code, err, sizeof err);
    return code;
}

int lb_quantize(const lb_block_format *bf, const lb_block_knobs *k, const lb_knobs *ek, int rows, int row_length,
                const lb_value *values, lb_tensor_scale_mode mode, uint32_t *g, unsigned *scales, unsigned *codes,
                const char **err_code, char *err, size_t errlen) {
    const lb_format *ef = lb_format_by_name(bf->element);
    const lb_format *sf = lb_format_by_name(bf->scale);
    int nv = strcmp(bf->scale, "ue4m3") == 0;
    if (row_length % bf->k != 0 && k->tail_reject) {
        *err_code = "RAGGED_TAIL";
        snprintf(err, errlen, "rowLength %d is not a multiple of %s's block size %d", row_length, bf->name, bf->k);
        return 1;
    }
    float gf = 1.0f;
    if (nv && mode == TS_COMPUTED) {
        lb_value amax_t = lb_dyadic(0, 0, 0);
        for (long i = 0; i < (long)rows * row_length; i++) {
            if (values[i].kind == LB_NUM && lb_cmp_mag(values[i], amax_t) > 0) {
                amax_t = values[i];
                amax_t.sign = 0;
            }
        }
        gf = value_to_float(amax_t) / 2688.0f;
        if (gf == 0.0f) {
            *err_code = "ZERO_TENSOR_SCALE";
            snprintf(err, errlen, "the computed per-tensor scale is 0");
            return 1;
        }
        *g = bits_of(gf);
    } else if (nv && mode == TS_GIVEN) {
        gf = float_of(*g);
        if (!(gf > 0.0f) || gf > FLT_MAX) {
            *err_code = "BAD_TENSOR_SCALE";
            snprintf(err, errlen, "the per-tensor scale 0x%08X is not positive and finite", (unsigned)*g);
            return 1;
        }
    }
    int per_row = (row_length + bf->k - 1) / bf->k;
    char msg[160];
    for (int r = 0; r < rows; r++) {
        for (int b = 0; b < per_row; b++) {
            int c0 = b * bf->k, c1 = c0 + bf->k < row_length ? c0 + bf->k : row_length;
            const lb_value *blk = values + (long)r * row_length;
            unsigned *out = codes + (long)r * row_length;
            lb_value amax = lb_dyadic(0, 0, 0);
            int nonfinite = 0;
            for (int c = c0; c < c1; c++) {
                if (blk[c].kind != LB_NUM) {
                    nonfinite = 1;
                } else if (lb_cmp_mag(blk[c], amax) > 0) {
                    amax = blk[c];
                    amax.sign = 0;
                }
            }
            unsigned *scale = &scales[(long)r * per_row + b];
            if (nonfinite && k->whole_block_nan) {
                *scale = nv ? 0x7F : 0xFF;
                for (int c = c0; c < c1; c++) {
                    out[c] = 0;
                }
                continue;
            }
            int flush = k->flush_tiny && lb_cmp_mag(amax, lb_dyadic(0, 1, -126)) < 0;
            uint32_t amax_bits = lb_ieee_round(&LB_F32, amax);
            if (!nv) {
                int descale_zero = 0;
                if (amax.m == 0 && k->zero_block_one) {
                    *scale = 0x7F;
                } else {
                    *scale = lb_mx_scale_code(k->rule, amax_bits, bf->emax, bf->max, bf->mbits, &descale_zero);
                }
                int s = (int)*scale - 127;
                for (int c = c0; c < c1; c++) {
                    lb_value q = blk[c];
                    if (q.kind == LB_NUM && (flush || descale_zero)) {
                        out[c] = zero_code(ef, q.sign, ek);
                        continue;
                    }
                    if (q.kind == LB_NUM) {
                        q.e -= s; /* V / 2^s, exact */
                    }
                    if (!lb_encode(ef, ek, q, 0, &out[c], msg, sizeof msg)) {
                        *err_code = "KNOB";
                        snprintf(err, errlen, "%s", msg);
                        return 1;
                    }
                }
                continue;
            }
            /* NVFP4, SPEC.md §8.4 */
            float a = float_of(amax_bits), sv;
            if (k->reciprocal) {
                sv = (a / 6.0f) / gf;
            } else {
                float six_g = 6.0f * gf;
                sv = a / six_g;
            }
            if (sv == 0.0f && k->zero_block_one) {
                sv = 1.0f;
            }
            float lo = k->clamp_min_normal ? 0x1p-6f : 0x1p-9f;
            if (sv > 448.0f) {
                sv = 448.0f;
            } else if (sv < lo) {
                sv = lo;
            }
            lb_knobs sk;
            lb_knobs_default(&sk);
            sk.nan = N_QUIET_NAN_SIGNED;
            sk.negative = G_CLAMP_TO_ZERO;
            if (!lb_encode(sf, &sk, float_to_value(sv), 0, scale, msg, sizeof msg)) {
                *err_code = "KNOB";
                snprintf(err, errlen, "%s", msg);
                return 1;
            }
            lb_value S;
            lb_decode(sf, *scale, &S, msg, sizeof msg);
            float Sf = value_to_float(S);
            float factor;
            if (k->reciprocal) {
                float inv_g = 1.0f / gf;
                factor = inv_g / Sf;
            } else {
                factor = Sf * gf;
            }
            for (int c = c0; c < c1; c++) {
                lb_value x = blk[c];
                if (x.kind == LB_NUM && flush) {
                    out[c] = zero_code(ef, x.sign, ek);
                    continue;
                }
                if (x.kind == LB_NUM) {
                    float xf = value_to_float(x);
                    x = float_to_value(k->reciprocal ? xf * factor : xf / factor);
                }
                if (!lb_encode(ef, ek, x, 0, &out[c], msg, sizeof msg)) {
                    *err_code = "KNOB";
                    snprintf(err, errlen, "%s", msg);
                    return 1;
                }
            }
        }
    }
    return 0;
}

int lb_dequantize(const lb_block_format *bf, int rows, int row_length, const unsigned *scales,
                  const unsigned *codes, const uint32_t *g, uint32_t *out, char *err, size_t errlen) {
    const lb_format *ef = lb_format_by_name(bf->element);
    const lb_format *sf = lb_format_by_name(bf->scale);
    int per_row = (row_length + bf->k - 1) / bf->k;
    lb_value gv = g != NULL ? lb_ieee_decode(&LB_F32, *g) : lb_dyadic(0, 1, 0);
    for (int r = 0; r < rows; r++) {
        for (int c = 0; c < row_length; c++) {
            lb_value X, P, prod;
            long i = (long)r * row_length + c;
            if (!lb_decode(sf, scales[(long)r * per_row + c / bf->k], &X, err, errlen) ||
                !lb_decode(ef, codes[i], &P, err, errlen)) {
                return 0;
            }
            if (X.kind == LB_NAN) {
                out[i] = 0x7FC00000u; /* a NaN scale: +qNaN */
                continue;
            }
            if (P.kind != LB_NUM) {
                out[i] = lb_ieee_round(&LB_F32, P); /* ±Inf, or NaN with the element's sign */
                continue;
            }
            if (!lb_mul(P, X, &prod) || !lb_mul(prod, gv, &prod)) {
                snprintf(err, errlen, "internal error: product too wide");
                return 0;
            }
            out[i] = lb_ieee_round(&LB_F32, prod);
        }
    }
    return 1;
}
