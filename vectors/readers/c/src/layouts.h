/* Element layouts (spec/SPEC.md §9.1): how a stream of codes sits in bytes. */
#ifndef LOWBIT_LAYOUTS_H
#define LOWBIT_LAYOUTS_H

#include <stddef.h>

#include "formats.h"

/* Packs n codes; returns the number of bytes written into out (at least n bytes long), or -1 with a
 * message (a layout that does not hold the format, or not a whole number of containers). */
long lb_pack(const char *layout, const lb_format *f, const unsigned *codes, size_t n, unsigned char *out, char *err,
             size_t errlen);

/* Unpacks nbytes; returns the number of codes written into out (at least 2 * nbytes long), or -1 with
 * a message (a nonzero pad bit, STRICT). */
long lb_unpack(const char *layout, const lb_format *f, const unsigned char *in, size_t nbytes, unsigned *out,
               char *err, size_t errlen);

#endif
