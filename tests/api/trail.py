"""What the ledger gained during a test step: the actions appended, and the last entry on a
case with its details opened — enough to check that a call left exactly its own record."""

from __future__ import annotations

from dueprocess.cases.models import Case
from dueprocess.cases.timeline import TimelineItem, case_timeline
from dueprocess.ledger.models import LedgerEntry


def mark() -> int:
    return LedgerEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def actions_since(seq: int) -> list[str]:
    """Leaving out the tokens the test client mints on a persona's first call."""
    found = LedgerEntry.objects.filter(seq__gt=seq).exclude(action="api_token.created")
    return list(found.order_by("seq").values_list("action", flat=True))


def last_on(case: Case) -> TimelineItem:
    return case_timeline(Case.objects.get(pk=case.pk), limit=1)[0]  # newest first
