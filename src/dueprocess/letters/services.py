"""Letter services besides the outbox: feedback to the complainant, which stops its clock."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from dueprocess.access.enforcement import recorded_denials
from dueprocess.access.rules import Gate
from dueprocess.cases.models import Case
from dueprocess.cases.services.common import clean_text, lock_case
from dueprocess.cases.signals import step_taken
from dueprocess.errors import IllegalTransition
from dueprocess.ledger.record import record
from dueprocess.letters.models import FeedbackGiven
from dueprocess.lib import clock

if TYPE_CHECKING:
    from dueprocess.accounts.models import User


@recorded_denials
def feedback_give(*, actor: User, case: Case, text: str) -> FeedbackGiven:
    """Record that the complainant was told how their complaint stands (the rulebook's
    feedback deadline, e.g. three months): the clock stops and the feedback letter goes."""
    with transaction.atomic():
        case = lock_case(case)
        gate = Gate(actor, case)
        gate.require("case.view")
        decision = gate.require("case.note")
        body = clean_text(text, "text")
        if case.closed_at is not None:
            raise IllegalTransition("A closed case needs no feedback.")
        given = FeedbackGiven.objects.create(case=case, by=actor, text=body, at=clock.now())
        record(
            actor=actor,
            action="case.feedback_given",
            case=case,
            role=decision.role,
            details={"text": body, "feedback_by": case.feedback_by.isoformat()},
        )
        step_taken.send(sender=Case, case=case, trigger="feedback_given", actor=actor, reason=body)
        return given
