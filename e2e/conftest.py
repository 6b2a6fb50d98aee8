"""Browser tests: Debian's Chromium, driven by Playwright, against ``dueprocess serve``.

One demo organisation is built per run (``dueprocess demo --no-serve`` on a scratch database,
SQLite or PostgreSQL) and served by a real server process. Each persona signs in once — e-mail,
password, then a code computed from their demo authenticator secret with allauth's own TOTP
function — and the signed-in browser state is reused, so a code is never replayed. Every page
a test visits goes through ``Browsing.visit``, which runs axe-core on it and fails on any
serious or critical violation, and fails on any Content-Security-Policy violation.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from dueprocess.demo.personas import DEMO_PASSWORD, PERSONAS, demo_totp_secret
from tests.scratch import run, scratch_env, serving

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEMO_CASES = "60"
SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
BLOCKING_IMPACTS = ("serious", "critical")
EMAILS = {persona.key: persona.email for persona in PERSONAS}


#: The last window whose code was typed, per secret: allauth refuses a code already used.
_TYPED: dict[str, int] = {}


def totp_code(secret: str) -> str:
    """The current code for ``secret``, by allauth's own algorithm; waits out the last seconds
    of a 30-second window so the code cannot expire between typing and checking, and waits for
    the next window when this one's code was typed already (allauth refuses a code twice, so a
    second sign-in as the same person within one window would fail)."""
    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    period = app_settings.TOTP_PERIOD
    if period - time.time() % period < 3:
        time.sleep(period - time.time() % period + 0.2)
    while int(time.time()) // period <= _TYPED.get(secret, -1):
        time.sleep(period - time.time() % period + 0.2)
    window = int(time.time()) // period
    _TYPED[secret] = window
    return format_hotp_value(hotp_value(secret, window))


#: What ``dueprocess demo`` printed (the sign-in details, including recovery codes).
DEMO_OUTPUT: dict[str, str] = {}


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of a served demo organisation."""
    with scratch_env(tmp_path_factory.mktemp("e2e")) as env:
        built = run(env, "demo", "--no-serve", "--cases", DEMO_CASES)
        assert built.returncode == 0, built.stderr
        DEMO_OUTPUT["stdout"] = built.stdout
        with serving(env) as base:
            yield base


def printed_recovery_code(persona: str) -> str:
    """The recovery code ``dueprocess demo`` printed under the persona's e-mail address."""
    lines = DEMO_OUTPUT["stdout"].splitlines()
    at = next(i for i, line in enumerate(lines) if EMAILS[persona] in line)
    return lines[at + 1].rsplit("recovery code ", 1)[1].strip()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def sign_in(page: Page, base: str, persona: str, *, code: str = "") -> None:
    """E-mail and password, then the authenticator code (or a recovery code): the whole real
    sign-in."""
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(EMAILS[persona])
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Code").fill(code or totp_code(demo_totp_secret(persona)))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/accounts/" not in url)


@dataclass
class Browsing:
    """A signed-in page that checks every page it visits."""

    page: Page
    base: str
    axe: Axe
    csp_errors: list[str] = field(default_factory=list)

    def visit(self, path: str, *, status: int = 200) -> Page:
        response = self.page.goto(self.base + path)
        assert response is not None and response.status == status, (path, response)
        self.check()
        return self.page

    def check(self, shot: str = "") -> None:
        """axe-core on the current page, and no CSP violation so far; optionally a screenshot."""
        self.page.wait_for_load_state("load")
        results = self.axe.run(self.page)
        blocking = [
            f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"]
            if v.get("impact") in BLOCKING_IMPACTS
        ]
        assert not blocking, f"{self.page.url}:\n" + "\n".join(blocking)
        assert not self.csp_errors, self.csp_errors
        if shot and os.environ.get("DUEPROCESS_SCREENSHOTS") == "1":
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(SCREENSHOTS / f"{shot}.png"), full_page=True)

    def submit(self, button: str) -> None:
        with self.page.expect_navigation():
            self.page.get_by_role("button", name=button).click()
        self.check()


@pytest.fixture(scope="session")
def states(browser: Browser, site: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Signed-in browser state per persona, made on first use."""
    return {"dir": tmp_path_factory.mktemp("states")}


def _context(browser: Browser, saved: Path) -> BrowserContext:
    return browser.new_context(
        viewport={"width": 1280, "height": 900},
        locale="en-GB",
        storage_state=str(saved) if saved.exists() else None,
    )


@pytest.fixture
def as_persona(browser: Browser, site: str, states: dict[str, Any]) -> Iterator[Any]:
    """``as_persona("priya")`` gives a checked, signed-in ``Browsing`` for that persona."""
    opened: list[BrowserContext] = []
    axe = Axe()

    def open_as(persona: str) -> Browsing:
        saved = states["dir"] / f"{persona}.json"
        context = _context(browser, saved)
        opened.append(context)
        browsing = _browsing(context, site, axe)
        if not saved.exists():
            sign_in(browsing.page, site, persona)
            context.storage_state(path=str(saved))
        return browsing

    yield open_as
    for context in opened:
        context.close()


@pytest.fixture
def visitor(browser: Browser, site: str) -> Iterator[Any]:
    """``visitor(javascript=...)``: a browser with no account (a complainant, a respondent),
    its pages checked like the staff pages."""
    opened: list[BrowserContext] = []
    axe = Axe()

    def open_one(*, javascript: bool = True) -> Browsing:
        context = browser.new_context(
            viewport={"width": 1280, "height": 900}, locale="en-GB", java_script_enabled=javascript
        )
        opened.append(context)
        return _browsing(context, site, axe)

    yield open_one
    for context in opened:
        context.close()


def _browsing(context: BrowserContext, site: str, axe: Axe) -> Browsing:
    """A new page of ``context`` that fails its test on any Content-Security-Policy report."""
    page = context.new_page()
    browsing = Browsing(page=page, base=site, axe=axe)
    page.on("console", lambda m: _csp(m.text, browsing.csp_errors))
    return browsing


def _csp(text: str, errors: list[str]) -> None:
    if "Content Security Policy" in text or "Content-Security-Policy" in text:
        errors.append(text)
