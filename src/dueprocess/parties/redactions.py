"""What is withheld from the respondent's own file: passages of the allegations, and evidence
items — and the withdrawal of either.

Staff mark a passage of an allegation (a witness's name, a detail that would identify an
anonymous complainant) before the file is shared with the respondent, who then reads it as
"[redacted]" wherever it occurs in that allegation. The case text is never changed, so the team
and the panel still read it whole. A mark is never edited: it is withdrawn by a separate row,
with a reason, after which the respondent reads the passage again. Marking and withdrawing are
each recorded in the ledger, in the same transaction as their row.

The respondent's file also lists the case's evidence items of the kinds the rulebook names
(``[parties] respondent_evidence``; none by default). Staff can withhold any one item (with a
reason; ended the same way, by a separate row): the respondent then sees only that an item is
withheld. The others the respondent downloads, recorded under their pseudonym and re-checked
against the SHA-256 recorded at upload exactly like a staff download.

Who may mark, withhold or withdraw: whoever may add a note to the case (``case.note``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction

from dueprocess.access.enforcement import recorded_denials
from dueprocess.access.rules import require
from dueprocess.cases.models import EvidenceItem
from dueprocess.cases.services.common import clean_text, lock_case
from dueprocess.errors import InvalidInput, NotFound
from dueprocess.evidence.files import Download, checked_file
from dueprocess.ledger.record import record
from dueprocess.lib import clock
from dueprocess.parties.models import (
    EvidenceRelease,
    EvidenceWithholding,
    PartyAccess,
    Redaction,
    RedactionWithdrawal,
)
from dueprocess.parties.services import (
    MESSAGE_LIMIT,
    REPORT_LIMIT,
    PartyDenied,
    _body_digest,
    recorded_party_denials,
    require_party,
)

if TYPE_CHECKING:
    from dueprocess.accounts.models import User
    from dueprocess.cases.models import Case
    from dueprocess.evidence.storage import EvidenceStore

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
    return [r for r in redactions if withdrawal_of(r) is None]


def withdrawal_of(redaction: Redaction) -> RedactionWithdrawal | None:
    """The mark's withdrawal, or None while it stands (read through the one-to-one that
    ``redactions_for_case`` selects with it)."""
    try:
        return redaction.withdrawal
    except RedactionWithdrawal.DoesNotExist:
        return None


def passages_withheld(case: Case) -> dict[int, list[str]]:
    """The passages withheld from the respondent now, by allegation id: the active marks."""
    marked: dict[int, list[str]] = {}
    for redaction in Redaction.objects.filter(case=case, withdrawal__isnull=True):
        marked.setdefault(redaction.allegation_id, []).append(redaction.passage)
    return marked


# -- evidence in the respondent's file ------------------------------------------------------


@recorded_denials
def evidence_withhold(*, actor: User, case: Case, item_id: int, reason: str) -> EvidenceWithholding:
    """Withhold evidence ``item_id`` from the respondent's file, with a reason: the respondent
    sees that an item is withheld and nothing of it, and cannot download it. An item is
    withheld at most once at a time."""
    with transaction.atomic():
        case = lock_case(case)
        require(actor, "case.view", case)
        decision = require(actor, "case.note", case)
        item = EvidenceItem.objects.filter(case=case, pk=item_id).first()
        if item is None:
            raise NotFound("No such evidence on this case.")
        why = clean_text(reason, "reason", limit=MESSAGE_LIMIT)
        if _current_withholding(item) is not None:
            raise InvalidInput(
                "This evidence is already withheld from the respondent.",
                fields={"reason": "Already withheld."},
            )
        withholding = EvidenceWithholding.objects.create(
            case=case, item=item, reason=why, withheld_by=actor, withheld_at=clock.now()
        )
        record(
            actor=actor,
            action="case.evidence_withheld",
            case=case,
            role=decision.role,
            details={"evidence": item.pk, "withholding": withholding.pk, "reason": why},
        )
        return withholding


@recorded_denials
def evidence_release(
    *, actor: User, case: Case, withholding_id: int, reason: str
) -> EvidenceRelease:
    """End a withholding, with a reason: the respondent's file lists the item again (if its
    kind is one the rulebook shows the respondent). A withholding ends at most once."""
    with transaction.atomic():
        case = lock_case(case)
        require(actor, "case.view", case)
        decision = require(actor, "case.note", case)
        withholding = EvidenceWithholding.objects.filter(case=case, pk=withholding_id).first()
        if withholding is None:
            raise NotFound("No such withheld evidence on this case.")
        why = clean_text(reason, "reason", limit=MESSAGE_LIMIT)
        if EvidenceRelease.objects.filter(withholding=withholding).exists():
            raise InvalidInput(
                "This evidence is no longer withheld.", fields={"reason": "Already released."}
            )
        release = EvidenceRelease.objects.create(
            withholding=withholding,
            case=case,
            reason=why,
            released_by=actor,
            released_at=clock.now(),
        )
        record(
            actor=actor,
            action="case.evidence_released",
            case=case,
            role=decision.role,
            details={
                "evidence": withholding.item_id,
                "withholding": withholding.pk,
                "release": release.pk,
                "reason": why,
            },
        )
        return release


def current(withholdings: list[EvidenceWithholding]) -> list[EvidenceWithholding]:
    """The withholdings that have not ended."""
    return [w for w in withholdings if release_of(w) is None]


def release_of(withholding: EvidenceWithholding) -> EvidenceRelease | None:
    """The end of a withholding, or None while it holds (read through the one-to-one that
    ``withholdings_for_case`` selects with it)."""
    try:
        return withholding.release
    except EvidenceRelease.DoesNotExist:
        return None


def _current_withholding(item: EvidenceItem) -> EvidenceWithholding | None:
    return EvidenceWithholding.objects.filter(item=item, release__isnull=True).first()


def withholdings_for_case(case: Case) -> list[EvidenceWithholding]:
    """Every withholding of the case's evidence, current and ended (with its release), oldest
    first, for a page that has recorded its read of the case."""
    return list(
        EvidenceWithholding.objects.filter(case=case).select_related(
            "item", "withheld_by", "release", "release__released_by"
        )
    )


@dataclass(frozen=True)
class ShownEvidence:
    """One evidence item as the respondent's file lists it: ``withheld`` items carry nothing
    but their place in the list."""

    number: int
    item: EvidenceItem | None  # None when withheld
    downloadable: bool

    @property
    def withheld(self) -> bool:
        return self.item is None


def respondent_evidence(case: Case) -> list[ShownEvidence]:
    """The case's evidence items of the kinds the rulebook shows the respondent, in the order
    received, numbered; a withheld one with nothing of it. For a page that has recorded the
    respondent's read (``allegations_for``)."""
    kinds = case.rulebook.rules.parties.respondent_evidence
    if not kinds:
        return []
    withheld = set(
        EvidenceWithholding.objects.filter(case=case, release__isnull=True).values_list(
            "item_id", flat=True
        )
    )
    items = EvidenceItem.objects.filter(case=case, kind__in=kinds).select_related("stored_file")
    shown = []
    for number, item in enumerate(items.order_by("received_at", "pk"), start=1):
        if item.pk in withheld:
            shown.append(ShownEvidence(number=number, item=None, downloadable=False))
        else:
            has_file = hasattr(item, "stored_file")
            shown.append(ShownEvidence(number=number, item=item, downloadable=has_file))
    return shown


@recorded_party_denials
def respondent_evidence_download(
    *, access: PartyAccess, item_id: int, store: EvidenceStore | None = None
) -> Download:
    """The file of an evidence item in the respondent's own file: of their own case, of a kind
    the rulebook shows the respondent, and not withheld — anything else is refused as not
    found and recorded (``access.denied`` under the party's pseudonym). The download is
    recorded (``evidence.downloaded``, role ``respondent_of_case``) before it is served, and
    the file re-checked against its SHA-256 like a staff download (``evidence.corrupted`` and
    not served if it fails)."""
    action = "party.evidence"
    with transaction.atomic():
        case = lock_case(access.case)
        verdict = require_party(access, case, action)
        item = EvidenceItem.objects.filter(case=case, pk=item_id).first()
        if item is None or item.kind not in case.rulebook.rules.parties.respondent_evidence:
            raise PartyDenied(
                access=access, case=case, action=action, reason="no such evidence in the file"
            )
        if _current_withholding(item) is not None:
            raise PartyDenied(
                access=access, case=case, action=action, reason="withheld from the respondent"
            )
    checked = checked_file(case, item.pk, store)
    with transaction.atomic():
        record(
            actor=None,
            party_access_id=access.pk,
            action=checked.action,
            case=case,
            role=verdict.role,
            details={"evidence": item.pk, "sha256": item.sha256},
        )
    return checked.download()
