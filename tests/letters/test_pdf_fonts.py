"""Letters print names as written: the PDF embeds DejaVu Sans (shipped with the project, with
its licence) and its text reads back — through the font's own ToUnicode map — as the letter's
text, for Latin beyond Latin-1, Greek and Cyrillic alike."""

from __future__ import annotations

import datetime as dt
import re
import zlib

from dueprocess.letters.render import FONTS, _pdf

NAMES = "Zoë Łukasiewicz-Đorđević, Ζωή Παπαδοπούλου, Зоя Ковалёва"
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _unescape(raw: bytes) -> bytes:
    def one(match: re.Match[bytes]) -> bytes:
        what = match.group(1)
        if what[:1].isdigit():
            return bytes([int(what, 8)])
        return _ESCAPES.get(what, what)

    return re.sub(rb"\\([0-7]{1,3}|.)", one, raw, flags=re.S)


def text_of(pdf: bytes) -> str:
    """The text shown on the page, decoded with each font's ToUnicode CMap."""
    objects = {int(n): body for n, body in re.findall(rb"(\d+) 0 obj\n(.*?)endobj", pdf, re.S)}
    maps: dict[bytes, dict[int, str]] = {}
    for name, number in re.findall(rb"/(F\d+) (\d+) 0 R", pdf):
        font = objects[int(number)]
        (cmap,) = re.findall(rb"/ToUnicode (\d+) 0 R", font)
        pairs = re.findall(rb"<([0-9A-Fa-f]{4})> <([0-9A-Fa-f]+)>", objects[int(cmap)])
        maps[name] = {
            int(code, 16): bytes.fromhex(u.decode()).decode("utf-16-be") for code, u in pairs
        }
    shown = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            content = zlib.decompress(stream)
        except zlib.error:
            continue
        font = b""
        for token in re.finditer(rb"/(F\d+) [\d.]+ Tf|\(((?:\\.|[^\\)])*)\) Tj", content, re.S):
            if token.group(1):
                font = token.group(1)
                continue
            codes = _unescape(token.group(2))
            shown.append(
                "".join(
                    maps[font][int.from_bytes(codes[i : i + 2])] for i in range(0, len(codes), 2)
                )
            )
    return "\n".join(shown)


def test_names_beyond_latin_1_read_back_from_the_pdf():
    values = {"organisation": "Westfold Party", "date": "1 May 2026", "recipient_name": NAMES}
    pdf = _pdf(
        f"Письмо для {NAMES.split(',')[0]}",
        [f"Dear {NAMES},\n\nΚαλημέρα. Добрый день."],
        values,
        dt.datetime(2026, 5, 1, tzinfo=dt.UTC),
    )
    assert re.search(rb"/BaseFont /[A-Z]{6}\+DejaVuSans", pdf)
    assert b"/FontFile2" in pdf  # embedded, so it prints the same everywhere
    text = text_of(pdf)
    assert NAMES in text
    assert "Письмо для Zoë Łukasiewicz-Đorđević" in text
    assert "Καλημέρα. Добрый день." in text
    assert "?" not in text


def test_the_fonts_and_their_licence_ship_with_the_package():
    assert (FONTS / "DejaVuSans.ttf").stat().st_size > 100_000
    assert (FONTS / "DejaVuSans-Bold.ttf").stat().st_size > 100_000
    assert "Bitstream Vera" in (FONTS / "LICENSE").read_text()


def test_a_letter_that_fits_latin_1_uses_the_built_in_font_and_embeds_nothing():
    values = {"organisation": "Westfold Party", "date": "1 May 2026", "recipient_name": "Zoë Ng"}
    pdf = _pdf(
        "Your complaint",
        ["Dear Zoë Ng,\n\nWe have it."],
        values,
        at=dt.datetime(2026, 5, 1, tzinfo=dt.UTC),
    )
    assert b"/BaseFont /Helvetica" in pdf
    assert b"/FontFile2" not in pdf and b"DejaVu" not in pdf
