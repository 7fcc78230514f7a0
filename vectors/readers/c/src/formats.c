/* lowbit element formats from spec/SPEC.md §1-§3; see formats.h. */
#include "formats.h"

#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------------------------------------------------
 * Dyadic rationals */

static int bitlen(uint64_t m) {
    int n = 0;
    while (m) {
        n++;
        m >>= 1;
    }
    return n;
}

lb_value lb_dyadic(int sign, uint64_t m, int e) {
    lb_value v = {LB_NUM, sign, m, e};
    if (m == 0) {
        v.e = 0;
        return v;
    }
    while ((v.m & 1) == 0) {
        v.m >>= 1;
        v.e++;
    }
    return v;
}

int lb_cmp_mag(lb_value a, lb_value b) {
    if (a.m == 0 || b.m == 0) {
        return (a.m != 0) - (b.m != 0);
    }
    int ta = bitlen(a.m) + a.e, tb = bitlen(b.m) + b.e;
    if (ta != tb) {
        return ta < tb ? -1 : 1;
    }
    /* the same leading-bit position: align to the smaller exponent, which cannot overflow */
    uint64_t am = a.m, bm = b.m;
    if (a.e > b.e) {
        am <<= (a.e - b.e);
    } else if (b.e > a.e) {
        bm <<= (b.e - a.e);
    }
    return am < bm ? -1 : am > bm;
}

int lb_mul(lb_value a, lb_value b, lb_value *out) {
    if (bitlen(a.m) + bitlen(b.m) > 64) {
        return 0;
    }
    *out = lb_dyadic(a.sign ^ b.sign, a.m * b.m, a.e + b.e);
    return 1;
}

/* a - b for finite a >= b >= 0 as D * 2^c; returns 0 if it does not fit. */
static int sub_mag(lb_value a, lb_value b, uint64_t *D, int *c) {
    if (b.m == 0) {
        *D = a.m;
        *c = a.e;
        return 1;
    }
    int cc = a.e < b.e ? a.e : b.e;
    int sa = a.e - cc, sb = b.e - cc;
    if (bitlen(a.m) + sa > 63 || bitlen(b.m) + sb > 63) {
        return 0;
    }
    *D = (a.m << sa) - (b.m << sb);
    *c = cc;
    return 1;
}

/* ------------------------------------------------------------------------------------------------
 * IEEE binary formats */

const lb_ieee LB_F32 = {"f32", 8, 23, 4};
const lb_ieee LB_F16 = {"f16", 5, 10, 2};
const lb_ieee LB_BF16 = {"bf16", 8, 7, 2};

const lb_ieee *lb_ieee_by_name(const char *name) {
    if (strcmp(name, "f32") == 0 || strcmp(name, "fp32") == 0) {
        return &LB_F32;
    }
    if (strcmp(name, "f16") == 0 || strcmp(name, "fp16") == 0) {
        return &LB_F16;
    }
    if (strcmp(name, "bf16") == 0) {
        return &LB_BF16;
    }
    return NULL;
}

lb_value lb_ieee_decode(const lb_ieee *f, uint32_t bits) {
    int sign = (int)(bits >> (f->ebits + f->mbits) & 1);
    uint32_t emask = (1u << f->ebits) - 1, mmask = (1u << f->mbits) - 1;
    uint32_t E = bits >> f->mbits & emask, M = bits & mmask;
    int bias = (1 << (f->ebits - 1)) - 1;
    lb_value v = {LB_NUM, sign, 0, 0};
    if (E == emask) {
        v.kind = M ? LB_NAN : LB_INF;
        return v;
    }
    if (E == 0) {
        return lb_dyadic(sign, M, 1 - bias - f->mbits);
    }
    return lb_dyadic(sign, (uint64_t)(M | (mmask + 1)), (int)E - bias - f->mbits);
}

int lb_ieee_is_nan(const lb_ieee *f, uint32_t bits) {
    uint32_t emask = (1u << f->ebits) - 1, mmask = (1u << f->mbits) - 1;
    return (bits >> f->mbits & emask) == emask && (bits & mmask) != 0;
}

uint32_t lb_ieee_round(const lb_ieee *f, lb_value v) {
    uint32_t s = (uint32_t)v.sign << (f->ebits + f->mbits);
    uint32_t emask = (1u << f->ebits) - 1;
    uint32_t inf = emask << f->mbits;
    if (v.kind == LB_NAN) {
        return s | inf | 1u << (f->mbits - 1);
    }
    if (v.kind == LB_INF) {
        return s | inf;
    }
    if (v.m == 0) {
        return s;
    }
    int bias = (1 << (f->ebits - 1)) - 1, emin = 1 - bias;
    int E = bitlen(v.m) - 1 + v.e;
    int et = E > emin ? E : emin;
    int shift = et - f->mbits - v.e; /* n = m / 2^shift */
    uint64_t n;
    if (shift <= 0) {
        n = v.m << -shift; /* exact, below 2^(mbits+1) */
    } else {
        uint64_t half, sticky;
        if (shift > 64) {
            n = 0;
            half = 0;
            sticky = 1;
        } else if (shift == 64) {
            n = 0;
            half = v.m >> 63;
            sticky = v.m & ~(UINT64_C(1) << 63);
        } else {
            n = v.m >> shift;
            half = v.m >> (shift - 1) & 1;
            sticky = v.m & ((UINT64_C(1) << (shift - 1)) - 1);
        }
        if (half && (sticky || (n & 1))) {
            n++;
        }
    }
    if (n == UINT64_C(1) << (f->mbits + 1)) {
        n >>= 1;
        et++;
    }
    if (n < UINT64_C(1) << f->mbits) {
        return s | (uint32_t)n; /* subnormal or zero */
    }
    int field = et + bias;
    if (field >= (int)emask) {
        return s | inf;
    }
    return s | (uint32_t)field << f->mbits | (uint32_t)(n - (UINT64_C(1) << f->mbits));
}

/* ------------------------------------------------------------------------------------------------
 * Element formats (SPEC.md §1) */

static const lb_format FORMATS[] = {
    /* name, family, bits, signed, e, m, bias, specials, step_log2, code_count, unsigned, id */
    {"fp8_e4m3", LB_FLOAT, 8, 1, 4, 3, 7, SP_NAN_ALL_ONES, 0, 256, 0, 0},
    {"fp8_e5m2", LB_FLOAT, 8, 1, 5, 2, 15, SP_IEEE, 0, 256, 0, 1},
    {"fp6_e3m2", LB_FLOAT, 6, 1, 3, 2, 3, SP_NONE, 0, 64, 0, 2},
    {"fp6_e2m3", LB_FLOAT, 6, 1, 2, 3, 1, SP_NONE, 0, 64, 0, 3},
    {"fp4_e2m1", LB_FLOAT, 4, 1, 2, 1, 1, SP_NONE, 0, 16, 0, 4},
    {"int8", LB_INT, 8, 1, 0, 0, 0, SP_NONE, 0, 256, 0, 5},
    {"mxint8", LB_INT, 8, 1, 0, 0, 0, SP_NONE, -6, 256, 0, 6},
    {"e8m0", LB_E8M0, 8, 0, 8, 0, 127, SP_E8M0, 0, 256, 1, 7},
    {"ue4m3", LB_FLOAT, 8, 0, 4, 3, 7, SP_NAN_ALL_ONES, 0, 128, 1, 8},
    {"fp8_e4m3fnuz", LB_FLOAT, 8, 1, 4, 3, 8, SP_FNUZ, 0, 256, 0, 9},
    {"fp8_e5m2fnuz", LB_FLOAT, 8, 1, 5, 2, 16, SP_FNUZ, 0, 256, 0, 10},
    {"int4", LB_INT, 4, 1, 0, 0, 0, SP_NONE, 0, 16, 0, 11},
    {"uint4", LB_INT, 4, 0, 0, 0, 0, SP_NONE, 0, 16, 1, 12},
};
#define NFORMATS (sizeof FORMATS / sizeof FORMATS[0])

const lb_format *lb_format_by_name(const char *name) {
    for (size_t i = 0; i < NFORMATS; i++) {
        if (strcmp(FORMATS[i].name, name) == 0) {
            return &FORMATS[i];
        }
    }
    return NULL;
}

static int sign_magnitude(const lb_format *f) { return f->family == LB_FLOAT && f->is_signed; }

int lb_decode(const lb_format *f, unsigned code, lb_value *out, char *err, size_t errlen) {
    if (code >= f->code_count) {
        snprintf(err, errlen, "%s: code 0x%X is outside 0x0..0x%X", f->name, code, f->code_count - 1);
        return 0;
    }
    lb_value v = {LB_NUM, 0, 0, 0};
    if (f->family == LB_E8M0) {
        if (code == 0xFF) {
            v.kind = LB_NAN; /* +NaN */
        } else {
            v = lb_dyadic(0, 1, (int)code - 127); /* 0x00 is 2^-127, not zero */
        }
        *out = v;
        return 1;
    }
    if (f->family == LB_INT) {
        int64_t n = code;
        if (f->is_signed && code >= 1u << (f->bits - 1)) {
            n -= (int64_t)1 << f->bits;
        }
        *out = lb_dyadic(n < 0, (uint64_t)(n < 0 ? -n : n), f->step_log2);
        return 1;
    }
    int sign = sign_magnitude(f) ? (int)(code >> (f->bits - 1) & 1) : 0;
    unsigned E = code >> f->m & ((1u << f->e) - 1), M = code & ((1u << f->m) - 1);
    unsigned etop = (1u << f->e) - 1, mtop = (1u << f->m) - 1;
    switch (f->specials) {
    case SP_IEEE:
        if (E == etop) {
            v.kind = M ? LB_NAN : LB_INF;
            v.sign = sign;
            *out = v;
            return 1;
        }
        break;
    case SP_NAN_ALL_ONES:
        if (E == etop && M == mtop) {
            v.kind = LB_NAN;
            v.sign = sign;
            *out = v;
            return 1;
        }
        break;
    case SP_FNUZ:
        if (code == 0x80) {
            v.kind = LB_NAN; /* the single NaN, decoded as +NaN */
            *out = v;
            return 1;
        }
        break;
    default:
        break;
    }
    if (E == 0) {
        *out = lb_dyadic(sign, M, 1 - f->bias - f->m);
    } else {
        *out = lb_dyadic(sign, M | (mtop + 1), (int)E - f->bias - f->m);
    }
    return 1;
}

/* ------------------------------------------------------------------------------------------------
 * Knobs */

void lb_knobs_default(lb_knobs *k) {
    k->rounding = R_RNE;
    k->overflow = O_SATFINITE;
    k->infinity = I_AS_OVERFLOW;
    k->nan = N_UNSET;
    k->negative = G_UNSET;
    k->e8m0_zero = Z_MIN_CODE;
    k->e8m0_bottom = B_EXACT;
    k->int_range = IR_SYMMETRIC;
}

#define PICK(str, sym)               \
    if (strcmp(value, str) == 0) {  \
        *slot = sym;                 \
        return 1;                    \
    }

int lb_knobs_set(lb_knobs *k, const char *name, const char *value) {
    if (strcmp(name, "rounding") == 0 || strcmp(name, "elementRounding") == 0) {
        lb_rounding *slot = &k->rounding;
        PICK("RNE", R_RNE) PICK("RNA", R_RNA) PICK("RZ", R_RZ) PICK("RU", R_RU) PICK("RD", R_RD) PICK("SR", R_SR)
        return 0;
    }
    if (strcmp(name, "overflow") == 0) {
        lb_overflow *slot = &k->overflow;
        PICK("SATFINITE", O_SATFINITE) PICK("NONSAT", O_NONSAT)
        return 0;
    }
    if (strcmp(name, "infinity") == 0) {
        lb_infinity *slot = &k->infinity;
        PICK("AS_OVERFLOW", I_AS_OVERFLOW) PICK("TO_MAX", I_TO_MAX) PICK("TO_NAN", I_TO_NAN)
        return 0;
    }
    if (strcmp(name, "nan") == 0) {
        lb_nan *slot = &k->nan;
        PICK("QUIET_NAN_SIGNED", N_QUIET_NAN_SIGNED) PICK("ALL_ONES_POSITIVE", N_ALL_ONES_POSITIVE)
        PICK("ALL_ONES_SIGNED", N_ALL_ONES_SIGNED) PICK("NEGATED_ZERO", N_NEGATED_ZERO) PICK("ZERO", N_ZERO)
        return 0;
    }
    if (strcmp(name, "negative") == 0) {
        lb_negative *slot = &k->negative;
        PICK("ABSOLUTE", G_ABSOLUTE) PICK("TO_NAN", G_TO_NAN) PICK("CLAMP_TO_ZERO", G_CLAMP_TO_ZERO)
        return 0;
    }
    if (strcmp(name, "e8m0Zero") == 0) {
        lb_e8m0_zero *slot = &k->e8m0_zero;
        PICK("MIN_CODE", Z_MIN_CODE) PICK("TO_NAN", Z_TO_NAN)
        return 0;
    }
    if (strcmp(name, "e8m0Bottom") == 0) {
        lb_e8m0_bottom *slot = &k->e8m0_bottom;
        PICK("EXACT", B_EXACT) PICK("CODE0_AS_ZERO", B_CODE0_AS_ZERO)
        return 0;
    }
    if (strcmp(name, "integerRange") == 0) {
        lb_int_range *slot = &k->int_range;
        PICK("SYMMETRIC", IR_SYMMETRIC) PICK("FULL", IR_FULL)
        return 0;
    }
    return 0;
}

/* ------------------------------------------------------------------------------------------------
 * Encoding (SPEC.md §3) */

static unsigned with_sign(const lb_format *f, int sign, unsigned magcode) {
    return sign && sign_magnitude(f) ? (1u << (f->bits - 1)) | magcode : magcode;
}

static int has_negative_zero(const lb_format *f) { return sign_magnitude(f) && f->specials != SP_FNUZ; }

static int64_t int_max(const lb_format *f) {
    return f->is_signed ? ((int64_t)1 << (f->bits - 1)) - 1 : ((int64_t)1 << f->bits) - 1;
}

static unsigned int_code(const lb_format *f, int64_t n) { return (unsigned)((uint64_t)n & ((1u << f->bits) - 1)); }

/* The sorted finite non-negative magnitudes of a float or e8m0 format, then the overflow point V. */
typedef struct {
    lb_value mag;
    int key; /* the code whose parity RNE reads; V: one past the max code */
} grid_entry;

typedef struct {
    int built;
    int count; /* entries including V */
    grid_entry entries[257];
} grid;

static grid GRIDS[NFORMATS][2];

static const grid *grid_of(const lb_format *f, int code0_as_zero) {
    grid *g = &GRIDS[f->id][code0_as_zero];
    if (g->built) {
        return g;
    }
    int n = 0;
    char err[128];
    if (f->family == LB_E8M0) {
        for (int c = 0; c < 0xFF; c++) {
            g->entries[n].mag = (c == 0 && code0_as_zero) ? lb_dyadic(0, 0, 0) : lb_dyadic(0, 1, c - 127);
            g->entries[n++].key = c;
        }
        g->entries[n].mag = lb_dyadic(0, 1, 128);
        g->entries[n].key = 0xFF;
        n++;
    } else {
        unsigned top = 1u << (f->e + f->m);
        for (unsigned c = 0; c < top && c < f->code_count; c++) {
            lb_value v;
            if (lb_decode(f, c, &v, err, sizeof err) && v.kind == LB_NUM) {
                g->entries[n].mag = v;
                g->entries[n++].key = (int)c;
            }
        }
        /* V = max + ulp(max), ulp(max) = 2^(floor(log2 max) - m) */
        lb_value mx = g->entries[n - 1].mag;
        int top_exp = bitlen(mx.m) - 1 + mx.e;
        int ue = top_exp - f->m;
        /* mx + 2^ue: mx is a multiple of 2^ue */
        uint64_t units = mx.m << (mx.e - ue);
        g->entries[n].mag = lb_dyadic(0, units + 1, ue);
        g->entries[n].key = g->entries[n - 1].key + 1;
        n++;
    }
    g->count = n;
    g->built = 1;
    return g;
}

static unsigned max_code(const lb_format *f, int sign) {
    if (f->family == LB_INT) {
        return int_code(f, sign ? -int_max(f) : int_max(f));
    }
    const grid *g = grid_of(f, 0);
    return with_sign(f, sign, (unsigned)g->entries[g->count - 2].key);
}

/* E and M all ones with a sign where the format has one; in fnuz formats, whose all-ones patterns are
 * finite, the nan knobs ALL_ONES_* give the single NaN 0x80 (as the reference does; SPEC.md §3.1 names
 * the column "formats with NaN"). */
static unsigned all_ones(const lb_format *f, int sign) {
    if (f->family == LB_E8M0) {
        return 0xFF;
    }
    if (f->specials == SP_FNUZ) {
        return 0x80;
    }
    return with_sign(f, sign, (1u << (f->e + f->m)) - 1);
}

/* QUIET_NAN_SIGNED; -1 when the format has no NaN. */
static int quiet_nan(const lb_format *f, int sign) {
    switch (f->specials) {
    case SP_IEEE:
        return (int)with_sign(f, sign, ((1u << f->e) - 1) << f->m | 1u << (f->m - 1));
    case SP_NAN_ALL_ONES:
        return (int)all_ones(f, sign);
    case SP_FNUZ:
        return 0x80;
    case SP_E8M0:
        return 0xFF;
    default:
        return -1;
    }
}

/* Rule 6's NaN (NONSAT without Inf, and infinity TO_NAN), else ±max. */
static unsigned nan_or_max(const lb_format *f, int sign) {
    if (f->specials == SP_NAN_ALL_ONES) {
        return all_ones(f, sign);
    }
    if (f->specials == SP_FNUZ || f->specials == SP_E8M0) {
        return (unsigned)quiet_nan(f, sign);
    }
    return max_code(f, sign);
}

static unsigned overflow_code(const lb_format *f, const lb_knobs *k, int sign) {
    if (f->family == LB_INT) {
        if (!sign) {
            return int_code(f, int_max(f));
        }
        if (!f->is_signed) {
            return 0;
        }
        return int_code(f, k->int_range == IR_FULL ? -int_max(f) - 1 : -int_max(f));
    }
    if (k->overflow == O_SATFINITE) {
        return max_code(f, sign);
    }
    if (f->specials == SP_IEEE) {
        return with_sign(f, sign, ((1u << f->e) - 1) << f->m);
    }
    return nan_or_max(f, sign);
}

static int toward_zero(lb_rounding r, int sign) {
    return r == R_RZ || (r == R_RU && sign) || (r == R_RD && !sign);
}

/* Chooses hi (1) or lo (0). half: the sign of (|x| - lo) - (hi - lo)/2; frac32: floor(f * 2^32). */
static int pick(lb_rounding r, int sign, int half, uint64_t frac32, uint32_t rbits, int hi_key, int lo_is_zero,
                int e8m0) {
    switch (r) {
    case R_RZ:
        return 0;
    case R_RU:
        return !sign;
    case R_RD:
        return sign;
    case R_SR:
        return frac32 + rbits >= (UINT64_C(1) << 32);
    case R_RNA:
        return half >= 0;
    case R_RNE:
        if (half != 0) {
            return half > 0;
        }
        if (e8m0) {
            return !lo_is_zero; /* E8M0 ties go up, but the CODE0_AS_ZERO tie at 2^-127 goes to 0x00 */
        }
        return (hi_key & 1) == 0;
    }
    return 0;
}

/* For lo <= x < hi with hi - lo a power of two 2^d: half and frac32 of pick(). */
static int interval(lb_value x, lb_value lo, lb_value hi, int *half, uint64_t *frac32) {
    uint64_t L;
    int lc;
    if (!sub_mag(hi, lo, &L, &lc)) {
        return 0;
    }
    lb_value len = lb_dyadic(0, L, lc);
    if (len.m != 1) {
        return 0; /* adjacent magnitudes are always a power of two apart */
    }
    int d = len.e;
    uint64_t D;
    int c;
    if (!sub_mag(x, lo, &D, &c)) {
        return 0;
    }
    /* (x - lo) / 2^d = D * 2^(c - d), in (0, 1) */
    int j = d - 1 - c;
    if (j < 0) {
        *half = 1;
    } else if (j >= 64) {
        *half = -1;
    } else {
        uint64_t h = UINT64_C(1) << j;
        *half = D < h ? -1 : D > h;
    }
    int s = c - d + 32;
    if (s >= 0) {
        *frac32 = D << s;
    } else {
        *frac32 = -s >= 64 ? 0 : D >> -s;
    }
    return 1;
}

int lb_encode(const lb_format *f, const lb_knobs *k, lb_value v, uint32_t rbits, unsigned *code, char *err,
              size_t errlen) {
    int sign = v.sign;
    /* 1. NaN */
    if (v.kind == LB_NAN) {
        switch (k->nan) {
        case N_QUIET_NAN_SIGNED: {
            int q = quiet_nan(f, sign);
            if (q < 0) {
                snprintf(err, errlen, "nan knob QUIET_NAN_SIGNED does not apply to %s", f->name);
                return 0;
            }
            *code = (unsigned)q;
            return 1;
        }
        case N_ALL_ONES_POSITIVE:
            *code = f->family == LB_INT ? 0 : all_ones(f, 0);
            return 1;
        case N_ALL_ONES_SIGNED:
            *code = f->family == LB_INT ? 0 : all_ones(f, sign);
            return 1;
        case N_NEGATED_ZERO:
            *code = with_sign(f, !sign, 0);
            return 1;
        case N_ZERO:
            *code = 0;
            return 1;
        case N_UNSET:
            break;
        }
        snprintf(err, errlen, "a NaN input needs the nan knob");
        return 0;
    }
    int is_zero = v.kind == LB_NUM && v.m == 0;
    /* 2. a negative input into an unsigned format (-Inf included, -0 excluded) */
    if (f->unsigned_format && sign && !is_zero) {
        switch (k->negative) {
        case G_ABSOLUTE:
            sign = 0;
            break;
        case G_TO_NAN: {
            int q = quiet_nan(f, 0);
            if (q < 0) {
                snprintf(err, errlen, "negative knob TO_NAN does not apply to %s", f->name);
                return 0;
            }
            *code = (unsigned)q;
            return 1;
        }
        case G_CLAMP_TO_ZERO:
            *code = 0;
            return 1;
        case G_UNSET:
            snprintf(err, errlen, "a negative input into %s needs the negative knob", f->name);
            return 0;
        }
    }
    if (f->unsigned_format) {
        sign = 0;
    }
    /* 3. ±Inf */
    if (v.kind == LB_INF) {
        switch (k->infinity) {
        case I_AS_OVERFLOW:
            *code = overflow_code(f, k, sign);
            return 1;
        case I_TO_MAX:
            /* integers: the end of the range, -max-1 under FULL (the reference; CUDA cvt.rni.sat) */
            *code = f->family == LB_INT ? overflow_code(f, k, sign) : max_code(f, sign);
            return 1;
        case I_TO_NAN:
            *code = nan_or_max(f, sign);
            return 1;
        }
    }
    /* 4. ±0 */
    if (is_zero) {
        if (f->family == LB_E8M0) {
            *code = k->e8m0_zero == Z_TO_NAN ? 0xFF : 0x00;
        } else {
            *code = has_negative_zero(f) ? with_sign(f, sign, 0) : 0;
        }
        return 1;
    }
    /* 7. integers: round on the grid of multiples of 2^step_log2, then clamp */
    if (f->family == LB_INT) {
        lb_value t = v; /* |x| / step */
        t.e -= f->step_log2;
        int64_t n;
        if (t.e >= 0) {
            n = bitlen(t.m) + t.e > 40 ? (int64_t)1 << 40 : (int64_t)(t.m << t.e);
        } else {
            int sh = -t.e;
            uint64_t lo = sh >= 64 ? 0 : t.m >> sh;
            uint64_t F = sh >= 64 ? t.m : t.m - (lo << sh);
            int half;
            uint64_t frac32;
            if (sh - 1 >= 64) {
                half = -1;
            } else {
                uint64_t h = UINT64_C(1) << (sh - 1);
                half = F < h ? -1 : F > h;
            }
            frac32 = sh <= 32 ? F << (32 - sh) : (sh - 32 >= 64 ? 0 : F >> (sh - 32));
            if (F == 0) {
                n = (int64_t)lo;
            } else {
                n = (int64_t)lo + pick(k->rounding, sign, half, frac32, rbits, (int)((lo + 1) & 1), lo == 0, 0);
            }
        }
        int64_t val = sign ? -n : n, mx = int_max(f);
        int64_t mn = !f->is_signed ? 0 : (k->int_range == IR_FULL ? -mx - 1 : -mx);
        val = val > mx ? mx : val < mn ? mn : val;
        *code = int_code(f, val);
        return 1;
    }
    /* 8. E8M0 at or below 2^-127 under EXACT */
    int code0 = f->family == LB_E8M0 && k->e8m0_bottom == B_CODE0_AS_ZERO;
    if (f->family == LB_E8M0 && !code0 && lb_cmp_mag(v, lb_dyadic(0, 1, -127)) <= 0) {
        *code = 0x00;
        return 1;
    }
    /* 5. rounding on the magnitudes plus the overflow point V; 6. overflow */
    const grid *g = grid_of(f, code0);
    int last = g->count - 1;
    if (lb_cmp_mag(v, g->entries[last].mag) > 0) {
        *code = toward_zero(k->rounding, sign) ? max_code(f, sign) : overflow_code(f, k, sign);
        return 1;
    }
    int a = 0, b = last;
    while (b - a > 1) {
        int c = (a + b) / 2;
        if (lb_cmp_mag(g->entries[c].mag, v) <= 0) {
            a = c;
        } else {
            b = c;
        }
    }
    int idx;
    if (lb_cmp_mag(g->entries[a].mag, v) == 0) {
        idx = a;
    } else if (lb_cmp_mag(g->entries[b].mag, v) == 0) {
        idx = b;
    } else {
        int half;
        uint64_t frac32;
        if (!interval(v, g->entries[a].mag, g->entries[b].mag, &half, &frac32)) {
            snprintf(err, errlen, "internal error: interval of %s", f->name);
            return 0;
        }
        idx = pick(k->rounding, sign, half, frac32, rbits, g->entries[b].key, g->entries[a].mag.m == 0,
                   f->family == LB_E8M0)
                  ? b
                  : a;
    }
    if (idx == last) {
        *code = toward_zero(k->rounding, sign) ? max_code(f, sign) : overflow_code(f, k, sign);
        return 1;
    }
    unsigned magcode = (unsigned)g->entries[idx].key;
    *code = (magcode == 0 && !has_negative_zero(f)) ? 0 : with_sign(f, sign, magcode);
    return 1;
}

uint64_t lb_splitmix64_next(uint64_t *state) {
    *state += UINT64_C(0x9E3779B97F4A7C15);
    uint64_t z = *state;
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}
