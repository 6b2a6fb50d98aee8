"""Ledger commands: checkpoint, tick, verify, prove, check-proof, and the witness."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from dueprocess.commands.setup import CommandError, django_setup, require_migrated

if TYPE_CHECKING:
    from dueprocess.ledger.verify import VerifyReport
    from dueprocess.letters.deadlines import DeadlineReport
    from dueprocess.letters.sender import SendReport


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    checkpoint = sub.add_parser("checkpoint", help="sign a checkpoint and send it to the witnesses")
    checkpoint.set_defaults(run=run_checkpoint)
    tick = sub.add_parser(
        "tick", help="periodic work: letters, deadlines, checkpoint and witness cosignatures"
    )
    tick.add_argument("--every", type=float, default=0, help="repeat every N seconds (0: once)")
    tick.set_defaults(run=run_tick)
    verify = sub.add_parser("verify", help="verify every entry, checkpoint and cosignature")
    verify.add_argument("--policy", type=Path, help="tlog-policy file with the keys you trust")
    verify.add_argument("--vkey", type=Path, help="the log's verifier key file (no witnesses)")
    verify.add_argument("--online", action="store_true", help="also compare with each witness")
    scope = verify.add_mutually_exclusive_group()
    scope.add_argument(
        "--state",
        action="store_true",
        help="only reconcile the case tables with the ledger (verify does this by default)",
    )
    scope.add_argument(
        "--no-state", action="store_true", help="leave out the reconciliation of the case tables"
    )
    verify.set_defaults(run=run_verify)
    prove = sub.add_parser("prove", help="export a case's entries with inclusion proofs")
    prove.add_argument("reference")
    prove.add_argument("--out", type=Path, required=True)
    prove.add_argument(
        "--organisation", help="the organisation's short name, if several share one database"
    )
    prove.add_argument(
        "--wait",
        type=float,
        help="seconds to wait for the policy's witnesses to cosign (default"
        " DUEPROCESS_LEDGER_WITNESS_WAIT, 10)",
    )
    prove.set_defaults(run=run_prove)
    check = sub.add_parser("check-proof", help="verify a proof bundle without any database")
    check.add_argument("file", type=Path)
    check.add_argument("--vkey", help="the log's verifier key, or a file holding it")
    check.add_argument("--witness-vkey", action="append", default=[], help="a witness key (repeat)")
    check.add_argument("--quorum", type=int, default=0, help="cosignatures required")
    check.add_argument(
        "--policy", type=Path, help="your tlog-policy file: log key, witnesses and quorum"
    )
    check.set_defaults(run=run_check_proof)


def _key(value: str) -> str:
    path = Path(value)
    if "+" not in value and path.exists():
        return path.read_text(encoding="ascii").strip()
    return value.strip()


def run_checkpoint(args: argparse.Namespace) -> int:
    return _tick_once(verbose=True)


def run_tick(args: argparse.Namespace) -> int:
    if args.every <= 0:
        return _periodic() | _tick_once(verbose=False)
    while True:
        _periodic()
        _tick_once(verbose=False)
        time.sleep(args.every)


def periodic_work() -> tuple[DeadlineReport, int, SendReport]:
    """The deadline engine, the day's digests, then the outbox (so that what the first two
    write goes too): what every tick does besides checkpointing, and what the serving demo does
    every minute. Returns the deadline report, how many digests were written, what was sent."""
    from dueprocess.letters.deadlines import deadlines_run
    from dueprocess.letters.digest import digests_queue
    from dueprocess.letters.sender import letters_send_due
    from dueprocess.lib.ids import request_scope

    with request_scope():
        return deadlines_run(), len(digests_queue()), letters_send_due()


def _periodic() -> int:
    django_setup()
    require_migrated()
    deadlines, digests, sent = periodic_work()
    for line in deadlines.actions:
        print(f"  {line}")
    print(deadlines.summary())
    print(f"digests: {digests} written")
    print(sent.summary())
    return 0


def _tick_once(*, verbose: bool) -> int:
    django_setup()
    require_migrated()
    from dueprocess.ledger.checkpoints import InvalidEntries, checkpoint_create, witnesses_submit
    from dueprocess.ledger.models import Checkpoint
    from dueprocess.lib.ids import request_scope

    with request_scope():
        try:
            created = checkpoint_create()
        except InvalidEntries as error:
            print(f"FAILED: {error}", file=sys.stderr)
            return 1
        latest = created or Checkpoint.objects.order_by("-size").first()
        if latest is None:
            print("ledger is empty: no checkpoint")
            return 0
        report = witnesses_submit(latest)
        _keep_tiles(latest.size)
    if created or verbose:
        print(f"checkpoint size {latest.size}" + ("" if created else " (unchanged)"))
    for outcome in report.outcomes:
        print(f"  witness {outcome.witness}: {outcome.message}")
    if verbose:
        print(latest.note, end="")
    return 1 if report.refused else 0


def _keep_tiles(size: int) -> None:
    """Keep the new full tlog-tiles tiles, so that no reader's request computes them."""
    from dueprocess.ledger.tiles import Unpublishable, fill_full_tiles

    try:
        fill_full_tiles(size)
    except Unpublishable as error:
        print(f"tiles not kept: {error}", file=sys.stderr)


def run_verify(args: argparse.Namespace) -> int:
    django_setup()
    require_migrated()
    from dueprocess.ledger.config import load_policy, policy_path
    from dueprocess.ledger.verify import verify_ledger, verify_state
    from dueprocess.tlog.policy import PolicyError, parse_policy

    if args.state:
        started = time.monotonic()
        report = verify_state()
        if report.ok:
            _panel_draws(report)
        return _verify_report(report, started, "case data reconciled with the ledger", own=True)
    try:
        if args.vkey and not args.policy:
            policy = parse_policy(f"log {_key(str(args.vkey))}\nquorum none\n")
        elif args.policy:
            policy = load_policy(args.policy)
        else:
            if not policy_path().exists():
                raise CommandError(
                    f"no policy at {policy_path()}: pass your own with --policy (or --vkey)"
                )
            policy = load_policy()
    except (OSError, PolicyError) as error:
        raise CommandError(f"cannot read the policy: {error}") from error
    if args.vkey and args.policy:
        vkey = _key(str(args.vkey))
        if all(log.verifier.vkey != vkey for log in policy.logs):
            raise CommandError(f"the policy {args.policy} does not name the log key {args.vkey}")
    started = time.monotonic()
    report = verify_ledger(policy, online=args.online, state=not args.no_state)
    if report.ok and not args.no_state:
        _panel_draws(report)
    own = bool(args.policy or args.vkey)
    return _verify_report(report, started, "ledger verified", own=own)


def _panel_draws(report: VerifyReport) -> None:
    """Run every panel draw again from the inputs kept with it (docs/panels.md): the case
    tables are reconciled with the ledger just before, so those inputs are the recorded ones."""
    from dueprocess.cases.services import reviews
    from dueprocess.cases.services.panels import redraw_all

    count, failures = redraw_all()
    if failures:
        report.failure = "; ".join(failures[:20])
        return
    report.checked.append(f"panel draws: {count} run again, each gives the panel seated")
    count, failures = reviews.redraw_all()
    if failures:
        report.failure = "; ".join(failures[:20])
        return
    report.checked.append(f"reviewer draws: {count} run again, each gives the reviewers drawn")


def _verify_report(report: VerifyReport, started: float, success: str, *, own: bool) -> int:
    """Print what was checked; ``own``: the auditor passed their own policy or key."""
    from dueprocess.ledger.config import policy_path

    for line in report.checked:
        print(f"  ok  {line}")
    for warning in report.warnings:
        print(warning, file=sys.stderr)
    if report.warnings and not own:
        print(
            f"NOTE: this used the data directory's policy ({policy_path()}), which whoever runs"
            " the server can change. An auditor must verify with their own copy:"
            " `dueprocess verify --policy MY.policy --online`.",
            file=sys.stderr,
        )
    if not report.ok:
        print(f"FAILED: {report.failure}", file=sys.stderr)
        return 1
    print(f"{success} in {time.monotonic() - started:.2f} s")
    return 0


def run_prove(args: argparse.Namespace) -> int:
    django_setup()
    require_migrated()
    from dueprocess.cases.models import Case
    from dueprocess.cases.proofs import case_proof_bundle
    from dueprocess.lib.ids import request_scope

    matches = Case.objects.filter(reference=args.reference)
    if args.organisation:
        matches = matches.filter(organisation__slug=args.organisation)
    found = list(matches[:2])
    if not found:
        raise CommandError(f"no case {args.reference}")
    if len(found) > 1:
        raise CommandError(f"{args.reference} exists in several organisations: add --organisation")
    case = found[0]
    from dueprocess.ledger.checkpoints import InvalidEntries, WitnessesUnavailable

    try:
        with request_scope():
            text = case_proof_bundle(actor=None, case=case, wait=args.wait)
    except InvalidEntries as error:
        print(f"FAILED: {error}", file=sys.stderr)
        return 1
    except WitnessesUnavailable as error:
        print(f"FAILED: {error}", file=sys.stderr)
        print(
            "A bundle is proved only on a checkpoint the policy's witnesses cosigned: they must"
            " be reachable (the demo's own witness runs only while `dueprocess demo` does).",
            file=sys.stderr,
        )
        return 1
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


def run_check_proof(args: argparse.Namespace) -> int:
    from dueprocess.ledger.bundle import BundleError, check_bundle, signed_time
    from dueprocess.tlog.policy import PolicyError, parse_policy

    if not args.vkey and not args.policy:
        raise CommandError("give the log's key (--vkey) or your policy (--policy)")
    try:
        policy = parse_policy(args.policy.read_bytes()) if args.policy else None
    except (OSError, PolicyError) as error:
        raise CommandError(f"cannot read the policy: {error}") from error
    try:
        text = args.file.read_bytes()
        checked = check_bundle(
            text,
            _key(args.vkey) if args.vkey else None,
            [_key(v) for v in args.witness_vkey],
            args.quorum,
            policy=policy,
        )
    except OSError as error:
        raise CommandError(f"cannot read {args.file}: {error}") from error
    except (BundleError, PolicyError) as error:
        print(f"FAILED: {error}", file=sys.stderr)
        return 1
    print(
        f"case {checked.reference}: {len(checked.entries)} entries, all included in checkpoint"
        f" size {checked.checkpoint_size}; cosigned by {sorted(checked.cosigners) or 'no witness'}"
    )
    if checked.selection is not None:
        print(
            f"  a selection: the entries that concern the {checked.selection.of}"
            f" ({len(checked.entries)} of the case's {checked.selection.case_entries} entries"
            " below the checkpoint, as the bundle says); it proves each of them is in the log,"
            " not that no other entry concerns them"
        )
    for name, at in sorted(checked.signed_at.items()):
        print(f"  signed time: {name} cosigned the checkpoint at {signed_time(at)}")
    if not checked.signed_at:
        print(
            "  no signed time: no witness you trust cosigned this checkpoint, so nothing outside"
            " the operator vouches for when (or that only once) it was signed",
            file=sys.stderr,
        )
    for entry in checked.entries:
        print(f"  {entry.seq:>8}  {entry.time}  {entry.role:<22} {entry.action}")
    return 0
