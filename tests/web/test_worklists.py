"""The work queue, the backlog and case search: who sees what, the ledger entry each list
leaves, and a number of SQL queries that does not grow with the number of cases shown."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dueprocess.cases.filters import CaseFilters
from dueprocess.cases.models import Case
from dueprocess.cases.worklists import (
    backlog_for,
    case_search_for,
    work_queue_for,
)
from dueprocess.errors import Forbidden, InvalidInput
from dueprocess.ledger.entries import parse_entry
from dueprocess.ledger.models import LedgerEntry
from dueprocess.ledger.record import actor_pseudonym
from tests.world import World


def references(listing) -> set[str]:  # type: ignore[no-untyped-def]
    return {item.reference for item in listing.items}


def test_the_intake_queue_holds_new_complaints_and_drops_them_once_accepted(world: World):
    new = world.open_case()
    accepted = world.case_at("investigation")
    queue = work_queue_for(world.intake)
    assert new.reference in references(queue)
    assert accepted.reference not in references(queue)
    item = next(i for i in queue.items if i.reference == new.reference)
    assert item.stage == "Received" and "Acknowledge receipt" in item.needs


def test_an_investigator_sees_only_the_cases_assigned_to_them_awaiting_their_step(world: World):
    mine = world.case_at("investigation")
    world.prepare_for(mine, "submit_recommendation")
    unassigned = world.case_at("investigation")
    assert references(work_queue_for(world.investigator)) == {mine.reference}
    assert references(work_queue_for(world.investigator_b)) == set()
    assert unassigned.reference not in references(work_queue_for(world.investigator))


def test_the_case_manager_queue_flags_cases_that_need_an_investigator_or_a_panel(world: World):
    unstaffed = world.case_at("investigation")
    short_panel = world.case_at("panel")
    full_panel = world.case_at("panel")
    world.prepare_for(full_panel, "decide")
    queue = {i.reference: i for i in work_queue_for(world.case_manager).items}
    assert queue[unstaffed.reference].needs[0] == "Appoint an investigator"
    assert queue[short_panel.reference].needs[0] == "Appoint the panel (0 of 3)"
    assert "Appoint" not in " ".join(queue[full_panel.reference].needs)


def test_a_panel_member_queue_holds_the_cases_awaiting_their_decision(world: World):
    case = world.case_at("panel")
    world.prepare_for(case, "decide")
    world.case_at("panel")  # no panel appointed yet: nobody's decision to make
    queue = work_queue_for(world.panel_chair)
    assert references(queue) == {case.reference}
    assert "Record panel decision" in queue.items[0].needs


def test_the_queue_lists_the_oldest_complaint_first(world: World):
    younger = world.open_case()
    older = world.open_case(received_at=younger.received_at - dt.timedelta(days=40))
    queue = work_queue_for(world.intake)
    assert [i.reference for i in queue.items][:2] == [older.reference, younger.reference]
    assert queue.items[0].age_days == 40


def test_each_list_records_one_ledger_entry_naming_the_cases_shown(world: World):
    world.open_case()
    before = LedgerEntry.objects.filter(action="case_list.viewed").count()
    work_queue_for(world.intake)
    case_search_for(world.case_manager, CaseFilters(stage="received"))
    backlog_for(world.case_manager)
    assert LedgerEntry.objects.filter(action="case_list.viewed").count() == before + 3


def test_the_political_office_is_refused_every_list_and_the_refusal_is_recorded(world: World):
    world.open_case()
    denied = LedgerEntry.objects.filter(action="access.denied").count()
    for attempt in (
        lambda: work_queue_for(world.political),
        lambda: case_search_for(world.political, CaseFilters()),
        lambda: backlog_for(world.political),
    ):
        with pytest.raises(Forbidden):
            attempt()
    assert LedgerEntry.objects.filter(action="access.denied").count() == denied + 3
    refusals = LedgerEntry.objects.filter(action="access.denied").order_by("-seq")[:3]
    actor = actor_pseudonym(world.political)  # each refusal names who was refused
    assert [parse_entry(bytes(e.entry)).actor for e in refusals] == [actor] * 3


def test_the_backlog_is_for_case_managers_not_for_investigators(world: World):
    with pytest.raises(Forbidden):
        backlog_for(world.investigator)


def test_the_backlog_counts_open_cases_by_stage_and_age_with_overdue_ones_first(world: World):
    fresh = world.open_case()
    old = world.open_case(received_at=fresh.received_at - dt.timedelta(days=100))
    Case.objects.filter(pk=old.pk).update(stage_due_on=dt.date.today() - dt.timedelta(days=3))
    world.case_at("closed")
    backlog = backlog_for(world.case_manager)
    received = next(row for row in backlog.rows if row.stage == "received")
    assert received.total == 2 and received.overdue == 1
    assert received.bands == (1, 0, 1, 0)
    assert backlog.total == 2 and backlog.overdue == 1
    assert backlog.cases.items[0].reference == old.reference
    assert backlog.cases.items[0].overdue
    assert all(row.stage != "closed" for row in backlog.rows)


def test_the_backlog_names_who_is_appointed_to_each_case(world: World, signed_in):
    staffed = world.case_at("investigation")
    world.prepare_for(staffed, "submit_recommendation")  # appoints the investigator
    unstaffed = world.case_at("investigation")
    backlog = {item.reference: item for item in backlog_for(world.case_manager).cases.items}
    name = world.investigator.full_name
    assert backlog[staffed.reference].assignees == (f"{name} (investigator)",)
    assert backlog[unstaffed.reference].assignees == ()
    html = signed_in("case_manager").get("/backlog/").content.decode()
    assert '<th scope="col">Assigned to</th>' in html
    row = html[html.index(f">{staffed.reference}</a>") :]
    assert f"<td>{name} (investigator)</td>" in row[: row.index("</tr>")]
    row = html[html.index(f">{unstaffed.reference}</a>") :]
    assert "<td>Nobody yet</td>" in row[: row.index("</tr>")]


def test_search_filters_by_category_stage_age_deadline_and_reference(world: World):
    first = world.open_case(category="antisemitism")
    second = world.case_at("triage", category="islamophobia")
    manager = world.case_manager

    def found(**filters: str) -> set[str]:
        return references(case_search_for(manager, CaseFilters(**filters)))

    assert found(category="antisemitism") == {first.reference}
    assert found(stage="triage") == {second.reference}
    assert found(age="0-30") == {first.reference, second.reference}
    assert found(age="31-90") == set()
    assert found(deadline="week") == {first.reference}  # triage is due in 14 days
    assert found(deadline="overdue") == set()
    assert found(search=second.reference[-3:]) == {second.reference}


def test_search_refuses_filters_the_rulebook_does_not_know_naming_each_one(world: World):
    with pytest.raises(InvalidInput) as refused:
        case_search_for(
            world.case_manager,
            CaseFilters(
                category="gossip", stage="limbo", age="old", deadline="soon", search="x" * 41
            ),
        )
    assert set(refused.value.fields) == {"category", "stage", "age", "deadline", "search"}


def test_the_search_form_refuses_unknown_filters_in_the_same_words_as_the_api(signed_in):
    response = signed_in("case_manager").get(
        "/cases/", {"stage": "limbo", "deadline": "soon", "q": "x" * 41}
    )
    assert response.status_code == 422
    page = response.content.decode()
    for message in (  # cases.filters' words, as tests/api/test_cases.py expects them too
        "Choose a stage from the list.",
        "Choose a deadline filter from the list.",
        "Search with at most 40 characters of a reference, a name or a member number.",
    ):
        assert message in page
    assert 'value="limbo" selected' not in page  # an unknown stage is not offered back
    assert signed_in("case_manager").get("/cases/", {"stage": "received"}).status_code == 200


def queries_for(client, path: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, response.content[:500]
    return len(captured.captured_queries)


@pytest.mark.parametrize("path", ["/queue/", "/backlog/", "/cases/?stage=received"])
def test_list_pages_run_the_same_number_of_queries_for_5_or_50_cases(world, signed_in, path):
    client = signed_in("case_manager")
    for _ in range(5):
        world.open_case()
    queries_for(client, path)  # first request: session and ledger key set-up happen once
    few = queries_for(client, path)
    for _ in range(45):
        world.open_case()
    many = queries_for(client, path)
    assert client.get(path).content.count(b'href="/cases/C-') >= 50
    assert many == few, f"{path}: {few} queries for 5 cases, {many} for 50"
