"""The cases behind a figure: each figure's row filters, turned into a filter on ``Case``.

The filter only narrows; the list always starts from ``access.rules.visible_cases``, so a
figure can point at cases but never show anyone a case they could not open anyway. Filters
come from URLs, so every value is checked and a bad one is a clear error, never a 500.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from typing import Any

from django.db.models import Exists, OuterRef, Q

from dueprocess.accounts.models import Organisation
from dueprocess.cases.models import (
    Appeal,
    Decision,
    Hearing,
    InterimMeasure,
    PanelConstitution,
    Review,
    SignOff,
)
from dueprocess.errors import InvalidInput, NotFound
from dueprocess.oversight import appeal_figures as rv
from dueprocess.oversight import casework_figures as cw
from dueprocess.oversight import channel_figures as ch
from dueprocess.oversight import consistency as co
from dueprocess.oversight import decision_figures as df
from dueprocess.oversight import review_figures as rf

_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")

Params = Mapping[str, str]


def _choice(params: Params, name: str, allowed: object, *, required: bool = False) -> str:
    value = params.get(name, "")
    if not value and not required:
        return ""
    if value not in allowed:  # type: ignore[operator]
        raise InvalidInput(
            f"Unknown {name} {value[:40]!r}.", fields={name: "Not one of the options."}
        )
    return value


def _number(params: Params, name: str) -> int:
    value = params.get(name, "")
    if not value.isdigit() or len(value) > 18:
        raise InvalidInput(f"{name} must be a number.", fields={name: "Not a number."})
    return int(value)


def _backlog(org: Organisation, params: Params, now: dt.datetime) -> Q:
    condition = cw.open_cases(org)
    stage = _choice(params, "stage", org.rulebook.rules.stages)
    if stage:
        condition &= Q(stage=stage)
    age = _choice(params, "age", [b[0] for b in cw.AGE_BUCKETS])
    if age:
        condition &= cw.age_bucket_filter(age, now)
    return condition


def _deadlines(org: Organisation, params: Params, now: dt.datetime) -> Q:
    kind = _choice(params, "kind", ("ack", "feedback", "stage"), required=True)
    today = now.date()
    condition = cw.open_cases(org)
    if kind == "ack":
        return condition & Q(acknowledged_at__isnull=True, acknowledge_by__lt=today)
    if kind == "feedback":
        return condition & Q(feedback_by__lt=today)
    stage = _choice(params, "stage", org.rulebook.rules.stages)
    condition &= Q(stage_due_on__lt=today)
    return condition & Q(stage=stage) if stage else condition


def _decisions(org: Organisation, params: Params, now: dt.datetime) -> Q:
    keys = [str(k) for k, _ in df.DIRECTIONS] + ["outside", "departs"]
    direction = _choice(params, "direction", keys, required=True)
    made = Decision.objects.filter(df.decided(org), df.decision_filter(direction))
    return Q(Exists(made.filter(case=OuterRef("pk"))))


def _deciders(org: Organisation, params: Params, now: dt.datetime) -> Q:
    member = _number(params, "member")
    made = Decision.objects.filter(df.decided(org), panel__id=member, departs=True)
    return Q(Exists(made.filter(case=OuterRef("pk"))))


def _interim(org: Organisation, params: Params, now: dt.datetime) -> Q:
    kinds = org.rulebook.rules.interim_measures
    kind = _choice(params, "kind", kinds, required=True)
    ground = _choice(params, "ground", [g.key for g in kinds[kind].grounds])
    measures = InterimMeasure.objects.filter(case=OuterRef("pk"), kind=kind)
    if ground:
        measures = measures.filter(ground=ground)
    return Q(organisation=org) & Q(Exists(measures))


def _hearings(org: Organisation, params: Params, now: dt.datetime) -> Q:
    state = _choice(params, "state", ("pending", "held"), required=True)
    found = Hearing.objects.filter(case=OuterRef("pk"), record__isnull=state == "pending")
    if state == "pending":
        age = _choice(params, "age", [b[0] for b in cw.HEARING_AGES])
        if age:
            found = found.filter(cw.hearing_age_filter(age, now))
    return Q(organisation=org) & Q(Exists(found))


def _reviews(org: Organisation, params: Params, now: dt.datetime) -> Q:
    state = _choice(params, "state", rf.STATES, required=True)
    found = Review.objects.filter(case=OuterRef("pk")).filter(rf.review_state_filter(state))
    if state == "pending":
        age = _choice(params, "age", [b[0] for b in rf.REVIEW_AGES])
        if age:
            found = found.filter(rf.review_age_filter(age, now))
    return Q(organisation=org) & Q(Exists(found))


def _panels(org: Organisation, params: Params, now: dt.datetime) -> Q:
    method = _choice(params, "method", [key for key, _ in cw.PANEL_METHODS], required=True)
    found = PanelConstitution.objects.filter(case=OuterRef("pk"), method=method)
    return Q(organisation=org) & Q(Exists(found))


def _appeals(org: Organisation, params: Params, now: dt.datetime) -> Q:
    state = _choice(params, "state", [key for key, *_ in rv.APPEAL_STATES], required=True)
    found = Appeal.objects.filter(rv.appeal_filter(state), case=OuterRef("pk"))
    return Q(organisation=org) & Q(Exists(found))


def _appointments(org: Organisation, params: Params, now: dt.datetime) -> Q:
    appointed = PanelConstitution.objects.filter(case__organisation=org, method="appointed")
    stages = set(appointed.values_list("stage", flat=True))
    stage = _choice(params, "stage", stages, required=True)
    found = appointed.filter(case=OuterRef("pk"), stage=stage)
    return Q(organisation=org) & Q(Exists(found))


def _signoffs(org: Organisation, params: Params, now: dt.datetime) -> Q:
    rule = _choice(params, "rule", org.rulebook.rules.sign_offs, required=True)
    state = _choice(params, "state", [key for key, _ in cw.SIGNOFF_COLUMNS])
    signoffs = SignOff.objects.filter(case=OuterRef("pk"), rule=rule)
    if state:
        signoffs = signoffs.filter(cw.signoff_filter(state, now.date()))
    return Q(organisation=org) & Q(Exists(signoffs))


def _channels(org: Organisation, params: Params, now: dt.datetime) -> Q:
    """Cases with a contact of one series (or any, when none is named), optionally in a month."""
    chosen = _choice(params, "series", ch.SERIES)
    month = params.get("month", "")
    if month and not _MONTH.match(month):
        raise InvalidInput("month must look like 2026-03.", fields={"month": "YYYY-MM."})
    state = _choice(params, "state", ch.SERIES_STATES.get(chosen, ()))
    condition = Q(pk__in=[])
    for series in [chosen] if chosen else list(ch.SERIES):
        rows = ch.series_rows(series, org).filter(case=OuterRef("pk"))
        if month:
            field = ch.SERIES[series][2]
            start = dt.datetime.fromisoformat(f"{month}-01T00:00:00+00:00")
            end = (start + dt.timedelta(days=32)).replace(day=1)
            rows = rows.filter(**{f"{field}__gte": start, f"{field}__lt": end})
        if state:
            rows = rows.filter(ch.STATES[state])
        condition |= Q(Exists(rows))
    return condition


def _consistency(org: Organisation, params: Params, now: dt.datetime) -> Q:
    category = _choice(params, "category", org.rulebook.rules.categories, required=True)
    decided = co.latest_breach_decisions(org).filter(case=OuterRef("pk"))
    return Q(category=category) & Q(Exists(decided))


def _outliers(org: Organisation, params: Params, now: dt.datetime) -> Q:
    """The cases behind one row of the outliers figure: a category and a most severe sanction
    (``sanction`` empty: none of the ranked ones)."""
    rules = org.rulebook.rules
    decisions: Any = co.latest_breach_decisions(org)  # ``severity`` is an annotation
    flagged = decisions.filter(co.outlier_filter(co.spreads(org)))
    category = _choice(params, "category", rules.categories)
    if category:
        flagged = flagged.filter(case__category=category)
    if "sanction" in params:
        ladder = {s.key: s.severity for s in rules.ladder()}
        sanction = _choice(params, "sanction", ladder)
        flagged = flagged.filter(severity=ladder[sanction] if sanction else 0)
    return Q(Exists(flagged.filter(case=OuterRef("pk"))))


FILTERS: dict[str, Callable[[Organisation, Params, dt.datetime], Q]] = {
    "backlog": _backlog,
    "deadlines": _deadlines,
    "decisions": _decisions,
    "deciders": _deciders,
    "interim": _interim,
    "signoffs": _signoffs,
    "hearings": _hearings,
    "panels": _panels,
    "reviews": _reviews,
    "appeals": _appeals,
    "appointments": _appointments,
    "channels": _channels,
    "register": _channels,
    "consistency": _consistency,
    "outliers": _outliers,
}


def cases_behind(figure: str, organisation: Organisation, params: Params, now: dt.datetime) -> Q:
    """The ``Case`` filter for one row of ``figure`` (validated), or ``NotFound``."""
    build = FILTERS.get(figure)
    if build is None:
        raise NotFound("There is no such figure.")
    return build(organisation, params, now)
