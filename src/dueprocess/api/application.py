"""The API object: routers, the guards every request passes, and errors as problem details.

Before anything else, a request body larger than the API accepts is refused (413) unread, and a
body that is not JSON is refused (415). Every error — from a service, from input validation,
from authentication — leaves as ``application/problem+json`` with a stable ``type``; an
unexpected failure is logged and answered with a 500 problem, never an HTML page.
"""

from __future__ import annotations

import copy
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from dueprocess.api import problems
from dueprocess.api.auth import MissingScope
from dueprocess.api.docs import PROBLEM_SCHEMA
from dueprocess.api.endpoints import (
    advice,
    appeals,
    approaches,
    cases,
    casework,
    dossiers,
    emergency,
    hearings,
    ledger,
    letters,
    me,
    members,
    messages,
    oversight,
    panels,
    parties,
    parts,
    privacy,
    reviews,
    signoffs,
    staff,
    steps,
    summaries,
)
from dueprocess.api.limits import guard_body
from dueprocess.api.tokens import SCOPES
from dueprocess.errors import DomainError

DESCRIPTION = """\
The dueprocess REST API: the same services and access rules as the staff web app, for
membership systems, ticketing and reporting tools.

* **Authentication**: `Authorization: Bearer dp_…` with a personal API token. A token acts for
  its owner — every call is recorded on the ledger as theirs — and only within its scopes.
* **Errors** are RFC 9457 problem details (`application/problem+json`); branch on `type`.
* **Lists** are paged with an opaque `cursor`.
* A case you may not know exists and a case that does not exist give the same 404.
"""


class DueProcessAPI(NinjaAPI):
    """NinjaAPI whose document is finished once and then served as is (it never changes
    while the process runs)."""

    _finished: dict[str, Any] | None = None

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: Any = None) -> Any:
        if self._finished is None:
            schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
            self._finished = finish_schema(schema)
        return copy.deepcopy(self._finished)


def finish_schema(schema: Any) -> Any:
    """What django-ninja cannot say on its own: the problem schema, the scope each operation
    needs (as OpenAPI 3.1 allows for bearer schemes), and the non-JSON success bodies."""
    components = schema.setdefault("components", {})
    components.setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    scheme = components.setdefault("securitySchemes", {}).get("TokenAuth")
    if scheme is not None:
        scheme["description"] = "A personal API token. Scopes: " + "; ".join(
            f"`{name}` — {what}" for name, what in SCOPES.items()
        )
    for path in schema["paths"].values():
        for operation in path.values():
            scope = operation.get("x-required-scope")
            if scope:
                operation["security"] = [{"TokenAuth": [scope]}]
            extra = (
                ledger.SUCCESS_CONTENT
                | oversight.SUCCESS_CONTENT
                | letters.SUCCESS_CONTENT
                | privacy.SUCCESS_CONTENT
            ).get(operation.get("operationId", ""))
            if extra:
                operation["responses"].update({str(k): v for k, v in extra.items()})
                operation["responses"].pop(200, None)
    if not schema.get("servers"):
        schema.pop("servers", None)
    return schema


api = DueProcessAPI(
    title="dueprocess API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    docs_url=None,
)
api.add_decorator(guard_body, mode="view")  # "view": wraps the whole run, before auth
api.add_router("", cases.router)
api.add_router("", steps.router)
api.add_router("", parts.router)
api.add_router("", casework.router)
api.add_router("", letters.router)
api.add_router("", messages.router)
api.add_router("", parties.router)
api.add_router("", summaries.router)
api.add_router("", hearings.router)
api.add_router("", panels.router)
api.add_router("", appeals.router)
api.add_router("", reviews.router)
api.add_router("", approaches.router)
api.add_router("", advice.router)
api.add_router("", signoffs.router)
api.add_router("", emergency.router)
api.add_router("", members.router)
api.add_router("", dossiers.router)
api.add_router("", ledger.router)
api.add_router("", oversight.router)
api.add_router("", me.router)
api.add_router("", staff.router)
api.add_router("", privacy.router)


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, error: DomainError) -> HttpResponse:
    return problems.from_domain_error(request, error)


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, error: ValidationError) -> HttpResponse:
    fields = problems.validation_errors(error.errors)
    summary = "; ".join(f"{field}: {message}" for field, message in list(fields.items())[:3])
    return problems.problem(request, "validation", f"Check the request: {summary}.", errors=fields)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    return problems.unauthenticated(request)


@api.exception_handler(MissingScope)
def _missing_scope(request: HttpRequest, error: MissingScope) -> HttpResponse:
    return problems.problem(
        request,
        "forbidden",
        f"This token does not have the scope {error.scope}.",
        headers={
            "WWW-Authenticate": (
                f'Bearer realm="dueprocess", error="insufficient_scope", scope="{error.scope}"'
            )
        },
    )


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    if error.status_code == 400:
        return problems.problem(request, "malformed-request", "The body is not valid JSON.")
    code = {404: "not-found", 403: "forbidden", 401: "unauthenticated"}.get(
        error.status_code, "domain-error"
    )
    return problems.problem(request, code, str(error), status=error.status_code)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, error: Http404) -> HttpResponse:
    return problems.problem(request, "not-found", "There is nothing here.")


@api.exception_handler(Exception)
def _unexpected(request: HttpRequest, error: Exception) -> HttpResponse:
    return problems.server_error(request, error)
