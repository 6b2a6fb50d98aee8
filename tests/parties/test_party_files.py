"""A party adds a file later, from their own page: checked like evidence (type from the
content, size, never empty), stored sealed under the case's key, sent with a message the case
team sees in the thread, on the record under the party's pseudonym; staff who may see the case
download the same bytes (recorded, re-checked); nobody else does."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from dueprocess.cases.models import Case
from dueprocess.errors import InvalidInput, NotFound
from dueprocess.evidence.files import EvidenceCorrupted
from dueprocess.evidence.storage import default_store
from dueprocess.ledger.record import actor_pseudonym, party_pseudonym
from dueprocess.ledger.verify import verify_state
from dueprocess.lib import clock
from dueprocess.parties.files import NO_NOTE, party_file_download, party_file_send
from dueprocess.parties.models import Message, PartyAccess, PartyFile
from tests.parties.helpers import entries_since, file_report, last_seq
from tests.world import World

PDF = b"%PDF-1.7\nThe minutes of the branch meeting, page 2.\n"
PROGRAM = b"\x7fELF\x02\x01\x01" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


def _come_back(world: World) -> tuple[Client, Case, PartyAccess]:
    _, receipt = file_report(Client(), world)
    assert receipt
    visitor = Client()
    assert visitor.post("/receipt/", {"receipt": receipt}).status_code == 302
    case = Case.objects.get(source=Case.Source.PUBLIC)
    return visitor, case, PartyAccess.objects.get(case=case)


def _upload(visitor: Client, content: bytes, note: str = "", name: str = "minutes.pdf"):
    return visitor.post(
        "/receipt/case/files/",
        {"file": SimpleUploadedFile(name, content), "note": note},
    )


def test_a_file_from_the_party_page_is_sealed_recorded_and_reaches_the_team(world, signed_in):
    visitor, case, access = _come_back(world)
    start = last_seq()
    answer = _upload(visitor, PDF, note="The <b>second</b> page of the minutes.")
    assert answer.status_code == 302 and answer["Location"] == "/receipt/case/#messages"
    sent = PartyFile.objects.get()
    assert sent.case == case and sent.access == access and sent.size_bytes == len(PDF)
    assert sent.media_type == "application/pdf"
    assert sent.message.body == "The <b>second</b> page of the minutes."
    assert sent.message.direction == Message.Direction.FROM_PARTY
    # sealed: the stored blob is not the file
    stored = default_store().get(sent.blob)
    assert PDF not in stored and b"minutes of the branch" not in stored
    [(entry, details)] = entries_since(start, "party.file_sent")
    assert entry.actor == party_pseudonym(access.pk) and entry.role == "complainant_of_case"
    assert details["sha256"] == sent.sha256 and details["file"] == sent.pk
    assert "minutes" not in str(details)
    # the party sees it in their own thread
    page = visitor.get("/receipt/case/").content.decode()
    assert "The &lt;b&gt;second&lt;/b&gt; page" in page and "With a file (application/pdf" in page

    intake = signed_in("intake")
    staff_page = intake.get(f"/cases/{case.reference}/").content.decode()
    link = f"/cases/{case.reference}/party-files/{sent.pk}/"
    assert link in staff_page and "It is not evidence until added as such" in staff_page
    start = last_seq()
    download = intake.get(link)
    assert download.status_code == 200 and download.content == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    [(read, read_details)] = entries_since(start, "party_file.downloaded")
    assert read.actor == actor_pseudonym(world.intake)
    assert read_details["file"] == sent.pk and read_details["sha256"] == sent.sha256
    assert verify_state().ok


def test_no_note_gives_the_message_its_plain_words(world: World):
    _, _, access = _come_back(world)
    sent = party_file_send(access=access, content=PDF)
    assert sent.message.body == NO_NOTE


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "empty"),
        (PROGRAM, "program"),
        (b"PK\x03\x04" + b"\x00" * 40, "Archives"),
    ],
)
def test_a_refused_file_keeps_the_note_and_leaves_nothing(world: World, content, words):
    visitor, _, _ = _come_back(world)
    blobs = set(default_store().names())
    start = last_seq()
    answer = _upload(visitor, content, note="Here is what I promised.")
    assert answer.status_code == 422
    html = answer.content.decode()
    assert "Your file was not sent" in html and words in html
    assert "Here is what I promised." in html  # what was typed is kept
    assert not PartyFile.objects.exists() and not Message.objects.exists()
    assert entries_since(start, "party.file_sent") == []
    assert set(default_store().names()) == blobs


def test_a_file_over_the_rulebooks_limit_is_refused(world: World):
    _, case, access = _come_back(world)
    limit = case.rulebook.rules.evidence.max_bytes
    with pytest.raises(InvalidInput) as refused:
        party_file_send(access=access, content=b"%PDF-1.7\n" + b"x" * limit)
    assert "file" in refused.value.fields
    assert not PartyFile.objects.exists()


def test_a_withdrawn_way_in_sends_nothing_and_is_recorded(world: World):
    _, _, access = _come_back(world)
    access.revoked_at = clock.now()
    access.save(update_fields=["revoked_at"])
    start = last_seq()
    with pytest.raises(NotFound):
        party_file_send(access=access, content=PDF)
    assert not PartyFile.objects.exists()
    [(denied, details)] = entries_since(start, "access.denied")
    assert denied.actor == party_pseudonym(access.pk)
    assert "party.upload" in str(details)


def test_only_staff_who_may_see_the_case_download_and_a_changed_file_is_not_served(
    world, signed_in
):
    _, case, access = _come_back(world)
    sent = party_file_send(access=access, content=PDF)
    link = f"/cases/{case.reference}/party-files/{sent.pk}/"
    office = signed_in("political")
    start = last_seq()
    assert office.get(link).status_code == 404
    assert entries_since(start, "party_file.downloaded") == []
    assert entries_since(start, "access.denied")
    # an unknown file on a visible case is not found either
    with pytest.raises(NotFound):
        party_file_download(actor=world.intake, case=case, file_id=sent.pk + 1000)
    # a blob changed on disk is refused after its read is recorded
    store = default_store()
    sealed = bytearray(store.get(sent.blob))
    sealed[-1] ^= 1
    store.put(sent.blob, bytes(sealed))
    start = last_seq()
    with pytest.raises(EvidenceCorrupted):
        party_file_download(actor=world.intake, case=case, file_id=sent.pk)
    assert len(entries_since(start, "party_file.corrupted")) == 1


def test_a_file_sent_with_the_complaint_goes_with_it(world: World):
    client = Client()
    response, receipt = file_report(
        client, world, attachment=SimpleUploadedFile("minutes.pdf", PDF)
    )
    assert response.status_code == 201 and receipt
    case = Case.objects.get(source=Case.Source.PUBLIC)
    sent = PartyFile.objects.get()
    assert sent.case == case and sent.size_bytes == len(PDF)
    assert sent.message.body == "Sent with the complaint."
    # the same form sent again opens no second case and adds no second file
    again, second = file_report(client, world, attachment=SimpleUploadedFile("minutes.pdf", PDF))
    assert again.status_code in (200, 201)
    assert not second and Case.objects.count() == 1 and PartyFile.objects.count() == 1


def test_a_refused_file_with_the_complaint_opens_no_case_and_keeps_the_text(world: World):
    blobs = set(default_store().names())
    response, receipt = file_report(
        Client(), world, attachment=SimpleUploadedFile("photo.pdf", PROGRAM)
    )
    html = response.content.decode()
    assert response.status_code == 422 and not receipt
    assert "program" in html and "choose it again" in html
    assert "he shouted a slur at a member" in html  # what was typed is kept
    assert not Case.objects.exists() and not PartyFile.objects.exists()
    assert set(default_store().names()) == blobs
