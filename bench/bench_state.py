"""``verify`` with the reconciliation of the case tables against ``verify`` without it.

    python bench/bench_state.py                  # 100,000 cases
    python bench/bench_state.py --cases 2000     # small enough for CI

A scratch SQLite database is filled in bulk with the dashboard benchmark's organisation
(``bench_dashboard.fill``: cases in every stage, decisions with panels, interim measures,
sign-offs, approaches, advice requests, emergency accesses). Bulk inserts go around the
services, so every row is then committed here the way ``record()`` would have committed it: a
well-formed entry with a sealed payload per few rows, its ``state`` the hash of their
commitments. Then ``verify`` is timed with and without step 7 (median of ``--repeat`` runs each,
interleaved), and the reconciliation's share of the whole is reported.
"""

from __future__ import annotations

import argparse
import base64
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(1, str(ROOT / "bench"))

ROWS_PER_ENTRY = 4


def commit_bulk_rows() -> int:
    """Commit every row no entry commits to yet, ``ROWS_PER_ENTRY`` rows per new entry."""
    from django.db import connection, transaction

    from dueprocess.ledger import sealing, state, store
    from dueprocess.ledger.entries import Entry, format_time
    from dueprocess.ledger.models import LedgerEntry, LedgerPayload, LedgerRowState
    from dueprocess.lib import clock
    from dueprocess.tlog import merkle

    known = set(LedgerRowState.objects.values_list("table_name", "row_key"))
    pending: list[state.RowState] = []
    for model in state.committed_models():
        table = model._meta.db_table
        for pk, fields in state.canonical_rows(model):
            if (table, str(pk)) not in known:
                pending.append(state.RowState(table, str(pk), state.row_digest(table, pk, fields)))
    subject = "actor:system"
    with transaction.atomic():
        key = sealing.subject_key(subject)
        assert key is not None
        seq, moment = store.size(), clock.now()
        now = format_time(moment)
        entries, payloads, commitments = [], [], []
        for start in range(0, len(pending), ROWS_PER_ENTRY):
            group = pending[start : start + ROWS_PER_ENTRY]
            plaintext, salt = sealing.payload_bytes({"bulk": len(group)}), os.urandom(16)
            raw = Entry(
                seq=seq,
                time=now,
                actor="system",
                role="-",
                action="case.opened",
                case="-",
                request="-",
                nonce=base64.urlsafe_b64encode(os.urandom(16)).decode().rstrip("="),
                state=state.state_hash(group),
                payload=sealing.commit(salt, plaintext),
            ).to_bytes()
            nonce, ciphertext = sealing.seal(key, plaintext, raw)
            entries.append(
                LedgerEntry(
                    seq=seq,
                    entry=raw,
                    leaf_hash=merkle.leaf_hash(raw),
                    case_tag="",
                    action="case.opened",
                    recorded_at=moment,
                )
            )
            payloads.append(
                LedgerPayload(
                    seq=seq, subject=subject, salt=salt, nonce=nonce, ciphertext=ciphertext
                )
            )
            commitments += [
                LedgerRowState(seq=seq, table_name=r.table, row_key=r.row, digest=r.digest)
                for r in group
            ]
            seq += 1
        LedgerEntry.objects.bulk_create(entries, batch_size=5000)
        LedgerPayload.objects.bulk_create(payloads, batch_size=5000)
        LedgerRowState.objects.bulk_create(commitments, batch_size=5000)
        with connection.cursor() as cursor:
            cursor.execute("UPDATE ledger_ledgerhead SET size = %s WHERE id = 1", [seq])
    return len(pending)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="dueprocess-bench-state-") as data_dir:
        os.environ["DUEPROCESS_FAST_HASHER"] = "1"
        from bench_dashboard import fill, setup_django

        setup_django(data_dir)
        from dueprocess.ledger.checkpoints import checkpoint_create
        from dueprocess.ledger.config import load_policy
        from dueprocess.ledger.verify import verify_ledger

        started = time.perf_counter()
        fill(cases=args.cases, entries=0, seed=args.seed)
        rows = commit_bulk_rows()
        checkpoint_create()
        took = time.perf_counter() - started
        print(f"filled {args.cases:,} cases, committed {rows:,} rows in {took:.0f} s")
        policy = load_policy()
        timings: dict[bool, list[float]] = {True: [], False: []}
        for _ in range(args.repeat):
            for with_state in (False, True):
                began = time.perf_counter()
                report = verify_ledger(policy, state=with_state)
                timings[with_state].append(time.perf_counter() - began)
                assert report.ok, report.failure
        plain, full = statistics.median(timings[False]), statistics.median(timings[True])
        print(
            f"verify without the state reconciliation: median {plain:.2f} s;"
            f" with it: {full:.2f} s; ratio {full / plain:.2f}x (aim <= 2x);"
            f" reconciliation share {(full - plain) / full:.0%}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
