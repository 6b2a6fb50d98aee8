"""Reading the ledger back for people: a case's timeline with its sealed details opened.

Only code that has already passed ``access`` for the case calls this; it decrypts payloads
with the case's subject key, so erased subjects simply show no details.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cryptography.exceptions import InvalidTag

from dueprocess.ledger import sealing
from dueprocess.ledger.entries import parse_entry
from dueprocess.ledger.models import LedgerEntry, LedgerPayload
from dueprocess.ledger.record import actor_pseudonym, case_pseudonym

if TYPE_CHECKING:
    from dueprocess.accounts.models import User
    from dueprocess.cases.models import Case


@dataclass(frozen=True)
class TimelineItem:
    seq: int
    at: dt.datetime
    action: str
    role: str
    actor: User | None
    actor_tag: str
    details: dict[str, Any] = field(default_factory=dict)
    sealed: bool = False  # True when the details could not be opened (erased or missing)


def people_by_pseudonym(users: list[User]) -> dict[str, User]:
    return {actor_pseudonym(user): user for user in users}


def case_timeline(case: Case, *, limit: int = 1000) -> list[TimelineItem]:
    """Every ledger entry on ``case``, oldest first, with details decrypted where possible."""
    from dueprocess.accounts.models import User

    tag = case_pseudonym(case.pk)
    rows = list(LedgerEntry.objects.filter(case_tag=tag).order_by("seq")[:limit])
    payloads = {p.seq: p for p in LedgerPayload.objects.filter(seq__in=[r.seq for r in rows])}
    people = people_by_pseudonym(list(User.objects.filter(organisation_id=case.organisation_id)))
    data_key = sealing.subject_key(f"case:{tag}", create=False)
    items = []
    for row in rows:
        raw = bytes(row.entry)
        entry = parse_entry(raw)
        details, sealed = _open(payloads.get(row.seq), data_key, raw)
        items.append(
            TimelineItem(
                seq=row.seq,
                at=entry.recorded_at,
                action=entry.action,
                role=entry.role if entry.role != "-" else "",
                actor=people.get(entry.actor),
                actor_tag=entry.actor,
                details=details,
                sealed=sealed,
            )
        )
    return items


def _open(
    payload: LedgerPayload | None, data_key: bytes | None, raw: bytes
) -> tuple[dict[str, Any], bool]:
    if payload is None or data_key is None:
        return {}, True
    try:
        plain = sealing.unseal(data_key, bytes(payload.nonce), bytes(payload.ciphertext), raw)
    except InvalidTag:
        return {}, True
    return json.loads(plain), False
