"""A sealed decision through the API: recorded with ``sealed: true`` on the decision endpoint,
kept out of the case file and the decisions list of everyone but its panel (who are told only
that one exists and when), announced by its recorder at ``.../decisions/{id}/announce``."""

from __future__ import annotations

import pytest

from dueprocess.cases.models import Case
from tests.api.client import ApiClient, problem_code
from tests.api.trail import actions_since, mark
from tests.world import World, within_guideline

REASONS = "Sealed wording of the panel's reasons."


@pytest.fixture
def uni_api(university: World) -> ApiClient:
    return ApiClient(university.people)


def _sealed(uni_api: ApiClient, university: World) -> tuple[Case, int]:
    case = university.case_at("conduct_panel")
    university.prepare_for(case, "panel_outcome")
    case = Case.objects.get(pk=case.pk)
    body = {
        "finding": "breach",
        "sanctions": within_guideline(case),
        "reasons": REASONS,
        "transition": "panel_outcome",
        "sealed": True,
        "votes": [
            {"member": university.panel_chair.email, "concurs": True},
            {"member": university.panel_b.email, "concurs": True},
            {"member": university.panel_c.email, "concurs": True},
        ],
    }
    start = mark()
    made = uni_api.post(f"/cases/{case.reference}/decision", body, persona="panel_chair")
    assert made.status_code == 201, made.content
    assert made.json()["sealed"] is True and made.json()["announced_at"] is None
    assert actions_since(start) == ["decision.sealed"]
    return case, made.json()["id"]


def test_the_case_file_shows_it_to_the_panel_only(uni_api, university):
    case, decision = _sealed(uni_api, university)
    path = f"/cases/{case.reference}"
    chair = uni_api.get(path, persona="panel_b").json()
    assert [d["id"] for d in chair["decisions"]] == [decision] and chair["sealed_decisions"] == []
    for persona in ("case_manager", "investigator", "reviewer"):
        answer = uni_api.get(path, persona=persona)
        assert answer.status_code == 200, persona
        body = answer.json()
        assert body["decisions"] == [] and REASONS not in answer.content.decode()
        assert [n["id"] for n in body["sealed_decisions"]] == [decision]
        listed = uni_api.get(f"{path}/decisions", persona=persona)
        assert listed.json() == [] and REASONS not in listed.content.decode()


def test_announced_by_its_recorder_once(uni_api, university):
    case, decision = _sealed(uni_api, university)
    path = f"/cases/{case.reference}/decisions/{decision}/announce"
    start = mark()
    other = uni_api.post(path, {}, persona="panel_b")
    assert other.status_code == 409 and problem_code(other) == "illegal-transition"
    assert actions_since(start) == ["decision.refused"]
    outsider = uni_api.post(path, {}, persona="case_manager")
    assert outsider.status_code in (403, 404)
    done = uni_api.post(path, {}, persona="panel_chair")
    assert done.status_code == 200, done.content
    assert done.json()["announced_at"] is not None and done.json()["reasons"] == REASONS
    again = uni_api.post(path, {}, persona="panel_chair")
    assert again.status_code == 409 and "already announced" in again.content.decode()
    seen = uni_api.get(f"/cases/{case.reference}", persona="case_manager").json()
    assert [d["id"] for d in seen["decisions"]] == [decision] and seen["stage"] == "outcome"
    assert seen["sealed_decisions"] == []
