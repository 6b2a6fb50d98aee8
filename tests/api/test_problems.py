"""Every error is an RFC 9457 problem with a stable ``type`` — never a 500, never HTML."""

from __future__ import annotations

import json

from dueprocess.accounts.models import InterestDeclaration
from dueprocess.api.limits import MAX_BODY_BYTES
from dueprocess.cases.models import Case, Note
from dueprocess.ledger.models import LedgerEntry
from dueprocess.lib import clock
from dueprocess.members.models import Member
from tests.api.client import problem_code, problem_of

ALL_YES = {"in_scope": True, "respondent_is_member": True, "not_duplicate": True}


def test_invalid_input_is_a_validation_problem_naming_each_field(api, world):
    case = world.case_at("received")
    response = api.post(f"/cases/{case.reference}/notes", {"body": "   "}, "intake")
    problem = problem_of(response)
    assert response.status_code == 422
    assert problem["type"] == "https://dueprocess.invalid/problems/validation"
    assert set(problem["errors"]) == {"body"}
    assert problem["instance"] == f"/api/v1/cases/{case.reference}/notes"


def test_a_service_refusal_of_input_is_a_validation_problem_with_its_fields(api, world):
    case = world.case_at("triage")
    response = api.post(
        f"/cases/{case.reference}/triage", {"answers": {"in_scope": True}}, "intake"
    )
    assert problem_code(response) == "validation"
    assert set(problem_of(response)["errors"]) == {"respondent_is_member", "not_duplicate"}


def test_a_duplicate_without_the_case_it_repeats_is_refused_naming_the_field(api, world):
    case = world.case_at("triage")
    body = {
        "answers": ALL_YES | {"not_duplicate": False},
        "reason": "Repeats another.",
        "member_reason": "Joined this month.",
    }
    response = api.post(f"/cases/{case.reference}/triage", body, "intake")
    assert response.status_code == 422 and problem_code(response) == "validation"
    assert set(problem_of(response)["errors"]) == {"duplicate_of"}
    assert Case.objects.get(pk=case.pk).stage == "triage"


def test_a_step_from_the_wrong_stage_is_an_illegal_transition(api, world):
    case = world.case_at("received")
    response = api.post(f"/cases/{case.reference}/transitions/close", {}, "case_manager")
    assert response.status_code == 409 and problem_code(response) == "illegal-transition"
    assert "cannot be taken from the stage 'Received'" in problem_of(response)["detail"]


def test_a_step_without_its_required_reasons_is_reason_required(api, world):
    case = world.case_at("notified")
    response = api.post(
        f"/cases/{case.reference}/transitions/lodge_appeal", {"reason": " "}, "case_manager"
    )
    assert response.status_code == 422 and problem_code(response) == "reason-required"
    assert problem_of(response)["errors"] == {"reason": "Reasons are required."}
    assert Case.objects.get(pk=case.pk).stage == "notified"


def test_assigning_a_conflicted_person_is_a_conflict_of_interest(api, world):
    member = Member.objects.create(organisation=world.organisation, number="M7", full_name="Kin")
    InterestDeclaration.objects.create(
        user=world.investigator_b,
        kind="relationship",
        member=member,
        description="Cousin",
        declared_at=clock.now(),
    )
    from dueprocess.cases.services import PartyInput

    case = world.case_at("investigation", respondent=PartyInput(member_number="M7"))
    response = api.post(
        f"/cases/{case.reference}/assignments",
        {"assignee": world.investigator_b.email, "role": "investigator"},
        "case_manager",
    )
    assert response.status_code == 409 and problem_code(response) == "conflict-of-interest"


def test_acting_on_a_stale_version_is_a_stale_state_problem(api, world):
    case = world.case_at("received")
    body = {"reason": "", "expected_version": case.version + 5}
    response = api.post(f"/cases/{case.reference}/transitions/acknowledge", body, "intake")
    assert response.status_code == 409 and problem_code(response) == "stale-state"


def test_someone_who_may_see_a_case_but_not_act_gets_forbidden(api, world):
    case = world.case_at("received")
    response = api.post(f"/cases/{case.reference}/notes", {"body": "A note."}, "reviewer")
    assert response.status_code == 403 and problem_code(response) == "forbidden"
    assert not Note.objects.exists()


def test_an_unknown_case_and_a_hidden_case_give_the_same_404(api, world):
    case = world.case_at("received")
    hidden = api.get(f"/cases/{case.reference}", "political")
    missing = api.get("/cases/C-1999-99999", "political")
    assert hidden.status_code == missing.status_code == 404
    hidden_body, missing_body = problem_of(hidden), problem_of(missing)
    hidden_body.pop("instance"), missing_body.pop("instance")
    assert hidden_body == missing_body
    assert hidden_body["type"] == "https://dueprocess.invalid/problems/not-found"
    assert LedgerEntry.objects.filter(action="access.denied").count() == 2


def test_malformed_json_is_a_400_problem(api, world):
    case = world.case_at("received")
    response = api.call(
        "POST", f"/cases/{case.reference}/notes", persona="intake", raw=b'{"body": "unfinished'
    )
    assert response.status_code == 400 and problem_code(response) == "malformed-request"


def test_a_body_that_is_not_json_is_refused_as_unsupported(api, world):
    case = world.case_at("received")
    response = api.call(
        "POST",
        f"/cases/{case.reference}/notes",
        persona="intake",
        raw="body=hello",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 415 and problem_code(response) == "unsupported-media-type"


def test_a_body_over_the_limit_is_refused_unread(api, world):
    case = world.case_at("received")
    big = json.dumps({"body": "x" * MAX_BODY_BYTES})
    response = api.call("POST", f"/cases/{case.reference}/notes", persona="intake", raw=big)
    assert response.status_code == 413 and problem_code(response) == "payload-too-large"
    assert not Note.objects.exists()


def test_a_bulk_import_may_be_larger_than_other_requests(api, world):
    rows = [{"number": f"NM-{i}", "full_name": f"Member {i:04d} " + "x" * 80} for i in range(3000)]
    response = api.post("/members/import", {"members": rows}, "case_manager")
    assert response.status_code == 200, response.content
    assert response.json()["created"] == 3000


def test_an_unknown_field_is_refused_rather_than_ignored(api, world):
    case = world.case_at("received")
    response = api.post(f"/cases/{case.reference}/notes", {"body": "x", "bdy": "y"}, "intake")
    assert response.status_code == 422 and "bdy" in problem_of(response)["errors"]


def test_text_with_a_nul_character_is_refused_before_it_reaches_the_database(api, world):
    response = api.get("/cases?category=a%00b", "case_manager")
    assert response.status_code == 422 and problem_code(response) == "validation"
    response = api.post("/members/match", {"number": "M\u0000"}, "case_manager")
    assert response.status_code == 422


def test_an_unknown_endpoint_is_a_404_problem(api):
    for method in ("GET", "POST", "DELETE"):
        response = api.call(method, "/no/such/thing", persona="case_manager")
        assert response.status_code == 404 and problem_code(response) == "not-found"


def test_a_missing_or_bad_token_is_401_with_a_bearer_challenge(api):
    for token in (None, "dp_not-a-real-token", "something else"):
        response = api.get("/cases", token=token)
        assert response.status_code == 401 and problem_code(response) == "unauthenticated"
        assert response["WWW-Authenticate"].startswith('Bearer realm="dueprocess"')


def test_a_token_without_the_scope_is_403_and_the_refusal_is_recorded(api, world):
    case = world.case_at("received")
    response = api.post(
        f"/cases/{case.reference}/notes", {"body": "x"}, "intake", scopes=("cases:read",)
    )
    assert response.status_code == 403 and problem_code(response) == "forbidden"
    assert 'error="insufficient_scope", scope="cases:write"' in response["WWW-Authenticate"]
    assert LedgerEntry.objects.filter(action="access.denied").count() == 1
    assert not Note.objects.exists()


def test_every_problem_type_served_is_documented(api):
    schema = api.client.get("/api/v1/openapi.json").json()
    documented = set(schema["components"]["schemas"]["Problem"]["properties"]["type"]["enum"])
    from dueprocess.api.problems import PROBLEMS, problem_type
    from dueprocess.errors import DomainError

    codes = {cls.code for cls in _subclasses(DomainError)}
    assert {problem_type(c) for c in codes} <= documented
    assert documented == {problem_type(c) for c in PROBLEMS}


def _subclasses(cls: type) -> set[type]:
    found = set(cls.__subclasses__())
    return found | {sub for child in found for sub in _subclasses(child)}


def test_broken_unicode_in_a_body_is_refused_not_crashed_on(api, world):
    case = world.case_at("received")
    for raw in ('{"body": "\\ud800"}', '{"body": "x", "\\udfff": 1}', b'{"body": "\xff\xfe"}'):
        response = api.call("POST", f"/cases/{case.reference}/notes", persona="intake", raw=raw)
        assert response.status_code in (400, 422), raw
        assert problem_code(response) in ("validation", "malformed-request")
    assert not Note.objects.exists()


def test_a_problem_naming_an_unencodable_field_is_still_sent(rf):
    from dueprocess.api.problems import problem

    response = problem(rf.get("/api/v1/x"), "validation", "Bad.", errors={"\ud800": "Unknown."})
    assert response.status_code == 422 and b'"?": "Unknown."' in response.content
