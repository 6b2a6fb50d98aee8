"""Signed notes, keys, checkpoints and cosignatures against public vectors and the spec's rules."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from dueprocess.tlog.merkle import EMPTY_ROOT, leaf_hash, root_from_leaf_hashes
from dueprocess.tlog.note import (
    MAX_SIGNATURES,
    SIG_COSIGNATURE_V1,
    SIG_ED25519,
    Checkpoint,
    CheckpointError,
    CosignatureVerifier,
    Cosigner,
    InvalidSignatureError,
    KeyFormatError,
    NoKnownSignatureError,
    NoteError,
    Signer,
    Verifier,
    append_signatures,
    check_key_name,
    cosign_checkpoint,
    format_checkpoint,
    generate_cosigner_key,
    generate_key,
    key_id,
    open_checkpoint,
    open_note,
    parse_checkpoint,
    parse_skey,
    parse_vkey,
    sign_note,
    split_note,
)

VECTORS = Path(__file__).resolve().parents[2].parent / "shared" / "vectors"


@pytest.fixture(scope="module")
def vectors() -> dict[str, dict[str, Any]]:
    path = VECTORS / "signed_note_vectors.json"
    if not path.is_file():
        pytest.fail(f"test vectors not found at {path}: shared/vectors must sit beside the project")
    return {v["id"]: v for v in json.loads(path.read_text("utf-8"))["vectors"]}


def _sig_line(name: str, raw: bytes) -> str:
    return f"\u2014 {name} {base64.b64encode(raw).decode()}\n"


# --- public vectors ---------------------------------------------------------------------------


def test_the_c2sp_example_note_verifies_with_its_vkey(vectors: dict[str, Any]) -> None:
    example = vectors["c2sp-signed-note-example"]
    verifier = parse_vkey(example["vkey"])
    text, signatures = open_note(example["note"], [verifier])
    assert text == "This is an example message.\n"
    assert [(s.name, f"{s.key_id:08x}") for s in signatures] == [("example.com/foo", "530d903a")]
    assert verifier.vkey == example["vkey"]


def test_the_golden_x_mod_signature_is_reproduced_byte_for_byte(vectors: dict[str, Any]) -> None:
    golden = vectors["x-mod-sumdb-note-sign-golden"]
    signer = parse_skey(golden["skey"])
    assert isinstance(signer, Signer)
    assert signer.vkey == golden["vkey"]
    assert signer.skey == golden["skey"]
    assert sign_note(golden["text"], [signer]) == golden["signed_note"]
    text, signatures = open_note(golden["signed_note"], [Verifier.from_vkey(golden["vkey"])])
    assert text == golden["text"] and signatures[0].name == "PeterNeumann"


def test_the_enoch_root_signature_verifies_beside_the_golden_one(vectors: dict[str, Any]) -> None:
    golden = vectors["x-mod-sumdb-note-sign-golden"]
    note = golden["signed_note"] + golden["enoch_sig_line"] + "\n"
    verifiers = [parse_vkey(golden["vkey"]), parse_vkey(golden["enoch_vkey"])]
    _, signatures = open_note(note, verifiers)
    assert [s.name for s in signatures] == ["PeterNeumann", "EnochRoot"]
    _, only_enoch = open_note(note, [parse_vkey(golden["enoch_vkey"])])
    assert [s.name for s in only_enoch] == ["EnochRoot"]


def test_the_real_sum_golang_org_checkpoint_verifies(vectors: dict[str, Any]) -> None:
    sumdb = vectors["sum.golang.org-checkpoint"]
    verifier = parse_vkey(sumdb["vkey"])  # its base64 part contains '+'
    assert verifier.name == "sum.golang.org"
    checkpoint, signatures = open_checkpoint(sumdb["note"], [verifier])
    assert checkpoint.origin == "go.sum database tree"
    assert checkpoint.size == 6476701
    assert len(signatures) == 1


def test_the_sum_golang_org_checkpoint_fails_with_its_size_changed(
    vectors: dict[str, Any],
) -> None:
    sumdb = vectors["sum.golang.org-checkpoint"]
    forged = sumdb["note"].replace("\n6476701\n", "\n6476702\n")
    assert forged != sumdb["note"]
    with pytest.raises(InvalidSignatureError):
        open_note(forged, [parse_vkey(sumdb["vkey"])])


def test_the_tlog_tree_note_text_parses_as_a_checkpoint(vectors: dict[str, Any]) -> None:
    tree = vectors["x-mod-sumdb-tlog-formattree"]
    checkpoint = parse_checkpoint(tree["tree_note_text"])
    assert checkpoint.size == 123456789012
    assert checkpoint.root_hash == leaf_hash(tree["record"].encode())
    assert checkpoint.text == tree["tree_note_text"]


def test_the_cosignature_vector_has_the_v1_layout(vectors: dict[str, Any]) -> None:
    raw = base64.b64decode(vectors["cosignature-v1-timestamp-layout"]["sig_b64"])
    assert len(raw) == 4 + 8 + 64
    assert int.from_bytes(raw[4:12], "big") == 1727964367
    assert CosignatureVerifier.timestamp_of(raw[4:]) == 1727964367


def test_the_reference_docs_witness_example_cosigns_the_eight_leaf_root(
    vectors: dict[str, Any],
) -> None:
    note = (
        "example.org/caselog\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n\n"
        "\u2014 witness.example/w1 zCL4BgAAAABlU/EA4JouK2auKT/6L7FPk68MhsS+YTWbM9MDH5eSdYMmEjiVmEVo"
        "CL1UQ2X1MIeV1q0zSX7rlKmJPrBCkWai1AqbCw==\n"
    )
    text, signatures = split_note(note)
    tree = vectors["rfc6962-8-leaf-tree"]
    root = root_from_leaf_hashes([leaf_hash(bytes.fromhex(x)) for x in tree["leaves_hex"]])
    assert parse_checkpoint(text).root_hash == root
    assert len(signatures[0].signature) == 72
    assert CosignatureVerifier.timestamp_of(signatures[0].signature) == 1700000000


# --- keys -------------------------------------------------------------------------------------


def _mangled(key: str) -> list[str]:
    """Every proper substring and every one-character increment (as x/mod's tests do)."""
    out = {key[i:j] for i in range(len(key) + 1) for j in range(i + 1, len(key) + 1)} - {key}
    out |= {key[:i] + chr(ord(key[i]) + 1) + key[i + 1 :] for i in range(len(key))}
    return sorted(out)


def test_every_mangling_of_a_vkey_is_rejected(vectors: dict[str, Any]) -> None:
    vkey = vectors["x-mod-sumdb-note-sign-golden"]["vkey"]
    parse_vkey(vkey)
    accepted = []
    for bad in _mangled(vkey):
        try:
            parse_vkey(bad)
        except KeyFormatError:
            continue
        accepted.append(bad)
    assert accepted == []


def test_every_mangling_of_a_signer_key_is_rejected(vectors: dict[str, Any]) -> None:
    skey = vectors["x-mod-sumdb-note-sign-golden"]["skey"]
    accepted = []
    for bad in _mangled(skey):
        try:
            parse_skey(bad)
        except KeyFormatError:
            continue
        accepted.append(bad)
    assert accepted == []


def test_vkeys_with_a_wrong_key_length_or_unknown_type_are_rejected() -> None:
    # From x/mod: a too-long key (whose base64 is also non-canonical), and an unknown
    # algorithm byte, each with a matching key ID.
    with pytest.raises(KeyFormatError, match="canonical"):
        parse_vkey("PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==")
    with pytest.raises(KeyFormatError, match="unsupported"):
        parse_vkey("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
    material = bytes([SIG_ED25519]) + bytes(range(33))
    kid = int.from_bytes(hashlib.sha256(b"PeterNeumann\n" + material).digest()[:4], "big")
    too_long = f"PeterNeumann+{kid:08x}+{base64.b64encode(material).decode()}"
    with pytest.raises(KeyFormatError, match="32 bytes"):
        parse_vkey(too_long)


def test_key_ids_follow_the_spec_formula() -> None:
    signer = Signer.generate("example.com/log")
    digest = hashlib.sha256(b"example.com/log\n\x01" + signer.public_key).digest()
    assert signer.key_id == int.from_bytes(digest[:4], "big")
    cosigner = Cosigner.generate("example.com/w")
    digest = hashlib.sha256(b"example.com/w\n\x04" + cosigner.public_key).digest()
    assert cosigner.key_id == int.from_bytes(digest[:4], "big")
    assert key_id("example.com/w", SIG_COSIGNATURE_V1, cosigner.public_key) == cosigner.key_id


def test_generated_keys_round_trip_through_their_string_forms() -> None:
    skey, vkey = generate_key("example.com/log")
    signer = Signer.from_skey(skey)
    assert signer.vkey == vkey and parse_vkey(vkey) == signer.verifier()
    assert base64.b64decode(vkey.split("+", 2)[2])[0] == SIG_ED25519
    cskey, cvkey = generate_cosigner_key("example.com/w1")
    cosigner = Cosigner.from_skey(cskey)
    assert cosigner.vkey == cvkey
    assert isinstance(parse_vkey(cvkey), CosignatureVerifier)
    assert base64.b64decode(cvkey.split("+", 2)[2])[0] == SIG_COSIGNATURE_V1


def test_a_cosigner_accepts_a_plain_ed25519_skey_but_a_log_signer_refuses_a_cosigner_skey() -> None:
    skey, vkey = generate_key("example.com/w2")
    cosigner = Cosigner.from_skey(skey)
    assert cosigner.public_key == parse_vkey(vkey).public_key
    assert cosigner.key_id != parse_vkey(vkey).key_id  # type 0x04 gives its own ID
    cskey, _ = generate_cosigner_key("example.com/w3")
    with pytest.raises(KeyFormatError, match="type 0x01"):
        Signer.from_skey(cskey)


@pytest.mark.parametrize(
    "name", ["", "has space", "has+plus", "tab\tname", "nbsp\u00a0name", "ideographic\u3000space"]
)
def test_key_names_with_spaces_or_plus_are_rejected(name: str) -> None:
    with pytest.raises(KeyFormatError):
        check_key_name(name)
    with pytest.raises(KeyFormatError):
        generate_key(name)


def test_unicode_key_names_without_spaces_are_allowed() -> None:
    signer = Signer.generate("caf\u00e9.example/l\u00f6g")
    note = sign_note("hello\n", [signer])
    assert open_note(note, [parse_vkey(signer.vkey)])[0] == "hello\n"


# --- open_note rules --------------------------------------------------------------------------


@pytest.fixture
def signer() -> Signer:
    return Signer.generate("example.com/log")


def test_a_note_signed_only_by_unknown_keys_is_rejected(signer: Signer) -> None:
    stranger = Signer.generate("example.com/other")
    note = sign_note("text\n", [stranger])
    with pytest.raises(NoKnownSignatureError):
        open_note(note, [signer.verifier()])


def test_a_signature_sharing_only_the_name_or_only_the_id_of_a_known_key_is_ignored(
    signer: Signer,
) -> None:
    impostor = Signer.generate(signer.name)  # same name, different key ID
    note = sign_note("text\n", [impostor, signer])
    other_id = _sig_line("example.com/elsewhere", signer.key_id.to_bytes(4, "big") + bytes(64))
    note += other_id  # same ID, different name: unknown, not "invalid"
    _, signatures = open_note(note, [signer.verifier()])
    assert [s.key_id for s in signatures] == [signer.key_id]


def test_a_known_key_with_a_bad_signature_rejects_the_whole_note(signer: Signer) -> None:
    backup = Signer.generate("example.com/backup")
    good = sign_note("text\n", [backup])
    bad = _sig_line(signer.name, signer.key_id.to_bytes(4, "big") + bytes(64))
    with pytest.raises(InvalidSignatureError, match="does not verify"):
        open_note(good + bad, [backup.verifier(), signer.verifier()])
    assert open_note(good + bad, [backup.verifier()])[0] == "text\n"


def test_a_signature_over_other_text_is_rejected(signer: Signer) -> None:
    note = sign_note("one\n", [signer]).replace("one\n", "two\n", 1)
    with pytest.raises(InvalidSignatureError):
        open_note(note, [signer.verifier()])


@pytest.mark.parametrize("char", ["\t", "\r", "\x00", "\x1b", "\x7f\x01"])
def test_control_characters_other_than_newline_are_rejected(signer: Signer, char: str) -> None:
    with pytest.raises(NoteError, match="control character"):
        sign_note(f"a{char}b\n", [signer])
    note = sign_note("ab\n", [signer]).replace("ab", f"a{char}b")
    with pytest.raises(NoteError, match="control character"):
        open_note(note, [signer.verifier()])


def test_invalid_utf8_is_rejected(signer: Signer) -> None:
    note = sign_note("ab\n", [signer]).encode().replace(b"ab", b"a\xffb")
    with pytest.raises(NoteError, match="UTF-8"):
        open_note(note, [signer.verifier()])


def test_a_note_without_the_blank_line_is_rejected(signer: Signer) -> None:
    note = sign_note("text\n", [signer])
    with pytest.raises(NoteError, match="blank line"):
        open_note(note.replace("\n\n", "\n"), [signer.verifier()])


@pytest.mark.parametrize(
    ("mangle", "message"),
    [
        (lambda n: n[:-1], "end with a newline"),
        (lambda n: n + "\n", "no signatures"),
        (lambda n: n.replace("\u2014 ", "- "), "em dash"),
        (lambda n: n.replace("\u2014 ", "\u2014"), "em dash"),
        (lambda n: n.replace("=\n", "\n"), "base64"),
        (lambda n: n.rsplit(" ", 1)[0] + " AAAA\n", "too short"),
        (lambda n: n.split("\n\n")[0] + "\n\n", "no signatures"),
    ],
)
def test_malformed_signature_blocks_are_rejected(signer: Signer, mangle: Any, message: str) -> None:
    note = sign_note("text\n", [signer])
    with pytest.raises(NoteError, match=message):
        open_note(mangle(note), [signer.verifier()])


def test_the_text_ends_at_the_last_blank_line(signer: Signer) -> None:
    text = "para one\n\npara two\n"
    _, signatures = open_note(sign_note(text, [signer]), [signer.verifier()])
    assert open_note(sign_note(text, [signer]), [signer.verifier()])[0] == text
    assert len(signatures) == 1


def test_more_than_sixteen_signatures_are_accepted(signer: Signer) -> None:
    others = [Signer.generate(f"example.com/s{i}") for i in range(20)]
    note = sign_note("text\n", [*others, signer])
    _, only_one = open_note(note, [signer.verifier()])
    assert len(only_one) == 1
    _, all_of_them = open_note(note, [s.verifier() for s in [*others, signer]])
    assert len(all_of_them) == 21


def test_a_note_with_absurdly_many_signatures_is_refused(signer: Signer) -> None:
    note = sign_note("text\n", [signer])
    junk = _sig_line("example.com/junk", bytes(68))
    with pytest.raises(NoteError, match=f"more than {MAX_SIGNATURES}"):
        open_note(note + junk * MAX_SIGNATURES, [signer.verifier()])


def test_repeated_identical_signature_lines_count_once(signer: Signer) -> None:
    note = sign_note("text\n", [signer])
    line = note.split("\n\n", 1)[1]
    _, signatures = open_note(note + line, [signer.verifier()])
    assert len(signatures) == 1


def test_sign_note_requires_text_ending_in_newline(signer: Signer) -> None:
    for text in ["", "no newline"]:
        with pytest.raises(NoteError, match="newline"):
            sign_note(text, [signer])


# --- checkpoints ------------------------------------------------------------------------------

ROOT = hashlib.sha256(b"root").digest()
ROOT_B64 = base64.b64encode(ROOT).decode()


def test_checkpoints_round_trip_with_extension_lines() -> None:
    text = format_checkpoint("example.com/log", 42, ROOT, ["ext one", "ext two"])
    assert text == f"example.com/log\n42\n{ROOT_B64}\next one\next two\n"
    assert parse_checkpoint(text) == Checkpoint("example.com/log", 42, ROOT, ("ext one", "ext two"))
    assert format_checkpoint("example.com/log", 0, EMPTY_ROOT).split("\n")[1] == "0"


@pytest.mark.parametrize(
    "text",
    [
        f"example.com/log\n042\n{ROOT_B64}\n",
        f"example.com/log\n+42\n{ROOT_B64}\n",
        f"example.com/log\n4 2\n{ROOT_B64}\n",
        f"example.com/log\n\u0664\u0662\n{ROOT_B64}\n",
        f"example.com/log\n-1\n{ROOT_B64}\n",
        f"example.com/log\n{2**64}\n{ROOT_B64}\n",
        f"example.com/log\n42\n{ROOT_B64[:-1]}\n",
        f"example.com/log\n42\n{base64.b64encode(ROOT[:31]).decode()}\n",
        f"example.com/log\n42\n{ROOT_B64[:-2]}B=\n",
        f"example.com/log\n42\n{ROOT_B64}",
        f"example.com/log\n42\n{ROOT_B64}\n\nextension\n",
        f"example.com/log\n42\n{ROOT_B64}\n\n",
        "example.com/log\n42\n",
        f"\n42\n{ROOT_B64}\n",
    ],
)
def test_malformed_checkpoints_are_rejected(text: str) -> None:
    with pytest.raises(CheckpointError):
        parse_checkpoint(text)


def test_open_checkpoint_verifies_then_parses(signer: Signer) -> None:
    note = sign_note(format_checkpoint("example.com/log", 3, ROOT), [signer])
    checkpoint, signatures = open_checkpoint(note, [signer.verifier()])
    assert (checkpoint.size, checkpoint.root_hash, len(signatures)) == (3, ROOT, 1)
    not_a_checkpoint = sign_note("just text\n", [signer])
    with pytest.raises(CheckpointError):
        open_checkpoint(not_a_checkpoint, [signer.verifier()])


# --- cosignatures -----------------------------------------------------------------------------


@pytest.fixture
def cosigned() -> tuple[str, Signer, Cosigner, str]:
    log = Signer.generate("example.com/log")
    witness = Cosigner.generate("witness.example/w1")
    note = sign_note(format_checkpoint("example.com/log", 8, ROOT), [log])
    return note, log, witness, cosign_checkpoint(note, witness, 1_700_000_000)


def test_a_cosignature_has_the_76_byte_layout_and_verifies(
    cosigned: tuple[str, Signer, Cosigner, str],
) -> None:
    note, log, witness, line = cosigned
    raw = base64.b64decode(line.rsplit(" ", 1)[1])
    assert len(raw) == 76
    assert int.from_bytes(raw[:4], "big") == witness.key_id
    assert int.from_bytes(raw[4:12], "big") == 1_700_000_000
    _, signatures = open_note(append_signatures(note, [line]), [log.verifier(), witness.verifier()])
    assert [(s.name, s.timestamp) for s in signatures] == [
        ("example.com/log", None),
        ("witness.example/w1", 1_700_000_000),
    ]


def test_a_cosignature_signs_the_spec_message(cosigned: tuple[str, Signer, Cosigner, str]) -> None:
    note, _, witness, line = cosigned
    raw = base64.b64decode(line.rsplit(" ", 1)[1])
    text = split_note(note)[0]
    message = f"cosignature/v1\ntime 1700000000\n{text}".encode()
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    Ed25519PublicKey.from_public_bytes(witness.public_key).verify(raw[12:], message)


def test_a_cosignature_with_a_changed_timestamp_fails(
    cosigned: tuple[str, Signer, Cosigner, str],
) -> None:
    note, _, witness, line = cosigned
    raw = bytearray(base64.b64decode(line.rsplit(" ", 1)[1]))
    raw[11] ^= 1
    forged = _sig_line(witness.name, bytes(raw))
    with pytest.raises(InvalidSignatureError):
        open_note(note + forged, [witness.verifier()])


def test_a_cosignature_key_does_not_verify_as_a_plain_ed25519_key(
    cosigned: tuple[str, Signer, Cosigner, str],
) -> None:
    note, _, witness, line = cosigned
    plain = Verifier(witness.name, witness.public_key)  # type 0x01: another key ID
    with pytest.raises(NoKnownSignatureError):
        open_note(append_signatures(note, [line]), [plain])


def test_cosigners_refuse_to_sign_anything_but_a_checkpoint() -> None:
    witness = Cosigner.generate("witness.example/w1")
    with pytest.raises(CheckpointError):
        witness.sign(b"hello\n", 1)
    with pytest.raises(NoteError, match="2\\^63"):
        witness.sign(format_checkpoint("o", 1, ROOT).encode(), 2**63)


def test_cosignatures_with_timestamps_beyond_2_63_do_not_verify() -> None:
    witness = Cosigner.generate("witness.example/w1")
    body = format_checkpoint("o", 1, ROOT).encode()
    signature = witness.sign(body, 5)
    assert witness.verifier().verify(body, signature)
    assert not witness.verifier().verify(body, (2**63).to_bytes(8, "big") + signature[8:])
    assert not witness.verifier().verify(b"not a checkpoint\n", signature)
