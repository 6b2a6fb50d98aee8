"""Compute the ``Facts`` the policy decides on: a person's current roles and relations to a case.

Nothing here is cached across requests: a recusal or a revoked role must bite on the very next
request (ASVS 8.3.2), so every decision reads the same database the change was written to.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from django.db import connection
from django.db.models import Q

from dueprocess.access import policy as p
from dueprocess.access.conflicts import (
    SqlTest,
    case_conflict_from,
    case_conflict_sql,
    standing_conflict,
)
from dueprocess.accounts.models import RoleMembership
from dueprocess.cases.models import (
    Assignment,
    Case,
    Decision,
    Recommendation,
    SignOff,
)
from dueprocess.lib import clock
from dueprocess.rulebook.schema import StaffRole

if TYPE_CHECKING:
    from dueprocess.accounts.models import User
    from dueprocess.rulebook.schema import Rulebook


def memberships(user: User) -> list[tuple[str, int | None]]:
    """(role, unit id) pairs the user holds today."""
    return list(RoleMembership.objects.current().filter(user=user).values_list("role", "unit_id"))


def facts_for(user: User, case: Case | None = None) -> p.Facts:
    held = memberships(user) if user.is_authenticated else []
    roles = frozenset(role for role, _ in held)
    active = bool(user.is_authenticated and user.is_active)
    if case is None:
        return p.Facts(active=active, roles=roles)
    if user.organisation_id != case.organisation_id:
        return p.Facts(active=active, roles=roles)
    rules = case.rulebook.rules
    answers = _case_answers(user, case, roles, rules)
    relations = {p.SAME_ORGANISATION} | _role_relations(held, case) | _case_relations(answers)
    with_case = case_conflict_from(answers)
    conflict = standing_conflict(user, rules) or with_case
    if conflict:
        relations.add(p.CONFLICTED)
        if with_case:
            relations.add(p.CONFLICT_WITH_CASE)
    return p.Facts(active=active, roles=roles, relations=frozenset(relations), conflict=conflict)


def _role_relations(held: list[tuple[str, int | None]], case: Case) -> set[str]:
    relations = set()
    for role, unit_id in held:
        in_unit = unit_id is None or unit_id == case.unit_id
        if role == StaffRole.CASE_MANAGER and in_unit:
            relations.add(p.UNIT_MANAGER)
        if role == StaffRole.INTAKE_OFFICER and in_unit:
            stage = case.rulebook.rules.stages.get(case.stage)
            if stage is not None and stage.phase == "intake":
                relations.add(p.INTAKE_QUEUE)
    return relations


def _case_answers(
    user: User, case: Case, roles: frozenset[str], rules: Rulebook
) -> dict[str, bool]:
    """Everything about ``user``'s relation to this one case, read in one query: current
    assignments, an open advice request, approved emergency access, a recusal, an open review
    they were drawn for, a pending sign-off asking for a role they hold (e.g. the leader's),
    and a conflict with the case.

    Written as SQL rather than built through the ORM: composing the ten correlated subqueries
    cost three quarters of every access decision (7.6 of 14 ms, measured on SQLite), paid on
    every request. Each test is one ``EXISTS`` over the person's own rows for this case."""
    here, who = case.pk, user.pk
    now = connection.ops.adapt_datetimefield_value(clock.now())
    investigator = Assignment.Role.INVESTIGATOR.value
    terms: list[SqlTest] = [
        (
            "investigator",
            "SELECT 1 FROM cases_assignment WHERE case_id = %s AND user_id = %s"
            " AND ended_at IS NULL AND role = %s",
            [here, who, investigator],
        ),
        (
            "panel_member",
            "SELECT 1 FROM cases_assignment WHERE case_id = %s AND user_id = %s"
            " AND ended_at IS NULL AND role <> %s",
            [here, who, investigator],
        ),
        (
            "adviser",
            "SELECT 1 FROM cases_advicerequest WHERE case_id = %s AND adviser_id = %s"
            " AND closed_at IS NULL",
            [here, who],
        ),
        (
            "emergency",
            "SELECT 1 FROM access_emergencyaccess WHERE case_id = %s AND requester_id = %s"
            " AND approved_at IS NOT NULL AND expires_at > %s",
            [here, who, now],
        ),
        ("recused", "SELECT 1 FROM cases_recusal WHERE case_id = %s AND user_id = %s", [here, who]),
        (
            "reviewer",
            "SELECT 1 FROM cases_reviewer r JOIN cases_review v ON v.id = r.review_id"
            " WHERE v.case_id = %s AND r.user_id = %s"
            " AND NOT EXISTS (SELECT 1 FROM cases_reviewoutcome o WHERE o.review_id = v.id)",
            [here, who],
        ),
        *case_conflict_sql(user, rules, here),
    ]
    if roles:
        held = sorted(roles)
        placeholders = ", ".join(["%s"] * len(held))  # the roles themselves are params
        signer = "SELECT 1 FROM cases_signoff WHERE case_id = %s AND status = %s"
        signer += " AND signer_role IN (" + placeholders + ")"
        terms.append(("signer", signer, [here, SignOff.Status.PENDING.value, *held]))
    sql = "SELECT " + ", ".join(f"EXISTS ({test})" for _, test, _ in terms)
    params = [value for _, _, values in terms for value in values]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return {name: bool(value) for (name, _, _), value in zip(terms, row, strict=True)}


_CASE_RELATIONS = {
    "investigator": p.ASSIGNED_INVESTIGATOR,
    "panel_member": p.PANEL_MEMBER,
    "adviser": p.ADVISER,
    "emergency": p.EMERGENCY,
    "recused": p.RECUSED,
    "signer": p.SIGNER,
    "reviewer": p.DRAWN_REVIEWER,
}


def _case_relations(answers: dict[str, bool]) -> set[str]:
    return {relation for name, relation in _CASE_RELATIONS.items() if answers.get(name)}


def earlier_decisions(case: Case) -> bool:
    """Whether a decision on the merits was already made (so the next one decides again)."""
    return case.decisions.exclude(kind=Decision.Kind.NOT_INVESTIGATED).exists()


def involvement(user: User, case: Case) -> str:
    """How ``user`` took part at an earlier instance of this case, or '' if they did not: they
    recorded a decision, sat on its panel, wrote a recommendation or were its investigator
    (then or since: an ended assignment still counts)."""
    decisions = Decision.objects.filter(case=case).exclude(kind=Decision.Kind.NOT_INVESTIGATED)
    if decisions.filter(decided_by=user).exists():
        return "recorded the decision under appeal"
    if decisions.filter(panel=user).exists():
        return "sat on the panel that decided"
    if Recommendation.objects.filter(case=case, author=user).exists():
        return "wrote the recommendation"
    if Assignment.objects.filter(case=case, user=user, role=Assignment.Role.INVESTIGATOR).exists():
        return "investigated"
    return ""


def with_involvement(facts: p.Facts, user: User, case: Case) -> p.Facts:
    """``facts`` plus the first-instance relation, if the person took part earlier."""
    why = involvement(user, case)
    if not why:
        return facts
    relations = facts.relations | {p.FIRST_INSTANCE}
    return dataclasses.replace(facts, relations=relations, involvement=why)


def unit_filter(held: list[tuple[str, int | None]], role: str) -> Q | None:
    """A Case filter for the units in which ``role`` is held (None if not held at all)."""
    units = [unit for r, unit in held if r == role]
    if not units:
        return None
    if None in units:
        return Q()
    return Q(unit_id__in=units)
