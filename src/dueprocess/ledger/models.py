"""Ledger storage: append-only entries with a dense ``seq``, payloads that can be shredded,
signed checkpoints and witness cosignatures.

Entries, payloads, row commitments, checkpoints and cosignatures are protected by database
triggers (``lib.append_only``); subject keys deliberately are *not*, because erasing a person's
data destroys their key while the entries, the sealed payloads and every proof stay valid.
"""

from __future__ import annotations

from django.db import models


class LedgerHead(models.Model):
    """The single row whose lock serialises appends; ``size`` is the next ``seq``."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    size = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="single_head")]


class LedgerEntry(models.Model):
    """One leaf: the exact bytes that were hashed, and two indexed copies of fields inside them.

    ``case_tag`` and ``action`` duplicate what the entry says so that per-case proofs and
    oversight counts need no full scan; ``verify`` checks they agree with the entry bytes.
    """

    seq = models.BigIntegerField(primary_key=True)
    entry = models.BinaryField()
    leaf_hash = models.BinaryField()
    case_tag = models.CharField(max_length=64, blank=True, db_index=True)
    action = models.CharField(max_length=80, db_index=True)
    recorded_at = models.DateTimeField(db_index=True)

    class Meta:
        # a case's timeline, newest first, one page at a time: WHERE case_tag = ? AND seq < ?
        # ORDER BY seq DESC LIMIT n reads n rows of this index, whatever the case's size
        indexes = [models.Index(fields=["case_tag", "seq"], name="ledger_entry_case_seq")]


class SubjectKey(models.Model):
    """A data key per subject (a case or a person), wrapped by the key-encryption key."""

    subject = models.CharField(max_length=80, primary_key=True)
    wrapped = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)


class LedgerPayload(models.Model):
    """The encrypted details of an entry (AES-256-GCM, the entry bytes as associated data)."""

    seq = models.BigIntegerField(primary_key=True)
    subject = models.CharField(max_length=80, db_index=True)
    salt = models.BinaryField()
    nonce = models.BinaryField()
    ciphertext = models.BinaryField()


class Checkpoint(models.Model):
    """A signed C2SP checkpoint over the first ``size`` entries."""

    size = models.BigIntegerField(unique=True)
    root = models.BinaryField()
    note = models.TextField()
    compact_range = models.BinaryField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["size"]


class Cosignature(models.Model):
    """A witness's cosignature line (cosignature/v1) over a checkpoint."""

    checkpoint = models.ForeignKey(
        Checkpoint, on_delete=models.PROTECT, related_name="cosignatures"
    )
    witness = models.CharField(max_length=200)
    line = models.TextField()
    received_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["checkpoint", "witness"], name="one_cosignature")
        ]


class LedgerRowState(models.Model):
    """One business row as a change left it: the hash of its canonical form (``ledger.state``).

    The rows of one entry hash, sorted, to the ``state`` line inside that entry's signed bytes,
    so these rows cannot be altered without breaking the entry; ``verify`` reconciles every
    committed table with the latest commitment to each of its rows.
    """

    seq = models.BigIntegerField()
    table_name = models.CharField(max_length=64)
    row_key = models.CharField(max_length=64)
    digest = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["seq", "table_name", "row_key"], name="one_row_state_per_entry"
            )
        ]
        # verify reads one table's commitments at a time, in seq order
        indexes = [models.Index(fields=["table_name", "seq"], name="ledger_row_state_table")]


class LedgerTile(models.Model):
    """A full tlog-tiles hash tile (256 hashes), computed once from the stored leaf hashes.

    Full tiles never change, so they are kept to spare recomputing a level-1 tile from its
    65,536 leaves; ``root`` is the tile's own Merkle root, which is the tile's hash in the level
    above. Partial tiles are never stored. The table is append-only by trigger, and a wrong row
    cannot go unnoticed anyway: every tile client checks each tile against the signed checkpoint.
    """

    level = models.PositiveSmallIntegerField()
    index = models.BigIntegerField()
    hashes = models.BinaryField()
    root = models.BinaryField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["level", "index"], name="one_tile")]
