/* Weight layouts (spec/SPEC.md §9.3), the 128x4 scale swizzle (§9.4) and the dequantization of the
 * scaled integer / FP8 formats (§11.4), written from SPEC.md alone.
 *
 * Codes are unsigned ints, one per element, row-major. Packed tensors are bytes: int32 words as 4
 * little-endian bytes (§9.0). Every function returns 0 and writes err on a shape or code it cannot
 * take, 1 on success. */
#ifndef LOWBIT_WEIGHTS_H
#define LOWBIT_WEIGHTS_H

#include <stddef.h>
#include <stdint.h>

#include "formats.h"

typedef enum {
    WL_GPTQ_V1, WL_GPTQ_V2, WL_AWQ, WL_HQQ, WL_UINT4X2, WL_CT, WL_TINYGEMM, WL_Q4_0, WL_Q4_1, WL_Q8_0, WL_Q4_K,
    WL_NONE
} lb_wlayout;

lb_wlayout lb_wlayout_by_name(const char *name);
/* 1 if the layout holds b-bit codes. */
int lb_wlayout_bits_ok(lb_wlayout l, int b);

/* The sizes a group's shape implies: packed qweight and qzeros bytes, the number of zero points and the
 * GGUF block-field bytes (FORMAT.md §5 weight-pack). 0 and err when the shape is not allowed. */
typedef struct {
    size_t qweight, qzeros, zeros, fields;
} lb_wsizes;
int lb_wsizes_of(lb_wlayout l, int b, long rows, long cols, long gs, long ikt, lb_wsizes *s, char *err,
                 size_t errlen);

/* Packs codes (rows*cols), zeros (true zeros, Z[rows][cols/gs]) and GGUF block fields into qweight and
 * qzeros (of the sizes above). */
int lb_wpack(lb_wlayout l, int b, long rows, long cols, long gs, long ikt, const unsigned *codes,
             const unsigned *zeros, const unsigned char *fields, unsigned char *qweight, unsigned char *qzeros,
             char *err, size_t errlen);
/* The inverse: strict about pad bits (hqq 3-bit) and impossible fields. */
int lb_wunpack(lb_wlayout l, int b, long rows, long cols, long gs, long ikt, const unsigned char *qweight,
               const unsigned char *qzeros, unsigned *codes, unsigned *zeros, unsigned char *fields, char *err,
               size_t errlen);

/* swizzle-128x4 (§9.4) */
size_t lb_swizzle_offset(size_t r, size_t c, size_t cols);
size_t lb_swizzle_size(size_t rows, size_t cols);
void lb_swizzle_pack(const unsigned char *s, size_t rows, size_t cols, unsigned char pad, unsigned char *out);
/* 0 and err when a pad byte is not `pad`. */
int lb_swizzle_unpack(const unsigned char *in, size_t rows, size_t cols, unsigned char pad, unsigned char *s,
                      char *err, size_t errlen);

/* §11.4 dequantization. zero point: */
typedef enum { ZP_NONE, ZP_IMPLICIT, ZP_INTEGER, ZP_FLOAT, ZP_MIN } lb_zeropoint;
/* The profile's (zero point, scale dtype, dequant arithmetic) for a scaled format (SPEC.md §11.2); 0 when
 * the profile does not define the format. */
int lb_scaled_profile(const char *profile, const char *format, lb_zeropoint *zp, const lb_ieee **scale,
                      const lb_ieee **deq);
/* The element format and fixed block (0 = whole extent, -1 = group size) of a scaled format. */
int lb_scaled_format(const char *format, const char **element, long *br, long *bc);
/* One element: returns the FP32 bits of the value computed in D (each operation rounded to D). */
uint32_t lb_scaled_dequant(lb_zeropoint zp, const lb_ieee *deq, const lb_format *ef, unsigned code,
                           uint32_t scale_bits, const lb_ieee *sdt, uint32_t zero);

#endif
