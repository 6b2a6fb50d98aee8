"""The files the parties sent, through the API: listed on a recorded view of the case file, and
downloaded through the case page's own service — recorded before the bytes go out, re-checked
against the SHA-256 taken on receipt — by those who may see the case; refused like any case
endpoint otherwise."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.core.cache import cache

from dueprocess.cases.models import Case, Party
from dueprocess.evidence.storage import default_store
from dueprocess.lib import clock
from dueprocess.parties import receipts
from dueprocess.parties.files import party_file_send
from dueprocess.parties.models import PartyAccess, PartyFile
from tests.api.client import problem_code, problem_of
from tests.api.trail import actions_since, last_on, mark
from tests.world import World

PDF = b"%PDF-1.7\nThe minutes of the branch meeting, page 2.\n"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 2


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


def _way_in(case: Case, role: str) -> PartyAccess:
    return PartyAccess.objects.create(
        case=case,
        party=Party.objects.get(case=case, role=role),
        role=role,
        receipt_digest=receipts.digest(receipts.new_receipt()),
        issued_at=clock.now(),
    )


def _case_with_files(world: World) -> tuple[Case, PartyFile, PartyFile]:
    case = world.case_at("investigation")
    complainant = _way_in(case, PartyAccess.Role.COMPLAINANT)
    respondent = _way_in(case, PartyAccess.Role.RESPONDENT)
    first = party_file_send(access=complainant, content=PDF, note="The minutes, as promised.")
    second = party_file_send(access=respondent, content=PNG)
    return case, first, second


def test_the_files_are_listed_with_their_party_and_message_on_a_recorded_view(api, world):
    case, first, second = _case_with_files(world)
    start = mark()
    listed = api.get(f"/cases/{case.reference}/party-files", "case_manager")
    assert listed.status_code == 200, listed.content
    body = listed.json()
    received = [dt.datetime.fromisoformat(item.pop("received_at")) for item in body]
    wanted = [first.received_at, second.received_at]
    assert len(received) == len(wanted)
    assert all(
        abs(got - want) < dt.timedelta(milliseconds=1)
        for got, want in zip(received, wanted, strict=True)
    )
    assert body == [
        {
            "id": first.pk,
            "party": first.access_id,
            "party_role": "complainant",
            "filename": f"{case.reference}-party-file-{first.pk}.pdf",
            "media_type": "application/pdf",
            "size_bytes": len(PDF),
            "sha256": hashlib.sha256(PDF).hexdigest(),
            "message": first.message_id,
            "note": "The minutes, as promised.",
        },
        {
            "id": second.pk,
            "party": second.access_id,
            "party_role": "respondent",
            "filename": f"{case.reference}-party-file-{second.pk}.png",
            "media_type": "image/png",
            "size_bytes": len(PNG),
            "sha256": hashlib.sha256(PNG).hexdigest(),
            "message": second.message_id,
            "note": "Sent a file.",
        },
    ]
    assert actions_since(start) == ["case.viewed"]
    # the message each came with is the one the thread lists
    thread = api.get(f"/cases/{case.reference}/messages", "case_manager").json()
    assert {m["id"] for m in thread["messages"]} == {first.message_id, second.message_id}


def test_a_download_is_the_same_bytes_recorded_before_they_are_sent(api, world):
    case, first, second = _case_with_files(world)
    for sent, content, media_type in ((first, PDF, "application/pdf"), (second, PNG, "image/png")):
        start = mark()
        got = api.get(f"/cases/{case.reference}/party-files/{sent.pk}", "case_manager")
        assert got.status_code == 200 and got.content == content
        assert got["Content-Type"] == media_type
        assert got["Content-Disposition"] == (
            f'attachment; filename="{case.reference}-party-file-{sent.pk}.'
            f'{"pdf" if sent == first else "png"}"'
        )
        assert got["X-Content-Type-Options"] == "nosniff" and got["Cache-Control"] == "no-store"
        assert actions_since(start) == ["party_file.downloaded"]
        entry = last_on(case)
        assert entry.actor == world.case_manager
        assert (entry.details["file"], entry.details["sha256"]) == (sent.pk, sent.sha256)


def test_the_web_page_and_the_api_leave_the_same_record(api, world, client):
    case, first, _ = _case_with_files(world)
    start = mark()
    assert api.get(f"/cases/{case.reference}/party-files/{first.pk}", "case_manager").content == PDF
    through_api = last_on(case)
    client.force_login(world.case_manager)
    assert client.get(f"/cases/{case.reference}/party-files/{first.pk}/").content == PDF
    through_web = last_on(case)
    downloads = [a for a in actions_since(start) if a.startswith("party_file.")]
    assert downloads == ["party_file.downloaded", "party_file.downloaded"]
    assert (through_api.action, through_api.actor, through_api.details) == (
        through_web.action,
        through_web.actor,
        through_web.details,
    )


def test_a_hidden_or_missing_case_is_refused_alike_and_recorded(api, world, outsider):
    case, first, _ = _case_with_files(world)
    for persona in ("political", "outsider"):
        for path in ("party-files", f"party-files/{first.pk}"):
            answers = []
            for reference in (case.reference, "C-2026-99999"):
                start = mark()
                refused = api.get(f"/cases/{reference}/{path}", persona)
                assert refused.status_code == 404, (persona, path, refused.content)
                answers.append({k: v for k, v in problem_of(refused).items() if k != "instance"})
                assert PDF not in refused.content
                assert actions_since(start) == ["access.denied"]
            assert answers[0] == answers[1] and answers[0]["type"].endswith("/not-found")
    # without a token: 401, and nothing of the file
    anonymous = api.get(f"/cases/{case.reference}/party-files/{first.pk}")
    assert anonymous.status_code == 401 and PDF not in anonymous.content


def test_a_file_not_on_this_case_is_not_found_and_a_bad_id_is_a_validation_problem(api, world):
    case, first, _ = _case_with_files(world)
    other, stranger, _ = _case_with_files(world)
    for file_id in (stranger.pk, first.pk + stranger.pk + 1000):
        start = mark()
        refused = api.get(f"/cases/{case.reference}/party-files/{file_id}", "case_manager")
        assert refused.status_code == 404 and problem_code(refused) == "not-found"
        assert "file" in problem_of(refused)["detail"]
        assert "party_file.downloaded" not in actions_since(start)
    for bad in ("0", "x", str(2**63)):
        invalid = api.get(f"/cases/{case.reference}/party-files/{bad}", "case_manager")
        assert invalid.status_code == 422, (bad, invalid.content)
    # the other case's file is its own case's to download
    got = api.get(f"/cases/{other.reference}/party-files/{stranger.pk}", "case_manager")
    assert got.status_code == 200 and got.content == PDF


def test_a_file_changed_on_disk_is_not_sent_and_the_failed_check_is_recorded(api, world):
    case, first, second = _case_with_files(world)
    store = default_store()
    sealed = bytearray(store.get(first.blob))
    sealed[-1] ^= 1
    store.put(first.blob, bytes(sealed))
    start = mark()
    refused = api.get(f"/cases/{case.reference}/party-files/{first.pk}", "case_manager")
    assert refused.status_code == 409 and problem_code(refused) == "evidence-corrupted"
    assert PDF not in refused.content
    assert actions_since(start) == ["party_file.corrupted"]
    entry = last_on(case)
    assert entry.actor == world.case_manager and entry.details["file"] == first.pk
    # the other file is untouched and still served
    assert api.get(f"/cases/{case.reference}/party-files/{second.pk}", "case_manager").content == (
        PNG
    )
