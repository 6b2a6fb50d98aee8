"""One access decision — the facts about a person and a case, computed by ``Gate`` — against
one indexed single-row read through the ORM, in the same run.

    python bench/bench_access.py                 # every persona of the test world, 2,000 rounds
    python bench/bench_access.py --rounds 50     # small enough for CI

Every request asks the gate at least once, so its cost is paid on every page and API call. The
baseline is the cheapest thing a request does with the database (a row by primary key), so the
ratio says how many such reads one decision costs. Runs on a scratch SQLite database in a
temporary directory, with the service tests' organisation (``tests.world``): one case per
stage, the personas with their roles, assignments, recusals and conflicts.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(1, str(ROOT / "bench"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2000)
    args = parser.parse_args()
    from bench_dashboard import median_ms
    from bench_ledger import setup_django

    with tempfile.TemporaryDirectory() as data_dir:
        setup_django(data_dir)
        from django.db import transaction

        from dueprocess.access.rules import Gate
        from dueprocess.cases.models import Case
        from tests.world import build_world

        with transaction.atomic():
            world = build_world("party")
            case = world.case_at("investigation")
            people = sorted(world.people.items())
            case_id = case.pk

            def baseline() -> None:
                Case.objects.filter(pk=case_id).values_list("pk", flat=True).first()

            decisions, reads = [], []
            for _key, person in people:
                # interleaved, so that both see the same machine
                decisions.append(median_ms(lambda p=person: Gate(p, case), args.rounds))
                reads.append(median_ms(baseline, args.rounds))
            transaction.set_rollback(True)
    decision, read = statistics.median(decisions), statistics.median(reads)
    print(f"{len(people)} personas, {args.rounds} rounds each, one case in investigation")
    print(f"access decision (Gate): median {decision:.3f} ms")
    print(f"row by primary key (baseline): median {read:.3f} ms")
    print(f"ratio: {decision / read:.1f} single-row reads per decision")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
