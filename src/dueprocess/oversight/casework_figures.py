"""Figures about the flow of cases: backlog by stage and age, deadline breaches, interim
measures and their grounds, the sign-offs those measures needed, and hearings waiting to be
held.

Each is one or two GROUP BY queries over one organisation's cases — never rows loaded and
counted in Python — so they cost the same on a demo and on a hundred thousand cases.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Case as SqlCase
from django.db.models import CharField, Count, Min, Q, Value, When

from dueprocess.accounts.models import Organisation
from dueprocess.cases.models import (
    Adjournment,
    Case,
    Hearing,
    InterimMeasure,
    PanelConstitution,
    SignOff,
)
from dueprocess.oversight.figure import Figure, Row

#: (key, label, youngest day, oldest day or None). Ages are whole days since receipt.
AGE_BUCKETS = (
    ("0-30", "0–30 days", 0, 30),
    ("31-90", "31–90 days", 31, 90),
    ("91-180", "91–180 days", 91, 180),
    ("181+", "Over 180 days", 181, None),
)


def age_bucket_filter(key: str, now: dt.datetime) -> Q:
    """Cases whose age falls in bucket ``key`` (the same boundaries the figure counts)."""
    for name, _, youngest, oldest in AGE_BUCKETS:
        if name == key:
            condition = Q(received_at__lte=now - dt.timedelta(days=youngest))
            if oldest is not None:
                condition &= Q(received_at__gt=now - dt.timedelta(days=oldest + 1))
            return condition
    raise KeyError(key)


def _age_expression(now: dt.datetime) -> SqlCase:
    whens = [
        When(received_at__gt=now - dt.timedelta(days=oldest + 1), then=Value(name))
        for name, _, _, oldest in AGE_BUCKETS
        if oldest is not None
    ]
    return SqlCase(*whens, default=Value(AGE_BUCKETS[-1][0]), output_field=CharField())


def open_cases(organisation: Organisation) -> Q:
    return Q(organisation=organisation, closed_at__isnull=True)


def backlog(organisation: Organisation, now: dt.datetime) -> Figure:
    rules = organisation.rulebook.rules
    counts = (
        Case.objects.filter(open_cases(organisation))
        .annotate(age=_age_expression(now))
        .values("stage", "age")
        .annotate(n=Count("pk"))
        .order_by()
    )
    table: dict[str, dict[str, int]] = {}
    for row in counts:
        table.setdefault(row["stage"], {})[row["age"]] = row["n"]
    stages = [s for s in rules.stages.values() if not s.terminal]
    known = {s.key for s in stages}
    labels = {s.key: s.label for s in stages} | {k: k for k in table if k not in known}
    rows = []
    for key, label in labels.items():
        cells = [table.get(key, {}).get(bucket[0], 0) for bucket in AGE_BUCKETS]
        rows.append(Row((label, *cells, sum(cells)), {"stage": key}))
    total = sum(int(r.cells[-1]) for r in rows)
    return Figure(
        key="backlog",
        title="Backlog by stage and age",
        summary=f"{total} open cases, by the stage they are in and how long ago they came in.",
        columns=("Stage", *(b[1] for b in AGE_BUCKETS), "Open cases"),
        rows=tuple(rows),
        chart="stacked",
        series=tuple(range(1, len(AGE_BUCKETS) + 1)),
    )


def deadline_breaches(organisation: Organisation, today: dt.date) -> Figure:
    rules = organisation.rulebook.rules
    scope = Case.objects.filter(open_cases(organisation))
    overall = scope.aggregate(
        ack=Count("pk", filter=Q(acknowledged_at__isnull=True, acknowledge_by__lt=today)),
        feedback=Count("pk", filter=Q(feedback_by__lt=today)),
    )
    by_stage = {
        row["stage"]: row["n"]
        for row in scope.filter(stage_due_on__lt=today)
        .values("stage")
        .annotate(n=Count("pk"))
        .order_by()
    }
    feedback = rules.deadlines.feedback_months
    rows = [
        Row(("Not acknowledged in time", overall["ack"]), {"kind": "ack"}),
        Row(
            (f"Open past the {feedback}-month feedback date", overall["feedback"]),
            {"kind": "feedback"},
        ),
    ]
    for stage in rules.stages.values():
        if stage.due_days:
            rows.append(
                Row(
                    (f"Over time in “{stage.label}”", by_stage.get(stage.key, 0)),
                    {"kind": "stage", "stage": stage.key},
                )
            )
    breaches = overall["ack"] + sum(by_stage.values())
    return Figure(
        key="deadlines",
        title="Deadline breaches (open cases)",
        summary=(
            f"{overall['ack']} complaints not acknowledged in time, {overall['feedback']} open "
            f"past the feedback date, {breaches - overall['ack']} over time in their stage."
        ),
        columns=("Deadline", "Open cases in breach"),
        rows=tuple(rows),
    )


def interim_measures(organisation: Organisation, today: dt.date) -> Figure:
    rules = organisation.rulebook.rules
    counts = (
        InterimMeasure.objects.filter(case__organisation=organisation)
        .values("kind", "ground")
        .annotate(
            active=Count("pk", filter=Q(lifted_at__isnull=True)),
            lifted=Count("pk", filter=Q(lifted_at__isnull=False)),
            overdue=Count("pk", filter=Q(lifted_at__isnull=True, review_on__lt=today)),
        )
        .order_by("kind", "ground")
    )
    rows = []
    for row in counts:
        kind = rules.interim_measures.get(row["kind"])
        grounds = {g.key: g.label for g in kind.grounds} if kind else {}
        name = kind.label if kind else row["kind"]
        label = f"{name}: {grounds.get(row['ground'], row['ground'])}"
        rows.append(
            Row(
                (label, row["active"], row["lifted"], row["overdue"]),
                {"kind": row["kind"], "ground": row["ground"]},
            )
        )
    active = sum(int(r.cells[1]) for r in rows)
    return Figure(
        key="interim",
        title="Interim measures and their grounds",
        summary=f"{active} interim measures in force; each counted under the ground it rests on.",
        columns=("Measure and ground", "In force", "Lifted", "Review overdue"),
        rows=tuple(rows),
        chart="stacked",
        series=(1, 2),
    )


SIGNOFF_COLUMNS = (
    ("pending", "Awaiting, on time"),
    ("delayed", "Delayed (past due)"),
    ("signed", "Signed"),
    ("objected", "Objected"),
    ("late", "Answered late"),
    ("withdrawn", "Withdrawn"),
)


def signoff_filter(state: str, today: dt.date) -> Q:
    pending = SignOff.Status.PENDING
    return {
        "pending": Q(status=pending, due_on__gte=today),
        "delayed": Q(status=pending, due_on__lt=today),
        "signed": Q(status=SignOff.Status.SIGNED),
        "objected": Q(status=SignOff.Status.OBJECTED),
        "late": Q(answered_late=True),
        "withdrawn": Q(status=SignOff.Status.WITHDRAWN),
    }[state]


def signoffs(organisation: Organisation, today: dt.date) -> Figure:
    counts = (
        SignOff.objects.filter(case__organisation=organisation)
        .values("rule", "label")
        .annotate(
            **{key: Count("pk", filter=signoff_filter(key, today)) for key, _ in SIGNOFF_COLUMNS}
        )
        .order_by("rule")
    )
    rows = [
        Row((row["label"], *(row[key] for key, _ in SIGNOFF_COLUMNS)), {"rule": row["rule"]})
        for row in counts
    ]
    delayed = sum(int(r.cells[2]) for r in rows)
    objected = sum(int(r.cells[4]) for r in rows)
    return Figure(
        key="signoffs",
        title="Sign-offs, objections and delays",
        summary=(
            f"{delayed} sign-offs overdue and {objected} objections; no measure waits for a "
            "sign-off, so each of these was in force regardless."
        ),
        columns=("Sign-off", *(label for _, label in SIGNOFF_COLUMNS)),
        rows=tuple(rows),
        chart="stacked",
        series=(1, 2, 3, 4, 6),
    )


#: (key, label, youngest day, oldest day or None): whole days since a hearing was scheduled.
HEARING_AGES = (
    ("0-14", "Scheduled 0–14 days ago", 0, 14),
    ("15-42", "Scheduled 15–42 days ago", 15, 42),
    ("43+", "Scheduled over 42 days ago", 43, None),
)


def hearing_age_filter(key: str, now: dt.datetime, prefix: str = "") -> Q:
    """Hearings (or, with ``prefix="hearing__"``, their adjournments) scheduled within the age
    bucket ``key`` (the same boundaries the figure counts)."""
    for name, _, youngest, oldest in HEARING_AGES:
        if name == key:
            condition = Q(**{f"{prefix}scheduled_at__lte": now - dt.timedelta(days=youngest)})
            if oldest is not None:
                since = now - dt.timedelta(days=oldest + 1)
                condition &= Q(**{f"{prefix}scheduled_at__gt": since})
            return condition
    raise KeyError(key)


def hearings(organisation: Organisation, now: dt.datetime) -> Figure:
    """Hearings scheduled and not yet held, by how long ago they were scheduled, and how often
    they were adjourned; then the hearings held, with theirs."""
    mine = Hearing.objects.filter(case__organisation=organisation)
    moved = Adjournment.objects.filter(hearing__case__organisation=organisation)
    pending = mine.aggregate(
        oldest=Min("scheduled_at", filter=Q(record__isnull=True)),
        held=Count("pk", filter=Q(record__isnull=False)),
        **{
            key: Count("pk", filter=Q(record__isnull=True) & hearing_age_filter(key, now))
            for key, *_ in HEARING_AGES
        },
    )
    adjourned = moved.aggregate(
        held=Count("pk", filter=Q(hearing__record__isnull=False)),
        **{
            key: Count(
                "pk",
                filter=Q(hearing__record__isnull=True) & hearing_age_filter(key, now, "hearing__"),
            )
            for key, *_ in HEARING_AGES
        },
    )
    rows = [
        Row((label, pending[key], adjourned[key]), {"state": "pending", "age": key})
        for key, label, *_ in HEARING_AGES
    ]
    rows.append(Row(("Held", pending["held"], adjourned["held"]), {"state": "held"}))
    waiting = sum(int(r.cells[1]) for r in rows[:-1])
    oldest = pending["oldest"]
    age = f", the oldest scheduled {(now - oldest).days} days ago" if oldest else ""
    return Figure(
        key="hearings",
        title="Hearings pending and adjourned",
        summary=(
            f"{waiting} hearings scheduled and not yet held{age};"
            f" {sum(int(r.cells[2]) for r in rows)} adjournments in all."
        ),
        columns=("Hearings", "Count", "Adjournments"),
        rows=tuple(rows),
        series=(1, 2),
    )


#: How a panel came to sit, as the panels figure counts them (the drill-down's ``method``).
PANEL_METHODS = (
    ("drawn", "Drawn at random by the rules"),
    ("appointed", "Appointed by name, with a reason"),
)


def panels(organisation: Organisation) -> Figure:
    """Panels constituted by the rules: how many were drawn, and how many appointed by name
    instead -- each appointment by name is an exception to the draw, with a recorded reason."""
    counts = PanelConstitution.objects.filter(case__organisation=organisation).aggregate(
        **{key: Count("pk", filter=Q(method=key)) for key, _ in PANEL_METHODS},
        cases=Count("case", distinct=True, filter=Q(method="appointed")),
    )
    rows = tuple(
        Row((label, counts[key], counts["cases"] if key == "appointed" else ""), {"method": key})
        for key, label in PANEL_METHODS
    )
    return Figure(
        key="panels",
        title="Panels drawn and appointed by name",
        summary=(
            f"{counts['drawn']} panels drawn at random; {counts['appointed']} appointed by name"
            f" instead, on {counts['cases']} cases."
        ),
        columns=("Panels", "Count", "Cases"),
        rows=rows,
        series=(1,),
    )
