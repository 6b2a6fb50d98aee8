"""Personal API tokens: shown once, stored hashed, scoped, revocable, behind two-factor sign-in."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
from allauth.mfa.models import Authenticator

from dueprocess.api.models import ApiToken
from dueprocess.api.tokens import api_token_create, api_token_revoke, api_tokens_of
from dueprocess.errors import Forbidden, InvalidInput
from dueprocess.ledger.models import LedgerEntry
from dueprocess.ledger.record import actor_pseudonym
from dueprocess.lib import clock
from tests.api.client import enrol, problem_code


def payloads_of(action: str) -> list[bytes]:
    return [bytes(e.entry) for e in LedgerEntry.objects.filter(action=action)]


def test_a_new_token_is_shown_once_and_only_its_hash_is_kept(world):
    enrol(world.case_manager)
    issued = api_token_create(actor=world.case_manager, name="ticketing", scopes=["cases:read"])
    assert issued.secret.startswith("dp_") and len(issued.secret) > 40
    stored = ApiToken.objects.get(pk=issued.token.pk)
    assert stored.secret_sha256 == hashlib.sha256(issued.secret.encode()).hexdigest()
    assert issued.secret not in json.dumps(
        {f.name: str(getattr(stored, f.name)) for f in ApiToken._meta.fields}
    )
    assert stored.prefix == issued.secret[:10]
    assert stored.expires_at - stored.created_at == dt.timedelta(days=90)


def test_creating_and_revoking_are_on_the_ledger_without_the_secret(world):
    enrol(world.case_manager)
    issued = api_token_create(actor=world.case_manager, name="bridge", scopes=["cases:read"])
    api_token_revoke(actor=world.case_manager, token=issued.token)
    created = LedgerEntry.objects.get(action="api_token.created")
    revoked = LedgerEntry.objects.get(action="api_token.revoked")
    for entry in (created, revoked):
        assert issued.secret.encode() not in bytes(entry.entry)
        assert actor_pseudonym(world.case_manager).encode() in bytes(entry.entry)


def test_a_case_worker_without_an_authenticator_app_cannot_create_a_token(world):
    with pytest.raises(Forbidden, match="authenticator app"):
        api_token_create(actor=world.investigator, name="x", scopes=["cases:read"])
    assert not ApiToken.objects.exists()
    denied = LedgerEntry.objects.filter(action="access.denied")
    assert denied.count() == 1
    enrol(world.investigator)
    assert api_token_create(actor=world.investigator, name="x", scopes=["cases:read"]).secret


def test_administrators_oversight_and_reviewers_need_an_authenticator_app_for_a_token(world):
    from tests.signing_in import staff_without_a_role

    for persona in ("oversight", "admin", "reviewer"):
        with pytest.raises(Forbidden, match="authenticator app"):
            api_token_create(actor=world.people[persona], name="x", scopes=["cases:read"])
        enrol(world.people[persona])
        issued = api_token_create(actor=world.people[persona], name="x", scopes=["cases:read"])
        assert issued.token.owner == world.people[persona]
    nobody = staff_without_a_role(world)  # holds no role: sees nothing, needs no second factor
    assert api_token_create(actor=nobody, name="x", scopes=["cases:read"]).token.owner == nobody


def test_a_token_stops_working_when_its_owner_loses_the_authenticator_app(api, world):
    token = api.token("case_manager")
    assert api.get("/me", token=token).status_code == 200
    Authenticator.objects.filter(user=world.case_manager).delete()
    assert api.get("/me", token=token).status_code == 401


@pytest.mark.parametrize(
    ("scopes", "expiry", "field"),
    [
        ([], None, "scopes"),
        (["cases:read", "cases:everything"], None, "scopes"),
        (["cases:read"], dt.timedelta(days=-1), "expires_at"),
        (["cases:read"], dt.timedelta(days=400), "expires_at"),
    ],
)
def test_unknown_scopes_and_impossible_expiries_are_refused(world, scopes, expiry, field):
    enrol(world.case_manager)
    with pytest.raises(InvalidInput) as refused:
        api_token_create(
            actor=world.case_manager,
            name="x",
            scopes=scopes,
            expires_at=clock.now() + expiry if expiry else None,
        )
    assert field in refused.value.fields
    assert not ApiToken.objects.exists()


def test_a_revoked_token_is_refused_at_once(api, world):
    token = api.token("case_manager")
    assert api.get("/cases", token=token).status_code == 200
    api_token_revoke(actor=world.case_manager, token=ApiToken.objects.get())
    refused = api.get("/cases", token=token)
    assert refused.status_code == 401 and problem_code(refused) == "unauthenticated"


def test_an_expired_token_is_refused(api, world):
    token = api.token("case_manager")
    ApiToken.objects.update(expires_at=clock.now() - dt.timedelta(seconds=1))
    assert api.get("/cases", token=token).status_code == 401


def test_a_token_of_a_deactivated_person_is_refused(api, world):
    token = api.token("case_manager")
    world.case_manager.is_active = False
    world.case_manager.save(update_fields=["is_active"])
    assert api.get("/me", token=token).status_code == 401


def test_only_the_owner_or_an_administrator_may_revoke_a_token(world):
    enrol(world.case_manager)
    issued = api_token_create(actor=world.case_manager, name="x", scopes=["cases:read"])
    refusals = LedgerEntry.objects.filter(action="access.denied")
    before = refusals.count()
    with pytest.raises(Forbidden):
        api_token_revoke(actor=world.intake, token=issued.token)
    assert ApiToken.objects.get().revoked_at is None
    assert refusals.count() == before + 1  # the refusal is on the record, not rolled back
    api_token_revoke(actor=world.admin, token=issued.token)
    assert ApiToken.objects.get().revoked_at is not None


def test_an_administrator_of_another_organisation_cannot_revoke(world, outsider):
    from dueprocess.accounts.services import role_grant, staff_create

    enrol(world.case_manager)
    issued = api_token_create(actor=world.case_manager, name="x", scopes=["cases:read"])
    admin_elsewhere = staff_create(
        actor=None,
        organisation=outsider.organisation,
        email="admin@elsewhere.example",
        full_name="Admin Elsewhere",
        password=None,
    )
    role_grant(actor=None, user=admin_elsewhere, role="administrator")
    with pytest.raises(Forbidden):
        api_token_revoke(actor=admin_elsewhere, token=issued.token)
    assert ApiToken.objects.get().revoked_at is None


def test_me_shows_the_owner_and_the_token_but_never_the_secret(api, world):
    token = api.token("case_manager", scopes=("cases:read",))
    response = api.get("/me", token=token)
    body = response.json()
    assert body["email"] == world.case_manager.email
    assert body["roles"] == ["case_manager"]
    assert body["token"]["scopes"] == ["cases:read"]
    assert token not in response.content.decode()


def test_the_owner_sees_their_tokens_newest_first(world):
    enrol(world.case_manager)
    first = api_token_create(actor=world.case_manager, name="one", scopes=["cases:read"])
    second = api_token_create(actor=world.case_manager, name="two", scopes=["cases:read"])
    assert [t.pk for t in api_tokens_of(world.case_manager)] == [second.token.pk, first.token.pk]


def test_using_a_token_stamps_when_it_was_last_used(api, world):
    token = api.token("case_manager")
    assert ApiToken.objects.get().last_used_at is None
    api.get("/me", token=token)
    assert ApiToken.objects.get().last_used_at is not None
