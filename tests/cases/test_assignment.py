"""Assignments check the conflict rules every time; conflicted people are refused and recused."""

from __future__ import annotations

import datetime as dt

import pytest

from dueprocess.accounts.models import InterestDeclaration, TrainingRecord
from dueprocess.accounts.services import role_grant
from dueprocess.cases import services as svc
from dueprocess.cases.models import Assignment, Recusal
from dueprocess.errors import ConflictOfInterest, InvalidInput
from dueprocess.ledger.models import LedgerEntry
from dueprocess.lib import clock
from dueprocess.members.models import Member


def test_someone_who_left_the_political_office_within_the_period_is_refused_and_recused(world):
    case = world.case_at("investigation")
    with pytest.raises(ConflictOfInterest, match="Leader's office"):
        svc.case_assign(
            actor=world.case_manager, case=case, assignee=world.moved, role="investigator"
        )
    recusal = Recusal.objects.get(case=case, user=world.moved)
    assert recusal.source == "detected" and "conflict period 24 months" in recusal.reason
    assert not Assignment.objects.filter(case=case, user=world.moved).exists()
    assert LedgerEntry.objects.filter(action="assignment.refused").count() == 1


def test_the_conflict_period_ends(world):
    later = clock.now() + dt.timedelta(days=24 * 31)
    with clock.frozen(later):
        case = world.case_at("investigation")
        svc.case_assign(
            actor=world.case_manager, case=case, assignee=world.moved, role="investigator"
        )
    assert Assignment.objects.filter(case=case, user=world.moved, ended_at__isnull=True).exists()


def test_a_declared_relationship_with_the_respondent_conflicts_only_that_case(world):
    member = Member.objects.create(
        organisation=world.organisation, number="M1", full_name="Rel Ative"
    )
    InterestDeclaration.objects.create(
        user=world.panel_spare,
        kind="relationship",
        member=member,
        description="Cousin",
        declared_at=clock.now(),
    )
    related = world.case_at("panel", respondent=svc.PartyInput(member_number="M1"))
    unrelated = world.case_at("panel")
    with pytest.raises(ConflictOfInterest, match="declared a relationship"):
        svc.case_assign(
            actor=world.case_manager, case=related, assignee=world.panel_spare, role="panel_member"
        )
    svc.case_assign(
        actor=world.case_manager, case=unrelated, assignee=world.panel_spare, role="panel_member"
    )


def test_a_party_to_the_case_is_conflicted(world):
    case = world.case_at(
        "investigation",
        respondent=svc.PartyInput(name="Inv B", email="investigator_b@westfold.example"),
    )
    with pytest.raises(ConflictOfInterest, match="party to this case"):
        svc.case_assign(
            actor=world.case_manager, case=case, assignee=world.investigator_b, role="investigator"
        )


def test_someone_already_recused_stays_recused(world):
    case = world.case_at("investigation")
    world.prepare_for(case, "submit_recommendation")
    svc.recusal_declare(actor=world.investigator, case=case, reason="I know the complainant.")
    assert not case.assignments.filter(user=world.investigator, ended_at__isnull=True).exists()
    with pytest.raises(ConflictOfInterest, match="recused"):
        svc.case_assign(
            actor=world.case_manager, case=case, assignee=world.investigator, role="investigator"
        )


def test_untrained_staff_cannot_be_assigned(world):
    TrainingRecord.objects.filter(user=world.investigator_b).delete()
    case = world.case_at("investigation")
    with pytest.raises(InvalidInput, match="no current complaints-handling training"):
        svc.case_assign(
            actor=world.case_manager, case=case, assignee=world.investigator_b, role="investigator"
        )


def test_staff_without_the_role_cannot_be_assigned(world):
    case = world.case_at("investigation")
    with pytest.raises(InvalidInput, match="does not hold the panel member role"):
        svc.case_assign(
            actor=world.case_manager, case=case, assignee=world.investigator, role="panel_member"
        )


def test_a_new_investigator_replaces_the_old_one(world):
    case = world.case_at("investigation")
    svc.case_assign(
        actor=world.case_manager, case=case, assignee=world.investigator, role="investigator"
    )
    svc.case_assign(
        actor=world.case_manager, case=case, assignee=world.investigator_b, role="investigator"
    )
    active = Assignment.objects.filter(case=case, role="investigator", ended_at__isnull=True)
    assert [a.user for a in active] == [world.investigator_b]


def test_the_panel_cannot_exceed_its_size(world):
    case = world.case_at("panel")
    world.prepare_for(case, "decide")
    with pytest.raises(InvalidInput, match="already has 3 members"):
        svc.case_assign(
            actor=world.case_manager, case=case, assignee=world.panel_spare, role="panel_member"
        )


def test_the_political_office_and_case_roles_are_never_held_together(world):
    with pytest.raises(InvalidInput, match="cannot be held alongside"):
        role_grant(actor=None, user=world.political, role="investigator")
    with pytest.raises(InvalidInput, match="cannot be held alongside"):
        role_grant(actor=None, user=world.investigator, role="administrator")
