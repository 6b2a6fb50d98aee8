"""A decided case's summary through the API: read, write, approve, send back; strict input."""

from __future__ import annotations

from tests.api.client import problem_code
from tests.api.trail import actions_since, mark

TEXT = "A member shared a post repeating a trope. The panel found a breach."


def test_written_then_approved_by_someone_else_each_recorded(api, world):
    case = world.case_at("notified")
    path = f"/cases/{case.reference}/summary"
    empty = api.get(path, persona="investigator")
    assert empty.status_code == 200
    assert empty.json()["status"] == "none" and empty.json()["open"] is True
    assert empty.json()["decision"]["kind"] == "panel"
    start = mark()
    written = api.post(path, {"text": TEXT}, persona="investigator")
    assert written.status_code == 201, written.content
    assert written.json()["version"] == 1 and written.json()["review"] is None
    assert actions_since(start) == ["summary.written"]
    approved = api.post(f"{path}/approve", {"version": 1}, persona="case_manager")
    assert approved.status_code == 200, approved.content
    assert approved.json()["review"]["verdict"] == "approved"
    assert approved.json()["review"]["by"]["email"] == world.case_manager.email
    state = api.get(path, persona="case_manager").json()
    assert state["status"] == "approved" and [v["text"] for v in state["versions"]] == [TEXT]
    final = api.post(path, {"text": "Again."}, persona="investigator")
    assert final.status_code == 409 and problem_code(final) == "illegal-transition"


def test_the_author_may_not_approve_and_a_return_needs_a_reason(api, world):
    case = world.case_at("notified")
    path = f"/cases/{case.reference}/summary"
    assert api.post(path, {"text": TEXT}, persona="case_manager").status_code == 201
    start = mark()
    own = api.post(f"{path}/approve", {"version": 1}, persona="case_manager")
    assert own.status_code == 403 and problem_code(own) == "forbidden"
    assert actions_since(start) == ["access.denied"]
    blank = api.post(f"{path}/return", {"version": 1, "reason": " "}, persona="reviewer")
    assert blank.status_code == 422
    back = api.post(f"{path}/return", {"version": 1, "reason": "Too close."}, persona="reviewer")
    assert back.status_code == 200 and back.json()["review"]["verdict"] == "returned"
    assert back.json()["review"]["reason"] == "Too close."


def test_bad_input_is_refused_with_field_errors_and_nothing_is_written(api, world):
    case = world.case_at("notified")
    path = f"/cases/{case.reference}/summary"
    start = mark()
    named = api.post(path, {"text": "Rex Respondent shared it."}, persona="investigator")
    assert named.status_code == 422 and "text" in named.json()["errors"]
    extra = api.post(path, {"text": TEXT, "approved": True}, persona="investigator")
    assert extra.status_code == 422
    wrong = api.post(f"{path}/approve", {"version": "1"}, persona="case_manager")
    assert wrong.status_code == 422
    assert api.get("/cases/C-1999-99999/summary", persona="investigator").status_code == 404
    assert "summary.written" not in actions_since(start)
    early = world.case_at("investigation")
    too_soon = api.post(f"/cases/{early.reference}/summary", {"text": TEXT}, persona="case_manager")
    assert too_soon.status_code == 409
