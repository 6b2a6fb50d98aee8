"""The case page: a respondent's register link with buttons to confirm or reject it, the
membership reason at triage, possible duplicates to pick from, and "Repeated by" on the
original of a duplicate."""

from __future__ import annotations

from dueprocess.cases import services as svc
from dueprocess.cases.models import Case, Party
from dueprocess.ledger.models import LedgerEntry
from dueprocess.members.models import Member
from tests.world import World

POST = "Posted that the treasurer stole the branch funds and should be expelled at once."


def _open(world: World, name: str = "", number: str = "") -> Case:
    return svc.case_open(
        actor=world.intake,
        unit=world.unit,
        category=next(iter(world.rules.categories)),
        summary=POST,
        complainant=svc.PartyInput(name="Ola Complainant", email="ola@public.example"),
        respondent=svc.PartyInput(name=name, member_number=number),
        allegations=[svc.AllegationInput(summary=POST)],
    )


def _linked(world: World) -> Case:
    Member.objects.create(organisation=world.organisation, number="M-42", full_name="Eira Lloyd")
    return world.advance(_open(world, number="M-42"), "triage")


def test_the_match_is_shown_as_suggested_with_buttons_for_who_may_triage(world, signed_in):
    case = _linked(world)
    party = Party.objects.get(case=case, role="respondent")
    html = signed_in("intake").get(f"/cases/{case.reference}/").content.decode()
    assert "member M-42" in html and "suggested match, not yet confirmed" in html
    assert f'action="/cases/{case.reference}/parties/{party.pk}/member-match/"' in html
    assert 'value="confirm">Confirm the match' in html and 'value="reject"' in html
    reviewer = signed_in("reviewer").get(f"/cases/{case.reference}/").content.decode()
    assert "suggested match" in reviewer and "Confirm the match" not in reviewer


def test_confirming_and_rejecting_from_the_page(world, signed_in):
    case = _linked(world)
    party = Party.objects.get(case=case, role="respondent")
    url = f"/cases/{case.reference}/parties/{party.pk}/member-match/"
    intake = signed_in("intake")
    refused = intake.post(url, {f"match-{party.pk}-verdict": "reject"})
    assert refused.status_code == 422
    html = refused.content.decode()
    assert f'<details id="match-{party.pk}" open>' in html and 'aria-invalid="true"' in html
    assert Party.objects.get(pk=party.pk).member_id is not None
    done = intake.post(url, {f"match-{party.pk}-verdict": "confirm"})
    assert done.status_code == 302
    html = intake.get(f"/cases/{case.reference}/").content.decode()
    assert "member M-42" in html and "(match confirmed)" in html and "Confirm the match" not in html
    assert Party.objects.get(pk=party.pk).member_match == "confirmed"


def test_rejecting_unlinks_and_someone_who_may_not_triage_is_refused(world, signed_in):
    case = _linked(world)
    party = Party.objects.get(case=case, role="respondent")
    url = f"/cases/{case.reference}/parties/{party.pk}/member-match/"
    denied = LedgerEntry.objects.filter(action="access.denied").count()
    forbidden = signed_in("reviewer").post(
        url, {f"match-{party.pk}-verdict": "reject", f"match-{party.pk}-reason": "No."}
    )
    assert forbidden.status_code == 403
    assert LedgerEntry.objects.filter(action="access.denied").count() == denied + 1
    intake = signed_in("intake")
    done = intake.post(
        url,
        {f"match-{party.pk}-verdict": "reject", f"match-{party.pk}-reason": "Another person."},
    )
    assert done.status_code == 302
    html = intake.get(f"/cases/{case.reference}/").content.decode()
    assert "a suggested match was rejected" in html and "member M-42" not in html


def test_a_yes_for_an_unlinked_respondent_without_a_reason_is_a_field_error(world, signed_in):
    case = world.case_at("triage")
    answers = {f"step-accept-answer_{q.key}": "yes" for q in world.rules.triage_questions}
    response = signed_in("intake").post(
        f"/cases/{case.reference}/steps/accept/",
        {
            **answers,
            "step-accept-expected_version": case.version,
            "step-accept-category": case.category,
        },
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert "not linked to a member of the register" in html
    assert 'name="step-accept-member_reason"' in html and 'aria-invalid="true"' in html
    assert Case.objects.get(pk=case.pk).stage == "triage"


def test_possible_duplicates_are_offered_at_triage_with_links_to_pick(world, signed_in):
    first = _open(world, "Carys Vaughan")
    case = world.advance(_open(world, "CARYS  VAUGHAN"), "triage")
    html = signed_in("intake").get(f"/cases/{case.reference}/").content.decode()
    assert "Possible duplicates" in html
    assert f'<a href="/cases/{first.reference}/">{first.reference}</a>' in html
    assert f'<option value="{first.reference}">' in html  # offered in "Duplicate of"
    assert 'list="duplicate-suggestions"' in html
    other = world.advance(_open(world, "Someone Else"), "triage")
    assert (
        "Possible duplicates"
        not in signed_in("intake").get(f"/cases/{other.reference}/").content.decode()
    )


def test_the_original_lists_the_cases_that_repeat_it(world, signed_in):
    original = world.case_at("triage")
    repeat = world.case_at("triage")
    svc.case_triage(
        actor=world.intake,
        case=repeat,
        answers={"in_scope": True, "respondent_is_member": False, "not_duplicate": False},
        ground="duplicate",
        transition="not_investigated",
        duplicate_of=original.reference,
        reason="The same post.",
    )
    link = f'<a href="/cases/{repeat.reference}/">{repeat.reference}</a>'
    manager = signed_in("case_manager").get(f"/cases/{original.reference}/").content.decode()
    assert f"Repeated by {link}" in manager
    # the intake officer may no longer see the closed repeat, so it is not named to them
    intake = signed_in("intake").get(f"/cases/{original.reference}/").content.decode()
    assert "Repeated by" not in intake and repeat.reference not in intake
