"""Render the case page: the file, its timeline, and a form for each thing the viewer may do.

A failed submission re-renders the whole page through ``case_detail_for`` — so the re-display
is recorded like any other view — with the failed form bound to what the person typed and
open, and its errors beside the fields.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from dueprocess.cases.models import Case
from dueprocess.cases.presenters import case_page_context
from dueprocess.cases.queries import case_detail_for
from dueprocess.cases.services.appeals import appeals_state, standing
from dueprocess.cases.services.hearings import hearing_state
from dueprocess.cases.services.panels import eligible_pool, panel_state, redraw
from dueprocess.cases.services.reviews import review_state
from dueprocess.cases.services.summaries import summary_state
from dueprocess.letters.queries import HEARING_NOTICES, letters_on
from dueprocess.parties.redactions import (
    active,
    current,
    redacted,
    redactions_for_case,
    withholdings_for_case,
)
from dueprocess.parties.seen import seen_for_case
from dueprocess.parties.services import party_choices, responses_for_case, thread_for_case
from dueprocess.parties.windows import response_pending_until
from dueprocess.web.case_panel import oversight_context_for_case
from dueprocess.web.forms.casework import (
    AssignmentForm,
    ConsentForm,
    ContinueMeasureForm,
    EvidenceForm,
    FeedbackForm,
    ImposeMeasureForm,
    InterviewForm,
    LiftMeasureForm,
    MemberMatchForm,
    NoteForm,
    SummaryApproveForm,
    SummaryForm,
    SummaryReturnForm,
)
from dueprocess.web.forms.hearings import (
    HearingAdjournForm,
    HearingConsentForm,
    HearingRecordForm,
    HearingScheduleForm,
)
from dueprocess.web.forms.panels import PanelAppointForm, PanelDrawForm
from dueprocess.web.forms.public import (
    RedactionForm,
    RedactionWithdrawForm,
    ReleaseEvidenceForm,
    RespondentNoticeForm,
    StaffMessageForm,
    WithholdEvidenceForm,
)
from dueprocess.web.forms.reviews import ReviewVerifyForm, ReviewVetoForm
from dueprocess.web.forms.steps import step_form
from dueprocess.web.timeline import before_param, case_history


@dataclass
class Failed:
    """The form that failed, already bound and carrying its errors."""

    form_id: str
    form: forms.Form
    message: str = ""


def render_case_page(
    request: HttpRequest, reference: str, *, failed: Failed | None = None, status: int = 200
) -> HttpResponse:
    before = before_param(request.GET.get("before"))
    view = case_detail_for(request.user, reference)  # type: ignore[arg-type]
    context = case_page_context(view, before=before)
    context["timeline"] = case_history(context["rules"], context["history"], context["ledger_page"])
    context.update(oversight_context_for_case(view.case, view.gate.actor))  # contacts register
    context["party_accesses"], context["party_messages"] = thread_for_case(view.case)
    context["responses"] = responses_for_case(view.case)
    context["redactions"] = redactions_for_case(view.case)
    context["respondent_sees"] = _as_the_respondent_sees(active(context["redactions"]))
    context["withholdings"] = withholdings_for_case(view.case)
    context["respondent_evidence_kinds"] = view.case.rulebook.rules.parties.respondent_evidence
    context["response_awaited_until"] = response_pending_until(view.case)
    context["response_days"] = view.case.rulebook.rules.parties.response_days
    context["letters"] = letters_on(view.case)
    context["party_seen"] = seen_for_case(view.case)
    context["summary"] = _summary_context(view)
    context["hearing"] = _hearing_context(view, context["letters"])
    context["panels"] = _panel_context(view)
    context["appeals"] = {"state": appeals_state(view.case), "standing": standing(view.case)}
    context["reviews"] = _review_context(view)
    context["forms"] = _forms(context, failed)
    context["failed"] = failed
    context["recommendation"] = (
        context["recommendations"][-1] if context["recommendations"] else None
    )
    return render(request, "web/case_detail.html", context, status=status)


def _forms(context: dict[str, Any], failed: Failed | None) -> dict[str, Any]:
    case = context["case"]
    allowed = context["allowed_actions"]
    built: dict[str, Any] = {
        "steps": [(f"step-{s.key}", step_form(case, s)) for s in context["allowed_steps"]],
        "note": NoteForm() if allowed["note"] else None,
        "evidence": EvidenceForm(consents=context["consents"]) if allowed["evidence"] else None,
        "interview": InterviewForm() if allowed["evidence"] else None,
        "consent": ConsentForm(interviews=context["interviews"]) if allowed["evidence"] else None,
        "assign": AssignmentForm(case=case) if allowed["assign"] else None,
        "impose": ImposeMeasureForm(case=case) if allowed["interim"] else None,
        "message": _message_form(case) if allowed["note"] else None,
        "notice": RespondentNoticeForm() if allowed["note"] else None,
        "redaction": RedactionForm(choices=allegation_choices(case)) if allowed["note"] else None,
        "unredact": {
            r.pk: RedactionWithdrawForm(redaction_id=r.pk)
            for r in active(context["redactions"])
            if allowed["note"]
        },
        **_withholding_forms(context, allowed["note"]),
        "lift": {
            m.pk: LiftMeasureForm(measure_id=m.pk)
            for m in context["measures"]
            if allowed["interim"] and m.is_active
        },
        "continue": {
            m.pk: ContinueMeasureForm(measure_id=m.pk)
            for m in context["measures"]
            if allowed["interim"] and m.is_active
        },
        "feedback": FeedbackForm() if allowed["note"] and case.closed_at is None else None,
        # a respondent's suggested register link, to confirm or reject (who may triage)
        "match": {
            p.pk: MemberMatchForm(party_id=p.pk)
            for p in context["parties"]
            if context["may_review_match"]
            and p.role == "respondent"
            and p.member_id is not None
            and p.member_match != "confirmed"
        },
    }
    summary = context["summary"]
    current = summary["state"].current
    built["summary"] = SummaryForm() if summary["may_write"] else None
    built["summary_approve"] = (
        SummaryApproveForm(initial={"version": current.version}) if summary["may_review"] else None
    )
    built["summary_return"] = (
        SummaryReturnForm(initial={"version": current.version}) if summary["may_review"] else None
    )
    built.update(_hearing_forms(context["hearing"]))
    built.update(_panel_forms(context["panels"]))
    built.update(_review_forms(context["reviews"]))
    if failed is not None:
        _swap_in(built, failed)
    return built


def _hearing_context(view: Any, letters: list[Any]) -> dict[str, Any]:
    """The case's hearings, their notices, and what this viewer may do with them now."""
    state = hearing_state(view.case)
    return {
        "state": state,
        "notices": [letter for letter in reversed(letters) if letter.trigger in HEARING_NOTICES],
        "may_schedule": state.schedulable and view.gate.can("hearing.schedule").allowed,
        "may_adjourn": state.adjournable and view.gate.can("hearing.adjourn").allowed,
        "may_record": state.recordable and view.gate.can("hearing.record").allowed,
        # answers to the recording are kept from scheduling until the hearing is recorded
        "may_answer": state.rules.recordings_allowed
        and state.pending is not None
        and view.gate.can("hearing.record").allowed,
    }


def _panel_context(view: Any) -> dict[str, Any]:
    """The case's panels (each draw run again, so the page shows it gives the same members)
    and whether this viewer may constitute the stage's panel now."""
    state = panel_state(view.case)
    may = state.constitutable and view.gate.can("panel.constitute").allowed
    return {
        "state": state,
        "rows": [(p, redraw(p) if p.method == "drawn" else None) for p in state.panels],
        "may_constitute": may,
        "pool": eligible_pool(view.case, state.rules) if may and state.rules else {},
        "organisation": view.case.organisation,
    }


def _review_context(view: Any) -> dict[str, Any]:
    """The case's independent reviews, and whether this viewer, drawn for the open one, may
    verify or veto it now (the service asks the gate again)."""
    state = review_state(view.case)
    pending = state.open_review
    drawn = pending is not None and view.gate.actor.pk in pending.reviewer_ids
    return {
        "state": state,
        "by_decision": {r.decision: r for r in state.reviews},
        "rules": view.case.rulebook.rules.review,
        "may_verify": drawn and view.gate.can("review.verify").allowed,
        "may_veto": drawn and view.gate.can("review.veto").allowed,
    }


def _review_forms(reviews: dict[str, Any]) -> dict[str, Any]:
    pending = reviews["state"].open_review
    initial = {"review": pending.id} if pending is not None else {}
    return {
        "review_verify": ReviewVerifyForm(initial=initial) if reviews["may_verify"] else None,
        "review_veto": ReviewVetoForm(initial=initial) if reviews["may_veto"] else None,
    }


def _panel_forms(panels: dict[str, Any]) -> dict[str, Any]:
    rules = panels["state"].rules
    if not panels["may_constitute"] or rules is None:
        return {"panel_draw": None, "panel_appoint": None}
    return {
        "panel_draw": PanelDrawForm(),
        "panel_appoint": PanelAppointForm(
            panel=rules, pool=panels["pool"], organisation=panels["organisation"]
        ),
    }


def _hearing_forms(hearing: dict[str, Any]) -> dict[str, Any]:
    state = hearing["state"]
    pending = {"hearing": state.pending.pk} if state.pending is not None else {}
    return {
        "hearing_schedule": HearingScheduleForm() if hearing["may_schedule"] else None,
        "hearing_adjourn": HearingAdjournForm(initial=pending) if hearing["may_adjourn"] else None,
        "hearing_record": HearingRecordForm(
            initial=pending, recordings_allowed=state.rules.recordings_allowed
        )
        if hearing["may_record"]
        else None,
        "hearing_consent": HearingConsentForm(initial=pending) if hearing["may_answer"] else None,
    }


def _withholding_forms(context: dict[str, Any], allowed: bool) -> dict[str, Any]:
    """A form to withhold each evidence item the respondent's file would list and that is not
    withheld now, and one to end each current withholding."""
    holding = current(context["withholdings"])
    held = {w.item_id for w in holding}
    shown = context["respondent_evidence_kinds"]
    return {
        "withhold": {
            e.pk: WithholdEvidenceForm(item_id=e.pk)
            for e in context["evidence"]
            if allowed and e.kind in shown and e.pk not in held
        },
        "release": {w.pk: ReleaseEvidenceForm(withholding_id=w.pk) for w in holding if allowed},
    }


def _summary_context(view: Any) -> dict[str, Any]:
    """The decision summary, and what this viewer may do with it now."""
    state = summary_state(view.case)
    current = state.current
    own = current is not None and current.written_by_id == view.gate.actor.pk
    return {
        "state": state,
        "may_write": state.writable and view.gate.can("summary.write").allowed,
        "may_review": state.reviewable and not own and view.gate.can("summary.approve").allowed,
        "own_pending": state.reviewable and own,
    }


def allegation_choices(case: Case) -> list[tuple[int, str]]:
    """The case's allegations, to choose where a passage is marked for redaction."""
    return [
        (a.pk, f"{number}. {a.summary[:60]}")
        for number, a in enumerate(case.allegations.order_by("pk"), start=1)
    ]


def _as_the_respondent_sees(redactions: list[Any]) -> list[str]:
    """Each redacted allegation's text as the respondent reads it, for the team to check."""
    passages: dict[Any, list[str]] = {}
    for r in redactions:
        passages.setdefault(r.allegation, []).append(r.passage)
    return [redacted(a.summary, marked) for a, marked in passages.items()]


def _message_form(case: Case) -> StaffMessageForm | None:
    choices = party_choices(case)
    return StaffMessageForm(choices=choices) if choices else None


def _swap_in(built: dict[str, Any], failed: Failed) -> None:
    """Put the bound, failed form where its blank twin would have been."""
    if failed.form_id.startswith("step-"):
        built["steps"] = [
            (form_id, failed.form if form_id == failed.form_id else form)
            for form_id, form in built["steps"]
        ]
    elif failed.form_id.startswith("lift-"):
        built["lift"][int(failed.form_id.removeprefix("lift-"))] = failed.form
    elif failed.form_id.startswith(("withhold-", "release-")):
        kind, _, key = failed.form_id.partition("-")
        built[kind][int(key)] = failed.form
    elif failed.form_id.startswith("match-"):
        built["match"][int(failed.form_id.removeprefix("match-"))] = failed.form
    elif failed.form_id.startswith("unredact-"):
        built["unredact"][int(failed.form_id.removeprefix("unredact-"))] = failed.form
    elif failed.form_id.startswith("continue-"):
        built["continue"][int(failed.form_id.removeprefix("continue-"))] = failed.form
    else:
        built[failed.form_id] = failed.form
