"""``dueprocess dossier import FILE [--as EMAIL] [--dry-run] [--encoding latin-1]``: import a
dossier of complaints (CSV or JSON, see ``docs/dossiers.md``), one case per row.

All or nothing: if any row has a problem, every problem is printed with its row number and
field and nothing is written. ``--dry-run`` prints what the import would do, row by row, and
writes nothing. The person named by ``--as`` imports it (they need to open cases and read the
register); without it, the one person of the organisation who may is taken.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from dueprocess.commands.setup import CommandError, django_setup, require_migrated

MAX_FILE_BYTES = 16 * 1024 * 1024


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("dossier", help="import a dossier of complaints, one case per row")
    actions = parser.add_subparsers(dest="dossier_command", required=True)
    imports = actions.add_parser("import", help="import a CSV or JSON dossier")
    imports.add_argument("file", help="the dossier: .csv (with a header line) or .json")
    imports.add_argument("--as", dest="as_email", default="", help="who imports it (e-mail)")
    imports.add_argument(
        "--dry-run", action="store_true", help="check every row and match it; write nothing"
    )
    imports.add_argument(
        "--encoding", default="", help="the file's encoding if not UTF-8, e.g. latin-1"
    )
    imports.set_defaults(run=run_import)


def run_import(args: argparse.Namespace) -> int:
    django_setup()
    require_migrated()
    from dueprocess.cases.services import dossiers
    from dueprocess.errors import DomainError, InvalidInput
    from dueprocess.lib.ids import request_scope

    path = Path(args.file)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise CommandError(f"{path} is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB")
        data = path.read_bytes()
    except OSError as error:
        raise CommandError(f"cannot read {path}: {error.strerror}") from None
    person = _person(args.as_email)
    try:
        with request_scope():
            dossier = dossiers.read_dossier(data, filename=path.name, encoding=args.encoding)
            service = dossiers.dossier_preview if args.dry_run else dossiers.dossier_import
            result = service(actor=person, dossier=dossier)
    except InvalidInput as error:
        lines = [error.message, *(f"  {k}: {v}" for k, v in error.fields.items())]
        raise CommandError("\n".join(lines)) from None
    except DomainError as error:
        raise CommandError(str(error)) from None
    _print(result, dry_run=args.dry_run)
    return 1 if args.dry_run and result.count("error") else 0


def _person(email: str) -> Any:
    from dueprocess.access.rules import can
    from dueprocess.accounts.models import User

    if email:
        person = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
        if person is None:
            raise CommandError(f"no active account with the e-mail address {email}")
        return person
    able = [
        u
        for u in User.objects.filter(is_active=True, organisation__isnull=False).order_by("pk")
        if can(u, "case.open").allowed and can(u, "members.view").allowed
    ]
    if len(able) != 1:
        raise CommandError(
            "name the person who imports the dossier with --as EMAIL"
            f" ({len(able)} people may import dossiers)"
        )
    return able[0]


def _print(result: Any, *, dry_run: bool) -> None:
    for row in result.rows:
        reference = f" {row.reference}" if row.reference else ""
        repeats = f" (repeats {row.repeats}: {row.repeat_reason})" if row.repeats else ""
        print(f"row {row.row}: {row.status}{reference} — {row.message}{repeats}")
    created = result.count("created")
    if dry_run:
        print(
            f"dry run: {result.count('new')} case(s) would be opened,"
            f" {result.count('already')} row(s) already imported,"
            f" {result.count('error')} row(s) with problems; nothing was written"
        )
    else:
        print(
            f"dossier {result.dossier.pk}: {created} case(s) opened,"
            f" {result.count('already')} row(s) already imported (SHA-256 {result.sha256})"
        )
    print(result.summary)
    print(result.duplicates_summary)
