"""Who the token acts for (a client's first call, to check its token and what it may do), and
the owner's own choice of the daily e-mail digest."""

from typing import Any

from django.http import HttpRequest
from ninja import Router

from dueprocess.access.facts import memberships
from dueprocess.api.auth import actor, token_of
from dueprocess.api.docs import documented
from dueprocess.api.inputs import DigestIn
from dueprocess.api.outputs import DigestOut, MeOut
from dueprocess.letters.digest import digest_subscribe, digest_subscription_of

router = Router(tags=["tokens"])


@router.get(
    "/me",
    response=MeOut,
    **documented(
        "getMe",
        "Show who the token acts for",
        "The token's owner, their current roles, and the token's own name, scopes and expiry "
        "(never its secret). Every call made with the token is recorded as its owner's.",
        scope="",
        response={
            "email": "morgan@northmoor.example",
            "name": "Morgan Ellery",
            "organisation": "Northmoor Civic Party",
            "roles": ["case_manager"],
            "token": {
                "name": "ticketing bridge",
                "prefix": "dp_Xq3v0bT",
                "scopes": ["cases:read", "cases:write"],
                "created_at": "2026-03-01T09:00:00Z",
                "expires_at": "2026-05-30T09:00:00Z",
            },
        },
    ),
)
def get_me(request: HttpRequest) -> dict[str, Any]:
    token = token_of(request)
    owner = token.owner
    return {
        "email": owner.email,
        "name": owner.full_name,
        "organisation": owner.organisation.name if owner.organisation else None,
        "roles": sorted({role for role, _ in memberships(owner)}),
        "token": {
            "name": token.name,
            "prefix": token.prefix,
            "scopes": list(token.scopes),
            "created_at": token.created_at,
            "expires_at": token.expires_at,
        },
    }


DIGEST_EXAMPLE = {
    "on": True,
    "email": "morgan@northmoor.example",
    "changed_at": "2026-03-01T09:00:00Z",
}


def _digest(owner: Any) -> dict[str, Any]:
    choice = digest_subscription_of(owner)
    return {"on": choice.on, "email": owner.email, "changed_at": choice.changed_at}


@router.get(
    "/me/digest",
    response=DigestOut,
    **documented(
        "getMyDigest",
        "Show whether you get the daily digest",
        "The daily e-mail digest lists, each morning that something needs you, the cases "
        "waiting for you and your reminders and escalations — by reference, stage and date "
        "only. It is off unless you switch it on.",
        scope="",
        response=DIGEST_EXAMPLE,
    ),
)
def get_my_digest(request: HttpRequest) -> dict[str, Any]:
    return _digest(actor(request))


@router.put(
    "/me/digest",
    response=DigestOut,
    **documented(
        "setMyDigest",
        "Switch your daily digest on or off",
        "Only for yourself: nobody else chooses what reaches your mailbox. Each change is "
        "recorded on the ledger; setting it as it already is changes nothing.",
        scope="",
        errors=[422],
        request={"on": True},
        response=DIGEST_EXAMPLE,
    ),
)
def set_my_digest(request: HttpRequest, payload: DigestIn) -> dict[str, Any]:
    owner = actor(request)
    digest_subscribe(actor=owner, person=owner, on=payload.on)
    return _digest(owner)
