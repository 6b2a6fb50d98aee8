"""Small SQL building blocks that let every oversight figure be one GROUP BY in the database.

Months are calendar months in UTC, on both databases, computed by a plain string or date
function rather than Django's time-zone-aware truncation (which on SQLite calls back into
Python once per row — too slow for a dashboard over millions of ledger entries).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import CharField, Func


class UtcMonth(Func):
    """``YYYY-MM`` of a timestamp column, in UTC."""

    output_field = CharField()
    arity = 1

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # Django stores aware datetimes on SQLite as UTC text: 'YYYY-MM-DD HH:MM:SS...'.
        return self.as_sql(compiler, connection, template="substr(%(expressions)s, 1, 7)", **extra)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = "to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM')"
        return self.as_sql(compiler, connection, template=template, **extra)


def month_key(moment: dt.datetime | dt.date) -> str:
    return f"{moment.year:04d}-{moment.month:02d}"


def recent_months(today: dt.date, count: int) -> list[str]:
    """The last ``count`` month keys, oldest first, ending with ``today``'s month."""
    year, month = today.year, today.month
    keys = []
    for _ in range(count):
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return keys[::-1]


def month_start(key: str) -> dt.datetime:
    year, month = (int(part) for part in key.split("-"))
    return dt.datetime(year, month, 1, tzinfo=dt.UTC)


def month_label(key: str) -> str:
    return month_start(key).strftime("%b %Y")
