"""The oversight dashboard's review figures: appeals (lodged, pending, dismissed when the
decision is confirmed, upheld when it is replaced) and panels appointed by name instead of
drawn (with their recorded reasons, flagged where the rulebook draws); the cases behind each
row."""

from __future__ import annotations

import pytest

from dueprocess.cases import services as svc
from dueprocess.cases.models import Case
from dueprocess.errors import InvalidInput
from dueprocess.oversight.queries import dashboard_for, figure_cases_for, figure_for
from tests.signing_in import signer_in
from tests.world import World, concurring


def _rows(world: World, key: str) -> dict[str, tuple[object, ...]]:
    return {str(r.cells[0]): r.cells[1:] for r in figure_for(world.oversight, key).rows}


def _lodged(university: World) -> Case:
    case = university.case_at("outcome_sent")
    svc.appeal_lodge(
        actor=university.case_manager,
        case=case,
        ground="new_evidence",
        statement="A witness has come forward since.",
    )
    case = Case.objects.get(pk=case.pk)
    university.new_panel(case)
    return Case.objects.get(pk=case.pk)


def _decide(university: World, case: Case, result: str) -> None:
    extra = {"finding": "no_breach", "sanctions": []} if result == "replace" else {}
    svc.appeal_decide(
        actor=university.people["appeal_chair"],
        case=case,
        appeal=case.appeals.get().pk,
        result=result,
        reasons="Considered afresh.",
        votes=concurring(case),
        **extra,  # type: ignore[arg-type]
    )


def test_appeals_are_counted_lodged_pending_dismissed_and_upheld(university):
    assert _rows(university, "appeals")["Lodged"] == (0,)
    pending, confirmed, replaced = (_lodged(university) for _ in range(3))
    _decide(university, confirmed, "confirm")
    _decide(university, replaced, "replace")
    rows = _rows(university, "appeals")
    assert rows["Lodged"] == (3,) and rows["Pending: not yet decided"] == (1,)
    assert rows["Dismissed: the decision confirmed"] == (1,)
    assert rows["Upheld: the decision replaced"] == (1,)
    figure = figure_for(university.oversight, "appeals")
    assert "3 appeals lodged; 1 pending; 1 dismissed" in figure.summary
    assert "appeals" in dashboard_for(university.oversight).figures
    listing = figure_cases_for(university.case_manager, "appeals", {"state": "upheld"})
    assert [c.reference for c in listing.cases] == [replaced.reference]
    waiting = figure_cases_for(university.case_manager, "appeals", {"state": "pending"})
    assert [c.reference for c in waiting.cases] == [pending.reference]
    with pytest.raises(InvalidInput):
        figure_cases_for(university.case_manager, "appeals", {"state": "lost"})


def test_panels_appointed_by_name_are_counted_with_their_reasons_and_flagged(university):
    case, drawn = university.case_at("conduct_panel"), university.case_at("conduct_panel")
    assert figure_for(university.oversight, "appointments").rows == ()
    seats = {
        "chair": [university.panel_chair],
        "lay": [university.panel_b, university.panel_c],
    }
    svc.panel_appoint(
        actor=university.case_manager, case=case, members=seats, reason="The drawn chair is away."
    )
    svc.panel_draw(actor=university.case_manager, case=drawn)
    [row] = figure_for(university.oversight, "appointments").rows
    assert row.cells[1:] == (1, 1, 1, "Flagged: the rulebook draws this panel")
    assert row.filters == {"stage": "conduct_panel"}
    figure = figure_for(university.oversight, "appointments")
    assert "1 panels appointed by name, 1 with a recorded reason; 1 flagged" in figure.summary
    listing = figure_cases_for(university.case_manager, "appointments", row.filters)
    assert [c.reference for c in listing.cases] == [case.reference]
    with pytest.raises(InvalidInput):
        figure_cases_for(university.case_manager, "appointments", {"stage": "nowhere"})


def test_the_dashboard_shows_both_figures_and_their_rows_open_the_cases(university):
    case = _lodged(university)
    reviewer = signer_in(university)("reviewer")
    page = reviewer.get("/oversight/").content.decode()
    assert "Appeals lodged, pending and decided" in page
    assert "Panels appointed by name instead of drawn" in page
    link = "/oversight/figures/appeals/cases/?state=pending"
    assert f'href="{link}"' in page
    listed = reviewer.get(link).content.decode()
    assert case.reference in listed
