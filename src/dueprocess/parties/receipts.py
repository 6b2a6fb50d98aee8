"""Receipts: 16 random digits, shown once, stored only as a slow hash.

In the manner of GlobaLeaks: the receipt is the only thing a complainant needs to come back,
so it must be found from what they type — by equality on a digest, not by trying every stored
hash. The digest is argon2id (RFC 9106) of the digits with one salt per installation, kept in
the data directory (``receipt-salt.key``, mode 0600), not in the database: a stolen database
alone cannot even be brute-forced, and with the salt each guess still costs a full argon2id.
"""

from __future__ import annotations

import functools
import re
import secrets

from argon2.low_level import Type, hash_secret_raw
from django.conf import settings

from dueprocess.lib.datadir import read_or_create_secret

DIGITS = 16
SALT_FILE = "receipt-salt.key"
_NOT_DIGITS = re.compile(r"[\s\-.]")

# RFC 9106's second recommended option (64 MiB, 3 passes, 4 lanes); the test suite's fast
# setting (``DUEPROCESS_FAST_HASHER``) uses a cheap one, as it does for passwords.
_COST = {"time_cost": 3, "memory_cost": 64 * 1024, "parallelism": 4}
_FAST_COST = {"time_cost": 1, "memory_cost": 8, "parallelism": 1}


def new_receipt() -> str:
    """16 digits from the operating system's random source (about 53 bits)."""
    return f"{secrets.randbelow(10**DIGITS):0{DIGITS}d}"


def grouped(receipt: str) -> str:
    """``1234 5678 9012 3456``: easier to copy by hand."""
    return " ".join(receipt[i : i + 4] for i in range(0, len(receipt), 4))


def normalised(typed: str) -> str | None:
    """The 16 digits of what was typed (spaces and dashes allowed), or None if it is not one."""
    digits = _NOT_DIGITS.sub("", typed or "")
    if len(digits) != DIGITS or not digits.isascii() or not digits.isdigit():
        return None
    return digits


@functools.lru_cache(maxsize=1)
def _salt() -> bytes:
    return read_or_create_secret(SALT_FILE, size=16)


def reset_caches() -> None:
    """Forget the cached salt (tests switch data directories)."""
    _salt.cache_clear()


def _cost() -> dict[str, int]:
    fast = settings.PASSWORD_HASHERS == ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return _FAST_COST if fast else _COST


def digest(receipt: str) -> str:
    """argon2id(receipt, installation salt), 32 bytes, hex."""
    raw = hash_secret_raw(
        secret=receipt.encode("ascii"), salt=_salt(), hash_len=32, type=Type.ID, **_cost()
    )
    return raw.hex()
