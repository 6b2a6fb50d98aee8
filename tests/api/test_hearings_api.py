"""A case's hearings through the API: list, schedule, adjourn, record; strict input."""

from __future__ import annotations

import datetime as dt

from dueprocess.cases.models import Hearing
from dueprocess.lib import clock
from tests.api.client import problem_code
from tests.api.trail import actions_since, mark

PLACE = "Room 4, 12 Market Street, Westfold"


def _at(days: int) -> str:
    moment = (clock.now() + dt.timedelta(days=days)).replace(microsecond=0)
    return moment.isoformat().replace("+00:00", "Z")


def test_scheduled_adjourned_and_recorded_each_recorded(api, world):
    case = world.case_at("hearing")
    path = f"/cases/{case.reference}/hearings"
    empty = api.get(path, persona="case_manager").json()
    assert empty["hearings"] == [] and empty["at_stage"] is True and empty["notice_days"] == 14
    start = mark()
    made = api.post(path, {"starts_at": _at(21), "place": PLACE}, persona="case_manager")
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["status"] == "scheduled" and body["place"] == PLACE
    assert {p["email"] for p in body["panel"]} == {
        world.panel_chair.email,
        world.panel_b.email,
        world.panel_c.email,
    }
    assert [a for a in actions_since(start) if a != "letter.queued"] == ["hearing.scheduled"]
    listed = api.get(path, persona="panel_chair").json()
    assert {n["recipient_role"] for n in listed["notices"]} == {"complainant", "respondent"}
    hearing_id = body["id"]
    moved = api.post(
        f"{path}/{hearing_id}/adjourn",
        {"reason": "The respondent is unwell.", "starts_at": _at(35)},
        persona="case_manager",
    )
    assert moved.status_code == 200, moved.content
    assert moved.json()["starts_at"] != moved.json()["first_starts_at"]
    assert moved.json()["adjournments"][0]["reason"] == "The respondent is unwell."
    early = api.post(
        f"{path}/{hearing_id}/record",
        {"respondent_attended": True, "account": "Heard.", "outcome": "Decided later."},
        persona="panel_chair",
    )
    assert early.status_code == 409 and problem_code(early) == "illegal-transition"
    with clock.frozen(Hearing.objects.get().starts_at_now + dt.timedelta(hours=2)):
        held = api.post(
            f"{path}/{hearing_id}/record",
            {
                "respondent_attended": False,
                "representation": "a lawyer",
                "account": "The respondent's lawyer spoke for them.",
                "outcome": "The panel decides within seven days.",
            },
            persona="panel_chair",
        )
        assert held.status_code == 200, held.content
        assert held.json()["status"] == "held"
        assert held.json()["record"]["representation"] == "a lawyer"
        again = api.post(
            f"{path}/{hearing_id}/record",
            {"respondent_attended": True, "account": "Again.", "outcome": "Again."},
            persona="case_manager",
        )
        assert again.status_code == 409


def test_short_notice_is_a_field_error_until_the_agreement_is_given(api, world):
    case = world.case_at("hearing")
    path = f"/cases/{case.reference}/hearings"
    short = api.post(path, {"starts_at": _at(3), "place": PLACE}, persona="case_manager")
    assert short.status_code == 422
    assert set(short.json()["errors"]) >= {"starts_at", "short_notice_agreement"}
    assert "short notice" in short.json()["detail"]
    agreed = api.post(
        path,
        {"starts_at": _at(3), "place": PLACE, "short_notice_agreement": "The respondent, by mail."},
        persona="case_manager",
    )
    assert agreed.status_code == 201
    assert agreed.json()["short_notice_agreement"] == "The respondent, by mail."


def test_bad_input_and_the_wrong_person_are_refused_and_nothing_is_written(api, world):
    case = world.case_at("hearing")
    path = f"/cases/{case.reference}/hearings"
    start = mark()
    naive = api.post(
        path, {"starts_at": "2027-01-01T10:00:00", "place": PLACE}, persona="case_manager"
    )
    assert naive.status_code == 422
    extra = api.post(
        path, {"starts_at": _at(21), "place": PLACE, "room": "4"}, persona="case_manager"
    )
    assert extra.status_code == 422
    stranger = api.post(
        path,
        {"starts_at": _at(21), "place": PLACE, "panel": ["nobody@elsewhere.example"]},
        persona="case_manager",
    )
    assert stranger.status_code == 422 and "panel" in stranger.json()["errors"]
    chair = api.post(path, {"starts_at": _at(21), "place": PLACE}, persona="panel_chair")
    assert chair.status_code == 403
    hidden = api.post(path, {"starts_at": _at(21), "place": PLACE}, persona="political")
    assert hidden.status_code in (403, 404)
    assert api.get("/cases/C-1999-99999/hearings", persona="case_manager").status_code == 404
    assert "hearing.scheduled" not in actions_since(start)
    assert actions_since(start).count("access.denied") >= 2
    assert not Hearing.objects.exists()


def test_a_hearing_is_scheduled_only_at_the_hearing_stage(api, world):
    case = world.case_at("investigation")
    path = f"/cases/{case.reference}/hearings"
    refused = api.post(path, {"starts_at": _at(21), "place": PLACE}, persona="case_manager")
    assert refused.status_code == 409 and problem_code(refused) == "illegal-transition"
    assert api.get(path, persona="case_manager").json()["at_stage"] is False


def test_a_named_panel_is_used_instead_of_the_appointed_one(api, world):
    case = world.case_at("hearing")
    made = api.post(
        f"/cases/{case.reference}/hearings",
        {"starts_at": _at(21), "place": PLACE, "panel": [world.panel_spare.email]},
        persona="case_manager",
    )
    assert made.status_code == 201, made.content
    assert [p["email"] for p in made.json()["panel"]] == [world.panel_spare.email]
