"""Assigning investigators and panel members, with the conflict rules checked every time.

A conflicted person is refused *and* recused, with the reason recorded: the recusal and its
ledger entry are committed before the refusal is raised, so the attempt itself is on file.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q, QuerySet

from dueprocess.access.conflicts import conflict_for
from dueprocess.access.enforcement import recorded_denials
from dueprocess.access.facts import earlier_decisions, involvement
from dueprocess.access.rules import Gate, require
from dueprocess.accounts.models import RoleMembership, TrainingRecord
from dueprocess.cases.models import Assignment, Case, Recusal
from dueprocess.cases.services.common import clean_text, lock_case
from dueprocess.errors import ConflictOfInterest, InvalidInput
from dueprocess.ledger.record import record
from dueprocess.lib import clock

if TYPE_CHECKING:
    from dueprocess.accounts.models import User


@recorded_denials
def case_assign(
    *, actor: User, case: Case, assignee: User, role: str, reason: str = ""
) -> Assignment:
    """Assign ``assignee`` as investigator (replacing any current one) or panel member."""
    refusal = took_part = ""
    with transaction.atomic():
        case = lock_case(case)
        gate = Gate(actor, case)
        gate.require("case.view")
        decision = gate.require("case.assign")
        _check_eligible(case, assignee, role)
        took_part = first_instance(case, assignee, role)
        if took_part:
            record(
                actor=actor,
                action="panel.refused",
                case=case,
                role=decision.role,
                details={"member": assignee.pk, "as": role, "took_part": took_part},
            )
    if took_part:
        raise InvalidInput(
            f"{assignee} {took_part} on this case and cannot sit on the panel that decides again.",
            fields={"assignee": "Took part at first instance."},
        )
    with transaction.atomic():
        case = lock_case(case)
        rules = case.rulebook.rules
        if role == Assignment.Role.PANEL_MEMBER and rules.panels:
            raise InvalidInput(
                "This rulebook constitutes its panels by the rules: draw the panel, or appoint"
                " it by name with a reason.",
                fields={"role": "Panel members are drawn or appointed as a panel."},
            )
        if Recusal.objects.filter(case=case, user=assignee).exists():
            raise ConflictOfInterest(f"{assignee} is recused from this case.")
        refusal = conflict_for(assignee, case, rules)
        if refusal:
            _recuse(
                case,
                assignee,
                actor,
                f"Refused as {role}: {refusal}",
                source=Recusal.Source.DETECTED,
            )
            record(
                actor=actor,
                action="assignment.refused",
                case=case,
                role=decision.role,
                details={"assignee": assignee.pk, "as": role, "conflict": refusal},
            )
        else:
            assignment = _assign(case, assignee, role, actor, rules.panel.size)
            record(
                actor=actor,
                action="assignment.made",
                case=case,
                role=decision.role,
                details={
                    "assignee": assignee.pk,
                    "as": role,
                    "reason": clean_text(reason, "reason", required=False),
                },
            )
    if refusal:
        raise ConflictOfInterest(
            f"{assignee} cannot be assigned: {refusal}. They have been recused."
        )
    return assignment


def _check_eligible(case: Case, assignee: User, role: str) -> None:
    if role not in Assignment.Role.values:
        raise InvalidInput(
            f"Unknown assignment role {role!r}.", fields={"role": "Investigator or panel member."}
        )
    if assignee.organisation_id != case.organisation_id or not assignee.is_active:
        raise InvalidInput(
            "Choose an active member of staff.", fields={"assignee": "Not eligible."}
        )
    if not RoleMembership.objects.current().filter(user=assignee, role=role).exists():
        raise InvalidInput(
            f"{assignee} does not hold the {role.replace('_', ' ')} role.",
            fields={"assignee": "Does not hold the role."},
        )
    today = clock.today()
    trained = TrainingRecord.objects.filter(user=assignee, completed_on__lte=today).filter(
        Q(expires_on__isnull=True) | Q(expires_on__gte=today)
    )
    if not trained.exists():
        raise InvalidInput(
            f"{assignee} has no current complaints-handling training.",
            fields={"assignee": "Training required before handling cases."},
        )


def first_instance(case: Case, person: User, role: str) -> str:
    """How ``person``, named for the panel that decides again after a decision on the merits
    (an appeal, a rehearing), took part at first instance; '' if they did not or the panel
    does not decide again. Such a naming is refused and the refusal recorded."""
    if role != Assignment.Role.PANEL_MEMBER or not earlier_decisions(case):
        return ""
    return involvement(person, case)


def _assign(case: Case, assignee: User, role: str, actor: User, panel_size: int) -> Assignment:
    active = Assignment.objects.filter(case=case, role=role, ended_at__isnull=True)
    if active.filter(user=assignee).exists():
        raise InvalidInput(
            f"{assignee} is already assigned.", fields={"assignee": "Already assigned."}
        )
    now = clock.now()
    if role == Assignment.Role.INVESTIGATOR:
        _end(active, now, "replaced by a new investigator")
    elif active.count() >= panel_size:
        raise InvalidInput(
            f"The panel already has {panel_size} members.", fields={"assignee": "Panel full."}
        )
    return Assignment.objects.create(
        case=case, user=assignee, role=role, assigned_by=actor, assigned_at=now
    )


def _end(assignments: QuerySet[Assignment], now: dt.datetime, reason: str) -> None:
    """End each assignment with its own save, so that the change is committed to the ledger
    (``ledger.state`` sees saves, not ``QuerySet.update``)."""
    for assignment in assignments:
        assignment.ended_at = now
        assignment.end_reason = reason
        assignment.save(update_fields=["ended_at", "end_reason"])


def _recuse(case: Case, user: User, actor: User | None, reason: str, *, source: str) -> Recusal:
    now = clock.now()
    _end(Assignment.objects.filter(case=case, user=user, ended_at__isnull=True), now, "recused")
    recusal, _ = Recusal.objects.get_or_create(
        case=case,
        user=user,
        defaults={"source": source, "reason": reason, "recorded_by": actor, "recorded_at": now},
    )
    return recusal


@recorded_denials
def assignment_end(*, actor: User, assignment: Assignment, reason: str) -> Assignment:
    with transaction.atomic():
        case = lock_case(assignment.case)
        gate = Gate(actor, case)
        gate.require("case.view")
        decision = gate.require("case.assign")
        text = clean_text(reason, "reason")
        assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
        if assignment.ended_at is not None:
            raise InvalidInput("This assignment has already ended.")
        assignment.ended_at = clock.now()
        assignment.end_reason = text
        assignment.save(update_fields=["ended_at", "end_reason"])
        record(
            actor=actor,
            action="assignment.ended",
            case=case,
            role=decision.role,
            details={"assignee": assignment.user_id, "as": assignment.role, "reason": text},
        )
        return assignment


@recorded_denials
def recusal_declare(*, actor: User, case: Case, reason: str) -> Recusal:
    """Someone steps away from a case of their own accord; their assignments on it end."""
    with transaction.atomic():
        case = lock_case(case)
        decision = require(actor, "case.view", case)
        recusal = _recuse(
            case, actor, actor, clean_text(reason, "reason"), source=Recusal.Source.DECLARED
        )
        record(
            actor=actor,
            action="recusal.declared",
            case=case,
            role=decision.role,
            details={"reason": recusal.reason},
        )
        return recusal
