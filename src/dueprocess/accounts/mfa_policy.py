"""Who must sign in with a second factor, and what counts as one: the policy, which every
channel enforces (the web app's middleware sends a person to enrol; the API issues no token to a
person who must have one and has none)."""

from __future__ import annotations

from allauth.mfa.models import Authenticator

from dueprocess.accounts.models import RoleMembership, User
from dueprocess.rulebook.schema import StaffRole

#: Roles that must sign in with a second factor: every role that can read or change a case
#: file (the case roles, the reviewer), see the oversight aggregates (oversight), manage accounts
#: (administrator) or read case extracts as an adviser or signer (political office) — which, in
#: this system, is every role there is.
ROLES_NEEDING_MFA = frozenset(
    {
        StaffRole.INTAKE_OFFICER,
        StaffRole.INVESTIGATOR,
        StaffRole.CASE_MANAGER,
        StaffRole.PANEL_MEMBER,
        StaffRole.INDEPENDENT_REVIEWER,
        StaffRole.OVERSIGHT,
        StaffRole.ADMINISTRATOR,
        StaffRole.POLITICAL_OFFICE,
    }
)

#: What counts as enrolled. Recovery codes do not: they are the way back in after losing one
#: of these, not a factor of their own (allauth deletes them with the last real factor).
SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def needs_mfa(user: User) -> bool:
    """Whether ``user`` holds (today) a role that reaches case files, aggregates or accounts."""
    return RoleMembership.objects.current().filter(user=user, role__in=ROLES_NEEDING_MFA).exists()


def has_second_factor(user: User) -> bool:
    """Whether ``user`` has an authenticator app or a security key."""
    return Authenticator.objects.filter(user=user, type__in=SECOND_FACTORS).exists()
