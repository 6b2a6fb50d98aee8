"""The oversight dashboard's independent reviews figure: decisions awaiting review, by how long
ago the review was opened, and how reviews ended (verified, vetoed, lapsed unreviewed); each
row drills down to the cases behind it (``drilldown``), with the same boundaries."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Min, Q

from dueprocess.accounts.models import Organisation
from dueprocess.cases.models import Review
from dueprocess.oversight.figure import Figure, Row

#: (key, label, youngest day, oldest day or None): whole days since the review was opened.
REVIEW_AGES = (
    ("0-7", "Awaiting review, opened 0–7 days ago", 0, 7),
    ("8-14", "Awaiting review, opened 8–14 days ago", 8, 14),
    ("15+", "Awaiting review, opened over 14 days ago", 15, None),
)
#: How reviews ended, as the figure's rows and the drill-down's ``state`` name them.
REVIEW_RESULTS = (
    ("verified", "Verified (took effect)"),
    ("vetoed", "Vetoed (decided again)"),
    ("lapsed", "Lapsed unreviewed (took effect)"),
)
STATES = ("pending", *(key for key, _ in REVIEW_RESULTS))


def review_age_filter(key: str, now: dt.datetime) -> Q:
    """Reviews opened within the age bucket ``key`` (the figure's boundaries)."""
    for name, _, youngest, oldest in REVIEW_AGES:
        if name == key:
            condition = Q(opened_at__lte=now - dt.timedelta(days=youngest))
            if oldest is not None:
                condition &= Q(opened_at__gt=now - dt.timedelta(days=oldest + 1))
            return condition
    raise KeyError(key)


def review_state_filter(state: str) -> Q:
    """Reviews still open (``pending``, held past due included) or ended with ``state``."""
    if state == "pending":
        return Q(outcome__isnull=True)
    return Q(outcome__result=state)


def reviews(organisation: Organisation, now: dt.datetime) -> Figure:
    """Decisions awaiting independent review by age, then the reviews verified, vetoed and
    lapsed: a veto is a decision that did not stand; a lapse, one nobody reviewed in time."""
    mine = Review.objects.filter(case__organisation=organisation)
    counts = mine.aggregate(
        oldest=Min("opened_at", filter=Q(outcome__isnull=True)),
        overdue=Count("pk", filter=Q(outcome__isnull=True, due_on__lt=now.date())),
        **{
            key: Count("pk", filter=review_state_filter("pending") & review_age_filter(key, now))
            for key, *_ in REVIEW_AGES
        },
        **{key: Count("pk", filter=review_state_filter(key)) for key, _ in REVIEW_RESULTS},
    )
    rows = [
        Row((label, counts[key]), {"state": "pending", "age": key})
        for key, label, *_ in REVIEW_AGES
    ]
    rows += [Row((label, counts[key]), {"state": key}) for key, label in REVIEW_RESULTS]
    waiting = sum(int(r.cells[1]) for r in rows[: len(REVIEW_AGES)])
    oldest = counts["oldest"]
    age = f", the oldest opened {(now - oldest).days} days ago" if oldest else ""
    return Figure(
        key="reviews",
        title="Independent reviews of decisions",
        summary=(
            f"{waiting} decisions awaiting independent review{age}"
            f" ({counts['overdue']} past their review period);"
            f" {counts['verified']} verified, {counts['vetoed']} vetoed,"
            f" {counts['lapsed']} lapsed unreviewed."
        ),
        columns=("Reviews", "Count"),
        rows=tuple(rows),
        series=(1,),
    )
