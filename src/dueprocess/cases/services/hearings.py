"""Hearings: scheduled with notice, adjourned with reasons, recorded once held.

A hearing is held at the stage the rulebook names (``[hearings] stage``, e.g. ``hearing``).
The unit's case manager schedules it (``hearing.schedule``): a date and time, a place (a room,
or a link to join remotely) and a panel -- the case's panel members as appointed now, unless
named -- and the notice goes to the parties the rulebook's ``hearing_scheduled`` letter names.
The notice must go at least ``notice_days`` (calendar days) before the hearing; a shorter
notice needs the respondent's agreement, recorded with who gave it and how. The case manager
may adjourn (``hearing.adjourn``) with a reason, to a new date that again respects the notice
period from the adjournment (or is agreed), and the parties get a notice of the new date. Once
the date has arrived a panel member on the case or the case manager records the hearing
(``hearing.record``), once: when it was held, whether the respondent attended and who
represented them, what happened and its outcome.

Nothing here is ever changed once written (the models are append-only): the date a hearing
stands at is its latest adjournment's, so every date the parties were given stays on record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from dueprocess.access.enforcement import recorded_denials
from dueprocess.access.rules import Gate
from dueprocess.cases.models import (
    Adjournment,
    Assignment,
    Case,
    Hearing,
    HearingPanelist,
    HearingRecord,
    Recusal,
)
from dueprocess.cases.services.common import clean_text, lock_case, workflow_of
from dueprocess.cases.services.hearing_consents import clean_others, present_at, require_consents
from dueprocess.cases.signals import HearingNotice, step_taken
from dueprocess.errors import IllegalTransition, InvalidInput
from dueprocess.ledger.record import actor_pseudonym, record
from dueprocess.lib import clock
from dueprocess.rulebook.schema import HearingRules

if TYPE_CHECKING:
    from dueprocess.accounts.models import User

#: The longest place or link kept, and the longest short-notice agreement.
MAX_PLACE = 500
MAX_AGREEMENT = 1000
MAX_REPRESENTATION = 200
#: How far ahead a hearing may be scheduled (a date years away is surely a typo).
MAX_AHEAD = dt.timedelta(days=366)
SHORT_NOTICE = "needs the respondent's recorded agreement to short notice"

__all__ = [
    "HearingState",
    "hearing_adjourn",
    "hearing_record",
    "hearing_schedule",
    "hearing_state",
    "hearings_of",
]


@dataclass(frozen=True)
class HearingState:
    """A case's hearings, oldest first, and what may be done with them now (by someone the
    gate allows): the read model the case page and the API both show."""

    rules: HearingRules
    at_stage: bool  # the case is at the stage where hearings are held
    hearings: tuple[Hearing, ...]
    now: dt.datetime

    @property
    def pending(self) -> Hearing | None:
        """The hearing scheduled and not yet held, if there is one."""
        waiting = [h for h in self.hearings if not h.held]
        return waiting[-1] if waiting else None

    @property
    def schedulable(self) -> bool:
        return self.at_stage and self.pending is None

    @property
    def adjournable(self) -> bool:
        return self.at_stage and self.pending is not None

    @property
    def recordable(self) -> bool:
        pending = self.pending
        return self.at_stage and pending is not None and pending.starts_at_now <= self.now


def hearing_state(case: Case) -> HearingState:
    """Where ``case``'s hearings stand (no access check: for callers that read the case file)."""
    rules = case.rulebook.rules.hearings
    return HearingState(
        rules=rules,
        at_stage=bool(rules.stage) and case.stage == rules.stage,
        hearings=tuple(hearings_of(case)),
        now=clock.now(),
    )


def hearings_of(case: Case) -> QuerySet[Hearing]:
    """The case's hearings, oldest first, with what the read model shows of each (no access
    check: for callers that have read the case file)."""
    return (
        Hearing.objects.filter(case=case)
        .select_related("scheduled_by", "record", "record__recorded_by")
        .prefetch_related(
            Prefetch("panelists", HearingPanelist.objects.select_related("user")),
            Prefetch("adjournments", Adjournment.objects.select_related("by")),
        )
        .order_by("scheduled_at", "id")
    )


def _hearing_rules(case: Case) -> HearingRules:
    """The rulebook's hearing rules, if the case is at the stage where hearings are held."""
    rules = case.rulebook.rules.hearings
    if not rules.stage:
        raise IllegalTransition("This case's rulebook holds no hearings.")
    if case.stage != rules.stage:
        workflow = workflow_of(case)
        here, there = workflow.stage_label(rules.stage), workflow.stage_label(case.stage)
        raise IllegalTransition(
            f"A hearing is scheduled, adjourned or recorded only while the case is at {here!r};"
            f" it is at {there!r}."
        )
    return rules


def _checked_start(
    starts_at: dt.datetime | None, field: str, rules: HearingRules, agreement: str, now: dt.datetime
) -> tuple[dt.datetime, str]:
    """The hearing's date and time, checked against now and the notice period, and the
    respondent's agreement to short notice (kept only when the notice is short)."""
    if starts_at is None:
        raise InvalidInput("Give the date and time of the hearing.", fields={field: "Required."})
    if timezone.is_naive(starts_at):
        raise InvalidInput(
            "The date and time need a time zone.", fields={field: "Give a time zone."}
        )
    if starts_at <= now:
        raise InvalidInput(
            "A hearing is scheduled for a time in the future.",
            fields={field: "Must be in the future."},
        )
    if starts_at - now > MAX_AHEAD:
        raise InvalidInput(
            "A hearing is scheduled at most a year ahead.", fields={field: "Too far ahead."}
        )
    agreed = clean_text(agreement, "short_notice_agreement", required=False, limit=MAX_AGREEMENT)
    notice = (timezone.localdate(starts_at) - timezone.localdate(now)).days
    if notice >= rules.notice_days:
        return starts_at, ""
    if not agreed:
        raise InvalidInput(
            f"A hearing {notice} days from its notice, less than the rulebook's"
            f" {rules.notice_days}, {SHORT_NOTICE}.",
            fields={
                field: f"Less than {rules.notice_days} days' notice.",
                "short_notice_agreement": "Record who agreed for the respondent, and how.",
            },
        )
    return starts_at, agreed


def _panel(case: Case, named: Sequence[User] | None) -> list[User]:
    """The hearing's panel: the people named, else the case's panel members appointed now.
    Each must be an active member of the organisation who is not recused from the case."""
    if named is None:
        members = [
            a.user
            for a in Assignment.objects.filter(
                case=case, role=Assignment.Role.PANEL_MEMBER, ended_at__isnull=True
            )
            .select_related("user")
            .order_by("assigned_at", "id")
        ]
    else:
        members = list(dict.fromkeys(named))
    if not members:
        raise InvalidInput(
            "A hearing needs a panel: appoint the case's panel members first, or name them.",
            fields={"panel": "No panel members."},
        )
    recused = set(Recusal.objects.filter(case=case).values_list("user_id", flat=True))
    for member in members:
        if member.organisation_id != case.organisation_id or not member.is_active:
            raise InvalidInput(
                f"{member.full_name} cannot sit on this hearing's panel.",
                fields={"panel": "Not an active member of this organisation's staff."},
            )
        if member.pk in recused:
            raise InvalidInput(
                f"{member.full_name} is recused from this case.",
                fields={"panel": f"{member.full_name} is recused from this case."},
            )
    return members


def _notice(hearing: Hearing, *, reason: str = "") -> HearingNotice:
    return HearingNotice(
        starts_at=hearing.starts_at_now,
        place=hearing.place_now,
        panel=tuple(p.user.full_name for p in hearing.panelists.all()),
        adjournment_reason=reason,
    )


def _open_hearing(case: Case, hearing_id: int) -> Hearing:
    hearing = hearings_of(case).filter(pk=hearing_id).first()
    if hearing is None:
        raise InvalidInput("No such hearing on this case.", fields={"hearing": "Unknown hearing."})
    return hearing


@recorded_denials
def hearing_schedule(
    *,
    actor: User,
    case: Case,
    starts_at: dt.datetime | None,
    place: str,
    panel: Sequence[User] | None = None,
    short_notice_agreement: str = "",
) -> Hearing:
    """Schedule the case's hearing and send its notice. One hearing is open at a time: a
    scheduled hearing not yet held is adjourned, not scheduled again."""
    with transaction.atomic():
        case = lock_case(case)
        gate = Gate(actor, case)
        gate.require("case.view")
        verdict = gate.require("hearing.schedule")
        rules = _hearing_rules(case)
        if Hearing.objects.filter(case=case, record__isnull=True).exists():
            raise IllegalTransition(
                "This case has a hearing scheduled and not yet held: adjourn it to a new date."
            )
        now = clock.now()
        start, agreed = _checked_start(starts_at, "starts_at", rules, short_notice_agreement, now)
        where = clean_text(place, "place", limit=MAX_PLACE)
        members = _panel(case, panel)
        hearing = Hearing.objects.create(
            case=case,
            starts_at=start,
            place=where,
            scheduled_by=actor,
            scheduled_at=now,
            short_notice_agreement=agreed,
        )
        for member in members:
            HearingPanelist.objects.create(hearing=hearing, user=member)
        record(
            actor=actor,
            action="hearing.scheduled",
            case=case,
            role=verdict.role,
            details={
                "hearing": hearing.pk,
                "starts_at": start.isoformat(),
                "notice_days": (timezone.localdate(start) - timezone.localdate(now)).days,
                "short_notice_agreed": bool(agreed),
                "panel": [actor_pseudonym(m) for m in members],
            },
        )
        hearing = hearings_of(case).get(pk=hearing.pk)
        step_taken.send(
            sender=Case,
            case=case,
            trigger="hearing_scheduled",
            actor=actor,
            reason="",
            hearing=_notice(hearing),
        )
        return hearing


@recorded_denials
def hearing_adjourn(
    *,
    actor: User,
    case: Case,
    hearing_id: int,
    reason: str,
    starts_at: dt.datetime | None,
    place: str = "",
    short_notice_agreement: str = "",
) -> Adjournment:
    """Put a scheduled hearing off to a new date (and place, if given), saying why; the
    parties are sent notice of the new date."""
    with transaction.atomic():
        case = lock_case(case)
        gate = Gate(actor, case)
        gate.require("case.view")
        verdict = gate.require("hearing.adjourn")
        rules = _hearing_rules(case)
        hearing = _open_hearing(case, hearing_id)
        if hearing.held:
            raise IllegalTransition("This hearing has been held and recorded: it cannot move.")
        why = clean_text(reason, "reason", limit=2000)
        now = clock.now()
        start, agreed = _checked_start(starts_at, "starts_at", rules, short_notice_agreement, now)
        where = clean_text(place, "place", required=False, limit=MAX_PLACE)
        adjournment = Adjournment.objects.create(
            hearing=hearing,
            reason=why,
            starts_at=start,
            place=where,
            short_notice_agreement=agreed,
            by=actor,
            at=now,
        )
        record(
            actor=actor,
            action="hearing.adjourned",
            case=case,
            role=verdict.role,
            details={
                "hearing": hearing.pk,
                "adjournment": adjournment.pk,
                "from": hearing.starts_at_now.isoformat(),
                "to": start.isoformat(),
                "reason": why,
                "place_changed": bool(where),
                "short_notice_agreed": bool(agreed),
            },
        )
        hearing = hearings_of(case).get(pk=hearing.pk)
        step_taken.send(
            sender=Case,
            case=case,
            trigger="hearing_adjourned",
            actor=actor,
            reason=why,
            hearing=_notice(hearing, reason=why),
        )
        return adjournment


@recorded_denials
def hearing_record(
    *,
    actor: User,
    case: Case,
    hearing_id: int,
    respondent_attended: bool,
    representation: str,
    account: str,
    outcome: str,
    held_at: dt.datetime | None = None,
    recording_made: bool = False,
    others_present: Sequence[str] = (),
) -> HearingRecord:
    """Record a hearing that was held: once, and only once its date has arrived.
    ``held_at`` defaults to the time it was scheduled for. A recording made needs the
    recorded consent of each person present (``hearing_consents``): the panel, the respondent
    if they attended, their representative and ``others_present``."""
    with transaction.atomic():
        case = lock_case(case)
        gate = Gate(actor, case)
        gate.require("case.view")
        verdict = gate.require("hearing.record")
        rules = _hearing_rules(case)
        hearing = _open_hearing(case, hearing_id)
        if hearing.held:
            raise IllegalTransition("This hearing has already been recorded.")
        now = clock.now()
        scheduled = hearing.starts_at_now
        if now < scheduled:
            raise IllegalTransition(
                "A hearing is recorded once its date has arrived: this one is scheduled for"
                f" {timezone.localtime(scheduled):%d %B %Y at %H:%M}."
            )
        when = held_at or scheduled
        if timezone.is_naive(when) or when > now:
            raise InvalidInput(
                "The hearing cannot have been held in the future.",
                fields={"held_at": "Must not be in the future."},
            )
        if timezone.localdate(when) < timezone.localdate(scheduled):
            raise InvalidInput(
                "The hearing cannot have been held before the date it was scheduled for.",
                fields={"held_at": "Before the scheduled date."},
            )
        if recording_made and not rules.recordings_allowed:
            raise InvalidInput(
                "This rulebook does not allow hearings to be recorded.",
                fields={"recording_made": "Recordings are not allowed."},
            )
        others = clean_others(others_present)
        representative = clean_text(
            representation, "representation", required=False, limit=MAX_REPRESENTATION
        )
        if recording_made:
            present = present_at(
                hearing,
                respondent_attended=bool(respondent_attended),
                representation=representative,
                others=others,
            )
            require_consents(hearing, present)
        kept = HearingRecord.objects.create(
            hearing=hearing,
            held_at=when,
            respondent_attended=bool(respondent_attended),
            representation=representative,
            account=clean_text(account, "account"),
            outcome=clean_text(outcome, "outcome", limit=4000),
            recording_made=bool(recording_made),
            others_present=others,
            recorded_by=actor,
            recorded_at=now,
        )
        record(
            actor=actor,
            action="hearing.held",
            case=case,
            role=verdict.role,
            details={
                "hearing": hearing.pk,
                "record": kept.pk,
                "held_at": when.isoformat(),
                "respondent_attended": kept.respondent_attended,
                "represented": bool(kept.representation),
                "recording_made": kept.recording_made,
                "others_present": len(others),
                "adjournments": len(hearing.adjournments_in_order),
            },
        )
        return kept
