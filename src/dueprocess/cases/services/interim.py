"""Interim measures: formal grounds from the rulebook, written reasons, a review date."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction

from dueprocess.access.enforcement import recorded_denials
from dueprocess.access.rules import Gate
from dueprocess.cases.models import InterimMeasure
from dueprocess.cases.services.common import clean_text, lock_case
from dueprocess.cases.services.signoffs import (
    signoffs_request_for_measure,
    signoffs_withdraw_for_measure,
)
from dueprocess.errors import IllegalTransition, InvalidInput
from dueprocess.ledger.record import record
from dueprocess.lib import clock

if TYPE_CHECKING:
    from dueprocess.accounts.models import User
    from dueprocess.cases.models import Case


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
        return measure
