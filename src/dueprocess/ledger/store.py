"""Appending to the ledger inside the caller's transaction.

``seq`` comes from the single head row, bumped with ``UPDATE ... RETURNING`` — one statement
that both takes the row lock and hands out the next number. A rolled-back transaction therefore
releases its number instead of burning it (a database SEQUENCE would leave a gap), and commit
order equals ``seq`` order. Callers append last, just before commit, to hold the lock briefly.
"""

from __future__ import annotations

import base64
import contextlib
import contextvars
import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection

from dueprocess.ledger import sealing, state
from dueprocess.ledger.entries import Entry, format_time
from dueprocess.ledger.models import LedgerEntry, LedgerPayload, LedgerRowState
from dueprocess.tlog import merkle

_disabled: contextvars.ContextVar[bool] = contextvars.ContextVar("ledger_disabled", default=False)


class LedgerNotInTransaction(RuntimeError):
    pass


@dataclass(frozen=True)
class Appended:
    seq: int
    leaf_hash: bytes
    entry: bytes


@contextlib.contextmanager
def switched_off_for_benchmark() -> Iterator[None]:
    """Skip appends inside the block. Exists only so ``bench/`` can measure the ledger's cost;
    no setting, flag or command reaches it."""
    token = _disabled.set(True)
    try:
        yield
    finally:
        _disabled.reset(token)


def switched_off() -> bool:
    return _disabled.get()


def _next_seq() -> int:
    with connection.cursor() as cursor:
        cursor.execute("UPDATE ledger_ledgerhead SET size = size + 1 WHERE id = 1 RETURNING size")
        row = cursor.fetchone()
    if row is None:
        raise RuntimeError("the ledger head row is missing: run the migrations")
    return int(row[0]) - 1


def append(
    *,
    actor: str,
    role: str,
    action: str,
    case: str,
    request: str,
    payload: dict[str, Any],
    subject: str,
    at: dt.datetime,
) -> Appended | None:
    """Append one entry with its sealed payload and the commitments to every business row the
    transaction wrote since the last entry (``ledger.state``); must run inside
    ``transaction.atomic``."""
    if _disabled.get():
        state.discard_noted()
        return None
    if not connection.in_atomic_block:
        raise LedgerNotInTransaction("ledger appends must share the business transaction")
    rows = state.take_noted()
    plaintext = sealing.payload_bytes(payload)
    salt = os.urandom(16)
    data_key = sealing.subject_key(subject)
    assert data_key is not None
    seq = _next_seq()
    entry = Entry(
        seq=seq,
        time=format_time(at),
        actor=actor,
        role=role or "-",
        action=action,
        case=case or "-",
        request=request or "-",
        nonce=base64.urlsafe_b64encode(os.urandom(16)).decode().rstrip("="),
        state=state.state_hash(rows),
        payload=sealing.commit(salt, plaintext),
    )
    raw = entry.to_bytes()
    leaf = merkle.leaf_hash(raw)
    nonce, ciphertext = sealing.seal(data_key, plaintext, raw)
    LedgerEntry.objects.create(
        seq=seq, entry=raw, leaf_hash=leaf, case_tag=case, action=action, recorded_at=at
    )
    LedgerPayload.objects.create(
        seq=seq, subject=subject, salt=salt, nonce=nonce, ciphertext=ciphertext
    )
    if rows:
        LedgerRowState.objects.bulk_create(
            [
                LedgerRowState(seq=seq, table_name=r.table, row_key=r.row, digest=r.digest)
                for r in rows
            ]
        )
    return Appended(seq=seq, leaf_hash=leaf, entry=raw)


def size() -> int:
    """Committed number of entries."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT size FROM ledger_ledgerhead WHERE id = 1")
        row = cursor.fetchone()
    return int(row[0]) if row else 0
