"""Sign-in and session security: two-factor enforcement, session lifetimes, signing out
everywhere, sign-in rate limits, the Content-Security-Policy, and the deployment checks."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
import time
from pathlib import Path

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session
from django.test import Client, override_settings

from dueprocess.demo.personas import demo_totp_secret, enrol_mfa, recovery_code
from dueprocess.ledger.models import LedgerEntry
from dueprocess.web.mfa import StaffMFAAdapter
from dueprocess.web.sessions import SIGNED_IN_AT
from tests.web.conftest import enrol
from tests.world import PASSWORD, World

ROOT = Path(__file__).resolve().parents[2]


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def password_sign_in(client: Client, email: str, password: str = PASSWORD, **extra):  # type: ignore[no-untyped-def]
    return client.post("/accounts/login/", {"login": email, "password": password}, **extra)


def test_a_case_worker_without_an_authenticator_can_reach_only_the_set_up_page(world: World):
    client = Client()
    client.force_login(world.investigator)
    for path in ("/", "/queue/", "/cases/", "/account/"):
        response = client.get(path)
        assert (
            response.status_code == 302 and response["Location"] == "/accounts/2fa/totp/activate/"
        )
    # allauth asks for the password again before enrolling; that page is reachable too
    setup = client.get("/accounts/2fa/totp/activate/")
    assert setup["Location"].startswith("/accounts/reauthenticate/")
    assert client.get(setup["Location"]).status_code == 200
    assert client.post("/accounts/logout/").status_code == 302


def test_htmx_requests_are_sent_to_the_set_up_page_as_a_full_navigation(world: World):
    client = Client()
    client.force_login(world.case_manager)
    response = client.get("/cases/", headers={"HX-Request": "true"})
    assert response.status_code == 204 and response["HX-Redirect"] == "/accounts/2fa/totp/activate/"


@pytest.mark.parametrize("persona", ["admin", "oversight", "reviewer", "political"])
def test_every_role_with_a_view_of_cases_aggregates_or_accounts_must_enrol(world: World, persona):
    client = Client()
    client.force_login(world.people[persona])
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"


def test_only_someone_without_a_role_is_not_forced_to_enrol(world: World):
    from tests.signing_in import staff_without_a_role

    client = Client()
    client.force_login(staff_without_a_role(world))
    assert client.get("/account/").status_code == 200


def test_enrolling_through_allauths_own_pages_opens_the_app(world: World):
    client = Client()
    assert password_sign_in(client, world.intake.email)["Location"] == "/"
    confirm = client.get("/accounts/2fa/totp/activate/")["Location"]
    assert client.post(confirm, {"password": PASSWORD}).status_code == 302
    page = client.get("/accounts/2fa/totp/activate/").content.decode()
    secret = re.search(r'id="authenticator_secret"[^>]*value="([A-Z2-7]+)"', page)
    assert secret, "the set-up page shows the secret to type into an app"
    response = client.post("/accounts/2fa/totp/activate/", {"code": current_code(secret[1])})
    assert response.status_code == 302
    assert client.get("/queue/").status_code == 200
    assert Authenticator.objects.filter(user=world.intake).count() == 2  # app + recovery codes


def test_sign_in_asks_for_the_code_once_an_authenticator_exists(world: World):
    secret = enrol(world.intake)
    client = Client()
    response = password_sign_in(client, world.intake.email)
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert client.get("/queue/").status_code == 302  # not signed in until the code is given
    response = client.post("/accounts/2fa/authenticate/", {"code": current_code(secret)})
    assert response.status_code == 302
    assert client.get("/queue/").status_code == 200


def test_people_with_a_role_cannot_switch_two_factor_off_but_others_can(world: World):
    from tests.signing_in import staff_without_a_role

    nobody = staff_without_a_role(world)
    adapter = StaffMFAAdapter()
    for person in (world.intake, world.oversight, world.admin):
        enrol(person)
        totp = Authenticator.objects.get(user=person, type=Authenticator.Type.TOTP)
        assert not adapter.can_delete_authenticator(totp), person
    enrol(nobody)
    other = Authenticator.objects.get(user=nobody, type=Authenticator.Type.TOTP)
    assert adapter.can_delete_authenticator(other)


def test_demo_personas_get_a_fixed_secret_and_working_recovery_codes(world: World):
    user = world.admin
    enrol_mfa(user, "ada")
    assert demo_totp_secret("ada") == demo_totp_secret("ada") != demo_totp_secret("felix")
    stored = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    assert stored.wrap().validate_code(current_code(demo_totp_secret("ada")))
    code = recovery_code(user)
    codes = Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    assert codes.wrap().validate_code(code)
    assert recovery_code(user) != code  # each recovery code works once


@override_settings(SESSION_ABSOLUTE_SECONDS=60)
def test_a_session_ends_a_fixed_time_after_sign_in_however_busy(world: World, signed_in):
    client = signed_in("case_manager")
    assert client.get("/queue/").status_code == 200
    session = client.session
    session[SIGNED_IN_AT] = int(time.time()) - 61
    session.save()
    response = client.get("/queue/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert client.get("/queue/").status_code == 302  # signed out for good


def test_sign_out_everywhere_ends_every_session_of_the_person(world: World):
    secret = enrol(world.case_manager)
    clients = []
    for _ in range(2):
        client = Client()
        password_sign_in(client, world.case_manager.email)
        code = secret
        # a code is accepted once per window; sign the second session in with another window's
        with override_settings(MFA_TOTP_TOLERANCE=1):
            step = int(time.time()) // 30 + (len(clients) - 1) * -1
            code = format_hotp_value(hotp_value(secret, step))
            assert client.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 302
        clients.append(client)
    assert UserSession.objects.filter(user=world.case_manager).count() == 2
    response = clients[0].post("/account/sign-out-everywhere/")
    assert response.status_code == 302
    for client in clients:
        assert client.get("/queue/").status_code == 302
    assert UserSession.objects.filter(user=world.case_manager).count() == 0
    assert LedgerEntry.objects.filter(action="sessions.ended_everywhere").count() == 1


@override_settings(ACCOUNT_RATE_LIMITS={"login_failed": "5/m/ip,5/5m/key"})
def test_repeated_failed_sign_ins_are_slowed_down(world: World):
    from django.core.cache import cache

    cache.clear()
    client = Client()
    for _ in range(5):
        refused = password_sign_in(client, world.intake.email, "wrong password")
        assert "Too many" not in refused.content.decode()
    slowed = password_sign_in(client, world.intake.email, "wrong password")
    assert "Too many failed login attempts" in slowed.content.decode()
    right = password_sign_in(client, world.intake.email)  # even the right password waits
    assert right.status_code == 200 and "Too many failed login attempts" in right.content.decode()
    elsewhere = {"REMOTE_ADDR": "192.0.2.7"}  # another person, another address
    other = password_sign_in(Client(), world.case_manager.email, "wrong password", **elsewhere)
    assert "Too many" not in other.content.decode()  # no lock-out for everybody
    cache.clear()


def test_every_page_carries_a_strict_csp_and_no_inline_script(world: World, signed_in):
    case = world.case_at("triage")
    client = signed_in("intake")
    for path in (
        "/accounts/login/",
        "/queue/",
        "/cases/",
        "/cases/new/",
        f"/cases/{case.reference}/",
    ):
        response = (Client() if "login" in path else client).get(path)
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
        assert "object-src 'none'" in policy and "frame-ancestors 'none'" in policy
        assert response["Cache-Control"] == "no-store"
        html = response.content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", html), path
        assert " style=" not in html and "<style" not in html, path


def deploy_check(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DUEPROCESS_", "DJANGO_"))}
    clean.update(env, DUEPROCESS_DATA_DIR=env.get("DUEPROCESS_DATA_DIR", ""))
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow
def test_the_deploy_check_passes_with_production_settings_and_fails_without(tmp_path):
    production = deploy_check(
        DUEPROCESS_PRODUCTION="1",
        DUEPROCESS_SECRET_KEY=secrets.token_urlsafe(64),
        DUEPROCESS_ALLOWED_HOSTS="cases.example.org",
        DUEPROCESS_DATA_DIR=str(tmp_path / "prod"),
    )
    assert production.returncode == 0, production.stdout + production.stderr
    default = deploy_check(DUEPROCESS_DATA_DIR=str(tmp_path / "dev"))
    assert default.returncode == 1
    for check in ("dueprocess.W003", "security.W004", "security.W008"):
        assert check in default.stderr + default.stdout
    fast = deploy_check(
        DUEPROCESS_PRODUCTION="1",
        DUEPROCESS_SECRET_KEY=secrets.token_urlsafe(64),
        DUEPROCESS_ALLOWED_HOSTS="cases.example.org",
        DUEPROCESS_DATA_DIR=str(tmp_path / "prod"),
        DUEPROCESS_FAST_HASHER="1",
        DUEPROCESS_SESSION_ABSOLUTE_SECONDS="604800",
    )
    assert fast.returncode == 1
    assert "dueprocess.W004" in fast.stderr and "dueprocess.W002" in fast.stderr


def test_the_project_checks_name_what_is_wrong(settings):
    from dueprocess.web import checks

    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"script-src": ["'self'", "'unsafe-inline'"]}}
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if "MFARequired" not in m]
    assert [w.id for w in checks.check_content_security_policy()] == ["dueprocess.W006"]
    assert [w.id for w in checks.check_mfa()] == ["dueprocess.W005"]
    settings.SESSION_COOKIE_NAME = "__Host-sessionid"
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_NAME = "csrftoken"
    assert [w.msg[:17] for w in checks.check_cookie_prefixes()] == ["CSRF_COOKIE_NAME "]


def test_sessions_are_stored_server_side_so_ending_them_is_real(world: World, signed_in):
    client = signed_in("case_manager")
    key = client.session.session_key
    assert Session.objects.filter(session_key=key).exists()


def _production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DUEPROCESS_", "DJANGO_"))}
    env.update(
        DUEPROCESS_PRODUCTION="1",
        DUEPROCESS_SECRET_KEY=secrets.token_urlsafe(64),
        DUEPROCESS_ALLOWED_HOSTS="cases.example.org",
        DUEPROCESS_DATA_DIR=str(tmp_path / "prod"),
        **extra,
    )
    return env


def test_production_refuses_a_mail_backend_that_would_log_reset_links(tmp_path):
    console = "django.core.mail.backends.console.EmailBackend"
    env = _production_env(tmp_path, DUEPROCESS_EMAIL_BACKEND=console)
    # an error, not a warning: check --deploy fails at its default level
    checked = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert checked.returncode == 1 and "dueprocess.E001" in checked.stderr
    # and the production default is to send, so a reset link never reaches the log
    shown = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from django.conf import settings; print(settings.EMAIL_BACKEND)",
        ],
        cwd=ROOT,
        env={k: v for k, v in env.items() if k != "DUEPROCESS_EMAIL_BACKEND"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    # the project's SMTP backend: Django's, with the mail server's certificate always verified
    # (against DUEPROCESS_SMTP_CA_FILE when set)
    assert shown.stdout.strip().splitlines()[-1] == "dueprocess.lib.smtpmail.EmailBackend"
    from django.core.mail.backends import smtp

    from dueprocess.lib import smtpmail

    assert issubclass(smtpmail.EmailBackend, smtp.EmailBackend)


def test_serve_refuses_production_with_the_console_mail_backend(settings):
    from dueprocess.commands.serve import ServeError, check_production_mail
    from dueprocess.web import checks

    settings.PRODUCTION = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    assert [m.id for m in checks.check_mail_backend()] == ["dueprocess.E001"]
    with pytest.raises(ServeError, match="password-reset links"):
        check_production_mail()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    assert checks.check_mail_backend() == []
    check_production_mail()
    settings.PRODUCTION = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    assert checks.check_mail_backend() == []
