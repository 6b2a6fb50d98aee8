"""Interviews and consent to being recorded.

An interview record says who was interviewed, by whom, when, what they said, and whether they
agreed the written statement -- an unagreed statement is kept too, marked so, because the
disagreement is itself part of the file. A consent is one person's agreement to being recorded
at a meeting or interview, with what exactly they agreed to; a recording (evidence of kind
``recording``) is refused unless it names a recorded consent for each person heard on it.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction

from dueprocess.access.enforcement import recorded_denials
from dueprocess.access.rules import Gate
from dueprocess.cases.services.common import clean_text, lock_case
from dueprocess.errors import InvalidInput
from dueprocess.evidence.models import Consent, Interview
from dueprocess.ledger.record import record
from dueprocess.lib import clock

if TYPE_CHECKING:
    from dueprocess.accounts.models import User
    from dueprocess.cases.models import Case


def _past(moment: datetime, field: str) -> datetime:
    if moment.tzinfo is None:
        raise InvalidInput("Give the time with its time zone.", fields={field: "No time zone."})
    if moment > clock.now():
        raise InvalidInput("That time is in the future.", fields={field: "In the future."})
    return moment


@recorded_denials
def interview_record(
    *,
    actor: User,
    case: Case,
    interviewee: str,
    held_at: datetime,
    statement: str,
    statement_agreed: bool,
) -> Interview:
    """Record an interview the actor held: the actor is the interviewer, so nobody records an
    interview in someone else's name."""
    with transaction.atomic():
        case = lock_case(case)
        gate = Gate(actor, case)
        gate.require("case.view")
        decision = gate.require("case.evidence")
        interview = Interview.objects.create(
            case=case,
            interviewee=clean_text(interviewee, "interviewee", limit=200),
            interviewer=actor,
            held_at=_past(held_at, "held_at"),
            statement=clean_text(statement, "statement"),
            statement_agreed=bool(statement_agreed),
            recorded_at=clock.now(),
        )
        record(
            actor=actor,
            action="interview.recorded",
            case=case,
            role=decision.role,
            details={
                "interview": interview.pk,
                "held_at": interview.held_at.isoformat(),
                "statement_agreed": interview.statement_agreed,
            },
        )
        return interview


@recorded_denials
def consent_record(
    *,
    actor: User,
    case: Case,
    person: str,
    scope: str,
    given_at: datetime,
    interview_id: int | None = None,
) -> Consent:
    """Record that ``person`` consented, at ``given_at``, to being recorded as ``scope`` says
    (optionally at one interview of the case). A consent is needed before a recording in which
    the person is heard can be added."""
    with transaction.atomic():
        case = lock_case(case)
        gate = Gate(actor, case)
        gate.require("case.view")
        decision = gate.require("case.evidence")
        interview = None
        if interview_id is not None:
            interview = Interview.objects.filter(pk=interview_id, case=case).first()
            if interview is None:
                raise InvalidInput(
                    "There is no such interview on this case.",
                    fields={"interview": "Unknown interview."},
                )
        consent = Consent.objects.create(
            case=case,
            person=clean_text(person, "person", limit=200),
            purpose=Consent.Purpose.RECORDING,
            scope=clean_text(scope, "scope", limit=2000),
            given_at=_past(given_at, "given_at"),
            interview=interview,
            recorded_by=actor,
            recorded_at=clock.now(),
        )
        record(
            actor=actor,
            action="consent.recorded",
            case=case,
            role=decision.role,
            details={
                "consent": consent.pk,
                "purpose": consent.purpose,
                "given_at": consent.given_at.isoformat(),
                "interview": interview.pk if interview else None,
            },
        )
        return consent


def consents_for_recording(*, case: Case, consent_ids: list[int]) -> list[Consent]:
    """The consents a recording names, each of this case and to being recorded (a refusal or
    a withdrawal is no consent); a recording that names none, or one that is not, is refused."""
    if not consent_ids:
        raise InvalidInput(
            "A recording needs the recorded consent of each person heard on it: record their "
            "consent first, then name it.",
            fields={"consents": "Name the consent of each person recorded."},
        )
    wanted = set(consent_ids)
    found = list(
        Consent.objects.filter(
            pk__in=wanted, case=case, purpose=Consent.Purpose.RECORDING, answer=Consent.Answer.GIVEN
        ).order_by("pk")
    )
    if len(found) != len(wanted):
        raise InvalidInput(
            "A named consent is not a consent to being recorded on this case.",
            fields={"consents": "Unknown consent."},
        )
    return found


def interviews_of(case: Case) -> list[Interview]:
    """The case's interviews, oldest first (for a caller that has already recorded its view
    of the case file)."""
    return list(
        Interview.objects.filter(case=case).select_related("interviewer").order_by("held_at", "pk")
    )


def consents_of(case: Case) -> list[Consent]:
    """The case's recorded consents, oldest first, with the interview each was given for (for
    a caller that has already recorded its view of the case file)."""
    return list(
        Consent.objects.filter(case=case)
        .select_related("recorded_by", "interview")
        .order_by("given_at", "pk")
    )
