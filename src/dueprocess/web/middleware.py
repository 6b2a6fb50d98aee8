"""Request-wide concerns: a request id for the ledger, and no caching of sensitive pages."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from dueprocess.lib.bidi import shown_in_utf8
from dueprocess.lib.ids import request_scope


class RequestIdMiddleware:
    """Bind a fresh request id so every ledger entry of this request carries the same one."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with request_scope() as request_id:
            request.request_id = request_id  # type: ignore[attr-defined]
            response = self.get_response(request)
            response["X-Request-Id"] = request_id
            return response


class NoStoreMiddleware:
    """Case data must never sit in a browser or proxy cache (ASVS 14.3.2).

    The public log under ``/ledger/`` (checkpoint, tiles, key: nothing personal) sets its own
    caching, as tlog-tiles asks: full tiles are immutable and meant to be cached by anyone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        public_log = request.path.startswith("/ledger/") and "Cache-Control" in response
        if not request.path.startswith("/static/") and not public_log:
            response["Cache-Control"] = "no-store"
        return response


class VisibleDirectionControlsMiddleware:
    """Show right-to-left overrides and the other direction controls in pages and CSV exports
    as a visible ``[U+202E]`` instead of letting them reorder a title (``lib.bidi``). One place
    for every page, so no template can forget it; stored text is never changed."""

    _TYPES = ("text/html", "text/csv")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        media = response.get("Content-Type", "").split(";")[0].strip()
        if media in self._TYPES and not response.streaming:
            content = shown_in_utf8(response.content)
            if content != response.content:
                response.content = content
                if response.has_header("Content-Length"):
                    response["Content-Length"] = str(len(content))
        return response
