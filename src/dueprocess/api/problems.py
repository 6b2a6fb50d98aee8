"""RFC 9457 problem details: every error the API returns, in one shape.

Each domain error's stable ``code`` becomes the problem ``type`` URI, so a client can branch on
``type`` and never parse English. Errors from the API layer itself (malformed JSON, missing or
bad token, a body too large) use the same shape. A case you may not know exists and a case that
does not exist give byte-for-byte the same 404.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from django.http import HttpRequest, HttpResponse

from dueprocess.errors import DomainError
from dueprocess.lib.bidi import escaped_in_json

log = logging.getLogger(__name__)

MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "https://dueprocess.invalid/problems/"

#: code → (status, title). Titles are stable; ``detail`` says what happened this time.
PROBLEMS: dict[str, tuple[int, str]] = {
    "validation": (422, "The request is not valid"),
    "illegal-transition": (409, "That step cannot be taken now"),
    "reason-required": (422, "Written reasons are required"),
    "conflict-of-interest": (409, "Conflict of interest"),
    "stale-state": (409, "The case has changed"),
    "idempotency-key-reused": (422, "The idempotency key was used for a different request"),
    "not-found": (404, "Not found"),
    "forbidden": (403, "Forbidden"),
    "unauthenticated": (401, "Authentication required"),
    "malformed-request": (400, "The request could not be read"),
    "payload-too-large": (413, "The request is too large"),
    "unsupported-media-type": (415, "Send JSON (or multipart/form-data for an upload)"),
    "evidence-corrupted": (409, "The stored file failed its integrity check; not served"),
    "method-not-allowed": (405, "Method not allowed"),
    "ledger-unsound": (503, "The ledger holds an invalid entry; nothing was signed"),
    "ledger-unwitnessed": (503, "The log's witnesses did not cosign in time; nothing was exported"),
    "domain-error": (400, "The request was refused"),
    "server-error": (500, "Something went wrong on our side"),
}


def problem_type(code: str) -> str:
    return TYPE_BASE + code


def problem(
    request: HttpRequest,
    code: str,
    detail: str,
    *,
    status: int | None = None,
    errors: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    """A problem+json response for ``code`` (one of ``PROBLEMS``)."""
    default_status, title = PROBLEMS[code]
    body: dict[str, Any] = {
        "type": problem_type(code),
        "title": title,
        "status": status or default_status,
        "detail": detail,
        "instance": request.path,
    }
    if errors:
        body["errors"] = errors
    # A field name echoed from the request may hold a lone surrogate: never fail on it.
    response = HttpResponse(
        escaped_in_json(json.dumps(body, ensure_ascii=False)).encode("utf-8", "replace"),
        status=status or default_status,
        content_type=f"{MEDIA_TYPE}; charset=utf-8",
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def from_domain_error(request: HttpRequest, error: DomainError) -> HttpResponse:
    code = error.code if error.code in PROBLEMS else "domain-error"
    return problem(request, code, error.message, status=error.status, errors=error.fields or None)


def unauthenticated(request: HttpRequest, detail: str = "") -> HttpResponse:
    return problem(
        request,
        "unauthenticated",
        detail or "Send a valid API token: Authorization: Bearer dp_…",
        headers={"WWW-Authenticate": 'Bearer realm="dueprocess", error="invalid_token"'},
    )


#: A location step that is one of pydantic's validators, not a field: ``function-wrap[…]``,
#: ``function-after[…]``, ``tagged-union[…]``, ``json-or-python[…]`` and the like.
_VALIDATOR_STEP = re.compile(r"^[a-z]+(?:-[a-z]+)*\[.*\]$")


def validation_errors(raw: list[dict[str, Any]]) -> dict[str, str]:
    """Turn django-ninja's pydantic error list into ``field → message``.

    Locations start with where the value came from (body, query, path, header) and, for bodies,
    the name of the body parameter; clients know neither, so both are dropped. So are the steps
    pydantic adds for its own validators (``function-wrap[_run_root_validator()]``,
    ``tagged-union[…]``): they name our code, not a field of the request.
    """
    errors: dict[str, str] = {}
    for item in raw:
        location = [str(part) for part in item.get("loc", ())]
        source, rest = (location[0], location[1:]) if location else ("body", [])
        if source == "body" and rest:
            rest = rest[1:]
        field = ".".join(part for part in rest if not _VALIDATOR_STEP.match(part)) or source
        errors.setdefault(field, str(item.get("msg", "Invalid value.")))
    return errors


def server_error(request: HttpRequest, error: BaseException) -> HttpResponse:
    log.error("unhandled error in %s %s", request.method, request.path, exc_info=error)
    return problem(request, "server-error", "The error has been logged.")
