"""The oversight dashboard's hearings figure: hearings scheduled and not yet held, by how long
ago they were scheduled, and how often they were adjourned; the cases behind each row."""

from __future__ import annotations

import datetime as dt

from dueprocess.cases import services as svc
from dueprocess.cases.models import Case, Hearing
from dueprocess.lib import clock
from dueprocess.oversight.queries import dashboard_for, figure_cases_for, figure_for
from tests.world import World


def _hearing(world: World, case: Case, days: int) -> Hearing:
    return svc.hearing_schedule(
        actor=world.case_manager,
        case=case,
        starts_at=(clock.now() + dt.timedelta(days=days)).replace(microsecond=0),
        place="Room 4",
    )


def _rows(world: World) -> dict[str, tuple[object, ...]]:
    return {str(r.cells[0]): r.cells[1:] for r in figure_for(world.oversight, "hearings").rows}


def test_pending_hearings_are_counted_by_age_with_their_adjournments(world):
    old, fresh = world.case_at("hearing"), world.case_at("hearing")
    assert _rows(world)["Scheduled 0–14 days ago"] == (0, 0)
    early = clock.now() - dt.timedelta(days=50)
    with clock.frozen(early):
        first = _hearing(world, old, 60)
        svc.hearing_adjourn(
            actor=world.case_manager,
            case=old,
            hearing_id=first.pk,
            reason="The respondent is unwell.",
            starts_at=(early + dt.timedelta(days=80)).replace(microsecond=0),
        )
    _hearing(world, fresh, 21)
    rows = _rows(world)
    assert rows["Scheduled 0–14 days ago"] == (1, 0)
    assert rows["Scheduled over 42 days ago"] == (1, 1)
    assert rows["Held"] == (0, 0)
    figure = figure_for(world.oversight, "hearings")
    assert "2 hearings scheduled and not yet held, the oldest scheduled 50 days ago" in (
        figure.summary
    )
    assert "1 adjournments in all" in figure.summary
    assert "hearings" in dashboard_for(world.oversight).figures


def test_a_held_hearing_leaves_the_pending_rows(world):
    case = world.case_at("hearing")
    hearing = _hearing(world, case, 20)
    with clock.frozen(hearing.starts_at + dt.timedelta(hours=1)):
        svc.hearing_record(
            actor=world.panel_chair,
            case=case,
            hearing_id=hearing.pk,
            respondent_attended=True,
            representation="",
            account="Heard.",
            outcome="Decided later.",
        )
        rows = _rows(world)
    assert rows["Held"] == (1, 0)
    assert all(cells[0] == 0 for label, cells in rows.items() if label != "Held")


def test_the_cases_behind_a_row_are_those_with_such_a_hearing(world):
    waiting, other = world.case_at("hearing"), world.case_at("hearing")
    _hearing(world, waiting, 21)
    listing = figure_cases_for(world.case_manager, "hearings", {"state": "pending", "age": "0-14"})
    assert [c.reference for c in listing.cases] == [waiting.reference]
    assert other.reference not in [c.reference for c in listing.cases]
