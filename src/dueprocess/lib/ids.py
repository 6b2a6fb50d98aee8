"""Identifiers that are safe to show: random tokens and request ids."""

from __future__ import annotations

import contextlib
import contextvars
import secrets
from collections.abc import Iterator

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar(
    "dueprocess_request_id", default=""
)


def new_token(nbytes: int = 16) -> str:
    """A URL-safe random token from the OS CSPRNG (128 bits by default)."""
    return secrets.token_urlsafe(nbytes)


def current_request_id() -> str:
    """The id of the request or command being served; every ledger entry carries it."""
    value = _request_id.get()
    return value or "cli-" + secrets.token_hex(6)


@contextlib.contextmanager
def request_scope(request_id: str | None = None) -> Iterator[str]:
    """Bind a request id for the duration of a request, command or job."""
    value = request_id or secrets.token_hex(8)
    token = _request_id.set(value)
    try:
        yield value
    finally:
        _request_id.reset(token)
