/* A minimal, strict JSON parser (RFC 8259) for the lowbit vector reader.
 *
 * Accepted: objects, arrays, strings (every escape, \u surrogate pairs, raw UTF-8 checked for
 * validity), integers that fit in a signed 64-bit integer, true, false, null.
 * Refused, with the line and column: numbers with a fraction or exponent, leading zeros, duplicate
 * keys in one object, control characters in strings, invalid UTF-8, a byte-order mark, nesting deeper
 * than JSON_MAX_DEPTH, truncated input and anything after the top-level value but whitespace. */
#ifndef LOWBIT_JSON_H
#define LOWBIT_JSON_H

#include <stddef.h>
#include <stdint.h>

#define JSON_MAX_DEPTH 64

typedef enum { JSON_NULL, JSON_FALSE, JSON_TRUE, JSON_INT, JSON_STRING, JSON_ARRAY, JSON_OBJECT } json_type;

typedef struct json_value json_value;

struct json_value {
    json_type type;
    union {
        int64_t integer;
        struct {
            char *chars; /* UTF-8, NUL-terminated; len excludes the NUL (a \u0000 is refused) */
            size_t len;
        } string;
        struct {
            json_value *items;
            size_t count;
        } array;
        struct {
            char **keys;
            json_value *values;
            size_t count;
        } object;
    } u;
};

/* Parses text[0..len). On success returns a value to release with json_free. On failure returns NULL
 * and writes a message ("line L, column C: ...") into err. */
json_value *json_parse(const char *text, size_t len, char *err, size_t errlen);
void json_free(json_value *v);

/* Lookups; NULL when absent or of another type. */
const json_value *json_get(const json_value *object, const char *key);
const char *json_get_string(const json_value *object, const char *key);
const json_value *json_get_array(const json_value *object, const char *key);
const json_value *json_get_object(const json_value *object, const char *key);
/* 1 and *out set when the key holds an integer. */
int json_get_int(const json_value *object, const char *key, int64_t *out);
const char *json_type_name(json_type t);

#endif
