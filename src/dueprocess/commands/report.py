"""``dueprocess report --quarter 2026Q3 --format html|csv|json|pdf``: the public transparency
report for one quarter, with small numbers suppressed — the same figures as ``/transparency/``.
Written to standard output, or to ``--output FILE``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dueprocess.commands.setup import CommandError, django_setup, require_migrated


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("report", help="print the public transparency report for a quarter")
    parser.add_argument("--quarter", help="e.g. 2026Q3 (default: the last complete quarter)")
    parser.add_argument("--format", choices=("html", "csv", "json", "pdf"), default="html")
    parser.add_argument("--output", help="write to this file instead of standard output")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    django_setup()
    require_migrated()
    from dueprocess.oversight import report_formats, transparency

    organisation = transparency.public_organisation()
    if organisation is None:
        raise CommandError("no organisation has been set up (run `dueprocess init`)")
    try:
        quarter = (
            transparency.Quarter.parse(args.quarter)
            if args.quarter
            else transparency.latest_complete(organisation)
        )
        report = transparency.build(organisation, quarter)
    except ValueError as error:
        raise CommandError(str(error)) from None
    body = report_formats.render(transparency.publish(report), args.format)
    if args.output:
        Path(args.output).write_bytes(body)
    elif args.format == "pdf" and sys.stdout.isatty():
        raise CommandError("a PDF is not for a terminal: use --output FILE or redirect")
    else:
        sys.stdout.buffer.write(body)
        sys.stdout.flush()
    return 0
