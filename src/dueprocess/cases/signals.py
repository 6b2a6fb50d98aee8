"""What a case service announces when a step is taken, inside its transaction.

Receivers (the letters outbox) write in the same transaction, so the step and what it causes
are committed together. ``trigger`` is a rulebook transition key or one of
``rulebook.schema.LETTER_EVENTS``; ``measure`` is the interim measure, for its events."""

from __future__ import annotations

from django.dispatch import Signal

#: sent with case=, trigger=, actor=, reason=, measure=
step_taken = Signal()
