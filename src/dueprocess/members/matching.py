"""Finding people in the membership register: search, and matching a named person to members.

Most of a complaints backlog can turn out to concern people who are not members at all, so
"is the respondent a member?" must be answered from the register, with the reason for every
candidate shown — a matching number, an e-mail address, a name that is the same or close —
never a bare yes. Reading the register is reading personal data: it takes the
``members.view`` permission and is written to the ledger before anything is returned.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q, QuerySet

from dueprocess.access.enforcement import recorded_denials
from dueprocess.access.rules import require
from dueprocess.errors import InvalidInput
from dueprocess.ledger.record import record
from dueprocess.lib.folding import fold
from dueprocess.members.models import Member

if TYPE_CHECKING:
    from dueprocess.accounts.models import Organisation, User

MAX_RESULTS = 100
#: How close two names must be (difflib ratio of their normalised forms) to be a candidate.
SIMILAR_NAME = 0.8
_PREFILTER_LIMIT = 5000
_WORD = re.compile(r"[^\w\s]+")


@dataclass(frozen=True)
class Candidate:
    member: Member
    score: float  # 0..1, higher is a better match
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class MemberPage:
    members: list[Member]
    next_after: int | None  # the last id shown, when there are more


def normalise_name(name: str) -> str:
    """Case, accents, punctuation and spacing removed: "  Ánna  O'Neill " → "anna oneill"."""
    return " ".join(_WORD.sub("", fold(name)).split())


def _register(actor: User) -> QuerySet[Member]:
    if actor.organisation_id is None:
        return Member.objects.none()
    return Member.objects.filter(organisation_id=actor.organisation_id)


@recorded_denials
def member_search_for(
    actor: User, *, query: str = "", after: int | None = None, limit: int = 50
) -> MemberPage:
    """Members whose number, name or e-mail contains ``query``, in id order, ``limit`` at a
    time (``after``: the last id of the previous page)."""
    decision = require(actor, "members.view")
    limit = max(1, min(limit, MAX_RESULTS))
    members = _register(actor)
    text = query.strip()[:100]
    if text:
        members = members.filter(
            Q(number__icontains=text) | Q(full_name__icontains=text) | Q(email__icontains=text)
        )
    if after is not None:
        members = members.filter(pk__gt=after)
    shown = list(members.order_by("pk")[: limit + 1])
    more = len(shown) > limit
    shown = shown[:limit]
    with transaction.atomic():
        record(
            actor=actor,
            action="members.viewed",
            role=decision.role,
            details={"query": text, "after": after, "shown": [m.number for m in shown]},
        )
    return MemberPage(members=shown, next_after=shown[-1].pk if more and shown else None)


@recorded_denials
def member_match_for(
    actor: User, *, name: str = "", email: str = "", number: str = "", limit: int = 10
) -> list[Candidate]:
    """Members who may be the person described, best first, each with its reasons."""
    decision = require(actor, "members.view")
    if not (name.strip() or email.strip() or number.strip()):
        raise InvalidInput(
            "Give a name, an e-mail address or a member number to match.",
            fields={"name": "Give at least one of name, email, number."},
        )
    organisation = actor.organisation
    found = candidates(organisation, name=name, email=email, number=number) if organisation else []
    shown = found[: max(1, min(limit, MAX_RESULTS))]
    with transaction.atomic():
        record(
            actor=actor,
            action="members.matched",
            role=decision.role,
            details={
                "given": [
                    k for k, v in (("name", name), ("email", email), ("number", number)) if v
                ],
                "candidates": [c.member.number for c in shown],
            },
        )
    return shown


def candidates(
    organisation: Organisation, *, name: str = "", email: str = "", number: str = ""
) -> list[Candidate]:
    """Every member of ``organisation`` who may be the person described, best first.

    No access check and no ledger entry: callers are services and queries that have done both.
    """
    register = Member.objects.filter(organisation=organisation)
    reasons: dict[int, list[tuple[float, str]]] = {}
    members: dict[int, Member] = {}

    def note(member: Member, score: float, reason: str) -> None:
        members[member.pk] = member
        reasons.setdefault(member.pk, []).append((score, reason))

    if number.strip():
        for member in register.filter(number__iexact=number.strip()):
            note(member, 1.0, "member number matches")
    if email.strip():
        for member in register.filter(email__iexact=email.strip()):
            note(member, 0.95, "e-mail address matches")
    wanted = normalise_name(name)
    if wanted:
        for member, score, reason in _name_matches(register, wanted):
            note(member, score, reason)
    ranked = [_combine(members[pk], found) for pk, found in reasons.items()]
    return sorted(ranked, key=lambda c: (-c.score, c.member.number))


def _combine(member: Member, found: list[tuple[float, str]]) -> Candidate:
    ordered = sorted(found, reverse=True)
    score = min(1.0, ordered[0][0] + 0.05 * (len(ordered) - 1))
    return Candidate(member=member, score=round(score, 3), reasons=tuple(r for _, r in ordered))


def _name_matches(register: QuerySet[Member], wanted: str) -> list[tuple[Member, float, str]]:
    prefilter = Q()
    for fragment in name_fragments(wanted):
        prefilter |= Q(full_name__icontains=fragment)
    matches = []
    for member in register.filter(prefilter).order_by("pk")[:_PREFILTER_LIMIT]:
        theirs = normalise_name(member.full_name)
        if theirs == wanted:
            matches.append((member, 0.9, "name matches"))
        elif sorted(theirs.split()) == sorted(wanted.split()):
            matches.append((member, 0.85, "name matches with the words in another order"))
        else:
            ratio = difflib.SequenceMatcher(None, theirs, wanted).ratio()
            if ratio >= SIMILAR_NAME:
                matches.append((member, round(0.8 * ratio, 3), f"name is similar ({ratio:.0%})"))
    return matches


def name_fragments(wanted: str) -> set[str]:
    """Pieces of the normalised name that a stored spelling very likely contains — the first
    and last three letters of each word — so that the database narrows the register without
    knowing about accents or apostrophes, and the comparison above decides."""
    words = wanted.split()
    pieces = {w for w in words if len(w) < 3}
    for word in (w for w in words if len(w) >= 3):
        pieces |= {word[:3], word[-3:]}
    return pieces
