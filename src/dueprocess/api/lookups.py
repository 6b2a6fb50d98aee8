"""Turning what a client names (a reference, an e-mail address, a unit slug, an id) into the
objects the services take — through the access gates where a case is involved, so an unknown
case and a case the caller may not know about give the same recorded 404.

Objects named by id alone (an advice request, a sign-off, a request for emergency access) are
looked for in the caller's own organisation only: another organisation's id is answered exactly
like an id that does not exist, and the attempt is recorded as a denial like any other.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, TypeVar

from django.db.models import Model

from dueprocess.access.enforcement import record_denial
from dueprocess.access.models import EmergencyAccess
from dueprocess.accounts.models import Unit, User
from dueprocess.cases.models import (
    AdviceRequest,
    Assignment,
    Case,
    InterimMeasure,
    Recommendation,
    SignOff,
)
from dueprocess.cases.services.panel_votes import VoteInput
from dueprocess.errors import AccessDenied, InvalidInput, NotFound, StaleState

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from dueprocess.api.inputs import VoteIn

M = TypeVar("M", bound=Model)


def votes_by_email(actor: User, votes: Sequence[VoteIn] | None) -> list[VoteInput] | None:
    """A panel's votes as the API names them (members by e-mail), for the decision services."""
    if votes is None:
        return None
    return [
        VoteInput(staff_by_email(actor, v.member, field="votes"), v.concurs, v.reasons)
        for v in votes
    ]


def staff_by_email(actor: User, email: str, field: str = "assignee") -> User:
    organisation = actor.organisation_id or 0
    found = User.objects.filter(organisation_id=organisation, email__iexact=email.strip()).first()
    if found is None:
        raise InvalidInput(
            "No member of staff of your organisation has that e-mail address.",
            fields={field: "Unknown member of staff."},
        )
    return found


def unit_for(actor: User, slug: str) -> Unit:
    """The unit named by ``slug`` — or, when none is named, the organisation's only unit."""
    units = Unit.objects.filter(organisation_id=actor.organisation_id or 0)
    if slug:
        unit = units.filter(slug=slug).first()
        if unit is None:
            raise InvalidInput(f"There is no unit {slug!r}.", fields={"unit": "Unknown unit."})
        return unit
    only = list(units[:2])
    if len(only) != 1:
        raise InvalidInput("Name the unit the case belongs to.", fields={"unit": "Required."})
    return only[0]


def assignment_on(case: Case, assignment_id: int) -> Assignment:
    found = Assignment.objects.filter(case=case, pk=assignment_id).first()
    if found is None:
        raise NotFound("This case has no such assignment.")
    return found


def measure_on(case: Case, measure_id: int) -> InterimMeasure:
    found = InterimMeasure.objects.filter(case=case, pk=measure_id).first()
    if found is None:
        raise NotFound("This case has no such interim measure.")
    return found


def latest_recommendation_on(case: Case, number: int) -> Recommendation:
    """Recommendation ``number`` of ``case``, which must be its latest version.

    A revision always supersedes the latest version; a client that names an older one is
    correcting a text it has not seen, so it is told the case has moved on (as with a stale
    ``expected_version``) rather than have a different version corrected in its name.
    """
    found = case.recommendations.filter(number=number).first()
    if found is None:
        raise NotFound("This case has no recommendation with that number.")
    latest = case.recommendations.order_by("-number").values_list("number", flat=True).first()
    if latest != number:
        raise StaleState(
            f"Recommendation {number} has been superseded by version {latest}; "
            "read the recommendations again and revise the latest."
        )
    return found


def _in_organisation(actor: User, rows: QuerySet[M], object_id: int, action: str, what: str) -> M:
    found = rows.filter(case__organisation_id=actor.organisation_id or 0, pk=object_id).first()
    if found is None:
        record_denial(
            AccessDenied(
                actor=actor,
                action=action,
                case_id=None,
                reason=f"no {what} {object_id} in the organisation",
                reveal=False,
            )
        )
        raise NotFound(f"There is no such {what}.")
    return found


def advice_request_in(actor: User, request_id: int, action: str) -> AdviceRequest:
    """The advice request ``request_id`` of the caller's organisation, for ``action``."""
    rows = AdviceRequest.objects.select_related("case")
    return _in_organisation(actor, rows, request_id, action, "advice request")


def signoff_in(actor: User, signoff_id: int, action: str) -> SignOff:
    rows = SignOff.objects.select_related("case")
    return _in_organisation(actor, rows, signoff_id, action, "sign-off")


def grant_in(actor: User, grant_id: int, action: str) -> EmergencyAccess:
    rows = EmergencyAccess.objects.select_related("case", "requester")
    return _in_organisation(actor, rows, grant_id, action, "request for emergency access")
