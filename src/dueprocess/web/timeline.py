"""The case page's timeline: every stage change and every recorded view or action, one list.

Stage changes live in ``StatusChange`` rows; views and actions live in the ledger. A step such
as "acknowledge" is in both — the row says where the case went, the ledger entry proves that
it happened — so the two are folded into one line that carries the ledger's sequence number.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict, deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dueprocess.cases.models import StatusChange
    from dueprocess.ledger.reading import TimelineItem
    from dueprocess.rulebook.schema import Rulebook

ACTIONS = {
    "case.opened": "Opened the case",
    "case.viewed": "Viewed the case file",
    "case.transitioned": "Moved the case",
    "case.accepted": "Accepted the complaint for investigation",
    "case.not_investigated": "Decided not to investigate",
    "note.added": "Added a note",
    "evidence.added": "Added evidence",
    "assignment.made": "Appointed someone to the case",
    "assignment.refused": "Appointment refused: conflict of interest",
    "assignment.ended": "Ended an appointment",
    "recusal.declared": "Stepped away from the case (recusal)",
    "interim_measure.imposed": "Imposed an interim measure",
    "interim_measure.lifted": "Lifted an interim measure",
    "recommendation.submitted": "Submitted the recommendation",
    "recommendation.revised": "Revised the recommendation",
    "decision.recorded": "Recorded the decision",
    "access.denied": "Was refused access",
}
#: Ledger actions that also wrote a stage change, and how to find the step they took.
STAGE_ACTIONS = frozenset(
    {
        "case.opened",
        "case.transitioned",
        "case.accepted",
        "case.not_investigated",
        "recommendation.submitted",
        "decision.recorded",
    }
)


@dataclass(frozen=True)
class Line:
    at: dt.datetime
    what: str
    who: str
    role: str
    detail: str = ""
    seq: int | None = None
    stage_change: str = ""  # "Received → Triage"
    refused: bool = False


def case_history(
    rules: Rulebook, changes: list[StatusChange], entries: list[TimelineItem]
) -> list[Line]:
    """Stage changes and ledger entries merged, newest first."""
    pending: dict[str, deque[StatusChange]] = defaultdict(deque)
    for row in changes:
        pending[row.transition].append(row)
    lines = []
    for entry in entries:
        folded: StatusChange | None = None
        if entry.action in STAGE_ACTIONS:
            step = "open" if entry.action == "case.opened" else entry.details.get("transition")
            folded = pending[str(step)].popleft() if pending.get(str(step)) else None
        lines.append(_entry_line(rules, entry, folded))
    leftovers = [row for queue in pending.values() for row in queue]
    lines += [_change_line(rules, row) for row in leftovers]
    return sorted(lines, key=lambda line: (line.at, line.seq or -1), reverse=True)


def _stages(rules: Rulebook, change: StatusChange) -> str:
    def label(key: str) -> str:
        return rules.stages[key].label if key in rules.stages else key

    start = label(change.old_stage) if change.old_stage else "New"
    return f"{start} → {label(change.new_stage)}"


def _entry_line(rules: Rulebook, entry: TimelineItem, change: StatusChange | None) -> Line:
    details: dict[str, Any] = entry.details
    what = ACTIONS.get(entry.action, entry.action.replace("_", " ").replace(".", ": "))
    step = rules.transitions.get(str(details.get("transition", "")))
    if step is not None and entry.action == "case.transitioned":
        what = step.label
    return Line(
        at=entry.at,
        what=what,
        who=entry.actor.full_name if entry.actor else _unknown(entry.actor_tag),
        role=rules.role_label(entry.role) if entry.role else "",
        detail=_detail(entry.action, details),
        seq=entry.seq,
        stage_change=_stages(rules, change) if change else "",
        refused=entry.action in ("access.denied", "assignment.refused"),
    )


def _change_line(rules: Rulebook, change: StatusChange) -> Line:
    step = rules.transitions.get(change.transition)
    return Line(
        at=change.at,
        what=step.label if step else "Opened the case",
        who=change.actor.full_name if change.actor else "System",
        role="",
        detail=change.reason,
        stage_change=_stages(rules, change),
    )


def _unknown(tag: str) -> str:
    return "System" if tag == "system" else "Someone outside this organisation"


def _detail(action: str, details: dict[str, Any]) -> str:
    if action == "access.denied":
        attempted = str(details.get("attempted", "act")).replace("case.", "").replace(":", " ")
        return f"Tried to {attempted}: {details.get('reason', 'refused')}"
    for key in ("reason", "reasons"):
        if details.get(key):
            return str(details[key])
    return ""
