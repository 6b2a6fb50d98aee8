"""Signing checkpoints and collecting witness cosignatures.

A checkpoint covers every committed entry. Its root is computed incrementally: each stored
checkpoint keeps the compact range of its tree, so the next one hashes only the new leaves.
Reading the committed size needs no lock — the head row is bumped in the same transaction as
the entries, so every entry below the size a reader sees is already committed.
"""

from __future__ import annotations

import logging
import time
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


class WitnessesUnavailable(DomainError):
    """The policy's witnesses did not cosign a checkpoint in time: what needs their quorum (a
    proof bundle) is not produced, rather than produced on a checkpoint no one outside saw."""

    code = "ledger-unwitnessed"
    status = 503


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
    #: The witness's HTTP status when it refused (None: cosigned, or not reached).
    status: int | None = None

    @property
    def final(self) -> bool:
        """A refusal asking again will not change (a 4xx: e.g. 422, an inconsistent history)."""
        return not self.cosigned and self.status is not None and 400 <= self.status < 500


@dataclass
class SubmissionReport:
    checkpoint: Checkpoint
    outcomes: list[WitnessOutcome] = field(default_factory=list)

    @property
    def refused(self) -> list[WitnessOutcome]:
        return [o for o in self.outcomes if not o.cosigned]


def witnesses_submit(
    checkpoint: Checkpoint,
    policy: Policy | None = None,
    *,
    tree: ProofTree | None = None,
    timeout: float = 10.0,
) -> SubmissionReport:
    """Send ``checkpoint`` with a consistency proof to every witness in the policy that has a
    URL, and store the cosignatures that verify. ``tree`` (over at least the checkpoint's
    leaves) may be shared between calls; ``timeout`` bounds each request."""
    policy = policy or load_policy()
    report = SubmissionReport(checkpoint)
    for witness in policy.witnesses.values():
        if not witness.url:
            continue
        if Cosignature.objects.filter(checkpoint=checkpoint, witness=witness.name).exists():
            report.outcomes.append(WitnessOutcome(witness.name, True, "already cosigned"))
            continue
        if tree is None:
            tree = ProofTree(leaf_hashes(0, checkpoint.size))
        report.outcomes.append(_submit_one(checkpoint, witness, tree, timeout))
    return report


def witnesses_catch_up(policy: Policy | None = None) -> list[SubmissionReport]:
    """Send every checkpoint, oldest first, to the policy's witnesses (one proof tree for all):
    a log witnessed from its first checkpoint. Checkpoints already cosigned are skipped."""
    policy = policy or load_policy()
    checkpoints = list(Checkpoint.objects.order_by("size"))
    if not checkpoints or not any(w.url for w in policy.witnesses.values()):
        return []
    tree = ProofTree(leaf_hashes(0, checkpoints[-1].size))
    return [witnesses_submit(checkpoint, policy, tree=tree) for checkpoint in checkpoints]


def cosigners(checkpoint: Checkpoint, policy: Policy) -> dict[str, int]:
    """The policy's witnesses whose stored cosignature on ``checkpoint`` verifies, each with the
    time it signed (the cosignature/v1 timestamp, seconds since the epoch)."""
    body, _ = note.split_note(checkpoint.note)
    found: dict[str, int] = {}
    for line in checkpoint.cosignatures.values_list("line", flat=True):
        try:
            _, verified = note.open_note(body + "\n" + line + "\n", policy.witness_verifiers)
        except note.NoteError:
            continue
        for signature in verified:
            for name in policy.cosigners([signature]):
                found[name] = signature.timestamp or 0
    return found


def meets_quorum(checkpoint: Checkpoint, policy: Policy) -> bool:
    return policy.satisfied_by(cosigners(checkpoint, policy))


def witnessed_checkpoint(
    covering: int, *, policy: Policy | None = None, wait: float = 20.0
) -> Checkpoint:
    """A checkpoint over at least ``covering`` entries that meets the policy's quorum: the
    newest such one already stored, or a new one signed now and sent to the witnesses, retried
    until ``wait`` seconds have passed. Raises ``WitnessesUnavailable`` saying what each witness
    answered."""
    policy = policy or load_policy()
    deadline = time.monotonic() + wait
    while True:
        for candidate in Checkpoint.objects.filter(size__gte=covering).order_by("-size"):
            if meets_quorum(candidate, policy):
                return candidate
        latest = checkpoint_create() or Checkpoint.objects.order_by("-size").first()
        if latest is None or latest.size < covering:
            raise WitnessesUnavailable(f"no checkpoint covers the first {covering} entries")
        remaining = deadline - time.monotonic()
        report = witnesses_submit(latest, policy, timeout=max(1.0, min(10.0, remaining)))
        if meets_quorum(latest, policy):
            return latest
        final = bool(report.refused) and all(o.final for o in report.refused)
        if final or time.monotonic() >= deadline:
            answers = "; ".join(f"{o.witness}: {o.message}" for o in report.refused)
            within = "" if final else f" within {wait:g} s"
            raise WitnessesUnavailable(
                f"the policy's witnesses did not cosign checkpoint {latest.size}{within}"
                f" (quorum {policy.quorum!r}): {answers or 'no witness has a URL'}"
            )
        time.sleep(min(0.5, max(0.0, deadline - time.monotonic())))


def _last_cosigned_size(name: str) -> int:
    last = Cosignature.objects.filter(witness=name).order_by("-checkpoint__size").first()
    return last.checkpoint.size if last else 0


def _submit_one(checkpoint: Checkpoint, witness, tree: ProofTree, timeout: float) -> WitnessOutcome:  # type: ignore[no-untyped-def]
    old = _last_cosigned_size(witness.name)
    for _attempt in range(2):
        proof = tree.consistency(old, checkpoint.size)
        try:
            lines = submit_checkpoint(witness.url, old, proof, checkpoint.note, timeout=timeout)
        except WitnessRequestError as error:
            if error.status == 409 and error.stored_size is not None and error.stored_size != old:
                if error.stored_size > checkpoint.size:
                    return WitnessOutcome(
                        witness.name, False, f"witness is ahead at size {error.stored_size}"
                    )
                old = error.stored_size  # the witness saw a checkpoint we did not record
                continue
            if error.status is None:  # unreachable: the caller says so, and may retry
                return WitnessOutcome(witness.name, False, str(error))
            log.warning(
                "witness %s refused checkpoint %s: %s", witness.name, checkpoint.size, error
            )
            return WitnessOutcome(
                witness.name, False, f"refused ({error.status}): {error}", error.status
            )
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
