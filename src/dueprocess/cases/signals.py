"""What a case service announces when a step is taken, inside its transaction.

Receivers (the letters outbox) write in the same transaction, so the step and what it causes
are committed together. ``trigger`` is a rulebook transition key or one of
``rulebook.schema.LETTER_EVENTS``; ``measure`` is the interim measure, for its events, and
``hearing`` what a hearing's notice says, for the hearing events."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.dispatch import Signal

#: sent with case=, trigger=, actor=, reason=, measure=, hearing=
step_taken = Signal()


@dataclass(frozen=True)
class HearingNotice:
    """What a hearing's notice (or notice of adjournment) tells the parties."""

    starts_at: dt.datetime
    place: str
    panel: tuple[str, ...]  # the members' names
    adjournment_reason: str = ""
