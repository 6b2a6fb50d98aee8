"""Interim measures: formal grounds from the rulebook, written reasons, a review date."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction

from dueprocess.access.enforcement import recorded_denials
from dueprocess.access.rules import Gate
from dueprocess.cases.models import Case, InterimMeasure
from dueprocess.cases.services.common import clean_text, lock_case
from dueprocess.cases.services.signoffs import (
    signoffs_request_for_measure,
    signoffs_withdraw_for_measure,
)
from dueprocess.cases.signals import step_taken
from dueprocess.errors import IllegalTransition, InvalidInput
from dueprocess.ledger.record import record
from dueprocess.lib import clock

if TYPE_CHECKING:
    from dueprocess.accounts.models import User


@recorded_denials
def interim_measure_impose(
    *, actor: User, case: Case, kind: str, ground: str, reasons: str
) -> InterimMeasure:
    with transaction.atomic():
        case = lock_case(case)
        gate = Gate(actor, case)
        gate.require("case.view")
        decision = gate.require("case.interim")
        rules = case.rulebook.rules
        if rules.stages[case.stage].terminal:
            raise IllegalTransition("A closed case cannot have interim measures imposed.")
        measure_kind = rules.interim_measures.get(kind)
        if measure_kind is None:
            raise InvalidInput(
                f"Unknown interim measure {kind!r}.", fields={"kind": "Unknown measure."}
            )
        allowed = {g.key: g for g in measure_kind.grounds}
        if ground not in allowed:
            raise InvalidInput(
                f"{ground!r} is not a ground for {measure_kind.label}.",
                fields={"ground": f"Choose one of: {', '.join(allowed)}."},
            )
        text = clean_text(reasons, "reasons")
        if InterimMeasure.objects.filter(case=case, kind=kind, lifted_at__isnull=True).exists():
            raise InvalidInput(f"{measure_kind.label} is already in force on this case.")
        now = clock.now()
        measure = InterimMeasure.objects.create(
            case=case,
            kind=kind,
            ground=ground,
            reasons=text,
            imposed_by=actor,
            imposed_at=now,
            review_on=now.date() + dt.timedelta(days=measure_kind.review_days),
        )
        record(
            actor=actor,
            action="interim_measure.imposed",
            case=case,
            role=decision.role,
            details={
                "kind": kind,
                "ground": ground,
                "reasons": text,
                "review_on": measure.review_on.isoformat(),
            },
        )
        signoffs_request_for_measure(actor=actor, measure=measure, role=decision.role)
        step_taken.send(
            sender=Case, case=case, trigger="interim_measure_imposed", actor=actor, measure=measure
        )
        return measure


@recorded_denials
def interim_measure_lift(*, actor: User, measure: InterimMeasure, reason: str) -> InterimMeasure:
    with transaction.atomic():
        case = lock_case(measure.case)
        gate = Gate(actor, case)
        gate.require("case.view")
        decision = gate.require("case.interim")
        text = clean_text(reason, "reason")
        measure = InterimMeasure.objects.select_for_update().get(pk=measure.pk)
        if measure.lifted_at is not None:
            raise InvalidInput("This measure has already been lifted.")
        measure.lifted_at = clock.now()
        measure.lifted_by = actor
        measure.lift_reason = text
        measure.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
        record(
            actor=actor,
            action="interim_measure.lifted",
            case=case,
            role=decision.role,
            details={"kind": measure.kind, "reason": text},
        )
        signoffs_withdraw_for_measure(actor=actor, measure=measure, role=decision.role)
        step_taken.send(
            sender=Case,
            case=case,
            trigger="interim_measure_lifted",
            actor=actor,
            reason=text,
            measure=measure,
        )
        return measure


@recorded_denials
def interim_measure_continue(
    *, actor: User, measure: InterimMeasure, reasons: str, review_on: dt.date
) -> InterimMeasure:
    """The review of a measure that keeps it: written reasons and the next review date."""
    with transaction.atomic():
        case = lock_case(measure.case)
        gate = Gate(actor, case)
        gate.require("case.view")
        decision = gate.require("case.interim")
        text = clean_text(reasons, "reasons")
        measure = InterimMeasure.objects.select_for_update().get(pk=measure.pk)
        if measure.lifted_at is not None:
            raise InvalidInput("This measure is no longer in force.")
        today = clock.today()
        kind = case.rulebook.rules.interim_measures.get(measure.kind)
        longest = kind.review_days if kind else 28
        if not today < review_on <= today + dt.timedelta(days=longest):
            raise InvalidInput(
                f"The next review date must be after today and at most {longest} days away.",
                fields={"review_on": f"Between tomorrow and {longest} days from today."},
            )
        previous = measure.review_on
        measure.review_on = review_on
        measure.save(update_fields=["review_on"])
        record(
            actor=actor,
            action="interim_measure.continued",
            case=case,
            role=decision.role,
            details={
                "kind": measure.kind,
                "reasons": text,
                "previous_review_on": previous.isoformat(),
                "review_on": review_on.isoformat(),
            },
        )
        step_taken.send(
            sender=Case,
            case=case,
            trigger="interim_measure_continued",
            actor=actor,
            reason=text,
            measure=measure,
        )
        return measure


def interim_measure_lapse(*, measure: InterimMeasure) -> InterimMeasure | None:
    """Nobody reviewed the measure by its review date and the rulebook says it then lapses:
    lifted by no one, recorded as lapsed (the deadline engine's call, once per review date)."""
    with transaction.atomic():
        case = lock_case(measure.case)
        measure = InterimMeasure.objects.select_for_update().get(pk=measure.pk)
        if measure.lifted_at is not None or measure.review_on >= clock.today():
            return None
        reason = f"lapsed: not reviewed by {measure.review_on.isoformat()}"
        measure.lifted_at = clock.now()
        measure.lift_reason = reason
        measure.save(update_fields=["lifted_at", "lift_reason"])
        record(
            actor=None,
            action="interim_measure.lapsed",
            case=case,
            details={"kind": measure.kind, "review_on": measure.review_on.isoformat()},
        )
        signoffs_withdraw_for_measure(actor=None, measure=measure, role="")
        step_taken.send(
            sender=Case,
            case=case,
            trigger="interim_measure_lapsed",
            actor=None,
            reason=f"it was not reviewed by {measure.review_on.isoformat()}, so it has lapsed.",
            measure=measure,
        )
        return measure
