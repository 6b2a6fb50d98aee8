"""Deactivating a person ends, at once, every session and every API token they already hold."""

from __future__ import annotations

import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session
from django.test import Client

from dueprocess.accounts.services import staff_deactivate
from dueprocess.api.models import ApiToken
from dueprocess.api.tokens import api_token_create
from dueprocess.errors import Forbidden, InvalidInput
from dueprocess.ledger.models import LedgerEntry
from tests.web.conftest import enrol
from tests.world import PASSWORD, World


def signed_in_client(email: str, secret: str, step_offset: int) -> Client:
    client = Client()
    client.post("/accounts/login/", {"login": email, "password": PASSWORD})
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30 + step_offset))
    assert client.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 302
    assert client.get("/queue/").status_code == 200
    return client


def test_deactivating_ends_every_session_and_token_taken_before(world: World):
    person = world.case_manager
    secret = enrol(person)
    laptop = signed_in_client(person.email, secret, 0)
    phone = signed_in_client(person.email, secret, -1)  # each code counts once
    cookie = laptop.cookies["sessionid"].value
    token = api_token_create(actor=person, name="script", scopes=["cases:read"]).secret
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert Client().get("/api/v1/me", **bearer).status_code == 200

    staff_deactivate(actor=world.admin, user=person)

    assert not Session.objects.filter(session_key=cookie).exists()  # gone, not merely refused
    assert UserSession.objects.filter(user=person).count() == 0
    for client in (laptop, phone):
        response = client.get("/queue/")
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    replayed = Client()
    replayed.cookies["sessionid"] = cookie  # the cookie copied before deactivation
    assert replayed.get("/queue/").status_code == 302
    assert Client().get("/api/v1/me", **bearer).status_code == 401
    assert ApiToken.objects.get(owner=person).revoked_at is not None
    assert LedgerEntry.objects.filter(action="staff.deactivated").count() == 1
    person.refresh_from_db()
    assert not person.is_active


def test_only_an_account_administrator_of_the_organisation_may_deactivate(world: World):
    with pytest.raises(Forbidden):
        staff_deactivate(actor=world.intake, user=world.case_manager)
    with pytest.raises(InvalidInput):
        staff_deactivate(actor=world.admin, user=world.admin)
    world.case_manager.refresh_from_db()
    world.admin.refresh_from_db()
    assert world.case_manager.is_active and world.admin.is_active
    assert not LedgerEntry.objects.filter(action="staff.deactivated").exists()


def test_deactivating_twice_is_harmless(world: World):
    staff_deactivate(actor=world.admin, user=world.case_manager)
    staff_deactivate(actor=world.admin, user=world.case_manager)
    assert LedgerEntry.objects.filter(action="staff.deactivated").count() == 1
