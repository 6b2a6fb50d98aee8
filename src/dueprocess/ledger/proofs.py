"""A case's ledger entries with inclusion proofs, verifiable without the database.

The mechanism only: ``build_bundle`` proves the entries against a checkpoint it is given.
Who may export one, and the record of the export, are the case's business:
``cases.proofs.case_proof_bundle``.
"""

from __future__ import annotations

import base64
from collections.abc import Container
from typing import TYPE_CHECKING

from cryptography.exceptions import InvalidTag
from django.conf import settings

from dueprocess.ledger import sealing
from dueprocess.ledger.bundle import dump_bundle
from dueprocess.ledger.checkpoints import leaf_hashes, published_note
from dueprocess.ledger.entries import parse_entry
from dueprocess.ledger.models import Checkpoint, LedgerEntry, LedgerPayload
from dueprocess.ledger.record import case_pseudonym
from dueprocess.tlog.prooftree import ProofTree
from dueprocess.tlog.tlogproof import TlogProof, format_tlog_proof

if TYPE_CHECKING:
    from dueprocess.cases.models import Case


def build_bundle(
    case: Case,
    checkpoint: Checkpoint,
    *,
    seqs: Container[int] | None = None,
    selection: str = "",
) -> str:
    """The case's entries below ``checkpoint`` with their inclusion proofs (JSON text).

    By default every entry of the case (the staff export). Given ``seqs`` (any container, not
    copied), only the case's entries whose seq is in it, and the bundle says so in its
    ``selection`` field: ``selection`` names whose selection it is (``"complainant"``), and
    the field lists the seqs proved and how many entries the case has below the checkpoint, so
    that a checker knows the bundle is a subset. Staff bundles carry no such field."""
    tag = case_pseudonym(case.pk)
    every = list(LedgerEntry.objects.filter(case_tag=tag, seq__lt=checkpoint.size).order_by("seq"))
    rows = every if seqs is None else [row for row in every if row.seq in seqs]
    tree = ProofTree(leaf_hashes(0, checkpoint.size))
    signed = published_note(checkpoint)
    proofs = [
        format_tlog_proof(
            TlogProof(
                index=row.seq,
                inclusion_proof=tuple(tree.inclusion(row.seq, checkpoint.size)),
                checkpoint=signed,
                extra=bytes(row.entry),
            )
        )
        for row in rows
    ]
    return dump_bundle(
        origin=settings.LEDGER_ORIGIN,
        case=tag,
        reference=case.reference,
        size=checkpoint.size,
        proofs=proofs,
        reference_opening=_reference_opening(case, tag, [row.seq for row in rows]),
        selection=None
        if seqs is None
        else {
            "of": selection,
            "seqs": [row.seq for row in rows],
            "case_entries": len(every),
        },
    )


def _reference_opening(case: Case, tag: str, seqs: list[int]) -> dict[str, object] | None:
    """Open the commitment of the newest ``case.proof_exported`` entry in the bundle, whose
    sealed details are exactly ``{"case_reference": ...}``: it binds the reference to the case
    pseudonym inside a signed entry, and reveals nothing the bundle does not already say."""
    expected = sealing.payload_bytes({"case_reference": case.reference})
    data_key = sealing.subject_key(f"case:{tag}", create=False)
    if data_key is None:
        return None
    exports = LedgerEntry.objects.filter(
        case_tag=tag, action="case.proof_exported", seq__in=seqs
    ).order_by("-seq")
    for row in exports:
        payload = LedgerPayload.objects.filter(seq=row.seq).first()
        if payload is None:
            continue
        raw = bytes(row.entry)
        try:
            plain = sealing.unseal(data_key, bytes(payload.nonce), bytes(payload.ciphertext), raw)
        except InvalidTag:
            continue
        salt = bytes(payload.salt)
        if plain == expected and parse_entry(raw).payload == sealing.commit(salt, plain):
            return {
                "seq": row.seq,
                "salt": base64.b64encode(salt).decode(),
                "details": plain.decode(),
            }
    return None
