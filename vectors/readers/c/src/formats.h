/* lowbit element formats, written from spec/SPEC.md alone: §1 (decoding), §2 (sources), §3 (encoding).
 *
 * Every finite value is an exact dyadic rational m * 2^e (m an unsigned 64-bit integer, kept odd or
 * zero), so nothing is rounded until a value is written into an IEEE format, and then exactly once. */
#ifndef LOWBIT_FORMATS_H
#define LOWBIT_FORMATS_H

#include <stddef.h>
#include <stdint.h>

typedef enum { LB_NUM, LB_INF, LB_NAN } lb_kind;

typedef struct {
    lb_kind kind;
    int sign;   /* 0 or 1; a zero keeps its sign */
    uint64_t m; /* LB_NUM: the magnitude is m * 2^e */
    int e;
} lb_value;

/* IEEE binary formats: the sources and dequantization targets (SPEC.md §2). */
typedef struct {
    const char *name;
    int ebits, mbits, bytes;
} lb_ieee;

extern const lb_ieee LB_F32, LB_F16, LB_BF16;
const lb_ieee *lb_ieee_by_name(const char *name);
lb_value lb_ieee_decode(const lb_ieee *f, uint32_t bits);
/* Rounds v once, to nearest even, into f; overflow gives ±Inf; NaN gives the quiet NaN with v's sign. */
uint32_t lb_ieee_round(const lb_ieee *f, lb_value v);
int lb_ieee_is_nan(const lb_ieee *f, uint32_t bits);

typedef enum { LB_FLOAT, LB_E8M0, LB_INT } lb_family;
typedef enum { SP_NONE, SP_IEEE, SP_NAN_ALL_ONES, SP_FNUZ, SP_E8M0 } lb_specials;

typedef struct {
    const char *name;
    lb_family family;
    int bits;
    int is_signed;
    int e, m, bias;
    lb_specials specials;
    int step_log2;  /* integers: the value is n * 2^step_log2 (mxint8: -6) */
    unsigned code_count;
    int unsigned_format; /* e8m0, ue4m3, uint4: the `negative` knob applies */
    int id;
} lb_format;

const lb_format *lb_format_by_name(const char *name);

/* Decodes a code; returns 0 (and writes a message) when the code is outside the format. */
int lb_decode(const lb_format *f, unsigned code, lb_value *out, char *err, size_t errlen);

/* Conversion knobs (SPEC.md §4). */
typedef enum { R_RNE, R_RNA, R_RZ, R_RU, R_RD, R_SR } lb_rounding;
typedef enum { O_SATFINITE, O_NONSAT } lb_overflow;
typedef enum { I_AS_OVERFLOW, I_TO_MAX, I_TO_NAN } lb_infinity;
typedef enum { N_UNSET, N_QUIET_NAN_SIGNED, N_ALL_ONES_POSITIVE, N_ALL_ONES_SIGNED, N_NEGATED_ZERO, N_ZERO } lb_nan;
typedef enum { G_UNSET, G_ABSOLUTE, G_TO_NAN, G_CLAMP_TO_ZERO } lb_negative;
typedef enum { Z_MIN_CODE, Z_TO_NAN } lb_e8m0_zero;
typedef enum { B_EXACT, B_CODE0_AS_ZERO } lb_e8m0_bottom;
typedef enum { IR_SYMMETRIC, IR_FULL } lb_int_range;

typedef struct {
    lb_rounding rounding;
    lb_overflow overflow;
    lb_infinity infinity;
    lb_nan nan;
    lb_negative negative;
    lb_e8m0_zero e8m0_zero;
    lb_e8m0_bottom e8m0_bottom;
    lb_int_range int_range;
} lb_knobs;

void lb_knobs_default(lb_knobs *k);
/* Sets one knob from its JSON name and value; returns 0 when either is unknown. */
int lb_knobs_set(lb_knobs *k, const char *name, const char *value);

/* Converts v to a code (SPEC.md §3). rbits: the 32 random bits for SR. Returns 0 with a message when
 * a knob does not apply. */
int lb_encode(const lb_format *f, const lb_knobs *k, lb_value v, uint32_t rbits, unsigned *code, char *err,
              size_t errlen);

/* Exact dyadic arithmetic. */
lb_value lb_dyadic(int sign, uint64_t m, int e);
int lb_cmp_mag(lb_value a, lb_value b);
/* The exact product of two finite values; returns 0 if the mantissa would not fit 64 bits. */
int lb_mul(lb_value a, lb_value b, lb_value *out);

/* SplitMix64 (SPEC.md §7). */
uint64_t lb_splitmix64_next(uint64_t *state);

#endif
