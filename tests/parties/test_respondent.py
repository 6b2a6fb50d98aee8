"""The respondent inside the process: notice of the allegations by e-mail with a personal
access code (not a password), the allegations with an anonymous complainant withheld, a written
response by the date in the notice, shown to the case team and never to the complainant."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client

from dueprocess.cases.models import Case
from dueprocess.ledger.record import actor_pseudonym, party_pseudonym
from dueprocess.ledger.verify import verify_state
from dueprocess.lib import clock
from dueprocess.parties import receipts
from dueprocess.parties.models import PartyAccess, WrittenResponse
from tests.parties.helpers import entries_since, file_report, last_seq
from tests.world import World

CODE = re.compile(r"Your personal access code: (\d{4} \d{4} \d{4} \d{4})")


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


def _notified(world: World, signed_in, django_capture_on_commit_callbacks, **report):  # type: ignore[no-untyped-def]
    complainant = Client()
    _, receipt = file_report(complainant, world, **report)
    case = Case.objects.get(source=Case.Source.PUBLIC)
    intake = signed_in("intake")
    with django_capture_on_commit_callbacks(execute=True):
        sent = intake.post(
            f"/cases/{case.reference}/respondent-notice/", {"notice-email": "rex@example.org"}
        )
    assert sent.status_code == 302
    [letter] = mail.outbox
    found = CODE.search(letter.body)
    assert found and letter.to == ["rex@example.org"]
    respondent = Client()
    assert respondent.post("/receipt/", {"receipt": found.group(1)}).status_code == 302
    return case, intake, receipt, found.group(1), respondent


def test_the_notice_is_e_mailed_with_an_access_code_and_recorded(
    world, signed_in, django_capture_on_commit_callbacks
):
    start = last_seq()
    case, _intake, receipt, code, _ = _notified(
        world, signed_in, django_capture_on_commit_callbacks
    )
    access = PartyAccess.objects.get(case=case, role=PartyAccess.Role.RESPONDENT)
    assert access.receipt_digest == receipts.digest(code.replace(" ", ""))
    assert code != receipt and "password" not in mail.outbox[0].body.lower()
    days = world.rules.parties.response_days
    assert access.respond_by == clock.today() + dt.timedelta(days=days)
    [(entry, details)] = entries_since(start, "case.respondent_notified")
    assert entry.actor == actor_pseudonym(world.intake)
    assert details["respond_by"] == str(access.respond_by)
    assert "rex@example.org" not in str(details)


def test_the_respondent_reads_the_allegations_with_an_anonymous_complainant_withheld(
    world, signed_in, django_capture_on_commit_callbacks
):
    case, _, _, _, respondent = _notified(world, signed_in, django_capture_on_commit_callbacks)
    access = PartyAccess.objects.get(case=case, role=PartyAccess.Role.RESPONDENT)
    start = last_seq()
    html = respondent.get("/receipt/case/").content.decode()
    assert "The complaint about you" in html
    assert "he shouted a slur at a member" in html
    assert "Withheld: the complaint was made anonymously" in html
    [(entry, _)] = entries_since(start, "party.allegations_viewed")
    assert entry.actor == party_pseudonym(access.pk) and entry.role == "respondent_of_case"


def test_a_named_complainant_is_shown_to_the_respondent(
    world, signed_in, django_capture_on_commit_callbacks
):
    _, _, _, _, respondent = _notified(
        world, signed_in, django_capture_on_commit_callbacks, anonymous="", name="Ola Named"
    )
    assert "Ola Named" in respondent.get("/receipt/case/").content.decode()


def test_the_response_reaches_the_team_and_never_the_complainant(
    world, signed_in, django_capture_on_commit_callbacks
):
    case, intake, receipt, _, respondent = _notified(
        world, signed_in, django_capture_on_commit_callbacks
    )
    start = last_seq()
    sent = respondent.post("/receipt/case/response/", {"body": "I deny it: I was not there."})
    assert sent.status_code == 302
    access = PartyAccess.objects.get(case=case, role=PartyAccess.Role.RESPONDENT)
    [(entry, details)] = entries_since(start, "party.response_submitted")
    assert entry.actor == party_pseudonym(access.pk) and len(details["sha256"]) == 64
    assert "I deny it" in intake.get(f"/cases/{case.reference}/").content.decode()
    # once only
    again = respondent.post("/receipt/case/response/", {"body": "Second thoughts."})
    assert again.status_code == 422 and "already received" in again.content.decode()
    assert WrittenResponse.objects.count() == 1
    # the complainant's page carries neither the response nor the respondent's messages
    respondent.post("/receipt/case/messages/", {"body": "Respondent's own note to the team."})
    complainant = Client()
    complainant.post("/receipt/", {"receipt": receipt})
    page = complainant.get("/receipt/case/").content.decode()
    assert "I deny it" not in page and "Respondent's own note" not in page
    assert "What is alleged" not in page
    # and the complainant's way in may not answer the allegations
    refused = complainant.post("/receipt/case/response/", {"body": "Pretending."})
    assert refused.status_code == 302 and WrittenResponse.objects.count() == 1
    # every row the parties and the team wrote is committed to the ledger
    reconciled = verify_state()
    assert reconciled.ok, reconciled.failure


def test_after_the_date_in_the_notice_the_response_is_refused_and_kept(
    world, signed_in, django_capture_on_commit_callbacks
):
    case, _, _, _, respondent = _notified(world, signed_in, django_capture_on_commit_callbacks)
    PartyAccess.objects.filter(case=case, role=PartyAccess.Role.RESPONDENT).update(
        respond_by=clock.today() - dt.timedelta(days=1)
    )
    late = respondent.post("/receipt/case/response/", {"body": "Too late, but here it is."})
    html = late.content.decode()
    assert late.status_code == 422 and "write to the case team by message" in html
    assert re.search(r">\s*Too late, but here it is\.</textarea>", html)
    assert WrittenResponse.objects.count() == 0


def test_a_new_notice_withdraws_the_earlier_code(
    world, signed_in, django_capture_on_commit_callbacks
):
    case, intake, _, first, respondent = _notified(
        world, signed_in, django_capture_on_commit_callbacks
    )
    with django_capture_on_commit_callbacks(execute=True):
        again = intake.post(
            f"/cases/{case.reference}/respondent-notice/", {"notice-email": "rex@example.org"}
        )
    assert again.status_code == 302 and len(mail.outbox) == 2
    assert PartyAccess.objects.filter(case=case, role="respondent", revoked_at=None).count() == 1
    assert respondent.get("/receipt/case/")["Location"] == "/receipt/"
    assert Client().post("/receipt/", {"receipt": first}).status_code == 404
    reconciled = verify_state()  # the withdrawn code too
    assert reconciled.ok, reconciled.failure


def test_a_notice_with_no_address_is_refused_and_nothing_sent(world, signed_in):
    file_report(Client(), world)
    case = Case.objects.get()
    response = signed_in("intake").post(
        f"/cases/{case.reference}/respondent-notice/", {"notice-email": ""}
    )
    assert response.status_code == 422
    assert "give the respondent&#x27;s address" in response.content.decode()
    assert not PartyAccess.objects.filter(role="respondent").exists() and mail.outbox == []


def test_only_case_workers_may_send_the_notice(world, signed_in):
    file_report(Client(), world)
    case = Case.objects.get()
    response = signed_in("reviewer").post(
        f"/cases/{case.reference}/respondent-notice/", {"notice-email": "rex@example.org"}
    )
    assert response.status_code == 403 and mail.outbox == []
