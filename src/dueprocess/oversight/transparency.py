"""The public transparency report: one read model for the page, the command and the API.

For each calendar quarter (UTC) it accounts for every complaint received in the quarter —
where each one stood at the end of it (not investigated, by ground; closed after a decision, by
finding; still open, by stage) — so that the rows add up to the number received, exactly. Next
to that: acknowledgement and decision times against the rulebook's deadlines, what was decided
(by category, by outcome, against the recommendation), interim measures and their grounds,
appeals and their results, and the interference register's counts.

``build`` counts; ``publish`` applies small-number suppression (``suppression``) with the
rulebook's threshold, hiding a total everywhere it appears once it is hidden anywhere. Only
published (suppressed) figures leave through the public page and the command; the exact
counts are for oversight (through ``report_for``, which checks ``oversight.view`` and records
``oversight.viewed`` first, like every other oversight read).
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Q

from dueprocess.access.enforcement import recorded_denials
from dueprocess.access.models import EmergencyAccess
from dueprocess.accounts.models import Organisation
from dueprocess.cases.models import (
    AdviceRequest,
    Approach,
    Case,
    Decision,
    InterimMeasure,
    SignOff,
    StatusChange,
    SummaryReview,
)
from dueprocess.errors import InvalidInput
from dueprocess.lib import clock
from dueprocess.oversight.queries import _organisation, _recorded
from dueprocess.oversight.suppression import DEFAULT_THRESHOLD, Published, Shown, suppress

if TYPE_CHECKING:
    from dueprocess.accounts.models import User

_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> Quarter:
        match = _QUARTER.match(text.strip().upper())
        if not match:
            raise ValueError(f"{text!r} is not a quarter like 2026Q3")
        year = int(match.group(1))
        if not 1 <= year < 9999:  # the calendar's range, with room for the next quarter
            raise ValueError(f"{text!r} is not a quarter like 2026Q3")
        return cls(year, int(match.group(2)))

    @classmethod
    def containing(cls, moment: dt.datetime | dt.date) -> Quarter:
        return cls(moment.year, (moment.month - 1) // 3 + 1)

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def label(self) -> str:
        return f"{('Jan', 'Apr', 'Jul', 'Oct')[self.number - 1]}–" + (
            f"{('Mar', 'Jun', 'Sep', 'Dec')[self.number - 1]} {self.year}"
        )

    @property
    def start(self) -> dt.datetime:
        return dt.datetime(self.year, 3 * self.number - 2, 1, tzinfo=dt.UTC)

    @property
    def end(self) -> dt.datetime:
        return self.next().start

    @property
    def last_day(self) -> dt.date:
        return (self.end - dt.timedelta(days=1)).date()

    def next(self) -> Quarter:
        return (
            Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)
        )

    def previous(self) -> Quarter:
        return (
            Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)
        )


@dataclass(frozen=True)
class Table:
    """One list of counts that adds up to its total (the population it describes)."""

    key: str
    title: str
    population: str  # tables with the same population share their total
    total_label: str
    labels: tuple[str, ...]
    counts: tuple[int, ...]
    note: str = ""

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class Measure:
    """A median and the rulebook's deadline it is compared with (``None``: too few to show)."""

    label: str
    value: float | None
    deadline: str
    cases: int


@dataclass(frozen=True)
class Section:
    title: str
    tables: tuple[Table, ...]
    measures: tuple[Measure, ...] = ()


@dataclass(frozen=True)
class DecisionSummaryRow:
    """An approved, anonymised summary of one decision made in the quarter."""

    kind: str  # "panel" or "appeal"
    category: str  # the category's label
    outcome: str  # the finding, as the outcome table labels it
    sanctions: tuple[str, ...]  # every sanction's label, most severe first
    text: str


@dataclass(frozen=True)
class Report:
    organisation: str
    quarter: Quarter
    as_of: dt.datetime  # where each complaint stood: the end of the quarter, or now
    complete: bool  # the quarter has ended
    threshold: int
    sections: tuple[Section, ...]
    summaries: tuple[DecisionSummaryRow, ...] = ()  # approved ones only

    def tables(self) -> list[Table]:
        return [t for s in self.sections for t in s.tables]

    def table(self, key: str) -> Table:
        return next(t for t in self.tables() if t.key == key)


@dataclass(frozen=True)
class PublishedTableView:
    table: Table
    cells: tuple[Published, ...]
    total: Published


@dataclass(frozen=True)
class PublishedReport:
    report: Report
    tables: dict[str, PublishedTableView] = field(default_factory=dict)
    #: The approved summaries that may be shown beside these figures (``shown_summaries``).
    summaries: tuple[DecisionSummaryRow, ...] = ()


def threshold_of(organisation: Organisation) -> int:
    return int(organisation.rulebook.rules.suppression_threshold or DEFAULT_THRESHOLD)


# ---- counting ------------------------------------------------------------------------------


def _median(values: list[int], threshold: int) -> float | None:
    return float(statistics.median(values)) if len(values) >= max(threshold, 1) else None


def _stand_at(case_ids: list[int], as_of: dt.datetime) -> tuple[dict[int, str], dict[int, Any]]:
    """Each case's stage, and its latest decision, as at ``as_of``."""
    stages: dict[int, str] = {}
    for case_id, stage in (
        StatusChange.objects.filter(case_id__in=case_ids, at__lt=as_of)
        .order_by("at", "id")
        .values_list("case_id", "new_stage")
    ):
        stages[case_id] = stage
    decisions: dict[int, Any] = {}
    for row in (
        Decision.objects.filter(case_id__in=case_ids, decided_at__lt=as_of)
        .order_by("decided_at", "id")
        .values("case_id", "kind", "finding", "ground")
    ):
        decisions[row["case_id"]] = row
    return stages, decisions


def _intake(organisation: Organisation, quarter: Quarter, as_of: dt.datetime, k: int) -> Section:
    rules = organisation.rulebook.rules
    cohort = list(
        Case.objects.filter(
            organisation=organisation, received_at__gte=quarter.start, received_at__lt=quarter.end
        ).values("pk", "received_at", "acknowledge_by", "acknowledged_at", "stage")
    )
    ids = [c["pk"] for c in cohort]
    stages, decisions = _stand_at(ids, as_of)
    grounds = dict(rules.not_investigated_grounds)
    open_stages = [s for s in rules.stages.values() if not s.terminal]
    keys: list[tuple[str, str]] = [
        (f"ni:{g.key}", f"Not investigated: {g.label.lower()}") for g in grounds.values()
    ]
    keys += [
        ("closed:breach", "Closed after a decision: breach found"),
        ("closed:no_breach", "Closed after a decision: no breach found"),
        ("closed:other", "Closed without a recorded decision"),
    ]
    keys += [(f"open:{s.key}", f"Still open: {s.label.lower()}") for s in open_stages]
    tally: Counter[str] = Counter()
    for case in cohort:
        stage = stages.get(case["pk"], rules.initial_stage)
        latest = decisions.get(case["pk"])
        stage_rule = rules.stages.get(stage)
        if stage_rule is not None and not stage_rule.terminal:
            tally[f"open:{stage}"] += 1
        elif latest is None:
            tally["closed:other"] += 1
        elif latest["kind"] == Decision.Kind.NOT_INVESTIGATED:
            ground = latest["ground"] if latest["ground"] in grounds else ""
            tally[f"ni:{ground}" if ground else "closed:other"] += 1
        else:
            finding = "breach" if latest["finding"] == "breach" else "no_breach"
            tally[f"closed:{finding}"] += 1
    extra = sorted(set(tally) - {key for key, _ in keys})  # a stage no longer in the rulebook
    keys += [(key, f"Still open: {key.split(':', 1)[1]}") for key in extra]
    accounted = Table(
        key="intake",
        title="Every complaint received, and where it stood at the end of the quarter",
        population="received",
        total_label="Complaints received",
        labels=tuple(label for _, label in keys),
        counts=tuple(tally[key] for key, _ in keys),
    )
    # Acknowledgement against the rulebook's deadline.
    ack: Counter[str] = Counter()
    days: list[int] = []
    for case in cohort:
        acked = case["acknowledged_at"]
        if acked is not None and acked < as_of:
            days.append((acked.date() - case["received_at"].date()).days)
            ack["on_time" if acked.date() <= case["acknowledge_by"] else "late"] += 1
        elif case["acknowledge_by"] < as_of.date():
            ack["overdue"] += 1
        else:
            ack["not_due"] += 1
    ack_days = rules.deadlines.acknowledge_days
    acknowledged = Table(
        key="acknowledgement",
        title=f"Acknowledgement within the rulebook's {ack_days} days",
        population="received",
        total_label="Complaints received",
        labels=(
            "Acknowledged in time",
            "Acknowledged late",
            "Not acknowledged, past the deadline",
            "Not acknowledged, not yet due",
        ),
        counts=(ack["on_time"], ack["late"], ack["overdue"], ack["not_due"]),
    )
    measure = Measure(
        "Median days from receipt to acknowledgement",
        _median(days, k),
        f"{ack_days} days",
        len(days),
    )
    return Section("Complaints received", (accounted, acknowledged), (measure,))


def _decisions(organisation: Organisation, quarter: Quarter, k: int) -> Section:
    rules = organisation.rulebook.rules
    in_quarter = Q(
        case__organisation=organisation,
        decided_at__gte=quarter.start,
        decided_at__lt=quarter.end,
    )
    first = list(
        Decision.objects.filter(in_quarter)
        .exclude(kind=Decision.Kind.APPEAL)
        .values(
            "kind",
            "finding",
            "ground",
            "sanctions",
            "direction",
            "outside_guideline",
            "decided_at",
            "case__received_at",
            "case__feedback_by",
            "case__category",
        )
    )
    panel = [d for d in first if d["kind"] != Decision.Kind.NOT_INVESTIGATED]
    declined = [d for d in first if d["kind"] == Decision.Kind.NOT_INVESTIGATED]
    grounds = rules.not_investigated_grounds
    ground_keys = list(grounds) + sorted({d["ground"] for d in declined} - set(grounds))
    not_investigated = Table(
        key="not_investigated",
        title="Decisions not to investigate, by ground",
        population="not_investigated",
        total_label="Decisions not to investigate",
        labels=tuple(grounds[g].label if g in grounds else g or "No ground" for g in ground_keys),
        counts=tuple(sum(1 for d in declined if d["ground"] == g) for g in ground_keys),
        note="Complaints closed at intake or triage without an investigation.",
    )
    categories = list(rules.categories) + sorted(
        {d["case__category"] for d in panel} - set(rules.categories)
    )
    by_category = Table(
        key="outcome_category",
        title="Panel decisions, by category",
        population="panel",
        total_label="Panel decisions",
        labels=tuple(rules.categories[c].label if c in rules.categories else c for c in categories),
        counts=tuple(sum(1 for d in panel if d["case__category"] == c) for c in categories),
    )
    outcomes = _outcomes(organisation)
    tally = Counter(_outcome(organisation, d) for d in panel)
    by_sanction = Table(
        key="outcome_sanction",
        title="Panel decisions, by outcome (the most severe sanction)",
        population="panel",
        total_label="Panel decisions",
        labels=tuple(label for _, label in outcomes),
        counts=tuple(tally[key] for key, _ in outcomes),
    )
    directions = [
        (Decision.Direction.NONE, "Followed the recommendation"),
        (Decision.Direction.DOWNGRADE, "Lighter than recommended"),
        (Decision.Direction.UPGRADE, "Harsher than recommended"),
        (Decision.Direction.DIFFERENT, "Different, same severity"),
    ]
    departures = Table(
        key="departures",
        title="Panel decisions against the recommendation, by direction",
        population="panel",
        total_label="Panel decisions",
        labels=tuple(label for _, label in directions),
        counts=tuple(sum(1 for d in panel if d["direction"] == key) for key, _ in directions),
        note="Every departure has written reasons.",
    )
    guideline = Table(
        key="guideline",
        title="Panel decisions against the guideline range",
        population="panel",
        total_label="Panel decisions",
        labels=("Within the guideline range", "Outside the guideline range"),
        counts=(
            sum(1 for d in panel if not d["outside_guideline"]),
            sum(1 for d in panel if d["outside_guideline"]),
        ),
    )
    timely = Table(
        key="decision_times",
        title=(
            f"Decisions (panel, or not to investigate) against the "
            f"{rules.deadlines.feedback_months}-month feedback date"
        ),
        population="first_decisions",
        total_label="Decisions",
        labels=("By the feedback date", "After the feedback date"),
        counts=(
            sum(1 for d in first if d["decided_at"].date() <= d["case__feedback_by"]),
            sum(1 for d in first if d["decided_at"].date() > d["case__feedback_by"]),
        ),
    )
    spans = [(d["decided_at"] - d["case__received_at"]).days for d in panel]
    measures = (
        Measure(
            "Median days from receipt to a panel decision",
            _median(spans, k),
            f"{rules.deadlines.feedback_months} months",
            len(spans),
        ),
    )
    return Section(
        "Decisions made in the quarter",
        (not_investigated, by_category, by_sanction, departures, guideline, timely),
        measures,
    )


def _outcomes(organisation: Organisation) -> list[tuple[str, str]]:
    """The outcome table's rows: no breach, each sanction on the ladder, breach and none."""
    ladder = organisation.rulebook.rules.ladder()
    outcomes = [("no_breach", "No breach found")]
    outcomes += [(s.key, f"Breach: {s.label.lower()}") for s in ladder]
    return [*outcomes, ("none", "Breach: no sanction")]


def _outcome(organisation: Organisation, decision: Any) -> str:
    """A decision's outcome: no breach, or the most severe sanction (``none`` if none)."""
    if decision["finding"] != "breach":
        return "no_breach"
    ladder = organisation.rulebook.rules.ladder()
    ranked = [s for s in ladder if s.key in (decision["sanctions"] or [])]
    return ranked[-1].key if ranked else "none"


def _summaries(organisation: Organisation, quarter: Quarter) -> tuple[DecisionSummaryRow, ...]:
    """The approved summaries of the decisions on the merits made in ``quarter``, by category
    then date. Only an approved version is ever read here."""
    rules = organisation.rulebook.rules
    labels = dict(_outcomes(organisation))
    rows = (
        SummaryReview.objects.filter(
            verdict=SummaryReview.Verdict.APPROVED,
            summary__case__organisation=organisation,
            summary__decision__decided_at__gte=quarter.start,
            summary__decision__decided_at__lt=quarter.end,
        )
        .order_by("summary__case__category", "summary__decision__decided_at", "summary__pk")
        .values(
            "summary__text",
            "summary__case__category",
            "summary__decision__kind",
            "summary__decision__finding",
            "summary__decision__sanctions",
        )
    )
    found = []
    for row in rows:
        category = row["summary__case__category"]
        chosen = row["summary__decision__sanctions"] or []
        decision = {"finding": row["summary__decision__finding"], "sanctions": chosen}
        ranked = sorted(
            (s for s in chosen if s in rules.sanctions),
            key=lambda key: (not rules.sanctions[key].combinable, rules.sanctions[key].severity),
            reverse=True,
        )
        found.append(
            DecisionSummaryRow(
                kind=str(row["summary__decision__kind"]),
                category=rules.categories[category].label
                if category in rules.categories
                else category,
                outcome=labels[_outcome(organisation, decision)],
                sanctions=tuple(rules.sanctions[s].label for s in ranked),
                text=row["summary__text"],
            )
        )
    return tuple(found)


def _appeals(organisation: Organisation, quarter: Quarter) -> Section:
    rules = organisation.rulebook.rules
    appeals = list(
        Decision.objects.filter(
            case__organisation=organisation,
            kind=Decision.Kind.APPEAL,
            decided_at__gte=quarter.start,
            decided_at__lt=quarter.end,
        ).values("case_id", "finding", "sanctions", "decided_at")
    )
    earlier: dict[int, list[Any]] = {}
    for row in (
        Decision.objects.filter(case_id__in={a["case_id"] for a in appeals})
        .exclude(kind=Decision.Kind.NOT_INVESTIGATED)
        .order_by("decided_at", "id")
        .values("case_id", "finding", "sanctions", "decided_at")
    ):
        earlier.setdefault(row["case_id"], []).append(row)
    results: Counter[str] = Counter()
    for appeal in appeals:
        before = [
            d for d in earlier.get(appeal["case_id"], []) if d["decided_at"] < appeal["decided_at"]
        ]
        if not before:
            results["changed"] += 1
            continue
        previous = before[-1]
        if previous["finding"] != appeal["finding"]:
            results["finding"] += 1
            continue
        was = rules.severity([s for s in previous["sanctions"] if s in rules.sanctions])
        now = rules.severity([s for s in appeal["sanctions"] if s in rules.sanctions])
        if sorted(previous["sanctions"]) == sorted(appeal["sanctions"]):
            results["upheld"] += 1
        else:
            results["lighter" if now < was else "harsher" if now > was else "changed"] += 1
    # A challenge: a step from after a decision back to a decision stage (an appeal, a hearing).
    phase = {key: stage.phase for key, stage in rules.stages.items()}
    challenges = [
        t.key
        for t in rules.transitions.values()
        if phase.get(t.target) == "decision"
        and all(phase.get(source) == "after_decision" for source in t.sources)
    ]
    lodged = StatusChange.objects.filter(
        case__organisation=organisation,
        transition__in=challenges,
        at__gte=quarter.start,
        at__lt=quarter.end,
    ).count()
    outcome = Table(
        key="appeals",
        title="Decisions on appeal or rehearing made in the quarter, by result",
        population="appeals",
        total_label="Decisions on appeal or rehearing",
        labels=(
            "Decision upheld",
            "Finding changed",
            "Lighter sanction",
            "Harsher sanction",
            "Sanction changed, same severity",
        ),
        counts=tuple(
            results[key] for key in ("upheld", "finding", "lighter", "harsher", "changed")
        ),
    )
    lodged_table = Table(
        key="appeals_lodged",
        title="Appeals lodged and hearings requested after a decision, in the quarter",
        population="appeals_lodged",
        total_label="Challenges to a decision",
        labels=("Appeals lodged or hearings requested",),
        counts=(lodged,),
    )
    return Section("Appeals", (lodged_table, outcome))


def _interim(organisation: Organisation, quarter: Quarter) -> Section:
    rules = organisation.rulebook.rules
    imposed = list(
        InterimMeasure.objects.filter(
            case__organisation=organisation,
            imposed_at__gte=quarter.start,
            imposed_at__lt=quarter.end,
        ).values_list("kind", "ground")
    )
    keys: list[tuple[tuple[str, str], str]] = []
    for kind in rules.interim_measures.values():
        keys += [((kind.key, g.key), f"{kind.label}: {g.label.lower()}") for g in kind.grounds]
    known = {key for key, _ in keys}
    keys += [(key, f"{key[0]}: {key[1]}") for key in sorted(set(imposed) - known)]
    tally = Counter(imposed)
    table = Table(
        key="interim",
        title="Interim measures imposed in the quarter, by ground",
        population="interim",
        total_label="Interim measures imposed",
        labels=tuple(label for _, label in keys),
        counts=tuple(tally[key] for key, _ in keys),
    )
    return Section("Interim measures", (table,))


def _register(organisation: Organisation, quarter: Quarter) -> Section:
    span = {"case__organisation": organisation}
    approaches = Counter(
        Approach.objects.filter(
            occurred_at__gte=quarter.start, occurred_at__lt=quarter.end, **span
        ).values_list("from_political_office", "direction")
    )
    directions = list(Approach.Direction.choices)
    labels, counts = [], []
    for flag, origin in ((True, "From the political office"), (False, "From others")):
        for way, way_label in directions:
            labels.append(f"{origin}, {str(way_label).lower()}")
            counts.append(approaches[(flag, str(way))])
    approach_table = Table(
        key="approaches",
        title="Approaches about a case from outside the case team, by origin and direction",
        population="approaches",
        total_label="Approaches logged",
        labels=tuple(labels),
        counts=tuple(counts),
    )
    advice = AdviceRequest.objects.filter(
        requested_at__gte=quarter.start, requested_at__lt=quarter.end, **span
    )
    advice_table = Table(
        key="advice",
        title="Advice requests made in the quarter",
        population="advice",
        total_label="Advice requests",
        labels=("Answered", "Not answered"),
        counts=(
            advice.filter(answered_at__isnull=False).count(),
            advice.filter(answered_at__isnull=True).count(),
        ),
    )
    emergency = EmergencyAccess.objects.filter(
        requested_at__gte=quarter.start, requested_at__lt=quarter.end, **span
    )
    approved = emergency.filter(approved_at__isnull=False).count()
    refused = emergency.filter(refused_at__isnull=False, approved_at__isnull=True).count()
    emergency_table = Table(
        key="emergency",
        title="Emergency access requested in the quarter",
        population="emergency",
        total_label="Emergency access requests",
        labels=("Approved by a second person", "Refused", "Neither (withdrawn or lapsed)"),
        counts=(approved, refused, emergency.count() - approved - refused),
    )
    signoffs = Counter(
        SignOff.objects.filter(
            requested_at__gte=quarter.start, requested_at__lt=quarter.end, **span
        ).values_list("status", flat=True)
    )
    signoff_table = Table(
        key="signoffs",
        title="Sign-offs asked for in the quarter (e.g. the leader's, to suspend), by answer",
        population="signoffs",
        total_label="Sign-offs asked for",
        labels=tuple(str(label) for _, label in SignOff.Status.choices),
        counts=tuple(signoffs[str(key)] for key, _ in SignOff.Status.choices),
    )
    return Section(
        "The interference register",
        (approach_table, advice_table, emergency_table, signoff_table),
    )


def build(
    organisation: Organisation, quarter: Quarter, *, now: dt.datetime | None = None
) -> Report:
    """The exact counts for ``quarter`` (not for publication as they are: see ``publish``)."""
    moment = now or clock.now()
    if quarter.start > moment:
        raise ValueError(f"{quarter} has not begun")
    as_of = min(quarter.end, moment)
    k = threshold_of(organisation)
    return Report(
        organisation=organisation.name,
        quarter=quarter,
        as_of=as_of,
        complete=quarter.end <= moment,
        threshold=k,
        sections=(
            _intake(organisation, quarter, as_of, k),
            _decisions(organisation, quarter, k),
            _interim(organisation, quarter),
            _appeals(organisation, quarter),
            _register(organisation, quarter),
        ),
        summaries=_summaries(organisation, quarter),
    )


def publish(report: Report) -> PublishedReport:
    """Suppress small numbers; a total hidden in one table is hidden in every table sharing it."""
    hidden: set[str] = set()
    while True:
        views = {}
        for table in report.tables():
            published = suppress(
                table.counts, report.threshold, hide_total=table.population in hidden
            )
            views[table.key] = PublishedTableView(table, published.cells, published.total)
        now_hidden = {
            v.table.population for v in views.values() if v.total.state is Shown.SECONDARY
        }
        if now_hidden <= hidden:
            return PublishedReport(
                report=report, tables=views, summaries=shown_summaries(report, views)
            )
        hidden |= now_hidden


def shown_summaries(
    report: Report, views: dict[str, PublishedTableView]
) -> tuple[DecisionSummaryRow, ...]:
    """The approved summaries that tell a reader nothing the published figures hide.

    A summary is one case, so showing it says "at least one" of its category and its outcome.
    It is shown only where the figures say as much already: a panel decision's summary when
    its category's and its outcome's counts are both shown exactly (so at least the threshold,
    or else zero, which a summary cannot be); an appeal's when the appeals' total is shown
    exactly. Otherwise it is held back, with nothing said about how many were."""

    def exact(key: str, label: str) -> bool:
        view = views.get(key)
        if view is None or label not in view.table.labels:
            return False
        return view.cells[view.table.labels.index(label)].state is Shown.EXACT

    shown = []
    for row in report.summaries:
        if row.kind == Decision.Kind.APPEAL:
            appeals = views.get("appeals")
            visible = appeals is not None and appeals.total.state is Shown.EXACT
        else:
            visible = exact("outcome_category", row.category) and exact(
                "outcome_sanction", row.outcome
            )
        if visible:
            shown.append(row)
    return tuple(shown)


def quarters_with_data(
    organisation: Organisation, *, now: dt.datetime | None = None
) -> list[Quarter]:
    """Every quarter from the first complaint received to the current one, newest first."""
    moment = now or clock.now()
    first = (
        Case.objects.filter(organisation=organisation)
        .order_by("received_at")
        .values_list("received_at", flat=True)[:1]
    )
    current = Quarter.containing(moment)
    quarter = Quarter.containing(first[0]) if first else current
    found = []
    while quarter <= current:
        found.append(quarter)
        quarter = quarter.next()
    return found[::-1]


def latest_complete(organisation: Organisation, *, now: dt.datetime | None = None) -> Quarter:
    moment = now or clock.now()
    return Quarter.containing(moment).previous()


def unsuppressed(report: Report) -> PublishedReport:
    """The same shape as ``publish``, with every count shown (for oversight only)."""
    views = {
        t.key: PublishedTableView(
            t, tuple(Published(Shown.EXACT, c) for c in t.counts), Published(Shown.EXACT, t.total)
        )
        for t in report.tables()
    }
    return PublishedReport(report=report, tables=views, summaries=report.summaries)


@recorded_denials
def report_for(actor: User, quarter: Quarter) -> Report:
    """The exact counts, for those who may see oversight figures (recorded before returned)."""
    organisation = _organisation(actor)
    try:
        report = build(organisation, quarter)
    except ValueError as error:
        raise InvalidInput(str(error), fields={"quarter": str(error)}) from None
    _recorded(actor, ["transparency"], quarter=str(quarter))
    return report
