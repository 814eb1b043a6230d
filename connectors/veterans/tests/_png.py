"""Just enough PNG decoding for the tests to look at a screenshot: 8-bit RGB or RGBA, any filter."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator


def pixels(png: bytes) -> Iterator[tuple[int, int, int]]:
    """Every pixel's RGB, row by row."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    offset, header, data = 8, b"", b""
    while offset < len(png):
        (length,) = struct.unpack(">I", png[offset : offset + 4])
        kind, body = png[offset + 4 : offset + 8], png[offset + 8 : offset + 8 + length]
        header = body if kind == b"IHDR" else header
        data += body if kind == b"IDAT" else b""
        offset += 12 + length
    width, height, depth, colour = struct.unpack(">IIBB", header[:10])
    assert depth == 8 and colour in (2, 6), "only 8-bit RGB and RGBA"
    size = 3 if colour == 2 else 4
    raw, stride = zlib.decompress(data), width * size
    previous = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            left = line[i - size] if i >= size else 0
            up, corner = previous[i], previous[i - size] if i >= size else 0
            line[i] = (line[i] + _predict(kind, left, up, corner)) & 0xFF
        for x in range(width):
            yield line[x * size], line[x * size + 1], line[x * size + 2]
        previous = line


def _predict(kind: int, left: int, up: int, corner: int) -> int:
    if kind == 0:
        return 0
    if kind == 1:
        return left
    if kind == 2:
        return up
    if kind == 3:
        return (left + up) // 2
    guess = left + up - corner  # Paeth
    distances = (abs(guess - left), abs(guess - up), abs(guess - corner))
    return (left, up, corner)[distances.index(min(distances))]
