"""A dossier: a file of complaints received together, and what became of each of its rows."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Dossier(models.Model):
    """One imported file: who submitted it, when, its SHA-256 and what its rows became."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="dossiers"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField()
    filename = models.CharField(max_length=200, blank=True)
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField()
    created = models.PositiveIntegerField(default=0)
    already_imported = models.PositiveIntegerField(default=0)
    non_members = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)  # rows repeating an earlier complaint

    class Meta:
        constraints = [
            # The same file twice is refused, with the dossier it already is.
            models.UniqueConstraint(fields=["organisation", "sha256"], name="dossier_file")
        ]

    def __str__(self) -> str:
        return f"dossier {self.pk}"


class DossierRow(models.Model):
    """A row of a dossier that opened a case: its fingerprint (so the same complaint is never
    opened twice) and how its respondent was matched against the register."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT)
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="imported_rows")
    number = models.PositiveIntegerField()  # 1 = the first row after the header
    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="+")
    fingerprint = models.CharField(max_length=64)
    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    score = models.FloatField(null=True, blank=True)  # the best candidate's, if any
    reason = models.CharField(max_length=300)
    # the earlier case (another row's, or one already open) this row's complaint may repeat:
    # the case it opened is flagged for triage to decide (``cases.duplicates``)
    repeats = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    repeat_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["dossier", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "fingerprint"], name="dossier_row_fingerprint"
            )
        ]

    def __str__(self) -> str:
        return f"row {self.number} of dossier {self.dossier_id}"
