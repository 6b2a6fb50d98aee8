"""The type of a file from its first bytes, never from its name or the type it declares."""

from __future__ import annotations

#: Media types the system can recognise (a rulebook allows a subset of these).
KNOWN = ("application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp", "text/plain")

_EXECUTABLE = (
    b"MZ",
    b"\x7fELF",
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xcf\xfa\xed\xfe",
    b"\xce\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
    b"#!",
)
_ARCHIVE = (
    b"PK\x03\x04",
    b"PK\x05\x06",
    b"\x1f\x8b",
    b"7z\xbc\xaf\x27\x1c",
    b"Rar!",
    b"BZh",
    b"\xfd7zXZ\x00",
)


def detect(data: bytes) -> str:
    """A media type, or ``executable``/``archive``/``unknown`` for what is never accepted."""
    head = data[:16]
    if head.startswith(_EXECUTABLE):
        return "executable"
    if head.startswith(_ARCHIVE) or data[257:262] == b"ustar":
        return "archive"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if _is_text(data):
        return "text/plain"
    return "unknown"


def _is_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return all(ch.isprintable() or ch in "\t\r\n\f" for ch in text)
