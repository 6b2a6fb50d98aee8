"""A case's hearing on the case page: schedule it, adjourn it, record it. Thin over
``cases.services.hearings``, which asks the gate and the rulebook."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from dueprocess.access.enforcement import case_to_change
from dueprocess.cases import services as svc
from dueprocess.web.errors import domain_errors
from dueprocess.web.forms.hearings import (
    HearingAdjournForm,
    HearingConsentForm,
    HearingRecordForm,
    HearingScheduleForm,
)
from dueprocess.web.people import staff
from dueprocess.web.views.common import submit


@login_required
@require_POST
@domain_errors
def hearing_schedule(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_to_change(staff(request), reference)
    form = HearingScheduleForm(request.POST)

    def act() -> object:
        data = form.cleaned_data
        return svc.hearing_schedule(
            actor=staff(request),
            case=case,
            starts_at=data["starts_at"],
            place=data["place"],
            short_notice_agreement=data["short_notice_agreement"],
        )

    return submit(
        request, case, "hearing_schedule", form, act, "Hearing scheduled; its notice is queued."
    )


@login_required
@require_POST
@domain_errors
def hearing_adjourn(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_to_change(staff(request), reference)
    form = HearingAdjournForm(request.POST)

    def act() -> object:
        data = form.cleaned_data
        return svc.hearing_adjourn(
            actor=staff(request),
            case=case,
            hearing_id=data["hearing"],
            reason=data["reason"],
            starts_at=data["starts_at"],
            place=data["place"],
            short_notice_agreement=data["short_notice_agreement"],
        )

    return submit(
        request, case, "hearing_adjourn", form, act, "Hearing adjourned; the new date is noticed."
    )


@login_required
@require_POST
@domain_errors
def hearing_record(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_to_change(staff(request), reference)
    allowed = case.rulebook.rules.hearings.recordings_allowed
    form = HearingRecordForm(request.POST, recordings_allowed=allowed)

    def act() -> object:
        data = form.cleaned_data
        return svc.hearing_record(
            actor=staff(request),
            case=case,
            hearing_id=data["hearing"],
            held_at=data["held_at"],
            respondent_attended=data["respondent_attended"],
            representation=data["representation"],
            account=data["account"],
            outcome=data["outcome"],
            recording_made=data.get("recording_made", False),
            others_present=form.others(),
        )

    return submit(request, case, "hearing_record", form, act, "Hearing recorded.")


@login_required
@require_POST
@domain_errors
def hearing_consent(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_to_change(staff(request), reference)
    form = HearingConsentForm(request.POST)

    def act() -> object:
        data = form.cleaned_data
        return svc.hearing_consent_record(
            actor=staff(request),
            case=case,
            hearing_id=data["hearing"],
            person=data["person"],
            answer=data["answer"],
            scope=data["scope"],
            given_at=data["given_at"],
        )

    return submit(request, case, "hearing_consent", form, act, "Answer to the recording kept.")
