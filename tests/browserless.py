"""A tiny cookie-keeping HTTP client for tests against a live server (no browser needed)."""

from __future__ import annotations

import http.cookiejar
import re
import time
import urllib.error
import urllib.parse
import urllib.request


class Client:
    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> tuple[int, str]:
        try:
            with self.opener.open(self.base + path, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def post(self, path: str, data: dict[str, str], *, referer: str = "") -> tuple[int, str]:
        request = urllib.request.Request(
            self.base + path,
            data=urllib.parse.urlencode(data).encode(),
            headers={"Referer": self.base + (referer or path)},
        )
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def csrf(self, html: str) -> str:
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        assert match, "no CSRF token on the page"
        return match.group(1)

    def sign_in(self, email: str, password: str, *, totp_secret: str = "") -> tuple[int, str]:
        """Password, then (when asked) a code computed from the authenticator secret."""
        _, html = self.get("/accounts/login/")
        status, html = self.post(
            "/accounts/login/",
            {"csrfmiddlewaretoken": self.csrf(html), "login": email, "password": password},
        )
        if totp_secret and 'name="code"' in html:
            from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

            code = format_hotp_value(hotp_value(totp_secret, int(time.time()) // 30))
            status, html = self.post(
                "/accounts/2fa/authenticate/",
                {"csrfmiddlewaretoken": self.csrf(html), "code": code},
            )
        return status, html
