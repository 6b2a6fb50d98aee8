"""The staff administration pages and the declarations of interest, through the web: the
account administrator manages accounts (and is shown no case), every member of staff declares
their own interests, the head of complaints reviews them — each change on the ledger, each
refusal recorded, and bad input shown beside the field with what was typed kept."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client

from dueprocess.accounts.models import InterestDeclaration, RoleMembership, TrainingRecord, User
from dueprocess.accounts.services import role_grant, staff_create
from dueprocess.lib import clock
from tests.api.trail import actions_since, mark
from tests.signing_in import enrol
from tests.web.test_signins_recorded import entries_since
from tests.world import World

NOT_ADMINISTRATORS = (
    "intake",
    "case_manager",
    "investigator",
    "oversight",
    "reviewer",
    "political",
)


def _html(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode()


def _field(html: str, name: str, form: str = "") -> str:
    """The rendered input (or select, or textarea) of field ``name`` (of the form drawn with
    ids ``id_<form>_...``, for a form repeated on the page)."""
    element_id = f"id_{form}_{name}" if form else f"id_{name}"
    found = re.search(rf'<(?:input|select|textarea)[^>]*id="{element_id}"[^>]*>', html)
    assert found, element_id
    return found.group(0)


def _iso(day: dt.date) -> str:
    return day.isoformat()


def test_an_administrator_adds_a_person_grants_trains_ends_and_deactivates(world, signed_in):
    admin = signed_in("admin")
    listing = _html(admin.get("/staff/"))
    assert world.investigator.email in listing and "Add staff" in listing
    today = clock.today()

    start = mark()
    added = admin.post(
        "/staff/add/", {"full_name": "Rowan Ashby", "email": "rowan@westfold.example"}
    )
    person = User.objects.get(email="rowan@westfold.example")
    assert added.status_code == 302 and added["Location"] == f"/staff/{person.pk}/"
    assert person.organisation == world.organisation and not person.has_usable_password()
    assert actions_since(start) == ["staff.created"]
    [(_, created)] = entries_since(start, "staff.created")
    assert created["user"] == person.pk
    page = f"/staff/{person.pk}/"
    assert "Rowan Ashby" in _html(admin.get(page))

    start = mark()
    granted = admin.post(
        f"/staff/{person.pk}/roles/",
        {"role": "investigator", "unit": "", "starts_on": _iso(today - dt.timedelta(days=10))},
    )
    assert granted.status_code == 302
    [(_, details)] = entries_since(start, "role.granted")
    assert details["user"] == person.pk and details["role"] == "investigator"
    assert details["starts_on"] == _iso(today - dt.timedelta(days=10))
    shown = _html(admin.get(page))
    assert re.search(r"Investigator: from [^<]+<span class=\"stage\">current</span>", shown)

    start = mark()
    trained = admin.post(
        f"/staff/{person.pk}/training/",
        {"course": "Investigating fairly", "completed_on": _iso(today - dt.timedelta(days=3))},
    )
    assert trained.status_code == 302
    assert actions_since(start) == ["training.recorded"]
    assert "Investigating fairly, completed" in _html(admin.get(page))

    membership = RoleMembership.objects.get(user=person)
    start = mark()
    ended = admin.post(
        f"/staff/{person.pk}/roles/{membership.pk}/end/",
        {"ends_on": _iso(today - dt.timedelta(days=1))},
    )
    assert ended.status_code == 302
    [(_, details)] = entries_since(start, "role.ended")
    assert details == {
        "user": person.pk,
        "role": "investigator",
        "ends_on": _iso(today - dt.timedelta(days=1)),
    }
    assert '<span class="stage">ended</span>' in _html(admin.get(page))

    start = mark()
    switched = admin.post(f"/staff/{person.pk}/deactivate/", {"confirm": "on"})
    assert switched.status_code == 302
    assert actions_since(start) == ["staff.deactivated"]
    person.refresh_from_db()
    assert not person.is_active
    assert "Account switched off" in _html(admin.get(page))
    row = re.search(r"Rowan Ashby</a></th>.*?</tr>", _html(admin.get("/staff/")), re.S)
    assert row and "Switched off" in row.group(0) and "Investigating fairly" in row.group(0)


def test_the_administrator_is_offered_staff_pages_and_never_a_case(world, signed_in):
    admin = signed_in("admin")
    for path in ("/", "/staff/", f"/staff/{world.investigator.pk}/", "/account/interests/"):
        html = _html(admin.get(path))
        assert 'href="/staff/"' in html, path
        assert 'href="/cases/' not in html and 'href="/queue/' not in html, path
        assert 'href="/interests/"' not in html, path


def test_the_menu_offers_each_page_only_to_those_who_may_use_it(world, signed_in):
    for persona in ("case_manager", "investigator", "oversight"):
        html = _html(signed_in(persona).get("/account/"))
        assert 'href="/staff/"' not in html, persona
        assert ('href="/interests/"' in html) == (persona == "case_manager"), persona
        assert 'href="/account/interests/"' in html, persona


@pytest.mark.parametrize("persona", NOT_ADMINISTRATORS)
def test_anyone_but_the_administrator_is_refused_and_the_refusal_recorded(
    world, signed_in, persona
):
    client = signed_in(persona)
    person = world.investigator_b
    role = RoleMembership.objects.filter(user=person).first()
    assert role is not None
    today = _iso(clock.today())
    attempts = [
        ("get", "/staff/", {}),
        ("get", f"/staff/{person.pk}/", {}),
        ("post", "/staff/add/", {"full_name": "N", "email": f"n-{persona}@westfold.example"}),
        ("post", f"/staff/{person.pk}/roles/", {"role": "investigator", "starts_on": today}),
        ("post", f"/staff/{person.pk}/roles/{role.pk}/end/", {"ends_on": today}),
        ("post", f"/staff/{person.pk}/training/", {"course": "X", "completed_on": today}),
        ("post", f"/staff/{person.pk}/deactivate/", {"confirm": "on"}),
    ]
    roles, training = RoleMembership.objects.count(), TrainingRecord.objects.count()
    for method, path, data in attempts:
        start = mark()
        response = getattr(client, method)(path, data)
        assert response.status_code == 403, (persona, path)
        assert "Only an account administrator" in _html(response)
        assert actions_since(start) == ["access.denied"], (persona, path)
    assert not User.objects.filter(email=f"n-{persona}@westfold.example").exists()
    assert (RoleMembership.objects.count(), TrainingRecord.objects.count()) == (roles, training)
    person.refresh_from_db()
    assert person.is_active


def test_another_organisations_administrator_finds_nobody_here(world, outsider):
    far_admin = staff_create(
        actor=None,
        organisation=outsider.organisation,
        email="admin@elsewhere.example",
        full_name="Far Admin",
        password=None,
    )
    role_grant(actor=None, user=far_admin, role="administrator")
    enrol(far_admin)
    client = Client()
    client.force_login(far_admin)
    assert world.investigator.email not in _html(client.get("/staff/"))
    person = world.investigator
    assert client.get(f"/staff/{person.pk}/").status_code == 404
    assert client.post(f"/staff/{person.pk}/deactivate/", {"confirm": "on"}).status_code == 404
    person.refresh_from_db()
    assert person.is_active


def test_bad_input_is_shown_beside_the_field_with_what_was_typed_and_writes_nothing(
    world, signed_in
):
    admin = signed_in("admin")
    people = User.objects.count()
    start = mark()

    empty_name = admin.post("/staff/add/", {"full_name": " ", "email": "kept@westfold.example"})
    assert empty_name.status_code == 422
    html = _html(empty_name)
    assert 'aria-invalid="true"' in _field(html, "full_name")
    assert 'value="kept@westfold.example"' in _field(html, "email")

    bad_email = admin.post("/staff/add/", {"full_name": "Typed Name", "email": "not-an-address"})
    assert bad_email.status_code == 422
    html = _html(bad_email)
    assert 'aria-invalid="true"' in _field(html, "email")
    assert 'value="not-an-address"' in _field(html, "email")
    assert 'value="Typed Name"' in _field(html, "full_name")

    taken = admin.post("/staff/add/", {"full_name": "Twin", "email": world.investigator.email})
    assert taken.status_code == 422
    assert "Already in use." in _html(taken) and 'value="Twin"' in _html(taken)

    person = world.investigator_b
    roles = RoleMembership.objects.filter(user=person).count()
    backwards = admin.post(
        f"/staff/{person.pk}/roles/",
        {"role": "case_manager", "unit": "", "starts_on": "2026-03-01", "ends_on": "2026-02-01"},
    )
    assert backwards.status_code == 422
    html = _html(backwards)
    assert "Before the start." in html
    assert 'aria-invalid="true"' in _field(html, "ends_on")
    assert 'value="2026-02-01"' in _field(html, "ends_on")
    assert 'value="2026-03-01"' in _field(html, "starts_on")
    assert re.search(r'<option value="case_manager" selected>', html)

    membership = RoleMembership.objects.filter(user=person).first()
    assert membership is not None
    before_start = membership.starts_on - dt.timedelta(days=1)
    early_end = admin.post(
        f"/staff/{person.pk}/roles/{membership.pk}/end/", {"ends_on": _iso(before_start)}
    )
    assert early_end.status_code == 422
    html = _html(early_end)
    end_field = _field(html, "ends_on", f"end{membership.pk}")
    assert 'aria-invalid="true"' in end_field and f'value="{_iso(before_start)}"' in end_field

    future = _iso(clock.today() + dt.timedelta(days=5))
    trained = admin.post(
        f"/staff/{person.pk}/training/", {"course": "Kept course", "completed_on": future}
    )
    assert trained.status_code == 422
    html = _html(trained)
    assert "In the future." in html and 'value="Kept course"' in _field(html, "course")

    unconfirmed = admin.post(f"/staff/{person.pk}/deactivate/", {})
    assert unconfirmed.status_code == 422
    own = admin.post(f"/staff/{world.admin.pk}/deactivate/", {"confirm": "on"})
    assert own.status_code == 422 and "You cannot deactivate your own account" in _html(own)

    assert actions_since(start) == []  # nothing written, nothing recorded
    assert User.objects.count() == people
    assert RoleMembership.objects.filter(user=person).count() == roles
    membership.refresh_from_db()
    assert membership.ends_on is None
    person.refresh_from_db()
    assert person.is_active and not TrainingRecord.objects.filter(course="Kept course").exists()


def test_every_form_needs_its_csrf_token(world):
    admin, member = world.admin, world.investigator
    for user in (admin, member):
        enrol(user)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(admin)
    data = {"full_name": "Csrf Test", "email": "csrf@westfold.example"}
    assert strict.post("/staff/add/", data).status_code == 403
    assert strict.post(f"/staff/{member.pk}/deactivate/", {"confirm": "on"}).status_code == 403
    assert not User.objects.filter(email="csrf@westfold.example").exists()
    member.refresh_from_db()
    assert member.is_active
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', _html(strict.get("/staff/")))
    assert token
    sent = strict.post("/staff/add/", {**data, "csrfmiddlewaretoken": token.group(1)})
    assert sent.status_code == 302 and User.objects.filter(email="csrf@westfold.example").exists()

    declarer = Client(enforce_csrf_checks=True)
    declarer.force_login(member)
    declared = {"kind": "role_held", "description": "Treasurer of a campaign."}
    assert declarer.post("/account/interests/", declared).status_code == 403
    assert not InterestDeclaration.objects.filter(user=member).exists()


def test_a_declaration_reaches_the_head_of_complaints_and_the_review_is_recorded(world, signed_in):
    declarer = signed_in("investigator")
    assert "You have declared nothing." in _html(declarer.get("/account/interests/"))

    unknown = declarer.post(
        "/account/interests/",
        {"kind": "relationship", "description": "My cousin.", "member_number": "NOPE-1"},
    )
    assert unknown.status_code == 422
    html = _html(unknown)
    assert "Not in the membership register." in html
    assert 'value="NOPE-1"' in _field(html, "member_number") and "My cousin." in html
    backwards = declarer.post(
        "/account/interests/",
        {
            "kind": "role_held",
            "description": "Kept text.",
            "starts_on": "2026-03-01",
            "ends_on": "2026-01-01",
        },
    )
    assert backwards.status_code == 422
    assert 'aria-invalid="true"' in _field(_html(backwards), "ends_on")
    assert not InterestDeclaration.objects.exists()

    start = mark()
    made = declarer.post(
        "/account/interests/",
        {"kind": "role_held", "description": "Treasurer of the Eastgate campaign."},
    )
    assert made.status_code == 302
    assert actions_since(start) == ["interest.declared"]
    declaration = InterestDeclaration.objects.get(user=world.investigator)
    mine = _html(declarer.get("/account/interests/"))
    assert "Treasurer of the Eastgate campaign." in mine and "Waiting for review" in mine

    intake = signed_in("intake")
    start = mark()
    assert intake.get("/interests/").status_code == 403
    assert actions_since(start) == ["access.denied"]
    reviewer = signed_in("case_manager")
    inbox = _html(reviewer.get("/interests/"))
    assert "Treasurer of the Eastgate campaign." in inbox and "Investigator: Role held" in inbox

    start = mark()
    refused = intake.post(f"/interests/{declaration.pk}/review/", {"outcome": "noted", "note": ""})
    assert refused.status_code == 403 and actions_since(start) == ["access.denied"]

    start = mark()
    unexplained = reviewer.post(
        f"/interests/{declaration.pk}/review/", {"outcome": "restricted", "note": ""}
    )
    assert unexplained.status_code == 422
    html = _html(unexplained)
    assert "Required for a restriction." in html
    assert re.search(r'<input[^>]*value="restricted"[^>]*checked', html)
    assert actions_since(start) == []

    reviewed = reviewer.post(
        f"/interests/{declaration.pk}/review/",
        {"outcome": "restricted", "note": "Not on cases from Eastgate."},
    )
    assert reviewed.status_code == 302
    [(_, details)] = entries_since(start, "interest.reviewed")
    assert details == {
        "declaration": declaration.pk,
        "user": world.investigator.pk,
        "outcome": "restricted",
    }
    declaration.refresh_from_db()
    assert declaration.reviewed_by == world.case_manager
    assert declaration.review_note == "Not on cases from Eastgate."
    mine = _html(declarer.get("/account/interests/"))
    assert "Restricted" in mine and "Not on cases from Eastgate." in mine
    assert "Waiting for review" not in mine
    # who reviewed it and when, to the declarant and in the head of complaints' list alike
    when = declaration.reviewed_at
    assert when is not None
    stamp = f'<time datetime="{when.isoformat()}">'
    reviewed_line = f"Reviewed by {world.case_manager.full_name} on {stamp}"
    assert reviewed_line in mine
    assert reviewed_line in _html(reviewer.get("/interests/"))

    again = reviewer.post(f"/interests/{declaration.pk}/review/", {"outcome": "noted"})
    assert again.status_code == 422 and "already been reviewed" in _html(again)


def test_the_head_of_complaints_never_reviews_their_own_declaration(world: World, signed_in):
    head = signed_in("case_manager")
    made = head.post("/account/interests/", {"kind": "role_held", "description": "Own role."})
    assert made.status_code == 302
    own = InterestDeclaration.objects.get(user=world.case_manager)
    assert "Own role." not in _html(head.get("/interests/"))
    answer = head.post(f"/interests/{own.pk}/review/", {"outcome": "no_conflict"})
    assert answer.status_code == 422 and "Someone else must review" in _html(answer)
    own.refresh_from_db()
    assert own.reviewed_at is None
