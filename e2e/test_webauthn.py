"""A security key as the second factor, in a real browser: added on allauth's own page, then
used instead of an authenticator code at the next sign-in. Chromium's DevTools virtual
authenticator stands in for the key, so the whole WebAuthn ceremony runs — the browser's checks
of the relying party and origin, allauth's script, fido2's verification on the server — under
the app's Content-Security-Policy, and every page is checked by axe.

The site is opened as ``localhost`` rather than ``127.0.0.1``: browsers refuse an IP address as
a relying party, and ``http://localhost`` is the one plain-HTTP origin both browsers and fido2
accept, which is what lets the demo take keys with the insecure-origin switch left off.
"""

from __future__ import annotations

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, CDPSession, expect

from dueprocess.demo.personas import DEMO_PASSWORD, demo_totp_secret
from e2e.conftest import EMAILS, Browsing, totp_code

pytestmark = pytest.mark.e2e

PERSONA = "rhiannon"  # an investigator no other browser test signs in as


def on_localhost(browser: Browser, site: str) -> tuple[Browsing, list[str]]:
    """A fresh browser on the site's ``localhost`` address, collecting CSP violations (into the
    ``Browsing``) and script errors (returned, to explain a ceremony that did not finish)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    browsing = Browsing(page=page, base=site.replace("127.0.0.1", "localhost"), axe=Axe())
    errors: list[str] = []

    def console(message: Any) -> None:
        text = message.text
        if "Content Security Policy" in text or "Content-Security-Policy" in text:
            browsing.csp_errors.append(text)
        elif message.type == "error" and not text.startswith("Failed to load resource"):
            errors.append(text)  # allauth's script reports a refused ceremony here

    page.on("console", console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return browsing, errors


def plug_in_a_key(browsing: Browsing) -> tuple[CDPSession, str]:
    """A virtual platform authenticator that says yes to every request, as a person touching
    their key (and unlocking it) would."""
    cdp = browsing.page.context.new_cdp_session(browsing.page)
    cdp.send("WebAuthn.enable", {"enableUI": False})
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp, added["authenticatorId"]


def password_step(browsing: Browsing) -> None:
    page = browsing.visit("/accounts/login/")
    page.get_by_label("Email").fill(EMAILS[PERSONA])
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    browsing.submit("Sign in")


def test_a_case_worker_adds_a_security_key_and_signs_in_with_it_instead_of_a_code(browser, site):
    browsing, errors = on_localhost(browser, site)
    page = browsing.page
    cdp, authenticator = plug_in_a_key(browsing)

    password_step(browsing)  # the first time, with the authenticator app
    page.get_by_label("Code").fill(totp_code(demo_totp_secret(PERSONA)))
    browsing.submit("Sign in")
    expect(page.get_by_role("heading", level=1)).to_contain_text("My queue")

    browsing.visit("/accounts/2fa/")
    page.get_by_role("link", name="Add", exact=True).click()
    page.wait_for_url("**/accounts/reauthenticate/**")  # allauth asks for the password again
    browsing.check()
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    browsing.submit("Confirm")
    assert page.url == f"{browsing.base}/accounts/2fa/webauthn/add/"
    browsing.check()
    page.get_by_label("Name").fill("Desk key")
    with page.expect_navigation():
        page.get_by_role("button", name="Add", exact=True).click()
    browsing.check()
    assert "/webauthn/add/" not in page.url, errors
    expect(page.get_by_role("status")).to_contain_text("Security key added")

    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})
    assert [c["rpId"] for c in credentials["credentials"]] == ["localhost"]
    keys = browsing.visit("/accounts/2fa/webauthn/")
    expect(keys.get_by_role("table")).to_contain_text("Desk key")

    browsing.submit("Sign out")
    expect(page).to_have_url(f"{browsing.base}/accounts/login/")

    password_step(browsing)  # the second time, with the key and no code
    expect(page).to_have_url(f"{browsing.base}/accounts/2fa/authenticate/")
    browsing.check()
    with page.expect_navigation(url=lambda url: "/accounts/" not in url):
        page.get_by_role("button", name="Use a security key").click()
    browsing.check()
    expect(page.get_by_role("heading", level=1)).to_contain_text("My queue")
    assert not errors, errors

    used = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})
    assert used["credentials"][0]["signCount"] >= 2  # made once, then signed in with
    page.context.close()
