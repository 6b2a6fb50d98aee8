"""``dueprocess init``: data directory, database, keys, the organisation and its first admin."""

from __future__ import annotations

import argparse
import secrets
import sys
from pathlib import Path
from typing import Any

from dueprocess.commands.setup import CommandError, django_setup, migrate, run_service


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser(
        "init", help="create the data directory, database, keys and first admin"
    )
    parser.add_argument("--organisation", default="Example Organisation", help="organisation name")
    parser.add_argument("--slug", default="example", help="short name of the organisation")
    parser.add_argument(
        "--rulebook", default="party", help="rulebook file, or a bundled name (party, university)"
    )
    parser.add_argument("--admin-email", default="admin@example.org")
    parser.add_argument("--admin-name", default="Administrator")
    parser.add_argument("--admin-password", help="default: a random password, printed once")
    parser.set_defaults(run=run)


def resolve_rulebook(value: str) -> Path:
    from dueprocess.rulebooks import bundled

    path = Path(value)
    if path.suffix == ".toml" or path.exists():
        if not path.exists():
            raise CommandError(f"rulebook file {value} does not exist")
        return path
    try:
        return bundled(value)
    except FileNotFoundError as exc:
        raise CommandError(str(exc)) from exc


def run(args: argparse.Namespace) -> int:
    rulebook_path = resolve_rulebook(args.rulebook)
    django_setup()
    migrate()
    from dueprocess.accounts.models import Organisation
    from dueprocess.ledger import keys
    from dueprocess.ledger.config import UNWITNESSED_WARNING, ensure_policy, load_policy
    from dueprocess.lib.datadir import data_dir

    _, vkey_path = keys.ensure_signing_key()
    if not load_policy(ensure_policy()).witnesses:
        print(UNWITNESSED_WARNING, file=sys.stderr)
    if Organisation.objects.exists():
        print(f"Already initialised: data in {data_dir()}; verifier key {vkey_path}")
        return 0
    organisation, admin, password = establish(
        rulebook_path,
        slug=args.slug,
        name=args.organisation,
        admin_email=args.admin_email,
        admin_name=args.admin_name,
        admin_password=args.admin_password,
    )
    version = organisation.rulebook
    print(f"Initialised {organisation.name} in {data_dir()}")
    print(f"  rulebook: {version.name} ({version.sha256[:12]})")
    print(f"  ledger verifier key: {vkey_path}")
    print(f"  administrator: {admin.email} / {password}")
    return 0


def establish(
    rulebook_path: Path,
    *,
    slug: str,
    name: str,
    admin_email: str,
    admin_name: str,
    admin_password: str | None,
) -> tuple[Any, Any, str]:
    """Install the rulebook and make the organisation with its first administrator (``init``
    for the first, ``org add`` for each further one): the organisation, the administrator and
    their password (a random one, printed once, unless one was given)."""
    from dueprocess.accounts.services import organisation_establish
    from dueprocess.rulebook.errors import RulebookError
    from dueprocess.rulebook.versions import rulebook_install

    try:
        version = rulebook_install(path=rulebook_path)
    except RulebookError as error:
        raise CommandError(f"invalid rulebook:\n{error}") from error
    password = admin_password or secrets.token_urlsafe(12)
    organisation, admin = run_service(
        lambda: organisation_establish(
            slug=slug,
            name=name,
            rulebook=version,
            admin_email=admin_email,
            admin_name=admin_name,
            admin_password=password,
        )
    )
    return organisation, admin, password
