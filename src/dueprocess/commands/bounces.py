"""``dueprocess bounces FILE``: record the delivery status notifications (RFC 3464) that come
back after a letter was accepted — one report, or an mbox of them; ``-`` reads standard input.

Each failure report is matched to its letter by the letter's own Message-ID and recorded on the
case once; anything else is listed as ignored, with why, and changes nothing. The exit status is
1 when nothing in the input was a report of ours (so a wrong file does not pass unnoticed)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dueprocess.commands.setup import CommandError, django_setup, require_migrated

#: A bounce report is small; an mbox of a month of them is not large either.
MAX_BYTES = 50 * 1024 * 1024


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser(
        "bounces", help="record delivery status notifications (bounces) that came back later"
    )
    parser.add_argument("file", help="a DSN message or an mbox of them; - for standard input")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.file == "-":
        raw = sys.stdin.buffer.read(MAX_BYTES + 1)
    else:
        try:
            with Path(args.file).open("rb") as handle:
                raw = handle.read(MAX_BYTES + 1)
        except OSError as error:
            raise CommandError(f"cannot read {args.file}: {error.strerror or error}") from None
    if len(raw) > MAX_BYTES:
        raise CommandError(f"the input is larger than {MAX_BYTES // (1024 * 1024)} MiB")
    if not raw.strip():
        raise CommandError("the input is empty: nothing recorded")
    django_setup()
    require_migrated()
    from dueprocess.letters.bounces import bounces_record

    report = bounces_record(raw=raw)
    for line in report.recorded:
        print(f"recorded bounce: {line}")
    for line in report.already:
        print(f"already recorded: {line}")
    for line in report.ignored:
        print(f"ignored: {line}", file=sys.stderr)
    print(report.summary())
    return 0 if (report.recorded or report.already) else 1
