"""Who a subject access request is about: one person, named by e-mail address, member number
or staff account, and every row of the organisation that is about them.

A person may be on record several times: as a party to several cases (complainant,
respondent, witness), in the membership register, and as a member of staff. The request names
them once; every row that carries that name is theirs. A member number finds the register entry
and the parties linked to it (or carrying its e-mail address); an e-mail address finds the
parties, register entries and staff account with that address, case-insensitively; a staff
account is found by its e-mail address and must exist.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q

from dueprocess.accounts.models import User
from dueprocess.cases.models import Case, Party
from dueprocess.errors import InvalidInput, NotFound
from dueprocess.members.models import Member

#: How a request may name its subject, as the command line and the API call it.
NAMED_BY = ("email", "member", "staff")


@dataclass(frozen=True)
class Subject:
    """The person a request is about: how they were named, and their rows."""

    named_by: str
    parties: tuple[Party, ...]
    members: tuple[Member, ...]
    staff: User | None

    @property
    def cases(self) -> list[Case]:
        """The cases they are a party to, once each, by reference."""
        seen = {party.case_id: party.case for party in self.parties}
        return sorted(seen.values(), key=lambda case: case.reference)

    def parties_on(self, case: Case) -> list[Party]:
        return [party for party in self.parties if party.case_id == case.pk]


def named(*, email: str = "", member: str = "", staff: str = "") -> tuple[str, str]:
    """The one way the request names its subject, and the value; anything else is refused."""
    given = [(k, v.strip()) for k, v in zip(NAMED_BY, (email, member, staff), strict=True)]
    given = [(k, v) for k, v in given if v]
    if len(given) != 1:
        raise InvalidInput(
            "Name the person by exactly one of: an e-mail address, a member number or a"
            " staff account's e-mail address.",
            fields={"subject": "Give exactly one of email, member, staff."},
        )
    kind, value = given[0]
    if kind in ("email", "staff"):
        try:
            validate_email(value)
        except ValidationError:
            raise InvalidInput(
                f"{value[:80]!r} is not an e-mail address.", fields={kind: "Not an e-mail address."}
            ) from None
    return kind, value[:254]


def find_subject(organisation_id: int, kind: str, value: str) -> Subject:
    """Every row of the organisation about the person named; ``NotFound`` if there is none."""
    members = Member.objects.filter(organisation_id=organisation_id)
    staff = None
    if kind == "member":
        members = members.filter(number=value)
        emails = [m.email for m in members if m.email]
    else:
        emails = [value]
        members = members.filter(email__iexact=value)
        staff = User.objects.filter(organisation_id=organisation_id, email__iexact=value).first()
    if kind == "staff" and staff is None:
        raise NotFound("No staff account of this organisation has that e-mail address.")
    found = list(members.order_by("number"))
    matches = Q(member__in=found)
    for address in emails:
        matches |= Q(email__iexact=address)
    parties = (
        Party.objects.filter(case__organisation_id=organisation_id)
        .filter(matches)
        .select_related("case", "case__rulebook", "member")
        .order_by("case__reference", "role", "pk")
    )
    subject = Subject(kind, tuple(parties), tuple(found), staff)
    if not (subject.parties or subject.members or subject.staff):
        what = {"email": "e-mail address", "member": "member number"}[kind]
        raise NotFound(f"No one is on record in this organisation under that {what}.")
    return subject
