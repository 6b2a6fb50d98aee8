"""Plain stage changes (acknowledge, notify, refer, close, reopen, ...) named by the rulebook."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from dueprocess.access.enforcement import recorded_denials
from dueprocess.access.rules import Gate, require
from dueprocess.cases.models import Case
from dueprocess.cases.services.common import clean_text, lock_case, move, taken_steps, workflow_of
from dueprocess.cases.services.reviews import require_in_effect
from dueprocess.errors import IllegalTransition, ReasonRequired
from dueprocess.ledger.record import record
from dueprocess.lib import clock

if TYPE_CHECKING:
    from dueprocess.accounts.models import User


@recorded_denials
def case_transition(
    *,
    actor: User,
    case: Case,
    transition: str,
    reason: str = "",
    expected_version: int | None = None,
) -> Case:
    """Take a ``move`` step. Steps that record something (triage, recommendation, decision)
    have their own services, so that what they record cannot be skipped."""
    with transaction.atomic():
        case = lock_case(case, expected_version=expected_version)
        gate = Gate(actor, case)
        gate.require("case.view")
        workflow_of(case).transition(transition)  # an unknown step is illegal, not forbidden
        decision = gate.require("case.transition", transition=transition)
        if transition == case.rulebook.rules.appeals.step:
            raise IllegalTransition(
                "An appeal is lodged with its ground of appeal and a statement: lodge it as an"
                " appeal (POST /api/v1/cases/{ref}/appeals, or the case page's appeal form)."
            )
        take_move(case, transition=transition, reason=reason, actor=actor, role=decision.role)
        return case


def take_move(
    case: Case,
    *,
    transition: str,
    reason: str,
    actor: User | None,
    role: str,
    party_access_id: int | None = None,
) -> None:
    """Move the locked, already-gated ``case`` along a ``move`` step and record it: the one
    way a plain step is taken, whether by staff (``actor``) or by a party of the case
    (``party_access_id``, recorded under the party's pseudonym; ``actor`` None)."""
    text = clean_text(reason, "reason", required=False)
    step = workflow_of(case).check(
        stage=case.stage, key=transition, kind="move", reason=text, taken=taken_steps(case)
    )
    require_in_effect(case)
    _require_reason_in_window(case, step.key, text)
    change = move(case, actor=actor, step=step, reason=text)
    details = {
        "transition": step.key,
        "from": change.old_stage,
        "to": change.new_stage,
        "reason": text,
    }
    if party_access_id is not None:
        details["by"] = role
    record(
        actor=actor,
        action="case.transitioned",
        case=case,
        role=role,
        details=details,
        party_access_id=party_access_id,
    )


def _require_reason_in_window(case: Case, transition: str, reason: str) -> None:
    """While a window the rulebook gives the parties is open (an appeal, a review), a step to
    a terminal stage — closing the case — is refused unless a reason is recorded with it."""
    rules = case.rulebook.rules
    stage, step = rules.stages[case.stage], rules.transitions[transition]
    closes = rules.stages[step.target].terminal
    due = case.stage_due_on
    if stage.window and closes and not reason and due is not None and clock.today() <= due:
        raise ReasonRequired(
            f"The {stage.window} window is open until {due.isoformat()}: give the reason for"
            f" {step.label.lower()} before it closes.",
            fields={"reason": f"Required while the {stage.window} window is open."},
        )


def _step_to(case: Case, *, terminal: bool) -> str:
    rules = case.rulebook.rules
    for step in rules.transitions_from(case.stage):
        if step.kind == "move" and rules.stages[step.target].terminal == terminal:
            return step.key
    label = workflow_of(case).stage_label(case.stage)
    what = "close" if terminal else "reopen"
    raise IllegalTransition(f"A case cannot be {what}d from the stage {label!r}.")


@recorded_denials
def case_close(
    *, actor: User, case: Case, reason: str = "", expected_version: int | None = None
) -> Case:
    """Close through the rulebook's closing step from the current stage."""
    require(actor, "case.view", case)
    return case_transition(
        actor=actor,
        case=case,
        transition=_step_to(case, terminal=True),
        reason=reason,
        expected_version=expected_version,
    )


@recorded_denials
def case_reopen(
    *, actor: User, case: Case, reason: str, expected_version: int | None = None
) -> Case:
    """Reopen a closed case through the rulebook's reopening step (reasons required)."""
    require(actor, "case.view", case)
    if not case.rulebook.rules.stages[case.stage].terminal:
        raise IllegalTransition("Only a closed case can be reopened.")
    return case_transition(
        actor=actor,
        case=case,
        transition=_step_to(case, terminal=False),
        reason=reason,
        expected_version=expected_version,
    )
