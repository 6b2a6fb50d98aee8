"""Staff administration through the API: only the account administrator manages accounts, only
the head of complaints reviews declarations of interest, the administrator never sees a case,
and every refusal is recorded."""

from __future__ import annotations

import json

from dueprocess.accounts.models import InterestDeclaration, RoleMembership, User
from dueprocess.accounts.services import interest_declare, role_grant, staff_create
from dueprocess.ledger.models import LedgerEntry
from tests.api.client import ApiClient
from tests.api.trail import actions_since, mark
from tests.world import PERSONAS

ADMINS = {"admin"}
HEADS = {"case_manager", "other_manager"}


def test_only_the_account_administrator_lists_and_changes_staff(api, world):
    person = world.people["investigator_b"]
    for persona in [*PERSONAS, "outsider"]:
        api.token(persona)
        before = mark()
        listed = api.get("/staff", persona)
        everyone = set(
            User.objects.filter(organisation=world.organisation).values_list("email", flat=True)
        )
        added = api.post(
            "/staff", {"email": f"new-{persona}@westfold.example", "name": "N"}, persona
        )
        trained = api.post(f"/staff/{person.pk}/training", {"course": "Refresher"}, persona)
        if persona in ADMINS:
            assert listed.status_code == 200
            assert {p["email"] for p in listed.json()} == everyone
            assert added.status_code == 201 and added.json()["roles"] == []
            assert trained.status_code == 201
            assert [t["course"] for t in trained.json()["training"]][-1] == "Refresher"
        else:
            assert listed.status_code == 403, persona
            assert added.status_code == 403, persona
            assert trained.status_code == 403, persona
            assert not User.objects.filter(email=f"new-{persona}@westfold.example").exists()
            assert actions_since(before) == ["access.denied"] * 3, persona


def test_another_organisations_administrator_cannot_reach_this_ones_staff(world, outsider):
    far_admin = staff_create(
        actor=None,
        organisation=outsider.organisation,
        email="admin@elsewhere.example",
        full_name="Far",
        password=None,
    )
    role_grant(actor=None, user=far_admin, role="administrator")
    far = ApiClient({"far_admin": far_admin})
    person = world.people["investigator_b"]
    listed = far.get("/staff", "far_admin")
    assert listed.status_code == 200
    assert person.email not in {p["email"] for p in listed.json()}
    for path, body in (
        (f"/staff/{person.pk}/training", {"course": "X"}),
        (f"/staff/{person.pk}/roles", {"role": "panel_member"}),
    ):
        response = far.post(path, body, "far_admin")
        assert response.status_code == 404, path
    assert not person.training.filter(course="X").exists()


def test_roles_are_granted_and_ended_with_dates_and_bad_input_is_named(api, world):
    person = world.people["investigator_b"]
    api.token("admin")
    before = mark()
    granted = api.post(
        f"/staff/{person.pk}/roles", {"role": "panel_member", "starts_on": "2026-01-05"}, "admin"
    )
    assert granted.status_code == 201, granted.content
    role = next(r for r in granted.json()["roles"] if r["role"] == "panel_member")
    ended = api.post(
        f"/staff/{person.pk}/roles/{role['id']}/end", {"ends_on": "2026-02-01"}, "admin"
    )
    assert ended.status_code == 200
    assert RoleMembership.objects.get(pk=role["id"]).ends_on.isoformat() == "2026-02-01"
    early = api.post(
        f"/staff/{person.pk}/roles/{role['id']}/end", {"ends_on": "2025-01-01"}, "admin"
    )
    assert early.status_code == 422 and "ends_on" in json.dumps(early.json())
    unknown = api.post(f"/staff/{person.pk}/roles", {"role": "sleuth"}, "admin")
    assert unknown.status_code == 422 and "role" in json.dumps(unknown.json())
    missing = api.post("/staff/999999/roles", {"role": "panel_member"}, "admin")
    assert missing.status_code == 404
    assert actions_since(before) == ["role.granted", "role.ended"]


def test_the_administrator_never_sees_a_case(api, world):
    case = world.case_at("triage")
    api.token("admin")
    before = mark()
    assert api.get("/cases", "admin").status_code == 403
    assert api.get(f"/cases/{case.reference}", "admin").status_code == 404
    assert actions_since(before) == ["access.denied", "access.denied"]


def test_staff_declare_their_own_interests_and_the_head_of_complaints_reviews_them(api, world):
    declared = api.post(
        "/me/interests",
        {"kind": "relationship", "description": "My cousin is a member."},
        "investigator",
    )
    assert declared.status_code == 201, declared.content
    number = declared.json()["id"]
    assert InterestDeclaration.objects.get(pk=number).user == world.people["investigator"]
    for persona in PERSONAS:
        listed = api.get("/interests", persona)
        assert listed.status_code == (200 if persona in HEADS else 403), persona
    assert number in [d["id"] for d in api.get("/interests", "case_manager").json()]
    refused = api.post(f"/interests/{number}/review", {"outcome": "noted"}, "admin")
    assert refused.status_code == 403
    vague = api.post(f"/interests/{number}/review", {"outcome": "restricted"}, "case_manager")
    assert vague.status_code == 422 and "note" in json.dumps(vague.json())
    reviewed = api.post(
        f"/interests/{number}/review",
        {"outcome": "restricted", "note": "Not on the Eastgate cases."},
        "case_manager",
    )
    assert reviewed.status_code == 200
    body = reviewed.json()
    assert (
        body["outcome"] == "restricted" and body["reviewed_by"] == world.people["case_manager"].pk
    )
    assert body["reviewed_by_name"] == world.people["case_manager"].full_name
    assert body["reviewed_at"] is not None
    # the list reads the same shape as the review's answer (and as the web pages)
    [listed] = [d for d in api.get("/interests", "other_manager").json() if d["id"] == number]
    assert listed == body
    again = api.post(f"/interests/{number}/review", {"outcome": "noted"}, "other_manager")
    assert again.status_code == 422
    assert LedgerEntry.objects.filter(action="interest.reviewed").count() == 1


def test_the_head_of_complaints_cannot_review_their_own_declaration(world):
    import pytest

    from dueprocess.accounts.services import interest_review
    from dueprocess.errors import InvalidInput

    head = world.people["case_manager"]
    own = interest_declare(actor=head, user=head, kind="role_held", description="Treasurer")
    with pytest.raises(InvalidInput):
        interest_review(actor=head, declaration=own, outcome="noted")
    assert InterestDeclaration.objects.get(pk=own.pk).reviewed_at is None


def test_a_member_of_another_organisations_register_cannot_be_declared(api, world, outsider):
    from dueprocess.members.models import Member

    theirs = Member.objects.create(
        organisation=outsider.organisation, number="E-1", full_name="Elsewhere Member"
    )
    ours = Member.objects.create(organisation=world.organisation, number="M-1", full_name="Ours")
    body = {"kind": "relationship", "description": "A friend.", "member": theirs.pk}
    refused = api.post("/me/interests", body, "investigator")
    assert refused.status_code == 422 and "No such member" in json.dumps(refused.json())
    assert not InterestDeclaration.objects.filter(member=theirs).exists()
    accepted = api.post("/me/interests", body | {"member": ours.pk}, "investigator")
    assert accepted.status_code == 201, accepted.content


def test_the_api_declares_every_field_of_the_one_declaration_shape(world):
    """The web pages and the API both draw ``interest_record``; the API's schema names each of
    its fields, so neither channel can show what the other leaves out."""
    from dueprocess.accounts.presenters import interest_record
    from dueprocess.accounts.services import interest_declare
    from dueprocess.api.endpoints.staff import InterestDeclarationOut

    declaration = interest_declare(
        actor=None, user=world.people["investigator"], kind="role_held", description="A role."
    )
    assert set(interest_record(declaration)) == set(InterestDeclarationOut.model_fields)
