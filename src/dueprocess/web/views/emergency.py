"""Emergency access pages: ask with a reason; a second person approves for a few hours."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from dueprocess.access.models import EmergencyAccess
from dueprocess.cases.services.emergency import (
    MAX_HOURS,
    emergency_access_approve,
    emergency_access_refuse,
    emergency_access_request_by_reference,
    emergency_board_for,
)
from dueprocess.errors import DomainError, NotFound
from dueprocess.web.errors import domain_errors
from dueprocess.web.people import staff

#: The one answer for a reference that does not exist and for a case one may not ask about:
#: the form again, as typed, with the API's status (404) — never a hint which of the two it was.
NO_SUCH_CASE = "No case with that reference that you may ask emergency access to."


class RequestForm(forms.Form):
    reference = forms.CharField(max_length=32, label="Case reference")
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="Why you need this case now, and why the people on it cannot act.",
    )


class ApproveForm(forms.Form):
    hours = forms.IntegerField(
        min_value=1, max_value=MAX_HOURS, initial=4, label="For how many hours"
    )


class RefuseForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, label="Why not"
    )


def _page(
    request: HttpRequest, request_form: RequestForm | None = None, *, status: int = 200
) -> HttpResponse:
    board = emergency_board_for(staff(request))
    context = {
        "board": board,
        "request_form": request_form or RequestForm(),
        "max_hours": MAX_HOURS,
    }
    return render(request, "web/emergency.html", context, status=status)


@login_required
@domain_errors
def emergency(request: HttpRequest) -> HttpResponse:
    return _page(request)


@login_required
@require_POST
@domain_errors
def emergency_request(request: HttpRequest) -> HttpResponse:
    form = RequestForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=422)
    try:
        grant = emergency_access_request_by_reference(
            actor=staff(request),
            reference=form.cleaned_data["reference"],
            reason=form.cleaned_data["reason"],
        )
    except NotFound:
        form.add_error("reference", NO_SUCH_CASE)
        return _page(request, form, status=404)
    except DomainError as error:
        form.add_error(None, error.message)
        return _page(request, form, status=error.status)
    messages.success(
        request,
        f"Asked for emergency access to {grant.case.reference}; a second person must approve.",
    )
    return redirect("web:emergency")


@login_required
@require_POST
@domain_errors
def emergency_decide(request: HttpRequest, grant_id: int, decision: str) -> HttpResponse:
    if decision not in ("approve", "refuse"):
        raise NotFound("No such decision.")
    user = staff(request)
    grant = get_object_or_404(
        EmergencyAccess, pk=grant_id, case__organisation_id=user.organisation_id
    )
    approving = decision == "approve"
    form = ApproveForm(request.POST) if approving else RefuseForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, "; ".join(str(e) for errors in form.errors.values() for e in errors)
        )
    elif approving:
        emergency_access_approve(actor=user, grant=grant, hours=form.cleaned_data["hours"])
        messages.success(request, "Emergency access approved.")
    else:
        emergency_access_refuse(actor=user, grant=grant, reason=form.cleaned_data["reason"])
        messages.success(request, "Emergency access refused.")
    return redirect("web:emergency")
