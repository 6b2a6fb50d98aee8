"""Bearer-token authentication with scopes, for django-ninja.

Each operation names the one scope it needs. A missing, unknown, expired or revoked token is a
401 (``WWW-Authenticate: Bearer``); a live token without the scope is a 403 that is recorded on
the ledger as a denial of its owner, like any other refused attempt.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.http import HttpRequest
from ninja.security import HttpBearer

from dueprocess.access.enforcement import record_denial
from dueprocess.access.rules import require
from dueprocess.api.models import ApiToken
from dueprocess.api.tokens import SCOPES, token_for_secret
from dueprocess.errors import AccessDenied

if TYPE_CHECKING:
    from dueprocess.accounts.models import User


class MissingScope(Exception):
    def __init__(self, scope: str) -> None:
        super().__init__(scope)
        self.scope = scope


class TokenAuth(HttpBearer):
    """``Authorization: Bearer dp_…`` with the scope ``scope``."""

    openapi_bearerFormat = "dp_ token"

    def __init__(self, scope: str = "", permission: str = "") -> None:
        if scope and scope not in SCOPES:
            raise ValueError(f"unknown scope {scope!r}")
        self.scope = scope
        self.permission = permission
        super().__init__()

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = token_for_secret(token.strip())
        if found is None:
            return None
        if self.scope and self.scope not in found.scopes:
            record_denial(
                AccessDenied(
                    actor=found.owner,
                    action=f"api.{self.scope}",
                    case_id=None,
                    reason=f"token {found.prefix} lacks the scope {self.scope}",
                    reveal=True,
                )
            )
            raise MissingScope(self.scope)
        if self.permission:
            self._require_permission(found)
        return found

    def _require_permission(self, found: ApiToken) -> None:
        """Refuse, before the body is even parsed, someone whose roles never allow the operation:
        they learn nothing from the validation of a body they may not send (403, not 422)."""
        try:
            require(found.owner, self.permission)
        except AccessDenied as denied:
            record_denial(denied)
            raise denied.as_domain_error() from None


def actor(request: HttpRequest) -> User:
    """The person the request acts for: the owner of its token."""
    token = cast(ApiToken, request.auth)  # type: ignore[attr-defined]
    return token.owner


def token_of(request: HttpRequest) -> ApiToken:
    return cast(ApiToken, request.auth)  # type: ignore[attr-defined]


def scoped(scope: str, permission: str = "") -> list[TokenAuth]:
    """The ``auth=`` value for an operation that needs ``scope`` (empty: any live token) and,
    when given, the case-independent ``permission`` of ``access.policy``."""
    return [TokenAuth(scope, permission)]
