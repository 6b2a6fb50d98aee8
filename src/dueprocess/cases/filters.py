"""The one set of case filters, and the one place they are checked and applied.

The web search form and the API's ``GET /cases`` offer different subsets (the form: category,
stage, age band, deadline, a search term — part of a reference or of a name, or a member
number, see ``people_search``; the API also dates and lateness), but both build a
``CaseFilters`` and get their cases from ``matching_cases``, which starts from
``access.visible_cases`` — so a stage the rulebook does not know is the same named field error
through either channel, and "overdue" means the same thing in a list row, a filter and a count.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from dueprocess.access.rules import visible_cases
from dueprocess.cases.people_search import naming
from dueprocess.errors import InvalidInput
from dueprocess.lib import clock

if TYPE_CHECKING:
    from dueprocess.accounts.models import User
    from dueprocess.cases.models import Case
    from dueprocess.rulebook.schema import Rulebook

#: Age bands (days since the complaint was received): key, first day, last day (None: open).
AGE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("0-30", 0, 30),
    ("31-90", 31, 90),
    ("91-180", 91, 180),
    ("181+", 181, None),
)
DEADLINES = {"overdue": "Overdue", "week": "Due within 7 days", "none": "No stage deadline"}
MAX_SEARCH = 40
_EARLIEST = dt.datetime.min.replace(tzinfo=dt.UTC)
_LATEST = dt.datetime.max.replace(tzinfo=dt.UTC)


@dataclass(frozen=True)
class CaseFilters:
    """What a list of cases is narrowed to; an empty value (or ``None``) filters nothing."""

    category: str = ""
    stage: str = ""
    age: str = ""  # a key of AGE_BANDS
    deadline: str = ""  # a key of DEADLINES
    search: str = ""  # part of a reference or a name, or a member number (people_search)
    received_after: dt.datetime | None = None
    received_before: dt.datetime | None = None
    overdue: bool | None = None  # True: only late cases; False: none of them

    def active(self) -> dict[str, Any]:
        """The filters in use, as the ``case_list.viewed`` entry records them."""
        return {
            key: value.isoformat() if isinstance(value, dt.datetime) else value
            for key, value in asdict(self).items()
            if value not in ("", None)
        }


def is_overdue(case: Case, today: dt.date) -> bool:
    """Past the due date of its current stage and not closed (``late`` is the same in SQL)."""
    return case.closed_at is None and case.stage_due_on is not None and case.stage_due_on < today


def late(today: dt.date) -> Q:
    return Q(closed_at__isnull=True, stage_due_on__lt=today)


def age_band(band: tuple[str, int, int | None], now: dt.datetime) -> Q:
    _, first, last = band
    condition = Q(received_at__lte=now - dt.timedelta(days=first))
    if last is not None:
        condition &= Q(received_at__gt=now - dt.timedelta(days=last + 1))
    return condition


def organisation_rules(actor: User) -> Rulebook:
    organisation = actor.organisation
    if organisation is None:
        raise InvalidInput("Your account belongs to no organisation.")
    return organisation.rulebook.rules


def matching_cases(actor: User, filters: CaseFilters) -> QuerySet[Case]:
    """The cases ``actor`` may see that match ``filters``, unordered. Every filter is checked
    first (categories and stages against the organisation's rulebook) and all the bad ones are
    named together in one ``InvalidInput``."""
    return visible_cases(actor).filter(_condition(actor, filters))


def _condition(actor: User, filters: CaseFilters) -> Q:
    errors: dict[str, str] = {}
    condition = Q()
    if filters.category or filters.stage:
        rules = organisation_rules(actor)
        if filters.category and filters.category not in rules.categories:
            errors["category"] = "Choose a category from the list."
        if filters.stage and filters.stage not in rules.stages:
            errors["stage"] = "Choose a stage from the list."
    if filters.category:
        condition &= Q(category=filters.category)
    if filters.stage:
        condition &= Q(stage=filters.stage)
    if filters.age:
        band = next((b for b in AGE_BANDS if b[0] == filters.age), None)
        if band is None:
            errors["age"] = "Choose an age band from the list."
        else:
            condition &= age_band(band, clock.now())
    if filters.deadline:
        if filters.deadline not in DEADLINES:
            errors["deadline"] = "Choose a deadline filter from the list."
        condition &= _deadline(filters.deadline, clock.today())
    if len(filters.search) > MAX_SEARCH or "\x00" in filters.search:
        errors["search"] = (
            f"Search with at most {MAX_SEARCH} characters of a reference, a name or a member"
            " number."
        )
    elif filters.search.strip():
        term = filters.search.strip()
        condition &= Q(reference__icontains=term) | naming(term)
    if filters.received_after is not None:
        condition &= Q(received_at__gte=as_utc(filters.received_after))
    if filters.received_before is not None:
        condition &= Q(received_at__lt=as_utc(filters.received_before))
    if filters.overdue is not None:
        condition &= late(clock.today()) if filters.overdue else ~late(clock.today())
    if errors:
        raise InvalidInput("Some filters are not valid.", fields=errors)
    return condition


def _deadline(kind: str, today: dt.date) -> Q:
    if kind == "overdue":
        return late(today)
    if kind == "week":
        return Q(stage_due_on__gte=today, stage_due_on__lte=today + dt.timedelta(days=7))
    return Q(stage_due_on__isnull=True)


def as_utc(moment: dt.datetime) -> dt.datetime:
    """An aware UTC time (naive means UTC); times beyond the calendar clamp to its ends."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    try:
        return moment.astimezone(dt.UTC)
    except OverflowError:
        return _EARLIEST if moment.year < 2 else _LATEST
