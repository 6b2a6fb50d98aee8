"""Emergency access: a reason, a second person, a time limit — and all of it on the record."""

from __future__ import annotations

import datetime as dt

import pytest

from dueprocess.access.rules import can, visible_cases
from dueprocess.cases.queries import case_detail_for
from dueprocess.cases.services import emergency as em
from dueprocess.errors import Forbidden, InvalidInput, NotFound
from dueprocess.lib import clock
from tests.oversight.conftest import ledger_actions

REASON = "The investigator is ill and the respondent's reply is due today."


def requested(world, who="investigator_b"):
    case = world.case_at("investigation")
    return em.emergency_access_request(actor=world.people[who], case=case, reason=REASON)


def test_access_approved_by_a_second_person_opens_the_case_until_it_expires(world):
    grant = requested(world)
    assert not can(world.investigator_b, "case.view", grant.case).allowed
    em.emergency_access_approve(actor=world.case_manager, grant=grant, hours=4)
    assert can(world.investigator_b, "case.view", grant.case).allowed
    assert grant.case in visible_cases(world.investigator_b)
    case_detail_for(world.investigator_b, grant.case.reference)
    with clock.frozen(clock.now() + dt.timedelta(hours=4, minutes=1)):
        assert not can(world.investigator_b, "case.view", grant.case).allowed
        with pytest.raises(NotFound):
            case_detail_for(world.investigator_b, grant.case.reference)
    assert ledger_actions("emergency.requested") == ledger_actions("emergency.approved") == 1


def test_nobody_approves_their_own_emergency_access(world):
    grant = requested(world, "case_manager")
    with pytest.raises(Forbidden, match="second person"):
        em.emergency_access_approve(actor=world.case_manager, grant=grant, hours=4)
    assert ledger_actions("emergency.approved") == 0


def test_only_a_role_allowed_to_approve_can_approve(world):
    grant = requested(world)
    with pytest.raises(Forbidden):
        em.emergency_access_approve(actor=world.investigator, grant=grant, hours=4)
    assert ledger_actions("access.denied") == 1


def test_an_approver_from_another_organisation_is_told_nothing(world, outsider):
    grant = requested(world)
    with pytest.raises(NotFound):
        em.emergency_access_approve(actor=outsider, grant=grant, hours=4)


def test_a_refusal_is_recorded_with_its_reason_and_opens_nothing(world):
    grant = requested(world)
    em.emergency_access_refuse(actor=world.case_manager, grant=grant, reason="Not urgent.")
    assert not can(world.investigator_b, "case.view", grant.case).allowed
    with pytest.raises(InvalidInput, match="already been decided"):
        em.emergency_access_approve(actor=world.case_manager, grant=grant, hours=4)
    assert ledger_actions("emergency.refused") == 1


@pytest.mark.parametrize("hours", [0, -1, 73, True, "4"])
def test_the_grant_must_be_between_one_and_seventy_two_hours(world, hours):
    grant = requested(world)
    with pytest.raises(InvalidInput) as caught:
        em.emergency_access_approve(actor=world.case_manager, grant=grant, hours=hours)
    assert "hours" in caught.value.fields


def test_a_reason_is_required_and_one_pending_request_at_a_time(world):
    case = world.case_at("investigation")
    with pytest.raises(InvalidInput):
        em.emergency_access_request(actor=world.investigator_b, case=case, reason=" ")
    em.emergency_access_request(actor=world.investigator_b, case=case, reason=REASON)
    with pytest.raises(InvalidInput, match="already have"):
        em.emergency_access_request(actor=world.investigator_b, case=case, reason=REASON)


@pytest.mark.parametrize("persona", ["political", "oversight", "moved"])
def test_people_kept_out_of_cases_cannot_ask_for_emergency_access(world, persona):
    case = world.case_at("investigation")
    with pytest.raises(NotFound):
        em.emergency_access_request(actor=world.people[persona], case=case, reason=REASON)
