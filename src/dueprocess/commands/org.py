"""``dueprocess org add|list``: further organisations on one installation.

``init`` makes the first organisation; ``org add`` makes each further one, with its own
rulebook, its own case references, staff and oversight, and its own first administrator
(``accounts.services.organisation_establish``, the same service ``init`` uses). The access
policy keeps every person to their own organisation. Public pages and commands that serve
one organisation then need its slug (``?organisation=``, ``--org``).
"""

from __future__ import annotations

import argparse

from dueprocess.commands.init import establish, resolve_rulebook
from dueprocess.commands.setup import django_setup, require_migrated


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("org", help="add an organisation to this installation, or list them")
    actions = parser.add_subparsers(dest="org_command", required=True)

    add = actions.add_parser("add", help="add an organisation with its first administrator")
    add.add_argument("slug", help="short name: lower-case letters, digits and hyphens")
    add.add_argument("--name", required=True, help="the organisation's full name")
    add.add_argument(
        "--rulebook", default="party", help="rulebook file, or a bundled name (party, university)"
    )
    add.add_argument("--admin-email", required=True, help="its first administrator's e-mail")
    add.add_argument("--admin-name", default="Administrator")
    add.add_argument("--admin-password", help="default: a random password, printed once")
    add.set_defaults(run=run_add)

    listing = actions.add_parser("list", help="the organisations on this installation")
    listing.set_defaults(run=run_list)


def run_add(args: argparse.Namespace) -> int:
    rulebook_path = resolve_rulebook(args.rulebook)
    django_setup()
    require_migrated()
    organisation, admin, password = establish(
        rulebook_path,
        slug=args.slug,
        name=args.name,
        admin_email=args.admin_email,
        admin_name=args.admin_name,
        admin_password=args.admin_password,
    )
    version = organisation.rulebook
    print(f"Added {organisation.name} ({organisation.slug})")
    print(f"  rulebook: {version.name} ({version.sha256[:12]})")
    print(f"  administrator: {admin.email} / {password}")
    print(f"  its complaint form: /report/?organisation={organisation.slug}")
    return 0


def run_list(args: argparse.Namespace) -> int:
    django_setup()
    require_migrated()
    from dueprocess.accounts.organisations import all_organisations

    for organisation in all_organisations():
        cases, staff = organisation.cases.count(), organisation.staff.count()
        print(
            f"{organisation.slug}\t{organisation.name}\trulebook {organisation.rulebook.name}"
            f"\t{staff} staff\t{cases} cases"
        )
    return 0
