"""Finding a case, reading it, and opening a new one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from dueprocess.access.enforcement import recorded_denials
from dueprocess.access.rules import require
from dueprocess.accounts.models import Unit, User
from dueprocess.cases.filters import CaseFilters
from dueprocess.cases.models import Case
from dueprocess.cases.services import case_open as open_service
from dueprocess.cases.worklists import case_search_for, filter_choices
from dueprocess.errors import DomainError, Forbidden, IdempotencyKeyReused, InvalidInput, NotFound
from dueprocess.lib.ids import new_token
from dueprocess.web.casepage import render_case_page
from dueprocess.web.errors import domain_errors
from dueprocess.web.forms import show_domain_error
from dueprocess.web.forms.opening import OPEN_ALIASES, OpenCaseForm, SearchForm
from dueprocess.web.people import staff
from dueprocess.web.views.queue import page_number


@login_required
@domain_errors
def case_list(request: HttpRequest) -> HttpResponse:
    user = staff(request)
    form = SearchForm(request.GET or None, choices=filter_choices(user))
    listing, status = None, 200
    if form.is_bound and not form.is_valid():
        status = 400
    else:
        data = form.cleaned_data if form.is_bound else {}
        filters = CaseFilters(
            category=data.get("category", ""),
            stage=data.get("stage", ""),
            age=data.get("age", ""),
            deadline=data.get("deadline", ""),
            search=data.get("q", ""),
        )
        try:
            listing = case_search_for(user, filters, page=page_number(request))
        except DomainError as error:
            if isinstance(error, Forbidden):
                raise
            show_domain_error(form, error, {"search": "q"})
            status = error.status
    template = "web/_results.html" if request.headers.get("HX-Request") else "web/case_list.html"
    return render(request, template, {"form": form, "listing": listing}, status=status)


@login_required
@domain_errors
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    return render_case_page(request, reference)


SENT_BEFORE = (
    "This form was already sent with a different complaint, and that one was opened; nothing "
    "new was opened now. Check the case list first; to open this one as a further case, send "
    "the form again."
)


@recorded_denials
def _may_open_cases(user: User) -> None:
    require(user, "case.open")


@login_required
@domain_errors
def case_open(request: HttpRequest) -> HttpResponse:
    user = staff(request)
    _may_open_cases(user)
    form = OpenCaseForm(request.POST or None, actor=user)
    if not form.is_bound:
        return render(request, "web/case_open.html", {"form": form})
    if not form.is_valid():
        return render(request, "web/case_open.html", {"form": form}, status=422)
    try:
        case = _open_from(form, user)
    except (Forbidden, NotFound):
        raise
    except IdempotencyKeyReused:
        # Sent before with another complaint (edited after going back): keep what was typed,
        # under a fresh key, so that sending it again on purpose opens it as a new case.
        data = request.POST.copy()
        data["idempotency_key"] = new_token()
        form = OpenCaseForm(data, actor=user)
        form.is_valid()
        form.add_error(None, SENT_BEFORE)
        return render(request, "web/case_open.html", {"form": form}, status=422)
    except DomainError as error:
        show_domain_error(form, error, OPEN_ALIASES)
        return render(request, "web/case_open.html", {"form": form}, status=error.status)
    messages.success(request, f"Opened {case.reference}.")
    return redirect("web:case-detail", reference=case.reference)


def _open_from(form: OpenCaseForm, user: User) -> Case:
    data = form.cleaned_data
    unit = Unit.objects.filter(pk=data["unit"], organisation=user.organisation).first()
    if unit is None:
        raise InvalidInput("Choose one of your organisation's units.", fields={"unit": "Unknown."})
    return open_service(
        actor=user,
        unit=unit,
        category=data["category"],
        summary=data["summary"],
        complainant=form.party("complainant"),
        respondent=form.party("respondent"),
        allegations=form.allegations(),
        source=data["source"],
        received_at=form.received_at(),
        idempotency_key=data["idempotency_key"],
    )
