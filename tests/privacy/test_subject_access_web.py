"""``/privacy/subject-access/``: the administrator's form and the ZIP in answer; everyone else
refused and recorded; a bad form comes back with what was typed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client

from tests.ledger.test_witnessing import policy_file, witnesses  # noqa: F401 (fixtures)
from tests.parties.helpers import entries_since, last_seq
from tests.privacy.helpers import RESPONDENT, loaded, respondent_world, unzip
from tests.signing_in import signer_in
from tests.world import World

URL = "/privacy/subject-access/"


@pytest.fixture
def signed_in(world: World) -> Callable[[str], Client]:
    return signer_in(world)


def test_the_administrator_fills_the_form_and_downloads_the_zip(
    world: World,
    signed_in: Callable[[str], Client],
    policy_file: Path,  # noqa: F811
):
    cases = respondent_world(world)
    client = signed_in("admin")
    page = client.get(URL)
    assert page.status_code == 200 and b'name="reason"' in page.content
    before = last_seq()
    answer = client.post(URL, {"named_by": "email", "value": RESPONDENT, "reason": "Letter"})
    assert answer.status_code == 200 and answer["Content-Type"] == "application/zip"
    data = loaded(unzip(answer.content), "data.json")
    assert {c["reference"] for c in data["cases"]} == {c.reference for c in cases}
    assert len(entries_since(before, "subject_access.produced")) == 1


def test_others_are_refused_and_a_bad_form_keeps_what_was_typed(
    world: World, signed_in: Callable[[str], Client]
):
    before = last_seq()
    assert signed_in("case_manager").get(URL).status_code == 403
    assert signed_in("reviewer").post(URL, {"value": RESPONDENT}).status_code == 403
    attempted = [d["attempted"] for _, d in entries_since(before, "access.denied")]
    assert attempted == ["privacy.subject_access"] * 2
    client = signed_in("admin")
    missing = client.post(URL, {"named_by": "email", "value": RESPONDENT, "reason": ""})
    assert missing.status_code == 422 and RESPONDENT.encode() in missing.content
    unknown = client.post(URL, {"named_by": "member", "value": "NPA-NONE", "reason": "A letter"})
    assert unknown.status_code == 404 and b"No one is on record" in unknown.content
    assert b"NPA-NONE" in unknown.content
    assert not entries_since(before, "subject_access.requested")
