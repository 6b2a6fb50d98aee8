"""The public form at /report/: no account, the rulebook's categories, a case opened through
case_open with source "public", a receipt shown once and stored only as a slow hash; bad input
keeps what was typed; replays open one case; CSRF and the rate limit refuse politely."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.test import Client, override_settings

from dueprocess.cases.models import Case, Party
from dueprocess.ledger.record import party_pseudonym
from dueprocess.parties import receipts
from dueprocess.parties.models import PartyAccess
from tests.parties.helpers import entries_since, file_report, last_seq, report_form
from tests.world import World


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


def test_the_form_needs_no_account_and_offers_the_rulebooks_categories(world: World):
    response = Client().get("/report/")
    html = response.content.decode()
    assert response.status_code == 200
    for category in world.rules.categories.values():
        assert f">{category.label}</option>" in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert "<script" not in html.split("<main", 1)[1]  # nothing on the page needs JavaScript


def test_a_report_opens_a_public_case_and_shows_a_16_digit_receipt_once(world: World):
    start = last_seq()
    response, receipt = file_report(Client(), world)
    assert response.status_code == 201
    assert re.fullmatch(r"\d{4} \d{4} \d{4} \d{4}", receipt)
    assert "shown only once" in response.content.decode()
    case = Case.objects.get()
    assert case.source == Case.Source.PUBLIC and case.opened_by is None
    assert case.stage == world.rules.initial_stage
    complainant = case.parties.get(role=Party.Role.COMPLAINANT)
    assert complainant.anonymous and complainant.name == ""
    assert case.parties.get(role=Party.Role.RESPONDENT).name == "Rex Respondent"
    allegation = case.allegations.get()
    assert allegation.occurred_on.isoformat() == "2026-03-03"
    assert allegation.source == "Branch treasurer"
    access = PartyAccess.objects.get(case=case)
    digits = receipt.replace(" ", "")
    # only the slow hash is stored: not the receipt, nor any fast hash of it
    assert access.receipt_digest == receipts.digest(digits)
    assert digits not in str(list(PartyAccess.objects.values()))
    [(opened, details)] = entries_since(start, "case.opened")
    assert opened.role == "public" and details["source"] == "public"
    [(filed, filed_details)] = entries_since(start, "party.report_filed")
    assert filed.actor == party_pseudonym(access.pk)
    assert filed_details == {
        "anonymous": True,
        "consent_to_contact": False,
        "contact_given": False,
        "case_reference": case.reference,
    }


def test_the_receipt_digest_is_argon2id_with_the_installation_salt():
    from argon2.low_level import Type, hash_secret_raw

    expected = hash_secret_raw(
        secret=b"1234567812345678",
        salt=receipts._salt(),
        hash_len=32,
        type=Type.ID,
        **receipts._cost(),
    ).hex()
    assert receipts.digest("1234567812345678") == expected
    assert receipts.digest("1234567812345679") != expected
    assert receipts.normalised(" 1234-5678 1234.5678 ") == "1234567812345678"
    assert receipts.normalised("123456781234567") is None
    assert receipts.normalised("١٢٣٤٥٦٧٨١٢٣٤٥٦٧٨") is None  # non-ASCII digits are not digits here


def test_a_named_complainant_with_consent_gives_contact_details(world: World):
    response, receipt = file_report(
        Client(),
        world,
        anonymous="",
        name="Ola Complainant",
        email="Ola@Example.org",
        consent_to_contact="on",
    )
    assert response.status_code == 201 and receipt
    complainant = Party.objects.get(role=Party.Role.COMPLAINANT)
    assert complainant.name == "Ola Complainant" and complainant.email == "ola@example.org"
    assert not complainant.anonymous
    assert PartyAccess.objects.get().consent_to_contact


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"anonymous": "", "name": ""}, "name", "Required unless you stay anonymous."),
        ({"name": "Ola"}, "name", "Leave this empty to stay anonymous"),
        ({"consent_to_contact": "on"}, "email", "Required if you agree to be contacted."),
        ({"email": "not-an-address"}, "email", "Enter a valid email address."),
        ({"category": "no_such_category"}, "category", "Select a valid choice."),
        ({"occurred_on": "2999-01-01"}, "occurred_on", "Not in the future."),
        ({"respondent_name": ""}, "respondent_name", "This field is required."),
        ({"what_happened": "x" * 10001}, "what_happened", "at most 10000 characters"),
    ],
)
def test_bad_input_gets_a_field_error_and_keeps_what_was_typed(world, changes, field, message):
    typed = "<script>alert('typed')</script> at the meeting"
    response, receipt = file_report(Client(), world, **({"respondent_details": typed} | changes))
    html = response.content.decode()
    assert response.status_code == 422 and receipt == ""
    assert message in html
    assert f'id="id_{field}_error"' in html or f'aria-invalid="true" id="id_{field}"' in html
    assert "&lt;script&gt;alert(&#x27;typed&#x27;)&lt;/script&gt; at the meeting" in html
    assert "<script>alert" not in html
    assert Case.objects.count() == 0


def test_the_same_form_sent_twice_opens_one_case_and_does_not_show_the_receipt_again(world):
    client = Client()
    first, receipt = file_report(client, world)
    again, second_receipt = file_report(client, world)
    assert first.status_code == 201 and receipt
    assert again.status_code == 200 and second_receipt == ""
    assert "already received" in again.content.decode()
    assert Case.objects.count() == 1 and PartyAccess.objects.count() == 1


def test_the_same_key_with_another_complaint_is_refused_with_the_input_kept(world):
    client = Client()
    file_report(client, world)
    response, receipt = file_report(client, world, what_happened="Another thing entirely.")
    html = response.content.decode()
    assert response.status_code == 422 and receipt == ""
    assert "already sent with a different complaint" in html
    assert re.search(r">\s*Another thing entirely\.</textarea>", html)
    assert Case.objects.count() == 1


def test_a_post_without_the_csrf_token_is_refused_and_opens_nothing(world):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/report/", report_form(world))
    assert response.status_code == 403
    assert Case.objects.count() == 0


@override_settings(ACCOUNT_RATE_LIMITS={"public_report": "2/h/ip"})
def test_past_the_limit_a_report_is_refused_politely_recorded_and_kept(world):
    client = Client()
    start = last_seq()
    for number in range(2):
        response, _ = file_report(client, world, idempotency_key=f"k{number}")
        assert response.status_code == 201
    response, receipt = file_report(client, world, idempotency_key="k3", what_happened="Third.")
    html = response.content.decode()
    assert response.status_code == 429 and receipt == ""
    assert "try again later" in html and re.search(r">\s*Third\.</textarea>", html)
    assert Case.objects.count() == 2
    [(entry, details)] = entries_since(start, "party.report_refused")
    assert entry.actor == "system" and entry.case == "-"  # nobody proven, no case opened
    assert details["why"] == "rate limited" and details["address"] == "127.0.0.1"
    # another address is not limited by this one
    other, _ = file_report(Client(REMOTE_ADDR="192.0.2.7"), world, idempotency_key="k4")
    assert other.status_code == 201


def test_with_several_organisations_the_visitor_chooses_one(world, outsider):
    page = Client().get("/report/")
    html = page.content.decode()
    assert page.status_code == 200
    assert world.organisation.name in html and outsider.organisation.name in html
    form = Client().get(f"/report/?organisation={outsider.organisation.slug}")
    assert f"Make a complaint to {outsider.organisation.name}" in form.content.decode()
    assert Client().get("/report/?organisation=nobody").status_code == 404


def test_staff_cannot_record_a_complaint_as_come_in_by_the_public_form(world, signed_in):
    from dueprocess.cases import services as svc
    from dueprocess.errors import InvalidInput

    with pytest.raises(InvalidInput) as refused:
        svc.case_open(
            actor=world.intake,
            unit=world.unit,
            category=next(iter(world.rules.categories)),
            summary="Typed in by staff.",
            complainant=svc.PartyInput(name="Ola"),
            respondent=svc.PartyInput(name="Rex"),
            source=Case.Source.PUBLIC,
        )
    assert "source" in refused.value.fields
    assert (
        "public"
        not in signed_in("intake")
        .get("/cases/new/")
        .content.decode()
        .lower()
        .split('name="source"', 1)[1]
        .split("</select>", 1)[0]
    )


def test_two_public_cases_cannot_share_a_form_key_even_in_a_race(world: World):
    """The database keeps the key unique for cases opened by nobody (the staff rule is per
    person, and NULLs never collide), so two simultaneous sends cannot both open a case."""
    from django.db import IntegrityError, transaction

    file_report(Client(), world)
    first = Case.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.create(
            organisation=first.organisation,
            unit=first.unit,
            reference="C-2026-99999",
            rulebook=first.rulebook,
            category=first.category,
            stage=first.stage,
            stage_entered_at=first.stage_entered_at,
            summary="A second case under the same key.",
            source=Case.Source.PUBLIC,
            received_at=first.received_at,
            acknowledge_by=first.acknowledge_by,
            feedback_by=first.feedback_by,
            idempotency_key=first.idempotency_key,
        )
    assert Case.objects.count() == 1
