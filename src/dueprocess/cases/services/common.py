"""Mechanics every case service shares: locking, the stage move, and its status-change row."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from dueprocess.cases.models import Case, StatusChange
from dueprocess.cases.signals import step_taken
from dueprocess.cases.workflow import Workflow
from dueprocess.errors import InvalidInput, StaleState
from dueprocess.lib import clock

if TYPE_CHECKING:
    from dueprocess.accounts.models import User
    from dueprocess.rulebook.schema import Transition

MAX_TEXT = 20000


def lock_case(case: Case, *, expected_version: int | None = None) -> Case:
    """Re-read the case with a row lock (PostgreSQL; SQLite's IMMEDIATE mode already serialises
    writers), so two people acting at once cannot both move it."""
    locked = (
        Case.objects.select_for_update(of=("self",))
        .select_related("rulebook", "unit", "organisation")
        .get(pk=case.pk)
    )
    if expected_version is not None and locked.version != expected_version:
        raise StaleState(
            "This case changed while you were looking at it. Reload the page and try again."
        )
    return locked


def workflow_of(case: Case) -> Workflow:
    return Workflow(case.rulebook.rules)


def taken_steps(case: Case) -> set[str]:
    return set(StatusChange.objects.filter(case=case).values_list("transition", flat=True))


def clean_text(value: str, field: str, *, required: bool = True, limit: int = MAX_TEXT) -> str:
    text = (value or "").strip()
    if required and not text:
        raise InvalidInput(
            f"{field.replace('_', ' ').capitalize()} is required.", fields={field: "Required."}
        )
    if len(text) > limit:
        raise InvalidInput(f"{field} is too long.", fields={field: f"At most {limit} characters."})
    if "\x00" in text:
        raise InvalidInput(
            f"{field} contains a NUL character.", fields={field: "Invalid character."}
        )
    return text


def move(case: Case, *, actor: User | None, step: Transition, reason: str) -> StatusChange:
    """Move the (locked) case along ``step`` and write its status-change row."""
    rules = case.rulebook.rules
    now = clock.now()
    old = case.stage
    target = rules.stages[step.target]
    case.stage = target.key
    case.stage_entered_at = now
    case.stage_due_on = now.date() + dt.timedelta(days=target.due_days) if target.due_days else None
    case.closed_at = now if target.terminal else None
    if old == rules.initial_stage and case.acknowledged_at is None:
        case.acknowledged_at = now
    case.version += 1
    case.save(
        update_fields=[
            "stage",
            "stage_entered_at",
            "stage_due_on",
            "closed_at",
            "acknowledged_at",
            "version",
        ]
    )
    change = StatusChange.objects.create(
        case=case,
        old_stage=old,
        new_stage=target.key,
        transition=step.key,
        actor=actor,
        reason=reason,
        at=now,
    )
    step_taken.send(sender=Case, case=case, trigger=step.key, actor=actor, reason=reason)
    return change


def transition_of_kind(case: Case, kind: str, key: str = "") -> str:
    """The step to take: ``key`` if given, else the only step of ``kind`` from the current stage."""
    if key:
        return key
    options = [t.key for t in case.rulebook.rules.transitions_from(case.stage) if t.kind == kind]
    if len(options) == 1:
        return options[0]
    from dueprocess.errors import IllegalTransition

    label = workflow_of(case).stage_label(case.stage)
    if not options:
        raise IllegalTransition(f"No {kind.replace('_', ' ')} step can be taken from {label!r}.")
    raise IllegalTransition(
        f"Several {kind} steps leave {label!r}; name one: {', '.join(options)}."
    )
