"""The ledger as C2SP tlog-tiles: which checkpoint is served, its hash tiles and entry bundles.

The checkpoint served at ``/ledger/checkpoint`` is the newest one that meets the witness quorum
of the log's policy (the newest one outright when the quorum is ``none``), and nothing beyond
its size is served: a tile or bundle the served tree does not cover yet is a 404, so a client
never sees entries no witness has vouched for.

Hash tiles are computed from the stored leaf hashes. Full tiles (256 hashes) never change and
are kept in ``LedgerTile`` with their own root, which is their hash in the level above: a level-1
tile is then 256 stored roots, not 65,536 leaves. Partial tiles, the right edge of each level,
are computed on request and never stored.
"""

from __future__ import annotations

from django.db import models

from dueprocess.errors import DomainError
from dueprocess.ledger.checkpoints import published_note
from dueprocess.ledger.config import load_policy
from dueprocess.ledger.entries import format_time
from dueprocess.ledger.models import Checkpoint, LedgerEntry, LedgerTile
from dueprocess.ledger.verify import check_entry_rows, describe_problems
from dueprocess.tlog import merkle
from dueprocess.tlog.policy import NONE, Policy, PolicyError
from dueprocess.tlog.tiles import TILE_HEIGHT, TILE_WIDTH, encode_bundle

#: How many level-0 tiles are computed per query of leaf hashes when filling the store.
_FILL_BATCH = 64
#: How many of the newest cosigned checkpoints are tried against the quorum.
_CANDIDATES = 200


class Unpublishable(DomainError):
    """Stored data that does not pass the checks the log signs under: nothing is served."""

    code = "ledger-unsound"
    status = 503


def served_checkpoint(policy: Policy | None = None) -> Checkpoint | None:
    """The newest checkpoint whose published note (with its cosignatures) meets the quorum."""
    policy = policy or load_policy()
    newest = Checkpoint.objects.order_by("-size")
    if policy.quorum == NONE:
        return newest.first()
    candidates = newest.filter(cosignatures__isnull=False).distinct()[:_CANDIDATES]
    for checkpoint in candidates.prefetch_related("cosignatures"):
        try:
            policy.verify_checkpoint(published_note(checkpoint))
        except PolicyError:
            continue
        return checkpoint
    return None


def _leaf_hashes(start: int, end: int) -> list[bytes]:
    rows = (
        LedgerEntry.objects.filter(seq__gte=start, seq__lt=end)
        .order_by("seq")
        .values_list("leaf_hash", flat=True)
    )
    hashes = [bytes(h) for h in rows.iterator(chunk_size=20_000)]
    if len(hashes) != end - start:
        raise Unpublishable(f"entries {start}..{end - 1} are not all stored")
    return hashes


def _store(level: int, first: int, hashes: list[bytes]) -> dict[int, bytes]:
    """Store the full tiles of ``level`` from ``first`` whose hashes are ``hashes`` (a multiple
    of 256 of them); returns their roots by index."""
    rows = []
    for offset in range(0, len(hashes), TILE_WIDTH):
        part = hashes[offset : offset + TILE_WIDTH]
        rows.append(
            LedgerTile(
                level=level,
                index=first + offset // TILE_WIDTH,
                hashes=b"".join(part),
                root=merkle.root_from_leaf_hashes(part),
            )
        )
    LedgerTile.objects.bulk_create(rows, ignore_conflicts=True)  # the same bytes if raced
    return {row.index: bytes(row.root) for row in rows}


def full_tile_roots(level: int, first: int, last: int) -> list[bytes]:
    """The roots of full tiles ``first..last-1`` at ``level``, computing any not yet stored."""
    found = dict(
        LedgerTile.objects.filter(level=level, index__gte=first, index__lt=last).values_list(
            "index", "root"
        )
    )
    roots = {index: bytes(root) for index, root in found.items()}
    missing = [index for index in range(first, last) if index not in roots]
    while missing:
        low = missing[0]
        high = low
        while high + 1 < last and high + 1 - low < _FILL_BATCH and (high + 1) not in roots:
            high += 1
        if level == 0:
            hashes = _leaf_hashes(low * TILE_WIDTH, (high + 1) * TILE_WIDTH)
        else:
            hashes = full_tile_roots(level - 1, low * TILE_WIDTH, (high + 1) * TILE_WIDTH)
        roots.update(_store(level, low, hashes))
        missing = [index for index in missing if index > high]
    return [roots[index] for index in range(first, last)]


def hash_tile(level: int, index: int, width: int, served_size: int) -> bytes | None:
    """The bytes of tile ``(level, index)`` of ``width`` hashes, or None beyond the served tree."""
    available = served_size >> (TILE_HEIGHT * level)
    if index * TILE_WIDTH + width > available:
        return None
    if width == TILE_WIDTH:
        stored = LedgerTile.objects.filter(level=level, index=index).values_list(
            "hashes", flat=True
        )
        data = stored.first()
        if data is None:
            full_tile_roots(level, index, index + 1)
            data = stored.first()
        return bytes(data)  # type: ignore[arg-type]
    first = index * TILE_WIDTH
    if level == 0:
        return b"".join(_leaf_hashes(first, first + width))
    return b"".join(full_tile_roots(level - 1, first, first + width))


def entry_bundle(index: int, width: int, served_size: int) -> bytes | None:
    """The entries of level-0 tile ``index`` as a bundle, or None beyond the served tree.

    Each entry is checked as ``checkpoint`` checks it before signing (its layout, its seq, its
    indexed columns and its stored leaf hash): an entry that fails is never published, since a
    row written around the ledger could hold anything.
    """
    first = index * TILE_WIDTH
    if first + width > served_size:
        return None
    rows = list(
        LedgerEntry.objects.filter(seq__gte=first, seq__lt=first + width)
        .order_by("seq")
        .values_list("entry", "leaf_hash", "action", "case_tag", "recorded_at")
    )
    if len(rows) != width:
        raise Unpublishable(f"entries {first}..{first + width - 1} are not all stored")
    checked = [
        (bytes(raw), bytes(leaf), action, case_tag, format_time(at))
        for raw, leaf, action, case_tag, at in rows
    ]
    problems: list[str] = []
    check_entry_rows(checked, first, [], problems)
    if problems:
        raise Unpublishable(
            f"refusing to publish entry bundle {index}: " + describe_problems(problems)
        )
    return encode_bundle(row[0] for row in checked)


def fill_full_tiles(size: int) -> int:
    """Compute and keep every full tile of the tree of ``size`` not kept yet; returns how many
    were added. ``tick`` runs it after each checkpoint, so that no request has to compute a
    large part of the tree at once (the first level-2 tile of a fresh store would otherwise
    read every leaf hash below it)."""
    added = 0
    level = 0
    while True:
        count = (size >> (TILE_HEIGHT * level)) // TILE_WIDTH
        if count == 0:
            return added
        kept = LedgerTile.objects.filter(level=level)
        stats = kept.aggregate(models.Count("index"), models.Max("index"))
        have, highest = stats["index__count"], stats["index__max"]
        # kept tiles are normally a contiguous run from 0; if not, fill the gaps too
        start = highest + 1 if highest is not None and have == highest + 1 else 0
        if start < count:
            full_tile_roots(level, start, count)
            added += count - have
        level += 1
