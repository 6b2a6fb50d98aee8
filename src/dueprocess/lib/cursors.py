"""Keyset cursors: an opaque token for "after (time, id)", the sort key of a time-ordered list.

Page numbers shift when rows are added or removed while a client is paging; a cursor of the
list's own sort key never skips or repeats a row. The token is URL-safe base64 of
``<ISO time>|<id>``; anything that does not decode to an aware time and a plausible id is
refused as a field error on ``cursor``, the same for every list that pages this way.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt

from dueprocess.errors import InvalidInput


def encode_cursor(at: dt.datetime, pk: int) -> str:
    raw = f"{at.astimezone(dt.UTC).isoformat()}|{pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[dt.datetime, int]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        when, pk = base64.urlsafe_b64decode(padded.encode("ascii")).decode().split("|")
        at = dt.datetime.fromisoformat(when)
        if at.tzinfo is None or not 0 < int(pk) < 2**62:
            raise ValueError(cursor)
        return at, int(pk)
    except (ValueError, UnicodeError, binascii.Error):
        raise InvalidInput(
            "The cursor is not one this API handed out.", fields={"cursor": "Unknown cursor."}
        ) from None
