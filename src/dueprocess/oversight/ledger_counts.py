"""Counting ledger entries by month and by person, in the database, without decrypting anything.

``LedgerEntry`` indexes ``action`` and ``recorded_at``; the actor is only inside the canonical
entry bytes, on the line ``actor <64 hex>`` (see ``ledger.entries``). That format is fixed and
checked by ``verify``, so the actor can be cut out of the bytes by SQL — which lets one
organisation's counts be taken from a ledger that several organisations share: only entries
whose actor pseudonym belongs to one of its own staff are counted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import connection

from dueprocess.accounts.models import User
from dueprocess.ledger.record import actor_pseudonym

_ACTOR_LINE = b"\nactor "


def _actor_sql() -> str:
    if connection.vendor == "postgresql":
        return (
            "encode(substring(entry from position('\\x0a6163746f7220'::bytea in entry) + 7"
            " for 64), 'escape')"
        )
    return "CAST(substr(entry, instr(entry, X'0a6163746f7220') + 7, 64) AS TEXT)"


def _month_sql() -> str:
    if connection.vendor == "postgresql":
        return "to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM')"
    return "substr(recorded_at, 1, 7)"


def staff_pseudonyms(organisation_id: int) -> dict[str, User]:
    """Each member of staff's ledger pseudonym (a keyed HMAC of their id)."""
    staff = User.objects.filter(organisation_id=organisation_id)
    return {actor_pseudonym(user): user for user in staff}


def _in_list(tags: Iterable[str]) -> tuple[str, list[str]]:
    values = sorted(tags)
    return ", ".join(["%s"] * len(values)), values


def count_by_month(action: str, *, organisation_id: int, since: dt.datetime) -> dict[str, int]:
    """Entries of ``action`` by one organisation's staff since ``since``, per UTC month."""
    people = staff_pseudonyms(organisation_id)
    if not people:
        return {}
    marks, tags = _in_list(people)
    sql = (
        f"SELECT {_month_sql()} AS month, COUNT(*) FROM ledger_ledgerentry"  # noqa: S608 (fixed SQL; values are parameters)
        f" WHERE action = %s AND recorded_at >= %s AND {_actor_sql()} IN ({marks})"
        " GROUP BY month"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [action, _db_time(since), *tags])
        return {str(month): int(count) for month, count in cursor.fetchall()}


def repeated_by_person(
    action: str, *, organisation_id: int, at_least: int
) -> list[tuple[User, str, int, dt.datetime]]:
    """(person, month, count, last time) where one person has ``at_least`` entries in a month."""
    people = staff_pseudonyms(organisation_id)
    if not people:
        return []
    marks, tags = _in_list(people)
    actor = _actor_sql()
    sql = (
        f"SELECT {actor} AS who, {_month_sql()} AS month, COUNT(*), MAX(recorded_at)"  # noqa: S608 (fixed SQL; values are parameters)
        f" FROM ledger_ledgerentry WHERE action = %s AND {actor} IN ({marks})"
        f" GROUP BY who, month HAVING COUNT(*) >= %s ORDER BY month, who"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [action, *tags, at_least])
        rows = cursor.fetchall()
    return [(people[who], str(month), int(n), _as_time(last)) for who, month, n, last in rows]


def _db_time(moment: dt.datetime) -> dt.datetime | str:
    """A parameter comparable with ``recorded_at`` on either database."""
    if connection.vendor == "postgresql":
        return moment
    return moment.astimezone(dt.UTC).replace(tzinfo=None).isoformat(sep=" ")


def _as_time(value: object) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return dt.datetime.fromisoformat(str(value)).replace(tzinfo=dt.UTC)
