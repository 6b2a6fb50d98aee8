"""Conflict-of-interest detection from the data, following the rulebook's conflict rules.

Two kinds: a *standing* conflict keeps someone out of every case (they worked in the political
office within the rulebook's period — the system knows from their own role history, so a move
from the leader's office into the complaints unit is caught without anyone declaring it); a
*case* conflict keeps them out of one case (they are a party to it, or declared a relationship
with a member who is).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.functions import Lower

from dueprocess.accounts.models import InterestDeclaration, RoleMembership
from dueprocess.cases.models import Party
from dueprocess.lib import clock
from dueprocess.members.models import Member
from dueprocess.rulebook.schema import StaffRole

if TYPE_CHECKING:
    from dueprocess.accounts.models import User
    from dueprocess.cases.models import Case
    from dueprocess.rulebook.schema import Rulebook


def standing_conflict(user: User, rules: Rulebook, *, on: dt.date | None = None) -> str:
    """Why ``user`` is conflicted out of every case, or '' if they are not."""
    today = on or clock.today()
    months = rules.conflicts.political_office_months
    since = clock.add_months(today, -months)
    office = rules.political_office_label
    held = (
        RoleMembership.objects.filter(
            user=user, role=StaffRole.POLITICAL_OFFICE, starts_on__lte=today
        )
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=since))
        .order_by("-starts_on")
        .first()
    )
    if held is not None:
        until = "now" if held.ends_on is None or held.ends_on >= today else str(held.ends_on)
        return f"worked in the {office} until {until} (conflict period {months} months)"
    declared = (
        InterestDeclaration.objects.filter(
            user=user, kind=InterestDeclaration.Kind.POLITICAL_OFFICE
        )
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=since))
        .first()
    )
    if declared is not None:
        until = "now" if declared.ends_on is None else str(declared.ends_on)
        return f"declared work in the {office} until {until} (conflict period {months} months)"
    return ""


def case_conflict(user: User, case: Case, rules: Rulebook, *, on: dt.date | None = None) -> str:
    """Why ``user`` is conflicted out of this one case, or ''."""
    if rules.conflicts.party_to_case and any(
        parties.filter(case=case).exists() for parties in _party_matches(user)
    ):
        return "is a party to this case"
    if rules.conflicts.declared_relationships:
        related = _declared_members(user, on or clock.today())
        if Party.objects.filter(case=case, member__in=related).exists():
            return "declared a relationship with a party to this case"
    return ""


#: One test of a person's relation to a case: its name, a ``SELECT`` and that select's params.
SqlTest = tuple[str, str, list[Any]]


def case_conflict_sql(user: User, rules: Rulebook, case_id: int) -> list[SqlTest]:
    """``case_conflict``'s tests on one case as SQL conditions, ``(name, SELECT, params)``, for
    the one query ``facts_for`` reads a person's relation to a case with;
    ``case_conflict_from`` reads their answers. The same matches as ``_party_matches`` and
    ``_declared_members``: an address compared in lower case, a declaration still in force."""
    terms: list[SqlTest] = []
    if rules.conflicts.party_to_case:
        email = user.email.lower()
        terms.append(
            (
                "party_to_case",
                "SELECT 1 FROM cases_party WHERE case_id = %s AND LOWER(email) = %s",
                [case_id, email],
            )
        )
        terms.append(
            (
                "party_to_case_as_member",
                "SELECT 1 FROM cases_party WHERE case_id = %s AND member_id IN"
                " (SELECT id FROM members_member WHERE LOWER(email) = %s)",
                [case_id, email],
            )
        )
    if rules.conflicts.declared_relationships:
        today = connection.ops.adapt_datefield_value(clock.today())
        terms.append(
            (
                "declared_relationship",
                "SELECT 1 FROM cases_party WHERE case_id = %s AND member_id IN"
                " (SELECT member_id FROM accounts_interestdeclaration WHERE user_id = %s"
                " AND kind = %s AND member_id IS NOT NULL"
                " AND (ends_on IS NULL OR ends_on >= %s))",
                [case_id, user.pk, InterestDeclaration.Kind.RELATIONSHIP.value, today],
            )
        )
    return terms


def case_conflict_from(answers: dict[str, bool]) -> str:
    """``case_conflict``'s answer from the values of ``case_conflict_sql``."""
    if answers.get("party_to_case") or answers.get("party_to_case_as_member"):
        return "is a party to this case"
    if answers.get("declared_relationship"):
        return "declared a relationship with a party to this case"
    return ""


def conflict_for(user: User, case: Case, rules: Rulebook) -> str:
    return standing_conflict(user, rules) or case_conflict(user, case, rules)


def conflicted_cases_filter(user: User, rules: Rulebook) -> Q:
    """A filter on Case matching the cases ``user`` has a case conflict with.

    Uncorrelated ``pk IN (...)`` subqueries: the database evaluates each once, instead of once
    per candidate case (measured 404 -> 138 ms at 100,000 cases).
    """
    condition = Q(pk__in=[])
    if rules.conflicts.party_to_case:
        for parties in _party_matches(user):
            condition |= Q(pk__in=parties.values("case_id"))
    if rules.conflicts.declared_relationships:
        related = Party.objects.filter(member__in=_declared_members(user, clock.today()))
        condition |= Q(pk__in=related.values("case_id"))
    return condition


def _party_matches(user: User) -> tuple[QuerySet[Party], QuerySet[Party]]:
    """Parties with the user's address, and parties whose member has it: two sets, each read
    through an index (``party_email_lower``, then ``member_id``) rather than every party."""
    email = user.email.lower()
    members = Member.objects.annotate(address=Lower("email")).filter(address=email)
    return (
        Party.objects.annotate(address=Lower("email")).filter(address=email),
        Party.objects.filter(member_id__in=members.values("pk")),
    )


def _declared_members(user: User, today: dt.date) -> QuerySet[InterestDeclaration, Any]:
    return (
        InterestDeclaration.objects.filter(
            user=user, kind=InterestDeclaration.Kind.RELATIONSHIP, member__isnull=False
        )
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .values("member_id")
    )
