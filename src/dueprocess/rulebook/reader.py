"""A typed, path-tracking view over parsed TOML that collects problems instead of raising.

Every accessor records an issue (file, dotted key, message) and returns a harmless default, so
the validator can report every mistake in a file at once.
"""

from __future__ import annotations

from typing import Any

from dueprocess.rulebook.errors import RulebookIssue

_MISSING = object()


class Reader:
    def __init__(self, source: str, data: dict[str, Any], path: str, issues: list[RulebookIssue]):
        self.source = source
        self.data = data
        self.path = path
        self.issues = issues

    def key_path(self, key: str | int) -> str:
        if isinstance(key, int):
            return f"{self.path}[{key}]"
        return f"{self.path}.{key}" if self.path else key

    def error(self, key: str | int | None, message: str) -> None:
        where = self.path if key is None else self.key_path(key)
        self.issues.append(RulebookIssue(self.source, where, message))

    def _get(self, key: str, required: bool) -> Any:
        if key in self.data:
            return self.data[key]
        if required:
            self.error(key, "is required but missing")
        return _MISSING

    def text(self, key: str, *, required: bool = True, default: str = "") -> str:
        value = self._get(key, required)
        if value is _MISSING:
            return default
        if not isinstance(value, str) or not value.strip():
            self.error(key, f"must be a non-empty string, not {value!r}")
            return default
        return value

    def choice(self, key: str, choices: tuple[str, ...], *, default: str) -> str:
        value = self.text(key, required=False, default=default)
        if value not in choices:
            self.error(key, f"must be one of {', '.join(choices)}, not {value!r}")
            return default
        return value

    def number(self, key: str, *, required: bool = True, default: int = 0, minimum: int = 0) -> int:
        value = self._get(key, required)
        if value is _MISSING:
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(key, f"must be a whole number, not {value!r}")
            return default
        if value < minimum:
            self.error(key, f"must be at least {minimum}, not {value}")
            return default
        return value

    def optional_int(self, key: str, *, minimum: int = 0) -> int | None:
        if key not in self.data:
            return None
        return self.number(key, minimum=minimum)

    def flag(self, key: str, *, default: bool = False) -> bool:
        value = self._get(key, False)
        if value is _MISSING:
            return default
        if not isinstance(value, bool):
            self.error(key, f"must be true or false, not {value!r}")
            return default
        return value

    def text_list(self, key: str, *, required: bool = True) -> list[str]:
        value = self._get(key, required)
        if value is _MISSING:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            self.error(key, f"must be a list of non-empty strings, not {value!r}")
            return []
        if required and not value:
            self.error(key, "must not be empty")
        return value

    def table(self, key: str, *, required: bool = True) -> Reader:
        value = self._get(key, required)
        if value is _MISSING:
            value = {}
        elif not isinstance(value, dict):
            self.error(key, f"must be a table, not {type(value).__name__}")
            value = {}
        return Reader(self.source, value, self.key_path(key), self.issues)

    def tables(self, key: str, *, required: bool = True) -> list[Reader]:
        value = self._get(key, required)
        if value is _MISSING:
            return []
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.error(key, "must be an array of tables ([[...]])")
            return []
        if required and not value:
            self.error(key, "must not be empty")
        base = self.key_path(key)
        return [Reader(self.source, v, f"{base}[{i}]", self.issues) for i, v in enumerate(value)]

    def keyed_tables(self, key: str) -> list[tuple[str, Reader]]:
        """A table of tables (``[roles.x]``), in file order, as (name, reader) pairs."""
        outer = self.table(key)
        pairs = []
        for name, value in outer.data.items():
            if not isinstance(value, dict):
                outer.error(name, "must be a table")
                continue
            pairs.append((name, Reader(self.source, value, outer.key_path(name), self.issues)))
        return pairs

    def only(self, *allowed: str) -> None:
        """Report keys that are not part of the schema (typos would otherwise pass silently)."""
        for key in self.data:
            if key not in allowed:
                self.error(key, f"is not a known key here (expected one of: {', '.join(allowed)})")
