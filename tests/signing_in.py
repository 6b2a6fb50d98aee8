"""Signing a persona in for browser-less page tests.

Signing in goes through ``force_login`` plus a real allauth TOTP authenticator, because case
workers without one are (rightly) sent to the two-factor set-up page before anything else.
"""

from __future__ import annotations

from collections.abc import Callable

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.test import Client

from dueprocess.accounts import mfa_secrets
from tests.world import World


def enrol(user) -> str:  # type: ignore[no-untyped-def]
    """Give ``user`` an authenticator app (once) and return its base32 secret."""
    existing = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if existing is not None:
        return mfa_secrets.unseal(existing.data["secret"])
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def signer_in(world: World) -> Callable[[str], Client]:
    def sign_in(persona: str) -> Client:
        client = Client()
        user = world.people[persona]
        enrol(user)
        client.force_login(user)
        return client

    return sign_in


def staff_without_a_role(world: World):  # type: ignore[no-untyped-def]
    """A staff account of ``world``'s organisation holding no role today: the only kind of
    person the second factor is not required of (every role reaches case data, aggregates or
    accounts)."""
    from dueprocess.accounts.services import staff_create

    return staff_create(
        actor=None,
        organisation=world.organisation,
        email="no-role@westfold.example",
        full_name="Nora Nobody",
        password=None,
    )
