"""A case's independent reviews through the API: list them, verify (the decision takes
effect) or veto with reasons (the case goes back to a new panel) by the drawn reviewer only."""

from __future__ import annotations

import pytest

from dueprocess.cases.models import Case, ReviewOutcome
from tests.api.client import ApiClient, problem_code
from tests.api.trail import actions_since, mark
from tests.reviews.helpers import suspended
from tests.world import World


@pytest.fixture
def uni_api(university: World) -> ApiClient:
    return ApiClient(university.people)


def test_listed_with_the_open_review_and_its_reviewer(uni_api, university):
    case, review = suspended(university)
    listed = uni_api.get(f"/cases/{case.reference}/reviews", persona="case_manager")
    assert listed.status_code == 200, listed.content
    body = listed.json()
    assert body["declared"] is True and body["on_lapse"] == "held" and body["review_days"] == 10
    assert body["open_review"] == review.pk
    [item] = body["reviews"]
    assert item["status"] == "pending" and item["in_effect"] is False
    assert item["reviewers"] == [university.reviewer.full_name]
    assert item["due_on"] == review.due_on.isoformat() and "reviewer_ids" not in item


def test_the_drawn_reviewer_verifies_and_the_case_moves_on(uni_api, university):
    case, review = suspended(university)
    step = f"/cases/{case.reference}/transitions/send_outcome"
    held = uni_api.post(step, {}, persona="case_manager")
    assert held.status_code == 409 and "awaits independent review" in held.content.decode()
    path = f"/cases/{case.reference}/reviews/{review.pk}/verify"
    refused = uni_api.post(path, {}, persona="case_manager")
    assert refused.status_code == 403 and problem_code(refused) == "forbidden"
    start = mark()
    made = uni_api.post(path, {}, persona="reviewer")
    assert made.status_code == 201, made.content
    assert made.json()["status"] == "verified" and made.json()["in_effect"] is True
    assert "review.verified" in actions_since(start)
    assert uni_api.post(step, {}, persona="case_manager").status_code == 200


def test_a_veto_needs_reasons_then_sends_the_case_back(uni_api, university):
    case, review = suspended(university)
    path = f"/cases/{case.reference}/reviews/{review.pk}/veto"
    bare = uni_api.post(path, {"reasons": ""}, persona="reviewer")
    assert bare.status_code == 422 and "reasons" in bare.json()["errors"]
    unknown = uni_api.post(path, {"reason": "x"}, persona="reviewer")
    assert unknown.status_code == 422
    assert not ReviewOutcome.objects.filter(review=review).exists()
    made = uni_api.post(path, {"reasons": "The hearing notice was short."}, persona="reviewer")
    assert made.status_code == 201, made.content
    assert made.json()["status"] == "vetoed"
    assert made.json()["reasons"] == "The hearing notice was short."
    assert Case.objects.get(pk=case.pk).stage == "conduct_panel"
    again = uni_api.post(path, {"reasons": "Twice."}, persona="reviewer")
    assert again.status_code == 403


def test_an_unknown_review_and_another_organisations_case(uni_api, university, outsider):
    case, _ = suspended(university)
    missing = uni_api.post(f"/cases/{case.reference}/reviews/999999/verify", {}, persona="reviewer")
    assert missing.status_code == 422 and "review" in missing.json()["errors"]
    university.people["outsider"] = outsider
    api = ApiClient(university.people)
    hidden = api.get(f"/cases/{case.reference}/reviews", persona="outsider")
    assert hidden.status_code == 404
