"""C2SP signed notes, checkpoints and Ed25519 cosignatures.

Implements, with no dependency beyond ``cryptography``:

* c2sp.org/signed-note (v1.0.0): key names, key IDs, vkeys, Ed25519 signatures (type 0x01), and
  the golang.org/x/mod ``PRIVATE+KEY+…`` signer-key encoding that Go tooling reads;
* c2sp.org/tlog-checkpoint (v1.0.0): the three-line checkpoint body;
* c2sp.org/tlog-cosignature (v1.0.1 and HEAD's Ed25519 section): ``cosignature/v1``
  timestamped Ed25519 cosignatures (type 0x04).

Parsing is strict everywhere (canonical base64, no leading zeros, exact lengths) because every
accepted-but-odd encoding is a second spelling of a signed statement, and a verifier that is
looser than the signer is where forgeries hide. ML-DSA-44 (type 0x06) is not implemented: the
project pins ``cryptography`` 48, which has no ML-DSA.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import ClassVar, Protocol, runtime_checkable

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

__all__ = [
    "MAX_SIGNATURES",
    "SIG_COSIGNATURE_V1",
    "SIG_ED25519",
    "Checkpoint",
    "CheckpointError",
    "CosignatureVerifier",
    "Cosigner",
    "InvalidSignatureError",
    "KeyFormatError",
    "NoKnownSignatureError",
    "NoteError",
    "NoteSigner",
    "NoteVerifier",
    "Signature",
    "Signer",
    "Verifier",
    "append_signatures",
    "check_key_name",
    "cosign_checkpoint",
    "format_checkpoint",
    "format_vkey",
    "generate_cosigner_key",
    "generate_key",
    "key_id",
    "open_checkpoint",
    "open_note",
    "parse_checkpoint",
    "parse_signature_line",
    "parse_skey",
    "parse_vkey",
    "sign_note",
    "split_note",
    "strict_b64decode",
]

SIG_ED25519 = 0x01
SIG_COSIGNATURE_V1 = 0x04

#: The spec requires accepting at least 16; the cap only bounds the work done on hostile input.
MAX_SIGNATURES = 100
_MAX_TIMESTAMP = 2**63 - 1
_MAX_TREE_SIZE = 2**64 - 1
_SIG_PREFIX = "\u2014 "  # em dash + space
_PRIVATE_PREFIX = "PRIVATE+KEY+"
_DECIMAL = re.compile(r"(0|[1-9][0-9]*)", re.ASCII)
_HEX_ID = re.compile(r"[0-9a-f]{8}", re.ASCII)
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f]")


class NoteError(ValueError):
    """A note that is malformed or cannot be trusted."""


class KeyFormatError(NoteError):
    """A key name, vkey or signer key that does not follow the encoding rules."""


class InvalidSignatureError(NoteError):
    """A signature from a known key failed: the whole note is rejected (signed-note SHOULD)."""


class NoKnownSignatureError(NoteError):
    """No signature from a known key: the text must be ignored (signed-note MUST)."""


class CheckpointError(NoteError):
    """A note text that is not a well-formed tlog-checkpoint body."""


# --- encodings -------------------------------------------------------------------------------


def strict_b64decode(text: str, what: str = "base64 value") -> bytes:
    """Standard base64 (RFC 4648 §4) with padding, accepting only the canonical spelling."""
    try:
        raw = text.encode("ascii")
        decoded = base64.b64decode(raw, validate=True)
    except (UnicodeEncodeError, binascii.Error, ValueError) as exc:
        raise NoteError(f"{what} is not valid base64") from exc
    if base64.b64encode(decoded) != raw:
        raise NoteError(f"{what} is not canonical base64")
    return decoded


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def check_key_name(name: str) -> str:
    """Return ``name`` if it is a valid key name: non-empty, no Unicode spaces, no ``+``."""
    if not isinstance(name, str) or not name:
        raise KeyFormatError("key name must be a non-empty string")
    if "+" in name or any(ch.isspace() for ch in name):
        raise KeyFormatError(f"key name {name!r} must not contain spaces or '+'")
    if _CONTROL.search(name) or "\n" in name:
        raise KeyFormatError(f"key name {name!r} must not contain control characters")
    try:
        name.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise KeyFormatError(f"key name {name!r} is not valid UTF-8") from exc
    return name


def key_id(name: str, sig_type: int, public_key: bytes) -> int:
    """SHA-256(name || 0x0A || type || public key)[:4] as a big-endian uint32."""
    check_key_name(name)
    material = name.encode("utf-8") + b"\n" + bytes([sig_type]) + bytes(public_key)
    return int.from_bytes(hashlib.sha256(material).digest()[:4], "big")


def format_vkey(name: str, sig_type: int, public_key: bytes) -> str:
    """``<name>+<hex key ID>+<base64(type || public key)>``."""
    kid = key_id(name, sig_type, public_key)
    return f"{name}+{kid:08x}+{_b64(bytes([sig_type]) + bytes(public_key))}"


def _check_text(text: str, what: str) -> None:
    if _CONTROL.search(text):
        raise NoteError(f"{what} contains a control character other than newline")


# --- signers and verifiers -------------------------------------------------------------------


@runtime_checkable
class NoteVerifier(Protocol):
    """Anything that checks signatures of one key, identified in notes by (name, key_id)."""

    @property
    def name(self) -> str: ...

    @property
    def key_id(self) -> int: ...

    @property
    def vkey(self) -> str: ...

    def verify(self, message: bytes, signature: bytes) -> bool: ...


@runtime_checkable
class NoteSigner(Protocol):
    """Anything that signs a note text; ``sign`` returns the signature without the key ID."""

    @property
    def name(self) -> str: ...

    @property
    def key_id(self) -> int: ...

    def sign(self, message: bytes) -> bytes: ...


def _seed_bytes(private: Ed25519PrivateKey) -> bytes:
    return private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())


class _PublicKey:
    """An Ed25519 public key with a key name; the signature type fixes the key ID."""

    sig_type: ClassVar[int]

    def __init__(self, name: str, public_key: bytes) -> None:
        self._name = check_key_name(name)
        if len(public_key) != 32:
            raise KeyFormatError(f"an Ed25519 public key is 32 bytes, got {len(public_key)}")
        self._public_key = bytes(public_key)
        try:
            self._key = Ed25519PublicKey.from_public_bytes(self._public_key)
        except ValueError as exc:
            raise KeyFormatError("invalid Ed25519 public key") from exc
        self._key_id = key_id(name, self.sig_type, self._public_key)

    @property
    def name(self) -> str:
        return self._name

    @property
    def key_id(self) -> int:
        return self._key_id

    @property
    def public_key(self) -> bytes:
        return self._public_key

    @property
    def vkey(self) -> str:
        return format_vkey(self._name, self.sig_type, self._public_key)

    def _verify_raw(self, message: bytes, signature: bytes) -> bool:
        if len(signature) != 64:
            return False
        try:
            self._key.verify(bytes(signature), bytes(message))
        except InvalidSignature:
            return False
        return True

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, _PublicKey):
            return NotImplemented
        return type(self) is type(other) and self.vkey == other.vkey

    def __hash__(self) -> int:
        return hash(self.vkey)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.vkey!r})"


class Verifier(_PublicKey):
    """Signed-note Ed25519 (type 0x01): a log's key; the signature is over the note text."""

    sig_type = SIG_ED25519

    @classmethod
    def from_vkey(cls, vkey: str) -> Verifier:
        verifier = parse_vkey(vkey)
        if not isinstance(verifier, Verifier):
            raise KeyFormatError("expected an Ed25519 (type 0x01) vkey")
        return verifier

    def verify(self, message: bytes, signature: bytes) -> bool:
        return self._verify_raw(message, signature)


def _cosigned_message(timestamp: int, text: bytes) -> bytes:
    return b"cosignature/v1\ntime %d\n" % timestamp + text


class CosignatureVerifier(_PublicKey):
    """tlog-cosignature Ed25519 (type 0x04): a witness's key.

    The signature is ``u64 big-endian timestamp || Ed25519 signature`` over
    ``cosignature/v1\\ntime <timestamp>\\n`` followed by the checkpoint body.
    """

    sig_type = SIG_COSIGNATURE_V1

    @classmethod
    def from_vkey(cls, vkey: str) -> CosignatureVerifier:
        verifier = parse_vkey(vkey)
        if not isinstance(verifier, CosignatureVerifier):
            raise KeyFormatError("expected a cosignature/v1 (type 0x04) vkey")
        return verifier

    @staticmethod
    def timestamp_of(signature: bytes) -> int:
        if len(signature) != 72:
            raise NoteError(f"a cosignature/v1 signature is 72 bytes, got {len(signature)}")
        return int.from_bytes(signature[:8], "big")

    def verify(self, message: bytes, signature: bytes) -> bool:
        if len(signature) != 72:
            return False
        timestamp = int.from_bytes(signature[:8], "big")
        if timestamp > _MAX_TIMESTAMP:
            return False
        try:
            parse_checkpoint(bytes(message).decode("utf-8"))
        except (UnicodeDecodeError, NoteError):
            return False  # a cosignature only ever covers a checkpoint
        return self._verify_raw(_cosigned_message(timestamp, bytes(message)), signature[8:])


class _PrivateKey:
    sig_type: ClassVar[int]

    def __init__(self, name: str, seed: bytes) -> None:
        if len(seed) != 32:
            raise KeyFormatError(f"an Ed25519 seed is 32 bytes, got {len(seed)}")
        self._name = check_key_name(name)
        self._private = Ed25519PrivateKey.from_private_bytes(bytes(seed))
        self._public_key = self._private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self._key_id = key_id(name, self.sig_type, self._public_key)

    @property
    def name(self) -> str:
        return self._name

    @property
    def key_id(self) -> int:
        return self._key_id

    @property
    def public_key(self) -> bytes:
        return self._public_key

    @property
    def vkey(self) -> str:
        return format_vkey(self._name, self.sig_type, self._public_key)

    @property
    def skey(self) -> str:
        """The golang.org/x/mod signer-key string; keep it secret."""
        payload = _b64(bytes([self.sig_type]) + _seed_bytes(self._private))
        return f"{_PRIVATE_PREFIX}{self._name}+{self._key_id:08x}+{payload}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.vkey!r})"


class Signer(_PrivateKey):
    """Signs note texts with Ed25519 (type 0x01): the log's checkpoint key."""

    sig_type = SIG_ED25519

    @classmethod
    def generate(cls, name: str) -> Signer:
        return cls(name, _seed_bytes(Ed25519PrivateKey.generate()))

    @classmethod
    def from_skey(cls, skey: str) -> Signer:
        """Parse ``PRIVATE+KEY+<name>+<hex id>+<base64(0x01 || seed)>`` (x/mod format)."""
        name, kid, sig_type, seed = _parse_skey_parts(skey)
        if sig_type != SIG_ED25519:
            raise KeyFormatError(
                f"expected an Ed25519 (type 0x01) signer key, got 0x{sig_type:02x}"
            )
        signer = cls(name, seed)
        if signer.key_id != kid:
            raise KeyFormatError("signer key ID does not match its name and key")
        return signer

    def verifier(self) -> Verifier:
        return Verifier(self._name, self._public_key)

    def sign(self, message: bytes) -> bytes:
        return self._private.sign(bytes(message))


class Cosigner(_PrivateKey):
    """Produces ``cosignature/v1`` signatures (type 0x04) over checkpoint bodies: a witness key."""

    sig_type = SIG_COSIGNATURE_V1

    @classmethod
    def generate(cls, name: str) -> Cosigner:
        return cls(name, _seed_bytes(Ed25519PrivateKey.generate()))

    @classmethod
    def from_skey(cls, skey: str) -> Cosigner:
        """A cosigner from a type 0x04 skey, or from a plain Ed25519 (0x01) skey.

        Accepting 0x01 keys matches transparency-dev/witness, whose operators hold x/mod keys;
        the key ID in the skey is checked against the skey's own type, and the resulting vkey is
        always type 0x04 with its own key ID.
        """
        name, kid, sig_type, seed = _parse_skey_parts(skey)
        if sig_type not in (SIG_ED25519, SIG_COSIGNATURE_V1):
            raise KeyFormatError(f"unsupported cosigner key type 0x{sig_type:02x}")
        cosigner = cls(name, seed)
        if key_id(name, sig_type, cosigner.public_key) != kid:
            raise KeyFormatError("signer key ID does not match its name and key")
        return cosigner

    def verifier(self) -> CosignatureVerifier:
        return CosignatureVerifier(self._name, self._public_key)

    def sign(self, message: bytes, timestamp: int | None = None) -> bytes:
        """``u64 timestamp || Ed25519(cosignature/v1\\ntime <t>\\n<body>)``; now if no time."""
        if timestamp is None:
            timestamp = int(time.time())
        if isinstance(timestamp, bool) or not 0 <= timestamp <= _MAX_TIMESTAMP:
            raise NoteError(f"cosignature timestamp {timestamp!r} is not in 0..2^63-1")
        parse_checkpoint(bytes(message).decode("utf-8"))  # never vouch for anything else
        signed = self._private.sign(_cosigned_message(timestamp, bytes(message)))
        return timestamp.to_bytes(8, "big") + signed


def parse_vkey(vkey: str) -> Verifier | CosignatureVerifier:
    """Parse ``<name>+<hex id>+<base64(type||key)>``, splitting on the first two ``+`` only.

    Type 0x01 gives a :class:`Verifier`, 0x04 a :class:`CosignatureVerifier`; the key ID must
    match the one computed from name, type and key.
    """
    if not isinstance(vkey, str):
        raise KeyFormatError("vkey must be a string")
    parts = vkey.split("+", 2)
    if len(parts) != 3:
        raise KeyFormatError("vkey must have the form <name>+<hex id>+<base64 key>")
    name, hex_id, encoded = parts
    check_key_name(name)
    if not _HEX_ID.fullmatch(hex_id):
        raise KeyFormatError(f"vkey key ID {hex_id!r} is not 8 lowercase hex digits")
    try:
        material = strict_b64decode(encoded, "vkey key material")
    except NoteError as exc:
        raise KeyFormatError(str(exc)) from exc
    if not material:
        raise KeyFormatError("vkey has no key material")
    sig_type, public_key = material[0], material[1:]
    verifier: Verifier | CosignatureVerifier
    if sig_type == SIG_ED25519:
        verifier = Verifier(name, public_key)
    elif sig_type == SIG_COSIGNATURE_V1:
        verifier = CosignatureVerifier(name, public_key)
    else:
        raise KeyFormatError(f"unsupported vkey signature type 0x{sig_type:02x}")
    if verifier.key_id != int(hex_id, 16):
        raise KeyFormatError(
            f"vkey key ID {hex_id} does not match its name and key ({verifier.key_id:08x})"
        )
    return verifier


def _parse_skey_parts(skey: str) -> tuple[str, int, int, bytes]:
    """Split ``PRIVATE+KEY+<name>+<hex id>+<base64>`` on its first four ``+`` only."""
    if not isinstance(skey, str) or not skey.startswith(_PRIVATE_PREFIX):
        raise KeyFormatError("signer key must start with PRIVATE+KEY+")
    parts = skey[len(_PRIVATE_PREFIX) :].split("+", 2)
    if len(parts) != 3:
        raise KeyFormatError("signer key must have the form PRIVATE+KEY+<name>+<hex id>+<key>")
    name, hex_id, encoded = parts
    check_key_name(name)
    if not _HEX_ID.fullmatch(hex_id):
        raise KeyFormatError(f"signer key ID {hex_id!r} is not 8 lowercase hex digits")
    try:
        material = strict_b64decode(encoded, "signer key material")
    except NoteError as exc:
        raise KeyFormatError(str(exc)) from exc
    if len(material) != 33:
        raise KeyFormatError("signer key material must be a type byte and a 32-byte seed")
    return name, int(hex_id, 16), material[0], material[1:]


def parse_skey(skey: str) -> Signer | Cosigner:
    """Parse an x/mod signer key: type 0x01 gives a :class:`Signer`, 0x04 a :class:`Cosigner`.

    The key ID must match the derived public key, which catches a truncated or mistyped key at
    load time rather than at the first failed verification.
    """
    _, _, sig_type, _ = _parse_skey_parts(skey)
    if sig_type == SIG_ED25519:
        return Signer.from_skey(skey)
    if sig_type == SIG_COSIGNATURE_V1:
        return Cosigner.from_skey(skey)
    raise KeyFormatError(f"unsupported signer key type 0x{sig_type:02x}")


def generate_key(name: str) -> tuple[str, str]:
    """A fresh Ed25519 note key (type 0x01, e.g. for a log): (skey, vkey)."""
    signer = Signer.generate(name)
    return signer.skey, signer.vkey


def generate_cosigner_key(name: str) -> tuple[str, str]:
    """A fresh cosignature/v1 key (type 0x04, for a witness): (skey, vkey)."""
    cosigner = Cosigner.generate(name)
    return cosigner.skey, cosigner.vkey


# --- notes -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Signature:
    """One signature line: key name, key ID and the signature bytes after the key ID."""

    name: str
    key_id: int
    signature: bytes
    #: Set for cosignature/v1 signatures that were verified.
    timestamp: int | None = None

    @property
    def line(self) -> str:
        """The signature line, without its final newline."""
        return f"{_SIG_PREFIX}{self.name} {_b64(self.key_id.to_bytes(4, 'big') + self.signature)}"


def parse_signature_line(line: str) -> Signature:
    """Parse ``— <name> <base64(key ID || signature)>`` (no trailing newline)."""
    if not line.startswith(_SIG_PREFIX):
        raise NoteError("signature line must start with an em dash and a space")
    name, sep, encoded = line[len(_SIG_PREFIX) :].partition(" ")
    if not sep:
        raise NoteError("signature line needs a key name and a signature")
    try:
        check_key_name(name)
    except KeyFormatError as exc:
        raise NoteError(f"signature line: {exc}") from exc
    raw = strict_b64decode(encoded, f"signature from {name}")
    if len(raw) < 5:
        raise NoteError(f"signature from {name} is too short")
    return Signature(name, int.from_bytes(raw[:4], "big"), raw[4:])


def _as_text(note: str | bytes) -> str:
    if isinstance(note, bytes | bytearray):
        try:
            return bytes(note).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise NoteError("note is not valid UTF-8") from exc
    if not isinstance(note, str):
        raise NoteError("note must be str or bytes")
    try:
        note.encode("utf-8")
    except UnicodeEncodeError as exc:  # lone surrogates
        raise NoteError("note is not valid UTF-8") from exc
    return note


def split_note(note: str | bytes) -> tuple[str, list[Signature]]:
    """Split a note into its text and parsed (unverified) signatures, checking the layout.

    The text runs up to and including the newline before the *last* blank line.
    """
    message = _as_text(note)
    _check_text(message, "note")
    cut = message.rfind("\n\n")
    if cut < 0:
        raise NoteError("note has no blank line between text and signatures")
    text, block = message[: cut + 1], message[cut + 2 :]
    if not block:
        raise NoteError("note has no signatures")
    if not block.endswith("\n"):
        raise NoteError("note must end with a newline")
    lines = block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise NoteError(f"note has more than {MAX_SIGNATURES} signatures")
    return text, [parse_signature_line(line) for line in lines]


def open_note(note: str | bytes, verifiers: Iterable[NoteVerifier]) -> tuple[str, list[Signature]]:
    """Verify a signed note; return its text and the signatures that verified.

    Signatures whose (name, key ID) no verifier has are ignored; a signature from a known key
    that fails rejects the whole note (:class:`InvalidSignatureError`); a note with no verified
    signature raises :class:`NoKnownSignatureError`. Identical repeated lines count once.
    """
    known: dict[tuple[str, int], NoteVerifier] = {}
    for candidate in verifiers:
        slot = (candidate.name, candidate.key_id)
        if slot in known and known[slot].vkey != candidate.vkey:
            raise KeyFormatError(f"two different keys share name {slot[0]} and ID {slot[1]:08x}")
        known[slot] = candidate
    text, signatures = split_note(note)
    message = text.encode("utf-8")
    verified: list[Signature] = []
    seen: set[tuple[str, int, bytes]] = set()
    for sig in signatures:
        verifier = known.get((sig.name, sig.key_id))
        if verifier is None:
            continue
        fingerprint = (sig.name, sig.key_id, sig.signature)
        if fingerprint in seen:
            continue
        seen.add(fingerprint)
        if not verifier.verify(message, sig.signature):
            raise InvalidSignatureError(
                f"signature from known key {sig.name}+{sig.key_id:08x} does not verify"
            )
        if isinstance(verifier, CosignatureVerifier):
            sig = Signature(
                sig.name, sig.key_id, sig.signature, verifier.timestamp_of(sig.signature)
            )
        verified.append(sig)
    if not verified:
        raise NoKnownSignatureError("note has no valid signature from a known key")
    return text, verified


def _check_note_text(text: str) -> None:
    if not isinstance(text, str) or not text or not text.endswith("\n"):
        raise NoteError("note text must be non-empty and end with a newline")
    _as_text(text)
    _check_text(text, "note text")


def sign_note(text: str, signers: Sequence[NoteSigner]) -> str:
    """Sign ``text`` (non-empty, ending in newline) with every signer, in order."""
    _check_note_text(text)
    if not signers:
        raise NoteError("sign_note needs at least one signer")
    message = text.encode("utf-8")
    lines = []
    for signer in signers:
        raw = signer.key_id.to_bytes(4, "big") + signer.sign(message)
        lines.append(f"{_SIG_PREFIX}{check_key_name(signer.name)} {_b64(raw)}\n")
    return text + "\n" + "".join(lines)


def append_signatures(note: str, lines: Iterable[str]) -> str:
    """Add signature lines (e.g. cosignatures returned by a witness) to a signed note."""
    split_note(note)
    extra = []
    for line in lines:
        line = line.removesuffix("\n")
        parse_signature_line(line)
        extra.append(line + "\n")
    return note + "".join(extra)


# --- checkpoints -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Checkpoint:
    """A tlog-checkpoint body: origin, tree size, RFC 6962 root hash, optional extension lines."""

    origin: str
    size: int
    root_hash: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.origin, str) or not self.origin or "\n" in self.origin:
            raise CheckpointError("checkpoint origin must be a non-empty single line")
        _check_text(self.origin, "checkpoint origin")
        if isinstance(self.size, bool) or not isinstance(self.size, int):
            raise CheckpointError("checkpoint size must be an integer")
        if not 0 <= self.size <= _MAX_TREE_SIZE:
            raise CheckpointError(f"checkpoint size {self.size} is out of range")
        if not isinstance(self.root_hash, bytes) or len(self.root_hash) != 32:
            raise CheckpointError("checkpoint root hash must be 32 bytes")
        for line in self.extensions:
            if not isinstance(line, str) or not line or "\n" in line:
                raise CheckpointError("checkpoint extension lines must be non-empty single lines")
            _check_text(line, "checkpoint extension line")

    @property
    def text(self) -> str:
        """The note text (body) to sign, ending in a newline."""
        lines = [self.origin, str(self.size), _b64(self.root_hash), *self.extensions]
        return "\n".join(lines) + "\n"


def format_checkpoint(
    origin: str, size: int, root_hash: bytes, extensions: Sequence[str] = ()
) -> str:
    """The checkpoint body ``origin\\nsize\\nbase64(root)\\n[extensions\\n]``."""
    return Checkpoint(origin, size, root_hash, tuple(extensions)).text


def parse_checkpoint(text: str) -> Checkpoint:
    """Parse a checkpoint body strictly (no signatures; see :func:`open_checkpoint`)."""
    if not isinstance(text, str) or not text.endswith("\n"):
        raise CheckpointError("checkpoint text must end with a newline")
    lines = text[:-1].split("\n")
    if len(lines) < 3:
        raise CheckpointError("checkpoint needs an origin, a size and a root hash line")
    if any(not line for line in lines):
        raise CheckpointError("checkpoint lines must not be empty")
    origin, size_text, root_text, *extensions = lines
    if not _DECIMAL.fullmatch(size_text):
        raise CheckpointError(f"checkpoint size {size_text!r} is not a decimal without leading 0")
    try:
        root = strict_b64decode(root_text, "checkpoint root hash")
    except NoteError as exc:
        raise CheckpointError(str(exc)) from exc
    if len(root) != 32:
        raise CheckpointError(f"checkpoint root hash is {len(root)} bytes, not 32")
    return Checkpoint(origin, int(size_text), root, tuple(extensions))


def open_checkpoint(
    note: str | bytes, verifiers: Iterable[NoteVerifier]
) -> tuple[Checkpoint, list[Signature]]:
    """Verify a signed checkpoint: :func:`open_note`, then strict :func:`parse_checkpoint`."""
    text, signatures = open_note(note, verifiers)
    return parse_checkpoint(text), signatures


def cosign_checkpoint(note_or_text: str, signer: Cosigner, timestamp: int | None = None) -> str:
    """A cosignature line (no trailing newline) over a checkpoint body or signed checkpoint.

    The caller is responsible for having checked consistency first; a cosignature claims it.
    """
    text = note_or_text
    if "\n\n" in note_or_text:
        text, _ = split_note(note_or_text)
    raw = signer.sign(text.encode("utf-8"), timestamp)
    return Signature(signer.name, signer.key_id, raw).line
