"""Turning what a client names (a reference, an e-mail address, a unit slug, an id) into the
objects the services take — through the access gates where a case is involved, so an unknown
case and a case the caller may not know about give the same recorded 404."""

from __future__ import annotations

from dueprocess.access.enforcement import recorded_denials
from dueprocess.access.rules import case_for
from dueprocess.accounts.models import Unit, User
from dueprocess.cases.models import Assignment, Case, InterimMeasure
from dueprocess.errors import InvalidInput, NotFound

_case_for = recorded_denials(case_for)


def case_by_reference(actor: User, reference: str) -> Case:
    """The case ``reference`` if ``actor`` may see it (the services check the action)."""
    case, _ = _case_for(actor, reference)
    return case


def staff_by_email(actor: User, email: str) -> User:
    organisation = actor.organisation_id or 0
    found = User.objects.filter(organisation_id=organisation, email__iexact=email.strip()).first()
    if found is None:
        raise InvalidInput(
            "No member of staff of your organisation has that e-mail address.",
            fields={"assignee": "Unknown member of staff."},
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
