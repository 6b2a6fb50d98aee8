"""A minimal cosigning witness and client for c2sp.org/tlog-witness.

Follows tlog-witness as of C2SP/C2SP commit 5ba5ee8 (file last changed in 95978ca, 2026-07-06),
i.e. after v1.0.0: a same-size checkpoint with a different root is 422 (v1.0.0 said 409), a
size-0 checkpoint must carry the empty-tree root (422), and a witness should serve the latest
cosigned checkpoint at ``GET <prefix>/<hex sha256(origin)>/checkpoint``. The optional
``sign-subtree`` API is not implemented (it needs ML-DSA-44 cosignatures).

A witness is run by a party independent of the log, so it keeps its own state in its own SQLite
file: per origin the last cosigned size, root and note. The check "old size == stored size" and
the update happen in one ``BEGIN IMMEDIATE`` transaction with ``synchronous=FULL``, which closes
the rollback race described in the spec and survives power loss once a cosignature is returned.

Request handling (:meth:`Witness.add_checkpoint`) is pure: bytes in, (status, headers, body)
out. The HTTP layer is the standard library's ``ThreadingHTTPServer``.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import logging
import re
import sqlite3
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Self

from . import merkle
from .note import (
    CosignatureVerifier,
    Cosigner,
    InvalidSignatureError,
    NoKnownSignatureError,
    NoteError,
    Verifier,
    cosign_checkpoint,
    open_note,
    parse_checkpoint,
    parse_signature_line,
    split_note,
    strict_b64decode,
)

__all__ = [
    "MAX_PROOF_LINES",
    "SIZE_CONTENT_TYPE",
    "AddCheckpointRequest",
    "Response",
    "StoredCheckpoint",
    "Witness",
    "WitnessRequestError",
    "WitnessServer",
    "format_add_checkpoint_request",
    "origin_hash",
    "parse_add_checkpoint_request",
    "serve",
    "start_in_thread",
    "submit_checkpoint",
]

logger = logging.getLogger(__name__)

SIZE_CONTENT_TYPE = "text/x.tlog.size"
#: The spec forbids clients to send more; a consistency proof for < 2^63 leaves fits.
MAX_PROOF_LINES = 63
#: Generous: 63 proof lines plus a checkpoint with 100 post-quantum-sized signatures.
MAX_BODY_BYTES = 1 << 20
#: SQLite integers are signed 64-bit; no real log comes near this.
_MAX_STORED_SIZE = 2**63 - 1
_OLD_LINE = re.compile(r"old (0|[1-9][0-9]*)", re.ASCII)
_TEXT = "text/plain; charset=utf-8"

#: (HTTP status, headers, body): what :meth:`Witness.add_checkpoint` returns.
Response = tuple[int, dict[str, str], bytes]


def _text_response(status: int, message: str) -> Response:
    return status, {"Content-Type": _TEXT}, (message.rstrip("\n") + "\n").encode("utf-8")


class _Reject(Exception):
    """Internal: abort request handling with a status code."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def origin_hash(origin: str) -> str:
    """Lowercase hex SHA-256 of the origin: the path segment of the monitoring endpoint."""
    return hashlib.sha256(origin.encode("utf-8")).hexdigest()


# --- request body ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AddCheckpointRequest:
    old_size: int
    consistency_proof: tuple[bytes, ...]
    #: The signed checkpoint note, verbatim.
    checkpoint: str


def format_add_checkpoint_request(
    old_size: int, consistency_proof: Sequence[bytes], signed_note: str
) -> bytes:
    """``old N\\n`` + one base64 hash per line + ``\\n`` + the signed checkpoint."""
    if isinstance(old_size, bool) or not isinstance(old_size, int) or old_size < 0:
        raise ValueError("old size must be a non-negative integer")
    if len(consistency_proof) > MAX_PROOF_LINES:
        raise ValueError(f"a consistency proof may have at most {MAX_PROOF_LINES} hashes")
    lines = [f"old {old_size}\n"]
    for node in consistency_proof:
        if len(node) != merkle.HASH_SIZE:
            raise ValueError("consistency proof hashes must be 32 bytes")
        lines.append(base64.b64encode(node).decode("ascii") + "\n")
    lines.append("\n")
    return ("".join(lines) + signed_note).encode("utf-8")


def parse_add_checkpoint_request(body: bytes) -> AddCheckpointRequest:
    """Parse an add-checkpoint body strictly; raises ValueError with the reason."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError("request body is not valid UTF-8") from exc
    head, sep, checkpoint = text.partition("\n\n")
    if not sep:
        raise ValueError("request has no blank line before the checkpoint")
    lines = head.split("\n")
    match = _OLD_LINE.fullmatch(lines[0])
    if not match:
        raise ValueError("first line must be 'old N' (decimal, no leading zeros)")
    proof_lines = lines[1:]
    if len(proof_lines) > MAX_PROOF_LINES:
        raise ValueError(f"more than {MAX_PROOF_LINES} consistency proof lines")
    proof = []
    for number, line in enumerate(proof_lines, start=2):
        try:
            node = strict_b64decode(line, "consistency proof hash")
        except NoteError as exc:
            raise ValueError(f"line {number}: {exc}") from exc
        if len(node) != merkle.HASH_SIZE:
            raise ValueError(f"line {number}: consistency proof hash is not 32 bytes")
        proof.append(node)
    return AddCheckpointRequest(int(match.group(1)), tuple(proof), checkpoint)


# --- state ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StoredCheckpoint:
    origin: str
    size: int
    root_hash: bytes
    #: The checkpoint with the log signatures the witness verified and its own cosignature.
    note: str
    updated_at: int


_SCHEMA = """
CREATE TABLE IF NOT EXISTS witness_state (
    origin      TEXT PRIMARY KEY,
    size        INTEGER NOT NULL CHECK (size >= 0),
    root_hash   BLOB NOT NULL CHECK (length(root_hash) = 32),
    note        TEXT NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS witness_evidence (
    id          INTEGER PRIMARY KEY,
    origin      TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    reason      TEXT NOT NULL,
    request     BLOB NOT NULL
);
"""


class _Store:
    """The witness's own SQLite file. One short-lived connection per request keeps threads apart."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        with contextlib.closing(self._connect()) as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
        db.execute("PRAGMA synchronous=FULL")
        return db

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE: the write lock is taken before the stored size is read."""
        db = self._connect()
        try:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
        finally:
            db.close()

    @staticmethod
    def read(db: sqlite3.Connection, origin: str) -> StoredCheckpoint | None:
        row = db.execute(
            "SELECT size, root_hash, note, updated_at FROM witness_state WHERE origin = ?",
            (origin,),
        ).fetchone()
        if row is None:
            return None
        return StoredCheckpoint(origin, int(row[0]), bytes(row[1]), str(row[2]), int(row[3]))

    def latest(self, origin: str) -> StoredCheckpoint | None:
        with contextlib.closing(self._connect()) as db:
            return self.read(db, origin)

    def latest_by_hash(self, hex_digest: str) -> StoredCheckpoint | None:
        with contextlib.closing(self._connect()) as db:
            for (origin,) in db.execute("SELECT origin FROM witness_state"):
                if origin_hash(origin) == hex_digest:
                    return self.read(db, origin)
        return None


# --- the witness ----------------------------------------------------------------------------------


class Witness:
    """A cosigning witness for a fixed set of logs.

    ``skey`` is the witness's signer key (x/mod format, type 0x04 or 0x01); its key name is the
    witness name. ``logs`` maps each origin to the log's Ed25519 vkey (or several, for rotation).
    """

    def __init__(
        self,
        skey: str,
        logs: Mapping[str, str | Sequence[str]],
        db_path: str | Path,
        *,
        name: str | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._signer = Cosigner.from_skey(skey)
        if name is not None and name != self._signer.name:
            raise ValueError(f"witness name {name!r} differs from its key name")
        self._logs: dict[str, list[Verifier]] = {}
        for origin, vkeys in logs.items():
            keys = [vkeys] if isinstance(vkeys, str) else list(vkeys)
            if not keys:
                raise ValueError(f"log {origin!r} needs at least one vkey")
            self._logs[origin] = [Verifier.from_vkey(vkey) for vkey in keys]
        self._store = _Store(db_path)
        self._clock = clock

    @property
    def name(self) -> str:
        return self._signer.name

    @property
    def vkey(self) -> str:
        """The cosignature/v1 (type 0x04) vkey to give to verifiers and policies."""
        return self._signer.vkey

    @property
    def verifier(self) -> CosignatureVerifier:
        return self._signer.verifier()

    def latest(self, origin: str) -> StoredCheckpoint | None:
        return self._store.latest(origin)

    def add_checkpoint(self, body: bytes) -> Response:
        """Handle one add-checkpoint request body; never raises for bad input."""
        try:
            return self._add_checkpoint(body)
        except _Reject as reject:
            return _text_response(reject.status, reject.message)

    def _add_checkpoint(self, body: bytes) -> Response:
        try:
            request = parse_add_checkpoint_request(body)
            text, _ = split_note(request.checkpoint)
            checkpoint = parse_checkpoint(text)
        except ValueError as exc:
            raise _Reject(400, f"malformed request: {exc}") from exc
        verifiers = self._logs.get(checkpoint.origin)
        if verifiers is None:
            raise _Reject(404, f"unknown log origin {checkpoint.origin!r}")
        try:
            _, log_signatures = open_note(request.checkpoint, verifiers)
        except (NoKnownSignatureError, InvalidSignatureError) as exc:
            raise _Reject(403, f"checkpoint signature: {exc}") from exc
        except NoteError as exc:
            raise _Reject(400, f"malformed checkpoint: {exc}") from exc
        if checkpoint.size > _MAX_STORED_SIZE:
            raise _Reject(400, f"tree size {checkpoint.size} is beyond what this witness stores")
        if request.old_size > checkpoint.size:
            raise _Reject(
                400, f"old size {request.old_size} exceeds checkpoint size {checkpoint.size}"
            )

        with self._store.transaction() as db:
            stored = self._store.read(db, checkpoint.origin)
            stored_size = stored.size if stored is not None else 0
            if request.old_size != stored_size:
                return 409, {"Content-Type": SIZE_CONTENT_TYPE}, f"{stored_size}\n".encode()
            problem = self._inconsistency(request, checkpoint.size, checkpoint.root_hash, stored)
            if problem is not None:
                db.execute(
                    "INSERT INTO witness_evidence (origin, received_at, reason, request)"
                    " VALUES (?, ?, ?, ?)",
                    (checkpoint.origin, int(self._clock()), problem, body),
                )
                logger.warning("refused checkpoint for %s: %s", checkpoint.origin, problem)
                return _text_response(422, problem)
            timestamp = int(self._clock())
            if timestamp <= 0:
                raise RuntimeError("witness clock returned a non-positive time")
            cosignature = cosign_checkpoint(text, self._signer, timestamp)
            stored_note = (
                text + "\n" + "".join(f"{s.line}\n" for s in log_signatures) + cosignature + "\n"
            )
            db.execute(
                "INSERT INTO witness_state (origin, size, root_hash, note, updated_at)"
                " VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (origin) DO UPDATE SET size = excluded.size,"
                " root_hash = excluded.root_hash, note = excluded.note,"
                " updated_at = excluded.updated_at",
                (checkpoint.origin, checkpoint.size, checkpoint.root_hash, stored_note, timestamp),
            )
        return 200, {"Content-Type": _TEXT}, (cosignature + "\n").encode("utf-8")

    @staticmethod
    def _inconsistency(
        request: AddCheckpointRequest,
        size: int,
        root: bytes,
        stored: StoredCheckpoint | None,
    ) -> str | None:
        """Why the checkpoint cannot be cosigned (a 422), or None if it extends what we saw."""
        if size == 0 and root != merkle.EMPTY_ROOT:
            return "a checkpoint of size 0 must have the empty-tree root"
        if request.old_size == 0:
            if request.consistency_proof:
                return "the consistency proof must be empty when the old size is 0"
            return None
        assert stored is not None  # old size == stored size > 0
        try:
            merkle.verify_consistency(
                stored.size, size, stored.root_hash, root, request.consistency_proof
            )
        except merkle.ProofError as exc:
            return f"not consistent with the cosigned checkpoint of size {stored.size}: {exc}"
        return None

    def monitor_checkpoint(self, hex_digest: str) -> Response:
        """``GET <prefix>/<sha256(origin) hex>/checkpoint``: latest cosigned checkpoint or 404."""
        stored = self._store.latest_by_hash(hex_digest)
        if stored is None:
            return _text_response(404, "no checkpoint cosigned for that origin")
        return 200, {"Content-Type": _TEXT}, stored.note.encode("utf-8")


# --- HTTP server ----------------------------------------------------------------------------------


def _handler_for(witness: Witness, prefix: str) -> type[BaseHTTPRequestHandler]:
    add_path = f"{prefix}/add-checkpoint"
    monitor_path = re.compile(re.escape(prefix) + r"/([0-9a-f]{64})/checkpoint")

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as the spec recommends
        server_version = "dueprocess-witness"

        def _send(self, response: Response) -> None:
            status, headers, body = response
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def do_POST(self) -> None:
            path = self.path.split("?", 1)[0]
            length_header = self.headers.get("Content-Length")
            if length_header is None or not re.fullmatch(r"[0-9]{1,9}", length_header, re.ASCII):
                self.close_connection = True
                self._send(_text_response(411, "Content-Length required"))
                return
            length = int(length_header)
            if length > MAX_BODY_BYTES:
                self.close_connection = True
                self._send(_text_response(413, "request body too large"))
                return
            body = self.rfile.read(length)
            if path != add_path:
                self._send(_text_response(404, "not found"))
                return
            try:
                response = witness.add_checkpoint(body)
            except Exception:  # a bug or a broken disk: never cosign, say so, keep serving
                logger.exception("add-checkpoint failed")
                response = _text_response(500, "internal error")
            self._send(response)

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            if path == add_path:
                status, headers, body = _text_response(405, "add-checkpoint needs POST")
                self._send((status, {**headers, "Allow": "POST"}, body))
                return
            match = monitor_path.fullmatch(path)
            if match is None:
                self._send(_text_response(404, "not found"))
                return
            self._send(witness.monitor_checkpoint(match.group(1)))

        def log_message(self, format: str, *args: object) -> None:
            logger.info("%s %s", self.address_string(), format % args)

    return Handler


def _make_server(witness: Witness, host: str, port: int, prefix: str) -> ThreadingHTTPServer:
    prefix = prefix.rstrip("/")
    if prefix and not prefix.startswith("/"):
        raise ValueError("prefix must be empty or start with '/'")
    server = ThreadingHTTPServer((host, port), _handler_for(witness, prefix))
    server.daemon_threads = True
    return server


def serve(host: str, port: int, witness: Witness, *, prefix: str = "") -> None:
    """Serve the witness until interrupted (for a CLI): ``POST <prefix>/add-checkpoint``."""
    server = _make_server(witness, host, port, prefix)
    logger.info("witness %s listening on %s:%d%s", witness.name, host, server.server_port, prefix)
    try:
        server.serve_forever()
    finally:
        server.server_close()


class WitnessServer:
    """A witness HTTP server running in a background thread (tests, embedded use)."""

    def __init__(self, server: ThreadingHTTPServer, prefix: str) -> None:
        self._server = server
        self._prefix = prefix.rstrip("/")
        # A short poll interval keeps close() (which waits for the loop to notice) fast.
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    @property
    def port(self) -> int:
        return int(self._server.server_port)

    @property
    def url(self) -> str:
        """The submission prefix URL, for :func:`submit_checkpoint`."""
        address = self._server.server_address[0]
        host = address.decode("ascii") if isinstance(address, bytes) else str(address)
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.port}{self._prefix}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def start_in_thread(
    witness: Witness, host: str = "127.0.0.1", port: int = 0, *, prefix: str = ""
) -> WitnessServer:
    """Start serving in a daemon thread; port 0 picks a free port (see ``.port``/``.url``)."""
    return WitnessServer(_make_server(witness, host, port, prefix), prefix)


# --- client ---------------------------------------------------------------------------------------


class WitnessRequestError(Exception):
    """An add-checkpoint request that did not return cosignatures.

    ``status`` is the HTTP status (None if the witness could not be reached); on 409,
    ``stored_size`` is the size of the latest checkpoint the witness cosigned.
    """

    def __init__(self, status: int | None, message: str, stored_size: int | None = None) -> None:
        super().__init__(f"witness returned {status}: {message}" if status else message)
        self.status = status
        self.message = message
        self.stored_size = stored_size


def submit_checkpoint(
    url: str,
    old_size: int,
    consistency_proof: Sequence[bytes],
    signed_note: str,
    timeout: float = 10.0,
) -> list[str]:
    """POST a checkpoint to a witness's submission prefix ``url``; return its cosignature lines.

    The lines (without newlines) are not verified here: pass them to
    :func:`~dueprocess.tlog.note.append_signatures` and verify with the witness vkeys you trust.
    """
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"witness URL must be http:// or https://, got {url!r}")
    body = format_add_checkpoint_request(old_size, consistency_proof, signed_note)
    request = urllib.request.Request(  # noqa: S310 (scheme checked above)
        url.rstrip("/") + "/add-checkpoint",
        data=body,
        method="POST",
        headers={"Content-Type": _TEXT},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            status: int = response.status
            payload: bytes = response.read()
    except urllib.error.HTTPError as error:
        payload = error.read()
        text = payload.decode("utf-8", "replace").strip()
        stored: int | None = None
        if error.code == 409:
            content_type = (error.headers.get("Content-Type") or "").split(";")[0].strip()
            if content_type != SIZE_CONTENT_TYPE or not re.fullmatch(r"[0-9]+", text, re.ASCII):
                raise WitnessRequestError(409, f"malformed conflict response {text!r}") from error
            stored = int(text)
        raise WitnessRequestError(error.code, text, stored) from error
    except (urllib.error.URLError, OSError) as error:
        raise WitnessRequestError(None, f"witness {url} unreachable: {error}") from error
    if status != 200:
        raise WitnessRequestError(status, payload.decode("utf-8", "replace").strip())
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError as error:
        raise WitnessRequestError(200, "response is not valid UTF-8") from error
    if not text.endswith("\n"):
        raise WitnessRequestError(200, "response must end with a newline")
    lines = text[:-1].split("\n")
    for line in lines:
        try:
            parse_signature_line(line)
        except NoteError as error:
            raise WitnessRequestError(200, f"malformed cosignature line: {error}") from error
    return lines
