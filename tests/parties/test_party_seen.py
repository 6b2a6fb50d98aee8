"""The letters sent to each party, on their own page and as a PDF only they can download; and
what each party was sent and has seen, on the staff case page and in the API, read from what
the party's own acts left on the ledger."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from ninja.responses import NinjaJSONEncoder

from dueprocess.access.rules import can
from dueprocess.cases.models import Case, Party
from dueprocess.ledger.entries import parse_entry
from dueprocess.ledger.models import LedgerEntry
from dueprocess.ledger.record import case_pseudonym, party_pseudonym
from dueprocess.letters.models import Letter
from dueprocess.parties.letters import DELIVERY_WORDS, letters_to_party, party_letter_pdf
from dueprocess.parties.models import Message, PartyAccess
from dueprocess.parties.seen import seen_for_case
from dueprocess.parties.services import staff_message_send
from tests.api.client import ApiClient
from tests.parties.helpers import entries_since, file_report, last_seq
from tests.world import World

CODE = re.compile(r"Your personal access code: (\d{4} \d{4} \d{4} \d{4})")


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


@dataclass
class Parties:
    case: Case
    complainant: PartyAccess
    respondent: PartyAccess
    complainant_client: Client
    respondent_client: Client
    to_complainant: Letter
    to_respondent: Letter


def _signed_in(receipt: str) -> Client:
    client = Client()
    assert client.post("/receipt/", {"receipt": receipt}).status_code == 302
    return client


@pytest.fixture
def parties(world: World, django_capture_on_commit_callbacks) -> Parties:  # type: ignore[no-untyped-def]
    """A public complaint taken to investigation (an acknowledgement to the complainant, the
    notice of allegations to the respondent), the respondent notified with an access code, and
    each party signed in with their own."""
    _, receipt = file_report(Client(), world)
    case = world.advance(Case.objects.get(source=Case.Source.PUBLIC), "investigation")
    with django_capture_on_commit_callbacks(execute=True):
        from dueprocess.parties.services import respondent_notify

        respondent_notify(actor=world.case_manager, case=case, email="rex@example.org")
    found = CODE.search(mail.outbox[-1].body)
    assert found
    complainant = PartyAccess.objects.get(case=case, role=PartyAccess.Role.COMPLAINANT)
    respondent = PartyAccess.objects.get(case=case, role=PartyAccess.Role.RESPONDENT)
    return Parties(
        case=case,
        complainant=complainant,
        respondent=respondent,
        complainant_client=_signed_in(receipt),
        respondent_client=_signed_in(found.group(1)),
        to_complainant=Letter.objects.get(case=case, party__role=Party.Role.COMPLAINANT),
        to_respondent=Letter.objects.get(case=case, party__role=Party.Role.RESPONDENT),
    )


def _letter_url(letter: Letter) -> str:
    return f"/receipt/case/letters/{letter.pk}/"


def test_each_party_is_listed_only_the_letters_addressed_to_them(parties: Parties):
    mine, theirs = parties.to_complainant, parties.to_respondent
    assert mine.subject != theirs.subject
    page = parties.complainant_client.get("/receipt/case/").content.decode()
    assert "Letters sent to you" in page
    assert mine.subject in page and _letter_url(mine) in page
    assert theirs.subject not in page and _letter_url(theirs) not in page
    # the delivery status is in plain words: a party with no e-mail address gets it by post
    assert DELIVERY_WORDS[Letter.Status(mine.status)] in page
    page = parties.respondent_client.get("/receipt/case/").content.decode()
    assert theirs.subject in page and _letter_url(theirs) in page
    assert mine.subject not in page and _letter_url(mine) not in page
    listed = letters_to_party(parties.respondent)
    assert [letter.id for letter in listed] == [theirs.pk]


def test_a_party_downloads_their_letter_and_the_download_is_recorded_as_theirs(
    parties: Parties,
):
    letter = parties.to_respondent
    start = last_seq()
    response = parties.respondent_client.get(_letter_url(letter))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content == bytes(letter.pdf) and response.content.startswith(b"%PDF")
    assert "attachment" in response["Content-Disposition"]
    [(entry, details)] = entries_since(start, "party.letter_viewed")
    assert entry.actor == party_pseudonym(parties.respondent.pk)
    assert entry.role == "respondent_of_case" and entry.case == case_pseudonym(parties.case.pk)
    assert details["letter"] == letter.pk and details["template"] == letter.template
    assert not LedgerEntry.objects.filter(seq__gt=start, action="access.denied").exists()


def test_the_other_partys_letter_is_not_found_and_the_attempt_is_recorded(
    world: World, parties: Parties
):
    elsewhere = world.case_at("investigation")  # a letter of another case altogether
    other_case = Letter.objects.filter(case=elsewhere).first()
    assert other_case is not None
    for letter in (parties.to_respondent, other_case):
        start = last_seq()
        response = parties.complainant_client.get(_letter_url(letter))
        assert response.status_code == 404
        assert bytes(letter.pdf) not in response.content
        assert letter.subject not in response.content.decode()
        [(entry, details)] = entries_since(start, "access.denied")
        assert entry.actor == party_pseudonym(parties.complainant.pk)
        assert details["attempted"] == "party.letter"
        assert not LedgerEntry.objects.filter(seq__gt=start, action="party.letter_viewed")
    # a letter that does not exist is answered alike
    assert parties.complainant_client.get("/receipt/case/letters/999999/").status_code == 404
    # without a receipt typed in the session: back to the receipt page, nothing shown
    response = Client().get(_letter_url(parties.to_complainant))
    assert response.status_code == 302 and response["Location"].startswith("/receipt/")


def test_a_withdrawn_way_in_downloads_nothing(world: World, parties: Parties):
    from dueprocess.errors import NotFound
    from dueprocess.parties.services import respondent_notify

    respondent_notify(actor=world.case_manager, case=parties.case, email="rex@example.org")
    old = PartyAccess.objects.get(pk=parties.respondent.pk)
    assert not old.active
    start = last_seq()
    with pytest.raises(NotFound):
        party_letter_pdf(access=old, letter_id=parties.to_respondent.pk)
    [(entry, _)] = entries_since(start, "access.denied")
    assert entry.actor == party_pseudonym(old.pk)


def _times(access: PartyAccess, case: Case, action: str) -> list:  # type: ignore[type-arg]
    """When the party's entries of ``action`` on ``case`` were recorded, read independently."""
    rows = LedgerEntry.objects.filter(case_tag=case_pseudonym(case.pk), action=action)
    entries = [parse_entry(bytes(r.entry)) for r in rows.order_by("seq")]
    return [e.recorded_at for e in entries if e.actor == party_pseudonym(access.pk)]


def test_staff_page_and_api_show_what_was_sent_and_seen_with_times_and_counts(
    world: World, parties: Parties, signed_in
):
    case, respondent = parties.case, parties.respondent
    staff_message_send(
        actor=world.case_manager, case=case, access_id=respondent.pk, body="Can we talk?"
    )
    staff_message_send(
        actor=world.case_manager,
        case=case,
        access_id=parties.complainant.pk,
        body="We have your complaint.",
    )
    # nothing seen yet by the respondent
    [before] = [p for p in seen_for_case(case) if p.access_id == respondent.pk]
    assert not before.allegations.seen and before.messages_read == 0
    assert [m.read_at for m in before.messages] == [None]
    # the respondent opens their page twice (the allegations file each time) and a letter once
    assert parties.respondent_client.get("/receipt/case/").status_code == 200
    assert parties.respondent_client.get("/receipt/case/").status_code == 200
    assert parties.respondent_client.get(_letter_url(parties.to_respondent)).status_code == 200
    message = Message.objects.get(access=respondent)
    assert message.read_by_party_at is not None
    opened = _times(respondent, case, "party.allegations_viewed")
    downloaded = _times(respondent, case, "party.letter_viewed")
    assert len(opened) == 2 and len(downloaded) == 1

    by_access = {p.access_id: p for p in seen_for_case(case)}
    seen = by_access[respondent.pk]
    assert (seen.allegations.count, seen.allegations.first, seen.allegations.last) == (
        2,
        opened[0],
        opened[1],
    )
    assert seen.visits.count == 2 and seen.messages_read == 1
    assert [(m.id, m.read_at) for m in seen.messages] == [(message.pk, message.read_by_party_at)]
    [letter] = seen.letters
    assert letter.id == parties.to_respondent.pk
    assert (letter.downloads.count, letter.downloads.first) == (1, downloaded[0])
    assert seen.letters_downloaded.count == 1 and not seen.outcome.seen
    # the complainant opened nothing since being signed in, and read no message
    other = by_access[parties.complainant.pk]
    assert [m.read_at for m in other.messages] == [None]
    assert not other.allegations.seen and not other.letters_downloaded.seen
    assert [x.id for x in other.letters] == [parties.to_complainant.pk]
    assert other.letters[0].downloads.count == 0

    # the staff case page shows it (a recorded read of the case)
    start = last_seq()
    page = signed_in("case_manager").get(f"/cases/{case.reference}/").content.decode()
    assert entries_since(start, "case.viewed")
    section = page.split('id="party-seen"', 1)[1].split("</section>", 1)[0]
    respondent_part = section.split(f'id="party-seen-{respondent.pk}"', 1)[1]
    assert "The allegations: 2 times" in respondent_part
    assert "Messages to them: 1, of which 1 read." in respondent_part
    assert f"{parties.to_respondent.subject}</th>" in respondent_part
    assert "1 time, first" in respondent_part  # the letter's download
    complainant_part = section.split(f'id="party-seen-{parties.complainant.pk}"', 1)[1]
    complainant_part = complainant_part.split("</article>", 1)[0]
    assert "Messages to them: 1, of which 0 read." in complainant_part
    assert "Not downloaded" in complainant_part and "The allegations" not in complainant_part

    # and the API the same, from the same read model
    api = ApiClient(world.people)
    start = last_seq()
    response = api.get(f"/cases/{case.reference}/parties", persona="case_manager")
    assert response.status_code == 200, response.content
    assert [a for a in _actions_since(start) if a != "api_token.created"] == ["case.viewed"]
    body = {p["id"]: p for p in response.json()["parties"]}
    out = body[respondent.pk]
    assert out["role"] == "respondent" and out["active"] is True
    assert out["allegations"]["count"] == 2
    assert out["allegations"]["first"] == _iso(opened[0])
    assert out["allegations"]["last"] == _iso(opened[1])
    assert out["messages"] == [
        {
            "id": message.pk,
            "sent_at": _iso(message.sent_at),
            "read_at": _iso(message.read_by_party_at),
        }
    ]
    assert out["letters"][0]["id"] == parties.to_respondent.pk
    assert out["letters"][0]["downloaded"]["count"] == 1
    assert out["outcome"] == {"count": 0, "first": None, "last": None}
    assert body[parties.complainant.pk]["messages"][0]["read_at"] is None


def _actions_since(seq: int) -> list[str]:
    rows = LedgerEntry.objects.filter(seq__gt=seq).order_by("seq")
    return list(rows.values_list("action", flat=True))


def _iso(value) -> str:  # type: ignore[no-untyped-def]
    """A time as the API writes it (JSON, to the millisecond)."""
    return json.loads(json.dumps(value, cls=NinjaJSONEncoder))


def test_the_outcome_shown_to_a_party_is_recorded_and_counted(world: World):
    _, receipt = file_report(Client(), world)
    case = world.advance(Case.objects.get(source=Case.Source.PUBLIC), "notified")
    access = PartyAccess.objects.get(case=case)
    client = _signed_in(receipt)
    start = last_seq()
    page = client.get("/receipt/case/").content.decode()
    assert "Outcome:" in page
    [(entry, _)] = entries_since(start, "party.outcome_viewed")
    assert entry.actor == party_pseudonym(access.pk)
    [seen] = seen_for_case(case)
    assert seen.outcome.count == 1 and seen.outcome.first == entry.recorded_at


def test_reading_what_was_seen_costs_the_same_queries_however_much_was_seen(
    parties: Parties, django_assert_max_num_queries
):
    for _ in range(4):
        parties.respondent_client.get("/receipt/case/")
        parties.respondent_client.get(_letter_url(parties.to_respondent))
        parties.complainant_client.get(_letter_url(parties.to_complainant))
    with django_assert_max_num_queries(6):
        seen = seen_for_case(parties.case)
    assert sum(p.letters_downloaded.count for p in seen) == 8


def test_a_person_who_may_not_see_the_case_gets_nothing(world: World, parties: Parties, signed_in):
    case = parties.case
    parties.respondent_client.get("/receipt/case/")
    outsider = world.other_manager
    assert not can(outsider, "case.view", case).allowed
    staff = signed_in("other_manager")
    start = last_seq()
    page = staff.get(f"/cases/{case.reference}/")
    assert page.status_code == 404 and "party-seen" not in page.content.decode()
    api = ApiClient(world.people)
    response = api.get(f"/cases/{case.reference}/parties", persona="other_manager")
    missing = api.get("/cases/C-2026-99999/parties", persona="other_manager")
    assert response.status_code == missing.status_code == 404
    assert response.json()["type"] == missing.json()["type"]
    assert "allegations" not in response.content.decode()
    denied = [a for a in _actions_since(start) if a != "api_token.created"]
    assert denied == ["access.denied", "access.denied", "access.denied"]
