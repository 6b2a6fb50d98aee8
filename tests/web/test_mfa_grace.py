"""Authenticator codes: one 30-second step of grace, and a used code never accepted twice."""

from __future__ import annotations

import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.cache import cache
from django.test import Client

from tests.web.conftest import enrol
from tests.world import PASSWORD, World

START = 1_800_000_000.0  # a fixed instant exactly at the start of a 30-second step


def code_for(secret: str, step: int) -> str:
    return format_hotp_value(hotp_value(secret, step))


def second_factor(email: str, code: str) -> int:
    client = Client()
    client.post("/accounts/login/", {"login": email, "password": PASSWORD})
    return client.post("/accounts/2fa/authenticate/", {"code": code}).status_code


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    now = [START]
    monkeypatch.setattr(time, "time", lambda: now[0])
    cache.clear()
    yield now
    cache.clear()


def test_a_code_from_the_previous_step_is_accepted_once(world: World, clock: list[float]):
    secret = enrol(world.case_manager)
    clock[0] = START + 35  # five seconds into the next step: the code typed just too late
    late = code_for(secret, int(START) // 30)
    assert second_factor(world.case_manager.email, late) == 302
    assert second_factor(world.case_manager.email, late) == 200  # replay refused


def test_a_code_two_steps_old_is_refused(world: World, clock: list[float]):
    secret = enrol(world.case_manager)
    clock[0] = START + 65
    assert second_factor(world.case_manager.email, code_for(secret, int(START) // 30)) == 200


def test_a_used_code_stays_refused_for_as_long_as_it_is_valid(world: World, clock: list[float]):
    secret = enrol(world.case_manager)
    code = code_for(secret, int(START) // 30)
    assert second_factor(world.case_manager.email, code) == 302
    clock[0] = START + 31  # its own step is over, but it is still within the grace step
    assert second_factor(world.case_manager.email, code) == 200
