"""The API's case file: register links with their review, possible duplicates, the cases that
repeat this one; and the endpoint to confirm or reject a respondent's register link."""

from __future__ import annotations

from dueprocess.cases import services as svc
from dueprocess.cases.models import Party
from dueprocess.ledger.models import LedgerEntry
from dueprocess.members.models import Member
from tests.api.client import problem_of

POST = "Posted that the treasurer stole the branch funds and should be expelled at once."


def _open(world, name: str = "", number: str = ""):  # type: ignore[no-untyped-def]
    return svc.case_open(
        actor=world.intake,
        unit=world.unit,
        category=next(iter(world.rules.categories)),
        summary=POST,
        complainant=svc.PartyInput(name="Ola Complainant", email="ola@public.example"),
        respondent=svc.PartyInput(name=name, member_number=number),
        allegations=[svc.AllegationInput(summary=POST)],
    )


def _respondent(body):  # type: ignore[no-untyped-def]
    return next(p for p in body["parties"] if p["role"] == "respondent")


def test_a_match_is_confirmed_or_rejected_through_the_api(api, world):
    Member.objects.create(organisation=world.organisation, number="M-9", full_name="Osian Pugh")
    case = world.advance(_open(world, number="M-9"), "triage")
    body = api.get(f"/cases/{case.reference}", "intake").json()
    party = _respondent(body)
    assert (party["member_number"], party["member_match"]) == ("M-9", "suggested")
    url = f"/cases/{case.reference}/parties/{party['id']}/member-match"
    refused = api.post(url, {"verdict": "reject"}, "intake")
    assert refused.status_code == 422 and set(problem_of(refused)["errors"]) == {"reason"}
    denied = LedgerEntry.objects.filter(action="access.denied").count()
    forbidden = api.post(url, {"verdict": "confirm"}, "reviewer")
    assert forbidden.status_code == 403
    assert LedgerEntry.objects.filter(action="access.denied").count() == denied + 1
    confirmed = api.post(url, {"verdict": "confirm"}, "intake")
    assert confirmed.status_code == 200, confirmed.content
    assert confirmed.json()["member_match"] == "confirmed"
    rejected = api.post(url, {"verdict": "reject", "reason": "Not the same person."}, "intake")
    assert rejected.status_code == 200
    assert (rejected.json()["member_number"], rejected.json()["member_match"]) == (None, "rejected")
    assert Party.objects.get(pk=party["id"]).member is None
    actions = LedgerEntry.objects.filter(action__startswith="party.member_")
    assert list(actions.order_by("seq").values_list("action", flat=True)) == [
        "party.member_confirmed",
        "party.member_rejected",
    ]


def test_triage_needs_the_membership_reason_for_an_unlinked_respondent(api, world):
    case = world.case_at("triage")
    answers = {"in_scope": True, "respondent_is_member": True, "not_duplicate": True}
    refused = api.post(f"/cases/{case.reference}/triage", {"answers": answers}, "intake")
    assert refused.status_code == 422
    assert set(problem_of(refused)["errors"]) == {"member_reason"}
    done = api.post(
        f"/cases/{case.reference}/triage",
        {"answers": answers, "member_reason": "A new member."},
        "intake",
    )
    assert done.status_code == 200 and done.json()["stage"] == "investigation"


def test_the_case_file_suggests_duplicates_and_lists_the_cases_that_repeat_it(api, world):
    first = _open(world, "Nia Jenkins")
    later = world.advance(_open(world, "nia jenkins"), "triage")
    body = api.get(f"/cases/{later.reference}", "intake").json()
    assert [s["reference"] for s in body["possible_duplicates"]] == [first.reference]
    assert body["possible_duplicates"][0]["closed"] is False
    assert "the same name" in body["possible_duplicates"][0]["reason"]
    assert body["repeated_by"] == []
    svc.case_triage(
        actor=world.intake,
        case=later,
        answers={"in_scope": True, "respondent_is_member": False, "not_duplicate": False},
        ground="duplicate",
        transition="not_investigated",
        duplicate_of=first.reference,
        reason="The same post.",
    )
    manager = api.get(f"/cases/{first.reference}", "case_manager").json()
    assert manager["repeated_by"] == [later.reference]
    # the intake officer may not see the closed repeat: the original names nothing to them
    assert api.get(f"/cases/{first.reference}", "intake").json()["repeated_by"] == []
    closed = api.get(f"/cases/{later.reference}", "case_manager").json()
    assert closed["duplicate_of"] == first.reference and closed["possible_duplicates"] == []
