"""The subject access export: everything held about one person, what was withheld from them
and why, every view of their data from the ledger, and a proof bundle per case — as one ZIP.

Only the organisation's administrator may ask (``privacy.subject_access``); anyone else is
refused and the refusal recorded (``access.denied``). The request is recorded before anything
is read (``subject_access.requested``: how the person was named, the reason given, the rows
found — never the address or number typed); each case's bundle is an export of that case's
record (``case.proof_exported``, whose sealed details bind the bundle's reference, as for any
bundle); and the production is recorded last with the ZIP's SHA-256
(``subject_access.produced``). The bundles are proved on a checkpoint the witnesses cosigned,
covering the exports, so ``dueprocess check-proof`` accepts each of them. ``docs/privacy.md``
describes the files.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction

from dueprocess.access.enforcement import recorded_denials
from dueprocess.access.rules import require
from dueprocess.cases.models import Case
from dueprocess.errors import InvalidInput
from dueprocess.ledger import store
from dueprocess.ledger.checkpoints import witnessed_checkpoint
from dueprocess.ledger.models import Checkpoint
from dueprocess.ledger.proofs import build_bundle
from dueprocess.ledger.record import record
from dueprocess.lib import clock
from dueprocess.parties.proof import selection_for
from dueprocess.privacy import archive
from dueprocess.privacy.holdings import held_data, withheld_items
from dueprocess.privacy.subjects import Subject, find_subject, named
from dueprocess.privacy.viewing import View, facts_for, views_of

if TYPE_CHECKING:
    from dueprocess.accounts.models import User

MAX_REASON = 2000


@dataclass(frozen=True)
class SubjectAccessExport:
    archive: bytes
    sha256: str
    filename: str
    cases: list[str]
    views: int
    withheld: int


def _reason(reason: str) -> str:
    text = reason.strip()
    if not text:
        raise InvalidInput(
            "Give the reason for the export (the request it answers).",
            fields={"reason": "Required."},
        )
    if len(text) > MAX_REASON:
        raise InvalidInput(
            f"The reason is longer than {MAX_REASON} characters.",
            fields={"reason": f"At most {MAX_REASON} characters."},
        )
    return text


@recorded_denials
def subject_access_allowed(*, actor: User) -> None:
    """Refuse anyone who may not ask for an export, on the record (``access.denied``): for a
    page that shows the request form before anything is asked."""
    require(actor, "privacy.subject_access")


@recorded_denials
def subject_access_export(
    *,
    actor: User,
    reason: str,
    email: str = "",
    member: str = "",
    staff: str = "",
    wait: float | None = None,
) -> SubjectAccessExport:
    """The export for the person named by exactly one of ``email``, ``member`` (a member
    number) or ``staff`` (a staff account's e-mail address), in ``actor``'s organisation.

    ``Forbidden`` (recorded) for anyone but its administrator; ``InvalidInput`` for a missing
    reason or not exactly one way of naming; ``NotFound`` when no one is on record under it
    (nothing recorded but the refusals); ``WitnessesUnavailable`` when the witnesses do not
    cosign in time (the request stays on the record, no export is produced)."""
    verdict = require(actor, "privacy.subject_access")
    why = _reason(reason)
    kind, value = named(email=email, member=member, staff=staff)
    assert actor.organisation_id is not None  # an administrator belongs to an organisation
    subject = find_subject(actor.organisation_id, kind, value)
    cases = subject.cases
    with transaction.atomic():
        requested = record(
            actor=actor,
            action="subject_access.requested",
            role=verdict.role,
            details=_request_details(subject, why),
        )
        for case in cases:  # the bundles' own exports, which bind each reference to its case
            record(actor=actor, action="case.proof_exported", case=case, role=verdict.role)
    checkpoint = None
    if cases:
        waiting = settings.LEDGER_WITNESS_WAIT if wait is None else wait
        checkpoint = witnessed_checkpoint(store.size(), wait=waiting)
    size = checkpoint.size if checkpoint is not None else store.size()
    views = views_of(subject, size=size)
    withheld = withheld_items(subject)
    members = _members(subject, why, views, withheld, checkpoint, requested_seq=_seq(requested))
    data = archive.write_zip(members)
    digest = hashlib.sha256(data).hexdigest()
    references = [case.reference for case in cases]
    with transaction.atomic():
        record(
            actor=actor,
            action="subject_access.produced",
            role=verdict.role,
            details={
                "request": _seq(requested),
                "sha256": digest,
                "cases": references,
                "views": len(views),
                "withheld": len(withheld),
            },
        )
    return SubjectAccessExport(
        archive=data,
        sha256=digest,
        filename=f"subject-access-{clock.today().isoformat()}.zip",
        cases=references,
        views=len(views),
        withheld=len(withheld),
    )


def _seq(appended: store.Appended | None) -> int | None:
    return appended.seq if appended is not None else None


def _request_details(subject: Subject, reason: str) -> dict[str, Any]:
    """What the ledger keeps of the request: how the person was named and the rows found, by
    id, number and reference (as existing entries name them), never the address typed."""
    return {
        "named_by": subject.named_by,
        "reason": reason,
        "parties": [party.pk for party in subject.parties],
        "members": [member.number for member in subject.members],
        "staff": subject.staff.pk if subject.staff else None,
        "cases": [case.reference for case in subject.cases],
    }


def _bundle(subject: Subject, case: Case, checkpoint: Checkpoint, views: list[View]) -> str:
    """The case's entries that concern the subject (the party proof's rule, for each of their
    parties on it) and every view of their data on it, proved on ``checkpoint``."""
    chosen = {v.seq for v in views if v.case == case.reference and v.proved}
    for facts in facts_for(subject, case):
        chosen |= selection_for(facts, case_id=case.pk, size=checkpoint.size)
    roles = "+".join(sorted({p.role for p in subject.parties_on(case)}))
    return build_bundle(case, checkpoint, seqs=chosen, selection=f"subject access: {roles}")


def _members(
    subject: Subject,
    reason: str,
    views: list[View],
    withheld: list[dict[str, Any]],
    checkpoint: Checkpoint | None,
    *,
    requested_seq: int | None,
) -> dict[str, bytes]:
    held = held_data(subject)
    data = {
        "format": archive.FORMAT,
        "produced_at": clock.now().isoformat(),
        "request": {"named_by": subject.named_by, "reason": reason, "ledger_seq": requested_seq},
        **held,
    }
    viewed = {
        "checkpoint_size": checkpoint.size if checkpoint is not None else None,
        "views": [v.as_json() for v in views],
        "not_recorded": "Reads of staff accounts on the staff pages are not recorded as views.",
    }
    members = {
        "data.json": archive.as_json(data),
        "withheld.json": archive.as_json({"withheld": withheld}),
        "views.json": archive.as_json(viewed),
    }
    if checkpoint is not None:
        for case in subject.cases:
            members[f"proof/{case.reference}.json"] = _bundle(
                subject, case, checkpoint, views
            ).encode()
    members["summary.html"] = archive.summary_html(
        {"data": data, "views": views, "withheld": withheld, "proofs": sorted(members)}
    )
    return members
