"""The daily digest: once a day, to those who asked, what their queue and notices say."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from dueprocess.cases.worklists import work_queue_for
from dueprocess.errors import Forbidden, InvalidInput
from dueprocess.ledger import keys
from dueprocess.letters.deadlines import deadlines_run
from dueprocess.letters.digest import _keep, digest_of, digest_subscribe, digests_queue
from dueprocess.letters.models import DigestSubscription, Letter, Notice
from dueprocess.letters.sender import letters_send_due
from dueprocess.lib import clock
from tests.api.client import ApiClient
from tests.parties.helpers import entries_since, last_seq
from tests.signing_in import signer_in


def _morning(days: int = 0, hour: int = 7) -> dt.datetime:
    today = timezone.localdate(clock.now()) + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(today, dt.time(hour, 0)))


def test_the_digest_lists_the_queue_goes_once_a_day_and_is_delivered_without_a_pdf(world, mailbox):
    manager = world.case_manager
    cases = [world.open_case(), world.open_case()]
    digest_subscribe(actor=manager, person=manager, on=True)
    start = last_seq()
    with clock.frozen(_morning(hour=5)):
        assert digests_queue() == []  # before six in the morning, nothing yet
    with clock.frozen(_morning()):
        (letter,) = digests_queue()
        assert digests_queue() == []  # a second tick the same day writes nothing
        queue = work_queue_for(manager)
        assert letters_send_due().sent == [letter.pk]
    shown = sorted(item.reference for item in queue.items)
    assert {c.reference for c in cases} <= set(shown)
    (message,) = mailbox.messages
    assert message["To"] == manager.email and "waiting for you" in message["Subject"]
    body = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert all(reference in body for reference in shown)
    assert not [part for part in message.iter_attachments()]  # no PDF for a digest
    assert "Complainant" not in body  # references, stages and dates only: no names
    ((_, queued),) = entries_since(start, "digest.queued")
    assert queued["shown"] == shown and queued["recipient"] == keys.pseudonym("user", manager.pk)
    assert queued["content_sha256"] == letter.content_sha256
    ((_, sent),) = entries_since(start, "letter.sent")
    assert sent["template"] == "digest" and sent["letter"] == letter.pk
    with clock.frozen(_morning(days=1)):
        assert len(digests_queue()) == 1  # the next morning, the next digest


def test_reminders_are_in_the_digest_and_a_hidden_case_never_is(world, outsider):
    case = world.open_case()
    with clock.frozen(clock.now() + dt.timedelta(days=5)):
        deadlines_run()  # the acknowledgement reminder, to the head of complaints
    digest = digest_of(world.case_manager)
    assert {line.reference for line in digest.notices} == {case.reference}
    assert digest.notices_total == len(digest.notices) >= 1
    assert all(line.text.startswith("Reminder, ") for line in digest.notices)
    # a notice about a case its person may not see is never named to them
    Notice.objects.create(
        person=outsider,
        case=case,
        kind=Notice.Kind.REMINDER,
        deadline="stage",
        due_on=clock.today(),
        text="Stage deadline soon.",
        created_at=clock.now(),
    )
    assert digest_of(outsider).empty and digest_of(outsider).references == []


def test_nothing_to_say_or_switched_off_means_no_email(world, outsider):
    world.open_case()
    digest_subscribe(actor=outsider, person=outsider, on=True)  # sees no case: nothing to say
    digest_subscribe(actor=world.case_manager, person=world.case_manager, on=True)
    digest_subscribe(actor=world.case_manager, person=world.case_manager, on=False)
    with clock.frozen(_morning()):
        assert digests_queue() == []
    assert not Letter.objects.filter(template="digest").exists()


def test_only_the_person_chooses_and_a_repeat_changes_nothing(world):
    manager, investigator = world.case_manager, world.investigator
    with pytest.raises(Forbidden):
        digest_subscribe(actor=investigator, person=manager, on=True)
    assert not DigestSubscription.objects.filter(person=manager).exists()
    start = last_seq()
    digest_subscribe(actor=manager, person=manager, on=True)
    digest_subscribe(actor=manager, person=manager, on=True)
    digest_subscribe(actor=None, person=manager, on=False)  # the operator, from the CLI
    assert len(entries_since(start, "digest.subscribed")) == 1
    assert len(entries_since(start, "digest.unsubscribed")) == 1
    manager.email = ""
    manager.save(update_fields=["email"])
    with pytest.raises(InvalidInput):
        digest_subscribe(actor=manager, person=manager, on=True)


def test_one_digest_per_person_and_day_even_when_two_ticks_race(world):
    manager = world.case_manager
    world.open_case()
    with clock.frozen(_morning()):
        digest = digest_of(manager)
        day, now = timezone.localdate(clock.now()), clock.now()
        _keep(manager, digest, day, now)
        with pytest.raises(IntegrityError), transaction.atomic():
            _keep(manager, digest, day, now)  # the second tick's insert fails: it skips
    assert Letter.objects.filter(person=manager, digest_on=day).count() == 1


def test_a_refused_digest_address_is_recorded_as_a_bounce(world, mailbox):
    manager = world.case_manager
    manager.email = "bounce-manager@westfold.example"
    manager.save(update_fields=["email"])
    world.open_case()
    digest_subscribe(actor=manager, person=manager, on=True)
    start = last_seq()
    with clock.frozen(_morning()):
        (letter,) = digests_queue()
        assert letters_send_due().bounced == [letter.pk]
    assert Letter.objects.get(pk=letter.pk).status == Letter.Status.BOUNCED
    ((_, bounced),) = entries_since(start, "letter.bounced")
    assert bounced["recipient_role"] == "staff" and "case_reference" not in bounced


def test_the_api_and_the_account_page_switch_ones_own_digest(world, outsider):
    api = ApiClient(world.people | {"outsider": outsider})
    response = api.get("/me/digest", persona="investigator")
    assert response.status_code == 200 and response.json()["on"] is False
    response = api.call("PUT", "/me/digest", persona="investigator", body={"on": True})
    assert response.status_code == 200 and response.json()["on"] is True
    for bad in ({"on": "maybe"}, {"on": 0}, {"on": "true"}, {"on": True, "person": "x"}, {}):
        refused = api.call("PUT", "/me/digest", persona="investigator", body=bad)
        assert refused.status_code == 422, bad
    assert DigestSubscription.objects.get(person=world.investigator).on is True

    client = signer_in(world)("case_manager")
    page = client.get("/account/")
    assert "Send me the daily digest" in page.content.decode()
    client.post("/account/digest/", {"digest": "sometimes"})
    assert not DigestSubscription.objects.filter(person=world.case_manager).exists()
    answer = client.post("/account/digest/", {"digest": "on"}, follow=True)
    assert "The daily digest is on" in answer.content.decode()
    assert DigestSubscription.objects.get(person=world.case_manager).on is True
    assert "Stop the daily digest" in client.get("/account/").content.decode()
