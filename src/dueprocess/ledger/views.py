"""Public endpoints: the log as C2SP tlog-tiles — the served checkpoint (with its witnesses'
cosignatures), hash tiles and entry bundles — and the log's verifier key.

All are public by design, with no sign-in: they reveal tree sizes, hashes and entries that hold
only pseudonyms and commitments, which is what lets anyone (a witness, a journalist, a
regulator) mirror the log and hold it to its history.
"""

from __future__ import annotations

import gzip

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from dueprocess.ledger import keys
from dueprocess.ledger.checkpoints import published_note
from dueprocess.ledger.tiles import Unpublishable, entry_bundle, hash_tile, served_checkpoint
from dueprocess.tlog.tiles import TILE_WIDTH, TileError, parse_tile_path

#: Full tiles and bundles never change; partial ones are superseded as the log grows.
IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=60"


def _missing(message: str, status: int = 404) -> HttpResponse:
    response = HttpResponse(message + "\n", status=status, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def latest_checkpoint(request: HttpRequest) -> HttpResponse:
    latest = served_checkpoint()
    if latest is None:
        return _missing("no checkpoint that meets the witness quorum yet")
    response = HttpResponse(published_note(latest), content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def verifier_key(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(keys.vkey() + "\n", content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def tile(request: HttpRequest, path: str) -> HttpResponse:
    """``tile/<L>/<N>[.p/<W>]`` and ``tile/entries/<N>[.p/<W>]`` within the served tree."""
    try:
        level, index, width = parse_tile_path(path)
    except TileError as error:
        return _missing(f"not a tile: {error}")
    served = served_checkpoint()
    if served is None:
        return _missing("no checkpoint that meets the witness quorum yet")
    try:
        if level is None:
            data = entry_bundle(index, width, served.size)
        else:
            data = hash_tile(level, index, width, served.size)
    except Unpublishable as error:
        return _missing(str(error), status=503)
    if data is None:
        return _missing(f"beyond the served checkpoint (size {served.size})")
    response = HttpResponse(data, content_type="application/octet-stream")
    response["Cache-Control"] = IMMUTABLE if width == TILE_WIDTH else SHORT
    if level is None:  # entry bundles compress well; the spec asks for it at the HTTP layer
        patch_vary_headers(response, ["Accept-Encoding"])
        if "gzip" in request.headers.get("Accept-Encoding", ""):
            response.content = gzip.compress(data, mtime=0)
            response["Content-Encoding"] = "gzip"
    return response
