"""The veterans system's CAPTCHA: a real PNG that shows its code legibly, a code good for one
attempt and ten minutes, and sessions that end when idle."""

from __future__ import annotations

import random
import struct
import zlib

import pytest
from starlette.requests import Request

from simulators.veterans._captcha import IMAGE_HEIGHT, IMAGE_WIDTH, SCALE, SLOT_LEFT, draw
from simulators.veterans._challenges import LIFETIME_S, Challenges
from simulators.veterans._glyphs import ALPHABET, GLYPHS, HEIGHT, WIDTH
from simulators.veterans._sessions import COOKIE, LoginRequired, SessionStore

Pixel = tuple[int, int, int]


def decode_png(data: bytes) -> tuple[int, int, list[list[Pixel]]]:
    """Width, height and rows of RGB pixels; checks the signature and every chunk's CRC."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    offset, chunks = 8, []
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind, body = data[offset + 4 : offset + 8], data[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", data[offset + 8 + length : offset + 12 + length])
        assert zlib.crc32(kind + body) & 0xFFFFFFFF == crc, f"bad CRC in {kind!r}"
        chunks.append((kind, body))
        offset += 12 + length
    assert [kind for kind, _ in chunks] == [b"IHDR", b"IDAT", b"IEND"]
    width, height, depth, colour, *_ = struct.unpack(">IIBBBBB", chunks[0][1])
    assert (depth, colour) == (8, 2)  # 8-bit RGB
    raw = zlib.decompress(chunks[1][1])
    stride = 1 + 3 * width
    assert len(raw) == height * stride
    rows = []
    for y in range(height):
        line = raw[y * stride : (y + 1) * stride]
        assert line[0] == 0  # no filter
        rows.append([(line[1 + 3 * x], line[2 + 3 * x], line[3 + 3 * x]) for x in range(width)])
    return width, height, rows


def read_code(rows: list[list[Pixel]]) -> str:
    """Read the image as a person would: the glyph whose shape matches the dark pixels best, in
    each of the four places a character may stand."""
    dark = {(x, y) for y, row in enumerate(rows) for x, p in enumerate(row) if max(p) < 110}
    code = ""
    for left in SLOT_LEFT:
        best = max(
            (_score(dark, char, x, y), char)
            for char in ALPHABET
            for x in range(left - 2, left + 3)
            for y in range(0, IMAGE_HEIGHT - HEIGHT * SCALE + 1)
        )
        code += best[1]
    return code


def _score(dark: set[tuple[int, int]], char: str, left: int, top: int) -> int:
    hits = 0
    for column in range(WIDTH):
        for row in range(HEIGHT):
            inked = (column, row) in GLYPHS[char]
            # The cell's centre pixel: dark exactly where the glyph inks it.
            centre = (left + column * SCALE + SCALE // 2, top + row * SCALE + SCALE // 2)
            hits += 1 if (centre in dark) == inked else -3
    return hits


def test_the_image_is_a_valid_png_of_the_announced_size() -> None:
    width, height, rows = decode_png(draw("7KQ3"))

    assert (width, height) == (IMAGE_WIDTH, IMAGE_HEIGHT) == (len(rows[0]), len(rows))


@pytest.mark.parametrize("seed", range(6))
def test_the_image_shows_its_code(seed: int) -> None:
    rng = random.Random(seed)
    code = "".join(rng.choice(ALPHABET) for _ in range(4))

    _, _, rows = decode_png(draw(code, random.Random(seed)))

    assert read_code(rows) == code


def test_each_drawing_of_a_code_has_different_noise() -> None:
    assert draw("ACE9", random.Random(1)) != draw("ACE9", random.Random(2))


def _challenges(now: list[float], codes: list[str]) -> Challenges:
    return Challenges(monotonic=lambda: now[0], codes=lambda: codes.pop(0))


def test_a_code_is_used_up_by_one_attempt_right_or_wrong() -> None:
    challenges = _challenges([0.0], ["AAAA", "BBBB"])
    token = challenges.issue(None)

    assert challenges.code(token) == "AAAA"
    assert not challenges.solve(token, "XXXX")
    assert not challenges.solve(token, "AAAA")  # too late: that code is gone
    again = challenges.issue(token)
    assert challenges.solve(again, " bbbb ")


def test_a_code_expires_and_an_unknown_log_in_gets_a_new_token() -> None:
    now = [0.0]
    challenges = _challenges(now, ["AAAA", "BBBB"])
    token = challenges.issue("made-up")
    assert token != "made-up"
    assert challenges.latest_token() == token

    now[0] = LIFETIME_S + 1

    assert challenges.code(token) is None
    assert not challenges.solve(token, "AAAA")


def _request(token: str | None) -> Request:
    cookie = [(b"cookie", f"{COOKIE}={token}".encode())] if token else []
    return Request({"type": "http", "headers": cookie})


def test_a_session_lives_while_used_and_ends_when_idle_longer_than_the_timeout() -> None:
    now = [0.0]
    sessions = SessionStore({"u": "p"}, idle_timeout_s=lambda: 60.0, monotonic=lambda: now[0])
    token = sessions.log_in("u", "p")
    assert token is not None and sessions.log_in("u", "wrong") is None

    for moment in (50.0, 100.0, 150.0):  # never idle for a minute
        now[0] = moment
        assert sessions.current(_request(token)).user == "u"
    now[0] = 211.0

    with pytest.raises(LoginRequired) as expired:
        sessions.current(_request(token))
    assert expired.value.expired
    with pytest.raises(LoginRequired) as gone:
        sessions.current(_request(token))
    assert not gone.value.expired
