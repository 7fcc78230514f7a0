#!/usr/bin/env python3
"""A process target that misbehaves on purpose, for ProcessTargetFailureTest.

usage: misbehave.py EXAMPLES_PYTHON_DIR MODE [WHEN]

It serves requests with the Python example target, except on the poisoned ones, where it does MODE:
  segfault     dereference address 0 (a real SIGSEGV)
  exit         write a line to stderr and exit with status 3
  sleep        never answer
  half-frame   write the first half of a correct answer, then exit
  garbage      write text that is not a frame
  bad-json     write a frame prefix whose header is not JSON
  lying-prefix write a frame whose prefix announces more payload than its segments list
  short-segment answer with one byte missing from 'elements' (a consistent frame, the wrong length)
  wrong-id     answer with another request's id
WHEN is 'poison' (default: requests with rows == 7 misbehave, all others are served) or 'hello' (the
handshake itself misbehaves).
"""
import ctypes
import json
import struct
import sys
import time

sys.path.insert(0, sys.argv[1])
import lowbit_example as example  # noqa: E402

MODE = sys.argv[2]
WHEN = sys.argv[3] if len(sys.argv) > 3 else "poison"


def encoded(header, segments):
    header = dict(header)
    if segments:
        header["segments"] = [{"name": n, "bytes": len(d)} for n, d in segments]
    h = json.dumps(header).encode()
    p = b"".join(d for _, d in segments)
    return b"LBPF" + struct.pack("<HHII", 1, 0, len(h), len(p)) + h + p


def misbehave(out, ident, answer):
    if MODE == "segfault":
        ctypes.string_at(0)
    elif MODE == "exit":
        sys.stderr.write("misbehave: giving up on request %s\n" % ident)
        sys.stderr.flush()
        sys.exit(3)
    elif MODE == "sleep":
        while True:
            time.sleep(60)
    elif MODE == "half-frame":
        data = encoded({"type": "ok", "id": ident}, answer)
        out.write(data[: len(data) // 2])
        out.flush()
        sys.exit(0)
    elif MODE == "garbage":
        out.write(b"Traceback (most recent call last): this is not a frame\n")
        out.flush()
    elif MODE == "bad-json":
        h = b"{type: ok, id: %d" % ident
        out.write(b"LBPF" + struct.pack("<HHII", 1, 0, len(h), 0) + h)
        out.flush()
    elif MODE == "lying-prefix":
        data = bytearray(encoded({"type": "ok", "id": ident}, answer))
        struct.pack_into("<I", data, 12, struct.unpack_from("<I", data, 12)[0] + 5)
        out.write(bytes(data) + b"\0" * 5)
        out.flush()
    elif MODE == "short-segment":
        fixed = [(n, d[:-1] if n == "elements" else d) for n, d in answer]
        out.write(encoded({"type": "ok", "id": ident}, fixed))
        out.flush()
    elif MODE == "wrong-id":
        out.write(encoded({"type": "ok", "id": ident + 100}, answer))
        out.flush()
    else:
        sys.exit("misbehave: unknown mode " + MODE)


def main():
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    while True:
        frame = example.read_frame(stdin)
        if frame is None:
            return 0
        header, segments = frame
        kind, ident = header["type"], header["id"]
        if kind == "bye":
            return 0
        if kind == "hello":
            if WHEN == "hello":
                misbehave(stdout, ident, [])
                continue
            example.write_frame(stdout, {"type": "manifest", "id": ident, "protocol": 1, "manifest": example.MANIFEST})
            continue
        answer = example.quantize(header, segments) if kind == "quantize" else example.dequantize(header, segments)
        if WHEN == "poison" and header.get("rows") == 7:
            misbehave(stdout, ident, answer)
            continue
        example.write_frame(stdout, {"type": "ok", "id": ident}, answer)


if __name__ == "__main__":
    sys.exit(main())
