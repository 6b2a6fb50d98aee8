"""Dropping append-only triggers inside a test's transaction, as an insider would."""

from __future__ import annotations

from django.db import connection

from dueprocess.lib.append_only import trigger_names


def drop_append_only(table: str) -> None:
    """Remove ``table``'s append-only triggers (rolled back with the test's transaction)."""
    with connection.cursor() as cursor:
        for name in trigger_names(table, connection.vendor):
            if connection.vendor == "sqlite":
                cursor.execute(f"DROP TRIGGER {name}")
            else:
                cursor.execute(f"DROP TRIGGER {name} ON {table}")
