"""Run in a subprocess against a scratch database: threads race the same operations at once.

Prints one JSON line with what happened; ``tests/cases/test_races.py`` asserts on it. Each thread
has its own database connection, exactly as concurrent requests in several workers would.
"""

from __future__ import annotations

import json
import os
import sys
import threading

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dueprocess.settings")
os.environ.setdefault("DUEPROCESS_FAST_HASHER", "1")


def main(threads: int) -> dict[str, object]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    from dueprocess.cases import services as svc
    from dueprocess.cases.models import Case, StatusChange
    from dueprocess.errors import DomainError
    from dueprocess.ledger.config import load_policy
    from dueprocess.ledger.verify import verify_ledger
    from tests.world import build_world

    world = build_world("party")
    case = world.case_at("triage")
    barrier = threading.Barrier(threads)
    outcomes: list[str] = []
    references: list[str] = []
    lock = threading.Lock()

    def accept() -> None:
        barrier.wait()
        try:
            svc.case_triage(
                member_reason="Joined this month; not in the register yet.",
                actor=world.intake,
                case=case,
                answers={"in_scope": True, "respondent_is_member": True, "not_duplicate": True},
            )
            result = "ok"
        except DomainError as error:
            result = type(error).__name__
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    def open_one() -> None:
        barrier.wait()
        try:
            opened = world.open_case()
            with lock:
                references.append(opened.reference)
        finally:
            connection.close()

    for target in (accept, open_one):
        workers = [threading.Thread(target=target) for _ in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    report = verify_ledger(load_policy())
    return {
        "outcomes": sorted(outcomes),
        "accept_changes": StatusChange.objects.filter(case=case, transition="accept").count(),
        "stage": Case.objects.get(pk=case.pk).stage,
        "references": sorted(references),
        "ledger_ok": report.ok,
        "ledger_failure": report.failure,
    }


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 8)))
