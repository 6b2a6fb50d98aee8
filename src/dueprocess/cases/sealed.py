"""Which of a case's decisions a person is shown: the one read of decisions for the case file
(web page and API alike).

A sealed decision not yet announced is out of ``Decision.objects`` altogether (so letters,
the parties' pages, oversight and the transparency report never see it); here it is added back
for the members of the panel that sat on it, and everyone else is told only that one exists and
when it was recorded (``SealedNotice``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q

from dueprocess.cases.models import Decision
from dueprocess.cases.models.outcomes import in_force

if TYPE_CHECKING:
    from dueprocess.accounts.models import User
    from dueprocess.cases.models import Case


@dataclass(frozen=True)
class SealedNotice:
    """All that someone outside the panel learns of a sealed decision."""

    decision_id: int
    recorded_at: dt.datetime


def sat_on(user: User) -> Q:
    """Decisions ``user`` sat on as a member of the panel."""
    seats = Decision.panel.through.objects.filter(user_id=user.pk)  # type: ignore[attr-defined]
    return Q(pk__in=seats.values("decision_id"))


def decisions_for(user: User, case: Case) -> list[Decision]:
    """The case's decisions ``user`` may read: those in force, and the sealed ones of a panel
    they sat on (each with ``sealed`` true and no ``announcement`` while it is provisional)."""
    shown = Decision.records.filter(case=case).filter(in_force() | sat_on(user))
    return list(shown.select_related("decided_by", "recommendation", "announcement"))


def sealed_notices(user: User, case: Case) -> list[SealedNotice]:
    """The sealed decisions on the case kept from ``user``: their id and when recorded."""
    kept = Decision.records.filter(case=case).exclude(in_force() | sat_on(user))
    return [
        SealedNotice(decision_id=pk, recorded_at=at)
        for pk, at in kept.order_by("decided_at", "pk").values_list("pk", "decided_at")
    ]


def announced_at(decision: Decision) -> dt.datetime | None:
    """When a sealed decision was announced (None if never sealed or not yet announced)."""
    if not decision.sealed:
        return None
    announcement = getattr(decision, "announcement", None)
    return announcement.announced_at if announcement is not None else None
