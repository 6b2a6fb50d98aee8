"""Anonymised decision summaries: written by the case team, approved by a second person.

A summary says what a decided case was about and why it was decided as it was, with nothing
that identifies anyone, so that the public report can show how cases are decided and not only
how many. Each version is a row that is never changed; a version that has not been approved
can be replaced by a new one (or sent back, with a reason, by the approver), and a version
that has been approved is final. Only approved versions ever leave the system.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from dueprocess.cases.models.immutable import ImmutableModel


class DecisionSummary(ImmutableModel):
    """One version of the anonymised summary of one decision on the merits."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="summaries")
    decision = models.ForeignKey(
        "cases.Decision", on_delete=models.PROTECT, related_name="summaries"
    )
    version = models.PositiveIntegerField()
    text = models.TextField(help_text="The summary, with no identifying detail.")
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    written_at = models.DateTimeField()

    class Meta:
        ordering = ["decision", "version"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "version"], name="one_summary_version")
        ]

    def __str__(self) -> str:
        return f"summary v{self.version} of decision {self.decision_id}"


class SummaryReview(ImmutableModel):
    """The second person's answer to one version: approved, or sent back with a reason."""

    class Verdict(models.TextChoices):
        APPROVED = "approved", "Approved for the public report"
        RETURNED = "returned", "Sent back"

    summary = models.OneToOneField(DecisionSummary, on_delete=models.PROTECT, related_name="review")
    verdict = models.CharField(max_length=20, choices=Verdict.choices)
    reason = models.TextField(blank=True, help_text="Why it was sent back (required then).")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField()

    class Meta:
        ordering = ["reviewed_at", "id"]

    def __str__(self) -> str:
        return f"{self.verdict} summary {self.summary_id}"
