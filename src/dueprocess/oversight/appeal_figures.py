"""Figures on appeals and panels: appeals (lodged, pending, dismissed, upheld) and panels
appointed by name instead of drawn (each with its recorded reason, flagged where the rulebook
draws).

Aggregates only, like every figure; the rows' filters are those ``drilldown`` validates. An
appeal is *dismissed* when the new panel confirms the decision under appeal and *upheld* when
it replaces it (``cases_appealoutcome``).
"""

from __future__ import annotations

from django.db.models import Count, Q

from dueprocess.accounts.models import Organisation
from dueprocess.cases.models import Appeal, PanelConstitution
from dueprocess.cases.workflow import Workflow
from dueprocess.oversight.figure import Figure, Row

#: The appeals figure's rows: the drill-down's ``state``, its label and which appeals count.
APPEAL_STATES = (
    ("lodged", "Lodged", Q()),
    ("pending", "Pending: not yet decided", Q(outcome__isnull=True)),
    ("dismissed", "Dismissed: the decision confirmed", Q(outcome__result="confirmed")),
    ("upheld", "Upheld: the decision replaced", Q(outcome__result="replaced")),
)


def appeal_filter(state: str) -> Q:
    """Which appeals a row of the appeals figure counts."""
    for key, _, condition in APPEAL_STATES:
        if key == state:
            return condition
    raise KeyError(state)


def appeals(organisation: Organisation) -> Figure:
    """Appeals lodged, those still pending, and how the decided ones ended."""
    counts = Appeal.objects.filter(case__organisation=organisation).aggregate(
        **{key: Count("pk", filter=condition) for key, _, condition in APPEAL_STATES}
    )
    rows = tuple(Row((label, counts[key]), {"state": key}) for key, label, _ in APPEAL_STATES)
    return Figure(
        key="appeals",
        title="Appeals lodged, pending and decided",
        summary=(
            f"{counts['lodged']} appeals lodged; {counts['pending']} pending;"
            f" {counts['dismissed']} dismissed (the decision confirmed) and {counts['upheld']}"
            " upheld (the decision replaced)."
        ),
        columns=("Appeals", "Count"),
        rows=rows,
    )


def appointments(organisation: Organisation) -> Figure:
    """Panels appointed by name instead of drawn, by stage: how many, how many with a recorded
    reason, on how many cases; flagged where the rulebook says the stage's panel is drawn (the
    appointment is then an exception to the draw)."""
    found = (
        PanelConstitution.objects.filter(case__organisation=organisation, method="appointed")
        .values("stage")
        .annotate(
            n=Count("pk"),
            reasons=Count("pk", filter=~Q(reason="")),
            cases=Count("case", distinct=True),
        )
        .order_by("stage")
    )
    rules = organisation.rulebook.rules
    workflow = Workflow(rules)
    rows = []
    flagged = 0
    for row in found:
        stage = str(row["stage"])
        panel = rules.panel_at(stage)
        exception = panel is None or panel.selection == "draw"
        flagged += int(row["n"]) if exception else 0
        label = workflow.stage_label(stage) if stage in rules.stages else stage
        rows.append(
            Row(
                (
                    label,
                    row["n"],
                    row["reasons"],
                    row["cases"],
                    "Flagged: the rulebook draws this panel" if exception else "",
                ),
                {"stage": stage},
            )
        )
    total = sum(int(r.cells[1]) for r in rows)
    return Figure(
        key="appointments",
        title="Panels appointed by name instead of drawn",
        summary=(
            f"{total} panels appointed by name, {sum(int(r.cells[2]) for r in rows)} with a"
            f" recorded reason; {flagged} flagged as exceptions to the rulebook's draw."
        ),
        columns=("Stage", "Appointed by name", "With a recorded reason", "Cases", "Flag"),
        rows=tuple(rows),
        series=(1,),
    )
