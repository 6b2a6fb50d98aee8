"""Where each person starts: their work queue, the backlog, or a page saying what they can do."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from dueprocess.access.rules import Gate
from dueprocess.cases.worklists import backlog_for, work_queue_for
from dueprocess.letters.queries import notices_for
from dueprocess.web.errors import domain_errors
from dueprocess.web.people import staff


def page_number(request: HttpRequest) -> int:
    """The ``page`` query parameter; anything that is not a small positive number is page 1."""
    raw = request.GET.get("page", "1")
    return int(raw) if raw.isdigit() and len(raw) < 7 else 1


@login_required
def home(request: HttpRequest) -> HttpResponse:
    if Gate(staff(request)).can("case.list").allowed:
        return redirect("web:queue")
    return render(request, "web/no_cases.html")


@login_required
@domain_errors
def queue(request: HttpRequest) -> HttpResponse:
    listing = work_queue_for(staff(request), page=page_number(request))
    notices = notices_for(staff(request))
    return render(request, "web/queue.html", {"listing": listing, "notices": notices})


@login_required
@domain_errors
def backlog(request: HttpRequest) -> HttpResponse:
    summary = backlog_for(staff(request), page=page_number(request))
    return render(request, "web/backlog.html", {"backlog": summary, "listing": summary.cases})
