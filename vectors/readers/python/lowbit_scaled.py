"""Scaled integer / FP8 formats (SPEC.md §11), weight layouts (§9.3) and scale layouts (§9.4), written
from spec/SPEC.md alone. Standard library only; values are exact (lowbit_formats' value tuples) and are
rounded once per IEEE operation.

Codes are lists of unsigned ints (one code per element, logical order). Words are unsigned 32-bit ints;
`words_to_bytes` / `bytes_to_words` convert them little-endian (SPEC.md §9.0).
"""

from fractions import Fraction

from lowbit_formats import F16, F32, BF16, IEEE, NAN, INF, NUM, element_format


class LayoutError(Exception):
    pass


def words_to_bytes(words):
    return b''.join((w & 0xFFFFFFFF).to_bytes(4, 'little') for w in words)


def bytes_to_words(raw):
    if len(raw) % 4:
        raise LayoutError('%d bytes are not a whole number of int32 words' % len(raw))
    return [int.from_bytes(raw[i:i + 4], 'little') for i in range(0, len(raw), 4)]


def _check_codes(codes, bits):
    for i, c in enumerate(codes):
        if c < 0 or c >> bits:
            raise LayoutError('code %d (%d) does not fit in %d bits' % (i, c, bits))


def _need(cond, msg):
    if not cond:
        raise LayoutError(msg)


# ---------------------------------------------------------------------------------------------------
# Bit streams: code i at stream bits b*i .. b*i+b-1, stream bit t in bit t%32 of word t//32.

def _stream_pack(codes, b, nwords):
    words = [0] * nwords
    for i, c in enumerate(codes):
        for t in range(b):
            if c >> t & 1:
                pos = b * i + t
                words[pos // 32] |= 1 << (pos % 32)
    return words


def _stream_unpack(words, b, n):
    out = []
    for i in range(n):
        c = 0
        for t in range(b):
            pos = b * i + t
            c |= (words[pos // 32] >> (pos % 32) & 1) << t
        out.append(c)
    return out


# ---------------------------------------------------------------------------------------------------
# GPTQ (§9.3.1). q: W[N][K] row-major; qweight int32 [K*b/32][N], word (r, n) at r*N + n.

def gptq_pack_qweight(q, n_rows, k, b):
    _need(b in (2, 3, 4, 8), 'gptq bits must be 2, 3, 4 or 8, not %d' % b)
    _need(k * b % 32 == 0, 'gptq needs K*b a multiple of 32 (K=%d, b=%d)' % (k, b))
    _need(len(q) == n_rows * k, 'gptq: %d codes for [%d][%d]' % (len(q), n_rows, k))
    _check_codes(q, b)
    rows = k * b // 32
    out = [0] * (rows * n_rows)
    for n in range(n_rows):
        col = _stream_pack(q[n * k:(n + 1) * k], b, rows)
        for r in range(rows):
            out[r * n_rows + n] = col[r]
    return out


def gptq_unpack_qweight(words, n_rows, k, b):
    rows = k * b // 32
    _need(len(words) == rows * n_rows, 'gptq qweight: %d words for [%d][%d]' % (len(words), rows, n_rows))
    q = []
    for n in range(n_rows):
        q.extend(_stream_unpack([words[r * n_rows + n] for r in range(rows)], b, k))
    return q


def gptq_pack_qzeros(z, n_rows, groups, b, version):
    """z: Z[N][groups] row-major true zeros; qzeros int32 [groups][N*b/32]; v1 stores z - 1."""
    _need(n_rows * b % 32 == 0, 'gptq qzeros needs N*b a multiple of 32 (N=%d, b=%d)' % (n_rows, b))
    _need(len(z) == n_rows * groups, 'gptq qzeros: %d zeros for [%d][%d]' % (len(z), n_rows, groups))
    per = n_rows * b // 32
    out = []
    for g in range(groups):
        row = [z[n * groups + g] for n in range(n_rows)]
        if version == 1:
            for n, v in enumerate(row):
                _need(1 <= v <= 1 << b, 'gptq-v1 cannot store the true zero %d (column %d, group %d)' % (v, n, g))
            row = [v - 1 for v in row]
        _check_codes(row, b)
        out.extend(_stream_pack(row, b, per))
    return out


def gptq_unpack_qzeros(words, n_rows, groups, b, version):
    per = n_rows * b // 32
    _need(len(words) == per * groups, 'gptq qzeros: %d words for [%d][%d]' % (len(words), groups, per))
    z = [0] * (n_rows * groups)
    for g in range(groups):
        row = _stream_unpack(words[g * per:(g + 1) * per], b, n_rows)
        for n, v in enumerate(row):
            z[n * groups + g] = v + 1 if version == 1 else v
    return z


def gptq_v1_to_v2_word(w, b):
    return (w + {2: 0x55555555, 4: 0x11111111, 8: 0x01010101}[b]) & 0xFFFFFFFF


def gptq_v2_to_v1_word(w, b):
    return (w - {2: 0x55555555, 4: 0x11111111, 8: 0x01010101}[b]) & 0xFFFFFFFF


# ---------------------------------------------------------------------------------------------------
# AWQ (§9.3.2): qweight int32 [K][N/8]; qzeros int32 [groups][N/8]; nibble i = column 8c + ORDER[i].

AWQ_ORDER = [0, 2, 4, 6, 1, 3, 5, 7]


def _awq_pack(mat, rows, cols):
    """mat[c_index][r] accessor style: mat(n, r) -> code; output [rows][cols/8]."""
    _need(cols % 8 == 0, 'awq needs N a multiple of 8, got %d' % cols)
    out = []
    for r in range(rows):
        for c in range(cols // 8):
            w = 0
            for i in range(8):
                w |= mat(8 * c + AWQ_ORDER[i], r) << (4 * i)
            out.append(w)
    return out


def awq_pack_qweight(q, n_rows, k):
    _check_codes(q, 4)
    _need(len(q) == n_rows * k, 'awq: %d codes for [%d][%d]' % (len(q), n_rows, k))
    return _awq_pack(lambda n, kk: q[n * k + kk], k, n_rows)


def awq_pack_qzeros(z, n_rows, groups):
    _check_codes(z, 4)
    _need(len(z) == n_rows * groups, 'awq qzeros: %d zeros for [%d][%d]' % (len(z), n_rows, groups))
    return _awq_pack(lambda n, g: z[n * groups + g], groups, n_rows)


def _awq_unpack(words, rows, cols):
    _need(cols % 8 == 0 and len(words) == rows * cols // 8, 'awq: %d words for [%d][%d]' % (len(words), rows, cols // 8))
    out = [0] * (rows * cols)  # [cols][rows] row-major
    for r in range(rows):
        for c in range(cols // 8):
            w = words[r * (cols // 8) + c]
            for i in range(8):
                out[(8 * c + AWQ_ORDER[i]) * rows + r] = w >> (4 * i) & 0xF
    return out


def awq_unpack_qweight(words, n_rows, k):
    return _awq_unpack(words, k, n_rows)


def awq_unpack_qzeros(words, n_rows, groups):
    return _awq_unpack(words, groups, n_rows)


# ---------------------------------------------------------------------------------------------------
# HQQ (§9.3.3): W[R][C] row-major; planes along dim 0, first plane in the most significant bits.
# b in {1, 2, 4, 8}: uint8 [R*b/8][C] (bytes); b = 3: int32 [ceil(R/10)][C] (words).

def hqq_pack(w, r_rows, c, b):
    _need(b in (1, 2, 3, 4, 8), 'hqq bits must be 1, 2, 3, 4 or 8, not %d' % b)
    _need(len(w) == r_rows * c, 'hqq: %d codes for [%d][%d]' % (len(w), r_rows, c))
    _check_codes(w, b)
    if b == 3:
        s = -(-r_rows // 10)
        get = lambda r, cc: w[r * c + cc] if r < r_rows else 0
        return [sum(get(r + i * s, cc) << (27 - 3 * i) for i in range(10)) for r in range(s) for cc in range(c)]
    planes = 8 // b
    _need(r_rows % planes == 0, 'hqq %d-bit needs R a multiple of %d, got %d' % (b, planes, r_rows))
    s = r_rows // planes
    return [sum(w[(r + i * s) * c + cc] << (8 - b * (i + 1)) for i in range(planes)) for r in range(s) for cc in range(c)]


def hqq_unpack(packed, r_rows, c, b, strict=True):
    """packed: bytes-as-ints (b != 3) or words (b = 3). Strict: the 3-bit pad rows and bits 31..30 are 0."""
    mask = (1 << b) - 1
    out = [0] * (r_rows * c)
    if b == 3:
        s = -(-r_rows // 10)
        _need(len(packed) == s * c, 'hqq 3-bit: %d words for [%d][%d]' % (len(packed), s, c))
        for r in range(s):
            for cc in range(c):
                word = packed[r * c + cc]
                if strict and word >> 30:
                    raise LayoutError('hqq 3-bit word (%d, %d) has pad bits 31..30 set' % (r, cc))
                for i in range(10):
                    v = word >> (27 - 3 * i) & 7
                    rr = r + i * s
                    if rr < r_rows:
                        out[rr * c + cc] = v
                    elif strict and v:
                        raise LayoutError('hqq 3-bit padding row %d, column %d is %d, not 0' % (rr, cc, v))
        return out
    planes = 8 // b
    s = r_rows // planes
    _need(len(packed) == s * c, 'hqq %d-bit: %d bytes for [%d][%d]' % (b, len(packed), s, c))
    for r in range(s):
        for cc in range(c):
            byte = packed[r * c + cc]
            for i in range(planes):
                out[(r + i * s) * c + cc] = byte >> (8 - b * (i + 1)) & mask
    return out


# ---------------------------------------------------------------------------------------------------
# uint4x2 (§9.3.4): bytes [R][C/2], byte (r, j) = q[r][2j+1] << 4 | q[r][2j].

def uint4x2_pack(q, r_rows, c):
    _need(c % 2 == 0, 'uint4x2 needs an even C, got %d' % c)
    _need(len(q) == r_rows * c, 'uint4x2: %d codes for [%d][%d]' % (len(q), r_rows, c))
    _check_codes(q, 4)
    return [q[i + 1] << 4 | q[i] for i in range(0, len(q), 2)]


def uint4x2_unpack(packed, r_rows, c):
    _need(len(packed) * 2 == r_rows * c, 'uint4x2: %d bytes for [%d][%d]' % (len(packed), r_rows, c))
    out = []
    for byte in packed:
        out += [byte & 0xF, byte >> 4]
    return out


# ---------------------------------------------------------------------------------------------------
# compressed-tensors pack-quantized (§9.3.5): int32 [N][K*b/32], LSB first along K, b in {2, 4, 8}.

def ct_pack(q, n_rows, k, b):
    _need(b in (2, 4, 8), 'ct-pack-quantized bits must be 2, 4 or 8, not %d' % b)
    _need(k * b % 32 == 0, 'ct-pack-quantized needs K*b a multiple of 32 (K=%d, b=%d)' % (k, b))
    _need(len(q) == n_rows * k, 'ct: %d codes for [%d][%d]' % (len(q), n_rows, k))
    _check_codes(q, b)
    out = []
    for n in range(n_rows):
        out += _stream_pack(q[n * k:(n + 1) * k], b, k * b // 32)
    return out


def ct_unpack(words, n_rows, k, b):
    per = k * b // 32
    _need(len(words) == n_rows * per, 'ct: %d words for [%d][%d]' % (len(words), n_rows, per))
    out = []
    for n in range(n_rows):
        out += _stream_unpack(words[n * per:(n + 1) * per], b, k)
    return out


def ct_code_of_value(v, b):
    """The stored code of the signed value v: v + 2^(b-1)."""
    return v + (1 << (b - 1))


# ---------------------------------------------------------------------------------------------------
# tinygemm (§9.3.6): int32 [N/8][K/(16*ikt)][32][ikt/2].

_TG_K = [0, 8, 16, 24, 1, 9, 17, 25]     # nibble i holds k0 + _TG_K[i]


def _tinygemm_index(n_rows, k, ikt):
    _need(ikt in (2, 4, 8), 'tinygemm innerKTiles must be 2, 4 or 8, not %d' % ikt)
    _need(n_rows % 8 == 0, 'tinygemm needs N a multiple of 8, got %d' % n_rows)
    _need(k % (16 * ikt) == 0, 'tinygemm needs K a multiple of %d, got %d' % (16 * ikt, k))
    for nt in range(n_rows // 8):
        for ko in range(k // (16 * ikt)):
            for t in range(32):
                for j in range(ikt // 2):
                    n = 8 * nt + t // 4
                    k0 = 16 * (ko * ikt + 2 * j) + 2 * (t % 4)
                    yield [(n, k0 + d) for d in _TG_K]


def tinygemm_pack(q, n_rows, k, ikt):
    _need(len(q) == n_rows * k, 'tinygemm: %d codes for [%d][%d]' % (len(q), n_rows, k))
    _check_codes(q, 4)
    return [sum(q[n * k + kk] << (4 * i) for i, (n, kk) in enumerate(pos)) for pos in _tinygemm_index(n_rows, k, ikt)]


def tinygemm_unpack(words, n_rows, k, ikt):
    out = [0] * (n_rows * k)
    idx = list(_tinygemm_index(n_rows, k, ikt))
    _need(len(words) == len(idx), 'tinygemm: %d words, expected %d' % (len(words), len(idx)))
    for w, pos in zip(words, idx):
        for i, (n, kk) in enumerate(pos):
            out[n * k + kk] = w >> (4 * i) & 0xF
    return out


# ---------------------------------------------------------------------------------------------------
# GGUF blocks (§9.3.7). A block is given as a dict: d (fp16 bits), m (q4_1), dmin, sc[8], mins[8] (q4_k)
# and q (the codes: uint4 for q4_*, int8 codes 0..255 for q8_0).

GGUF_BLOCK = {'q4_0': (32, 18), 'q4_1': (32, 20), 'q8_0': (32, 34), 'q4_k': (256, 144)}


def _h16(v):
    return (v & 0xFFFF).to_bytes(2, 'little')


def gguf_pack_block(kind, blk):
    q = blk['q']
    n = GGUF_BLOCK[kind][0]
    _need(len(q) == n, 'gguf %s block needs %d codes, got %d' % (kind, n, len(q)))
    if kind == 'q8_0':
        _check_codes(q, 8)
        return _h16(blk['d']) + bytes(q)
    _check_codes(q, 4)
    if kind in ('q4_0', 'q4_1'):
        qs = bytes(q[j] | q[j + 16] << 4 for j in range(16))
        return _h16(blk['d']) + (_h16(blk['m']) if kind == 'q4_1' else b'') + qs
    sc, mn = blk['sc'], blk['mins']
    _check_codes(sc, 6)
    _check_codes(mn, 6)
    scales = [0] * 12
    for j in range(4):
        scales[j] = sc[j] | (sc[j + 4] >> 4) << 6
        scales[j + 4] = mn[j] | (mn[j + 4] >> 4) << 6
        scales[j + 8] = (sc[j + 4] & 0xF) | (mn[j + 4] & 0xF) << 4
    qs = bytes(q[64 * c + l] | q[64 * c + 32 + l] << 4 for c in range(4) for l in range(32))
    return _h16(blk['d']) + _h16(blk['dmin']) + bytes(scales) + qs


def gguf_unpack_block(kind, raw):
    n, size = GGUF_BLOCK[kind]
    _need(len(raw) == size, 'gguf %s block is %d bytes, not %d' % (kind, size, len(raw)))
    d = int.from_bytes(raw[0:2], 'little')
    if kind == 'q8_0':
        return {'d': d, 'q': list(raw[2:34])}
    if kind in ('q4_0', 'q4_1'):
        off = 4 if kind == 'q4_1' else 2
        qs = raw[off:off + 16]
        blk = {'d': d, 'q': [qs[j] & 0xF for j in range(16)] + [qs[j] >> 4 for j in range(16)]}
        if kind == 'q4_1':
            blk['m'] = int.from_bytes(raw[2:4], 'little')
        return blk
    dmin = int.from_bytes(raw[2:4], 'little')
    s = raw[4:16]
    sc, mn = [0] * 8, [0] * 8
    for j in range(4):
        sc[j] = s[j] & 63
        mn[j] = s[j + 4] & 63
        sc[j + 4] = (s[j + 8] & 0xF) | (s[j] >> 6) << 4
        mn[j + 4] = (s[j + 8] >> 4) | (s[j + 4] >> 6) << 4
    qs = raw[16:144]
    q = [0] * 256
    for c in range(4):
        for l in range(32):
            q[64 * c + l] = qs[32 * c + l] & 0xF
            q[64 * c + 32 + l] = qs[32 * c + l] >> 4
    return {'d': d, 'dmin': dmin, 'sc': sc, 'mins': mn, 'q': q}


# ---------------------------------------------------------------------------------------------------
# Scale layouts (§9.4).

def swizzle_offset(r, c, cols):
    cp = -(-cols // 4) * 4
    return ((r // 128) * (cp // 4) + c // 4) * 512 + (r % 32) * 16 + ((r % 128) // 32) * 4 + c % 4


def swizzle_size(rows, cols):
    return (-(-rows // 128) * 128) * (-(-cols // 4) * 4)


def swizzle_pack(scales, rows, cols, pad=0):
    _need(len(scales) == rows * cols, 'swizzle: %d scales for [%d][%d]' % (len(scales), rows, cols))
    out = [pad] * swizzle_size(rows, cols)
    for r in range(rows):
        for c in range(cols):
            out[swizzle_offset(r, c, cols)] = scales[r * cols + c]
    return out


def swizzle_unpack(packed, rows, cols, pad=0, strict=True):
    _need(len(packed) == swizzle_size(rows, cols), 'swizzle: %d bytes, expected %d' % (len(packed), swizzle_size(rows, cols)))
    used = set()
    out = []
    for r in range(rows):
        for c in range(cols):
            off = swizzle_offset(r, c, cols)
            used.add(off)
            out.append(packed[off])
    if strict:
        for off, v in enumerate(packed):
            if off not in used and v != pad:
                raise LayoutError('swizzle pad byte at offset %d is 0x%02X, not 0x%02X' % (off, v, pad))
    return out


# ---------------------------------------------------------------------------------------------------
# Dequantization (§11.4). Values are lowbit_formats tuples; every operation is rounded to D.

QNAN = (NAN, 0, None)

# (profile, format) -> (zero point, scale dtype, dequant arithmetic), from SPEC.md §11.2's profile tables.
PROFILES = {}
for _f in ('int8_per_tensor', 'int8_per_token', 'int8_block_1x128', 'fp8_e4m3_block_1x128'):
    PROFILES[('vllm', _f)] = ('NONE', 'f32', 'f32')
for _f in ('int8_per_tensor', 'int8_per_channel', 'int8_per_token', 'int8_block_1x128', 'int8_block_128x128'):
    PROFILES[('compressed-tensors', _f)] = ('NONE', 'f32', 'f32')
for _f in ('int8_per_tensor', 'int8_per_channel', 'int8_per_token'):
    PROFILES[('smoothquant', _f)] = ('NONE', 'f16', 'f16')
for _p in ('deepseek-v3', 'deepgemm', 'deepgemm-ue8m0'):
    for _f in ('fp8_e4m3_block_1x128', 'fp8_e4m3_block_128x128'):
        PROFILES[(_p, _f)] = ('NONE', 'f32', 'f32')
PROFILES[('awq', 'int4_group')] = ('INTEGER', 'f16', 'f16')
PROFILES[('awq-symmetric', 'int4_group')] = ('NONE', 'f16', 'f16')
PROFILES[('gptq-symmetric', 'int4_group')] = ('INTEGER', 'f16', 'f16')
PROFILES[('gptq-asymmetric', 'int4_group')] = ('INTEGER', 'f16', 'f16')
PROFILES[('hqq', 'int4_group')] = ('FLOAT', 'f16', 'f16')
PROFILES[('gguf', 'gguf_q4_0')] = ('IMPLICIT', 'f16', 'f32')
PROFILES[('gguf', 'gguf_q4_1')] = ('MIN', 'f16', 'f32')
PROFILES[('gguf', 'gguf_q8_0')] = ('NONE', 'f16', 'f32')
PROFILES[('gguf-avx2', 'gguf_q8_0')] = ('NONE', 'f16', 'f32')
PROFILES[('gguf-neon', 'gguf_q8_0')] = ('NONE', 'f16', 'f32')

# scaled format -> (element format, block rows, block cols; 0 = whole dimension, None = group size G)
SCALED_FORMATS = {
    'int8_per_tensor': ('int8', 0, 0), 'int8_per_channel': ('int8', 1, 0), 'int8_per_token': ('int8', 1, 0),
    'int8_block_1x128': ('int8', 1, 128), 'int8_block_128x128': ('int8', 128, 128),
    'fp8_e4m3_block_1x128': ('fp8_e4m3', 1, 128), 'fp8_e4m3_block_128x128': ('fp8_e4m3', 128, 128),
    'int4_group': (None, 1, None), 'gguf_q4_0': ('uint4', 1, 32), 'gguf_q4_1': ('uint4', 1, 32),
    'gguf_q8_0': ('int8', 1, 32),
}


def _round(fmt, v):
    if v[0] == NAN:
        return QNAN
    return fmt.decode(fmt.encode(v))


def _mul(fmt, a, b):
    if a[0] == NAN or b[0] == NAN:
        return QNAN
    s = a[1] ^ b[1]
    if a[0] == INF or b[0] == INF:
        other = b if a[0] == INF else a
        if other[0] == NUM and other[2] == 0:
            return QNAN
        return (INF, s, None)
    return _round(fmt, (NUM, s, a[2] * b[2]))


def _add(fmt, a, b):
    if a[0] == NAN or b[0] == NAN:
        return QNAN
    if a[0] == INF or b[0] == INF:
        if a[0] == INF and b[0] == INF and a[1] != b[1]:
            return QNAN
        return a if a[0] == INF else b
    x = (-a[2] if a[1] else a[2]) + (-b[2] if b[1] else b[2])
    if x == 0:
        # exact zero sum: -0 only for (-0) + (-0) under RNE
        return (NUM, 1 if (a[1] and b[1] and a[2] == 0 and b[2] == 0) else 0, Fraction(0))
    return _round(fmt, (NUM, 1 if x < 0 else 0, abs(x)))


def _int(n):
    return (NUM, 1 if n < 0 else 0, Fraction(abs(n)))


def element_value(efmt, code):
    """The value of an element code: int8/int4 two's complement, uint4, fp8_e4m3 (a value tuple)."""
    return element_format(efmt).decode(code)


def dequantize(zero_point, dequant, efmt, code, scale_bits, scale_dtype, zero=None):
    """One element's dequantized value, rounded to the dequant arithmetic D (a value tuple; a NaN is
    the positive quiet NaN). zero: INTEGER the integer zero, FLOAT/MIN the bits in the scale dtype."""
    D = IEEE[dequant]
    S = IEEE[scale_dtype]
    s = S.decode(scale_bits)        # a narrower stored scale is widened exactly
    v = element_value(efmt, code)
    if zero_point == 'NONE':
        if v[0] == NUM and efmt != 'fp8_e4m3':
            v = _int(_signed_int(v))
        return _mul(D, v, s)
    if zero_point == 'IMPLICIT':
        return _mul(D, _int(code - 8), s)
    if zero_point == 'INTEGER':
        return _mul(D, _int(code - zero), s)
    if zero_point == 'FLOAT':
        z = S.decode(zero)
        diff = _add(D, _int(code), (z[0], 1 - z[1], z[2]) if z[0] != NAN else z)
        return _mul(D, diff, s)
    if zero_point == 'MIN':
        m = S.decode(zero)
        return _add(D, _mul(D, _int(code), s), m)
    raise ValueError('unknown zero point %r' % (zero_point,))


def _signed_int(v):
    n = v[2]
    if n.denominator != 1:
        raise ValueError('integer code with a fractional value')
    return -int(n) if v[1] else int(n)


def dequantize_bits(zero_point, dequant, efmt, code, scale_bits, scale_dtype, zero=None, out=None):
    """As dequantize, written as bits of `out` (default D): the exact widening or an RNE rounding."""
    v = dequantize(zero_point, dequant, efmt, code, scale_bits, scale_dtype, zero)
    return IEEE[out or dequant].encode(v)


def ue8m0_ceil_bits(bits):
    """DeepGEMM ceil_to_ue8m0 on fp32 bits: exponent field + 1 if the mantissa is nonzero, in [1, 254]."""
    e = bits >> 23 & 0xFF
    if bits & 0x7FFFFF:
        e += 1
    return min(max(e, 1), 254) << 23
