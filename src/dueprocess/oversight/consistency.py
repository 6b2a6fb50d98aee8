"""Sanction consistency: for each category, how severe the outcomes of comparable cases were.

Comparable means same category and same finding (a breach); each case counts once, by its
latest decision. The spread is counted in the database by ladder severity. Outliers are the
decisions below or above the middle 80% of their category's spread (once there are enough
decisions for a spread to mean anything) and every decision outside the guideline range —
each already carries written reasons, and this is where someone reads them side by side.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Case as SqlCase
from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast
from django.db.models.lookups import Contains

from dueprocess.accounts.models import Organisation
from dueprocess.cases.models import Decision
from dueprocess.oversight.figure import Figure, Row
from dueprocess.rulebook.schema import Rulebook

#: Fewer decisions than this in a category and its "middle 80%" would be noise.
MIN_FOR_SPREAD = 10
OUTLIER_LIMIT = 200


def severity_expression(rules: Rulebook) -> SqlCase:
    """A decision's severity (its most severe ranked sanction), computed in SQL.

    Sanctions are stored as a JSON list of keys; matching the quoted key in its text form works
    on both databases and cannot confuse ``suspension`` with ``administrative_suspension``.
    """
    text = Cast("sanctions", TextField())
    ladder = sorted(rules.ladder(), key=lambda s: -s.severity)
    whens = [When(Contains(text, f'"{s.key}"'), then=Value(s.severity)) for s in ladder]
    return SqlCase(*whens, default=Value(0), output_field=IntegerField())


def latest_breach_decisions(organisation: Organisation) -> QuerySet[Decision]:
    """Each case's latest panel or appeal decision, where it found a breach."""
    later = Decision.objects.filter(case=OuterRef("case"), decided_at__gt=OuterRef("decided_at"))
    rules = organisation.rulebook.rules
    return (
        Decision.objects.filter(case__organisation=organisation, finding="breach")
        .exclude(kind=Decision.Kind.NOT_INVESTIGATED)
        .exclude(Exists(later))
        .annotate(severity=severity_expression(rules))
    )


@dataclass(frozen=True)
class Spread:
    category: str
    counts: dict[int, int]  # severity -> decisions

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def percentile(self, share: float) -> int:
        """The smallest severity at or below which ``share`` of decisions fall."""
        needed, seen = share * self.total, 0
        for severity in sorted(self.counts):
            seen += self.counts[severity]
            if seen >= needed:
                return severity
        return max(self.counts, default=0)

    @property
    def middle(self) -> tuple[int, int] | None:
        if self.total < MIN_FOR_SPREAD:
            return None
        return self.percentile(0.1), self.percentile(0.9)


def spreads(organisation: Organisation) -> dict[str, Spread]:
    decisions: Any = latest_breach_decisions(organisation)  # ``severity`` is an annotation
    counts = decisions.values("case__category", "severity").annotate(n=Count("pk")).order_by()
    result: dict[str, Spread] = {}
    for row in counts:
        spread = result.setdefault(row["case__category"], Spread(row["case__category"], {}))
        spread.counts[row["severity"]] = spread.counts.get(row["severity"], 0) + row["n"]
    return result


def outlier_filter(spread: dict[str, Spread]) -> Q:
    """Outside the middle 80% of its own category, or outside the guideline."""
    condition = Q(outside_guideline=True)
    for category, one in spread.items():
        middle = one.middle
        if middle is None:
            continue
        low, high = middle
        beyond = Q(severity__lt=low) | Q(severity__gt=high)
        condition |= Q(case__category=category) & beyond
    return condition


def band_label(rules: Rulebook, band: tuple[int, int] | None) -> str:
    if band is None:
        return "too few to say"
    names = {s.severity: s.label for s in rules.ladder()}
    low, high = (names.get(b, str(b)) for b in band)
    return low if low == high else f"{low} – {high}"


def guideline_label(rules: Rulebook, category: str) -> str:
    guide = rules.categories[category]
    low, high = rules.sanctions[guide.guideline_min], rules.sanctions[guide.guideline_max]
    return f"{low.label} – {high.label}"


def consistency(organisation: Organisation) -> Figure:
    rules = organisation.rulebook.rules
    ladder = rules.ladder()
    by_category = spreads(organisation)
    outliers = dict(
        latest_breach_decisions(organisation)
        .filter(outlier_filter(by_category))
        .values("case__category")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("case__category", "n")
    )
    rows = []
    for key, category in rules.categories.items():
        spread = by_category.get(key, Spread(key, {}))
        rows.append(
            Row(
                (
                    category.label,
                    *(spread.counts.get(s.severity, 0) for s in ladder),
                    spread.total,
                    guideline_label(rules, key),
                    band_label(rules, spread.middle),
                    outliers.get(key, 0),
                ),
                {"category": key},
            )
        )
    n = len(ladder)
    return Figure(
        key="consistency",
        title="Sanction consistency by category",
        summary=(
            "For each category, how many breach decisions ended at each step of the sanctions "
            f"ladder; {sum(outliers.values())} decisions are flagged as outliers."
        ),
        columns=(
            "Category",
            *(s.label for s in ladder),
            "Decisions",
            "Guideline",
            "Middle 80%",
            "Outliers",
        ),
        rows=tuple(rows),
        chart="stacked",
        series=tuple(range(1, n + 1)),
        notes=(f"The middle 80% is shown once a category has {MIN_FOR_SPREAD} or more decisions.",),
    )


@dataclass(frozen=True)
class Outlier:
    decision_id: int
    case_id: int
    category: str
    sanctions: str
    guideline: str
    band: str
    why: str
    decided_on: str
    panel: str


def outliers(organisation: Organisation) -> list[Outlier]:
    """The flagged decisions themselves (at most ``OUTLIER_LIMIT``), most recent first."""
    rules = organisation.rulebook.rules
    by_category = spreads(organisation)
    rows = (
        latest_breach_decisions(organisation)
        .filter(outlier_filter(by_category))
        .select_related("case")
        .prefetch_related("panel")
        .order_by("-decided_at", "-pk")[:OUTLIER_LIMIT]
    )
    found = []
    for decision in rows:
        category = decision.case.category
        spread = by_category.get(category, Spread(category, {}))
        found.append(
            Outlier(
                decision_id=decision.pk,
                case_id=decision.case_id,
                category=rules.categories[category].label
                if category in rules.categories
                else category,
                sanctions=", ".join(
                    rules.sanctions[k].label if k in rules.sanctions else k
                    for k in decision.sanctions
                ),
                guideline=guideline_label(rules, category) if category in rules.categories else "",
                band=band_label(rules, spread.middle),
                why=_why(decision, spread),
                decided_on=f"{decision.decided_at:%d %b %Y}",
                panel=", ".join(sorted(str(u) for u in decision.panel.all())),
            )
        )
    return found


def _why(decision: Decision, spread: Spread) -> str:
    reasons = []
    middle = spread.middle
    severity = getattr(decision, "severity", 0)
    if middle is not None and severity < middle[0]:
        reasons.append("lighter than the middle 80% of its category")
    if middle is not None and severity > middle[1]:
        reasons.append("harsher than the middle 80% of its category")
    if decision.outside_guideline:
        reasons.append("outside the guideline range")
    return "; ".join(reasons)


def outliers_figure(organisation: Organisation) -> Figure:
    found = outliers(organisation)
    return Figure(
        key="outliers",
        title="Outlying decisions",
        summary=f"{len(found)} decisions outside their category's middle 80% or its guideline.",
        columns=("Category", "Sanctions", "Guideline", "Middle 80%", "Why", "Decided", "Panel"),
        rows=tuple(
            Row(
                (o.category, o.sanctions, o.guideline, o.band, o.why, o.decided_on, o.panel),
                {"decision": str(o.decision_id)},
            )
            for o in found
        ),
        chart="none",
        series=(),
    )
