"""Public endpoints: the latest signed checkpoint (with its witnesses' cosignatures) and the
log's verifier key.

Both are public by design — they reveal only a tree size and a root hash, which is what lets
anyone (a witness, a journalist, a regulator) hold the log to its history.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from dueprocess.ledger import keys
from dueprocess.ledger.checkpoints import published_note
from dueprocess.ledger.models import Checkpoint


@require_GET
def latest_checkpoint(request: HttpRequest) -> HttpResponse:
    latest = Checkpoint.objects.order_by("-size").first()
    if latest is None:
        return HttpResponse(
            "no checkpoint yet\n", status=404, content_type="text/plain; charset=utf-8"
        )
    response = HttpResponse(published_note(latest), content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def verifier_key(request: HttpRequest) -> HttpResponse:
    return HttpResponse(keys.vkey() + "\n", content_type="text/plain; charset=utf-8")
