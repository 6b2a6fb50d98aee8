"""Verify the whole ledger from the database and the public keys alone.

What is checked, in order (the first failure is named and ends the run):
1. entries: ``seq`` dense from 0; every entry parsed as ``dueprocess/entry/v2`` and saying its own
   ``seq``; the indexed ``recorded_at``/``action``/``case_tag`` columns agree with the bytes;
   every leaf hash recomputed (every bad entry is named, not only the first);
2. the head row's size equals the number of entries (a rolled-back head or extra rows fail);
3. checkpoints: every signature verifies with the log's verifier key; every root is recomputed
   from the leaves, so successive checkpoints are consistent by construction; no checkpoint is
   larger than the log (tail truncation);
4. cosignatures: each verifies against the policy's witness keys; the latest checkpoint meets
   the policy's quorum (a latest checkpoint no witness cosigned passes only under ``quorum
   none``, with a warning that an insider holding the signing key could rewrite the log);
5. optionally (``online``), each witness's own latest checkpoint for this log is fetched and
   must match the log's tree at that size — a rewritten and re-signed history fails here;
6. payloads: every entry has its sealed payload; every payload opens against its entry and
   matches its commitment ``SHA-256(salt || details)`` (payloads of erased subjects cannot be
   opened and are counted);
7. case data (``ledger.reconcile``): the row commitments stored for each entry hash to the
   ``state`` it signed; every row of every committed table matches its latest commitment; no
   row lacks one and no committed row is gone; the append-only triggers are in place;
8. kept tiles (run between steps 5 and 6): every full hash tile kept for ``/ledger/tile/``
   holds exactly the hashes the leaves give it, with the right root, and none lies beyond the
   stored tree -- so what is served to outsiders is what ``verify`` checked (a tile client
   would catch a wrong tile against the checkpoint, but the operator should learn of it first).
"""

from __future__ import annotations

import hashlib
import re
import threading
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidTag
from django.db import connection

from dueprocess.ledger import reconcile, sealing
from dueprocess.ledger.bundle import signed_time
from dueprocess.ledger.config import UNWITNESSED_WARNING
from dueprocess.ledger.entries import HEADER, EntryFormatError, parse_entry
from dueprocess.ledger.models import Checkpoint, Cosignature, LedgerTile
from dueprocess.ledger.scan import stream
from dueprocess.tlog import merkle, note
from dueprocess.tlog.policy import Policy, PolicyError
from dueprocess.tlog.tiles import TILE_WIDTH
from dueprocess.tlog.witness import origin_hash


class VerificationFailed(Exception):
    pass


@dataclass
class VerifyReport:
    checked: list[str] = field(default_factory=list)
    failure: str = ""
    warnings: list[str] = field(default_factory=list)
    leaf_hashes: list[bytes] = field(default_factory=list, repr=False)
    #: The witnesses that cosigned the latest checkpoint, each with its signed time.
    signed_at: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.failure


def verify_ledger(
    policy: Policy,
    *,
    online: bool = False,
    fetch: Callable[[str], str] | None = None,
    state: bool = True,
) -> VerifyReport:
    """Everything in the module's list; ``state=False`` leaves out step 7 (the reconciliation
    of the case tables, ``verify_state``)."""
    report = VerifyReport()
    try:
        report.leaf_hashes = _entries(report)
        _head(report, len(report.leaf_hashes))
        latest = _checkpoints(report, policy, report.leaf_hashes)
        _quorum(report, policy, latest)
        if online:
            _witness_views(report, policy, report.leaf_hashes, fetch or _http_get)
        _kept_tiles(report, report.leaf_hashes)
        _payloads(report)
        if state:
            _state(report)
    except VerificationFailed as failure:
        report.failure = str(failure)
    return report


def verify_state() -> VerifyReport:
    """Step 7 alone (``verify --state``): the case tables against the row commitments."""
    report = VerifyReport()
    try:
        _state(report)
    except VerificationFailed as failure:
        report.failure = str(failure)
    return report


def _state(report: VerifyReport) -> None:
    result = reconcile.reconcile()
    if not result.ok:
        raise VerificationFailed(result.describe())
    report.checked.append(
        f"case data: {result.rows} rows of {len(reconcile.state.COMMITTED)} tables each match"
        f" the ledger's latest commitment to them ({result.commitments} commitments checked"
        " against their entries' state); append-only triggers in place"
    )


def _entries(report: VerifyReport) -> list[bytes]:
    """Recompute every leaf hash in one ordered scan while the database, on a second connection
    in parallel and in C, filters out every entry that might not have the ``dueprocess/entry/v2``
    layout, say its own ``seq`` or agree with its indexed ``recorded_at``, ``action`` and
    ``case_tag`` columns. Each row it flags (and each leaf hash that differs) is then judged in
    Python by the strict parser, so every bad entry is named with what is wrong with it. Inside
    a transaction the filter runs first on the same connection instead, because a second
    connection could not see uncommitted rows."""
    _check_dense()
    flagged: dict[str, Any] = {}
    if connection.in_atomic_block:
        _flag_rows(flagged)
        hashes, mismatched = _hash_entries()
    else:
        worker = threading.Thread(target=_flag_rows_in_thread, args=(flagged,))
        worker.start()
        try:
            hashes, mismatched = _hash_entries()
        finally:
            worker.join()
    if flagged.get("error"):
        raise VerificationFailed(f"entry checks could not run: {flagged['error']}")
    problems: list[str] = []
    for seq in sorted(set(flagged.get("seqs", [])) | set(mismatched)):
        problems.extend(entry_problems(seq))
    if problems:
        raise VerificationFailed(describe_problems(problems, more=flagged.get("more", False)))
    report.checked.append(
        f"entries: {len(hashes)} (seq dense from 0, each in the {HEADER} layout and"
        " saying its own seq, indexed recorded_at/action/case_tag columns match the entry,"
        " leaf hashes recomputed)"
    )
    return hashes


#: The only bytes an entry may hold: printable ASCII, space and newline.
_TEXT_BYTES = bytes(range(0x20, 0x7F)) + b"\n"


def _hash_entries() -> tuple[list[bytes], list[int]]:
    """Every recomputed leaf hash, and the seqs to judge: a stored leaf hash differs, or the
    entry holds a byte that is not printable ASCII or more newlines or spaces than its eleven
    lines have."""
    hashes: list[bytes] = []
    mismatched: list[int] = []
    sha256 = hashlib.sha256
    for rows in stream("SELECT entry, leaf_hash FROM ledger_ledgerentry ORDER BY seq"):
        if not isinstance(rows[0][0], bytes):  # PostgreSQL hands out memoryviews
            rows = [(bytes(entry), bytes(leaf)) for entry, leaf in rows]
        leaves = [sha256(b"\0" + row[0]).digest() for row in rows]
        if leaves != [row[1] for row in rows]:
            mismatched.extend(len(hashes) + i for i, row in enumerate(rows) if leaves[i] != row[1])
        # Whole-chunk checks in C; rows are looked at one by one only if a chunk fails. The
        # database flags any entry lacking one of the 11 newlines and 10 spaces of the layout,
        # so the chunk's totals are exact only if every entry has exactly those.
        joined = b"".join(row[0] for row in rows)
        if (
            joined.translate(None, _TEXT_BYTES)
            or joined.count(b"\n") != 11 * len(rows)
            or joined.count(b" ") != 10 * len(rows)
        ):
            mismatched.extend(
                len(hashes) + i
                for i, row in enumerate(rows)
                if row[0].translate(None, _TEXT_BYTES)
                or row[0].count(b"\n") != 11
                or row[0].count(b" ") != 10
            )
        hashes.extend(leaves)
    return hashes, mismatched


#: At most this many flagged rows are judged and named; more are counted as "and more".
FLAG_LIMIT = 1000


def _flag_rows_in_thread(flagged: dict[str, Any]) -> None:
    try:
        _flag_rows(flagged)
    except Exception as error:  # reported by the caller, never swallowed
        flagged["error"] = str(error) or type(error).__name__
    finally:
        connection.close()


def _flag_rows(flagged: dict[str, Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(_FLAG_ROWS[connection.vendor] + f" ORDER BY seq LIMIT {FLAG_LIMIT + 1}")
        seqs = [int(seq) for (seq,) in cursor.fetchall()]
    flagged["seqs"] = seqs[:FLAG_LIMIT]
    flagged["more"] = len(seqs) > FLAG_LIMIT


def entry_problems(seq: int) -> list[str]:
    """What is wrong with the entry stored at ``seq`` (empty if nothing), by the strict rules."""
    with connection.cursor() as cursor:
        cursor.execute(ENTRY_ROWS_SQL[f"{connection.vendor}-range"], [seq, seq + 1])
        rows = cursor.fetchall()
    problems: list[str] = []
    check_entry_rows(rows, seq, [], problems)
    return problems


#: SQLite has no regular expressions: the layout is pinned by its fixed parts instead, with
#: cheap byte operations only. The expected start (``seq`` and ``time`` from the row's own
#: columns), the ``role`` line before the expected middle (``action`` and ``case`` from the
#: columns), the ``nonce`` line after it, the ``state`` and ``payload`` lines (64 characters
#: each) last, and no empty value. These fixed parts hold 11 newlines and 10 spaces at distinct
#: places; the scan
#: itself checks that each entry holds no more (so no value holds a space or spans a line) and
#: only printable ASCII.
_SQLITE_FLAG = """
SELECT seq FROM ledger_ledgerentry WHERE NOT (
  length(entry) <= 65535
  AND instr(entry, CAST('dueprocess/entry/v2' || char(10) || 'seq ' || seq || char(10)
    || 'time ' || replace(recorded_at, ' ', 'T')
    || CASE WHEN length(recorded_at) = 19 THEN '.000000' ELSE '' END || 'Z' || char(10)
    || 'actor ' AS BLOB)) = 1
  AND instr(entry, CAST(char(10) || 'action ' || action || char(10) || 'case '
    || CASE WHEN case_tag = '' THEN '-' ELSE case_tag END || char(10) || 'request ' AS BLOB))
    BETWEEN instr(entry, X'0a726f6c6520') + 7 AND instr(entry, X'0a6e6f6e636520') - 10
  AND instr(entry, X'0a726f6c6520') > 0
  AND substr(entry, -74, 9) = X'0a7061796c6f616420'
  AND substr(entry, -145, 7) = X'0a737461746520'
  AND substr(entry, -1) = X'0a'
  AND instr(entry, X'0a6e6f6e636520') < length(entry) - 151
  AND instr(entry, X'200a') = 0
  AND instr(action, ' ') = 0 AND instr(action, char(10)) = 0
  AND instr(case_tag, ' ') = 0 AND instr(case_tag, char(10)) = 0
)"""

#: PostgreSQL matches the whole layout with a regular expression over the entry as text (rows
#: that need escaping to become text — bytes outside ASCII, NUL, backslash — are flagged).
_PG_LAYOUT = (
    "^dueprocess/entry/v2\\nseq (0|[1-9][0-9]{0,18})\\n"
    "time [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{6}Z\\n"
    "actor ([0-9a-f]{64}|system)\\nrole [!-~]{1,200}\\n"
    "action (?=[!-~]{1,200}\\n)[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+\\n"
    "case ([0-9a-f]{64}|-)\\n"
    "request [!-~]{1,200}\\nnonce [!-~]{1,200}\\nstate [0-9a-f]{64}\\n"
    "payload [0-9a-f]{64}\\n$"
)
_PG_FLAG = f"""
SELECT seq FROM ledger_ledgerentry WHERE NOT (
  octet_length(entry) <= 65535
  AND octet_length(entry) = length(encode(entry, 'escape'))
  AND encode(entry, 'escape') ~ '{_PG_LAYOUT}'
  AND position(convert_to('dueprocess/entry/v2' || chr(10) || 'seq ' || seq || chr(10)
    || 'time ' || to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
    || chr(10) || 'actor ', 'UTF8') IN entry) = 1
  AND position(convert_to(chr(10) || 'action ' || action || chr(10) || 'case '
    || CASE WHEN case_tag = '' THEN '-' ELSE case_tag END || chr(10) || 'request ', 'UTF8')
    IN entry) > 0
)"""  # noqa: S608 (constants only, no input)
_FLAG_ROWS = {"sqlite": _SQLITE_FLAG, "postgresql": _PG_FLAG}


#: Each entry row with its indexed columns, ``recorded_at`` rendered exactly as an entry's
#: ``time`` field (UTC, microseconds, ``Z``) so that the comparison is a string comparison.
ENTRY_ROWS_SQL = {
    "sqlite": (
        "SELECT entry, leaf_hash, action, case_tag, replace(recorded_at, ' ', 'T')"
        " || CASE WHEN length(recorded_at) = 19 THEN '.000000' ELSE '' END || 'Z'"
        " FROM ledger_ledgerentry{where} ORDER BY seq"
    ),
    "postgresql": (
        "SELECT entry, leaf_hash, action, case_tag,"
        " to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
        " FROM ledger_ledgerentry{where} ORDER BY seq"
    ),
}
ENTRY_ROWS_SQL = {vendor: sql.format(where="") for vendor, sql in ENTRY_ROWS_SQL.items()} | {
    f"{vendor}-range": sql.format(where=" WHERE seq >= %s AND seq < %s")
    for vendor, sql in ENTRY_ROWS_SQL.items()
}

#: The v2 layout as one expression: a fast path whose every match ``parse_entry`` also accepts.
#: Anything it does not match is handed to ``parse_entry`` itself, the definition of the format.
_LAYOUT = re.compile(
    r"dueprocess/entry/v2\nseq (0|[1-9][0-9]{0,18})\n"
    r"time ([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z)\n"
    r"actor (?:[0-9a-f]{64}|system)\nrole [\x21-\x7e]{1,200}\n"
    r"action (?=[\x21-\x7e]{1,200}\n)([a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+)\n"
    r"case ([0-9a-f]{64}|-)\n"
    r"request [\x21-\x7e]{1,200}\nnonce [\x21-\x7e]{1,200}\nstate [0-9a-f]{64}\n"
    r"payload [0-9a-f]{64}\n"
)


def check_entry_rows(
    rows: list[tuple[Any, ...]], first: int, hashes: list[bytes], problems: list[str]
) -> None:
    """Check rows ``(entry, leaf_hash, action, case_tag, time)`` stored at ``first`` onwards:
    append each recomputed leaf hash to ``hashes`` and each problem, naming its seq, to
    ``problems``."""
    sha256 = hashlib.sha256
    match = _LAYOUT.fullmatch
    for offset, (raw, leaf, action, case_tag, time_text) in enumerate(rows):
        seq = first + offset
        if not isinstance(raw, bytes):  # PostgreSQL hands out memoryviews
            raw, leaf = bytes(raw), bytes(leaf)
        computed = sha256(b"\0" + raw).digest()
        hashes.append(computed)
        if computed != leaf:
            problems.append(f"leaf hash mismatch at seq {seq}")
        try:
            found = match(raw.decode("ascii"))
        except UnicodeDecodeError:
            found = None
        if found is not None:
            said, time, said_action, case = found.groups()
        else:
            try:
                entry = parse_entry(raw)
            except EntryFormatError as error:
                problems.append(f"seq {seq}: not a valid {HEADER} entry ({error})")
                continue
            said, time, said_action, case = str(entry.seq), entry.time, entry.action, entry.case
        if said != str(seq):
            problems.append(f"entry stored at seq {seq} does not say seq {seq} (it says {said})")
        if time != time_text:
            problems.append(
                f"seq {seq}: the recorded_at column says {time_text} but the entry says {time}"
            )
        if said_action != action:
            problems.append(
                f"seq {seq}: the action column says {action} but the entry says {said_action}"
            )
        if case != (case_tag or "-"):
            problems.append(f"seq {seq}: the case_tag column disagrees with the entry's case")


def describe_problems(problems: list[str], *, shown: int = 50, more: bool = False) -> str:
    """One line per problem (at most ``shown``), under a count."""
    lines = problems[:shown]
    if len(problems) > shown or more:
        lines.append(f"... and {'more' if more else len(problems) - shown} not listed")
    count = f"{len(problems)}{'+' if more else ''}"
    return f"{count} invalid {'entry' if count == '1' else 'entries'}:\n  " + "\n  ".join(lines)


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


def _payloads(report: VerifyReport) -> None:
    """Every sealed payload against its entry: it must open with its subject's key (the entry
    bytes are its associated data) to details whose ``SHA-256(salt || details)`` is the entry's
    ``payload`` commitment. Payloads of erased subjects (no key) cannot be opened and are
    counted, not judged."""
    keys_by_subject: dict[str, bytes | None] = {}
    problems: list[str] = []
    checked = erased = 0
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT e.seq FROM ledger_ledgerentry e LEFT JOIN ledger_ledgerpayload p"
            " ON p.seq = e.seq WHERE p.seq IS NULL ORDER BY e.seq LIMIT 51"
        )
        problems.extend(
            f"seq {seq}: the sealed payload is missing (erasure destroys a key, never a payload)"
            for (seq,) in cursor.fetchall()
        )
    sql = (
        "SELECT p.seq, p.subject, p.salt, p.nonce, p.ciphertext, e.entry"
        " FROM ledger_ledgerpayload p LEFT JOIN ledger_ledgerentry e ON e.seq = p.seq"
        " ORDER BY p.seq"
    )
    for rows in stream(sql):
        for seq, subject, salt, nonce, ciphertext, raw in rows:
            if raw is None:
                problems.append(f"seq {seq}: a sealed payload with no entry")
                continue
            if subject not in keys_by_subject:
                try:
                    keys_by_subject[subject] = sealing.subject_key(subject, create=False)
                except InvalidTag:
                    problems.append(f"seq {seq}: the key of {subject} cannot be unwrapped")
                    keys_by_subject[subject] = None
                    continue
            data_key = keys_by_subject[subject]
            if data_key is None:
                erased += 1
                continue
            raw = bytes(raw)
            try:
                plain = sealing.unseal(data_key, bytes(nonce), bytes(ciphertext), raw)
            except InvalidTag:
                problems.append(f"seq {seq}: the sealed payload does not open against its entry")
                continue
            if sealing.commit(bytes(salt), plain) != raw[-65:-1].decode("ascii", "replace"):
                problems.append(f"seq {seq}: the sealed payload does not match its record")
                continue
            checked += 1
    if problems:
        raise VerificationFailed(
            f"{len(problems)} sealed payload{'s' if len(problems) != 1 else ''} do not match"
            " their entries:\n  "
            + "\n  ".join(problems[:50])
            + (f"\n  ... and {len(problems) - 50} more" if len(problems) > 50 else "")
        )
    report.checked.append(
        f"payloads: {checked} opened and matching their entries' commitments"
        f" ({erased} of erased subjects, unreadable by design)"
    )


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


def _kept_tiles(report: VerifyReport, hashes: list[bytes]) -> None:
    """Recompute every full tile's hashes level by level from the leaves and compare the kept
    ones; a kept tile that differs, or that the stored tree does not have, is named."""
    kept: dict[tuple[int, int], tuple[bytes, bytes]] = {
        (level, index): (bytes(data), bytes(root))
        for level, index, data, root in LedgerTile.objects.values_list(
            "level", "index", "hashes", "root"
        ).iterator(chunk_size=2_000)
    }
    wrong: list[str] = []
    level, below = 0, hashes
    while kept and len(below) >= TILE_WIDTH:
        roots: list[bytes] = []
        for index in range(len(below) // TILE_WIDTH):
            part = below[index * TILE_WIDTH : (index + 1) * TILE_WIDTH]
            root = merkle.root_from_leaf_hashes(part)
            roots.append(root)
            found = kept.pop((level, index), None)
            if found is not None and found != (b"".join(part), root):
                wrong.append(f"tile {level}/{index} differs from the tree")
        level, below = level + 1, roots
    wrong += [f"tile {level}/{index} is beyond the stored tree" for level, index in sorted(kept)]
    if wrong:
        raise VerificationFailed(
            "kept tiles: "
            + "; ".join(wrong[:20])
            + (f" and {len(wrong) - 20} more" if len(wrong) > 20 else "")
        )
    report.checked.append("kept tiles: each holds the hashes the stored leaves give it")


def _quorum(report: VerifyReport, policy: Policy, latest: Checkpoint | None) -> None:
    """Every stored cosignature by a witness the policy names must verify (its signed time
    included); the latest checkpoint must meet the quorum. Cosignatures by witnesses the policy
    does not name are ignored, as signed notes require, but reported."""
    if latest is None:
        report.warnings.append(UNWITNESSED_WARNING)
        if policy.quorum != "none":
            raise VerificationFailed(
                f"no checkpoint, but the policy requires quorum {policy.quorum!r}"
            )
        return
    trusted = {(v.name, v.key_id) for v in policy.witness_verifiers}
    bodies: dict[int, str] = {}
    signed_at: dict[str, int] = {}
    unknown: set[str] = set()
    checked = 0
    for cosignature in Cosignature.objects.select_related("checkpoint").order_by(
        "checkpoint__size", "witness"
    ):
        checkpoint = cosignature.checkpoint
        where = f"cosignature by {cosignature.witness} on checkpoint {checkpoint.size}"
        try:
            parsed = note.parse_signature_line(cosignature.line)
        except note.NoteError as error:
            raise VerificationFailed(f"{where} is malformed ({error})") from error
        if (parsed.name, parsed.key_id) not in trusted:
            unknown.add(parsed.name)
            continue
        if checkpoint.size not in bodies:
            bodies[checkpoint.size] = note.split_note(checkpoint.note)[0]
        try:
            _, verified = note.open_note(
                bodies[checkpoint.size] + "\n" + cosignature.line + "\n",
                policy.witness_verifiers,
            )
        except note.NoteError as error:
            raise VerificationFailed(f"{where} does not verify ({error})") from error
        checked += 1
        if checkpoint.pk == latest.pk:
            for signature in verified:
                for name in policy.cosigners([signature]):
                    signed_at[name] = signature.timestamp or 0
    if unknown:
        report.warnings.append(
            "WARNING: the ledger holds cosignatures by witnesses this policy does not name"
            f" ({', '.join(sorted(unknown))}); they were not checked. If the policy was changed"
            " to leave them out, verify with your own copy of the policy (--policy)."
        )
    if not signed_at:
        report.warnings.append(UNWITNESSED_WARNING)
    try:
        met = policy.satisfied_by(signed_at)
    except PolicyError as error:
        raise VerificationFailed(str(error)) from error
    if not met:
        raise VerificationFailed(
            f"latest checkpoint {latest.size} is cosigned by {sorted(signed_at) or 'no witness'};"
            f" the policy's quorum {policy.quorum!r} is not met"
        )
    report.signed_at = dict(signed_at)
    witnessed = (
        ", ".join(f"{name} at {signed_time(at)}" for name, at in sorted(signed_at.items()))
        or "no witness (no signed time)"
    )
    report.checked.append(
        f"cosignatures: {checked} verified (each with its signed time); latest checkpoint"
        f" {latest.size} cosigned by {witnessed} (quorum {policy.quorum!r} met)"
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
