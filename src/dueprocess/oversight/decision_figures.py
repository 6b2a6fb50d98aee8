"""Decisions against recommendations: how many departed, in which direction, and by whom.

"Staff lowered the sanctions so people got a warning letter instead" is, here, the count of
decisions flagged as lighter than recommended — next to the count flagged as harsher, because
pressure in either direction is the concern, and next to the names of the panel members who
sat on each, because a panel is accountable for what it decides.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q

from dueprocess.accounts.models import Organisation, User
from dueprocess.cases.models import Decision
from dueprocess.cases.models.outcomes import in_force
from dueprocess.oversight import sql
from dueprocess.oversight.figure import Figure, Row

MONTHS = 12

DIRECTIONS = (
    (Decision.Direction.NONE, "Followed the recommendation"),
    (Decision.Direction.DOWNGRADE, "Lighter than recommended"),
    (Decision.Direction.UPGRADE, "Harsher than recommended"),
    (Decision.Direction.DIFFERENT, "Different, same severity"),
)


def decided(organisation: Organisation) -> Q:
    """Decisions a panel made (triage's "not investigated" has no recommendation to follow)."""
    return Q(case__organisation=organisation) & ~Q(kind=Decision.Kind.NOT_INVESTIGATED)


def decision_filter(direction: str) -> Q:
    if direction == "outside":
        return Q(outside_guideline=True)
    if direction == "departs":
        return Q(departs=True)
    return Q(direction=direction)


def decisions(organisation: Organisation) -> Figure:
    counts = Decision.objects.filter(decided(organisation)).aggregate(
        **{str(key): Count("pk", filter=Q(direction=key)) for key, _ in DIRECTIONS},
        outside=Count("pk", filter=Q(outside_guideline=True)),
        total=Count("pk"),
    )
    rows = [Row((label, counts[str(key)]), {"direction": str(key)}) for key, label in DIRECTIONS]
    rows.append(Row(("Outside the guideline range", counts["outside"]), {"direction": "outside"}))
    down, up = counts["downgrade"], counts["upgrade"]
    return Figure(
        key="decisions",
        title="Decisions against recommendations",
        summary=(
            f"Of {counts['total']} panel decisions, {down} were lighter and {up} harsher than "
            f"the recommendation; {counts['outside']} fell outside the guideline range."
        ),
        columns=("Decision", "Decisions"),
        rows=tuple(rows),
        notes=("Every departure and every decision outside the guideline has written reasons.",),
    )


def deciders(organisation: Organisation) -> Figure:
    """Per panel member: decisions sat on, and how many departed in each direction."""
    seats = (
        Decision.panel.through.objects.filter(  # type: ignore[attr-defined]
            decision__case__organisation=organisation
        )
        .filter(in_force("decision__"))  # a sealed decision is counted once announced
        .exclude(decision__kind=Decision.Kind.NOT_INVESTIGATED)
    )
    counts = (
        seats.values("user_id")
        .annotate(
            total=Count("pk"),
            down=Count("pk", filter=Q(decision__direction=Decision.Direction.DOWNGRADE)),
            up=Count("pk", filter=Q(decision__direction=Decision.Direction.UPGRADE)),
            different=Count("pk", filter=Q(decision__direction=Decision.Direction.DIFFERENT)),
            outside=Count("pk", filter=Q(decision__outside_guideline=True)),
        )
        .order_by()
    )
    people = User.objects.in_bulk([row["user_id"] for row in counts])
    rows = sorted(
        (
            Row(
                (
                    str(people[row["user_id"]]),
                    row["total"],
                    row["down"],
                    row["up"],
                    row["different"],
                    row["outside"],
                ),
                {"member": str(row["user_id"])},
            )
            for row in counts
        ),
        key=lambda r: (-int(r.cells[2]) - int(r.cells[3]), str(r.cells[0])),
    )
    return Figure(
        key="deciders",
        title="Departures by panel member",
        summary="For each panel member, the decisions they sat on that departed, by direction.",
        columns=(
            "Panel member",
            "Decisions sat on",
            "Lighter",
            "Harsher",
            "Different",
            "Outside guideline",
        ),
        rows=tuple(rows),
        chart="stacked",
        series=(2, 3, 4),
    )


def not_investigated(organisation: Organisation, today: dt.date) -> Figure:
    """Decisions not to investigate, by ground, month by month: complaints closed at intake or
    triage, which the figures above (panel decisions only) never count."""
    rules = organisation.rulebook.rules
    months = sql.recent_months(today, MONTHS)
    counts: dict[tuple[str, str], int] = {
        (row["month"], row["ground"]): row["n"]
        for row in Decision.objects.filter(
            case__organisation=organisation,
            kind=Decision.Kind.NOT_INVESTIGATED,
            decided_at__gte=sql.month_start(months[0]),
        )
        .annotate(month=sql.UtcMonth("decided_at"))
        .values("month", "ground")
        .annotate(n=Count("pk"))
        .order_by()
    }
    grounds = list(rules.not_investigated_grounds.values())
    known = {g.key for g in grounds}
    extra = sorted({ground for _, ground in counts} - known)
    labels = [g.label for g in grounds] + [g or "No ground" for g in extra]
    keys = [g.key for g in grounds] + extra
    rows = tuple(
        Row((sql.month_label(month), *(counts.get((month, key), 0) for key in keys)))
        for month in months
    )
    total = sum(counts.values())
    return Figure(
        key="not_investigated",
        title="Decisions not to investigate, by ground and month",
        summary=f"Over the last {MONTHS} months, {total} complaints were closed without an "
        "investigation, each under the ground the rulebook names.",
        columns=("Month", *labels),
        rows=rows,
        chart="multiples",
        series=tuple(range(1, len(keys) + 1)),
        listable=False,
    )
