"""Direction-control characters, made visible wherever people's text is shown.

A right-to-left override (U+202E) makes ``abc\u202egnp.exe`` read as ``abcexe.png``; the other
embedding, override, isolate and mark characters can reorder a title or a reason just as
invisibly. They are kept as they were received (nothing a person sent is altered or lost) and
neutralised on the way out: each page shows such a character as a visible ``[U+202E]``, and the
API's JSON carries it only as an escape (``\\u202e``), never as the raw character.
"""

from __future__ import annotations

import re

#: LRM, RLM; LRE, RLE, PDF, LRO, RLO; LRI, RLI, FSI, PDI.
BIDI_CONTROLS = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"

_SHOWN = {ord(c): f"[U+{ord(c):04X}]" for c in BIDI_CONTROLS}
_ESCAPED = {ord(c): f"\\u{ord(c):04x}" for c in BIDI_CONTROLS}
#: The same characters, UTF-8 encoded, to find them in a response without decoding it.
_IN_UTF8 = re.compile(b"\xe2\x80[\x8e\x8f\xaa-\xae]|\xe2\x81[\xa6-\xa9]")


def shown(text: str) -> str:
    """``text`` with each direction control replaced by a visible ``[U+XXXX]``."""
    return text.translate(_SHOWN)


def escaped_in_json(json_text: str) -> str:
    """JSON text with each raw direction control written as its ``\\uXXXX`` escape (the
    decoded value is unchanged)."""
    return json_text.translate(_ESCAPED)


def shown_in_utf8(data: bytes) -> bytes:
    """UTF-8 ``data`` with each direction control replaced by a visible ``[U+XXXX]``."""
    return _IN_UTF8.sub(lambda match: shown(match.group().decode()).encode(), data)
