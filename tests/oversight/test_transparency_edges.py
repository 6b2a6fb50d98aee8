"""Edge cases of the reconciliation: boundaries, reopened cases, decisions after the quarter."""

from __future__ import annotations

import datetime as dt

import pytest

from dueprocess.cases import services as svc
from dueprocess.cases.models import Case
from dueprocess.lib import clock
from dueprocess.oversight import transparency as tr
from tests.world import World

ALL_YES = {"in_scope": True, "respondent_is_member": True, "not_duplicate": True}


def _at(moment: dt.datetime, work):  # type: ignore[no-untyped-def]
    with clock.frozen(moment):
        return work()


def _decline(world: World, case: Case, ground: str = "out_of_scope", of: str = "") -> Case:
    return svc.case_triage(
        member_reason="Joined this month; not in the register yet.",
        actor=world.intake,
        case=Case.objects.get(pk=case.pk),
        answers=ALL_YES,
        ground=ground,
        duplicate_of=of,
        reason="Not for us.",
        transition="not_investigated",
    )


def test_every_case_is_counted_once_whatever_happened_to_it(world: World):
    quarter = tr.Quarter.containing(clock.now() - dt.timedelta(days=200))
    start, end = quarter.start, quarter.end
    second = dt.timedelta(seconds=1)
    first = _at(start, world.open_case)  # received at the very first moment: in
    _at(end - second, world.open_case)  # the very last moment: in
    _at(end, world.open_case)  # the first moment of the next quarter: out
    _at(start - second, world.open_case)  # the last moment of the one before: out
    declined = _at(start + dt.timedelta(days=1), world.open_case)
    _at(start + dt.timedelta(days=2), lambda: _decline(world, declined))
    reopened = _at(start + dt.timedelta(days=3), world.open_case)
    _at(
        start + dt.timedelta(days=4),
        lambda: _decline(world, reopened, "duplicate", first.reference),
    )
    _at(
        start + dt.timedelta(days=5),
        lambda: svc.case_transition(
            actor=world.case_manager,
            case=Case.objects.get(pk=reopened.pk),
            transition="reopen",
            reason="The earlier complaint was withdrawn.",
        ),
    )
    later = _at(start + dt.timedelta(days=6), world.open_case)
    _at(end + dt.timedelta(days=3), lambda: _decline(world, later))  # after the quarter
    decided = _at(start + dt.timedelta(days=7), world.open_case)
    _at(start + dt.timedelta(days=8), lambda: world.advance(decided, "closed"))

    report = tr.build(world.organisation, quarter)
    intake = dict(zip(report.table("intake").labels, report.table("intake").counts, strict=True))
    assert report.table("intake").total == 6  # first, last, declined, reopened, later, decided
    assert intake["Not investigated: outside the scope of the rules"] == 1  # declined only
    assert intake["Not investigated: duplicate of another complaint"] == 0  # reopened since
    assert intake["Still open: triage"] == 1  # the reopened case
    assert intake["Still open: received"] == 3  # first, last, and later (declined afterwards)
    assert intake["Closed after a decision: breach found"] == 1
    assert sum(intake.values()) == report.table("intake").total
    assert report.table("acknowledgement").total == 6
    declines = report.table("not_investigated")
    assert declines.total == 2  # decisions made in the quarter, reopened or not
    # Once the quarter is over, the next report counts the late decision, not this one.
    assert tr.build(world.organisation, quarter.next()).table("not_investigated").total == 1
    assert tr.build(world.organisation, quarter, now=end - second).complete is False


def test_an_appeal_is_counted_when_lodged_and_by_its_result_when_decided(world: World):
    quarter = tr.Quarter.containing(clock.now() - dt.timedelta(days=200))
    day = dt.timedelta(days=1)
    case = _at(quarter.start + day, lambda: world.case_at("appeal"))
    first = case.decisions.get()
    harsher = ["expulsion", *[s for s in first.sanctions if s != "formal_warning"]]
    _at(quarter.start + 2 * day, lambda: world.new_panel(case))  # a new panel hears the appeal
    _at(
        quarter.start + 2 * day,
        lambda: svc.decision_record(
            actor=world.appeal_chair,
            case=Case.objects.get(pk=case.pk),
            finding="breach",
            sanctions=harsher,
            reasons="The appeal panel found the conduct repeated.",
        ),
    )
    report = tr.build(world.organisation, quarter)
    appeals = dict(zip(report.table("appeals").labels, report.table("appeals").counts, strict=True))
    assert appeals["Harsher sanction"] == 1 and report.table("appeals").total == 1
    assert report.table("appeals_lodged").total == 1
    assert report.table("outcome_category").total == 1  # the first decision, not the appeal


@pytest.mark.parametrize("text", ["0000Q1", "9999Q4", "2026Q5", "26Q1", ""])
def test_a_quarter_outside_the_calendar_is_refused_as_bad_input(text):
    from dueprocess.oversight.transparency import Quarter

    with pytest.raises(ValueError, match="not a quarter like 2026Q3"):
        Quarter.parse(text)
