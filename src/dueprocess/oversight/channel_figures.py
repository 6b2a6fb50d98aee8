"""Out-of-channel and out-of-the-ordinary contact with cases, month by month.

Advice requests (the formal channel), approaches logged in the interference register (split by
whether they came from the political office, and by which way they pushed), emergency access
and refused attempts to open a case. A sudden rise in any line is a question for oversight to
ask — which is the point of counting them the same way every month.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.db.models import Count, Q, QuerySet

from dueprocess.access.models import EmergencyAccess
from dueprocess.accounts.models import Organisation
from dueprocess.cases.models import AdviceRequest, Approach
from dueprocess.oversight import sql
from dueprocess.oversight.figure import Figure, Row
from dueprocess.oversight.ledger_counts import count_by_month

MONTHS = 12

#: series key -> (label, model, time field, extra filter). Denied attempts come from the ledger.
SERIES: dict[str, tuple[str, type, str, Q]] = {
    "advice": ("Advice requests", AdviceRequest, "requested_at", Q()),
    "approach_political": (
        "Approaches from the political office",
        Approach,
        "occurred_at",
        Q(from_political_office=True),
    ),
    "approach_other": (
        "Other approaches",
        Approach,
        "occurred_at",
        Q(from_political_office=False),
    ),
    "emergency": ("Emergency access requests", EmergencyAccess, "requested_at", Q()),
}
DENIED = "Denied access attempts"
#: Which way an approach pushed (``Approach.Direction``), with the label the register shows.
DIRECTIONS = {str(way): str(label).lower() for way, label in Approach.Direction.choices}


def series_rows(key: str, organisation: Organisation) -> QuerySet:  # type: ignore[type-arg]
    _, model, _, condition = SERIES[key]
    return model.objects.filter(condition, case__organisation=organisation)  # type: ignore[attr-defined,no-any-return]


def _monthly(key: str, organisation: Organisation, since: dt.datetime) -> dict[str, int]:
    _, _, field, _ = SERIES[key]
    return {
        row["month"]: row["n"]
        for row in series_rows(key, organisation)
        .filter(**{f"{field}__gte": since})
        .annotate(month=sql.UtcMonth(field))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by()
    }


def channels_over_time(organisation: Organisation, today: dt.date) -> Figure:
    months = sql.recent_months(today, MONTHS)
    since = sql.month_start(months[0])
    counted = {key: _monthly(key, organisation, since) for key in SERIES}
    denied = count_by_month("access.denied", organisation_id=organisation.pk, since=since)
    rows = [
        Row(
            (
                sql.month_label(month),
                *(counted[key].get(month, 0) for key in SERIES),
                denied.get(month, 0),
            ),
            {"month": month},
        )
        for month in months
    ]
    figure = Figure(
        key="channels",
        title="Advice, approaches, emergency access and denied attempts, by month",
        summary="",
        columns=("Month", *(label for label, *_ in SERIES.values()), DENIED),
        rows=tuple(rows),
        chart="multiples",
        series=tuple(range(1, len(SERIES) + 2)),
    )
    totals = ", ".join(f"{figure.total(i)} {figure.columns[i].lower()}" for i in figure.series)
    return dataclasses.replace(figure, summary=f"Over the last {MONTHS} months: {totals}.")


def channel_totals(organisation: Organisation) -> Figure:
    """All-time totals, with the state each request reached."""
    advice = AdviceRequest.objects.filter(case__organisation=organisation).aggregate(
        total=Count("pk"),
        answered=Count("pk", filter=Q(answered_at__isnull=False)),
        open=Count("pk", filter=Q(closed_at__isnull=True)),
    )
    approaches = Approach.objects.filter(case__organisation=organisation).aggregate(
        political=Count("pk", filter=Q(from_political_office=True)),
        other=Count("pk", filter=Q(from_political_office=False)),
        **{
            f"{origin}_{way}": Count("pk", filter=Q(from_political_office=flag, direction=way))
            for origin, flag in (("political", True), ("other", False))
            for way in DIRECTIONS
        },
    )
    emergency = EmergencyAccess.objects.filter(case__organisation=organisation).aggregate(
        total=Count("pk"),
        approved=Count("pk", filter=Q(approved_at__isnull=False)),
        refused=Count("pk", filter=Q(refused_at__isnull=False)),
    )
    rows = (
        Row(("Advice requests", advice["total"]), {"series": "advice"}),
        Row(("… answered", advice["answered"]), {"series": "advice", "state": "answered"}),
        Row(("… still open", advice["open"]), {"series": "advice", "state": "open"}),
        Row(
            ("Approaches from the political office", approaches["political"]),
            {"series": "approach_political"},
        ),
        *_direction_rows("approach_political", "political", approaches),
        Row(("Other approaches", approaches["other"]), {"series": "approach_other"}),
        *_direction_rows("approach_other", "other", approaches),
        Row(("Emergency access requests", emergency["total"]), {"series": "emergency"}),
        Row(
            ("… approved by a second person", emergency["approved"]),
            {"series": "emergency", "state": "approved"},
        ),
        Row(("… refused", emergency["refused"]), {"series": "emergency", "state": "refused"}),
    )
    lighter = approaches["political_lighter"] + approaches["other_lighter"]
    harsher = approaches["political_harsher"] + approaches["other_harsher"]
    return Figure(
        key="register",
        title="The interference register, all time",
        summary=(
            f"{advice['total']} advice requests, {approaches['political']} approaches from the "
            f"political office, {approaches['other']} other approaches ({lighter} pushing "
            f"towards a lighter outcome, {harsher} towards a harsher one), {emergency['total']} "
            "emergency access requests."
        ),
        columns=("Channel", "Count"),
        rows=rows,
    )


def _direction_rows(series: str, origin: str, counts: dict[str, int]) -> list[Row]:
    return [
        Row((f"… {label}", counts[f"{origin}_{way}"]), {"series": series, "state": way})
        for way, label in DIRECTIONS.items()
    ]


STATES = {
    "answered": Q(answered_at__isnull=False),
    "open": Q(closed_at__isnull=True),
    "approved": Q(approved_at__isnull=False),
    "refused": Q(refused_at__isnull=False),
    **{way: Q(direction=way) for way in DIRECTIONS},
}
#: Which states each series can be narrowed to (the others have no such field).
SERIES_STATES = {
    "advice": ("answered", "open"),
    "emergency": ("approved", "refused"),
    "approach_political": tuple(DIRECTIONS),
    "approach_other": tuple(DIRECTIONS),
}
