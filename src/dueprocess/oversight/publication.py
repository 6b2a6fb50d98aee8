"""Publishing the transparency report: a quarter's figures fixed for good, their hash in the ledger.

The live report (``transparency.build``) is recomputed on every request, so a figure could
change after it was quoted — a late-recorded decision, or someone quietly re-running the
numbers. Publishing freezes one version: the exact JSON the public page serves is kept byte for
byte with its SHA-256, and the row holding it is committed to the ledger by the
``transparency.published`` entry (``ledger.state``), so ``verify`` names it if the kept file is
ever changed, and anyone holding the downloaded file can check its hash against the page and
the entry. A correction is a new version that must say what changed and why; the earlier
version stays published beside it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import QuerySet
from django.db.models.functions import Length

from dueprocess.access.enforcement import recorded_denials
from dueprocess.access.rules import can, require
from dueprocess.errors import AccessDenied, InvalidInput
from dueprocess.ledger.models import LedgerRowState
from dueprocess.ledger.record import record
from dueprocess.lib import clock
from dueprocess.oversight import report_formats, transparency
from dueprocess.oversight.models import ReportPublication

if TYPE_CHECKING:
    from dueprocess.accounts.models import Organisation, User

#: The longest correction note kept.
MAX_CORRECTION = 2000


@dataclass(frozen=True)
class Published:
    """One published version as the public page shows it."""

    quarter: str
    version: int
    sha256: str
    published_at: str
    correction: str
    ledger_seq: int | None
    size: int


def published_file(organisation: Organisation, quarter: transparency.Quarter) -> bytes:
    """The bytes that would be published for ``quarter`` now (the public JSON)."""
    report = transparency.build(organisation, quarter)
    return report_formats.as_json(transparency.publish(report)).encode("utf-8")


def may_publish(actor: User) -> bool:
    """Whether ``actor`` may publish the report: the policy's permission, and a role the
    rulebook names (what ``publish_report`` asks; for showing the form, nothing recorded)."""
    verdict = can(actor, "transparency.publish")
    organisation = actor.organisation
    return (
        verdict.allowed
        and organisation is not None
        and verdict.role in organisation.rulebook.rules.report_publishers
    )


def publishable_quarters(organisation: Organisation) -> list[transparency.Quarter]:
    """The quarters that have ended, newest first (the ones a report can be published for): from
    the first complaint received, and at least the last quarter (as the public page shows)."""
    now = clock.now()
    ended = [q for q in transparency.quarters_with_data(organisation) if q.end <= now]
    latest = transparency.latest_complete(organisation)
    return ended if latest in ended else [latest, *ended]


@recorded_denials
def publish_report(*, actor: User, quarter: transparency.Quarter, correction: str = "") -> int:
    """Fix ``quarter``'s public report as its next version; returns the version number.

    Only a quarter that has ended is published (as on the public page). A second version must
    differ from the last one and say what changed and why; an unchanged report is refused."""
    verdict = require(actor, "transparency.publish")
    organisation = actor.organisation
    assert organisation is not None
    publishers = organisation.rulebook.rules.report_publishers
    if verdict.role not in publishers:
        raise AccessDenied(
            actor=actor,
            action="transparency.publish",
            case_id=None,
            reason=f"the rulebook lets only {', '.join(publishers)} publish the report",
            reveal=True,
        )
    if quarter.end > clock.now():
        raise InvalidInput(
            "Only a quarter that has ended is published.", fields={"quarter": "Not over yet."}
        )
    correction = correction.strip()
    if len(correction) > MAX_CORRECTION:
        raise InvalidInput(
            f"Say what changed in at most {MAX_CORRECTION} characters.",
            fields={"correction": "Too long."},
        )
    body = published_file(organisation, quarter)
    digest = hashlib.sha256(body).hexdigest()
    with transaction.atomic():
        earlier = (
            ReportPublication.objects.select_for_update()
            .filter(organisation=organisation, quarter=str(quarter))
            .order_by("-version")
            .first()
        )
        if earlier is not None and earlier.sha256 == digest:
            raise InvalidInput(
                f"Version {earlier.version} of the {quarter} report already says exactly this.",
                fields={"quarter": "Already published, unchanged."},
            )
        if earlier is not None and not correction:
            raise InvalidInput(
                "A new version of a published report must say what changed and why.",
                fields={"correction": "Required for a correction."},
            )
        version = 1 if earlier is None else earlier.version + 1
        ReportPublication.objects.create(
            organisation=organisation,
            quarter=str(quarter),
            version=version,
            body=body,
            sha256=digest,
            published_by=actor,
            published_at=clock.now(),
            correction=correction if earlier is not None else "",
        )
        record(
            actor=actor,
            action="transparency.published",
            role=verdict.role,
            details={
                "quarter": str(quarter),
                "version": version,
                "sha256": digest,
                "bytes": len(body),
                "correction": correction if earlier is not None else "",
            },
        )
    return version


def publications(organisation: Organisation, quarter: transparency.Quarter) -> list[Published]:
    """Every published version of ``quarter``, oldest first, each with its ledger position."""
    return _published(
        ReportPublication.objects.filter(organisation=organisation, quarter=str(quarter))
    )


def _published(rows: QuerySet[ReportPublication]) -> list[Published]:
    """``rows`` as ``Published``, oldest version first: the bodies' sizes are counted by the
    database, so listing versions never reads the reports themselves."""
    found = list(
        rows.order_by("version")
        .annotate(size=Length("body"))
        .values_list("pk", "quarter", "version", "sha256", "published_at", "correction", "size")
    )
    seqs = dict(
        LedgerRowState.objects.filter(
            table_name=ReportPublication._meta.db_table,
            row_key__in=[str(row[0]) for row in found],
        ).values_list("row_key", "seq")
    )
    return [
        Published(
            quarter=quarter,
            version=version,
            sha256=digest,
            published_at=at.date().isoformat(),
            correction=correction,
            ledger_seq=seqs.get(str(pk)),
            size=size,
        )
        for pk, quarter, version, digest, at, correction, size in found
    ]


def published_body(
    organisation: Organisation, quarter: transparency.Quarter, version: int
) -> bytes:
    found = (
        ReportPublication.objects.filter(
            organisation=organisation, quarter=str(quarter), version=version
        )
        .values_list("body", flat=True)
        .first()
    )
    if found is None:
        raise InvalidInput("There is no such published version.", fields={"version": "Unknown."})
    return bytes(found)


def check_file(organisation: Organisation, data: bytes) -> Published | None:
    """The published version whose file is exactly ``data``, if any (a changed file, or one
    never published, matches none)."""
    digest = hashlib.sha256(data).hexdigest()
    found = _published(ReportPublication.objects.filter(organisation=organisation, sha256=digest))
    return found[0] if found else None
