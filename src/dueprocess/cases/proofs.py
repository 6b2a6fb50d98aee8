"""Exporting a case's proof bundle: its ledger entries with inclusion proofs, checkable by an
outsider without the database.

The export is itself recorded (``case.proof_exported``) and a checkpoint is signed right after,
so the bundle covers every entry of the case up to and including the export. The proving is
the ledger's (``ledger.proofs.build_bundle``); who may export, and the record, are here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction

from dueprocess.access.enforcement import recorded_denials
from dueprocess.access.rules import Gate
from dueprocess.ledger import store
from dueprocess.ledger.checkpoints import witnessed_checkpoint
from dueprocess.ledger.proofs import build_bundle
from dueprocess.ledger.record import record

if TYPE_CHECKING:
    from dueprocess.accounts.models import User
    from dueprocess.cases.models import Case


@recorded_denials
def case_proof_bundle(*, actor: User | None, case: Case, wait: float | None = None) -> str:
    """The case's proof bundle (JSON text). ``actor=None`` is the operator on the command line.

    The bundle is proved against a checkpoint that covers the export's own entry and meets the
    policy's witness quorum (waiting up to ``wait`` seconds, by default ``LEDGER_WITNESS_WAIT``,
    for the witnesses' cosignatures), so an outsider can check it with the witnesses' keys:
    ``WitnessesUnavailable`` otherwise."""
    role = "operator"
    if actor is not None:
        gate = Gate(actor, case)
        gate.require("case.view")
        role = gate.require("case.prove").role
    with transaction.atomic():
        record(actor=actor, action="case.proof_exported", case=case, role=role, details={})
    waiting = settings.LEDGER_WITNESS_WAIT if wait is None else wait
    return build_bundle(case, witnessed_checkpoint(store.size(), wait=waiting))
