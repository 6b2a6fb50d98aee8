"""The written party matrix (``party_matrix.csv``) against the policy's ``decide_party``, both
ways: a party with a way in to this case sees their page and writes to the team, and nothing
else; with no relation to the case (any other case) or a withdrawn way in, nothing at all."""

from __future__ import annotations

import csv

from dueprocess.access import policy as p
from tests.access.matrix import HERE


def _rows() -> tuple[list[str], list[dict[str, str]]]:
    with (HERE / "party_matrix.csv").open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or [])[2:], list(reader)


def _facts(row: dict[str, str]) -> p.PartyFacts:
    relations = frozenset() if row["relation"] == "none" else frozenset({row["relation"]})
    return p.PartyFacts(active=not row["persona"].endswith("_withdrawn"), relations=relations)


def test_the_party_matrix_covers_every_party_relation_and_action():
    actions, rows = _rows()
    assert set(p.PARTY_ACTIONS) <= set(actions)
    assert {r["relation"] for r in rows} - {"none"} == set(p.PARTY_RELATIONS)


def test_the_policy_agrees_with_the_party_matrix_on_every_combination():
    actions, rows = _rows()
    mismatches = [
        f"{row['persona']}/{row['relation']}/{action}"
        for row in rows
        for action in actions
        if p.decide_party(_facts(row), action).allowed != (row[action] == "Y")
    ]
    assert mismatches == []


def test_a_party_is_never_granted_a_staff_action_whatever_the_relations():
    every = frozenset(p.PARTY_RELATIONS) | frozenset(p.RELATIONS)
    for action in (*p.CASE_ACTIONS, *p.NARROW_ACTIONS, *p.ORGANISATION_ACTIONS):
        assert not p.decide_party(p.PartyFacts(active=True, relations=every), action).allowed


def test_the_check_can_fail():
    facts = p.PartyFacts(active=True, relations=frozenset({p.COMPLAINANT_OF_CASE}))
    assert p.decide_party(facts, "party.view").allowed
    assert not p.decide_party(p.PartyFacts(active=True), "party.view").allowed
