"""Oversight pages: the dashboard, one figure's CSV, and the cases behind a figure.

Views parse the request and render; what may be seen, and the ledger entry for seeing it, are
the queries' business.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import SafeString

from dueprocess.accounts.models import User
from dueprocess.oversight import charts, publication, queries
from dueprocess.oversight.exports import figure_csv
from dueprocess.oversight.figure import Cell, Figure
from dueprocess.web.errors import domain_errors

#: The order, and grouping, in which the dashboard tells its story.
SECTIONS = (
    ("Workload", ("backlog", "deadlines")),
    ("Decisions", ("decisions", "deciders", "not_investigated", "consistency", "outliers")),
    ("Interim measures and sign-offs", ("interim", "signoffs")),
    ("Hearings and panels", ("hearings", "panels", "appointments")),
    ("Appeals and independent review", ("appeals", "reviews")),
    ("Contacts from outside the case team", ("channels", "register")),
    ("Alerts", ("alerts",)),
)


@dataclass(frozen=True)
class FigureView:
    figure: Figure
    svg: SafeString
    rows: list[tuple[list[tuple[Cell, bool]], str]]  # (cell, is a number) pairs, cases link
    csv_url: str

    @property
    def has_links(self) -> bool:
        return any(href for _, href in self.rows)


def _cases_link(figure: str, filters: dict[str, str] | None) -> str:
    if not filters:
        return ""
    base = reverse("oversight:figure-cases", args=[figure])
    return f"{base}?{urlencode(filters)}"


def present(figure: Figure, *, linkable: bool) -> FigureView:
    """A figure with its chart, and links to cases only for those who may list them."""
    allowed = linkable and figure.listable

    def link(filters: dict[str, str]) -> str:
        return _cases_link(figure.key, filters) if allowed else ""

    return FigureView(
        figure=figure,
        svg=charts.render(figure, link if allowed else None),
        rows=[
            ([(c, isinstance(c, int)) for c in row.cells], link(row.filters or {}))
            for row in figure.rows
        ],
        csv_url=reverse("oversight:figure-csv", args=[figure.key]),
    )


def _row(figure: Figure, **filters: str) -> int:
    """The count in the row of ``figure`` whose filters are exactly ``filters``."""
    for row in figure.rows:
        if row.filters == filters and isinstance(row.cells[1], int):
            return row.cells[1]
    return 0


def at_a_glance(figures: dict[str, Figure]) -> list[tuple[int, str, str]]:
    """The story in a dozen numbers: (count, what, where on the page the detail is)."""
    f = figures
    signoffs, channels = f["signoffs"], f["channels"]
    return [
        (f["alerts"].total(1), "alerts raised", "#alert-list"),
        (
            _row(f["decisions"], direction="downgrade"),
            "decisions lighter than recommended",
            "#figure-decisions",
        ),
        (
            _row(f["decisions"], direction="upgrade"),
            "decisions harsher than recommended",
            "#figure-decisions",
        ),
        (
            _row(f["register"], series="approach_political"),
            "approaches from the political office",
            "#figure-register",
        ),
        (
            _row(f["register"], series="approach_other"),
            "other approaches logged",
            "#figure-register",
        ),
        (_row(f["register"], series="advice"), "advice requests", "#figure-register"),
        (signoffs.total(4), "sign-off objections", "#figure-signoffs"),
        (signoffs.total(2), "sign-offs delayed now", "#figure-signoffs"),
        (
            f["hearings"].total(1) - _row(f["hearings"], state="held"),
            "hearings waiting to be held",
            "#figure-hearings",
        ),
        (_row(f["panels"], method="appointed"), "panels appointed by name", "#figure-panels"),
        (_row(f["appeals"], state="pending"), "appeals pending", "#figure-appeals"),
        (_row(f["appeals"], state="upheld"), "appeals upheld", "#figure-appeals"),
        (_row(f["reviews"], state="vetoed"), "decisions vetoed on review", "#figure-reviews"),
        (_row(f["register"], series="emergency"), "emergency access requests", "#figure-register"),
        (
            channels.total(len(channels.columns) - 1),
            "denied access attempts in 12 months",
            "#figure-channels",
        ),
        (f["backlog"].total(len(f["backlog"].columns) - 1), "open cases", "#figure-backlog"),
        (_row(f["deadlines"], kind="feedback"), "open past the feedback date", "#figure-deadlines"),
    ]


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)  # login_required has made sure it is a member of staff


@login_required
@domain_errors
def dashboard(request: HttpRequest) -> HttpResponse:
    board = queries.dashboard_for(_user(request))
    sections = [
        (title, [present(board.figures[k], linkable=board.may_list_cases) for k in keys])
        for title, keys in SECTIONS
    ]
    context: dict[str, Any] = {
        "glance": at_a_glance(board.figures),
        "sections": sections,
        "alerts": board.alerts,
        "may_list_cases": board.may_list_cases,
        "generated_at": board.generated_at,
        "may_publish": publication.may_publish(_user(request)),
    }
    return render(request, "oversight/dashboard.html", context)


@login_required
@domain_errors
def figure_export(request: HttpRequest, key: str) -> HttpResponse:
    figure = queries.figure_for(_user(request), key)
    response = HttpResponse(figure_csv(figure), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="oversight-{figure.key}.csv"'
    return response


@login_required
@domain_errors
def figure_cases(request: HttpRequest, key: str) -> HttpResponse:
    params = {k: request.GET.get(k, "")[:60] for k in request.GET if k in _FILTER_NAMES}
    listing = queries.figure_cases_for(_user(request), key, params)
    rows = []
    for case in listing.cases:
        rules = case.rulebook.rules
        stage = rules.stages.get(case.stage)
        category = rules.categories.get(case.category)
        rows.append(
            (case, stage.label if stage else case.stage, category.label if category else "")
        )
    return render(request, "oversight/figure_cases.html", {"listing": listing, "rows": rows})


_FILTER_NAMES = frozenset(
    {
        "stage",
        "age",
        "kind",
        "direction",
        "member",
        "ground",
        "rule",
        "state",
        "series",
        "month",
        "category",
        "decision",
        "method",
    }
)
