"""The suite-0.2.0 operations of FORMAT.md §5: scale-pack, weight-pack, scaled-quantize.

The reader binds its helpers (Refused, hexbytes, same_f32, fmt_f32) with bind() before any check runs,
so that this module shares the reader's exception class whether the reader runs as a script or a module.
"""

from lowbit_formats import IEEE, NAN, INF, element_format
import lowbit_scaled as ls

H = {}


def bind(**helpers):
    H.update(helpers)


def _refuse(path, msg):
    raise H['Refused'](path, msg)


def _hex(path, tc, key, value, width=None, count=None):
    return H['hexbytes'](path, tc, key, value, width, count)


# ---------------------------------------------------------------------------------------------------
# scale-pack

def check_scale_pack(path, g, tc, rep):
    if g['layout'] != 'swizzle-128x4':
        _refuse(path, 'unknown scale layout %r' % (g['layout'],))
    rows, cols = g['rows'], g['cols']
    if rows < 1 or cols < 1:
        _refuse(path, 'scale matrix %dx%d: rows and cols must be >= 1' % (rows, cols))
    pad = _hex(path, tc, 'padByte', g['padByte'], count=1)[0]
    scales = _hex(path, tc, 'scales', tc['scales'], count=rows * cols)
    expected = _hex(path, tc, 'expected', tc['expected'], count=ls.swizzle_size(rows, cols))
    got = bytes(ls.swizzle_pack(list(scales), rows, cols, pad))
    if got != expected:
        first = next(i for i in range(len(got)) if got[i] != expected[i])
        rep.mismatch(tc, 'swizzle-128x4 %dx%d: expected byte %d = %02x, this reader packs %02x'
                     % (rows, cols, first, expected[first], got[first]))
        return
    try:
        back = bytes(ls.swizzle_unpack(list(expected), rows, cols, pad, strict=True))
    except ls.LayoutError as e:
        rep.mismatch(tc, 'unpacking the expected bytes: %s' % e)
        return
    if back != scales:
        rep.mismatch(tc, 'unpacking the expected bytes does not give the scales back')


# ---------------------------------------------------------------------------------------------------
# weight-pack

WEIGHT_BITS = {'gptq-v1': (2, 3, 4, 8), 'gptq-v2': (2, 3, 4, 8), 'awq': (4,), 'hqq': (1, 2, 3, 4, 8),
               'uint4x2': (4,), 'ct-pack-quantized': (2, 4, 8), 'tinygemm': (4,), 'gguf-q4_0': (4,),
               'gguf-q4_1': (4,), 'gguf-q8_0': (8,), 'gguf-q4_k': (4,)}
GGUF_FIELDS = {'q4_0': 2, 'q4_1': 4, 'q8_0': 2, 'q4_k': 20}


def _weight_pack(layout, b, rows, cols, gs, ikt, codes, zeros, fields):
    """-> (qweight bytes, qzeros bytes)."""
    if layout in ('gptq-v1', 'gptq-v2'):
        v = 1 if layout == 'gptq-v1' else 2
        return (ls.words_to_bytes(ls.gptq_pack_qweight(codes, rows, cols, b)),
                ls.words_to_bytes(ls.gptq_pack_qzeros(zeros, rows, cols // gs, b, v)))
    if layout == 'awq':
        return (ls.words_to_bytes(ls.awq_pack_qweight(codes, rows, cols)),
                ls.words_to_bytes(ls.awq_pack_qzeros(zeros, rows, cols // gs)))
    if layout == 'hqq':
        p = ls.hqq_pack(codes, rows, cols, b)
        return (ls.words_to_bytes(p) if b == 3 else bytes(p)), b''
    if layout == 'uint4x2':
        return bytes(ls.uint4x2_pack(codes, rows, cols)), b''
    if layout == 'ct-pack-quantized':
        return ls.words_to_bytes(ls.ct_pack(codes, rows, cols, b)), b''
    if layout == 'tinygemm':
        return ls.words_to_bytes(ls.tinygemm_pack(codes, rows, cols, ikt)), b''
    kind = layout[5:]
    n = ls.GGUF_BLOCK[kind][0]
    fb = GGUF_FIELDS[kind]
    out = b''
    for bi in range(rows * cols // n):
        f = fields[bi * fb:(bi + 1) * fb]
        blk = {'q': codes[bi * n:(bi + 1) * n], 'd': int.from_bytes(f[0:2], 'little')}
        if kind == 'q4_1':
            blk['m'] = int.from_bytes(f[2:4], 'little')
        if kind == 'q4_k':
            blk['dmin'] = int.from_bytes(f[2:4], 'little')
            blk['sc'] = list(f[4:12])
            blk['mins'] = list(f[12:20])
        out += ls.gguf_pack_block(kind, blk)
    return out, b''


def _weight_unpack(layout, b, rows, cols, gs, ikt, qweight, qzeros):
    """-> (codes, zeros, fields) from the packed bytes."""
    if layout in ('gptq-v1', 'gptq-v2'):
        v = 1 if layout == 'gptq-v1' else 2
        return (ls.gptq_unpack_qweight(ls.bytes_to_words(qweight), rows, cols, b),
                ls.gptq_unpack_qzeros(ls.bytes_to_words(qzeros), rows, cols // gs, b, v), b'')
    if layout == 'awq':
        return (ls.awq_unpack_qweight(ls.bytes_to_words(qweight), rows, cols),
                ls.awq_unpack_qzeros(ls.bytes_to_words(qzeros), rows, cols // gs), b'')
    if layout == 'hqq':
        return ls.hqq_unpack(ls.bytes_to_words(qweight) if b == 3 else list(qweight), rows, cols, b), [], b''
    if layout == 'uint4x2':
        return ls.uint4x2_unpack(list(qweight), rows, cols), [], b''
    if layout == 'ct-pack-quantized':
        return ls.ct_unpack(ls.bytes_to_words(qweight), rows, cols, b), [], b''
    if layout == 'tinygemm':
        return ls.tinygemm_unpack(ls.bytes_to_words(qweight), rows, cols, ikt), [], b''
    kind = layout[5:]
    n, size = ls.GGUF_BLOCK[kind]
    codes, fields = [], b''
    for bi in range(rows * cols // n):
        blk = ls.gguf_unpack_block(kind, qweight[bi * size:(bi + 1) * size])
        codes += blk['q']
        fields += blk['d'].to_bytes(2, 'little')
        if kind == 'q4_1':
            fields += blk['m'].to_bytes(2, 'little')
        if kind == 'q4_k':
            fields += blk['dmin'].to_bytes(2, 'little') + bytes(blk['sc']) + bytes(blk['mins'])
    return codes, [], fields


def _weight_sizes(path, layout, b, rows, cols, gs, ikt):
    """Checks the group's shape; -> (qweight bytes, qzeros bytes, zeros count, blockFields bytes)."""
    def need(cond, msg):
        if not cond:
            _refuse(path, '%s b%d %dx%d: %s' % (layout, b, rows, cols, msg))
    need(rows >= 1 and cols >= 1, 'rows and cols must be >= 1')
    has_groups = layout in ('gptq-v1', 'gptq-v2', 'awq')
    need((gs > 0) == has_groups, 'groupSize %d' % gs)
    need((ikt != 0) == (layout == 'tinygemm'), 'innerKTiles %d' % ikt)
    if has_groups:
        need(cols % gs == 0, 'K is not a multiple of groupSize %d' % gs)
    groups = cols // gs if has_groups else 0
    if layout in ('gptq-v1', 'gptq-v2'):
        need(cols * b % 32 == 0 and rows * b % 32 == 0, 'K*b and N*b must be multiples of 32')
        return cols * b // 32 * rows * 4, groups * (rows * b // 32) * 4, rows * groups, 0
    if layout == 'awq':
        need(rows % 8 == 0, 'N must be a multiple of 8')
        return cols * rows // 8 * 4, groups * rows // 8 * 4, rows * groups, 0
    if layout == 'hqq':
        if b == 3:
            return -(-rows // 10) * cols * 4, 0, 0, 0
        need(rows % (8 // b) == 0, 'R must be a multiple of %d' % (8 // b))
        return rows * b // 8 * cols, 0, 0, 0
    if layout == 'uint4x2':
        need(cols % 2 == 0, 'C must be even')
        return rows * cols // 2, 0, 0, 0
    if layout == 'ct-pack-quantized':
        need(cols * b % 32 == 0, 'K*b must be a multiple of 32')
        return rows * cols * b // 32 * 4, 0, 0, 0
    if layout == 'tinygemm':
        need(ikt in (2, 4, 8), 'innerKTiles must be 2, 4 or 8')
        need(rows % 8 == 0 and cols % (16 * ikt) == 0, 'N must be a multiple of 8 and K of 16*ikt')
        return rows * cols // 2, 0, 0, 0
    kind = layout[5:]
    n, size = ls.GGUF_BLOCK[kind]
    need(cols % n == 0, 'a row must be a whole number of %d-element blocks' % n)
    blocks = rows * cols // n
    return blocks * size, 0, 0, blocks * GGUF_FIELDS[kind]


def check_weight_pack(path, g, tc, rep):
    layout, b = g['layout'], g['bits']
    if layout not in WEIGHT_BITS:
        _refuse(path, 'unknown weight layout %r' % (layout,))
    if b not in WEIGHT_BITS[layout]:
        _refuse(path, '%s does not hold %d-bit codes' % (layout, b))
    rows, cols, gs, ikt = g['rows'], g['cols'], g['groupSize'], g['innerKTiles']
    nq, nz, nzeros, nf = _weight_sizes(path, layout, b, rows, cols, gs, ikt)
    codes = list(_hex(path, tc, 'codes', tc['codes'], count=rows * cols))
    zeros = list(_hex(path, tc, 'zeros', tc['zeros'], count=nzeros))
    fields = _hex(path, tc, 'blockFields', tc['blockFields'], count=nf)
    exp = tc['expected']
    qweight = _hex(path, tc, 'qweight', exp['qweight'], count=nq)
    qzeros = _hex(path, tc, 'qzeros', exp['qzeros'], count=nz)
    if layout == 'gguf-q4_k':
        for bi in range(nf // 20):
            if any(x >> 6 for x in fields[bi * 20 + 4:bi * 20 + 20]):
                rep.mismatch(tc, 'block %d: a q4_k sub-block scale or min has more than 6 bits' % bi)
                return
    try:
        got_w, got_z = _weight_pack(layout, b, rows, cols, gs, ikt, codes, zeros, fields)
    except ls.LayoutError as e:
        rep.mismatch(tc, 'this reader cannot pack it: %s' % e)
        return
    for name, got, want in (('qweight', got_w, qweight), ('qzeros', got_z, qzeros)):
        if got != want:
            first = next((i for i in range(min(len(got), len(want))) if got[i] != want[i]), min(len(got), len(want)))
            rep.mismatch(tc, '%s b%d %dx%d %s: first difference at byte %d: expected %s, this reader packs %s'
                         % (layout, b, rows, cols, name, first, want[first:first + 4].hex(), got[first:first + 4].hex()))
            return
    try:
        back_c, back_z, back_f = _weight_unpack(layout, b, rows, cols, gs, ikt, qweight, qzeros)
    except ls.LayoutError as e:
        rep.mismatch(tc, 'unpacking the expected tensors: %s' % e)
        return
    if back_c != codes:
        rep.mismatch(tc, 'unpacking qweight does not give the codes back')
    elif back_z != zeros:
        rep.mismatch(tc, 'unpacking qzeros does not give the zero points back')
    elif back_f != fields:
        rep.mismatch(tc, 'unpacking the blocks does not give the block fields back')
    rep.codes_decoded += len(codes)


# ---------------------------------------------------------------------------------------------------
# scaled-quantize

PRECISION = {'FP32': 'f32', 'FP16': 'f16', 'BF16': 'bf16'}


def _blocks_of(path, g):
    fmt, rows, cols = g['format'], g['rows'], g['cols']
    if fmt not in ls.SCALED_FORMATS:
        _refuse(path, 'unknown scaled format %r' % (fmt,))
    efmt, br, bc = ls.SCALED_FORMATS[fmt]
    gs = g['knobs']['groupSize']
    if fmt == 'int4_group':
        if gs <= 0:
            _refuse(path, 'int4_group needs groupSize > 0, got %d' % gs)
        bc = gs
    elif gs != 0:
        _refuse(path, '%s has fixed blocks, but groupSize is %d' % (fmt, gs))
    br = br or rows
    bc = bc or cols
    if (g['blockRows'], g['blockCols']) != (br, bc):
        _refuse(path, '%s %dx%d: block %dx%d, this reader expects %dx%d'
                % (fmt, rows, cols, g['blockRows'], g['blockCols'], br, bc))
    return efmt, br, bc


def check_scaled_quantize(path, g, tc, rep):
    fmt, prof, k = g['format'], g['profile'], g['knobs']
    rows, cols = g['rows'], g['cols']
    if rows < 1 or cols < 1:
        _refuse(path, 'shape %dx%d' % (rows, cols))
    efmt, br, bc = _blocks_of(path, g)
    if (prof, fmt) not in ls.PROFILES:
        _refuse(path, 'profile %r does not define format %r' % (prof, fmt))
    zp, sdt, dq = ls.PROFILES[(prof, fmt)]
    if efmt is None:
        efmt = 'int4' if zp == 'NONE' else 'uint4'
    src = IEEE.get(g['source'])
    if src is None or g['source'] not in ('f32', 'bf16', 'f16'):
        _refuse(path, 'unknown source %r' % (g['source'],))
    if g['dequantized'] != 'f32':
        _refuse(path, 'dequantized precision %r (0.2.0 has f32 only)' % (g['dequantized'],))
    for key in ('arithmetic', 'scaleDtype', 'dequantArithmetic'):
        if k[key] not in PRECISION:
            _refuse(path, 'knobs.%s %r is not FP32, FP16 or BF16' % (key, k[key]))
    if g['elementFormat'] != efmt or g['zeroPoint'] != zp or PRECISION[k['scaleDtype']] != sdt \
            or PRECISION[k['dequantArithmetic']] != dq:
        rep.mismatch(tc, '%s/%s: group says element %s, zero point %s, scale %s, dequant %s; SPEC.md §11.2 gives '
                     '%s, %s, %s, %s' % (prof, fmt, g['elementFormat'], g['zeroPoint'], k['scaleDtype'],
                                         k['dequantArithmetic'], efmt, zp, sdt, dq))
        return
    inputs = H['hexbytes'](path, tc, 'input', tc['input'], src.nbytes, rows * cols * src.nbytes)
    vals = [src.decode(int.from_bytes(inputs[i:i + src.nbytes], 'little')) for i in range(0, len(inputs), src.nbytes)]
    # why an input must be rejected (SPEC.md §11.3.1 steps 1-2)
    P = IEEE[PRECISION[k['arithmetic']]]
    reasons = []
    if k['tail'] == 'REJECT' and (rows % br or cols % bc):
        reasons.append('RAGGED_TAIL')
    if any(v[0] != 'num' for v in vals):
        reasons.append('NON_FINITE_INPUT')
    elif any(P.decode(P.encode(v))[0] == INF for v in vals):
        reasons.append('OUT_OF_RANGE')
    e = tc['expected']
    if 'error' in e:
        if not reasons:
            rep.mismatch(tc, 'expected the error %s; this reader finds no reason to reject the input' % e['error'])
        return
    if reasons:
        rep.mismatch(tc, 'expected values, but this reader rejects the input (%s)' % ', '.join(reasons))
        return
    gr, gc = -(-rows // br), -(-cols // bc)
    S = IEEE[sdt]
    codes = H['hexbytes'](path, tc, 'codes', e['codes'], None, rows * cols)
    scales_raw = H['hexbytes'](path, tc, 'scales', e['scales'], None, gr * gc * S.nbytes)
    scales = [int.from_bytes(scales_raw[i:i + S.nbytes], 'little') for i in range(0, len(scales_raw), S.nbytes)]
    zw = {'INTEGER': 1, 'FLOAT': S.nbytes, 'MIN': S.nbytes}.get(zp, 0)
    zeros_raw = H['hexbytes'](path, tc, 'zeros', e['zeros'], None, gr * gc * zw)
    zeros = [int.from_bytes(zeros_raw[i:i + zw], 'little') for i in range(0, len(zeros_raw), zw)] if zw else []
    deq_raw = H['hexbytes'](path, tc, 'dequantized', e['dequantized'], None, rows * cols * 4)
    ef = element_format(efmt)
    for i, c in enumerate(codes):
        try:
            ef.decode(c)
            rep.codes_decoded += 1
        except ValueError as err:
            rep.mismatch(tc, 'element %d: 0x%02X is not a %s code: %s' % (i, c, efmt, err))
            return
    if zp == 'INTEGER':
        for bi, z in enumerate(zeros):
            if z > 15:
                rep.mismatch(tc, 'block %d: the zero point %d is outside 0..15' % (bi, z))
                return
    for bi, sb in enumerate(scales):
        if S.is_nan_bits(sb):
            rep.mismatch(tc, 'block %d: the scale 0x%X is a NaN' % (bi, sb))
            return
    for r in range(rows):
        for c in range(cols):
            i = r * cols + c
            bi = (r // br) * gc + c // bc
            got = ls.dequantize_bits(zp, dq, efmt, codes[i], scales[bi], sdt, zeros[bi] if zeros else None, 'f32')
            want = int.from_bytes(deq_raw[4 * i:4 * i + 4], 'little')
            if not H['same_f32'](got, want):
                rep.mismatch(tc, '%s/%s element (%d, %d) code 0x%02X, scale 0x%X%s: expected %s, this reader '
                             'dequantizes %s' % (prof, fmt, r, c, codes[i], scales[bi],
                                                 ', zero 0x%X' % zeros[bi] if zeros else '',
                                                 H['fmt_f32'](want), H['fmt_f32'](got)))
                return
