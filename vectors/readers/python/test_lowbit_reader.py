"""Tests of the Python reader: SPEC.md's own examples, the committed golden set, and corruption.

    cd vectors/readers/python && python3 -m unittest -v

Standard library only. The committed set (vectors/golden, or $LOWBIT_GOLDEN) is never modified: the
corruption tests work on temporary copies.
"""

import contextlib
import hashlib
import io
import json
import os
import shutil
import tempfile
import unittest
from fractions import Fraction

import lowbit_blocks
import lowbit_reader
from lowbit_formats import (BF16, F16, F32, FORMATS, INF, NAN, NUM, SplitMix64, encode, num, pow2)

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.environ.get('LOWBIT_GOLDEN', os.path.normpath(os.path.join(HERE, '..', '..', 'golden')))


def f32(x):
    return F32.encode(num(1 if x < 0 else 0, abs(Fraction(x))))


def run_reader(root, only=None):
    buf = io.StringIO()
    status = lowbit_reader.run(root, max_report=5, quiet=True, out=buf, only=only)
    return status, buf.getvalue()


def read_bytes(path):
    with open(path, 'rb') as f:
        return f.read()


def write_bytes(path, raw):
    with open(path, 'wb') as f:
        f.write(raw)


def read_json(path):
    with open(path, encoding='utf-8') as f:
        return json.load(f)


# ---------------------------------------------------------------------------------------------------
# SPEC.md's examples

class SpecExamples(unittest.TestCase):
    def test_element_table(self):
        # SPEC.md §1's table: max finite (code), min subnormal, NaN codes
        table = {
            'fp8_e4m3': (448, 0x7E, pow2(-9), [0x7F, 0xFF]),
            'fp8_e5m2': (57344, 0x7B, pow2(-16), [0x7D, 0x7E, 0x7F, 0xFD, 0xFE, 0xFF]),
            'fp6_e3m2': (28, 0x1F, pow2(-4), []),
            'fp6_e2m3': (Fraction(15, 2), 0x1F, pow2(-3), []),
            'fp4_e2m1': (6, 0x7, Fraction(1, 2), []),
            'int8': (127, 0x7F, 1, []),
            'mxint8': (Fraction(127, 64), 0x7F, pow2(-6), []),
            'e8m0': (pow2(127), 0xFE, pow2(-127), [0xFF]),
            'ue4m3': (448, 0x7E, pow2(-9), [0x7F]),
            'fp8_e4m3fnuz': (240, 0x7F, pow2(-10), [0x80]),
            'fp8_e5m2fnuz': (57344, 0x7F, pow2(-17), [0x80]),
            'int4': (7, 0x7, 1, []),
            'uint4': (15, 0xF, 1, []),
        }
        for name, (mx, mxcode, minsub, nans) in table.items():
            f = FORMATS[name]
            vals = [f.decode(c) for c in range(f.code_count)]
            self.assertEqual([c for c, v in enumerate(vals) if v[0] == NAN], nans, name)
            finite = [(v[2] if not v[1] else -v[2], c) for c, v in enumerate(vals) if v[0] == NUM]
            self.assertEqual(max(finite), (Fraction(mx), mxcode), name)
            self.assertEqual(min(v for v, _ in finite if v > 0), Fraction(minsub), name)
        self.assertEqual(FORMATS['fp8_e5m2'].decode(0x7C), (INF, 0, None))
        self.assertEqual(FORMATS['fp8_e5m2'].decode(0xFC), (INF, 1, None))
        self.assertEqual(FORMATS['e8m0'].decode(0x00), (NUM, 0, pow2(-127)))
        self.assertEqual(FORMATS['int4'].decode(0xF), (NUM, 1, 1))
        self.assertEqual(FORMATS['int8'].decode(0xFD), (NUM, 1, 3))
        with self.assertRaises(ValueError):
            FORMATS['ue4m3'].decode(0x80)

    def test_nan_decodes_to_quiet_nan_with_sign(self):
        self.assertEqual(FORMATS['fp8_e4m3'].decode_f32_bits(0xFF), 0xFFC00000)
        self.assertEqual(FORMATS['fp8_e5m2'].decode_f32_bits(0x7D), 0x7FC00000)
        self.assertEqual(FORMATS['fp8_e4m3fnuz'].decode_f32_bits(0x80), 0x7FC00000)
        self.assertEqual(FORMATS['e8m0'].decode_f32_bits(0xFF), 0x7FC00000)
        self.assertEqual(FORMATS['e8m0'].decode_f32_bits(0x00), 0x00400000)   # 2^-127, an FP32 subnormal

    def test_ieee_rounding(self):
        self.assertEqual(F32.encode(num(0, Fraction(1, 3))), 0x3EAAAAAB)
        self.assertEqual(F16.encode(num(0, Fraction(1, 3))), 0x3555)
        self.assertEqual(BF16.encode(num(0, Fraction(1, 3))), 0x3EAB)
        self.assertEqual(F32.encode(num(0, pow2(-150))), 0)                    # tie to even: 0
        self.assertEqual(F32.encode(num(0, pow2(-150) * 3)), 2)                # 1.5 ulp: to even 2
        self.assertEqual(F32.encode(num(1, pow2(-151))), 0x80000000)
        self.assertEqual(F32.encode(num(0, pow2(128) - pow2(103))), 0x7F800000)  # the overflow tie
        self.assertEqual(F32.encode(num(0, pow2(128) - pow2(104))), 0x7F7FFFFF)
        for bits in (0, 1, 0x007FFFFF, 0x00800000, 0x3F800001, 0x7F7FFFFF, 0x80000001):
            self.assertEqual(F32.encode(F32.decode(bits)), bits)

    def test_splitmix64(self):
        s = SplitMix64(0)
        self.assertEqual([s.next() for _ in range(3)],
                         [0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4, 0x06C45D188009454F])

    def test_encode_examples(self):
        ocp = {'rounding': 'RNE', 'overflow': 'SATFINITE', 'infinity': 'AS_OVERFLOW', 'nan': 'QUIET_NAN_SIGNED'}
        e4 = FORMATS['fp8_e4m3']
        self.assertEqual(encode(e4, ocp, num(0, 464)), 0x7E)             # the tie with V = 480
        self.assertEqual(encode(e4, dict(ocp, overflow='NONSAT'), num(0, 465)), 0x7F)
        self.assertEqual(encode(e4, dict(ocp, overflow='NONSAT'), num(1, 465)), 0xFF)
        # "under RZ with NONSAT, +Inf into E5M2 is 0x7C"
        self.assertEqual(encode(FORMATS['fp8_e5m2'], dict(ocp, overflow='NONSAT', rounding='RZ'), (INF, 0, None)), 0x7C)
        # E8M0 under CODE0_AS_ZERO: 1.25*2^-127 -> 0x01 (RNE), the tie 2^-127 -> 0x00 (RNE), 0x01 (RNA)
        e8 = FORMATS['e8m0']
        k = {'rounding': 'RNE', 'e8m0Bottom': 'CODE0_AS_ZERO', 'negative': 'ABSOLUTE', 'nan': 'QUIET_NAN_SIGNED'}
        self.assertEqual(encode(e8, k, num(0, Fraction(5, 4) * pow2(-127))), 0x01)
        self.assertEqual(encode(e8, k, num(0, pow2(-127))), 0x00)
        self.assertEqual(encode(e8, dict(k, rounding='RNA'), num(0, pow2(-127))), 0x01)
        self.assertEqual(encode(e8, dict(k, rounding='RU'), num(0, pow2(-140))), 0x01)
        # EXACT: the midpoint between 0x00 and 0x01 is 1.5*2^-127; ties of E8M0 go up
        k = dict(k, e8m0Bottom='EXACT')
        self.assertEqual(encode(e8, k, num(0, Fraction(3, 2) * pow2(-127))), 0x01)
        self.assertEqual(encode(e8, k, num(0, pow2(-140))), 0x00)
        self.assertEqual(encode(e8, k, num(0, 3)), 0x81)
        # SR: hi iff floor(f*2^32) + r >= 2^32
        f4 = FORMATS['fp4_e2m1']
        sr = dict(ocp, rounding='SR', nan='ZERO')
        self.assertEqual(encode(f4, sr, num(0, Fraction(5, 4)), rbits=(1 << 31) - 1), 0x2)
        self.assertEqual(encode(f4, sr, num(0, Fraction(5, 4)), rbits=1 << 31), 0x3)
        # integers clamp; FULL keeps -128
        i8 = FORMATS['int8']
        self.assertEqual(encode(i8, dict(ocp, nan='ZERO'), num(1, 200)), 0x81)
        self.assertEqual(encode(i8, dict(ocp, nan='ZERO', integerRange='FULL'), num(1, 200)), 0x80)
        self.assertEqual(encode(i8, dict(ocp, nan='ZERO'), num(0, Fraction(5, 2))), 0x02)

    def test_mx_scale_rule_table(self):
        # SPEC.md §8.3's worked values for mxfp4 (max 6, emax 2)
        rows = [
            (Fraction(7, 2), 0x7E, 0x7F, 0x7F, 0x7F, 0x7F),
            (5, 0x7F, 0x80, 0x7F, 0x7F, 0x7F),
            (6, 0x7F, 0x80, 0x7F, 0x7F, 0x7F),
            (F32.decode(f32(6) + 1)[2], 0x7F, 0x80, 0x7F, 0x80, 0x80),
            (Fraction(13, 2), 0x7F, 0x80, 0x7F, 0x80, 0x80),
            (7, 0x7F, 0x80, 0x80, 0x80, 0x80),
            (F32.decode(0x40FFFFFF)[2], 0x7F, 0x80, 0x80, 0x80, 0x80),
            (0, 0x00, 0x00, 0x00, 0x00, 0x00),
            (F32.decode(0x7F7FFFFF)[2], 0xFC, 0xFD, 0xFD, 0xFD, 0xFD),
        ]
        rules = ['FLOOR', 'CEIL', 'EVEN', 'RCEIL', 'ROUND_UP']
        for amax, *codes in rows:
            for rule, want in zip(rules, codes):
                got, _ = lowbit_blocks.mx_scale_code(rule, num(0, amax), 2, Fraction(6), 1)
                self.assertEqual(got, want, '%s amax %s' % (rule, amax))
        # mxfp8_e4m3, amax 2^-130: FLOOR, CEIL, EVEN and RCEIL 0x00, ROUND_UP 0x01
        for rule, want in zip(rules, [0, 0, 0, 0, 1]):
            got, _ = lowbit_blocks.mx_scale_code(rule, num(0, pow2(-130)), 8, Fraction(448), 3)
            self.assertEqual(got, want, rule)

    def test_nvfp4_run_ao_example(self):
        # SPEC.md §8.4: [6, 3, 1, 0.5, 0.25, -2, 0 x9, 0.75] and [0.001, 0.0005, 0 x14]
        vals = [6, 3, 1, Fraction(1, 2), Fraction(1, 4), -2] + [0] * 9 + [Fraction(3, 4)]
        vals += [F32.decode(f32(Fraction(1, 1000)))[2], F32.decode(f32(Fraction(5, 10000)))[2]] + [0] * 14
        values = [F32.decode(f32(v)) for v in vals]
        ek = {'rounding': 'RNE', 'overflow': 'SATFINITE', 'infinity': 'AS_OVERFLOW', 'nan': 'ZERO'}
        knobs = {'nonFinite': 'WHOLE_BLOCK_NAN', 'zeroBlock': 'SMALLEST_SCALE', 'tinyAmax': 'CLAMP',
                 'tail': 'REJECT', 'scaling': 'RECIPROCAL_MULTIPLY', 'scaleClamp': 'MIN_NORMAL'}
        scales, codes, g = lowbit_blocks.quantize('nvfp4', knobs, ek, 1, 32, values, 'none')
        self.assertEqual(scales, [0x38, 0x08])
        scales, codes, g = lowbit_blocks.quantize('nvfp4', knobs, ek, 1, 32, values, 'computed')
        self.assertEqual(F32.encode(g), 0x3B124925)
        self.assertEqual(scales, [0x7E, 0x1A])
        self.assertEqual(codes[16:18], [7, 5])

    def test_layout_examples(self):
        fp4, fp6 = FORMATS['fp4_e2m1'], FORMATS['fp6_e3m2']
        self.assertEqual(lowbit_reader.pack('nibble-low-first', fp4, [7, 2, 0, 0xD]).hex(), '27d0')
        self.assertEqual(lowbit_reader.pack('nibble-low-first', fp4, [6, 1, 0, 0xB]).hex(), '16b0')
        self.assertEqual(lowbit_reader.pack('nibble-high-first', fp4, [7, 2]).hex(), '72')
        self.assertEqual(lowbit_reader.pack('fp6-4in3', fp6, [1, 2, 3, 4]).hex(), '813010')
        self.assertEqual(lowbit_reader.unpack('fp6-4in3', fp6, bytes.fromhex('813010')), [1, 2, 3, 4])
        self.assertEqual(lowbit_reader.pack('f8f6f4-container', fp4, [0xF]).hex(), '3c')
        with self.assertRaises(ValueError):
            lowbit_reader.unpack('f8f6f4-container', fp4, b'\x01')


class WeightScaleExamples(unittest.TestCase):
    """SPEC.md §9.3, §9.4 and §11.4 examples, through lowbit_scaled."""

    def test_weight_layouts(self):
        import lowbit_scaled as ls
        col = [k + 1 for n in range(8) for k in range(8)]
        self.assertEqual(ls.gptq_pack_qweight(col, 8, 8, 4)[0], 0x87654321)
        self.assertEqual(ls.gptq_pack_qzeros([8] * 8, 8, 1, 4, 1), [0x77777777])
        self.assertEqual(ls.gptq_pack_qzeros([8] * 8, 8, 1, 4, 2), [0x88888888])
        self.assertEqual(ls.gptq_pack_qzeros([4] * 32, 32, 1, 3, 1), [0xDB6DB6DB, 0xB6DB6DB6, 0x6DB6DB6D])
        self.assertEqual(ls.gptq_pack_qzeros([4] * 32, 32, 1, 3, 2), [0x24924924, 0x49249249, 0x92492492])
        with self.assertRaises(ls.LayoutError):
            ls.gptq_pack_qzeros([0] * 8, 8, 1, 4, 1)
        self.assertEqual(ls.gptq_v1_to_v2_word(0x77777777, 4), 0x88888888)
        self.assertEqual(ls.ct_pack(list(range(1, 9)), 1, 8, 4), [0x87654321])
        self.assertEqual(ls.ct_code_of_value(-7, 4), 1)
        self.assertEqual(ls.awq_pack_qweight(list(range(1, 9)), 8, 1), [0x86427531])
        self.assertEqual(bytes(ls.hqq_pack(list(range(1, 9)), 2, 4, 4)).hex(), '15263748')
        self.assertEqual(ls.uint4x2_pack([1, 2], 1, 2), [0x21])
        q = [k % 16 for n in range(8) for k in range(32)]
        self.assertEqual(ls.tinygemm_pack(q, 8, 32, 2)[:2], [0x91918080, 0xB3B3A2A2])
        blk = {'d': 0x3C00, 'dmin': 0x3800, 'sc': [1, 2, 3, 4, 33, 38, 43, 63], 'mins': [1, 2, 3, 4, 40, 41, 42, 63],
               'q': [i % 16 for i in range(256)]}
        self.assertEqual(ls.gguf_unpack_block('q4_k', ls.gguf_pack_block('q4_k', blk)), blk)
        q40 = ls.gguf_pack_block('q4_0', {'d': 0x3C00, 'q': list(range(16)) + list(range(15, -1, -1))})
        self.assertEqual(q40[:4].hex(), '003cf0e1')   # qs[j] = q[j] | q[j + 16] << 4

    def test_swizzle(self):
        import lowbit_scaled as ls
        self.assertEqual((ls.swizzle_offset(5, 2, 8), ls.swizzle_offset(5, 5, 8)), (82, 593))
        self.assertEqual([ls.swizzle_offset(r, c, 8) for r, c in ((0, 0), (1, 0), (32, 0), (0, 1), (0, 4), (128, 0))],
                         [0, 16, 4, 1, 512, 1024])
        s = list(range(1, 1 + 130 * 5))
        packed = ls.swizzle_pack(s, 130, 5)
        self.assertEqual(len(packed), 256 * 8)
        self.assertEqual(ls.swizzle_unpack(packed, 130, 5), s)

    def test_dequantization(self):
        import lowbit_scaled as ls
        dq = ls.dequantize_bits
        self.assertEqual(dq('IMPLICIT', 'f32', 'uint4', 8, 0xB000, 'f16', out='f32'), 0x80000000)   # 0 * -0.125 = -0
        self.assertEqual(dq('IMPLICIT', 'f32', 'uint4', 0, 0x3800, 'f16', out='f32'), 0xC0800000)
        self.assertEqual(dq('NONE', 'f32', 'int8', 0xFD, 0x3C00, 'f16', out='f32'), 0xC0400000)
        self.assertEqual(dq('NONE', 'f32', 'int8', 0, 0x3F800000, 'f32', out='f32'), 0)
        self.assertEqual(dq('FLOAT', 'f16', 'uint4', 5, 0x2E66, 'f16', 0x4100, out='f32'), 0x3E800000)  # tie -> 0.25
        self.assertEqual(dq('MIN', 'f32', 'uint4', 3, 0x3800, 'f16', 0xBE00, out='f32'), 0)
        self.assertEqual(dq('INTEGER', 'f16', 'uint4', 0, 0x7BFF, 'f16', 8, out='f32'), 0xFF800000)
        self.assertTrue(F32.is_nan_bits(dq('NONE', 'f32', 'fp8_e4m3', 0x7F, 0x3F800000, 'f32', out='f32')))


# ---------------------------------------------------------------------------------------------------
# The committed golden set, and corruption of temporary copies

def rewrite_manifest(root, path):
    """After editing `path` on purpose, makes manifest.json and SHA256SUMS agree with it again, so that
    only the edit itself can be refused."""
    raw = read_bytes(os.path.join(root, path))
    mpath = os.path.join(root, 'manifest.json')
    doc = read_json(mpath)
    for e in doc['files']:
        if e['path'] == path:
            old = e['sha256']
            e['sha256'] = hashlib.sha256(raw).hexdigest()
            if 'bytes' in e:
                e['bytes'] = len(raw)
    with open(mpath, 'w', encoding='utf-8') as f:
        json.dump(doc, f, indent=2)
        f.write('\n')
    sums = os.path.join(root, 'SHA256SUMS')
    if os.path.exists(sums):
        lines = read_bytes(sums).decode('ascii').split('\n')
        lines = [l.replace(old, hashlib.sha256(raw).hexdigest()) if l.endswith(' ' + path) or
                 l.endswith('*' + path) else l for l in lines]
        mraw = read_bytes(mpath)
        lines = [hashlib.sha256(mraw).hexdigest() + '  manifest.json' if l.endswith(' manifest.json') else l
                 for l in lines]
        write_bytes(sums, '\n'.join(lines).encode('ascii'))


def pick_vector_file(root, op=None):
    doc = read_json(os.path.join(root, 'manifest.json'))
    paths = [e['path'] for e in doc['files'] if e['path'].endswith('.json')]
    if op:
        paths = [p for p in paths if p.startswith(op + '/')] or paths
    return sorted(paths, key=lambda p: os.path.getsize(os.path.join(root, p)))[0]


@unittest.skipUnless(os.path.isfile(os.path.join(GOLDEN, 'manifest.json')), 'no golden set at ' + GOLDEN)
class GoldenSet(unittest.TestCase):
    def test_golden_set_passes(self):
        status, out = run_reader(GOLDEN)
        self.assertEqual(status, 0, out)
        self.assertIn('OK', out)


@unittest.skipUnless(os.path.isfile(os.path.join(GOLDEN, 'manifest.json')), 'no golden set at ' + GOLDEN)
class Corruption(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix='lowbit-reader-')
        self.root = os.path.join(self.tmp, 'golden')
        shutil.copytree(GOLDEN, self.root)
        self.victim = pick_vector_file(self.root, 'decode')

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def refused(self, *fragments):
        # every file's integrity is checked; only the victim's tests are recomputed (the whole set's are
        # in GoldenSet), which keeps each case to a fraction of a second
        status, out = run_reader(self.root, only={self.victim})
        self.assertEqual(status, 2, out)
        refusals = [l for l in out.split('\n') if l.startswith('REFUSED')]
        self.assertTrue(any(all(f in l for f in fragments) for l in refusals),
                        'no REFUSED line with %r in:\n%s' % (fragments, out))
        return out

    def edit(self, path, fn):
        p = os.path.join(self.root, path)
        write_bytes(p, fn(read_bytes(p)))

    def test_flipped_byte_is_a_checksum_error(self):
        self.edit(self.victim, lambda raw: raw[:len(raw) // 2] + bytes([raw[len(raw) // 2] ^ 0x01]) + raw[len(raw) // 2 + 1:])
        self.refused(self.victim, 'SHA-256 mismatch')

    def test_twin_line_differs_from_its_json(self):
        twin = self.victim[:-5] + '.txt'
        if not os.path.exists(os.path.join(self.root, twin)):
            self.skipTest('no text twin')

        def fix(raw):
            lines = raw.decode('ascii').split('\n')
            i = next(i for i, l in enumerate(lines) if l and not l.startswith('#'))
            f = lines[i].split(' ')
            f[3] = 'ff' if f[3] != 'ff' else '00'
            lines[i] = ' '.join(f)
            return '\n'.join(lines).encode('ascii')
        self.edit(twin, fix)
        rewrite_manifest(self.root, twin)
        self.refused(twin, 'differs from its JSON test in input')

    def test_flipped_byte_in_a_text_twin(self):
        twin = self.victim[:-5] + '.txt'
        if not os.path.exists(os.path.join(self.root, twin)):
            self.skipTest('no text twin')
        self.edit(twin, lambda raw: bytes([raw[0] ^ 0x20]) + raw[1:])
        self.refused(twin, 'SHA-256 mismatch')

    def test_truncated_file(self):
        self.edit(self.victim, lambda raw: raw[:len(raw) // 2])
        self.refused(self.victim, 'size is')

    def test_truncated_file_with_a_matching_manifest(self):
        self.edit(self.victim, lambda raw: raw[:len(raw) // 2])
        rewrite_manifest(self.root, self.victim)
        self.refused(self.victim, 'not valid JSON')

    def test_wrong_schema_version(self):
        self.edit(self.victim, lambda raw: raw.replace(b'"lowbit-vectors-v1"', b'"lowbit-vectors-v2"', 1))
        self.refused(self.victim, 'SHA-256 mismatch')
        rewrite_manifest(self.root, self.victim)
        self.refused(self.victim, "schema is 'lowbit-vectors-v2'")

    def test_wrong_suite_major_version(self):
        doc = read_json(os.path.join(self.root, self.victim))
        old = doc['suiteVersion']
        self.edit(self.victim, lambda raw: raw.replace(('"suiteVersion": "%s"' % old).encode(),
                                                       b'"suiteVersion": "1.0.0"', 1))
        rewrite_manifest(self.root, self.victim)
        self.refused(self.victim, 'major version 1')

    def test_wrong_number_of_tests(self):
        doc = read_json(os.path.join(self.root, self.victim))
        n = doc['numberOfTests']
        self.edit(self.victim, lambda raw: raw.replace(b'"numberOfTests": %d' % n, b'"numberOfTests": %d' % (n + 1), 1))
        rewrite_manifest(self.root, self.victim)
        self.refused(self.victim, 'numberOfTests')

    def test_unknown_field(self):
        self.edit(self.victim, lambda raw: raw.replace(b'"result": "valid"}', b'"result": "valid", "extra": "x"}', 1))
        rewrite_manifest(self.root, self.victim)
        self.refused(self.victim, 'unknown field "extra"')

    def test_missing_file(self):
        os.remove(os.path.join(self.root, self.victim))
        self.refused(self.victim, 'cannot be read')

    def test_unlisted_file(self):
        write_bytes(os.path.join(self.root, 'decode', 'extra.json'), b'{}\n')
        self.refused('decode/extra.json', 'not listed')

    def test_corrupt_manifest(self):
        self.edit('manifest.json', lambda raw: raw[:len(raw) - 10])
        self.refused('manifest.json', 'not valid JSON')

    def test_wrong_expected_value_is_a_mismatch(self):
        # a semantic change with a consistent checksum is not refused but found by the checks
        path = pick_vector_file(self.root, 'decode')
        doc = read_json(os.path.join(self.root, path))
        tc = doc['testGroups'][0]['tests'][1]
        old = '"expected": "%s"' % tc['expected']
        new = '"expected": "%s"' % ('00000000' if tc['expected'] != '00000000' else '0000803f')
        self.edit(path, lambda raw: raw.replace(old.encode(), new.encode(), 1))
        rewrite_manifest(self.root, path)
        twin = path[:-5] + '.txt'
        if os.path.exists(os.path.join(self.root, twin)):
            def fix(raw):
                lines = raw.decode('ascii').split('\n')
                for i, l in enumerate(lines):
                    f = l.split(' ')
                    if f[0] == str(tc['tcId']):
                        f[4] = json.loads('{' + new + '}')['expected']
                        lines[i] = ' '.join(f)
                return '\n'.join(lines).encode('ascii')
            self.edit(twin, fix)
            rewrite_manifest(self.root, twin)
        status, out = run_reader(self.root, only={path})
        self.assertEqual(status, 1, out)
        self.assertIn('MISMATCH %s tcId %d' % (path, tc['tcId']), out)

    def test_wrong_weight_pack_byte_is_a_mismatch(self):
        # a suite-0.2.0 type: one changed qweight byte, checksums updated, is a mismatch (exit 1)
        paths = [p for p in [pick_vector_file(self.root, 'weightpack')] if p.startswith('weightpack/')]
        if not paths:
            self.skipTest('no weightpack/ files in the set')
        path = paths[0]
        doc = read_json(os.path.join(self.root, path))
        tc = doc['testGroups'][0]['tests'][0]
        old = tc['expected']['qweight']
        new = ('1' if old[0] == '0' else '0') + old[1:]
        self.edit(path, lambda raw: raw.replace(('"qweight": "%s"' % old).encode(), ('"qweight": "%s"' % new).encode(), 1))
        rewrite_manifest(self.root, path)
        twin = path[:-5] + '.txt'

        def fix(raw):
            lines = raw.decode('ascii').split('\n')
            for i, l in enumerate(lines):
                f = l.split(' ')
                if f[0] == str(tc['tcId']):
                    f[4] = new + f[4][len(old):]
                    lines[i] = ' '.join(f)
            return '\n'.join(lines).encode('ascii')
        self.edit(twin, fix)
        rewrite_manifest(self.root, twin)
        status, out = run_reader(self.root, only={path})
        self.assertEqual(status, 1, out)
        self.assertIn('MISMATCH %s tcId %d' % (path, tc['tcId']), out)

    def test_wrong_scaled_dequantized_value_is_a_mismatch(self):
        # a suite-0.2.0 type: one changed dequantized byte, checksums updated, is a mismatch (exit 1)
        path = pick_vector_file(self.root, 'scaled')
        if not path.startswith('scaled/'):
            self.skipTest('no scaled/ files in the set')
        doc = read_json(os.path.join(self.root, path))
        tc = next(t for g in doc['testGroups'] for t in g['tests']
                  if 'dequantized' in t['expected'] and not F32.is_nan_bits(int.from_bytes(
                      bytes.fromhex(t['expected']['dequantized'][:8]), 'little')))
        old = tc['expected']['dequantized']
        new = ('1' if old[0] == '0' else '0') + old[1:]
        self.edit(path, lambda raw: raw.replace(('"dequantized": "%s"' % old).encode(),
                                                ('"dequantized": "%s"' % new).encode(), 1))
        rewrite_manifest(self.root, path)
        twin = path[:-5] + '.txt'

        def fix(raw):
            lines = raw.decode('ascii').split('\n')
            for i, l in enumerate(lines):
                f = l.split(' ')
                if f[0] == str(tc['tcId']):
                    parts = f[4].split('/')
                    parts[3] = new
                    f[4] = '/'.join(parts)
                    lines[i] = ' '.join(f)
            return '\n'.join(lines).encode('ascii')
        self.edit(twin, fix)
        rewrite_manifest(self.root, twin)
        status, out = run_reader(self.root, only={path})
        self.assertEqual(status, 1, out)
        self.assertIn('MISMATCH %s tcId %d' % (path, tc['tcId']), out)


if __name__ == '__main__':
    unittest.main()
