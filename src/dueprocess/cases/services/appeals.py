"""Appeals to someone new: lodged on a ground the rulebook gives, with a statement, inside the
appeal window; decided by a newly constituted panel, which confirms or replaces the decision
under appeal with its reasons.

Applies where the rulebook declares ``[appeals]``. The lodging step is then taken only here
(the generic step refuses it), so no appeal is lodged without its ground. The decision itself
is recorded by ``outcomes.decision_record`` (the chair, the votes, the new-panel check), which
calls ``settle`` to tie it to the open appeal. Rulebooks without the table keep the plain step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction

from dueprocess.access.enforcement import recorded_denials
from dueprocess.access.rules import Gate
from dueprocess.cases.models import Appeal, AppealOutcome, Decision
from dueprocess.cases.services.common import (
    clean_text,
    lock_case,
    move,
    taken_steps,
    workflow_of,
)
from dueprocess.cases.services.reviews import require_in_effect
from dueprocess.errors import IllegalTransition, InvalidInput, ReasonRequired
from dueprocess.ledger.record import record
from dueprocess.lib import clock

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Sequence

    from dueprocess.accounts.models import User
    from dueprocess.cases.models import Case
    from dueprocess.cases.services.panel_votes import VoteInput
    from dueprocess.parties.models import PartyAccess

MAX_STATEMENT = 8000
RESULTS = ("confirm", "replace")


def decision_under_appeal(case: Case) -> Decision | None:
    """The latest decision on the merits: the one an appeal lodged now is against."""
    return (
        case.decisions.exclude(kind=Decision.Kind.NOT_INVESTIGATED)
        .order_by("-decided_at", "-id")
        .first()
    )


def open_appeal(case: Case) -> Appeal | None:
    """The appeal lodged and not yet decided, if there is one."""
    pending = Appeal.objects.filter(case=case, outcome__isnull=True)
    return pending.order_by("-lodged_at", "-id").first()


def window_closes_on(case: Case) -> dt.date | None:
    """The last day of the window of the case's stage (None where the stage has none)."""
    stage = case.rulebook.rules.stages.get(case.stage)
    return case.stage_due_on if stage is not None and stage.window else None


@recorded_denials
def appeal_lodge(
    *,
    actor: User,
    case: Case,
    ground: str,
    statement: str,
    expected_version: int | None = None,
) -> Appeal:
    """Lodge an appeal against the decision on the merits, through the rulebook's step: a
    ground from the rulebook's list and a statement are required, and the appeal window
    (the stage's) must still be open — after it the refusal gives the day it closed."""
    with transaction.atomic():
        case = lock_case(case, expected_version=expected_version)
        gate = Gate(actor, case)
        gate.require("case.view")
        rules = case.rulebook.rules.appeals
        if not rules.declared:
            raise IllegalTransition(
                "The rules of this procedure declare no appeals: take the lodging step instead."
            )
        permit = gate.require("case.transition", transition=rules.step)
        errors: dict[str, str] = {}
        if ground not in rules.grounds:
            errors["ground"] = "Choose one of the rulebook's grounds of appeal."
        if not (statement or "").strip():
            errors["statement"] = "Say why the decision should not stand."
        if errors:
            raise InvalidInput(
                "An appeal needs a ground of appeal from the rules and a statement.",
                fields=errors,
            )
        text = clean_text(statement, "statement", limit=MAX_STATEMENT)
        workflow = workflow_of(case)
        step = workflow.check(
            stage=case.stage, key=rules.step, kind="move", reason=text, taken=taken_steps(case)
        )
        require_in_effect(case)
        closes = window_closes_on(case)
        if closes is not None and clock.today() > closes:
            raise IllegalTransition(
                f"The appeal window closed on {closes:%d %B %Y} ({closes.isoformat()}):"
                " an appeal can no longer be lodged."
            )
        against = decision_under_appeal(case)
        if against is None:
            raise IllegalTransition("There is no decision on the merits to appeal against.")
        change = move(case, actor=actor, step=step, reason=text)
        appeal = Appeal.objects.create(
            case=case,
            against=against,
            transition=step.key,
            ground=ground,
            statement=text,
            window_closes_on=closes,
            lodged_by=actor,
            lodged_at=clock.now(),
        )
        record(
            actor=actor,
            action="appeal.lodged",
            case=case,
            role=permit.role,
            details={
                "appeal": appeal.pk,
                "against": against.pk,
                "ground": ground,
                "statement": text,
                "window_closes_on": closes.isoformat() if closes else None,
                "transition": step.key,
                "from": change.old_stage,
                "to": change.new_stage,
            },
        )
        return appeal


def party_appeal(case: Case, *, access: PartyAccess, ground: str, statement: str) -> Appeal:
    """The respondent's own appeal (``parties.party_step_take``, which has checked the window
    and takes the step): the ground must be one of the rulebook's. The row is written before
    the step's ledger entry, which commits it."""
    rules = case.rulebook.rules.appeals
    if ground not in rules.grounds:
        raise InvalidInput(
            "Choose the ground of your appeal from the list.",
            fields={"ground": "Choose one of the grounds of appeal."},
        )
    against = decision_under_appeal(case)
    if against is None:
        raise IllegalTransition("There is no decision to appeal against.")
    return Appeal.objects.create(
        case=case,
        against=against,
        transition=rules.step,
        ground=ground,
        statement=statement,
        window_closes_on=window_closes_on(case),
        lodged_by_party=access,
        lodged_at=clock.now(),
    )


@dataclass(frozen=True)
class AppealResult:
    """What the new panel decides about the decision under appeal: confirm or replace."""

    result: str  # "confirm" or "replace"
    appeal: int | None = None  # the appeal decided (the open one if not given)


def appeal_decide(
    *,
    actor: User,
    case: Case,
    appeal: int,
    result: str,
    reasons: str,
    finding: str = "",
    sanctions: Sequence[str] | None = None,
    votes: Sequence[VoteInput] | None = None,
    expected_version: int | None = None,
) -> AppealOutcome:
    """The new panel's decision on an appeal: it confirms the decision under appeal (the same
    finding and sanctions, taken from it when not given) or replaces it (a different outcome),
    with reasons either way. Recorded as the appeal stage's decision (``decision_record``)."""
    from dueprocess.cases.services.outcomes import decision_record

    if result == "confirm" and not finding:
        lodged = Appeal.objects.filter(case=case, pk=appeal).select_related("against").first()
        if lodged is not None:
            finding, sanctions = lodged.against.finding, list(lodged.against.sanctions)
    made = decision_record(
        actor=actor,
        case=case,
        finding=finding,
        sanctions=list(sanctions or []),
        reasons=reasons,
        expected_version=expected_version,
        votes=votes,
        appeal=AppealResult(result=result, appeal=appeal),
    )
    return AppealOutcome.objects.select_related("appeal", "decision").get(decision=made)


def required_result(case: Case, given: AppealResult | None) -> Appeal | None:
    """Where the rulebook declares appeals and an appeal is open, the decision at this stage
    is the appeal's and must say whether it confirms or replaces the decision under appeal.
    Returns the appeal decided (None: not an appeal decision)."""
    if not case.rulebook.rules.appeals.declared:
        if given is not None:
            raise IllegalTransition("The rules of this procedure declare no appeals.")
        return None
    lodged = open_appeal(case)
    if lodged is None:
        if given is not None:
            raise IllegalTransition("There is no open appeal on this case to decide.")
        return None
    if given is None or given.result not in RESULTS:
        raise InvalidInput(
            "An appeal is open: the decision confirms or replaces the decision under appeal.",
            fields={"result": "Confirm or replace."},
        )
    if given.appeal is not None and given.appeal != lodged.pk:
        raise InvalidInput(
            f"Appeal {given.appeal} is not the open appeal on this case.",
            fields={"appeal": "Not the open appeal."},
        )
    return lodged


def check_result(
    appeal: Appeal, result: str, finding: str, sanctions: list[str], reasons: str
) -> None:
    """A confirmation has the decision under appeal's finding and sanctions, a replacement a
    different outcome; reasons either way."""
    if not reasons:
        raise ReasonRequired(
            "An appeal decision gives its reasons, whether it confirms or replaces.",
            fields={"reasons": "Required on appeal."},
        )
    earlier = appeal.against
    same = finding == earlier.finding and sorted(sanctions) == sorted(earlier.sanctions)
    if result == "confirm" and not same:
        raise InvalidInput(
            "A confirmation keeps the finding and sanctions of the decision under appeal;"
            " choose replace to change them.",
            fields={"result": "The outcome differs from the decision under appeal."},
        )
    if result == "replace" and same:
        raise InvalidInput(
            "A replacement changes the finding or the sanctions; choose confirm to keep them.",
            fields={"result": "The outcome is the same as the decision under appeal."},
        )


def settle(*, appeal: Appeal, decision: Decision, result: str) -> dict[str, object]:
    """Tie the appeal stage's ``decision`` (checked by ``check_result``) to ``appeal``; returns
    what the decision's ledger entry says of the appeal."""
    outcome = AppealOutcome.objects.create(
        appeal=appeal,
        decision=decision,
        result=AppealOutcome.Result.CONFIRMED
        if result == "confirm"
        else AppealOutcome.Result.REPLACED,
        reasons=decision.reasons,
    )
    return {"appeal": appeal.pk, "against": appeal.against_id, "appeal_result": outcome.result}


# -- the read model ------------------------------------------------------------------------


@dataclass(frozen=True)
class AppealView:
    """One appeal as the case page and the API show it."""

    id: int
    ground: str
    ground_label: str
    statement: str
    lodged_by: str
    lodged_at: dt.datetime
    window_closes_on: dt.date | None
    against: int
    against_summary: str
    result: str  # "", "confirmed" or "replaced"
    reasons: str
    decision: int | None
    decided_at: dt.datetime | None


@dataclass(frozen=True)
class AppealsState:
    """The case's appeals, the grounds it may be lodged on, and whether one can be now."""

    declared: bool
    grounds: list[tuple[str, str]]
    step: str
    window_closes_on: dt.date | None
    appeals: list[AppealView]
    open_appeal: int | None


def _summary(decision: Decision) -> str:
    sanctions = ", ".join(decision.sanctions) or "no sanction"
    return f"{decision.get_finding_display()} ({sanctions}), {decision.decided_at:%d %B %Y}"


def appeals_state(case: Case) -> AppealsState:
    """The read model of a case's appeals (the caller has passed the case's gate)."""
    rules = case.rulebook.rules.appeals
    rows = (
        Appeal.objects.filter(case=case)
        .select_related("against", "lodged_by", "outcome__decision")
        .order_by("lodged_at", "id")
    )
    views = []
    for row in rows:
        outcome = getattr(row, "outcome", None)
        views.append(
            AppealView(
                id=row.pk,
                ground=row.ground,
                ground_label=rules.grounds[row.ground].label
                if row.ground in rules.grounds
                else row.ground,
                statement=row.statement,
                lodged_by=row.lodged_by.full_name if row.lodged_by else "the respondent",
                lodged_at=row.lodged_at,
                window_closes_on=row.window_closes_on,
                against=row.against_id,
                against_summary=_summary(row.against),
                result=outcome.result if outcome else "",
                reasons=outcome.reasons if outcome else "",
                decision=outcome.decision_id if outcome else None,
                decided_at=outcome.decision.decided_at if outcome else None,
            )
        )
    pending = next((v.id for v in views if not v.result), None)
    return AppealsState(
        declared=rules.declared,
        grounds=[(g.key, g.label) for g in rules.grounds.values()],
        step=rules.step,
        window_closes_on=window_closes_on(case),
        appeals=views,
        open_appeal=pending,
    )


def standing(case: Case) -> dict[int, tuple[str, int]]:
    """Decision id -> (``confirmed``/``replaced``, the appeal decision's id): how each decision
    that was appealed stands now."""
    return {
        row.appeal.against_id: (row.result, row.decision_id)
        for row in AppealOutcome.objects.filter(appeal__case=case).select_related("appeal")
    }
