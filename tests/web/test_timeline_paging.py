"""The case timeline at scale: newest first, one bounded page at a time, views grouped so that a
refusal or an action is never hidden behind thousands of views."""

from __future__ import annotations

import re

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from dueprocess.cases.models import Case
from dueprocess.cases.services import PartyInput, note_add
from dueprocess.cases.timeline import PAGE_ENTRIES, timeline_page
from dueprocess.ledger import sealing
from dueprocess.ledger.models import LedgerEntry
from dueprocess.ledger.record import case_pseudonym, record
from dueprocess.web.timeline import case_history
from tests.world import World

VIEWS = 5_000


def add_views(world: World, case: Case, count: int, persona: str = "case_manager") -> None:
    """``count`` views through the real recording function, in one transaction."""
    with transaction.atomic():
        for _ in range(count):
            record(
                actor=world.people[persona],
                action="case.viewed",
                case=case,
                role="case_manager",
                details={"sections": ["summary"]},
            )


def get(client: Client, case: Case, query: str = "") -> str:
    response = client.get(f"/cases/{case.reference}/{query}")
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def timeline_html(html: str) -> str:
    return html[html.index('id="timeline-h"') :]


def seqs_on(html: str) -> set[int]:
    return {int(n) for n in re.findall(r"ledger #(\d+)", timeline_html(html))}


def older_link(html: str) -> str | None:
    found = re.search(r'href="\?before=(\d+)" rel="next"', html)
    return found.group(1) if found else None


@pytest.fixture
def busy_case(world: World) -> Case:
    case = world.case_at("triage")
    add_views(world, case, VIEWS)
    return case


def test_a_refusal_after_5000_views_is_on_the_first_page(world: World, busy_case, signed_in):
    assert signed_in("political").get(f"/cases/{busy_case.reference}/").status_code == 404
    denial = LedgerEntry.objects.filter(
        case_tag=case_pseudonym(busy_case.pk), action="access.denied"
    ).get()

    html = timeline_html(get(signed_in("case_manager"), busy_case))
    assert "Was refused access" in html and world.political.full_name in html
    assert f"ledger #{denial.seq}<" in html
    # newest first: this reading, then the refusal, then the 5,000 earlier views
    assert html.index("Was refused access") < html.index('<details class="views">')
    # the 5,000 views are grouped into a line that opens (no JavaScript) onto each view
    assert html.count('<details class="views">') >= 1
    counts = [int(n) for n in re.findall(r"Viewed the case file · (\d+) times", html)]
    assert counts and sum(counts) <= PAGE_ENTRIES and max(counts) > 100


def test_paging_reaches_the_oldest_entry_and_shows_every_entry_once(
    world: World, busy_case, signed_in
):
    tag = case_pseudonym(busy_case.pk)
    before_reading = set(LedgerEntry.objects.filter(case_tag=tag).values_list("seq", flat=True))
    client = signed_in("case_manager")
    html = get(client, busy_case)
    seen = seqs_on(html)
    pages = 1
    while (before := older_link(html)) is not None:
        html = get(client, busy_case, f"?before={before}")
        page_seqs = seqs_on(html)
        assert not page_seqs & seen and max(page_seqs) < int(before)
        seen |= page_seqs
        pages += 1
    assert pages == -(-(len(before_reading) + 1) // PAGE_ENTRIES)
    assert before_reading <= seen and min(before_reading) in seen  # the case.opened entry
    assert "Opened the case" in html and "Newest entries" in html


def test_a_page_costs_the_same_whatever_the_number_of_entries(
    world: World, busy_case, signed_in, monkeypatch
):
    # about someone else, so that neither case has an earlier one it may repeat (suggesting
    # duplicates reads the earlier cases, a cost that does not depend on the entries)
    small = world.case_at("triage", respondent=PartyInput(name="Nerys Someone Else"))
    add_views(world, small, PAGE_ENTRIES + 10)
    opened = []
    real_unseal = sealing.unseal

    def counting_unseal(*args: bytes) -> bytes:
        opened.append(1)
        return real_unseal(*args)

    monkeypatch.setattr(sealing, "unseal", counting_unseal)
    client = signed_in("case_manager")
    get(client, small)  # warm the session and the caches alike for both cases
    costs = {}
    for case in (small, busy_case):
        opened.clear()
        with CaptureQueriesContext(connection) as queries:
            get(client, case)
        ledger_reads = [q["sql"] for q in queries if '"ledger_ledgerentry"."entry"' in q["sql"]]
        assert len(ledger_reads) == 1 and f"LIMIT {PAGE_ENTRIES + 1}" in ledger_reads[0]
        assert len(opened) <= PAGE_ENTRIES  # only the payloads on the page are opened
        costs[case.pk] = len(queries)
    assert costs[small.pk] == costs[busy_case.pk]


def test_views_group_by_person_and_never_swallow_other_entries(world: World):
    case = world.case_at("triage")
    add_views(world, case, 3, "case_manager")
    note_add(case=case, actor=world.case_manager, body="Called the complainant.")
    add_views(world, case, 2, "case_manager")
    add_views(world, case, 1, "intake")
    add_views(world, case, 2, "case_manager")
    case = Case.objects.get(pk=case.pk)
    lines = case_history(world.rules, list(case.status_changes.all()), timeline_page(case))
    shape = [(line.what, line.who, line.count) for line in lines[:5]]
    manager, intake = world.case_manager.full_name, world.intake.full_name
    assert shape == [
        ("Viewed the case file", manager, 2),
        ("Viewed the case file", intake, 1),
        ("Viewed the case file", manager, 2),
        ("Added a note", manager, 1),
        ("Viewed the case file", manager, 3),
    ]
    run = lines[0]
    assert run.first_at <= run.at and run.first_seq is not None and run.seq is not None
    assert [view.seq for view in run.views] == [run.seq, run.first_seq]


def test_a_before_that_is_not_a_ledger_number_is_a_clear_error(world: World, signed_in):
    case = world.case_at("triage")
    response = signed_in("case_manager").get(f"/cases/{case.reference}/?before=abc")
    assert response.status_code == 422
    assert "ledger number" in response.content.decode()
