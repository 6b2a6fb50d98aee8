"""The dashboard counts decisions not to investigate, by ground and month — the decisions the
panel-decision figures leave out."""

from __future__ import annotations

from dueprocess.cases import services as svc
from dueprocess.oversight.queries import figure_for
from tests.world import World

ALL_YES = {"in_scope": True, "respondent_is_member": True, "not_duplicate": True}


def test_not_investigated_decisions_are_on_the_dashboard_by_ground_and_month(
    world: World, client_for
):
    earlier = world.open_case()
    for ground in ("out_of_scope", "out_of_scope", "duplicate"):
        svc.case_triage(
            member_reason="Joined this month; not in the register yet.",
            actor=world.intake,
            case=world.open_case(),
            answers=ALL_YES,
            ground=ground,
            duplicate_of=earlier.reference if ground == "duplicate" else "",
            reason="Not for this process.",
            transition="not_investigated",
        )
    figure = figure_for(world.oversight, "not_investigated")
    grounds = world.rules.not_investigated_grounds
    this_month = figure.rows[-1].cells
    assert len(figure.rows) == 12
    assert this_month[1 + list(grounds).index("out_of_scope")] == 2
    assert this_month[1 + list(grounds).index("duplicate")] == 1
    assert sum(int(c) for row in figure.rows for c in row.cells[1:]) == 3
    assert "3 complaints were closed without an investigation" in figure.summary
    page = client_for("oversight").get("/oversight/").content.decode()
    assert "Decisions not to investigate, by ground and month" in page
