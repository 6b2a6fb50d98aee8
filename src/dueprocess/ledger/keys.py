"""The ledger's keys, kept as files in the data directory (mode 0600), never in the database.

- ``ledger-signing.key``: the log's Ed25519 signing key (x/mod ``PRIVATE+KEY+...`` format)
- ``ledger.vkey``: its verifier key in C2SP vkey format — publish this
- ``ledger-kek.key``: the key-encryption key that wraps per-subject payload keys
- ``ledger-pseudonym.key``: the HMAC key for actor and case pseudonyms
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import hmac
from pathlib import Path

from django.conf import settings

from dueprocess.lib.datadir import ensure_data_dir, read_or_create_secret, write_secret
from dueprocess.tlog import note

SIGNING_KEY_FILE = "ledger-signing.key"
VKEY_FILE = "ledger.vkey"


def ensure_signing_key() -> tuple[Path, Path]:
    """Create the log key pair on first use; return (signing key path, vkey path)."""
    directory = ensure_data_dir()
    skey_path, vkey_path = directory / SIGNING_KEY_FILE, directory / VKEY_FILE
    if not skey_path.exists():
        skey, _ = note.generate_key(settings.LEDGER_ORIGIN)
        with contextlib.suppress(FileExistsError):  # another process made it first
            write_secret(skey_path, skey.encode("ascii"))
    if not vkey_path.exists():
        signer = note.Signer.from_skey(skey_path.read_text("ascii").strip())
        vkey_path.write_text(signer.vkey + "\n", encoding="ascii")
        vkey_path.chmod(0o644)  # the one public file in the data directory: publish it
    return skey_path, vkey_path


@functools.lru_cache(maxsize=1)
def signer() -> note.Signer:
    skey_path, _ = ensure_signing_key()
    return note.Signer.from_skey(skey_path.read_text("ascii").strip())


def vkey() -> str:
    _, vkey_path = ensure_signing_key()
    return vkey_path.read_text("ascii").strip()


@functools.lru_cache(maxsize=1)
def kek() -> bytes:
    return read_or_create_secret("ledger-kek.key", size=32)


@functools.lru_cache(maxsize=1)
def _pseudonym_key() -> bytes:
    return read_or_create_secret("ledger-pseudonym.key", size=32)


def pseudonym(kind: str, identifier: object) -> str:
    """A stable, keyed pseudonym: HMAC-SHA-256(key, kind ":" id), hex."""
    message = f"{kind}:{identifier}".encode()
    return hmac.new(_pseudonym_key(), message, hashlib.sha256).hexdigest()


def reset_caches() -> None:
    """Forget cached keys (tests switch data directories)."""
    signer.cache_clear()
    kek.cache_clear()
    _pseudonym_key.cache_clear()
