"""Sign-ins, sign-outs, failed attempts and second-factor changes are in the ledger, and
authenticator secrets are sealed at rest."""

from __future__ import annotations

import importlib
import json
import time
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.apps import apps
from django.test import Client, override_settings

from dueprocess.accounts import mfa_secrets
from dueprocess.ledger import sealing
from dueprocess.ledger.entries import parse_entry
from dueprocess.ledger.models import LedgerEntry, LedgerPayload
from dueprocess.ledger.record import actor_pseudonym
from tests.signing_in import enrol
from tests.world import PASSWORD, World


def sign_in(client: Client, email: str, password: str = PASSWORD) -> Any:
    return client.post("/accounts/login/", {"login": email, "password": password})


def code(secret: str, offset: int = 0) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + offset))


def entries_since(seq: int, action: str) -> list[tuple[Any, dict[str, Any]]]:
    """The new entries with ``action``, parsed, with their sealed details opened."""
    found = []
    for row in LedgerEntry.objects.filter(seq__gt=seq, action=action).order_by("seq"):
        raw = bytes(row.entry)
        entry = parse_entry(raw)
        payload = LedgerPayload.objects.get(seq=row.seq)
        key = sealing.subject_key(payload.subject, create=False)
        assert key is not None
        plain = sealing.unseal(key, bytes(payload.nonce), bytes(payload.ciphertext), raw)
        found.append((entry, json.loads(plain)))
    return found


def last_seq() -> int:
    return LedgerEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def test_a_full_sign_in_and_sign_out_are_recorded_against_the_person(world: World):
    secret = enrol(world.intake)
    start = last_seq()
    client = Client(HTTP_USER_AGENT="TestBrowser/1.0")
    sign_in(client, world.intake.email)
    assert entries_since(start, "account.signed_in") == []  # not until the second factor
    assert client.post("/accounts/2fa/authenticate/", {"code": code(secret)}).status_code == 302
    [(entry, details)] = entries_since(start, "account.signed_in")
    assert entry.actor == actor_pseudonym(world.intake)
    assert details["address"] == "127.0.0.1" and details["agent"] == "TestBrowser/1.0"
    client.post("/accounts/logout/")
    [(entry, _)] = entries_since(start, "account.signed_out")
    assert entry.actor == actor_pseudonym(world.intake)


def test_a_wrong_password_is_recorded_without_the_address_in_clear(world: World):
    start = last_seq()
    sign_in(Client(), world.case_manager.email, "not the password")
    sign_in(Client(), "nobody@nowhere.example", "guess")
    [(first, details), (_, unknown)] = entries_since(start, "account.sign_in_failed")
    assert first.actor == "system" and first.role == "unauthenticated"
    assert details == {
        "why": "password",
        "account": actor_pseudonym(world.case_manager),
        "address": "127.0.0.1",
        "agent": "",
    }
    assert unknown["account"] == ""
    for row in LedgerEntry.objects.filter(seq__gt=start):
        text = bytes(row.entry).decode("ascii")
        assert world.case_manager.email not in text and "nowhere.example" not in text


def test_a_wrong_second_factor_code_is_recorded_against_the_account(world: World):
    secret = enrol(world.investigator)
    start = last_seq()
    client = Client()
    sign_in(client, world.investigator.email)
    wrong = str((int(code(secret)) + 1) % 1_000_000).zfill(6)
    assert client.post("/accounts/2fa/authenticate/", {"code": wrong}).status_code == 200
    [(entry, details)] = entries_since(start, "account.sign_in_failed")
    assert entry.actor == actor_pseudonym(world.investigator)
    assert details["why"] == "second factor"
    assert entries_since(start, "account.signed_in") == []


@override_settings(ACCOUNT_RATE_LIMITS={"login_failed": "2/m/ip,2/5m/key"})
def test_an_attempt_refused_by_the_rate_limit_is_recorded_as_such(world: World):
    from django.core.cache import cache

    cache.clear()
    start = last_seq()
    client = Client()
    for _ in range(3):
        sign_in(client, world.intake.email, "wrong")
    reasons = [d["why"] for _, d in entries_since(start, "account.sign_in_failed")]
    assert reasons == ["password", "password", "rate limited"]
    cache.clear()


def test_adding_an_authenticator_through_allauth_is_recorded(world: World):
    from allauth.mfa.signals import authenticator_added

    start = last_seq()
    enrol(world.oversight)
    totp = Authenticator.objects.get(user=world.oversight, type=Authenticator.Type.TOTP)
    authenticator_added.send(
        sender=Authenticator, request=None, user=world.oversight, authenticator=totp
    )
    [(entry, details)] = entries_since(start, "account.second_factor_added")
    assert entry.actor == actor_pseudonym(world.oversight) and details["type"] == "totp"


def test_authenticator_secrets_are_sealed_in_the_database_and_still_work(world: World):
    secret = enrol(world.intake)
    stored = Authenticator.objects.get(user=world.intake, type=Authenticator.Type.TOTP)
    assert stored.data["secret"].startswith("aesgcm1:") and secret not in stored.data["secret"]
    assert stored.wrap().validate_code(code(secret))
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    codes = RecoveryCodes.activate(world.intake)
    assert codes.instance.data["seed"].startswith("aesgcm1:")
    assert codes.validate_code(codes.get_unused_codes()[0])


def test_a_secret_planted_in_clear_or_under_another_key_is_refused():
    with pytest.raises(mfa_secrets.SealError, match="not sealed"):
        mfa_secrets.unseal("JBSWY3DPEHPK3PXP")
    sealed = mfa_secrets.seal("JBSWY3DPEHPK3PXP")
    forged = sealed[:-4] + ("AAAA" if not sealed.endswith("AAAA") else "BBBB")
    with pytest.raises(mfa_secrets.SealError, match="cannot be opened"):
        mfa_secrets.unseal(forged)
    assert mfa_secrets.unseal(sealed) == "JBSWY3DPEHPK3PXP"
    assert mfa_secrets.seal("same") != mfa_secrets.seal("same")  # a fresh nonce every time


def test_the_migration_seals_secrets_stored_in_clear_and_can_undo_it(world: World):
    migration = importlib.import_module("dueprocess.accounts.migrations.0003_seal_mfa_secrets")
    row = Authenticator.objects.create(
        user=world.reviewer,
        type=Authenticator.Type.TOTP,
        data={"secret": "JBSWY3DPEHPK3PXP"},
    )
    migration.seal_all(apps, None)
    row.refresh_from_db()
    assert mfa_secrets.unseal(row.data["secret"]) == "JBSWY3DPEHPK3PXP"
    sealed = row.data["secret"]
    migration.seal_all(apps, None)  # running again leaves sealed values alone
    row.refresh_from_db()
    assert row.data["secret"] == sealed
    migration.unseal_all(apps, None)
    row.refresh_from_db()
    assert row.data["secret"] == "JBSWY3DPEHPK3PXP"
