"""Decisions that open an independent review, for the review tests of the services, the API
and the case page."""

from __future__ import annotations

from dueprocess.cases import services as svc
from dueprocess.cases.models import Case, Review
from tests.world import World, concurring

REASONS = "The panel weighed the posts and the respondent's answer."


def decided(world: World, case: Case, sanctions: list[str], chair: str = "panel_chair") -> Case:
    """``case`` decided at its stage's decide step by a concurring panel (``chair`` records
    it), finding a breach with ``sanctions``; the case re-read."""
    key = next(
        t.key for t in case.rulebook.rules.transitions_from(case.stage) if t.kind == "decide"
    )
    world.prepare_for(case, key)
    case = Case.objects.get(pk=case.pk)
    svc.decision_record(
        actor=world.people[chair],
        case=case,
        finding="breach",
        sanctions=sanctions,
        reasons=REASONS,
        transition=key,
        votes=concurring(case),
    )
    return Case.objects.get(pk=case.pk)


def suspended(university: World) -> tuple[Case, Review]:
    """A university case whose conduct panel suspended the respondent, and the review that
    suspension opened (the university's rulebook reviews suspensions)."""
    case = decided(university, university.case_at("conduct_panel"), ["suspension"])
    return case, Review.objects.get(case=case)
