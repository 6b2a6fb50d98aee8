"""The interference register through the API: approaches logged on a case, advice requests
(the case team's side and the adviser's), and sign-offs (the signer's side). The people
outside the case team see only what was put to them, and every look is recorded."""

from __future__ import annotations

import datetime as dt
from typing import get_args

from dueprocess.api.inputs import Channel, Direction
from dueprocess.cases import services as svc
from dueprocess.cases.models import AdviceRequest, Approach, Case, SignOff
from dueprocess.lib import clock
from tests.api.client import problem_code, problem_of
from tests.api.matrix import staffed_case
from tests.api.trail import actions_since, last_on, mark
from tests.world import World


def _approach(when: dt.datetime | None = None) -> dict:  # type: ignore[type-arg]
    moment = when or clock.now() - dt.timedelta(hours=2)
    return {
        "approached_by": "Alex Doe, Leader's office",
        "from_political_office": True,
        "channel": "phone",
        "occurred_at": moment.isoformat(),
        "what_was_asked": "Whether a warning letter would be enough.",
    }


def test_the_schema_offers_exactly_the_channels_the_model_stores():
    assert set(get_args(Channel)) == set(Approach.Channel.values)
    assert set(get_args(Direction)) == set(Approach.Direction.values)


def test_an_approach_is_logged_and_shown_on_a_recorded_view_of_the_case(api, world):
    case = staffed_case(world, "investigation")
    before = mark()
    response = api.post(f"/cases/{case.reference}/approaches", _approach(), "investigator")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["from_political_office"] and body["logged_by"]["email"] == world.investigator.email
    assert body["direction"] == "unclear"  # not said: recorded as unclear, never guessed
    assert actions_since(before) == ["approach.logged"]
    entry = last_on(case)
    assert entry.actor == world.investigator and entry.details["channel"] == "phone"

    before = mark()
    listed = api.get(f"/cases/{case.reference}/approaches", "reviewer")
    assert listed.status_code == 200 and [a["id"] for a in listed.json()] == [body["id"]]
    assert actions_since(before) == ["case.viewed"]

    harsher = api.post(
        f"/cases/{case.reference}/approaches",
        _approach() | {"direction": "harsher"},
        "investigator",
    )
    assert harsher.status_code == 201 and harsher.json()["direction"] == "harsher"
    assert last_on(case).details["direction"] == "harsher"


def test_an_approach_is_refused_to_those_who_may_not_log_one(api, world):
    case = staffed_case(world, "investigation")
    path = f"/cases/{case.reference}/approaches"
    assert api.post(path, _approach(), "reviewer").status_code == 403
    assert api.post(path, _approach(), "political").status_code == 404
    assert api.get(path, "political").status_code == 404
    assert api.get(path, "outsider").status_code == 404
    assert not Approach.objects.exists()


def test_an_approach_in_the_future_or_without_an_offset_is_a_validation_problem(api, world):
    case = staffed_case(world, "investigation")
    path = f"/cases/{case.reference}/approaches"
    future = api.post(path, _approach(clock.now() + dt.timedelta(days=1)), "case_manager")
    assert future.status_code == 422
    assert problem_of(future)["errors"] == {"occurred_at": "In the future."}
    ancient = api.post(path, _approach(clock.now() - dt.timedelta(days=4 * 365)), "case_manager")
    assert problem_of(ancient)["errors"] == {"occurred_at": "Too far in the past."}
    for change, field in [
        ({"occurred_at": "2026-03-01T10:00:00"}, "occurred_at"),
        ({"channel": "carrier_pigeon"}, "channel"),
        ({"direction": "sideways"}, "direction"),
        ({"from_political_office": "yes"}, "from_political_office"),
        ({"approached_by": ""}, "approached_by"),
        ({"what_was_asked": " \n"}, "what_was_asked"),
    ]:
        response = api.post(path, _approach() | change, "case_manager")
        assert response.status_code == 422 and field in problem_of(response)["errors"], change
    assert not Approach.objects.exists()


# ---- advice requests ----


def _advice(world: World) -> dict[str, str]:
    return {
        "adviser": world.political.email,
        "question": "Is the respondent on a shortlist for selection?",
        "extract": "The respondent is a branch officer.",
    }


def _asked(api, world: World) -> tuple[Case, int]:  # type: ignore[no-untyped-def]
    case = staffed_case(world, "investigation")
    response = api.post(f"/cases/{case.reference}/advice-requests", _advice(world), "case_manager")
    assert response.status_code == 201, response.content
    return case, response.json()["id"]


def test_advice_is_asked_on_the_case_and_listed_there_for_everyone_on_it(api, world):
    case = staffed_case(world, "investigation")
    before = mark()
    path = f"/cases/{case.reference}/advice-requests"
    response = api.post(path, _advice(world), "investigator")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["adviser"]["email"] == world.political.email and body["closed_at"] is None
    assert actions_since(before) == ["advice.requested"]
    assert last_on(case).details["adviser"] == world.political.pk

    before = mark()
    listed = api.get(path, "panel_chair")
    assert [(a["id"], a["extract"]) for a in listed.json()] == [(body["id"], body["extract"])]
    assert actions_since(before) == ["case.viewed"]


def test_advice_is_refused_to_those_who_may_not_ask_and_from_those_who_may_not_advise(api, world):
    case = staffed_case(world, "investigation")
    path = f"/cases/{case.reference}/advice-requests"
    assert api.post(path, _advice(world), "panel_chair").status_code == 403
    assert api.post(path, _advice(world), "political").status_code == 404
    unknown = api.post(path, _advice(world) | {"adviser": "nobody@x.example"}, "case_manager")
    assert unknown.status_code == 422
    assert problem_of(unknown)["errors"] == {"adviser": "Unknown member of staff."}
    own = _advice(world) | {"adviser": world.case_manager.email}
    yourself = api.post(path, own, "case_manager")
    assert problem_of(yourself)["errors"] == {"adviser": "Yourself."}
    for change in ({"question": ""}, {"extract": "x" * 10001}, {"adviser": "not-an-address"}):
        response = api.post(path, _advice(world) | change, "case_manager")
        assert response.status_code == 422 and problem_code(response) == "validation", change
    assert not AdviceRequest.objects.exists()


def test_the_adviser_sees_an_inbox_then_only_the_question_and_extract(api, world):
    case, request_id = _asked(api, world)
    before = mark()
    inbox = api.get("/advice-requests", "political")
    assert [(i["id"], i["answered"]) for i in inbox.json()] == [(request_id, False)]
    assert actions_since(before) == ["advice_list.viewed"]
    assert api.get("/advice-requests", "case_manager").json() == []

    before = mark()
    brief = api.get(f"/advice-requests/{request_id}", "political")
    assert brief.status_code == 200
    assert set(brief.json()) == {
        "id",
        "requested_by",
        "requested_at",
        "question",
        "extract",
        "answer",
        "answered_at",
    }
    assert case.reference not in brief.content.decode()
    assert actions_since(before) == ["advice.viewed"]
    assert last_on(case).actor == world.political


def test_an_advice_request_is_read_only_by_its_adviser(api, world):
    _, request_id = _asked(api, world)
    seen = api.get(f"/advice-requests/{request_id}", "case_manager")
    assert seen.status_code == 403 and problem_code(seen) == "forbidden"
    for persona in ("outsider", "oversight", "intake"):
        response = api.get(f"/advice-requests/{request_id}", persona)
        assert response.status_code == 404 and problem_code(response) == "not-found", persona
    assert api.get("/advice-requests/0", "political").status_code == 422
    assert api.get("/advice-requests/999999", "political").status_code == 404


def test_the_adviser_answers_once_and_the_answer_is_on_the_case(api, world):
    case, request_id = _asked(api, world)
    path = f"/advice-requests/{request_id}/answer"
    before = mark()
    response = api.post(path, {"answer": "No selection is open."}, "political")
    assert response.status_code == 200, response.content
    assert response.json()["answer"] == "No selection is open."
    assert actions_since(before) == ["advice.answered"]
    assert last_on(case).details["answer"] == "No selection is open."
    again = api.post(path, {"answer": "On reflection, yes."}, "political")
    assert again.status_code == 422 and problem_code(again) == "validation"
    on_case = api.get(f"/cases/{case.reference}/advice-requests", "case_manager").json()
    assert on_case[0]["answer"] == "No selection is open."


def test_an_answer_is_the_advisers_alone_and_must_say_something(api, world):
    _, request_id = _asked(api, world)
    path = f"/advice-requests/{request_id}/answer"
    assert api.post(path, {"answer": "Yes."}, "case_manager").status_code == 403
    assert api.post(path, {"answer": "Yes."}, "outsider").status_code == 404
    blank = api.post(path, {"answer": "  "}, "political")
    assert blank.status_code == 422 and "answer" in problem_of(blank)["errors"]
    assert AdviceRequest.objects.get().answered_at is None


def test_closing_a_request_ends_the_advisers_view(api, world):
    case, request_id = _asked(api, world)
    path = f"/advice-requests/{request_id}/close"
    assert api.post(path, {"reason": "Not needed."}, "panel_chair").status_code == 403
    before = mark()
    outsider = api.post(path, {"reason": "Not needed."}, "outsider")
    assert outsider.status_code == 404
    assert actions_since(before) == ["access.denied"]
    too_long = api.post(path, {"reason": "x" * 2001}, "case_manager")
    assert too_long.status_code == 422 and "reason" in problem_of(too_long)["errors"]

    before = mark()
    response = api.post(path, {"reason": "Not needed."}, "case_manager")
    assert response.status_code == 200 and response.json()["closed_at"] is not None
    assert actions_since(before) == ["advice.closed"]
    assert last_on(case).details["reason"] == "Not needed."
    assert api.get(f"/advice-requests/{request_id}", "political").status_code == 404
    assert api.get("/advice-requests", "political").json() == []
    again = api.post(path, {"reason": "Twice."}, "case_manager")
    assert again.status_code == 422


# ---- sign-offs ----


def _signoff(world: World) -> SignOff:
    elected = svc.PartyInput(name="Rep", elected_office="MP")
    case = world.case_at("investigation", respondent=elected)
    svc.interim_measure_impose(
        actor=world.case_manager,
        case=case,
        kind="administrative_suspension",
        ground="risk_of_harm",
        reasons="Threats.",
    )
    return SignOff.objects.select_related("case").get(case=case)


def test_the_signer_sees_an_inbox_then_only_the_brief(api, world):
    signoff = _signoff(world)
    before = mark()
    inbox = api.get("/sign-offs", "political").json()
    assert [(i["id"], i["delayed"]) for i in inbox] == [(signoff.pk, False)]
    assert "brief" not in inbox[0]
    assert actions_since(before) == ["signoff_list.viewed"]
    assert api.get("/sign-offs", "case_manager").json() == []

    before = mark()
    brief = api.get(f"/sign-offs/{signoff.pk}", "political")
    assert brief.status_code == 200 and brief.json()["brief"] == signoff.brief
    assert signoff.case.reference not in brief.content.decode()
    assert actions_since(before) == ["signoff.viewed"]


def test_a_sign_off_is_read_and_answered_only_by_its_signer(api, world):
    signoff = _signoff(world)
    path = f"/sign-offs/{signoff.pk}"
    answer = {"outcome": "signed", "reasons": "Proportionate."}
    assert api.get(path, "case_manager").status_code == 403
    assert api.post(path, answer, "case_manager").status_code == 403
    for persona in ("outsider", "oversight", "moved"):
        assert api.get(path, persona).status_code == 404, persona
        assert api.post(path, answer, persona).status_code == 404, persona
    assert SignOff.objects.get().status == "pending"


def test_signing_off_is_recorded_and_the_sign_off_leaves_the_inbox(api, world):
    signoff = _signoff(world)
    path = f"/sign-offs/{signoff.pk}"
    before = mark()
    response = api.post(path, {"outcome": "objected", "reasons": "Disproportionate."}, "political")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "objected" and not response.json()["answered_late"]
    assert actions_since(before) == ["signoff.objected"]
    entry = last_on(signoff.case)
    assert entry.actor == world.political and entry.details["reasons"] == "Disproportionate."
    assert api.get("/sign-offs", "political").json() == []
    assert api.get(path, "political").status_code == 404
    changed = api.post(path, {"outcome": "signed", "reasons": "Changed."}, "political")
    assert changed.status_code == 404


def test_a_late_sign_off_needs_reasons_for_the_delay(api, world):
    signoff = _signoff(world)
    SignOff.objects.filter(pk=signoff.pk).update(due_on=clock.today() - dt.timedelta(days=3))
    path = f"/sign-offs/{signoff.pk}"
    late = api.post(path, {"outcome": "signed", "reasons": "Proportionate."}, "political")
    assert late.status_code == 422 and problem_code(late) == "reason-required"
    assert problem_of(late)["errors"] == {"delay_reasons": "Required after the due date."}
    body = {"outcome": "signed", "reasons": "Proportionate.", "delay_reasons": "Abroad."}
    response = api.post(path, body, "political")
    assert response.status_code == 200 and response.json()["answered_late"]
    assert last_on(signoff.case).details["days_late"] == 3


def test_a_sign_off_answer_must_be_one_of_the_two_with_reasons(api, world):
    signoff = _signoff(world)
    path = f"/sign-offs/{signoff.pk}"
    for body, field in [
        ({"outcome": "abstain", "reasons": "Unsure."}, "outcome"),
        ({"outcome": "withdrawn", "reasons": "Unsure."}, "outcome"),
        ({"outcome": "signed", "reasons": ""}, "reasons"),
        ({"outcome": "signed"}, "reasons"),
    ]:
        response = api.post(path, body, "political")
        assert response.status_code == 422 and field in problem_of(response)["errors"], body
    assert SignOff.objects.get().status == "pending"
