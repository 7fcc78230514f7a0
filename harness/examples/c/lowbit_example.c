/*
 * lowbit-example-c: a process target (harness/PROTOCOL.md) in C11 with libc only.
 *
 * It implements MX block quantize and dequantize for mxfp8_e4m3 and mxfp4 under the profile
 * ocp-mx-1.0 (spec/SPEC.md §8), from f32, bf16 and f16 and to f32, bf16 and f16, with unpacked element
 * codes (and nibble-low-first for mxfp4) and row-major scales. Every code is computed with integer
 * arithmetic on bit patterns; no host floating-point operation is used, so the result does not depend
 * on the compiler's or the CPU's rounding.
 *
 * Build: make        Run: ./lowbit conform --target process:harness/examples/c/lowbit-example-c
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------------------------------
 * Errors: a request that cannot be served ends in an `error` answer (PROTOCOL.md §4.8).
 */

typedef struct {
    const char *code;      /* NULL when there is no error */
    char message[512];
} Failure;

static int fail(Failure *f, const char *code, const char *fmt, ...)
{
    va_list ap;
    f->code = code;
    va_start(ap, fmt);
    vsnprintf(f->message, sizeof f->message, fmt, ap);
    va_end(ap);
    return -1;
}

/* ------------------------------------------------------------------------------------------------
 * A small JSON reader: enough for the headers of PROTOCOL.md §3 (objects, arrays, strings, integers,
 * true, false, null). Values live in a node pool; strings are decoded into their own buffer.
 */

enum { J_NULL, J_BOOL, J_NUMBER, J_STRING, J_ARRAY, J_OBJECT };

typedef struct {
    int type;
    const char *key;    /* the member name when the parent is an object */
    const char *text;   /* J_STRING: the decoded string; J_NUMBER: the literal */
    long long integer;  /* J_NUMBER: the value when it is an integer; J_BOOL: 0 or 1 */
    int is_integer;
    int first_child;    /* index into the pool, or -1 */
    int next_sibling;   /* index into the pool, or -1 */
} JsonNode;

typedef struct {
    const char *src;
    size_t len, pos;
    JsonNode *nodes;
    int count, capacity;
    char *strings;      /* decoded strings, each NUL-terminated */
    size_t string_used;
    const char *error;
} JsonParser;

static void skip_space(JsonParser *p)
{
    while (p->pos < p->len && (p->src[p->pos] == ' ' || p->src[p->pos] == '\t' || p->src[p->pos] == '\n'
                               || p->src[p->pos] == '\r'))
        p->pos++;
}

static int new_node(JsonParser *p, int type)
{
    if (p->count == p->capacity) {
        p->error = "too many JSON values";
        return -1;
    }
    JsonNode *n = &p->nodes[p->count];
    memset(n, 0, sizeof *n);
    n->type = type;
    n->first_child = n->next_sibling = -1;
    return p->count++;
}

static void put_utf8(JsonParser *p, unsigned cp)
{
    char *o = p->strings + p->string_used;
    if (cp < 0x80) {
        o[0] = (char)cp;
        p->string_used += 1;
    } else if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        p->string_used += 2;
    } else {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        p->string_used += 3;
    }
}

/* Parses a string at p->pos (at the opening quote); returns the decoded text or NULL. The decoded form
   is never longer than the source, so the string buffer (as large as the source) cannot overflow. */
static const char *parse_string(JsonParser *p)
{
    p->pos++;
    const char *start = p->strings + p->string_used;
    while (p->pos < p->len) {
        unsigned char c = (unsigned char)p->src[p->pos++];
        if (c == '"') {
            p->strings[p->string_used++] = '\0';
            return start;
        }
        if (c < 0x20) {
            p->error = "control character in a JSON string";
            return NULL;
        }
        if (c != '\\') {
            p->strings[p->string_used++] = (char)c;
            continue;
        }
        if (p->pos >= p->len)
            break;
        char e = p->src[p->pos++];
        switch (e) {
        case '"': case '\\': case '/': p->strings[p->string_used++] = e; break;
        case 'b': p->strings[p->string_used++] = '\b'; break;
        case 'f': p->strings[p->string_used++] = '\f'; break;
        case 'n': p->strings[p->string_used++] = '\n'; break;
        case 'r': p->strings[p->string_used++] = '\r'; break;
        case 't': p->strings[p->string_used++] = '\t'; break;
        case 'u': {
            unsigned cp = 0;
            if (p->pos + 4 > p->len) {
                p->error = "short \\u escape";
                return NULL;
            }
            for (int i = 0; i < 4; i++) {
                char h = p->src[p->pos++];
                cp <<= 4;
                if (h >= '0' && h <= '9') cp |= (unsigned)(h - '0');
                else if (h >= 'a' && h <= 'f') cp |= (unsigned)(h - 'a' + 10);
                else if (h >= 'A' && h <= 'F') cp |= (unsigned)(h - 'A' + 10);
                else { p->error = "bad \\u escape"; return NULL; }
            }
            put_utf8(p, cp); /* surrogate pairs are kept as two 3-byte sequences: names here are ASCII */
            break;
        }
        default:
            p->error = "bad escape in a JSON string";
            return NULL;
        }
    }
    p->error = "unterminated JSON string";
    return NULL;
}

static int parse_value(JsonParser *p, int depth);

static int parse_container(JsonParser *p, int depth, int is_object)
{
    int self = new_node(p, is_object ? J_OBJECT : J_ARRAY);
    if (self < 0)
        return -1;
    char close = is_object ? '}' : ']';
    p->pos++;
    skip_space(p);
    if (p->pos < p->len && p->src[p->pos] == close) {
        p->pos++;
        return self;
    }
    int last = -1;
    for (;;) {
        const char *key = NULL;
        skip_space(p);
        if (is_object) {
            if (p->pos >= p->len || p->src[p->pos] != '"') {
                p->error = "expected a member name";
                return -1;
            }
            if (!(key = parse_string(p)))
                return -1;
            skip_space(p);
            if (p->pos >= p->len || p->src[p->pos] != ':') {
                p->error = "expected ':'";
                return -1;
            }
            p->pos++;
        }
        int child = parse_value(p, depth + 1);
        if (child < 0)
            return -1;
        p->nodes[child].key = key;
        if (last < 0)
            p->nodes[self].first_child = child;
        else
            p->nodes[last].next_sibling = child;
        last = child;
        skip_space(p);
        if (p->pos < p->len && p->src[p->pos] == ',') {
            p->pos++;
            continue;
        }
        if (p->pos < p->len && p->src[p->pos] == close) {
            p->pos++;
            return self;
        }
        p->error = is_object ? "expected ',' or '}'" : "expected ',' or ']'";
        return -1;
    }
}

static int parse_value(JsonParser *p, int depth)
{
    if (depth > 32) {
        p->error = "JSON nested too deeply";
        return -1;
    }
    skip_space(p);
    if (p->pos >= p->len) {
        p->error = "unexpected end of JSON";
        return -1;
    }
    char c = p->src[p->pos];
    if (c == '{' || c == '[')
        return parse_container(p, depth, c == '{');
    if (c == '"') {
        int n = new_node(p, J_STRING);
        if (n < 0)
            return -1;
        const char *s = parse_string(p);
        if (!s)
            return -1;
        p->nodes[n].text = s;
        return n;
    }
    static const struct { const char *word; int type; int value; } words[] = {
        {"true", J_BOOL, 1}, {"false", J_BOOL, 0}, {"null", J_NULL, 0}};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        size_t wl = strlen(words[i].word);
        if (p->len - p->pos >= wl && memcmp(p->src + p->pos, words[i].word, wl) == 0) {
            int n = new_node(p, words[i].type);
            if (n < 0)
                return -1;
            p->nodes[n].integer = words[i].value;
            p->pos += wl;
            return n;
        }
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
        size_t start = p->pos;
        int integer = 1;
        long long value = 0;
        int negative = 0;
        if (p->src[p->pos] == '-') {
            negative = 1;
            p->pos++;
        }
        while (p->pos < p->len) {
            char d = p->src[p->pos];
            if (d >= '0' && d <= '9') {
                if (value > (LLONG_MAX - 9) / 10)
                    integer = 0;
                else
                    value = value * 10 + (d - '0');
            } else if (d == '.' || d == 'e' || d == 'E' || d == '+' || d == '-') {
                integer = 0;
            } else {
                break;
            }
            p->pos++;
        }
        int n = new_node(p, J_NUMBER);
        if (n < 0)
            return -1;
        p->nodes[n].integer = negative ? -value : value;
        p->nodes[n].is_integer = integer && p->pos > start + (size_t)negative;
        p->nodes[n].text = "";
        return n;
    }
    p->error = "unexpected character in JSON";
    return -1;
}

/* The member `key` of object node `obj`, or NULL. */
static const JsonNode *member(const JsonParser *p, const JsonNode *obj, const char *key)
{
    if (!obj || obj->type != J_OBJECT)
        return NULL;
    for (int i = obj->first_child; i >= 0; i = p->nodes[i].next_sibling)
        if (strcmp(p->nodes[i].key, key) == 0)
            return &p->nodes[i];
    return NULL;
}

/* ------------------------------------------------------------------------------------------------
 * Frames (PROTOCOL.md §2): a 16-byte little-endian prefix, the JSON header, the payload.
 */

enum { PREFIX_BYTES = 16, MAX_HEADER = 1 << 20 };
static const uint32_t MAX_PAYLOAD = 1u << 30;

typedef struct {
    const char *name;
    const uint8_t *bytes;
    size_t length;
} Segment;

enum { MAX_SEGMENTS = 8 };

typedef struct {
    JsonParser json;
    const JsonNode *header;
    char *header_text;
    uint8_t *payload;
    Segment segments[MAX_SEGMENTS];
    int segment_count;
} Request;

static uint32_t le32(const uint8_t *b)
{
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static void put_le32(uint8_t *b, uint32_t v)
{
    b[0] = (uint8_t)v;
    b[1] = (uint8_t)(v >> 8);
    b[2] = (uint8_t)(v >> 16);
    b[3] = (uint8_t)(v >> 24);
}

/* Reads exactly n bytes; returns the number read (less than n only at the end of the stream). */
static size_t read_exactly(void *buffer, size_t n)
{
    size_t got = 0;
    while (got < n) {
        size_t r = fread((uint8_t *)buffer + got, 1, n - got, stdin);
        if (r == 0)
            break;
        got += r;
    }
    return got;
}

static void write_all(const void *data, size_t n)
{
    if (n && fwrite(data, 1, n, stdout) != n) {
        fprintf(stderr, "lowbit-example-c: writing stdout failed: %s\n", strerror(errno));
        exit(3);
    }
}

/* Writes one frame: `fields` is the header's JSON text after {"type":…,"id":…, without the braces. */
static void send_frame(const char *type, long long id, const char *fields, const Segment *segs, int nsegs)
{
    size_t cap = 256 + strlen(fields) + 64 * (size_t)nsegs;
    char *header = malloc(cap);
    if (!header) {
        fprintf(stderr, "lowbit-example-c: out of memory\n");
        exit(3);
    }
    int n = snprintf(header, cap, "{\"type\":\"%s\",\"id\":%lld%s%s", type, id, *fields ? "," : "", fields);
    uint64_t payload = 0;
    if (nsegs > 0) {
        n += snprintf(header + n, cap - (size_t)n, ",\"segments\":[");
        for (int i = 0; i < nsegs; i++) {
            n += snprintf(header + n, cap - (size_t)n, "%s{\"name\":\"%s\",\"bytes\":%zu}", i ? "," : "",
                          segs[i].name, segs[i].length);
            payload += segs[i].length;
        }
        n += snprintf(header + n, cap - (size_t)n, "]");
    }
    n += snprintf(header + n, cap - (size_t)n, "}");
    uint8_t prefix[PREFIX_BYTES] = {'L', 'B', 'P', 'F', 1, 0, 0, 0};
    put_le32(prefix + 8, (uint32_t)n);
    put_le32(prefix + 12, (uint32_t)payload);
    write_all(prefix, sizeof prefix);
    write_all(header, (size_t)n);
    for (int i = 0; i < nsegs; i++)
        write_all(segs[i].bytes, segs[i].length);
    fflush(stdout);
    free(header);
}

/* Writes a JSON string literal of `s` into `out` (escaping quotes, backslashes and control characters). */
static void json_quote(char *out, size_t cap, const char *s)
{
    size_t o = 0;
    out[o++] = '"';
    for (; *s && o + 8 < cap; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            out[o++] = '\\';
            out[o++] = (char)c;
        } else if (c < 0x20) {
            o += (size_t)snprintf(out + o, cap - o, "\\u%04x", c);
        } else {
            out[o++] = (char)c;
        }
    }
    out[o++] = '"';
    out[o] = '\0';
}

static void send_error(long long id, const char *code, const char *message)
{
    char quoted[1200], fields[1400];
    json_quote(quoted, sizeof quoted, message);
    snprintf(fields, sizeof fields, "\"code\":\"%s\",\"message\":%s", code, quoted);
    send_frame("error", id, fields, NULL, 0);
}

static void free_request(Request *r)
{
    free(r->json.nodes);
    free(r->json.strings);
    free(r->header_text);
    free(r->payload);
    memset(r, 0, sizeof *r);
}

/* Reads one request. Returns 1 for a request, 0 at the end of the stream, -1 for a broken frame
   (which ends the program: the stream can no longer be trusted). */
static int read_request(Request *r, Failure *f)
{
    uint8_t prefix[PREFIX_BYTES];
    size_t got = read_exactly(prefix, sizeof prefix);
    if (got == 0)
        return 0;
    if (got < sizeof prefix)
        return fail(f, "PROTOCOL", "short frame prefix (%zu bytes)", got);
    if (memcmp(prefix, "LBPF", 4) != 0)
        return fail(f, "PROTOCOL", "bad magic");
    if (prefix[4] != 1 || prefix[5] != 0)
        return fail(f, "PROTOCOL", "frame version %u, this target speaks 1", prefix[4] | prefix[5] << 8);
    uint32_t header_length = le32(prefix + 8), payload_length = le32(prefix + 12);
    if (header_length < 2 || header_length > MAX_HEADER || payload_length > MAX_PAYLOAD)
        return fail(f, "PROTOCOL", "header length %u or payload length %u out of range", header_length, payload_length);
    r->header_text = malloc(header_length + 1);
    r->payload = malloc(payload_length ? payload_length : 1);
    r->json.capacity = (int)header_length / 2 + 8;
    r->json.nodes = malloc(sizeof(JsonNode) * (size_t)r->json.capacity);
    r->json.strings = malloc(header_length + 1);
    if (!r->header_text || !r->payload || !r->json.nodes || !r->json.strings)
        return fail(f, "PROTOCOL", "out of memory for a %u-byte payload", payload_length);
    if (read_exactly(r->header_text, header_length) < header_length
        || read_exactly(r->payload, payload_length) < payload_length)
        return fail(f, "PROTOCOL", "short frame");
    r->header_text[header_length] = '\0';
    r->json.src = r->header_text;
    r->json.len = header_length;
    int root = parse_value(&r->json, 0);
    skip_space(&r->json);
    if (root < 0 || r->json.pos != r->json.len || r->json.nodes[root].type != J_OBJECT)
        return fail(f, "PROTOCOL", "header is not a JSON object (%s)", r->json.error ? r->json.error : "trailing text");
    r->header = &r->json.nodes[root];
    const JsonNode *segs = member(&r->json, r->header, "segments");
    uint64_t at = 0;
    if (segs && segs->type == J_ARRAY) {
        for (int i = segs->first_child; i >= 0; i = r->json.nodes[i].next_sibling) {
            const JsonNode *s = &r->json.nodes[i];
            const JsonNode *name = member(&r->json, s, "name"), *bytes = member(&r->json, s, "bytes");
            if (!name || name->type != J_STRING || !bytes || !bytes->is_integer || bytes->integer < 0)
                return fail(f, "PROTOCOL", "bad segment entry");
            if (r->segment_count == MAX_SEGMENTS)
                return fail(f, "PROTOCOL", "too many segments");
            if (at + (uint64_t)bytes->integer > payload_length)
                return fail(f, "PROTOCOL", "segments exceed the payload");
            r->segments[r->segment_count++] = (Segment){name->text, r->payload + at, (size_t)bytes->integer};
            at += (uint64_t)bytes->integer;
        }
    }
    if (at != payload_length)
        return fail(f, "PROTOCOL", "segments add up to %llu bytes, the payload has %u", (unsigned long long)at,
                    payload_length);
    return 1;
}

static const Segment *segment(const Request *r, const char *name)
{
    for (int i = 0; i < r->segment_count; i++)
        if (strcmp(r->segments[i].name, name) == 0)
            return &r->segments[i];
    return NULL;
}

static const char *text_field(const Request *r, const JsonNode *obj, const char *key)
{
    const JsonNode *n = member(&r->json, obj, key);
    return n && n->type == J_STRING ? n->text : NULL;
}

static int int_field(const Request *r, const char *key, long long *out, Failure *f)
{
    const JsonNode *n = member(&r->json, r->header, key);
    if (!n || !n->is_integer)
        return fail(f, "PROTOCOL", "the request needs an integer '%s'", key);
    *out = n->integer;
    return 0;
}

/* ------------------------------------------------------------------------------------------------
 * Numbers as bit patterns (SPEC.md §1-§3). A magnitude is M·2^E with an integer M > 0.
 */

/* Binary formats as (fraction bits m, smallest normal exponent emin, largest magnitude code `cap`):
   rounding past `cap` gives `cap`, which is ±max for the saturating elements and ±Inf for IEEE outputs. */
typedef struct {
    int bits;           /* code width */
    int m;              /* fraction bits */
    int emin;           /* exponent of the smallest normal */
    uint32_t cap;       /* largest magnitude code a rounding may give */
} BinaryFormat;

static const BinaryFormat FP8_E4M3 = {8, 3, -6, 0x7E};   /* max 448 = 0x7E; 0x7F is NaN (SPEC.md §1) */
static const BinaryFormat FP4_E2M1 = {4, 1, 0, 0x7};     /* max 6 = 0x7 */
static const BinaryFormat OUT_F32 = {32, 23, -126, 0x7F800000};  /* rounding past max gives Inf */
static const BinaryFormat OUT_BF16 = {16, 7, -126, 0x7F80};
static const BinaryFormat OUT_F16 = {16, 10, -14, 0x7C00};

static int leading_one(uint64_t x)
{
    int p = -1;
    while (x) {
        x >>= 1;
        p++;
    }
    return p;
}

/* Rounds M·2^E (M > 0, M < 2^40) to nearest, ties to the even code, on the grid of `fmt`, and returns
   its magnitude code, capped at fmt.cap (SPEC.md §3 rules 5 and 6 with SATFINITE, or IEEE overflow). */
static uint32_t round_magnitude(uint64_t M, int E, const BinaryFormat *fmt)
{
    int p = leading_one(M) + E;               /* exponent of the leading one */
    int top = p < fmt->emin ? fmt->emin : p;  /* the binade whose quantum applies (subnormals: emin) */
    if (top - fmt->emin > 300)
        return fmt->cap;
    int q = top - fmt->m;                     /* the quantum is 2^q */
    int shift = q - E;
    uint64_t N;
    if (shift <= 0) {
        N = M << -shift;                      /* exact: N < 2^(m+1) */
    } else if (shift > 45) {
        N = 0;                                /* below a quarter of the quantum */
    } else {
        uint64_t rest = M & ((UINT64_C(1) << shift) - 1), half = UINT64_C(1) << (shift - 1);
        N = M >> shift;
        if (rest > half || (rest == half && (N & 1)))
            N++;                              /* a carry to 2^(m+1) is the next binade's code */
    }
    uint64_t code = ((uint64_t)(top - fmt->emin) << fmt->m) + N;
    return code > fmt->cap ? fmt->cap : (uint32_t)code;
}

/* An f32 pattern's magnitude as M·2^E; returns 0 for a zero. */
static int f32_magnitude(uint32_t bits, uint64_t *M, int *E)
{
    uint32_t exponent = bits >> 23 & 0xFF, fraction = bits & 0x7FFFFF;
    if (exponent == 0) {
        *M = fraction;
        *E = -149;
        return fraction != 0;
    }
    *M = fraction | 0x800000;
    *E = (int)exponent - 150;
    return 1;
}

/* Widens a source pattern to its exact f32 pattern (SPEC.md §2). */
static uint32_t source_to_f32(const uint8_t *p, int source_bytes, int is_f16)
{
    if (source_bytes == 4)
        return le32(p);
    uint32_t h = (uint32_t)p[0] | (uint32_t)p[1] << 8;
    if (!is_f16)
        return h << 16;                       /* bf16 is the top half of an f32 */
    uint32_t sign = (h & 0x8000) << 16, exponent = h >> 10 & 0x1F, fraction = h & 0x3FF;
    if (exponent == 0x1F)
        return sign | 0x7F800000 | fraction << 13;
    if (exponent == 0 && fraction == 0)
        return sign;
    uint64_t M = exponent ? (fraction | 0x400) : fraction;
    int E = exponent ? (int)exponent - 25 : -24;
    return sign | round_magnitude(M, E, &OUT_F32);  /* exact: every f16 is an f32 */
}

/* ------------------------------------------------------------------------------------------------
 * MX under ocp-mx-1.0 (SPEC.md §8.2, §8.3 FLOOR, §8.6).
 */

typedef struct {
    const char *id;
    const BinaryFormat *element;
    int emax;                /* the element's emax (SPEC.md §1) */
} MxFormat;

static const MxFormat MX_FORMATS[] = {{"mxfp8_e4m3", &FP8_E4M3, 8}, {"mxfp4", &FP4_E2M1, 2}};
enum { BLOCK = 32 };

static const MxFormat *mx_format(const char *id)
{
    for (size_t i = 0; i < sizeof MX_FORMATS / sizeof MX_FORMATS[0]; i++)
        if (id && strcmp(MX_FORMATS[i].id, id) == 0)
            return &MX_FORMATS[i];
    return NULL;
}

/* One block: values (f32 patterns) in, scale code and element codes out (SPEC.md §8.2). */
static void quantize_block(const MxFormat *fmt, const uint32_t *v, int n, uint8_t *scale, uint8_t *codes)
{
    uint32_t amax = 0;
    for (int i = 0; i < n; i++) {
        uint32_t magnitude = v[i] & 0x7FFFFFFF;
        if (magnitude >= 0x7F800000) {        /* NaN or Inf: WHOLE_BLOCK_NAN (§8.2 step 3) */
            *scale = 0xFF;
            memset(codes, 0, (size_t)n);
            return;
        }
        if (magnitude > amax)
            amax = magnitude;                 /* finite magnitudes order like their patterns */
    }
    int s;
    if (amax == 0) {
        s = -127;                             /* zero block, SMALLEST_SCALE: code 0x00 (§8.5) */
    } else {
        uint64_t M;
        int E;
        f32_magnitude(amax, &M, &E);
        s = leading_one(M) + E - fmt->emax;   /* FLOOR: floor(log2 amax) - emax (§8.3) */
        if (s < -127) s = -127;
        if (s > 127) s = 127;
    }
    *scale = (uint8_t)(s + 127);
    int sign_shift = fmt->element->bits - 1;
    for (int i = 0; i < n; i++) {
        uint32_t sign = v[i] >> 31;
        uint64_t M;
        int E;
        uint32_t magnitude = f32_magnitude(v[i], &M, &E) ? round_magnitude(M, E - s, fmt->element) : 0;
        codes[i] = (uint8_t)(sign << sign_shift | magnitude);  /* the exact quotient V/2^s, RNE, SATFINITE */
    }
}

static uint32_t quiet_nan(const BinaryFormat *out)
{
    return out->cap | UINT32_C(1) << (out->m - 1);  /* f32 0x7FC00000, bf16 0x7FC0, f16 0x7E00 */
}

/* One element code times 2^s, rounded once into the output format (SPEC.md §8.7). */
static uint32_t dequantize_element(const MxFormat *fmt, uint8_t code, int s, const BinaryFormat *out)
{
    const BinaryFormat *e = fmt->element;
    uint32_t sign = (uint32_t)code >> (e->bits - 1) & 1, magnitude = code & ((1u << (e->bits - 1)) - 1);
    uint32_t out_sign = sign << (out->bits - 1);
    if (e == &FP8_E4M3 && magnitude == 0x7F)  /* E4M3 NaN: quiet NaN with the element's sign */
        return out_sign | quiet_nan(out);
    if (magnitude == 0)
        return out_sign;
    uint32_t exponent = magnitude >> e->m, fraction = magnitude & ((1u << e->m) - 1);
    uint64_t M = exponent ? (fraction | 1u << e->m) : fraction;
    int E = (exponent ? (int)exponent - 1 : 0) + e->emin - e->m;
    return out_sign | round_magnitude(M, E + s, out);
}

/* ------------------------------------------------------------------------------------------------
 * Requests (PROTOCOL.md §4).
 */

typedef struct {
    const char *id;
    int bytes;
    int is_f16;
    const BinaryFormat *out;
} Precision;

static const Precision PRECISIONS[] = {{"f32", 4, 0, &OUT_F32}, {"bf16", 2, 0, &OUT_BF16}, {"f16", 2, 1, &OUT_F16}};

static const Precision *precision(const char *id)
{
    for (size_t i = 0; i < sizeof PRECISIONS / sizeof PRECISIONS[0]; i++)
        if (id && strcmp(PRECISIONS[i].id, id) == 0)
            return &PRECISIONS[i];
    return NULL;
}

/* The knobs of ocp-mx-1.0 this target implements; `tail` is read from the request (§8.5). */
static const char *const OCP_MX_KNOBS[][2] = {
    {"scaleRule", "FLOOR"}, {"elementProfile", "ocp"}, {"elementRounding", "RNE"},
    {"nonFinite", "WHOLE_BLOCK_NAN"}, {"zeroBlock", "SMALLEST_SCALE"}, {"tinyAmax", "CLAMP"},
    {"scaling", "DIVIDE"}, {"tensorScale", "NONE"}};

/* Shape, format and layouts shared by quantize and dequantize; fails with NOT_SUPPORTED outside the claims. */
typedef struct {
    const MxFormat *format;
    long long rows, row_length, count, blocks_per_row;
    int nibbles;              /* elements stored nibble-low-first */
} Shape;

static int read_shape(const Request *r, Shape *sh, Failure *f)
{
    const char *format = text_field(r, r->header, "format"), *profile = text_field(r, r->header, "profile");
    const char *element_layout = text_field(r, r->header, "elementLayout");
    const char *scale_layout = text_field(r, r->header, "scaleLayout");
    const char *tensor_scale = text_field(r, r->header, "tensorScale");
    if (!(sh->format = mx_format(format)))
        return fail(f, "NOT_SUPPORTED", "format %s (this target does mxfp8_e4m3 and mxfp4)", format ? format : "(none)");
    if (!profile || strcmp(profile, "ocp-mx-1.0") != 0)
        return fail(f, "NOT_SUPPORTED", "profile %s (this target does ocp-mx-1.0)", profile ? profile : "(none)");
    if (!element_layout || !scale_layout)
        return fail(f, "PROTOCOL", "the request needs elementLayout and scaleLayout");
    sh->nibbles = strcmp(element_layout, "nibble-low-first") == 0 && sh->format->element == &FP4_E2M1;
    if (strcmp(element_layout, "unpacked") != 0 && !sh->nibbles)
        return fail(f, "NOT_SUPPORTED", "element layout %s for %s", element_layout, format);
    if (strcmp(scale_layout, "row-major") != 0)
        return fail(f, "NOT_SUPPORTED", "scale layout %s (this target does row-major)", scale_layout);
    if (tensor_scale && strcmp(tensor_scale, "none") != 0)
        return fail(f, "OUT_OF_RANGE", "a per-tensor scale (%s) on the MX format %s", tensor_scale, format);
    if (int_field(r, "rows", &sh->rows, f) || int_field(r, "rowLength", &sh->row_length, f))
        return -1;
    if (sh->rows < 1 || sh->row_length < 1 || sh->rows > (1LL << 30) / sh->row_length)
        return fail(f, "OUT_OF_RANGE", "shape %lld x %lld", sh->rows, sh->row_length);
    sh->count = sh->rows * sh->row_length;
    sh->blocks_per_row = (sh->row_length + BLOCK - 1) / BLOCK;
    if (sh->nibbles && sh->count % 2 != 0)
        return fail(f, "OUT_OF_RANGE", "%lld codes do not fill whole nibble-low-first bytes", sh->count);
    return 0;
}

static void handle_quantize(const Request *r, long long id, Failure *f)
{
    Shape sh;
    if (read_shape(r, &sh, f))
        return;
    const JsonNode *knobs = member(&r->json, r->header, "knobs");
    for (size_t i = 0; i < sizeof OCP_MX_KNOBS / sizeof OCP_MX_KNOBS[0]; i++) {
        const char *value = text_field(r, knobs, OCP_MX_KNOBS[i][0]);
        if (!value || strcmp(value, OCP_MX_KNOBS[i][1]) != 0) {
            fail(f, "NOT_SUPPORTED", "knob %s = %s (this target does %s)", OCP_MX_KNOBS[i][0], value ? value : "(none)",
                 OCP_MX_KNOBS[i][1]);
            return;
        }
    }
    const char *tail = text_field(r, knobs, "tail");
    if (!tail || (strcmp(tail, "PAD_WITH_ZEROS") != 0 && strcmp(tail, "REJECT") != 0)) {
        fail(f, "NOT_SUPPORTED", "knob tail = %s", tail ? tail : "(none)");
        return;
    }
    if (strcmp(tail, "REJECT") == 0 && sh.row_length % BLOCK != 0) {
        fail(f, "RAGGED_TAIL", "row length %lld is not a multiple of the block size %d of %s", sh.row_length, BLOCK,
             sh.format->id);
        return;
    }
    const Precision *src = precision(text_field(r, r->header, "source"));
    const Segment *input = segment(r, "input");
    if (!src) {
        fail(f, "NOT_SUPPORTED", "source %s", text_field(r, r->header, "source"));
        return;
    }
    if (!input || input->length != (size_t)(sh.count * src->bytes)) {
        fail(f, "PROTOCOL", "segment 'input' must hold %lld bytes", sh.count * src->bytes);
        return;
    }
    size_t scale_count = (size_t)(sh.rows * sh.blocks_per_row);
    uint8_t *scales = malloc(scale_count), *codes = malloc((size_t)sh.count);
    if (!scales || !codes) {
        free(scales);
        free(codes);
        fail(f, "OUT_OF_RANGE", "out of memory for %lld elements", sh.count);
        return;
    }
    uint32_t block[BLOCK];
    for (long long row = 0; row < sh.rows; row++) {
        for (long long b = 0; b < sh.blocks_per_row; b++) {
            long long first = row * sh.row_length + b * BLOCK;
            int n = (int)(sh.row_length - b * BLOCK < BLOCK ? sh.row_length - b * BLOCK : BLOCK);
            for (int i = 0; i < n; i++)      /* a ragged tail is padded with +0, which changes nothing */
                block[i] = source_to_f32(input->bytes + (first + i) * src->bytes, src->bytes, src->is_f16);
            quantize_block(sh.format, block, n, &scales[row * sh.blocks_per_row + b], &codes[first]);
        }
    }
    size_t element_bytes = (size_t)sh.count;
    if (sh.nibbles) {                         /* element 2i in the low nibble (SPEC.md §9.1) */
        element_bytes = (size_t)sh.count / 2;
        for (size_t i = 0; i < element_bytes; i++)
            codes[i] = (uint8_t)(codes[2 * i] | codes[2 * i + 1] << 4);
    }
    Segment out[] = {{"scales", scales, scale_count}, {"elements", codes, element_bytes}};
    send_frame("ok", id, "", out, 2);
    free(scales);
    free(codes);
}

static void handle_dequantize(const Request *r, long long id, Failure *f)
{
    Shape sh;
    if (read_shape(r, &sh, f))
        return;
    const Precision *out = precision(text_field(r, r->header, "output"));
    if (!out) {
        fail(f, "NOT_SUPPORTED", "output %s", text_field(r, r->header, "output"));
        return;
    }
    const Segment *scales = segment(r, "scales"), *elements = segment(r, "elements");
    if (segment(r, "tensorScale")) {
        fail(f, "OUT_OF_RANGE", "a per-tensor scale on the MX format %s", sh.format->id);
        return;
    }
    size_t scale_count = (size_t)(sh.rows * sh.blocks_per_row);
    size_t element_bytes = sh.nibbles ? (size_t)sh.count / 2 : (size_t)sh.count;
    if (!scales || scales->length != scale_count) {
        fail(f, "OUT_OF_RANGE", "%zu scale bytes for %zu blocks", scales ? scales->length : 0, scale_count);
        return;
    }
    if (!elements || elements->length != element_bytes) {
        fail(f, "OUT_OF_RANGE", "%zu element bytes for %lld elements", elements ? elements->length : 0, sh.count);
        return;
    }
    uint32_t field_mask = (1u << sh.format->element->bits) - 1;
    for (long long i = 0; i < sh.count && !sh.nibbles; i++) {
        if (elements->bytes[i] & ~field_mask) {
            fail(f, "OUT_OF_RANGE", "element %lld: 0x%02X is not a %s code (pad bits must be zero)", i,
                 elements->bytes[i], sh.format->id);
            return;
        }
    }
    size_t out_bytes = (size_t)sh.count * (size_t)out->bytes;
    uint8_t *values = malloc(out_bytes);
    if (!values) {
        fail(f, "OUT_OF_RANGE", "out of memory for %lld elements", sh.count);
        return;
    }
    for (long long i = 0; i < sh.count; i++) {
        long long row = i / sh.row_length, column = i % sh.row_length;
        uint8_t scale = scales->bytes[row * sh.blocks_per_row + column / BLOCK];
        uint8_t code = sh.nibbles ? (uint8_t)(elements->bytes[i / 2] >> (4 * (i % 2)) & 0xF) : elements->bytes[i];
        uint32_t bits = scale == 0xFF ? quiet_nan(out->out)  /* NaN scale: the whole block is +NaN (§8.7) */
                                      : dequantize_element(sh.format, code, (int)scale - 127, out->out);
        uint8_t *at = values + i * out->bytes;
        if (out->bytes == 4) {
            put_le32(at, bits);
        } else {
            at[0] = (uint8_t)bits;
            at[1] = (uint8_t)(bits >> 8);
        }
    }
    Segment answer[] = {{"values", values, out_bytes}};
    send_frame("ok", id, "", answer, 1);
    free(values);
}

static const char MANIFEST[] =
    "\"protocol\":1,\"manifest\":{\"target\":\"lowbit-example-c\",\"version\":\"1.0.0\","
    "\"description\":\"lowbit's C11 example process target (harness/examples/c): MX quantize and dequantize, integer arithmetic\","
    "\"capabilities\":["
    "{\"operation\":\"quantize\",\"format\":\"mxfp8_e4m3\",\"profile\":\"ocp-mx-1.0\",\"precisions\":[\"bf16\",\"f16\",\"f32\"],"
    "\"elementLayouts\":[\"unpacked\"],\"scaleLayouts\":[\"row-major\"]},"
    "{\"operation\":\"dequantize\",\"format\":\"mxfp8_e4m3\",\"profile\":\"ocp-mx-1.0\",\"precisions\":[\"bf16\",\"f16\",\"f32\"],"
    "\"elementLayouts\":[\"unpacked\"],\"scaleLayouts\":[\"row-major\"]},"
    "{\"operation\":\"quantize\",\"format\":\"mxfp4\",\"profile\":\"ocp-mx-1.0\",\"precisions\":[\"bf16\",\"f16\",\"f32\"],"
    "\"elementLayouts\":[\"nibble-low-first\",\"unpacked\"],\"scaleLayouts\":[\"row-major\"]},"
    "{\"operation\":\"dequantize\",\"format\":\"mxfp4\",\"profile\":\"ocp-mx-1.0\",\"precisions\":[\"bf16\",\"f16\",\"f32\"],"
    "\"elementLayouts\":[\"nibble-low-first\",\"unpacked\"],\"scaleLayouts\":[\"row-major\"]}]}";

int main(void)
{
    for (;;) {
        Request r;
        Failure f = {0};
        memset(&r, 0, sizeof r);
        int got = read_request(&r, &f);
        if (got == 0) {
            free_request(&r);
            return 0;                          /* end of stdin: the harness is done (PROTOCOL.md §5) */
        }
        long long id = 0;
        if (got < 0) {
            send_error(-1, f.code, f.message); /* a broken frame: say so and stop (PROTOCOL.md §6) */
            fprintf(stderr, "lowbit-example-c: %s\n", f.message);
            free_request(&r);
            return 2;
        }
        const JsonNode *idn = member(&r.json, r.header, "id");
        const char *type = text_field(&r, r.header, "type");
        if (idn && idn->is_integer)
            id = idn->integer;
        if (!type || !idn || !idn->is_integer) {
            send_error(id, "PROTOCOL", "the header needs a string 'type' and an integer 'id'");
        } else if (strcmp(type, "hello") == 0) {
            const JsonNode *version = member(&r.json, r.header, "protocol");
            if (!version || !version->is_integer || version->integer != 1)
                send_error(id, "PROTOCOL", "this target speaks protocol 1");
            else
                send_frame("manifest", id, MANIFEST, NULL, 0);
        } else if (strcmp(type, "bye") == 0) {
            free_request(&r);
            return 0;
        } else if (strcmp(type, "quantize") == 0 || strcmp(type, "dequantize") == 0) {
            if (type[0] == 'q')
                handle_quantize(&r, id, &f);
            else
                handle_dequantize(&r, id, &f);
            if (f.code)
                send_error(id, f.code, f.message);
        } else if (strcmp(type, "encode") == 0 || strcmp(type, "decode") == 0 || strcmp(type, "scaled-quantize") == 0
                   || strcmp(type, "scaled-dequantize") == 0) {
            char message[128];
            snprintf(message, sizeof message, "lowbit-example-c does not %s", type);
            send_error(id, "NOT_SUPPORTED", message);
        } else {
            send_error(id, "PROTOCOL", "unknown request type");
        }
        free_request(&r);
    }
}
