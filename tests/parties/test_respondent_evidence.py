"""The evidence in the respondent's own file: the kinds the rulebook names are listed and
downloadable by the respondent (the same bytes, re-checked, recorded under their pseudonym);
an item staff withheld shows as withheld with nothing of it and cannot be downloaded; the
withholding ends the same way, with a reason; another case's evidence and the complainant are
refused."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client

from dueprocess.cases import services as svc
from dueprocess.cases.models import Case, EvidenceItem
from dueprocess.errors import InvalidInput, NotFound
from dueprocess.evidence.files import evidence_add
from dueprocess.ledger.models import LedgerEntry
from dueprocess.ledger.record import actor_pseudonym, party_pseudonym
from dueprocess.ledger.verify import verify_state
from dueprocess.parties import redactions
from dueprocess.parties import services as parties
from dueprocess.parties.models import EvidenceRelease, EvidenceWithholding, PartyAccess
from dueprocess.rulebook import schema
from dueprocess.rulebook.errors import RulebookError
from dueprocess.rulebook.loader import parse_rulebook
from dueprocess.rulebook.versions import rulebook_install
from dueprocess.rulebooks import bundled
from tests.parties.helpers import entries_since, file_report, last_seq
from tests.world import World

CODE = re.compile(r"Your personal access code: (\d{4} \d{4} \d{4} \d{4})")
LETTER = b"%PDF-1.7\nMinutes of the branch meeting of 3 March.\n"
PHOTO = b"%PDF-1.7\nA photograph of the car park.\n"
SHOWN = 'respondent_evidence = ["document", "statement"]\n'


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


def _rulebook(tmp_path: Path, extra: str = SHOWN) -> str:
    text = bundled("party").read_text(encoding="utf-8")
    return text.replace("[parties]\n", f"[parties]\n{extra}", 1)


@pytest.fixture
def showing(world: World, tmp_path: Path) -> World:
    """The world's organisation under the party rulebook that shows documents and statements."""
    path = tmp_path / "party.toml"
    path.write_text(_rulebook(tmp_path), encoding="utf-8")
    world.organisation.rulebook = rulebook_install(path=path)
    world.organisation.save(update_fields=["rulebook"])
    return world


def _case(world: World) -> Case:
    return svc.case_open(
        actor=world.intake,
        unit=world.unit,
        category=next(iter(world.rules.categories)),
        summary="A slur in the car park.",
        complainant=svc.PartyInput(name="Ola Complainant", email="ola@public.example"),
        respondent=svc.PartyInput(name="Rex Respondent"),
        allegations=[svc.AllegationInput(summary="Shouted a slur in the car park.")],
    )


def _add(world: World, case: Case, title: str, kind: str, content: bytes) -> EvidenceItem:
    return evidence_add(
        actor=world.case_manager, case=case, title=title, kind=kind, content=content
    )


def _respondent(world: World, case: Case, capture) -> tuple[Client, PartyAccess]:  # type: ignore[no-untyped-def]
    with capture(execute=True):
        notice = parties.respondent_notify(
            actor=world.case_manager, case=case, email="rex@example.org"
        )
    found = CODE.search(mail.outbox[-1].body)
    assert found
    client = Client()
    assert client.post("/receipt/", {"receipt": found.group(1)}).status_code == 302
    return client, notice.access


def _withhold(world: World, case: Case, item: EvidenceItem) -> EvidenceWithholding:
    return redactions.evidence_withhold(
        actor=world.case_manager, case=case, item_id=item.pk, reason="Names a witness."
    )


def test_the_kinds_the_respondent_sees_are_the_rulebooks_and_checked(tmp_path):
    assert tuple(EvidenceItem.Kind.values) == schema.EVIDENCE_KINDS
    assert parse_rulebook(bundled("party").read_bytes()).parties.respondent_evidence == ()
    assert parse_rulebook(_rulebook(tmp_path).encode()).parties.respondent_evidence == (
        "document",
        "statement",
    )
    with pytest.raises(RulebookError, match="unknown kind of evidence 'photo'"):
        parse_rulebook(_rulebook(tmp_path, 'respondent_evidence = ["photo"]\n').encode())


def test_by_default_the_respondent_is_shown_no_evidence(world, django_capture_on_commit_callbacks):
    case = _case(world)
    item = _add(world, case, "Minutes", "document", LETTER)
    client, _ = _respondent(world, case, django_capture_on_commit_callbacks)
    html = client.get("/receipt/case/").content.decode()
    assert "The evidence" not in html and "Minutes" not in html
    assert client.get(f"/receipt/case/evidence/{item.pk}/").status_code == 404


def test_the_respondent_downloads_a_listed_item_recorded_under_their_pseudonym(
    showing, django_capture_on_commit_callbacks
):
    world = showing
    case = _case(world)
    letter = _add(world, case, "Minutes of 3 March", "document", LETTER)
    photo = _add(world, case, "Photo of the car park", "screenshot", PHOTO)
    client, access = _respondent(world, case, django_capture_on_commit_callbacks)
    html = client.get("/receipt/case/").content.decode()
    assert "Minutes of 3 March" in html and f"/receipt/case/evidence/{letter.pk}/" in html
    assert "Photo of the car park" not in html  # a kind the rulebook does not show
    assert case.reference not in html
    start = last_seq()
    got = client.get(f"/receipt/case/evidence/{letter.pk}/")
    assert got.status_code == 200 and got.content == LETTER
    assert got["Content-Disposition"] == f'attachment; filename="evidence-{letter.pk}.pdf"'
    [(entry, details)] = entries_since(start, "evidence.downloaded")
    assert entry.actor == party_pseudonym(access.pk) and entry.role == "respondent_of_case"
    assert (details["evidence"], details["sha256"]) == (letter.pk, letter.sha256)
    start = last_seq()
    assert client.get(f"/receipt/case/evidence/{photo.pk}/").status_code == 404
    [(entry, details)] = entries_since(start, "access.denied")
    assert entry.actor == party_pseudonym(access.pk)
    assert details["attempted"] == "party.evidence"
    reconciled = verify_state()
    assert reconciled.ok, reconciled.failure


def test_a_withheld_item_shows_as_withheld_and_is_not_served_until_released(
    showing, signed_in, django_capture_on_commit_callbacks
):
    world = showing
    case = _case(world)
    letter = _add(world, case, "Statement of Dana Witness", "statement", LETTER)
    manager = signed_in("case_manager")
    start = last_seq()
    withheld = manager.post(
        f"/cases/{case.reference}/evidence/{letter.pk}/withhold/",
        {f"withhold-{letter.pk}-reason": "Names a witness not yet told."},
    )
    assert withheld.status_code == 302
    [(entry, details)] = entries_since(start, "case.evidence_withheld")
    assert entry.actor == actor_pseudonym(world.case_manager)
    assert details["evidence"] == letter.pk and details["reason"] == "Names a witness not yet told."
    withholding = EvidenceWithholding.objects.get()
    page = manager.get(f"/cases/{case.reference}/").content.decode()
    assert "Names a witness not yet told." in page
    assert f"/withholdings/{withholding.pk}/release/" in page
    assert f"/evidence/{letter.pk}/withhold/" not in page  # withheld already

    client, access = _respondent(world, case, django_capture_on_commit_callbacks)
    html = client.get("/receipt/case/").content.decode()
    assert "Item 1: withheld" in html
    assert "Dana Witness" not in html and f"/receipt/case/evidence/{letter.pk}/" not in html
    start = last_seq()
    refused = client.get(f"/receipt/case/evidence/{letter.pk}/")
    assert refused.status_code == 404 and LETTER not in refused.content
    [(entry, details)] = entries_since(start, "access.denied")
    assert entry.actor == party_pseudonym(access.pk)
    assert details["reason"] == "withheld from the respondent"
    assert not LedgerEntry.objects.filter(seq__gt=start, action="evidence.downloaded").exists()

    start = last_seq()
    released = manager.post(
        f"/cases/{case.reference}/withholdings/{withholding.pk}/release/",
        {f"release-{withholding.pk}-reason": "The witness agreed."},
    )
    assert released.status_code == 302
    [(_, details)] = entries_since(start, "case.evidence_released")
    assert details["withholding"] == withholding.pk and details["reason"] == "The witness agreed."
    page = manager.get(f"/cases/{case.reference}/").content.decode()
    assert "Shown again by " + world.case_manager.full_name in page
    assert client.get(f"/receipt/case/evidence/{letter.pk}/").content == LETTER
    assert "Statement of Dana Witness" in client.get("/receipt/case/").content.decode()
    assert EvidenceWithholding.objects.count() == EvidenceRelease.objects.count() == 1
    reconciled = verify_state()
    assert reconciled.ok, reconciled.failure


def test_withholding_needs_a_reason_and_happens_once_at_a_time(showing, signed_in):
    world = showing
    case = _case(world)
    letter = _add(world, case, "Minutes", "document", LETTER)
    blank = signed_in("case_manager").post(
        f"/cases/{case.reference}/evidence/{letter.pk}/withhold/",
        {f"withhold-{letter.pk}-reason": " "},
    )
    assert blank.status_code == 422 and not EvidenceWithholding.objects.exists()
    withholding = _withhold(world, case, letter)
    with pytest.raises(InvalidInput, match="already withheld"):
        _withhold(world, case, letter)
    with pytest.raises(InvalidInput):
        redactions.evidence_release(
            actor=world.case_manager, case=case, withholding_id=withholding.pk, reason=""
        )
    redactions.evidence_release(
        actor=world.case_manager, case=case, withholding_id=withholding.pk, reason="Agreed."
    )
    start = last_seq()
    with pytest.raises(InvalidInput, match="no longer withheld"):
        redactions.evidence_release(
            actor=world.case_manager, case=case, withholding_id=withholding.pk, reason="Again."
        )
    assert entries_since(start, "case.evidence_released") == []
    # once released it may be withheld again, by a new row
    again = _withhold(world, case, letter)
    assert again.pk != withholding.pk and EvidenceWithholding.objects.count() == 2


def test_another_cases_evidence_is_refused(showing, signed_in, django_capture_on_commit_callbacks):
    world = showing
    case, other = _case(world), _case(world)
    theirs = _add(world, other, "Their minutes", "document", LETTER)
    with pytest.raises(NotFound):
        _withhold(world, case, theirs)
    refused = signed_in("case_manager").post(
        f"/cases/{case.reference}/evidence/{theirs.pk}/withhold/",
        {f"withhold-{theirs.pk}-reason": "Wrong case."},
    )
    assert refused.status_code == 404 and not EvidenceWithholding.objects.exists()
    client, access = _respondent(world, case, django_capture_on_commit_callbacks)
    start = last_seq()
    assert client.get(f"/receipt/case/evidence/{theirs.pk}/").status_code == 404
    [(entry, details)] = entries_since(start, "access.denied")
    assert entry.actor == party_pseudonym(access.pk)
    assert details["reason"] == "no such evidence in the file"


def test_only_the_case_team_may_withhold(showing, signed_in):
    world = showing
    case = _case(world)
    letter = _add(world, case, "Minutes", "document", LETTER)
    refused = signed_in("reviewer").post(
        f"/cases/{case.reference}/evidence/{letter.pk}/withhold/",
        {f"withhold-{letter.pk}-reason": "Not mine to do."},
    )
    assert refused.status_code in (403, 404) and not EvidenceWithholding.objects.exists()


def test_the_complainant_does_not_get_the_respondents_file(showing):
    world = showing
    complainant = Client()
    _, receipt = file_report(complainant, world)
    case = Case.objects.get(source=Case.Source.PUBLIC)
    letter = _add(world, case, "Minutes of 3 March", "document", LETTER)
    assert complainant.post("/receipt/", {"receipt": receipt}).status_code == 302
    assert "Minutes of 3 March" not in complainant.get("/receipt/case/").content.decode()
    start = last_seq()
    assert complainant.get(f"/receipt/case/evidence/{letter.pk}/").status_code == 404
    [(_, details)] = entries_since(start, "access.denied")
    assert details["attempted"] == "party.evidence"


def test_the_case_page_offers_to_withhold_only_what_the_respondent_would_see(showing, signed_in):
    world = showing
    case = _case(world)
    letter = _add(world, case, "Minutes", "document", LETTER)
    photo = _add(world, case, "Photo", "screenshot", PHOTO)
    page = signed_in("case_manager").get(f"/cases/{case.reference}/").content.decode()
    assert f"/evidence/{letter.pk}/withhold/" in page
    assert f"/evidence/{photo.pk}/withhold/" not in page
    assert "lets them download it, unless it is withheld: document, statement." in page
