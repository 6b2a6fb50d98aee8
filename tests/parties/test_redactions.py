"""Staff mark passages of the allegations to withhold from the respondent before the file is
shared: the respondent reads them as "[redacted]", the team still reads the text whole, and
each mark is on the record — through the case page and the API alike."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client

from dueprocess.cases import services as svc
from dueprocess.cases.models import Case
from dueprocess.errors import InvalidInput
from dueprocess.ledger.record import actor_pseudonym
from dueprocess.ledger.verify import verify_state
from dueprocess.parties import services as parties
from dueprocess.parties.models import Redaction
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
        parties.redaction_mark(
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
        parties.redacted("Dana Witness and Dana", ["Dana", "Dana Witness"])
        == "[redacted] and [redacted]"
    )
