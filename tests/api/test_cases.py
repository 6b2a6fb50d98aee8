"""Cases through the API: opening (once, with an idempotency key), reading, steps, and lists
with filters and a cursor that neither skips nor repeats."""

from __future__ import annotations

import datetime as dt
import json

from dueprocess.cases import services as svc
from dueprocess.cases.models import Case
from dueprocess.ledger import sealing
from dueprocess.ledger.entries import parse_entry
from dueprocess.ledger.models import LedgerEntry, LedgerPayload
from dueprocess.ledger.record import actor_pseudonym
from dueprocess.lib import clock
from tests.api.client import problem_code, problem_of

OPEN = {
    "unit": "complaints",
    "category": "antisemitism",
    "summary": "A post repeating an antisemitic conspiracy trope.",
    "complainant": {"name": "Ola Complainant", "email": "ola@public.example", "anonymous": True},
    "respondent": {"name": "Rex Respondent"},
    "allegations": [{"summary": "Shared the post.", "occurred_on": "2026-01-03"}],
    "source": "email",
}


def test_opening_a_case_answers_201_with_its_location_and_records_the_owner(api, world):
    response = api.post("/cases", OPEN, "intake")
    assert response.status_code == 201
    body = response.json()
    assert body["stage"] == "received" and body["version"] == 1
    assert response["Location"] == f"/api/v1/cases/{body['reference']}"
    entry = parse_entry(bytes(LedgerEntry.objects.get(action="case.opened").entry))
    assert entry.actor == actor_pseudonym(world.intake)
    case = Case.objects.get(reference=body["reference"])
    assert case.source == "email" and case.allegations.get().occurred_on == dt.date(2026, 1, 3)


def test_the_same_idempotency_key_opens_the_case_once(api, world):
    first = api.post("/cases", OPEN, "intake", headers={"Idempotency-Key": "ticket-1"})
    again = api.post("/cases", OPEN, "intake", headers={"Idempotency-Key": "ticket-1"})
    other = api.post("/cases", OPEN, "intake", headers={"Idempotency-Key": "ticket-2"})
    assert first.json()["reference"] == again.json()["reference"] != other.json()["reference"]
    assert Case.objects.count() == 2
    assert LedgerEntry.objects.filter(action="case.opened").count() == 2


def test_a_reused_idempotency_key_with_another_body_is_refused_and_loses_nothing(api, world):
    first = api.post("/cases", OPEN, "intake", headers={"Idempotency-Key": "ticket-7"})
    assert first.status_code == 201
    changed = OPEN | {"summary": "A different complaint: threats at a branch meeting."}
    reused = api.post("/cases", changed, "intake", headers={"Idempotency-Key": "ticket-7"})
    assert reused.status_code == 422
    assert reused["Content-Type"].startswith("application/problem+json")
    problem = problem_of(reused)
    assert problem["type"] == "https://dueprocess.invalid/problems/idempotency-key-reused"
    assert "different request" in problem["detail"]
    assert first.json()["reference"] not in reused.content.decode()
    assert Case.objects.count() == 1
    assert LedgerEntry.objects.filter(action="case.opened").count() == 1
    # the same body under the same key still answers as before; a new key opens the new case
    again = api.post("/cases", OPEN, "intake", headers={"Idempotency-Key": "ticket-7"})
    assert again.status_code == 201 and again.json() == first.json()
    fresh = api.post("/cases", changed, "intake", headers={"Idempotency-Key": "ticket-8"})
    assert fresh.status_code == 201 and Case.objects.count() == 2


def test_an_unusable_idempotency_key_is_refused(api, world):
    response = api.post("/cases", OPEN, "intake", headers={"Idempotency-Key": "x" * 81})
    assert response.status_code == 422 and "Idempotency-Key" in problem_of(response)["errors"]
    assert not Case.objects.exists()


def test_the_unit_must_be_named_when_the_organisation_has_several(api, world):
    response = api.post("/cases", OPEN | {"unit": ""}, "intake")
    assert response.status_code == 422 and problem_of(response)["errors"] == {"unit": "Required."}
    response = api.post("/cases", OPEN | {"unit": "nowhere"}, "intake")
    assert problem_of(response)["errors"] == {"unit": "Unknown unit."}


def test_an_unknown_category_is_refused_by_the_rulebook_not_the_schema(api, world):
    response = api.post("/cases", OPEN | {"category": "heresy"}, "intake")
    assert response.status_code == 422 and "category" in problem_of(response)["errors"]
    assert not Case.objects.exists()


def test_the_case_file_hides_anonymous_complainants_and_every_party_address(api, world):
    reference = api.post("/cases", OPEN, "intake").json()["reference"]
    response = api.get(f"/cases/{reference}", "intake")
    body = response.json()
    assert body["parties"][0] == {
        "id": body["parties"][0]["id"],
        "role": "complainant",
        "name": "Anonymous complainant",
        "anonymous": True,
        "member_number": None,
        "member_match": None,
        "elected_office": "",
    }
    assert "Ola Complainant" not in response.content.decode()
    assert "ola@public.example" not in response.content.decode()
    assert body["viewer_role"] == "intake_officer"
    assert [s["key"] for s in body["steps"]] == ["acknowledge", "not_investigated"]


def test_the_steps_name_the_endpoint_that_takes_each(api, world):
    case = world.case_at("notified")
    steps = api.get(f"/cases/{case.reference}/steps", "case_manager").json()
    by_key = {s["key"]: s for s in steps}
    assert set(by_key) == {"request_hearing", "lodge_appeal", "close"}
    assert by_key["close"]["endpoint"] == f"/api/v1/cases/{case.reference}/transitions/close"
    assert by_key["lodge_appeal"]["reasons"] == "required"
    assert api.get(f"/cases/{case.reference}/steps", "reviewer").json() == []


def test_the_case_file_names_the_case_a_duplicate_repeats(api, world):
    original = world.open_case()
    case = world.case_at("triage")
    assert api.get(f"/cases/{case.reference}", "case_manager").json()["duplicate_of"] is None
    answers = {q.key: True for q in world.rules.triage_questions} | {"not_duplicate": False}
    svc.case_triage(
        member_reason="Joined this month; not in the register yet.",
        actor=world.intake,
        case=case,
        answers=answers,
        duplicate_of=original.reference,
        reason="Repeats an open complaint.",
    )
    shown = api.get(f"/cases/{case.reference}", "case_manager").json()
    assert shown["duplicate_of"] == original.reference and shown["stage"] == "closed"


def test_a_case_file_reading_is_recorded_before_it_is_returned(api, world):
    case = world.case_at("received")
    assert not LedgerEntry.objects.filter(action="case.viewed").exists()
    api.get(f"/cases/{case.reference}", "case_manager")
    entry = parse_entry(bytes(LedgerEntry.objects.get(action="case.viewed").entry))
    assert entry.actor == actor_pseudonym(world.case_manager)


def test_the_cursor_walks_every_case_once_while_cases_are_opened_and_moved(api, world):
    opened = [world.open_case(received_at=clock.now() - dt.timedelta(days=d)) for d in range(7)]
    seen: list[str] = []
    cursor = ""
    for page in range(10):
        response = api.get(f"/cases?limit=3&cursor={cursor}", "case_manager")
        body = response.json()
        seen += [item["reference"] for item in body["items"]]
        if page == 0:  # the backlog changes between pages
            world.open_case()
            svc.case_transition(actor=world.intake, case=opened[0], transition="acknowledge")
        if not body["next_cursor"]:
            break
        cursor = body["next_cursor"]
    assert len(seen) == len(set(seen)) == 8
    assert seen[:7] == [c.reference for c in reversed(opened)]


def test_a_forged_cursor_is_a_validation_problem(api, world):
    for cursor in ("bm90LWEtY3Vyc29y", "AAAA", "abc"):
        response = api.get(f"/cases?cursor={cursor}", "case_manager")
        assert response.status_code == 422 and problem_code(response) == "validation"
        assert problem_of(response)["errors"] == {"cursor": "Unknown cursor."}


def test_a_stage_or_category_the_rulebook_does_not_know_is_a_field_error_and_lists_nothing(
    api, world
):
    world.open_case()
    listed = LedgerEntry.objects.filter(action="case_list.viewed").count()
    response = api.get("/cases?stage=limbo&category=gossip", "case_manager")
    assert response.status_code == 422 and problem_code(response) == "validation"
    assert problem_of(response)["errors"] == {
        "stage": "Choose a stage from the list.",
        "category": "Choose a category from the list.",
    }
    assert LedgerEntry.objects.filter(action="case_list.viewed").count() == listed
    assert api.get("/cases?stage=received", "case_manager").status_code == 200


def test_the_page_size_is_bounded(api, world):
    assert api.get("/cases?limit=101", "case_manager").status_code == 422
    assert api.get("/cases?limit=0", "case_manager").status_code == 422


def test_lists_filter_by_stage_category_dates_and_lateness(api, world):
    old = world.open_case(received_at=clock.now() - dt.timedelta(days=40), category="islamophobia")
    new = world.case_at("triage")
    Case.objects.filter(pk=old.pk).update(stage_due_on=clock.today() - dt.timedelta(days=1))

    def refs(query: str) -> list[str]:
        response = api.get(f"/cases?{query}", "case_manager")
        assert response.status_code == 200, response.content
        return [item["reference"] for item in response.json()["items"]]

    assert refs("stage=triage") == [new.reference]
    assert refs("category=islamophobia") == [old.reference]
    cut = (clock.now() - dt.timedelta(days=10)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert refs(f"received_before={cut}") == [old.reference]
    assert refs(f"received_after={cut}") == [new.reference]
    assert refs("overdue=true") == [old.reference]
    assert refs("overdue=false") == [new.reference]
    assert api.get("/cases?overdue=yes", "case_manager").status_code == 422
    assert api.get("/cases?received_after=1700000000", "case_manager").status_code == 422
    assert refs("received_after=9999-12-31T23:59:59-23:59") == []
    items = api.get("/cases", "case_manager").json()["items"]
    assert [i["overdue"] for i in items] == [True, False]


def test_lists_carry_no_personal_data(api, world):
    world.open_case()
    response = api.get("/cases", "case_manager")
    assert "Complainant" not in response.content.decode()
    assert set(response.json()["items"][0]) == {
        "reference",
        "unit",
        "category",
        "category_label",
        "stage",
        "stage_label",
        "received_at",
        "stage_due_on",
        "overdue",
        "closed_at",
    }


def test_a_list_is_recorded_with_what_it_showed_before_it_is_returned(api, world):
    case = world.open_case()
    api.get("/cases?stage=received", "case_manager")
    entry = LedgerEntry.objects.get(action="case_list.viewed")
    raw = bytes(entry.entry)
    assert parse_entry(raw).actor == actor_pseudonym(world.case_manager)
    payload = LedgerPayload.objects.get(seq=entry.seq)
    key = sealing.subject_key(payload.subject, create=False)
    assert key is not None
    details = json.loads(sealing.unseal(key, bytes(payload.nonce), bytes(payload.ciphertext), raw))
    assert details["shown"] == [case.reference]
    assert details["filters"] == {"stage": "received"}
