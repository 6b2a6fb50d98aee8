"""Independent review of decisions (``[review]``): a decision the rulebook names opens a review
with a drawn reviewer; it takes effect only once verified (or at lapse, if the rulebook says
so); a veto, with reasons, sends the case to a newly constituted panel; each step is in the
ledger, and every refusal too."""

from __future__ import annotations

import datetime as dt

import pytest

from dueprocess.cases import services as svc
from dueprocess.cases.models import Assignment, Case, Review, ReviewOutcome
from dueprocess.cases.models.immutable import ImmutableError
from dueprocess.cases.services import reviews
from dueprocess.cases.services.panels import FirstInstanceNamed
from dueprocess.errors import Forbidden, IllegalTransition, NotFound, ReasonRequired
from dueprocess.letters.deadlines import deadlines_run
from dueprocess.lib import clock
from tests.parties.helpers import entries_since, last_seq
from tests.reviews.helpers import decided, suspended


def test_a_listed_sanction_opens_a_review_with_a_drawn_reviewer_and_the_draw_in_the_ledger(
    university,
):
    seq = last_seq()
    case, review = suspended(university)
    assert case.stage == "outcome" and review.stage == "conduct_panel"
    assert review.due_on == clock.today() + dt.timedelta(days=10)
    assert [r.user for r in review.reviewers.all()] == [university.reviewer]
    [(_, details)] = entries_since(seq, "review.opened")
    assert details["decision"] == review.decision_id and details["seed"] == review.seed
    assert details["pool"] == review.pool and details["drawn"] == review.pool
    assert reviews.redraw(review).ok
    with pytest.raises(ImmutableError):
        review.due_on = clock.today()
        review.save()


def test_a_decision_the_rulebook_does_not_name_is_not_reviewed(university):
    case = decided(university, university.case_at("conduct_panel"), ["written_reprimand"])
    assert not Review.objects.filter(case=case).exists()
    svc.case_transition(actor=university.case_manager, case=case, transition="send_outcome")


def test_the_decision_takes_effect_only_once_verified(university):
    case, review = suspended(university)
    with pytest.raises(IllegalTransition, match="awaits independent review"):
        svc.case_transition(actor=university.case_manager, case=case, transition="send_outcome")
    assert Case.objects.get(pk=case.pk).stage == "outcome"
    assert reviews.review_state(case).open_review is not None
    seq = last_seq()
    outcome = reviews.review_verify(actor=university.reviewer, case=case, review=review.pk)
    assert outcome.result == ReviewOutcome.Result.VERIFIED
    assert outcome.decided_by == university.reviewer
    [(_, details)] = entries_since(seq, "review.verified")
    assert details["review"] == review.pk and details["decision"] == review.decision_id
    state = reviews.review_state(case)
    assert state.reviews[0].status == "verified" and state.reviews[0].in_effect
    svc.case_transition(actor=university.case_manager, case=case, transition="send_outcome")
    assert Case.objects.get(pk=case.pk).stage == "outcome_sent"


@pytest.mark.parametrize("who", ["case_manager", "oversight", "panel_chair", "investigator"])
def test_only_the_drawn_reviewer_verifies_or_vetoes_and_refusals_are_recorded(university, who):
    case, review = suspended(university)
    seq = last_seq()
    with pytest.raises((Forbidden, NotFound)):
        reviews.review_verify(actor=university.people[who], case=case, review=review.pk)
    with pytest.raises((Forbidden, NotFound)):
        reviews.review_veto(actor=university.people[who], case=case, review=review.pk, reasons="x")
    denied = entries_since(seq, "access.denied")
    assert len(denied) == 2
    assert not ReviewOutcome.objects.filter(review=review).exists()


def test_a_reviewer_not_drawn_is_refused(university):
    case, review = suspended(university)
    other = university.add_person("reviewer_two", "independent_reviewer")
    seq = last_seq()
    with pytest.raises(Forbidden, match="only an independent reviewer drawn for its review"):
        reviews.review_verify(actor=other, case=case, review=review.pk)
    [(_, details)] = entries_since(seq, "access.denied")
    assert "no permit for review.verify" in str(details)


def test_a_drawn_reviewer_who_took_part_in_the_case_is_refused_with_the_reason(university):
    case, review = suspended(university)
    Assignment.objects.create(
        case=case,
        user=university.reviewer,
        role=Assignment.Role.INVESTIGATOR,
        assigned_by=university.case_manager,
        assigned_at=clock.now(),
    )
    seq = last_seq()
    with pytest.raises(IllegalTransition, match="You investigated on this case: no one reviews"):
        reviews.review_verify(actor=university.reviewer, case=case, review=review.pk)
    with pytest.raises(IllegalTransition, match="no one reviews a decision they took part in"):
        reviews.review_veto(actor=university.reviewer, case=case, review=review.pk, reasons="x")
    refused = entries_since(seq, "review.refused")
    assert [d["took_part"] for _, d in refused] == ["investigated", "investigated"]
    assert not ReviewOutcome.objects.filter(review=review).exists()


def test_someone_who_took_part_is_never_drawn(university):
    university.people["second_reviewer"] = university.add_person(
        "second_reviewer", "independent_reviewer"
    )
    case = university.case_at("conduct_panel")
    Assignment.objects.create(
        case=case,
        user=university.reviewer,
        role=Assignment.Role.INVESTIGATOR,
        assigned_by=university.case_manager,
        assigned_at=clock.now(),
    )
    case = decided(university, case, ["suspension"])
    review = Review.objects.get(case=case)
    assert [r.user for r in review.reviewers.all()] == [university.second_reviewer]
    assert len(review.pool) == 1


def test_a_closed_review_is_not_answered_again(university):
    case, review = suspended(university)
    reviews.review_verify(actor=university.reviewer, case=case, review=review.pk)
    with pytest.raises(Forbidden):
        reviews.review_veto(actor=university.reviewer, case=case, review=review.pk, reasons="x")
    assert ReviewOutcome.objects.get(review=review).result == "verified"


def test_a_veto_needs_reasons_and_writes_nothing_without(university):
    case, review = suspended(university)
    with pytest.raises(ReasonRequired) as caught:
        reviews.review_veto(actor=university.reviewer, case=case, review=review.pk, reasons="  ")
    assert "reasons" in caught.value.fields
    assert not ReviewOutcome.objects.filter(review=review).exists()
    assert Case.objects.get(pk=case.pk).stage == "outcome"


def test_a_veto_sends_the_case_to_a_new_panel_which_decides_again_and_is_reviewed(university):
    case, review = suspended(university)
    first_panel = set(review.decision.panel.values_list("pk", flat=True))
    seq = last_seq()
    reviews.review_veto(
        actor=university.reviewer,
        case=case,
        review=review.pk,
        reasons="The sanction rests on a post the respondent never saw.",
    )
    case = Case.objects.get(pk=case.pk)
    assert case.stage == "conduct_panel"
    [(_, details)] = entries_since(seq, "review.vetoed")
    assert details["from"] == "outcome" and details["to"] == "conduct_panel"
    assert "reasons" not in details  # the reasons are kept in the review's outcome
    outcome = ReviewOutcome.objects.get(review=review)
    assert outcome.result == "vetoed" and "never saw" in outcome.reasons
    assert not case.assignments.filter(role="panel_member", ended_at__isnull=True).exists()
    # a first-panel member named for the new panel is refused, and the refusal recorded
    with pytest.raises(FirstInstanceNamed):
        university.appoint_panel(case, ("panel_chair", "panel_b", "panel_c"))
    for key in ("appeal_chair", "appeal_b", "appeal_c"):
        university.people[key] = university.add_person(key, "panel_member")
    university.appoint_panel(case, ("appeal_chair", "appeal_b", "appeal_c"))
    case = decided(university, Case.objects.get(pk=case.pk), ["exclusion"], "appeal_chair")
    again = Review.objects.filter(case=case).exclude(pk=review.pk).get()
    assert not first_panel & set(again.decision.panel.values_list("pk", flat=True))
    assert again.decision.kind == "appeal" and again.stage == "conduct_panel"
    reviews.review_verify(actor=university.reviewer, case=case, review=again.pk)
    svc.case_transition(actor=university.case_manager, case=case, transition="send_outcome")
    statuses = [v.status for v in reviews.review_state(case).reviews]
    assert statuses == ["vetoed", "verified"]


def test_under_takes_effect_an_unanswered_review_lapses_at_the_tick(world):
    case = decided(world, world.case_at("panel"), ["expulsion", "education_course"])
    review = Review.objects.get(case=case)
    assert review.due_on == clock.today() + dt.timedelta(days=14)
    with pytest.raises(IllegalTransition, match="or, unreviewed, when the period lapses"):
        svc.case_transition(actor=world.case_manager, case=case, transition="notify")
    deadlines_run()  # not yet due
    assert not ReviewOutcome.objects.filter(review=review).exists()
    seq = last_seq()
    later = clock.now() + dt.timedelta(days=15)
    with clock.frozen(later):
        report = deadlines_run()
        assert report.reviews_lapsed == 1
        assert deadlines_run().reviews_lapsed == 0  # once
        outcome = ReviewOutcome.objects.get(review=review)
        assert outcome.result == "lapsed" and outcome.decided_by is None
        [(_, details)] = entries_since(seq, "review.lapsed")
        assert details["review"] == review.pk
        svc.case_transition(actor=world.case_manager, case=case, transition="notify")


def test_under_held_an_unanswered_review_is_escalated_and_stays_held(university):
    case, review = suspended(university)
    later = clock.now() + dt.timedelta(days=11)
    with clock.frozen(later):
        report = deadlines_run()
        assert report.reviews_lapsed == 0 and report.escalations >= 1
        assert not ReviewOutcome.objects.filter(review=review).exists()
        assert reviews.review_state(case).reviews[0].status == "held"
        with pytest.raises(IllegalTransition, match="it stays held"):
            svc.case_transition(actor=university.case_manager, case=case, transition="send_outcome")
        reviews.review_verify(actor=university.reviewer, case=case, review=review.pk)
        svc.case_transition(actor=university.case_manager, case=case, transition="send_outcome")


def test_a_redraw_from_altered_inputs_is_caught(university):
    case, review = suspended(university)
    count, failures = reviews.redraw_all()
    assert count >= 1 and not failures
    altered = Review(
        pk=review.pk,
        case=case,
        decision=review.decision,
        stage=review.stage,
        due_on=review.due_on,
        checkpoint_size=review.checkpoint_size,
        checkpoint_root=review.checkpoint_root,
        seed="0" * 64,
        pool=review.pool,
        opened_at=review.opened_at,
    )
    assert not reviews.redraw(altered).ok


def test_the_redraw_command_runs_the_reviewers_draw_again(university):
    import io
    from contextlib import redirect_stdout

    from dueprocess.cli import main

    case, review = suspended(university)
    out = io.StringIO()
    with redirect_stdout(out):
        status = main(["panel", "redraw", case.reference, "--org", university.organisation.slug])
    assert status == 0, out.getvalue()
    assert f"seed {review.seed}" in out.getvalue() and "same reviewers" in out.getvalue()
