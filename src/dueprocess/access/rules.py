"""The only gates: ``can``, ``require``, ``visible_cases`` and ``case_for``.

Views, the API, commands, exports and reports all ask here. ``visible_cases`` is the queryset
twin of ``can(actor, "case.view", case)`` — every list, count, search and export starts from it,
and a test checks that the two agree for every persona and case.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, QuerySet

from dueprocess.access import facts as f
from dueprocess.access import policy as p
from dueprocess.access.conflicts import conflicted_cases_filter, standing_conflict
from dueprocess.access.models import EmergencyAccess
from dueprocess.cases.models import Assignment, Case, Recusal
from dueprocess.errors import AccessDenied
from dueprocess.lib import clock
from dueprocess.rulebook.schema import StaffRole

if TYPE_CHECKING:
    from dueprocess.accounts.models import User


class Gate:
    """The facts about one person and one case, computed once and asked several questions.

    Services ask ``case.view`` first (so nothing about a case leaks to someone who may not know
    it exists), then the specific action.
    """

    def __init__(self, actor: User, case: Case | None = None) -> None:
        self.actor = actor
        self.case = case
        self.facts = f.facts_for(actor, case)
        self._involved: p.Facts | None = None
        self._redecides: bool | None = None

    def can(self, action: str, *, transition: str = "") -> p.Verdict:
        action, roles = self._asked(action, transition)
        involved = action == "case.redecide" or action in p.REVIEW_ACTIONS
        facts = self._with_involvement() if involved else self.facts
        return p.decide(facts, action, transition_roles=roles)

    def require(self, action: str, *, transition: str = "") -> p.Verdict:
        """Return the permitting decision or raise ``AccessDenied`` (recorded by the caller's
        ``recorded_denials`` wrapper once the transaction has rolled back)."""
        decision = self.can(action, transition=transition)
        if not decision.allowed:
            asked, _ = self._asked(action, transition)
            raise AccessDenied(
                actor=self.actor,
                action=f"{asked}:{transition}" if transition else asked,
                case_id=self.case.pk if self.case is not None else None,
                reason=decision.reason,
                reveal=decision.reveal,
            )
        return decision

    def _asked(self, action: str, transition: str) -> tuple[str, tuple[str, ...]]:
        """The action really asked and the roles the rulebook grants the step to. A decide step
        after an earlier decision on the merits (an appeal, a rehearing) asks for
        ``case.redecide``: no one who took part in the earlier decision may take it."""
        if not transition or self.case is None:
            return action, ()
        step = self.case.rulebook.rules.transitions.get(transition)
        if step is None:
            return action, ()
        if action == "case.transition" and step.kind == "decide":
            if self._redecides is None:
                self._redecides = f.earlier_decisions(self.case)
            if self._redecides:
                action = "case.redecide"
        return action, step.roles

    def _with_involvement(self) -> p.Facts:
        if self._involved is None:
            assert self.case is not None
            self._involved = f.with_involvement(self.facts, self.actor, self.case)
        return self._involved


def can(actor: User, action: str, case: Case | None = None, *, transition: str = "") -> p.Verdict:
    return Gate(actor, case).can(action, transition=transition)


def require(
    actor: User, action: str, case: Case | None = None, *, transition: str = ""
) -> p.Verdict:
    return Gate(actor, case).require(action, transition=transition)


def require_open_in(actor: User, unit_id: int) -> p.Verdict:
    """May ``actor`` open a case in this unit? They need ``case.open`` through a role held in
    that unit (or organisation-wide), and no standing conflict: someone conflicted out of every
    case file does not take in new complaints either."""
    decision = require(actor, "case.open")
    held = f.memberships(actor)
    in_unit = any(
        role in (StaffRole.INTAKE_OFFICER, StaffRole.CASE_MANAGER) and unit in (None, unit_id)
        for role, unit in held
    )
    reason = "" if in_unit else "no intake or case-manager role in that unit"
    organisation = actor.organisation
    if not reason and organisation is not None:
        conflict = standing_conflict(actor, organisation.rulebook.rules)
        reason = f"conflicted: {conflict}" if conflict else ""
    if reason:
        raise AccessDenied(
            actor=actor, action="case.open", case_id=None, reason=reason, reveal=True
        )
    return decision


def find_case(actor: User, reference: str = "", *, case_id: int | None = None) -> Case | None:
    """The case with this reference (or this id) in the actor's own organisation (references
    are numbered per organisation), or None. Finding is not seeing: callers must still
    ``require``."""
    if actor.organisation_id is None:
        return None
    cases = Case.objects.select_related("rulebook", "unit", "organisation").filter(
        organisation_id=actor.organisation_id
    )
    if case_id is not None:
        return cases.filter(pk=case_id).first()
    return cases.filter(reference=reference[:32]).first()


def found_case(
    actor: User, reference: str = "", action: str = "case.view", *, case_id: int | None = None
) -> Case:
    """The case named by reference or id, or ``AccessDenied`` for ``action`` exactly as for a
    case the actor may not know about (not revealed, so both answer 404)."""
    case = find_case(actor, reference, case_id=case_id)
    if case is None:
        named = f"id {case_id}" if case_id is not None else repr(reference[:40])
        raise AccessDenied(
            actor=actor, action=action, case_id=None, reason=f"no case {named}", reveal=False
        )
    return case


def case_for(
    actor: User, reference: str = "", action: str = "case.view", *, case_id: int | None = None
) -> tuple[Case, p.Verdict]:
    """Fetch a case by reference (or id) for ``action``; unknown and forbidden look the same
    (404). Raises ``AccessDenied`` unrecorded, for use inside a service that is itself wrapped
    in ``recorded_denials``; channels call ``enforcement.case_gate``, which records it."""
    case = found_case(actor, reference, action, case_id=case_id)
    return case, require(actor, action, case)


def visible_cases(actor: User) -> QuerySet[Case]:
    """Every case ``actor`` may view — and nothing else."""
    none = Case.objects.none()
    if not (actor.is_authenticated and actor.is_active) or actor.organisation_id is None:
        return none
    held = f.memberships(actor)
    roles = {role for role, _ in held}
    if StaffRole.POLITICAL_OFFICE in roles:
        return none
    organisation = actor.organisation
    assert organisation is not None
    rules = organisation.rulebook.rules
    if standing_conflict(actor, rules):
        return none
    scope = _scope(actor, held, roles)
    if scope is None:
        return none
    return (
        Case.objects.filter(organisation_id=actor.organisation_id)
        .filter(scope)
        .exclude(Exists(Recusal.objects.filter(case=OuterRef("pk"), user=actor)))
        .exclude(conflicted_cases_filter(actor, rules))
    )


def _scope(actor: User, held: list[tuple[str, int | None]], roles: set[str]) -> Q | None:
    if StaffRole.INDEPENDENT_REVIEWER in roles:
        return Q()
    terms: list[Q] = []
    managed = f.unit_filter(held, StaffRole.CASE_MANAGER)
    if managed is not None:
        terms.append(managed)
    intake = f.unit_filter(held, StaffRole.INTAKE_OFFICER)
    if intake is not None:
        terms.append(intake & _intake_stages(actor))
    # Uncorrelated ``pk IN (...)`` sets drawn from the person's own rows (through their
    # indexes), so the database starts from those few cases instead of testing every case.
    assigned = Assignment.objects.filter(user=actor, ended_at__isnull=True)
    if StaffRole.INVESTIGATOR in roles:
        investigating = assigned.filter(role=Assignment.Role.INVESTIGATOR)
        terms.append(Q(pk__in=investigating.values("case_id")))
    if StaffRole.PANEL_MEMBER in roles:
        sitting = assigned.filter(role=Assignment.Role.PANEL_MEMBER)
        terms.append(Q(pk__in=sitting.values("case_id")))
    emergency = EmergencyAccess.objects.filter(
        requester=actor, approved_at__isnull=False, expires_at__gt=clock.now()
    )
    terms.append(Q(pk__in=emergency.values("case_id")))
    result = terms[0]
    for term in terms[1:]:
        result |= term
    return result


def _intake_stages(actor: User) -> Q:
    """Cases in an intake-phase stage of whichever rulebook version they run under."""
    from dueprocess.rulebook.models import RulebookVersion

    # Every stored version (they are few), not only those the organisation's cases use: a term
    # for a version no case runs under matches nothing, and finding those would read every case.
    condition = Q(pk__in=[])
    for version in RulebookVersion.objects.order_by("pk"):
        stages = version.rules.stages_in_phase("intake")
        condition |= Q(rulebook_id=version.pk, stage__in=stages)
    return condition
