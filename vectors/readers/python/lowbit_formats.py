"""Element formats of lowbit, written from spec/SPEC.md alone (§1 decoding, §2 sources, §3 encoding).

Standard library only. Every value is carried exactly: a finite value is (sign, Fraction magnitude), so
no rounding happens until a value is written into an IEEE format, and then exactly once (RNE).

A value is a tuple:
    ('num', sign, mag)   sign 0 or 1, mag a non-negative Fraction (a zero keeps its sign)
    ('inf', sign, None)
    ('nan', sign, None)
"""

from fractions import Fraction

NUM, INF, NAN = 'num', 'inf', 'nan'


def num(sign, mag):
    return (NUM, sign, Fraction(mag))


def is_nan(v):
    return v[0] == NAN


# ---------------------------------------------------------------------------------------------------
# IEEE binary formats: f32, f16, bf16 (SPEC.md §2), read and written exactly.

class IeeeFormat:
    def __init__(self, name, ebits, mbits):
        self.name = name
        self.ebits = ebits
        self.mbits = mbits
        self.bits = 1 + ebits + mbits
        self.nbytes = self.bits // 8
        self.bias = (1 << (ebits - 1)) - 1
        self.emin = 1 - self.bias
        self.quiet_nan = ((1 << ebits) - 1) << mbits | 1 << (mbits - 1)

    def decode(self, bits):
        sign = bits >> (self.bits - 1) & 1
        e = bits >> self.mbits & ((1 << self.ebits) - 1)
        m = bits & ((1 << self.mbits) - 1)
        if e == (1 << self.ebits) - 1:
            return (NAN, sign, None) if m else (INF, sign, None)
        if e == 0:
            return (NUM, sign, Fraction(m) * pow2(self.emin - self.mbits))
        return (NUM, sign, Fraction((1 << self.mbits) | m) * pow2(e - self.bias - self.mbits))

    def encode(self, v):
        """Rounds a value once, to nearest even, into this format; a NaN becomes the quiet NaN with
        its sign (callers compare NaNs as a class)."""
        kind, sign, mag = v
        s = sign << (self.bits - 1)
        if kind == NAN:
            return s | self.quiet_nan
        if kind == INF:
            return s | ((1 << self.ebits) - 1) << self.mbits
        if mag == 0:
            return s
        e = floor_log2(mag)
        et = max(e, self.emin)
        n = round_half_even(mag / pow2(et - self.mbits))
        if n >= 1 << (self.mbits + 1):          # carried into the next binade (n is then 2^(m+1))
            n >>= 1
            et += 1
        if n < 1 << self.mbits:                  # subnormal (or zero)
            return s | n
        field = et + self.bias
        if field >= (1 << self.ebits) - 1:
            return s | ((1 << self.ebits) - 1) << self.mbits   # overflow: ±Inf
        return s | field << self.mbits | (n - (1 << self.mbits))

    def is_nan_bits(self, bits):
        e = bits >> self.mbits & ((1 << self.ebits) - 1)
        return e == (1 << self.ebits) - 1 and (bits & ((1 << self.mbits) - 1)) != 0


F32 = IeeeFormat('f32', 8, 23)
F16 = IeeeFormat('f16', 5, 10)
BF16 = IeeeFormat('bf16', 8, 7)
IEEE = {'f32': F32, 'f16': F16, 'bf16': BF16, 'fp32': F32, 'fp16': F16, 'float32': F32,
        'float16': F16, 'bfloat16': BF16}


def pow2(e):
    return Fraction(1 << e) if e >= 0 else Fraction(1, 1 << -e)


def floor_log2(q):
    """floor(log2 q) of a positive Fraction, exactly."""
    n, d = q.numerator, q.denominator
    e = n.bit_length() - d.bit_length()
    # now 2^(e-1) < n/d < 2^(e+1)
    if e >= 0:
        if n < d << e:
            e -= 1
    else:
        if n << -e < d:
            e -= 1
    return e


def round_half_even(q):
    """q (a non-negative Fraction) rounded to the nearest integer, ties to even."""
    fl = q.numerator // q.denominator
    rem = q - fl
    if rem > Fraction(1, 2) or (rem == Fraction(1, 2) and fl & 1):
        return fl + 1
    return fl


def hex_le_to_ints(hexstr, width):
    """Little-endian hex of consecutive width-byte values -> list of unsigned ints."""
    raw = bytes.fromhex(hexstr)
    if len(raw) % width:
        raise ValueError('hex of %d bytes is not a whole number of %d-byte values' % (len(raw), width))
    return [int.from_bytes(raw[i:i + width], 'little') for i in range(0, len(raw), width)]


def ints_to_hex_le(values, width):
    return b''.join(v.to_bytes(width, 'little') for v in values).hex()


# ---------------------------------------------------------------------------------------------------
# Element formats (SPEC.md §1).

class ElementFormat:
    """kind: 'float' (sign-magnitude or unsigned floating point), 'e8m0', 'int' (two's complement or
    unsigned integer times `step`)."""

    def __init__(self, name, kind, bits, signed, e=0, m=0, bias=0, specials='none', step=1, code_count=None):
        self.name = name
        self.kind = kind
        self.bits = bits
        self.signed = signed
        self.e = e
        self.m = m
        self.bias = bias
        self.specials = specials            # 'ieee' | 'nan_all_ones' | 'fnuz' | 'none' | 'e8m0'
        self.step = Fraction(step)
        self.code_count = code_count if code_count is not None else 1 << bits
        self.sign_bit = 1 << (bits - 1) if (signed and kind == 'float') else 0
        self._table = None
        self._grid = {}

    # -- decoding ---------------------------------------------------------------------------------
    def decode(self, code):
        if not 0 <= code < self.code_count:
            raise ValueError('%s: code 0x%X is outside 0..0x%X' % (self.name, code, self.code_count - 1))
        if self.kind == 'e8m0':
            if code == 0xFF:
                return (NAN, 0, None)
            return (NUM, 0, pow2(code - 127))
        if self.kind == 'int':
            n = code
            if self.signed and code >= 1 << (self.bits - 1):
                n = code - (1 << self.bits)
            return (NUM, 1 if n < 0 else 0, abs(n) * self.step)
        # floating point
        sign = (code >> (self.bits - 1)) & 1 if self.signed else 0
        mag_bits = code & ((1 << (self.e + self.m)) - 1)
        E = mag_bits >> self.m
        M = mag_bits & ((1 << self.m) - 1)
        emax_field = (1 << self.e) - 1
        if self.specials == 'fnuz':
            if code == 0x80:
                return (NAN, 0, None)
        elif self.specials == 'ieee':
            if E == emax_field:
                return (NAN, sign, None) if M else (INF, sign, None)
        elif self.specials == 'nan_all_ones':
            if E == emax_field and M == (1 << self.m) - 1:
                return (NAN, sign, None)
        if E == 0:
            mag = Fraction(M) * pow2(1 - self.bias - self.m)
        else:
            mag = Fraction((1 << self.m) | M) * pow2(E - self.bias - self.m)
        return (NUM, sign, mag)

    def decode_f32_bits(self, code):
        """SPEC.md §1 'Decoding': the FP32 pattern; NaN codes give 0x7FC00000 with the code's sign."""
        return F32.encode(self.decode(code))

    # -- the signed-code helpers ------------------------------------------------------------------
    def has_negative_zero(self):
        return self.kind == 'float' and self.signed and self.specials != 'fnuz'

    def has_inf(self):
        return self.specials == 'ieee'

    def with_sign(self, sign, magcode):
        """The code of a float (or e8m0) magnitude code with a sign."""
        if sign and self.sign_bit:
            return self.sign_bit | magcode
        return magcode

    def max_magcode(self):
        t = self.magnitudes()
        return t[-2][1]             # the last entry is the overflow point V

    def max_code(self, sign):
        if self.kind == 'int':
            return self.int_code(-self.int_max() if sign else self.int_max())
        return self.with_sign(sign, self.max_magcode())

    def int_max(self):
        return (1 << (self.bits - 1)) - 1 if self.signed else (1 << self.bits) - 1

    def int_code(self, n):
        return n & ((1 << self.bits) - 1)

    def all_ones(self, sign):
        """E and M all ones (the sign bit apart), with a sign where the format has one. In fnuz formats,
        whose all-ones patterns are finite, the nan knobs ALL_ONES_* give the single NaN 0x80 (as the
        reference does; SPEC.md §3.1 names the column "formats with NaN")."""
        if self.kind == 'e8m0':
            return 0xFF
        if self.specials == 'fnuz':
            return 0x80
        ones = (1 << (self.e + self.m)) - 1
        return self.with_sign(sign, ones)

    def quiet_nan(self, sign):
        """QUIET_NAN_SIGNED (SPEC.md §3.1)."""
        if self.specials == 'ieee':
            return self.with_sign(sign, ((1 << self.e) - 1) << self.m | 1 << (self.m - 1))
        if self.specials == 'nan_all_ones':
            return self.all_ones(sign)
        if self.specials == 'fnuz':
            return 0x80
        if self.kind == 'e8m0':
            return 0xFF
        raise ValueError('%s has no NaN' % self.name)

    def overflow_nan_or_max(self, sign):
        """Rule 6 under NONSAT without Inf: the NaN with the sign where NaNs are signed, the single
        NaN, else ±max."""
        if self.specials == 'nan_all_ones':
            return self.all_ones(sign)
        if self.specials in ('fnuz', 'e8m0'):
            return self.quiet_nan(sign)
        return self.max_code(sign)

    # -- the magnitude table for rounding (SPEC.md §3 rule 5) -------------------------------------
    def magnitudes(self, code0_as_zero=False):
        """Sorted [(magnitude, parity key)] of the finite non-negative values, plus at the end the
        overflow point V with key None (floats and e8m0). The key is the code whose parity RNE uses."""
        key = bool(code0_as_zero)
        if key in self._grid:
            return self._grid[key]
        out = []
        if self.kind == 'e8m0':
            for c in range(0, 0xFF):
                out.append((Fraction(0) if (c == 0 and code0_as_zero) else pow2(c - 127), c))
            out.append((pow2(128), None))
        elif self.kind == 'float':
            top = 1 << (self.e + self.m)
            for c in range(top):
                v = self.decode(c)
                if v[0] == NUM:
                    out.append((v[2], c))
            mx = out[-1][0]
            out.append((mx + pow2(floor_log2(mx) - self.m), None))
        else:
            raise ValueError('integers have no magnitude table')
        self._grid[key] = out
        return out


FORMATS = {f.name: f for f in [
    ElementFormat('fp8_e4m3', 'float', 8, True, 4, 3, 7, 'nan_all_ones'),
    ElementFormat('fp8_e5m2', 'float', 8, True, 5, 2, 15, 'ieee'),
    ElementFormat('fp6_e3m2', 'float', 6, True, 3, 2, 3, 'none'),
    ElementFormat('fp6_e2m3', 'float', 6, True, 2, 3, 1, 'none'),
    ElementFormat('fp4_e2m1', 'float', 4, True, 2, 1, 1, 'none'),
    ElementFormat('int8', 'int', 8, True),
    ElementFormat('mxint8', 'int', 8, True, step=Fraction(1, 64)),
    ElementFormat('e8m0', 'e8m0', 8, False, 8, 0, 127, 'e8m0'),
    ElementFormat('ue4m3', 'float', 8, False, 4, 3, 7, 'nan_all_ones', code_count=0x80),
    ElementFormat('fp8_e4m3fnuz', 'float', 8, True, 4, 3, 8, 'fnuz'),
    ElementFormat('fp8_e5m2fnuz', 'float', 8, True, 5, 2, 16, 'fnuz'),
    ElementFormat('int4', 'int', 4, True),
    ElementFormat('uint4', 'int', 4, False),
]}

UNSIGNED = {'e8m0', 'ue4m3', 'uint4'}


def element_format(name):
    try:
        return FORMATS[name]
    except KeyError:
        raise ValueError('unknown element format %r' % (name,))


# ---------------------------------------------------------------------------------------------------
# Encoding (SPEC.md §3), independent of the Java codec.

KNOB_DEFAULTS = {
    'rounding': 'RNE', 'overflow': 'SATFINITE', 'infinity': 'AS_OVERFLOW', 'nan': None,
    'negative': None, 'e8m0Zero': 'MIN_CODE', 'e8m0Bottom': 'EXACT', 'integerRange': 'SYMMETRIC',
}

TWO32 = 1 << 32


def _toward_zero(rounding, sign):
    return rounding == 'RZ' or (rounding == 'RU' and sign) or (rounding == 'RD' and not sign)


def _pick(rounding, sign, mag, lo, hi, lo_key, hi_key, rbits, e8m0):
    """Chooses lo or hi (magnitudes, lo < mag < hi) by the rounding knob (SPEC.md §3 rule 5)."""
    if rounding == 'RZ':
        return False
    if rounding == 'RU':
        return not sign
    if rounding == 'RD':
        return bool(sign)
    if rounding == 'SR':
        if rbits is None:
            raise ValueError('SR needs 32 random bits')
        f = (mag - lo) / (hi - lo)
        t = (f * TWO32).numerator // (f * TWO32).denominator
        return t + rbits >= TWO32
    mid = (lo + hi) / 2
    if mag < mid:
        return False
    if mag > mid:
        return True
    if rounding == 'RNA':
        return True
    if rounding == 'RNE':
        if e8m0:
            # every E8M0 significand is 1: ties go up, except the CODE0_AS_ZERO bottom interval,
            # whose tie at 2^-127 goes to the even code 0x00
            return lo != 0
        # the even code; V's key is one past the max code
        return (hi_key % 2) == 0
    raise ValueError('unknown rounding %r' % (rounding,))


def encode(fmt, knobs, v, rbits=None):
    """The element code of value v (SPEC.md §3). knobs: dict with the keys of KNOB_DEFAULTS."""
    k = dict(KNOB_DEFAULTS)
    k.update({key: val for key, val in knobs.items() if val is not None})
    kind, sign, mag = v
    unsigned = fmt.name in UNSIGNED
    # 1. NaN
    if kind == NAN:
        nk = k['nan']
        if nk == 'QUIET_NAN_SIGNED':
            return fmt.quiet_nan(sign)
        if nk == 'ALL_ONES_POSITIVE':
            return fmt.all_ones(0) if fmt.kind != 'int' else 0
        if nk == 'ALL_ONES_SIGNED':
            return fmt.all_ones(sign)
        if nk == 'NEGATED_ZERO':
            return fmt.with_sign(1 - sign, 0)
        if nk == 'ZERO':
            return 0
        raise ValueError('nan knob %r' % (nk,))
    # 2. negative input into an unsigned format (-Inf included, -0 excluded)
    if unsigned and sign and not (kind == NUM and mag == 0):
        nk = k['negative']
        if nk == 'ABSOLUTE':
            sign = 0
        elif nk == 'TO_NAN':
            return fmt.quiet_nan(0)
        elif nk == 'CLAMP_TO_ZERO':
            return 0
        else:
            raise ValueError('negative knob %r' % (nk,))
    if unsigned:
        sign = 0
    # 3. ±Inf
    if kind == INF:
        ik = k['infinity']
        if ik == 'AS_OVERFLOW':
            return _overflow(fmt, k, sign)
        if ik == 'TO_MAX':
            # integers: the end of the range, so -max-1 under FULL (as the reference and CUDA's
            # cvt.rni.sat do; SPEC.md §3 rule 3 says only "±max")
            return _overflow(fmt, k, sign) if fmt.kind == 'int' else fmt.max_code(sign)
        if ik == 'TO_NAN':
            return fmt.overflow_nan_or_max(sign)
        raise ValueError('infinity knob %r' % (ik,))
    # 4. ±0
    if mag == 0:
        if fmt.kind == 'e8m0':
            zk = k['e8m0Zero']
            if zk == 'MIN_CODE':
                return 0x00
            if zk == 'TO_NAN':
                return 0xFF
            raise ValueError('e8m0Zero knob %r' % (zk,))
        return fmt.with_sign(sign, 0) if fmt.has_negative_zero() else 0
    rounding = k['rounding']
    # 7. integers
    if fmt.kind == 'int':
        t = mag / fmt.step
        lo = t.numerator // t.denominator
        if lo == t:
            n = lo
        else:
            up = _pick(rounding, sign, t, Fraction(lo), Fraction(lo + 1), lo, lo + 1, rbits, False)
            n = lo + 1 if up else lo
        val = -n if sign else n
        mx = fmt.int_max()
        if not fmt.signed:
            mn = 0
        elif k['integerRange'] == 'FULL':
            mn = -mx - 1
        else:
            mn = -mx
        val = max(mn, min(mx, val))
        return fmt.int_code(val)
    # 8. E8M0 below 2^-127 (EXACT)
    code0_as_zero = fmt.kind == 'e8m0' and k['e8m0Bottom'] == 'CODE0_AS_ZERO'
    if fmt.kind == 'e8m0' and not code0_as_zero and mag <= pow2(-127):
        return 0x00
    # 5. rounding on the magnitudes plus the overflow point V
    table = fmt.magnitudes(code0_as_zero)
    V = table[-1][0]
    if mag > V:
        return fmt.max_code(sign) if _toward_zero(rounding, sign) else _overflow(fmt, k, sign)
    # binary search for lo <= mag
    a, b = 0, len(table) - 1           # table[a] <= mag <= table[b] after the loop
    if mag < table[0][0]:
        raise AssertionError('magnitude below the smallest magnitude')
    while b - a > 1:
        c = (a + b) // 2
        if table[c][0] <= mag:
            a = c
        else:
            b = c
    if table[a][0] == mag:
        idx = a
    elif table[b][0] == mag:
        idx = b
    else:
        lo, lo_key = table[a]
        hi, hi_key = table[b]
        if hi_key is None:
            hi_key = table[a][1] + 1
        up = _pick(rounding, sign, mag, lo, hi, lo_key, hi_key, rbits, fmt.kind == 'e8m0')
        idx = b if up else a
    if table[idx][1] is None:           # rounded to V: overflow (rule 6)
        return fmt.max_code(sign) if _toward_zero(rounding, sign) else _overflow(fmt, k, sign)
    magcode = table[idx][1]
    if magcode == 0 and not fmt.has_negative_zero():
        return 0
    return fmt.with_sign(sign, magcode)


def _overflow(fmt, k, sign):
    """Rule 6 (and ±Inf under AS_OVERFLOW): the overflow knob."""
    if fmt.kind == 'int':
        mx = fmt.int_max()
        if not sign:
            return fmt.int_code(mx)
        if not fmt.signed:
            return 0
        return fmt.int_code(-mx - 1 if k['integerRange'] == 'FULL' else -mx)
    ok = k['overflow']
    if ok == 'SATFINITE':
        return fmt.max_code(sign)
    if ok == 'NONSAT':
        if fmt.has_inf():
            return fmt.with_sign(sign, ((1 << fmt.e) - 1) << fmt.m)
        return fmt.overflow_nan_or_max(sign)
    raise ValueError('overflow knob %r' % (ok,))


# ---------------------------------------------------------------------------------------------------
# SplitMix64 (SPEC.md §7).

class SplitMix64:
    MASK = (1 << 64) - 1

    def __init__(self, seed):
        self.state = seed & self.MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & self.MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & self.MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & self.MASK
        return z ^ (z >> 31)

    def next32(self):
        return self.next() >> 32
