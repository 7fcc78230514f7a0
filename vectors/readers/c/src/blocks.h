/* MX and NVFP4 block quantization and dequantization, written from spec/SPEC.md §8 alone. */
#ifndef LOWBIT_BLOCKS_H
#define LOWBIT_BLOCKS_H

#include <stddef.h>
#include <stdint.h>

#include "formats.h"

typedef struct {
    const char *name;
    const char *element;
    int k;
    const char *scale;
    int emax;
    float max; /* the element's largest finite value */
    int mbits; /* EVEN's mantissa bits */
} lb_block_format;

const lb_block_format *lb_block_format_by_name(const char *name);

typedef enum { SR_FLOOR, SR_CEIL, SR_EVEN, SR_RCEIL, SR_ROUND_UP, SR_NEAREST } lb_scale_rule;

typedef struct {
    lb_scale_rule rule;
    int whole_block_nan; /* nonFinite */
    int zero_block_one;  /* zeroBlock ONE */
    int flush_tiny;      /* tinyAmax FLUSH_SUBNORMAL_AMAX */
    int tail_reject;     /* tail REJECT */
    int reciprocal;      /* scaling RECIPROCAL_MULTIPLY */
    int clamp_min_normal; /* scaleClamp MIN_NORMAL */
} lb_block_knobs;

/* Sets one block knob from its JSON name and value; 1 on success, 0 for an unknown value, -1 for a
 * knob this reader does not use (elementProfile, elementRounding, tensorScale). */
int lb_block_knobs_set(lb_block_knobs *k, const char *name, const char *value);

typedef enum { TS_NONE, TS_GIVEN, TS_COMPUTED } lb_tensor_scale_mode;

/* Quantizes rows x row_length values (SPEC.md §8.2-§8.4). scales: rows * ceil(row_length / k) codes;
 * codes: rows * row_length codes; *g: the per-tensor scale (FP32 bits) used, for GIVEN (input) and
 * COMPUTED (output). Returns 0 on success; otherwise a rejection, with a message and a short
 * upper-case code in err_code. */
int lb_quantize(const lb_block_format *bf, const lb_block_knobs *k, const lb_knobs *ek, int rows, int row_length,
                const lb_value *values, lb_tensor_scale_mode mode, uint32_t *g, unsigned *scales, unsigned *codes,
                const char **err_code, char *err, size_t errlen);

/* Dequantizes to FP32 bit patterns (SPEC.md §8.7): the exact product, rounded once. g: NULL when single
 * level. Returns 0 with a message when a code is outside its format. */
int lb_dequantize(const lb_block_format *bf, int rows, int row_length, const unsigned *scales,
                  const unsigned *codes, const uint32_t *g, uint32_t *out, char *err, size_t errlen);

/* The E8M0 scale code of an MX rule for a finite amax (FP32 bits); *descale_zero set for ROUND_UP's
 * zero descale. */
unsigned lb_mx_scale_code(lb_scale_rule rule, uint32_t amax_bits, int emax, float max, int mbits, int *descale_zero);

#endif
