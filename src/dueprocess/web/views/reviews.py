"""A case's independent review on the case page: the drawn reviewer verifies the decision or
vetoes it with reasons. Thin over ``cases.services.reviews``, which asks the gate."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from dueprocess.access.enforcement import case_gate
from dueprocess.cases.services.reviews import review_verify as verify
from dueprocess.cases.services.reviews import review_veto as veto
from dueprocess.web.errors import domain_errors
from dueprocess.web.forms.reviews import ReviewVerifyForm, ReviewVetoForm
from dueprocess.web.people import staff
from dueprocess.web.views.common import submit


@login_required
@require_POST
@domain_errors
def review_verify(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_gate(staff(request), reference)
    form = ReviewVerifyForm(request.POST)

    def act() -> object:
        return verify(actor=staff(request), case=case, review=form.cleaned_data["review"])

    return submit(request, case, "review_verify", form, act, "Decision verified: it takes effect.")


@login_required
@require_POST
@domain_errors
def review_veto(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_gate(staff(request), reference)
    form = ReviewVetoForm(request.POST)

    def act() -> object:
        return veto(
            actor=staff(request),
            case=case,
            review=form.cleaned_data["review"],
            reasons=form.cleaned_data["reasons"],
        )

    return submit(
        request, case, "review_veto", form, act, "Decision vetoed: a new panel decides again."
    )
