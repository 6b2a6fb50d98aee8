"""The ``dueprocess`` command: every operator's and auditor's command, one module per group
under ``dueprocess.commands``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from dueprocess.commands import (
    api,
    backup,
    bounces,
    demo,
    dossier,
    init,
    ledger,
    monitor,
    org,
    panel,
    report,
    rulebook,
    serve,
    staff,
    subject_access,
    witness,
)
from dueprocess.commands.setup import CommandError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dueprocess",
        description="Complaints and disciplinary cases with a record anyone can verify.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for module in (
        init,
        demo,
        serve,
        rulebook,
        witness,
        api,
        staff,
        org,
        monitor,
        report,
        bounces,
        dossier,
        panel,
        subject_access,
    ):
        module.add_parser(sub)
    ledger.add_parsers(sub)
    backup.add_parsers(sub)
    manage = sub.add_parser("manage", help="run a Django management command")
    manage.add_argument("args", nargs=argparse.REMAINDER)
    manage.set_defaults(run=_manage)
    return parser


def _manage(args: argparse.Namespace) -> int:
    import os

    from django.core.management import execute_from_command_line

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dueprocess.settings")
    execute_from_command_line(["dueprocess manage", *args.args])
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    from dueprocess.lib.datadir import private_umask

    private_umask()  # the data directory, database and keys are for this user only
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args))
    except CommandError as error:
        print(f"dueprocess {args.command}: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
