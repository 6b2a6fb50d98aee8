"""Sign-offs the rulebook requires before or alongside a measure, and what the signer said.

Some measures need someone outside the case team to put their name to them — suspending an
elected representative needs the leader's sign-off in the party rulebook. Where that person
signs, objects or simply lets it wait, each is recorded with reasons, so "he did all he could
to stop it" becomes a row with a date rather than a rumour. A sign-off never holds the
measure back: an objection is shown on the case and every deadline keeps running.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models


class SignOff(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting sign-off"
        SIGNED = "signed", "Signed off"
        OBJECTED = "objected", "Objected"
        WITHDRAWN = "withdrawn", "Withdrawn (measure lifted first)"

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="sign_offs")
    measure = models.ForeignKey(
        "cases.InterimMeasure", on_delete=models.PROTECT, related_name="sign_offs"
    )
    rule = models.CharField(max_length=60, help_text="The rulebook's key for this sign-off.")
    label = models.CharField(max_length=200)
    signer_role = models.CharField(max_length=40)
    brief = models.TextField(help_text="The only part of the case the signer will see.")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    due_on = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)
    reasons = models.TextField(blank=True)
    delay_reasons = models.TextField(blank=True, help_text="Why it came after the due date.")
    answered_late = models.BooleanField(default=False)

    class Meta:
        ordering = ["requested_at", "id"]
        indexes = [
            models.Index(fields=["status", "due_on"]),
            models.Index(fields=["case", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.get_status_display()})"

    def is_delayed(self, today: dt.date) -> bool:
        """Still waiting after its due date."""
        return self.status == self.Status.PENDING and today > self.due_on

    @property
    def days_late(self) -> int:
        """How late the answer came (0 if on time or not yet given)."""
        if self.recorded_at is None or not self.answered_late:
            return 0
        return max(0, (self.recorded_at.date() - self.due_on).days)
