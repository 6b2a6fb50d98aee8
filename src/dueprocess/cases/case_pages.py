"""Case lists one page at a time, for clients that walk a backlog: keyset pagination.

Page numbers shift when cases are opened or closed while a client is paging; a cursor of
(received_at, id) — the list's own sort key — never skips or repeats a case. Like every list,
it starts from ``cases.filters.matching_cases`` (so from ``access.visible_cases``) and records
what was shown before returning it. The web's numbered pages are in ``cases.worklists``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q

from dueprocess.access.enforcement import recorded_denials
from dueprocess.access.rules import require
from dueprocess.cases.filters import CaseFilters, matching_cases
from dueprocess.ledger.record import record
from dueprocess.lib.cursors import decode_cursor, encode_cursor

if TYPE_CHECKING:
    from dueprocess.accounts.models import User
    from dueprocess.cases.models import Case

MAX_PAGE = 100


@dataclass(frozen=True)
class CasePage:
    cases: list[Case]
    next_cursor: str | None


@recorded_denials
def case_page_for(
    actor: User, *, filters: CaseFilters, cursor: str = "", limit: int = 50
) -> CasePage:
    """One page of the cases ``actor`` may see, oldest received first."""
    decision = require(actor, "case.list")
    limit = max(1, min(limit, MAX_PAGE))
    cases = matching_cases(actor, filters).select_related("unit")
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
                "filters": filters.active(),
                "cursor": cursor,
                "shown": [c.reference for c in shown],
            },
        )
    last = shown[-1] if more else None
    return CasePage(
        cases=shown, next_cursor=encode_cursor(last.received_at, last.pk) if last else None
    )
