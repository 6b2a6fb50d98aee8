"""c2sp.org/tlog-proof@v1: a self-contained, offline-verifiable proof that an entry was logged.

A proof file carries the entry's index, its inclusion proof and the (co)signed checkpoint, so a
complainant or a court can check one audit event with nothing but the log's and witnesses' public
keys — a "transparent signature". Layout (C2SP/C2SP ``tlog-proof.md``)::

    c2sp.org/tlog-proof@v1
    extra <base64>            (optional, opaque, NOT authenticated)
    index <decimal>
    <base64 hash>             (zero or more: leaf sibling first, root child last)

    <signed checkpoint, verbatim>
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from . import merkle
from .note import (
    Checkpoint,
    CosignatureVerifier,
    NoteError,
    NoteVerifier,
    Signature,
    open_note,
    parse_checkpoint,
    split_note,
    strict_b64decode,
)

__all__ = [
    "HEADER",
    "LeafHash",
    "TlogProof",
    "TlogProofError",
    "VerifiedTlogProof",
    "format_tlog_proof",
    "parse_tlog_proof",
    "verify_tlog_proof",
]

HEADER = "c2sp.org/tlog-proof@v1"
_INDEX = re.compile(r"index (0|[1-9][0-9]*)", re.ASCII)
#: An inclusion proof in a tree of fewer than 2^64 leaves has at most 64 hashes.
_MAX_PROOF_LINES = 64


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


class TlogProofError(ValueError):
    """A tlog-proof that is malformed or does not verify."""


class LeafHash(bytes):
    """Marks a value passed to :func:`verify_tlog_proof` as an RFC 6962 leaf hash.

    Plain ``bytes`` are always treated as the entry itself and hashed; a 32-byte entry must never
    be mistaken for a hash, so hashes have to be wrapped explicitly.
    """


@dataclass(frozen=True)
class TlogProof:
    index: int
    inclusion_proof: tuple[bytes, ...]
    #: The signed checkpoint note, verbatim (text, blank line, signature lines).
    checkpoint: str
    #: Opaque application data; not authenticated by anything in the proof.
    extra: bytes | None = None


@dataclass(frozen=True)
class VerifiedTlogProof:
    checkpoint: Checkpoint
    index: int
    leaf_hash: bytes
    extra: bytes | None
    log_signatures: tuple[Signature, ...]
    cosignatures: tuple[Signature, ...]


def format_tlog_proof(proof: TlogProof) -> str:
    """Serialise a proof; the checkpoint is checked to be a well-formed signed note."""
    if isinstance(proof.index, bool) or not isinstance(proof.index, int) or proof.index < 0:
        raise TlogProofError("index must be a non-negative integer")
    if len(proof.inclusion_proof) > _MAX_PROOF_LINES:
        raise TlogProofError(f"inclusion proof has more than {_MAX_PROOF_LINES} hashes")
    for position, node in enumerate(proof.inclusion_proof):
        if not isinstance(node, bytes) or len(node) != merkle.HASH_SIZE:
            raise TlogProofError(f"inclusion proof hash {position} is not 32 bytes")
    try:
        split_note(proof.checkpoint)
    except NoteError as exc:
        raise TlogProofError(f"checkpoint is not a signed note: {exc}") from exc
    lines = [HEADER]
    if proof.extra is not None:
        if not proof.extra:
            raise TlogProofError("extra data, when present, must not be empty")
        lines.append(f"extra {_b64(proof.extra)}")
    lines.append(f"index {proof.index}")
    lines.extend(_b64(node) for node in proof.inclusion_proof)
    return "\n".join(lines) + "\n\n" + proof.checkpoint


def parse_tlog_proof(text: str | bytes) -> TlogProof:
    """Parse a proof file strictly; :class:`TlogProofError` says what is wrong and where."""
    if isinstance(text, bytes | bytearray):
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise TlogProofError("proof is not valid UTF-8") from exc
    if not isinstance(text, str):
        raise TlogProofError("proof must be str or bytes")
    head, sep, checkpoint = text.partition("\n\n")
    if not sep:
        raise TlogProofError("proof has no blank line before the checkpoint")
    lines = head.split("\n")
    if lines[0] != HEADER:
        raise TlogProofError(f"first line must be {HEADER!r}")
    position = 1
    extra: bytes | None = None
    if position < len(lines) and lines[position].startswith("extra "):
        try:
            extra = strict_b64decode(lines[position][len("extra ") :], "extra data")
        except NoteError as exc:
            raise TlogProofError(f"line {position + 1}: {exc}") from exc
        if not extra:
            raise TlogProofError(f"line {position + 1}: extra data must not be empty")
        position += 1
    if position >= len(lines):
        raise TlogProofError("proof has no index line")
    match = _INDEX.fullmatch(lines[position])
    if not match:
        raise TlogProofError(
            f"line {position + 1} must be 'index N' (decimal, no leading zeros), "
            f"got {lines[position]!r}"
        )
    index = int(match.group(1))
    hashes: list[bytes] = []
    for number, line in enumerate(lines[position + 1 :], start=position + 2):
        try:
            node = strict_b64decode(line, "inclusion proof hash")
        except NoteError as exc:
            raise TlogProofError(f"line {number}: {exc}") from exc
        if len(node) != merkle.HASH_SIZE:
            raise TlogProofError(f"line {number}: inclusion proof hash is {len(node)} bytes")
        hashes.append(node)
    if len(hashes) > _MAX_PROOF_LINES:
        raise TlogProofError(f"inclusion proof has more than {_MAX_PROOF_LINES} hashes")
    try:
        split_note(checkpoint)
    except NoteError as exc:
        raise TlogProofError(f"checkpoint is not a signed note: {exc}") from exc
    return TlogProof(index, tuple(hashes), checkpoint, extra)


def verify_tlog_proof(
    proof_text: str | bytes,
    leaf: bytes,
    log_verifier: NoteVerifier | Sequence[NoteVerifier],
    witness_verifiers: Iterable[CosignatureVerifier] = (),
    quorum: int = 0,
    *,
    origin: str | None = None,
) -> VerifiedTlogProof:
    """Verify a tlog-proof for an entry, following the spec's four steps.

    ``leaf`` is the entry bytes, or a :class:`LeafHash`. ``log_verifier`` is the log's key (or
    keys, during rotation). The checkpoint origin must equal ``origin`` if given, otherwise the
    name of the log key that signed it (tlog-policy requires log key name = origin). At least
    ``quorum`` distinct witnesses among ``witness_verifiers`` must have cosigned. Raises
    :class:`TlogProofError`; returns what was verified.
    """
    proof = parse_tlog_proof(proof_text)
    leaf_hash = bytes(leaf) if isinstance(leaf, LeafHash) else merkle.leaf_hash(leaf)
    if isinstance(leaf, LeafHash) and len(leaf_hash) != merkle.HASH_SIZE:
        raise TlogProofError("a LeafHash must be 32 bytes")
    logs = [log_verifier] if isinstance(log_verifier, NoteVerifier) else list(log_verifier)
    witnesses = list(witness_verifiers)
    if not logs:
        raise TlogProofError("at least one log key is needed")
    if any(isinstance(v, CosignatureVerifier) for v in logs):
        raise TlogProofError("a log key must be a note signing key, not a cosignature key")
    if isinstance(quorum, bool) or quorum < 0 or quorum > len(witnesses):
        raise TlogProofError(f"quorum {quorum} cannot be met by {len(witnesses)} witness keys")
    log_slots = {(v.name, v.key_id) for v in logs}
    witness_slots = {(v.name, v.key_id) for v in witnesses}
    if log_slots & witness_slots:
        raise TlogProofError("a key cannot be both a log key and a witness key")
    try:
        text, verified = open_note(proof.checkpoint, [*logs, *witnesses])
        checkpoint = parse_checkpoint(text)
    except NoteError as exc:
        raise TlogProofError(f"checkpoint does not verify: {exc}") from exc
    log_sigs = tuple(s for s in verified if (s.name, s.key_id) in log_slots)
    cosigs = tuple(s for s in verified if (s.name, s.key_id) in witness_slots)
    if not log_sigs:
        raise TlogProofError("checkpoint is not signed by the log key")
    if origin is None:
        if all(s.name != checkpoint.origin for s in log_sigs):
            raise TlogProofError(
                f"checkpoint origin {checkpoint.origin!r} is not the log key's name "
                f"{log_sigs[0].name!r}; pass origin= if this log uses another key name"
            )
    elif checkpoint.origin != origin:
        raise TlogProofError(
            f"checkpoint origin {checkpoint.origin!r} is not the expected {origin!r}"
        )
    cosigners = {(s.name, s.key_id) for s in cosigs}
    if len(cosigners) < quorum:
        raise TlogProofError(
            f"checkpoint has {len(cosigners)} valid witness cosignatures, quorum is {quorum}"
        )
    try:
        merkle.verify_inclusion(
            proof.index, checkpoint.size, leaf_hash, proof.inclusion_proof, checkpoint.root_hash
        )
    except merkle.ProofError as exc:
        raise TlogProofError(f"inclusion proof does not verify: {exc}") from exc
    return VerifiedTlogProof(checkpoint, proof.index, leaf_hash, proof.extra, log_sigs, cosigs)
