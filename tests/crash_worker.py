"""A writer that is killed with SIGKILL mid-run by ``tests/ledger/test_crash.py``.

``setup`` migrates a scratch database, builds the test world and prints the case and the
person to write as. ``write NAME`` adds notes to that case in a loop and prints ``ack BODY``
only after each note's transaction has committed — so every acknowledged write must be found
exactly once afterwards, however the process died.
"""

from __future__ import annotations

import json
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dueprocess.settings")
os.environ.setdefault("DUEPROCESS_FAST_HASHER", "1")


def setup() -> dict[str, int]:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from tests.world import build_world

    world = build_world("party")
    case = world.case_at("investigation")
    return {"case": case.pk, "actor": world.case_manager.pk}


def write(name: str, case_id: int, actor_id: int) -> None:
    import django

    django.setup()
    from django.db import connection

    from dueprocess.accounts.models import User
    from dueprocess.cases import services as svc
    from dueprocess.cases.models import Case

    actor = User.objects.get(pk=actor_id)
    number = 0
    while True:
        number += 1
        body = f"{name}-{number}"
        try:
            svc.note_add(actor=actor, case=Case.objects.get(pk=case_id), body=body)
        except Exception as error:  # a lock timeout under contention: not acknowledged
            print(f"fail {body} {type(error).__name__}", flush=True)
            connection.close()
            continue
        print(f"ack {body}", flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "setup":
        print(json.dumps(setup()))
    else:
        write(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
