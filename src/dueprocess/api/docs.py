"""How each operation is described in the OpenAPI document.

Every operation states its summary, what it does and why, the scope it needs, an example of
what to send and what comes back, every problem it can answer with (as
``application/problem+json``), and — where one response names a resource another operation
takes — an OpenAPI link, so generated clients and stateful testers can follow the workflow.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from dueprocess.api.auth import scoped
from dueprocess.api.problems import MEDIA_TYPE, PROBLEMS, TYPE_BASE, problem_type

REFERENCE_EXAMPLE = "C-2026-00042"

_WHEN = {
    400: "The body is not JSON, or not an object.",
    401: "No token, or one that is unknown, expired or revoked.",
    403: "The token lacks the scope, or its owner may see the case but not do this.",
    404: "No such case — or one the token's owner may not know exists.",
    409: "The case is in the wrong stage, changed meanwhile, or the person is conflicted.",
    413: "The body is larger than the API accepts.",
    415: "The body is not sent as application/json.",
    422: "A field is missing or invalid, or written reasons are required.",
    503: "The ledger cannot sign now: it holds an invalid entry, or its witnesses did not cosign"
    " in time.",
}
_CODE_FOR_STATUS = {
    400: "malformed-request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not-found",
    409: "illegal-transition",
    413: "payload-too-large",
    415: "unsupported-media-type",
    422: "validation",
    503: "ledger-unwitnessed",
}
PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "An RFC 9457 problem. Branch on `type`, which is stable per kind of error.",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {
            "type": "string",
            "format": "uri",
            "enum": [problem_type(code) for code in PROBLEMS],
        },
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {
            "type": "object",
            "description": "For invalid input: each field that is wrong, and what is wrong.",
            "additionalProperties": {"type": "string"},
        },
    },
}


def problem_response(status: int) -> dict[str, Any]:
    code = _CODE_FOR_STATUS[status]
    example = {
        "type": TYPE_BASE + code,
        "title": PROBLEMS[code][1],
        "status": status,
        "detail": _WHEN[status],
        "instance": f"/api/v1/cases/{REFERENCE_EXAMPLE}",
    }
    if status == 422:
        example["errors"] = {"reasons": "Required when departing from the recommendation."}
    response: dict[str, Any] = {
        "description": _WHEN[status],
        "content": {
            MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}, "example": example}
        },
    }
    if status == 401:
        response["headers"] = {
            "WWW-Authenticate": {
                "description": 'Always `Bearer realm="dueprocess"`, with the error.',
                "required": True,
                "schema": {"type": "string"},
            }
        }
    return response


def documented(
    operation_id: str,
    summary: str,
    description: str,
    *,
    scope: str | None,
    permission: str = "",
    errors: Iterable[int] = (),
    request: dict[str, Any] | None = None,
    response: Any = None,
    status: int = 200,
    links: dict[str, Any] | None = None,
    headers: dict[str, Any] | None = None,
    request_type: str = "application/json",
) -> dict[str, Any]:
    """Keyword arguments for a router decorator. ``scope=None``: a public operation.
    ``permission``: an ``access.policy`` action checked with the token, before the body is read."""
    statuses = set(errors)
    if scope is not None:
        statuses |= {401, 403}
    if request is not None:
        statuses |= {400, 413, 415, 422}
    responses: dict[int, Any] = {code: problem_response(code) for code in sorted(statuses)}
    success: dict[str, Any] = {}
    if response is not None:
        success["content"] = {"application/json": {"example": response}}
    if links:
        success["links"] = links
    if headers:
        success["headers"] = headers
    if success:
        responses[status] = success
    extra: dict[str, Any] = {"responses": responses}
    if request is not None:
        extra["requestBody"] = {"content": {request_type: {"example": request}}}
    if scope:
        extra["x-required-scope"] = scope
        description += f"\n\nNeeds a token with the scope `{scope}`."
    elif scope is not None:
        description += "\n\nNeeds a live token (any scope)."
    kwargs: dict[str, Any] = {
        "operation_id": operation_id,
        "summary": summary,
        "description": description,
        "openapi_extra": extra,
    }
    kwargs["auth"] = scoped(scope, permission) if scope is not None else None
    return kwargs


def link(operation_id: str, description: str, **parameters: str) -> dict[str, Any]:
    return {"operationId": operation_id, "parameters": parameters, "description": description}


def file_download(operation_id: str, summary: str, description: str) -> dict[str, Any]:
    """``documented`` for an endpoint that answers with a stored file's bytes (evidence, a
    party's file): read scope, a 409 for a file that fails its hash check, and a binary 200."""
    kwargs = documented(
        operation_id, summary, description, scope="cases:read", errors=[404, 409, 422]
    )
    kwargs["openapi_extra"]["responses"][200] = {
        "description": "The file, as received (Content-Type: its detected type).",
        "content": {
            "application/octet-stream": {
                "schema": {"type": "string", "format": "binary"},
                "example": "(the file's bytes)",
            }
        },
    }
    return kwargs
