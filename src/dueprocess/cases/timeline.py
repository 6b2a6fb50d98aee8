"""A case's timeline: its ledger entries, newest first, with who did what and the sealed
details opened where the case's key still exists.

Only code that has already passed ``access`` for the case calls this. The ledger supplies the
entries and opens each payload (``ledger.reading.open_details``); this names the people and
pages the case's entries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from dueprocess.accounts.models import User
from dueprocess.ledger import keys, sealing
from dueprocess.ledger.entries import parse_entry
from dueprocess.ledger.models import LedgerEntry, LedgerPayload
from dueprocess.ledger.reading import open_details
from dueprocess.ledger.record import SYSTEM_ACTOR, case_pseudonym

if TYPE_CHECKING:
    from dueprocess.cases.models import Case


@dataclass(frozen=True)
class TimelineItem:
    seq: int
    at: dt.datetime
    action: str
    role: str
    actor: User | None
    actor_tag: str
    details: dict[str, Any] = field(default_factory=dict)
    sealed: bool = False  # True when the details could not be opened (erased or missing)
    #: the person an appointment entry is about (appointed, refused, or whose appointment
    #: ended), when they are of the case's organisation
    subject: User | None = None


#: Ledger entries read for one page of a case's timeline (the page's cost is bounded by this,
#: never by the number of entries on the case).
PAGE_ENTRIES = 200
VIEW_ACTION = "case.viewed"
#: Entries whose sealed details name a member of staff by id under ``assignee``.
ASSIGNMENT_ACTIONS = frozenset({"assignment.made", "assignment.refused", "assignment.ended"})


@dataclass(frozen=True)
class TimelinePage:
    """One page of a case's timeline, newest first.

    ``older`` is the ``before`` value that opens the next (older) page, or None at the oldest
    entry; ``before`` is the one this page was asked for (None for the newest page) and
    ``until`` the time of that entry, the newer end of the page's time span."""

    items: list[TimelineItem]
    before: int | None = None
    older: int | None = None
    until: dt.datetime | None = None


def people_for(organisation_id: int, tags: set[str]) -> dict[str, User]:
    """The organisation's people behind ``tags``: one query for ids, a keyed hash per id only
    until every tag is found, one query for the people found."""
    wanted = set(tags) - {SYSTEM_ACTOR}
    found: dict[str, int] = {}
    if wanted:
        ids = User.objects.filter(organisation_id=organisation_id).values_list("pk", flat=True)
        for pk in ids.order_by("pk"):
            tag = keys.pseudonym("user", pk)
            if tag in wanted:
                found[tag] = pk
                if len(found) == len(wanted):
                    break
    users = {u.pk: u for u in User.objects.filter(pk__in=found.values())} if found else {}
    return {tag: users[pk] for tag, pk in found.items() if pk in users}


def case_timeline(
    case: Case, *, before: int | None = None, limit: int = PAGE_ENTRIES
) -> list[TimelineItem]:
    """Up to ``limit`` ledger entries on ``case``, newest first (those with ``seq`` below
    ``before`` when given), with details decrypted where possible."""
    return timeline_page(case, before=before, limit=limit).items


def timeline_page(
    case: Case, *, before: int | None = None, limit: int = PAGE_ENTRIES
) -> TimelinePage:
    """One page of the case's timeline, read by the (case_tag, seq) index: ``limit`` + 1 rows,
    the page's payloads, its people and the case key, whatever the number of entries."""
    if limit < 1:
        raise ValueError("a timeline page holds at least one entry")
    tag = case_pseudonym(case.pk)
    query = LedgerEntry.objects.filter(case_tag=tag)
    if before is not None:
        query = query.filter(seq__lt=before)
    rows = list(query.order_by("-seq").only("seq", "entry")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    until = None
    if before is not None:
        until = LedgerEntry.objects.filter(seq=before).values_list("recorded_at", flat=True).first()
    if not rows:
        return TimelinePage(items=[], before=before, older=None, until=until)
    parsed = [(row.seq, bytes(row.entry)) for row in rows]
    entries = [(seq, raw, parse_entry(raw)) for seq, raw in parsed]
    payloads = {p.seq: p for p in LedgerPayload.objects.filter(seq__in=[s for s, _ in parsed])}
    people = people_for(case.organisation_id, {entry.actor for _, _, entry in entries})
    data_key = sealing.subject_key(f"case:{tag}", create=False)
    opened = [
        (seq, entry, *open_details(payloads.get(seq), data_key, raw, entry.payload))
        for seq, raw, entry in entries
    ]
    subjects = _subjects(case.organisation_id, opened)
    items = [
        TimelineItem(
            seq=seq,
            at=entry.recorded_at,
            action=entry.action,
            role=entry.role if entry.role != "-" else "",
            actor=people.get(entry.actor),
            actor_tag=entry.actor,
            details=details,
            sealed=sealed,
            subject=subjects.get(details.get("assignee"))
            if entry.action in ASSIGNMENT_ACTIONS
            else None,
        )
        for seq, entry, details, sealed in opened
    ]
    older = items[-1].seq if more else None
    return TimelinePage(items=items, before=before, older=older, until=until)


def _subjects(organisation_id: int, opened: list[tuple[Any, ...]]) -> dict[Any, User]:
    """The people the page's appointment entries name, by id: one query, and none at all on
    a page without such entries."""
    ids = {
        details.get("assignee")
        for _, entry, details, _ in opened
        if entry.action in ASSIGNMENT_ACTIONS and isinstance(details.get("assignee"), int)
    }
    if not ids:
        return {}
    return {u.pk: u for u in User.objects.filter(organisation_id=organisation_id, pk__in=ids)}
