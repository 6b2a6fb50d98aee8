"""Compute the ``Facts`` the policy decides on: a person's current roles and relations to a case.

Nothing here is cached across requests: a recusal or a revoked role must bite on the very next
request (ASVS 8.3.2), so every decision reads the same database the change was written to.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from django.db.models import Q

from dueprocess.access import policy as p
from dueprocess.access.conflicts import case_conflict, conflict_for
from dueprocess.access.models import EmergencyAccess
from dueprocess.accounts.models import RoleMembership
from dueprocess.cases.models import (
    AdviceRequest,
    Assignment,
    Decision,
    Recommendation,
    Recusal,
    SignOff,
)
from dueprocess.lib import clock
from dueprocess.rulebook.schema import StaffRole

if TYPE_CHECKING:
    from dueprocess.accounts.models import User
    from dueprocess.cases.models import Case


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
    relations = {p.SAME_ORGANISATION} | _role_relations(held, case) | _case_relations(user, case)
    relations |= _signer_relation(roles, case)
    conflict = conflict_for(user, case, case.rulebook.rules)
    if conflict:
        relations.add(p.CONFLICTED)
        if case_conflict(user, case, case.rulebook.rules):
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


def _case_relations(user: User, case: Case) -> set[str]:
    relations = set()
    now = clock.now()
    for role in Assignment.objects.filter(case=case, user=user, ended_at__isnull=True).values_list(
        "role", flat=True
    ):
        relations.add(
            p.ASSIGNED_INVESTIGATOR if role == Assignment.Role.INVESTIGATOR else p.PANEL_MEMBER
        )
    if AdviceRequest.objects.filter(case=case, adviser=user, closed_at__isnull=True).exists():
        relations.add(p.ADVISER)
    if EmergencyAccess.objects.filter(
        case=case, requester=user, approved_at__isnull=False, expires_at__gt=now
    ).exists():
        relations.add(p.EMERGENCY)
    if Recusal.objects.filter(case=case, user=user).exists():
        relations.add(p.RECUSED)
    return relations


def _signer_relation(roles: frozenset[str], case: Case) -> set[str]:
    """A pending sign-off on this case asks for a role the person holds (e.g. the leader's)."""
    pending = SignOff.objects.filter(
        case=case, status=SignOff.Status.PENDING, signer_role__in=roles
    )
    return {p.SIGNER} if roles and pending.exists() else set()


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
