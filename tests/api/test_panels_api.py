"""A case's panels through the API: list them, draw one by the rules (its inputs shown and run
again), appoint one by name with a reason; strict input."""

from __future__ import annotations

import pytest

from dueprocess.cases.models import PanelConstitution
from tests.api.client import ApiClient, problem_code
from tests.api.trail import actions_since, mark
from tests.world import World


@pytest.fixture
def uni_api(university: World) -> ApiClient:
    return ApiClient(university.people)


def test_drawn_listed_and_refused_twice(uni_api, university):
    case = university.case_at("conduct_panel")
    path = f"/cases/{case.reference}/panels"
    empty = uni_api.get(path, persona="case_manager").json()
    assert empty["panels"] == [] and empty["rules"]["quorum"] == 2
    assert [s["key"] for s in empty["rules"]["seats"]] == ["chair", "lay"]
    start = mark()
    made = uni_api.post(f"{path}/draw", {}, persona="case_manager")
    assert made.status_code == 201, made.content
    body = made.json()
    assert actions_since(start) == ["panel.drawn"]
    assert body["method"] == "drawn" and body["same_panel"] is True
    assert len(body["seed"]) == 64 and set(body["pool"]) == {"chair", "lay"}
    assert [m["seat"] for m in body["members"]] == ["chair", "lay", "lay"]
    assert body["members"][0]["person"]["email"] == university.panel_chair.email
    again = uni_api.post(f"{path}/draw", {}, persona="case_manager")
    assert again.status_code == 409 and problem_code(again) == "illegal-transition"
    listed = uni_api.get(path, persona="panel_chair").json()
    assert [p["id"] for p in listed["panels"]] == [body["id"]]


def test_appointed_by_name_needs_a_reason_and_names_eligible_members(uni_api, university):
    case = university.case_at("conduct_panel")
    path = f"/cases/{case.reference}/panels/appoint"
    seats = {
        "chair": [university.panel_chair.email],
        "lay": [university.panel_b.email, university.panel_c.email],
    }
    blank = uni_api.post(path, {"reason": " ", "seats": seats}, persona="case_manager")
    assert blank.status_code == 422
    wrong = {
        "chair": [university.panel_b.email],
        "lay": [university.panel_c.email, university.panel_spare.email],
    }
    refused = uni_api.post(path, {"reason": "Dates.", "seats": wrong}, persona="case_manager")
    assert refused.status_code == 422, refused.content
    assert not PanelConstitution.objects.filter(case=case).exists()
    made = uni_api.post(
        path, {"reason": "The drawn chair is away.", "seats": seats}, persona="case_manager"
    )
    assert made.status_code == 201, made.content
    assert made.json()["method"] == "appointed" and made.json()["same_panel"] is None


def test_only_the_head_of_complaints_draws(uni_api, university):
    case = university.case_at("conduct_panel")
    refused = uni_api.post(f"/cases/{case.reference}/panels/draw", {}, persona="panel_chair")
    assert refused.status_code in (403, 404)
    assert not PanelConstitution.objects.filter(case=case).exists()


def test_the_chair_records_the_panel_decision_with_each_members_vote(uni_api, university):
    from dueprocess.cases.models import Case
    from tests.world import within_guideline

    case = university.case_at("conduct_panel")
    university.prepare_for(case, "panel_outcome")
    case = Case.objects.get(pk=case.pk)
    body = {
        "finding": "breach",
        "sanctions": within_guideline(case),
        "reasons": "The panel adopts the findings.",
        "transition": "panel_outcome",
        "votes": [
            {"member": university.panel_chair.email, "concurs": True},
            {"member": university.panel_b.email, "concurs": True},
            {"member": university.panel_c.email, "concurs": False, "reasons": "Not shown."},
        ],
    }
    path = f"/cases/{case.reference}/decision"
    start = mark()
    refused = uni_api.post(path, body, persona="panel_b")
    assert refused.status_code == 409 and actions_since(start) == ["decision.refused"]
    made = uni_api.post(path, body, persona="panel_chair")
    assert made.status_code == 201, made.content
    votes = made.json()["votes"]
    assert [v["concurs"] for v in votes] == [True, True, False]
    assert votes[2]["reasons"] == "Not shown."
