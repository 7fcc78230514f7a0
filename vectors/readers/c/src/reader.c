/* lowbit-vectors-reader: reads and independently checks a lowbit golden vector set (vectors/FORMAT.md).
 *
 *     lowbit-vectors-reader [--max-report N] [--quiet] DIR
 *
 * 1. Integrity: manifest.json is parsed (strict JSON), every listed file's size and SHA-256 are
 *    checked, SHA256SUMS must agree with the manifest, no unlisted file may sit in DIR, and every vector
 *    file's schema id, suite version (major) and numberOfTests are checked. A file that fails is
 *    REFUSED with a message naming the file and the problem.
 * 2. Semantics, recomputed from spec/SPEC.md by this reader's own code: decode, encode (every knob),
 *    quantize (scales, elements, the per-tensor scale, and the dequantized values from the expected
 *    codes) and pack (both ways). Every element and scale code in the expectations is decoded.
 *
 * Exit status: 0 all accepted and all agree; 1 a test disagrees; 2 a file is refused.
 * C11 and the C library (plus POSIX opendir/stat to find unlisted files). */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "blocks.h"
#include "formats.h"
#include "json.h"
#include "layouts.h"
#include "sha256.h"
#include "weights.h"

#define SCHEMA "lowbit-vectors-v1"
#define MANIFEST_SCHEMA "lowbit-vectors-manifest-v1"
#define SUPPORTED_MAJOR 0

static int max_report = 10;
static int quiet = 0;
static int refused_count = 0;

/* ------------------------------------------------------------------------------------------------
 * Small helpers */

static void refuse(const char *path, const char *fmt, ...) {
    va_list ap;
    refused_count++;
    printf("REFUSED %s: ", path);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
}

static char *join(const char *dir, const char *rel) {
    size_t n = strlen(dir) + strlen(rel) + 2;
    char *p = malloc(n);
    if (p == NULL) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    snprintf(p, n, "%s/%s", dir, rel);
    return p;
}

static char *xstrdup(const char *s) {
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p == NULL) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    return memcpy(p, s, n);
}

/* Reads a whole file; returns NULL with errno's message in err. */
static unsigned char *read_file(const char *path, size_t *len, char *err, size_t errlen) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        snprintf(err, errlen, "%s", strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    unsigned char *buf = malloc(cap);
    for (;;) {
        if (buf == NULL) {
            fclose(f);
            snprintf(err, errlen, "out of memory");
            return NULL;
        }
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap) {
            break;
        }
        cap *= 2;
        unsigned char *nb = realloc(buf, cap);
        if (nb == NULL) {
            free(buf);
        }
        buf = nb;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        snprintf(err, errlen, "read error");
        return NULL;
    }
    *len = n;
    return buf;
}

static int hexval(int c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    return -1;
}

/* Lowercase hex of bytes; returns a malloc'd buffer and its length, or NULL. */
static unsigned char *unhex(const char *s, size_t *n) {
    if (s == NULL) {
        return NULL;
    }
    size_t len = strlen(s);
    if (len % 2) {
        return NULL;
    }
    unsigned char *out = malloc(len / 2 + 1);
    if (out == NULL) {
        return NULL;
    }
    for (size_t i = 0; i < len / 2; i++) {
        int a = hexval(s[2 * i]), b = hexval(s[2 * i + 1]);
        if (a < 0 || b < 0) {
            free(out);
            return NULL;
        }
        out[i] = (unsigned char)(a << 4 | b);
    }
    *n = len / 2;
    return out;
}

static uint32_t le(const unsigned char *p, int width) {
    uint32_t v = 0;
    for (int i = width - 1; i >= 0; i--) {
        v = v << 8 | p[i];
    }
    return v;
}

static int same_f32(uint32_t a, uint32_t b) {
    return a == b || (lb_ieee_is_nan(&LB_F32, a) && lb_ieee_is_nan(&LB_F32, b));
}

static int safe_relpath(const char *p) {
    if (p == NULL || p[0] == '\0' || p[0] == '/' || strchr(p, '\\') != NULL) {
        return 0;
    }
    const char *s = p;
    for (;;) {
        const char *slash = strchr(s, '/');
        size_t n = slash ? (size_t)(slash - s) : strlen(s);
        if (n == 0 || (n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.')) {
            return 0;
        }
        if (slash == NULL) {
            return 1;
        }
        s = slash + 1;
    }
}

static int ends_with(const char *s, const char *suffix) {
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* "MAJOR.MINOR.PATCH[-pre]": 1 and *major, or 0. */
static int parse_version(const char *v, long *major) {
    if (v == NULL) {
        return 0;
    }
    long parts[3];
    const char *p = v;
    for (int i = 0; i < 3; i++) {
        if (*p < '0' || *p > '9' || (*p == '0' && p[1] >= '0' && p[1] <= '9')) {
            return 0;
        }
        long x = 0;
        while (*p >= '0' && *p <= '9') {
            if (x > 100000000) {
                return 0;
            }
            x = x * 10 + (*p++ - '0');
        }
        parts[i] = x;
        if (i < 2) {
            if (*p != '.') {
                return 0;
            }
            p++;
        }
    }
    if (*p != '\0' && *p != '-') {
        return 0;
    }
    *major = parts[0];
    return 1;
}

/* schema and suiteVersion of a file's top object; 0 (refused) or 1. */
static int check_header(const char *path, const json_value *doc, int manifest) {
    if (doc->type != JSON_OBJECT) {
        refuse(path, "the top level is %s, not an object", json_type_name(doc->type));
        return 0;
    }
    const char *schema = json_get_string(doc, "schema");
    const char *want = manifest ? MANIFEST_SCHEMA : SCHEMA;
    if (schema == NULL || strcmp(schema, want) != 0) {
        refuse(path, "schema is %s%s%s, expected \"%s\"", schema ? "\"" : "", schema ? schema : "missing",
               schema ? "\"" : "", want);
        return 0;
    }
    const char *version = json_get_string(doc, "suiteVersion");
    long major;
    if (!parse_version(version, &major)) {
        refuse(path, "suiteVersion %s is missing or not MAJOR.MINOR.PATCH", version ? version : "(none)");
        return 0;
    }
    if (major != SUPPORTED_MAJOR) {
        refuse(path, "suiteVersion %s has major version %ld; this reader reads major version %d only", version, major,
               SUPPORTED_MAJOR);
        return 0;
    }
    return 1;
}

/* ------------------------------------------------------------------------------------------------
 * Structure: every object has exactly its fields, of the right types (FORMAT.md §4, §5, §7) */

typedef struct {
    const char *name;
    json_type type; /* JSON_TRUE stands for "any" (unused) */
    int optional;
} field;

#define END {NULL, JSON_NULL, 0}

static const field FILE_FIELDS[] = {
    {"schema", JSON_STRING, 0}, {"suiteVersion", JSON_STRING, 0}, {"operation", JSON_STRING, 0},
    {"format", JSON_STRING, 0}, {"profile", JSON_STRING, 0}, {"level", JSON_STRING, 0},
    {"numberOfTests", JSON_INT, 0}, {"header", JSON_ARRAY, 0}, {"notes", JSON_OBJECT, 0},
    {"testGroups", JSON_ARRAY, 0}, END};
static const field NOTE_FIELDS[] = {
    {"bugType", JSON_STRING, 0}, {"description", JSON_STRING, 0}, {"links", JSON_ARRAY, 0}, END};
static const field DECODE_GROUP[] = {
    {"type", JSON_STRING, 0}, {"format", JSON_STRING, 0}, {"generator", JSON_STRING, 0},
    {"seed", JSON_STRING, 0}, {"tests", JSON_ARRAY, 0}, END};
static const field ENCODE_GROUP[] = {
    {"type", JSON_STRING, 0}, {"source", JSON_STRING, 0}, {"format", JSON_STRING, 0},
    {"profile", JSON_STRING, 0}, {"knobs", JSON_OBJECT, 0}, {"generator", JSON_STRING, 0},
    {"seed", JSON_STRING, 0}, {"tests", JSON_ARRAY, 0}, END};
static const field QUANTIZE_GROUP[] = {
    {"type", JSON_STRING, 0}, {"format", JSON_STRING, 0}, {"profile", JSON_STRING, 0},
    {"source", JSON_STRING, 0}, {"knobs", JSON_OBJECT, 0}, {"elementKnobs", JSON_OBJECT, 0},
    {"blockSize", JSON_INT, 0}, {"rowLength", JSON_INT, 0}, {"rows", JSON_INT, 0},
    {"elementLayout", JSON_STRING, 0}, {"scaleLayout", JSON_STRING, 0}, {"tensorScale", JSON_STRING, 0},
    {"generator", JSON_STRING, 0}, {"seed", JSON_STRING, 0}, {"tests", JSON_ARRAY, 0}, END};
static const field PACK_GROUP[] = {
    {"type", JSON_STRING, 0}, {"layout", JSON_STRING, 0}, {"format", JSON_STRING, 0},
    {"generator", JSON_STRING, 0}, {"seed", JSON_STRING, 0}, {"tests", JSON_ARRAY, 0}, END};
static const field SCALEPACK_GROUP[] = {
    {"type", JSON_STRING, 0}, {"layout", JSON_STRING, 0}, {"rows", JSON_INT, 0}, {"cols", JSON_INT, 0},
    {"padByte", JSON_STRING, 0}, {"generator", JSON_STRING, 0}, {"seed", JSON_STRING, 0},
    {"tests", JSON_ARRAY, 0}, END};
static const field WEIGHTPACK_GROUP[] = {
    {"type", JSON_STRING, 0}, {"layout", JSON_STRING, 0}, {"bits", JSON_INT, 0}, {"rows", JSON_INT, 0},
    {"cols", JSON_INT, 0}, {"groupSize", JSON_INT, 0}, {"innerKTiles", JSON_INT, 0},
    {"generator", JSON_STRING, 0}, {"seed", JSON_STRING, 0}, {"tests", JSON_ARRAY, 0}, END};
static const field SCALED_GROUP[] = {
    {"type", JSON_STRING, 0}, {"format", JSON_STRING, 0}, {"profile", JSON_STRING, 0},
    {"source", JSON_STRING, 0}, {"knobs", JSON_OBJECT, 0}, {"elementFormat", JSON_STRING, 0},
    {"zeroPoint", JSON_STRING, 0}, {"rows", JSON_INT, 0}, {"cols", JSON_INT, 0}, {"blockRows", JSON_INT, 0},
    {"blockCols", JSON_INT, 0}, {"dequantized", JSON_STRING, 0}, {"generator", JSON_STRING, 0},
    {"seed", JSON_STRING, 0}, {"tests", JSON_ARRAY, 0}, END};
static const field SCALED_KNOBS[] = {
    {"rule", JSON_STRING, 0}, {"application", JSON_STRING, 0}, {"scalarDivision", JSON_STRING, 0},
    {"rounding", JSON_STRING, 0}, {"range", JSON_STRING, 0}, {"fp8Overflow", JSON_STRING, 0},
    {"arithmetic", JSON_STRING, 0}, {"scaleDtype", JSON_STRING, 0}, {"dequantArithmetic", JSON_STRING, 0},
    {"amaxFloor", JSON_STRING, 0}, {"zeroScale", JSON_STRING, 0}, {"scaleRounding", JSON_STRING, 0},
    {"floatZero", JSON_STRING, 0}, {"groupSize", JSON_INT, 0}, {"tail", JSON_STRING, 0}, END};
static const field WEIGHT_OUTPUT[] = {{"qweight", JSON_STRING, 0}, {"qzeros", JSON_STRING, 0}, END};
static const field SCALED_OUTPUT[] = {
    {"codes", JSON_STRING, 0}, {"scales", JSON_STRING, 0}, {"zeros", JSON_STRING, 0},
    {"dequantized", JSON_STRING, 0}, END};
#define TEST_COMMON {"tcId", JSON_INT, 0}, {"comment", JSON_STRING, 0}, {"flags", JSON_ARRAY, 0}, {"result", JSON_STRING, 0}
static const field DECODE_TEST[] = {TEST_COMMON, {"code", JSON_STRING, 0}, {"expected", JSON_STRING, 0}, END};
static const field ENCODE_TEST[] = {
    TEST_COMMON, {"input", JSON_STRING, 0}, {"randomBits", JSON_STRING, 1}, {"expected", JSON_STRING, 0}, END};
static const field QUANTIZE_TEST[] = {
    TEST_COMMON, {"input", JSON_STRING, 0}, {"tensorScale", JSON_STRING, 1}, {"expected", JSON_OBJECT, 0}, END};
static const field PACK_TEST[] = {TEST_COMMON, {"codes", JSON_STRING, 0}, {"expected", JSON_STRING, 0}, END};
static const field SCALEPACK_TEST[] = {TEST_COMMON, {"scales", JSON_STRING, 0}, {"expected", JSON_STRING, 0}, END};
static const field WEIGHTPACK_TEST[] = {TEST_COMMON, {"codes", JSON_STRING, 0}, {"zeros", JSON_STRING, 0},
                                        {"blockFields", JSON_STRING, 0}, {"expected", JSON_OBJECT, 0}, END};
static const field SCALED_TEST[] = {TEST_COMMON, {"input", JSON_STRING, 0}, {"expected", JSON_OBJECT, 0}, END};
static const field ELEMENT_KNOBS[] = {
    {"rounding", JSON_STRING, 0}, {"overflow", JSON_STRING, 0}, {"infinity", JSON_STRING, 0},
    {"nan", JSON_STRING, 0}, {"negative", JSON_STRING, 0}, {"e8m0Zero", JSON_STRING, 0},
    {"e8m0Bottom", JSON_STRING, 0}, {"integerRange", JSON_STRING, 0}, END};
static const field BLOCK_KNOBS[] = {
    {"scaleRule", JSON_STRING, 0}, {"elementProfile", JSON_STRING, 0}, {"elementRounding", JSON_STRING, 0},
    {"nonFinite", JSON_STRING, 0}, {"zeroBlock", JSON_STRING, 0}, {"tinyAmax", JSON_STRING, 0},
    {"tail", JSON_STRING, 0}, {"scaling", JSON_STRING, 0}, {"scaleClamp", JSON_STRING, 0},
    {"tensorScale", JSON_STRING, 0}, END};
static const field QUANTIZE_OUTPUT[] = {
    {"scales", JSON_STRING, 0}, {"elements", JSON_STRING, 0}, {"tensorScale", JSON_STRING, 1},
    {"dequantized", JSON_STRING, 0}, END};
static const field QUANTIZE_ERROR[] = {{"error", JSON_STRING, 0}, END};
static const field MANIFEST_FIELDS[] = {
    {"schema", JSON_STRING, 0}, {"suiteVersion", JSON_STRING, 0}, {"vectorSchema", JSON_STRING, 0},
    {"level", JSON_STRING, 0}, {"numberOfFiles", JSON_INT, 0}, {"numberOfTests", JSON_INT, 0},
    {"files", JSON_ARRAY, 0}, END};
static const field ENTRY_FIELDS[] = {
    {"path", JSON_STRING, 0}, {"sha256", JSON_STRING, 0}, {"bytes", JSON_INT, 0}, {"numberOfTests", JSON_INT, 0}, END};

/* obj must be an object with exactly the fields, each of its type; refuses (returns 0) otherwise. */
static int check_fields(const char *path, const char *where, const json_value *obj, const field *fields) {
    if (obj == NULL || obj->type != JSON_OBJECT) {
        refuse(path, "%s is not an object", where);
        return 0;
    }
    for (size_t i = 0; i < obj->u.object.count; i++) {
        const field *f = fields;
        while (f->name != NULL && strcmp(f->name, obj->u.object.keys[i]) != 0) {
            f++;
        }
        if (f->name == NULL) {
            refuse(path, "%s has an unknown field \"%s\"", where, obj->u.object.keys[i]);
            return 0;
        }
        if (obj->u.object.values[i].type != f->type) {
            refuse(path, "%s: \"%s\" is %s, not %s", where, f->name, json_type_name(obj->u.object.values[i].type),
                   json_type_name(f->type));
            return 0;
        }
    }
    for (const field *f = fields; f->name != NULL; f++) {
        if (!f->optional && json_get(obj, f->name) == NULL) {
            refuse(path, "%s lacks the field \"%s\"", where, f->name);
            return 0;
        }
    }
    return 1;
}

static int all_strings(const json_value *array) {
    for (size_t i = 0; i < array->u.array.count; i++) {
        if (array->u.array.items[i].type != JSON_STRING) {
            return 0;
        }
    }
    return 1;
}

static int is_level(const char *s) {
    return s != NULL && (strcmp(s, "1") == 0 || strcmp(s, "2") == 0 || strcmp(s, "exhaustive") == 0);
}

/* Every field of a vector file (FORMAT.md §4-§5); opi is the operation's index. */
static int check_structure(const char *path, const json_value *doc, int opi) {
    static const field *groups[] = {DECODE_GROUP,    ENCODE_GROUP,     QUANTIZE_GROUP, PACK_GROUP,
                                    SCALEPACK_GROUP, WEIGHTPACK_GROUP, SCALED_GROUP};
    static const field *tests[] = {DECODE_TEST,    ENCODE_TEST,     QUANTIZE_TEST, PACK_TEST,
                                   SCALEPACK_TEST, WEIGHTPACK_TEST, SCALED_TEST};
    char where[96];
    if (!check_fields(path, "the file", doc, FILE_FIELDS)) {
        return 0;
    }
    if (!is_level(json_get_string(doc, "level"))) {
        refuse(path, "unknown level \"%s\"", json_get_string(doc, "level"));
        return 0;
    }
    if (!all_strings(json_get(doc, "header"))) {
        refuse(path, "header holds a non-string");
        return 0;
    }
    const json_value *notes = json_get(doc, "notes");
    for (size_t i = 0; i < notes->u.object.count; i++) {
        snprintf(where, sizeof where, "note %s", notes->u.object.keys[i]);
        if (!check_fields(path, where, &notes->u.object.values[i], NOTE_FIELDS)) {
            return 0;
        }
        if (!all_strings(json_get(&notes->u.object.values[i], "links"))) {
            refuse(path, "%s: links holds a non-string", where);
            return 0;
        }
    }
    const json_value *gs = json_get(doc, "testGroups");
    int64_t due = 1;
    for (size_t gi = 0; gi < gs->u.array.count; gi++) {
        const json_value *g = &gs->u.array.items[gi];
        snprintf(where, sizeof where, "testGroups[%zu]", gi);
        if (!check_fields(path, where, g, groups[opi])) {
            return 0;
        }
        const char *seed = json_get_string(g, "seed");
        int seedok = strlen(seed) == 18 && seed[0] == '0' && seed[1] == 'x';
        for (int k = 2; seedok && k < 18; k++) {
            seedok = hexval(seed[k]) >= 0;
        }
        if (!seedok) {
            refuse(path, "%s: seed \"%s\" is not 0x and 16 lowercase hex digits", where, seed);
            return 0;
        }
        if (opi == 1 && !check_fields(path, "knobs", json_get(g, "knobs"), ELEMENT_KNOBS)) {
            return 0;
        }
        if (opi == 2 && (!check_fields(path, "knobs", json_get(g, "knobs"), BLOCK_KNOBS) ||
                         !check_fields(path, "elementKnobs", json_get(g, "elementKnobs"), ELEMENT_KNOBS))) {
            return 0;
        }
        if (opi == 6) {
            const json_value *k = json_get(g, "knobs");
            if (!check_fields(path, "knobs", k, SCALED_KNOBS)) {
                return 0;
            }
            for (size_t i = 0; i < k->u.object.count; i++) {
                if (strcmp(k->u.object.keys[i], SCALED_KNOBS[i].name) != 0) {
                    refuse(path, "%s.knobs are not in the order of FORMAT.md", where);
                    return 0;
                }
            }
            const char *af = json_get_string(k, "amaxFloor");
            int afok = strlen(af) == 16;
            for (int i = 0; afok && i < 16; i++) {
                afok = hexval(af[i]) >= 0;
            }
            if (!afok) {
                refuse(path, "%s.knobs.amaxFloor \"%s\" is not 8 bytes of lowercase hex", where, af);
                return 0;
            }
        }
        /* the file's format and profile name what its groups hold (FORMAT.md §5, suite 0.2.0) */
        if (opi >= 4) {
            char want[64];
            int64_t bits = -1;
            json_get_int(g, "bits", &bits);
            const char *wf = opi == 4 ? "u8" : opi == 6 ? json_get_string(g, "format") : want;
            const char *wp = opi == 6 ? json_get_string(g, "profile") : "none";
            snprintf(want, sizeof want, "b%lld", (long long)bits);
            if (strcmp(json_get_string(doc, "format"), wf) != 0 || strcmp(json_get_string(doc, "profile"), wp) != 0) {
                refuse(path, "%s: the file says format \"%s\", profile \"%s\"; its group needs \"%s\", \"%s\"", where,
                       json_get_string(doc, "format"), json_get_string(doc, "profile"), wf, wp);
                return 0;
            }
        }
        const json_value *ts = json_get(g, "tests");
        for (size_t ti = 0; ti < ts->u.array.count; ti++) {
            const json_value *tc = &ts->u.array.items[ti];
            int64_t id = -1;
            json_get_int(tc, "tcId", &id);
            snprintf(where, sizeof where, "tcId %lld", (long long)id);
            if (!check_fields(path, where, tc, tests[opi])) {
                return 0;
            }
            if (id != due) {
                refuse(path, "tcId %lld where %lld was due (tcIds are 1..n in file order)", (long long)id,
                       (long long)due);
                return 0;
            }
            due++;
            if (!all_strings(json_get(tc, "flags"))) {
                refuse(path, "%s: flags holds a non-string", where);
                return 0;
            }
            if ((opi == 4 || opi == 5) && strcmp(json_get_string(tc, "result"), "valid") != 0) {
                refuse(path, "%s: a %s test is \"%s\", not valid", where, opi == 4 ? "scale-pack" : "weight-pack",
                       json_get_string(tc, "result"));
                return 0;
            }
            if (opi == 5 && !check_fields(path, where, json_get(tc, "expected"), WEIGHT_OUTPUT)) {
                return 0;
            }
            if (opi == 2 || opi == 6) {
                const json_value *e = json_get(tc, "expected");
                int is_error = json_get(e, "error") != NULL;
                if (!check_fields(path, where, e,
                                  is_error ? QUANTIZE_ERROR : opi == 2 ? QUANTIZE_OUTPUT : SCALED_OUTPUT)) {
                    return 0;
                }
                const char *result = json_get_string(tc, "result");
                if (is_error != (strcmp(result, "invalid") == 0)) {
                    refuse(path, "%s: an invalid test expects an error, and only an invalid test does", where);
                    return 0;
                }
            }
        }
    }
    return 1;
}

/* ------------------------------------------------------------------------------------------------
 * Per-file report */

typedef struct {
    const char *path;
    long checked, mismatches, decoded, printed;
} report;

static void mismatch(report *r, const json_value *tc, const char *fmt, ...) {
    r->mismatches++;
    if (r->printed >= max_report) {
        return;
    }
    r->printed++;
    int64_t id = -1;
    json_get_int(tc, "tcId", &id);
    printf("  MISMATCH %s tcId %lld: ", r->path, (long long)id);
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
}

static void fmt_f32(uint32_t bits, char *out, size_t n) {
    lb_value v = lb_ieee_decode(&LB_F32, bits);
    float f;
    memcpy(&f, &bits, 4);
    if (v.kind == LB_NAN) {
        snprintf(out, n, "0x%08X (%sNaN)", (unsigned)bits, v.sign ? "-" : "+");
    } else {
        snprintf(out, n, "0x%08X (%.9g)", (unsigned)bits, (double)f);
    }
}

/* A test's hex field: must be lowercase hex bytes; with want >= 0, exactly want bytes. Refuses the
 * file (returns NULL and sets *bad) otherwise. */
static unsigned char *field_hex_of(const char *path, const json_value *tc, const json_value *obj, const char *key,
                                   long want, size_t *n, int *bad);

static unsigned char *field_hex(const char *path, const json_value *tc, const char *key, long want, size_t *n,
                                int *bad) {
    return field_hex_of(path, tc, tc, key, want, n, bad);
}

/* As field_hex, for a field of obj (a test's `expected`), named by the test's tcId. */
static unsigned char *field_hex_of(const char *path, const json_value *tc, const json_value *obj, const char *key,
                                   long want, size_t *n, int *bad) {
    const char *s = json_get_string(obj, key);
    int64_t id = -1;
    json_get_int(tc, "tcId", &id);
    unsigned char *b = unhex(s, n);
    if (b == NULL) {
        refuse(path, "tcId %lld: %s is missing or not lowercase hex bytes", (long long)id, key);
        *bad = 1;
        return NULL;
    }
    if (want >= 0 && *n != (size_t)want) {
        refuse(path, "tcId %lld: %s has %zu bytes, expected %ld", (long long)id, key, *n, want);
        free(b);
        *bad = 1;
        return NULL;
    }
    return b;
}

typedef enum { RES_VALID, RES_INVALID, RES_ACCEPTABLE } result_kind;

/* ------------------------------------------------------------------------------------------------
 * decode */

static int check_decode(const json_value *g, const json_value *tc, result_kind res, report *r) {
    const lb_format *f = lb_format_by_name(json_get_string(g, "format") ? json_get_string(g, "format") : "");
    if (f == NULL) {
        refuse(r->path, "unknown element format \"%s\"", json_get_string(g, "format"));
        return 0;
    }
    size_t n;
    int bad = 0;
    unsigned char *code = field_hex(r->path, tc, "code", 1, &n, &bad);
    unsigned char *exp = bad ? NULL : field_hex(r->path, tc, "expected", 4, &n, &bad);
    if (bad) {
        free(code);
        return 0;
    }
    uint32_t want = le(exp, 4);
    lb_value v;
    char err[160], a[64], b[64];
    if (!lb_decode(f, code[0], &v, err, sizeof err)) {
        if (res == RES_VALID) {
            mismatch(r, tc, "%s", err);
        }
    } else {
        r->decoded++;
        uint32_t got = lb_ieee_round(&LB_F32, v);
        if (res == RES_INVALID) {
            fmt_f32(got, a, sizeof a);
            mismatch(r, tc, "expected the code to be rejected; it decodes to %s", a);
        } else if (res == RES_VALID && !same_f32(got, want)) {
            fmt_f32(want, a, sizeof a);
            fmt_f32(got, b, sizeof b);
            mismatch(r, tc, "%s code 0x%02X: expected %s, this reader decodes %s", f->name, code[0], a, b);
        }
    }
    free(code);
    free(exp);
    return 1;
}

/* ------------------------------------------------------------------------------------------------
 * encode */

static int read_element_knobs(const char *path, const json_value *obj, lb_knobs *k) {
    lb_knobs_default(k);
    if (obj == NULL) {
        refuse(path, "a group without knobs");
        return 0;
    }
    for (size_t i = 0; i < obj->u.object.count; i++) {
        const json_value *v = &obj->u.object.values[i];
        if (v->type != JSON_STRING || !lb_knobs_set(k, obj->u.object.keys[i], v->u.string.chars)) {
            refuse(path, "unknown element knob %s = %s", obj->u.object.keys[i],
                   v->type == JSON_STRING ? v->u.string.chars : json_type_name(v->type));
            return 0;
        }
    }
    return 1;
}

static int check_encode(const json_value *g, const json_value *tc, result_kind res, report *r, const lb_knobs *k) {
    const lb_format *f = lb_format_by_name(json_get_string(g, "format") ? json_get_string(g, "format") : "");
    const lb_ieee *src = lb_ieee_by_name(json_get_string(g, "source") ? json_get_string(g, "source") : "");
    if (f == NULL || src == NULL) {
        refuse(r->path, "unknown format \"%s\" or source \"%s\"", json_get_string(g, "format"),
               json_get_string(g, "source"));
        return 0;
    }
    size_t n;
    int bad = 0;
    unsigned char *in = field_hex(r->path, tc, "input", src->bytes, &n, &bad);
    unsigned char *exp = bad ? NULL : field_hex(r->path, tc, "expected", 1, &n, &bad);
    unsigned char *rb = NULL;
    if (!bad && json_get(tc, "randomBits") != NULL) {
        rb = field_hex(r->path, tc, "randomBits", 4, &n, &bad);
    }
    if (bad) {
        free(in);
        free(exp);
        return 0;
    }
    uint32_t bits = le(in, src->bytes), rbits = rb ? le(rb, 4) : 0;
    char err[160];
    lb_value probe;
    if (res != RES_INVALID) {
        if (!lb_decode(f, exp[0], &probe, err, sizeof err)) {
            mismatch(r, tc, "the expected code is not a code: %s", err);
            goto done;
        }
        r->decoded++;
    }
    if (k->rounding == R_SR && rb == NULL) {
        if (res != RES_INVALID) {
            mismatch(r, tc, "SR without randomBits");
        }
        goto done;
    }
    unsigned got;
    if (!lb_encode(f, k, lb_ieee_decode(src, bits), rbits, &got, err, sizeof err)) {
        if (res != RES_INVALID) {
            mismatch(r, tc, "this reader cannot encode it: %s", err);
        }
        goto done;
    }
    if (res == RES_VALID && got != exp[0]) {
        mismatch(r, tc, "%s 0x%0*X -> %s: expected 0x%02X, this reader gives 0x%02X", src->name, 2 * src->bytes,
                 (unsigned)bits, f->name, exp[0], got);
    }
done:
    free(in);
    free(exp);
    free(rb);
    return 1;
}

/* ------------------------------------------------------------------------------------------------
 * quantize */

typedef struct {
    const lb_block_format *bf;
    lb_block_knobs knobs;
    lb_knobs ek;
    const lb_ieee *src;
    int rows, row_length;
    lb_tensor_scale_mode mode;
} qgroup;

static int read_qgroup(const char *path, const json_value *g, qgroup *q) {
    const char *fname = json_get_string(g, "format");
    q->bf = lb_block_format_by_name(fname ? fname : "");
    if (q->bf == NULL) {
        refuse(path, "unknown block format \"%s\"", fname ? fname : "(none)");
        return 0;
    }
    const char *src = json_get_string(g, "source");
    q->src = lb_ieee_by_name(src ? src : "");
    if (q->src == NULL) {
        refuse(path, "unknown source \"%s\"", src ? src : "(none)");
        return 0;
    }
    int64_t rows, rl, k;
    if (!json_get_int(g, "rows", &rows) || !json_get_int(g, "rowLength", &rl) || rows < 1 || rl < 1 ||
        rows > 1 << 20 || rl > 1 << 20) {
        refuse(path, "a quantize group without a valid rows and rowLength");
        return 0;
    }
    if (json_get_int(g, "blockSize", &k) && k != q->bf->k) {
        refuse(path, "blockSize %lld, but %s blocks hold %d elements", (long long)k, q->bf->name, q->bf->k);
        return 0;
    }
    q->rows = (int)rows;
    q->row_length = (int)rl;
    const char *el = json_get_string(g, "elementLayout"), *sl = json_get_string(g, "scaleLayout");
    if ((el && strcmp(el, "unpacked") != 0) || (sl && strcmp(sl, "row-major") != 0)) {
        refuse(path, "layouts %s / %s are not the v1 quantize layouts", el, sl);
        return 0;
    }
    const char *ts = json_get_string(g, "tensorScale");
    if (ts == NULL || strcmp(ts, "none") == 0) {
        q->mode = TS_NONE;
    } else if (strcmp(ts, "given") == 0) {
        q->mode = TS_GIVEN;
    } else if (strcmp(ts, "computed") == 0) {
        q->mode = TS_COMPUTED;
    } else {
        refuse(path, "unknown tensorScale \"%s\"", ts);
        return 0;
    }
    if (q->mode != TS_NONE && strcmp(q->bf->name, "nvfp4") != 0) {
        refuse(path, "tensorScale \"%s\" in a %s group: MX is single level", ts, q->bf->name);
        return 0;
    }
    const json_value *kn = json_get_object(g, "knobs");
    if (kn == NULL) {
        refuse(path, "a quantize group without knobs");
        return 0;
    }
    memset(&q->knobs, 0, sizeof q->knobs);
    q->knobs.rule = (lb_scale_rule)-1;
    for (size_t i = 0; i < kn->u.object.count; i++) {
        const json_value *v = &kn->u.object.values[i];
        if (v->type != JSON_STRING || lb_block_knobs_set(&q->knobs, kn->u.object.keys[i], v->u.string.chars) == 0) {
            refuse(path, "unknown block knob value %s", kn->u.object.keys[i]);
            return 0;
        }
    }
    if ((int)q->knobs.rule < 0) {
        refuse(path, "a quantize group without a scaleRule");
        return 0;
    }
    return read_element_knobs(path, json_get_object(g, "elementKnobs"), &q->ek);
}

static int check_quantize(const qgroup *q, const json_value *tc, result_kind res, report *r) {
    const lb_block_format *bf = q->bf;
    const lb_format *ef = lb_format_by_name(bf->element), *sf = lb_format_by_name(bf->scale);
    long n = (long)q->rows * q->row_length;
    long nblocks = (long)q->rows * ((q->row_length + bf->k - 1) / bf->k);
    size_t len;
    int bad = 0, ok = 1;
    unsigned char *in = field_hex(r->path, tc, "input", n * q->src->bytes, &len, &bad);
    if (bad) {
        return 0;
    }
    lb_value *values = malloc(sizeof *values * (size_t)n);
    unsigned *scales = malloc(sizeof *scales * (size_t)nblocks), *codes = malloc(sizeof *codes * (size_t)n);
    unsigned *escales = malloc(sizeof *escales * (size_t)nblocks), *ecodes = malloc(sizeof *ecodes * (size_t)n);
    uint32_t *edeq = malloc(sizeof *edeq * (size_t)n), *mine = malloc(sizeof *mine * (size_t)n);
    unsigned char *sc = NULL, *el = NULL, *dq = NULL, *gts = NULL, *gexp = NULL;
    if (!values || !scales || !codes || !escales || !ecodes || !edeq || !mine) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    for (long i = 0; i < n; i++) {
        values[i] = lb_ieee_decode(q->src, le(in + i * q->src->bytes, q->src->bytes));
    }
    uint32_t g = 0;
    if (json_get(tc, "tensorScale") != NULL) {
        gts = field_hex(r->path, tc, "tensorScale", 4, &len, &bad);
        if (bad) {
            ok = 0;
            goto done;
        }
        g = le(gts, 4);
    }
    const json_value *exp = json_get_object(tc, "expected");
    if (exp == NULL) {
        refuse(r->path, "a quantize test without an expected object");
        ok = 0;
        goto done;
    }
    const char *err_code = NULL;
    char err[200], a[64], b[64];
    int rejected = lb_quantize(bf, &q->knobs, &q->ek, q->rows, q->row_length, values, q->mode, &g, scales, codes,
                               &err_code, err, sizeof err);
    const char *want_error = json_get_string(exp, "error");
    if (want_error != NULL) {
        if (res == RES_INVALID && !rejected) {
            mismatch(r, tc, "expected the error %s; this reader quantizes it without one", want_error);
        }
        goto done;
    }
    if (rejected) {
        if (res == RES_VALID) {
            mismatch(r, tc, "this reader rejects the input: %s (%s)", err, err_code);
        }
        goto done;
    }
    sc = field_hex(r->path, exp, "scales", nblocks, &len, &bad);
    el = bad ? NULL : field_hex(r->path, exp, "elements", n, &len, &bad);
    dq = bad ? NULL : field_hex(r->path, exp, "dequantized", 4 * n, &len, &bad);
    if (bad) {
        ok = 0;
        goto done;
    }
    lb_value probe;
    for (long i = 0; i < nblocks; i++) {
        escales[i] = sc[i];
        if (!lb_decode(sf, sc[i], &probe, err, sizeof err)) {
            mismatch(r, tc, "expected scale %ld: %s", i, err);
            goto done;
        }
        r->decoded++;
    }
    for (long i = 0; i < n; i++) {
        ecodes[i] = el[i];
        edeq[i] = le(dq + 4 * i, 4);
        if (!lb_decode(ef, el[i], &probe, err, sizeof err)) {
            mismatch(r, tc, "expected element %ld: %s", i, err);
            goto done;
        }
        r->decoded++;
    }
    uint32_t gval = g;
    if (q->mode == TS_COMPUTED) {
        if (json_get(exp, "tensorScale") == NULL) {
            mismatch(r, tc, "a computed tensorScale group without expected.tensorScale");
            goto done;
        }
        gexp = field_hex(r->path, exp, "tensorScale", 4, &len, &bad);
        if (bad) {
            ok = 0;
            goto done;
        }
        gval = le(gexp, 4);
        if (res == RES_VALID && gval != g) {
            fmt_f32(gval, a, sizeof a);
            fmt_f32(g, b, sizeof b);
            mismatch(r, tc, "tensor scale: expected %s, this reader computes %s", a, b);
        }
    }
    if (res != RES_VALID) {
        goto done;
    }
    if (!lb_dequantize(bf, q->rows, q->row_length, escales, ecodes, q->mode == TS_NONE ? NULL : &gval, mine, err,
                       sizeof err)) {
        mismatch(r, tc, "%s", err);
        goto done;
    }
    for (long i = 0; i < n; i++) {
        if (!same_f32(mine[i], edeq[i])) {
            fmt_f32(edeq[i], a, sizeof a);
            fmt_f32(mine[i], b, sizeof b);
            mismatch(r, tc, "dequantized[%ld]: expected %s, element 0x%02X x scale gives %s", i, a, ecodes[i], b);
            goto done;
        }
    }
    for (long i = 0; i < nblocks; i++) {
        if (scales[i] != escales[i]) {
            mismatch(r, tc, "scale[%ld]: expected 0x%02X, this reader computes 0x%02X", i, escales[i], scales[i]);
            goto done;
        }
    }
    for (long i = 0; i < n; i++) {
        if (codes[i] != ecodes[i]) {
            mismatch(r, tc, "element[%ld]: expected 0x%02X, this reader computes 0x%02X", i, ecodes[i], codes[i]);
            goto done;
        }
    }
done:
    free(in);
    free(values);
    free(scales);
    free(codes);
    free(escales);
    free(ecodes);
    free(edeq);
    free(mine);
    free(sc);
    free(el);
    free(dq);
    free(gts);
    free(gexp);
    return ok;
}

/* ------------------------------------------------------------------------------------------------
 * pack */

static int check_pack(const json_value *g, const json_value *tc, result_kind res, report *r) {
    const lb_format *f = lb_format_by_name(json_get_string(g, "format") ? json_get_string(g, "format") : "");
    const char *layout = json_get_string(g, "layout");
    if (f == NULL || layout == NULL) {
        refuse(r->path, "a pack group without a known format and a layout");
        return 0;
    }
    size_t nc, nb;
    int bad = 0;
    unsigned char *cb = field_hex(r->path, tc, "codes", -1, &nc, &bad);
    unsigned char *exp = bad ? NULL : field_hex(r->path, tc, "expected", -1, &nb, &bad);
    if (bad) {
        free(cb);
        return 0;
    }
    unsigned *codes = malloc(sizeof *codes * (nc + 1)), *back = malloc(sizeof *back * (2 * nb + 1));
    unsigned char *packed = malloc(nc + 1);
    if (!codes || !back || !packed) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    char err[160];
    int failed = 0;
    lb_value probe;
    for (size_t i = 0; i < nc; i++) {
        codes[i] = cb[i];
        if (!lb_decode(f, cb[i], &probe, err, sizeof err)) {
            failed = 1;
        } else {
            r->decoded++;
        }
    }
    long np = failed ? -1 : lb_pack(layout, f, codes, nc, packed, err, sizeof err);
    if (res == RES_INVALID) {
        if (np >= 0) {
            mismatch(r, tc, "expected a rejection; this reader packs it");
        }
    } else if (np < 0) {
        mismatch(r, tc, "this reader cannot pack it: %s", err);
    } else if (res == RES_VALID) {
        if ((size_t)np != nb || memcmp(packed, exp, nb) != 0) {
            mismatch(r, tc, "%s %s: the packed bytes differ from expected", layout, f->name);
        } else {
            long nu = lb_unpack(layout, f, exp, nb, back, err, sizeof err);
            if (nu < 0) {
                mismatch(r, tc, "unpacking the expected bytes: %s", err);
            } else if ((size_t)nu != nc) {
                mismatch(r, tc, "unpacking gives %ld codes, not %zu", nu, nc);
            } else {
                for (size_t i = 0; i < nc; i++) {
                    if (back[i] != codes[i]) {
                        mismatch(r, tc, "unpacked code %zu is 0x%02X, not 0x%02X", i, back[i], codes[i]);
                        break;
                    }
                }
            }
        }
    }
    free(cb);
    free(exp);
    free(codes);
    free(back);
    free(packed);
    return 1;
}

/* ------------------------------------------------------------------------------------------------
 * scale-pack, weight-pack, scaled-quantize (suite 0.2.0, FORMAT.md §5) */

static void *xmalloc(size_t n) {
    void *p = malloc(n ? n : 1);
    if (p == NULL) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    return p;
}

static int group_int(const char *path, const json_value *g, const char *key, long lo, long hi, long *out) {
    int64_t v;
    if (!json_get_int(g, key, &v) || v < lo || v > hi) {
        refuse(path, "group %s is missing or outside %ld..%ld", key, lo, hi);
        return 0;
    }
    *out = (long)v;
    return 1;
}

static int check_scale_pack(const json_value *g, const json_value *tc, report *r) {
    const char *layout = json_get_string(g, "layout");
    long rows, cols;
    if (layout == NULL || strcmp(layout, "swizzle-128x4") != 0) {
        refuse(r->path, "unknown scale layout \"%s\"", layout ? layout : "(none)");
        return 0;
    }
    if (!group_int(r->path, g, "rows", 1, 1L << 20, &rows) || !group_int(r->path, g, "cols", 1, 1L << 20, &cols)) {
        return 0;
    }
    if ((double)rows * (double)cols > (double)(1L << 26)) {
        refuse(r->path, "scale matrix %ldx%ld is too large", rows, cols);
        return 0;
    }
    size_t n, ns, ne, total = lb_swizzle_size((size_t)rows, (size_t)cols);
    int bad = 0;
    unsigned char *pad = field_hex_of(r->path, tc, g, "padByte", 1, &n, &bad);
    unsigned char *sc = bad ? NULL : field_hex(r->path, tc, "scales", rows * cols, &ns, &bad);
    unsigned char *exp = bad ? NULL : field_hex(r->path, tc, "expected", (long)total, &ne, &bad);
    if (bad) {
        free(pad);
        free(sc);
        return 0;
    }
    unsigned char *got = xmalloc(total), *back = xmalloc(ns);
    char err[160];
    lb_swizzle_pack(sc, (size_t)rows, (size_t)cols, pad[0], got);
    if (memcmp(got, exp, total) != 0) {
        size_t i = 0;
        while (got[i] == exp[i]) {
            i++;
        }
        mismatch(r, tc, "swizzle-128x4 %ldx%ld: expected byte %zu = %02x, this reader packs %02x", rows, cols, i,
                 exp[i], got[i]);
    } else if (!lb_swizzle_unpack(exp, (size_t)rows, (size_t)cols, pad[0], back, err, sizeof err)) {
        mismatch(r, tc, "unpacking the expected bytes: %s", err);
    } else if (memcmp(back, sc, ns) != 0) {
        mismatch(r, tc, "unpacking the expected bytes does not give the scales back");
    }
    free(pad);
    free(sc);
    free(exp);
    free(got);
    free(back);
    return 1;
}

static int check_weight_pack(const json_value *g, const json_value *tc, report *r) {
    const char *name = json_get_string(g, "layout");
    lb_wlayout l = lb_wlayout_by_name(name);
    long b, rows, cols, gs, ikt;
    char err[200];
    if (l == WL_NONE) {
        refuse(r->path, "unknown weight layout \"%s\"", name ? name : "(none)");
        return 0;
    }
    if (!group_int(r->path, g, "bits", 1, 8, &b) || !group_int(r->path, g, "rows", 1, 1L << 24, &rows) ||
        !group_int(r->path, g, "cols", 1, 1L << 24, &cols) || !group_int(r->path, g, "groupSize", 0, 1L << 24, &gs) ||
        !group_int(r->path, g, "innerKTiles", 0, 8, &ikt)) {
        return 0;
    }
    lb_wsizes s;
    if (!lb_wsizes_of(l, (int)b, rows, cols, gs, ikt, &s, err, sizeof err)) {
        refuse(r->path, "%s b%ld %ldx%ld: %s", name, b, rows, cols, err);
        return 0;
    }
    const json_value *e = json_get_object(tc, "expected");
    size_t nc, nz, nf, nw, nq;
    int bad = 0;
    unsigned char *cb = field_hex(r->path, tc, "codes", rows * cols, &nc, &bad);
    unsigned char *zb = bad ? NULL : field_hex(r->path, tc, "zeros", (long)s.zeros, &nz, &bad);
    unsigned char *fb = bad ? NULL : field_hex(r->path, tc, "blockFields", (long)s.fields, &nf, &bad);
    unsigned char *qw = bad ? NULL : field_hex_of(r->path, tc, e, "qweight", (long)s.qweight, &nw, &bad);
    unsigned char *qz = bad ? NULL : field_hex_of(r->path, tc, e, "qzeros", (long)s.qzeros, &nq, &bad);
    if (bad) {
        free(cb);
        free(zb);
        free(fb);
        free(qw);
        return 0;
    }
    unsigned *codes = xmalloc(sizeof *codes * nc), *zeros = xmalloc(sizeof *zeros * (nz + 1));
    unsigned *bcodes = xmalloc(sizeof *bcodes * nc), *bzeros = xmalloc(sizeof *bzeros * (nz + 1));
    unsigned char *gw = xmalloc(nw), *gz = xmalloc(nq), *bf = xmalloc(nf);
    for (size_t i = 0; i < nc; i++) {
        codes[i] = cb[i];
    }
    for (size_t i = 0; i < nz; i++) {
        zeros[i] = zb[i];
    }
    if (!lb_wpack(l, (int)b, rows, cols, gs, ikt, codes, zeros, fb, gw, gz, err, sizeof err)) {
        mismatch(r, tc, "this reader cannot pack it: %s", err);
    } else if (memcmp(gw, qw, nw) != 0 || memcmp(gz, qz, nq) != 0) {
        int w = memcmp(gw, qw, nw) != 0;
        const unsigned char *x = w ? gw : gz, *y = w ? qw : qz;
        size_t i = 0;
        while (x[i] == y[i]) {
            i++;
        }
        mismatch(r, tc, "%s b%ld %ldx%ld %s: first difference at byte %zu: expected %02x, this reader packs %02x",
                 name, b, rows, cols, w ? "qweight" : "qzeros", i, y[i], x[i]);
    } else if (!lb_wunpack(l, (int)b, rows, cols, gs, ikt, qw, qz, bcodes, bzeros, bf, err, sizeof err)) {
        mismatch(r, tc, "unpacking the expected tensors: %s", err);
    } else if (memcmp(bcodes, codes, sizeof *codes * nc) != 0) {
        mismatch(r, tc, "unpacking qweight does not give the codes back");
    } else if (nz && memcmp(bzeros, zeros, sizeof *zeros * nz) != 0) {
        mismatch(r, tc, "unpacking qzeros does not give the zero points back");
    } else if (nf && memcmp(bf, fb, nf) != 0) {
        mismatch(r, tc, "unpacking the blocks does not give the block fields back");
    } else {
        r->decoded += (long)nc;
    }
    free(cb);
    free(zb);
    free(fb);
    free(qw);
    free(qz);
    free(codes);
    free(zeros);
    free(bcodes);
    free(bzeros);
    free(gw);
    free(gz);
    free(bf);
    return 1;
}

static const lb_ieee *precision(const char *s) {
    if (s == NULL) {
        return NULL;
    }
    return strcmp(s, "FP32") == 0 ? &LB_F32 : strcmp(s, "FP16") == 0 ? &LB_F16 : strcmp(s, "BF16") == 0 ? &LB_BF16 : NULL;
}

static int check_scaled_quantize(const json_value *g, const json_value *tc, result_kind res, report *r) {
    const char *fmt = json_get_string(g, "format"), *prof = json_get_string(g, "profile");
    const json_value *k = json_get_object(g, "knobs");
    const char *ename;
    long br, bc, rows, cols, gbr, gbc;
    int64_t gs = -1;
    if (!lb_scaled_format(fmt, &ename, &br, &bc)) {
        refuse(r->path, "unknown scaled format \"%s\"", fmt ? fmt : "(none)");
        return 0;
    }
    if (!group_int(r->path, g, "rows", 1, 1L << 20, &rows) || !group_int(r->path, g, "cols", 1, 1L << 20, &cols) ||
        !group_int(r->path, g, "blockRows", 1, 1L << 20, &gbr) || !group_int(r->path, g, "blockCols", 1, 1L << 20, &gbc)) {
        return 0;
    }
    if ((double)rows * (double)cols > (double)(1L << 24)) {
        refuse(r->path, "shape %ldx%ld is too large", rows, cols);
        return 0;
    }
    json_get_int(k, "groupSize", &gs);
    if (bc == -1) {
        if (gs <= 0 || gs > (1L << 20)) {
            refuse(r->path, "int4_group needs groupSize > 0, got %lld", (long long)gs);
            return 0;
        }
        bc = (long)gs;
    } else if (gs != 0) {
        refuse(r->path, "%s has fixed blocks, but groupSize is %lld", fmt, (long long)gs);
        return 0;
    }
    br = br ? br : rows;
    bc = bc ? bc : cols;
    if (gbr != br || gbc != bc) {
        refuse(r->path, "%s %ldx%ld: block %ldx%ld, this reader expects %ldx%ld", fmt, rows, cols, gbr, gbc, br, bc);
        return 0;
    }
    lb_zeropoint zp;
    const lb_ieee *sdt, *dq;
    if (!lb_scaled_profile(prof, fmt, &zp, &sdt, &dq)) {
        refuse(r->path, "profile \"%s\" does not define format \"%s\"", prof ? prof : "(none)", fmt);
        return 0;
    }
    if (ename == NULL) {
        ename = zp == ZP_NONE ? "int4" : "uint4";
    }
    const lb_ieee *src = lb_ieee_by_name(json_get_string(g, "source") ? json_get_string(g, "source") : "");
    const lb_ieee *P = precision(json_get_string(k, "arithmetic"));
    const lb_ieee *ks = precision(json_get_string(k, "scaleDtype")), *kd = precision(json_get_string(k, "dequantArithmetic"));
    const char *dqs = json_get_string(g, "dequantized");
    if (src == NULL || P == NULL || ks == NULL || kd == NULL || dqs == NULL || strcmp(dqs, "f32") != 0) {
        refuse(r->path, "unknown source, precision knob or dequantized precision");
        return 0;
    }
    static const char *ZPN[] = {"NONE", "IMPLICIT", "INTEGER", "FLOAT", "MIN"};
    const char *gzp = json_get_string(g, "zeroPoint"), *gef = json_get_string(g, "elementFormat");
    if (gzp == NULL || gef == NULL || strcmp(gzp, ZPN[zp]) != 0 || strcmp(gef, ename) != 0 || ks != sdt || kd != dq) {
        mismatch(r, tc, "%s/%s: the group's element format, zero point, scale dtype or dequant arithmetic differs "
                 "from SPEC.md §11.2 (%s, %s, %s, %s)", prof, fmt, ename, ZPN[zp], sdt->name, dq->name);
        return 1;
    }
    const lb_format *ef = lb_format_by_name(ename);
    size_t n, sb = (size_t)src->bytes;
    int bad = 0;
    unsigned char *in = field_hex(r->path, tc, "input", rows * cols * (long)sb, &n, &bad);
    if (bad) {
        return 0;
    }
    /* why an input must be rejected (SPEC.md §11.3.1 steps 1-2) */
    const char *tail = json_get_string(k, "tail");
    int reason = tail != NULL && strcmp(tail, "REJECT") == 0 && (rows % br || cols % bc);
    for (long i = 0; i < rows * cols && !reason; i++) {
        lb_value v = lb_ieee_decode(src, le(in + i * (long)sb, (int)sb));
        if (v.kind != LB_NUM) {
            reason = 2;
        } else if (lb_ieee_decode(P, lb_ieee_round(P, v)).kind == LB_INF) {
            reason = 3;
        }
    }
    free(in);
    const json_value *e = json_get_object(tc, "expected");
    if (json_get(e, "error")) {
        if (!reason) {
            mismatch(r, tc, "expected the error %s; this reader finds no reason to reject the input",
                     json_get_string(e, "error"));
        }
        return 1;
    }
    if (reason) {
        mismatch(r, tc, "expected values, but this reader rejects the input (%s)",
                 reason == 1 ? "RAGGED_TAIL" : reason == 2 ? "NON_FINITE_INPUT" : "OUT_OF_RANGE");
        return 1;
    }
    (void)res;
    long gr = (rows + br - 1) / br, gc = (cols + bc - 1) / bc;
    int zw = zp == ZP_INTEGER ? 1 : (zp == ZP_FLOAT || zp == ZP_MIN) ? sdt->bytes : 0;
    size_t nc, ns, nz, nd;
    unsigned char *codes = field_hex_of(r->path, tc, e, "codes", rows * cols, &nc, &bad);
    unsigned char *scales = bad ? NULL : field_hex_of(r->path, tc, e, "scales", gr * gc * sdt->bytes, &ns, &bad);
    unsigned char *zeros = bad ? NULL : field_hex_of(r->path, tc, e, "zeros", gr * gc * zw, &nz, &bad);
    unsigned char *deq = bad ? NULL : field_hex_of(r->path, tc, e, "dequantized", rows * cols * 4, &nd, &bad);
    if (bad) {
        free(codes);
        free(scales);
        free(zeros);
        return 0;
    }
    char err[160];
    lb_value probe;
    int done = 0;
    for (size_t i = 0; i < nc && !done; i++) {
        if (!lb_decode(ef, codes[i], &probe, err, sizeof err)) {
            mismatch(r, tc, "element %zu: 0x%02X is not a %s code: %s", i, codes[i], ename, err);
            done = 1;
        } else {
            r->decoded++;
        }
    }
    for (long bi = 0; bi < gr * gc && !done; bi++) {
        uint32_t sbits = le(scales + bi * sdt->bytes, sdt->bytes);
        if (lb_ieee_is_nan(sdt, sbits)) {
            mismatch(r, tc, "block %ld: the scale 0x%X is a NaN", bi, (unsigned)sbits);
            done = 1;
        } else if (zp == ZP_INTEGER && zeros[bi] > 15) {
            mismatch(r, tc, "block %ld: the zero point %u is outside 0..15", bi, zeros[bi]);
            done = 1;
        }
    }
    for (long i = 0; i < rows * cols && !done; i++) {
        long rr = i / cols, cc = i % cols, bi = rr / br * gc + cc / bc;
        uint32_t sbits = le(scales + bi * sdt->bytes, sdt->bytes);
        uint32_t z = zw ? le(zeros + bi * zw, zw) : 0;
        uint32_t got = lb_scaled_dequant(zp, dq, ef, codes[i], sbits, sdt, z);
        uint32_t want = le(deq + i * 4, 4);
        if (!same_f32(got, want)) {
            char a[64], b2[64];
            fmt_f32(want, a, sizeof a);
            fmt_f32(got, b2, sizeof b2);
            mismatch(r, tc, "%s/%s element (%ld, %ld) code 0x%02X, scale 0x%X, zero 0x%X: expected %s, this reader "
                     "dequantizes %s", prof, fmt, rr, cc, codes[i], (unsigned)sbits, (unsigned)z, a, b2);
            done = 1;
        }
    }
    free(codes);
    free(scales);
    free(zeros);
    free(deq);
    return 1;
}

/* ------------------------------------------------------------------------------------------------
 * Text-twin lines (FORMAT.md §6): "tcId op params input expected flags" */

typedef struct {
    char *s;
    size_t len, cap;
} strbuf;

static void sb_add(strbuf *b, const char *t) {
    size_t n = strlen(t);
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1) {
            cap *= 2;
        }
        char *ns = realloc(b->s, cap);
        if (ns == NULL) {
            fprintf(stderr, "out of memory\n");
            exit(2);
        }
        b->s = ns;
        b->cap = cap;
    }
    memcpy(b->s + b->len, t, n + 1);
    b->len += n;
}

static void sb_field(strbuf *b, const json_value *obj, const char *key) {
    const char *v = json_get_string(obj, key);
    sb_add(b, v ? v : "?");
}

/* A hex field, "-" when empty (the 0.2.0 operations, FORMAT.md §6). */
static void sb_dash(strbuf *b, const json_value *obj, const char *key) {
    const char *v = json_get_string(obj, key);
    sb_add(b, v == NULL ? "?" : *v ? v : "-");
}

/* The twin line a JSON test gives; a malloc'd string. */
static char *twin_line(const char *op, const json_value *g, const json_value *tc) {
    strbuf b = {NULL, 0, 0};
    char num[48];
    int64_t id = 0;
    json_get_int(tc, "tcId", &id);
    snprintf(num, sizeof num, "%lld ", (long long)id);
    sb_add(&b, num);
    sb_add(&b, op);
    sb_add(&b, " ");
    if (strcmp(op, "decode") == 0) {
        sb_field(&b, g, "format");
        sb_add(&b, " ");
        sb_field(&b, tc, "code");
        sb_add(&b, " ");
        sb_field(&b, tc, "expected");
    } else if (strcmp(op, "encode") == 0) {
        const json_value *k = json_get_object(g, "knobs");
        sb_field(&b, g, "format");
        sb_add(&b, ":");
        sb_field(&b, g, "profile");
        sb_add(&b, ":");
        sb_field(&b, g, "source");
        sb_add(&b, ":");
        sb_field(&b, k, "rounding");
        sb_add(&b, ":");
        sb_field(&b, k, "overflow");
        sb_add(&b, " ");
        sb_field(&b, tc, "input");
        if (json_get(tc, "randomBits")) {
            sb_add(&b, "/");
            sb_field(&b, tc, "randomBits");
        }
        sb_add(&b, " ");
        sb_field(&b, tc, "expected");
    } else if (strcmp(op, "quantize") == 0) {
        int64_t rows = 0, rl = 0;
        json_get_int(g, "rows", &rows);
        json_get_int(g, "rowLength", &rl);
        sb_field(&b, g, "format");
        sb_add(&b, ":");
        sb_field(&b, g, "profile");
        sb_add(&b, ":");
        sb_field(&b, g, "source");
        snprintf(num, sizeof num, ":%lldx%lld:", (long long)rows, (long long)rl);
        sb_add(&b, num);
        sb_field(&b, g, "tensorScale");
        sb_add(&b, " ");
        sb_field(&b, tc, "input");
        if (json_get(tc, "tensorScale")) {
            sb_add(&b, "/");
            sb_field(&b, tc, "tensorScale");
        }
        sb_add(&b, " ");
        const json_value *e = json_get_object(tc, "expected");
        if (json_get(e, "error")) {
            sb_add(&b, "error:");
            sb_field(&b, e, "error");
        } else {
            sb_field(&b, e, "scales");
            sb_add(&b, "/");
            sb_field(&b, e, "elements");
            sb_add(&b, "/");
            sb_field(&b, e, "dequantized");
            if (json_get(e, "tensorScale")) {
                sb_add(&b, "/");
                sb_field(&b, e, "tensorScale");
            }
        }
    } else if (strcmp(op, "scale-pack") == 0) {
        int64_t rows = 0, cols = 0;
        json_get_int(g, "rows", &rows);
        json_get_int(g, "cols", &cols);
        sb_field(&b, g, "layout");
        snprintf(num, sizeof num, ":%lldx%lld:", (long long)rows, (long long)cols);
        sb_add(&b, num);
        sb_field(&b, g, "padByte");
        sb_add(&b, " ");
        sb_field(&b, tc, "scales");
        sb_add(&b, " ");
        sb_field(&b, tc, "expected");
    } else if (strcmp(op, "weight-pack") == 0) {
        int64_t v[5] = {0, 0, 0, 0, 0};
        json_get_int(g, "bits", &v[0]);
        json_get_int(g, "rows", &v[1]);
        json_get_int(g, "cols", &v[2]);
        json_get_int(g, "groupSize", &v[3]);
        json_get_int(g, "innerKTiles", &v[4]);
        sb_field(&b, g, "layout");
        snprintf(num, sizeof num, ":b%lld:%lldx%lld:g%lld:i%lld ", (long long)v[0], (long long)v[1],
                 (long long)v[2], (long long)v[3], (long long)v[4]);
        sb_add(&b, num);
        sb_dash(&b, tc, "codes");
        sb_add(&b, "/");
        sb_dash(&b, tc, "zeros");
        sb_add(&b, "/");
        sb_dash(&b, tc, "blockFields");
        sb_add(&b, " ");
        const json_value *e = json_get_object(tc, "expected");
        sb_dash(&b, e, "qweight");
        sb_add(&b, "/");
        sb_dash(&b, e, "qzeros");
    } else if (strcmp(op, "scaled-quantize") == 0) {
        int64_t v[4] = {0, 0, 0, 0};
        json_get_int(g, "rows", &v[0]);
        json_get_int(g, "cols", &v[1]);
        json_get_int(g, "blockRows", &v[2]);
        json_get_int(g, "blockCols", &v[3]);
        sb_field(&b, g, "format");
        sb_add(&b, ":");
        sb_field(&b, g, "profile");
        sb_add(&b, ":");
        sb_field(&b, g, "source");
        snprintf(num, sizeof num, ":%lldx%lld:%lldx%lld ", (long long)v[0], (long long)v[1], (long long)v[2],
                 (long long)v[3]);
        sb_add(&b, num);
        sb_field(&b, tc, "input");
        sb_add(&b, " ");
        const json_value *e = json_get_object(tc, "expected");
        if (json_get(e, "error")) {
            sb_add(&b, "error:");
            sb_field(&b, e, "error");
        } else {
            sb_dash(&b, e, "codes");
            sb_add(&b, "/");
            sb_dash(&b, e, "scales");
            sb_add(&b, "/");
            sb_dash(&b, e, "zeros");
            sb_add(&b, "/");
            sb_dash(&b, e, "dequantized");
        }
    } else {
        sb_field(&b, g, "layout");
        sb_add(&b, ":");
        sb_field(&b, g, "format");
        sb_add(&b, " ");
        sb_field(&b, tc, "codes");
        sb_add(&b, " ");
        sb_field(&b, tc, "expected");
    }
    sb_add(&b, " ");
    const json_value *flags = json_get_array(tc, "flags");
    if (flags == NULL || flags->u.array.count == 0) {
        sb_add(&b, "-");
    } else {
        for (size_t i = 0; i < flags->u.array.count; i++) {
            const json_value *f = &flags->u.array.items[i];
            if (i) {
                sb_add(&b, ",");
            }
            sb_add(&b, f->type == JSON_STRING ? f->u.string.chars : "?");
        }
    }
    return b.s;
}

/* ------------------------------------------------------------------------------------------------
 * A vector file */

typedef struct {
    long files, checked, mismatches, decoded;
} totals;

static const char *OPS[] = {"decode", "encode", "quantize", "pack", "scale-pack", "weight-pack", "scaled-quantize"};
#define NOPS 7
static totals TOTALS[NOPS];

typedef struct {
    char *path;
    char sha[65];
    int64_t bytes;
    int64_t tests;
    char **lines; /* a JSON file that was accepted: its twin lines */
    long nlines;
    int accepted;
} entry;

/* Returns 0 when the file was refused; fills en->lines. */
static int check_vector_file(const char *path, const json_value *doc, const char *level, entry *en) {
    if (!check_header(path, doc, 0)) {
        return 0;
    }
    const char *op = json_get_string(doc, "operation");
    int opi = -1;
    for (int i = 0; i < NOPS; i++) {
        if (op != NULL && strcmp(op, OPS[i]) == 0) {
            opi = i;
        }
    }
    if (opi < 0) {
        refuse(path, "unknown operation \"%s\"", op ? op : "(none)");
        return 0;
    }
    if (!check_structure(path, doc, opi)) {
        return 0;
    }
    static const char *required[] = {"format", "profile", "level"};
    for (int i = 0; i < 3; i++) {
        if (json_get_string(doc, required[i]) == NULL) {
            refuse(path, "the header lacks \"%s\"", required[i]);
            return 0;
        }
    }
    if (level != NULL && strcmp(level, json_get_string(doc, "level")) != 0) {
        refuse(path, "level \"%s\" in a level \"%s\" set", json_get_string(doc, "level"), level);
        return 0;
    }
    int64_t n;
    if (!json_get_int(doc, "numberOfTests", &n)) {
        refuse(path, "numberOfTests is missing or not an integer");
        return 0;
    }
    const json_value *groups = json_get_array(doc, "testGroups");
    if (groups == NULL) {
        refuse(path, "testGroups is missing or not an array");
        return 0;
    }
    long counted = 0;
    for (size_t i = 0; i < groups->u.array.count; i++) {
        const json_value *tests = json_get_array(&groups->u.array.items[i], "tests");
        if (tests == NULL) {
            refuse(path, "testGroups[%zu] has no tests array", i);
            return 0;
        }
        counted += (long)tests->u.array.count;
    }
    if (counted != n) {
        refuse(path, "numberOfTests is %lld but the groups hold %ld tests", (long long)n, counted);
        return 0;
    }
    if (en->tests != n) {
        refuse(path, "numberOfTests is %lld but the manifest says %lld", (long long)n, (long long)en->tests);
        return 0;
    }
    const json_value *notes = json_get_object(doc, "notes");
    report r = {path, 0, 0, 0, 0};
    int64_t *ids = malloc(sizeof *ids * (size_t)(counted + 1));
    char **lines = calloc((size_t)counted + 1, sizeof *lines);
    long nids = 0;
    int ok = 1;
    for (size_t gi = 0; gi < groups->u.array.count && ok; gi++) {
        const json_value *g = &groups->u.array.items[gi];
        const char *type = json_get_string(g, "type");
        if (type == NULL || strcmp(type, op) != 0) {
            refuse(path, "a \"%s\" group in a \"%s\" file", type ? type : "(untyped)", op);
            ok = 0;
            break;
        }
        lb_knobs ek;
        qgroup q;
        if (opi == 1 && !read_element_knobs(path, json_get_object(g, "knobs"), &ek)) {
            ok = 0;
            break;
        }
        if (opi == 2 && !read_qgroup(path, g, &q)) {
            ok = 0;
            break;
        }
        const json_value *tests = json_get_array(g, "tests");
        for (size_t ti = 0; ti < tests->u.array.count && ok; ti++) {
            const json_value *tc = &tests->u.array.items[ti];
            int64_t id;
            if (!json_get_int(tc, "tcId", &id)) {
                refuse(path, "testGroups[%zu].tests[%zu] has no integer tcId", gi, ti);
                ok = 0;
                break;
            }
            for (long j = 0; j < nids; j++) {
                if (ids[j] == id) {
                    refuse(path, "tcId %lld is repeated", (long long)id);
                    ok = 0;
                    break;
                }
            }
            if (!ok) {
                break;
            }
            lines[nids] = twin_line(op, g, tc);
            ids[nids++] = id;
            const char *result = json_get_string(tc, "result");
            result_kind res;
            if (result != NULL && strcmp(result, "valid") == 0) {
                res = RES_VALID;
            } else if (result != NULL && strcmp(result, "invalid") == 0) {
                res = RES_INVALID;
            } else if (result != NULL && strcmp(result, "acceptable") == 0) {
                res = RES_ACCEPTABLE;
            } else {
                refuse(path, "tcId %lld: result is %s", (long long)id, result ? result : "missing");
                ok = 0;
                break;
            }
            const json_value *flags = json_get_array(tc, "flags");
            if (flags != NULL && notes != NULL) {
                for (size_t fi = 0; fi < flags->u.array.count; fi++) {
                    const json_value *fl = &flags->u.array.items[fi];
                    if (fl->type != JSON_STRING || json_get(notes, fl->u.string.chars) == NULL) {
                        mismatch(&r, tc, "flag %s has no note", fl->type == JSON_STRING ? fl->u.string.chars : "?");
                    }
                }
            }
            r.checked++;
            switch (opi) {
            case 0: ok = check_decode(g, tc, res, &r); break;
            case 1: ok = check_encode(g, tc, res, &r, &ek); break;
            case 2: ok = check_quantize(&q, tc, res, &r); break;
            case 3: ok = check_pack(g, tc, res, &r); break;
            case 4: ok = check_scale_pack(g, tc, &r); break;
            case 5: ok = check_weight_pack(g, tc, &r); break;
            default: ok = check_scaled_quantize(g, tc, res, &r); break;
            }
        }
    }
    free(ids);
    /* every note is used by some test (FORMAT.md §4: exactly the flags the file's tests use) */
    for (size_t ni = 0; ok && notes != NULL && ni < notes->u.object.count; ni++) {
        const char *flag = notes->u.object.keys[ni];
        int used = 0;
        for (size_t gi = 0; gi < groups->u.array.count && !used; gi++) {
            const json_value *tests = json_get_array(&groups->u.array.items[gi], "tests");
            for (size_t ti = 0; ti < tests->u.array.count && !used; ti++) {
                const json_value *flags = json_get_array(&tests->u.array.items[ti], "flags");
                for (size_t fi = 0; flags != NULL && fi < flags->u.array.count && !used; fi++) {
                    used = strcmp(flags->u.array.items[fi].u.string.chars, flag) == 0;
                }
            }
        }
        if (!used) {
            r.mismatches++;
            if (r.printed < max_report) {
                r.printed++;
                printf("  MISMATCH %s: note %s is used by no test\n", path, flag);
            }
        }
    }
    if (!ok) {
        for (long i = 0; i < nids; i++) {
            free(lines[i]);
        }
        free(lines);
        return 0;
    }
    en->lines = lines;
    en->nlines = nids;
    TOTALS[opi].files++;
    TOTALS[opi].checked += r.checked;
    TOTALS[opi].mismatches += r.mismatches;
    TOTALS[opi].decoded += r.decoded;
    if (!quiet || r.mismatches) {
        printf("%-52s %6ld tests checked, %ld mismatches, %ld codes decoded\n", path, r.checked, r.mismatches,
               r.decoded);
    }
    if (r.mismatches > r.printed) {
        printf("  ... %ld more mismatches\n", r.mismatches - r.printed);
    }
    return 1;
}

/* The text twin: ASCII, '#' comments, then one line per test, equal to the line its JSON test gives. */
static int check_text_twin(const char *path, const unsigned char *raw, size_t len, const entry *json) {
    for (size_t i = 0; i < len; i++) {
        if (raw[i] > 0x7E || (raw[i] < 0x20 && raw[i] != '\n')) {
            refuse(path, "byte %zu (0x%02X) is not printable ASCII", i, raw[i]);
            return 0;
        }
    }
    if (len > 0 && raw[len - 1] != '\n') {
        refuse(path, "the text twin does not end with a newline (truncated?)");
        return 0;
    }
    long line = 0;
    size_t i = 0;
    while (i < len) {
        size_t e = i;
        while (raw[e] != '\n') {
            e++;
        }
        if (e > i && raw[i] != '#') {
            if (line >= json->nlines) {
                refuse(path, "more test lines than its JSON file has tests (%ld)", json->nlines);
                return 0;
            }
            const char *want = json->lines[line];
            if (strlen(want) != e - i || memcmp(want, raw + i, e - i) != 0) {
                /* name the first field that differs */
                static const char *fields[] = {"tcId", "op", "params", "input", "expected", "flags"};
                int field = 0;
                size_t k = 0;
                while (k < e - i && want[k] != '\0' && want[k] == (char)raw[i + k]) {
                    field += want[k] == ' ';
                    k++;
                }
                refuse(path, "test line %ld differs from its JSON test in %s", line + 1,
                       field < 6 ? fields[field] : "a trailing field");
                return 0;
            }
            line++;
        }
        i = e + 1;
    }
    if (line != json->nlines) {
        refuse(path, "the text twin has %ld test lines, its JSON file %ld tests", line, json->nlines);
        return 0;
    }
    return 1;
}

/* ------------------------------------------------------------------------------------------------
 * The manifest and the directory */

static entry *ENTRIES;
static size_t NENTRIES;

static void free_entries(void) {
    for (size_t i = 0; i < NENTRIES; i++) {
        free(ENTRIES[i].path);
        for (long j = 0; j < ENTRIES[i].nlines; j++) {
            free(ENTRIES[i].lines[j]);
        }
        free(ENTRIES[i].lines);
    }
    free(ENTRIES);
    ENTRIES = NULL;
    NENTRIES = 0;
}

static int listed(const char *rel) {
    if (strcmp(rel, "manifest.json") == 0 || strcmp(rel, "SHA256SUMS") == 0) {
        return 1;
    }
    for (size_t i = 0; i < NENTRIES; i++) {
        if (ENTRIES[i].path != NULL && strcmp(ENTRIES[i].path, rel) == 0) {
            return 1;
        }
    }
    return 0;
}

static void find_unlisted(const char *root, const char *rel, int depth) {
    char *dir = rel[0] ? join(root, rel) : join(root, ".");
    DIR *d = depth > 16 ? NULL : opendir(dir);
    free(dir);
    if (d == NULL) {
        return;
    }
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) {
            continue;
        }
        char *name = rel[0] ? join(rel, de->d_name) : xstrdup(de->d_name);
        char *full = join(root, name);
        struct stat st;
        if (stat(full, &st) == 0 && S_ISDIR(st.st_mode)) {
            find_unlisted(root, name, depth + 1);
        } else if (!listed(name)) {
            refuse(name, "present in the directory but not listed in the manifest");
        }
        free(full);
        free(name);
    }
    closedir(d);
}

static void check_sums(const char *root, const unsigned char *manifest_raw, size_t manifest_len) {
    char *p = join(root, "SHA256SUMS");
    size_t len;
    char err[128];
    unsigned char *raw = read_file(p, &len, err, sizeof err);
    free(p);
    if (raw == NULL) {
        refuse("SHA256SUMS", "cannot read: %s", err);
        return;
    }
    char msha[65];
    sha256_hex(manifest_raw, manifest_len, msha);
    long lines = 0;
    size_t i = 0;
    int *seen = calloc(NENTRIES + 1, sizeof *seen);
    int bad = 0, manifest_seen = 0;
    while (i < len && !bad) {
        size_t e = i;
        while (e < len && raw[e] != '\n') {
            e++;
        }
        if (e > i) {
            lines++;
            size_t n = e - i;
            int hexok = n >= 67;
            for (int k = 0; hexok && k < 64; k++) {
                hexok = hexval(raw[i + k]) >= 0;
            }
            if (!hexok || raw[i + 64] != ' ' || (raw[i + 65] != ' ' && raw[i + 65] != '*')) {
                refuse("SHA256SUMS", "line %ld is not \"<sha256>  <path>\"", lines);
                bad = 1;
                break;
            }
            char sha[65], name[1024];
            memcpy(sha, raw + i, 64);
            sha[64] = '\0';
            size_t nl = n - 66 < sizeof name - 1 ? n - 66 : sizeof name - 1;
            memcpy(name, raw + i + 66, nl);
            name[nl] = '\0';
            int found = 0;
            if (strcmp(name, "manifest.json") == 0) {
                found = manifest_seen = 1;
                if (strcmp(sha, msha) != 0) {
                    refuse("SHA256SUMS", "manifest.json: SHA256SUMS says %s, the manifest hashes to %s", sha, msha);
                    bad = 1;
                }
            }
            for (size_t j = 0; j < NENTRIES; j++) {
                if (strcmp(ENTRIES[j].path, name) == 0) {
                    found = 1;
                    seen[j] = 1;
                    if (strcmp(ENTRIES[j].sha, sha) != 0) {
                        refuse("SHA256SUMS", "%s: SHA256SUMS says %s, the manifest says %s", name, sha, ENTRIES[j].sha);
                        bad = 1;
                    }
                }
            }
            if (!found) {
                refuse("SHA256SUMS", "%s is in SHA256SUMS but not in the manifest", name);
                bad = 1;
            }
        }
        i = e + 1;
    }
    for (size_t j = 0; j < NENTRIES && !bad; j++) {
        if (!seen[j]) {
            refuse("SHA256SUMS", "%s is in the manifest but not in SHA256SUMS", ENTRIES[j].path);
            bad = 1;
        }
    }
    if (!bad) {
        printf("SHA256SUMS: %ld lines agree with the manifest%s\n", lines,
               manifest_seen ? " (manifest.json's own checksum included)" : "");
    }
    free(seen);
    free(raw);
}

/* Reads and checks the manifest; 0 when it is refused. */
static int load_manifest(const char *root, char **level, unsigned char **mraw, size_t *mlen) {
    char err[512];
    char *mp = join(root, "manifest.json");
    unsigned char *raw = read_file(mp, mlen, err, sizeof err);
    free(mp);
    if (raw == NULL) {
        refuse("manifest.json", "cannot read: %s", err);
        return 0;
    }
    *mraw = raw;
    json_value *m = json_parse((const char *)raw, *mlen, err, sizeof err);
    if (m == NULL) {
        refuse("manifest.json", "not valid JSON (truncated or corrupt?): %s", err);
        return 0;
    }
    int ok = 0;
    const json_value *files = json_get_array(m, "files");
    const char *vs = json_get_string(m, "vectorSchema"), *lv = json_get_string(m, "level");
    int64_t nfiles, ntests, sum = 0;
    if (!check_header("manifest.json", m, 1) || !check_fields("manifest.json", "the manifest", m, MANIFEST_FIELDS)) {
        goto out;
    }
    if (!is_level(lv)) {
        refuse("manifest.json", "unknown level \"%s\"", lv);
        goto out;
    }
    if (vs == NULL || strcmp(vs, SCHEMA) != 0) {
        refuse("manifest.json", "vectorSchema is %s, expected \"" SCHEMA "\"", vs ? vs : "missing");
        goto out;
    }
    if (lv == NULL || !json_get_int(m, "numberOfFiles", &nfiles) || !json_get_int(m, "numberOfTests", &ntests)) {
        refuse("manifest.json", "level, numberOfFiles or numberOfTests is missing");
        goto out;
    }
    if (files == NULL || files->u.array.count == 0) {
        refuse("manifest.json", "\"files\" is missing, empty or not an array");
        goto out;
    }
    NENTRIES = files->u.array.count;
    ENTRIES = calloc(NENTRIES, sizeof *ENTRIES);
    for (size_t i = 0; i < NENTRIES; i++) {
        const json_value *e = &files->u.array.items[i];
        char where[48];
        snprintf(where, sizeof where, "files[%zu]", i);
        if (!check_fields("manifest.json", where, e, ENTRY_FIELDS)) {
            goto out;
        }
        const char *path = json_get_string(e, "path"), *sha = json_get_string(e, "sha256");
        if (!safe_relpath(path)) {
            refuse("manifest.json", "files[%zu].path is missing or not a safe relative path", i);
            goto out;
        }
        for (size_t j = 0; j < i; j++) {
            if (strcmp(ENTRIES[j].path, path) == 0) {
                refuse("manifest.json", "%s is listed twice", path);
                goto out;
            }
        }
        if (i > 0 && strcmp(ENTRIES[i - 1].path, path) > 0) {
            refuse("manifest.json", "%s is out of order (the files are sorted by path)", path);
            goto out;
        }
        ENTRIES[i].path = xstrdup(path);
        int shaok = sha != NULL && strlen(sha) == 64;
        for (int k = 0; shaok && k < 64; k++) {
            shaok = hexval(sha[k]) >= 0;
        }
        if (!shaok) {
            refuse("manifest.json", "%s: sha256 is not 64 lowercase hex digits", path);
            goto out;
        }
        memcpy(ENTRIES[i].sha, sha, 65);
        if (!json_get_int(e, "bytes", &ENTRIES[i].bytes) || ENTRIES[i].bytes < 0 ||
            !json_get_int(e, "numberOfTests", &ENTRIES[i].tests) || ENTRIES[i].tests < 0) {
            refuse("manifest.json", "%s: bytes or numberOfTests is missing or negative", path);
            goto out;
        }
        if (ends_with(path, ".json")) {
            sum += ENTRIES[i].tests;
        }
    }
    if (nfiles != (int64_t)NENTRIES) {
        refuse("manifest.json", "numberOfFiles is %lld, but %zu files are listed", (long long)nfiles, NENTRIES);
        goto out;
    }
    if (ntests != sum) {
        refuse("manifest.json", "numberOfTests is %lld, but the listed JSON files hold %lld", (long long)ntests,
               (long long)sum);
        goto out;
    }
    printf("manifest: %zu files, %lld tests, level %s, suiteVersion %s\n", NENTRIES, (long long)ntests, lv,
           json_get_string(m, "suiteVersion"));
    *level = xstrdup(lv);
    ok = 1;
out:
    json_free(m);
    return ok;
}

static int run(const char *root) {
    char err[512];
    size_t len, mlen = 0;
    char *level = NULL;
    unsigned char *mraw = NULL, *raw;
    if (!load_manifest(root, &level, &mraw, &mlen)) {
        free(mraw);
        free_entries();
        return 2;
    }
    check_sums(root, mraw, mlen);
    free(mraw);
    find_unlisted(root, "", 0);
    long twins = 0;
    for (int pass = 0; pass < 2; pass++) { /* JSON files first, then their text twins */
        for (size_t i = 0; i < NENTRIES; i++) {
            entry *en = &ENTRIES[i];
            int json = ends_with(en->path, ".json");
            if ((pass == 0) != json) {
                continue;
            }
            char *full = join(root, en->path);
            raw = read_file(full, &len, err, sizeof err);
            free(full);
            if (raw == NULL) {
                refuse(en->path, "listed in the manifest but cannot be read: %s", err);
                continue;
            }
            if ((int64_t)len != en->bytes) {
                refuse(en->path, "size is %zu bytes, the manifest says %lld (truncated or extended?)", len,
                       (long long)en->bytes);
                free(raw);
                continue;
            }
            char hex[65];
            sha256_hex(raw, len, hex);
            if (strcmp(hex, en->sha) != 0) {
                refuse(en->path, "SHA-256 mismatch: the file hashes to %s, the manifest says %s", hex, en->sha);
                free(raw);
                continue;
            }
            if (json) {
                json_value *doc = json_parse((const char *)raw, len, err, sizeof err);
                if (doc == NULL) {
                    refuse(en->path, "not valid JSON (truncated or corrupt?): %s", err);
                } else {
                    en->accepted = check_vector_file(en->path, doc, level, en);
                    json_free(doc);
                }
            } else if (ends_with(en->path, ".txt")) {
                size_t pl = strlen(en->path);
                for (size_t j = 0; j < NENTRIES; j++) {
                    entry *js = &ENTRIES[j];
                    if (js->accepted && strlen(js->path) == pl + 1 && strncmp(js->path, en->path, pl - 4) == 0 &&
                        ends_with(js->path, ".json")) {
                        if (en->tests != js->tests) {
                            refuse(en->path, "the manifest gives the twin %lld tests, its JSON file %lld",
                                   (long long)en->tests, (long long)js->tests);
                        } else if (check_text_twin(en->path, raw, len, js)) {
                            twins++;
                        }
                    }
                }
            }
            free(raw);
        }
    }
    free(level);
    free_entries();
    printf("\nsummary (%s):\n", root);
    long all = 0, bad = 0;
    for (int i = 0; i < NOPS; i++) {
        if (TOTALS[i].files) {
            printf("  %-15s %4ld files %8ld tests checked %6ld mismatches %9ld codes decoded\n", OPS[i], TOTALS[i].files,
                   TOTALS[i].checked, TOTALS[i].mismatches, TOTALS[i].decoded);
        }
        all += TOTALS[i].checked;
        bad += TOTALS[i].mismatches;
    }
    printf("  text twins checked: %ld\n", twins);
    printf("  %ld tests checked, %ld mismatches, %d files refused\n", all, bad, refused_count);
    if (refused_count) {
        printf("FAIL: %d file(s) refused\n", refused_count);
        return 2;
    }
    if (bad) {
        printf("FAIL: %ld mismatch(es)\n", bad);
        return 1;
    }
    if (all == 0) {
        printf("FAIL: no tests found\n");
        return 1;
    }
    printf("OK\n");
    return 0;
}

int main(int argc, char **argv) {
    const char *dir = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quiet") == 0) {
            quiet = 1;
        } else if (strcmp(argv[i], "--max-report") == 0 && i + 1 < argc) {
            max_report = atoi(argv[++i]);
        } else if (argv[i][0] == '-' || dir != NULL) {
            fprintf(stderr, "usage: %s [--max-report N] [--quiet] DIR\n", argv[0]);
            return 2;
        } else {
            dir = argv[i];
        }
    }
    if (dir == NULL) {
        fprintf(stderr, "usage: %s [--max-report N] [--quiet] DIR\n", argv[0]);
        return 2;
    }
    int status = run(dir);
    fflush(stdout);
    return status;
}
