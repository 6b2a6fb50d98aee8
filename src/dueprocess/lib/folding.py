"""Folding names for search: one form that ignores case, accents and spacing.

"Zoë  Ó Briain", "zoe o briain" and "ZOE O BRIAIN" fold to the same text, so a search for one
finds the others. Folding is done in Python (``unicodedata``), never in SQL, so that SQLite and
PostgreSQL match exactly the same names: neither has an accent-insensitive comparison the other
shares (PostgreSQL's ``unaccent`` is an extension, SQLite has none).
"""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """``text`` without accents or case, its runs of whitespace one space, trimmed.

    Compatibility decomposition (NFKD) splits "ë" into "e" and a combining mark, which is
    dropped; ``casefold`` is the caseless form ("ß" → "ss"). Plain ASCII, most names, has
    nothing to decompose and is only lowered (the same result, several times faster)."""
    if text.isascii():
        return " ".join(text.lower().split())
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.casefold().split())
