"""The demo sends for real: its parties have example.org addresses, acknowledging writes the
acknowledgement, and what was queued without a server goes on the first send that has one."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from dueprocess.cases.models import Case, InterimMeasure
from dueprocess.demo.build import Builder
from dueprocess.letters.deadlines import deadlines_run
from dueprocess.letters.digest import digests_queue
from dueprocess.letters.models import Letter, Notice
from dueprocess.letters.sender import letters_send_due
from dueprocess.lib import clock
from dueprocess.lib.smtpurl import parse_smtp_url
from dueprocess.rulebook.versions import rulebook_install
from dueprocess.rulebooks import bundled


def test_the_demo_writes_its_letters_and_sends_them_on_the_first_tick_with_a_server(
    db, mailbox, settings
):
    settings.SMTP_SERVER = None
    version = rulebook_install(path=bundled("party"))
    Builder(version, cases=12, seed=7, now=clock.now()).build()
    acknowledged = Case.objects.filter(acknowledged_at__isnull=False)
    assert acknowledged.exists()
    for case in acknowledged:
        complainant = case.parties.get(role="complainant")
        letters = Letter.objects.filter(case=case, template="acknowledgement")
        if complainant.anonymous:
            continue
        (letter,) = letters
        assert letter.to_address.endswith("@members.example.org")
        assert complainant.display_name in letter.text
    queued = Letter.objects.filter(status=Letter.Status.QUEUED).count()
    assert queued > 0
    assert not letters_send_due().configured  # no server: they wait
    settings.SMTP_SERVER = parse_smtp_url(mailbox.url)
    report = letters_send_due()
    assert len(report.sent) == queued == len(mailbox.messages)
    assert all(m["To"].endswith("example.org") for m in mailbox.messages)


def test_the_demo_backlog_produces_the_right_reminders(db):
    version = rulebook_install(path=bundled("party"))
    Builder(version, cases=12, seed=7, now=clock.now()).build()
    report = deadlines_run()
    today = clock.today()
    overdue_stage = Case.objects.filter(closed_at__isnull=True, stage_due_on__lt=today).count()
    escalated = Notice.objects.filter(kind="escalation", deadline="stage")
    assert overdue_stage > 0
    assert escalated.values("case").distinct().count() == overdue_stage
    soon = Case.objects.filter(
        closed_at__isnull=True, stage_due_on__gte=today, stage_due_on__lte=today + dt.timedelta(2)
    )
    reminded = Notice.objects.filter(kind="reminder", deadline="stage")
    assert set(reminded.values_list("case", flat=True)) == set(soon.values_list("pk", flat=True))
    # the party rulebook lets an unreviewed measure lapse: none overdue is left in force
    assert not InterimMeasure.objects.filter(lifted_at__isnull=True, review_on__lt=today).exists()
    assert report.lapsed == InterimMeasure.objects.filter(lift_reason__startswith="lapsed").count()
    assert deadlines_run().escalations == 0  # the second tick the same day does nothing
    # the head of complaints asked for the digest: it names each case whose deadline of the
    # last 30 days was escalated to them, and none older
    morning = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(7)))
    with clock.frozen(morning):
        (digest,) = digests_queue()
    assert digest.person.email.startswith("morgan@") and digest.status == Letter.Status.QUEUED
    notices = Notice.objects.filter(person=digest.person)
    recent = notices.filter(due_on__gte=today - dt.timedelta(days=30))
    lines = digest.text.split("Reminders and escalations")[1].splitlines()
    named = {line.strip().split(":")[0] for line in lines if line.startswith("  ")}
    assert named and named == set(recent.values_list("case__reference", flat=True))
    assert notices.count() > recent.count()  # older escalations stay out of the digest
