"""Request size and media type: refused before authentication, before anything is parsed.

A body is read into memory to be parsed, so its size is checked against ``Content-Length``
first: an oversized request costs the server nothing. Most operations take small JSON
documents (256 KiB is generous for a case with its allegations); a bulk import may take more.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from dueprocess.api import problems

MAX_BODY_BYTES = 256 * 1024
IMPORT_BODY_BYTES = 2 * 1024 * 1024
_BODY_METHODS = ("POST", "PUT", "PATCH")


def allow_body(limit: int) -> Callable[[Any], Any]:
    """Let one operation take a larger body than ``MAX_BODY_BYTES`` (bulk imports)."""

    def mark(view: Any) -> Any:
        view.max_body_bytes = limit
        return view

    return mark


def allow_upload(view: Any) -> Any:
    """Let one operation take a ``multipart/form-data`` file upload (evidence), up to the
    upload cap; its non-file fields are still bounded by ``DATA_UPLOAD_MAX_MEMORY_SIZE``."""
    from dueprocess.evidence.uploads import upload_cap

    view.max_body_bytes = upload_cap() + 64 * 1024
    view.multipart = True
    return view


def upload_refusal(request: HttpRequest) -> HttpResponse | None:
    """For an upload, once its case is gated: a body over the cap (413) or not
    ``multipart/form-data`` with a boundary (415) is refused before any of it is read."""
    from dueprocess.evidence.uploads import upload_cap

    limit = upload_cap() + 64 * 1024
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    if length > limit:
        return problems.problem(
            request, "payload-too-large", f"Send at most {limit // 1024} KiB in one request."
        )
    if (request.content_type or "") != "multipart/form-data":
        return problems.problem(
            request,
            "unsupported-media-type",
            "Send the body as multipart/form-data, with the file in the part named file.",
        )
    if not (request.content_params or {}).get("boundary"):
        return problems.problem(
            request,
            "malformed-request",
            "The multipart/form-data body has no boundary: send Content-Type: "
            "multipart/form-data; boundary=...",
        )
    return None


def _view_of(run: Callable[..., HttpResponse]) -> Any:
    return getattr(getattr(run, "__self__", None), "view_func", None)


def body_limit_of(run: Callable[..., HttpResponse]) -> int:
    view = _view_of(run)
    wanted = int(getattr(view, "max_body_bytes", MAX_BODY_BYTES))
    if getattr(view, "multipart", False):
        return wanted
    return min(wanted, settings.DATA_UPLOAD_MAX_MEMORY_SIZE or wanted)


def guard_body(run: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Refuse oversized and non-JSON bodies before authentication reads anything."""

    @functools.wraps(run)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method in _BODY_METHODS:
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                return problems.problem(request, "malformed-request", "Bad Content-Length.")
            if getattr(_view_of(run), "multipart", False):
                # an upload names a case: the view resolves and gates it first, then asks
                # upload_refusal -- a refusal here would answer a hidden case unlike a missing one
                return run(request, *args, **kwargs)
            limit = body_limit_of(run)
            if length > limit:
                return problems.problem(
                    request,
                    "payload-too-large",
                    f"Send at most {limit // 1024} KiB in one request.",
                )
            media = request.content_type or ""
            if length and not (media == "application/json" or media.endswith("+json")):
                return problems.problem(
                    request, "unsupported-media-type", "Send the body as application/json."
                )
        return run(request, *args, **kwargs)

    return guarded
