"""The case file as one read model, for the web page and the API alike.

``case_file(view)`` gathers a case's parts, labels from its own rulebook and the steps this
viewer may take — the workflow offers them, the access gate admits them — once. The web page
(``case_page_context``) and the API (``api.render.case_detail``) only shape what it returns, so
the two channels cannot disagree about what a person sees or may do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from dueprocess.access.rules import visible_cases
from dueprocess.cases.duplicates import Suggestion, possible_duplicates, repeated_by
from dueprocess.cases.sealed import SealedNotice, decisions_for, sealed_notices
from dueprocess.cases.services.common import taken_steps
from dueprocess.cases.services.member_match import may_review_match
from dueprocess.cases.timeline import timeline_page
from dueprocess.cases.workflow import Workflow
from dueprocess.evidence.interviews import consents_of, interviews_of

if TYPE_CHECKING:
    from dueprocess.access.models import EmergencyAccess
    from dueprocess.cases.models import (
        Allegation,
        Assignment,
        Case,
        Decision,
        EvidenceItem,
        InterimMeasure,
        Note,
        Party,
        Recommendation,
        StatusChange,
    )
    from dueprocess.cases.queries import CaseView
    from dueprocess.evidence.models import Consent, Interview
    from dueprocess.rulebook.schema import Transition

#: Actions on one case that the page offers a form for, when the viewer may take them.
PAGE_ACTIONS = ("case.note", "case.evidence", "case.assign", "case.interim")


@dataclass(frozen=True)
class CaseFile:
    """Everything a person entitled to see a case is shown of it (after ``case.viewed``)."""

    case: Case
    viewer_role: str
    stage_label: str
    category_label: str
    parties: list[Party]
    allegations: list[Allegation]
    assignments: list[Assignment]
    measures: list[InterimMeasure]
    recommendations: list[Recommendation]
    #: in force, and the sealed ones of a panel the viewer sat on (``cases.sealed``)
    decisions: list[Decision]
    #: sealed decisions kept from the viewer: only that they exist and when recorded
    sealed_decisions: list[SealedNotice]
    notes: list[Note]
    evidence: list[EvidenceItem]
    #: who was interviewed, by whom and when, and each consent to being recorded
    interviews: list[Interview]
    consents: list[Consent]
    history: list[StatusChange]
    emergency_accesses: list[EmergencyAccess]
    allowed_steps: list[Transition]
    allowed_actions: dict[str, bool]
    #: the case this one repeats, when triage found it a duplicate: its reference if this
    #: viewer may open it, "" if they may not (and None when it is no duplicate)
    duplicate_of: str | None = None
    #: the cases closed as duplicates of this one that the viewer may see
    repeated_by: list[str] = field(default_factory=list)
    #: while the case awaits triage: earlier cases it may repeat (``cases.duplicates``)
    possible_duplicates: list[Suggestion] = field(default_factory=list)
    #: may the viewer confirm or reject the respondents' register links (who may triage)
    may_review_match: bool = False


def allowed_steps(view: CaseView) -> list[Transition]:
    """The steps this viewer may take now: offered by the workflow, admitted by the gate."""
    case = view.case
    available = Workflow(case.rulebook.rules).available(case.stage, taken=taken_steps(case))
    return [s for s in available if view.gate.can("case.transition", transition=s.key).allowed]


def case_file(view: CaseView) -> CaseFile:
    case = view.case
    rules = case.rulebook.rules
    return CaseFile(
        case=case,
        viewer_role=view.decision.role,
        stage_label=Workflow(rules).stage_label(case.stage),
        category_label=rules.categories[case.category].label
        if case.category in rules.categories
        else case.category,
        parties=list(case.parties.select_related("member").order_by("pk")),
        allegations=list(case.allegations.order_by("pk")),
        assignments=list(case.assignments.filter(ended_at__isnull=True).select_related("user")),
        measures=list(case.interim_measures.select_related("imposed_by", "lifted_by")),
        recommendations=list(case.recommendations.select_related("author", "supersedes")),
        decisions=decisions_for(view.gate.actor, case),
        sealed_decisions=sealed_notices(view.gate.actor, case),
        notes=list(case.notes.select_related("author")),
        evidence=list(case.evidence.select_related("added_by", "stored_file")),
        interviews=interviews_of(case),
        consents=consents_of(case),
        history=list(case.status_changes.select_related("actor")),
        emergency_accesses=list(
            case.emergency_accesses.select_related("requester", "approver").order_by("requested_at")
        ),
        allowed_steps=allowed_steps(view),
        allowed_actions={
            action.replace("case.", ""): view.gate.can(action).allowed for action in PAGE_ACTIONS
        },
        duplicate_of=_duplicate_of(view),
        repeated_by=repeated_by(view),
        possible_duplicates=possible_duplicates(view) if awaits_triage(case) else [],
        may_review_match=may_review_match(view.gate),
    )


#: The kinds of step that triage a case.
TRIAGE_KINDS = ("accept", "not_investigated")


def awaits_triage(case: Case) -> bool:
    """Whether the case's stage is left by a triage step (so duplicates are worth suggesting)."""
    return any(t.kind in TRIAGE_KINDS for t in case.rulebook.rules.transitions_from(case.stage))


def _duplicate_of(view: CaseView) -> str | None:
    """The reference of the case this one repeats, if the viewer may open that case."""
    if view.case.duplicate_of_id is None:
        return None
    original = visible_cases(view.gate.actor).filter(pk=view.case.duplicate_of_id)
    return original.values_list("reference", flat=True).first() or ""


def case_page_context(view: CaseView, *, before: int | None = None) -> dict[str, Any]:
    """The case page's template context: the case file's fields, the rulebook, and one page of
    the timeline (``before``: the ledger number that opens an older page)."""
    shown = case_file(view)
    return {
        **{name: getattr(shown, name) for name in CaseFile.__dataclass_fields__},
        "rules": view.case.rulebook.rules,
        # one page of the recorded views and actions, newest first, from the ``before`` entry
        "ledger_page": timeline_page(view.case, before=before),
    }
