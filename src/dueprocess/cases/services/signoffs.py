"""Sign-offs the rulebook requires on a measure: requested, signed or objected to, or delayed.

"The leader did all he could to stop the suspension" is a claim about a sign-off that left no
trace. Here the request is created with the measure (in the same transaction), the signer sees
only its brief, and signing, objecting and answering late each need written reasons. The
measure is in force from the start: an objection is shown on the case, never a silent veto,
and no deadline stops for it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q

from dueprocess.access.enforcement import recorded_denials
from dueprocess.access.policy import Verdict
from dueprocess.access.rules import Gate
from dueprocess.cases.models import Party, SignOff
from dueprocess.cases.services.common import clean_text, lock_case
from dueprocess.errors import AccessDenied, InvalidInput, ReasonRequired
from dueprocess.ledger.record import record
from dueprocess.lib import clock

if TYPE_CHECKING:
    from dueprocess.accounts.models import User
    from dueprocess.cases.models import Case, InterimMeasure
    from dueprocess.rulebook.schema import SignOffRule

OUTCOMES = (SignOff.Status.SIGNED, SignOff.Status.OBJECTED)


def delayed(today: dt.date) -> Q:
    """Sign-offs still awaited after their due date."""
    return Q(status=SignOff.Status.PENDING, due_on__lt=today)


def signoffs_request_for_measure(
    *, actor: User, measure: InterimMeasure, role: str
) -> list[SignOff]:
    """Create the sign-off requests the rulebook attaches to ``measure``.

    Called from ``interim_measure_impose`` inside its transaction, after its access check, so a
    measure and the sign-offs it needs are written together or not at all.
    """
    case = measure.case
    rules = case.rulebook.rules
    made = []
    for rule in rules.sign_offs.values():
        if rule.applies_to_measure != measure.kind or not _applies(rule, case):
            continue
        now = clock.now()
        signoff = SignOff.objects.create(
            case=case,
            measure=measure,
            rule=rule.key,
            label=rule.label,
            signer_role=rule.signer_role,
            brief=_brief(rule, measure),
            requested_by=actor,
            requested_at=now,
            due_on=now.date() + dt.timedelta(days=rule.due_days),
        )
        record(
            actor=actor,
            action="signoff.requested",
            case=case,
            role=role,
            details={
                "signoff": signoff.pk,
                "rule": rule.key,
                "signer_role": rule.signer_role,
                "due_on": signoff.due_on.isoformat(),
                "brief": signoff.brief,
            },
        )
        made.append(signoff)
    return made


def _respondents(case: Case) -> list[Party]:
    return list(
        Party.objects.filter(case=case, role=Party.Role.RESPONDENT).select_related("member")
    )


def _office(party: Party) -> str:
    return party.elected_office or (party.member.elected_office if party.member else "")


def _applies(rule: SignOffRule, case: Case) -> bool:
    if rule.when == "always":
        return True
    if rule.when == "respondent_is_elected_representative":
        return any(_office(p) for p in _respondents(case))
    raise AssertionError(f"unhandled sign-off condition {rule.when!r}")  # the loader forbids it


def _brief(rule: SignOffRule, measure: InterimMeasure) -> str:
    """What the signer needs to answer, and no more: who, which measure, on which ground."""
    rules = measure.case.rulebook.rules
    kind = rules.interim_measures[measure.kind]
    ground = next((g.label for g in kind.grounds if g.key == measure.ground), measure.ground)
    people = "; ".join(
        f"{p.display_name} ({_office(p)})" if _office(p) else p.display_name
        for p in _respondents(measure.case)
    )
    return (
        f"{rule.label}. Measure: {kind.label}, in force from "
        f"{measure.imposed_at:%d %B %Y}. Ground: {ground}. Respondent: {people}. "
        f"Review date: {measure.review_on:%d %B %Y}."
    )


def signoffs_withdraw_for_measure(
    *, actor: User | None, measure: InterimMeasure, role: str
) -> None:
    """A measure lifted before anyone signed leaves nothing to sign; say so on the record."""
    for signoff in SignOff.objects.select_for_update().filter(
        measure=measure, status=SignOff.Status.PENDING
    ):
        signoff.status = SignOff.Status.WITHDRAWN
        signoff.recorded_at = clock.now()
        signoff.save(update_fields=["status", "recorded_at"])
        record(
            actor=actor,
            action="signoff.withdrawn",
            case=measure.case,
            role=role,
            details={"signoff": signoff.pk, "rule": signoff.rule},
        )


@recorded_denials
def signoff_record(
    *, actor: User, signoff: SignOff, outcome: str, reasons: str, delay_reasons: str = ""
) -> SignOff:
    """The signer signs or objects, with reasons — and, when late, with reasons for the delay.

    Neither changes the measure: it stays in force, and its review date and the case's
    deadlines keep running. An objection is there for the case team and oversight to see.
    """
    with transaction.atomic():
        case = lock_case(signoff.case)
        signoff = SignOff.objects.select_for_update().get(pk=signoff.pk)
        decision = _require_signer(actor, signoff, "signoff.record")
        if outcome not in OUTCOMES:
            raise InvalidInput(
                "Choose whether you sign off or object.",
                fields={"outcome": "Either 'signed' or 'objected'."},
            )
        text = clean_text(reasons, "reasons")
        late_by = (clock.today() - signoff.due_on).days
        why_late = clean_text(delay_reasons, "delay_reasons", required=False)
        if late_by > 0 and not why_late:
            raise ReasonRequired(
                f"This sign-off was due {late_by} day(s) ago; say why it comes late.",
                fields={"delay_reasons": "Required after the due date."},
            )
        signoff.status = outcome
        signoff.recorded_by = actor
        signoff.recorded_at = clock.now()
        signoff.reasons = text
        signoff.delay_reasons = why_late
        signoff.answered_late = late_by > 0
        signoff.save(
            update_fields=[
                "status",
                "recorded_by",
                "recorded_at",
                "reasons",
                "delay_reasons",
                "answered_late",
            ]
        )
        record(
            actor=actor,
            action=f"signoff.{outcome}",
            case=case,
            role=decision.role,
            details={
                "signoff": signoff.pk,
                "rule": signoff.rule,
                "reasons": text,
                "delay_reasons": why_late,
                "days_late": max(0, late_by),
            },
        )
        return signoff


def _require_signer(actor: User, signoff: SignOff, action: str) -> Verdict:
    """The case-level ``signer`` relation, narrowed to this sign-off: its role, still pending."""
    gate = Gate(actor, signoff.case)
    decision = gate.require(action)
    if signoff.signer_role not in gate.facts.roles or signoff.status != SignOff.Status.PENDING:
        raise AccessDenied(
            actor=actor,
            action=action,
            case_id=signoff.case_id,
            reason="not the signer of a pending sign-off",
            reveal=False,
        )
    return decision


# ---- The signer's narrow read: the brief and the due date. Never the case file. ----


@dataclass(frozen=True)
class SignOffBrief:
    id: int
    label: str
    brief: str
    requested_at: dt.datetime
    due_on: dt.date
    delayed: bool


def _as_brief(signoff: SignOff) -> SignOffBrief:
    return SignOffBrief(
        id=signoff.pk,
        label=signoff.label,
        brief=signoff.brief,
        requested_at=signoff.requested_at,
        due_on=signoff.due_on,
        delayed=signoff.is_delayed(clock.today()),
    )


@recorded_denials
def signoff_request_for(actor: User, signoff_id: int) -> SignOffBrief:
    """What the signer may see of one pending sign-off, after recording that they saw it."""
    signoff = SignOff.objects.select_related("case__rulebook").filter(pk=signoff_id).first()
    if signoff is None:
        raise AccessDenied(
            actor=actor,
            action="signoff.view",
            case_id=None,
            reason=f"no sign-off {signoff_id}",
            reveal=False,
        )
    decision = _require_signer(actor, signoff, "signoff.view")
    with transaction.atomic():
        record(
            actor=actor,
            action="signoff.viewed",
            case=signoff.case,
            role=decision.role,
            details={"signoff": signoff.pk, "sections": ["brief"]},
        )
    return _as_brief(signoff)


def signoff_inbox_for(actor: User) -> list[SignOffBrief]:
    """Pending sign-offs asking for a role ``actor`` holds in their own organisation.

    Each item is only a label and dates; the brief itself is read (and recorded) one at a time.
    """
    roles = Gate(actor).facts.roles
    rows = SignOff.objects.filter(
        status=SignOff.Status.PENDING,
        signer_role__in=roles,
        case__organisation_id=actor.organisation_id or 0,
    ).order_by("due_on", "pk")
    items = [
        SignOffBrief(s.pk, s.label, "", s.requested_at, s.due_on, s.is_delayed(clock.today()))
        for s in rows
    ]
    with transaction.atomic():
        record(actor=actor, action="signoff_list.viewed", details={"shown": [i.id for i in items]})
    return items
