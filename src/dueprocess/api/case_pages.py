"""Case lists one page at a time, for clients that walk a backlog: keyset pagination.

Page numbers shift when cases are opened or closed while a client is paging; a cursor of
(received_at, id) — the list's own sort key — never skips or repeats a case. Like every list,
it starts from ``access.visible_cases`` (via ``cases.queries.case_queryset_for``) and records
what was shown before returning it.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Q, QuerySet

from dueprocess.access.enforcement import recorded_denials
from dueprocess.access.rules import require
from dueprocess.cases.models import Case
from dueprocess.cases.queries import case_queryset_for
from dueprocess.errors import InvalidInput
from dueprocess.ledger.record import record
from dueprocess.lib import clock

if TYPE_CHECKING:
    from dueprocess.accounts.models import User

MAX_PAGE = 100
_EARLIEST = dt.datetime.min.replace(tzinfo=dt.UTC)
_LATEST = dt.datetime.max.replace(tzinfo=dt.UTC)


@dataclass(frozen=True)
class CaseFilters:
    stage: str = ""
    category: str = ""
    search: str = ""
    received_after: dt.datetime | None = None
    received_before: dt.datetime | None = None
    overdue: bool | None = None

    def as_record(self) -> dict[str, Any]:
        return {
            k: (v.isoformat() if isinstance(v, dt.datetime) else v)
            for k, v in self.__dict__.items()
            if v not in ("", None)
        }


@dataclass(frozen=True)
class CasePage:
    cases: list[Case]
    next_cursor: str | None


def is_overdue(case: Case, today: dt.date) -> bool:
    """Past the due date of its current stage and not closed."""
    return case.closed_at is None and case.stage_due_on is not None and case.stage_due_on < today


def encode_cursor(case: Case) -> str:
    raw = f"{case.received_at.astimezone(dt.UTC).isoformat()}|{case.pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[dt.datetime, int]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        when, pk = base64.urlsafe_b64decode(padded.encode("ascii")).decode().split("|")
        received = dt.datetime.fromisoformat(when)
        if received.tzinfo is None or not 0 < int(pk) < 2**62:
            raise ValueError(cursor)
        return received, int(pk)
    except (ValueError, UnicodeError, binascii.Error):
        raise InvalidInput(
            "The cursor is not one this API handed out.", fields={"cursor": "Unknown cursor."}
        ) from None


def as_utc(moment: dt.datetime) -> dt.datetime:
    """An aware UTC time (naive means UTC); times beyond the calendar clamp to its ends."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    try:
        return moment.astimezone(dt.UTC)
    except OverflowError:
        return _EARLIEST if moment.year < 2 else _LATEST


def _filtered(actor: User, filters: CaseFilters) -> QuerySet[Case]:
    cases = case_queryset_for(
        actor, stage=filters.stage, category=filters.category, search=filters.search
    )
    if filters.received_after is not None:
        cases = cases.filter(received_at__gte=as_utc(filters.received_after))
    if filters.received_before is not None:
        cases = cases.filter(received_at__lt=as_utc(filters.received_before))
    if filters.overdue is not None:
        late = Q(closed_at__isnull=True, stage_due_on__lt=clock.today())
        cases = cases.filter(late) if filters.overdue else cases.exclude(late)
    return cases


@recorded_denials
def case_page_for(
    actor: User, *, filters: CaseFilters, cursor: str = "", limit: int = 50
) -> CasePage:
    """One page of the cases ``actor`` may see, oldest received first."""
    decision = require(actor, "case.list")
    limit = max(1, min(limit, MAX_PAGE))
    cases = _filtered(actor, filters)
    if cursor:
        received, pk = decode_cursor(cursor)
        cases = cases.filter(Q(received_at__gt=received) | Q(received_at=received, pk__gt=pk))
    shown = list(cases.order_by("received_at", "pk")[: limit + 1])
    more = len(shown) > limit
    shown = shown[:limit]
    with transaction.atomic():
        record(
            actor=actor,
            action="case_list.viewed",
            role=decision.role,
            details={
                "filters": filters.as_record(),
                "cursor": cursor,
                "shown": [c.reference for c in shown],
            },
        )
    return CasePage(cases=shown, next_cursor=encode_cursor(shown[-1]) if more else None)
