"""The login CAPTCHA: a four-character code drawn as a PNG, with nothing but the standard library.

Each character is the 5x7 font scaled up, dark, at a slightly different height and place; noise
lines and specks in lighter colours lie behind them, enough to bother a script but not a person.
"""

from __future__ import annotations

import random
import secrets
import struct
import zlib

from simulators.veterans._glyphs import ALPHABET, GLYPHS, HEIGHT

LENGTH = 4
SCALE = 4  # each font cell becomes SCALE x SCALE pixels
IMAGE_WIDTH, IMAGE_HEIGHT = 130, 44
#: Left edge of each character's slot; each character moves up to ±2 pixels from it.
SLOT_LEFT = tuple(10 + 30 * i for i in range(LENGTH))
_BACKGROUND = (240, 245, 236)
# Every channel below 110: the characters are the only dark pixels in the image.
_INKS = ((20, 60, 30), (90, 20, 20), (20, 30, 100), (70, 50, 10), (40, 40, 40))
# Every channel above 130: noise stays in the background.
_NOISE = ((150, 190, 160), (200, 160, 150), (160, 170, 210), (190, 190, 140))

Pixels = bytearray  # RGB, row by row


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def draw(code: str, rng: random.Random | None = None) -> bytes:
    """The code as a PNG image (IMAGE_WIDTH x IMAGE_HEIGHT, RGB)."""
    draw_rng = rng or random.Random()
    pixels = bytearray(bytes(_BACKGROUND) * (IMAGE_WIDTH * IMAGE_HEIGHT))
    for _ in range(90):
        x, y = draw_rng.randrange(IMAGE_WIDTH), draw_rng.randrange(IMAGE_HEIGHT)
        _plot(pixels, x, y, draw_rng.choice(_NOISE))
    for _ in range(5):
        start = (draw_rng.randrange(IMAGE_WIDTH), draw_rng.randrange(IMAGE_HEIGHT))
        end = (draw_rng.randrange(IMAGE_WIDTH), draw_rng.randrange(IMAGE_HEIGHT))
        _line(pixels, start, end, draw_rng.choice(_NOISE))
    for left, char in zip(SLOT_LEFT, code, strict=True):
        top = draw_rng.randint(3, IMAGE_HEIGHT - HEIGHT * SCALE - 3)
        _glyph(pixels, char, left + draw_rng.randint(-2, 2), top, draw_rng.choice(_INKS))
    return encode_png(IMAGE_WIDTH, IMAGE_HEIGHT, pixels)


def encode_png(width: int, height: int, pixels: Pixels) -> bytes:
    """An 8-bit RGB PNG of the pixels, each scan line unfiltered."""
    stride = width * 3
    scanlines = b"".join(
        b"\x00" + bytes(pixels[row * stride : (row + 1) * stride]) for row in range(height)
    )
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8 bits, RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(scanlines, 9))
        + _chunk(b"IEND", b"")
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def _plot(pixels: Pixels, x: int, y: int, colour: tuple[int, int, int]) -> None:
    if 0 <= x < IMAGE_WIDTH and 0 <= y < IMAGE_HEIGHT:
        offset = (y * IMAGE_WIDTH + x) * 3
        pixels[offset : offset + 3] = bytes(colour)


def _glyph(pixels: Pixels, char: str, left: int, top: int, ink: tuple[int, int, int]) -> None:
    for column, row in GLYPHS[char]:
        for dy in range(SCALE):
            for dx in range(SCALE):
                _plot(pixels, left + column * SCALE + dx, top + row * SCALE + dy, ink)


def _line(
    pixels: Pixels, start: tuple[int, int], end: tuple[int, int], colour: tuple[int, int, int]
) -> None:
    # Bresenham's line, all octants.
    (x, y), (x1, y1) = start, end
    dx, dy = abs(x1 - x), -abs(y1 - y)
    sx, sy = (1 if x < x1 else -1), (1 if y < y1 else -1)
    error = dx + dy
    while True:
        _plot(pixels, x, y, colour)
        if (x, y) == (x1, y1):
            return
        doubled = 2 * error
        if doubled >= dy:
            error, x = error + dy, x + sx
        if doubled <= dx:
            error, y = error + dx, y + sy
