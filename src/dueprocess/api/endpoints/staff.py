"""Staff administration: the organisation's accounts, dated roles and training, for its account
administrator; declarations of interest by each member of staff, reviewed by the head of
complaints. The same audited services as the command line; none of it reaches a case."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import StringConstraints

from dueprocess.accounts.presenters import interest_record, staff_person, with_history
from dueprocess.accounts.services import (
    declaration_in_organisation,
    interest_declare,
    interest_review,
    interests_to_review,
    role_end,
    role_grant,
    role_of,
    staff_create,
    staff_member,
    staff_of,
    training_record,
    unit_of,
)
from dueprocess.api.auth import actor
from dueprocess.api.docs import documented
from dueprocess.api.endpoints.parts import Id
from dueprocess.api.inputs import Strict
from dueprocess.api.types import NO_NUL, Date, Email, JsonInt, OptionalText, ShortText
from dueprocess.lib import clock

router = Router(tags=["staff"])

RoleKey = Annotated[str, StringConstraints(max_length=40, pattern=r"^[a-z_]+$")]
UnitSlug = Annotated[str, StringConstraints(max_length=50, pattern=r"^[-a-zA-Z0-9_]*$")]
Description = Annotated[str, StringConstraints(min_length=1, max_length=4000, pattern=NO_NUL)]
Course = Annotated[str, StringConstraints(max_length=120, pattern=NO_NUL)]

_PERSON = {
    "id": 12,
    "email": "robin@northmoor.example",
    "name": "Robin Hale",
    "active": True,
    "roles": [
        {
            "id": 31,
            "role": "investigator",
            "unit": None,
            "starts_on": "2026-03-01",
            "ends_on": None,
        }
    ],
    "training": [
        {"course": "Investigations", "completed_on": "2026-02-20", "expires_on": None},
    ],
}
_DECLARATION = {
    "id": 4,
    "person": 12,
    "person_name": "Robin Hale",
    "kind": "relationship",
    "description": "My sister-in-law is a member of the Eastgate branch.",
    "member": None,
    "starts_on": None,
    "ends_on": None,
    "declared_at": "2026-03-02T10:00:00Z",
    "outcome": "",
    "review_note": "",
    "reviewed_by": None,
    "reviewed_by_name": None,
    "reviewed_at": None,
}


class StaffRoleOut(Schema):
    id: int
    role: str
    unit: str | None
    starts_on: dt.date
    ends_on: dt.date | None


class StaffTrainingOut(Schema):
    course: str
    completed_on: dt.date
    expires_on: dt.date | None


class StaffPersonOut(Schema):
    id: int
    email: str
    name: str
    active: bool
    roles: list[StaffRoleOut]
    training: list[StaffTrainingOut]


class InterestDeclarationOut(Schema):
    id: int
    person: int
    person_name: str
    kind: str
    description: str
    member: int | None
    starts_on: dt.date | None
    ends_on: dt.date | None
    declared_at: dt.datetime
    outcome: str
    review_note: str
    #: who reviewed it (their staff id and name), and when; null while it awaits review
    reviewed_by: int | None
    reviewed_by_name: str | None
    reviewed_at: dt.datetime | None


class StaffPersonIn(Strict):
    email: Email
    name: ShortText


class StaffGrantIn(Strict):
    role: RoleKey
    unit: UnitSlug = ""
    starts_on: Date | None = None
    ends_on: Date | None = None


class StaffEndIn(Strict):
    ends_on: Date | None = None


class StaffTrainingIn(Strict):
    course: Course
    completed_on: Date | None = None
    expires_on: Date | None = None


class InterestDeclarationIn(Strict):
    kind: Literal["relationship", "role_held", "political_office"]
    description: Description
    member: JsonInt | None = None
    starts_on: Date | None = None
    ends_on: Date | None = None


class InterestReviewIn(Strict):
    outcome: Literal["noted", "restricted", "no_conflict"]
    note: OptionalText = ""


@router.get(
    "/staff",
    response=list[StaffPersonOut],
    **documented(
        "listStaff",
        "List the organisation's staff",
        "Every account of your organisation with its role history and training. For the "
        "account administrator only; it never shows anything about cases.",
        scope="staff:read",
        response=[_PERSON],
    ),
)
def list_staff(request: HttpRequest) -> list[dict[str, Any]]:
    return [staff_person(user) for user in staff_of(actor(request))]


@router.post(
    "/staff",
    response={201: StaffPersonOut},
    **documented(
        "addStaff",
        "Add a member of staff",
        "Creates an account without a password: the person sets one through the "
        "password-reset e-mail, then their own two-factor sign-in. Grant roles separately.",
        scope="staff:write",
        request={"email": "robin@northmoor.example", "name": "Robin Hale"},
        response={**_PERSON, "roles": [], "training": []},
        status=201,
    ),
)
def add_staff(request: HttpRequest, payload: StaffPersonIn) -> Status[dict[str, Any]]:
    admin = actor(request)
    user = staff_create(
        actor=admin,
        organisation=admin.organisation,  # type: ignore[arg-type]
        email=payload.email,
        full_name=payload.name,
        password=None,
    )
    return Status(201, staff_person(with_history(user)))


@router.post(
    "/staff/{user_id}/roles",
    response={201: StaffPersonOut},
    **documented(
        "grantRole",
        "Grant a role from a date",
        "A dated role (default from today, open-ended). The political-office and administrator "
        "roles are never held together with a role that works cases.",
        scope="staff:write",
        errors=[404],
        request={"role": "investigator", "unit": "", "starts_on": "2026-03-01"},
        response=_PERSON,
        status=201,
    ),
)
def grant_role(request: HttpRequest, user_id: Id, payload: StaffGrantIn) -> Status[dict[str, Any]]:
    person = staff_member(actor(request), user_id, attempted="role.grant")
    role_grant(
        actor=actor(request),
        user=person,
        role=payload.role,
        unit=unit_of(person, payload.unit),
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
    )
    return Status(201, staff_person(with_history(person)))


@router.post(
    "/staff/{user_id}/roles/{role_id}/end",
    response=StaffPersonOut,
    **documented(
        "endRole",
        "End a role on a date",
        "The role stays in the person's history (the conflict rules read it), ending on "
        "`ends_on` (default today).",
        scope="staff:write",
        errors=[404],
        request={"ends_on": "2026-06-30"},
        response=_PERSON,
    ),
)
def end_role(
    request: HttpRequest,
    user_id: Id,
    role_id: Id,
    payload: StaffEndIn,
) -> dict[str, Any]:
    person = staff_member(actor(request), user_id, attempted="role.end")
    membership = role_of(person, role_id)
    role_end(actor=actor(request), membership=membership, ends_on=payload.ends_on)
    return staff_person(with_history(person))


@router.post(
    "/staff/{user_id}/training",
    response={201: StaffPersonOut},
    **documented(
        "recordTraining",
        "Record completed training",
        "Case handlers without training cannot be assigned to cases.",
        scope="staff:write",
        errors=[404],
        request={"course": "Investigations", "completed_on": "2026-02-20"},
        response=_PERSON,
        status=201,
    ),
)
def record_training(
    request: HttpRequest, user_id: Id, payload: StaffTrainingIn
) -> Status[dict[str, Any]]:
    person = staff_member(actor(request), user_id, attempted="training.record")
    training_record(
        actor=actor(request),
        user=person,
        course=payload.course,
        completed_on=payload.completed_on or clock.today(),
        expires_on=payload.expires_on,
    )
    return Status(201, staff_person(with_history(person)))


@router.post(
    "/me/interests",
    response={201: InterestDeclarationOut},
    **documented(
        "declareInterest",
        "Declare an interest",
        "Your own declaration of something that may conflict you out of cases: a relationship "
        "with a member (`relationship`), a role held (`role_held`) or work in the political "
        "office (`political_office`). The head of complaints reviews it.",
        scope="staff:write",
        request={"kind": "relationship", "description": "My sister-in-law is a member."},
        response=_DECLARATION,
        status=201,
    ),
)
def declare_interest(
    request: HttpRequest, payload: InterestDeclarationIn
) -> Status[dict[str, Any]]:
    me = actor(request)
    declaration = interest_declare(
        actor=me,
        user=me,
        kind=payload.kind,
        description=payload.description,
        member_id=payload.member,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
    )
    return Status(201, interest_record(declaration))


@router.get(
    "/interests",
    response=list[InterestDeclarationOut],
    **documented(
        "listInterests",
        "List declarations of interest to review",
        "The declarations of your organisation's staff, those not yet reviewed first. For the "
        "head of complaints.",
        scope="staff:read",
        response=[_DECLARATION],
    ),
)
def list_interests(request: HttpRequest) -> list[dict[str, Any]]:
    return [interest_record(d) for d in interests_to_review(actor(request))]


@router.post(
    "/interests/{declaration_id}/review",
    response=InterestDeclarationOut,
    **documented(
        "reviewInterest",
        "Review a declaration of interest",
        "`noted` (the conflict rules keep the person out of the cases it touches), "
        "`restricted` (with a `note` saying how) or `no_conflict`. Once per declaration, "
        "never your own.",
        scope="staff:write",
        errors=[404],
        request={"outcome": "noted", "note": ""},
        response={
            **_DECLARATION,
            "outcome": "noted",
            "reviewed_by": 3,
            "reviewed_by_name": "Dana Reyes",
            "reviewed_at": "2026-03-04T09:30:00Z",
        },
    ),
)
def review_interest(
    request: HttpRequest, declaration_id: Id, payload: InterestReviewIn
) -> dict[str, Any]:
    me = actor(request)
    declaration = declaration_in_organisation(me, declaration_id)
    reviewed = interest_review(
        actor=me, declaration=declaration, outcome=payload.outcome, note=payload.note
    )
    return interest_record(reviewed)
