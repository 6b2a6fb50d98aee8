"""Recommendations are frozen; decisions that depart from them need reasons and are flagged."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection

from dueprocess.cases import services as svc
from dueprocess.cases.models import Case, Decision, Recommendation
from dueprocess.cases.models.immutable import ImmutableError
from dueprocess.errors import IllegalTransition, InvalidInput, ReasonRequired

RECOMMENDED = ["suspension", "education_course"]


def at_panel(world) -> Case:
    case = world.case_at("investigation")
    world.prepare_for(case, "submit_recommendation")
    svc.recommendation_submit(
        actor=world.investigator,
        case=case,
        finding="breach",
        sanctions=RECOMMENDED,
        reasons="Clear breach; repeated posts.",
    )
    case = Case.objects.get(pk=case.pk)
    world.prepare_for(case, "decide")
    return case


def decide(world, case, sanctions, reasons=""):
    return svc.decision_record(
        actor=world.panel_chair,
        case=Case.objects.get(pk=case.pk),
        finding="breach",
        sanctions=sanctions,
        reasons=reasons,
    )


def test_a_submitted_recommendation_cannot_be_edited(world):
    case = at_panel(world)
    recommendation = Recommendation.objects.get(case=case)
    recommendation.sanctions = ["formal_warning"]
    with pytest.raises(ImmutableError):
        recommendation.save()
    with pytest.raises(DatabaseError), connection.cursor() as cursor:
        cursor.execute("UPDATE cases_recommendation SET sanctions = '[]'")


def test_a_correction_is_a_new_version_and_both_are_kept(world):
    case = at_panel(world)
    revised = svc.recommendation_revise(
        actor=world.investigator,
        case=case,
        finding="breach",
        sanctions=["formal_warning", "education_course"],
        reasons="Second post was not the respondent's.",
    )
    assert revised.number == 2 and revised.supersedes.number == 1
    assert Recommendation.objects.filter(case=case).count() == 2


def test_only_the_assigned_investigator_may_revise(world):
    case = at_panel(world)
    with pytest.raises(IllegalTransition):
        svc.recommendation_revise(
            actor=world.case_manager,
            case=case,
            finding="breach",
            sanctions=["formal_warning"],
            reasons="x",
        )


def test_a_decision_that_follows_the_recommendation_needs_no_reasons(world):
    decision = decide(world, at_panel(world), RECOMMENDED)
    assert (decision.departs, decision.direction, decision.outside_guideline) == (
        False,
        "none",
        False,
    )
    assert decision.panel.count() == 3


def test_a_downgrade_without_reasons_is_refused_and_nothing_is_written(world):
    case = at_panel(world)
    with pytest.raises(ReasonRequired, match="departs from the recommendation \\(downgrade\\)"):
        decide(world, case, ["formal_warning", "education_course"])
    assert not Decision.objects.exists()
    assert Case.objects.get(pk=case.pk).stage == "panel"


def test_a_downgrade_with_reasons_is_accepted_and_flagged(world):
    decision = decide(world, at_panel(world), ["formal_warning", "education_course"], "Apologised.")
    assert (decision.departs, decision.direction) == (True, "downgrade")
    assert decision.recommendation.sanctions == RECOMMENDED


def test_an_upgrade_is_flagged_too(world):
    decision = decide(
        world, at_panel(world), ["expulsion", "education_course"], "Pattern of posts."
    )
    assert decision.direction == "upgrade"


def test_leaving_out_the_required_course_is_a_downgrade(world):
    decision = decide(world, at_panel(world), ["suspension"], "Course already completed.")
    assert decision.direction == "downgrade" and decision.outside_guideline


def test_an_outcome_below_the_guideline_needs_reasons_even_without_a_recommendation_gap(world):
    case = world.case_at("investigation")
    world.prepare_for(case, "submit_recommendation")
    svc.recommendation_submit(
        actor=world.investigator,
        case=case,
        finding="breach",
        sanctions=["reminder_of_conduct", "education_course"],
        reasons="Minor.",
    )
    world.prepare_for(case, "decide")
    with pytest.raises(ReasonRequired, match="outside the guideline"):
        decide(world, case, ["reminder_of_conduct", "education_course"])
    decision = decide(world, case, ["reminder_of_conduct", "education_course"], "First offence.")
    assert decision.outside_guideline and not decision.departs


def test_a_formal_warning_expires_after_the_rulebooks_period(world):
    decision = decide(world, at_panel(world), ["formal_warning", "education_course"], "Apologised.")
    months = (decision.warning_expires_on.year - decision.decided_at.year) * 12 + (
        decision.warning_expires_on.month - decision.decided_at.month
    )
    assert months == 18


@pytest.mark.parametrize(
    ("finding", "sanctions", "field"),
    [
        ("breach", [], "sanctions"),
        ("breach", ["suspension", "expulsion"], "sanctions"),
        ("breach", ["banishment"], "sanctions"),
        ("no_breach", ["suspension"], "sanctions"),
        ("maybe", [], "finding"),
    ],
)
def test_an_incoherent_outcome_is_refused(world, finding, sanctions, field):
    case = at_panel(world)
    with pytest.raises(InvalidInput) as caught:
        svc.decision_record(
            actor=world.panel_chair, case=case, finding=finding, sanctions=sanctions, reasons="r"
        )
    assert field in caught.value.fields


def test_a_panel_below_quorum_cannot_decide(world):
    case = at_panel(world)
    assignment = case.assignments.filter(role="panel_member", user=world.panel_c).get()
    svc.assignment_end(actor=world.case_manager, assignment=assignment, reason="Unavailable.")
    with pytest.raises(InvalidInput, match="requires 3 to decide"):
        decide(world, case, RECOMMENDED)


def test_decisions_cannot_be_edited(world):
    decision = decide(world, at_panel(world), RECOMMENDED)
    decision.direction = "none"
    with pytest.raises(ImmutableError):
        decision.save()
    with pytest.raises(DatabaseError), connection.cursor() as cursor:
        cursor.execute("DELETE FROM cases_decision")
