/* Unit tests of the C reader's parts: SHA-256 against FIPS 180-4's examples, the strict JSON parser,
 * and the element and block code against spec/SPEC.md's own examples. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/blocks.h"
#include "../src/formats.h"
#include "../src/json.h"
#include "../src/layouts.h"
#include "../src/sha256.h"
#include "../src/weights.h"

static int failures = 0, checks = 0;

#define CHECK(cond, ...)                                    \
    do {                                                    \
        checks++;                                           \
        if (!(cond)) {                                      \
            failures++;                                     \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);     \
            printf(__VA_ARGS__);                            \
            printf("\n");                                   \
        }                                                   \
    } while (0)

static void test_sha256(void) {
    char hex[65];
    sha256_hex("abc", 3, hex);
    CHECK(strcmp(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad") == 0, "abc: %s", hex);
    sha256_hex("", 0, hex);
    CHECK(strcmp(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855") == 0, "empty: %s", hex);
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    sha256_hex(two, strlen(two), hex);
    CHECK(strcmp(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1") == 0, "448 bits: %s", hex);
    /* one million 'a', fed in uneven pieces to exercise the buffering */
    sha256_ctx ctx;
    unsigned char a[1000], d[32];
    memset(a, 'a', sizeof a);
    sha256_init(&ctx);
    size_t left = 1000000, step = 1;
    while (left) {
        size_t n = step < left ? step : left;
        n = n > sizeof a ? sizeof a : n;
        sha256_update(&ctx, a, n);
        left -= n;
        step = step * 7 % 997 + 1;
    }
    sha256_final(&ctx, d);
    for (int i = 0; i < 32; i++) {
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
    }
    CHECK(strcmp(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0") == 0, "1e6 a: %s", hex);
}

static int parses(const char *text) {
    char err[200];
    json_value *v = json_parse(text, strlen(text), err, sizeof err);
    json_free(v);
    return v != NULL;
}

static void test_json(void) {
    const char *good[] = {
        "{}", "[]", " {\"a\": [1, -2, 0, true, false, null, \"x\"]} \n", "\"\\u00e9\\ud83d\\ude00\\n\\\"\\/\"",
        "9223372036854775807", "-9223372036854775808", "{\"a\":{\"b\":{\"c\":[[]]}}}", "\"caf\xc3\xa9\"",
    };
    const char *bad[] = {
        "", " ", "{", "[1,", "[1 2]", "{\"a\" 1}", "{\"a\":1,}", "[1,]", "{\"a\":1}x", "{\"a\":1} {}", "01", "1.5",
        "1e3", "-", "+1", "9223372036854775808", "-9223372036854775809", "\"abc", "\"\\x\"", "\"\\u12\"",
        "\"\\ud800\"", "\"\\udc00\"", "\"a\tb\"", "\"\xc3\"", "\"\xc0\xaf\"", "\"\xed\xa0\x80\"", "tru", "nul",
        "{\"a\":1,\"a\":2}", "\xef\xbb\xbf{}", "NaN", "[Infinity]", "'a'", "\"\\u0000\"",
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        CHECK(parses(good[i]), "should parse: %s", good[i]);
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK(!parses(bad[i]), "should be refused: %s", bad[i]);
    }
    char deep[200];
    memset(deep, '[', 100);
    memset(deep + 100, ']', 100);
    CHECK(!json_parse(deep, 200, (char[100]){0}, 100), "nesting of 100 refused");
    char err[200];
    const char *text = "{\"s\": \"a\\u00e9\", \"n\": -42, \"l\": [1, 2]}";
    json_value *v = json_parse(text, strlen(text), err, sizeof err);
    CHECK(v != NULL, "parse: %s", err);
    if (v) {
        int64_t n = 0;
        CHECK(strcmp(json_get_string(v, "s"), "a\xc3\xa9") == 0, "string value");
        CHECK(json_get_int(v, "n", &n) && n == -42, "int value");
        CHECK(json_get_array(v, "l")->u.array.count == 2, "array");
        json_free(v);
    }
    CHECK(json_parse("[1, 2", 5, err, sizeof err) == NULL && strstr(err, "truncated") != NULL, "truncated: %s", err);
    CHECK(json_parse("{\"a\": 1}}", 9, err, sizeof err) == NULL && strstr(err, "trailing") != NULL, "trailing: %s", err);
}

static uint32_t f32_of(double x) {
    float f = (float)x;
    uint32_t b;
    memcpy(&b, &f, 4);
    return b;
}

static unsigned enc(const char *fmt, lb_knobs k, lb_value v, uint32_t rbits) {
    unsigned code = 0xDEAD;
    char err[100];
    if (!lb_encode(lb_format_by_name(fmt), &k, v, rbits, &code, err, sizeof err)) {
        printf("  encode error: %s\n", err);
    }
    return code;
}

static void test_formats(void) {
    /* SPEC.md §1's table: max finite and its code, the NaN codes */
    struct {
        const char *name;
        double max;
        unsigned maxcode;
        int nans;
    } rows[] = {
        {"fp8_e4m3", 448, 0x7E, 2}, {"fp8_e5m2", 57344, 0x7B, 6}, {"fp6_e3m2", 28, 0x1F, 0},
        {"fp6_e2m3", 7.5, 0x1F, 0}, {"fp4_e2m1", 6, 0x7, 0}, {"int8", 127, 0x7F, 0},
        {"mxint8", 127.0 / 64, 0x7F, 0}, {"e8m0", 0x1p127, 0xFE, 1}, {"ue4m3", 448, 0x7E, 1},
        {"fp8_e4m3fnuz", 240, 0x7F, 1}, {"fp8_e5m2fnuz", 57344, 0x7F, 1}, {"int4", 7, 0x7, 0}, {"uint4", 15, 0xF, 0},
    };
    char err[100];
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const lb_format *f = lb_format_by_name(rows[i].name);
        int nans = 0;
        uint32_t best = 0;
        unsigned bestcode = 0;
        for (unsigned c = 0; c < f->code_count; c++) {
            lb_value v;
            CHECK(lb_decode(f, c, &v, err, sizeof err), "%s decodes 0x%X", f->name, c);
            if (v.kind == LB_NAN) {
                nans++;
                continue;
            }
            uint32_t b = lb_ieee_round(&LB_F32, v);
            float fv, fb;
            memcpy(&fv, &b, 4);
            memcpy(&fb, &best, 4);
            if (v.kind == LB_NUM && !v.sign && fv > fb) {
                best = b;
                bestcode = c;
            }
        }
        CHECK(nans == rows[i].nans, "%s has %d NaNs", f->name, nans);
        CHECK(best == f32_of(rows[i].max) && bestcode == rows[i].maxcode, "%s max 0x%08X code 0x%X", f->name,
              (unsigned)best, bestcode);
    }
    lb_value v;
    CHECK(!lb_decode(lb_format_by_name("ue4m3"), 0x80, &v, err, sizeof err), "ue4m3 0x80 is not a code");
    lb_decode(lb_format_by_name("e8m0"), 0, &v, err, sizeof err);
    CHECK(lb_ieee_round(&LB_F32, v) == 0x00400000u, "e8m0 0x00 = 2^-127");
    lb_decode(lb_format_by_name("fp8_e4m3"), 0xFF, &v, err, sizeof err);
    CHECK(lb_ieee_round(&LB_F32, v) == 0xFFC00000u, "e4m3 0xFF = -qNaN");
    lb_decode(lb_format_by_name("int4"), 0xF, &v, err, sizeof err);
    CHECK(lb_ieee_round(&LB_F32, v) == 0xBF800000u, "int4 0xF = -1");
    /* IEEE rounding */
    CHECK(lb_ieee_round(&LB_F32, lb_dyadic(0, 1, -150)) == 0, "2^-150 ties to 0");
    CHECK(lb_ieee_round(&LB_F32, lb_dyadic(0, 3, -150)) == 2, "1.5 ulp ties to 2");
    CHECK(lb_ieee_round(&LB_F32, lb_dyadic(0, (UINT64_C(1) << 25) - 1, 103)) == 0x7F800000u, "overflow tie");
    CHECK(lb_ieee_round(&LB_F16, lb_dyadic(0, 0x5555555555555555u, -64)) == 0x3555, "1/3 in f16");
    CHECK(lb_ieee_round(&LB_BF16, lb_dyadic(0, 0x5555555555555555u, -64)) == 0x3EAB, "1/3 in bf16");
    /* encoding examples */
    lb_knobs k;
    lb_knobs_default(&k);
    k.nan = N_QUIET_NAN_SIGNED;
    CHECK(enc("fp8_e4m3", k, lb_dyadic(0, 464, 0), 0) == 0x7E, "464 -> 0x7E");
    k.overflow = O_NONSAT;
    CHECK(enc("fp8_e4m3", k, lb_dyadic(0, 465, 0), 0) == 0x7F, "465 NONSAT -> 0x7F");
    CHECK(enc("fp8_e4m3", k, lb_dyadic(1, 465, 0), 0) == 0xFF, "-465 NONSAT -> 0xFF");
    k.rounding = R_RZ;
    lb_value inf = {LB_INF, 0, 0, 0};
    CHECK(enc("fp8_e5m2", k, inf, 0) == 0x7C, "+Inf RZ NONSAT -> 0x7C");
    lb_knobs e8;
    lb_knobs_default(&e8);
    e8.nan = N_QUIET_NAN_SIGNED;
    e8.negative = G_ABSOLUTE;
    e8.e8m0_bottom = B_CODE0_AS_ZERO;
    CHECK(enc("e8m0", e8, lb_dyadic(0, 5, -129), 0) == 0x01, "1.25*2^-127 -> 0x01");
    CHECK(enc("e8m0", e8, lb_dyadic(0, 1, -127), 0) == 0x00, "2^-127 -> 0x00 (RNE)");
    e8.rounding = R_RNA;
    CHECK(enc("e8m0", e8, lb_dyadic(0, 1, -127), 0) == 0x01, "2^-127 -> 0x01 (RNA)");
    e8.rounding = R_RNE;
    e8.e8m0_bottom = B_EXACT;
    CHECK(enc("e8m0", e8, lb_dyadic(0, 3, -128), 0) == 0x01, "1.5*2^-127 ties up");
    CHECK(enc("e8m0", e8, lb_dyadic(0, 3, 0), 0) == 0x81, "3 ties up to 4");
    lb_knobs f4;
    lb_knobs_default(&f4);
    f4.nan = N_ZERO;
    f4.rounding = R_SR;
    CHECK(enc("fp4_e2m1", f4, lb_dyadic(0, 5, -2), (1u << 31) - 1) == 0x2, "SR below");
    CHECK(enc("fp4_e2m1", f4, lb_dyadic(0, 5, -2), 1u << 31) == 0x3, "SR at");
    f4.rounding = R_RNE;
    CHECK(enc("fp4_e2m1", f4, lb_dyadic(0, 7, 0), 0) == 0x7, "7 ties to V, saturates");
    CHECK(enc("fp4_e2m1", f4, lb_dyadic(0, 1, -2), 0) == 0x0, "0.25 ties to 0");
    CHECK(enc("int8", f4, lb_dyadic(1, 200, 0), 0) == 0x81, "-200 symmetric");
    f4.int_range = IR_FULL;
    CHECK(enc("int8", f4, lb_dyadic(1, 200, 0), 0) == 0x80, "-200 full");
    CHECK(enc("int8", f4, lb_dyadic(0, 5, -1), 0) == 0x02, "2.5 -> 2");
    uint64_t s = 0;
    CHECK(lb_splitmix64_next(&s) == UINT64_C(0xE220A8397B1DCDAF), "splitmix 1");
    CHECK(lb_splitmix64_next(&s) == UINT64_C(0x6E789E6AA1B965F4), "splitmix 2");
    CHECK(lb_splitmix64_next(&s) == UINT64_C(0x06C45D188009454F), "splitmix 3");
}

static void test_blocks(void) {
    /* SPEC.md §8.3's worked values for mxfp4 */
    struct {
        uint32_t amax;
        unsigned codes[5];
    } rows[] = {
        {0x40600000, {0x7E, 0x7F, 0x7F, 0x7F, 0x7F}}, /* 3.5 */
        {0x40A00000, {0x7F, 0x80, 0x7F, 0x7F, 0x7F}}, /* 5 */
        {0x40C00000, {0x7F, 0x80, 0x7F, 0x7F, 0x7F}}, /* 6 */
        {0x40C00001, {0x7F, 0x80, 0x7F, 0x80, 0x80}}, /* nextUp(6) */
        {0x40D00000, {0x7F, 0x80, 0x7F, 0x80, 0x80}}, /* 6.5 */
        {0x40E00000, {0x7F, 0x80, 0x80, 0x80, 0x80}}, /* 7 */
        {0x40FFFFFF, {0x7F, 0x80, 0x80, 0x80, 0x80}},
        {0x00000000, {0x00, 0x00, 0x00, 0x00, 0x00}},
        {0x7F7FFFFF, {0xFC, 0xFD, 0xFD, 0xFD, 0xFD}},
    };
    lb_scale_rule rules[] = {SR_FLOOR, SR_CEIL, SR_EVEN, SR_RCEIL, SR_ROUND_UP};
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        for (int r = 0; r < 5; r++) {
            int dz;
            unsigned got = lb_mx_scale_code(rules[r], rows[i].amax, 2, 6.0f, 1, &dz);
            CHECK(got == rows[i].codes[r], "rule %d amax 0x%08X: 0x%02X", r, (unsigned)rows[i].amax, got);
        }
    }
    unsigned want130[] = {0, 0, 0, 0, 1};
    for (int r = 0; r < 5; r++) {
        int dz;
        unsigned got = lb_mx_scale_code(rules[r], 0x00200000 /* 2^-130 */, 8, 448.0f, 3, &dz);
        CHECK(got == want130[r], "mxfp8_e4m3 amax 2^-130 rule %d: 0x%02X", r, got);
    }
    /* SPEC.md §8.4's RUN-AO example */
    float in[32] = {6, 3, 1, 0.5f, 0.25f, -2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.75f, 0.001f, 0.0005f};
    lb_value vals[32];
    for (int i = 0; i < 32; i++) {
        uint32_t b;
        memcpy(&b, &in[i], 4);
        vals[i] = lb_ieee_decode(&LB_F32, b);
    }
    lb_block_knobs bk = {SR_NEAREST, 1, 0, 0, 1, 1, 1};
    lb_knobs ek;
    lb_knobs_default(&ek);
    ek.nan = N_ZERO;
    unsigned scales[2], codes[32];
    uint32_t g = 0;
    const char *code;
    char err[100];
    const lb_block_format *nv = lb_block_format_by_name("nvfp4");
    CHECK(lb_quantize(nv, &bk, &ek, 1, 32, vals, TS_NONE, &g, scales, codes, &code, err, sizeof err) == 0, "%s", err);
    CHECK(scales[0] == 0x38 && scales[1] == 0x08, "single level 0x%02X 0x%02X", scales[0], scales[1]);
    CHECK(lb_quantize(nv, &bk, &ek, 1, 32, vals, TS_COMPUTED, &g, scales, codes, &code, err, sizeof err) == 0, "%s",
          err);
    CHECK(g == 0x3B124925u, "g 0x%08X", (unsigned)g);
    CHECK(scales[0] == 0x7E && scales[1] == 0x1A, "two level 0x%02X 0x%02X", scales[0], scales[1]);
    CHECK(codes[16] == 7 && codes[17] == 5, "second block codes %u %u", codes[16], codes[17]);
    CHECK(lb_quantize(nv, &bk, &ek, 1, 24, vals, TS_NONE, &g, scales, codes, &code, err, sizeof err) == 1 &&
              strcmp(code, "RAGGED_TAIL") == 0,
          "a ragged tail under REJECT");
    /* layouts, SPEC.md §9.6 */
    unsigned char out[8];
    unsigned c1[] = {7, 2, 0, 0xD}, c2[] = {1, 2, 3, 4}, back[8];
    CHECK(lb_pack("nibble-low-first", lb_format_by_name("fp4_e2m1"), c1, 4, out, err, sizeof err) == 2 &&
              out[0] == 0x27 && out[1] == 0xD0,
          "nibble-low-first");
    CHECK(lb_pack("fp6-4in3", lb_format_by_name("fp6_e3m2"), c2, 4, out, err, sizeof err) == 3 && out[0] == 0x81 &&
              out[1] == 0x30 && out[2] == 0x10,
          "fp6-4in3");
    CHECK(lb_unpack("fp6-4in3", lb_format_by_name("fp6_e3m2"), out, 3, back, err, sizeof err) == 4 && back[3] == 4,
          "fp6-4in3 back");
    out[0] = 0x01;
    CHECK(lb_unpack("f8f6f4-container", lb_format_by_name("fp4_e2m1"), out, 1, back, err, sizeof err) < 0,
          "a pad bit is refused");
}

static uint32_t w32(const unsigned char *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* SPEC.md §9.3, §9.4 and §11.4 examples (the weight and scale layouts, scaled dequantization). */
static void test_weights(void) {
    char err[160];
    unsigned codes[512], zeros[64], back[512], bz[64];
    unsigned char qw[4096], qz[256], f[64];
    for (unsigned i = 0; i < 8; i++) {
        codes[i] = i + 1;
    }
    /* gptq 4-bit, one column of K = 8: 0x87654321; ct the same; awq N = 8, K = 1: 0x86427531 */
    zeros[0] = 8;
    CHECK(!lb_wpack(WL_GPTQ_V1, 4, 1, 8, 8, 0, codes, zeros, NULL, qw, qz, err, sizeof err), "gptq N*b < 32 refused");
    unsigned col[64];
    for (unsigned n = 0; n < 8; n++) {
        for (unsigned k = 0; k < 8; k++) {
            col[n * 8 + k] = k + 1;
        }
        zeros[n] = 8;
    }
    CHECK(lb_wpack(WL_GPTQ_V1, 4, 8, 8, 8, 0, col, zeros, NULL, qw, qz, err, sizeof err), "gptq: %s", err);
    CHECK(w32(qw) == 0x87654321u, "gptq word 0x%08X", (unsigned)w32(qw));
    CHECK(w32(qz) == 0x77777777u, "gptq v1 symmetric qzeros 0x%08X", (unsigned)w32(qz));
    CHECK(lb_wpack(WL_GPTQ_V2, 4, 8, 8, 8, 0, col, zeros, NULL, qw, qz, err, sizeof err), "gptq v2: %s", err);
    CHECK(w32(qz) == 0x88888888u, "gptq v2 qzeros 0x%08X", (unsigned)w32(qz));
    CHECK(lb_wunpack(WL_GPTQ_V1, 4, 8, 8, 8, 0, qw, qz, back, bz, f, err, sizeof err) && memcmp(back, col, sizeof(unsigned) * 64) == 0,
          "gptq unpack");
    CHECK(lb_wpack(WL_CT, 4, 1, 8, 0, 0, codes, NULL, NULL, qw, qz, err, sizeof err) && w32(qw) == 0x87654321u,
          "ct word 0x%08X", (unsigned)w32(qw));
    CHECK(lb_wpack(WL_AWQ, 4, 8, 1, 1, 0, codes, zeros, NULL, qw, qz, err, sizeof err) && w32(qw) == 0x86427531u,
          "awq word 0x%08X", (unsigned)w32(qw));
    /* gptq 3-bit symmetric qzeros: v1 [0xDB6DB6DB, 0xB6DB6DB6, 0x6DB6DB6D], v2 [0x24924924, 0x49249249, 0x92492492] */
    unsigned z3[32], c3[32 * 32];
    for (int i = 0; i < 32; i++) {
        z3[i] = 4;
    }
    memset(c3, 0, sizeof c3);
    CHECK(lb_wpack(WL_GPTQ_V1, 3, 32, 32, 32, 0, c3, z3, NULL, qw, qz, err, sizeof err), "gptq3: %s", err);
    CHECK(w32(qz) == 0xDB6DB6DBu && w32(qz + 4) == 0xB6DB6DB6u && w32(qz + 8) == 0x6DB6DB6Du, "gptq3 v1 qzeros");
    CHECK(lb_wpack(WL_GPTQ_V2, 3, 32, 32, 32, 0, c3, z3, NULL, qw, qz, err, sizeof err), "gptq3 v2: %s", err);
    CHECK(w32(qz) == 0x24924924u && w32(qz + 4) == 0x49249249u && w32(qz + 8) == 0x92492492u, "gptq3 v2 qzeros");
    /* hqq 4-bit W[2][4] = 1..8 -> 15 26 37 48 */
    CHECK(lb_wpack(WL_HQQ, 4, 2, 4, 0, 0, codes, NULL, NULL, qw, qz, err, sizeof err) && qw[0] == 0x15 && qw[3] == 0x48,
          "hqq bytes %02x %02x", qw[0], qw[3]);
    /* tinygemm q[n][k] = k mod 16, ikt = 2: words 0x91918080, 0xB3B3A2A2 */
    unsigned tg[8 * 32];
    for (int i = 0; i < 8 * 32; i++) {
        tg[i] = (unsigned)(i % 32) % 16;
    }
    CHECK(lb_wpack(WL_TINYGEMM, 4, 8, 32, 0, 2, tg, NULL, NULL, qw, qz, err, sizeof err), "tinygemm: %s", err);
    CHECK(w32(qw) == 0x91918080u && w32(qw + 4) == 0xB3B3A2A2u, "tinygemm 0x%08X 0x%08X", (unsigned)w32(qw),
          (unsigned)w32(qw + 4));
    /* q4_k scales: packed and unpacked round trip */
    unsigned char fields[20] = {0, 0, 0, 0, 1, 2, 3, 4, 33, 38, 43, 63, 1, 2, 3, 4, 40, 41, 42, 63};
    unsigned q256[256] = {0};
    CHECK(lb_wpack(WL_Q4_K, 4, 1, 256, 0, 0, q256, NULL, fields, qw, qz, err, sizeof err), "q4_k: %s", err);
    CHECK(lb_wunpack(WL_Q4_K, 4, 1, 256, 0, 0, qw, NULL, back, NULL, f, err, sizeof err) && memcmp(f, fields, 20) == 0,
          "q4_k round trip");
    /* swizzle-128x4 (nvmath, C = 8): (5, 2) -> 82, (5, 5) -> 593 */
    CHECK(lb_swizzle_offset(5, 2, 8) == 82 && lb_swizzle_offset(5, 5, 8) == 593, "swizzle 82 / 593");
    CHECK(lb_swizzle_offset(32, 0, 8) == 4 && lb_swizzle_offset(1, 0, 8) == 16 && lb_swizzle_offset(0, 4, 8) == 512 &&
              lb_swizzle_offset(128, 0, 8) == 1024,
          "swizzle simple cases");
    /* §11.4 dequantization */
    const lb_format *u4 = lb_format_by_name("uint4"), *i8 = lb_format_by_name("int8"), *e4 = lb_format_by_name("fp8_e4m3");
    CHECK(lb_scaled_dequant(ZP_IMPLICIT, &LB_F32, u4, 8, 0xB000, &LB_F16, 0) == 0x80000000u, "q4_0 0*(-0.125) = -0");
    CHECK(lb_scaled_dequant(ZP_IMPLICIT, &LB_F32, u4, 0, 0x3800, &LB_F16, 0) == 0xC0800000u, "q4_0 -8*0.5");
    CHECK(lb_scaled_dequant(ZP_NONE, &LB_F32, i8, 0xFD, 0x3C00, &LB_F16, 0) == 0xC0400000u, "q8_0 -3*1");
    CHECK(lb_scaled_dequant(ZP_NONE, &LB_F32, i8, 0, 0x3F800000, &LB_F32, 0) == 0, "int8 0 is +0");
    CHECK(lb_scaled_dequant(ZP_FLOAT, &LB_F16, u4, 5, 0x2E66, &LB_F16, 0x4100) == 0x3E800000u, "hqq tie to 0.25");
    CHECK(lb_scaled_dequant(ZP_MIN, &LB_F32, u4, 3, 0x3800, &LB_F16, 0xBE00) == 0, "q4_1 1.5 - 1.5 = +0");
    CHECK(lb_scaled_dequant(ZP_INTEGER, &LB_F16, u4, 0, 0x7BFF, &LB_F16, 8) == 0xFF800000u, "awq f16 overflow");
    CHECK(lb_ieee_is_nan(&LB_F32, lb_scaled_dequant(ZP_NONE, &LB_F32, e4, 0x7F, 0x3F800000, &LB_F32, 0)), "fp8 NaN");
}

int main(void) {
    test_sha256();
    test_json();
    test_formats();
    test_blocks();
    test_weights();
    printf("unit tests: %d checks, %d failures\n", checks, failures);
    return failures != 0;
}
