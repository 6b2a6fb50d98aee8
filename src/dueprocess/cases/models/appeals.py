"""Appeals: an appeal lodged against a decision (on a ground the rulebook gives, with a
statement, inside the window), and its outcome (the new panel confirms or replaces the
decision under appeal, with reasons).

Written once and never changed: the appeal is what was asked, the outcome what was decided;
the decision under appeal stays as it was, and whether it still stands is read from here.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from dueprocess.cases.models.immutable import ImmutableModel


class Appeal(ImmutableModel):
    """An appeal against a decision on the merits, lodged through the rulebook's step."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="appeals")
    against = models.ForeignKey(
        "cases.Decision", on_delete=models.PROTECT, related_name="appeals_against"
    )
    transition = models.CharField(max_length=60, help_text="The rulebook step that lodged it.")
    ground = models.CharField(max_length=60, help_text="The rulebook's ground of appeal.")
    statement = models.TextField(help_text="The appellant's statement of the ground.")
    window_closes_on = models.DateField(
        null=True, blank=True, help_text="The last day of the appeal window when lodged."
    )
    lodged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lodged_by_party = models.ForeignKey(
        "parties.PartyAccess",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The respondent, where they lodged it themself (no staff member then).",
    )
    lodged_at = models.DateTimeField()

    class Meta:
        ordering = ["lodged_at", "id"]

    def __str__(self) -> str:
        return f"appeal {self.pk} of case {self.case_id} on {self.ground}"


class AppealOutcome(ImmutableModel):
    """What the new panel decided: the decision under appeal confirmed or replaced."""

    class Result(models.TextChoices):
        CONFIRMED = "confirmed", "Confirmed"
        REPLACED = "replaced", "Replaced"

    appeal = models.OneToOneField(Appeal, on_delete=models.PROTECT, related_name="outcome")
    decision = models.OneToOneField(
        "cases.Decision", on_delete=models.PROTECT, related_name="appeal_outcome"
    )
    result = models.CharField(max_length=20, choices=Result.choices)
    reasons = models.TextField()

    class Meta:
        ordering = ["appeal", "id"]

    def __str__(self) -> str:
        return f"{self.result} on appeal {self.appeal_id}"
