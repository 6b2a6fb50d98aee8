"""Several organisations on one installation: each is made whole or not at all, and the pages
nobody signs in to (the complaint form, the transparency report) and the public API ask which
organisation once there are two, rather than choosing one silently."""

from __future__ import annotations

import pytest
from django.test import Client

from dueprocess.accounts.models import Organisation, RoleMembership, User
from dueprocess.accounts.services import organisation_establish
from dueprocess.errors import InvalidInput
from dueprocess.ledger.models import LedgerEntry
from dueprocess.oversight import transparency as tr
from tests.world import World


def _establish(world: World, **changes: str) -> tuple[Organisation, User]:
    values = {
        "slug": "guild",
        "name": "The Guild",
        "admin_email": "admin@guild.example",
        "admin_name": "Guild Admin",
        "admin_password": "a long pass 3",
    } | changes
    return organisation_establish(rulebook=world.organisation.rulebook, **values)


def test_an_organisation_comes_with_its_unit_and_administrator_and_is_recorded(world):
    start = LedgerEntry.objects.order_by("-seq").values_list("seq", flat=True).first()
    organisation, admin = _establish(world, name="  The   Guild ")
    assert organisation.name == "The Guild" and organisation.slug == "guild"
    assert list(organisation.units.values_list("slug", flat=True)) == ["complaints"]
    assert admin.organisation == organisation and admin.check_password("a long pass 3")
    assert RoleMembership.objects.get(user=admin).role == "administrator"
    actions = list(
        LedgerEntry.objects.filter(seq__gt=start).order_by("seq").values_list("action", flat=True)
    )
    assert actions == ["organisation.created", "staff.created", "role.granted"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"slug": "Not A Slug"}, "slug"),
        ({"slug": "-edge"}, "slug"),
        ({"slug": "x" * 51}, "slug"),
        ({"name": "   "}, "name"),
        ({"admin_email": "not-an-address"}, "email"),
    ],
)
def test_bad_input_is_refused_by_field_and_leaves_nothing(world, changes, field):
    before = (Organisation.objects.count(), User.objects.count())
    with pytest.raises(InvalidInput) as refused:
        _establish(world, **changes)
    assert set(refused.value.fields) == {field}
    assert (Organisation.objects.count(), User.objects.count()) == before


def test_a_taken_slug_or_address_leaves_no_half_made_organisation(world):
    _establish(world)
    with pytest.raises(InvalidInput, match="already an organisation"):
        _establish(world, admin_email="other@guild.example")
    with pytest.raises(InvalidInput, match="already has an account"):
        _establish(world, slug="second", admin_email="admin@guild.example")
    assert not Organisation.objects.filter(slug="second").exists()  # rolled back with the admin


def test_with_two_organisations_the_public_pages_ask_which(world):
    guild, _ = _establish(world)
    client = Client()
    chooser = client.get("/transparency/")
    assert chooser.status_code == 200
    page = chooser.content.decode()
    assert "Choose one" in page and "?organisation=guild" in page
    assert f"?organisation={world.organisation.slug}" in page
    report = client.get("/transparency/?organisation=guild")
    assert report.status_code == 200 and "The Guild" in report.content.decode()
    assert "?organisation=guild&amp;quarter=" in report.content.decode()
    assert client.get("/transparency/?organisation=nowhere").status_code == 404
    form = client.get("/report/")
    assert form.status_code == 200 and "?organisation=guild" in form.content.decode()
    quarter = tr.latest_complete(guild)
    api = client.get(f"/api/v1/oversight/transparency/{quarter}")
    assert api.status_code == 404 and "several" in api.json()["detail"]
    named = client.get(f"/api/v1/oversight/transparency/{quarter}?organisation=guild")
    assert named.status_code == 200 and named.json()["quarter"] == str(quarter)
    bad = client.get(f"/api/v1/oversight/transparency/{quarter}?organisation=Bad!")
    assert bad.status_code == 422  # not a short name at all


def test_with_one_organisation_nothing_needs_naming(world):
    client = Client()
    page = client.get("/transparency/")
    assert page.status_code == 200 and world.organisation.name in page.content.decode()
    quarter = tr.latest_complete(world.organisation)
    assert client.get(f"/api/v1/oversight/transparency/{quarter}").status_code == 200
