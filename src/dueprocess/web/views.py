"""Staff pages. Views parse input and render output; everything else is in services/queries."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from dueprocess.cases.presenters import case_page_context
from dueprocess.cases.queries import case_detail_for, case_list_for
from dueprocess.web.errors import domain_errors


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return redirect("web:case-list")


@login_required
@domain_errors
def case_list(request: HttpRequest) -> HttpResponse:
    try:
        page = int(request.GET.get("page", "1"))
    except ValueError:
        page = 1
    filters = {k: request.GET.get(k, "")[:60] for k in ("stage", "category", "search")}
    listing = case_list_for(request.user, page=page, **filters)  # type: ignore[arg-type]
    return render(request, "web/case_list.html", {"listing": listing})


@login_required
@domain_errors
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    view = case_detail_for(request.user, reference)  # type: ignore[arg-type]
    return render(request, "web/case_detail.html", case_page_context(view))
