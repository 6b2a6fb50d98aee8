"""Oversight through the API: every dashboard figure, each as CSV, the interference register
entry by entry, and the transparency report — exact for those who may see oversight figures,
published (small numbers suppressed) for anyone.

The same reads as the dashboard (``oversight.queries``, ``oversight.register_entries``,
``oversight.transparency``): the same access rule (``oversight.view``), the same
``oversight.viewed`` entry before anything is returned, and case references and what an entry
says only for cases the reader may open anyway.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Path, Query, Router, Schema
from pydantic import StringConstraints

from dueprocess.accounts.organisations import organisation_meant
from dueprocess.api.auth import actor
from dueprocess.api.docs import documented
from dueprocess.errors import InvalidInput, NotFound
from dueprocess.oversight import queries, report_formats, transparency
from dueprocess.oversight.exports import figure_csv
from dueprocess.oversight.figure import Figure
from dueprocess.oversight.register_entries import KINDS, MAX_LIMIT, register_page_for

router = Router(tags=["oversight"])

SCOPE = "oversight:read"
PERMISSION = "oversight.view"
FigureKey = Annotated[str, StringConstraints(max_length=40, pattern=r"^[a-z_]+$")]
QuarterText = Annotated[str, StringConstraints(max_length=6, pattern=r"^[0-9]{4}Q[1-4]$")]
#: which organisation's report, by its short name; needed only when there are several
OrganisationSlug = Annotated[str, StringConstraints(max_length=50, pattern=r"^[a-z0-9-]*$")]


class FigureOut(Schema):
    key: str
    title: str
    summary: str
    columns: list[str]
    rows: list[list[str | int]]
    notes: list[str]


class FiguresOut(Schema):
    generated_at: dt.datetime
    figures: list[FigureOut]


class EntryOut(Schema):
    kind: str
    id: int
    at: dt.datetime
    case_reference: str | None
    facts: dict[str, Any]
    details: dict[str, Any] | None


class RegisterPageOut(Schema):
    kind: str
    total: int
    items: list[EntryOut]
    next_cursor: str | None
    limit: int


class RegisterQuery(Schema):
    kind: Literal["approach", "advice", "signoff", "emergency", "recusal"] = Field(
        ..., description="Which entries: " + ", ".join(KINDS) + "."
    )
    cursor: Annotated[str, StringConstraints(max_length=200, pattern=r"^[A-Za-z0-9_-]*$")] = Field(
        "", description="`next_cursor` from the previous page."
    )
    limit: int = Field(100, ge=1, le=MAX_LIMIT, description=f"Page size (at most {MAX_LIMIT}).")


def _figure(figure: Figure) -> dict[str, Any]:
    return {
        "key": figure.key,
        "title": figure.title,
        "summary": figure.summary,
        "columns": list(figure.columns),
        "rows": [list(row.cells) for row in figure.rows],
        "notes": list(figure.notes),
    }


FIGURE_EXAMPLE = {
    "key": "decisions",
    "title": "Decisions against recommendations",
    "summary": "Of 120 panel decisions, 9 were lighter and 4 harsher than the recommendation.",
    "columns": ["Decision", "Decisions"],
    "rows": [["Followed the recommendation", 101], ["Lighter than recommended", 9]],
    "notes": [],
}


@router.get(
    "/oversight/figures",
    response=FiguresOut,
    **documented(
        "listOversightFigures",
        "Read every oversight figure",
        "Every figure of the oversight dashboard — backlog, deadlines, decisions against "
        "recommendations by direction and by panel member, sanction consistency, interim "
        "measures, sign-offs and objections, advice, approaches, emergency access, denied "
        "attempts, alerts — in one call, recorded once on the ledger.",
        scope=SCOPE,
        permission=PERMISSION,
        response={"generated_at": "2026-09-30T12:00:00Z", "figures": [FIGURE_EXAMPLE]},
    ),
)
def list_figures(request: HttpRequest) -> dict[str, Any]:
    board = queries.dashboard_for(actor(request))
    return {
        "generated_at": board.generated_at,
        "figures": [_figure(f) for f in board.figures.values()],
    }


@router.get(
    "/oversight/figures/{key}",
    response=FigureOut,
    **documented(
        "getOversightFigure",
        "Read one oversight figure",
        "One figure by key (as listed by `listOversightFigures`): its columns and rows.",
        scope=SCOPE,
        permission=PERMISSION,
        errors=[404, 422],
        response=FIGURE_EXAMPLE,
    ),
)
def get_figure(request: HttpRequest, key: Path[FigureKey]) -> dict[str, Any]:
    return _figure(queries.figure_for(actor(request), key))


@router.get(
    "/oversight/figures/{key}/csv",
    response={200: None},
    **documented(
        "getOversightFigureCsv",
        "Download one oversight figure as CSV",
        "Exactly the table the dashboard shows and its CSV export gives, safe to open in a "
        "spreadsheet.",
        scope=SCOPE,
        permission=PERMISSION,
        errors=[404, 422],
    ),
)
def get_figure_csv(request: HttpRequest, key: Path[FigureKey]) -> HttpResponse:
    figure = queries.figure_for(actor(request), key)
    response = HttpResponse(figure_csv(figure), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="oversight-{figure.key}.csv"'
    return response


@router.get(
    "/oversight/register",
    response=RegisterPageOut,
    **documented(
        "listRegisterEntries",
        "Read the interference register, entry by entry",
        "Approaches, advice requests, sign-offs (with objections), emergency access requests "
        "and recusals, oldest first, up to 500 a page. Each entry gives what it is, when, which "
        "way and how it ended; its case reference and what it says (who approached and what "
        "they asked, the objection's reasons …) only for cases you may open. Every page is "
        "recorded on the ledger.",
        scope=SCOPE,
        permission=PERMISSION,
        errors=[422],
        response={
            "kind": "signoff",
            "total": 1,
            "items": [
                {
                    "kind": "signoff",
                    "id": 7,
                    "at": "2026-08-01T09:00:00Z",
                    "case_reference": None,
                    "facts": {"status": "objected", "answered_late": True, "days_late": 3},
                    "details": None,
                }
            ],
            "next_cursor": None,
            "limit": 100,
        },
    ),
)
def list_register(request: HttpRequest, query: Query[RegisterQuery]) -> dict[str, Any]:
    page = register_page_for(
        actor(request), kind=query.kind, cursor=query.cursor, limit=query.limit
    )
    return {
        "kind": page.kind,
        "total": page.total,
        "items": [
            {
                "kind": e.kind,
                "id": e.id,
                "at": e.at,
                "case_reference": e.case_reference,
                "facts": e.facts,
                "details": e.details,
            }
            for e in page.entries
        ],
        "next_cursor": page.next_cursor,
        "limit": query.limit,
    }


REPORT_EXAMPLE = {
    "organisation": "Northmoor Progressive Alliance",
    "quarter": "2026Q3",
    "period": {"start": "2026-07-01T00:00:00+00:00", "end": "2026-10-01T00:00:00+00:00"},
    "as_of": "2026-10-01T00:00:00+00:00",
    "complete": True,
    "suppression": {"threshold": 5, "fewer_than": "a count from 1 to 4", "suppressed": "…"},
    "sections": [
        {
            "title": "Complaints received",
            "tables": [
                {
                    "key": "intake",
                    "title": "Every complaint received, and where it stood at the end of the "
                    "quarter",
                    "total_label": "Complaints received",
                    "rows": [
                        {
                            "label": "Not investigated: outside the scope of the rules",
                            "count": "fewer_than",
                            "shown": "fewer than 5",
                        },
                        {"label": "Still open: investigation", "count": 28, "shown": "28"},
                    ],
                    "total": 56,
                    "note": "",
                }
            ],
            "measures": [
                {
                    "label": "Median days from receipt to acknowledgement",
                    "median_days": 4.0,
                    "deadline": "7 days",
                }
            ],
        }
    ],
}


def _quarter(text: str) -> transparency.Quarter:
    try:
        return transparency.Quarter.parse(text)
    except ValueError:
        raise InvalidInput(
            "Name a quarter like 2026Q3.", fields={"quarter": "Like 2026Q3."}
        ) from None


@router.get(
    "/oversight/transparency/{quarter}",
    response=dict[str, Any],
    **documented(
        "getTransparencyReport",
        "Read the published transparency report for a quarter",
        "The public report, exactly as `/transparency/` shows it: every complaint received "
        "accounted for, times against the rulebook's deadlines, outcomes, interim measures, "
        "appeals, departures by direction and the interference register's counts, with small "
        "numbers suppressed (`fewer_than`, or `suppressed` for a count hidden to protect "
        "another). Only quarters that have ended are published. Public: no token needed.",
        scope=None,
        errors=[404, 422],
        response=REPORT_EXAMPLE,
    ),
)
def get_transparency(
    request: HttpRequest, quarter: Path[QuarterText], organisation: OrganisationSlug = ""
) -> dict[str, Any]:
    chosen_organisation = organisation_meant(organisation)
    if chosen_organisation is None:
        raise NotFound(
            "No such organisation here."
            if organisation
            else "Name the organisation (?organisation=its short name): there are several."
        )
    chosen = _quarter(quarter)
    if chosen.end > transparency.clock.now():
        # A quarter still under way changes by the day, and two days' figures side by side
        # could give away what suppression hides: only finished quarters are published.
        raise InvalidInput(
            "Only a quarter that has ended is published.", fields={"quarter": "Not over yet."}
        )
    report = transparency.build(chosen_organisation, chosen)
    return report_formats.as_dict(transparency.publish(report))


@router.get(
    "/oversight/transparency/{quarter}/exact",
    response=dict[str, Any],
    **documented(
        "getTransparencyCounts",
        "Read the transparency report's exact counts",
        "The same report with no suppression, for those who may see oversight figures; the "
        "reading is recorded on the ledger.",
        scope=SCOPE,
        permission=PERMISSION,
        errors=[422],
        response=REPORT_EXAMPLE,
    ),
)
def get_transparency_exact(request: HttpRequest, quarter: Path[QuarterText]) -> dict[str, Any]:
    report = transparency.report_for(actor(request), _quarter(quarter))
    return report_formats.as_dict(transparency.unsuppressed(report))


#: The success responses that are not JSON models, described for the schema.
SUCCESS_CONTENT: dict[str, dict[int, Any]] = {
    "getOversightFigureCsv": {
        200: {
            "description": "The figure as CSV (a header row, then one row per figure row).",
            "content": {
                "text/csv": {
                    "schema": {"type": "string"},
                    "example": "Decision,Decisions\r\nFollowed the recommendation,101\r\n",
                }
            },
        }
    },
}
