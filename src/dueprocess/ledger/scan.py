"""Reading a large table in chunks, with flat memory on either database."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from django.db import connection, transaction

CHUNK = 20_000


def stream(
    sql: str, params: Sequence[Any] = (), *, name: str = "dueprocess_scan"
) -> Iterator[list[tuple[Any, ...]]]:
    """Rows in chunks; on PostgreSQL through a server-side cursor called ``name`` (two scans
    open at once need two names)."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            while rows := cursor.fetchmany(CHUNK):
                yield rows
        return
    connection.ensure_connection()
    with transaction.atomic(), connection.connection.cursor(name=name) as cursor:
        cursor.itersize = CHUNK
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(CHUNK):
            yield rows
