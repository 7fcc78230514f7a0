/* A minimal, strict JSON parser; see json.h. */
#include "json.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const unsigned char *p;
    const unsigned char *start;
    const unsigned char *end;
    char *err;
    size_t errlen;
    int failed;
} parser;

static void fail(parser *ps, const unsigned char *at, const char *fmt, ...) {
    if (ps->failed) {
        return;
    }
    ps->failed = 1;
    size_t line = 1, col = 1;
    for (const unsigned char *q = ps->start; q < at && q < ps->end; q++) {
        if (*q == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
    }
    int n = snprintf(ps->err, ps->errlen, "line %zu, column %zu: ", line, col);
    if (n < 0 || (size_t)n >= ps->errlen) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ps->err + n, ps->errlen - (size_t)n, fmt, ap);
    va_end(ap);
}

static void *xrealloc(parser *ps, void *old, size_t count, size_t size) {
    if (size != 0 && count > SIZE_MAX / size) {
        fail(ps, ps->p, "out of memory");
        return NULL;
    }
    void *p = realloc(old, count * size == 0 ? 1 : count * size);
    if (p == NULL) {
        fail(ps, ps->p, "out of memory");
    }
    return p;
}

static void skip_ws(parser *ps) {
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r')) {
        ps->p++;
    }
}

static int parse_value(parser *ps, json_value *out, int depth);
static void free_inner(json_value *v);

static const char *describe(parser *ps) {
    static char buf[32];
    if (ps->p >= ps->end) {
        return "the end of the input (truncated?)";
    }
    unsigned c = *ps->p;
    if (c >= 0x20 && c < 0x7F) {
        snprintf(buf, sizeof buf, "'%c'", (char)c);
    } else {
        snprintf(buf, sizeof buf, "byte 0x%02X", c);
    }
    return buf;
}

static int expect_literal(parser *ps, const char *word) {
    size_t n = strlen(word);
    if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0) {
        fail(ps, ps->p, "invalid literal (expected '%s')", word);
        return 0;
    }
    ps->p += n;
    return 1;
}

static int hex4(parser *ps, unsigned *out) {
    if (ps->end - ps->p < 4) {
        fail(ps, ps->p, "truncated \\u escape");
        return 0;
    }
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        unsigned c = ps->p[i], d;
        if (c >= '0' && c <= '9') {
            d = c - '0';
        } else if (c >= 'a' && c <= 'f') {
            d = c - 'a' + 10;
        } else if (c >= 'A' && c <= 'F') {
            d = c - 'A' + 10;
        } else {
            fail(ps, ps->p + i, "invalid hex digit in \\u escape");
            return 0;
        }
        v = v << 4 | d;
    }
    ps->p += 4;
    *out = v;
    return 1;
}

/* Length of the valid UTF-8 sequence at p (RFC 3629: no overlongs, no surrogates, <= U+10FFFF), or 0. */
static size_t utf8_length(const unsigned char *p, const unsigned char *end) {
    unsigned c = p[0];
    size_t n;
    unsigned min;
    if (c < 0x80) {
        return 1;
    } else if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        min = 0x10000;
    } else {
        return 0;
    }
    if ((size_t)(end - p) < n) {
        return 0;
    }
    unsigned cp = c & (0x7F >> n);
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80) {
            return 0;
        }
        cp = cp << 6 | (p[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        return 0;
    }
    return n;
}

static size_t put_utf8(unsigned char *o, unsigned cp) {
    if (cp < 0x80) {
        o[0] = (unsigned char)cp;
        return 1;
    } else if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | cp >> 6);
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    } else if (cp < 0x10000) {
        o[0] = (unsigned char)(0xE0 | cp >> 12);
        o[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (unsigned char)(0xF0 | cp >> 18);
    o[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
    o[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
    o[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

/* At the opening quote. The decoded string is never longer than its source text. */
static int parse_string(parser *ps, char **chars, size_t *len) {
    const unsigned char *open = ps->p;
    ps->p++;
    const unsigned char *q = ps->p;
    /* find the closing quote first, to size the buffer */
    while (q < ps->end && *q != '"') {
        q += (*q == '\\' && q + 1 < ps->end) ? 2 : 1;
    }
    if (q >= ps->end) {
        fail(ps, open, "unterminated string (truncated?)");
        return 0;
    }
    unsigned char *buf = xrealloc(ps, NULL, (size_t)(q - ps->p) + 1, 1);
    if (buf == NULL) {
        return 0;
    }
    size_t n = 0;
    while (ps->p < ps->end && *ps->p != '"') {
        unsigned c = *ps->p;
        if (c < 0x20) {
            fail(ps, ps->p, "control character 0x%02X in a string", c);
            free(buf);
            return 0;
        }
        if (c == '\\') {
            ps->p++;
            if (ps->p >= ps->end) {
                break;
            }
            unsigned e = *ps->p++;
            switch (e) {
            case '"': buf[n++] = '"'; break;
            case '\\': buf[n++] = '\\'; break;
            case '/': buf[n++] = '/'; break;
            case 'b': buf[n++] = '\b'; break;
            case 'f': buf[n++] = '\f'; break;
            case 'n': buf[n++] = '\n'; break;
            case 'r': buf[n++] = '\r'; break;
            case 't': buf[n++] = '\t'; break;
            case 'u': {
                const unsigned char *at = ps->p - 2;
                unsigned cp;
                if (!hex4(ps, &cp)) {
                    free(buf);
                    return 0;
                }
                if (cp >= 0xDC00 && cp <= 0xDFFF) {
                    fail(ps, at, "unpaired low surrogate \\u%04X", cp);
                    free(buf);
                    return 0;
                }
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    unsigned lo;
                    if (ps->end - ps->p < 2 || ps->p[0] != '\\' || ps->p[1] != 'u') {
                        fail(ps, at, "unpaired high surrogate \\u%04X", cp);
                        free(buf);
                        return 0;
                    }
                    ps->p += 2;
                    if (!hex4(ps, &lo)) {
                        free(buf);
                        return 0;
                    }
                    if (lo < 0xDC00 || lo > 0xDFFF) {
                        fail(ps, at, "high surrogate \\u%04X not followed by a low one", cp);
                        free(buf);
                        return 0;
                    }
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                }
                if (cp == 0) {
                    fail(ps, at, "\\u0000 in a string is not accepted");
                    free(buf);
                    return 0;
                }
                /* a \uXXXX (6 source bytes) gives at most 3 bytes, a pair (12) 4 */
                n += put_utf8(buf + n, cp);
                break;
            }
            default:
                fail(ps, ps->p - 1, "invalid escape '\\%c'", e >= 0x20 && e < 0x7F ? (char)e : '?');
                free(buf);
                return 0;
            }
        } else {
            size_t k = utf8_length(ps->p, ps->end);
            if (k == 0) {
                fail(ps, ps->p, "invalid UTF-8 in a string");
                free(buf);
                return 0;
            }
            memcpy(buf + n, ps->p, k);
            n += k;
            ps->p += k;
        }
    }
    if (ps->p >= ps->end) {
        fail(ps, open, "unterminated string (truncated?)");
        free(buf);
        return 0;
    }
    ps->p++; /* the closing quote */
    buf[n] = '\0';
    *chars = (char *)buf;
    *len = n;
    return 1;
}

static int parse_number(parser *ps, json_value *out) {
    const unsigned char *at = ps->p;
    int neg = 0;
    if (*ps->p == '-') {
        neg = 1;
        ps->p++;
    }
    if (ps->p >= ps->end || *ps->p < '0' || *ps->p > '9') {
        fail(ps, at, "invalid number");
        return 0;
    }
    if (*ps->p == '0' && ps->p + 1 < ps->end && ps->p[1] >= '0' && ps->p[1] <= '9') {
        fail(ps, at, "number with a leading zero");
        return 0;
    }
    uint64_t mag = 0;
    while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9') {
        unsigned d = *ps->p - '0';
        if (mag > (UINT64_C(1) << 63) / 10 || mag * 10 + d > (UINT64_C(1) << 63) - (neg ? 0 : 1)) {
            fail(ps, at, "integer out of the signed 64-bit range");
            return 0;
        }
        mag = mag * 10 + d;
        ps->p++;
    }
    if (ps->p < ps->end && (*ps->p == '.' || *ps->p == 'e' || *ps->p == 'E')) {
        fail(ps, at, "a number with a fraction or an exponent (lowbit vectors use integers only)");
        return 0;
    }
    out->type = JSON_INT;
    out->u.integer = neg ? (mag == (UINT64_C(1) << 63) ? INT64_MIN : -(int64_t)mag) : (int64_t)mag;
    return 1;
}

static int parse_array(parser *ps, json_value *out, int depth) {
    ps->p++;
    out->type = JSON_ARRAY;
    out->u.array.items = NULL;
    out->u.array.count = 0;
    size_t cap = 0;
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == ']') {
        ps->p++;
        return 1;
    }
    for (;;) {
        if (out->u.array.count == cap) {
            size_t ncap = cap ? cap * 2 : 4;
            json_value *items = xrealloc(ps, out->u.array.items, ncap, sizeof *items);
            if (items == NULL) {
                return 0;
            }
            out->u.array.items = items;
            cap = ncap;
        }
        skip_ws(ps);
        json_value *slot = &out->u.array.items[out->u.array.count];
        if (!parse_value(ps, slot, depth + 1)) {
            free_inner(slot);
            return 0;
        }
        out->u.array.count++;
        skip_ws(ps);
        if (ps->p < ps->end && *ps->p == ',') {
            ps->p++;
            continue;
        }
        if (ps->p < ps->end && *ps->p == ']') {
            ps->p++;
            return 1;
        }
        fail(ps, ps->p, "expected ',' or ']' in an array, found %s", describe(ps));
        return 0;
    }
}

static int parse_object(parser *ps, json_value *out, int depth) {
    ps->p++;
    out->type = JSON_OBJECT;
    out->u.object.keys = NULL;
    out->u.object.values = NULL;
    out->u.object.count = 0;
    size_t cap = 0;
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == '}') {
        ps->p++;
        return 1;
    }
    for (;;) {
        skip_ws(ps);
        if (ps->p >= ps->end || *ps->p != '"') {
            fail(ps, ps->p, "expected a string key in an object, found %s", describe(ps));
            return 0;
        }
        const unsigned char *keyat = ps->p;
        char *key;
        size_t keylen;
        if (!parse_string(ps, &key, &keylen)) {
            return 0;
        }
        for (size_t i = 0; i < out->u.object.count; i++) {
            if (strcmp(out->u.object.keys[i], key) == 0) {
                fail(ps, keyat, "duplicate key \"%s\"", key);
                free(key);
                return 0;
            }
        }
        if (out->u.object.count == cap) {
            size_t ncap = cap ? cap * 2 : 4;
            char **keys = xrealloc(ps, out->u.object.keys, ncap, sizeof *keys);
            if (keys == NULL) {
                free(key);
                return 0;
            }
            out->u.object.keys = keys;
            json_value *values = xrealloc(ps, out->u.object.values, ncap, sizeof *values);
            if (values == NULL) {
                free(key);
                return 0;
            }
            out->u.object.values = values;
            cap = ncap;
        }
        skip_ws(ps);
        if (ps->p >= ps->end || *ps->p != ':') {
            fail(ps, ps->p, "expected ':' after a key, found %s", describe(ps));
            free(key);
            return 0;
        }
        ps->p++;
        skip_ws(ps);
        size_t i = out->u.object.count;
        out->u.object.keys[i] = key;
        if (!parse_value(ps, &out->u.object.values[i], depth + 1)) {
            free_inner(&out->u.object.values[i]);
            free(key);
            return 0;
        }
        out->u.object.count++;
        skip_ws(ps);
        if (ps->p < ps->end && *ps->p == ',') {
            ps->p++;
            continue;
        }
        if (ps->p < ps->end && *ps->p == '}') {
            ps->p++;
            return 1;
        }
        fail(ps, ps->p, "expected ',' or '}' in an object, found %s", describe(ps));
        return 0;
    }
}

/* On failure, *out holds whatever was parsed so far, in a state json_free-able by free_inner. */
static int parse_value(parser *ps, json_value *out, int depth) {
    out->type = JSON_NULL;
    if (depth > JSON_MAX_DEPTH) {
        fail(ps, ps->p, "nesting deeper than %d", JSON_MAX_DEPTH);
        return 0;
    }
    skip_ws(ps);
    if (ps->p >= ps->end) {
        fail(ps, ps->p, "expected a value, found the end of the input (truncated?)");
        return 0;
    }
    switch (*ps->p) {
    case '{':
        return parse_object(ps, out, depth);
    case '[':
        return parse_array(ps, out, depth);
    case '"':
        out->type = JSON_STRING;
        out->u.string.chars = NULL;
        if (!parse_string(ps, &out->u.string.chars, &out->u.string.len)) {
            out->type = JSON_NULL;
            return 0;
        }
        return 1;
    case 't':
        out->type = JSON_TRUE;
        return expect_literal(ps, "true");
    case 'f':
        out->type = JSON_FALSE;
        return expect_literal(ps, "false");
    case 'n':
        out->type = JSON_NULL;
        return expect_literal(ps, "null");
    default:
        if (*ps->p == '-' || (*ps->p >= '0' && *ps->p <= '9')) {
            return parse_number(ps, out);
        }
        fail(ps, ps->p, "expected a value, found %s", describe(ps));
        return 0;
    }
}

static void free_inner(json_value *v) {
    switch (v->type) {
    case JSON_STRING:
        free(v->u.string.chars);
        break;
    case JSON_ARRAY:
        for (size_t i = 0; i < v->u.array.count; i++) {
            free_inner(&v->u.array.items[i]);
        }
        free(v->u.array.items);
        break;
    case JSON_OBJECT:
        for (size_t i = 0; i < v->u.object.count; i++) {
            free(v->u.object.keys[i]);
            free_inner(&v->u.object.values[i]);
        }
        free(v->u.object.keys);
        free(v->u.object.values);
        break;
    default:
        break;
    }
    v->type = JSON_NULL;
}

json_value *json_parse(const char *text, size_t len, char *err, size_t errlen) {
    parser ps = {(const unsigned char *)text, (const unsigned char *)text, (const unsigned char *)text + len,
                 err, errlen, 0};
    if (errlen > 0) {
        err[0] = '\0';
    }
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
        fail(&ps, ps.p, "a byte-order mark is not accepted");
        return NULL;
    }
    json_value *root = malloc(sizeof *root);
    if (root == NULL) {
        fail(&ps, ps.p, "out of memory");
        return NULL;
    }
    int ok = parse_value(&ps, root, 0);
    if (ok) {
        skip_ws(&ps);
        if (ps.p != ps.end) {
            fail(&ps, ps.p, "trailing data after the JSON value: %s", describe(&ps));
            ok = 0;
        }
    }
    if (!ok) {
        free_inner(root);
        free(root);
        return NULL;
    }
    return root;
}

void json_free(json_value *v) {
    if (v != NULL) {
        free_inner(v);
        free(v);
    }
}

const json_value *json_get(const json_value *object, const char *key) {
    if (object == NULL || object->type != JSON_OBJECT) {
        return NULL;
    }
    for (size_t i = 0; i < object->u.object.count; i++) {
        if (strcmp(object->u.object.keys[i], key) == 0) {
            return &object->u.object.values[i];
        }
    }
    return NULL;
}

const char *json_get_string(const json_value *object, const char *key) {
    const json_value *v = json_get(object, key);
    return v != NULL && v->type == JSON_STRING ? v->u.string.chars : NULL;
}

const json_value *json_get_array(const json_value *object, const char *key) {
    const json_value *v = json_get(object, key);
    return v != NULL && v->type == JSON_ARRAY ? v : NULL;
}

const json_value *json_get_object(const json_value *object, const char *key) {
    const json_value *v = json_get(object, key);
    return v != NULL && v->type == JSON_OBJECT ? v : NULL;
}

int json_get_int(const json_value *object, const char *key, int64_t *out) {
    const json_value *v = json_get(object, key);
    if (v == NULL || v->type != JSON_INT) {
        return 0;
    }
    *out = v->u.integer;
    return 1;
}

const char *json_type_name(json_type t) {
    switch (t) {
    case JSON_NULL: return "null";
    case JSON_FALSE: return "false";
    case JSON_TRUE: return "true";
    case JSON_INT: return "an integer";
    case JSON_STRING: return "a string";
    case JSON_ARRAY: return "an array";
    case JSON_OBJECT: return "an object";
    }
    return "?";
}
