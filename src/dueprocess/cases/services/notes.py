"""Notes on a case (append-only); evidence with its file is ``dueprocess.evidence.files``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from dueprocess.access.enforcement import recorded_denials
from dueprocess.access.rules import Gate
from dueprocess.cases.models import Note
from dueprocess.cases.services.common import clean_text, lock_case
from dueprocess.evidence.files import evidence_add
from dueprocess.ledger.record import record
from dueprocess.lib import clock

__all__ = ["evidence_add", "note_add"]

if TYPE_CHECKING:
    from dueprocess.accounts.models import User
    from dueprocess.cases.models import Case


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
