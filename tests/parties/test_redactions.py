"""Staff mark passages of the allegations to withhold from the respondent before the file is
shared: the respondent reads them as "[redacted]", the team still reads the text whole, and
each mark is on the record — through the case page and the API alike. A mark is withdrawn (not
edited), with a reason, after which the respondent reads the passage again."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.test import Client

from dueprocess.cases import services as svc
from dueprocess.cases.models import Case
from dueprocess.errors import InvalidInput, NotFound
from dueprocess.ledger.models import LedgerEntry
from dueprocess.ledger.record import actor_pseudonym
from dueprocess.ledger.verify import verify_state
from dueprocess.parties import redactions
from dueprocess.parties import services as parties
from dueprocess.parties.models import Redaction, RedactionWithdrawal
from tests.api.client import ApiClient
from tests.parties.helpers import entries_since, last_seq
from tests.world import World

CODE = re.compile(r"Your personal access code: (\d{4} \d{4} \d{4} \d{4})")
TEXT = "Shouted a slur at Dana Witness in the car park, in front of Dana Witness's son."


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


def _case(world: World) -> Case:
    return svc.case_open(
        actor=world.intake,
        unit=world.unit,
        category=next(iter(world.rules.categories)),
        summary="A slur in the car park.",
        complainant=svc.PartyInput(name="Ola Complainant", email="ola@public.example"),
        respondent=svc.PartyInput(name="Rex Respondent"),
        allegations=[svc.AllegationInput(summary=TEXT)],
    )


def _respondent(world: World, case: Case, capture) -> Client:  # type: ignore[no-untyped-def]
    with capture(execute=True):
        parties.respondent_notify(actor=world.case_manager, case=case, email="rex@example.org")
    found = CODE.search(mail.outbox[-1].body)
    assert found
    client = Client()
    assert client.post("/receipt/", {"receipt": found.group(1)}).status_code == 302
    return client


def test_a_marked_passage_reaches_the_respondent_as_redacted_and_is_recorded(
    world, signed_in, django_capture_on_commit_callbacks
):
    case = _case(world)
    allegation = case.allegations.get()
    manager = signed_in("case_manager")
    start = last_seq()
    marked = manager.post(
        f"/cases/{case.reference}/redactions/",
        {
            "redaction-allegation": str(allegation.pk),
            "redaction-passage": "Dana Witness",
            "redaction-reason": "A witness not yet told the respondent will know.",
        },
    )
    assert marked.status_code == 302
    [(entry, details)] = entries_since(start, "case.redaction_marked")
    assert entry.actor == actor_pseudonym(world.case_manager)
    assert details["occurrences"] == 2 and len(details["sha256"]) == 64
    assert "Dana Witness" not in str(details)
    page = manager.get(f"/cases/{case.reference}/").content.decode()
    assert TEXT.replace("'", "&#x27;") in page  # the team still reads it whole
    assert (
        "Shouted a slur at [redacted] in the car park, in front of [redacted]&#x27;s son." in page
    )
    respondent = _respondent(world, case, django_capture_on_commit_callbacks)
    html = respondent.get("/receipt/case/").content.decode()
    assert "Dana Witness" not in html
    assert "Shouted a slur at [redacted] in the car park" in html
    assert Case.objects.get(pk=case.pk).allegations.get().summary == TEXT
    reconciled = verify_state()
    assert reconciled.ok, reconciled.failure


def test_a_passage_that_is_not_in_the_text_is_refused_and_kept(world, signed_in):
    case = _case(world)
    response = signed_in("case_manager").post(
        f"/cases/{case.reference}/redactions/",
        {
            "redaction-allegation": str(case.allegations.get().pk),
            "redaction-passage": "Dana Witless",
            "redaction-reason": "Typo on purpose.",
        },
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert "Not found in the allegation." in html and "Typo on purpose." in html
    assert not Redaction.objects.exists()


def test_another_cases_allegation_cannot_be_named(world):
    case, other = _case(world), _case(world)
    with pytest.raises(InvalidInput):
        redactions.redaction_mark(
            actor=world.case_manager,
            case=case,
            allegation_id=other.allegations.get().pk,
            passage="Dana Witness",
            reason="Wrong case.",
        )
    assert not Redaction.objects.exists()


def test_only_the_case_team_may_mark(world, signed_in):
    case = _case(world)
    refused = signed_in("reviewer").post(
        f"/cases/{case.reference}/redactions/",
        {
            "redaction-allegation": str(case.allegations.get().pk),
            "redaction-passage": "Dana Witness",
            "redaction-reason": "Not mine to do.",
        },
    )
    assert refused.status_code in (403, 404) and not Redaction.objects.exists()


def test_the_api_marks_and_lists_redactions(world):
    case = _case(world)
    allegation = case.allegations.get()
    api = ApiClient(world.people)
    detail = api.get(f"/cases/{case.reference}", "case_manager").json()
    assert detail["allegations"][0]["id"] == allegation.pk
    made = api.post(
        f"/cases/{case.reference}/redactions",
        {"allegation": allegation.pk, "passage": "car park", "reason": "Identifies the place."},
        "case_manager",
    )
    assert made.status_code == 201, made.content
    assert made.json()["passage"] == "car park"
    listed = api.get(f"/cases/{case.reference}/redactions", "case_manager")
    assert [r["id"] for r in listed.json()] == [made.json()["id"]]
    missing = api.post(
        f"/cases/{case.reference}/redactions",
        {"allegation": allegation.pk, "passage": "nowhere", "reason": "Not in it."},
        "case_manager",
    )
    assert missing.status_code == 422 and Redaction.objects.count() == 1


def test_a_passage_inside_another_is_not_left_half_shown():
    assert (
        redactions.redacted("Dana Witness and Dana", ["Dana", "Dana Witness"])
        == "[redacted] and [redacted]"
    )


def _marked(world: World, case: Case, passage: str = "Dana Witness") -> Redaction:
    return redactions.redaction_mark(
        actor=world.case_manager,
        case=case,
        allegation_id=case.allegations.get().pk,
        passage=passage,
        reason="A witness not yet told.",
    )


def test_a_withdrawn_mark_shows_the_passage_again_and_is_recorded(
    world, signed_in, django_capture_on_commit_callbacks
):
    case = _case(world)
    mark = _marked(world, case)
    kept = _marked(world, case, "car park")
    manager = signed_in("case_manager")
    start = last_seq()
    done = manager.post(
        f"/cases/{case.reference}/redactions/{mark.pk}/withdraw/",
        {f"unredact-{mark.pk}-reason": "The witness agreed to be named."},
    )
    assert done.status_code == 302
    [(entry, details)] = entries_since(start, "case.redaction_withdrawn")
    assert entry.actor == actor_pseudonym(world.case_manager)
    assert (
        details["redaction"] == mark.pk and details["reason"] == "The witness agreed to be named."
    )
    withdrawal = RedactionWithdrawal.objects.get()
    assert (withdrawal.redaction, withdrawal.withdrawn_by) == (mark, world.case_manager)
    page = manager.get(f"/cases/{case.reference}/").content.decode()
    assert "Withdrawn by " + world.case_manager.full_name in page
    assert "The witness agreed to be named." in page
    # only the mark still in force has a withdraw form
    assert f"/redactions/{kept.pk}/withdraw/" in page
    assert f"/redactions/{mark.pk}/withdraw/" not in page
    assert "Shouted a slur at Dana Witness in the [redacted]" in page
    respondent = _respondent(world, case, django_capture_on_commit_callbacks)
    html = respondent.get("/receipt/case/").content.decode()
    assert "Shouted a slur at Dana Witness in the [redacted], in front of Dana Witness" in html
    assert Redaction.objects.count() == 2  # the mark stays on the record
    reconciled = verify_state()
    assert reconciled.ok, reconciled.failure


def test_a_withdrawal_needs_a_reason(world, signed_in):
    case = _case(world)
    mark = _marked(world, case)
    start = last_seq()
    response = signed_in("case_manager").post(
        f"/cases/{case.reference}/redactions/{mark.pk}/withdraw/",
        {f"unredact-{mark.pk}-reason": "   "},
    )
    assert response.status_code == 422
    assert f'id="unredact-{mark.pk}" open' in response.content.decode()
    with pytest.raises(InvalidInput):
        redactions.redaction_withdraw(
            actor=world.case_manager, case=case, redaction_id=mark.pk, reason=""
        )
    assert not RedactionWithdrawal.objects.exists()
    assert entries_since(start, "case.redaction_withdrawn") == []


def test_a_mark_is_withdrawn_once(world, signed_in):
    case = _case(world)
    mark = _marked(world, case)
    redactions.redaction_withdraw(
        actor=world.case_manager, case=case, redaction_id=mark.pk, reason="Agreed."
    )
    start = last_seq()
    with pytest.raises(InvalidInput, match="already been withdrawn"):
        redactions.redaction_withdraw(
            actor=world.case_manager, case=case, redaction_id=mark.pk, reason="Again."
        )
    again = signed_in("case_manager").post(
        f"/cases/{case.reference}/redactions/{mark.pk}/withdraw/",
        {f"unredact-{mark.pk}-reason": "Again."},
    )
    assert again.status_code == 422
    assert "This redaction has already been withdrawn." in again.content.decode()
    assert RedactionWithdrawal.objects.get().reason == "Agreed."
    assert entries_since(start, "case.redaction_withdrawn") == []


def test_an_unknown_or_another_cases_mark_is_not_found(world, signed_in):
    case, other = _case(world), _case(world)
    theirs = _marked(world, other)
    with pytest.raises(NotFound):
        redactions.redaction_withdraw(
            actor=world.case_manager, case=case, redaction_id=theirs.pk, reason="Wrong case."
        )
    missing = signed_in("case_manager").post(
        f"/cases/{case.reference}/redactions/{theirs.pk + 100}/withdraw/",
        {f"unredact-{theirs.pk + 100}-reason": "No such mark."},
    )
    assert missing.status_code == 404
    assert not RedactionWithdrawal.objects.exists()


def test_only_the_case_team_may_withdraw(world, signed_in):
    case = _case(world)
    mark = _marked(world, case)
    start = last_seq()
    refused = signed_in("reviewer").post(
        f"/cases/{case.reference}/redactions/{mark.pk}/withdraw/",
        {f"unredact-{mark.pk}-reason": "Not mine to do."},
    )
    assert refused.status_code in (403, 404)
    assert not RedactionWithdrawal.objects.exists()
    assert LedgerEntry.objects.filter(seq__gt=start, action="access.denied").exists()


def test_the_api_withdraws_a_mark_and_refuses_what_it_cannot(world):
    case, other = _case(world), _case(world)
    mark, theirs = _marked(world, case), _marked(world, other)
    api = ApiClient(world.people)
    path = f"/cases/{case.reference}/redactions/{mark.pk}/withdraw"
    extra = api.post(path, {"reason": "Agreed.", "passage": "x"}, "case_manager")
    assert extra.status_code == 422  # the input schema is strict
    empty = api.post(path, {}, "case_manager")
    assert empty.status_code == 422
    blank = api.post(path, {"reason": "  "}, "case_manager")
    assert blank.status_code == 422
    elsewhere = api.post(
        f"/cases/{case.reference}/redactions/{theirs.pk}/withdraw", {"reason": "x"}, "case_manager"
    )
    assert elsewhere.status_code == 404
    assert not RedactionWithdrawal.objects.exists()
    done = api.post(path, {"reason": "The witness agreed."}, "case_manager")
    assert done.status_code == 200, done.content
    body = done.json()
    assert body["id"] == mark.pk and body["withdrawn"]["reason"] == "The witness agreed."
    assert body["withdrawn"]["by"]["email"] == world.case_manager.email
    twice = api.post(path, {"reason": "Again."}, "case_manager")
    assert twice.status_code == 422
    listed = api.get(f"/cases/{case.reference}/redactions", "case_manager").json()
    assert [(r["id"], r["withdrawn"] is not None) for r in listed] == [(mark.pk, True)]
    assert RedactionWithdrawal.objects.count() == 1


def test_marks_and_withdrawals_are_append_only(world):
    case = _case(world)
    mark = _marked(world, case)
    withdrawal = redactions.redaction_withdraw(
        actor=world.case_manager, case=case, redaction_id=mark.pk, reason="Agreed."
    )
    for query in (
        Redaction.objects.filter(pk=mark.pk),
        RedactionWithdrawal.objects.filter(pk=withdrawal.pk),
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            query.update(reason="Changed quietly.")
        with pytest.raises(DatabaseError), transaction.atomic():
            query.delete()
    assert Redaction.objects.get().reason == "A witness not yet told."
