"""The oversight dashboard's independent reviews figure: decisions awaiting review by how long
ago the review opened, and the reviews verified, vetoed and lapsed; the cases behind each row."""

from __future__ import annotations

import datetime as dt

from dueprocess.cases import services as svc
from dueprocess.cases.models import Case, Review
from dueprocess.cases.services import reviews
from dueprocess.letters.deadlines import deadlines_run
from dueprocess.lib import clock
from dueprocess.oversight.queries import dashboard_for, figure_cases_for, figure_for
from tests.world import World


def _expelled(world: World) -> tuple[Case, Review]:
    case = world.case_at("panel")
    world.prepare_for(case, "decide")
    svc.decision_record(
        actor=world.panel_chair,
        case=Case.objects.get(pk=case.pk),
        finding="breach",
        sanctions=["expulsion", "education_course"],
        reasons="A pattern of posts after a warning.",
    )
    return Case.objects.get(pk=case.pk), Review.objects.get(case=case)


def _rows(world: World) -> dict[str, tuple[object, ...]]:
    return {str(r.cells[0]): r.cells[1:] for r in figure_for(world.oversight, "reviews").rows}


def test_reviews_are_counted_pending_by_age_then_by_how_they_ended(world):
    assert _rows(world)["Awaiting review, opened 0–7 days ago"] == (0,)
    with clock.frozen(clock.now() - dt.timedelta(days=20)):
        old, _ = _expelled(world)
    _expelled(world)
    verified, review = _expelled(world)
    reviews.review_verify(actor=world.reviewer, case=verified, review=review.pk)
    vetoed, review = _expelled(world)
    reviews.review_veto(actor=world.reviewer, case=vetoed, review=review.pk, reasons="Unfair.")
    rows = _rows(world)
    assert rows["Awaiting review, opened 0–7 days ago"] == (1,)
    assert rows["Awaiting review, opened over 14 days ago"] == (1,)
    assert rows["Verified (took effect)"] == (1,) and rows["Vetoed (decided again)"] == (1,)
    assert rows["Lapsed unreviewed (took effect)"] == (0,)
    figure = figure_for(world.oversight, "reviews")
    assert "2 decisions awaiting independent review, the oldest opened 20 days ago" in (
        figure.summary
    )
    assert "(1 past their review period)" in figure.summary
    deadlines_run()  # the old one lapses (the party rulebook: takes_effect)
    rows = _rows(world)
    assert rows["Lapsed unreviewed (took effect)"] == (1,)
    assert rows["Awaiting review, opened over 14 days ago"] == (0,)
    assert "reviews" in dashboard_for(world.oversight).figures
    listing = figure_cases_for(world.case_manager, "reviews", {"state": "lapsed"})
    assert [c.reference for c in listing.cases] == [old.reference]


def test_the_cases_behind_a_pending_row_are_those_awaiting_review(world):
    waiting, _ = _expelled(world)
    other = world.case_at("panel")
    listing = figure_cases_for(world.case_manager, "reviews", {"state": "pending", "age": "0-7"})
    assert [c.reference for c in listing.cases] == [waiting.reference]
    assert other.reference not in [c.reference for c in listing.cases]
    vetoed = figure_cases_for(world.case_manager, "reviews", {"state": "vetoed"})
    assert list(vetoed.cases) == []
