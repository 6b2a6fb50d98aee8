"""How far the demo's background build has got: the terminal prints it, and every page shows
it in a banner until the build is done.

The state lives in this process's memory (the build runs in a thread beside the server), so the
banner costs no query; once the build is done it is ``None`` and pages show nothing.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Progress:
    cases: int  # opened so far
    total: int
    events: int  # replayed so far
    total_events: int


_current: Progress | None = None


def report(progress: Progress | None) -> None:
    """Record how far the build has got; ``None`` once it is done (or there is none)."""
    global _current
    _current = progress


def current() -> Progress | None:
    return _current
