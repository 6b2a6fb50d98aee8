"""Server time and SQL queries of the staff pages, on the demo organisation scaled up.

    python bench/bench_pages.py                  # 100,000 cases (built once, then reused)
    python bench/bench_pages.py --cases 2000     # small enough for CI

Two SQLite databases are kept under ``--data`` (default ``var/bench``): the ordinary demo
(300 cases, every one made through the real services — the *baseline*) and a copy of it grown
to ``--cases`` by bulk-copying its cases with their parties, allegations, stage history and
appointments (ledger entries are not needed by these pages). Each page is requested in-process
with Django's test client, signed in as the persona who uses it, and timed; the report gives
the median and 95th percentile server time, the number of SQL queries, and each figure as a
ratio to the same page on the baseline. The query count must not grow with the number of
cases: if it does, the run exits non-zero.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

BASELINE_CASES = 300
BATCH = 5000
#: (label, persona, path) — "{case}" is replaced with a case in the panel stage.
PAGES = (
    ("queue: intake officer", "priya", "/queue/"),
    ("queue: investigator", "sam", "/queue/"),
    ("queue: head of complaints", "morgan", "/queue/"),
    ("queue: panel member", "judith", "/queue/"),
    ("backlog", "morgan", "/backlog/"),
    ("search: stage=investigation", "morgan", "/cases/?stage=investigation"),
    ("case page", "morgan", "/cases/{case}/"),
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument(
        "--baseline", type=int, default=BASELINE_CASES, help="cases in the baseline demo (300)"
    )
    parser.add_argument("--data", type=Path, default=Path("var/bench"))
    parser.add_argument("--repeat", type=int, default=20, help="timed requests per page")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # worker mode
    parser.add_argument("--grow-to", type=int, help=argparse.SUPPRESS)  # worker mode
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.repeat)))
        return 0
    if args.grow_to:
        grow(args.grow_to)
        return 0
    if args.cases < args.baseline:
        parser.error(f"--cases must be at least the baseline's {args.baseline}")
    baseline = ensure_database(args.data / f"baseline-{args.baseline}", args.baseline)
    scaled = ensure_database(args.data / f"scaled-{args.cases}", args.cases, seed=baseline)
    figures = {
        "baseline": run_worker(baseline, "--measure", str(baseline), repeat=args.repeat),
        "scaled": run_worker(scaled, "--measure", str(scaled), repeat=args.repeat),
    }
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        report(figures, args.cases)
    grew = [
        p
        for p in figures["scaled"]
        if figures["scaled"][p]["queries"] > figures["baseline"][p]["queries"]
    ]
    if grew:
        print(f"\nQUERY COUNT GREW WITH THE NUMBER OF CASES: {', '.join(grew)}", file=sys.stderr)
        return 1
    return 0


# ---- databases -------------------------------------------------------------------------


def worker_env(data: Path) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.update(DUEPROCESS_DATA_DIR=str(data.resolve()), DUEPROCESS_FAST_HASHER="1")
    return env


def run_worker(data: Path, *args: str, repeat: int = 0) -> dict:  # type: ignore[type-arg]
    command = [sys.executable, __file__, *args, "--repeat", str(repeat or 1)]
    done = subprocess.run(
        command, env=worker_env(data), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"worker failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1]) if "--measure" in args else {}


def ensure_database(data: Path, cases: int, seed: Path | None = None) -> Path:
    """The demo (``seed`` is None) or a copy of ``seed`` grown to ``cases``; kept for reuse."""
    marker = data / "bench.ready"
    if marker.exists():
        return data
    started = time.monotonic()
    if seed is None:
        shutil.rmtree(data, ignore_errors=True)
        command = [
            sys.executable,
            "-m",
            "dueprocess.cli",
            "demo",
            "--no-serve",
            "--cases",
            str(cases),
        ]
        built = subprocess.run(
            command, env=worker_env(data), capture_output=True, text=True, check=False
        )
        if built.returncode != 0:
            raise SystemExit(f"demo failed:\n{built.stderr[-4000:]}")
    else:
        shutil.rmtree(data, ignore_errors=True)
        copy_database(seed, data)
        run_worker(data, "--grow-to", str(cases))
    marker.write_text(f"{cases}\n")
    print(f"built {data} ({cases} cases) in {time.monotonic() - started:.0f} s", file=sys.stderr)
    return data


def copy_database(source: Path, target: Path) -> None:
    """SQLite's online backup (never a file copy: the WAL may hold commits), plus the keys."""
    import sqlite3

    target.mkdir(parents=True, exist_ok=True)
    for item in source.iterdir():
        if (
            item.is_file()
            and not item.name.startswith("dueprocess.sqlite3")
            and item.name != "bench.ready"
        ):
            shutil.copy2(item, target / item.name)
    with (
        sqlite3.connect(source / "dueprocess.sqlite3") as src,
        sqlite3.connect(target / "dueprocess.sqlite3") as dst,
    ):
        src.backup(dst)


def setup_django() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dueprocess.settings")
    import django

    django.setup()


def grow(target: int) -> None:
    """Bulk-copy the demo's cases, with their parts, until there are ``target`` cases."""
    setup_django()
    from django.db import transaction
    from django.db.models import Max

    from dueprocess.cases.models import Allegation, Assignment, Case, Party, StatusChange

    templates = list(Case.objects.order_by("pk"))
    parts = {
        model: _by_case(model.objects.all())
        for model in (Party, Allegation, StatusChange, Assignment)
    }
    next_pk = (Case.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
    missing = target - len(templates)
    while missing > 0:
        size = min(BATCH, missing)
        with transaction.atomic():
            cases, rows = [], {model: [] for model in parts}
            for offset in range(size):
                template = templates[(next_pk + offset) % len(templates)]
                copy = _clone(template, pk=next_pk + offset)
                copy.reference = f"B-{copy.pk:07d}"
                copy.idempotency_key = None
                copy.duplicate_of = None
                cases.append(copy)
                for model, by_case in parts.items():
                    rows[model] += [
                        _clone(part, case_id=copy.pk) for part in by_case.get(template.pk, [])
                    ]
            Case.objects.bulk_create(cases)
            for model, new_rows in rows.items():
                model.objects.bulk_create(new_rows)
        next_pk += size
        missing -= size


def _by_case(rows) -> dict:  # type: ignore[no-untyped-def,type-arg]
    grouped: dict = {}  # type: ignore[type-arg]
    for row in rows:
        grouped.setdefault(row.case_id, []).append(row)
    return grouped


def _clone(row, **changes):  # type: ignore[no-untyped-def]
    values = {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields}
    values.update(changes)
    if "pk" in changes:
        values[row._meta.pk.attname] = values.pop("pk")
    elif "case_id" in changes:
        values.pop(row._meta.pk.attname)
    return type(row)(**values)


# ---- measuring -------------------------------------------------------------------------


def measure(repeat: int) -> dict:  # type: ignore[type-arg]
    setup_django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from dueprocess.accounts.models import User
    from dueprocess.cases.models import Case

    setup_test_environment()
    case = Case.objects.filter(stage="panel", reference__startswith="C-").order_by("pk").first()
    clients: dict[str, Client] = {}
    results = {}
    for label, persona, template in PAGES:
        if persona not in clients:
            clients[persona] = Client()
            clients[persona].force_login(User.objects.get(email__startswith=f"{persona}@"))
        client, path = clients[persona], template.format(case=case.reference if case else "")
        for _ in range(3):  # warm caches, sessions and the ledger's subject keys
            assert client.get(path).status_code == 200, (label, path)
        timings = []
        for _ in range(repeat):
            started = time.perf_counter()
            client.get(path)
            timings.append((time.perf_counter() - started) * 1000)
        with CaptureQueriesContext(connection) as captured:
            client.get(path)
        results[label] = {
            "median_ms": statistics.median(timings),
            "p95_ms": _p95(timings),
            "queries": len(captured.captured_queries),
            "cases": Case.objects.count(),
        }
    return results


def _p95(timings: list[float]) -> float:
    ordered = sorted(timings)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def report(figures: dict, cases: int) -> None:  # type: ignore[type-arg]
    base, scaled = figures["baseline"], figures["scaled"]
    n_base = next(iter(base.values()))["cases"]
    n_scaled = next(iter(scaled.values()))["cases"]
    print(f"\nStaff pages: {n_base:,} cases (baseline) vs {n_scaled:,} cases")
    header = f"{'page':<30} {'median ms':>18} {'p95 ms':>18} {'queries':>10} {'median x':>9}"
    print(header)
    print("-" * len(header))
    for label in base:
        b, s = base[label], scaled[label]
        print(
            f"{label:<30} {b['median_ms']:>8.1f} → {s['median_ms']:>7.1f}"
            f" {b['p95_ms']:>8.1f} → {s['p95_ms']:>7.1f}"
            f" {b['queries']:>4} → {s['queries']:>3}"
            f" {s['median_ms'] / b['median_ms']:>8.1f}x"
        )


if __name__ == "__main__":
    raise SystemExit(main())
