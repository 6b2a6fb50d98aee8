"""Importing a dossier of N rows, against opening the same N cases one by one through
``case_open`` in the same run (each its own transaction, as the web form would, each with its
allegation as the import opens it).

    python bench/bench_dossier.py               # 252 rows against a register of 100
    python bench/bench_dossier.py --rows 20     # small enough for CI

Runs on a scratch SQLite database in a temporary directory (the embedded default). The import
does more than the baseline — it checks every row first, matches every respondent against the
register and writes the dossier — so the ratio says what that costs; the absolute figure is the
one the target (under 10 s for 252 rows) is about.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(1, str(ROOT / "bench"))


def rows(count: int, members: int, offset: int) -> list[dict[str, str]]:
    out = []
    for i in range(count):
        if i % 4 == 0 and i // 4 < members:  # a quarter of the respondents are members
            name, postcode = f"Ada Member {i // 4:03d}", f"AB{i % 10} 1XY"
        else:
            name, postcode = f"Quentin Outsider {i:04d}", ""
        out.append(
            {
                "respondent_name": name,
                "respondent_postcode": postcode,
                "category": "other_conduct",
                "summary": f"Comment {offset + i} under a video on the public page.",
                "unit": "complaints",
            }
        )
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=252)
    parser.add_argument("--register", type=int, default=100)
    parser.add_argument("--profile", action="store_true", help="print the import's top calls")
    args = parser.parse_args()
    from bench_ledger import setup_django

    with tempfile.TemporaryDirectory() as data_dir:
        setup_django(data_dir)
        from django.db import transaction

        from dueprocess.cases.services import AllegationInput, PartyInput, case_open
        from dueprocess.cases.services.dossiers import dossier_from_rows, dossier_import
        from dueprocess.members.models import Member
        from tests.world import build_world

        with transaction.atomic():
            world = build_world("party")
            Member.objects.bulk_create(
                Member(
                    organisation=world.organisation,
                    number=f"M{i:03d}",
                    full_name=f"Ada Member {i:03d}",
                    postcode=f"AB{i % 10} 1XY",
                )
                for i in range(args.register)
            )

        baseline_rows = rows(args.rows, args.register, 0)
        started = time.perf_counter()
        for row in baseline_rows:
            case_open(
                actor=world.intake,
                unit=world.unit,
                category=row["category"],
                summary=row["summary"],
                complainant=PartyInput(anonymous=True),
                respondent=PartyInput(name=row["respondent_name"]),
                allegations=[AllegationInput(summary=row["summary"])],
                source="dossier",
            )
        baseline = time.perf_counter() - started

        dossier = dossier_from_rows(rows(args.rows, args.register, args.rows))
        profile = cProfile.Profile() if args.profile else None
        started = time.perf_counter()
        if profile:
            profile.enable()
        result = dossier_import(actor=world.intake, dossier=dossier)
        if profile:
            profile.disable()
        imported = time.perf_counter() - started
        assert result.count("created") == args.rows, result.count("error")
    print(f"dossier import: {args.rows} rows against a register of {args.register}")
    print(f"  import (one transaction): {imported:.2f} s ({result.summary})")
    print(f"  baseline, {args.rows} x case_open: {baseline:.2f} s")
    print(f"  ratio: {imported / baseline:.2f}x the baseline")
    print(f"  target: under 10 s for 252 rows -> {'met' if imported < 10 else 'NOT met'}")
    if profile:
        pstats.Stats(profile).sort_stats("cumulative").print_stats(25)
    return 0


if __name__ == "__main__":
    sys.exit(main())
