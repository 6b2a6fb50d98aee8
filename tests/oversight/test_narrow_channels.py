"""The policy's narrow channels: an adviser or signer sees their request, never the case file."""

from __future__ import annotations

import itertools

import pytest

from dueprocess.access import policy as p

POLITICAL = frozenset({"political_office"})


def facts(*relations: str, roles: frozenset[str] = POLITICAL) -> p.Facts:
    return p.Facts(active=True, roles=roles, relations=frozenset({p.SAME_ORGANISATION, *relations}))


def test_the_political_office_never_reaches_a_case_file_whatever_its_relations():
    others = [r for r in p.RELATIONS if r != p.SAME_ORGANISATION]
    for size in range(len(others) + 1):
        for combination in itertools.combinations(others, size):
            for action in p.CASE_ACTIONS:
                assert not p.decide(facts(*combination), action).allowed, (combination, action)


@pytest.mark.parametrize(
    ("relation", "actions"),
    [(p.ADVISER, p.ADVICE_ACTIONS), (p.SIGNER, p.SIGNOFF_ACTIONS)],
)
def test_a_standing_political_office_conflict_leaves_the_formal_channel_open(relation, actions):
    for action in actions:
        assert p.decide(facts(relation, p.CONFLICTED), action).allowed
    others = set(p.NARROW_ACTIONS) - set(actions)
    for action in others:
        assert not p.decide(facts(relation, p.CONFLICTED), action).allowed


@pytest.mark.parametrize("blocking", [p.RECUSED, p.CONFLICT_WITH_CASE])
def test_a_conflict_with_the_case_itself_or_a_recusal_closes_the_channel(blocking):
    for relation, action in ((p.ADVISER, "advice.view"), (p.SIGNER, "signoff.record")):
        decision = p.decide(facts(relation, p.CONFLICTED, blocking), action)
        assert not decision.allowed and not decision.reveal


def test_without_an_open_request_there_is_no_channel():
    for action in p.NARROW_ACTIONS:
        assert not p.decide(facts(p.CONFLICTED), action).allowed


def test_the_channel_never_crosses_organisations():
    outside = p.Facts(active=True, roles=POLITICAL, relations=frozenset({p.ADVISER}))
    assert not p.decide(outside, "advice.view").allowed


def test_a_case_worker_asked_for_advice_gets_the_channel_and_keeps_their_own_access():
    worker = frozenset({"investigator"})
    assert p.decide(facts(p.ADVISER, roles=worker), "advice.answer").allowed
    assert not p.decide(facts(p.ADVISER, roles=worker), "case.view").allowed
