"""Taking a workflow step: one URL per step, each kind handed to the service that records it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from dueprocess.access.enforcement import case_gate, case_to_change
from dueprocess.cases import services as svc
from dueprocess.cases.models import Case
from dueprocess.errors import NotFound
from dueprocess.web.errors import domain_errors
from dueprocess.web.forms.steps import DecisionAnnounceForm, StepForm, step_form
from dueprocess.web.people import staff
from dueprocess.web.views.common import submit


def _move(form: StepForm, **common: Any) -> object:
    if form.step.key == form.rules.appeals.step:
        return svc.appeal_lodge(
            ground=form.cleaned_data["ground"],
            statement=form.cleaned_data["statement"],
            **common,
        )
    return svc.case_transition(
        transition=form.step.key, reason=form.cleaned_data.get("reason", ""), **common
    )


def _triage(form: StepForm, **common: Any) -> object:
    data = form.cleaned_data
    declined = form.step.kind == "not_investigated"
    return svc.case_triage(
        answers=form.answers(),  # type: ignore[attr-defined]
        reason=data["reason"],
        ground=data.get("ground", ""),
        category=data["category"],
        duplicate_of=data["duplicate_of"],
        member_reason=data["member_reason"],
        transition=form.step.key if declined else "",  # a "no" answer turns accept into decline
        **common,
    )


def _outcome(form: StepForm, **common: Any) -> object:
    data = form.cleaned_data
    service = svc.recommendation_submit if form.step.kind == "recommend" else svc.decision_record
    extra: dict[str, Any] = {"factors": data["factors"]} if "factors" in data else {}
    if form.step.kind == "decide":
        extra["votes"] = form.votes()  # type: ignore[attr-defined]
    if data.get("sealed"):
        extra["sealed"] = True
    if "result" in data:
        return svc.appeal_decide(
            appeal=form.appeal.pk,  # type: ignore[attr-defined]
            result=data["result"],
            finding=data["finding"],
            sanctions=data["sanctions"],
            reasons=data["reason"],
            **extra,
            **common,
        )
    return service(
        finding=data["finding"],
        sanctions=data["sanctions"],
        reasons=data["reason"],
        transition=form.step.key,
        **extra,
        **common,
    )


TAKERS: dict[str, Callable[..., object]] = {
    "move": _move,
    "accept": _triage,
    "not_investigated": _triage,
    "recommend": _outcome,
    "decide": _outcome,
}


@login_required
@require_POST
@domain_errors
def step_take(request: HttpRequest, reference: str, key: str) -> HttpResponse:
    case = case_gate(staff(request), reference)
    step = case.rulebook.rules.transitions.get(key)
    if step is None:
        raise NotFound("This case's rulebook has no such step.")
    form = step_form(case, step, request.POST)

    def act() -> object:
        return TAKERS[step.kind](
            form,
            actor=staff(request),
            case=case,
            expected_version=form.cleaned_data["expected_version"],
        )

    def done(result: object) -> str:
        # A triage "No" turns accepting into declining: say what happened, not what was asked.
        if step.kind == "accept" and isinstance(result, Case) and result.stage != step.target:
            return (
                f"Not accepted for investigation: a triage answer was No, so the case is now "
                f"{result.stage.replace('_', ' ')} ({reference})."
            )
        return f"{step.label}: done ({reference})."

    return submit(request, case, f"step-{key}", form, act, done)


@login_required
@require_POST
@domain_errors
def decision_announce(request: HttpRequest, reference: str, decision_id: int) -> HttpResponse:
    """Announce a sealed decision (its recorder only; the service refuses anyone else)."""
    case = case_to_change(staff(request), reference)
    form = DecisionAnnounceForm(request.POST)

    def act() -> object:
        return svc.decision_announce(actor=staff(request), case=case, decision_id=decision_id)

    return submit(
        request, case, "decision_announce", form, act, f"Decision announced ({reference})."
    )
