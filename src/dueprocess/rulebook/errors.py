"""Rulebook errors that name the file, the key and what is wrong."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RulebookIssue:
    source: str
    key: str
    message: str

    def __str__(self) -> str:
        where = f"{self.source}: {self.key}" if self.key else self.source
        return f"{where}: {self.message}"


class RulebookError(Exception):
    """Raised with every problem found, so an author can fix them all in one pass."""

    def __init__(self, issues: list[RulebookIssue]) -> None:
        self.issues = issues
        super().__init__("\n".join(str(i) for i in issues))
