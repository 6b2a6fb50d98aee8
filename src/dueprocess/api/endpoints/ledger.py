"""The ledger: the latest signed checkpoint (public) and a case's proof bundle.

The checkpoint is public on purpose — it reveals only a tree size and a root hash, which is
what lets anyone hold the log to its history. A proof bundle lets someone holding it check,
without the database, that every entry about a case is in that history.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router

from dueprocess.access.enforcement import case_gate
from dueprocess.api import examples as ex
from dueprocess.api.auth import actor
from dueprocess.api.docs import documented
from dueprocess.api.endpoints.cases import Ref
from dueprocess.cases.proofs import case_proof_bundle
from dueprocess.errors import NotFound
from dueprocess.ledger.checkpoints import published_note
from dueprocess.ledger.models import Checkpoint

router = Router(tags=["ledger"])


def _text(status: int, schema: dict[str, Any], example: str, description: str) -> dict[int, Any]:
    return {
        status: {
            "description": description,
            "content": {"text/plain": {"schema": schema, "example": example}},
        }
    }


@router.get(
    "/ledger/checkpoint",
    response={200: None},
    include_in_schema=True,
    **documented(
        "getCheckpoint",
        "Read the latest signed checkpoint",
        "The ledger's latest C2SP checkpoint — origin, tree size and root hash — signed by the "
        "log and by any witnesses. Public: no token needed.",
        scope=None,
        errors=[404],
    ),
)
def get_checkpoint(request: HttpRequest) -> HttpResponse:
    latest = Checkpoint.objects.order_by("-size").first()
    if latest is None:
        raise NotFound("No checkpoint has been signed yet.")
    return HttpResponse(published_note(latest), content_type="text/plain; charset=utf-8")


@router.get(
    "/cases/{ref}/proof",
    response={200: None},
    **documented(
        "getCaseProof",
        "Export the case's proof bundle",
        "Every ledger entry about the case with an inclusion proof to a checkpoint that the "
        "policy's witnesses cosigned, as one JSON document that `dueprocess check-proof` (or "
        "any C2SP-aware tool) checks without access to the database. The export itself is "
        "recorded first; 503 if the witnesses do not cosign in time.",
        scope="ledger:read",
        errors=[404, 422, 503],
    ),
)
def get_case_proof(request: HttpRequest, ref: Ref) -> HttpResponse:
    user = actor(request)
    bundle = case_proof_bundle(actor=user, case=case_gate(user, ref))
    return HttpResponse(bundle, content_type="application/json")


#: The success responses are not JSON models, so they are described here for the schema.
SUCCESS_CONTENT: dict[str, dict[int, Any]] = {
    "getCheckpoint": _text(
        200,
        {"type": "string"},
        ex.CHECKPOINT,
        "The signed checkpoint note (C2SP signed-note format).",
    ),
    "getCaseProof": {
        200: {
            "description": "The proof bundle (JSON).",
            "content": {
                "application/json": {
                    "schema": {"type": "object"},
                    "example": {
                        "origin": "dueprocess.invalid/ledger/v1",
                        "reference": "C-2026-00042",
                        "checkpoint_size": 4183,
                        "proofs": ["…"],
                    },
                }
            },
        }
    },
}
