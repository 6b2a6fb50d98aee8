"""No one judges their own decision: whoever decided, sat on the panel, recommended or
investigated at first instance may not decide the appeal, nor sit on the panel that does."""

from __future__ import annotations

import pytest

from dueprocess.access.rules import Gate
from dueprocess.cases import services as svc
from dueprocess.cases.models import Case, Decision
from dueprocess.cases.presenters import allowed_steps
from dueprocess.cases.queries import case_detail_for
from dueprocess.errors import Forbidden, InvalidInput
from tests.parties.helpers import entries_since, last_seq
from tests.world import World, perform


def _appeal(world: World) -> Case:
    case = world.case_at("appeal")
    assert case.decisions.get().decided_by == world.panel_chair
    return case


def test_the_member_who_recorded_the_panel_decision_is_refused_decide_appeal(world):
    case = _appeal(world)
    start = last_seq()
    with pytest.raises(Forbidden) as refused:
        perform(world.panel_chair, case, "decide_appeal")
    assert "decide again on a decision you took part in" in str(refused.value)
    [(denied, details)] = entries_since(start, "access.denied")
    assert denied.action == "access.denied"
    assert details["attempted"] == "case.redecide:decide_appeal"
    assert details["reason"] == (
        "no one judges their own decision: recorded the decision under appeal on this case"
    )
    case.refresh_from_db()
    assert case.stage == "appeal" and case.decisions.count() == 1


def test_decide_appeal_is_not_offered_to_the_first_panel_but_to_a_new_one(world):
    case = _appeal(world)
    for member in (world.panel_chair, world.panel_b):
        view = case_detail_for(member, case.reference)
        assert "decide_appeal" not in [s.key for s in allowed_steps(view)]
    world.new_panel(case)
    view = case_detail_for(world.appeal_chair, case.reference)
    assert "decide_appeal" in [s.key for s in allowed_steps(view)]


@pytest.mark.parametrize(
    ("persona", "why"),
    [
        ("panel_b", "sat on the panel that decided"),
        ("investigator", "wrote the recommendation"),
    ],
)
def test_every_kind_of_first_instance_involvement_is_named(world, persona, why):
    case = _appeal(world)
    verdict = Gate(world.people[persona], case).can("case.transition", transition="decide_appeal")
    assert not verdict.allowed
    assert why in verdict.reason


def test_an_investigator_who_recommended_nothing_is_still_excluded(world):
    case = _appeal(world)
    svc.case_assign(
        actor=world.case_manager, case=case, assignee=world.investigator_b, role="investigator"
    )
    verdict = Gate(world.investigator_b, case).can("case.redecide", transition="decide_appeal")
    assert verdict.reason.endswith("investigated on this case")


def test_the_first_panel_cannot_be_appointed_to_the_appeal_panel(world):
    case = _appeal(world)
    for assignment in case.assignments.filter(role="panel_member", ended_at__isnull=True):
        svc.assignment_end(actor=world.case_manager, assignment=assignment, reason="New panel.")
    with pytest.raises(InvalidInput) as refused:
        svc.case_assign(
            actor=world.case_manager, case=case, assignee=world.panel_b, role="panel_member"
        )
    assert refused.value.fields == {"assignee": "Took part at first instance."}
    assert not case.assignments.filter(user=world.panel_b, ended_at__isnull=True).exists()


def test_an_appeal_panel_still_holding_a_first_instance_member_cannot_decide(world):
    case = _appeal(world)
    world.new_panel(case)
    appeal_c = case.assignments.get(user=world.appeal_c, ended_at__isnull=True)
    svc.assignment_end(actor=world.case_manager, assignment=appeal_c, reason="Unwell.")
    # Slipped in before the rule existed: a first-instance member still on the panel.
    from dueprocess.cases.models import Assignment
    from dueprocess.lib import clock

    Assignment.objects.create(
        case=case,
        user=world.panel_b,
        role="panel_member",
        assigned_by=world.case_manager,
        assigned_at=clock.now(),
    )
    with pytest.raises(InvalidInput) as refused:
        perform(world.appeal_chair, Case.objects.get(pk=case.pk), "decide_appeal")
    assert "Panel B (sat on the panel that decided)" in str(refused.value)
    assert case.decisions.count() == 1


def test_a_new_panel_decides_the_appeal(world):
    case = _appeal(world)
    world.new_panel(case)
    perform(world.appeal_chair, Case.objects.get(pk=case.pk), "decide_appeal")
    appeal = case.decisions.get(kind=Decision.Kind.APPEAL)
    assert appeal.decided_by == world.appeal_chair
    assert set(appeal.panel.all()) == {world.appeal_chair, world.appeal_b, world.appeal_c}


def test_the_first_decision_is_not_a_redecision(world):
    case = world.case_at("panel")
    world.prepare_for(case, "decide")
    assert Gate(world.panel_chair, case).can("case.transition", transition="decide").allowed
