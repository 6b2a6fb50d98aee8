"""Sign-ins, sign-outs, failed attempts and second-factor changes go into the ledger.

Who could reach the system, and when, is part of the answer to "who touched these cases": a
case view by a person whose account was signed into from an unusual place at 3 a.m. reads
differently from one in office hours. The events come from Django's and allauth's own signals
(so every way of signing in is covered, not just our pages) and from the account adapter's
hooks for failures allauth has no signal for.

A failed attempt is recorded with no actor — nobody has proven who they are — and the targeted
account, if it exists, as a pseudonym inside the sealed details. Like every other entry, the
ledger carries no e-mail address or network address in clear.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest

from dueprocess.accounts.models import User
from dueprocess.ledger.record import actor_pseudonym, record

#: Role written on entries made before anyone is signed in.
UNAUTHENTICATED = "unauthenticated"


def _where(request: HttpRequest | None) -> dict[str, str]:
    if request is None:
        return {}
    return {
        "address": str(request.META.get("REMOTE_ADDR", "")),
        "agent": str(request.META.get("HTTP_USER_AGENT", ""))[:200],
    }


def _staff(user: Any) -> User | None:
    return user if isinstance(user, User) and user.pk is not None else None


def _record(
    action: str, request: HttpRequest | None, actor: User | None, role: str = "", **details: str
) -> None:
    with transaction.atomic():
        record(actor=actor, role=role, action=action, details={**details, **_where(request)})


def signed_in(sender: object, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    _record("account.signed_in", request, _staff(user))


def signed_out(sender: object, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    staff = _staff(user)
    if staff is not None:  # signing out with no session: nothing happened
        _record("account.signed_out", request, staff)


def sign_in_failed(request: HttpRequest | None, email: str, *, why: str) -> None:
    """A password that did not match, or an attempt refused by the rate limit."""
    target = User.objects.filter(email__iexact=email.strip()[:254]).first() if email else None
    account = actor_pseudonym(target) if target else ""
    _record("account.sign_in_failed", request, None, UNAUTHENTICATED, why=why, account=account)


def second_factor_failed(
    sender: object, request: HttpRequest | None, user: Any, **kwargs: Any
) -> None:
    _record("account.sign_in_failed", request, _staff(user), why="second factor")


def _authenticator_event(action: str) -> Any:
    def receiver(
        sender: object, request: HttpRequest | None, user: Any, authenticator: Any, **kwargs: Any
    ) -> None:
        _record(action, request, _staff(user), type=str(getattr(authenticator, "type", "")))

    return receiver


second_factor_added = _authenticator_event("account.second_factor_added")
second_factor_removed = _authenticator_event("account.second_factor_removed")
second_factor_reset = _authenticator_event("account.second_factor_reset")


def password_changed(sender: object, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    _record("account.password_changed", request, _staff(user))


def connect() -> None:
    """Wire the receivers; called once from the app's ``ready``."""
    from allauth.account.signals import password_changed as allauth_password_changed
    from allauth.account.signals import password_reset
    from allauth.mfa import signals as mfa
    from django.contrib.auth.signals import user_logged_in, user_logged_out

    pairs = (
        (user_logged_in, signed_in),
        (user_logged_out, signed_out),
        (mfa.authentication_failed, second_factor_failed),
        (mfa.authenticator_added, second_factor_added),
        (mfa.authenticator_removed, second_factor_removed),
        (mfa.authenticator_reset, second_factor_reset),
        (allauth_password_changed, password_changed),
        (password_reset, password_changed),
    )
    for index, (signal, receiver) in enumerate(pairs):
        signal.connect(receiver, dispatch_uid=f"dueprocess.accounts.signins.{index}")
