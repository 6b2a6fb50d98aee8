"""``POST /api/v1/subject-access``: the same export as a ZIP, for a token with the scope
``privacy:export`` held by the administrator; everyone else refused, on the record."""

from __future__ import annotations

import hashlib
from pathlib import Path

from dueprocess.ledger.record import actor_pseudonym
from tests.api.client import ApiClient
from tests.ledger.test_witnessing import policy_file, witnesses  # noqa: F401 (fixtures)
from tests.parties.helpers import entries_since, last_seq
from tests.privacy.helpers import RESPONDENT, loaded, respondent_world, unzip
from tests.world import World

BODY = {"email": RESPONDENT, "reason": "Request received by letter on 1 December."}


def test_the_administrator_gets_the_zip_and_the_production_is_recorded(
    world: World,
    api: ApiClient,
    policy_file: Path,  # noqa: F811
):
    cases = respondent_world(world)
    before = last_seq()
    answer = api.call("POST", "/subject-access", persona="admin", body=BODY)
    assert answer.status_code == 200, answer.content
    assert answer["Content-Type"] == "application/zip"
    assert answer["Content-Disposition"].startswith('attachment; filename="subject-access-')
    members = unzip(answer.content)
    assert {c["reference"] for c in loaded(members, "data.json")["cases"]} == {
        c.reference for c in cases
    }
    [(made, produced)] = entries_since(before, "subject_access.produced")
    assert made.actor == actor_pseudonym(world.admin)
    assert produced["sha256"] == hashlib.sha256(answer.content).hexdigest()


def test_a_token_without_the_scope_and_anyone_but_the_administrator_are_refused(
    world: World, api: ApiClient
):
    before = last_seq()
    narrow = api.call("POST", "/subject-access", persona="admin", body=BODY, scopes=("cases:read",))
    assert narrow.status_code == 403
    manager = api.call("POST", "/subject-access", persona="case_manager", body=BODY)
    assert manager.status_code == 403
    attempted = [d["attempted"] for _, d in entries_since(before, "access.denied")]
    assert attempted == ["api.privacy:export", "privacy.subject_access"]
    assert not entries_since(before, "subject_access.requested")


def test_bad_bodies_and_unknown_people_are_problems_not_exports(world: World, api: ApiClient):
    def post(body: dict[str, str]) -> int:
        return api.call("POST", "/subject-access", persona="admin", body=body).status_code

    assert post({"email": RESPONDENT}) == 422  # no reason
    assert post({**BODY, "member": "NPA-1"}) == 422  # two ways of naming
    assert post({**BODY, "surname": "x"}) == 422  # an unknown field
    assert post({**BODY, "email": "nobody@nowhere.example"}) == 404
    answer = api.call("POST", "/subject-access", persona="admin", body={"reason": "x"})
    assert answer["Content-Type"].startswith("application/problem+json")
