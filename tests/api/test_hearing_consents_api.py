"""Answers to a hearing's recording through the API: kept at
``/cases/{ref}/hearings/{id}/consents`` and listed in the hearing's read shape; recording the
hearing without each present person's consent is a 422 naming who."""

from __future__ import annotations

import datetime as dt

import pytest

from dueprocess.lib import clock
from tests.api.client import ApiClient
from tests.api.trail import actions_since, mark
from tests.hearings.test_recording_consents import OTHER, scheduled
from tests.world import World


@pytest.fixture
def uni_api(university: World) -> ApiClient:
    return ApiClient(university.people)


def test_consents_kept_listed_and_required(uni_api, university):
    case, hearing = scheduled(university)
    path = f"/cases/{case.reference}/hearings/{hearing.pk}"
    given = (clock.now() - dt.timedelta(hours=1)).isoformat()
    body = {"person": OTHER, "answer": "given", "scope": "Audio", "given_at": given}
    start = mark()
    made = uni_api.post(f"{path}/consents", body, persona="case_manager")
    assert made.status_code == 201, made.content
    assert actions_since(start) == ["consent.recorded"]
    [consent] = made.json()["consents"]
    assert (consent["person"], consent["answer"]) == (OTHER, "given")
    bad = uni_api.post(f"{path}/consents", body | {"answer": "perhaps"}, persona="case_manager")
    assert bad.status_code == 422
    listed = uni_api.get(f"/cases/{case.reference}/hearings", persona="panel_chair").json()
    assert [c["person"] for c in listed["hearings"][0]["consents"]] == [OTHER]
    with clock.frozen(hearing.starts_at + dt.timedelta(hours=2)):
        refused = uni_api.post(
            f"{path}/record",
            {
                "respondent_attended": False,
                "account": "Heard.",
                "outcome": "Later.",
                "recording_made": True,
                "others_present": [OTHER],
            },
            persona="panel_chair",
        )
    assert refused.status_code == 422
    assert university.panel_chair.full_name in refused.content.decode()
    assert OTHER not in refused.json()["detail"].split("none stands for:")[1]
