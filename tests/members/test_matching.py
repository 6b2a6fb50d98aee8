"""Matching a named person against the register: candidates, best first, each with reasons."""

from __future__ import annotations

import pytest

from dueprocess.errors import Forbidden, InvalidInput
from dueprocess.ledger.models import LedgerEntry
from dueprocess.members.matching import (
    candidates,
    member_match_for,
    member_search_for,
    normalise_name,
)
from dueprocess.members.models import Member


@pytest.fixture
def register(world):  # type: ignore[no-untyped-def]
    people = [
        ("NM-1", "Siobhán O'Neill", "siobhan@example.org"),
        ("NM-2", "Rex Respondent", "rex@example.org"),
        ("NM-3", "Respondent Rex", ""),
        ("NM-4", "Rex Respondant", ""),
        ("NM-5", "Unrelated Person", "someone@example.org"),
    ]
    for number, name, email in people:
        Member.objects.create(
            organisation=world.organisation, number=number, full_name=name, email=email
        )
    return world


def test_names_are_compared_without_case_accents_or_punctuation():
    assert normalise_name("  Siobhán  O'NEILL ") == "siobhan oneill"


def test_a_name_finds_exact_reordered_and_similar_members_in_that_order(register):
    found = candidates(register.organisation, name="rex respondent")
    assert [(c.member.number, c.reasons) for c in found] == [
        ("NM-2", ("name matches",)),
        ("NM-3", ("name matches with the words in another order",)),
        ("NM-4", ("name is similar (93%)",)),
    ]
    assert found[0].score > found[1].score > found[2].score


def test_a_matching_number_and_address_outrank_a_name(register):
    found = candidates(
        register.organisation, name="Rex Respondent", email="REX@example.org", number="nm-2"
    )
    assert found[0].member.number == "NM-2"
    assert found[0].reasons == ("member number matches", "e-mail address matches", "name matches")
    assert found[0].score == 1.0


def test_nobody_fits_gives_no_candidates(register):
    assert candidates(register.organisation, name="Zebedee Quux") == []


def test_matching_is_recorded_and_needs_the_register_permission(register):
    found = member_match_for(register.intake, name="Siobhan ONeill")
    assert [c.member.number for c in found] == ["NM-1"]
    assert LedgerEntry.objects.filter(action="members.matched").count() == 1
    for persona in ("investigator", "oversight", "political", "reviewer"):
        with pytest.raises(Forbidden):
            member_match_for(register.people[persona], name="Rex")


def test_matching_needs_something_to_match(register):
    with pytest.raises(InvalidInput):
        member_match_for(register.case_manager)


def test_a_search_pages_through_the_register_and_is_recorded(register):
    first = member_search_for(register.case_manager, query="rex", limit=2)
    assert [m.number for m in first.members] == ["NM-2", "NM-3"]
    second = member_search_for(register.case_manager, query="rex", after=first.next_after)
    assert [m.number for m in second.members] == ["NM-4"] and second.next_after is None
    assert LedgerEntry.objects.filter(action="members.viewed").count() == 2


def test_another_organisation_never_sees_this_register(register, outsider):
    assert member_search_for(outsider).members == []
    assert member_match_for(outsider, number="NM-1") == []
