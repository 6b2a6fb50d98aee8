"""The consents to being recorded, and the interviews, as the API reads them: their own list
and the case file, each a recorded view of the case like the case page."""

from __future__ import annotations

from dueprocess.cases.models import Case
from tests.api.client import problem_code
from tests.api.matrix import staffed_case
from tests.api.trail import actions_since, last_on, mark

INTERVIEW = {
    "interviewee": "Odile Brennan",
    "held_at": "2026-01-05T10:00:00Z",
    "statement": "I saw the post on the morning it went up.",
    "statement_agreed": True,
}
CONSENT = {
    "person": "Odile Brennan",
    "scope": "Audio of her interview.",
    "given_at": "2026-01-05T09:55:00Z",
}


def _interview_and_two_consents(api, case: Case) -> tuple[dict, list[dict]]:  # type: ignore[no-untyped-def,type-arg]
    """An interview, a consent given at it, and a later one given at no interview."""
    path = f"/cases/{case.reference}"
    made = api.post(f"{path}/interviews", INTERVIEW, "investigator")
    assert made.status_code == 201, made.content
    first = api.post(f"{path}/consents", CONSENT | {"interview": made.json()["id"]}, "investigator")
    later = CONSENT | {"person": "Hal Witness", "given_at": "2026-01-06T09:00:00Z"}
    second = api.post(f"{path}/consents", later, "investigator")
    assert first.status_code == second.status_code == 201, (first.content, second.content)
    return made.json(), [first.json(), second.json()]


def test_the_consents_are_listed_oldest_first_on_a_recorded_view(api, world):
    case = staffed_case(world, "investigation")
    interview, consents = _interview_and_two_consents(api, case)
    before = mark()
    listed = api.get(f"/cases/{case.reference}/consents", "case_manager")
    assert listed.status_code == 200, listed.content
    assert listed.json() == consents
    first, second = listed.json()
    assert first["person"] == "Odile Brennan" and first["interview"] == interview["id"]
    assert first["purpose"] == "recording" and first["scope"] == CONSENT["scope"]
    assert first["recorded_by"]["email"] == world.investigator.email
    assert second["person"] == "Hal Witness" and second["interview"] is None
    assert actions_since(before) == ["case.viewed"]
    entry = last_on(case)
    assert entry.actor == world.case_manager and entry.action == "case.viewed"


def test_a_case_with_no_consents_lists_none_and_the_read_is_still_recorded(api, world):
    case = staffed_case(world, "investigation")
    before = mark()
    listed = api.get(f"/cases/{case.reference}/consents", "investigator")
    assert listed.status_code == 200 and listed.json() == []
    assert actions_since(before) == ["case.viewed"]


def test_the_consents_of_a_case_one_may_not_see_are_not_found_and_nothing_is_shown(api, world):
    case = staffed_case(world, "investigation")
    _interview_and_two_consents(api, case)
    for persona in ("political", "outsider"):
        before = mark()
        refused = api.get(f"/cases/{case.reference}/consents", persona)
        assert refused.status_code == 404 and problem_code(refused) == "not-found", persona
        assert "Odile Brennan" not in refused.content.decode()
        assert "case.viewed" not in actions_since(before), persona
    missing = api.get("/cases/C-2099-99999/consents", "case_manager")
    assert missing.status_code == 404 and problem_code(missing) == "not-found"


def test_the_consents_need_the_read_scope(api, world):
    case = staffed_case(world, "investigation")
    api.token("case_manager", scopes=("cases:write",))  # its creation is not the read
    before = mark()
    path = f"/cases/{case.reference}/consents"
    refused = api.get(path, "case_manager", scopes=("cases:write",))
    assert refused.status_code == 403
    assert "case.viewed" not in actions_since(before)


def test_the_case_file_carries_the_interviews_and_consents_the_lists_give(api, world):
    case = staffed_case(world, "investigation")
    _interview_and_two_consents(api, case)
    path = f"/cases/{case.reference}"
    before = mark()
    detail = api.get(path, "case_manager")
    assert detail.status_code == 200, detail.content
    assert actions_since(before) == ["case.viewed"]
    assert set(last_on(case).details["sections"]) >= {"interviews", "consents"}
    assert detail.json()["interviews"] == api.get(f"{path}/interviews", "case_manager").json()
    assert detail.json()["consents"] == api.get(f"{path}/consents", "case_manager").json()
    assert [i["interviewee"] for i in detail.json()["interviews"]] == ["Odile Brennan"]
    assert [c["person"] for c in detail.json()["consents"]] == ["Odile Brennan", "Hal Witness"]


def test_a_case_file_without_interviews_carries_empty_lists(api, world):
    case = staffed_case(world, "investigation")
    body = api.get(f"/cases/{case.reference}", "investigator").json()
    assert body["interviews"] == [] and body["consents"] == []
