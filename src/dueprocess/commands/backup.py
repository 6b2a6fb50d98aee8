"""``dueprocess backup DEST`` and ``dueprocess restore SRC`` (see ``dueprocess.lib.backup``)."""

from __future__ import annotations

import argparse
import importlib.metadata
import sys
import time
from pathlib import Path

from dueprocess.commands.setup import CommandError


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    backup = sub.add_parser(
        "backup", help="back up the database and the key files into a new directory"
    )
    backup.add_argument("destination", type=Path, help="a directory that does not exist yet")
    backup.set_defaults(run=run_backup)
    restore = sub.add_parser(
        "restore", help="restore a backup, run the migrations and verify the ledger"
    )
    restore.add_argument("source", type=Path, help="a directory written by `dueprocess backup`")
    restore.add_argument(
        "--force", action="store_true", help="overwrite a non-empty data directory or database"
    )
    restore.set_defaults(run=run_restore)


def _failures() -> tuple[type[BaseException], ...]:
    """What a backup or restore reports in one line: its own refusals, and the file system's or
    a database's errors (an uninitialised database, an unreachable server)."""
    import sqlite3

    import psycopg

    from dueprocess.lib.backup import BackupError

    return (BackupError, OSError, sqlite3.Error, psycopg.Error)


def _version() -> str:
    try:
        return importlib.metadata.version("dueprocess")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def run_backup(args: argparse.Namespace) -> int:
    from dueprocess.lib.backup import backup, key_warnings

    started = time.monotonic()
    try:
        result = backup(args.destination, version=_version())
    except _failures() as error:
        raise CommandError(str(error)) from error
    ledger = result.manifest["ledger"]
    print(
        f"backup written to {result.path} in {time.monotonic() - started:.2f} s:"
        f" {result.manifest['database_vendor']} database, {result.manifest['cases']} cases,"
        f" ledger size {ledger['size']} root {ledger['root'] or '-'}"
    )
    for entry in result.manifest["files"]:
        print(f"  {entry['sha256']}  {entry['name']}")
    for line in key_warnings(result.absent):
        print(line)
    return 0


def run_restore(args: argparse.Namespace) -> int:
    from dueprocess.lib.backup import configured_database, restore, restored_summary

    try:
        manifest = restore(args.source, force=args.force)
        summary = restored_summary(configured_database())
    except _failures() as error:
        raise CommandError(str(error)) from error
    expected = manifest["ledger"]
    print(
        f"restored {manifest['database_vendor']} backup of {manifest['created_at']}"
        f" (dueprocess {manifest['dueprocess_version']}): {summary['cases']} cases,"
        f" ledger size {summary['size']}"
    )
    if (summary["size"], summary["root"]) != (expected["size"], expected["root"]):
        print(
            f"FAILED: the restored ledger (size {summary['size']}, root {summary['root']}) is not"
            f" the one in the manifest (size {expected['size']}, root {expected['root']})",
            file=sys.stderr,
        )
        return 1
    from dueprocess.commands.ledger import _verify_report
    from dueprocess.commands.setup import django_setup, migrate

    django_setup()
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    migrate()
    if pending:
        print(f"applied {len(pending)} migrations")
    from dueprocess.ledger.config import load_policy
    from dueprocess.ledger.verify import verify_ledger

    started = time.monotonic()
    report = verify_ledger(load_policy(), state=True)
    return _verify_report(report, started, "restored ledger verified", own=False)
