"""Validation problems name the request's fields, never our validators; and an operation
someone may never perform is refused before their body is looked at."""

from __future__ import annotations

from dueprocess.api.problems import validation_errors
from dueprocess.ledger.models import LedgerEntry
from dueprocess.members.models import Member
from tests.api.client import problem_code, problem_of
from tests.api.matrix import PERSONAS

IMPORTERS = {"case_manager", "other_manager", "outsider"}


def test_validation_problems_carry_no_internal_validator_paths(api, world):
    bodies = (
        {},
        {"members": []},
        {"members": [{"number": 5}]},
        {"members": [{"number": "1", "full_name": "A"}], "csv": "number,full_name\n1,A\n"},
    )
    for body in bodies:
        response = api.post("/members/import", body, "case_manager")
        assert response.status_code == 422 and problem_code(response) == "validation", body
        problem = problem_of(response)
        text = response.content.decode()
        assert "function-wrap" not in text and "_run_root_validator" not in text, text
        assert set(problem["errors"]) <= {
            "members",
            "csv",
            "members.0.number",
            "members.0.full_name",
        }
    assert (
        "members.0.number"
        in problem_of(api.post("/members/import", {"members": [{"number": 5}]}, "case_manager"))[
            "errors"
        ]
    )
    assert not Member.objects.exists()


def test_pydantic_validator_steps_are_dropped_from_any_location():
    raw = [
        {"loc": ("body", "payload", "function-wrap[_run_root_validator()]", "csv"), "msg": "A"},
        {"loc": ("body", "payload", "tagged-union[X,Y]", "rows", 2, "email"), "msg": "B"},
        {"loc": ("query", "function-after[check()]", "limit"), "msg": "C"},
    ]
    assert validation_errors(raw) == {"csv": "A", "rows.2.email": "B", "limit": "C"}


def test_importing_is_refused_before_the_body_is_validated(api, world):
    for persona in PERSONAS:
        if persona in IMPORTERS:
            continue
        for body in ({}, {"members": [{"number": 5}]}, {"csv": ""}):
            response = api.post("/members/import", body, persona)
            assert response.status_code == 403, (persona, body, response.content)
            assert problem_code(response) == "forbidden"
            assert "errors" not in problem_of(response)
    assert LedgerEntry.objects.filter(action="access.denied").exists()
    # someone allowed to import still gets the validation problem
    assert api.post("/members/import", {}, "case_manager").status_code == 422
