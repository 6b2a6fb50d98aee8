"""Withholding evidence from the respondent through the API: thin calls to the case page's
services (``parties.redactions.evidence_withhold`` / ``evidence_release``), refused as they
refuse, on the ledger as the token owner's act; the evidence list shows each item's current
withholding, read as the case page reads it."""

from __future__ import annotations

import pytest

from dueprocess.cases.models import Case, EvidenceItem
from dueprocess.evidence.files import evidence_add
from dueprocess.parties.models import EvidenceRelease, EvidenceWithholding
from dueprocess.parties.redactions import respondent_evidence
from tests.api.client import problem_code, problem_of
from tests.api.trail import actions_since, last_on, mark
from tests.world import World

PDF = b"%PDF-1.7\nMinutes of the branch meeting of 3 March.\n"
WHY = "Shows a witness who has not agreed to be named to the respondent."


def _case(world: World) -> tuple[Case, EvidenceItem, EvidenceItem]:
    case = world.case_at("investigation")
    items = [
        evidence_add(
            actor=world.case_manager, case=case, title=title, kind="document", content=content
        )
        for title, content in (("Minutes", PDF), ("Rota", PDF + b"rota"))
    ]
    return case, items[0], items[1]


def _withhold(api, case: Case, item_id: int, body: object = None, persona: str = "case_manager"):  # type: ignore[no-untyped-def]
    return api.post(
        f"/cases/{case.reference}/evidence/{item_id}/withhold",
        {"reason": WHY} if body is None else body,
        persona,
    )


def _release(api, case: Case, withholding_id: int, body: object = None):  # type: ignore[no-untyped-def]
    return api.post(
        f"/cases/{case.reference}/withholdings/{withholding_id}/release",
        {"reason": "The witness has agreed."} if body is None else body,
        "case_manager",
    )


def _listed(api, case: Case) -> dict[int, object]:  # type: ignore[no-untyped-def]
    return {
        item["id"]: item["withheld"]
        for item in api.get(f"/cases/{case.reference}/evidence", "case_manager").json()
    }


def test_an_item_is_withheld_listed_as_withheld_released_and_withheld_again(api, world):
    case, item, other = _case(world)
    assert _listed(api, case) == {item.pk: None, other.pk: None}
    start = mark()
    withheld = _withhold(api, case, item.pk)
    assert withheld.status_code == 200, withheld.content
    body = withheld.json()
    holding = EvidenceWithholding.objects.get()
    assert body["id"] == item.pk and body["title"] == "Minutes"
    assert body["withheld"]["id"] == holding.pk and body["withheld"]["reason"] == WHY
    assert body["withheld"]["by"]["email"] == world.case_manager.email
    assert actions_since(start) == ["case.evidence_withheld"]
    entry = last_on(case)
    assert entry.actor == world.case_manager
    assert entry.details["evidence"] == item.pk and entry.details["reason"] == WHY
    # the list reads it as the case page does: this item withheld, the other not
    listed = _listed(api, case)
    assert listed[other.pk] is None and listed[item.pk] == body["withheld"]
    # the respondent's file reads the same row
    assert holding.item == item and holding.withheld_by == world.case_manager

    start = mark()
    released = _release(api, case, holding.pk)
    assert released.status_code == 200, released.content
    assert released.json()["id"] == item.pk and released.json()["withheld"] is None
    assert actions_since(start) == ["case.evidence_released"]
    assert EvidenceRelease.objects.get().withholding == holding
    assert last_on(case).details["withholding"] == holding.pk
    assert _listed(api, case) == {item.pk: None, other.pk: None}

    # withheld again: a new row, and the list shows the new one
    again = _withhold(api, case, item.pk, {"reason": "Withheld again."})
    assert again.status_code == 200
    newest = EvidenceWithholding.objects.order_by("-pk").first()
    assert newest is not None and newest.pk != holding.pk
    assert _listed(api, case)[item.pk]["id"] == newest.pk  # type: ignore[index]


def test_what_the_respondents_file_shows_follows_the_api(api, world, tmp_path):
    from dueprocess.rulebook.versions import rulebook_install
    from dueprocess.rulebooks import bundled

    text = bundled("party").read_text(encoding="utf-8")
    path = tmp_path / "party.toml"
    path.write_text(text.replace("[parties]\n", '[parties]\nrespondent_evidence = ["document"]\n'))
    world.organisation.rulebook = rulebook_install(path=path)
    world.organisation.save(update_fields=["rulebook"])
    case, item, _ = _case(world)
    assert [s.withheld for s in respondent_evidence(case)] == [False, False]
    holding = _withhold(api, case, item.pk).json()["withheld"]["id"]
    assert [s.withheld for s in respondent_evidence(case)] == [True, False]
    _release(api, case, holding)
    assert [s.withheld for s in respondent_evidence(case)] == [False, False]


@pytest.mark.parametrize(
    "body",
    [{}, {"reason": ""}, {"reason": "   "}, {"reason": "x" * 20001}, {"reason": WHY, "extra": 1}],
)
def test_a_bad_reason_is_a_validation_problem_naming_it_and_writes_nothing(api, world, body):
    case, item, _ = _case(world)
    start = mark()
    refused = _withhold(api, case, item.pk, body)
    assert refused.status_code == 422, refused.content
    errors = problem_of(refused)["errors"]
    assert "reason" in errors or "extra" in errors, errors
    assert not EvidenceWithholding.objects.exists()
    assert "case.evidence_withheld" not in actions_since(start)
    # and the same for ending a withholding
    holding = _withhold(api, case, item.pk).json()["withheld"]["id"]
    refused = _release(api, case, holding, body)
    assert refused.status_code == 422, refused.content
    assert not EvidenceRelease.objects.exists()


def test_twice_withheld_or_twice_released_is_refused_clearly(api, world):
    case, item, _ = _case(world)
    holding = _withhold(api, case, item.pk).json()["withheld"]["id"]
    start = mark()
    twice = _withhold(api, case, item.pk)
    assert twice.status_code == 422 and problem_code(twice) == "validation"
    assert problem_of(twice)["errors"] == {"reason": "Already withheld."}
    assert "already withheld" in problem_of(twice)["detail"]
    assert EvidenceWithholding.objects.count() == 1
    assert _release(api, case, holding).status_code == 200
    again = _release(api, case, holding)
    assert again.status_code == 422 and problem_of(again)["errors"] == {
        "reason": "Already released."
    }
    assert "no longer withheld" in problem_of(again)["detail"]
    assert EvidenceRelease.objects.count() == 1
    assert actions_since(start) == ["case.evidence_released"]


def test_an_id_not_on_this_case_is_not_found(api, world):
    case, item, _ = _case(world)
    other, theirs, _ = _case(world)
    holding = _withhold(api, other, theirs.pk).json()["withheld"]["id"]
    for refused, words in (
        (_withhold(api, case, theirs.pk), "No such evidence"),
        (_withhold(api, case, item.pk + theirs.pk + 1000), "No such evidence"),
        (_release(api, case, holding), "No such withheld evidence"),
        (_release(api, case, holding + 1000), "No such withheld evidence"),
    ):
        assert refused.status_code == 404 and problem_code(refused) == "not-found"
        assert words in problem_of(refused)["detail"]
    for bad in ("0", "x", str(2**63)):
        assert _withhold(api, case, bad).status_code == 422  # type: ignore[arg-type]
        assert _release(api, case, bad).status_code == 422  # type: ignore[arg-type]
    assert EvidenceWithholding.objects.count() == 1 and not EvidenceRelease.objects.exists()


def test_those_who_may_not_withhold_are_refused_and_recorded(api, world, outsider):
    case, item, _ = _case(world)
    # may read the case, may not add to it: 403, recorded
    start = mark()
    forbidden = _withhold(api, case, item.pk, persona="reviewer")
    assert forbidden.status_code == 403 and problem_code(forbidden) == "forbidden"
    assert actions_since(start) == ["access.denied"]
    # a case one may not know about answers like a missing one, recorded, on both verbs
    holding = _withhold(api, case, item.pk).json()["withheld"]["id"]
    for persona in ("political", "outsider"):
        for path in (f"evidence/{item.pk}/withhold", f"withholdings/{holding}/release"):
            answers = []
            for reference in (case.reference, "C-2026-99999"):
                start = mark()
                refused = api.post(f"/cases/{reference}/{path}", {"reason": WHY}, persona)
                assert refused.status_code == 404, (persona, path, refused.content)
                answers.append({k: v for k, v in problem_of(refused).items() if k != "instance"})
                assert actions_since(start) == ["access.denied"]
            assert answers[0] == answers[1] and answers[0]["type"].endswith("/not-found")
    # nothing changed by any refusal; the hidden-case list is refused the same way
    assert EvidenceWithholding.objects.count() == 1 and not EvidenceRelease.objects.exists()
    assert api.get(f"/cases/{case.reference}/evidence", "political").status_code == 404
