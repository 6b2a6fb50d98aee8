"""Emergency access through the API: asked for a case one cannot see, decided by a second
person, brief — and every request, decision and look at the board on the ledger."""

from __future__ import annotations

from dueprocess.access.models import EmergencyAccess
from dueprocess.cases.models import Case
from tests.api.client import problem_code, problem_of
from tests.api.trail import actions_since, last_on, mark
from tests.world import World

REASON = {"reason": "The investigator is in hospital and a notice must go out today."}


def _asked(api, world: World) -> tuple[Case, int]:  # type: ignore[no-untyped-def]
    case = world.case_at("investigation")
    response = api.post(f"/cases/{case.reference}/emergency-access", REASON, "investigator_b")
    assert response.status_code == 201, response.content
    return case, response.json()["id"]


def test_access_is_asked_for_a_case_one_cannot_see_and_waits_for_a_second_person(api, world):
    case = world.case_at("investigation")
    assert api.get(f"/cases/{case.reference}", "investigator_b").status_code == 404
    before = mark()
    response = api.post(f"/cases/{case.reference}/emergency-access", REASON, "investigator_b")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "pending" and body["reference"] == case.reference
    assert body["decided_by"] is None and body["expires_at"] is None
    assert actions_since(before) == ["emergency.requested"]
    assert last_on(case).actor == world.investigator_b
    assert api.get(f"/cases/{case.reference}", "investigator_b").status_code == 404


def test_asking_is_refused_to_those_who_may_not_and_asking_twice_is_refused(api, world):
    case = world.case_at("investigation")
    path = f"/cases/{case.reference}/emergency-access"
    assert api.post(path, REASON, "reviewer").status_code == 403
    for persona in ("political", "moved", "oversight", "outsider"):
        refused = api.post(path, REASON, persona)
        assert refused.status_code == 404 and problem_code(refused) == "not-found", persona
    assert api.post("/cases/C-1999-99999/emergency-access", REASON, "intake").status_code == 404
    assert not EmergencyAccess.objects.exists()
    assert api.post(path, REASON, "intake").status_code == 201
    twice = api.post(path, REASON, "intake")
    assert twice.status_code == 422 and problem_code(twice) == "validation"
    assert EmergencyAccess.objects.count() == 1


def test_a_request_needs_a_short_written_reason(api, world):
    case = world.case_at("investigation")
    path = f"/cases/{case.reference}/emergency-access"
    for body in ({"reason": ""}, {"reason": "x" * 2001}, {}, {"reason": "Now.", "hours": 4}):
        response = api.post(path, body, "investigator_b")
        assert response.status_code == 422 and problem_code(response) == "validation", body
    assert not EmergencyAccess.objects.exists()


def test_the_board_shows_approvers_what_waits_and_requesters_their_own(api, world):
    case, grant_id = _asked(api, world)
    before = mark()
    board = api.get("/emergency-access", "case_manager").json()
    assert board["may_approve"] and [g["id"] for g in board["awaiting"]] == [grant_id]
    assert board["awaiting"][0]["reason"] == REASON["reason"] and board["mine"] == []
    assert actions_since(before) == ["emergency_list.viewed"]
    mine = api.get("/emergency-access", "investigator_b").json()
    assert not mine["may_approve"] and mine["awaiting"] == []
    assert [(g["id"], g["reference"]) for g in mine["mine"]] == [(grant_id, case.reference)]
    assert api.get("/emergency-access", "outsider").json() == {
        "may_approve": True,
        "awaiting": [],
        "mine": [],
    }


def test_an_approval_opens_the_case_to_the_requester_for_the_hours_given(api, world):
    case, grant_id = _asked(api, world)
    before = mark()
    response = api.post(f"/emergency-access/{grant_id}/approve", {"hours": 4}, "case_manager")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "approved" and body["decided_by"]["email"] == world.case_manager.email
    assert actions_since(before) == ["emergency.approved"]
    entry = last_on(case)
    assert entry.actor == world.case_manager and entry.details["hours"] == 4
    assert api.get(f"/cases/{case.reference}", "investigator_b").status_code == 200
    again = api.post(f"/emergency-access/{grant_id}/refuse", {"reason": "No."}, "other_manager")
    assert again.status_code == 422 and problem_code(again) == "validation"


def test_a_refusal_is_recorded_with_its_reason_and_opens_nothing(api, world):
    case, grant_id = _asked(api, world)
    before = mark()
    body = {"reason": "The deputy can send the notice."}
    response = api.post(f"/emergency-access/{grant_id}/refuse", body, "case_manager")
    assert response.status_code == 200 and response.json()["status"] == "refused"
    assert actions_since(before) == ["emergency.refused"]
    assert last_on(case).details["reason"] == body["reason"]
    assert api.get(f"/cases/{case.reference}", "investigator_b").status_code == 404


def test_only_a_second_person_of_the_organisation_may_decide(api, world):
    _, grant_id = _asked(api, world)
    path = f"/emergency-access/{grant_id}/approve"
    own = api.post(path, {"hours": 4}, "investigator_b")
    assert own.status_code == 403 and problem_code(own) == "forbidden"
    assert api.post(path, {"hours": 4}, "reviewer").status_code == 403
    before = mark()
    assert api.post(path, {"hours": 4}, "outsider").status_code == 404
    assert actions_since(before) == ["access.denied"]
    unknown = api.post("/emergency-access/999999/approve", {"hours": 4}, "case_manager")
    assert unknown.status_code == 404
    assert EmergencyAccess.objects.get().approved_at is None


def test_hours_must_be_a_whole_number_within_the_limit(api, world):
    _, grant_id = _asked(api, world)
    path = f"/emergency-access/{grant_id}/approve"
    for hours in (0, 73, "4", 2.5, True, None):
        response = api.post(path, {"hours": hours}, "case_manager")
        assert response.status_code == 422, hours
        assert "hours" in problem_of(response)["errors"], hours
    assert api.post(path, {"hours": 4.0}, "case_manager").status_code == 200
