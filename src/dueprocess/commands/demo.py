"""``dueprocess demo``: a fresh fictional organisation with a real backlog, then serve it."""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING

from dueprocess.commands.serve import add_serve_options, serve
from dueprocess.commands.setup import CommandError, django_setup, migrate

if TYPE_CHECKING:
    from dueprocess.accounts.models import User

MARKER = "demo.marker"
#: The marker's text once a build has finished; a demo is reused only if its build finished.
BUILT = "built by dueprocess demo\n"
BUILDING = "being built by dueprocess demo\n"


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser(
        "demo", help="build a fictional organisation with ~300 cases and serve it"
    )
    parser.add_argument("--no-serve", action="store_true", help="build the demo and exit")
    parser.add_argument("--cases", type=int, default=300, help="number of cases (default 300)")
    parser.add_argument("--seed", type=int, default=2026, help="random seed (same seed, same demo)")
    parser.add_argument(
        "--reset",
        action="store_true",
        help="throw the existing demo away and build a new one (by default it is reused)",
    )
    add_serve_options(parser)
    parser.set_defaults(run=run)


def _finished(directory: Path) -> bool:
    marker = directory / MARKER
    return marker.exists() and marker.read_text() == BUILT


def _prepare_data_dir(reset: bool) -> tuple[Path, bool]:
    """(data directory, whether a finished demo is there to reuse). Empties the SQLite database
    only for ``--reset`` or an unfinished build, saying so; refuses to touch a data directory
    that is not a demo's."""
    from dueprocess.lib.datadir import ensure_data_dir

    directory = ensure_data_dir()
    database = directory / "dueprocess.sqlite3"
    if os.environ.get("DATABASE_URL"):
        return directory, _finished(directory) and not reset
    if database.exists() and not (directory / MARKER).exists():
        raise CommandError(
            f"{directory} holds a database that is not a demo; set DUEPROCESS_DATA_DIR to an empty"
            " directory for the demo"
        )
    if database.exists():
        if _finished(directory) and not reset:
            return directory, True
        why = "--reset" if reset else "its last build did not finish"
        print(f"Deleting the demo in {directory} and building a new one ({why})", flush=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    (directory / MARKER).write_text(BUILDING)
    return directory, False


def _demo_users() -> dict[str, User]:
    """The printed personas of a demo already built, by key."""
    from dueprocess.accounts.models import User
    from dueprocess.demo.personas import PERSONAS, PRINTED

    emails = {p.key: p.email for p in PERSONAS if p.key in PRINTED}
    found = {u.email: u for u in User.objects.filter(email__in=emails.values())}
    missing = [email for email in emails.values() if email not in found]
    if missing:
        raise CommandError(
            f"the demo database lacks {', '.join(missing)}; rebuild it with `dueprocess demo"
            " --reset`"
        )
    return {key: found[email] for key, email in emails.items()}


def run(args: argparse.Namespace) -> int:
    if not 1 <= args.cases <= 200_000:
        raise CommandError("--cases must be between 1 and 200000")
    directory, reuse = _prepare_data_dir(args.reset)
    django_setup()
    migrate()
    from dueprocess.accounts.models import Organisation
    from dueprocess.demo.build import Builder
    from dueprocess.demo.personas import (
        DEMO_PASSWORD,
        PERSONAS,
        PRINTED,
        demo_totp_secret,
        recovery_code,
    )
    from dueprocess.ledger import keys
    from dueprocess.ledger.config import ensure_policy
    from dueprocess.lib import clock
    from dueprocess.rulebook.versions import rulebook_install
    from dueprocess.rulebooks import bundled

    organisation = Organisation.objects.order_by("pk").first()
    if reuse and organisation is not None:
        users = _demo_users()
        print(
            f"Reusing the demo of {organisation.name} built earlier (data in {directory});"
            " `dueprocess demo --reset` deletes it and builds a new one"
        )
    elif organisation is not None:
        raise CommandError(
            "the database already holds an organisation; use an empty database"
            + (" (--reset cannot empty a PostgreSQL database)" if args.reset else "")
        )
    else:
        keys.ensure_signing_key()
        ensure_policy()
        started = time.monotonic()
        version = rulebook_install(path=bundled("party"))
        result = Builder(version, cases=args.cases, seed=args.seed, now=clock.now()).build()
        seconds = time.monotonic() - started
        (directory / MARKER).write_text(BUILT)
        users = dict(result.users)
        print(
            f"Built {result.organisation.name}: {result.cases} cases from {result.events} events "
            f"in {seconds:.1f} s (data in {directory})"
        )
    print("\nSign in as any of these people (password for all: " + DEMO_PASSWORD + "):")
    by_key = {p.key: p for p in PERSONAS}
    for key in PRINTED:
        persona = by_key[key]
        print(f"  {persona.title:<48} {persona.email}")
        print(
            f"  {'':<48} authenticator secret {demo_totp_secret(key)},"
            f" recovery code {recovery_code(users[key])}"
        )
    print("\nEach sign-in asks for a code: add the secret to any authenticator app, or use the")
    print("recovery code once. To add a security key or passkey instead, open the app as")
    print("http://localhost:8000 (browsers refuse keys on an IP address such as 127.0.0.1).")
    if args.no_serve:
        print("\nStart the server with: dueprocess serve")
        return 0
    print()
    serve(args.host, args.port, args.threads)
    return 0
