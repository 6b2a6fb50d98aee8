"""The data directory: SQLite file, signing key, key-encryption key and other secrets.

Secrets live in files (mode 0600) beside the database, never inside it, so that a copy of the
database alone can neither forge a checkpoint nor decrypt a payload.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

DEFAULT_DATA_DIR = "./var"
#: Files a process creates are readable by its own user only: the SQLite file (and its -wal and
#: -shm) holds every case, so it must not be world-readable as the default umask would make it.
PRIVATE_UMASK = 0o077


def private_umask() -> None:
    """Make every file this process creates 0600 and every directory 0700 (call at start)."""
    os.umask(PRIVATE_UMASK)


def data_dir() -> Path:
    """The configured data directory (``DUEPROCESS_DATA_DIR``, default ``./var``), absolute."""
    return Path(os.environ.get("DUEPROCESS_DATA_DIR", DEFAULT_DATA_DIR)).expanduser().resolve()


def ensure_data_dir() -> Path:
    path = data_dir()
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, 0o700)
    return path


def write_secret(path: Path, content: bytes) -> None:
    """Create ``path`` with mode 0600 atomically; refuses to overwrite an existing secret."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)


def read_or_create_secret(name: str, *, size: int = 32) -> bytes:
    """Return the secret file ``name`` in the data directory, creating random bytes if absent."""
    path = ensure_data_dir() / name
    if not path.exists():
        with contextlib.suppress(FileExistsError):  # another process made it first; read theirs
            write_secret(path, secrets.token_bytes(size))
    return path.read_bytes()


def secret_key() -> str:
    """Django's SECRET_KEY: from the environment, or a file made once in the data directory."""
    from_env = os.environ.get("DUEPROCESS_SECRET_KEY")
    if from_env:
        return from_env
    return read_or_create_secret("django-secret.key", size=48).hex()
