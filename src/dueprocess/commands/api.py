"""``dueprocess api token create|list|revoke``: personal API tokens from the command line.

For operators setting up an integration. The token is always its owner's — created, like any
token, only if the owner has the two-factor sign-in their role requires — and the secret is
printed once, on its own line, so a script can capture it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from dueprocess.commands.setup import CommandError, django_setup, require_migrated


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("api", help="manage personal API tokens")
    tokens = parser.add_subparsers(dest="api_command", required=True).add_parser(
        "token", help="create, list or revoke a person's API tokens"
    )
    actions = tokens.add_subparsers(dest="token_command", required=True)
    create = actions.add_parser("create", help="create a token and print its secret once")
    create.add_argument("--email", required=True, help="the token's owner")
    create.add_argument("--name", required=True, help="what the token is for")
    create.add_argument(
        "--scopes", required=True, help="comma-separated, e.g. cases:read,cases:write"
    )
    create.add_argument("--days", type=int, default=90, help="lifetime in days (at most 366)")
    create.set_defaults(run=run_create)
    listing = actions.add_parser("list", help="list a person's tokens (never the secrets)")
    listing.add_argument("--email", required=True)
    listing.set_defaults(run=run_list)
    revoke = actions.add_parser("revoke", help="revoke a token by its prefix")
    revoke.add_argument("--email", required=True, help="the token's owner")
    revoke.add_argument("--prefix", required=True, help="the prefix shown by `list`")
    revoke.set_defaults(run=run_revoke)


def _owner(email: str):  # type: ignore[no-untyped-def]
    from dueprocess.accounts.models import User

    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None:
        raise CommandError(f"no account with the e-mail address {email}")
    return user


def _ready() -> None:
    django_setup()
    require_migrated()


def run_create(args: argparse.Namespace) -> int:
    _ready()
    from dueprocess.api.tokens import api_token_create
    from dueprocess.errors import DomainError
    from dueprocess.lib import clock
    from dueprocess.lib.ids import request_scope

    if not 1 <= args.days <= 366:
        raise CommandError("--days must be between 1 and 366")
    scopes = [s.strip() for s in args.scopes.split(",") if s.strip()]
    with request_scope():
        try:
            issued = api_token_create(
                actor=_owner(args.email),
                name=args.name,
                scopes=scopes,
                expires_at=clock.now() + dt.timedelta(days=args.days),
            )
        except DomainError as error:
            raise CommandError(error.message) from None
    token = issued.token
    print(
        f"Token {token.prefix}… for {token.owner.email}, scopes {','.join(token.scopes)}, "
        f"expires {token.expires_at:%Y-%m-%d}. The secret is shown once:",
        file=sys.stderr,
    )
    print(issued.secret)
    return 0


def run_list(args: argparse.Namespace) -> int:
    _ready()
    from dueprocess.api.tokens import api_tokens_of
    from dueprocess.lib import clock

    now = clock.now()
    for token in api_tokens_of(_owner(args.email)):
        state = "live" if token.is_live(now) else ("revoked" if token.revoked_at else "expired")
        used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never"
        print(
            f"{token.prefix}  {state:<7}  {','.join(token.scopes):<40}  "
            f"expires {token.expires_at:%Y-%m-%d}  last used {used}  {token.name}"
        )
    return 0


def run_revoke(args: argparse.Namespace) -> int:
    _ready()
    from dueprocess.api.models import ApiToken
    from dueprocess.api.tokens import api_token_revoke
    from dueprocess.lib.ids import request_scope

    owner = _owner(args.email)
    matches = list(ApiToken.objects.filter(owner=owner, prefix__startswith=args.prefix.strip()))
    if len(matches) != 1:
        raise CommandError(f"{len(matches)} tokens of {owner.email} match {args.prefix!r}")
    with request_scope():
        token = api_token_revoke(actor=owner, token=matches[0])
    print(f"Revoked {token.prefix}… ({token.name}).")
    return 0
