"""How a stored file (evidence, a party's file) leaves the server, on the web and in the API
alike: as an attachment of its detected type, never sniffed by the browser into something it
can run, and never kept in a cache (it is case data, and each download is a recorded read)."""

from __future__ import annotations

from django.http import HttpResponse


def file_attachment(content: bytes, media_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=media_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response
