"""The lists staff work from, in numbered pages: my queue, the backlog, and case search.

Every list starts from ``visible_cases(actor)`` (search through ``cases.filters``, which the
API's keyset pages in ``cases.case_pages`` use too) and records one ``case_list.viewed``
entry — which list, which filters, which references were shown — before it returns (log
before reveal). Each list costs the same handful of SQL queries however many rows it shows: labels
come from the rulebook versions, loaded once, and whatever a row needs to say ("no
investigator yet") is annotated onto the one query that fetches the page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from dueprocess.access.enforcement import recorded_denials
from dueprocess.access.facts import memberships, unit_filter
from dueprocess.access.rules import Gate, visible_cases
from dueprocess.cases.filters import (
    AGE_BANDS,
    DEADLINES,
    CaseFilters,
    age_band,
    is_overdue,
    late,
    matching_cases,
    organisation_rules,
)
from dueprocess.cases.models import Assignment, Case
from dueprocess.ledger.record import record
from dueprocess.lib import clock
from dueprocess.rulebook.models import RulebookVersion
from dueprocess.rulebook.schema import StaffRole

if TYPE_CHECKING:
    from dueprocess.accounts.models import User
    from dueprocess.rulebook.schema import Rulebook

PAGE_SIZE = 50
#: Lists count their cases up to this many; a list that holds more says "more than 1,000"
#: (counting every case would cost a page the size of the organisation).
COUNT_LIMIT = 1000


@dataclass(frozen=True)
class WorkItem:
    """One row of a list: what the case is, how old, when its stage is due, what it needs."""

    reference: str
    category: str
    stage: str
    received_at: dt.datetime
    age_days: int
    due_on: dt.date | None
    overdue: bool
    needs: tuple[str, ...] = ()
    #: who is appointed to the case now: "Sam Reed (investigator)", panel members after
    assignees: tuple[str, ...] = ()


@dataclass
class WorkList:
    """One page of a list. ``total`` is exact up to ``COUNT_LIMIT``; beyond it ``more`` is set,
    the total reads "more than 1,000" and the number of pages is not known (``pages`` counts
    only up to the next page)."""

    items: list[WorkItem]
    total: int
    page: int
    pages: int
    filters: CaseFilters = field(default_factory=CaseFilters)
    more: bool = False


@dataclass(frozen=True)
class BacklogRow:
    stage: str
    label: str
    bands: tuple[int, ...]
    total: int
    overdue: int


@dataclass
class Backlog:
    rows: list[BacklogRow]
    bands: tuple[str, ...]
    total: int
    overdue: int
    cases: WorkList


def rulebooks() -> dict[int, Rulebook]:
    """Every stored rulebook version, parsed (parsing is cached by hash). Versions are few."""
    return {version.pk: version.rules for version in RulebookVersion.objects.all()}


@recorded_denials
def work_queue_for(actor: User, *, page: int = 1) -> WorkList:
    """Cases waiting for ``actor`` — a step only they (or their role) can take, or for a case
    manager an investigator or panel still to appoint — oldest first."""
    Gate(actor).require("case.list")
    versions = rulebooks()
    held = memberships(actor)
    cases = waiting_cases(actor, held=held, versions=versions)
    listing = _page(cases.order_by("received_at", "pk"), page, versions, actor, held)
    _record(actor, "queue", listing)
    return listing


def waiting_cases(
    actor: User,
    *,
    held: list[tuple[str, int | None]] | None = None,
    versions: dict[int, Rulebook] | None = None,
) -> QuerySet[Case]:
    """The cases ``actor``'s queue holds, unordered and unrecorded: for callers that record
    what they show themselves (the queue page above, the daily digest)."""
    held = memberships(actor) if held is None else held
    versions = rulebooks() if versions is None else versions
    return visible_cases(actor).filter(_waiting_for(actor, held, versions))


@recorded_denials
def case_search_for(actor: User, filters: CaseFilters, *, page: int = 1) -> WorkList:
    """Visible cases matching ``filters`` (each checked against the rulebook), oldest first."""
    Gate(actor).require("case.list")
    versions = rulebooks()
    cases = matching_cases(actor, filters)
    listing = _page(cases.order_by("received_at", "pk"), page, versions, actor, memberships(actor))
    listing.filters = filters
    _record(actor, "search", listing)
    return listing


@recorded_denials
def backlog_for(actor: User, *, page: int = 1) -> Backlog:
    """Open cases by stage and age band with overdue counts, and the open cases themselves,
    overdue (earliest stage deadline) first. For those who watch the whole backlog."""
    gate = Gate(actor)
    gate.require("case.list")
    gate.require("oversight.view")
    versions = rulebooks()
    now = clock.now()
    open_cases = visible_cases(actor).filter(closed_at__isnull=True)
    rows = _backlog_rows(open_cases, now, organisation_rules(actor), versions)
    ordered = open_cases.order_by(F("stage_due_on").asc(nulls_last=True), "received_at", "pk")
    listing = _page(ordered, page, versions, actor, memberships(actor))
    _record(actor, "backlog", listing)
    return Backlog(
        rows=rows,
        bands=tuple(key for key, _, _ in AGE_BANDS),
        total=sum(row.total for row in rows),
        overdue=sum(row.overdue for row in rows),
        cases=listing,
    )


def filter_choices(actor: User) -> dict[str, list[tuple[str, str]]]:
    """The options a search form offers, from the organisation's rulebook."""
    rules = organisation_rules(actor)
    return {
        "category": [(key, c.label) for key, c in rules.categories.items()],
        "stage": [(key, s.label) for key, s in rules.stages.items()],
        "age": [(key, f"{key} days") for key, _, _ in AGE_BANDS],
        "deadline": list(DEADLINES.items()),
    }


# ---- building blocks -------------------------------------------------------------------


def _annotated(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Fetch only what a row shows, plus what the case still lacks — for the rows shown only,
    in the same query that fetches them."""
    active = Assignment.objects.filter(case=OuterRef("pk"), ended_at__isnull=True)
    panel_size = (
        active.filter(role=Assignment.Role.PANEL_MEMBER)
        .order_by()
        .values("case")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return cases.only(
        "reference", "category", "stage", "received_at", "stage_due_on", "closed_at", "rulebook_id"
    ).annotate(
        has_investigator=Exists(active.filter(role=Assignment.Role.INVESTIGATOR)),
        panel_size=Coalesce(Subquery(panel_size, output_field=IntegerField()), 0),
    )


def _steps_for(rules: Rulebook, role: str) -> list[str]:
    """Non-final stages from which ``role`` can take a step."""
    return sorted(
        {
            source
            for step in rules.transitions.values()
            if role in step.roles
            for source in step.sources
            if not rules.stages[source].terminal
        }
    )


def _sources_of(rules: Rulebook, kind: str) -> list[str]:
    return sorted({s for step in rules.transitions_of_kind(kind) for s in step.sources})


def _waiting_for(actor: User, held: list[tuple[str, int | None]], versions: dict) -> Q:  # type: ignore[type-arg]
    mine = Assignment.objects.filter(user=actor, ended_at__isnull=True)
    relation = {
        StaffRole.INTAKE_OFFICER: unit_filter(held, StaffRole.INTAKE_OFFICER),
        StaffRole.CASE_MANAGER: unit_filter(held, StaffRole.CASE_MANAGER),
        StaffRole.INVESTIGATOR: Q(
            pk__in=mine.filter(role=Assignment.Role.INVESTIGATOR).values("case_id")
        ),
        StaffRole.PANEL_MEMBER: Q(
            pk__in=mine.filter(role=Assignment.Role.PANEL_MEMBER).values("case_id")
        ),
    }
    roles = {role for role, _ in held}
    condition = Q(pk__in=[])
    for version_id, rules in versions.items():
        in_version = Q(rulebook_id=version_id)
        for role, related in relation.items():
            if role in roles and related is not None:
                condition |= in_version & related & Q(stage__in=_steps_for(rules, role))
        managed = relation[StaffRole.CASE_MANAGER]
        if StaffRole.CASE_MANAGER in roles and managed is not None:
            condition |= in_version & managed & _unstaffed(rules)
    return condition


def _unstaffed(rules: Rulebook) -> Q:
    """Cases that cannot move until someone is appointed. The sub-queries are uncorrelated, so
    the database evaluates each once rather than once per case."""
    active = Assignment.objects.filter(ended_at__isnull=True)
    investigated = active.filter(role=Assignment.Role.INVESTIGATOR).values("case_id")
    full_panels = (
        active.filter(role=Assignment.Role.PANEL_MEMBER)
        .order_by()
        .values("case_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=rules.panel.quorum)
        .values("case_id")
    )
    no_investigator = Q(stage__in=_sources_of(rules, "recommend")) & ~Q(pk__in=investigated)
    short_panel = Q(stage__in=_sources_of(rules, "decide")) & ~Q(pk__in=full_panels)
    return no_investigator | short_panel


def _page(
    cases: QuerySet[Case],
    page: int,
    versions: dict[int, Rulebook],
    actor: User,
    held: list[tuple[str, int | None]],
) -> WorkList:
    total, more = bounded_count(cases)
    page = max(1, page)
    if not more:
        page = min(page, max(1, -(-total // PAGE_SIZE)))
    rows = list(_annotated(cases)[(page - 1) * PAGE_SIZE : page * PAGE_SIZE + 1])
    if not rows and page > 1:  # past the end of a list too long to count: its last page
        return _page(cases, 1, versions, actor, held)
    following = len(rows) > PAGE_SIZE
    pages = page + 1 if following else page
    if not more:
        pages = max(1, -(-total // PAGE_SIZE))
    roles = {role for role, _ in held}
    shown = rows[:PAGE_SIZE]
    appointed = _assignees([case.pk for case in shown])
    items = [
        _item(case, versions[case.rulebook_id], roles, appointed.get(case.pk, ())) for case in shown
    ]
    return WorkList(items=items, total=total, page=page, pages=pages, more=more)


def bounded_count(cases: QuerySet[Case], limit: int = 0) -> tuple[int, bool]:
    """How many of ``cases`` there are, counting no further than ``limit`` (by default
    ``COUNT_LIMIT``): (count, more)."""
    limit = limit or COUNT_LIMIT
    counted = cases.order_by().values("pk")[: limit + 1].count()
    return min(counted, limit), counted > limit


def _assignees(case_ids: list[int]) -> dict[int, tuple[str, ...]]:
    """Who is appointed to each of the cases shown, investigator first: one query for the
    page, however many rows it has."""
    if not case_ids:
        return {}
    active = (
        Assignment.objects.filter(case_id__in=case_ids, ended_at__isnull=True)
        .select_related("user")
        .order_by("case_id", "role", "assigned_at", "pk")
    )
    found: dict[int, list[str]] = {}
    for assignment in active:
        person = assignment.user
        found.setdefault(assignment.case_id, []).append(
            f"{person.full_name or person.email} ({assignment.get_role_display().lower()})"
        )
    return {case_id: tuple(names) for case_id, names in found.items()}


def _item(
    case: Case, rules: Rulebook, roles: set[str], assignees: tuple[str, ...] = ()
) -> WorkItem:
    now = clock.now()
    today = now.date()
    category = rules.categories.get(case.category)
    stage = rules.stages.get(case.stage)
    return WorkItem(
        reference=case.reference,
        category=category.label if category else case.category,
        stage=stage.label if stage else case.stage,
        received_at=case.received_at,
        age_days=(now - case.received_at).days,
        due_on=case.stage_due_on,
        overdue=is_overdue(case, today),
        needs=_needs(case, rules, roles),
        assignees=assignees,
    )


def _needs(case: Case, rules: Rulebook, roles: set[str]) -> tuple[str, ...]:
    needs = [step.label for step in rules.transitions_from(case.stage) if roles & set(step.roles)]
    annotations: Any = case
    if case.stage in _sources_of(rules, "recommend") and not annotations.has_investigator:
        needs.insert(0, "Appoint an investigator")
    if case.stage in _sources_of(rules, "decide") and annotations.panel_size < rules.panel.quorum:
        needs.insert(0, f"Appoint the panel ({annotations.panel_size} of {rules.panel.quorum})")
    return tuple(needs)


def _backlog_rows(
    open_cases: QuerySet[Case],
    now: dt.datetime,
    rules: Rulebook,
    versions: dict[int, Rulebook],
) -> list[BacklogRow]:
    bands = {
        f"band_{index}": Count("pk", filter=age_band(band, now))
        for index, band in enumerate(AGE_BANDS)
    }
    counted = (
        open_cases.order_by()
        .values("stage")
        .annotate(total=Count("pk"), overdue=Count("pk", filter=late(now.date())), **bands)
    )
    by_stage = {row["stage"]: row for row in counted}
    order = [key for key in rules.stages if key in by_stage]
    order += sorted(key for key in by_stage if key not in rules.stages)
    labels = {key: s.label for v in versions.values() for key, s in v.stages.items()}
    labels.update({key: s.label for key, s in rules.stages.items()})
    return [
        BacklogRow(
            stage=key,
            label=labels.get(key, key),
            bands=tuple(by_stage[key][f"band_{i}"] for i in range(len(AGE_BANDS))),
            total=by_stage[key]["total"],
            overdue=by_stage[key]["overdue"],
        )
        for key in order
    ]


def _record(actor: User, name: str, listing: WorkList) -> None:
    with transaction.atomic():
        record(
            actor=actor,
            action="case_list.viewed",
            details={
                "list": name,
                "filters": listing.filters.active(),
                "page": listing.page,
                "shown": [item.reference for item in listing.items],
            },
        )
