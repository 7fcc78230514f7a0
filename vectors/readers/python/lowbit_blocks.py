"""MX and NVFP4 block quantization and dequantization, written from spec/SPEC.md §8 alone.

Standard library only. FP32 arithmetic (the fl(.) of SPEC.md §8) is done exactly with Fractions and
rounded once to binary32, which is what one IEEE operation is.
"""

from fractions import Fraction

from lowbit_formats import (F32, INF, NAN, NUM, FORMATS, encode, floor_log2, num, pow2)


class QuantizeError(Exception):
    """An input the quantizer must reject (SPEC.md §8.8); code is a short upper-case name."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


# (element format, k, scale format, emax, element max, mbits for EVEN)
BLOCK_FORMATS = {
    'mxfp8_e4m3': ('fp8_e4m3', 32, 'e8m0', 8, Fraction(448), 3),
    'mxfp8_e5m2': ('fp8_e5m2', 32, 'e8m0', 15, Fraction(57344), 2),
    'mxfp6_e3m2': ('fp6_e3m2', 32, 'e8m0', 4, Fraction(28), 2),
    'mxfp6_e2m3': ('fp6_e2m3', 32, 'e8m0', 2, Fraction(15, 2), 3),
    'mxfp4': ('fp4_e2m1', 32, 'e8m0', 2, Fraction(6), 1),
    'mxint8': ('mxint8', 32, 'e8m0', 0, Fraction(127, 64), 6),
    'nvfp4': ('fp4_e2m1', 16, 'ue4m3', 2, Fraction(6), 1),
}

QNAN = (NAN, 0, None)


# ---------------------------------------------------------------------------------------------------
# One IEEE binary32 operation, rounded once (RNE).

def fl(v):
    """v rounded to binary32, as a value (NaN becomes +NaN, the 0x7FC00000 of SPEC.md §8.4 step 4)."""
    if v[0] == NAN:
        return QNAN
    return F32.decode(F32.encode(v))


def f32_mul(a, b):
    if a[0] == NAN or b[0] == NAN:
        return QNAN
    s = a[1] ^ b[1]
    if a[0] == INF or b[0] == INF:
        other = b if a[0] == INF else a
        if other[0] == NUM and other[2] == 0:
            return QNAN
        return (INF, s, None)
    return fl((NUM, s, a[2] * b[2]))


def f32_div(a, b):
    if a[0] == NAN or b[0] == NAN:
        return QNAN
    s = a[1] ^ b[1]
    if a[0] == INF:
        return QNAN if b[0] == INF else (INF, s, None)
    if b[0] == INF:
        return (NUM, s, Fraction(0))
    if b[2] == 0:
        return QNAN if a[2] == 0 else (INF, s, None)
    return fl((NUM, s, a[2] / b[2]))


def f32_bits(v):
    return F32.encode(v)


def exp_field(bits):
    return bits >> 23 & 0xFF


# ---------------------------------------------------------------------------------------------------
# Scale rules (SPEC.md §8.3, §8.4)

def mx_scale_code(rule, amax, emax, maxv, mbits):
    """The E8M0 scale code for a finite amax (a non-negative value); returns (code, descale_zero)."""
    a_bits = f32_bits(amax)
    mag = amax[2]
    if rule in ('FLOOR', 'CEIL', 'EVEN'):
        if rule == 'FLOOR':
            s = (floor_log2(mag) if mag else -127) - emax
        elif rule == 'CEIL':
            if mag == 0:
                s = -127 - emax
            else:
                f = floor_log2(mag)
                s = (f if pow2(f) == mag else f + 1) - emax
        else:
            a2 = (a_bits + (1 << (22 - mbits))) & ~((1 << 23) - 1)
            s = (a2 >> 23) - 127 - emax       # a2 may be 2^128 (field 255): s = 128 - emax
        s = max(-127, min(127, s))
        return s + 127, False
    if rule == 'RCEIL':
        d = f32_mul(amax, fl(num(0, 1 / maxv)))
        db = f32_bits(d)
        field, frac = exp_field(db), db & 0x7FFFFF
        code = field
        if (field != 0 and frac != 0) or (field == 0 and frac > 0x400000):
            code += 1
        return min(code, 0xFE), False
    if rule == 'ROUND_UP':
        d = f32_div(amax, fl(num(0, maxv)))
        db = f32_bits(d)
        if db == 0:
            return 0x00, True
        code = exp_field((db + 0x7FFFFF) & 0x7F800000)
        return min(code, 0xFE), False
    raise ValueError('unknown MX scale rule %r' % (rule,))


# ---------------------------------------------------------------------------------------------------
# Quantization (SPEC.md §8.2)

def element_zero(fmt, sign):
    if fmt.has_negative_zero():
        return fmt.with_sign(sign, 0)
    return 0


def quantize(block_format, knobs, element_knobs, rows, row_length, values, tensor_scale_mode, given_g=None):
    """Returns (scale codes, element codes, g or None). values: rows*row_length values."""
    elem_name, k, scale_name, emax, maxv, mbits = BLOCK_FORMATS[block_format]
    efmt = FORMATS[elem_name]
    sfmt = FORMATS[scale_name]
    nv = block_format == 'nvfp4'
    if len(values) != rows * row_length:
        raise QuantizeError('SHAPE', 'input length %d is not rows*rowLength' % len(values))
    if row_length % k and knobs['tail'] == 'REJECT':
        raise QuantizeError('RAGGED_TAIL', 'rowLength %d is not a multiple of %d' % (row_length, k))
    g = None
    if nv and tensor_scale_mode == 'computed':
        amax_t = max([v[2] for v in values if v[0] == NUM] or [Fraction(0)])
        g = f32_div(num(0, amax_t), num(0, 2688))
        if g[2] == 0:
            raise QuantizeError('ZERO_TENSOR_SCALE', 'the computed per-tensor scale is 0')
    elif nv and tensor_scale_mode == 'given':
        g = given_g
        if g is None or g[0] != NUM or g[1] or g[2] == 0:
            raise QuantizeError('BAD_TENSOR_SCALE', 'the per-tensor scale must be positive and finite')
    scales, codes = [], []
    for r in range(rows):
        row = values[r * row_length:(r + 1) * row_length]
        for b0 in range(0, row_length, k):
            block = row[b0:b0 + k]
            sc, cs = _block(block, block_format, knobs, element_knobs, efmt, sfmt, emax, maxv, mbits, nv, g)
            scales.append(sc)
            codes.extend(cs)
    return scales, codes, g


def _block(block, block_format, knobs, ek, efmt, sfmt, emax, maxv, mbits, nv, g):
    finite = [v for v in block if v[0] == NUM]
    amax_mag = max([v[2] for v in finite] or [Fraction(0)])
    amax = num(0, amax_mag)
    nonfinite = len(finite) != len(block)
    if nonfinite and knobs['nonFinite'] == 'WHOLE_BLOCK_NAN':
        return (0xFF if not nv else 0x7F), [0] * len(block)
    flush = knobs['tinyAmax'] == 'FLUSH_SUBNORMAL_AMAX' and amax_mag < pow2(-126)
    if not nv:
        descale_zero = False
        if amax_mag == 0 and knobs['zeroBlock'] == 'ONE':
            code = 0x7F
        else:
            code, descale_zero = mx_scale_code(knobs['scaleRule'], amax, emax, maxv, mbits)
        s = code - 127
        out = []
        for v in block:
            if v[0] == NUM and (flush or descale_zero):
                out.append(element_zero(efmt, v[1]))
                continue
            if v[0] == NUM:
                q = (NUM, v[1], v[2] * pow2(-s))
            else:
                q = v                    # ±Inf / X is ±Inf; a NaN keeps its sign
            out.append(encode(efmt, ek, q))
        return code, out
    # NVFP4 (SPEC.md §8.4)
    gg = g if g is not None else num(0, 1)
    if knobs['scaling'] == 'RECIPROCAL_MULTIPLY':
        sv = f32_div(f32_div(amax, num(0, 6)), gg)
    elif knobs['scaling'] == 'DIVIDE':
        sv = f32_div(amax, f32_mul(num(0, 6), gg))
    else:
        raise ValueError('unknown scaling %r' % (knobs['scaling'],))
    if sv[0] == NUM and sv[2] == 0 and knobs['zeroBlock'] == 'ONE':
        sv = num(0, 1)
    lo = pow2(-6) if knobs['scaleClamp'] == 'MIN_NORMAL' else pow2(-9)
    if sv[0] == INF or (sv[0] == NUM and sv[2] > 448):
        sv = num(0, 448)
    elif sv[0] == NUM and sv[2] < lo:
        sv = num(0, lo)
    code = encode(sfmt, {'rounding': 'RNE', 'overflow': 'SATFINITE', 'nan': 'QUIET_NAN_SIGNED',
                         'negative': 'CLAMP_TO_ZERO'}, sv)
    S = sfmt.decode(code)
    if knobs['scaling'] == 'RECIPROCAL_MULTIPLY':
        factor = f32_div(f32_div(num(0, 1), gg), S)
    else:
        factor = f32_mul(S, gg)
    out = []
    for v in block:
        if v[0] == NUM and flush:
            out.append(element_zero(efmt, v[1]))
            continue
        if v[0] == NUM:
            x = f32_mul(v, factor) if knobs['scaling'] == 'RECIPROCAL_MULTIPLY' else f32_div(v, factor)
        else:
            x = v
        out.append(encode(efmt, ek, x))
    return code, out


# ---------------------------------------------------------------------------------------------------
# Dequantization (SPEC.md §8.7)

def dequantize(block_format, rows, row_length, scales, codes, g=None):
    """FP32 bit patterns of every element: the exact product, rounded once."""
    elem_name, k, scale_name = BLOCK_FORMATS[block_format][:3]
    efmt, sfmt = FORMATS[elem_name], FORMATS[scale_name]
    blocks_per_row = -(-row_length // k)
    out = []
    for r in range(rows):
        for c in range(row_length):
            X = sfmt.decode(scales[r * blocks_per_row + c // k])
            P = efmt.decode(codes[r * row_length + c])
            if X[0] == NAN:
                out.append(0x7FC00000)
                continue
            if P[0] == NAN:
                out.append(F32.encode(P))
                continue
            if P[0] == INF:
                out.append(F32.encode(P))
                continue
            mag = P[2] * X[2]
            if g is not None:
                mag *= g[2]
            out.append(F32.encode((NUM, P[1], mag)))
    return out
