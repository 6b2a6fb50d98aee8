"""The one source of "now" for services.

Services never call ``timezone.now()`` directly: the demo replays months of history through the
real services, and tests pin time, by swapping the clock for the duration of a block.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
from collections.abc import Iterator

from django.utils import timezone

_frozen: contextvars.ContextVar[dt.datetime | None] = contextvars.ContextVar(
    "dueprocess_frozen_now", default=None
)


def now() -> dt.datetime:
    """Return the current aware UTC time, or the pinned time inside ``frozen``."""
    pinned = _frozen.get()
    return pinned if pinned is not None else timezone.now()


def today() -> dt.date:
    return now().date()


@contextlib.contextmanager
def frozen(moment: dt.datetime) -> Iterator[None]:
    """Pin ``now()`` to ``moment`` (must be timezone-aware) inside the block."""
    if timezone.is_naive(moment):
        raise ValueError("frozen() needs an aware datetime")
    token = _frozen.set(moment)
    try:
        yield
    finally:
        _frozen.reset(token)


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar months, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")
