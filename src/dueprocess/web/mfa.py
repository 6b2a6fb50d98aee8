"""Two-factor sign-in is not optional for anyone who can read or act on a case file.

allauth already asks for a second factor at sign-in once a person has one. What it does not
do is *insist* on one: a case worker without an authenticator app or a security key could
otherwise work with a password alone. ``MFARequiredMiddleware`` closes that gap by sending such
a person to allauth's own set-up pages until they have enrolled, and, with
``StaffMFAAdapter``, stops them from removing their last second factor afterwards.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.adapter import DefaultMFAAdapter, get_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dueprocess.accounts import mfa_secrets
from dueprocess.accounts.mfa_policy import SECOND_FACTORS, has_second_factor, needs_mfa

#: Pages a person who still has to enrol may reach: either way of enrolling, confirming their
#: password before enrolling, and signing out.
_ENROLMENT_URL_NAMES = (
    "mfa_activate_totp",
    "mfa_add_webauthn",
    "account_reauthenticate",
    "account_logout",
)


class MFARequiredMiddleware:
    """Send a signed-in case worker without a second factor to the set-up page, and refuse to
    remove a case worker's last security key.

    The second job lives here rather than in the adapter alone because allauth asks the
    adapter's ``can_delete_authenticator`` only when an authenticator app is switched off, not
    when a security key is removed; and keeping both in one middleware means the deploy check
    that looks for this class (``dueprocess.W005``) covers both.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._allowed: frozenset[str] | None = None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not self._allowed_path(request.path)
            and not has_second_factor(user)  # checked first: one query for everyone enrolled
            and needs_mfa(user)
        ):
            return self._to_enrolment(request)
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        match = request.resolver_match
        if match is None or match.url_name != "mfa_remove_webauthn":
            return None
        key = Authenticator.objects.filter(
            pk=view_kwargs.get("pk"), user_id=request.user.pk, type=Authenticator.Type.WEBAUTHN
        ).first()
        adapter = get_adapter()
        if key is None or adapter.can_delete_authenticator(key):
            return None  # allauth's view answers 404 for someone else's key
        messages.error(request, adapter.error_messages["cannot_delete_authenticator"])
        return redirect("mfa_list_webauthn")

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

    error_messages = {
        **DefaultMFAAdapter.error_messages,
        # allauth's own wording ("cannot deactivate") reads as a dead end; say the way out.
        "cannot_delete_authenticator": _(
            "Your role needs a second factor at every sign-in: add another security key or an"
            " authenticator app before removing this one."
        ),
    }

    def encrypt(self, text: str) -> str:
        return mfa_secrets.seal(text)

    def decrypt(self, encrypted_text: str) -> str:
        return mfa_secrets.unseal(encrypted_text)

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        if authenticator.type not in SECOND_FACTORS or not needs_mfa(authenticator.user):
            return True
        others = Authenticator.objects.filter(
            user_id=authenticator.user_id, type__in=SECOND_FACTORS
        )
        return others.exclude(pk=authenticator.pk).exists()


def totp_code_lifetime() -> int:
    """Seconds an authenticator code is accepted for: its own 30-second step plus the grace
    steps either side (``MFA_TOTP_TOLERANCE``)."""
    return (2 * mfa_settings.TOTP_TOLERANCE + 1) * mfa_settings.TOTP_PERIOD


def _mark_code_used(self: TOTP, code: str) -> bool:
    # allauth remembers a used code for one step only; with a grace window the same code stays
    # valid for longer, so remember it for as long as it could be accepted.
    return bool(cache.add(self._get_used_cache_key(code), "y", timeout=totp_code_lifetime()))


def refuse_code_replay_over_the_grace_window() -> None:
    """Make allauth refuse a used authenticator code for its whole lifetime (called at start-up)."""
    TOTP._mark_code_used = _mark_code_used  # type: ignore[method-assign]
