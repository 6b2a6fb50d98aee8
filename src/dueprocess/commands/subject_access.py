"""``dueprocess subject-access (--email E | --member N | --staff E) --reason TEXT --out FILE.zip
--as ADMIN_EMAIL [--force]``: the subject access export of one person, as a ZIP file.

The person named by ``--as`` asks for it and must be their organisation's administrator
(anyone else is refused, and the refusal recorded). Nothing is written on bad input: an
existing ``--out`` is refused unless ``--force``, before anything is asked of the ledger, and
the file is written beside its final name and moved into place only once complete.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
from pathlib import Path

from dueprocess.commands.setup import CommandError, django_setup, require_migrated


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser(
        "subject-access", help="export what is held about one person (a subject access request)"
    )
    who = parser.add_mutually_exclusive_group(required=True)
    who.add_argument("--email", default="", help="the person's e-mail address")
    who.add_argument("--member", default="", help="the person's member number")
    who.add_argument("--staff", default="", help="a staff account's e-mail address")
    parser.add_argument("--reason", required=True, help="the request this export answers")
    parser.add_argument("--out", type=Path, required=True, help="the ZIP file to write")
    parser.add_argument("--as", dest="as_email", required=True, help="the administrator (e-mail)")
    parser.add_argument("--force", action="store_true", help="replace an existing --out file")
    parser.add_argument(
        "--wait", type=float, help="seconds to wait for the witnesses to cosign the proofs"
    )
    parser.set_defaults(run=run)


def _check_out(out: Path, force: bool) -> None:
    if out.exists() and not force:
        raise CommandError(f"{out} exists: choose another --out, or add --force to replace it")
    if out.is_dir():
        raise CommandError(f"{out} is a directory")
    if not out.parent.is_dir():
        raise CommandError(f"the directory {out.parent} does not exist")


def _write(out: Path, data: bytes) -> None:
    """Write beside the final name, then move into place: never a half-written file."""
    handle, temporary = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, out)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def run(args: argparse.Namespace) -> int:
    _check_out(args.out, args.force)
    django_setup()
    require_migrated()
    from dueprocess.accounts.models import User
    from dueprocess.errors import DomainError, InvalidInput
    from dueprocess.ledger.checkpoints import WitnessesUnavailable
    from dueprocess.lib.ids import request_scope
    from dueprocess.privacy.subject_access import subject_access_export

    person = User.objects.filter(email__iexact=args.as_email.strip(), is_active=True).first()
    if person is None:
        raise CommandError(f"no active account with the e-mail address {args.as_email}")
    try:
        with request_scope():
            export = subject_access_export(
                actor=person,
                email=args.email,
                member=args.member,
                staff=args.staff,
                reason=args.reason,
                wait=args.wait,
            )
    except WitnessesUnavailable as error:
        print(f"FAILED: {error}", file=sys.stderr)
        print(
            "The proofs are made only on a checkpoint the witnesses cosigned: they must be"
            " reachable. The request is on the record; nothing was written.",
            file=sys.stderr,
        )
        return 1
    except InvalidInput as error:
        lines = [error.message, *(f"  {k}: {v}" for k, v in error.fields.items())]
        raise CommandError("\n".join(lines)) from None
    except DomainError as error:
        raise CommandError(str(error)) from None
    _write(args.out, export.archive)
    print(
        f"wrote {args.out}: {len(export.cases)} case(s), {export.views} recorded view(s),"
        f" {export.withheld} item(s) withheld; SHA-256 {export.sha256}"
    )
    return 0
