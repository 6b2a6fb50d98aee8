"""Bring Django up for a command, and check the database is ready."""

from __future__ import annotations

import os
from typing import Any

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


def organisation_for(slug: str | None) -> Any:
    """The organisation ``--org SLUG`` names (``accounts.organisations.organisation_meant``),
    or a command error that says what to type instead."""
    from dueprocess.accounts.organisations import all_organisations, organisation_meant

    found = organisation_meant(slug or "")
    if found is not None:
        return found
    known = list(all_organisations().values_list("slug", flat=True))
    if slug:
        raise CommandError(f"no organisation {slug!r} (known: {', '.join(known) or 'none'})")
    if not known:
        raise CommandError("no organisation yet: run `dueprocess init` first")
    raise CommandError(f"there are several organisations: name one with --org ({', '.join(known)})")


def run_service(call: Any) -> Any:
    """Run a service as the system, turning its refusals into the command's error."""
    from dueprocess.errors import DomainError
    from dueprocess.lib.ids import request_scope

    try:
        with request_scope():
            return call()
    except DomainError as error:
        fields = getattr(error, "fields", None) or {}
        detail = "; ".join(f"{name}: {problem}" for name, problem in fields.items())
        raise CommandError(f"{error}" + (f" ({detail})" if detail else "")) from None
