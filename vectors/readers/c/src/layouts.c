/* Element layouts from spec/SPEC.md §9.1; see layouts.h. */
#include "layouts.h"

#include <stdio.h>
#include <string.h>

static int is_container_format(const lb_format *f) {
    static const char *names[] = {"fp8_e4m3", "fp8_e5m2", "fp6_e3m2", "fp6_e2m3", "fp4_e2m1"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(f->name, names[i]) == 0) {
            return 1;
        }
    }
    return 0;
}

long lb_pack(const char *layout, const lb_format *f, const unsigned *codes, size_t n, unsigned char *out, char *err,
             size_t errlen) {
    for (size_t i = 0; i < n; i++) {
        if (codes[i] >> f->bits) {
            snprintf(err, errlen, "code %zu (0x%X) has more than %d bits", i, codes[i], f->bits);
            return -1;
        }
    }
    if (strcmp(layout, "unpacked") == 0) {
        for (size_t i = 0; i < n; i++) {
            out[i] = (unsigned char)codes[i];
        }
        return (long)n;
    }
    int low = strcmp(layout, "nibble-low-first") == 0;
    if (low || strcmp(layout, "nibble-high-first") == 0) {
        if (f->bits != 4) {
            snprintf(err, errlen, "%s holds 4-bit codes, not %s", layout, f->name);
            return -1;
        }
        if (n % 2) {
            snprintf(err, errlen, "%s needs an even number of codes, got %zu", layout, n);
            return -1;
        }
        for (size_t i = 0; i < n; i += 2) {
            unsigned a = codes[i], b = codes[i + 1];
            out[i / 2] = (unsigned char)(low ? (b << 4 | a) : (a << 4 | b));
        }
        return (long)(n / 2);
    }
    if (strcmp(layout, "fp6-4in3") == 0) {
        if (f->bits != 6) {
            snprintf(err, errlen, "fp6-4in3 holds 6-bit codes, not %s", f->name);
            return -1;
        }
        if (n % 4) {
            snprintf(err, errlen, "fp6-4in3 needs a multiple of 4 codes, got %zu", n);
            return -1;
        }
        for (size_t i = 0, o = 0; i < n; i += 4, o += 3) {
            unsigned long s = codes[i] | (unsigned long)codes[i + 1] << 6 | (unsigned long)codes[i + 2] << 12 |
                              (unsigned long)codes[i + 3] << 18;
            out[o] = (unsigned char)s;
            out[o + 1] = (unsigned char)(s >> 8);
            out[o + 2] = (unsigned char)(s >> 16);
        }
        return (long)(n / 4 * 3);
    }
    if (strcmp(layout, "f8f6f4-container") == 0) {
        if (!is_container_format(f)) {
            snprintf(err, errlen, "f8f6f4-container does not hold %s", f->name);
            return -1;
        }
        for (size_t i = 0; i < n; i++) {
            out[i] = (unsigned char)(f->bits == 4 ? codes[i] << 2 : codes[i]);
        }
        return (long)n;
    }
    snprintf(err, errlen, "unknown element layout \"%s\"", layout);
    return -1;
}

long lb_unpack(const char *layout, const lb_format *f, const unsigned char *in, size_t nbytes, unsigned *out,
               char *err, size_t errlen) {
    if (strcmp(layout, "unpacked") == 0) {
        for (size_t i = 0; i < nbytes; i++) {
            if (in[i] >> f->bits) {
                snprintf(err, errlen, "byte %zu (0x%02X) has a nonzero pad bit", i, in[i]);
                return -1;
            }
            out[i] = in[i];
        }
        return (long)nbytes;
    }
    int low = strcmp(layout, "nibble-low-first") == 0;
    if (low || strcmp(layout, "nibble-high-first") == 0) {
        for (size_t i = 0; i < nbytes; i++) {
            unsigned lo = in[i] & 15u, hi = in[i] >> 4;
            out[2 * i] = low ? lo : hi;
            out[2 * i + 1] = low ? hi : lo;
        }
        return (long)(2 * nbytes);
    }
    if (strcmp(layout, "fp6-4in3") == 0) {
        if (nbytes % 3) {
            snprintf(err, errlen, "fp6-4in3 needs a multiple of 3 bytes, got %zu", nbytes);
            return -1;
        }
        for (size_t i = 0, o = 0; i < nbytes; i += 3, o += 4) {
            unsigned long s = in[i] | (unsigned long)in[i + 1] << 8 | (unsigned long)in[i + 2] << 16;
            for (int j = 0; j < 4; j++) {
                out[o + j] = (unsigned)(s >> (6 * j) & 63u);
            }
        }
        return (long)(nbytes / 3 * 4);
    }
    if (strcmp(layout, "f8f6f4-container") == 0) {
        for (size_t i = 0; i < nbytes; i++) {
            unsigned b = in[i];
            if ((f->bits == 6 && (b >> 6)) || (f->bits == 4 && (b & 0xC3))) {
                snprintf(err, errlen, "byte %zu (0x%02X) has a nonzero pad bit", i, b);
                return -1;
            }
            out[i] = f->bits == 4 ? b >> 2 : b;
        }
        return (long)nbytes;
    }
    snprintf(err, errlen, "unknown element layout \"%s\"", layout);
    return -1;
}
