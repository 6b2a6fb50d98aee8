"""Letters go into the outbox with the step that causes them and out by SMTP after commit."""

from __future__ import annotations

import datetime as dt

import pytest

from dueprocess.cases import services as svc
from dueprocess.cases.models import Case
from dueprocess.cases.timeline import case_timeline
from dueprocess.errors import InvalidInput
from dueprocess.letters.models import Letter
from dueprocess.letters.outbox import party_pseudonym
from dueprocess.letters.sender import LEASE, _claim, backoff, letters_send_due
from dueprocess.lib import clock
from dueprocess.lib.smtpurl import parse_smtp_url
from tests.scratch import free_port


def _entries(case: Case, action: str) -> list[dict]:
    """The details of each ``action`` entry on ``case``, oldest first."""
    items = [i for i in case_timeline(case) if i.action == action]
    return [i.details for i in reversed(items)]


def test_acknowledging_queues_the_acknowledgement_letter_with_its_ledger_entry(world):
    case = world.open_case()
    assert not Letter.objects.filter(case=case).exists()
    case = world.advance(case, "triage")
    (letter,) = Letter.objects.filter(case=case)
    complainant = case.parties.get(role="complainant")
    assert (letter.template, letter.trigger, letter.status) == (
        "acknowledgement",
        "acknowledge",
        Letter.Status.QUEUED,
    )
    assert letter.to_address == "ola@public.example"
    assert case.reference in letter.subject and "Ola Complainant" in letter.text
    assert "Westfold Civic League" in letter.html and "{{" not in letter.text
    assert bytes(letter.pdf).startswith(b"%PDF-")
    (queued,) = _entries(case, "letter.queued")
    assert queued["recipient"] == party_pseudonym(complainant)
    assert queued["content_sha256"] == letter.content_sha256


def test_a_refused_step_queues_no_letter(world):
    case = world.case_at("investigation")
    with pytest.raises(InvalidInput):
        svc.interim_measure_impose(
            actor=world.case_manager,
            case=case,
            kind="administrative_suspension",
            ground="press_interest",
            reasons="x",
        )
    assert not Letter.objects.filter(case=case, template="interim_suspension_notice").exists()


def test_a_party_without_an_address_gets_the_letter_for_post(world):
    case = world.case_at("investigation")  # accepting sends the respondent, who has no address,
    letter = Letter.objects.get(case=case, template="notice_of_allegations")  # the notice
    assert letter.status == Letter.Status.POST and letter.to_address == ""
    assert "Shared the post on 3 March." in letter.text


def test_the_sender_delivers_by_smtp_once_with_html_text_and_the_pdf(world, mailbox):
    case = world.case_at("triage")
    letter = Letter.objects.get(case=case, template="acknowledgement")
    report = letters_send_due()
    assert report.sent == [letter.pk]
    (message,) = mailbox.messages
    assert message["To"] == "ola@public.example"
    assert message["Message-ID"] == letter.message_id
    assert message["Subject"] == letter.subject
    plain = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Ola Complainant" in plain and "<p>" in html
    (pdf,) = [part for part in message.iter_attachments()]
    assert pdf.get_content_type() == "application/pdf"
    assert pdf.get_content() == bytes(letter.pdf)
    letter.refresh_from_db()
    assert letter.status == Letter.Status.SENT and letter.sent_at is not None
    (sent,) = _entries(case, "letter.sent")
    details = sent
    assert details["template"] == "acknowledgement"
    assert details["content_sha256"] == letter.content_sha256
    assert details["recipient"] == letter.recipient_pseudonym
    assert letters_send_due().sent == []  # nothing twice
    assert len(mailbox.messages) == 1


def test_an_unreachable_server_leaves_the_letter_queued_and_the_step_succeeds(world, settings):
    settings.SMTP_SERVER = parse_smtp_url(f"smtp://127.0.0.1:{free_port()}")
    case = world.case_at("triage")
    assert case.stage == "triage"
    letter = Letter.objects.get(case=case, template="acknowledgement")
    report = letters_send_due()
    assert report.retrying == [letter.pk] and not report.sent
    letter.refresh_from_db()
    assert letter.status == Letter.Status.QUEUED and letter.attempts == 1
    assert letter.next_attempt_at > clock.now() and "cannot reach" in letter.last_error
    assert letters_send_due().retrying == []  # not due again until the backoff has passed
    assert not _entries(case, "letter.sent")


def test_retries_wait_twice_as_long_each_time_up_to_six_hours():
    assert [backoff(n) for n in (1, 2, 3)] == [dt.timedelta(minutes=m) for m in (1, 2, 4)]
    assert backoff(30) == dt.timedelta(hours=6)


def test_queued_letters_go_on_the_first_send_that_has_a_server(world, mailbox, settings):
    settings.SMTP_SERVER = None
    case = world.case_at("triage")
    assert not letters_send_due().configured
    assert Letter.objects.get(case=case).status == Letter.Status.QUEUED
    settings.SMTP_SERVER = parse_smtp_url(mailbox.url)
    assert len(letters_send_due().sent) == 1 and len(mailbox.messages) == 1


def test_a_bounce_is_recorded_on_the_case(world, mailbox):
    case = world.case_at(
        "triage", respondent=svc.PartyInput(name="Rex Respondent", email="bounce@example.org")
    )
    world.advance(case, "investigation")  # the notice of allegations goes to the respondent
    letter = Letter.objects.get(case=case, template="notice_of_allegations")
    report = letters_send_due()
    assert letter.pk in report.bounced
    letter.refresh_from_db()
    assert letter.status == Letter.Status.BOUNCED and letter.last_error.startswith("550")
    (bounced,) = _entries(case, "letter.bounced")
    assert bounced["smtp_code"] == 550
    assert bounced["recipient"] == letter.recipient_pseudonym


def test_a_sender_killed_after_claiming_is_finished_by_the_next_once(world, mailbox):
    case = world.case_at("triage")
    letter = Letter.objects.get(case=case)
    (claimed,) = _claim(10)  # then the process dies: nothing sent, the claim is held
    assert Letter.objects.get(pk=letter.pk).status == Letter.Status.SENDING
    assert letters_send_due().sent == []  # the lease is still held
    with clock.frozen(clock.now() + LEASE + dt.timedelta(seconds=1)):
        assert letters_send_due().sent == [letter.pk]
        assert letters_send_due().sent == []
    assert mailbox.message_ids() == [letter.message_id]
    assert len(_entries(case, "letter.sent")) == 1
    assert claimed.message_id == letter.message_id


def test_a_late_sender_does_not_record_a_letter_another_has_sent(world, mailbox):
    from dueprocess.letters.sender import SendReport, _sent

    case = world.case_at("triage")
    (stale,) = _claim(10)
    with clock.frozen(clock.now() + LEASE + dt.timedelta(seconds=1)):
        assert len(letters_send_due().sent) == 1  # a second sender took over and sent it
    report = SendReport()
    _sent(stale, report)  # the first one wakes up and tries to mark it sent
    assert report.sent == [] and len(_entries(case, "letter.sent")) == 1


def test_the_serving_demo_sends_the_outbox_and_runs_the_deadlines(world, mailbox, capsys):
    from dueprocess.commands.demo import _periodic_work

    case = world.case_at("triage")
    assert Letter.objects.get(case=case).status == Letter.Status.QUEUED
    _periodic_work()
    assert Letter.objects.get(case=case).status == Letter.Status.SENT
    assert len(mailbox.messages) == 1 and "letters: 1 sent" in capsys.readouterr().out
    _periodic_work()  # nothing twice, and nothing said
    assert len(mailbox.messages) == 1 and "letters:" not in capsys.readouterr().out
