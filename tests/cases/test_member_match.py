"""Triage answers "is the respondent a member?" against the register link, and whoever may
triage confirms or rejects a respondent's suggested link; both are on the record."""

from __future__ import annotations

import pytest

from dueprocess.cases import services as svc
from dueprocess.cases.models import Case, Party
from dueprocess.cases.timeline import case_timeline
from dueprocess.errors import Forbidden, InvalidInput
from dueprocess.ledger.models import LedgerEntry
from dueprocess.members.models import Member

YES = {"in_scope": True, "respondent_is_member": True, "not_duplicate": True}


def _member(world, number: str = "M-100") -> Member:  # type: ignore[no-untyped-def]
    return Member.objects.create(
        organisation=world.organisation, number=number, full_name="Rhoswen Tallack"
    )


def _linked(world) -> Case:  # type: ignore[no-untyped-def]
    member = _member(world)
    return world.case_at("triage", respondent=svc.PartyInput(member_number=member.number))


def _respondent(case: Case) -> Party:
    return Party.objects.get(case=case, role="respondent")


def _entry(case: Case, action: str):  # type: ignore[no-untyped-def]
    return next(i for i in case_timeline(case) if i.action == action)


def test_yes_for_a_respondent_not_in_the_register_needs_a_reason(world):
    case = world.case_at("triage")
    with pytest.raises(InvalidInput) as refused:
        svc.case_triage(actor=world.intake, case=case, answers=YES)
    assert set(refused.value.fields) == {"member_reason"}
    assert Case.objects.get(pk=case.pk).stage == "triage"
    assert not LedgerEntry.objects.filter(action="case.accepted").exists()
    svc.case_triage(
        actor=world.intake,
        case=case,
        answers=YES,
        member_reason="Joined at the branch meeting; the register is a month old.",
    )
    assert Case.objects.get(pk=case.pk).stage == "investigation"
    details = _entry(case, "case.accepted").details
    assert details["member_reason"] == "Joined at the branch meeting; the register is a month old."


def test_yes_for_a_linked_respondent_and_no_for_anyone_need_no_reason(world):
    linked = _linked(world)
    svc.case_triage(actor=world.intake, case=linked, answers=YES)
    assert Case.objects.get(pk=linked.pk).stage == "investigation"
    assert "member_reason" not in _entry(linked, "case.accepted").details
    unlinked = world.case_at("triage")
    svc.case_triage(
        actor=world.intake,
        case=unlinked,
        answers=YES | {"respondent_is_member": False},
        reason="Not in the register.",
    )
    assert Case.objects.get(pk=unlinked.pk).stage == "closed"


def test_confirming_a_match_marks_it_confirmed_and_is_recorded(world):
    case = _linked(world)
    party = _respondent(case)
    assert party.member_match == Party.Match.SUGGESTED
    svc.member_match_confirm(actor=world.intake, case=case, party_id=party.pk)
    party.refresh_from_db()
    assert party.member_match == Party.Match.CONFIRMED and party.member.number == "M-100"
    entry = _entry(case, "party.member_confirmed")
    assert entry.details["member"] == "M-100" and entry.role == "intake_officer"
    with pytest.raises(InvalidInput):  # once is enough
        svc.member_match_confirm(actor=world.intake, case=case, party_id=party.pk)


def test_rejecting_a_match_unlinks_the_respondent_needs_a_reason_and_is_recorded(world):
    case = _linked(world)
    party = _respondent(case)
    with pytest.raises(InvalidInput) as refused:
        svc.member_match_reject(actor=world.intake, case=case, party_id=party.pk, reason="")
    assert set(refused.value.fields) == {"reason"}
    assert _respondent(case).member is not None
    svc.member_match_reject(
        actor=world.case_manager,
        case=case,
        party_id=party.pk,
        reason="A different person: the member lives in another county.",
    )
    party.refresh_from_db()
    assert party.member is None and party.member_match == Party.Match.REJECTED
    assert party.name == "Rhoswen Tallack"  # the name given stays
    entry = _entry(case, "party.member_rejected")
    assert entry.details["member"] == "M-100" and "another county" in entry.details["reason"]
    # now the respondent is not linked: a yes at triage needs a reason
    with pytest.raises(InvalidInput) as again:
        svc.case_triage(actor=world.intake, case=case, answers=YES)
    assert set(again.value.fields) == {"member_reason"}
    with pytest.raises(InvalidInput):  # nothing left to reject
        svc.member_match_reject(actor=world.intake, case=case, party_id=party.pk, reason="x")


def test_someone_who_may_not_triage_is_refused_and_the_refusal_is_recorded(world):
    case = _linked(world)
    party = _respondent(case)
    before = LedgerEntry.objects.filter(action="access.denied").count()
    for service, reason in ((svc.member_match_confirm, ""), (svc.member_match_reject, "No.")):
        with pytest.raises(Forbidden):  # the reviewer may read the case, not triage it
            service(actor=world.reviewer, case=case, party_id=party.pk, reason=reason)
    assert LedgerEntry.objects.filter(action="access.denied").count() == before + 2
    party.refresh_from_db()
    assert party.member is not None and party.member_match == Party.Match.SUGGESTED
    assert not LedgerEntry.objects.filter(
        action__in=["party.member_confirmed", "party.member_rejected"]
    ).exists()


def test_only_a_respondent_of_this_case_can_be_reviewed(world):
    case = _linked(world)
    complainant = Party.objects.get(case=case, role="complainant")
    other = _respondent(world.case_at("triage", respondent=svc.PartyInput(member_number="M-100")))
    for party_id in (complainant.pk, other.pk):
        with pytest.raises(InvalidInput) as refused:
            svc.member_match_confirm(actor=world.intake, case=case, party_id=party_id)
        assert set(refused.value.fields) == {"party"}
