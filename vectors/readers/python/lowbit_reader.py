#!/usr/bin/env python3
"""Reads and independently checks a lowbit golden vector set (vectors/FORMAT.md), with no Java.

    python3 lowbit_reader.py [--max-report N] [--quiet] [--only PATH]... DIR

1. Integrity: manifest.json is parsed (strict JSON), every listed file's size and SHA-256 are checked,
   SHA256SUMS must agree with the manifest, no unlisted file may sit in DIR, and every vector file's
   schema id, suite version (major), level, fields (exactly those of FORMAT.md, with their types),
   tcIds and numberOfTests are checked; every text twin must repeat its JSON tests line by line. A file
   that fails any of these is REFUSED with a message that names the file and the problem.
2. Semantics, recomputed from spec/SPEC.md by this reader's own code (lowbit_formats, lowbit_blocks):
   decode (code -> FP32), encode (source -> code, every knob), quantize (scales, elements, the
   per-tensor scale and the dequantized values) and pack (codes <-> bytes, both ways). Every element
   and scale code in the expectations is decoded. A disagreement is a MISMATCH naming file and tcId.

Exit status: 0 when every file is accepted and every test agrees; 1 when a test disagrees; 2 when a
file is refused (or the set cannot be read). Python 3.8+ standard library only.
"""

import argparse
import hashlib
import json
import os
import re
import sys

import lowbit_blocks
import lowbit_formats
from lowbit_formats import F32, IEEE, NAN, NUM, FORMATS, hex_le_to_ints

SCHEMA = 'lowbit-vectors-v1'
MANIFEST_SCHEMA = 'lowbit-vectors-manifest-v1'
SUPPORTED_MAJOR = 0
MANIFEST = 'manifest.json'
SUMS = 'SHA256SUMS'


class Refused(Exception):
    """A file the reader will not accept: its integrity or header is wrong."""

    def __init__(self, path, problem):
        super().__init__('%s: %s' % (path, problem))
        self.path = path
        self.problem = problem


# ---------------------------------------------------------------------------------------------------
# Strict JSON

def _no_duplicates(pairs):
    obj = {}
    for key, value in pairs:
        if key in obj:
            raise ValueError('duplicate key %r' % (key,))
        obj[key] = value
    return obj


def _no_float(text):
    raise ValueError('a number with a fraction or exponent (%s): lowbit vectors use integers only' % text)


def _no_constant(text):
    raise ValueError('%s is not JSON' % text)


def parse_json(path, raw):
    try:
        text = raw.decode('utf-8')
    except UnicodeDecodeError as e:
        raise Refused(path, 'not UTF-8: %s' % e)
    if text.startswith('\ufeff'):
        raise Refused(path, 'starts with a byte-order mark')
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_float=_no_float,
                          parse_constant=_no_constant)
    except ValueError as e:       # json.JSONDecodeError is a ValueError
        raise Refused(path, 'not valid JSON (truncated or corrupt?): %s' % e)


def check_version(path, version):
    if not isinstance(version, str):
        raise Refused(path, 'suiteVersion is missing or not a string')
    m = re.fullmatch(r'(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(?:-[0-9A-Za-z.-]+)?', version)
    if not m:
        raise Refused(path, 'suiteVersion %r is not MAJOR.MINOR.PATCH' % (version,))
    if int(m.group(1)) != SUPPORTED_MAJOR:
        raise Refused(path, 'suiteVersion %s has major version %s; this reader reads major version %d only'
                      % (version, m.group(1), SUPPORTED_MAJOR))


def check_schema(path, doc, expected=SCHEMA):
    if not isinstance(doc, dict):
        raise Refused(path, 'the top level is not a JSON object')
    schema = doc.get('schema')
    if schema != expected:
        raise Refused(path, 'schema is %r, expected %r' % (schema, expected))
    check_version(path, doc.get('suiteVersion'))


# ---------------------------------------------------------------------------------------------------
# Structure: every object has exactly its fields, of the right types (FORMAT.md §4, §5, §7)

S, I, A, O = 'a string', 'an integer', 'an array', 'an object'

FILE_FIELDS = {'schema': S, 'suiteVersion': S, 'operation': S, 'format': S, 'profile': S, 'level': S,
               'numberOfTests': I, 'header': A, 'notes': O, 'testGroups': A}
NOTE_FIELDS = {'bugType': S, 'description': S, 'links': A}
GROUP_FIELDS = {
    'decode': {'type': S, 'format': S},
    'encode': {'type': S, 'source': S, 'format': S, 'profile': S, 'knobs': O},
    'quantize': {'type': S, 'format': S, 'profile': S, 'source': S, 'knobs': O, 'elementKnobs': O, 'blockSize': I,
                 'rowLength': I, 'rows': I, 'elementLayout': S, 'scaleLayout': S, 'tensorScale': S},
    'pack': {'type': S, 'layout': S, 'format': S},
    'scale-pack': {'type': S, 'layout': S, 'rows': I, 'cols': I, 'padByte': S},
    'weight-pack': {'type': S, 'layout': S, 'bits': I, 'rows': I, 'cols': I, 'groupSize': I, 'innerKTiles': I},
    'scaled-quantize': {'type': S, 'format': S, 'profile': S, 'source': S, 'knobs': O, 'elementFormat': S,
                        'zeroPoint': S, 'rows': I, 'cols': I, 'blockRows': I, 'blockCols': I, 'dequantized': S},
}
GROUP_COMMON = {'generator': S, 'seed': S, 'tests': A}
TEST_COMMON = {'tcId': I, 'comment': S, 'flags': A, 'result': S}
TEST_FIELDS = {
    'decode': ({'code': S, 'expected': S}, ()),
    'encode': ({'input': S, 'randomBits': S, 'expected': S}, ('randomBits',)),
    'quantize': ({'input': S, 'tensorScale': S, 'expected': O}, ('tensorScale',)),
    'pack': ({'codes': S, 'expected': S}, ()),
    'scale-pack': ({'scales': S, 'expected': S}, ()),
    'weight-pack': ({'codes': S, 'zeros': S, 'blockFields': S, 'expected': O}, ()),
    'scaled-quantize': ({'input': S, 'expected': O}, ()),
}
SCALED_KNOBS = {'rule': S, 'application': S, 'scalarDivision': S, 'rounding': S, 'range': S, 'fp8Overflow': S,
                'arithmetic': S, 'scaleDtype': S, 'dequantArithmetic': S, 'amaxFloor': S, 'zeroScale': S,
                'scaleRounding': S, 'floatZero': S, 'groupSize': I, 'tail': S}
SCALED_OUTPUT = {'codes': S, 'scales': S, 'zeros': S, 'dequantized': S}
WEIGHT_OUTPUT = {'qweight': S, 'qzeros': S}
ELEMENT_KNOBS = {k: S for k in ('rounding', 'overflow', 'infinity', 'nan', 'negative', 'e8m0Zero', 'e8m0Bottom',
                                'integerRange')}
BLOCK_KNOBS = {k: S for k in ('scaleRule', 'elementProfile', 'elementRounding', 'nonFinite', 'zeroBlock', 'tinyAmax',
                              'tail', 'scaling', 'scaleClamp', 'tensorScale')}
QUANTIZE_OUTPUT = {'scales': S, 'elements': S, 'tensorScale': S, 'dequantized': S}
MANIFEST_FIELDS = {'schema': S, 'suiteVersion': S, 'vectorSchema': S, 'level': S, 'numberOfFiles': I,
                   'numberOfTests': I, 'files': A}
ENTRY_FIELDS = {'path': S, 'sha256': S, 'bytes': I, 'numberOfTests': I}
LEVELS = ('1', '2', 'exhaustive')


def _type_ok(value, t):
    if t == S:
        return isinstance(value, str)
    if t == I:
        return isinstance(value, int) and not isinstance(value, bool)
    if t == A:
        return isinstance(value, list)
    return isinstance(value, dict)


def check_fields(path, where, obj, fields, optional=()):
    """obj must be an object with exactly `fields` (those in `optional` may be absent), each of its type."""
    if not isinstance(obj, dict):
        raise Refused(path, '%s is not an object' % where)
    for key in obj:
        if key not in fields:
            raise Refused(path, '%s has an unknown field "%s"' % (where, key))
    for key, t in fields.items():
        if key not in obj:
            if key in optional:
                continue
            raise Refused(path, '%s lacks the field "%s"' % (where, key))
        if not _type_ok(obj[key], t):
            raise Refused(path, '%s: "%s" is not %s' % (where, key, t))


def check_structure(path, doc):
    """Every field of a vector file, by FORMAT.md §4-§5; refuses the first one that is wrong."""
    check_fields(path, 'the file', doc, FILE_FIELDS)
    op = doc['operation']
    if op not in GROUP_FIELDS:
        raise Refused(path, 'unknown operation %r' % (op,))
    if doc['level'] not in LEVELS:
        raise Refused(path, 'unknown level %r' % (doc['level'],))
    if not all(isinstance(h, str) for h in doc['header']):
        raise Refused(path, 'header holds a non-string')
    for flag, note in doc['notes'].items():
        check_fields(path, 'note %s' % flag, note, NOTE_FIELDS)
        if not all(isinstance(l, str) for l in note['links']):
            raise Refused(path, 'note %s: links holds a non-string' % flag)
    gfields = dict(GROUP_FIELDS[op], **GROUP_COMMON)
    tfields, topt = TEST_FIELDS[op]
    tfields = dict(TEST_COMMON, **tfields)
    expect_id = 1
    for gi, g in enumerate(doc['testGroups']):
        where = 'testGroups[%d]' % gi
        check_fields(path, where, g, gfields)
        if g['type'] != op:
            raise Refused(path, '%s: a %r group in a %r file' % (where, g['type'], op))
        if not re.fullmatch(r'0x[0-9a-f]{16}', g['seed']):
            raise Refused(path, '%s: seed %r is not 0x and 16 lowercase hex digits' % (where, g['seed']))
        if op == 'encode':
            check_fields(path, where + '.knobs', g['knobs'], ELEMENT_KNOBS)
        if op == 'quantize':
            check_fields(path, where + '.knobs', g['knobs'], BLOCK_KNOBS)
            check_fields(path, where + '.elementKnobs', g['elementKnobs'], ELEMENT_KNOBS)
        if op == 'scaled-quantize':
            check_fields(path, where + '.knobs', g['knobs'], SCALED_KNOBS)
            if list(g['knobs']) != list(SCALED_KNOBS):
                raise Refused(path, '%s.knobs are not in the order of FORMAT.md' % where)
            if not re.fullmatch(r'[0-9a-f]{16}', g['knobs']['amaxFloor']):
                raise Refused(path, '%s.knobs.amaxFloor %r is not 8 bytes of lowercase hex' % (where, g['knobs']['amaxFloor']))
        # the file's format and profile name what its groups hold (FORMAT.md §5, suite 0.2.0)
        top = {'scale-pack': ('u8', 'none'), 'weight-pack': ('b%s' % g.get('bits'), 'none'),
               'scaled-quantize': (g.get('format'), g.get('profile'))}.get(op)
        if top is not None and (doc['format'], doc['profile']) != top:
            raise Refused(path, '%s: the file says format %r, profile %r; its group needs %r, %r'
                          % (where, doc['format'], doc['profile'], top[0], top[1]))
        for tc in g['tests']:
            tid = tc.get('tcId') if isinstance(tc, dict) else None
            check_fields(path, 'tcId %s' % tid, tc, tfields, topt)
            if tc['tcId'] != expect_id:
                raise Refused(path, 'tcId %s where %d was due (tcIds are 1..n in file order)' % (tc['tcId'], expect_id))
            expect_id += 1
            if not all(isinstance(f, str) for f in tc['flags']):
                raise Refused(path, 'tcId %s: flags holds a non-string' % tc['tcId'])
            if tc['result'] not in ('valid', 'invalid', 'acceptable'):
                raise Refused(path, 'tcId %s: result %r' % (tc['tcId'], tc['result']))
            if op == 'weight-pack':
                check_fields(path, 'tcId %s: expected' % tc['tcId'], tc['expected'], WEIGHT_OUTPUT)
                if tc['result'] != 'valid':
                    raise Refused(path, 'tcId %s: a weight-pack test is %r, not valid' % (tc['tcId'], tc['result']))
            if op == 'scale-pack' and tc['result'] != 'valid':
                raise Refused(path, 'tcId %s: a scale-pack test is %r, not valid' % (tc['tcId'], tc['result']))
            if op in ('quantize', 'scaled-quantize'):
                e = tc['expected']
                if isinstance(e, dict) and 'error' in e:
                    check_fields(path, 'tcId %s: expected' % tc['tcId'], e, {'error': S})
                elif op == 'quantize':
                    check_fields(path, 'tcId %s: expected' % tc['tcId'], e, QUANTIZE_OUTPUT, ('tensorScale',))
                else:
                    check_fields(path, 'tcId %s: expected' % tc['tcId'], e, SCALED_OUTPUT)
                if ('error' in e) != (tc['result'] == 'invalid'):
                    raise Refused(path, 'tcId %s: an invalid test expects an error, and only an invalid test does'
                                  % tc['tcId'])


# ---------------------------------------------------------------------------------------------------
# The manifest

def sha256_hex(raw):
    return hashlib.sha256(raw).hexdigest()


def safe_relpath(path):
    if not isinstance(path, str) or not path or path.startswith('/') or '\\' in path:
        return False
    return all(part not in ('', '.', '..') for part in path.split('/'))


def load_manifest(root):
    mpath = os.path.join(root, MANIFEST)
    try:
        with open(mpath, 'rb') as f:
            raw = f.read()
    except OSError as e:
        raise Refused(MANIFEST, 'cannot read: %s' % e.strerror)
    doc = parse_json(MANIFEST, raw)
    check_schema(MANIFEST, doc, MANIFEST_SCHEMA)
    check_fields(MANIFEST, 'the manifest', doc, MANIFEST_FIELDS)
    if doc.get('vectorSchema') != SCHEMA:
        raise Refused(MANIFEST, 'vectorSchema is %r, expected %r' % (doc.get('vectorSchema'), SCHEMA))
    if doc['level'] not in LEVELS:
        raise Refused(MANIFEST, 'unknown level %r' % (doc['level'],))
    files = doc.get('files')
    if not isinstance(files, list) or not files:
        raise Refused(MANIFEST, '"files" is missing, empty or not an array')
    entries = []
    seen = set()
    for i, e in enumerate(files):
        check_fields(MANIFEST, 'files[%d]' % i, e, ENTRY_FIELDS)
        path = e.get('path')
        if not safe_relpath(path):
            raise Refused(MANIFEST, 'files[%d].path %r is not a safe relative path' % (i, path))
        if path in seen:
            raise Refused(MANIFEST, 'files[%d].path %r is listed twice' % (i, path))
        if entries and path.encode() < entries[-1]['path'].encode():
            raise Refused(MANIFEST, 'files[%d].path %r is out of order (the files are sorted by path)' % (i, path))
        seen.add(path)
        sha = e.get('sha256')
        if not isinstance(sha, str) or not re.fullmatch(r'[0-9a-f]{64}', sha):
            raise Refused(MANIFEST, '%s: sha256 %r is not 64 lowercase hex digits' % (path, sha))
        size = e.get('bytes')
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            raise Refused(MANIFEST, '%s: bytes %r is not a non-negative integer' % (path, size))
        n = e.get('numberOfTests')
        if not isinstance(n, int) or isinstance(n, bool) or n < 0:
            raise Refused(MANIFEST, '%s: numberOfTests %r is not a non-negative integer' % (path, n))
        entries.append({'path': path, 'sha256': sha, 'bytes': size, 'numberOfTests': n})
    if doc['numberOfFiles'] != len(entries):
        raise Refused(MANIFEST, 'numberOfFiles is %r, but %d files are listed' % (doc['numberOfFiles'], len(entries)))
    total = sum(e['numberOfTests'] for e in entries if e['path'].endswith('.json'))
    if doc['numberOfTests'] != total:
        raise Refused(MANIFEST, 'numberOfTests is %r, but the listed JSON files hold %d' % (doc['numberOfTests'], total))
    return doc, entries


def read_checked(root, entry):
    path = entry['path']
    try:
        with open(os.path.join(root, *path.split('/')), 'rb') as f:
            raw = f.read()
    except OSError as e:
        raise Refused(path, 'listed in the manifest but cannot be read: %s' % e.strerror)
    if entry['bytes'] is not None and len(raw) != entry['bytes']:
        raise Refused(path, 'size is %d bytes, the manifest says %d (truncated or extended?)'
                      % (len(raw), entry['bytes']))
    actual = sha256_hex(raw)
    if actual != entry['sha256']:
        raise Refused(path, 'SHA-256 mismatch: the file hashes to %s, the manifest says %s'
                      % (actual, entry['sha256']))
    return raw


def check_sums_file(root, entries):
    """SHA256SUMS (coreutils format) must list exactly the manifest's files with the same digests."""
    p = os.path.join(root, SUMS)
    try:
        with open(p, 'rb') as f:
            raw = f.read()
    except OSError as e:
        raise Refused(SUMS, 'cannot read: %s' % e.strerror)
    try:
        text = raw.decode('ascii')
    except UnicodeDecodeError:
        raise Refused(SUMS, 'not ASCII')
    listed = {}
    for no, line in enumerate(text.split('\n'), 1):
        if not line:
            continue
        m = re.fullmatch(r'([0-9a-f]{64}) [ *](.+)', line)
        if not m:
            raise Refused(SUMS, 'line %d is not "<sha256>  <path>"' % no)
        listed[m.group(2)] = m.group(1)
    wanted = {e['path']: e['sha256'] for e in entries if e['path'] != SUMS}
    for path, sha in sorted(wanted.items()):
        if path not in listed:
            raise Refused(SUMS, '%s is in the manifest but not in %s' % (path, SUMS))
        if listed[path] != sha:
            raise Refused(SUMS, '%s: %s says %s, the manifest says %s' % (path, SUMS, listed[path], sha))
    for path in sorted(listed):
        if path not in wanted and path != MANIFEST:
            raise Refused(SUMS, '%s is in %s but not in the manifest' % (path, SUMS))
    with open(os.path.join(root, MANIFEST), 'rb') as f:
        manifest_sha = sha256_hex(f.read())
    if MANIFEST in listed and listed[MANIFEST] != manifest_sha:
        raise Refused(SUMS, 'the SHA-256 of manifest.json does not match')
    return len(listed)


def unlisted_files(root, entries):
    listed = {e['path'] for e in entries} | {MANIFEST, SUMS}
    out = []
    for d, _, names in os.walk(root):
        for n in names:
            rel = os.path.relpath(os.path.join(d, n), root).replace(os.sep, '/')
            if rel not in listed:
                out.append(rel)
    return sorted(out)


# ---------------------------------------------------------------------------------------------------
# Vector files

class FileReport:
    def __init__(self, path, max_report):
        self.path = path
        self.checked = 0
        self.mismatches = 0
        self.lines = []
        self.max_report = max_report
        self.codes_decoded = 0

    def problem(self, message):
        self.mismatches += 1
        if len(self.lines) < self.max_report:
            self.lines.append('MISMATCH %s: %s' % (self.path, message))

    def mismatch(self, tc, message):
        self.mismatches += 1
        if len(self.lines) < self.max_report:
            self.lines.append('MISMATCH %s tcId %s: %s' % (self.path, tc.get('tcId'), message))


def hexbytes(path, tc, key, value, width=None, count=None):
    if not isinstance(value, str) or not re.fullmatch(r'(?:[0-9a-f]{2})*', value):
        raise Refused(path, 'tcId %s: %s %r is not lowercase hex bytes' % (tc.get('tcId'), key, value))
    raw = bytes.fromhex(value)
    if width is not None and len(raw) % width:
        raise Refused(path, 'tcId %s: %s has %d bytes, not a multiple of %d' % (tc.get('tcId'), key, len(raw), width))
    if count is not None and len(raw) != count:
        raise Refused(path, 'tcId %s: %s has %d bytes, expected %d' % (tc.get('tcId'), key, len(raw), count))
    return raw


def same_f32(a, b):
    return a == b or (F32.is_nan_bits(a) and F32.is_nan_bits(b))


def fmt_f32(bits):
    v = F32.decode(bits)
    if v[0] == NUM:
        return '0x%08X (%s%s)' % (bits, '-' if v[1] else '', float(v[2]))
    return '0x%08X (%s%s)' % (bits, '-' if v[1] else '+', v[0])


def check_vector_file(path, doc, entry, max_report, level=None, semantics=True):
    check_schema(path, doc)
    check_structure(path, doc)
    for key in ('operation', 'format', 'profile', 'level', 'numberOfTests', 'testGroups'):
        if key not in doc:
            raise Refused(path, 'the header lacks "%s"' % key)
    if doc['operation'] not in CHECKERS:
        raise Refused(path, 'unknown operation %r' % (doc['operation'],))
    if level is not None and doc['level'] != level:
        raise Refused(path, 'level %r in a level %r set' % (doc['level'], level))
    groups = doc['testGroups']
    if not isinstance(groups, list):
        raise Refused(path, 'testGroups is not an array')
    n = doc['numberOfTests']
    if not isinstance(n, int) or isinstance(n, bool):
        raise Refused(path, 'numberOfTests is not an integer')
    counted = 0
    for gi, g in enumerate(groups):
        if not isinstance(g, dict) or not isinstance(g.get('tests'), list):
            raise Refused(path, 'testGroups[%d] has no tests array' % gi)
        counted += len(g['tests'])
    if counted != n:
        raise Refused(path, 'numberOfTests is %d but the groups hold %d tests' % (n, counted))
    if entry.get('numberOfTests') is not None and entry['numberOfTests'] != n:
        raise Refused(path, 'numberOfTests is %d but the manifest says %d' % (n, entry['numberOfTests']))
    notes = doc.get('notes', {})
    op = doc['operation']
    rep = FileReport(path, max_report)
    seen_ids = set()
    used_flags = set()
    for g in groups:
        if g.get('type') != op:
            raise Refused(path, 'a %r group in a %r file' % (g.get('type'), op))
        for tc in g['tests']:
            tid = tc.get('tcId')
            if not isinstance(tid, int) or tid in seen_ids:
                raise Refused(path, 'tcId %r is missing or repeated' % (tid,))
            seen_ids.add(tid)
            for flag in tc.get('flags', []):
                used_flags.add(flag)
                if isinstance(notes, dict) and flag not in notes:
                    rep.mismatch(tc, 'flag %s has no note' % flag)
            if tc.get('result') not in ('valid', 'invalid', 'acceptable'):
                raise Refused(path, 'tcId %s: result %r' % (tid, tc.get('result')))
            if not semantics:
                continue
            rep.checked += 1
            try:
                CHECKERS[op](path, g, tc, rep)
            except Refused:
                raise
            except (ValueError, KeyError, TypeError, IndexError) as e:
                rep.mismatch(tc, 'cannot check: %s: %s' % (type(e).__name__, e))
    for flag in sorted(set(notes) - used_flags if semantics else ()):
        rep.problem('note %s is used by no test' % flag)
    return rep


def element(name, path):
    try:
        return FORMATS[name]
    except KeyError:
        raise Refused(path, 'unknown element format %r' % (name,))


def check_decode(path, g, tc, rep):
    fmt = element(g.get('format'), path)
    code = hexbytes(path, tc, 'code', tc.get('code'), count=1)[0]
    expected = int.from_bytes(hexbytes(path, tc, 'expected', tc.get('expected'), count=4), 'little')
    try:
        got = fmt.decode_f32_bits(code)
        rep.codes_decoded += 1
    except ValueError as e:
        if tc['result'] == 'valid':
            rep.mismatch(tc, str(e))
        return
    if tc['result'] == 'invalid':
        rep.mismatch(tc, 'expected the code to be rejected; it decodes to %s' % fmt_f32(got))
    elif tc['result'] == 'valid' and not same_f32(got, expected):
        rep.mismatch(tc, '%s code 0x%02X: expected %s, this reader decodes %s'
                     % (fmt.name, code, fmt_f32(expected), fmt_f32(got)))


def element_knobs(path, knobs):
    if not isinstance(knobs, dict):
        raise Refused(path, 'knobs is not an object')
    return knobs


def check_encode(path, g, tc, rep):
    fmt = element(g.get('format'), path)
    src = IEEE.get(g.get('source'))
    if src is None:
        raise Refused(path, 'unknown source %r' % (g.get('source'),))
    knobs = element_knobs(path, g.get('knobs'))
    bits = int.from_bytes(hexbytes(path, tc, 'input', tc.get('input'), count=src.nbytes), 'little')
    rbits = None
    if 'randomBits' in tc:
        rbits = int.from_bytes(hexbytes(path, tc, 'randomBits', tc['randomBits'], count=4), 'little')
    expected = hexbytes(path, tc, 'expected', tc.get('expected'), count=1)[0]
    if tc['result'] != 'invalid':
        try:
            fmt.decode(expected)
            rep.codes_decoded += 1
        except ValueError as e:
            rep.mismatch(tc, 'the expected code is not a code: %s' % e)
            return
    try:
        got = lowbit_formats.encode(fmt, knobs, src.decode(bits), rbits)
    except ValueError as e:
        if tc['result'] != 'invalid':
            rep.mismatch(tc, 'this reader cannot encode it: %s' % e)
        return
    if tc['result'] == 'valid' and got != expected:
        v = src.decode(bits)
        rep.mismatch(tc, '%s 0x%0*X (%s) -> %s %s: expected 0x%02X, this reader gives 0x%02X'
                     % (src.name, src.nbytes * 2, bits, describe(v), fmt.name, knobs_text(knobs), expected, got))


def describe(v):
    if v[0] == NUM:
        return '%s%r' % ('-' if v[1] else '', float(v[2]))
    return '%s%s' % ('-' if v[1] else '+', v[0])


def knobs_text(knobs):
    return ','.join('%s=%s' % (k, knobs[k]) for k in ('rounding', 'overflow', 'infinity', 'nan') if k in knobs)


def check_quantize(path, g, tc, rep):
    bf = g.get('format')
    if bf not in lowbit_blocks.BLOCK_FORMATS:
        raise Refused(path, 'unknown block format %r' % (bf,))
    elem_name, k, scale_name = lowbit_blocks.BLOCK_FORMATS[bf][:3]
    efmt, sfmt = FORMATS[elem_name], FORMATS[scale_name]
    src = IEEE.get(g.get('source'))
    if src is None:
        raise Refused(path, 'unknown source %r' % (g.get('source'),))
    rows, row_length = g.get('rows'), g.get('rowLength')
    if not isinstance(rows, int) or not isinstance(row_length, int) or rows < 1 or row_length < 1:
        raise Refused(path, 'bad shape rows=%r rowLength=%r' % (rows, row_length))
    if g.get('blockSize') != k:
        raise Refused(path, 'blockSize %r, but %s blocks hold %d elements' % (g.get('blockSize'), bf, k))
    if g.get('elementLayout', 'unpacked') != 'unpacked' or g.get('scaleLayout', 'row-major') != 'row-major':
        raise Refused(path, 'layouts %s/%s are not v1 quantize layouts' % (g.get('elementLayout'), g.get('scaleLayout')))
    knobs = g.get('knobs')
    ek = g.get('elementKnobs')
    if not isinstance(knobs, dict) or not isinstance(ek, dict):
        raise Refused(path, 'quantize group without knobs or elementKnobs')
    mode = g.get('tensorScale', 'none')
    if mode not in ('none', 'given', 'computed') or (bf != 'nvfp4' and mode != 'none'):
        raise Refused(path, 'tensorScale %r in a %s group' % (mode, bf))
    raw_in = hexbytes(path, tc, 'input', tc.get('input'), width=src.nbytes)
    values = [src.decode(b) for b in hex_le_to_ints(raw_in.hex(), src.nbytes)]
    given = None
    if 'tensorScale' in tc:
        given = F32.decode(int.from_bytes(hexbytes(path, tc, 'tensorScale', tc['tensorScale'], count=4), 'little'))
    exp = tc.get('expected')
    if not isinstance(exp, dict):
        raise Refused(path, 'tcId %s: expected is not an object' % tc.get('tcId'))
    try:
        got_scales, got_codes, got_g = lowbit_blocks.quantize(bf, knobs, ek, rows, row_length, values, mode, given)
        error = None
    except lowbit_blocks.QuantizeError as e:
        error = e
    if 'error' in exp:
        if tc['result'] == 'invalid' and error is None:
            rep.mismatch(tc, 'expected the error %s; this reader quantizes it without one' % exp['error'])
        return
    if error is not None:
        if tc['result'] == 'valid':
            rep.mismatch(tc, 'this reader rejects the input: %s' % error)
        return
    n = rows * row_length
    nblocks = rows * -(-row_length // k)
    scales = list(hexbytes(path, tc, 'expected.scales', exp.get('scales'), count=nblocks))
    codes = list(hexbytes(path, tc, 'expected.elements', exp.get('elements'), count=n))
    deq = hex_le_to_ints(hexbytes(path, tc, 'expected.dequantized', exp.get('dequantized'), count=4 * n).hex(), 4)
    # every code in the expectation must be a code of its format
    for c in scales:
        try:
            sfmt.decode(c)
            rep.codes_decoded += 1
        except ValueError as e:
            rep.mismatch(tc, 'expected scale: %s' % e)
            return
    for c in codes:
        try:
            efmt.decode(c)
            rep.codes_decoded += 1
        except ValueError as e:
            rep.mismatch(tc, 'expected element: %s' % e)
            return
    g_val = None
    if mode == 'computed':
        if 'tensorScale' not in exp:
            rep.mismatch(tc, 'a computed tensorScale group without expected.tensorScale')
            return
        gb = int.from_bytes(hexbytes(path, tc, 'expected.tensorScale', exp['tensorScale'], count=4), 'little')
        g_val = F32.decode(gb)
        if tc['result'] == 'valid' and gb != F32.encode(got_g):
            rep.mismatch(tc, 'tensor scale: expected %s, this reader computes %s' % (fmt_f32(gb), fmt_f32(F32.encode(got_g))))
    elif mode == 'given':
        g_val = given
    if tc['result'] != 'valid':
        return
    # dequantize the expected codes, exactly, and compare
    mine = lowbit_blocks.dequantize(bf, rows, row_length, scales, codes, g_val)
    bad = [i for i in range(n) if not same_f32(mine[i], deq[i])]
    if bad:
        i = bad[0]
        rep.mismatch(tc, 'dequantized[%d] (%d wrong): expected %s, scale 0x%02X x element 0x%02X gives %s'
                     % (i, len(bad), fmt_f32(deq[i]), scales[i // row_length * -(-row_length // k) + i % row_length // k],
                        codes[i], fmt_f32(mine[i])))
        return
    if got_scales != scales:
        i = next(j for j in range(nblocks) if got_scales[j] != scales[j])
        rep.mismatch(tc, 'scale[%d]: expected 0x%02X, this reader computes 0x%02X (rule %s)'
                     % (i, scales[i], got_scales[i], knobs.get('scaleRule')))
        return
    if got_codes != codes:
        i = next(j for j in range(n) if got_codes[j] != codes[j])
        rep.mismatch(tc, 'element[%d] (input %s): expected 0x%02X, this reader computes 0x%02X'
                     % (i, describe(values[i]), codes[i], got_codes[i]))


# ---------------------------------------------------------------------------------------------------
# Element layouts (SPEC.md §9.1)

def pack(layout, fmt, codes):
    bits = fmt.bits
    if layout == 'unpacked':
        return bytes(codes)
    if layout in ('nibble-low-first', 'nibble-high-first'):
        if bits != 4:
            raise ValueError('%s holds 4-bit codes' % layout)
        if len(codes) % 2:
            raise ValueError('an odd number of codes')
        out = bytearray()
        for i in range(0, len(codes), 2):
            a, b = codes[i], codes[i + 1]
            out.append(b << 4 | a if layout == 'nibble-low-first' else a << 4 | b)
        return bytes(out)
    if layout == 'fp6-4in3':
        if bits != 6:
            raise ValueError('fp6-4in3 holds 6-bit codes')
        if len(codes) % 4:
            raise ValueError('not a multiple of 4 codes')
        out = bytearray()
        for i in range(0, len(codes), 4):
            stream = codes[i] | codes[i + 1] << 6 | codes[i + 2] << 12 | codes[i + 3] << 18
            out += stream.to_bytes(3, 'little')
        return bytes(out)
    if layout == 'f8f6f4-container':
        if fmt.name not in ('fp8_e4m3', 'fp8_e5m2', 'fp6_e3m2', 'fp6_e2m3', 'fp4_e2m1'):
            raise ValueError('f8f6f4-container does not hold %s' % fmt.name)
        shift = 2 if bits == 4 else 0
        return bytes(c << shift for c in codes)
    raise ValueError('unknown layout %r' % (layout,))


def unpack(layout, fmt, data):
    """Codes from bytes; pad bits must be zero (STRICT)."""
    bits = fmt.bits
    if layout == 'unpacked':
        for i, b in enumerate(data):
            if b >> bits:
                raise ValueError('byte %d (0x%02X) has a nonzero pad bit' % (i, b))
        return list(data)
    if layout in ('nibble-low-first', 'nibble-high-first'):
        out = []
        for b in data:
            lo, hi = b & 15, b >> 4
            out += [lo, hi] if layout == 'nibble-low-first' else [hi, lo]
        return out
    if layout == 'fp6-4in3':
        if len(data) % 3:
            raise ValueError('not a multiple of 3 bytes')
        out = []
        for i in range(0, len(data), 3):
            stream = int.from_bytes(data[i:i + 3], 'little')
            out += [stream >> (6 * j) & 63 for j in range(4)]
        return out
    if layout == 'f8f6f4-container':
        out = []
        for i, b in enumerate(data):
            if bits == 8:
                out.append(b)
            elif bits == 6:
                if b >> 6:
                    raise ValueError('byte %d (0x%02X) has a nonzero pad bit' % (i, b))
                out.append(b)
            else:
                if b & 0xC3:
                    raise ValueError('byte %d (0x%02X) has a nonzero pad bit' % (i, b))
                out.append(b >> 2)
        return out
    raise ValueError('unknown layout %r' % (layout,))


def check_pack(path, g, tc, rep):
    fmt = element(g.get('format'), path)
    layout = g.get('layout')
    codes = list(hexbytes(path, tc, 'codes', tc.get('codes')))
    expected = hexbytes(path, tc, 'expected', tc.get('expected'))
    try:
        packed = pack(layout, fmt, codes)
        for c in codes:
            fmt.decode(c)
            rep.codes_decoded += 1
        error = None
    except ValueError as e:
        error = e
    if tc['result'] == 'invalid':
        if error is None:
            rep.mismatch(tc, 'expected a rejection; this reader packs it to %s' % packed.hex())
        return
    if error is not None:
        rep.mismatch(tc, 'this reader cannot pack it: %s' % error)
        return
    if tc['result'] != 'valid':
        return
    if packed != expected:
        rep.mismatch(tc, '%s %s: expected %s, this reader packs %s' % (layout, fmt.name, expected.hex(), packed.hex()))
        return
    try:
        back = unpack(layout, fmt, expected)
    except ValueError as e:
        rep.mismatch(tc, 'unpacking the expected bytes: %s' % e)
        return
    if back != codes:
        rep.mismatch(tc, 'unpacking %s gives %s, not the codes %s' % (expected.hex(), bytes(back).hex(), bytes(codes).hex()))


import lowbit_newtypes  # noqa: E402
from lowbit_newtypes import check_scale_pack, check_weight_pack, check_scaled_quantize  # noqa: E402

lowbit_newtypes.bind(Refused=Refused, hexbytes=hexbytes, same_f32=same_f32, fmt_f32=fmt_f32)

CHECKERS = {'decode': check_decode, 'encode': check_encode, 'quantize': check_quantize, 'pack': check_pack,
            'scale-pack': check_scale_pack, 'weight-pack': check_weight_pack,
            'scaled-quantize': check_scaled_quantize}


def twin_line(op, g, tc):
    """The text twin's line of a test (FORMAT.md §6): tcId op params input expected flags."""
    if op == 'decode':
        params, inp, exp = g['format'], tc['code'], tc['expected']
    elif op == 'encode':
        k = g['knobs']
        params = ':'.join([g['format'], g['profile'], g['source'], k['rounding'], k['overflow']])
        inp = tc['input'] + ('/' + tc['randomBits'] if 'randomBits' in tc else '')
        exp = tc['expected']
    elif op == 'quantize':
        params = ':'.join([g['format'], g['profile'], g['source'], '%dx%d' % (g['rows'], g['rowLength']),
                           g['tensorScale']])
        inp = tc['input'] + ('/' + tc['tensorScale'] if 'tensorScale' in tc else '')
        e = tc['expected']
        if 'error' in e:
            exp = 'error:' + e['error']
        else:
            exp = '/'.join([e['scales'], e['elements'], e['dequantized']] + ([e['tensorScale']] if 'tensorScale' in e else []))
    elif op == 'scale-pack':
        params = '%s:%dx%d:%s' % (g['layout'], g['rows'], g['cols'], g['padByte'])
        inp, exp = tc['scales'], tc['expected']
    elif op == 'weight-pack':
        params = '%s:b%d:%dx%d:g%d:i%d' % (g['layout'], g['bits'], g['rows'], g['cols'], g['groupSize'],
                                           g['innerKTiles'])
        inp = '/'.join([tc['codes'] or '-', tc['zeros'] or '-', tc['blockFields'] or '-'])
        exp = '/'.join([tc['expected']['qweight'] or '-', tc['expected']['qzeros'] or '-'])
    elif op == 'scaled-quantize':
        params = '%s:%s:%s:%dx%d:%dx%d' % (g['format'], g['profile'], g['source'], g['rows'], g['cols'],
                                           g['blockRows'], g['blockCols'])
        inp = tc['input']
        e = tc['expected']
        if 'error' in e:
            exp = 'error:' + e['error']
        else:
            exp = '/'.join([e['codes'] or '-', e['scales'] or '-', e['zeros'] or '-', e['dequantized'] or '-'])
    else:
        params, inp, exp = g['layout'] + ':' + g['format'], tc['codes'], tc['expected']
    flags = ','.join(tc.get('flags', [])) or '-'
    return '%d %s %s %s %s %s' % (tc['tcId'], op, params, inp, exp, flags)


def check_text_twin(path, raw, doc):
    """The .txt twin: ASCII, '#' comment lines, then one line per test, equal field by field to the
    line its JSON test gives."""
    try:
        text = raw.decode('ascii')
    except UnicodeDecodeError:
        raise Refused(path, 'the text twin is not ASCII')
    if text and not text.endswith('\n'):
        raise Refused(path, 'the text twin does not end with a newline (truncated?)')
    op = doc['operation']
    want = [(tc, twin_line(op, g, tc)) for g in doc['testGroups'] for tc in g['tests']]
    lines = [l for l in text.split('\n') if l and not l.startswith('#')]
    if len(lines) != len(want):
        raise Refused(path, 'the text twin has %d test lines, its JSON file %d tests' % (len(lines), len(want)))
    for no, (line, (tc, expected)) in enumerate(zip(lines, want), 1):
        if line != expected:
            fields = ['tcId', 'op', 'params', 'input', 'expected', 'flags']
            got, exp = line.split(' '), expected.split(' ')
            which = next((fields[i] if i < len(fields) else 'field %d' % i
                          for i in range(max(len(got), len(exp)))
                          if i >= len(got) or i >= len(exp) or got[i] != exp[i]), '?')
            raise Refused(path, 'test line %d (tcId %s) differs from its JSON test in %s' % (no, tc['tcId'], which))
    return len(lines)


# ---------------------------------------------------------------------------------------------------

def run(root, max_report=10, quiet=False, out=sys.stdout, only=None):
    """Returns the exit status (0, 1 or 2) and prints a report. only: when given, a set of paths whose
    tests are recomputed; every other file still has its checksum, header and structure checked."""
    refused = []
    reports = []
    totals = {}

    def say(msg):
        print(msg, file=out)

    try:
        manifest, entries = load_manifest(root)
    except Refused as e:
        say('REFUSED %s' % e)
        return 2
    say('manifest: %d files, suiteVersion %s' % (len(entries), manifest.get('suiteVersion')))
    try:
        n = check_sums_file(root, entries)
        say('%s: %d lines agree with the manifest' % (SUMS, n))
    except Refused as e:
        say('REFUSED %s' % e)
        refused.append(e)
    for rel in unlisted_files(root, entries):
        e = Refused(rel, 'present in the directory but not listed in the manifest')
        say('REFUSED %s' % e)
        refused.append(e)
    docs = {}
    for entry in entries:
        path = entry['path']
        try:
            raw = read_checked(root, entry)
            if path.endswith('.json'):
                doc = parse_json(path, raw)
                rep = check_vector_file(path, doc, entry, max_report, manifest.get('level'),
                                        semantics=only is None or path in only)
                docs[path[:-5]] = doc
                reports.append(rep)
                op = doc['operation']
                t = totals.setdefault(op, [0, 0, 0, 0])
                t[0] += 1
                t[1] += rep.checked
                t[2] += rep.mismatches
                t[3] += rep.codes_decoded
                if not quiet or rep.mismatches:
                    say('%-52s %6d tests checked, %d mismatches, %d codes decoded'
                        % (path, rep.checked, rep.mismatches, rep.codes_decoded))
                for line in rep.lines:
                    say('  ' + line)
                if rep.mismatches > len(rep.lines):
                    say('  ... %d more mismatches' % (rep.mismatches - len(rep.lines)))
        except Refused as e:
            say('REFUSED %s' % e)
            refused.append(e)
    # text twins, after their JSON files
    twins = 0
    for entry in entries:
        path = entry['path']
        if path.endswith('.txt') and path[:-4] in docs:
            try:
                raw = read_checked(root, entry)
                if entry['numberOfTests'] != docs[path[:-4]]['numberOfTests']:
                    raise Refused(path, 'the manifest gives the twin %d tests, its JSON file holds %d'
                                  % (entry['numberOfTests'], docs[path[:-4]]['numberOfTests']))
                check_text_twin(path, raw, docs[path[:-4]])
                twins += 1
            except Refused as e:
                say('REFUSED %s' % e)
                refused.append(e)
    say('')
    say('summary (%s):' % root)
    all_checked = all_bad = 0
    for op in sorted(totals):
        files, checked, bad, decoded = totals[op]
        all_checked += checked
        all_bad += bad
        say('  %-15s %4d files %8d tests checked %6d mismatches %9d codes decoded' % (op, files, checked, bad, decoded))
    say('  text twins checked: %d' % twins)
    say('  %d tests checked, %d mismatches, %d files refused' % (all_checked, all_bad, len(refused)))
    if refused:
        say('FAIL: %d file(s) refused' % len(refused))
        return 2
    if all_bad:
        say('FAIL: %d mismatch(es)' % all_bad)
        return 1
    if all_checked == 0:
        say('FAIL: no tests found')
        return 1
    say('OK')
    return 0


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[1])
    p.add_argument('dir', help='the vector set (the directory holding manifest.json)')
    p.add_argument('--max-report', type=int, default=10, help='mismatch lines printed per file')
    p.add_argument('--quiet', action='store_true', help='print only files with mismatches and the summary')
    p.add_argument('--only', action='append', metavar='PATH',
                   help='recompute the tests of this file only (repeatable); all files are still checked for integrity')
    a = p.parse_args(argv)
    return run(a.dir, a.max_report, a.quiet, only=set(a.only) if a.only else None)


if __name__ == '__main__':
    sys.exit(main())
