"""Signing checkpoints and collecting witness cosignatures.

A checkpoint covers every committed entry. Its root is computed incrementally: each stored
checkpoint keeps the compact range of its tree, so the next one hashes only the new leaves.
Reading the committed size needs no lock — the head row is bumped in the same transaction as
the entries, so every entry below the size a reader sees is already committed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, connection, transaction

from dueprocess.errors import DomainError
from dueprocess.ledger import keys, store
from dueprocess.ledger.config import load_policy
from dueprocess.ledger.models import Checkpoint, Cosignature, LedgerEntry
from dueprocess.ledger.scan import CHUNK
from dueprocess.ledger.verify import ENTRY_ROWS_SQL, check_entry_rows, describe_problems
from dueprocess.lib import clock
from dueprocess.tlog import merkle, note
from dueprocess.tlog.policy import Policy
from dueprocess.tlog.prooftree import ProofTree
from dueprocess.tlog.witness import WitnessRequestError, submit_checkpoint

log = logging.getLogger(__name__)


def leaf_hashes(start: int, end: int) -> list[bytes]:
    """Stored leaf hashes for ``seq`` in [start, end), in order."""
    rows = (
        LedgerEntry.objects.filter(seq__gte=start, seq__lt=end)
        .order_by("seq")
        .values_list("leaf_hash", flat=True)
    )
    return [bytes(h) for h in rows.iterator(chunk_size=20_000)]


class InvalidEntries(DomainError):
    """The entries a checkpoint would cover include invalid ones: nothing is signed. A domain
    error so that the API and the pages answer 503 with the reason, never a 500."""

    code = "ledger-unsound"
    status = 503


def checked_leaf_hashes(start: int, end: int) -> list[bytes]:
    """The leaf hashes for ``seq`` in [start, end), each entry first checked as ``verify``
    checks it (layout, its own seq, indexed columns, stored leaf hash); raises
    ``InvalidEntries`` naming every bad one."""
    hashes: list[bytes] = []
    problems: list[str] = []
    with connection.cursor() as cursor:
        for low in range(start, end, CHUNK):
            high = min(low + CHUNK, end)
            cursor.execute(ENTRY_ROWS_SQL[f"{connection.vendor}-range"], [low, high])
            rows = cursor.fetchall()
            if len(rows) != high - low:
                problems.append(f"entries {low}..{high - 1} are not all stored")
                break
            check_entry_rows(rows, low, hashes, problems)
    if problems:
        raise InvalidEntries(
            f"refusing to sign a checkpoint over size {end}: " + describe_problems(problems)
        )
    return hashes


def checkpoint_create() -> Checkpoint | None:
    """Sign a checkpoint over all committed entries; None if nothing new since the last one.

    Every new entry is checked first; ``InvalidEntries`` (naming them) if any is invalid."""
    size = store.size()
    last = Checkpoint.objects.order_by("-size").first()
    if last is not None and last.size >= size:
        return None
    tree = (
        merkle.CompactRange.from_bytes(bytes(last.compact_range)) if last else merkle.CompactRange()
    )
    tree.extend(checked_leaf_hashes(tree.size, size))
    root = tree.root()
    body = note.format_checkpoint(settings.LEDGER_ORIGIN, size, root)
    signed = note.sign_note(body, [keys.signer()])
    try:
        with transaction.atomic():
            return Checkpoint.objects.create(
                size=size,
                root=root,
                note=signed,
                compact_range=tree.to_bytes(),
                created_at=clock.now(),
            )
    except IntegrityError:  # another process signed the same size first
        return Checkpoint.objects.get(size=size)


@dataclass
class WitnessOutcome:
    witness: str
    cosigned: bool
    message: str


@dataclass
class SubmissionReport:
    checkpoint: Checkpoint
    outcomes: list[WitnessOutcome] = field(default_factory=list)

    @property
    def refused(self) -> list[WitnessOutcome]:
        return [o for o in self.outcomes if not o.cosigned]


def witnesses_submit(checkpoint: Checkpoint, policy: Policy | None = None) -> SubmissionReport:
    """Send ``checkpoint`` with a consistency proof to every witness in the policy that has a
    URL, and store the cosignatures that verify."""
    policy = policy or load_policy()
    report = SubmissionReport(checkpoint)
    tree: ProofTree | None = None
    for witness in policy.witnesses.values():
        if not witness.url:
            continue
        if Cosignature.objects.filter(checkpoint=checkpoint, witness=witness.name).exists():
            report.outcomes.append(WitnessOutcome(witness.name, True, "already cosigned"))
            continue
        if tree is None:
            tree = ProofTree(leaf_hashes(0, checkpoint.size))
        report.outcomes.append(_submit_one(checkpoint, witness, tree))
    return report


def _last_cosigned_size(name: str) -> int:
    last = Cosignature.objects.filter(witness=name).order_by("-checkpoint__size").first()
    return last.checkpoint.size if last else 0


def _submit_one(checkpoint: Checkpoint, witness, tree: ProofTree) -> WitnessOutcome:  # type: ignore[no-untyped-def]
    old = _last_cosigned_size(witness.name)
    for _attempt in range(2):
        proof = tree.consistency(old, checkpoint.size)
        try:
            lines = submit_checkpoint(witness.url, old, proof, checkpoint.note)
        except WitnessRequestError as error:
            if error.status == 409 and error.stored_size is not None and error.stored_size != old:
                if error.stored_size > checkpoint.size:
                    return WitnessOutcome(
                        witness.name, False, f"witness is ahead at size {error.stored_size}"
                    )
                old = error.stored_size  # the witness saw a checkpoint we did not record
                continue
            log.warning(
                "witness %s refused checkpoint %s: %s", witness.name, checkpoint.size, error
            )
            return WitnessOutcome(witness.name, False, f"refused ({error.status}): {error}")
        return _store_cosignature(checkpoint, witness, lines)
    return WitnessOutcome(witness.name, False, "witness state kept changing")


def _store_cosignature(checkpoint: Checkpoint, witness, lines: list[str]) -> WitnessOutcome:  # type: ignore[no-untyped-def]
    body, _ = note.split_note(checkpoint.note)
    for line in lines:
        candidate = body + "\n" + line + "\n"
        try:
            _, verified = note.open_note(candidate, [witness.verifier])
        except note.NoteError:
            continue
        if verified:
            Cosignature.objects.get_or_create(
                checkpoint=checkpoint,
                witness=witness.name,
                defaults={"line": line, "received_at": clock.now()},
            )
            return WitnessOutcome(witness.name, True, "cosigned")
    return WitnessOutcome(witness.name, False, "returned no cosignature that verifies")


def published_note(checkpoint: Checkpoint) -> str:
    """The checkpoint as served: the log's signature followed by the witnesses' cosignatures."""
    lines = list(checkpoint.cosignatures.order_by("witness").values_list("line", flat=True))
    return note.append_signatures(checkpoint.note, lines) if lines else checkpoint.note
