"""List pages cost the same however many cases the organisation holds.

Timing is noise on shared machines, so the work is measured: on SQLite the number of virtual
machine instructions the database executes for the page (its progress handler), on PostgreSQL
the rows every plan node produced (``EXPLAIN ANALYZE`` of each query the page ran). Both grow
with every row a query reads, sorts or counts; a page that went back to counting or sorting
every visible case would read ten times as much at ten times the cases.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from dueprocess.cases import worklists
from dueprocess.cases.case_pages import case_page_for
from dueprocess.cases.filters import CaseFilters
from dueprocess.cases.models import Assignment, Case
from dueprocess.cases.worklists import case_search_for
from tests.world import World

#: Work at ten times the cases may be at most this many times the work at the smaller size.
BOUND = 1.5


def database_work(call: Callable[[], Any]) -> int:
    """What the database did for ``call``: VM steps (SQLite) or rows produced (PostgreSQL)."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        raw = connection.connection
        steps = [0]

        def tick() -> int:
            steps[0] += 1
            return 0

        raw.set_progress_handler(tick, 100)
        try:
            call()
        finally:
            raw.set_progress_handler(None, 0)
        return steps[0] * 100
    with CaptureQueriesContext(connection) as captured:
        call()
    rows = 0
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
            plan = cursor.fetchone()[0]
            rows += _plan_rows(plan if isinstance(plan, list) else json.loads(plan))
    return rows


def _plan_rows(node: Any) -> int:
    if isinstance(node, list):
        return sum(_plan_rows(item) for item in node)
    if not isinstance(node, dict):
        return 0
    own = int(node.get("Actual Rows", 0) * node.get("Actual Loops", 1))
    return (
        own
        + sum(_plan_rows(child) for child in node.get("Plans", []))
        + (_plan_rows(node["Plan"]) if "Plan" in node else 0)
    )


def grow(world: World, templates: list[Case], total: int) -> None:
    """Bulk copies of ``templates`` (with their appointments) until the organisation holds
    ``total`` cases: the cheap way to a large organisation, as the page benchmark does."""
    have = Case.objects.filter(organisation=world.organisation).count()
    assignments = {c.pk: list(Assignment.objects.filter(case=c)) for c in templates}
    top = Case.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    copies, parts = [], []
    for n in range(total - have):
        template = templates[n % len(templates)]
        pk = top + 1 + n
        values = {f.attname: getattr(template, f.attname) for f in Case._meta.concrete_fields}
        values.update(id=pk, reference=f"B-{pk:07d}", idempotency_key=None, duplicate_of_id=None)
        copies.append(Case(**values))
        for part in assignments[template.pk]:
            row = {f.attname: getattr(part, f.attname) for f in Assignment._meta.concrete_fields}
            row.pop("id")
            row["case_id"] = pk
            parts.append(Assignment(**row))
    with transaction.atomic():
        Case.objects.bulk_create(copies, batch_size=500)
        Assignment.objects.bulk_create(parts, batch_size=500)
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.vendor == "sqlite" else "ANALYZE cases_case")


#: The lists whose work is bounded today. Not yet: the queues (the case manager's
#: "unstaffed" sets read every active appointment) and the backlog's counts by stage and age
#: (an aggregate over every open case), and an investigator's queue grows with their own
#: appointments, which these copies multiply.
LISTS: dict[str, Callable[[World], Any]] = {
    "search: stage": lambda w: case_search_for(w.case_manager, CaseFilters(stage="investigation")),
    "search: reference": lambda w: case_search_for(w.case_manager, CaseFilters(search="B-")),
    "api: GET /cases": lambda w: case_page_for(w.case_manager, filters=CaseFilters()),
}


@pytest.fixture
def staffed_world(world: World) -> tuple[World, list[Case]]:
    templates = [
        world.open_case(),
        world.case_at("investigation"),
        world.case_at("panel"),
    ]
    mine = world.case_at("investigation")
    world.prepare_for(mine, "submit_recommendation")
    return world, [*templates, mine]


@pytest.mark.xfail(
    connection.vendor == "postgresql",
    raises=AssertionError,
    strict=True,
    reason="the bound holds on SQLite (VM instructions); PostgreSQL's plans still read rows in"
    " proportion to the cases (issue 21, open). Strict: the lists still run at both sizes (any"
    " other error fails), and the day the bound holds this fails until the mark is removed",
)
@pytest.mark.parametrize("name", list(LISTS))
def test_a_list_does_the_same_work_at_300_and_at_3000_cases(staffed_world, name, monkeypatch):
    # Counted up to 100 here (1,000 in use), so that both sizes hold more than are counted.
    monkeypatch.setattr(worklists, "COUNT_LIMIT", 100)
    world, templates = staffed_world
    page = LISTS[name]
    grow(world, templates, 300)
    page(world)  # warm: rulebook parsing, subject keys
    small = database_work(lambda: page(world))
    grow(world, templates, 3000)
    page(world)
    large = database_work(lambda: page(world))
    assert large <= BOUND * small, f"{name}: work {small} at 300 cases, {large} at 3,000"


def test_a_list_longer_than_it_counts_says_more_and_still_pages_to_its_end(world, monkeypatch):
    monkeypatch.setattr(worklists, "COUNT_LIMIT", 3)
    monkeypatch.setattr(worklists, "PAGE_SIZE", 2)
    opened = [world.open_case().reference for _ in range(5)]
    first = case_search_for(world.case_manager, CaseFilters(stage="received"))
    assert (first.total, first.more, first.page, first.pages) == (3, True, 1, 2)
    seen = [item.reference for item in first.items]
    for page in (2, 3):
        listing = case_search_for(world.case_manager, CaseFilters(stage="received"), page=page)
        seen += [item.reference for item in listing.items]
    assert seen == opened and listing.pages == 3  # the last page offers no next one
    monkeypatch.setattr(worklists, "COUNT_LIMIT", 10)
    exact = case_search_for(world.case_manager, CaseFilters(stage="received"))
    assert (exact.total, exact.more, exact.pages) == (5, False, 3)
