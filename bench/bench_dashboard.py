"""The oversight dashboard over a large organisation, against the same aggregates in raw SQL.

    python bench/bench_dashboard.py                               # 100,000 cases, 10M entries
    python bench/bench_dashboard.py --cases 2000 --entries 50000  # small enough for CI

A scratch database (SQLite in a temporary directory, or the database named by DATABASE_URL)
is filled in bulk: the test organisation's staff, ``--cases`` cases spread over two years in
every stage, decisions in every direction with their panels, interim measures, sign-offs,
approaches, advice requests and emergency access, and ``--entries`` ledger entries — well-formed
entry bytes with their leaf hashes (payloads are left out: nothing here decrypts). Then each
figure is timed through its query function (access check, ``oversight.viewed`` entry and all)
and as hand-written SQL computing the same numbers; the report gives both medians and their
ratio, and the server time of the whole dashboard page against the sum of the raw SQL.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(1, str(ROOT / "bench"))

BATCH = 100_000


def setup_django(data_dir: str) -> None:
    os.environ["DUEPROCESS_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dueprocess.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--entries", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per figure (median)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--data", type=Path, help="keep the SQLite database here, and reuse it if already filled"
    )
    args = parser.parse_args()
    if args.data:
        args.data.mkdir(parents=True, exist_ok=True)
        run(args, str(args.data))
        return 0
    with tempfile.TemporaryDirectory(prefix="dueprocess-bench-") as data_dir:
        run(args, data_dir)
    return 0


def run(args: argparse.Namespace, data_dir: str) -> None:
    setup_django(data_dir)
    world = existing_world()
    if world is None:
        started = time.perf_counter()
        world = fill(cases=args.cases, entries=args.entries, seed=args.seed)
        print(
            f"filled {args.cases:,} cases and {args.entries:,} ledger entries "
            f"in {time.perf_counter() - started:.0f} s ({_vendor()})"
        )
    report(world, args.repeat)


def existing_world() -> Any:
    """The organisation of an earlier run kept with ``--data``, or None."""
    from dueprocess.accounts.models import Organisation, User
    from tests.world import PERSONAS, World

    organisation = Organisation.objects.filter(slug="org-party").first()
    if organisation is None:
        return None
    units = {u.slug: u for u in organisation.units.all()}
    world = World(organisation, units["complaints"], units["regional"])
    for key in PERSONAS:
        world.people[key] = User.objects.get(email=f"{key}@westfold.example")
    print(f"reusing the filled database ({_vendor()})")
    return world


def _vendor() -> str:
    from django.db import connection

    return connection.vendor


def median_ms(run: Callable[[], Any], repeat: int) -> float:
    run()  # warm the caches once, as a dashboard in use would have them
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def report(world: Any, repeat: int) -> None:
    from bench_dashboard_sql import RAW
    from django.test import Client

    from dueprocess.oversight.alerts import alerts_refresh
    from dueprocess.oversight.queries import figure_for

    organisation = world.organisation
    print(f"\n{'figure':<14}{'function ms':>14}{'raw SQL ms':>14}{'ratio':>9}")
    raw_total = 0.0
    for key, raw in RAW.items():
        if key == "alerts":
            function_ms = median_ms(lambda: alerts_refresh(organisation), repeat)
        else:
            function_ms = median_ms(lambda k=key: figure_for(world.oversight, k), repeat)
        raw_ms = median_ms(lambda r=raw: r(organisation), repeat)
        raw_total += raw_ms
        print(f"{key:<14}{function_ms:>14.1f}{raw_ms:>14.1f}{function_ms / raw_ms:>8.2f}x")
    from tests.signing_in import enrol

    client = Client()
    enrol(world.oversight)  # every role needs a second factor before any page
    client.force_login(world.oversight)
    assert client.get("/oversight/").status_code == 200
    page_ms = median_ms(lambda: client.get("/oversight/"), repeat)
    print(
        f"\ndashboard page: {page_ms:.0f} ms server time; the same aggregates in raw SQL: "
        f"{raw_total:.0f} ms; ratio {page_ms / raw_total:.2f}x"
    )


def batches(rows: Iterator[tuple[Any, ...]], size: int = BATCH) -> Iterator[list[tuple[Any, ...]]]:
    batch: list[tuple[Any, ...]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def leaf(raw: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + raw).digest()


def spread(rng: random.Random, now: dt.datetime, days: int) -> dt.datetime:
    return now - dt.timedelta(seconds=rng.randint(0, days * 86400))


# ---- the data ---------------------------------------------------------------------------------


def fill(*, cases: int, entries: int, seed: int) -> Any:
    from django.db import connection, transaction

    from tests.world import build_world

    rng = random.Random(seed)
    with transaction.atomic():
        world = build_world("party")
        _cases(world, cases, rng)
        _outcomes(world, rng)
        _contacts(world, rng)
        _ledger(world, entries, rng)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return world


def _cases(world: Any, count: int, rng: random.Random) -> None:
    from dueprocess.cases.models import Case

    rules, now = world.rules, NOW
    stages = list(rules.stages.values())
    weights = [40 if s.terminal else 8 for s in stages]
    categories = list(rules.categories)
    rows = []
    for number in range(count):
        stage = rng.choices(stages, weights)[0]
        received = spread(rng, now, 730)
        entered = received + (now - received) * rng.random()
        rows.append(
            Case(
                organisation=world.organisation,
                unit=world.unit,
                reference=f"B-{number:07d}",
                rulebook=world.organisation.rulebook,
                category=rng.choice(categories),
                stage=stage.key,
                stage_entered_at=entered,
                stage_due_on=(entered + dt.timedelta(days=stage.due_days)).date()
                if stage.due_days
                else None,
                summary="Bulk benchmark case.",
                received_at=received,
                acknowledge_by=(received + dt.timedelta(days=7)).date(),
                acknowledged_at=None if stage.key == "received" else received,
                feedback_by=(received + dt.timedelta(days=90)).date(),
                closed_at=entered if stage.terminal else None,
            )
        )
    Case.objects.bulk_create(rows, batch_size=1000)


def _outcomes(world: Any, rng: random.Random) -> None:
    """Decisions (with panels) on cases past the decision; interim measures with sign-offs."""
    from dueprocess.cases.models import Case, Decision, InterimMeasure, SignOff

    rules = world.rules
    panel = [world.panel_chair, world.panel_b, world.panel_c, world.panel_spare]
    decided_stages = [
        s.key for s in rules.stages.values() if s.phase in ("after_decision", "closed")
    ]
    decided = list(
        Case.objects.filter(stage__in=decided_stages).values_list(
            "pk", "category", "stage_entered_at"
        )
    )
    ladder = [s.key for s in rules.ladder()]
    directions = ["none", "downgrade", "upgrade", "different"]
    decisions = []
    for pk, _category, at in decided:
        direction = rng.choices(directions, [80, 10, 6, 4])[0]
        decisions.append(
            Decision(
                case_id=pk,
                kind="panel",
                transition="decide",
                finding="breach",
                sanctions=[rng.choice(ladder[1:]), "education_course"],
                reasons="" if direction == "none" else "Reasons given.",
                departs=direction != "none",
                direction=direction,
                outside_guideline=rng.random() < 0.05,
                decided_by=panel[0],
                decided_at=at,
            )
        )
    Decision.objects.bulk_create(decisions, batch_size=1000)
    seats = Decision.panel.through
    made = Decision.objects.values_list("pk", flat=True)
    seats.objects.bulk_create(
        [seats(decision_id=d, user_id=u.pk) for d in made for u in rng.sample(panel, 3)],
        batch_size=5000,
    )
    open_ids = list(Case.objects.filter(closed_at__isnull=True).values_list("pk", "received_at"))
    measures = []
    for pk, received in rng.sample(open_ids, len(open_ids) // 10):
        imposed = received + dt.timedelta(days=rng.randint(1, 20))
        measures.append(
            InterimMeasure(
                case_id=pk,
                kind="administrative_suspension",
                ground=rng.choice(["risk_of_harm", "risk_to_investigation"]),
                reasons="Bulk.",
                imposed_by=world.case_manager,
                imposed_at=imposed,
                review_on=(imposed + dt.timedelta(days=28)).date(),
                lifted_at=imposed + dt.timedelta(days=40) if rng.random() < 0.5 else None,
            )
        )
    InterimMeasure.objects.bulk_create(measures, batch_size=1000)
    signoffs = [
        SignOff(
            case_id=m.case_id,
            measure=m,
            rule="leader_suspension",
            label="Leader's sign-off",
            signer_role="political_office",
            brief="Bulk.",
            requested_by=world.case_manager,
            requested_at=m.imposed_at,
            due_on=(m.imposed_at + dt.timedelta(days=2)).date(),
            status=rng.choice(["pending", "signed", "objected"]),
        )
        for m in InterimMeasure.objects.all()[: max(1, len(measures) // 10)]
    ]
    SignOff.objects.bulk_create(signoffs, batch_size=1000)


def _contacts(world: Any, rng: random.Random) -> None:
    """Approaches (a third just before a departing decision), advice and emergency access."""
    from dueprocess.access.models import EmergencyAccess
    from dueprocess.cases.models import AdviceRequest, Approach, Case, Decision

    cases = list(Case.objects.values_list("pk", "received_at"))
    departed = list(Decision.objects.filter(departs=True).values_list("case_id", "decided_at"))
    approaches = [
        Approach(
            case_id=pk,
            logged_by=world.case_manager,
            approached_by="Bulk caller",
            from_political_office=rng.random() < 0.5,
            channel="phone",
            occurred_at=at - dt.timedelta(days=rng.randint(1, 30)),
            what_was_asked="Bulk.",
            logged_at=at,
        )
        for pk, at in rng.sample(cases, len(cases) // 30) + rng.sample(departed, len(departed) // 3)
    ]
    Approach.objects.bulk_create(approaches, batch_size=1000)
    AdviceRequest.objects.bulk_create(
        [
            AdviceRequest(
                case_id=pk,
                requested_by=world.case_manager,
                adviser=world.political,
                question="Bulk?",
                extract="Bulk.",
                requested_at=at + dt.timedelta(days=3),
            )
            for pk, at in rng.sample(cases, len(cases) // 50)
        ],
        batch_size=1000,
    )
    EmergencyAccess.objects.bulk_create(
        [
            EmergencyAccess(
                case_id=pk,
                requester=world.investigator_b,
                reason="Bulk.",
                requested_at=at + dt.timedelta(days=5),
            )
            for pk, at in rng.sample(cases, len(cases) // 200)
        ],
        batch_size=1000,
    )


ACTIONS = (
    ("case.viewed", 55),
    ("case_list.viewed", 20),
    ("case.transitioned", 10),
    ("note.added", 6),
    ("assignment.made", 5),
    ("access.denied", 2),
    ("oversight.viewed", 2),
)


def _ledger(world: Any, count: int, rng: random.Random) -> None:
    """``count`` well-formed entries after whatever the set-up already appended."""
    from django.db import connection

    from dueprocess.ledger import store
    from dueprocess.ledger.entries import HEADER, NO_STATE, format_time
    from dueprocess.ledger.record import actor_pseudonym

    actors = [actor_pseudonym(u) for u in world.people.values()]
    actors += [hashlib.sha256(f"other-{i}".encode()).hexdigest() for i in range(40)]
    names, weights = zip(*ACTIONS, strict=True)
    first = store.size()
    start, step = NOW - dt.timedelta(days=730), dt.timedelta(days=730) / max(count, 1)
    payload = "0" * 64

    def rows() -> Iterator[tuple[Any, ...]]:
        picks = rng.choices(names, weights, k=count)
        for offset in range(count):
            seq, at = first + offset, start + step * offset
            raw = (
                f"{HEADER}\nseq {seq}\ntime {format_time(at)}\n"
                f"actor {actors[offset % len(actors)]}\nrole -\naction {picks[offset]}\n"
                f"case -\nrequest -\nnonce AAAAAAAAAAAAAAAAAAAAAA\nstate {NO_STATE}\n"
                f"payload {payload}\n"
            ).encode("ascii")
            yield seq, raw, leaf(raw), "", picks[offset], at

    if connection.vendor == "postgresql":
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(
                "COPY ledger_ledgerentry (seq, entry, leaf_hash, case_tag, action, recorded_at)"
                " FROM STDIN"
            ) as copy,
        ):
            for row in rows():
                copy.write_row(row)
    else:
        raw_connection = connection.connection
        for batch in batches(
            (seq, raw, digest, tag, action, at.strftime("%Y-%m-%d %H:%M:%S.%f"))
            for seq, raw, digest, tag, action, at in rows()
        ):
            raw_connection.executemany(
                "INSERT INTO ledger_ledgerentry"
                " (seq, entry, leaf_hash, case_tag, action, recorded_at) VALUES (?,?,?,?,?,?)",
                batch,
            )
    with connection.cursor() as cursor:
        cursor.execute("UPDATE ledger_ledgerhead SET size = %s WHERE id = 1", [first + count])


NOW = dt.datetime.now(dt.UTC)


if __name__ == "__main__":
    sys.exit(main())
