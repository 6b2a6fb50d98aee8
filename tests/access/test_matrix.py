"""The written matrix against the policy, every combination, both ways — plus the invariants
that must hold whatever the matrix says, and proof that the check can fail."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dueprocess.access import policy as p
from tests.access.matrix import case_rows, organisation_rows, relations_for
from tests.access.render import DOC, updated

CASE_ACTIONS, CASE_ROWS = case_rows()
ORG_ACTIONS, ORG_ROWS = organisation_rows()
ALL_ROLES = sorted({row.role for row in CASE_ROWS})


def decide_row(role: str, relation: str, action: str) -> bool:
    facts = p.Facts(active=True, roles=frozenset({role}), relations=relations_for(relation))
    return p.decide(facts, action, transition_roles=(role,)).allowed


def mismatches() -> list[str]:
    found = []
    for row in CASE_ROWS:
        for action in CASE_ACTIONS:
            if decide_row(row.role, row.relation, action) != row.allowed[action]:
                found.append(
                    f"{row.role}/{row.relation}/{action}: matrix says {row.allowed[action]}"
                )
    for row in ORG_ROWS:
        for action in ORG_ACTIONS:
            got = p.decide(p.Facts(active=True, roles=frozenset({row.role})), action).allowed
            if got != row.allowed[action]:
                found.append(f"{row.role}/{action}: matrix says {row.allowed[action]}")
    return found


def test_the_matrix_covers_every_role_relation_and_action_of_the_policy():
    assert set(ALL_ROLES) == set(
        p.ORGANISATION_PERMITS["case.list"] | {"oversight", "political_office", "administrator"}
    )
    assert set(CASE_ACTIONS) == set(p.CASE_ACTIONS) | set(p.NARROW_ACTIONS)
    assert set(ORG_ACTIONS) == set(p.ORGANISATION_ACTIONS)
    relations = {row.relation for row in CASE_ROWS}
    assert relations - {"none", "other_organisation"} == set(p.RELATIONS) - {"same_organisation"}
    assert len(CASE_ROWS) == len(ALL_ROLES) * len(relations)


def test_the_policy_agrees_with_the_written_matrix_on_every_combination():
    assert mismatches() == []


def test_a_step_the_rulebook_does_not_grant_to_the_role_is_never_allowed():
    for row in CASE_ROWS:
        facts = p.Facts(
            active=True, roles=frozenset({row.role}), relations=relations_for(row.relation)
        )
        assert not p.decide(facts, "case.transition", transition_roles=()).allowed


@pytest.mark.parametrize(
    "mutation",
    ["forget_recusal", "ignore_assignment", "political_office_as_intake", "reviewer_may_note"],
)
def test_a_deliberately_broken_policy_is_caught_by_the_matrix(monkeypatch, mutation):
    if mutation == "forget_recusal":
        monkeypatch.setattr(p, "FORBIDDING_RELATIONS", ("conflicted", "conflict_with_case"))
    elif mutation == "ignore_assignment":
        broken = tuple(
            p.Permit(x.role, p.SAME_ORGANISATION, x.actions)
            if x.relation == p.ASSIGNED_INVESTIGATOR
            else x
            for x in p.PERMITS
        )
        monkeypatch.setattr(p, "PERMITS", broken)
    elif mutation == "political_office_as_intake":
        monkeypatch.setattr(p, "NARROW_ACTIONS", p.NARROW_ACTIONS + p.CASE_ACTIONS)
    else:
        broken = tuple(
            p.Permit(x.role, x.relation, x.actions | {"case.note"})
            if x.role == "independent_reviewer"
            else x
            for x in p.PERMITS
        )
        monkeypatch.setattr(p, "PERMITS", broken)
    assert len(mismatches()) > 0


roles = st.frozensets(st.sampled_from(ALL_ROLES), max_size=3)
relations = st.frozensets(st.sampled_from(p.RELATIONS), max_size=6)
actions = st.sampled_from([*CASE_ACTIONS, *ORG_ACTIONS])


@given(roles, relations)
def test_the_political_office_never_reaches_a_case_file(held, related):
    facts = p.Facts(active=True, roles=held | {"political_office"}, relations=related)
    for action in p.CASE_ACTIONS:
        assert not p.decide(facts, action, transition_roles=tuple(held)).allowed


@given(roles, relations, actions)
def test_a_recusal_never_turns_a_refusal_into_a_permission(held, related, action):
    before = p.decide(p.Facts(True, held, related), action, transition_roles=tuple(held)).allowed
    after = p.decide(
        p.Facts(True, held, related | {"recused"}), action, transition_roles=tuple(held)
    ).allowed
    assert after <= before
    if action not in p.ORGANISATION_ACTIONS:
        assert not after


@given(roles, relations, actions, st.sampled_from(p.RELATIONS))
def test_losing_a_relation_never_grants_anything(held, related, action, dropped):
    forbidding = {"recused", "conflicted", "conflict_with_case"}
    if dropped in forbidding:
        return
    with_it = p.decide(
        p.Facts(True, held, related | {dropped}), action, transition_roles=tuple(held)
    ).allowed
    without = p.decide(
        p.Facts(True, held, related - {dropped}), action, transition_roles=tuple(held)
    ).allowed
    assert without <= with_it


@given(roles, relations, actions)
def test_an_inactive_account_may_do_nothing(held, related, action):
    assert not p.decide(p.Facts(False, held, related), action, transition_roles=tuple(held)).allowed


def test_docs_access_md_shows_the_matrix_the_tests_use():
    text = DOC.read_text(encoding="utf-8")
    assert text == updated(text), "run: python -m tests.access.render --write"
