"""Who decided, on which panel, and in which direction — on the decision and on the ledger."""

from __future__ import annotations

from dueprocess.cases.timeline import case_timeline
from tests.oversight.conftest import LIGHTER, at_panel, decide


def test_a_departing_decision_records_who_decided_the_panel_and_the_direction(world):
    case = at_panel(world)
    decision = decide(world, case, LIGHTER, "Apologised and deleted the posts.")
    panel = {world.panel_chair, world.panel_b, world.panel_c}
    assert decision.decided_by == world.panel_chair
    assert set(decision.panel.all()) == panel
    (entry,) = [item for item in case_timeline(case) if item.action == "decision.recorded"]
    assert entry.actor == world.panel_chair
    assert entry.details["direction"] == "downgrade" and entry.details["departs"] is True
    assert set(entry.details["panel"]) == {u.pk for u in panel}
    assert entry.details["reasons"] == "Apologised and deleted the posts."
    assert entry.details["recommendation"] == 1
