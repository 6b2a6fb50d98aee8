"""c2sp.org/tlog-proof files: layout, strict parsing and offline verification."""

from __future__ import annotations

import base64
from dataclasses import replace

import pytest

from dueprocess.tlog.merkle import inclusion_proof, leaf_hash, root_from_leaf_hashes
from dueprocess.tlog.note import (
    Cosigner,
    Signer,
    append_signatures,
    cosign_checkpoint,
    format_checkpoint,
    sign_note,
)
from dueprocess.tlog.tlogproof import (
    HEADER,
    LeafHash,
    TlogProof,
    TlogProofError,
    format_tlog_proof,
    parse_tlog_proof,
    verify_tlog_proof,
)

ORIGIN = "cases.example.org/audit/v1"
ENTRIES = [f"entry {i}".encode() for i in range(13)]
HASHES = [leaf_hash(entry) for entry in ENTRIES]


@pytest.fixture(scope="module")
def log() -> Signer:
    return Signer.generate(ORIGIN)


@pytest.fixture(scope="module")
def witnesses() -> list[Cosigner]:
    return [Cosigner.generate(f"witness.example/w{i}") for i in range(3)]


@pytest.fixture(scope="module")
def checkpoint(log: Signer, witnesses: list[Cosigner]) -> str:
    """A checkpoint of all 13 entries, cosigned by the first two witnesses only."""
    body = format_checkpoint(ORIGIN, len(HASHES), root_from_leaf_hashes(HASHES))
    note = sign_note(body, [log])
    lines = [cosign_checkpoint(note, w, 1_700_000_000 + i) for i, w in enumerate(witnesses[:2])]
    return append_signatures(note, lines)


def proof_for(index: int, checkpoint: str, extra: bytes | None = None) -> str:
    path = tuple(inclusion_proof(index, len(HASHES), HASHES))
    return format_tlog_proof(TlogProof(index, path, checkpoint, extra))


def test_a_proof_file_has_the_spec_layout(checkpoint: str) -> None:
    text = proof_for(5, checkpoint, extra=b"context")
    lines = text.split("\n")
    assert lines[0] == HEADER == "c2sp.org/tlog-proof@v1"
    assert lines[1] == "extra " + base64.b64encode(b"context").decode()
    assert lines[2] == "index 5"
    path = inclusion_proof(5, len(HASHES), HASHES)
    assert lines[3 : 3 + len(path)] == [base64.b64encode(h).decode() for h in path]
    assert lines[3 + len(path)] == ""
    assert text.endswith("\n\n" + checkpoint)


def test_a_proof_file_round_trips(checkpoint: str) -> None:
    for index in (0, 7, 12):
        for extra in (None, b"\x00vrf proof"):
            text = proof_for(index, checkpoint, extra)
            parsed = parse_tlog_proof(text)
            assert parsed.index == index and parsed.extra == extra
            assert parsed.checkpoint == checkpoint
            assert format_tlog_proof(parsed) == text
            assert parse_tlog_proof(text.encode()) == parsed


def test_a_proof_verifies_for_its_entry_with_a_witness_quorum(
    checkpoint: str, log: Signer, witnesses: list[Cosigner]
) -> None:
    verified = verify_tlog_proof(
        proof_for(9, checkpoint), ENTRIES[9], log.verifier(), [w.verifier() for w in witnesses], 2
    )
    assert verified.index == 9
    assert verified.checkpoint.size == 13
    assert verified.leaf_hash == HASHES[9]
    assert [s.name for s in verified.cosignatures] == ["witness.example/w0", "witness.example/w1"]
    assert [s.timestamp for s in verified.cosignatures] == [1_700_000_000, 1_700_000_001]


def test_a_proof_verifies_with_a_leaf_hash_instead_of_the_entry(
    checkpoint: str, log: Signer
) -> None:
    verified = verify_tlog_proof(proof_for(3, checkpoint), LeafHash(HASHES[3]), log.verifier())
    assert verified.leaf_hash == HASHES[3]


def test_plain_32_byte_values_are_hashed_as_entries_not_taken_as_hashes(
    checkpoint: str, log: Signer
) -> None:
    with pytest.raises(TlogProofError, match="inclusion proof does not verify"):
        verify_tlog_proof(proof_for(3, checkpoint), HASHES[3], log.verifier())


def test_a_proof_fails_for_another_entry(checkpoint: str, log: Signer) -> None:
    with pytest.raises(TlogProofError, match="inclusion proof does not verify"):
        verify_tlog_proof(proof_for(4, checkpoint), ENTRIES[5], log.verifier())


def test_a_proof_with_a_changed_index_fails(checkpoint: str, log: Signer) -> None:
    text = proof_for(4, checkpoint).replace("index 4\n", "index 5\n")
    with pytest.raises(TlogProofError, match="inclusion proof does not verify"):
        verify_tlog_proof(text, ENTRIES[4], log.verifier())


def test_a_proof_without_enough_cosignatures_fails(
    checkpoint: str, log: Signer, witnesses: list[Cosigner]
) -> None:
    keys = [w.verifier() for w in witnesses]
    with pytest.raises(TlogProofError, match="2 valid witness cosignatures, quorum is 3"):
        verify_tlog_proof(proof_for(1, checkpoint), ENTRIES[1], log.verifier(), keys, 3)
    with pytest.raises(TlogProofError, match="0 valid witness cosignatures, quorum is 1"):
        verify_tlog_proof(proof_for(1, checkpoint), ENTRIES[1], log.verifier(), keys[2:], 1)


def test_a_proof_signed_by_another_log_key_fails(checkpoint: str) -> None:
    impostor = Signer.generate(ORIGIN)
    with pytest.raises(TlogProofError, match="does not verify"):
        verify_tlog_proof(proof_for(1, checkpoint), ENTRIES[1], impostor.verifier())


def test_a_witness_key_cannot_stand_in_for_the_log_key(
    checkpoint: str, witnesses: list[Cosigner]
) -> None:
    with pytest.raises(TlogProofError, match="not a cosignature key"):
        verify_tlog_proof(proof_for(1, checkpoint), ENTRIES[1], [witnesses[0].verifier()], [], 0)


def test_the_origin_must_match_the_log_key_name_or_the_expected_origin(log: Signer) -> None:
    other = format_checkpoint("elsewhere.example/log", len(HASHES), root_from_leaf_hashes(HASHES))
    note = sign_note(other, [log])
    text = proof_for(2, note)
    with pytest.raises(TlogProofError, match="not the log key's name"):
        verify_tlog_proof(text, ENTRIES[2], log.verifier())
    assert verify_tlog_proof(text, ENTRIES[2], log.verifier(), origin="elsewhere.example/log")
    with pytest.raises(TlogProofError, match="not the expected"):
        verify_tlog_proof(
            proof_for(2, sign_note(other, [log])), ENTRIES[2], log.verifier(), origin=ORIGIN
        )


def test_a_tampered_cosignature_rejects_the_proof(
    checkpoint: str, log: Signer, witnesses: list[Cosigner]
) -> None:
    head, last = checkpoint.rstrip("\n").rsplit("\n", 1)
    name, sig = last.rsplit(" ", 1)
    raw = bytearray(base64.b64decode(sig))
    raw[-1] ^= 1
    tampered = f"{head}\n{name} {base64.b64encode(raw).decode()}\n"
    with pytest.raises(TlogProofError, match="does not verify"):
        verify_tlog_proof(
            proof_for(0, tampered), ENTRIES[0], log.verifier(), [w.verifier() for w in witnesses]
        )


def test_extra_data_is_carried_but_not_authenticated(checkpoint: str, log: Signer) -> None:
    original = verify_tlog_proof(proof_for(6, checkpoint, b"one"), ENTRIES[6], log.verifier())
    swapped = verify_tlog_proof(proof_for(6, checkpoint, b"two"), ENTRIES[6], log.verifier())
    assert (original.extra, swapped.extra) == (b"one", b"two")


def test_an_impossible_quorum_is_refused(checkpoint: str, log: Signer) -> None:
    with pytest.raises(TlogProofError, match="cannot be met"):
        verify_tlog_proof(proof_for(0, checkpoint), ENTRIES[0], log.verifier(), [], 1)


@pytest.mark.parametrize(
    ("mangle", "message"),
    [
        (lambda t: t.replace(HEADER, "c2sp.org/tlog-proof@v2"), "first line"),
        (lambda t: t.replace("index 7", "index 07"), "leading zeros"),
        (lambda t: t.replace("index 7", "index -7"), "index N"),
        (lambda t: t.replace("index 7", "Index 7"), "index N"),
        (lambda t: t.replace("index 7\n", ""), "index N"),
        (lambda t: t.replace("index 7", "index 7 "), "index N"),
        (lambda t: t.replace("\n\n", "\n", 1), r"line \d+: inclusion proof hash"),
        (lambda t: t.split("\n\n")[0], "blank line"),
        (lambda t: t.replace("index 7\n", "index 7\nnot base64!\n"), "base64"),
        (lambda t: t.replace("index 7\n", "index 7\nAAAA\n"), "3 bytes"),
        (lambda t: t.replace("index 7\n", "extra \nindex 7\n"), "must not be empty"),
        (lambda t: t.replace("index 7\n", "index 7\nextra AAAA\n"), "base64|bytes"),
        (lambda t: t.replace("\n", "\r\n", 1), "first line"),
        (lambda t: t.split("\n\n")[0] + "\n\nnot a note\n", "signed note"),
    ],
)
def test_malformed_proof_files_are_rejected_with_a_reason(
    checkpoint: str, mangle: object, message: str
) -> None:
    text = proof_for(7, checkpoint)
    mangled = mangle(text)  # type: ignore[operator]
    assert mangled != text
    with pytest.raises(TlogProofError, match=message):
        parse_tlog_proof(mangled)


def test_formatting_refuses_malformed_parts(checkpoint: str) -> None:
    good = parse_tlog_proof(proof_for(0, checkpoint))
    with pytest.raises(TlogProofError, match="32 bytes"):
        format_tlog_proof(replace(good, inclusion_proof=(b"short",)))
    with pytest.raises(TlogProofError, match="non-negative"):
        format_tlog_proof(replace(good, index=-1))
    with pytest.raises(TlogProofError, match="signed note"):
        format_tlog_proof(replace(good, checkpoint="no signatures\n"))
