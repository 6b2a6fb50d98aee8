"""Consents to the recording of a hearing, kept in the one consent model
(``evidence.models.Consent``, with its ``hearing`` and ``answer``).

A recording of a hearing needs the recorded consent of each person present: the panel named
in the notice, the respondent if they attended, who represented or accompanied them, and
anyone else the record lists as present. Each answer is a row of its own (given, refused or
withdrawn); a person's latest answer for the hearing is the one that counts, so a refusal or
a withdrawal is no consent. People are matched by name, ignoring case and surrounding spaces.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import transaction

from dueprocess.access.enforcement import recorded_denials
from dueprocess.access.rules import Gate
from dueprocess.cases.models import Hearing, Party
from dueprocess.cases.services.common import clean_text, lock_case
from dueprocess.errors import IllegalTransition, InvalidInput
from dueprocess.evidence.models import Consent
from dueprocess.ledger.record import record
from dueprocess.lib import clock

if TYPE_CHECKING:
    from dueprocess.accounts.models import User
    from dueprocess.cases.models import Case

#: At most this many other people listed as present at a hearing.
MAX_OTHERS = 20


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


def present_at(
    hearing: Hearing, *, respondent_attended: bool, representation: str, others: Sequence[str]
) -> list[str]:
    """Everyone present whose consent a recording needs, each once, in the order named."""
    names = [p.user.full_name for p in hearing.panelists.select_related("user")]
    if respondent_attended:
        respondents = Party.objects.filter(case_id=hearing.case_id, role=Party.Role.RESPONDENT)
        names += [p.name for p in respondents.order_by("pk") if p.name]
    names += [n for n in (representation, *others) if n.strip()]
    seen: dict[str, str] = {}
    for name in names:
        seen.setdefault(_key(name), " ".join(name.split()))
    return list(seen.values())


def consents_of(hearing: Hearing) -> list[Consent]:
    """The answers recorded for the hearing's recording, oldest first."""
    return list(
        Consent.objects.filter(hearing=hearing)
        .select_related("recorded_by")
        .order_by("recorded_at", "id")
    )


def without_consent(hearing: Hearing, present: Sequence[str]) -> list[str]:
    """Who among ``present`` has no standing consent: none recorded, or a latest answer that
    refuses or withdraws it."""
    latest: dict[str, str] = {}
    for consent in consents_of(hearing):
        latest[_key(consent.person)] = consent.answer
    return [name for name in present if latest.get(_key(name)) != Consent.Answer.GIVEN]


def require_consents(hearing: Hearing, present: Sequence[str]) -> None:
    """Refuse a recording of the hearing unless each person present consented to it."""
    missing = without_consent(hearing, present)
    if missing:
        raise InvalidInput(
            "A recording of the hearing needs the recorded consent of each person present; "
            f"none stands for: {', '.join(missing)}.",
            fields={"recording_made": f"No consent from {', '.join(missing)}."},
        )


def clean_others(others: Sequence[str]) -> list[str]:
    """The other people listed as present: names, none blank, at most ``MAX_OTHERS``."""
    names = [clean_text(n, "others_present", limit=200) for n in others if (n or "").strip()]
    if len(names) > MAX_OTHERS:
        raise InvalidInput(
            f"At most {MAX_OTHERS} other people present.",
            fields={"others_present": f"At most {MAX_OTHERS}."},
        )
    return names


@recorded_denials
def hearing_consent_record(
    *,
    actor: User,
    case: Case,
    hearing_id: int,
    person: str,
    answer: str,
    scope: str,
    given_at: dt.datetime,
) -> Consent:
    """Record one person's answer (given, refused, withdrawn) to the recording of a hearing,
    before it is recorded as held; by whoever may record the hearing."""
    with transaction.atomic():
        case = lock_case(case)
        gate = Gate(actor, case)
        gate.require("case.view")
        verdict = gate.require("hearing.record")
        hearing = Hearing.objects.filter(pk=hearing_id, case=case).first()
        if hearing is None:
            raise InvalidInput(
                "No such hearing on this case.", fields={"hearing": "Unknown hearing."}
            )
        if hearing.held:
            raise IllegalTransition("This hearing has been recorded: its consents are closed.")
        if answer not in Consent.Answer.values:
            raise InvalidInput(
                f"Unknown answer {answer!r}.",
                fields={"answer": "One of " + ", ".join(Consent.Answer.values) + "."},
            )
        if given_at.tzinfo is None or given_at > clock.now():
            raise InvalidInput(
                "The answer cannot have been given in the future.",
                fields={"given_at": "Must not be in the future."},
            )
        consent = Consent.objects.create(
            case=case,
            person=" ".join(clean_text(person, "person", limit=200).split()),
            purpose=Consent.Purpose.RECORDING,
            scope=clean_text(scope, "scope", limit=2000),
            given_at=given_at,
            hearing=hearing,
            answer=answer,
            recorded_by=actor,
            recorded_at=clock.now(),
        )
        record(
            actor=actor,
            action="consent.recorded",
            case=case,
            role=verdict.role,
            details={
                "consent": consent.pk,
                "purpose": consent.purpose,
                "given_at": consent.given_at.isoformat(),
                "hearing": hearing.pk,
                "answer": consent.answer,
            },
        )
        return consent
