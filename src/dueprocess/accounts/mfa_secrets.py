"""Authenticator-app secrets and recovery-code seeds are sealed before they reach the database.

allauth stores the TOTP secret and the recovery-code seed in its ``Authenticator`` rows and
offers ``encrypt``/``decrypt`` hooks for exactly this. With them sealed under a key kept in the
data directory (mode 0600, like the ledger's keys), a copy of the database — a backup, a
replica, a dump handed to a contractor — is not enough to mint anyone's second factor.

Sealing is AES-256-GCM with a fresh nonce and a fixed associated-data label; a sealed value is
``aesgcm1:`` followed by URL-safe base64 of nonce and ciphertext. Unsealing refuses anything
else, so a secret planted in clear in the database is never accepted.
"""

from __future__ import annotations

import base64
import functools
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from dueprocess.lib.datadir import read_or_create_secret

KEY_FILE = "mfa-secrets.key"
PREFIX = "aesgcm1:"
_LABEL = b"dueprocess/mfa-secret/v1"
_NONCE = 12


class SealError(ValueError):
    """A stored second-factor secret is not sealed, or not by this installation's key."""


@functools.lru_cache(maxsize=1)
def _cipher() -> AESGCM:
    return AESGCM(read_or_create_secret(KEY_FILE, size=32))


def is_sealed(text: str) -> bool:
    return text.startswith(PREFIX)


def seal(text: str) -> str:
    nonce = os.urandom(_NONCE)
    sealed = _cipher().encrypt(nonce, text.encode("utf-8"), _LABEL)
    return PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")


def unseal(text: str) -> str:
    if not is_sealed(text):
        raise SealError("a second-factor secret in the database is not sealed")
    try:
        raw = base64.urlsafe_b64decode(text[len(PREFIX) :].encode("ascii"))
        plain = _cipher().decrypt(raw[:_NONCE], raw[_NONCE:], _LABEL)
    except (ValueError, InvalidTag) as error:
        raise SealError("a second-factor secret cannot be opened with this key") from error
    return plain.decode("utf-8")
