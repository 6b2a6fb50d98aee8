"""Verify the whole ledger from the database and the public keys alone.

What is checked, in order (the first failure is named and ends the run):
1. entries: ``seq`` dense from 0; every entry's bytes start with its own ``seq``; the indexed
   ``action``/``case_tag`` columns agree with the bytes; every leaf hash recomputed;
2. the head row's size equals the number of entries (a rolled-back head or extra rows fail);
3. checkpoints: every signature verifies with the log's verifier key; every root is recomputed
   from the leaves, so successive checkpoints are consistent by construction; no checkpoint is
   larger than the log (tail truncation);
4. cosignatures: each verifies against the policy's witness keys; the latest checkpoint meets
   the policy's quorum;
5. optionally (``online``), each witness's own latest checkpoint for this log is fetched and
   must match the log's tree at that size — a rewritten and re-signed history fails here.
"""

from __future__ import annotations

import hashlib
import threading
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction

from dueprocess.ledger import merkle, note
from dueprocess.ledger.models import Checkpoint, Cosignature
from dueprocess.ledger.policy import Policy, PolicyError
from dueprocess.ledger.witness import origin_hash

CHUNK = 20_000


class VerificationFailed(Exception):
    pass


@dataclass
class VerifyReport:
    checked: list[str] = field(default_factory=list)
    failure: str = ""
    leaf_hashes: list[bytes] = field(default_factory=list, repr=False)

    @property
    def ok(self) -> bool:
        return not self.failure


def verify_ledger(
    policy: Policy, *, online: bool = False, fetch: Callable[[str], str] | None = None
) -> VerifyReport:
    report = VerifyReport()
    try:
        report.leaf_hashes = _entries(report)
        _head(report, len(report.leaf_hashes))
        latest = _checkpoints(report, policy, report.leaf_hashes)
        _quorum(report, policy, latest)
        if online:
            _witness_views(report, policy, report.leaf_hashes, fetch or _http_get)
    except VerificationFailed as failure:
        report.failure = str(failure)
    return report


def _entries(report: VerifyReport) -> list[bytes]:
    """Recompute every leaf hash in one ordered scan while the database checks, on a second
    connection in parallel and in C, that each entry starts with its own ``seq`` and agrees with
    its indexed columns. Inside a transaction the checks run first on the same connection
    instead, because a second connection could not see uncommitted rows."""
    _check_dense()
    problem: dict[str, str] = {}
    if connection.in_atomic_block:
        problem["found"] = _bad_row()
        hashes = _hash_entries()
    else:
        worker = threading.Thread(target=_bad_row_in_thread, args=(problem,))
        worker.start()
        try:
            hashes = _hash_entries()
        finally:
            worker.join()
    if problem.get("found"):
        raise VerificationFailed(problem["found"])
    report.checked.append(
        f"entries: {len(hashes)} (seq dense from 0, seq inside each entry, indexed columns"
        " match, leaf hashes recomputed)"
    )
    return hashes


def _hash_entries() -> list[bytes]:
    hashes: list[bytes] = []
    sha256 = hashlib.sha256
    for rows in _stream("SELECT entry, leaf_hash FROM ledger_ledgerentry ORDER BY seq"):
        if not isinstance(rows[0][0], bytes):  # PostgreSQL hands out memoryviews
            rows = [(bytes(entry), bytes(leaf)) for entry, leaf in rows]
        leaves = [sha256(b"\0" + row[0]).digest() for row in rows]
        if leaves != [row[1] for row in rows]:
            bad = next(i for i, row in enumerate(rows) if leaves[i] != row[1])
            raise VerificationFailed(f"leaf hash mismatch at seq {len(hashes) + bad}")
        hashes.extend(leaves)
    return hashes


def _bad_row_in_thread(problem: dict[str, str]) -> None:
    try:
        problem["found"] = _bad_row()
    except Exception as error:  # reported by the caller, never swallowed
        problem["found"] = f"entry checks could not run: {error}"
    finally:
        connection.close()


def _bad_row() -> str:
    """'' if every entry says its own seq and matches its indexed columns; else the first that
    does not."""
    with connection.cursor() as cursor:
        cursor.execute(_BAD_ROW[connection.vendor])
        found = cursor.fetchone()
    if found is None:
        return ""
    seq = int(found[0])
    return f"entry stored at seq {seq} does not say seq {seq}, or its indexed columns disagree"


def _check_dense() -> None:
    """``seq`` is the primary key, so COUNT = MAX + 1 with MIN = 0 means no gap anywhere."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*), MIN(seq), MAX(seq) FROM ledger_ledgerentry")
        count, low, high = cursor.fetchone()
        if not count or (low == 0 and high == count - 1):
            return
        cursor.execute("SELECT seq FROM ledger_ledgerentry ORDER BY seq")
        for index, (seq,) in enumerate(cursor.fetchall()):
            if seq != index:
                raise VerificationFailed(
                    f"entries are not dense: expected seq {index}, found {seq}"
                )


def _stream(sql: str) -> Iterator[list[tuple[Any, ...]]]:
    """Rows in chunks; on PostgreSQL through a server-side cursor so memory stays flat."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql)
            while rows := cursor.fetchmany(CHUNK):
                yield rows
        return
    connection.ensure_connection()
    with transaction.atomic(), connection.connection.cursor(name="dueprocess_verify") as cursor:
        cursor.itersize = CHUNK
        cursor.execute(sql)
        while rows := cursor.fetchmany(CHUNK):
            yield rows


#: The first row whose entry does not start with its own seq or lacks its indexed columns.
_BAD_ROW = {
    "sqlite": (
        "SELECT seq FROM ledger_ledgerentry WHERE NOT ("
        " substr(entry, 1, 25 + length(seq)) = CAST('dueprocess/entry/v1' || char(10) || 'seq '"
        " || seq || char(10) AS BLOB)"
        " AND instr(entry, CAST(char(10) || 'action ' || action || char(10) || 'case '"
        " || CASE WHEN case_tag = '' THEN '-' ELSE case_tag END || char(10) AS BLOB)) > 0"
        ") ORDER BY seq LIMIT 1"
    ),
    "postgresql": (
        "SELECT seq FROM ledger_ledgerentry WHERE NOT ("
        " substring(entry FROM 1 FOR 25 + length(seq::text)) = convert_to("
        "'dueprocess/entry/v1' || chr(10) || 'seq ' || seq || chr(10), 'UTF8')"
        " AND position(convert_to(chr(10) || 'action ' || action || chr(10) || 'case '"
        " || CASE WHEN case_tag = '' THEN '-' ELSE case_tag END || chr(10), 'UTF8') IN entry) > 0"
        ") ORDER BY seq LIMIT 1"
    ),
}


def _head(report: VerifyReport, rows: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT size FROM ledger_ledgerhead WHERE id = 1")
        found = cursor.fetchone()
    head = int(found[0]) if found else -1
    if head != rows:
        raise VerificationFailed(f"head says {head} entries but {rows} are stored")
    report.checked.append(f"head: size {head} matches the stored entries")


def _checkpoints(report: VerifyReport, policy: Policy, hashes: list[bytes]) -> Checkpoint | None:
    tree = merkle.CompactRange()
    checkpoints = list(Checkpoint.objects.order_by("size"))
    for checkpoint in checkpoints:
        try:
            parsed, _ = note.open_checkpoint(checkpoint.note, policy.log_verifiers)
        except note.NoteError as error:
            raise VerificationFailed(
                f"checkpoint {checkpoint.size}: signature does not verify ({error})"
            ) from error
        if parsed.size != checkpoint.size or parsed.root_hash != bytes(checkpoint.root):
            raise VerificationFailed(
                f"checkpoint {checkpoint.size}: stored size/root differ from the signed note"
            )
        if parsed.size > len(hashes):
            raise VerificationFailed(
                f"log truncated: checkpoint size {parsed.size} > {len(hashes)} stored entries"
            )
        tree.extend(hashes[tree.size : parsed.size])
        if tree.root() != parsed.root_hash:
            raise VerificationFailed(f"root mismatch for checkpoint size {parsed.size}")
    if checkpoints:
        latest = checkpoints[-1]
        report.checked.append(
            f"checkpoints: {len(checkpoints)} signatures valid, roots recomputed, each consistent"
            f" with the one before; latest size {latest.size}"
            f" ({len(hashes) - latest.size} newer entries not yet checkpointed)"
        )
        return latest
    report.checked.append("checkpoints: none yet")
    return None


def _quorum(report: VerifyReport, policy: Policy, latest: Checkpoint | None) -> None:
    if latest is None:
        if policy.quorum != "none":
            raise VerificationFailed(
                f"no checkpoint, but the policy requires quorum {policy.quorum!r}"
            )
        return
    body, _ = note.split_note(latest.note)
    names = set()
    for cosignature in Cosignature.objects.filter(checkpoint=latest):
        try:
            _, verified = note.open_note(
                body + "\n" + cosignature.line + "\n", policy.witness_verifiers
            )
        except note.NoteError as error:
            raise VerificationFailed(
                f"cosignature by {cosignature.witness} on checkpoint {latest.size}"
                f" does not verify ({error})"
            ) from error
        names |= policy.cosigners(verified)
    try:
        met = policy.satisfied_by(names)
    except PolicyError as error:
        raise VerificationFailed(str(error)) from error
    if not met:
        raise VerificationFailed(
            f"latest checkpoint {latest.size} is cosigned by {sorted(names) or 'no witness'};"
            f" the policy's quorum {policy.quorum!r} is not met"
        )
    report.checked.append(
        f"cosignatures: latest checkpoint cosigned by {sorted(names) or 'no witness'}"
        f" (quorum {policy.quorum!r} met)"
    )


def _http_get(url: str) -> str:
    if not url.startswith(("http://", "https://")):
        raise VerificationFailed(f"witness URL {url!r} is not http(s)")
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (scheme checked)
        return str(response.read().decode("utf-8"))


def _witness_views(
    report: VerifyReport, policy: Policy, hashes: list[bytes], fetch: Callable[[str], str]
) -> None:
    origin = next((log.verifier.name for log in policy.logs), "")
    for witness in policy.witnesses.values():
        if not witness.url:
            continue
        url = f"{witness.url.rstrip('/')}/{origin_hash(origin)}/checkpoint"
        try:
            held, _ = note.open_checkpoint(fetch(url), policy.log_verifiers)
        except (OSError, note.NoteError) as error:
            raise VerificationFailed(
                f"witness {witness.name}: cannot read its checkpoint ({error})"
            ) from error
        if held.size > len(hashes):
            raise VerificationFailed(
                f"witness {witness.name} holds size {held.size};"
                f" the log has only {len(hashes)} entries"
            )
        if merkle.root_from_leaf_hashes(hashes[: held.size]) != held.root_hash:
            raise VerificationFailed(
                f"fork: witness {witness.name} cosigned size {held.size} with a root"
                " this log does not have"
            )
        report.checked.append(
            f"witness {witness.name}: its checkpoint at size {held.size} matches this log"
        )
