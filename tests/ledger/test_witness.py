"""Two independent witnesses over real loopback HTTP, cosigning a small in-memory log."""

from __future__ import annotations

import hashlib
import http.client
import socket
import sqlite3
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from dueprocess.tlog.merkle import (
    EMPTY_ROOT,
    consistency_proof,
    leaf_hash,
    root_from_leaf_hashes,
)
from dueprocess.tlog.note import (
    NoteVerifier,
    Signer,
    append_signatures,
    format_checkpoint,
    generate_cosigner_key,
    open_note,
    sign_note,
)
from dueprocess.tlog.policy import parse_policy
from dueprocess.tlog.witness import (
    SIZE_CONTENT_TYPE,
    Witness,
    WitnessRequestError,
    WitnessServer,
    format_add_checkpoint_request,
    origin_hash,
    start_in_thread,
    submit_checkpoint,
)

ORIGIN = "cases.example.org/audit/v1"


class MemoryLog:
    """A log in a list: leaf hashes plus the log's signing key."""

    def __init__(self, signer: Signer, label: str = "honest") -> None:
        self.signer = signer
        self.label = label
        self.hashes: list[bytes] = []

    def grow(self, count: int) -> None:
        for _ in range(count):
            self.hashes.append(leaf_hash(f"{self.label} entry {len(self.hashes)}".encode()))

    @property
    def size(self) -> int:
        return len(self.hashes)

    def root(self, size: int | None = None) -> bytes:
        return root_from_leaf_hashes(self.hashes[: self.size if size is None else size])

    def checkpoint(self, size: int | None = None) -> str:
        size = self.size if size is None else size
        return sign_note(format_checkpoint(ORIGIN, size, self.root(size)), [self.signer])

    def proof(self, old: int, new: int | None = None) -> list[bytes]:
        return consistency_proof(old, self.size if new is None else new, self.hashes)

    def fork(self, label: str, keep: int) -> MemoryLog:
        """The same log key over a history that diverges after ``keep`` entries."""
        other = MemoryLog(self.signer, label)
        other.hashes = self.hashes[:keep]
        return other


@dataclass
class Running:
    skey: str
    vkey: str
    db: Path
    witness: Witness
    server: WitnessServer

    @property
    def url(self) -> str:
        return self.server.url


def launch(skey: str, vkey: str, db: Path, log: MemoryLog) -> Running:
    witness = Witness(skey, {ORIGIN: log.signer.vkey}, db)
    assert witness.vkey == vkey
    return Running(skey, vkey, db, witness, start_in_thread(witness))


@pytest.fixture
def log() -> MemoryLog:
    return MemoryLog(Signer.generate(ORIGIN))


@pytest.fixture
def witnesses(tmp_path: Path, log: MemoryLog) -> Iterator[list[Running]]:
    running = []
    for number in (1, 2):
        skey, vkey = generate_cosigner_key(f"witness{number}.example/w")
        running.append(launch(skey, vkey, tmp_path / f"witness{number}.sqlite", log))
    yield running
    for item in running:
        item.server.close()


@pytest.fixture
def one(witnesses: list[Running]) -> Running:
    return witnesses[0]


def submit(target: Running, log: MemoryLog, old: int, note: str | None = None) -> list[str]:
    note = log.checkpoint() if note is None else note
    return submit_checkpoint(target.url, old, log.proof(old) if old else [], note, timeout=10)


def refusal(target: Running, old: int, proof: list[bytes], note: str) -> WitnessRequestError:
    with pytest.raises(WitnessRequestError) as caught:
        submit_checkpoint(target.url, old, proof, note, timeout=10)
    return caught.value


def evidence_count(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT count(*) FROM witness_evidence").fetchone()[0])


# --- the happy path ---------------------------------------------------------------------------


def test_two_witnesses_cosign_a_growing_log_and_their_cosignatures_verify(
    log: MemoryLog, witnesses: list[Running]
) -> None:
    policy = parse_policy(
        f"log {log.signer.vkey}\n"
        + "".join(f"witness W{i} {w.vkey}\n" for i, w in enumerate(witnesses))
        + "group both all W0 W1\nquorum both\n"
    )
    verifiers: list[NoteVerifier] = [log.signer.verifier()]
    verifiers += [w.witness.verifier for w in witnesses]
    last = 0
    for grow in (0, 5, 7, 0, 28):  # sizes 0, 5, 12, 12 (resubmitted), 40
        log.grow(grow)
        note = log.checkpoint()
        lines = [line for w in witnesses for line in submit(w, log, last, note)]
        assert len(lines) == 2
        cosigned = append_signatures(note, lines)
        _, signatures = open_note(cosigned, verifiers)
        assert [s.name for s in signatures] == [ORIGIN, "witness1.example/w", "witness2.example/w"]
        assert all(s.timestamp and s.timestamp > 1_600_000_000 for s in signatures[1:])
        checkpoint, names = policy.verify_checkpoint(cosigned)
        assert (checkpoint.size, names) == (log.size, {"W0", "W1"})
        last = log.size
    for w in witnesses:
        stored = w.witness.latest(ORIGIN)
        assert stored is not None and (stored.size, stored.root_hash) == (40, log.root())


def test_a_witness_uses_its_clock_for_the_cosignature_timestamp(
    tmp_path: Path, log: MemoryLog
) -> None:
    skey, _ = generate_cosigner_key("witness.example/clocked")
    witness = Witness(skey, {ORIGIN: log.signer.vkey}, tmp_path / "w.sqlite", clock=lambda: 1234.9)
    log.grow(3)
    status, _, body = witness.add_checkpoint(format_add_checkpoint_request(0, [], log.checkpoint()))
    assert status == 200
    note = append_signatures(log.checkpoint(), [body.decode()])
    _, signatures = open_note(note, [witness.verifier])
    assert signatures[0].timestamp == 1234


def test_the_monitoring_endpoint_serves_the_latest_cosigned_checkpoint(
    log: MemoryLog, one: Running
) -> None:
    log.grow(9)
    submit(one, log, 0)
    connection = http.client.HTTPConnection("127.0.0.1", one.server.port, timeout=10)
    connection.request("GET", f"/{origin_hash(ORIGIN)}/checkpoint")
    response = connection.getresponse()
    note = response.read().decode()
    assert response.status == 200
    _, signatures = open_note(note, [log.signer.verifier(), one.witness.verifier])
    assert {s.name for s in signatures} == {ORIGIN, "witness1.example/w"}
    connection.request("GET", f"/{hashlib.sha256(b'other').hexdigest()}/checkpoint")
    missing = connection.getresponse()
    missing.read()
    assert missing.status == 404
    connection.close()


# --- restarts and races -----------------------------------------------------------------------


def test_a_restarted_witness_continues_from_its_sqlite_file(log: MemoryLog, one: Running) -> None:
    log.grow(10)
    submit(one, log, 0)
    one.server.close()
    restarted = launch(one.skey, one.vkey, one.db, log)
    try:
        with sqlite3.connect(one.db) as conn:
            assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        stale = refusal(restarted, 0, [], log.checkpoint())
        assert (stale.status, stale.stored_size) == (409, 10)
        log.grow(5)
        lines = submit(restarted, log, 10)
        _, signatures = open_note(
            append_signatures(log.checkpoint(), lines), [one.witness.verifier]
        )
        assert signatures[0].name == "witness1.example/w"
    finally:
        restarted.server.close()


def test_concurrent_submissions_from_the_same_old_size_cosign_exactly_one(
    log: MemoryLog, one: Running
) -> None:
    log.grow(4)
    submit(one, log, 0)
    log.grow(20)
    notes = {size: log.checkpoint(size) for size in range(5, 25, 2)}
    barrier = threading.Barrier(len(notes))

    def attempt(size: int) -> int | None:
        barrier.wait()
        try:
            submit_checkpoint(one.url, 4, log.proof(4, size), notes[size], timeout=30)
        except WitnessRequestError as error:
            assert error.status == 409
            return error.stored_size
        return None

    with ThreadPoolExecutor(len(notes)) as pool:
        outcomes = list(pool.map(attempt, notes))
    winners = [size for size, outcome in zip(notes, outcomes, strict=True) if outcome is None]
    assert len(winners) == 1
    assert all(outcome in (None, winners[0]) for outcome in outcomes)
    stored = one.witness.latest(ORIGIN)
    assert stored is not None and stored.size == winners[0]


# --- refusals ---------------------------------------------------------------------------------


def test_witness_refuses_a_forked_checkpoint_of_the_same_size(log: MemoryLog, one: Running) -> None:
    log.grow(8)
    submit(one, log, 0)
    fork = log.fork("forked", keep=5)
    fork.grow(3)
    assert fork.size == 8 and fork.root() != log.root()
    error = refusal(one, 8, [], fork.checkpoint())
    assert error.status == 422
    assert "different roots" in error.message
    stored = one.witness.latest(ORIGIN)
    assert stored is not None and stored.root_hash == log.root()
    assert evidence_count(one.db) == 1
    # The honest log carries on as if nothing happened.
    log.grow(1)
    assert submit(one, log, 8)


def test_witness_refuses_a_rewritten_history_resigned_with_the_log_key(
    log: MemoryLog, one: Running
) -> None:
    log.grow(8)
    submit(one, log, 0)
    rewritten = log.fork("rewritten", keep=2)
    rewritten.grow(18)
    note = rewritten.checkpoint()
    # Neither the rewritten tree's own proof nor the honest log's proof links the sizes.
    for proof in (
        rewritten.proof(8),
        consistency_proof(8, 20, [*log.hashes, *rewritten.hashes[8:]]),
    ):
        error = refusal(one, 8, proof, note)
        assert error.status == 422
        assert "not consistent" in error.message
    stored = one.witness.latest(ORIGIN)
    assert stored is not None and (stored.size, stored.root_hash) == (8, log.root())
    assert evidence_count(one.db) == 2


def test_a_stale_old_size_gets_409_with_the_stored_size(log: MemoryLog, one: Running) -> None:
    log.grow(6)
    submit(one, log, 0)
    log.grow(6)
    error = refusal(one, 3, log.proof(3), log.checkpoint())
    assert (error.status, error.stored_size) == (409, 6)
    status, headers, body = one.witness.add_checkpoint(
        format_add_checkpoint_request(0, [], log.checkpoint())
    )
    assert (status, headers["Content-Type"], body) == (409, SIZE_CONTENT_TYPE, b"6\n")


def test_an_unknown_origin_gets_404(one: Running) -> None:
    stranger_key = Signer.generate("stranger.example/log")
    note = sign_note(format_checkpoint("stranger.example/log", 0, EMPTY_ROOT), [stranger_key])
    assert refusal(one, 0, [], note).status == 404


def test_a_checkpoint_without_a_valid_log_signature_gets_403(log: MemoryLog, one: Running) -> None:
    log.grow(3)
    impostor = MemoryLog(Signer.generate(ORIGIN))  # same name, unknown key
    impostor.grow(3)
    assert refusal(one, 0, [], impostor.checkpoint()).status == 403
    genuine = log.checkpoint()
    corrupted = genuine.replace("\n3\n", "\n4\n")  # the known key's signature no longer verifies
    assert refusal(one, 0, [], corrupted).status == 403
    assert one.witness.latest(ORIGIN) is None


def test_an_old_size_beyond_the_checkpoint_gets_400(log: MemoryLog, one: Running) -> None:
    log.grow(3)
    assert refusal(one, 4, [], log.checkpoint()).status == 400


def test_a_bad_consistency_proof_gets_422(log: MemoryLog, one: Running) -> None:
    log.grow(5)
    submit(one, log, 0)
    log.grow(9)
    proof = log.proof(5)
    flipped = [bytes([proof[0][0] ^ 1]) + proof[0][1:], *proof[1:]]
    assert refusal(one, 5, flipped, log.checkpoint()).status == 422
    assert refusal(one, 5, proof[:-1], log.checkpoint()).status == 422
    assert refusal(one, 5, [], log.checkpoint()).status == 422
    assert submit(one, log, 5)


def test_a_proof_with_old_size_zero_gets_422(log: MemoryLog, one: Running) -> None:
    log.grow(4)
    error = refusal(one, 0, [log.root(2)], log.checkpoint())
    assert error.status == 422 and "must be empty" in error.message


def test_an_empty_checkpoint_with_a_nonempty_root_gets_422(log: MemoryLog, one: Running) -> None:
    note = sign_note(format_checkpoint(ORIGIN, 0, leaf_hash(b"x")), [log.signer])
    assert refusal(one, 0, [], note).status == 422
    assert one.witness.latest(ORIGIN) is None


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"old 05\n\n",
        b"old\n\n",
        b"new 0\n\n",
        b"old 0\nnot base64\n\n",
        b"old 0\n" + b"AAAA\n" + b"\n",
        b"old 0\n" + (b"A" * 43 + b"=\n") * 64 + b"\n",
        b"old 0\n\nnot a checkpoint\n",
        b"\xff\xfe",
    ],
)
def test_malformed_requests_get_400(one: Running, body: bytes) -> None:
    status, _, message = one.witness.add_checkpoint(body)
    assert status == 400, message


def test_the_http_layer_rejects_other_paths_and_missing_lengths(one: Running) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", one.server.port, timeout=10)
    connection.request("POST", "/elsewhere", body=b"old 0\n\n")
    response = connection.getresponse()
    response.read()
    assert response.status == 404
    connection.request("GET", "/add-checkpoint")
    response = connection.getresponse()
    response.read()
    assert (response.status, response.getheader("Allow")) == (405, "POST")
    connection.close()
    with socket.create_connection(("127.0.0.1", one.server.port), timeout=10) as raw:
        raw.sendall(b"POST /add-checkpoint HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        reply = raw.recv(1024)
    assert reply.startswith(b"HTTP/1.1 411")


def test_an_unreachable_witness_is_reported_without_a_status() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(WitnessRequestError) as caught:
        submit_checkpoint(f"http://127.0.0.1:{port}", 0, [], "x\n\n\u2014 a AAAAAA==\n", timeout=2)
    assert caught.value.status is None
