"""Possible duplicates: earlier complaints about the same person saying much the same thing.

A campaign sends the same complaint many times, and a complainant writes again when nothing
seems to happen; triage decides whether a case repeats another (the "duplicate" ground, which
names the case it repeats). This module only *suggests*: a person decides.

An earlier complaint is suggested when it is about **the same respondent** — a respondent
linked to the same member of the register, or one whose name is the same once case, accents,
punctuation and spaces are ignored ("Ánna  O'Neill" is "anna oneill" is "AnnaOneill") — and
either **its allegations are similar** or it gives **the same source link**:

* similar: the Jaccard index of the two complaints' words (summary and allegations together,
  normalised as names are; words of fewer than three letters and a short list of common
  English words left out) is at least ``SIMILAR_ALLEGATIONS`` (0.5: half of the words the two
  use between them are used by both);
* the same source link: an allegation's source that is a link (``http://``, ``https://`` or
  ``www.``), compared without case, scheme, ``www.`` and a trailing slash.

Only cases the viewer may see are looked at (``visible_cases``): a suggestion never tells
anyone a case exists. Suggestions are part of reading the case file (the case page, the API's
case detail) and the dossier import; they are covered by those reads' own ledger entries.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import CharField, Prefetch, Q, QuerySet, Value

from dueprocess.access.rules import visible_cases
from dueprocess.cases.models import Allegation, Case, Party
from dueprocess.cases.workflow import Workflow
from dueprocess.members.matching import name_fragments, normalise_name

if TYPE_CHECKING:
    from dueprocess.accounts.models import User
    from dueprocess.cases.queries import CaseView

#: Two complaints' words are similar when their Jaccard index is at least this.
SIMILAR_ALLEGATIONS = 0.5
#: At most this many suggestions for one case, oldest first.
MAX_SUGGESTIONS = 10
#: How many earlier cases about the same respondent are compared at most.
_MAX_COMPARED = 200
_SHORTEST_WORD = 3
_COMMON_WORDS = frozenset(
    {
        "the",
        "and",
        "for",
        "that",
        "this",
        "with",
        "was",
        "were",
        "are",
        "has",
        "had",
        "have",
        "not",
        "but",
        "his",
        "her",
        "him",
        "she",
        "they",
        "them",
        "their",
        "from",
        "who",
        "which",
        "what",
        "when",
        "where",
        "there",
        "then",
        "than",
        "into",
        "out",
        "about",
        "after",
        "before",
        "also",
        "been",
        "being",
        "did",
        "does",
        "our",
        "your",
        "you",
        "its",
        "any",
        "all",
        "one",
        "two",
    }
)
_LINK = re.compile(r"^(?:https?://|www\.)", re.IGNORECASE)


@dataclass(frozen=True)
class Complaint:
    """What two complaints are compared by."""

    members: frozenset[int]  # the register members the respondents are linked to
    names: frozenset[str]  # the respondents' names, normalised (see ``respondent_key``)
    words: frozenset[str]
    links: frozenset[str]


@dataclass(frozen=True)
class Repeat:
    """Why one complaint looks like a repeat of another."""

    same_member: bool  # the same register member (else the same name)
    similarity: float  # the Jaccard index of their words
    same_link: bool

    @property
    def reason(self) -> str:
        who = "the same member of the register" if self.same_member else "the same name"
        what = [f"allegations {self.similarity:.0%} alike"]
        if self.same_link:
            what.insert(0, "the same source link")
        return f"{who}; {' and '.join(what)}"


@dataclass(frozen=True)
class Suggestion:
    """An earlier case the viewer may see that this one may repeat."""

    reference: str
    stage: str
    closed: bool
    summary: str
    reason: str


def respondent_key(name: str) -> str:
    """A name without case, accents, punctuation or spaces: "Ánna O'Neill" -> "annaoneill"."""
    return "".join(normalise_name(name).split())


def complaint_words(*texts: str) -> frozenset[str]:
    words = (w for text in texts for w in normalise_name(text).split())
    return frozenset(w for w in words if len(w) >= _SHORTEST_WORD and w not in _COMMON_WORDS)


def source_link(text: str) -> str:
    """The link ``text`` is, compared loosely, or "" when it is not a link."""
    value = text.strip()
    if not _LINK.match(value) or " " in value:
        return ""
    value = re.sub(r"^https?://", "", value, flags=re.IGNORECASE)
    return value.casefold().removeprefix("www.").rstrip("/")


def complaint(
    *, members: Iterable[int], names: Iterable[str], texts: Iterable[str], sources: Iterable[str]
) -> Complaint:
    return Complaint(
        members=frozenset(members),
        names=frozenset(k for k in (respondent_key(n) for n in names) if k),
        words=complaint_words(*texts),
        links=frozenset(k for k in (source_link(s) for s in sources) if k),
    )


def repeat_of(later: Complaint, earlier: Complaint) -> Repeat | None:
    """Why ``later`` may repeat ``earlier``, or None when it does not look like it."""
    same_member = bool(later.members & earlier.members)
    if not same_member and not later.names & earlier.names:
        return None
    union = later.words | earlier.words
    similarity = len(later.words & earlier.words) / len(union) if union else 0.0
    same_link = bool(later.links & earlier.links)
    if similarity < SIMILAR_ALLEGATIONS and not same_link:
        return None
    return Repeat(same_member=same_member, similarity=round(similarity, 2), same_link=same_link)


def case_complaint(case: Case) -> Complaint:
    """The case's complaint; its parties and allegations prefetched when read in bulk."""
    respondents = [p for p in case.parties.all() if p.role == Party.Role.RESPONDENT]
    allegations = list(case.allegations.all())
    return complaint(
        members=(p.member_id for p in respondents if p.member_id is not None),
        names=(p.name for p in respondents),
        texts=[case.summary, *(a.summary for a in allegations)],
        sources=(a.source for a in allegations),
    )


def earlier_repeats(
    actor: User, organisation_id: int, wanted: Complaint, *, before: Case | None = None
) -> list[tuple[Case, Repeat]]:
    """Cases of the organisation that ``actor`` may see (received before ``before``, when it
    is given) that ``wanted`` may repeat, oldest first."""
    about = Q(member_id__in=wanted.members) if wanted.members else Q(pk__in=[])
    for fragment in sorted({f for n in wanted.names for f in name_fragments(n)}):
        about |= Q(name__icontains=fragment)
    same_person = Party.objects.filter(role=Party.Role.RESPONDENT).filter(about)
    found: QuerySet[Case] = visible_cases(actor).filter(
        organisation_id=organisation_id, pk__in=same_person.values("case_id")
    )
    if before is not None:
        found = found.filter(
            Q(received_at__lt=before.received_at)
            | Q(received_at=before.received_at, pk__lt=before.pk)
        ).exclude(pk=before.pk)
    found = found.order_by("received_at", "pk").prefetch_related(
        Prefetch("parties", queryset=Party.objects.filter(role=Party.Role.RESPONDENT)),
        Prefetch("allegations", queryset=Allegation.objects.order_by("pk")),
    )
    matches = []
    for earlier in found[:_MAX_COMPARED]:
        repeat = repeat_of(wanted, case_complaint(earlier))
        if repeat is not None:
            matches.append((earlier, repeat))
    return matches


def first_earlier_repeats(
    actor: User, organisation_id: int, wanted: Sequence[Complaint]
) -> list[tuple[Case, Repeat] | None]:
    """For each complaint of ``wanted``, what ``earlier_repeats(actor, organisation_id, it)``
    would give first (or None) -- in a few queries for all of them rather than one per
    complaint, for a dossier of hundreds of rows.

    The same cases are looked at in the same order: the candidates are the cases the actor
    may see whose respondent matches any complaint (one query); which fragment of which name
    matches which case is still the database's ``icontains`` (one compound query), so a name
    matches here exactly when it would match one complaint at a time; each complaint then
    compares its first ``_MAX_COMPARED`` candidates, oldest first, as ``earlier_repeats``
    does."""
    fragments = [sorted({f for n in w.names for f in name_fragments(n)}) for w in wanted]
    every_fragment = sorted({f for found in fragments for f in found})
    every_member = sorted({m for w in wanted for m in w.members})
    about = Q(member_id__in=every_member) if every_member else Q(pk__in=[])
    for fragment in every_fragment:
        about |= Q(name__icontains=fragment)
    same_person = Party.objects.filter(role=Party.Role.RESPONDENT).filter(about)
    ordered = list(
        visible_cases(actor)
        .filter(organisation_id=organisation_id, pk__in=same_person.values("case_id"))
        .order_by("received_at", "pk")
        .values_list("pk", flat=True)
    )
    if not ordered:
        return [None for _ in wanted]
    respondents = Party.objects.filter(
        role=Party.Role.RESPONDENT, case__organisation_id=organisation_id
    )
    members_of: dict[int, set[int]] = {}
    for case_id, member_id in respondents.filter(member_id__in=every_member).values_list(
        "case_id", "member_id"
    ):
        members_of.setdefault(case_id, set()).add(member_id)
    fragments_of = _fragments_matched(respondents, every_fragment)
    compared = []
    for w, found in zip(wanted, fragments, strict=True):
        names = set(found)
        compared.append(
            [
                pk
                for pk in ordered
                if w.members & members_of.get(pk, set()) or names & fragments_of.get(pk, set())
            ][:_MAX_COMPARED]
        )
    complaints = _complaints_of(actor, {pk for ids in compared for pk in ids})
    firsts: list[tuple[Case, Repeat] | None] = []
    for w, ids in zip(wanted, compared, strict=True):
        first = None
        for pk in ids:
            earlier, earlier_complaint = complaints[pk]
            repeat = repeat_of(w, earlier_complaint)
            if repeat is not None:
                first = (earlier, repeat)
                break
        firsts.append(first)
    return firsts


#: Fragments looked up per compound query (SQLite allows 500 selects in one).
_FRAGMENTS_PER_QUERY = 200


def _fragments_matched(respondents: QuerySet[Party], fragments: list[str]) -> dict[int, set[str]]:
    """Which of ``fragments`` each case's respondents' names contain, as ``icontains`` says."""
    matched: dict[int, set[str]] = {}
    for start in range(0, len(fragments), _FRAGMENTS_PER_QUERY):
        selects = [
            respondents.filter(name__icontains=fragment)
            .annotate(fragment=Value(fragment, output_field=CharField()))
            .values_list("case_id", "fragment")
            for fragment in fragments[start : start + _FRAGMENTS_PER_QUERY]
        ]
        query = selects[0].union(*selects[1:], all=True) if len(selects) > 1 else selects[0]
        for case_id, fragment in query:
            matched.setdefault(case_id, set()).add(fragment)
    return matched


#: Cases read per query when their complaints are compared.
_CASES_PER_QUERY = 500


def _complaints_of(actor: User, pks: set[int]) -> dict[int, tuple[Case, Complaint]]:
    """The cases ``pks`` (already found among those ``actor`` may see) with their complaints,
    read through the gate again rather than from the case table directly."""
    ordered = sorted(pks)
    out: dict[int, tuple[Case, Complaint]] = {}
    for start in range(0, len(ordered), _CASES_PER_QUERY):
        chunk = visible_cases(actor).filter(pk__in=ordered[start : start + _CASES_PER_QUERY])
        for case in chunk.prefetch_related(
            Prefetch("parties", queryset=Party.objects.filter(role=Party.Role.RESPONDENT)),
            Prefetch("allegations", queryset=Allegation.objects.order_by("pk")),
        ):
            out[case.pk] = (case, case_complaint(case))
    return out


def possible_duplicates(view: CaseView) -> list[Suggestion]:
    """Earlier cases, open or closed, that the viewer may see and this case may repeat."""
    case = view.case
    found = earlier_repeats(
        view.gate.actor, case.organisation_id, case_complaint(case), before=case
    )
    workflow = Workflow(case.rulebook.rules)
    return [
        Suggestion(
            reference=earlier.reference,
            stage=workflow.stage_label(earlier.stage),
            closed=earlier.closed_at is not None,
            summary=earlier.summary[:200],
            reason=repeat.reason,
        )
        for earlier, repeat in found[:MAX_SUGGESTIONS]
    ]


def repeated_by(view: CaseView) -> list[str]:
    """The cases closed as duplicates of this one, those the viewer may see, oldest first."""
    return list(
        visible_cases(view.gate.actor)
        .filter(duplicate_of_id=view.case.pk)
        .order_by("received_at", "pk")
        .values_list("reference", flat=True)
    )
