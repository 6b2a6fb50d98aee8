"""Payload encryption: AES-256-GCM under a per-subject key, bound to its entry.

The entry bytes are the associated data, so a payload cannot be moved to another entry, and the
entry commits to ``SHA-256(salt || payload)``, so a payload cannot be altered. Erasing a subject
deletes its key (and its payload rows): the entries, their hashes and every proof stay valid.
"""

from __future__ import annotations

import hashlib
import json
import os
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from dueprocess.ledger import keys
from dueprocess.ledger.models import SubjectKey


def payload_bytes(payload: dict[str, Any]) -> bytes:
    """Canonical JSON (sorted keys, no whitespace) so the commitment is reproducible."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def commit(salt: bytes, payload: bytes) -> str:
    return hashlib.sha256(salt + payload).hexdigest()


def subject_key(subject: str, *, create: bool = True) -> bytes | None:
    """The subject's data key, unwrapped; created on first use when ``create``."""
    row = SubjectKey.objects.filter(subject=subject).values_list("wrapped", flat=True).first()
    if row is None:
        if not create:
            return None
        data_key = AESGCM.generate_key(bit_length=256)
        nonce = os.urandom(12)
        wrapped = nonce + AESGCM(keys.kek()).encrypt(nonce, data_key, subject.encode())
        SubjectKey.objects.bulk_create(
            [SubjectKey(subject=subject, wrapped=wrapped)], ignore_conflicts=True
        )
        row = SubjectKey.objects.values_list("wrapped", flat=True).get(subject=subject)
    wrapped = bytes(row)
    return AESGCM(keys.kek()).decrypt(wrapped[:12], wrapped[12:], subject.encode())


def seal(data_key: bytes, plaintext: bytes, entry: bytes) -> tuple[bytes, bytes]:
    nonce = os.urandom(12)
    return nonce, AESGCM(data_key).encrypt(nonce, plaintext, entry)


def unseal(data_key: bytes, nonce: bytes, ciphertext: bytes, entry: bytes) -> bytes:
    return AESGCM(data_key).decrypt(nonce, ciphertext, entry)
