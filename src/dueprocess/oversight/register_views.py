"""Pages for the interference register: logging an approach, asking for advice and closing the
request (case team); reading and answering it (the adviser); reading and answering a sign-off
(the signer). Each parses a form and calls one service or query; nothing is decided here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from dueprocess.access.enforcement import case_gate, recorded_denials
from dueprocess.access.rules import Gate
from dueprocess.accounts.models import User
from dueprocess.cases.models import AdviceRequest, Case, SignOff
from dueprocess.cases.services import advice as advice_svc
from dueprocess.cases.services import signoffs as signoff_svc
from dueprocess.cases.services.approaches import approach_log
from dueprocess.errors import DomainError, Forbidden, NotFound
from dueprocess.oversight import forms as f
from dueprocess.web.errors import domain_errors


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)  # login_required has made sure it is a member of staff


def case_for_register(actor: User, reference: str, action: str) -> Case:
    """The case behind a register form, if ``actor`` may view it and take ``action`` on it
    (both through the one recorded gate)."""
    case = case_gate(actor, reference, "case.view")
    _require(actor, case, action)
    return case


@recorded_denials
def _require(actor: User, case: Case, action: str) -> None:
    Gate(actor, case).require(action)


def _attempt(form: forms.Form, act: Callable[[], object]) -> DomainError | None:
    """Run the service; a refusal of access propagates, any other domain error lands on the form."""
    try:
        act()
    except (NotFound, Forbidden):
        raise
    except DomainError as error:
        form.add_error(None, error.message)
        for field, message in error.fields.items():
            if field in form.fields:
                form.add_error(field, message)
        return error
    return None


def _case_page(case: Case) -> HttpResponse:
    return redirect("web:case-detail", reference=case.reference)


def _show(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    return render(request, f"oversight/{template}", context, status=status)


@login_required
@domain_errors
def approach_new(request: HttpRequest, reference: str) -> HttpResponse:
    user = _user(request)
    case = case_for_register(user, reference, "case.approach")
    form = f.ApproachForm(request.POST or None)
    if request.method == "POST":
        error = None
        if form.is_valid():
            error = _attempt(form, lambda: approach_log(actor=user, case=case, **form.cleaned_data))
            if error is None:
                messages.success(request, "The approach is on the record of this case.")
                return _case_page(case)
        return _show(request, "approach_form.html", {"form": form, "case": case}, 422)
    return _show(request, "approach_form.html", {"form": form, "case": case})


@login_required
@domain_errors
def advice_new(request: HttpRequest, reference: str) -> HttpResponse:
    user = _user(request)
    case = case_for_register(user, reference, "case.advice")
    form = f.AdviceRequestForm(
        request.POST or None, organisation_id=case.organisation_id, exclude=user.pk
    )
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            error = _attempt(
                form,
                lambda: advice_svc.advice_request_create(
                    actor=user,
                    case=case,
                    adviser=data["adviser"],
                    question=data["question"],
                    extract=data["extract"],
                ),
            )
            if error is None:
                messages.success(request, f"Advice requested from {data['adviser']}.")
                return _case_page(case)
        return _show(request, "advice_form.html", {"form": form, "case": case}, 422)
    return _show(request, "advice_form.html", {"form": form, "case": case})


@login_required
@require_POST
@domain_errors
def advice_close(request: HttpRequest, request_id: int) -> HttpResponse:
    user = _user(request)
    advice = AdviceRequest.objects.select_related("case").filter(pk=request_id).first()
    if advice is None:
        raise NotFound("No such advice request.")
    # through the gate before the form is read: the answer to a form without a reason sends
    # the caller to the case's page, which would tell anyone the request's case reference
    case_gate(user, case_id=advice.case_id)
    form = f.ReasonForm(request.POST)
    if form.is_valid():
        error = _attempt(
            form,
            lambda: advice_svc.advice_request_close(
                actor=user, request=advice, reason=form.cleaned_data["reason"]
            ),
        )
        if error is None:
            messages.success(request, "The advice request is closed; the adviser's view ended.")
            return _case_page(advice.case)
    messages.error(request, "Give a reason for closing the request.")
    return _case_page(advice.case)


@login_required
@domain_errors
def advice_inbox(request: HttpRequest) -> HttpResponse:
    items = advice_svc.advice_inbox_for(_user(request))
    return _show(request, "advice_inbox.html", {"items": items})


@login_required
@domain_errors
def advice_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    user = _user(request)
    brief = advice_svc.advice_request_for(user, request_id)
    form = f.AnswerForm(request.POST or None)
    if request.method == "POST" and not brief.answered_at:
        if form.is_valid():
            advice = AdviceRequest.objects.select_related("case").get(pk=brief.id)
            answer = form.cleaned_data["answer"]
            error = _attempt(
                form,
                lambda: advice_svc.advice_request_answer(actor=user, request=advice, answer=answer),
            )
            if error is None:
                messages.success(request, "Your answer is recorded.")
                return redirect("oversight:advice-detail", request_id=brief.id)
        return _show(request, "advice_detail.html", {"brief": brief, "form": form}, 422)
    return _show(request, "advice_detail.html", {"brief": brief, "form": form})


@login_required
@domain_errors
def signoff_inbox(request: HttpRequest) -> HttpResponse:
    items = signoff_svc.signoff_inbox_for(_user(request))
    return _show(request, "signoff_inbox.html", {"items": items})


@login_required
@domain_errors
def signoff_detail(request: HttpRequest, signoff_id: int) -> HttpResponse:
    user = _user(request)
    brief = signoff_svc.signoff_request_for(user, signoff_id)
    form = f.SignOffForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            signoff = SignOff.objects.select_related("case").get(pk=brief.id)
            data = form.cleaned_data
            error = _attempt(
                form,
                lambda: signoff_svc.signoff_record(
                    actor=user,
                    signoff=signoff,
                    outcome=data["outcome"],
                    reasons=data["reasons"],
                    delay_reasons=data["delay_reasons"],
                ),
            )
            if error is None:
                messages.success(request, "Your answer is recorded on the case.")
                return redirect("oversight:signoff-inbox")
        return _show(request, "signoff_detail.html", {"brief": brief, "form": form}, 422)
    return _show(request, "signoff_detail.html", {"brief": brief, "form": form})
