"""Creating organisations and staff and granting roles — each change on the ledger.

Separation of duties is enforced here: nobody may hold the political-office or administrator
role together with a role that works cases, at the same time.
"""

from __future__ import annotations

import datetime as dt
import re

from django.db import models, transaction
from django.db.models import Q

from dueprocess.accounts.models import (
    InterestDeclaration,
    Organisation,
    ReviewOutcome,
    RoleMembership,
    TrainingRecord,
    Unit,
    User,
)
from dueprocess.errors import InvalidInput, NotFound
from dueprocess.ledger.record import record
from dueprocess.lib import clock
from dueprocess.rulebook.models import RulebookVersion
from dueprocess.rulebook.schema import CASE_ROLES, ROLES, StaffRole

#: Roles that must never be held together with a case role.
SEPARATED_ROLES = (StaffRole.POLITICAL_OFFICE, StaffRole.ADMINISTRATOR)


def organisation_create(
    *, slug: str, name: str, rulebook: RulebookVersion, units: list[tuple[str, str]]
) -> Organisation:
    with transaction.atomic():
        organisation = Organisation.objects.create(slug=slug, name=name, rulebook=rulebook)
        for unit_slug, unit_name in units:
            Unit.objects.create(organisation=organisation, slug=unit_slug, name=unit_name)
        record(
            actor=None,
            action="organisation.created",
            details={"slug": slug, "rulebook": rulebook.sha256, "units": [u for u, _ in units]},
        )
        return organisation


#: What a slug may be: it goes into addresses (``/report/?organisation=``) and commands.
SLUG = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,48}[a-z0-9])?")


def organisation_establish(
    *,
    slug: str,
    name: str,
    rulebook: RulebookVersion,
    admin_email: str,
    admin_name: str,
    admin_password: str | None,
) -> tuple[Organisation, User]:
    """A new organisation on this installation with its complaints unit and its first
    administrator, or nothing at all: ``init`` makes the first this way, ``org add`` the
    others. Each has its own rulebook, references, staff and oversight; the access policy keeps
    every person to their own organisation's cases."""
    slug, name = slug.strip(), " ".join(name.split())
    if not SLUG.fullmatch(slug):
        raise InvalidInput(
            "The short name must be lower-case letters, digits and hyphens (at most 50).",
            fields={"slug": "Lower-case letters, digits and hyphens only."},
        )
    if not name or len(name) > 200:
        raise InvalidInput(
            "Give the organisation's name (at most 200 characters).", fields={"name": "Required."}
        )
    with transaction.atomic():
        if Organisation.objects.filter(slug=slug).exists():
            raise InvalidInput(
                f"There is already an organisation {slug!r}.", fields={"slug": "Already in use."}
            )
        organisation = organisation_create(
            slug=slug, name=name, rulebook=rulebook, units=[("complaints", "Complaints unit")]
        )
        admin = staff_create(
            actor=None,
            organisation=organisation,
            email=admin_email,
            full_name=admin_name,
            password=admin_password,
        )
        role_grant(actor=None, user=admin, role=StaffRole.ADMINISTRATOR)
        return organisation, admin


def staff_create(
    *,
    actor: User | None,
    organisation: Organisation,
    email: str,
    full_name: str,
    password: str | None,
) -> User:
    if actor is not None:
        require_administrator(actor, organisation.pk, attempted="staff.create")
    email = email.strip()
    if not email or "@" not in email:
        raise InvalidInput("Give an e-mail address.", fields={"email": "Not an e-mail address."})
    if not full_name.strip():
        raise InvalidInput("Give the person's full name.", fields={"full_name": "Required."})
    with transaction.atomic():
        if User.objects.filter(email__iexact=email).exists():
            raise InvalidInput(
                f"{email} already has an account.", fields={"email": "Already in use."}
            )
        user = User.objects.create_user(
            email, password, full_name=full_name, organisation=organisation
        )
        record(actor=actor, action="staff.created", details={"user": user.pk})
        return user


def staff_deactivate(*, actor: User | None, user: User) -> User:
    """Switch ``user``'s account off and end, at once, every way in they already hold: each
    signed-in session (on every device) and each API token. An account administrator of the same
    organisation may do it (``actor`` None is the system, e.g. the command line); nobody may
    switch their own account off. Deactivating twice is harmless."""
    from allauth.usersessions.models import UserSession

    from dueprocess.api.models import ApiToken

    if actor is not None:
        _require_account_manager(actor, user)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        was_active = user.is_active
        if was_active:
            user.is_active = False
            user.save(update_fields=["is_active"])
        sessions = list(UserSession.objects.filter(user_id=user.pk))
        for session in sessions:
            session.end()  # deletes the session itself, so its cookie no longer signs anyone in
        live = ApiToken.objects.filter(owner_id=user.pk, revoked_at__isnull=True)
        revoked = sorted(live.values_list("pk", flat=True))
        live.update(revoked_at=clock.now())
        if was_active or sessions or revoked:
            record(
                actor=actor,
                action="staff.deactivated",
                details={
                    "user": user.pk,
                    "sessions_ended": len(sessions),
                    "tokens_revoked": revoked,
                },
            )
        return user


def require_administrator(actor: User, organisation_id: int | None, *, attempted: str) -> None:
    """Let ``actor`` administer accounts of ``organisation_id`` only as its account
    administrator; otherwise record the refusal and raise ``Forbidden``."""
    from dueprocess.access.enforcement import record_denial
    from dueprocess.access.rules import can
    from dueprocess.errors import AccessDenied, Forbidden

    if (
        organisation_id is not None
        and can(actor, "accounts.manage").allowed
        and actor.organisation_id == organisation_id
    ):
        return
    record_denial(
        AccessDenied(
            actor=actor,
            action=attempted,
            case_id=None,
            reason="not an account administrator of the organisation",
            reveal=True,
        )
    )
    raise Forbidden("Only an account administrator of the organisation can do that.")


def _require_account_manager(actor: User, user: User) -> None:
    from dueprocess.access.enforcement import require_account_administrator_of

    if actor.pk == user.pk:
        raise InvalidInput(
            "You cannot deactivate your own account; ask another account administrator.",
            fields={"user": "Your own account."},
        )
    require_account_administrator_of(
        actor,
        user,
        attempted="staff.deactivate",
        reason="not an account administrator of the person's organisation",
        refusal="Only an account administrator of the organisation can deactivate people.",
    )


def role_grant(
    *,
    actor: User | None,
    user: User,
    role: str,
    unit: Unit | None = None,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
) -> RoleMembership:
    """Grant ``role`` from ``starts_on`` (default today) until ``ends_on`` (default open)."""
    if role not in ROLES:
        raise InvalidInput(f"Unknown role {role!r}.", fields={"role": "Unknown role."})
    if actor is not None:
        require_administrator(actor, user.organisation_id, attempted="role.grant")
    if unit is not None and unit.organisation_id != user.organisation_id:
        raise InvalidInput("No such unit.", fields={"unit": "Not a unit of the organisation."})
    start = starts_on or clock.today()
    if ends_on is not None and ends_on < start:
        raise InvalidInput(
            "A role cannot end before it starts.", fields={"ends_on": "Before the start."}
        )
    with transaction.atomic():
        _check_separation(user, role, start, ends_on)
        membership = RoleMembership.objects.create(
            user=user, role=role, unit=unit, starts_on=start, ends_on=ends_on, granted_by=actor
        )
        record(
            actor=actor,
            action="role.granted",
            details={
                "user": user.pk,
                "role": role,
                "unit": unit.slug if unit else None,
                "starts_on": start.isoformat(),
                "ends_on": ends_on.isoformat() if ends_on else None,
            },
        )
        return membership


def role_end(
    *, actor: User | None, membership: RoleMembership, ends_on: dt.date | None = None
) -> RoleMembership:
    if actor is not None:
        require_administrator(actor, membership.user.organisation_id, attempted="role.end")
    with transaction.atomic():
        membership = RoleMembership.objects.select_for_update().get(pk=membership.pk)
        end = ends_on or clock.today()
        if end < membership.starts_on:
            raise InvalidInput(
                "A role cannot end before it starts.", fields={"ends_on": "Before the start."}
            )
        membership.ends_on = end
        membership.save(update_fields=["ends_on"])
        record(
            actor=actor,
            action="role.ended",
            details={
                "user": membership.user_id,
                "role": membership.role,
                "ends_on": end.isoformat(),
            },
        )
        return membership


def _check_separation(user: User, role: str, start: dt.date, end: dt.date | None) -> None:
    if role in SEPARATED_ROLES:
        clashing: tuple[str, ...] = CASE_ROLES
    elif role in CASE_ROLES:
        clashing = SEPARATED_ROLES
    else:
        return
    overlapping = RoleMembership.objects.filter(user=user, role__in=clashing).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=start)
    )
    if end is not None:
        overlapping = overlapping.filter(starts_on__lte=end)
    clash = overlapping.first()
    if clash is not None:
        raise InvalidInput(
            f"{user} holds the {clash.role.replace('_', ' ')} role over the same period; "
            f"{role.replace('_', ' ')} cannot be held alongside it.",
            fields={"role": "Separation of duties."},
        )


def training_record(
    *,
    actor: User | None,
    user: User,
    course: str,
    completed_on: dt.date,
    expires_on: dt.date | None = None,
) -> TrainingRecord:
    """Record completed training (case handlers without it cannot be assigned)."""
    if actor is not None:
        require_administrator(actor, user.organisation_id, attempted="training.record")
    course = course.strip()
    if not course:
        raise InvalidInput("Name the course.", fields={"course": "Required."})
    if len(course) > TrainingRecord._meta.get_field("course").max_length:  # type: ignore[operator]
        raise InvalidInput("The course name is too long.", fields={"course": "Too long."})
    if completed_on > clock.today():
        raise InvalidInput(
            "Training cannot be completed in the future.", fields={"completed_on": "In the future."}
        )
    if expires_on is not None and expires_on <= completed_on:
        raise InvalidInput(
            "Training must expire after it was completed.", fields={"expires_on": "Too early."}
        )
    with transaction.atomic():
        training = TrainingRecord.objects.create(
            user=user, course=course, completed_on=completed_on, expires_on=expires_on
        )
        record(
            actor=actor,
            action="training.recorded",
            details={
                "user": user.pk,
                "course": course,
                "completed_on": completed_on.isoformat(),
                "expires_on": expires_on.isoformat() if expires_on else None,
            },
        )
        return training


def interest_declare(
    *,
    actor: User | None,
    user: User,
    kind: str,
    description: str,
    member_id: int | None = None,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
) -> InterestDeclaration:
    """A declaration of interest by ``user`` (by themselves, or entered for them by the system):
    the conflict rules read it to keep them out of cases it touches."""
    from dueprocess.members.models import Member

    if kind not in InterestDeclaration.Kind.values:
        raise InvalidInput(f"Unknown kind of interest {kind!r}.", fields={"kind": "Unknown."})
    description = description.strip()
    if not description:
        raise InvalidInput("Describe the interest.", fields={"description": "Required."})
    if starts_on and ends_on and ends_on < starts_on:
        raise InvalidInput(
            "An interest cannot end before it starts.", fields={"ends_on": "Too early."}
        )
    if actor is not None and actor.pk != user.pk:
        raise InvalidInput(
            "People declare their own interests.", fields={"user": "Not your own declaration."}
        )
    with transaction.atomic():
        member = None
        if member_id is not None:
            # the register of the person's own organisation only: another's members are
            # none of theirs to declare (and an id must not tell what another register holds)
            own = [user.organisation_id] if user.organisation_id is not None else []
            member = Member.objects.filter(pk=member_id, organisation_id__in=own).first()
            if member is None:
                raise InvalidInput("No such member.", fields={"member": "Unknown member."})
        declaration = InterestDeclaration.objects.create(
            user=user,
            kind=kind,
            description=description,
            member=member,
            starts_on=starts_on,
            ends_on=ends_on,
            declared_at=clock.now(),
        )
        record(
            actor=actor,
            action="interest.declared",
            details={"user": user.pk, "kind": kind, "member": member_id},
        )
        return declaration


def interest_review(
    *, actor: User, declaration: InterestDeclaration, outcome: str, note: str = ""
) -> InterestDeclaration:
    """The head of complaints' review of a declaration of interest: noted, restricted or no
    conflict, with a note. Never one's own declaration; a declaration is reviewed once."""
    from dueprocess.access.enforcement import record_denial
    from dueprocess.access.rules import can
    from dueprocess.errors import AccessDenied, Forbidden

    declarant = declaration.user
    if not (
        can(actor, "interests.review").allowed
        and actor.organisation_id == declarant.organisation_id
    ):
        record_denial(
            AccessDenied(
                actor=actor,
                action="interest.review",
                case_id=None,
                reason="not a head of complaints of the person's organisation",
                reveal=False,
            )
        )
        raise Forbidden("Only the head of complaints reviews declarations of interest.")
    if outcome not in ReviewOutcome.values:
        raise InvalidInput(
            f"Unknown outcome {outcome!r}.",
            fields={"outcome": "One of " + ", ".join(ReviewOutcome.values) + "."},
        )
    note = note.strip()
    if outcome == ReviewOutcome.RESTRICTED and not note:
        raise InvalidInput(
            "Say what the restriction is.", fields={"note": "Required for a restriction."}
        )
    if declarant.pk == actor.pk:
        raise InvalidInput(
            "Someone else must review your own declaration.",
            fields={"declaration": "Your own declaration."},
        )
    with transaction.atomic():
        declaration = InterestDeclaration.objects.select_for_update().get(pk=declaration.pk)
        if declaration.reviewed_at is not None:
            raise InvalidInput(
                "This declaration has already been reviewed.",
                fields={"declaration": "Already reviewed."},
            )
        declaration.reviewed_by = actor
        declaration.reviewed_at = clock.now()
        declaration.outcome = outcome
        declaration.review_note = note
        declaration.save(update_fields=["reviewed_by", "reviewed_at", "outcome", "review_note"])
        record(
            actor=actor,
            action="interest.reviewed",
            details={"declaration": declaration.pk, "user": declarant.pk, "outcome": outcome},
        )
        return declaration


def interests_to_review(actor: User) -> list[InterestDeclaration]:
    """The declarations of ``actor``'s organisation, unreviewed first (for the head of
    complaints; anyone else is refused and the refusal recorded)."""
    from dueprocess.access.enforcement import record_denial
    from dueprocess.access.rules import can
    from dueprocess.errors import AccessDenied, Forbidden

    if not can(actor, "interests.review").allowed:
        record_denial(
            AccessDenied(
                actor=actor,
                action="interest.list",
                case_id=None,
                reason="no role permits interests.review",
                reveal=True,
            )
        )
        raise Forbidden("Only the head of complaints reviews declarations of interest.")
    return list(
        InterestDeclaration.objects.filter(user__organisation_id=actor.organisation_id or 0)
        .exclude(user=actor)
        .select_related("user", "reviewed_by")
        .order_by(models.F("reviewed_at").asc(nulls_first=True), "-declared_at")
    )


def staff_of(actor: User) -> list[User]:
    """The staff of ``actor``'s organisation, for its account administrator."""
    require_administrator(actor, actor.organisation_id, attempted="staff.list")
    return list(
        User.objects.filter(organisation_id=actor.organisation_id or 0)
        .prefetch_related("roles__unit", "training")
        .order_by("email")
    )


def staff_member(actor: User, user_id: int, *, attempted: str) -> User:
    """A person of ``actor``'s own organisation, with their roles and training, for its account
    administrator. The administrator check comes first, so someone who may not administer
    accounts learns nothing about who exists; an id outside the organisation is not found."""
    require_administrator(actor, actor.organisation_id, attempted=attempted)
    found = (
        User.objects.filter(pk=user_id, organisation_id=actor.organisation_id or 0)
        .prefetch_related("roles__unit", "training")
        .first()
    )
    if found is None:
        raise NotFound("No such person in your organisation.")
    return found


def role_of(person: User, role_id: int) -> RoleMembership:
    """One of ``person``'s roles, current or ended (any other id is not found)."""
    membership = RoleMembership.objects.filter(pk=role_id, user=person).first()
    if membership is None:
        raise NotFound("No such role of this person.")
    return membership


def unit_of(person: User, slug: str) -> Unit | None:
    """The unit of ``person``'s organisation named ``slug`` (none for an empty slug)."""
    if not slug:
        return None
    unit = Unit.objects.filter(organisation_id=person.organisation_id or 0, slug=slug).first()
    if unit is None:
        raise InvalidInput("No such unit.", fields={"unit": "Not a unit of the organisation."})
    return unit


def declaration_in_organisation(actor: User, declaration_id: int) -> InterestDeclaration:
    """A declaration by someone of ``actor``'s organisation, to hand to ``interest_review``
    (which decides whether ``actor`` may review it); any other id is not found."""
    found = (
        InterestDeclaration.objects.filter(
            pk=declaration_id, user__organisation_id=actor.organisation_id or 0
        )
        .select_related("user")
        .first()
    )
    if found is None:
        raise NotFound("No such declaration.")
    return found


def interests_of(actor: User) -> list[InterestDeclaration]:
    """``actor``'s own declarations of interest, newest first, with their review state."""
    return list(
        InterestDeclaration.objects.filter(user=actor)
        .select_related("user", "member", "reviewed_by")
        .order_by("-declared_at", "-pk")
    )


def authenticator_enrol(*, actor: None, user: User, issuer: str = "dueprocess") -> str:
    """Give ``user`` an authenticator app (TOTP) and return its ``otpauth://`` URI, to be shown
    once. For the operator only (``actor`` None: the command line), so that a fresh installation
    can give the people it adds the second factor their API tokens need; people otherwise set up
    their own on the two-factor page. Refused if the person already has one."""
    from urllib.parse import quote

    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    if actor is not None:
        raise InvalidInput(
            "People set up their own authenticator app.", fields={"user": "Not the operator."}
        )
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            raise InvalidInput(
                f"{user.email} already has an authenticator app.",
                fields={"user": "Already enrolled."},
            )
        secret = generate_totp_secret()
        TOTP.activate(user, secret)
        record(actor=None, action="staff.authenticator_enrolled", details={"user": user.pk})
    label = quote(f"{issuer}:{user.email}")
    return f"otpauth://totp/{label}?secret={secret}&issuer={quote(issuer)}&digits=6&period=30"
