#!/usr/bin/env python3
"""A process target that misbehaves on purpose, for ProcessTargetFailureTest (standard library only).

usage: misbehave.py MODE WHEN REAL_TARGET [ARGS...]

It passes every request to REAL_TARGET (a well-behaved target it runs as its own child) and passes the
answer back, except on the poisoned requests, where it does MODE:
  segfault       dereference address 0 (a real SIGSEGV)
  exit           write a line to stderr and exit with status 3
  sleep          never answer
  half-frame     write the first half of the real answer, then exit
  garbage        write text that is not a frame
  bad-json       write a frame prefix whose header is not JSON
  lying-prefix   write the real answer with a prefix that announces 5 more payload bytes than its segments list
  short-segment  answer with one byte missing from 'elements' (a consistent frame, the wrong length)
  wrong-id       answer with another request's id
WHEN is 'poison' (requests with rows == 7 misbehave, all others are served) or 'hello' (the handshake
itself misbehaves).
"""
import ctypes
import json
import struct
import subprocess
import sys
import time

MODE, WHEN, REAL = sys.argv[1], sys.argv[2], sys.argv[3:]


def read_exactly(stream, n):
    data = b""
    while len(data) < n:
        chunk = stream.read(n - len(data))
        if not chunk:
            break
        data += chunk
    return data


def read_frame(stream):
    """(raw bytes, header, [(name, bytes)]) or None at the end of the stream."""
    prefix = read_exactly(stream, 16)
    if len(prefix) < 16:
        return None
    _, _, header_length, payload_length = struct.unpack("<HHII", prefix[4:])
    header_bytes = read_exactly(stream, header_length)
    payload = read_exactly(stream, payload_length)
    header = json.loads(header_bytes)
    segments, at = [], 0
    for s in header.get("segments", []):
        segments.append((s["name"], payload[at:at + s["bytes"]]))
        at += s["bytes"]
    return prefix + header_bytes + payload, header, segments


def encode(header, segments):
    header = {k: v for k, v in header.items() if k != "segments"}
    if segments:
        header["segments"] = [{"name": n, "bytes": len(d)} for n, d in segments]
    h = json.dumps(header).encode()
    p = b"".join(d for _, d in segments)
    return b"LBPF" + struct.pack("<HHII", 1, 0, len(h), len(p)) + h + p


def misbehave(out, request, answer):
    raw, header, segments = answer
    ident = request["id"]
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
        out.write(raw[: len(raw) // 2])
        out.flush()
        sys.exit(0)
    elif MODE == "garbage":
        out.write(b"Traceback (most recent call last): this is not a frame\n")
    elif MODE == "bad-json":
        h = b"{type: ok, id: %d" % ident
        out.write(b"LBPF" + struct.pack("<HHII", 1, 0, len(h), 0) + h)
    elif MODE == "lying-prefix":
        data = bytearray(raw)
        struct.pack_into("<I", data, 12, struct.unpack_from("<I", data, 12)[0] + 5)
        out.write(bytes(data) + b"\0" * 5)
    elif MODE == "short-segment":
        out.write(encode(header, [(n, d[:-1] if n == "elements" else d) for n, d in segments]))
    elif MODE == "wrong-id":
        out.write(encode(dict(header, id=ident + 100), segments))
    else:
        sys.exit("misbehave: unknown mode " + MODE)
    out.flush()


def main():
    real = subprocess.Popen(REAL, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    while True:
        request = read_frame(stdin)
        if request is None or request[1]["type"] == "bye":
            real.stdin.close()
            return real.wait()
        real.stdin.write(request[0])
        real.stdin.flush()
        answer = read_frame(real.stdout)
        header = request[1]
        poisoned = (WHEN == "hello" and header["type"] == "hello") or (WHEN == "poison" and header.get("rows") == 7)
        if poisoned:
            misbehave(stdout, header, answer)
        else:
            stdout.write(answer[0])
            stdout.flush()


if __name__ == "__main__":
    sys.exit(main())
