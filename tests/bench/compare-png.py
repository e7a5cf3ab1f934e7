#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Pixel difference of two PNG renderings of the same figure (renderer speed work must keep
the image: antialiasing may move a channel by a few values, a missing mark moves many).

  compare-png.py OLD.png NEW.png [--tolerance 8] [--max-fraction 0.001]

Prints the largest channel difference, how many pixels differ at all and how many by more
than the tolerance; exits 1 when that last share exceeds --max-fraction (or the sizes differ).
"""
import argparse
import sys
import zlib

import numpy as np


def read_png(path):
    """RGBA or RGB 8-bit PNG (what cairo_surface_write_to_png writes) as an H×W×C array."""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("%s: not a PNG" % path)
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length = int.from_bytes(data[pos:pos + 4], "big")
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height = int.from_bytes(header[0:4], "big"), int.from_bytes(header[4:8], "big")
    depth, colour, interlace = header[8], header[9], header[12]
    if depth != 8 or colour not in (2, 6) or interlace != 0:
        raise ValueError("%s: only 8-bit RGB/RGBA, not interlaced" % path)
    channels = 4 if colour == 6 else 3
    raw = np.frombuffer(zlib.decompress(idat), dtype=np.uint8)
    stride = width * channels
    rows = raw.reshape(height, stride + 1)
    out = np.zeros((height, stride), dtype=np.int32)
    prev = np.zeros(stride, dtype=np.int32)
    for y in range(height):
        f, line = rows[y, 0], rows[y, 1:].astype(np.int32)
        cur = np.zeros(stride, dtype=np.int32)
        if f == 0:
            cur = line
        elif f == 2:
            cur = (line + prev) & 255
        else:  # Sub, Average, Paeth depend on the pixel to the left: pixel by pixel
            line, up = line.reshape(-1, channels), prev.reshape(-1, channels)
            cur = np.zeros_like(line)
            left = upleft = np.zeros(channels, dtype=np.int32)
            for x in range(width):
                b = up[x]
                if f == 1:
                    p = left
                elif f == 3:
                    p = (left + b) // 2
                else:
                    pa, pb, pc = np.abs(b - upleft), np.abs(left - upleft), np.abs(left + b - 2 * upleft)
                    p = np.where((pa <= pb) & (pa <= pc), left, np.where(pb <= pc, b, upleft))
                cur[x] = (line[x] + p) & 255
                left, upleft = cur[x], b
            cur = cur.reshape(-1)
        out[y] = cur
        prev = cur
    return out.reshape(height, width, channels)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("--tolerance", type=int, default=8)
    ap.add_argument("--max-fraction", type=float, default=0.001)
    a = ap.parse_args()
    old, new = read_png(a.old), read_png(a.new)
    if old.shape != new.shape:
        print("%s: size %s, %s: size %s" % (a.old, old.shape, a.new, new.shape))
        return 1
    diff = np.abs(old - new).max(axis=2)
    n = diff.size
    over = int((diff > a.tolerance).sum())
    print("%s: max channel difference %d, %d of %d pixels differ, %d by more than %d"
          % (a.new, int(diff.max()), int((diff > 0).sum()), n, over, a.tolerance))
    return 0 if over <= a.max_fraction * n else 1


if __name__ == "__main__":
    sys.exit(main())
