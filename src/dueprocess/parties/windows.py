"""The respondent's response window, as the decision service reads it.

Apart from ``parties.services`` (which builds on the case services) so that the case services
can ask it without importing their own callers.
"""

from __future__ import annotations

import datetime as dt

from dueprocess.cases.models import Case
from dueprocess.lib import clock
from dueprocess.parties.models import PartyAccess, WrittenResponse


def response_pending_until(case: Case) -> dt.date | None:
    """The day the respondent's written response is still awaited until, or None: the date in
    the respondent's current notice, while it has not passed and no response came in."""
    access = (
        PartyAccess.objects.filter(
            case=case, role=PartyAccess.Role.RESPONDENT, revoked_at__isnull=True
        )
        .order_by("-pk")
        .first()
    )
    if access is None or access.respond_by is None or clock.today() > access.respond_by:
        return None
    if WrittenResponse.objects.filter(case=case).exists():
        return None
    return access.respond_by
