"""``dueprocess demo``: a fresh fictional organisation with a real backlog, then serve it."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from dueprocess.commands import demo_witness
from dueprocess.commands.serve import add_serve_options, serve
from dueprocess.commands.setup import CommandError, django_setup, migrate

if TYPE_CHECKING:
    from dueprocess.accounts.models import Organisation, User
    from dueprocess.demo.build import Builder, DemoResult

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
        "--tick",
        type=float,
        default=5.0,
        help="seconds between checkpoints while serving (default 5)",
    )
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
    if args.tick <= 0:
        raise CommandError("--tick must be a positive number of seconds")
    if hasattr(sys.stdout, "reconfigure"):  # each line as it is printed, with or without a TTY
        sys.stdout.reconfigure(line_buffering=True)
    directory, reuse = _prepare_data_dir(args.reset)
    print(f"Preparing the database (data in {directory})…")
    django_setup()
    migrate()
    from dueprocess.accounts.models import Organisation
    from dueprocess.ledger import keys

    organisation = Organisation.objects.order_by("pk").first()
    if organisation is not None and not reuse:
        raise CommandError(
            "the database already holds an organisation; use an empty database"
            + (" (--reset cannot empty a PostgreSQL database)" if args.reset else "")
        )
    reuse = reuse and organisation is not None
    keys.ensure_signing_key()
    witness = demo_witness.start(
        demo_witness.prepare(directory, fresh=not reuse or not _names_demo_witness()), keys.vkey()
    )
    previous = signal.signal(signal.SIGTERM, _interrupt)  # stopping the demo stops the witness
    try:
        return _run(args, directory, witness, organisation)
    finally:
        witness.stop()
        signal.signal(signal.SIGTERM, previous)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _names_demo_witness() -> bool:
    from dueprocess.ledger.config import load_policy, policy_path

    return policy_path().exists() and demo_witness.POLICY_NAME in load_policy().witnesses


def _run(
    args: argparse.Namespace,
    directory: Path,
    witness: demo_witness.DemoWitness,
    organisation: Organisation | None,
) -> int:
    from dueprocess.demo.build import Builder
    from dueprocess.ledger import keys
    from dueprocess.ledger.config import policy_path
    from dueprocess.lib import clock
    from dueprocess.rulebook.versions import rulebook_install
    from dueprocess.rulebooks import bundled

    background: threading.Thread | None = None
    stop = threading.Event()
    if organisation is not None:
        users = _demo_users()
        print(
            f"Reusing the demo of {organisation.name} built earlier (data in {directory});"
            " `dueprocess demo --reset` deletes it and builds a new one"
        )
    else:
        started = time.monotonic()
        version = rulebook_install(path=bundled("party"))
        builder = Builder(
            version,
            cases=args.cases,
            seed=args.seed,
            now=clock.now(),
            on_progress=_ProgressLines(),
        )
        if args.no_serve:  # all in one transaction, then the checkpoints, then the server
            print(f"Building the demo: {args.cases} cases…")
            _say_built(builder.build(), started, directory)
            print("Signing the checkpoints and having the witness cosign them…")
        else:  # people first, so sign-in works; the cases while the server already serves
            print("Creating the organisation and its people…")
            builder.prepare()
            background = threading.Thread(
                target=_build_in_background,
                args=(builder, started, directory, witness, stop, args.tick),
                name="demo-build",
                daemon=True,
            )
        users = dict(builder.users)
    policy_path().write_text(demo_witness.policy_text(keys.vkey(), witness), encoding="utf-8")
    if background is None:
        _witness_everything()
        if organisation is None:
            (directory / MARKER).write_text(BUILT)
    _print_people(users)
    if background is None:
        _print_ledger_model(directory, witness, serving=not args.no_serve, tick=args.tick)
    if args.no_serve:
        print("\nStart the server with: dueprocess serve")
        return 0
    print()
    if background is None:
        background = threading.Thread(
            target=_keep_checkpointing, args=(stop, args.tick), daemon=True
        )
    else:
        print(
            f"The demo is built in the background ({args.cases} cases): its pages can be"
            " opened now and show how far it has got."
        )
    background.start()
    try:
        serve(args.host, args.port, args.threads)
    finally:
        stop.set()
        if not _finished(directory):
            print(
                "\nThe demo's build did not finish: the next `dueprocess demo` builds it again.",
                flush=True,
            )
        else:
            background.join(timeout=15)
    return 0


def _print_people(users: dict[str, User]) -> None:
    from dueprocess.demo.personas import (
        DEMO_PASSWORD,
        PERSONAS,
        PRINTED,
        demo_totp_secret,
        recovery_code,
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


def _say_built(result: DemoResult, started: float, directory: Path) -> None:
    seconds = time.monotonic() - started
    print(
        f"Built {result.organisation.name}: {result.cases} cases from {result.events} events "
        f"in {seconds:.1f} s (data in {directory})"
    )


#: At most this long between two progress lines while the demo is built.
PROGRESS_EVERY = 5.0


class _ProgressLines:
    """The builder's progress, on the terminal (a line at each tenth of the events, or every
    few seconds) and in the banner pages show meanwhile (``demo.progress``)."""

    def __init__(self) -> None:
        self.printed_at = time.monotonic()
        self.tenth = 0

    def __call__(self, cases: int, total: int, events: int, total_events: int) -> None:
        from dueprocess.demo import progress

        progress.report(progress.Progress(cases, total, events, total_events))
        tenth = events * 10 // total_events
        if tenth > self.tenth or time.monotonic() - self.printed_at >= PROGRESS_EVERY:
            self.tenth, self.printed_at = tenth, time.monotonic()
            print(
                f"Building the demo: {cases} of {total} cases opened"
                f" ({events} of {total_events} events)…",
                flush=True,
            )


#: While the server serves, the build commits about this often (seconds) and then leaves the
#: database to the pages' own writes for a moment: a page's write waits at most about
#: ``COMMIT_EVERY`` for the build, and the build takes about a quarter longer.
COMMIT_EVERY = 0.5
PAUSE = 0.15


def _build_in_background(
    builder: Builder,
    started: float,
    directory: Path,
    witness: demo_witness.DemoWitness,
    stop: threading.Event,
    tick: float,
) -> None:
    """The demo's cases, beside the server; then its checkpoints to the witness, the marker
    that says the build finished, and the checkpointing ``_keep_checkpointing`` does. A build
    that fails stops the demo (a half-built demo is not one to show), and is built again
    next time."""
    from django.db import connection

    from dueprocess.demo import progress

    try:
        result = builder.replay(commit_every=COMMIT_EVERY, pause=PAUSE)
        _say_built(result, started, directory)
        print("Signing the checkpoints and having the witness cosign them…", flush=True)
        _witness_everything()
        (directory / MARKER).write_text(BUILT)
        progress.report(None)
        _print_ledger_model(directory, witness, serving=True, tick=tick)
        print("The demo is built.", flush=True)
    except BaseException as error:
        print(
            f"The demo's build failed: {error}; stopping (the next `dueprocess demo` builds it"
            " again)",
            file=sys.stderr,
            flush=True,
        )
        os.kill(os.getpid(), signal.SIGTERM)
        return
    finally:
        connection.close()
    _keep_checkpointing(stop, tick)


def _witness_everything() -> None:
    """Every checkpoint so far, oldest first, to the witness; then one over the newest entries.
    Refuses to go on if the witness refuses (the demo would show an unwitnessed log)."""
    from dueprocess.ledger.checkpoints import (
        checkpoint_create,
        witnesses_catch_up,
        witnesses_submit,
    )

    reports = witnesses_catch_up()
    latest = checkpoint_create()
    if latest is not None:
        reports.append(witnesses_submit(latest))
    refused = [o for report in reports for o in report.refused]
    if refused:
        raise CommandError(
            f"the demo's witness refused a checkpoint: {refused[0].message}; rebuild the demo"
            " with `dueprocess demo --reset`"
        )


#: How often, while the demo serves, the deadline engine runs and the outbox is sent.
PERIODIC_EVERY = 60.0


def _periodic_work() -> None:
    """What ``dueprocess tick`` does besides checkpointing: the deadlines, the day's digests,
    then the outbox (sent only when ``DUEPROCESS_SMTP_URL`` names a server). Quiet unless
    something happened."""
    from dueprocess.commands.ledger import periodic_work

    deadlines, digests, sent = periodic_work()
    for line in deadlines.actions:
        print(f"  {line}")
    if digests:
        print(f"digests: {digests} written")
    if sent.configured and (sent.sent or sent.retrying or sent.bounced or sent.failed):
        print(sent.summary())


def _keep_checkpointing(stop: threading.Event, every: float) -> None:
    """While the demo serves: sign a checkpoint over new entries every ``every`` seconds and
    have the witness cosign it, so /ledger/checkpoint never falls behind; and, every minute,
    the deadline engine and the outbox (``dueprocess tick``)."""
    from django.db import connection

    from dueprocess.ledger.checkpoints import InvalidEntries, checkpoint_create, witnesses_submit

    last_periodic = 0.0
    while not stop.wait(every):
        try:
            if time.monotonic() - last_periodic >= PERIODIC_EVERY:
                last_periodic = time.monotonic()
                _periodic_work()
            created = checkpoint_create()
            if created is not None:
                for outcome in witnesses_submit(created).refused:
                    print(f"witness {outcome.witness}: {outcome.message}", file=sys.stderr)
        except InvalidEntries as error:
            print(f"checkpoint: {error}", file=sys.stderr)
        except Exception as error:  # keep serving; say what went wrong
            print(f"checkpoint failed: {error}", file=sys.stderr)
        finally:
            connection.close()


def _print_ledger_model(
    directory: Path, witness: demo_witness.DemoWitness, *, serving: bool, tick: float
) -> None:
    from dueprocess.ledger.config import policy_path
    from dueprocess.ledger.keys import VKEY_FILE
    from dueprocess.ledger.models import Checkpoint

    latest = Checkpoint.objects.order_by("-size").first()
    vkey_file = directory / VKEY_FILE
    witness_vkey = witness.directory / demo_witness.VKEY_FILE
    print(
        f"\nThe ledger is witnessed: {demo_witness.WITNESS_NAME}, a separate process (pid"
        f" {witness.process.pid}) with its own key and data in {witness.directory}, has cosigned"
        f" every checkpoint ({Checkpoint.objects.count()}, latest size"
        f" {latest.size if latest else 0})."
    )
    print(f"  policy: {policy_path()} (the log key and the witness, quorum 1)")
    if serving:
        print(
            f"  while the demo serves, new entries are checkpointed and cosigned every {tick:g} s;"
            " the witness stops with the demo"
        )
    print(f"  verify as an auditor, with your own copy of the policy: dueprocess verify --policy"
          f" {policy_path()} --online")  # fmt: skip
    print("  prove a case (its reference is on its page): dueprocess prove C-… --out case.json")
    print(
        f"  check it anywhere: dueprocess check-proof case.json --vkey {vkey_file}"
        f" --witness-vkey {witness_vkey} --quorum 1"
    )
