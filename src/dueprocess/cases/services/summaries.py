"""Anonymised decision summaries: written by the case team, approved by a second person.

A summary is written once a case has been decided on the merits (a panel or appeal decision)
and has left the decision phase: its stage is in the ``after_decision`` or ``closed`` phase.
It is about the latest such decision. The people on the case who may write (the unit's case
manager, the assigned investigator, a panel member: ``summary.write``) write a version; a
second person (the unit's case manager or an independent reviewer: ``summary.approve``)
approves it for the public report or sends it back with a reason. Nobody approves a version
they wrote: that is refused like any other act they may not take, and recorded. A version not
yet approved is replaced by writing a new one; an approved version is final.

The check for identifying detail is a guard against slips only — a summary that contains the
case's reference, a party's name (or family name) or e-mail address, or the name, address or
number of a member the case's parties are linked to is refused with a field error. It cannot
see a description that identifies someone without naming them ("the branch treasurer in
Eastmoor"), nor the names of the staff on the case: the approver is the real safeguard, and
approves nothing they would not publish.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction

from dueprocess.access.enforcement import recorded_denials
from dueprocess.access.rules import Gate
from dueprocess.cases.models import Decision, DecisionSummary, Party, SummaryReview
from dueprocess.cases.services.common import clean_text, lock_case
from dueprocess.errors import AccessDenied, IllegalTransition, InvalidInput
from dueprocess.ledger.record import record
from dueprocess.lib import clock

if TYPE_CHECKING:
    from dueprocess.accounts.models import User
    from dueprocess.cases.models import Case

#: The longest summary kept (a few paragraphs).
MAX_SUMMARY = 4000
#: The phases in which a decided case may be summarised.
SUMMARY_PHASES = ("after_decision", "closed")

__all__ = [
    "MAX_SUMMARY",
    "SummaryState",
    "summary_approve",
    "summary_return",
    "summary_state",
    "summary_write",
]


@dataclass(frozen=True)
class SummaryState:
    """Where a case's summary stands: the decision it is about and every version, oldest first."""

    decision: Decision | None
    versions: tuple[DecisionSummary, ...]
    open: bool  # the case is decided and past the decision phase

    @property
    def current(self) -> DecisionSummary | None:
        return self.versions[-1] if self.versions else None

    @property
    def status(self) -> str:
        """``none``, ``pending`` (awaiting approval), ``returned`` or ``approved``."""
        current = self.current
        if current is None:
            return "none"
        review = _review_of(current)
        return "pending" if review is None else str(review.verdict)

    @property
    def writable(self) -> bool:
        return self.open and self.status != SummaryReview.Verdict.APPROVED

    @property
    def reviewable(self) -> bool:
        return self.open and self.status == "pending"


def _review_of(summary: DecisionSummary) -> SummaryReview | None:
    try:
        return summary.review
    except SummaryReview.DoesNotExist:
        return None


def summary_state(case: Case) -> SummaryState:
    """The summary of ``case`` (no access check: for callers that have read the case file)."""
    decision = (
        Decision.objects.filter(case=case)
        .exclude(kind=Decision.Kind.NOT_INVESTIGATED)
        .order_by("-decided_at", "-id")
        .first()
    )
    stage = case.rulebook.rules.stages.get(case.stage)
    decided = decision is not None and stage is not None and stage.phase in SUMMARY_PHASES
    versions: tuple[DecisionSummary, ...] = ()
    if decision is not None:
        versions = tuple(
            DecisionSummary.objects.filter(decision=decision)
            .select_related("written_by", "review", "review__reviewed_by")
            .order_by("version")
        )
    return SummaryState(decision=decision, versions=versions, open=decided)


def _identifying_terms(case: Case) -> list[tuple[str, str, bool]]:
    """(term, what it is, match as a whole word) for everything the summary must not contain."""
    terms: list[tuple[str, str, bool]] = [(case.reference, "the case reference", False)]
    for party in Party.objects.filter(case=case).select_related("member"):
        who = party.get_role_display().lower()
        if party.name:
            terms += _name_terms(party.name, f"the {who}'s name")
        if party.email:
            terms.append((party.email, f"the {who}'s e-mail address", False))
        if party.member is not None:
            terms += _name_terms(party.member.full_name, f"the {who}'s name")
            if party.member.email:
                terms.append((party.member.email, f"the {who}'s e-mail address", False))
            if len(party.member.number) >= 3:
                terms.append((party.member.number, f"the {who}'s membership number", True))
    return [t for t in terms if t[0].strip()]


def _name_terms(name: str, what: str) -> list[tuple[str, str, bool]]:
    """A full name, and its last word (the family name, if it is at least 3 letters)."""
    name = " ".join(name.split())
    found = [(name, what, True)]
    family = name.rsplit(" ", 1)[-1] if " " in name else ""
    if len(family) >= 3:
        found.append((family, what, True))
    return found


def identifying_detail(case: Case, text: str) -> str:
    """What in ``text`` identifies someone known to the case (empty: nothing found)."""
    folded = " ".join(text.casefold().split())
    for term, what, whole_word in _identifying_terms(case):
        needle = " ".join(term.casefold().split())
        pattern = rf"(?<!\w){re.escape(needle)}(?!\w)" if whole_word else re.escape(needle)
        if re.search(pattern, folded):
            return what
    return ""


def _checked_text(case: Case, text: str) -> str:
    cleaned = clean_text(text, "text", limit=MAX_SUMMARY)
    found = identifying_detail(case, cleaned)
    if found:
        raise InvalidInput(
            f"A summary must not identify anyone: this one contains {found}.",
            fields={"text": f"Contains {found}."},
        )
    return cleaned


@recorded_denials
def summary_write(*, actor: User, case: Case, text: str) -> DecisionSummary:
    """Write the next version of the summary of the case's latest decision on the merits."""
    with transaction.atomic():
        case = lock_case(case)
        gate = Gate(actor, case)
        gate.require("case.view")
        verdict = gate.require("summary.write")
        state = summary_state(case)
        if not state.open or state.decision is None:
            raise IllegalTransition(
                "A summary is written once the case has been decided and notified."
            )
        if state.status == SummaryReview.Verdict.APPROVED:
            raise IllegalTransition("The summary of this decision has been approved: it is final.")
        cleaned = _checked_text(case, text)
        current = state.current
        summary = DecisionSummary.objects.create(
            case=case,
            decision=state.decision,
            version=1 if current is None else current.version + 1,
            text=cleaned,
            written_by=actor,
            written_at=clock.now(),
        )
        record(
            actor=actor,
            action="summary.written",
            case=case,
            role=verdict.role,
            details={
                "summary": summary.pk,
                "decision": state.decision.pk,
                "version": summary.version,
                "length": len(cleaned),
                "replaces": current.pk if current is not None else None,
            },
        )
        return summary


def _to_review(actor: User, case: Case, version: int) -> tuple[DecisionSummary, str]:
    gate = Gate(actor, case)
    gate.require("case.view")
    verdict = gate.require("summary.approve")
    state = summary_state(case)
    current = state.current
    if current is None or not state.reviewable:
        raise IllegalTransition("There is no summary of this case awaiting approval.")
    if current.version != version:
        raise InvalidInput(
            f"Version {version} is not the one awaiting approval (version {current.version} is).",
            fields={"version": "Not the current version: reload and read it again."},
        )
    if current.written_by_id == actor.pk:
        raise AccessDenied(
            actor=actor,
            action="summary.approve",
            case_id=case.pk,
            reason="no one approves or sends back a summary they wrote",
            reveal=True,
        )
    return current, verdict.role


@recorded_denials
def summary_approve(*, actor: User, case: Case, version: int) -> SummaryReview:
    """Approve ``version`` (the one awaiting approval) for the public report."""
    with transaction.atomic():
        case = lock_case(case)
        summary, role = _to_review(actor, case, version)
        _checked_text(case, summary.text)  # a party may have been added since it was written
        review = SummaryReview.objects.create(
            summary=summary,
            verdict=SummaryReview.Verdict.APPROVED,
            reviewed_by=actor,
            reviewed_at=clock.now(),
        )
        record(
            actor=actor,
            action="summary.approved",
            case=case,
            role=role,
            details={"summary": summary.pk, "version": summary.version, "review": review.pk},
        )
        return review


@recorded_denials
def summary_return(*, actor: User, case: Case, version: int, reason: str) -> SummaryReview:
    """Send ``version`` back to be rewritten, saying why."""
    with transaction.atomic():
        case = lock_case(case)
        summary, role = _to_review(actor, case, version)
        review = SummaryReview.objects.create(
            summary=summary,
            verdict=SummaryReview.Verdict.RETURNED,
            reason=clean_text(reason, "reason", limit=2000),
            reviewed_by=actor,
            reviewed_at=clock.now(),
        )
        record(
            actor=actor,
            action="summary.returned",
            case=case,
            role=role,
            details={"summary": summary.pk, "version": summary.version, "review": review.pk},
        )
        return review
