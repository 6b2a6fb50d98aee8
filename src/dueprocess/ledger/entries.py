"""The canonical bytes of a ledger entry: a fixed line format, like the C2SP notes it lives beside.

    dueprocess/entry/v2
    seq 42
    time 2026-11-23T06:25:19.123456Z
    actor 64 hex chars (HMAC-SHA-256 pseudonym of the user, or "system")
    role case_manager
    action case.viewed
    case 64 hex chars (HMAC pseudonym of the case) or "-"
    request 3f1a9c0d77e2b915
    nonce 22 base64url chars (16 random bytes)
    state 64 hex chars: SHA-256 of the canonical forms of the business rows this change wrote
    payload 64 hex chars: SHA-256(salt || payload bytes)

Every line is ``key value`` with a printable-ASCII value and no spaces; the order is fixed, so
the bytes are canonical and ``seq`` is always on line two (``verify`` checks it without a
parser). No personal data appears in clear: only pseudonyms and a commitment to the payload.

``state`` binds the case data to the log (``ledger.state``): every row a change wrote is hashed
in its canonical form, and ``verify`` reconciles the tables with these commitments. An entry that
wrote no row carries the hash of nothing (``NO_STATE``). v1 entries had no ``state`` line.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

HEADER = "dueprocess/entry/v2"
FIELDS = ("seq", "time", "actor", "role", "action", "case", "request", "nonce", "state", "payload")
#: The ``state`` of an entry that wrote no business row: SHA-256 of no bytes.
NO_STATE = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
MAX_ENTRY_BYTES = 65535
_VALUE = re.compile(r"^[\x21-\x7e]{1,200}$")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_ACTION = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")


class EntryFormatError(ValueError):
    pass


@dataclass(frozen=True)
class Entry:
    seq: int
    time: str
    actor: str
    role: str
    action: str
    case: str
    request: str
    nonce: str
    state: str
    payload: str

    def to_bytes(self) -> bytes:
        values = [str(getattr(self, name)) for name in FIELDS]
        for name, value in zip(FIELDS, values, strict=True):
            if not _VALUE.match(value):
                raise EntryFormatError(f"entry field {name} has an invalid value {value!r}")
        if not _ACTION.match(self.action):
            raise EntryFormatError(f"action {self.action!r} must be dotted lower_snake_case")
        text = HEADER + "\n" + "".join(f"{n} {v}\n" for n, v in zip(FIELDS, values, strict=True))
        raw = text.encode("ascii")
        if len(raw) > MAX_ENTRY_BYTES:
            raise EntryFormatError("entry exceeds 64 KiB")
        return raw

    @property
    def recorded_at(self) -> dt.datetime:
        return dt.datetime.strptime(self.time, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.UTC)


def format_time(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def seq_prefix(seq: int) -> bytes:
    """The bytes every well-formed entry at position ``seq`` starts with."""
    return f"{HEADER}\nseq {seq}\n".encode("ascii")


def parse_entry(raw: bytes) -> Entry:
    """Parse and strictly re-validate entry bytes (re-encoding must give the same bytes)."""
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError as exc:
        raise EntryFormatError("entry is not ASCII") from exc
    lines = text.split("\n")
    if lines[0] != HEADER or lines[-1] != "" or len(lines) != len(FIELDS) + 2:
        raise EntryFormatError(f"entry does not have the {HEADER} layout")
    values: dict[str, str] = {}
    for name, line in zip(FIELDS, lines[1:-1], strict=True):
        key, _, value = line.partition(" ")
        if key != name:
            raise EntryFormatError(f"expected field {name!r}, found {key!r}")
        values[name] = value
    if not values["seq"].isdigit() or (values["seq"] != "0" and values["seq"].startswith("0")):
        raise EntryFormatError(f"seq {values['seq']!r} is not a canonical number")
    entry = Entry(seq=int(values["seq"]), **{k: v for k, v in values.items() if k != "seq"})
    if entry.to_bytes() != raw:
        raise EntryFormatError("entry bytes are not canonical")
    if not _HEX64.match(entry.payload):
        raise EntryFormatError("payload commitment is not 64 hex characters")
    if not _HEX64.match(entry.state):
        raise EntryFormatError("state commitment is not 64 hex characters")
    return entry
