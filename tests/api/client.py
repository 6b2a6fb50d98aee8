"""A test client for the API: tokens for any persona of ``world``, JSON in and out."""

from __future__ import annotations

import json
from typing import Any

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.http import HttpResponse
from django.test import Client

from dueprocess.accounts.models import User
from dueprocess.api.tokens import SCOPES, api_token_create

ALL_SCOPES = tuple(SCOPES)


def enrol(user: User) -> None:
    """Give ``user`` an authenticator app, as a case worker must have before minting a token."""
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, generate_totp_secret())


class ApiClient:
    def __init__(self, people: dict[str, User]) -> None:
        self.people = people
        self.client = Client()
        self._tokens: dict[tuple[str, tuple[str, ...]], str] = {}

    def token(self, persona: str, scopes: tuple[str, ...] = ALL_SCOPES) -> str:
        key = (persona, tuple(sorted(scopes)))
        if key not in self._tokens:
            user = self.people[persona]
            enrol(user)
            issued = api_token_create(actor=user, name=f"{persona} tests", scopes=scopes)
            self._tokens[key] = issued.secret
        return self._tokens[key]

    def call(
        self,
        method: str,
        path: str,
        *,
        persona: str | None = None,
        body: Any = None,
        token: str | None = None,
        scopes: tuple[str, ...] = ALL_SCOPES,
        raw: bytes | str | None = None,
        content_type: str = "application/json",
        headers: dict[str, str] | None = None,
    ) -> HttpResponse:
        extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in (headers or {}).items()}
        secret = token or (self.token(persona, scopes) if persona else None)
        if secret:
            extra["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
        data: bytes | str = b""
        if raw is not None:
            data = raw
        elif body is not None:
            data = json.dumps(body)
        return self.client.generic(
            method, "/api/v1" + path, data=data, content_type=content_type, **extra
        )

    def upload(self, path: str, fields: dict[str, Any], persona: str) -> HttpResponse:
        """A ``multipart/form-data`` POST (files as ``SimpleUploadedFile`` values)."""
        return self.client.post(
            "/api/v1" + path, fields, HTTP_AUTHORIZATION=f"Bearer {self.token(persona)}"
        )

    def get(self, path: str, persona: str | None = None, **kwargs: Any) -> HttpResponse:
        return self.call("GET", path, persona=persona, **kwargs)

    def post(
        self, path: str, body: Any = None, persona: str | None = None, **kwargs: Any
    ) -> HttpResponse:
        return self.call(
            "POST", path, persona=persona, body=body if body is not None else {}, **kwargs
        )


def problem_of(response: HttpResponse) -> dict[str, Any]:
    assert response["Content-Type"].startswith("application/problem+json"), response.content
    body = json.loads(response.content)
    assert body["status"] == response.status_code
    return body  # type: ignore[no-any-return]


def problem_code(response: HttpResponse) -> str:
    return str(problem_of(response)["type"]).rsplit("/", 1)[-1]
