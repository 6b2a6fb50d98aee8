"""``dueprocess staff add|deactivate|grant|end-role|training|digest|list``: staff administration.

For the operator of an installation, who acts as the system (each change is a ledger entry by
"system"). A fresh ``init`` has only its administrator; these commands add the people who work
cases, grant and end their dated roles (the conflict rules read the history) and record the
training assignment requires — through the same services as every other channel.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import sys
from typing import Any

from dueprocess.commands.setup import (
    CommandError,
    django_setup,
    organisation_for,
    require_migrated,
    run_service,
)


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("staff", help="add staff, grant and end roles, record training")
    actions = parser.add_subparsers(dest="staff_command", required=True)

    add = actions.add_parser("add", help="create a staff account")
    add.add_argument("email")
    add.add_argument("--name", required=True, help="full name")
    add.add_argument("--org", help="organisation slug (needed when there are several)")
    add.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from standard input (otherwise asked for, or none: the person"
        " sets one through the password-reset e-mail)",
    )
    add.add_argument(
        "--authenticator",
        action="store_true",
        help="also enrol an authenticator app and print its otpauth:// URI once (to hand to"
        " the person privately); their roles may need it before they can have an API token",
    )
    add.set_defaults(run=run_add)

    authenticator = actions.add_parser(
        "authenticator",
        help="enrol a person's authenticator app and print its otpauth:// URI once",
    )
    authenticator.add_argument("email")
    authenticator.set_defaults(run=run_authenticator)

    deactivate = actions.add_parser("deactivate", help="switch an account off, ending its sessions")
    deactivate.add_argument("email")
    deactivate.set_defaults(run=run_deactivate)

    grant = actions.add_parser("grant", help="grant a role from a date")
    grant.add_argument("email")
    grant.add_argument("role", help="a role key, e.g. investigator (see `staff list --roles`)")
    grant.add_argument("--unit", help="unit slug, for unit-scoped roles")
    grant.add_argument("--from", dest="starts_on", type=_date, help="YYYY-MM-DD (default today)")
    grant.add_argument("--until", dest="ends_on", type=_date, help="YYYY-MM-DD (default open)")
    grant.set_defaults(run=run_grant)

    end = actions.add_parser("end-role", help="end a person's current role")
    end.add_argument("email")
    end.add_argument("role")
    end.add_argument("--on", dest="ends_on", type=_date, help="YYYY-MM-DD (default today)")
    end.set_defaults(run=run_end_role)

    training = actions.add_parser("training", help="record completed training")
    training.add_argument("email")
    training.add_argument("course")
    training.add_argument("--completed", type=_date, help="YYYY-MM-DD (default today)")
    training.add_argument("--expires", type=_date, help="YYYY-MM-DD (default never)")
    training.set_defaults(run=run_training)

    digest = actions.add_parser("digest", help="switch a person's daily e-mail digest on or off")
    digest.add_argument("email")
    switch = digest.add_mutually_exclusive_group(required=True)
    switch.add_argument("--on", dest="on", action="store_true", help="send it every morning")
    switch.add_argument("--off", dest="on", action="store_false", help="stop sending it")
    digest.set_defaults(run=run_digest)

    listing = actions.add_parser("list", help="list staff with their current roles and training")
    listing.add_argument("--org", help="organisation slug")
    listing.add_argument("--roles", action="store_true", help="list the role keys instead")
    listing.set_defaults(run=run_list)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _ready() -> None:
    django_setup()
    require_migrated()


def _person(email: str) -> Any:
    from dueprocess.accounts.models import User

    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None:
        raise CommandError(f"no account with the e-mail address {email}")
    return user


def run_add(args: argparse.Namespace) -> int:
    _ready()
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    from dueprocess.accounts.services import staff_create

    organisation = organisation_for(args.org)
    password: str | None = None
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n") or None
    elif sys.stdin.isatty():
        password = getpass.getpass("Password (empty: none, the person resets it): ") or None
    if password is not None:
        try:
            validate_password(password)
        except ValidationError as error:
            raise CommandError("the password is refused: " + " ".join(error.messages)) from None
    user = run_service(
        lambda: staff_create(
            actor=None,
            organisation=organisation,
            email=args.email.strip(),
            full_name=args.name.strip(),
            password=password,
        )
    )
    print(f"added {user.email} ({user.full_name}) to {organisation.slug}")
    if args.authenticator:
        _enrol(user)
    return 0


def _enrol(user: Any) -> None:
    from dueprocess.accounts.services import authenticator_enrol

    uri = run_service(lambda: authenticator_enrol(actor=None, user=user))
    print(
        f"Authenticator app enrolled for {user.email}. Its otpauth URI is shown once; hand it"
        " to the person privately (it is as secret as a password):",
        file=sys.stderr,
    )
    print(uri)


def run_authenticator(args: argparse.Namespace) -> int:
    _ready()
    _enrol(_person(args.email))
    return 0


def run_deactivate(args: argparse.Namespace) -> int:
    _ready()
    from dueprocess.accounts.services import staff_deactivate

    user = _person(args.email)
    run_service(lambda: staff_deactivate(actor=None, user=user))
    print(f"deactivated {user.email}: their sessions and API tokens are ended")
    return 0


def run_digest(args: argparse.Namespace) -> int:
    _ready()
    from dueprocess.letters.digest import digest_subscribe

    user = _person(args.email)
    run_service(lambda: digest_subscribe(actor=None, person=user, on=args.on))
    state = "on: it goes every morning that something needs them" if args.on else "off"
    print(f"daily digest for {user.email}: {state}")
    return 0


def run_grant(args: argparse.Namespace) -> int:
    _ready()
    from dueprocess.accounts.models import Unit
    from dueprocess.accounts.services import role_grant

    user = _person(args.email)
    unit = None
    if args.unit:
        unit = Unit.objects.filter(organisation=user.organisation, slug=args.unit).first()
        if unit is None:
            raise CommandError(f"no unit {args.unit!r} in {user.organisation.slug}")
    membership = run_service(
        lambda: role_grant(
            actor=None,
            user=user,
            role=args.role,
            unit=unit,
            starts_on=args.starts_on,
            ends_on=args.ends_on,
        )
    )
    until = membership.ends_on.isoformat() if membership.ends_on else "open"
    print(f"granted {args.role} to {user.email} from {membership.starts_on} until {until}")
    return 0


def run_end_role(args: argparse.Namespace) -> int:
    _ready()
    from dueprocess.accounts.models import RoleMembership
    from dueprocess.accounts.services import role_end

    user = _person(args.email)
    held = RoleMembership.objects.filter(user=user, role=args.role).current().order_by("-pk")
    membership = held.first()
    if membership is None:
        raise CommandError(f"{user.email} does not hold the {args.role} role now")
    ended = run_service(lambda: role_end(actor=None, membership=membership, ends_on=args.ends_on))
    print(f"{user.email}'s {args.role} role ends on {ended.ends_on}")
    return 0


def run_training(args: argparse.Namespace) -> int:
    _ready()
    from dueprocess.accounts.services import training_record
    from dueprocess.lib import clock

    user = _person(args.email)
    training = run_service(
        lambda: training_record(
            actor=None,
            user=user,
            course=args.course,
            completed_on=args.completed or clock.today(),
            expires_on=args.expires,
        )
    )
    print(f"recorded {training.course!r} for {user.email}, completed {training.completed_on}")
    return 0


def run_list(args: argparse.Namespace) -> int:
    _ready()
    from dueprocess.accounts.models import RoleMembership, TrainingRecord, User
    from dueprocess.rulebook.schema import ROLES

    if args.roles:
        for role in ROLES:
            print(role)
        return 0
    organisation = organisation_for(args.org)
    for user in User.objects.filter(organisation=organisation).order_by("email"):
        roles = [
            f"{m.role}{f'@{m.unit.slug}' if m.unit else ''}"
            for m in RoleMembership.objects.filter(user=user).current().select_related("unit")
        ]
        trained = TrainingRecord.objects.filter(user=user).count()
        state = "active" if user.is_active else "deactivated"
        print(
            f"{user.email}\t{user.full_name}\t{state}\t{','.join(roles) or '-'}\t"
            f"training records: {trained}"
        )
    return 0
