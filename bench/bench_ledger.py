"""Ledger benchmarks, each a ratio against a baseline measured in the same run.

1. transition cost: acknowledging a case with its ledger entry vs. the same service with the
   ledger switched off (interleaved, one committed transaction each) — target ≤ 1.5×;
2. verify: ``verify_ledger`` over N entries vs. bare hashlib doing the same hashing work (one
   leaf hash per entry + the tree's node hashes) — target ≥ 40% of the hashlib rate;
3. inclusion proofs: checks per second at size N, and the longest proof vs. ⌈log2 N⌉.

Usage: python bench/bench_ledger.py [--entries 1000000] [--transitions 200] [--check]
Runs on a scratch SQLite database in a temporary directory (or DATABASE_URL if set).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import math
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def setup_django(data_dir: str) -> None:
    os.environ["DUEPROCESS_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dueprocess.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def bench_transitions(count: int) -> tuple[float, float]:
    from django.db import transaction

    from dueprocess.cases import services as svc
    from dueprocess.ledger import store
    from tests.world import build_world

    with transaction.atomic():
        world = build_world("party")
        cases = [world.open_case() for _ in range(count)]
    timings: dict[bool, list[float]] = {True: [], False: []}
    for index, case in enumerate(cases):
        ledger_on = index % 2 == 0
        started = time.perf_counter()
        if ledger_on:
            svc.case_transition(actor=world.intake, case=case, transition="acknowledge")
        else:
            with store.switched_off_for_benchmark():
                svc.case_transition(actor=world.intake, case=case, transition="acknowledge")
        timings[ledger_on].append(time.perf_counter() - started)
    return statistics.median(timings[True]), statistics.median(timings[False])


def make_entries(count: int) -> list[bytes]:
    from dueprocess.ledger.entries import NO_STATE, Entry

    rng = random.Random(7)
    actions = (
        "case.viewed",
        "case.transitioned",
        "note.added",
        "case_list.viewed",
        "access.denied",
    )
    entries = []
    for seq in range(count):
        entries.append(
            Entry(
                seq=seq,
                time=f"2026-01-01T00:00:{seq % 60:02d}.000000Z",
                actor=f"{rng.getrandbits(256):064x}",
                role="investigator",
                action=actions[seq % 5],
                case=f"{rng.getrandbits(256):064x}",
                request=f"{rng.getrandbits(64):016x}",
                nonce=base64.urlsafe_b64encode(rng.randbytes(16)).decode().rstrip("="),
                state=NO_STATE,
                payload=f"{rng.getrandbits(256):064x}",
            ).to_bytes()
        )
    return entries


def load_entries(database: Path, entries: list[bytes]) -> None:
    """Bulk-load well-formed entries straight into the (append-only) table: INSERT is allowed."""
    connection = sqlite3.connect(database)
    connection.execute("DROP TRIGGER IF EXISTS ledger_ledgerentry_dense")  # per-row MAX() is slow
    rows = (
        (
            seq,
            raw,
            hashlib.sha256(b"\0" + raw).digest(),
            raw.split(b"\ncase ")[1].split(b"\n")[0].decode(),
            raw.split(b"\naction ")[1].split(b"\n")[0].decode(),
            raw.split(b"\ntime ")[1].split(b"\n")[0].decode()[:-1].replace("T", " "),
        )
        for seq, raw in enumerate(entries)
    )
    with connection:
        connection.executemany(
            "INSERT INTO ledger_ledgerentry (seq, entry, leaf_hash, case_tag, action, recorded_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            rows,
        )
        # every entry has its payload (verify reports a missing one); these belong to a subject
        # whose key is gone, as after erasure, so verify counts them without opening them
        connection.executemany(
            "INSERT INTO ledger_ledgerpayload (seq, subject, salt, nonce, ciphertext)"
            " VALUES (?, 'case:erased', x'00', x'00', x'00')",
            ((seq,) for seq in range(len(entries))),
        )
        connection.execute("UPDATE ledger_ledgerhead SET size = ?", (len(entries),))
    connection.close()


def hashlib_baseline(entries: list[bytes]) -> float:
    """The same hashing work as verify, with nothing else: leaf hashes, then every node hash."""
    sha256 = hashlib.sha256
    started = time.perf_counter()
    level = [sha256(b"\0" + e).digest() for e in entries]
    while len(level) > 1:
        paired = [
            sha256(b"\x01" + level[i] + level[i + 1]).digest() for i in range(0, len(level) - 1, 2)
        ]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--transitions", type=int, default=200)
    parser.add_argument("--proofs", type=int, default=20_000)
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args()
    data_dir = tempfile.mkdtemp(prefix="dueprocess-bench-")
    os.environ["DUEPROCESS_FAST_HASHER"] = "1"
    setup_django(data_dir)
    from dueprocess.ledger.checkpoints import checkpoint_create
    from dueprocess.ledger.config import load_policy
    from dueprocess.ledger.verify import verify_ledger
    from dueprocess.tlog import merkle
    from dueprocess.tlog.prooftree import ProofTree

    on, off = bench_transitions(args.transitions)
    transition_ratio = on / off
    print(
        f"transition with ledger: median {on * 1000:.2f} ms; without: {off * 1000:.2f} ms;"
        f" ratio {transition_ratio:.2f}x (target <= 1.5x)"
    )

    # Verify over a fresh database holding only the generated entries.
    from django.db import connection

    connection.close()
    verify_dir = tempfile.mkdtemp(prefix="dueprocess-bench-verify-")
    os.environ["DUEPROCESS_DATA_DIR"] = verify_dir
    from django.conf import settings

    settings.DATABASES["default"]["NAME"] = str(Path(verify_dir) / "dueprocess.sqlite3")
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    connection.close()
    entries = make_entries(args.entries)
    load_entries(Path(verify_dir) / "dueprocess.sqlite3", entries)
    checkpoint_create()
    policy = load_policy()
    started = time.perf_counter()
    report = verify_ledger(policy)
    verify_seconds = time.perf_counter() - started
    assert report.ok, report.failure
    baseline = hashlib_baseline(entries)
    share = baseline / verify_seconds
    print(
        f"verify {args.entries} entries: {verify_seconds:.2f} s"
        f" ({args.entries / verify_seconds:,.0f} entries/s);"
        f" hashlib alone: {baseline:.2f} s ({args.entries / baseline:,.0f} entries/s);"
        f" verify runs at {share:.0%} of the hashlib rate (target >= 40%)"
    )

    hashes = report.leaf_hashes
    size = len(hashes)
    root = merkle.root_from_leaf_hashes(hashes)
    tree = ProofTree(hashes)
    rng = random.Random(1)
    indices = [rng.randrange(size) for _ in range(min(args.proofs, 2000))]
    proofs = [(i, tree.inclusion(i, size)) for i in indices]
    longest = max(len(p) for _, p in proofs)
    started = time.perf_counter()
    checks = 0
    while checks < args.proofs:
        for index, proof in proofs:
            merkle.verify_inclusion(index, size, hashes[index], proof, root)
        checks += len(proofs)
    rate = checks / (time.perf_counter() - started)
    bound = math.ceil(math.log2(size)) if size > 1 else 0
    print(
        f"inclusion proofs at size {size}: {rate:,.0f} checks/s; longest proof {longest} hashes"
        f" (ceil(log2 n) = {bound})"
    )
    missed = transition_ratio > 1.5 or share < 0.40 or longest > bound
    if args.check and missed:
        print("a target was missed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
