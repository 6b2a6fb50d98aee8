"""Two-factor sign-in is not optional for anyone who can read or act on a case file.

allauth already asks for a code at sign-in once a person has an authenticator. What it does
not do is *insist* on one: a case worker without an authenticator app could otherwise work
with a password alone. ``MFARequiredMiddleware`` closes that gap by sending such a person to
allauth's own set-up page until they have enrolled, and ``StaffMFAAdapter`` stops them from
switching it off again afterwards.
"""

from __future__ import annotations

from collections.abc import Callable

from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from dueprocess.accounts import mfa_secrets
from dueprocess.accounts.models import RoleMembership, User

#: Roles that can read or change a case file; each of them must sign in with a second factor.
ROLES_NEEDING_MFA = frozenset(
    {"intake_officer", "investigator", "case_manager", "panel_member", "independent_reviewer"}
)

#: Pages a person who still has to enrol may reach: enrolment itself, confirming their password
#: before enrolling, and signing out.
_ENROLMENT_URL_NAMES = ("mfa_activate_totp", "account_reauthenticate", "account_logout")


def needs_mfa(user: User) -> bool:
    """Whether ``user`` holds (today) a role that reaches case files."""
    return RoleMembership.objects.current().filter(user=user, role__in=ROLES_NEEDING_MFA).exists()


def has_totp(user: User) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class MFARequiredMiddleware:
    """Send a signed-in case worker without an authenticator app to the set-up page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._allowed: frozenset[str] | None = None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not self._allowed_path(request.path)
            and not has_totp(user)  # checked first: one query for everyone already enrolled
            and needs_mfa(user)
        ):
            return self._to_enrolment(request)
        return self.get_response(request)

    def _allowed_path(self, path: str) -> bool:
        if self._allowed is None:
            self._allowed = frozenset(reverse(name) for name in _ENROLMENT_URL_NAMES)
        return path in self._allowed or path.startswith(settings.STATIC_URL)

    def _to_enrolment(self, request: HttpRequest) -> HttpResponse:
        target = reverse("mfa_activate_totp")
        if request.headers.get("HX-Request"):
            # htmx follows redirects invisibly; ask it to navigate the whole page instead.
            return HttpResponse(status=204, headers={"HX-Redirect": target})
        return redirect(target)


class StaffMFAAdapter(DefaultMFAAdapter):
    """allauth's adapter, except that case workers cannot remove their last second factor and
    secrets are sealed at rest (see ``accounts.mfa_secrets``)."""

    def encrypt(self, text: str) -> str:
        return mfa_secrets.seal(text)

    def decrypt(self, encrypted_text: str) -> str:
        return mfa_secrets.unseal(encrypted_text)

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        if authenticator.type == Authenticator.Type.RECOVERY_CODES:
            return True
        return not needs_mfa(authenticator.user)
