"""The interference register: any contact about a case from outside the case team, logged.

The findings this system answers to turned on contacts nobody wrote down. Logging one is
cheap, takes no position on whether it was proper — a push for a harsher outcome is logged
exactly like a push for a lighter one — and puts it where the reviewer, the panel and the
oversight dashboard will see it.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from dueprocess.access.enforcement import recorded_denials
from dueprocess.access.rules import Gate
from dueprocess.cases.models import Approach
from dueprocess.cases.services.common import clean_text, lock_case
from dueprocess.errors import InvalidInput
from dueprocess.ledger.record import record
from dueprocess.lib import clock

if TYPE_CHECKING:
    from dueprocess.accounts.models import User
    from dueprocess.cases.models import Case

#: Approaches reported long after the fact are still worth logging; older than this is a typo.
OLDEST_APPROACH = dt.timedelta(days=3 * 365)


@recorded_denials
def approach_log(
    *,
    actor: User,
    case: Case,
    approached_by: str,
    from_political_office: bool,
    channel: str,
    occurred_at: dt.datetime,
    what_was_asked: str,
    direction: str = Approach.Direction.UNCLEAR,
) -> Approach:
    """Record that ``approached_by`` contacted ``actor`` about ``case``, how, what they asked,
    and which way it pushed (towards a lighter or a harsher outcome, neither, or unclear)."""
    with transaction.atomic():
        case = lock_case(case)
        gate = Gate(actor, case)
        gate.require("case.view")
        decision = gate.require("case.approach")
        who = clean_text(approached_by, "approached_by", limit=200)
        asked = clean_text(what_was_asked, "what_was_asked")
        if channel not in Approach.Channel.values:
            choices = ", ".join(Approach.Channel.values)
            raise InvalidInput(
                f"Unknown channel {str(channel)[:40]!r}.",
                fields={"channel": f"Choose one of: {choices}."},
            )
        if direction not in Approach.Direction.values:
            choices = ", ".join(Approach.Direction.values)
            raise InvalidInput(
                f"Unknown direction {str(direction)[:40]!r}.",
                fields={"direction": f"Choose one of: {choices}."},
            )
        when = _check_moment(occurred_at)
        approach = Approach.objects.create(
            case=case,
            logged_by=actor,
            approached_by=who,
            from_political_office=bool(from_political_office),
            channel=channel,
            occurred_at=when,
            what_was_asked=asked,
            direction=direction,
            logged_at=clock.now(),
        )
        record(
            actor=actor,
            action="approach.logged",
            case=case,
            role=decision.role,
            details={
                "approach": approach.pk,
                "approached_by": who,
                "from_political_office": approach.from_political_office,
                "channel": channel,
                "occurred_at": when.isoformat(),
                "what_was_asked": asked,
                "direction": direction,
            },
        )
        return approach


def _check_moment(occurred_at: dt.datetime) -> dt.datetime:
    if not isinstance(occurred_at, dt.datetime):
        raise InvalidInput(
            "When the approach happened is required.", fields={"occurred_at": "Required."}
        )
    if timezone.is_naive(occurred_at):
        raise InvalidInput(
            "Give the time of the approach with its time zone.",
            fields={"occurred_at": "Time zone missing."},
        )
    now = clock.now()
    if occurred_at > now:
        raise InvalidInput(
            "An approach cannot be logged before it has happened.",
            fields={"occurred_at": "In the future."},
        )
    if occurred_at < now - OLDEST_APPROACH:
        raise InvalidInput(
            "That date is more than three years ago; check the year.",
            fields={"occurred_at": "Too far in the past."},
        )
    return occurred_at
