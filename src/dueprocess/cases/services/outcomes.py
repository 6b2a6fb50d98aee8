"""Recommendations (frozen once submitted) and decisions (flagged when they depart from them).

A decision that departs from the recommendation, or falls outside the category's guideline
range, needs written reasons and carries its direction — downgrade or upgrade by the ladder —
so a lowered sanction can never pass unnoticed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import transaction

from dueprocess.access.enforcement import recorded_denials
from dueprocess.access.facts import involvement
from dueprocess.access.rules import Gate
from dueprocess.cases import sanctions as s
from dueprocess.cases.models import Assignment, Decision, Recommendation
from dueprocess.cases.services.appeals import (
    AppealResult,
    check_result,
    required_result,
    settle,
)
from dueprocess.cases.services.common import (
    clean_text,
    lock_case,
    move,
    taken_steps,
    transition_of_kind,
    workflow_of,
)
from dueprocess.cases.services.panel_votes import (
    VoteInput,
    checked_votes,
    keep_votes,
    not_the_chair,
)
from dueprocess.cases.services.provisional import new_salt, refuse_while_sealed, seal_details
from dueprocess.cases.services.reviews import review_open
from dueprocess.errors import IllegalTransition, InvalidInput, ReasonRequired
from dueprocess.ledger.record import record
from dueprocess.lib import clock
from dueprocess.rulebook.schema import StaffRole

if TYPE_CHECKING:
    from dueprocess.accounts.models import User
    from dueprocess.cases.models import Case
    from dueprocess.rulebook.schema import Rulebook


def _check_outcome(rules: Rulebook, finding: str, sanctions: list[str], factors: list[str]) -> None:
    errors = s.validate_sanctions(rules, finding, sanctions)
    unknown = [f for f in factors if f not in rules.factors]
    if unknown:
        errors["factors"] = f"Unknown factor(s): {', '.join(unknown)}."
    if errors:
        raise InvalidInput(next(iter(errors.values())), fields=errors)


@recorded_denials
def recommendation_submit(
    *,
    actor: User,
    case: Case,
    finding: str,
    sanctions: list[str],
    reasons: str,
    factors: list[str] | None = None,
    transition: str = "",
    expected_version: int | None = None,
) -> Recommendation:
    """The investigator's recommendation; it moves the case to the panel and is then frozen."""
    with transaction.atomic():
        case = lock_case(case, expected_version=expected_version)
        gate = Gate(actor, case)
        gate.require("case.view")
        key = transition_of_kind(case, "recommend", transition)
        decision = gate.require("case.transition", transition=key)
        text = clean_text(reasons, "reasons", required=False)
        step = workflow_of(case).check(
            stage=case.stage, key=key, kind="recommend", reason=text, taken=taken_steps(case)
        )
        recommendation = _new_recommendation(case, actor, finding, sanctions, factors or [], text)
        move(case, actor=actor, step=step, reason=text)
        record(
            actor=actor,
            action="recommendation.submitted",
            case=case,
            role=decision.role,
            details={
                "number": recommendation.number,
                "finding": finding,
                "sanctions": sanctions,
                "factors": factors or [],
                "reasons": text,
                "transition": key,
            },
        )
        return recommendation


@recorded_denials
def recommendation_revise(
    *,
    actor: User,
    case: Case,
    finding: str,
    sanctions: list[str],
    reasons: str,
    factors: list[str] | None = None,
) -> Recommendation:
    """A correction is a new version that supersedes the old one; both are kept. Only the
    assigned investigator may revise, and only before the panel decides."""
    with transaction.atomic():
        case = lock_case(case)
        gate = Gate(actor, case)
        gate.require("case.view")
        decision = gate.require("case.note")
        if decision.role != StaffRole.INVESTIGATOR:
            raise IllegalTransition("Only the assigned investigator can revise the recommendation.")
        latest = case.recommendations.order_by("-number").first()
        if (
            latest is None
            or Decision.records.filter(case=case, decided_at__gte=latest.submitted_at).exists()
        ):
            raise IllegalTransition("There is no undecided recommendation to revise.")
        text = clean_text(reasons, "reasons")
        revised = _new_recommendation(case, actor, finding, sanctions, factors or [], text)
        record(
            actor=actor,
            action="recommendation.revised",
            case=case,
            role=decision.role,
            details={
                "number": revised.number,
                "supersedes": latest.number,
                "finding": finding,
                "sanctions": sanctions,
                "reasons": text,
            },
        )
        return revised


def _new_recommendation(
    case: Case, actor: User, finding: str, sanctions: list[str], factors: list[str], reasons: str
) -> Recommendation:
    if not reasons:
        raise ReasonRequired(
            "A recommendation needs written reasons.", fields={"reasons": "Required."}
        )
    _check_outcome(case.rulebook.rules, finding, sanctions, factors)
    latest = case.recommendations.order_by("-number").first()
    return Recommendation.objects.create(
        case=case,
        number=(latest.number + 1) if latest else 1,
        author=actor,
        finding=finding,
        sanctions=sanctions,
        factors=factors,
        reasons=reasons,
        submitted_at=clock.now(),
        supersedes=latest,
    )


@recorded_denials
def decision_record(
    *,
    actor: User,
    case: Case,
    finding: str,
    sanctions: list[str],
    reasons: str = "",
    transition: str = "",
    expected_version: int | None = None,
    votes: Sequence[VoteInput] | None = None,
    appeal: AppealResult | None = None,
    sealed: bool = False,
) -> Decision:
    """A panel decision. Reasons are required when it departs from the recommendation, falls
    outside the guideline range, or the rulebook asks for them. Where the rulebook constitutes
    the stage's panel, only its chair records the decision (anyone else is refused, and the
    refusal recorded), with each member's concurrence or dissent (``votes``); it stands only
    if the rulebook's quorum concurs. Where the rulebook declares appeals and one is open, the
    decision is the appeal's: ``appeal`` says whether it confirms or replaces the decision
    under appeal (``appeals.settle``). ``sealed``: recorded provisional and sealed, shown only
    to its panel and taking no step until announced (``provisional.decision_announce``)."""
    refusal = ""
    with transaction.atomic():
        case = lock_case(case, expected_version=expected_version)
        gate = Gate(actor, case)
        gate.require("case.view")
        key = transition_of_kind(case, "decide", transition)
        permit = gate.require("case.transition", transition=key)
        stage_panel = case.rulebook.rules.panel_at(case.stage)
        if stage_panel is not None:
            refusal = not_the_chair(case, actor, stage_panel)
        if refusal:
            record(
                actor=actor,
                action="decision.refused",
                case=case,
                role=permit.role,
                details={"transition": key, "refusal": refusal},
            )
        else:
            made = _decide(
                case, actor, permit.role, key, finding, sanctions, reasons, votes, appeal, sealed
            )
    if refusal:
        raise IllegalTransition(refusal)
    return made


def _decide(
    case: Case,
    actor: User,
    role: str,
    key: str,
    finding: str,
    sanctions: list[str],
    reasons: str,
    votes: Sequence[VoteInput] | None,
    appeal: AppealResult | None = None,
    sealed: bool = False,
) -> Decision:
    rules = case.rulebook.rules
    refuse_while_sealed(case)
    text = clean_text(reasons, "reasons", required=False)
    step = workflow_of(case).check(
        stage=case.stage, key=key, kind="decide", reason=text, taken=taken_steps(case)
    )
    _check_outcome(rules, finding, sanctions, [])
    lodged = required_result(case, appeal)
    previous = case.decisions.exclude(kind=Decision.Kind.NOT_INVESTIGATED).exists()
    stage_panel = rules.panel_at(case.stage)
    panel = _panel(case, stage_panel.quorum if stage_panel else rules.panel.quorum)
    if previous:
        _require_new_panel(case, panel)
    counted = checked_votes(panel, votes, stage_panel.quorum) if stage_panel else []
    recommendation = case.recommendations.order_by("-number").first()
    recommended = (recommendation.finding, recommendation.sanctions) if recommendation else None
    gap = s.departure(rules, recommended=recommended, decided=(finding, sanctions))
    outside = s.outside_guideline(rules, case.category, finding, sanctions)
    _require_reasons(text, gap, outside)
    _require_reasons_before_response(case, text)
    if lodged is not None and appeal is not None:
        check_result(lodged, appeal.result, finding, sanctions, text)
    if sealed and lodged is not None:
        raise InvalidInput(
            "An appeal's decision is announced when it is recorded; it cannot be sealed.",
            fields={"sealed": "Not for an appeal's decision."},
        )
    made = Decision.objects.create(
        case=case,
        kind=Decision.Kind.APPEAL if previous else Decision.Kind.PANEL,
        transition=key,
        finding=finding,
        sanctions=sanctions,
        reasons=text,
        recommendation=recommendation,
        departs=gap.departs,
        direction=gap.direction,
        outside_guideline=bool(outside),
        decided_by=actor,
        decided_at=clock.now(),
        warning_expires_on=_expiry(rules, sanctions),
        sealed=sealed,
        seal_salt=new_salt() if sealed else "",
    )
    made.panel.set(panel)
    kept = keep_votes(made, counted) if stage_panel else None
    decided_at_stage = case.stage
    if sealed:  # reviewed, if the rulebook says so, once announced
        details = seal_details(made, key)
        record(actor=actor, action="decision.sealed", case=case, role=role, details=details)
        return made
    move(case, actor=actor, step=step, reason=text)
    details = {
        "finding": finding,
        "sanctions": sanctions,
        "reasons": text,
        "departs": gap.departs,
        "direction": gap.direction,
        "outside_guideline": outside,
        "panel": [u.pk for u in panel],
        "recommendation": recommendation.number if recommendation else None,
        "transition": key,
    }
    if kept is not None:
        details["votes"] = kept
    if lodged is not None and appeal is not None:
        details |= settle(appeal=lodged, decision=made, result=appeal.result)
    record(actor=actor, action="decision.recorded", case=case, role=role, details=details)
    review_open(case=case, decision=made, stage=decided_at_stage)
    return made


def _panel(case: Case, quorum: int) -> list[User]:
    members = [
        a.user
        for a in Assignment.objects.filter(
            case=case, role=Assignment.Role.PANEL_MEMBER, ended_at__isnull=True
        ).select_related("user")
    ]
    if len(members) < quorum:
        raise InvalidInput(
            f"The panel has {len(members)} member(s); the rulebook requires {quorum} to decide.",
            fields={"panel": "Appoint the full panel first."},
        )
    return members


def _require_new_panel(case: Case, panel: list[User]) -> None:
    """An appeal is decided by a newly constituted panel: nobody on it took part before."""
    involved = {str(member): involvement(member, case) for member in panel}
    named = [f"{who} ({why})" for who, why in involved.items() if why]
    if named:
        raise InvalidInput(
            "A new panel decides again; these members took part at first instance: "
            + "; ".join(named)
            + ".",
            fields={"panel": "Constitute a new panel of people not involved before."},
        )


def _require_reasons(text: str, gap: s.Departure, outside: str) -> None:
    if text:
        return
    if gap.departs:
        raise ReasonRequired(
            f"This decision departs from the recommendation ({gap.direction});"
            " give written reasons.",
            fields={"reasons": "Required when departing from the recommendation."},
        )
    if outside:
        raise ReasonRequired(
            f"This outcome is outside the guideline ({outside}); give written reasons.",
            fields={"reasons": "Required outside the guideline range."},
        )


def _require_reasons_before_response(case: Case, text: str) -> None:
    """The respondent is heard before the decision: while their written response is awaited
    (the date in the notice has not passed and none came in), deciding needs a recorded
    reason for not waiting."""
    from dueprocess.parties.windows import response_pending_until

    due = response_pending_until(case)
    if due is not None and not text:
        raise ReasonRequired(
            f"The respondent's written response is due by {due:%d %B %Y} and has not come in:"
            " give the reason for deciding before then.",
            fields={"reasons": "Required while the respondent's response is awaited."},
        )


def _expiry(rules: Rulebook, sanctions: list[str]) -> dt.date | None:
    longest = max((rules.sanctions[k].expiry_months or 0 for k in sanctions), default=0)
    return clock.add_months(clock.today(), longest) if longest else None
