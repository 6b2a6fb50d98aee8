"""A case's appeals through the API: list them, lodge one (a rulebook ground and a statement,
inside the window), and decide it by the new panel (confirm or replace, with reasons)."""

from __future__ import annotations

import datetime as dt

import pytest

from dueprocess.cases.models import Appeal, Case
from dueprocess.lib import clock
from tests.api.client import ApiClient, problem_code
from tests.api.trail import actions_since, mark
from tests.world import World


@pytest.fixture
def uni_api(university: World) -> ApiClient:
    return ApiClient(university.people)


def _lodge(api: ApiClient, case: Case, **body: str):
    payload = {"ground": "new_evidence", "statement": "A witness has come forward."} | body
    return api.post(f"/cases/{case.reference}/appeals", payload, persona="case_manager")


def test_listed_lodged_and_refused_on_an_unknown_ground(uni_api, university):
    case = university.case_at("outcome_sent")
    path = f"/cases/{case.reference}/appeals"
    empty = uni_api.get(path, persona="case_manager").json()
    assert empty["declared"] is True and empty["appeals"] == []
    assert "new_evidence" in [g["key"] for g in empty["grounds"]]
    assert empty["window_closes_on"] == case.stage_due_on.isoformat()
    bad = _lodge(uni_api, case, ground="dislike", statement="")
    assert bad.status_code == 422, bad.content
    assert {"ground", "statement"} <= set(bad.json()["errors"])
    start = mark()
    made = _lodge(uni_api, case)
    assert made.status_code == 201, made.content
    assert "appeal.lodged" in actions_since(start)
    body = made.json()
    assert body["ground"] == "new_evidence" and body["result"] == ""
    listed = uni_api.get(path, persona="case_manager").json()
    assert listed["open_appeal"] == body["id"] and len(listed["appeals"]) == 1


def test_lodging_after_the_window_is_a_409_with_the_day_it_closed(uni_api, university):
    case = university.case_at("outcome_sent")
    closes = case.stage_due_on
    late = dt.datetime.combine(closes + dt.timedelta(days=3), dt.time(9), tzinfo=dt.UTC)
    with clock.frozen(late):
        refused = _lodge(uni_api, case)
    assert refused.status_code == 409 and problem_code(refused) == "illegal-transition"
    assert closes.isoformat() in refused.content.decode()
    assert not Appeal.objects.filter(case=case).exists()


def test_the_new_panel_replaces_the_decision(uni_api, university):
    case = university.case_at("outcome_sent")
    appeal = _lodge(uni_api, case).json()
    case = Case.objects.get(pk=case.pk)
    university.new_panel(case)
    members = case.assignments.filter(role="panel_member", ended_at__isnull=True)
    votes = [{"member": a.user.email, "concurs": True} for a in members.select_related("user")]
    body = {
        "result": "replace",
        "finding": "no_breach",
        "sanctions": [],
        "reasons": "The witness shows it was not the respondent.",
        "votes": votes,
    }
    path = f"/cases/{case.reference}/appeals/{appeal['id']}/decide"
    first = uni_api.post(path, body, persona="panel_chair")  # sat at first instance
    assert first.status_code in (403, 404, 409), first.content
    assert not Appeal.objects.filter(case=case, outcome__isnull=False).exists()
    start = mark()
    made = uni_api.post(path, body, persona="appeal_chair")
    assert made.status_code == 201, made.content
    assert "decision.recorded" in actions_since(start)
    out = made.json()
    assert out["result"] == "replaced" and out["decision"] is not None
    assert out["reasons"] == "The witness shows it was not the respondent."
