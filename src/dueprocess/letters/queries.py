"""A person's notices (reminders and escalations), for their queue: logged before shown."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import QuerySet

from dueprocess.access.enforcement import recorded_denials
from dueprocess.access.rules import Gate, visible_cases
from dueprocess.errors import NotFound
from dueprocess.ledger.record import record
from dueprocess.letters.models import Letter, Notice
from dueprocess.lib import clock

if TYPE_CHECKING:
    from dueprocess.accounts.models import User
    from dueprocess.cases.models import Case

#: Notices older than this (by the date they are about) leave the queue.
SHOWN_FOR = dt.timedelta(days=30)
MAX_SHOWN = 20


@recorded_denials
def notices_for(actor: User) -> list[Notice]:
    """The reminders and escalations sent to ``actor`` about cases they may still see, the most
    pressing date first; the read is recorded before anything is returned."""
    Gate(actor).require("case.list")
    notices = list(recent_notices(actor)[:MAX_SHOWN])
    with transaction.atomic():
        record(
            actor=actor,
            action="case_list.viewed",
            details={"list": "notices", "shown": sorted({n.case.reference for n in notices})},
        )
    return notices


def recent_notices(person: User) -> QuerySet[Notice]:
    """``person``'s notices of the last ``SHOWN_FOR`` about cases they may still see, the most
    pressing date first; unrecorded, for callers that record what they show."""
    since = clock.today() - SHOWN_FOR
    return (
        Notice.objects.filter(person=person, due_on__gte=since, case__in=visible_cases(person))
        .select_related("case")
        .order_by("due_on", "id")
    )


def letters_on(case: Case) -> list[Letter]:
    """The letters on a case the caller has already been allowed to read (and recorded reading:
    the case page's ``case.viewed``), newest first, without their bodies."""
    return list(
        Letter.objects.filter(case=case).defer("text", "html", "pdf").order_by("-created_at", "-id")
    )


#: The letter events that notify the parties of a hearing's date.
HEARING_NOTICES = ("hearing_scheduled", "hearing_adjourned")


def hearing_notices(case: Case) -> list[Letter]:
    """The notices of a case's hearings and adjournments, oldest first, without their bodies
    (for a caller that has read the case file)."""
    return list(
        Letter.objects.filter(case=case, trigger__in=HEARING_NOTICES)
        .defer("text", "html", "pdf")
        .order_by("created_at", "id")
    )


@recorded_denials
def letter_pdf_for(actor: User, case: Case, letter_id: int) -> Letter:
    """One letter's PDF, for post or download: ``case.view`` is required, and the read is
    recorded (``letter.viewed``) before the letter is returned. A letter of another case is
    not found, as an unknown one is."""
    Gate(actor, case).require("case.view")
    letter = Letter.objects.filter(case=case, pk=letter_id).first()
    if letter is None:
        raise NotFound("No such letter on this case.")
    with transaction.atomic():
        record(
            actor=actor,
            action="letter.viewed",
            case=case,
            details={"letter": letter.pk, "template": letter.template},
        )
    return letter
