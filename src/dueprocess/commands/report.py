"""``dueprocess report --quarter 2026Q3 --format html|csv|json|pdf``: the public transparency
report for one quarter, with small numbers suppressed — the same figures as ``/transparency/``.
Written to standard output, or to ``--output FILE``.

``--publish --as EMAIL [--correction TEXT]`` fixes the quarter's report as its next published
version (the person named must be one the rulebook lets publish); ``--check FILE`` says which
published version a downloaded file is, or that it matches none (it was changed)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from dueprocess.commands.setup import (
    CommandError,
    django_setup,
    organisation_for,
    require_migrated,
)


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("report", help="print the public transparency report for a quarter")
    parser.add_argument("--quarter", help="e.g. 2026Q3 (default: the last complete quarter)")
    parser.add_argument("--format", choices=("html", "csv", "json", "pdf"), default="html")
    parser.add_argument("--output", help="write to this file instead of standard output")
    parser.add_argument(
        "--publish", action="store_true", help="fix the quarter's report as its next version"
    )
    parser.add_argument("--as", dest="as_email", help="with --publish: who publishes (e-mail)")
    parser.add_argument("--correction", default="", help="with --publish: what changed, and why")
    parser.add_argument("--check", metavar="FILE", help="which published version FILE is")
    parser.add_argument("--org", help="organisation slug (needed when there are several)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    django_setup()
    require_migrated()
    from dueprocess.oversight import report_formats, transparency

    organisation = organisation_for(args.org)
    if args.check:
        return _check(organisation, Path(args.check))
    try:
        quarter = (
            transparency.Quarter.parse(args.quarter)
            if args.quarter
            else transparency.latest_complete(organisation)
        )
        report = transparency.build(organisation, quarter)
    except ValueError as error:
        raise CommandError(str(error)) from None
    if args.publish:
        return _publish(quarter, args.as_email or "", args.correction)
    body = report_formats.render(transparency.publish(report), args.format)
    if args.output:
        Path(args.output).write_bytes(body)
    elif args.format == "pdf" and sys.stdout.isatty():
        raise CommandError("a PDF is not for a terminal: use --output FILE or redirect")
    else:
        sys.stdout.buffer.write(body)
        sys.stdout.flush()
    return 0


def _publish(quarter: Any, email: str, correction: str) -> int:
    from dueprocess.accounts.models import User
    from dueprocess.errors import DomainError
    from dueprocess.lib.ids import request_scope
    from dueprocess.oversight import publication

    if not email:
        raise CommandError("--publish needs --as EMAIL: the person who publishes the report")
    person = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if person is None:
        raise CommandError(f"no active account with the e-mail address {email}")
    try:
        with request_scope():
            version = publication.publish_report(
                actor=person, quarter=quarter, correction=correction
            )
    except DomainError as error:
        raise CommandError(str(error)) from None
    published = publication.publications(person.organisation, quarter)[-1]  # type: ignore[arg-type]
    print(
        f"published the {quarter} report as version {version}: SHA-256 {published.sha256},"
        f" ledger entry {published.ledger_seq}"
    )
    return 0


def _check(organisation: Any, path: Path) -> int:
    from dueprocess.oversight import publication

    try:
        data = path.read_bytes()
    except OSError as error:
        raise CommandError(f"cannot read {path}: {error.strerror}") from None
    found = publication.check_file(organisation, data)
    if found is None:
        print(f"{path} matches no published report: it was changed, or never published")
        return 1
    print(
        f"{path} is version {found.version} of the {found.quarter} report, published"
        f" {found.published_at}, unchanged (SHA-256 {found.sha256}, ledger entry"
        f" {found.ledger_seq})"
    )
    return 0
