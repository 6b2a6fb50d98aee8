"""Sanction consistency: for each category, how severe the outcomes of comparable cases were.

Comparable means same category and same finding (a breach); each case counts once, by its
latest decision. The spread is counted in the database by ladder severity. Outliers are the
decisions below or above the middle 80% of their category's spread (once there are enough
decisions for a spread to mean anything) and every decision outside the guideline range.
They are only ever counted, per category and sanction, never listed: a row with a decision's
date, sanctions and panel would tell anyone who knows of a case which one it is. A count from
1 to ``SMALL_COUNT - 1`` is shown as "fewer than 5" for the same reason.
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
from dueprocess.oversight.figure import Cell, Figure, Row
from dueprocess.rulebook.schema import Rulebook

#: Fewer decisions than this in a category and its "middle 80%" would be noise.
MIN_FOR_SPREAD = 10
#: Counts below this (and above zero) are suppressed: too few to hide who they are.
SMALL_COUNT = 5


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
    return Q(outside_guideline=True) | beyond_middle_filter(spread)


def beyond_middle_filter(spread: dict[str, Spread]) -> Q:
    """Outside the middle 80% of its own category (never, for a category with too few)."""
    condition = Q(pk__in=[])
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


def small_count_suppressed(count: int) -> Cell:
    """``count``, or "fewer than 5" when it is small enough to point at a person."""
    return f"fewer than {SMALL_COUNT}" if 0 < count < SMALL_COUNT else count


def outliers_figure(organisation: Organisation) -> Figure:
    """How many decisions fell outside the guideline, and outside their category's middle 80%,
    per category and (most severe) sanction: counts only, no dates, no names."""
    rules = organisation.rulebook.rules
    by_category = spreads(organisation)
    decisions: Any = latest_breach_decisions(organisation)  # ``severity`` is an annotation
    counted = (
        decisions.filter(outlier_filter(by_category))
        .values("case__category", "severity")
        .annotate(
            outside=Count("pk", filter=Q(outside_guideline=True)),
            beyond=Count("pk", filter=beyond_middle_filter(by_category)),
        )
        .order_by()
    )
    found = {(r["case__category"], r["severity"]): (r["outside"], r["beyond"]) for r in counted}
    sanctions = {s.severity: s for s in rules.ladder()}
    categories = list(rules.categories) + sorted({c for c, _ in found} - set(rules.categories))
    rows = []
    for key in categories:
        for severity in sorted({sev for c, sev in found if c == key}):
            outside, beyond = found[(key, severity)]
            sanction = sanctions.get(severity)
            category = rules.categories.get(key)
            rows.append(
                Row(
                    (
                        category.label if category else key,
                        sanction.label if sanction else "No ranked sanction",
                        guideline_label(rules, key) if category else "",
                        small_count_suppressed(outside),
                        small_count_suppressed(beyond),
                    ),
                    {"category": key, "sanction": sanction.key if sanction else ""},
                )
            )
    flagged = sum(outside for outside, _ in found.values())
    return Figure(
        key="outliers",
        title="Decisions outside the guideline",
        summary=(
            f"{small_count_suppressed(flagged)} decisions outside their category's guideline "
            "range, counted by category and most severe sanction."
        ),
        columns=(
            "Category",
            "Sanction",
            "Guideline",
            "Outside the guideline",
            "Outside the middle 80%",
        ),
        rows=tuple(rows),
        chart="none",
        series=(),
        notes=(
            "Counts only: no decision is listed, dated or named.",
            f'A count from 1 to {SMALL_COUNT - 1} is shown as "fewer than {SMALL_COUNT}".',
        ),
    )
