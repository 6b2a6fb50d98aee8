"""Sealed provisional decisions: the chair records the panel's decision sealed; nobody but the
panel that sat on it reads its outcome until the chair announces it; the announcement takes
the decision's step, and its entry reveals what the sealed entry committed to."""

from __future__ import annotations

import datetime as dt

import pytest

from dueprocess.cases import services as svc
from dueprocess.cases.models import Case, Decision, DecisionAnnouncement
from dueprocess.cases.sealed import decisions_for, sealed_notices
from dueprocess.cases.services.panel_votes import VoteInput
from dueprocess.cases.services.provisional import outcome_commitment
from dueprocess.errors import IllegalTransition, NotFound
from dueprocess.letters.models import Letter
from dueprocess.lib import clock
from dueprocess.oversight.queries import figure_for
from dueprocess.parties.services import _outcome
from tests.parties.helpers import entries_since, last_seq
from tests.world import World, within_guideline

REASONS = "The panel finds the posts were deliberate (sealed wording)."
DISSENT = "Intent is not shown (a sealed dissent)."


def ready(university: World) -> Case:
    case = university.case_at("conduct_panel")
    university.prepare_for(case, "panel_outcome")
    return Case.objects.get(pk=case.pk)


def seal(university: World, case: Case) -> Decision:
    return svc.decision_record(
        actor=university.panel_chair,
        case=Case.objects.get(pk=case.pk),
        finding="breach",
        sanctions=within_guideline(case),
        reasons=REASONS,
        transition="panel_outcome",
        votes=[
            VoteInput(university.panel_chair, True),
            VoteInput(university.panel_b, True),
            VoteInput(university.panel_c, False, DISSENT),
        ],
        sealed=True,
    )


def announce(university: World, case: Case, decision: Decision, who: str = "panel_chair"):  # type: ignore[no-untyped-def]
    return svc.decision_announce(
        actor=university.people[who], case=Case.objects.get(pk=case.pk), decision_id=decision.pk
    )


def test_a_sealed_decision_takes_no_step_and_its_entry_carries_no_outcome(university):
    case = ready(university)
    letters = Letter.objects.count()
    start = last_seq()
    decision = seal(university, case)
    assert Case.objects.get(pk=case.pk).stage == "conduct_panel"
    assert Letter.objects.count() == letters  # nobody is told yet
    assert not Decision.objects.filter(case=case).exists()
    assert Decision.records.get(case=case).sealed
    [(_, details)] = entries_since(start, "decision.sealed")
    assert set(details) - {"case_reference"} == {"decision", "transition", "panel", "commitment"}
    assert REASONS not in str(details) and DISSENT not in str(details)
    assert entries_since(start, "decision.recorded") == []
    assert decision.seal_salt and len(details["commitment"]) == 64


def test_only_its_panel_reads_it_and_everyone_else_learns_only_that_it_exists(university):
    case = ready(university)
    decision = seal(university, case)
    for member in ("panel_chair", "panel_b", "panel_c"):
        [shown] = decisions_for(university.people[member], case)
        assert shown.pk == decision.pk and shown.reasons == REASONS
        assert sealed_notices(university.people[member], case) == []
    for outsider in ("case_manager", "investigator", "reviewer", "panel_spare"):
        assert decisions_for(university.people[outsider], case) == []
        [notice] = sealed_notices(university.people[outsider], case)
        assert (notice.decision_id, notice.recorded_at) == (decision.pk, decision.decided_at)


def test_oversight_and_the_parties_see_nothing_until_it_is_announced(university):
    case = ready(university)
    decision = seal(university, case)
    figure = figure_for(university.oversight, "decisions")
    assert "Of 0 panel decisions" in figure.summary
    deciders = figure_for(university.oversight, "deciders")
    assert university.panel_b.full_name not in str([r.cells for r in deciders.rows])
    assert _outcome(Case.objects.get(pk=case.pk)) == ""
    announce(university, case, decision)
    assert "Of 1 panel decisions" in figure_for(university.oversight, "decisions").summary


def test_the_chair_announces_it_and_the_step_is_taken_then(university):
    case = ready(university)
    decision = seal(university, case)
    start = last_seq()
    later = clock.now() + dt.timedelta(days=9)
    with clock.frozen(later):
        announced = announce(university, case, decision)
    assert announced.pk == decision.pk
    after = Case.objects.get(pk=case.pk)
    assert after.stage == "outcome" and after.stage_entered_at == later
    change = after.status_changes.get(transition="panel_outcome")
    row = DecisionAnnouncement.objects.get(decision=decision)
    assert change.at == row.announced_at == later and row.announced_by == university.panel_chair
    assert decision.decided_at < later - dt.timedelta(days=8)
    assert Decision.objects.filter(case=case).get().pk == decision.pk
    [(_, revealed)] = entries_since(start, "decision.announced")
    assert revealed["reasons"] == REASONS and revealed["finding"] == "breach"
    assert {"member": revealed["votes"][2]["member"], "concurs": False, "reasons": DISSENT} in (
        revealed["votes"]
    )


def test_an_outsider_recomputes_the_commitment_from_the_announced_outcome(university):
    case = ready(university)
    start = last_seq()
    decision = seal(university, case)
    announce(university, case, decision)
    [(_, sealed)] = entries_since(start, "decision.sealed")
    [(_, revealed)] = entries_since(start, "decision.announced")
    outcome = {
        k: revealed[k]
        for k in (
            "decision",
            "finding",
            "sanctions",
            "reasons",
            "departs",
            "direction",
            "outside_guideline",
            "votes",
        )
    }
    assert outcome_commitment(revealed["salt"], outcome) == sealed["commitment"]
    assert (
        outcome_commitment(revealed["salt"], outcome | {"finding": "no_breach"})
        != (sealed["commitment"])
    )


def test_announcing_by_someone_else_or_twice_is_refused_and_recorded(university):
    case = ready(university)
    decision = seal(university, case)
    start = last_seq()
    with pytest.raises(IllegalTransition, match="Only Panel Chair, who recorded"):
        announce(university, case, decision, who="panel_b")
    [(_, refused)] = entries_since(start, "decision.refused")
    assert refused["decision"] == decision.pk and refused["announce"] is True
    assert not DecisionAnnouncement.objects.exists()
    announce(university, case, decision)
    with pytest.raises(IllegalTransition, match="already announced"):
        announce(university, case, decision)
    assert DecisionAnnouncement.objects.count() == 1
    assert len(entries_since(start, "decision.refused")) == 2


def test_nothing_is_decided_again_while_a_sealed_decision_awaits(university):
    case = ready(university)
    seal(university, case)
    with pytest.raises(IllegalTransition, match="awaits its announcement"):
        seal(university, case)
    assert Decision.records.filter(case=case).count() == 1


def test_an_unknown_or_unsealed_decision_cannot_be_announced(university):
    case = ready(university)
    with pytest.raises(NotFound):
        svc.decision_announce(actor=university.panel_chair, case=case, decision_id=999999)
    made = svc.decision_record(
        actor=university.panel_chair,
        case=case,
        finding="breach",
        sanctions=within_guideline(case),
        reasons=REASONS,
        transition="panel_outcome",
        votes=[
            VoteInput(university.panel_chair, True),
            VoteInput(university.panel_b, True),
            VoteInput(university.panel_c, True),
        ],
    )
    with pytest.raises(IllegalTransition, match="not sealed"):
        announce(university, case, made)


def test_a_sealed_suspension_is_sent_to_review_when_announced_not_before(university):
    """The rulebook reviews suspensions: a sealed one is not yet the decision, so no review
    opens (nor is anyone drawn to read it) until the chair announces it; then it is reviewed
    like any other, and does not take effect until verified."""
    from dueprocess.cases.models import Review

    case = ready(university)
    sealed = svc.decision_record(
        actor=university.panel_chair,
        case=Case.objects.get(pk=case.pk),
        finding="breach",
        sanctions=["suspension"],
        reasons=REASONS,
        transition="panel_outcome",
        votes=[VoteInput(m, True) for m in (university.panel_chair, university.panel_b)]
        + [VoteInput(university.panel_c, False, DISSENT)],
        sealed=True,
    )
    assert not Review.objects.filter(case=case).exists()
    announce(university, case, sealed)
    review = Review.objects.get(case=case)
    assert review.decision_id == sealed.pk
    assert review.stage == "conduct_panel"
    with pytest.raises(IllegalTransition):  # not in effect until the review ends
        svc.case_transition(
            actor=university.case_manager,
            case=Case.objects.get(pk=case.pk),
            transition="send_outcome",
            reason="",
        )
