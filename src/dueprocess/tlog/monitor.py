"""An outside monitor's logic: hold a log to its own history using tiles only.

A monitor keeps every checkpoint it has accepted in a directory of its own (never the log's).
Each new checkpoint must carry a valid signature by the log (and the quorum of the monitor's
policy, if it has one), be served with tiles that hash to its root, and extend the last
checkpoint held: the consistency proof between them is computed from tiles (a few per level of
the tree, O(log n) reads) and checked as RFC 9162 says. Anything else raises ``Alarm``:

- ``bad-signature``: the checkpoint is not signed by the log's key (or misses the quorum);
- ``wrong-log``: it names another origin than the checkpoints held;
- ``shrink``: it is smaller than one already held (a truncation, or a rollback);
- ``fork``: it does not extend the one held (history was rewritten, even if re-signed with the
  real key);
- ``bad-tiles``: the tiles or entries served do not match the signed checkpoint.

The offending checkpoint is kept as evidence beside the history. Nothing here does network I/O:
the caller passes the note and the fetch functions, so the logic is the same for HTTP, a mirror
on disk, or a test.
"""

from __future__ import annotations

import datetime as dt
import hmac
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import merkle
from .note import Checkpoint, NoteError, Verifier, open_checkpoint, split_note
from .policy import Policy, PolicyError
from .tiles import TILE_WIDTH, TileError, TileTree, decode_bundle, tile_width

__all__ = ["Alarm", "MonitorState", "Observation", "checkpoint_opener", "observe"]

#: ``fetch_bundle(index, width)`` returns the bytes of an entry bundle.
FetchBundle = Callable[[int, int], bytes]
Opener = Callable[[str], Checkpoint]


class Alarm(Exception):
    """The log broke its promise; ``kind`` says how (see the module's docstring)."""

    def __init__(self, kind: str, message: str, evidence: Path | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.evidence = evidence


@dataclass
class Observation:
    outcome: str  # "first", "unchanged" or "grew"
    size: int
    previous: int | None
    tile_reads: int
    entries_checked: int = 0


def checkpoint_opener(*, vkey: str | None = None, policy: Policy | None = None) -> Opener:
    """A function that verifies a signed checkpoint note and returns the checkpoint, raising
    ``Alarm('bad-signature')``: against a policy (log key and witness quorum) or one log key."""
    if policy is not None:

        def by_policy(text: str) -> Checkpoint:
            try:
                checkpoint, _ = policy.verify_checkpoint(text)
            except PolicyError as error:
                raise Alarm("bad-signature", f"the checkpoint is refused: {error}") from error
            return checkpoint

        return by_policy
    if vkey is None:
        raise ValueError("a monitor needs the log's verifier key or a policy")
    verifier = Verifier.from_vkey(vkey)

    def by_key(text: str) -> Checkpoint:
        try:
            checkpoint, _ = open_checkpoint(text, [verifier])
        except NoteError as error:
            raise Alarm(
                "bad-signature", f"the checkpoint is not signed by {verifier.name}: {error}"
            ) from error
        if checkpoint.origin != verifier.name:
            raise Alarm(
                "bad-signature",
                f"the checkpoint names origin {checkpoint.origin!r}, not {verifier.name!r}",
            )
        return checkpoint

    return by_key


class MonitorState:
    """The monitor's own directory: ``checkpoints/<size>`` (every checkpoint accepted, never
    rewritten), ``evidence/`` (checkpoints that raised an alarm) and ``entries-checked`` (how
    many entries have been checked against the tiles)."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self.checkpoints = self.directory / "checkpoints"
        self.checkpoints.mkdir(parents=True, exist_ok=True)

    def latest(self, opener: Opener) -> tuple[str, Checkpoint] | None:
        """The largest checkpoint held, re-verified (a held file is trusted no more than that)."""
        sizes = sorted(int(path.name) for path in self.checkpoints.iterdir() if path.name.isdigit())
        if not sizes:
            return None
        text = (self.checkpoints / str(sizes[-1])).read_text(encoding="utf-8")
        return text, opener(text)

    def hold(self, text: str, checkpoint: Checkpoint) -> None:
        path = self.checkpoints / str(checkpoint.size)
        if path.exists():
            return
        temporary = path.with_suffix(".new")
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)

    def keep_evidence(self, text: str, kind: str) -> Path:
        folder = self.directory / "evidence"
        folder.mkdir(exist_ok=True)
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S.%fZ")
        path = folder / f"{stamp}-{kind}.checkpoint"
        path.write_text(text, encoding="utf-8")
        return path

    @property
    def entries_checked(self) -> int:
        path = self.directory / "entries-checked"
        return int(path.read_text().strip()) if path.exists() else 0

    @entries_checked.setter
    def entries_checked(self, count: int) -> None:
        path = self.directory / "entries-checked"
        path.with_suffix(".new").write_text(f"{count}\n")
        os.replace(path.with_suffix(".new"), path)


def _same_body(a: str, b: str) -> bool:
    return split_note(a)[0] == split_note(b)[0]


def observe(
    state: MonitorState,
    text: str,
    opener: Opener,
    fetch_tile: Callable[[int, int, int], bytes],
    fetch_bundle: FetchBundle | None = None,
) -> Observation:
    """Check the checkpoint note ``text`` just fetched against the history held in ``state``,
    reading tiles with ``fetch_tile``; hold it if it is sound, else raise ``Alarm``.

    With ``fetch_bundle``, every entry not checked yet is fetched and checked to hash to its
    leaf in the (checked) level-0 tiles.
    """
    try:
        checkpoint = opener(text)
    except Alarm as alarm:
        alarm.evidence = state.keep_evidence(text, alarm.kind)
        raise
    try:
        return _observe(state, text, checkpoint, opener, fetch_tile, fetch_bundle)
    except Alarm as alarm:
        alarm.evidence = state.keep_evidence(text, alarm.kind)
        raise


def _observe(
    state: MonitorState,
    text: str,
    checkpoint: Checkpoint,
    opener: Opener,
    fetch_tile: Callable[[int, int, int], bytes],
    fetch_bundle: FetchBundle | None,
) -> Observation:
    held = state.latest(opener)
    if held is not None:
        old = held[1]
        if old.origin != checkpoint.origin:
            raise Alarm(
                "wrong-log",
                f"the checkpoint is for {checkpoint.origin!r}; this history holds {old.origin!r}",
            )
        if checkpoint.size < old.size:
            raise Alarm(
                "shrink",
                f"the log shrank: it now serves a checkpoint of size {checkpoint.size}, but a "
                f"signed checkpoint of size {old.size} is held (entries were removed or the "
                "log rolled back)",
            )
        if checkpoint.size == old.size and not hmac.compare_digest(
            checkpoint.root_hash, old.root_hash
        ):
            raise Alarm(
                "fork",
                f"fork: two signed checkpoints of size {old.size} with different roots "
                f"(held {old.root_hash.hex()}, served {checkpoint.root_hash.hex()})",
            )
    try:
        tree = TileTree(checkpoint.size, checkpoint.root_hash, fetch_tile)
    except TileError as error:
        raise Alarm("bad-tiles", f"the tiles do not match the checkpoint: {error}") from error
    if held is not None and old.size < checkpoint.size:
        try:
            proof = tree.consistency(old.size, checkpoint.size)
            merkle.verify_consistency(
                old.size, checkpoint.size, old.root_hash, checkpoint.root_hash, proof
            )
        except TileError as error:
            raise Alarm("bad-tiles", f"the tiles served are unusable: {error}") from error
        except merkle.ProofError as error:
            raise Alarm(
                "fork",
                f"fork: the checkpoint of size {checkpoint.size} does not extend the one of size "
                f"{old.size} held (root {old.root_hash.hex()}): the log's history was "
                f"rewritten ({error})",
            ) from error
    checked = 0
    if fetch_bundle is not None:
        checked = _check_entries(state, tree, fetch_bundle)
    if held is None:
        outcome, previous = "first", None
    elif old.size == checkpoint.size:
        outcome, previous = "unchanged", old.size
    else:
        outcome, previous = "grew", old.size
    if held is None or old.size < checkpoint.size or not _same_body(held[0], text):
        state.hold(text, checkpoint)
    return Observation(outcome, checkpoint.size, previous, tree.fetches, checked)


def _check_entries(state: MonitorState, tree: TileTree, fetch_bundle: FetchBundle) -> int:
    start = min(state.entries_checked, tree.size)
    done = start
    for index in range(start // TILE_WIDTH, -(-tree.size // TILE_WIDTH)):
        width = tile_width(tree.size, 0, index)
        try:
            entries = decode_bundle(fetch_bundle(index, width), width)
            leaves = tree.tile(0, index)
        except TileError as error:
            raise Alarm("bad-tiles", f"entry bundle {index}: {error}") from error
        for position in range(max(0, done - index * TILE_WIDTH), width):
            if merkle.leaf_hash(entries[position]) != leaves[position]:
                seq = index * TILE_WIDTH + position
                raise Alarm(
                    "bad-tiles", f"entry {seq} served does not hash to its leaf in the tree"
                )
        done = index * TILE_WIDTH + width
        state.entries_checked = done
    return done - start
