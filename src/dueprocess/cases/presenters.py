"""Shape a case for display: its parts, labels from its own rulebook, the steps this viewer may
take. Templates receive ``allowed_steps`` from here and never re-implement the rules."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dueprocess.cases.services.common import taken_steps
from dueprocess.cases.workflow import Workflow
from dueprocess.ledger.reading import timeline_page

if TYPE_CHECKING:
    from dueprocess.cases.queries import CaseView

#: Actions on one case that the page offers a form for, when the viewer may take them.
PAGE_ACTIONS = ("case.note", "case.evidence", "case.assign", "case.interim")


def case_page_context(view: CaseView, *, before: int | None = None) -> dict[str, Any]:
    """``before``: the ledger number that opens an older page of the timeline."""
    case = view.case
    rules = case.rulebook.rules
    workflow = Workflow(rules)
    steps = [
        step
        for step in workflow.available(case.stage, taken=taken_steps(case))
        if view.gate.can("case.transition", transition=step.key).allowed
    ]
    return {
        "case": case,
        "rules": rules,
        "stage_label": workflow.stage_label(case.stage),
        "category_label": rules.categories[case.category].label
        if case.category in rules.categories
        else case.category,
        "parties": list(case.parties.select_related("member")),
        "allegations": list(case.allegations.all()),
        "notes": list(case.notes.select_related("author")),
        "evidence": list(case.evidence.select_related("added_by")),
        "measures": list(case.interim_measures.select_related("imposed_by", "lifted_by")),
        "recommendations": list(case.recommendations.select_related("author")),
        "decisions": list(case.decisions.select_related("decided_by")),
        "assignments": list(case.assignments.filter(ended_at__isnull=True).select_related("user")),
        "emergency_accesses": list(
            case.emergency_accesses.select_related("requester", "approver").order_by("requested_at")
        ),
        "history": list(case.status_changes.select_related("actor")),
        "allowed_steps": steps,
        "viewer_role": view.decision.role,
        "allowed_actions": {
            action.replace("case.", ""): view.gate.can(action).allowed for action in PAGE_ACTIONS
        },
        # one page of the recorded views and actions, newest first, from the ``before`` entry
        "ledger_page": timeline_page(case, before=before),
    }
