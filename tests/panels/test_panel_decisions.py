"""A panel decision is the panel's: the chair records each member's concurrence or dissent,
a dissent needs reasons, the quorum must concur, and anyone else is refused (recorded)."""

from __future__ import annotations

import pytest

from dueprocess.cases import services as svc
from dueprocess.cases.models import Case, Decision, PanelVote
from dueprocess.cases.services.panel_votes import VoteInput
from dueprocess.errors import IllegalTransition, InvalidInput, ReasonRequired
from dueprocess.ledger.record import actor_pseudonym
from tests.parties.helpers import entries_since, last_seq
from tests.world import World, within_guideline


def _ready(university: World) -> Case:
    case = university.case_at("conduct_panel")
    university.prepare_for(case, "panel_outcome")  # chair, panel_b, panel_c appointed
    return Case.objects.get(pk=case.pk)


def _decide(university: World, case: Case, votes, actor: str = "panel_chair") -> Decision:  # type: ignore[no-untyped-def]
    return svc.decision_record(
        actor=university.people[actor],
        case=case,
        finding="breach",
        sanctions=within_guideline(case),
        reasons="The panel adopts the findings.",
        transition="panel_outcome",
        votes=votes,
    )


def test_the_chair_records_a_quorate_decision_with_a_dissent(university):
    case = _ready(university)
    start = last_seq()
    decision = _decide(
        university,
        case,
        [
            VoteInput(university.panel_chair, True),
            VoteInput(university.panel_b, True),
            VoteInput(university.panel_c, False, "The evidence of intent is too thin."),
        ],
    )
    votes = {v.user: (v.concurs, v.reasons) for v in PanelVote.objects.filter(decision=decision)}
    assert votes[university.panel_c] == (False, "The evidence of intent is too thin.")
    assert votes[university.panel_b] == (True, "")
    [(_, details)] = entries_since(start, "decision.recorded")
    assert {"member": actor_pseudonym(university.panel_c), "concurs": False,
            "reasons": "The evidence of intent is too thin."} in details["votes"]  # fmt: skip
    assert Case.objects.get(pk=case.pk).stage == "outcome"


def test_a_member_who_is_not_the_chair_is_refused_and_the_refusal_recorded(university):
    case = _ready(university)
    start = last_seq()
    with pytest.raises(IllegalTransition, match="Only the panel's chair"):
        _decide(university, case, [VoteInput(university.panel_b, True)], actor="panel_b")
    assert [a for a, _ in entries_since(start, "decision.refused")] != []
    assert not Decision.objects.filter(case=case).exists()
    assert Case.objects.get(pk=case.pk).stage == "conduct_panel"


def test_a_dissent_needs_reasons(university):
    case = _ready(university)
    with pytest.raises(ReasonRequired, match="dissent needs reasons"):
        _decide(
            university,
            case,
            [
                VoteInput(university.panel_chair, True),
                VoteInput(university.panel_b, True),
                VoteInput(university.panel_c, False),
            ],
        )
    assert not Decision.objects.filter(case=case).exists()


def test_without_the_quorum_concurring_there_is_no_decision(university):
    case = _ready(university)
    with pytest.raises(InvalidInput, match="1 of the panel concur; the rulebook needs 2"):
        _decide(
            university,
            case,
            [
                VoteInput(university.panel_chair, True),
                VoteInput(university.panel_b, False, "Not proven."),
                VoteInput(university.panel_c, False, "Not proven."),
            ],
        )
    assert not Decision.objects.filter(case=case).exists()


def test_every_member_votes_and_only_members(university):
    case = _ready(university)
    with pytest.raises(InvalidInput, match="No vote recorded for Panel C"):
        _decide(
            university,
            case,
            [VoteInput(university.panel_chair, True), VoteInput(university.panel_b, True)],
        )
    with pytest.raises(InvalidInput, match="does not sit on this case's panel"):
        _decide(
            university,
            case,
            [
                VoteInput(university.panel_chair, True),
                VoteInput(university.panel_b, True),
                VoteInput(university.panel_spare, True),
            ],
        )
    with pytest.raises(InvalidInput, match="concurrence or dissent"):
        _decide(university, case, None)
