"""Passages of the allegations withheld from the respondent, and the withdrawal of such marks.

Staff mark a passage of an allegation (a witness's name, a detail that would identify an
anonymous complainant) before the file is shared with the respondent, who then reads it as
"[redacted]" wherever it occurs in that allegation. The case text is never changed, so the team
and the panel still read it whole. A mark is never edited: it is withdrawn by a separate row,
with a reason, after which the respondent reads the passage again. Marking and withdrawing are
each recorded in the ledger, in the same transaction as their row.

Who may mark or withdraw: whoever may add a note to the case (``case.note``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from dueprocess.access.enforcement import recorded_denials
from dueprocess.access.rules import require
from dueprocess.cases.services.common import clean_text, lock_case
from dueprocess.errors import InvalidInput, NotFound
from dueprocess.ledger.record import record
from dueprocess.lib import clock
from dueprocess.parties.models import Redaction, RedactionWithdrawal
from dueprocess.parties.services import MESSAGE_LIMIT, REPORT_LIMIT, _body_digest

if TYPE_CHECKING:
    from dueprocess.accounts.models import User
    from dueprocess.cases.models import Case

REDACTED = "[redacted]"


def redacted(text: str, passages: list[str]) -> str:
    """``text`` with every occurrence of each marked passage replaced by "[redacted]" (the
    longest passages first, so that a passage inside another is not left half-shown)."""
    for passage in sorted(passages, key=len, reverse=True):
        text = text.replace(passage, REDACTED)
    return text


@recorded_denials
def redaction_mark(
    *, actor: User, case: Case, allegation_id: int, passage: str, reason: str
) -> Redaction:
    """Mark a passage of an allegation to be withheld from the respondent: the respondent's
    view shows it as "[redacted]" wherever it occurs in that allegation, until the mark is
    withdrawn. The passage must occur in the allegation's text as it stands."""
    with transaction.atomic():
        case = lock_case(case)
        require(actor, "case.view", case)
        decision = require(actor, "case.note", case)
        allegation = case.allegations.filter(pk=allegation_id).first()
        if allegation is None:
            raise InvalidInput(
                "No such allegation on this case.", fields={"allegation": "Choose one."}
            )
        text = clean_text(passage, "passage", limit=REPORT_LIMIT)
        why = clean_text(reason, "reason", limit=MESSAGE_LIMIT)
        count = allegation.summary.count(text)
        if count == 0:
            raise InvalidInput(
                "That passage is not in the allegation's text: copy it exactly as it stands.",
                fields={"passage": "Not found in the allegation."},
            )
        redaction = Redaction.objects.create(
            case=case,
            allegation=allegation,
            passage=text,
            reason=why,
            marked_by=actor,
            marked_at=clock.now(),
        )
        record(
            actor=actor,
            action="case.redaction_marked",
            case=case,
            role=decision.role,
            details={
                "redaction": redaction.pk,
                "allegation": allegation.pk,
                "sha256": _body_digest(text),
                "occurrences": count,
                "reason": why,
            },
        )
        return redaction


@recorded_denials
def redaction_withdraw(
    *, actor: User, case: Case, redaction_id: int, reason: str
) -> RedactionWithdrawal:
    """Withdraw a redaction mark, with a reason: from then on the respondent reads the passage
    again. The mark itself stays on the record; a mark is withdrawn at most once. An id that is
    not a mark on this case is refused as not found."""
    with transaction.atomic():
        case = lock_case(case)
        require(actor, "case.view", case)
        decision = require(actor, "case.note", case)
        redaction = Redaction.objects.filter(case=case, pk=redaction_id).first()
        if redaction is None:
            raise NotFound("No such redaction on this case.")
        why = clean_text(reason, "reason", limit=MESSAGE_LIMIT)
        if RedactionWithdrawal.objects.filter(redaction=redaction).exists():
            raise InvalidInput(
                "This redaction has already been withdrawn.",
                fields={"reason": "Already withdrawn."},
            )
        withdrawal = RedactionWithdrawal.objects.create(
            redaction=redaction,
            case=case,
            reason=why,
            withdrawn_by=actor,
            withdrawn_at=clock.now(),
        )
        record(
            actor=actor,
            action="case.redaction_withdrawn",
            case=case,
            role=decision.role,
            details={
                "redaction": redaction.pk,
                "withdrawal": withdrawal.pk,
                "allegation": redaction.allegation_id,
                "reason": why,
            },
        )
        return withdrawal


def redactions_for_case(case: Case) -> list[Redaction]:
    """Every mark, active and withdrawn (with its withdrawal), oldest first, for a page that
    has recorded its read of the case."""
    return list(
        Redaction.objects.filter(case=case).select_related(
            "marked_by", "allegation", "withdrawal", "withdrawal__withdrawn_by"
        )
    )


def active(redactions: list[Redaction]) -> list[Redaction]:
    """The marks that are not withdrawn."""
    return [r for r in redactions if not _withdrawn(r)]


def _withdrawn(redaction: Redaction) -> bool:
    try:
        return redaction.withdrawal is not None
    except RedactionWithdrawal.DoesNotExist:
        return False


def passages_withheld(case: Case) -> dict[int, list[str]]:
    """The passages withheld from the respondent now, by allegation id: the active marks."""
    marked: dict[int, list[str]] = {}
    for redaction in Redaction.objects.filter(case=case, withdrawal__isnull=True):
        marked.setdefault(redaction.allegation_id, []).append(redaction.passage)
    return marked
