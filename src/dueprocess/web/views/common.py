"""What every case form view does after parsing: call the service, then show the outcome."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect

from dueprocess.access.rules import can
from dueprocess.cases.models import Case
from dueprocess.errors import DomainError, Forbidden, NotFound, StaleState
from dueprocess.web.casepage import Failed, render_case_page
from dueprocess.web.forms import show_domain_error
from dueprocess.web.people import staff

CHECK_FORM = "Some answers need attention: see the messages beside them."


def submit(
    request: HttpRequest,
    case: Case,
    form_id: str,
    form: forms.Form,
    act: Callable[[], object],
    done: str | Callable[[object], str],
) -> HttpResponse:
    """Validate ``form``, run ``act`` (a service call) and redirect; on a domain error,
    re-render the case page with the form as the person filled it in."""
    if not form.is_valid():
        failed = Failed(form_id, form, CHECK_FORM)
        return render_case_page(request, case.reference, failed=failed, status=422)
    try:
        result = act()
    except (NotFound, Forbidden):
        raise  # the person may not see this case (404) or do this (403): the error page
    except DomainError as error:
        show_domain_error(form, error)
        if isinstance(error, StaleState):
            _refresh_version(form, case)
        failed = Failed(form_id, form, error.message)
        return render_case_page(request, case.reference, failed=failed, status=error.status)
    messages.success(request, done if isinstance(done, str) else done(result))
    return after_change(request, case)


def after_change(request: HttpRequest, case: Case) -> HttpResponse:
    """Back to the case — unless the change took it out of this person's reach (an intake
    officer who accepts a case hands it on), in which case back to their queue."""
    current = Case.objects.select_related("rulebook").get(pk=case.pk)  # as the change left it
    if can(staff(request), "case.view", current).allowed:
        return redirect("web:case-detail", reference=case.reference)
    messages.info(request, f"{case.reference} has moved on and left your list.")
    return redirect("web:queue")


def _refresh_version(form: forms.Form, case: Case) -> None:
    """Keep what was typed, but draw it against the case as it is now (shown on the page)."""
    current = Case.objects.values_list("version", flat=True).get(pk=case.pk)
    data = QueryDict(mutable=True)  # keep what was typed; only the version is refreshed
    data.update(form.data)
    data[form.add_prefix("expected_version")] = str(current)
    form.data = data
