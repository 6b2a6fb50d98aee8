"""The case page's timeline: every stage change and every recorded view or action, one list.

Stage changes live in ``StatusChange`` rows; views and actions live in the ledger. A step such
as "acknowledge" is in both — the row says where the case went, the ledger entry proves that
it happened — so the two are folded into one line that carries the ledger's sequence number.

The ledger part is one page (``cases.timeline.timeline_page``), newest first; consecutive views
by one person become one line that opens onto each view, and every other entry is its own line.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dueprocess.cases.timeline import VIEW_ACTION
from dueprocess.errors import InvalidInput

if TYPE_CHECKING:
    from dueprocess.cases.models import StatusChange
    from dueprocess.cases.timeline import TimelineItem, TimelinePage
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
    "decision.sealed": "Recorded a provisional decision, sealed until announced",
    "decision.announced": "Announced the sealed decision",
    "access.denied": "Was refused access",
    "interim_measure.continued": "Reviewed an interim measure and continued it",
    "interim_measure.lapsed": "Interim measure lapsed: not reviewed by its review date",
    "letter.queued": "Wrote a letter",
    "letter.sent": "Letter delivered to the mail server",
    "letter.bounced": "Letter bounced: the address was refused",
    "letter.failed": "Letter could not be delivered",
    "case.feedback_given": "Gave the complainant feedback",
    "deadline.reminded": "Deadline reminder sent",
    "deadline.escalated": "Deadline passed: escalated to the head of complaints",
}
#: Appointment entries, worded with the person they name and the role (their sealed details).
APPOINTMENT_WORDING = {
    "assignment.made": "Appointed {name}{role}",
    "assignment.refused": "Refused to appoint {name}{role}: conflict of interest",
    "assignment.ended": "Ended the appointment of {name}{role}",
}
#: Ledger actions about a letter: their line names the letter, its addressee and its hash.
LETTER_ACTIONS = frozenset({"letter.queued", "letter.sent", "letter.bounced", "letter.failed"})
#: Ledger actions that also wrote a stage change, and how to find the step they took.
STAGE_ACTIONS = frozenset(
    {
        "case.opened",
        "case.transitioned",
        "case.accepted",
        "case.not_investigated",
        "recommendation.submitted",
        "decision.recorded",
        "decision.announced",
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
    actor_tag: str = ""
    viewed: bool = False
    views: tuple[Line, ...] = ()  # a run of views by one person, newest first

    @property
    def count(self) -> int:
        return len(self.views) or 1

    @property
    def first_at(self) -> dt.datetime:
        return self.views[-1].at if self.views else self.at

    @property
    def first_seq(self) -> int | None:
        return self.views[-1].seq if self.views else self.seq


def before_param(raw: str | None) -> int | None:
    """The ``before`` query parameter: a ledger number, or absent for the newest page."""
    if raw is None or raw == "":
        return None
    if not raw.isdigit() or len(raw) > 18:
        raise InvalidInput(
            "The timeline page must be given as a ledger number.",
            fields={"before": "must be a whole number, a ledger sequence number"},
        )
    return int(raw)


def case_history(rules: Rulebook, changes: list[StatusChange], page: TimelinePage) -> list[Line]:
    """One page of stage changes and ledger entries merged, newest first, views grouped.

    A stage change is folded into the ledger entry of the same step nearest in time; one with
    no entry on this page is shown on its own only if it falls within the page's time span."""
    pending: dict[str, list[StatusChange]] = defaultdict(list)
    for row in changes:
        pending[row.transition].append(row)
    lines = []
    for entry in page.items:
        folded: StatusChange | None = None
        if entry.action in STAGE_ACTIONS:
            step = "open" if entry.action == "case.opened" else entry.details.get("transition")
            candidates = pending.get(str(step))
            if candidates:
                folded = min(candidates, key=lambda row: abs((row.at - entry.at).total_seconds()))
                candidates.remove(folded)
        lines.append(_entry_line(rules, entry, folded))
    lower = page.items[-1].at if page.older is not None and page.items else None
    lines += [
        _change_line(rules, row)
        for queue in pending.values()
        for row in queue
        if (lower is None or row.at >= lower) and (page.until is None or row.at < page.until)
    ]
    lines.sort(key=lambda line: (line.at, line.seq or -1), reverse=True)
    return _group_views(lines)


def _group_views(lines: list[Line]) -> list[Line]:
    grouped: list[Line] = []
    run: list[Line] = []

    def flush() -> None:
        if len(run) > 1:
            top = run[0]
            grouped.append(dataclasses.replace(top, views=tuple(run)))
        else:
            grouped.extend(run)
        run.clear()

    for line in lines:
        if not line.viewed or (run and run[0].actor_tag != line.actor_tag):
            flush()
        if line.viewed:
            run.append(line)
        else:
            grouped.append(line)
    flush()
    return grouped


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
    if entry.action in APPOINTMENT_WORDING and not entry.sealed:
        what = _appointment(rules, entry)
    return Line(
        at=entry.at,
        what=what,
        who=entry.actor.full_name if entry.actor else _unknown(entry.actor_tag),
        role=rules.role_label(entry.role) if entry.role else "",
        detail=_detail(entry.action, details),
        seq=entry.seq,
        stage_change=_stages(rules, change) if change else "",
        refused=entry.action in ("access.denied", "assignment.refused"),
        actor_tag=entry.actor_tag,
        viewed=entry.action == VIEW_ACTION,
    )


def _appointment(rules: Rulebook, entry: TimelineItem) -> str:
    """ "Appointed Sam Reed as Investigator": who was appointed (or refused, or stood down) and
    in which role. A person no longer of the organisation is "someone"."""
    person = entry.subject
    name = (person.full_name or person.email) if person is not None else "someone"
    role = rules.role_label(str(entry.details.get("as", ""))) if entry.details.get("as") else ""
    return APPOINTMENT_WORDING[entry.action].format(
        name=name, role=f" as {role.lower()}" if role else ""
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
    if action in LETTER_ACTIONS:
        what = str(details.get("template", "letter")).replace("_", " ")
        to = details.get("recipient_role", "party")
        digest = str(details.get("content_sha256", ""))[:12]
        how = f" by {details['by']}" if details.get("by") else ""
        return f"{what.capitalize()} to the {to}{how} (content SHA-256 {digest}…)"
    if action in ("deadline.reminded", "deadline.escalated"):
        return f"{str(details.get('what', 'a deadline')).capitalize()} on {details.get('due_on')}"
    for key in ("reason", "reasons"):
        if details.get(key):
            return str(details[key])
    return ""
