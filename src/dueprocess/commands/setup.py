"""Bring Django up for a command, and check the database is ready."""

from __future__ import annotations

import os

from dueprocess.lib.caches import prepare_caches


class CommandError(Exception):
    """A failure to report in one line with a non-zero exit, not a traceback."""


def django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dueprocess.settings")
    import django

    django.setup()


def migrate(verbosity: int = 0) -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=verbosity)
    prepare_caches()


def require_migrated() -> None:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise CommandError(
            "the database is not initialised or not up to date: run `dueprocess init`"
        )
