"""Who the token acts for: a client's first call, to check its token and what it may do."""

from typing import Any

from django.http import HttpRequest
from ninja import Router

from dueprocess.access.facts import memberships
from dueprocess.api.auth import token_of
from dueprocess.api.docs import documented
from dueprocess.api.outputs import MeOut

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
