"""Every figure the database counts equals a count made by hand, row by row, in Python."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from dueprocess.access.models import EmergencyAccess
from dueprocess.cases import services as svc
from dueprocess.cases.models import AdviceRequest, Approach, Case, Decision, InterimMeasure
from dueprocess.cases.queries import case_detail_for
from dueprocess.cases.services import emergency as em
from dueprocess.errors import NotFound
from dueprocess.ledger.entries import parse_entry
from dueprocess.ledger.models import LedgerEntry
from dueprocess.ledger.record import actor_pseudonym
from dueprocess.lib import clock
from dueprocess.oversight import casework_figures as cw
from dueprocess.oversight.queries import figure_cases_for, figure_for
from dueprocess.oversight.sql import month_key
from tests.oversight.conftest import HARSHER, LIGHTER, RECOMMENDED, approach, at_panel, decide


@pytest.fixture
def history(world):
    """Cases of several ages and stages, outcomes in every direction, and contacts of every
    kind spread over recent months."""
    now = clock.now()
    for days, stage in ((3, "received"), (45, "triage"), (120, "investigation"), (200, "triage")):
        with clock.frozen(now - dt.timedelta(days=days)):
            world.case_at(stage)
    for days, sanctions in ((100, RECOMMENDED), (70, LIGHTER), (40, HARSHER), (10, LIGHTER)):
        with clock.frozen(now - dt.timedelta(days=days)):
            case = at_panel(world)
            way = "lighter" if sanctions == LIGHTER else "neither"
            way = "harsher" if sanctions == HARSHER else way
            approach(world, case, from_political_office=days > 50, direction=way)
            decide(world, case, sanctions, "" if sanctions == RECOMMENDED else "Reasons.")
    with clock.frozen(now - dt.timedelta(days=35)):
        case = world.case_at("investigation")
        svc.advice_request_create(
            actor=world.case_manager,
            case=case,
            adviser=world.political,
            question="Question?",
            extract="Extract.",
        )
        svc.interim_measure_impose(
            actor=world.case_manager,
            case=case,
            kind="administrative_suspension",
            ground="risk_of_harm",
            reasons="Threats.",
        )
        grant = em.emergency_access_request(actor=world.investigator_b, case=case, reason="Ill.")
        em.emergency_access_approve(actor=world.case_manager, grant=grant, hours=2)
        for _ in range(2):
            with pytest.raises(NotFound):
                case_detail_for(world.political, case.reference)
    with pytest.raises(NotFound):
        case_detail_for(world.oversight, case.reference)
    return now


def cells(figure) -> dict[str, tuple]:
    return {str(r.cells[0]): tuple(r.cells[1:]) for r in figure.rows}


def test_the_backlog_equals_a_hand_count(world, history):
    figure = figure_for(world.oversight, "backlog")
    now = clock.now()
    expected: Counter[tuple[str, str]] = Counter()
    for case in Case.objects.filter(organisation=world.organisation, closed_at__isnull=True):
        age = (now - case.received_at).days
        bucket = next(b[0] for b in cw.AGE_BUCKETS if b[3] is None or age <= b[3])
        expected[(case.stage, bucket)] += 1
    labels = {s.key: s.label for s in world.rules.stages.values()}
    counted = cells(figure)
    for (stage, bucket), n in expected.items():
        column = [b[0] for b in cw.AGE_BUCKETS].index(bucket)
        assert counted[labels[stage]][column] == n
    assert figure.total(len(figure.columns) - 1) == sum(expected.values()) > 0


def test_deadline_breaches_equal_a_hand_count(world, history):
    today = clock.today()
    open_cases = list(Case.objects.filter(organisation=world.organisation, closed_at__isnull=True))
    counted = cells(figure_for(world.oversight, "deadlines"))
    feedback = sum(1 for c in open_cases if c.feedback_by < today)
    assert counted["Open past the 3-month feedback date"] == (feedback,)
    assert feedback > 0
    for stage in world.rules.stages.values():
        if stage.due_days:
            late = sum(1 for c in open_cases if c.stage == stage.key and c.stage_due_on < today)
            assert counted[f"Over time in “{stage.label}”"] == (late,)


def test_decisions_by_direction_and_by_panel_member_equal_a_hand_count(world, history):
    decisions = list(Decision.objects.exclude(kind="not_investigated"))
    counted = cells(figure_for(world.oversight, "decisions"))
    by_direction = Counter(d.direction for d in decisions)
    assert counted["Lighter than recommended"] == (by_direction["downgrade"],) == (2,)
    assert counted["Harsher than recommended"] == (by_direction["upgrade"],) == (1,)
    assert counted["Followed the recommendation"] == (by_direction["none"],)
    seats = cells(figure_for(world.oversight, "deciders"))
    chair = seats[str(world.panel_chair)]
    assert chair[0] == sum(1 for d in decisions if world.panel_chair in d.panel.all())
    assert chair[1] == sum(
        1 for d in decisions if world.panel_chair in d.panel.all() and d.direction == "downgrade"
    )


def test_contacts_by_month_equal_a_hand_count(world, history):
    figure = figure_for(world.oversight, "channels")
    months = {r.filters["month"]: r.cells[1:] for r in figure.rows}
    advice = Counter(
        month_key(a.requested_at.astimezone(dt.UTC)) for a in AdviceRequest.objects.all()
    )
    political = Counter(
        month_key(a.occurred_at.astimezone(dt.UTC))
        for a in Approach.objects.filter(from_political_office=True)
    )
    others = Counter(
        month_key(a.occurred_at.astimezone(dt.UTC))
        for a in Approach.objects.filter(from_political_office=False)
    )
    emergency = Counter(
        month_key(e.requested_at.astimezone(dt.UTC)) for e in EmergencyAccess.objects.all()
    )
    staff = {actor_pseudonym(u) for u in world.people.values()}
    denied = Counter(
        month_key(row.recorded_at.astimezone(dt.UTC))
        for row in LedgerEntry.objects.filter(action="access.denied")
        if parse_entry(bytes(row.entry)).actor in staff
    )
    for month, counts in months.items():
        assert counts == (
            advice[month],
            political[month],
            others[month],
            emergency[month],
            denied[month],
        ), month
    assert figure.total(5) == 3 and figure.total(1) == 1


def test_the_register_by_origin_and_direction_equals_a_hand_count(world, history):
    figure = figure_for(world.oversight, "register")
    rows = {(r.filters.get("series"), r.filters.get("state")): r.cells[1] for r in figure.rows}
    for series, political in (("approach_political", True), ("approach_other", False)):
        mine = Approach.objects.filter(from_political_office=political)
        assert rows[(series, None)] == mine.count()
        for way in ("lighter", "harsher", "neither", "unclear"):
            assert rows[(series, way)] == mine.filter(direction=way).count(), (series, way)
    assert "2 pushing towards a lighter outcome, 1 towards a harsher one" in figure.summary
    behind = figure_cases_for(
        world.case_manager, "register", {"series": "approach_other", "state": "lighter"}
    )
    expected = set(
        Approach.objects.filter(from_political_office=False, direction="lighter").values_list(
            "case__reference", flat=True
        )
    )
    assert expected and {c.reference for c in behind.cases} == expected


def test_interim_measures_and_sanction_spread_equal_a_hand_count(world, history):
    counted = cells(figure_for(world.oversight, "interim"))
    measures = list(InterimMeasure.objects.all())
    ((label, numbers),) = counted.items()
    assert "Risk of harm" in label
    today = clock.today()
    assert numbers == (
        sum(m.is_active for m in measures),
        sum(not m.is_active for m in measures),
        sum(m.is_active and m.review_on < today for m in measures),
    )
    assert numbers[2] == 1  # imposed 35 days ago, reviewed after 28
    spread = cells(figure_for(world.oversight, "consistency"))
    ladder = [s.key for s in world.rules.ladder()]
    category = world.rules.categories[world.case_at("received").category].label
    severities = Counter(
        next(k for k in reversed(ladder) if k in d.sanctions)
        for d in Decision.objects.filter(finding="breach").exclude(kind="not_investigated")
    )
    assert spread[category][: len(ladder)] == tuple(severities[k] for k in ladder)
