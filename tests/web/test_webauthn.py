"""Security keys as a second factor, without a browser: who counts as enrolled, who may remove
which key, where keys are accepted from, that allauth's key pages keep to the strict CSP, and
the deploy check that refuses an open origin. The WebAuthn ceremony itself, with a (virtual)
key, is in ``e2e/test_webauthn.py``."""

from __future__ import annotations

import json
import re

import pytest
from allauth.core.context import request_context
from allauth.mfa import app_settings
from allauth.mfa.adapter import get_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.webauthn.internal.auth import get_server
from django.core.checks import Tags, run_checks
from django.test import Client, RequestFactory

from dueprocess.accounts.mfa_policy import has_second_factor
from dueprocess.ledger.models import LedgerEntry
from dueprocess.web import checks
from dueprocess.web.mfa import StaffMFAAdapter
from tests.signing_in import enrol
from tests.world import PASSWORD, World

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>")
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)


def add_key(user, name: str = "Desk key") -> Authenticator:  # type: ignore[no-untyped-def]
    """A security key row as allauth stores one; nothing here reads the credential itself."""
    return Authenticator.objects.create(
        user=user, type=Authenticator.Type.WEBAUTHN, data={"name": name, "credential": {}}
    )


def confirm_password(client: Client) -> None:
    """allauth asks for the password again before any change to a person's second factors."""
    response = client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    assert response.status_code == 302


def assert_fits_the_csp(html: str, where: str) -> None:
    assert not INLINE_SCRIPT.search(html), where
    assert not EVENT_HANDLER.search(html), where
    assert " style=" not in html and "<style" not in html, where
    for src in re.findall(r'<script[^>]*\bsrc="([^"]+)"', html):
        assert src.startswith("/static/"), (where, src)


def test_security_keys_are_switched_on_as_a_second_factor_only():
    assert "webauthn" in app_settings.SUPPORTED_TYPES
    assert not app_settings.PASSKEY_LOGIN_ENABLED  # no sign-in without the password
    assert not app_settings.PASSKEY_SIGNUP_ENABLED
    assert not app_settings.WEBAUTHN_ALLOW_INSECURE_ORIGIN


@pytest.mark.parametrize(
    ("host", "accepted", "refused"),
    [
        (
            "cases.example.org",
            ["https://cases.example.org"],
            ["http://cases.example.org", "https://evil.example", "https://example.org"],
        ),
        ("localhost", ["http://localhost:8000", "https://localhost"], ["http://127.0.0.1:8000"]),
    ],
)
def test_keys_are_bound_to_the_host_the_browser_asked_for(settings, host, accepted, refused):
    settings.ALLOWED_HOSTS = ["cases.example.org", "localhost"]
    request = RequestFactory().get("/accounts/2fa/webauthn/add/", HTTP_HOST=f"{host}:8000")
    with request_context(request):
        assert get_adapter().get_public_key_credential_rp_entity()["id"] == host
        verify = get_server()._verify  # the origin check fido2 applies to every key's answer
    assert all(verify(origin) for origin in accepted)
    assert not any(verify(origin) for origin in refused)


def test_a_host_outside_allowed_hosts_gets_no_relying_party(settings):
    from django.core.exceptions import DisallowedHost

    settings.ALLOWED_HOSTS = ["cases.example.org"]
    request = RequestFactory().get("/", HTTP_HOST="cases.example.org.evil.example")
    with request_context(request), pytest.raises(DisallowedHost):
        get_adapter().get_public_key_credential_rp_entity()


def test_a_case_worker_whose_only_second_factor_is_a_key_is_enrolled(world: World):
    add_key(world.investigator)
    assert has_second_factor(world.investigator)
    client = Client()
    client.force_login(world.investigator)
    assert client.get("/queue/").status_code == 200


def test_recovery_codes_alone_do_not_count_as_enrolled(world: World):
    Authenticator.objects.create(
        user=world.investigator, type=Authenticator.Type.RECOVERY_CODES, data={}
    )
    assert not has_second_factor(world.investigator)
    client = Client()
    client.force_login(world.investigator)
    assert client.get("/queue/")["Location"] == "/accounts/2fa/totp/activate/"


def test_a_case_worker_without_a_factor_may_enrol_with_a_key_instead(world: World):
    client = Client()
    client.force_login(world.panel_chair)
    first = client.get("/accounts/2fa/webauthn/add/")
    assert first["Location"].startswith("/accounts/reauthenticate/")  # not back to the app page
    confirm_password(client)
    page = client.get("/accounts/2fa/webauthn/add/")
    assert page.status_code == 200
    html = page.content.decode()
    assert_fits_the_csp(html, "add a key")
    data = re.search(r'<script id="js_data" type="application/json">(.*?)</script>', html, re.S)
    assert data, "the key's creation options travel as a JSON data block"
    options = json.loads(data[1])["creation_options"]["publicKey"]
    assert options["rp"]["id"] == "testserver"
    assert client.get("/cases/")["Location"] == "/accounts/2fa/totp/activate/"  # still nothing else


def test_the_app_set_up_page_points_to_the_key_alternative(world: World):
    client = Client()
    client.force_login(world.intake)
    confirm_password(client)
    html = client.get("/accounts/2fa/totp/activate/").content.decode()
    assert 'href="/accounts/2fa/webauthn/add/"' in html
    assert_fits_the_csp(html, "activate an app")


def test_the_second_step_of_sign_in_offers_a_key_within_the_csp(world: World):
    enrol(world.intake)
    client = Client()
    client.post("/accounts/login/", {"login": world.intake.email, "password": PASSWORD})
    html = client.get("/accounts/2fa/authenticate/").content.decode()
    assert "Use a security key" in html and "/static/mfa/js/webauthn.js" in html
    assert_fits_the_csp(html, "second step")


def test_a_person_with_only_a_key_is_asked_for_it_at_sign_in(world: World):
    add_key(world.investigator)
    client = Client()
    response = client.post(
        "/accounts/login/", {"login": world.investigator.email, "password": PASSWORD}
    )
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert client.get("/queue/").status_code == 302  # the password alone is not a sign-in


def test_a_case_worker_cannot_remove_their_only_key(world: World):
    key = add_key(world.investigator)
    assert not StaffMFAAdapter().can_delete_authenticator(key)
    client = Client()
    client.force_login(world.investigator)
    confirm_password(client)
    response = client.post(f"/accounts/2fa/webauthn/keys/{key.pk}/remove/")
    assert response["Location"] == "/accounts/2fa/webauthn/"
    assert Authenticator.objects.filter(pk=key.pk).exists()
    assert (
        "add another security key or an authenticator app"
        in client.get(response["Location"]).content.decode()
    )
    assert not LedgerEntry.objects.filter(action="account.second_factor_removed").exists()


def test_a_case_worker_may_remove_one_of_two_keys(world: World):
    spare = add_key(world.investigator, "Spare key")
    add_key(world.investigator)
    client = Client()
    client.force_login(world.investigator)
    confirm_password(client)
    response = client.post(f"/accounts/2fa/webauthn/keys/{spare.pk}/remove/")
    assert response.status_code == 302
    assert not Authenticator.objects.filter(pk=spare.pk).exists()
    assert LedgerEntry.objects.filter(action="account.second_factor_removed").count() == 1
    assert client.get("/queue/").status_code == 200  # still enrolled with the other


def test_either_of_an_app_and_a_key_may_go_but_not_both(world: World):
    enrol(world.investigator)
    key = add_key(world.investigator)
    app = Authenticator.objects.get(user=world.investigator, type=Authenticator.Type.TOTP)
    adapter = StaffMFAAdapter()
    assert adapter.can_delete_authenticator(key) and adapter.can_delete_authenticator(app)
    key.delete()
    assert not adapter.can_delete_authenticator(app)


def test_switching_the_app_off_is_allowed_once_a_key_stands_in(world: World):
    enrol(world.investigator)
    client = Client()
    client.force_login(world.investigator)
    confirm_password(client)
    refused = client.post("/accounts/2fa/totp/deactivate/")
    assert refused.status_code == 200  # the form re-displayed with the refusal
    assert Authenticator.objects.filter(user=world.investigator, type="totp").exists()
    add_key(world.investigator)
    assert client.post("/accounts/2fa/totp/deactivate/").status_code == 302
    assert not Authenticator.objects.filter(user=world.investigator, type="totp").exists()
    assert client.get("/queue/").status_code == 200


def test_people_without_a_role_may_remove_their_last_key(world: World):
    from tests.signing_in import staff_without_a_role

    assert not StaffMFAAdapter().can_delete_authenticator(add_key(world.oversight))
    key = add_key(staff_without_a_role(world))
    assert StaffMFAAdapter().can_delete_authenticator(key)
    codes = Authenticator.objects.create(
        user=world.investigator, type=Authenticator.Type.RECOVERY_CODES, data={}
    )
    assert StaffMFAAdapter().can_delete_authenticator(codes)


def test_the_deploy_check_refuses_keys_from_any_origin(settings):
    settings.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
    assert [w.id for w in checks.check_webauthn_origin()] == ["dueprocess.W007"]
    found = run_checks(tags=[Tags.security], include_deployment_checks=True)
    assert "dueprocess.W007" in [w.id for w in found]
    assert "dueprocess.W007" not in [w.id for w in run_checks(tags=[Tags.security])]
    settings.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = False
    assert checks.check_webauthn_origin() == []
