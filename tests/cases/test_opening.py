"""Opening a case: references, deadlines, validation that loses nothing, idempotency."""

from __future__ import annotations

import datetime as dt

import pytest

from dueprocess.cases import services as svc
from dueprocess.cases.models import Case, Party
from dueprocess.errors import Forbidden, IdempotencyKeyReused, InvalidInput
from dueprocess.ledger.models import LedgerEntry
from dueprocess.lib import clock


def test_references_are_dense_per_organisation_and_year(world):
    first, second = world.open_case(), world.open_case()
    year = clock.now().year
    assert first.reference == f"C-{year}-00001"
    assert second.reference == f"C-{year}-00002"


def test_a_new_case_gets_the_rulebook_deadlines_and_version(world):
    moment = dt.datetime(2026, 1, 31, 10, tzinfo=dt.UTC)
    with clock.frozen(moment):
        case = world.open_case()
    assert case.acknowledge_by == dt.date(2026, 2, 7)
    assert case.feedback_by == dt.date(2026, 4, 30)
    assert case.stage == "received" and case.stage_due_on == dt.date(2026, 2, 7)
    assert case.rulebook.sha256 == world.rules.sha256


def test_an_unknown_category_is_refused_and_nothing_is_written(world):
    with pytest.raises(InvalidInput) as caught:
        world.open_case(category="jaywalking")
    assert "category" in caught.value.fields
    assert Case.objects.count() == 0 and Party.objects.count() == 0


def test_a_complaint_about_nobody_is_refused(world):
    with pytest.raises(InvalidInput) as caught:
        world.open_case(respondent=svc.PartyInput())
    assert caught.value.fields == {"respondent_name": "Required."}
    assert Case.objects.count() == 0


def test_an_invalid_email_is_refused(world):
    with pytest.raises(InvalidInput) as caught:
        world.open_case(respondent=svc.PartyInput(name="X", email="not-an-address"))
    assert "respondent_email" in caught.value.fields


def test_an_unknown_member_number_is_refused(world):
    with pytest.raises(InvalidInput, match="No member numbered"):
        world.open_case(respondent=svc.PartyInput(member_number="NOPE-1"))


def test_a_complaint_received_in_the_future_is_refused(world):
    with pytest.raises(InvalidInput) as caught:
        world.open_case(received_at=clock.now() + dt.timedelta(days=1))
    assert "received_at" in caught.value.fields


def test_an_anonymous_complainant_needs_no_name(world):
    case = svc.case_open(
        actor=world.intake,
        unit=world.unit,
        category="bullying_harassment",
        summary="Threats.",
        complainant=svc.PartyInput(anonymous=True),
        respondent=svc.PartyInput(name="R"),
    )
    complainant = case.parties.get(role="complainant")
    assert complainant.anonymous and complainant.display_name == "Anonymous complainant"


def test_repeating_an_idempotency_key_returns_the_first_case_and_records_once(world):
    first = world.open_case(idempotency_key="form-123")
    entries = LedgerEntry.objects.count()
    again = world.open_case(idempotency_key="form-123")
    assert again.pk == first.pk
    assert Case.objects.count() == 1
    assert LedgerEntry.objects.count() == entries


def test_an_idempotency_key_reused_for_another_complaint_is_refused(world):
    first = world.open_case(idempotency_key="form-9")
    entries = LedgerEntry.objects.count()
    other = svc.PartyInput(name="Someone Else")
    with pytest.raises(IdempotencyKeyReused) as caught:
        world.open_case(idempotency_key="form-9", respondent=other)
    assert caught.value.status == 422 and "different request" in caught.value.message
    assert Case.objects.count() == 1 and LedgerEntry.objects.count() == entries
    assert world.open_case(idempotency_key="form-9").pk == first.pk
    assert world.open_case(idempotency_key="form-10", respondent=other).pk != first.pk


def test_a_racing_submission_under_the_same_key_is_held_to_its_own_request(world, monkeypatch):
    """The loser of two submissions racing with one key (it hits the unique constraint) gets
    the winner's case only if it sent the same request."""
    from django.db import IntegrityError

    from dueprocess.cases.services import opening

    first = world.open_case(idempotency_key="race-1")

    def lose(**_: object) -> None:
        raise IntegrityError("case_idempotency_key_per_person")

    monkeypatch.setattr(opening, "_open", lose)
    assert world.open_case(idempotency_key="race-1").pk == first.pk
    with pytest.raises(IdempotencyKeyReused):
        world.open_case(idempotency_key="race-1", respondent=svc.PartyInput(name="Other"))


@pytest.mark.parametrize("persona", ["political", "oversight", "admin", "reviewer", "investigator"])
def test_only_intake_and_case_managers_may_open_cases(world, persona):
    with pytest.raises(Forbidden):
        world.open_case(by=persona)
    assert Case.objects.count() == 0
    denied = LedgerEntry.objects.filter(action="access.denied")
    assert denied.count() == 1


def test_a_unit_of_another_organisation_is_refused(world, outsider):
    other_unit = outsider.organisation.units.get()
    with pytest.raises(InvalidInput):
        world.open_case(unit=other_unit)


def test_a_case_manager_opens_cases_only_in_their_own_unit(world):
    with pytest.raises(Forbidden):
        world.open_case(by="other_manager", unit=world.unit)
    assert world.open_case(by="other_manager", unit=world.other_unit).unit == world.other_unit


def test_someone_conflicted_out_of_every_case_takes_in_no_complaints(world):
    with pytest.raises(Forbidden):
        world.open_case(by="moved")
    assert LedgerEntry.objects.filter(action="access.denied").count() == 1


def test_each_organisation_numbers_its_own_cases_and_sees_only_its_own(world, outsider):
    from dueprocess.cases.queries import case_detail_for
    from dueprocess.errors import NotFound

    ours = world.open_case()
    theirs = svc.case_open(
        actor=outsider,
        unit=outsider.organisation.units.get(),
        category="antisemitism",
        summary="Elsewhere.",
        complainant=svc.PartyInput(name="A"),
        respondent=svc.PartyInput(name="B"),
    )
    assert ours.reference == theirs.reference
    assert case_detail_for(outsider, theirs.reference).case.pk == theirs.pk
    assert case_detail_for(world.case_manager, ours.reference).case.pk == ours.pk
    with pytest.raises(NotFound):
        case_detail_for(world.reviewer, "C-1999-00001")


def test_an_idempotency_key_is_personal(world):
    mine = world.open_case(by="intake", idempotency_key="k-1")
    theirs = world.open_case(by="case_manager", idempotency_key="k-1")
    assert mine.pk != theirs.pk
    assert world.open_case(by="case_manager", idempotency_key="k-1").pk == theirs.pk
