#!/usr/bin/env python3
"""lowbit-example-python: a process target (harness/PROTOCOL.md) in Python 3 with numpy.

It implements MX block quantize and dequantize for mxfp8_e4m3 and mxfp4 under the profile ocp-mx-1.0
(spec/SPEC.md §8), from f32, bf16 and f16 and to f32, bf16 and f16, with unpacked element codes (and
nibble-low-first for mxfp4) and row-major scales, vectorized over whole tensors.

The arithmetic is float64 where every operation is exact: every f32, bf16 and f16 value is a float64
value; multiplying by a power of two (np.ldexp) is exact in float64's range; np.frexp reads an
exponent; np.rint rounds to the nearest integer with ties to even, which is SPEC.md §3's RNE once the
value is scaled so that the element's quantum is 1. The one inexact step, dequantize's output, is a
single correctly rounded cast (SPEC.md §8.7).

Run: ./lowbit conform --target 'process:python3 harness/examples/python/lowbit_example.py'
"""
import json
import struct
import sys

try:
    import numpy as np
except ImportError:  # say what is missing, on stderr, and exit non-zero: the harness shows it
    sys.stderr.write("lowbit-example-python: numpy is required (pip install numpy)\n")
    sys.exit(2)

MAGIC = b"LBPF"
VERSION = 1
MAX_HEADER = 1 << 20
MAX_PAYLOAD = 1 << 30
BLOCK = 32

# Element formats (SPEC.md §1): fraction bits m, smallest normal exponent emin, emax, max finite value.
ELEMENTS = {
    "mxfp8_e4m3": dict(bits=8, m=3, emin=-6, emax=8, max=448.0, nan_magnitude=0x7F),
    "mxfp4": dict(bits=4, m=1, emin=0, emax=2, max=6.0, nan_magnitude=None),
}
PRECISIONS = {"f32": 4, "bf16": 2, "f16": 2}

# The knobs of ocp-mx-1.0 (SPEC.md §8.6) that this target implements; `tail` is read from the request.
OCP_MX_KNOBS = {"scaleRule": "FLOOR", "elementProfile": "ocp", "elementRounding": "RNE",
                "nonFinite": "WHOLE_BLOCK_NAN", "zeroBlock": "SMALLEST_SCALE", "tinyAmax": "CLAMP",
                "scaling": "DIVIDE", "tensorScale": "NONE"}


def capabilities():
    caps = []
    for fmt, layouts in (("mxfp8_e4m3", ["unpacked"]), ("mxfp4", ["nibble-low-first", "unpacked"])):
        for op in ("quantize", "dequantize"):
            caps.append({"operation": op, "format": fmt, "profile": "ocp-mx-1.0",
                         "precisions": ["bf16", "f16", "f32"], "elementLayouts": layouts,
                         "scaleLayouts": ["row-major"]})
    return caps


MANIFEST = {"target": "lowbit-example-python", "version": "1.0.0",
            "description": "lowbit's Python/numpy example process target (harness/examples/python): "
                           "MX quantize and dequantize, vectorized",
            "capabilities": capabilities()}


class Refusal(Exception):
    """A request the target answers with an `error` frame (PROTOCOL.md §4.8)."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


# ------------------------------------------------------------------------------------------------
# Frames (PROTOCOL.md §2)

def read_exactly(stream, n):
    chunks, got = [], 0
    while got < n:
        chunk = stream.read(n - got)
        if not chunk:
            break
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def read_frame(stream):
    """Returns (header, segments), or None at the end of the stream; raises Refusal('PROTOCOL') if broken."""
    prefix = read_exactly(stream, 16)
    if not prefix:
        return None
    if len(prefix) < 16 or prefix[:4] != MAGIC:
        raise Refusal("PROTOCOL", "short frame or bad magic")
    version, reserved, header_length, payload_length = struct.unpack("<HHII", prefix[4:])
    if version != VERSION or reserved != 0 or not 2 <= header_length <= MAX_HEADER or payload_length > MAX_PAYLOAD:
        raise Refusal("PROTOCOL", "bad frame prefix %s" % prefix.hex())
    header_bytes = read_exactly(stream, header_length)
    payload = read_exactly(stream, payload_length)
    if len(header_bytes) < header_length or len(payload) < payload_length:
        raise Refusal("PROTOCOL", "short frame")
    header = json.loads(header_bytes.decode("utf-8"))
    if not isinstance(header, dict):
        raise Refusal("PROTOCOL", "the header is not a JSON object")
    segments, at = {}, 0
    for entry in header.get("segments", []):
        segments[entry["name"]] = payload[at:at + entry["bytes"]]
        at += entry["bytes"]
    if at != payload_length:
        raise Refusal("PROTOCOL", "segments add up to %d bytes, the payload has %d" % (at, payload_length))
    return header, segments


def write_frame(stream, header, segments=()):
    header = dict(header)
    if segments:
        header["segments"] = [{"name": name, "bytes": len(data)} for name, data in segments]
    header_bytes = json.dumps(header, separators=(",", ":")).encode("utf-8")
    payload = b"".join(data for _, data in segments)
    stream.write(MAGIC + struct.pack("<HHII", VERSION, 0, len(header_bytes), len(payload)) + header_bytes + payload)
    stream.flush()


# ------------------------------------------------------------------------------------------------
# Numbers

def source_values(data, source):
    """Source patterns (little-endian) to exact float64 values (SPEC.md §2)."""
    if source == "f32":
        return np.frombuffer(data, dtype="<f4").astype(np.float64)
    if source == "f16":
        return np.frombuffer(data, dtype="<f2").astype(np.float64)
    bits = np.frombuffer(data, dtype="<u2").astype(np.uint32) << 16  # bf16 is the top half of an f32
    return bits.view(np.float32).astype(np.float64)


def exponent_of(x):
    """floor(log2 x) for positive finite float64 x, read exactly with frexp (x = f·2^e, 0.5 ≤ f < 1)."""
    return np.frexp(x)[1].astype(np.int64) - 1


def encode_elements(q, element):
    """Element codes of the exact quotients q: RNE on the element's grid, SATFINITE (SPEC.md §3)."""
    m, emin, bits = element["m"], element["emin"], element["bits"]
    magnitude = np.abs(q)
    nonzero = magnitude > 0
    safe = np.where(nonzero, magnitude, 1.0)
    quantum_exp = np.maximum(exponent_of(safe), emin) - m          # the quantum of |q|'s binade
    units = np.rint(np.ldexp(safe, -quantum_exp))                  # RNE to a whole number of quanta
    value = np.minimum(np.ldexp(units, quantum_exp), element["max"])  # SATFINITE: beyond max is max
    value = np.where(nonzero, value, 0.0)
    # The magnitude code of a grid value: subnormals count quanta of 2^(emin-m); normals are
    # ((exponent - emin + 1) << m) + fraction.
    positive = value > 0
    safe_value = np.where(positive, value, 1.0)
    e = exponent_of(safe_value)
    normal = e >= emin
    subnormal_code = np.ldexp(safe_value, m - emin)
    normal_code = ((e - emin + 1) << m) + (np.ldexp(safe_value, m - e) - (1 << m))
    code = np.where(normal, normal_code, subnormal_code).astype(np.int64)
    code = np.where(positive, code, 0)
    sign = np.signbit(q).astype(np.int64) << (bits - 1)            # -0 keeps its sign (SPEC.md §3 rule 5)
    return (sign | code).astype(np.uint8)


def element_values(element):
    """Every code's value as float64 (NaN for a NaN code), indexed by code (SPEC.md §1)."""
    m, emin, bits = element["m"], element["emin"], element["bits"]
    codes = np.arange(1 << bits)
    magnitude = codes & ((1 << (bits - 1)) - 1)
    exponent, fraction = magnitude >> m, magnitude & ((1 << m) - 1)
    value = np.where(exponent == 0, np.ldexp(fraction.astype(np.float64), emin - m),
                     np.ldexp((fraction + (1 << m)).astype(np.float64), exponent - 1 + emin - m))
    value = np.where(codes >> (bits - 1) == 1, -value, value)
    if element["nan_magnitude"] is not None:
        value = np.where(magnitude == element["nan_magnitude"], np.nan, value)
    return value


# ------------------------------------------------------------------------------------------------
# Requests (PROTOCOL.md §4)

def read_shape(header):
    fmt, profile = header.get("format"), header.get("profile")
    if fmt not in ELEMENTS:
        raise Refusal("NOT_SUPPORTED", "format %s (this target does mxfp8_e4m3 and mxfp4)" % fmt)
    if profile != "ocp-mx-1.0":
        raise Refusal("NOT_SUPPORTED", "profile %s (this target does ocp-mx-1.0)" % profile)
    element_layout, scale_layout = header.get("elementLayout"), header.get("scaleLayout")
    nibbles = element_layout == "nibble-low-first" and fmt == "mxfp4"
    if element_layout != "unpacked" and not nibbles:
        raise Refusal("NOT_SUPPORTED", "element layout %s for %s" % (element_layout, fmt))
    if scale_layout != "row-major":
        raise Refusal("NOT_SUPPORTED", "scale layout %s (this target does row-major)" % scale_layout)
    if header.get("tensorScale", "none") != "none":
        raise Refusal("OUT_OF_RANGE", "a per-tensor scale on the MX format %s" % fmt)
    rows, row_length = header.get("rows"), header.get("rowLength")
    if not isinstance(rows, int) or not isinstance(row_length, int) or rows < 1 or row_length < 1:
        raise Refusal("PROTOCOL", "rows and rowLength must be integers >= 1")
    if nibbles and (rows * row_length) % 2:
        raise Refusal("OUT_OF_RANGE", "%d codes do not fill whole nibble-low-first bytes" % (rows * row_length))
    return ELEMENTS[fmt], rows, row_length, nibbles


def quantize(header, segments):
    element, rows, row_length, nibbles = read_shape(header)
    knobs = header.get("knobs", {})
    for name, value in OCP_MX_KNOBS.items():
        if knobs.get(name) != value:
            raise Refusal("NOT_SUPPORTED", "knob %s = %s (this target does %s)" % (name, knobs.get(name), value))
    tail = knobs.get("tail")
    if tail not in ("PAD_WITH_ZEROS", "REJECT"):
        raise Refusal("NOT_SUPPORTED", "knob tail = %s" % tail)
    if tail == "REJECT" and row_length % BLOCK:
        raise Refusal("RAGGED_TAIL", "row length %d is not a multiple of the block size %d of %s"
                      % (row_length, BLOCK, header["format"]))
    source = header.get("source")
    if source not in PRECISIONS:
        raise Refusal("NOT_SUPPORTED", "source %s" % source)
    data = segments.get("input", b"")
    if len(data) != rows * row_length * PRECISIONS[source]:
        raise Refusal("PROTOCOL", "segment 'input' must hold %d bytes" % (rows * row_length * PRECISIONS[source]))

    blocks = -(-row_length // BLOCK)
    padded = np.zeros((rows, blocks * BLOCK))                       # a ragged tail is padded with +0 (§8.1)
    padded[:, :row_length] = source_values(data, source).reshape(rows, row_length)
    v = padded.reshape(rows, blocks, BLOCK)

    non_finite = ~np.isfinite(v).all(axis=2)                        # NaN or Inf: WHOLE_BLOCK_NAN (§8.2 step 3)
    amax = np.where(non_finite, 0.0, np.abs(np.where(np.isfinite(v), v, 0.0)).max(axis=2))
    floor_log2 = exponent_of(np.where(amax > 0, amax, 1.0))
    s = np.where(amax > 0, floor_log2 - element["emax"], -127)     # FLOOR (§8.3); a zero block gets 0x00
    s = np.clip(s, -127, 127)
    q = np.ldexp(np.where(np.isfinite(v), v, 0.0), -s[:, :, None])  # V / 2^s, exact
    codes = encode_elements(q, element)
    codes[non_finite] = 0
    scales = np.where(non_finite, 0xFF, s + 127).astype(np.uint8)

    codes = codes.reshape(rows, blocks * BLOCK)[:, :row_length].reshape(-1)  # padding is not stored
    if nibbles:
        codes = (codes[0::2] | (codes[1::2] << 4)).astype(np.uint8)  # element 2i in the low nibble (§9.1)
    return [("scales", scales.tobytes()), ("elements", codes.tobytes())]


def dequantize(header, segments):
    element, rows, row_length, nibbles = read_shape(header)
    output = header.get("output")
    if output not in PRECISIONS:
        raise Refusal("NOT_SUPPORTED", "output %s" % output)
    if "tensorScale" in segments:
        raise Refusal("OUT_OF_RANGE", "a per-tensor scale on the MX format %s" % header["format"])
    blocks = -(-row_length // BLOCK)
    count = rows * row_length
    scale_bytes, element_bytes = segments.get("scales", b""), segments.get("elements", b"")
    if len(scale_bytes) != rows * blocks:
        raise Refusal("OUT_OF_RANGE", "%d scale bytes for %d blocks" % (len(scale_bytes), rows * blocks))
    if len(element_bytes) != (count // 2 if nibbles else count):
        raise Refusal("OUT_OF_RANGE", "%d element bytes for %d elements" % (len(element_bytes), count))
    raw = np.frombuffer(element_bytes, dtype=np.uint8)
    if nibbles:
        codes = np.empty(count, dtype=np.uint8)
        codes[0::2], codes[1::2] = raw & 0xF, raw >> 4
    else:
        codes = raw
        bad = np.nonzero(codes >> element["bits"])[0]
        if bad.size:
            raise Refusal("OUT_OF_RANGE", "element %d: 0x%02X is not a %s code (pad bits must be zero)"
                          % (bad[0], codes[bad[0]], header["format"]))
    scales = np.frombuffer(scale_bytes, dtype=np.uint8).reshape(rows, blocks)
    s = np.repeat(scales.astype(np.int64) - 127, BLOCK, axis=1)[:, :row_length].reshape(-1)
    nan_scale = np.repeat(scales == 0xFF, BLOCK, axis=1)[:, :row_length].reshape(-1)

    table = element_values(element)
    value = np.ldexp(table[codes], np.where(nan_scale, 0, s))      # P · 2^s, exact in float64
    negative = (codes >> (element["bits"] - 1)).astype(bool)
    nan_element = np.isnan(value)
    with np.errstate(over="ignore"):
        if output == "f16":
            # numpy converts float64 to float16 directly, correctly rounded (RNE, Inf beyond max).
            bits = value.astype("<f2").view("<u2").astype(np.uint32)
            nan_bits, sign_bit = 0x7E00, 0x8000
        else:
            # float64 to f32 is one correctly rounded cast; for these formats it is exact, since an
            # element has at most 4 significant bits and 2^s ≥ 2^-127 keeps every product ≥ 2^-136.
            bits = value.astype("<f4").view("<u4").astype(np.uint64)
            nan_bits, sign_bit = 0x7FC00000, 0x80000000
            if output == "bf16":
                # RNE from the exact f32 to its top 16 bits: one rounding (SPEC.md §8.7).
                bits = (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16
                nan_bits, sign_bit = 0x7FC0, 0x8000
    bits = np.where(nan_element, nan_bits | np.where(negative, sign_bit, 0), bits)  # NaN keeps the element's sign
    bits = np.where(nan_scale, nan_bits, bits)                     # a NaN scale gives +NaN (§8.7)
    dtype = "<u4" if output == "f32" else "<u2"
    return [("values", bits.astype(dtype).tobytes())]


def main():
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    while True:
        try:
            frame = read_frame(stdin)
        except (Refusal, ValueError, KeyError, TypeError) as e:  # the stream can no longer be trusted
            code = e.code if isinstance(e, Refusal) else "PROTOCOL"
            write_frame(stdout, {"type": "error", "id": -1, "code": code, "message": str(e)})
            sys.stderr.write("lowbit-example-python: %s\n" % e)
            return 2
        if frame is None:
            return 0  # end of stdin: the harness is done (PROTOCOL.md §5)
        header, segments = frame
        kind, ident = header.get("type"), header.get("id")
        try:
            if kind == "hello":
                if header.get("protocol") != VERSION:
                    raise Refusal("PROTOCOL", "this target speaks protocol %d" % VERSION)
                write_frame(stdout, {"type": "manifest", "id": ident, "protocol": VERSION, "manifest": MANIFEST})
            elif kind == "bye":
                return 0
            elif kind == "quantize":
                write_frame(stdout, {"type": "ok", "id": ident}, quantize(header, segments))
            elif kind == "dequantize":
                write_frame(stdout, {"type": "ok", "id": ident}, dequantize(header, segments))
            elif kind in ("encode", "decode", "scaled-quantize", "scaled-dequantize"):
                raise Refusal("NOT_SUPPORTED", "lowbit-example-python does not %s" % kind)
            else:
                raise Refusal("PROTOCOL", "unknown request type %r" % kind)
        except Refusal as e:
            write_frame(stdout, {"type": "error", "id": ident, "code": e.code, "message": str(e)})


if __name__ == "__main__":
    sys.exit(main())
