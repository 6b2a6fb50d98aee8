"""Every oversight read. Each checks ``oversight.view`` first and records ``oversight.viewed``
before it returns anything, like every other read of the system.

Figures are aggregates of one organisation and contain no case data. The only way from a
figure to cases is ``figure_cases_for``, which also needs ``case.list`` and starts from
``visible_cases`` — so oversight, which may not open files, sees counts and nothing else.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Count

from dueprocess.access.enforcement import recorded_denials
from dueprocess.access.rules import can, require, visible_cases
from dueprocess.accounts.models import Organisation
from dueprocess.cases.models import Case
from dueprocess.errors import Forbidden, NotFound
from dueprocess.ledger.record import record
from dueprocess.lib import clock
from dueprocess.oversight import appeal_figures as rv
from dueprocess.oversight import casework_figures as cw
from dueprocess.oversight import channel_figures as ch
from dueprocess.oversight import consistency as co
from dueprocess.oversight import decision_figures as df
from dueprocess.oversight import review_figures as rf
from dueprocess.oversight.alerts import alerts_refresh, repeated_denials
from dueprocess.oversight.drilldown import cases_behind
from dueprocess.oversight.figure import Figure, Row
from dueprocess.oversight.models import Alert

if TYPE_CHECKING:
    from dueprocess.accounts.models import User

Builder = Callable[[Organisation, dt.datetime], Figure]

FIGURES: dict[str, Builder] = {
    "backlog": lambda org, now: cw.backlog(org, now),
    "deadlines": lambda org, now: cw.deadline_breaches(org, now.date()),
    "decisions": lambda org, now: df.decisions(org),
    "deciders": lambda org, now: df.deciders(org),
    "not_investigated": lambda org, now: df.not_investigated(org, now.date()),
    "interim": lambda org, now: cw.interim_measures(org, now.date()),
    "signoffs": lambda org, now: cw.signoffs(org, now.date()),
    "hearings": lambda org, now: cw.hearings(org, now),
    "panels": lambda org, now: cw.panels(org),
    "reviews": lambda org, now: rf.reviews(org, now),
    "appointments": lambda org, now: rv.appointments(org),
    "appeals": lambda org, now: rv.appeals(org),
    "channels": lambda org, now: ch.channels_over_time(org, now.date()),
    "register": lambda org, now: ch.channel_totals(org),
    "consistency": lambda org, now: co.consistency(org),
    "outliers": lambda org, now: co.outliers_figure(org),
    "alerts": lambda org, now: alerts_figure(org),
}
ALERT_LIST_LIMIT = 100
CASE_LIST_LIMIT = 200


def _organisation(actor: User) -> Organisation:
    require(actor, "oversight.view")
    if actor.organisation is None:
        raise Forbidden("You are not part of an organisation.")
    return actor.organisation


def _recorded(actor: User, figures: list[str], **details: object) -> None:
    """The ``oversight.viewed`` entry, committed before anything is returned."""
    with transaction.atomic():
        record(
            actor=actor,
            action="oversight.viewed",
            role=can(actor, "oversight.view").role,
            details={"figures": figures, **details},
        )


def alerts_figure(organisation: Organisation) -> Figure:
    counts = dict(
        Alert.objects.filter(organisation=organisation)
        .values("rule")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("rule", "n")
    )
    rows = tuple(Row((label, counts.get(str(key), 0))) for key, label in Alert.Rule.choices)
    return Figure(
        key="alerts",
        title="Alerts raised, by rule",
        summary=f"{sum(counts.values())} alerts raised since records began.",
        columns=("Rule", "Alerts"),
        rows=rows,
        listable=False,
    )


@recorded_denials
def figure_for(actor: User, key: str) -> Figure:
    """One figure by key (what the CSV export and a single chart use)."""
    organisation = _organisation(actor)
    build = FIGURES.get(key)
    if build is None:
        raise NotFound("There is no such figure.")
    if key == "alerts":
        alerts_refresh(organisation)
    figure = build(organisation, clock.now())
    _recorded(actor, [key])
    return figure


@dataclass(frozen=True)
class AlertItem:
    alert: Alert
    case_reference: str  # only when the viewer may open the case; '' otherwise
    summary: str = ""  # what the alert says now (a count of refusals keeps growing)


def current_summaries(organisation: Organisation, alerts: list[Alert]) -> dict[int, str]:
    """What each alert says now. An alert is stored once, as raised, and never changed; but a
    count of refusals goes on growing after it is raised, so the words shown are those of the
    rule run now (the stored words for an alert whose pattern no longer matches)."""
    now: dict[tuple[str, str], str] = {}
    if any(alert.rule == Alert.Rule.REPEATED_DENIALS for alert in alerts):
        now = {(f.rule, f.subject): f.summary for f in repeated_denials(organisation)}
    return {alert.pk: now.get((alert.rule, alert.subject), alert.summary) for alert in alerts}


def _alert_items(actor: User, organisation: Organisation) -> list[AlertItem]:
    alerts = list(
        Alert.objects.filter(organisation=organisation).select_related("person")[:ALERT_LIST_LIMIT]
    )
    case_ids = {a.case_id for a in alerts if a.case_id}
    references = dict(visible_cases(actor).filter(pk__in=case_ids).values_list("pk", "reference"))
    summaries = current_summaries(organisation, alerts)
    return [AlertItem(a, references.get(a.case_id or 0, ""), summaries[a.pk]) for a in alerts]


@recorded_denials
def alerts_for(actor: User) -> list[AlertItem]:
    """The latest alerts (after running the rules), with case links for those entitled."""
    organisation = _organisation(actor)
    alerts_refresh(organisation)
    items = _alert_items(actor, organisation)
    _recorded(actor, ["alert_list"], shown=[i.alert.pk for i in items])
    return items


@dataclass(frozen=True)
class Dashboard:
    figures: dict[str, Figure]
    alerts: list[AlertItem]
    may_list_cases: bool
    generated_at: dt.datetime


@recorded_denials
def dashboard_for(actor: User) -> Dashboard:
    """Every figure, and the alerts, in one look (recorded once, naming the figures shown)."""
    organisation = _organisation(actor)
    alerts_refresh(organisation)
    now = clock.now()
    figures = {key: build(organisation, now) for key, build in FIGURES.items()}
    items = _alert_items(actor, organisation)
    _recorded(actor, list(figures), alerts=[i.alert.pk for i in items])
    return Dashboard(
        figures=figures,
        alerts=items,
        may_list_cases=can(actor, "case.list").allowed,
        generated_at=now,
    )


@dataclass(frozen=True)
class FigureCases:
    figure: str
    filters: dict[str, str]
    cases: list[Case]
    total: int


@recorded_denials
def figure_cases_for(actor: User, key: str, params: Mapping[str, str]) -> FigureCases:
    """The cases behind one row of a figure — only those ``actor`` may open anyway."""
    organisation = _organisation(actor)
    require(actor, "case.list")
    condition = cases_behind(key, organisation, params, clock.now())
    cases = visible_cases(actor).filter(condition).select_related("unit", "rulebook")
    total = cases.count()
    shown = list(cases.order_by("received_at", "pk")[:CASE_LIST_LIMIT])
    filters = {k: str(v)[:60] for k, v in params.items()}
    with transaction.atomic():
        record(
            actor=actor,
            action="case_list.viewed",
            details={
                "figure": key,
                "filters": filters,
                "shown": [c.reference for c in shown],
            },
        )
    return FigureCases(figure=key, filters=filters, cases=shown, total=total)
