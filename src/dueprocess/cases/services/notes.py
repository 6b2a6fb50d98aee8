"""Notes and evidence metadata on a case (both append-only)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.db import transaction

from dueprocess.access.enforcement import recorded_denials
from dueprocess.access.rules import Gate
from dueprocess.cases.models import EvidenceItem, Note
from dueprocess.cases.services.common import clean_text, lock_case
from dueprocess.errors import InvalidInput
from dueprocess.ledger.record import record
from dueprocess.lib import clock

if TYPE_CHECKING:
    from dueprocess.accounts.models import User
    from dueprocess.cases.models import Case

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


@recorded_denials
def note_add(*, actor: User, case: Case, body: str) -> Note:
    with transaction.atomic():
        case = lock_case(case)
        gate = Gate(actor, case)
        gate.require("case.view")
        decision = gate.require("case.note")
        note = Note.objects.create(
            case=case, author=actor, body=clean_text(body, "body"), created_at=clock.now()
        )
        record(
            actor=actor,
            action="note.added",
            case=case,
            role=decision.role,
            details={"note": note.pk, "length": len(note.body)},
        )
        return note


@recorded_denials
def evidence_add(
    *,
    actor: User,
    case: Case,
    title: str,
    kind: str,
    description: str = "",
    sha256: str = "",
    size_bytes: int | None = None,
) -> EvidenceItem:
    with transaction.atomic():
        case = lock_case(case)
        gate = Gate(actor, case)
        gate.require("case.view")
        decision = gate.require("case.evidence")
        if kind not in EvidenceItem.Kind.values:
            raise InvalidInput(f"Unknown evidence kind {kind!r}.", fields={"kind": "Unknown kind."})
        digest = sha256.strip().lower()
        if digest and not _SHA256.match(digest):
            raise InvalidInput(
                "The SHA-256 must be 64 hexadecimal characters.", fields={"sha256": "Invalid."}
            )
        if size_bytes is not None and size_bytes < 0:
            raise InvalidInput("Size cannot be negative.", fields={"size_bytes": "Invalid."})
        item = EvidenceItem.objects.create(
            case=case,
            title=clean_text(title, "title", limit=200),
            kind=kind,
            description=clean_text(description, "description", required=False),
            sha256=digest,
            size_bytes=size_bytes,
            received_at=clock.now(),
            added_by=actor,
        )
        record(
            actor=actor,
            action="evidence.added",
            case=case,
            role=decision.role,
            details={"evidence": item.pk, "kind": kind, "sha256": digest},
        )
        return item
