"""Run in a subprocess against a scratch database: several ticks at once (threads, each with its
own database connection, as several ``dueprocess tick`` processes would have), over cases whose
deadlines have passed and letters that wait, with a real SMTP server on loopback.

Prints one JSON line; ``tests/letters/test_concurrent_ticks.py`` asserts on it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import threading

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dueprocess.settings")
os.environ.setdefault("DUEPROCESS_FAST_HASHER", "1")


def main(threads: int) -> dict[str, object]:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    from dueprocess.ledger.models import LedgerEntry
    from dueprocess.letters.deadlines import deadlines_run
    from dueprocess.letters.models import DeadlineClaim, Letter, Notice
    from dueprocess.letters.sender import letters_send_due
    from dueprocess.lib import clock
    from dueprocess.lib.smtpurl import parse_smtp_url
    from tests.letters.smtp import smtp_server
    from tests.world import build_world

    world = build_world("party")
    for _ in range(3):
        world.open_case()  # never acknowledged: reminded, then escalated
    for _ in range(3):
        world.case_at("triage")  # acknowledged: one letter each
    later = clock.now() + dt.timedelta(days=9)
    barrier = threading.Barrier(threads)
    errors: list[str] = []

    with smtp_server() as mailbox:
        settings.SMTP_SERVER = parse_smtp_url(mailbox.url)

        def tick() -> None:
            try:
                with clock.frozen(later):
                    barrier.wait()
                    deadlines_run()
                    letters_send_due()
            except Exception as error:  # reported, and the test fails on it
                errors.append(repr(error))
            finally:
                connection.close()

        workers = [threading.Thread(target=tick) for _ in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        received = mailbox.message_ids()

    return {
        "errors": errors,
        "claims": DeadlineClaim.objects.count(),
        "claim_keys": len(set(DeadlineClaim.objects.values_list("key", flat=True))),
        "escalated_entries": LedgerEntry.objects.filter(action="deadline.escalated").count(),
        "escalated_cases": LedgerEntry.objects.filter(action="deadline.escalated")
        .values("case_tag")
        .distinct()
        .count(),
        "notices": Notice.objects.filter(kind="escalation", deadline="acknowledge").count(),
        "letters": Letter.objects.filter(template="acknowledgement").count(),
        "sent": Letter.objects.filter(status="sent").count(),
        "sent_entries": LedgerEntry.objects.filter(action="letter.sent").count(),
        "received": len(received),
        "distinct_received": len(set(received)),
    }


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 4)))
