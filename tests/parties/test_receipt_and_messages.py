"""Coming back with the receipt: the case's stage, deadlines, messages both ways — every view,
read and message on the record under the party's pseudonym; wrong receipts are answered alike,
recorded, and rate-limited; a party reaches only their own case."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.test import Client, override_settings

from dueprocess.cases.models import Case
from dueprocess.errors import NotFound
from dueprocess.ledger.record import actor_pseudonym, party_pseudonym
from dueprocess.parties import services as parties
from dueprocess.parties.models import Message, PartyAccess
from tests.parties.helpers import entries_since, file_report, last_seq
from tests.world import World


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


def _come_back(world: World, **changes: object) -> tuple[Client, str, Case]:
    client = Client()
    _, receipt = file_report(client, world, **changes)
    assert receipt
    visitor = Client()  # another browser, days later: only the receipt
    response = visitor.post("/receipt/", {"receipt": receipt})
    assert response.status_code == 302 and response["Location"] == "/receipt/case/"
    key = changes.get("idempotency_key", "public-form-1")
    return visitor, receipt, Case.objects.get(source=Case.Source.PUBLIC, idempotency_key=key)


def test_the_receipt_opens_the_case_page_and_the_view_is_recorded_first(world: World):
    visitor, _, case = _come_back(world)
    access = PartyAccess.objects.get(case=case)
    start = last_seq()
    page = visitor.get("/receipt/case/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "being checked" in html or "checking whether it can be taken forward" in html
    assert case.acknowledge_by.strftime("%-d %B %Y") in html
    assert case.feedback_by.strftime("%-d %B %Y") in html
    assert "Not yet due" in html
    assert case.reference not in html  # the party needs no internal reference
    [(entry, details)] = entries_since(start, "party.case_viewed")
    assert entry.actor == party_pseudonym(access.pk) and entry.role == "complainant_of_case"
    assert details["stage"] == case.stage


def test_messages_go_both_ways_and_each_send_and_read_is_recorded(world, signed_in):
    visitor, _, case = _come_back(world)
    access = PartyAccess.objects.get(case=case)
    intake = signed_in("intake")
    start = last_seq()
    staff_page = intake.get(f"/cases/{case.reference}/")
    assert "The complainant holds a receipt" in staff_page.content.decode()
    sent = intake.post(
        f"/cases/{case.reference}/messages/",
        {"message-access": str(access.pk), "message-body": "Thank you. Were there witnesses?"},
    )
    assert sent.status_code == 302
    [(staff_entry, staff_details)] = entries_since(start, "case.message_sent")
    assert staff_entry.actor == actor_pseudonym(world.intake)
    assert staff_details["to"] == "complainant"
    assert "not read yet" in intake.get(f"/cases/{case.reference}/").content.decode()

    page = visitor.get("/receipt/case/").content.decode()
    assert "Were there witnesses?" in page and "From the complaints team" in page
    [(read, read_details)] = entries_since(start, "party.message_read")
    assert read.actor == party_pseudonym(access.pk)
    assert read_details["message"] == Message.objects.get().pk
    visitor.get("/receipt/case/")
    assert len(entries_since(start, "party.message_read")) == 1  # a first read, once

    answer = visitor.post("/receipt/case/messages/", {"body": "Yes: <b>two</b> members saw it."})
    assert answer.status_code == 302
    [(party_entry, party_details)] = entries_since(start, "party.message_sent")
    assert party_entry.actor == party_pseudonym(access.pk)
    assert len(party_details["sha256"]) == 64 and "two" not in str(party_details)

    staff_html = intake.get(f"/cases/{case.reference}/").content.decode()
    assert "Yes: &lt;b&gt;two&lt;/b&gt; members saw it." in staff_html  # escaped
    assert re.search(r"read \d+ \w+ \d{4}", staff_html)  # staff see that the party read it
    # the acknowledgement deadline is met by the team's first message
    assert "in time" in visitor.get("/receipt/case/").content.decode()


def test_an_empty_message_keeps_the_page_and_sends_nothing(world):
    visitor, _, _case = _come_back(world)
    response = visitor.post("/receipt/case/messages/", {"body": "   "})
    assert response.status_code == 422
    assert "Your message was not sent" in response.content.decode()
    assert Message.objects.count() == 0


def test_a_wrong_receipt_is_answered_alike_recorded_and_shown_nothing(world: World):
    _, receipt, _case = _come_back(world)
    start = last_seq()
    client = Client()
    wrong = "0000 0000 0000 0001" if receipt != "0000 0000 0000 0001" else "0000 0000 0000 0002"
    answers = [client.post("/receipt/", {"receipt": typed}) for typed in (wrong, "12", "abc")]
    assert [a.status_code for a in answers[:1]] == [404]
    bodies = {a.content.decode().replace("csrfmiddlewaretoken", "") for a in answers[:1]}
    assert "does not open a case" in next(iter(bodies))
    assert wrong not in answers[0].content.decode()
    # a malformed receipt and an unknown one get the same answer
    assert answers[1].status_code == 404
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert strip.sub("", answers[0].content.decode()) == strip.sub("", answers[1].content.decode())
    assert client.get("/receipt/case/")["Location"] == "/receipt/"
    failures = entries_since(start, "party.receipt_failed")
    assert len(failures) == 3 and all(d["why"] == "no match" for _, d in failures)


@override_settings(ACCOUNT_RATE_LIMITS={"receipt_failed": "2/15m/ip"})
def test_guessing_receipts_is_rate_limited_even_for_the_right_one(world: World):
    _, receipt, _case = _come_back(world)
    start = last_seq()
    guesser = Client(REMOTE_ADDR="198.51.100.9")
    for guess in ("1111 1111 1111 1111", "2222 2222 2222 2222"):
        assert guesser.post("/receipt/", {"receipt": guess}).status_code == 404
    refused = guesser.post("/receipt/", {"receipt": receipt})
    assert refused.status_code == 429 and "Too many receipts" in refused.content.decode()
    reasons = [d["why"] for _, d in entries_since(start, "party.receipt_failed")]
    assert reasons == ["no match", "no match", "rate limited"]


def test_a_party_reaches_only_their_own_case(world: World):
    visitor_a, _, case_a = _come_back(world, idempotency_key="a")
    _, _, case_b = _come_back(world, idempotency_key="b", what_happened="Something else.")
    access_a = PartyAccess.objects.get(case=case_a)
    # through every service, the way in to A is refused on B, recorded, and answered 404
    start = last_seq()
    with pytest.raises(NotFound):
        parties.recorded_party_denials(parties.require_party)(access_a, case_b, "party.view")
    [(denied, details)] = entries_since(start, "access.denied")
    assert denied.actor == party_pseudonym(access_a.pk)
    assert details["attempted"] == "party.view"
    page = visitor_a.get("/receipt/case/").content.decode()
    assert "Something else." not in page and case_b.reference not in page
    # and a party never reaches a staff page
    assert visitor_a.get(f"/cases/{case_a.reference}/").status_code == 302


def test_a_withdrawn_way_in_no_longer_opens_the_case(world: World):
    from dueprocess.lib import clock

    visitor, receipt, case = _come_back(world)
    PartyAccess.objects.filter(case=case).update(revoked_at=clock.now())
    assert visitor.get("/receipt/case/")["Location"] == "/receipt/"
    assert Client().post("/receipt/", {"receipt": receipt}).status_code == 404


def test_a_refusal_inside_a_service_stays_on_the_record_after_its_rollback(world: World):
    """The gate refuses inside the service's transaction, which rolls back; the refusal is
    written after that, in a transaction of its own, so it is never rolled back with it."""
    from dueprocess.lib import clock

    _, _, case = _come_back(world)
    access = PartyAccess.objects.get(case=case)
    access.revoked_at = clock.now()
    access.save(update_fields=["revoked_at"])
    start = last_seq()
    for attempt in (
        lambda: parties.status_for(access=access),
        lambda: parties.party_message_send(access=access, body="Still there?"),
    ):
        with pytest.raises(NotFound):
            attempt()
    denials = entries_since(start, "access.denied")
    assert [d["attempted"] for _, d in denials] == ["party.view", "party.message"]
    assert {e.actor for e, _ in denials} == {party_pseudonym(access.pk)}
    assert not Message.objects.filter(access=access).exists()


def test_staff_who_may_not_add_notes_may_not_message_the_party(world, signed_in):
    _, _, case = _come_back(world)
    access = PartyAccess.objects.get(case=case)
    start = last_seq()
    outsider = signed_in("reviewer")  # may read every case, may not write to it
    response = outsider.post(
        f"/cases/{case.reference}/messages/",
        {"message-access": str(access.pk), "message-body": "Hello"},
    )
    assert response.status_code == 403
    assert Message.objects.count() == 0
    assert entries_since(start, "access.denied")


def test_leaving_ends_the_party_session(world: World):
    visitor, _, _case = _come_back(world)
    assert visitor.post("/receipt/leave/").status_code == 302
    assert visitor.get("/receipt/case/")["Location"] == "/receipt/"


def test_the_outcome_is_shown_to_the_party_only_once_the_parties_are_notified(world: World):
    visitor, _, case = _come_back(world)
    case = world.advance(case, "decided")
    page = visitor.get("/receipt/case/").content.decode()
    assert "Outcome:" not in page  # decided, but not yet notified
    world.advance(case, "notified")
    page = visitor.get("/receipt/case/").content.decode()
    assert "Outcome:" in page and "Breach of the rules." in page
    assert "Sanction:" in page
