"""Where sealed evidence bytes are kept: a small interface and the directory store.

Only sealed bytes ever reach a store, so a store need not be trusted with confidentiality; an
S3-compatible store would implement the same four methods.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol

from django.conf import settings


class EvidenceStore(Protocol):
    def put(self, name: str, data: bytes) -> None: ...

    def get(self, name: str) -> bytes: ...

    def delete(self, name: str) -> None: ...

    def names(self) -> list[str]: ...


class DirectoryStore:
    """One file per blob in a private directory; written to a temporary name, then renamed."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, name: str) -> Path:
        if not name.isalnum():
            raise ValueError(f"Bad blob name {name!r}.")
        return self.root / name

    def put(self, name: str, data: bytes) -> None:
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        final = self._path(name)
        partial = final.with_suffix(".part")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(partial, final)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise

    def get(self, name: str) -> bytes:
        return self._path(name).read_bytes()

    def delete(self, name: str) -> None:
        self._path(name).unlink(missing_ok=True)

    def names(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir() if p.is_file() and p.name.isalnum())


def default_store() -> EvidenceStore:
    return DirectoryStore(Path(settings.EVIDENCE_DIR))
