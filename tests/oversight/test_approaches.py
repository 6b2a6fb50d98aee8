"""The interference register: approaches are logged with who, when, how and what was asked."""

from __future__ import annotations

import datetime as dt

import pytest

from dueprocess.cases import services as svc
from dueprocess.cases.models import Approach
from dueprocess.errors import InvalidInput, NotFound
from dueprocess.lib import clock
from tests.oversight.conftest import approach, ledger_actions


def test_an_approach_is_logged_with_who_when_how_and_what_was_asked(world):
    case = world.case_at("investigation")
    logged = approach(world, case, ago=dt.timedelta(days=2))
    assert logged.approached_by == "Pat Doe, Leader's office"
    assert logged.from_political_office and logged.channel == "phone"
    assert logged.occurred_at < logged.logged_at
    assert logged.logged_by == world.case_manager
    assert ledger_actions("approach.logged") == 1


def test_an_approach_pushing_for_a_harsher_outcome_is_logged_the_same_way(world):
    logged = approach(
        world,
        world.case_at("investigation"),
        from_political_office=False,
        channel="email",
        what_was_asked="Asked for the member to be expelled before conference.",
        direction="harsher",
    )
    stored = Approach.objects.get(pk=logged.pk)
    assert stored.what_was_asked.startswith("Asked for the member")
    assert stored.direction == "harsher"


def test_an_approach_says_unclear_unless_told_which_way_it_pushed(world):
    assert approach(world, world.case_at("investigation")).direction == "unclear"


def test_a_logged_approach_can_be_neither_edited_nor_deleted(world):
    from django.db import DatabaseError, transaction

    logged = approach(world, world.case_at("investigation"), direction="lighter")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        Approach.objects.filter(pk=logged.pk).update(direction="neither")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        Approach.objects.filter(pk=logged.pk).delete()
    assert Approach.objects.get(pk=logged.pk).direction == "lighter"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"occurred_at": clock.now() + dt.timedelta(days=1)}, "occurred_at"),
        ({"occurred_at": dt.datetime(2026, 1, 1, 10, 0)}, "occurred_at"),  # no time zone
        ({"occurred_at": dt.datetime(2001, 1, 1, tzinfo=dt.UTC)}, "occurred_at"),
        ({"occurred_at": "yesterday"}, "occurred_at"),
        ({"channel": "carrier_pigeon"}, "channel"),
        ({"approached_by": "   "}, "approached_by"),
        ({"approached_by": "x" * 201}, "approached_by"),
        ({"what_was_asked": ""}, "what_was_asked"),
        ({"direction": "sideways"}, "direction"),
    ],
)
def test_a_bad_approach_is_refused_with_the_field_named_and_nothing_is_written(
    world, change, field
):
    case = world.case_at("investigation")
    with pytest.raises(InvalidInput) as caught:
        approach(world, case, **change)
    assert field in caught.value.fields
    assert not Approach.objects.exists()
    assert ledger_actions("approach.logged") == 0


@pytest.mark.parametrize("persona", ["political", "oversight", "admin", "other_manager"])
def test_people_outside_the_case_team_cannot_log_approaches(world, persona):
    case = world.case_at("investigation")
    with pytest.raises(NotFound):
        svc.approach_log(
            actor=world.people[persona],
            case=case,
            approached_by="Someone",
            from_political_office=False,
            channel="phone",
            occurred_at=clock.now(),
            what_was_asked="Anything.",
        )
    assert not Approach.objects.exists()
    assert ledger_actions("access.denied") == 1


def test_the_approach_form_logs_it_and_returns_to_the_case(world, client_for):
    case = world.case_at("investigation")
    client = client_for("case_manager")
    url = f"/oversight/cases/{case.reference}/approaches/new/"
    assert client.get(url).status_code == 200
    when = (clock.now() - dt.timedelta(hours=3)).astimezone().strftime("%Y-%m-%dT%H:%M")
    data = {
        "approached_by": "Regional organiser",
        "channel": "in_person",
        "occurred_at": when,
        "what_was_asked": "Asked that the case be dealt with quietly.",
        "direction": "lighter",
    }
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"].endswith(f"/{case.reference}/")
    saved = Approach.objects.get()
    assert not saved.from_political_office and saved.channel == "in_person"
    assert saved.direction == "lighter"
    page = client.get(f"/cases/{case.reference}/").content.decode()
    assert "towards a lighter outcome (or none)" in page


def test_the_approach_form_shows_errors_beside_the_fields_and_keeps_the_input(world, client_for):
    case = world.case_at("investigation")
    tomorrow = (clock.now() + dt.timedelta(days=1)).astimezone().strftime("%Y-%m-%dT%H:%M")
    response = client_for("case_manager").post(
        f"/oversight/cases/{case.reference}/approaches/new/",
        {
            "approached_by": "Regional organiser",
            "channel": "phone",
            "occurred_at": tomorrow,
            "what_was_asked": "Asked about timing.",
            "direction": "neither",
        },
    )
    page = response.content.decode()
    assert response.status_code == 422
    assert "before it has happened" in page and "Asked about timing." in page
    assert not Approach.objects.exists()


def test_the_approach_form_is_not_found_for_the_political_office(world, client_for):
    case = world.case_at("investigation")
    response = client_for("political").get(f"/oversight/cases/{case.reference}/approaches/new/")
    assert response.status_code == 404
