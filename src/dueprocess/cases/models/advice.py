"""Out-of-channel involvement, recorded as data: advice requests and approaches.

An advice request is the *formal* channel: the case team asks a named person a specific
question and shows them only an extract. An approach is any other contact about a case from
outside the case team, logged by staff — the interference register.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AdviceRequest(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="advice_requests")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    adviser = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="advice_requests"
    )
    question = models.TextField()
    extract = models.TextField(help_text="The only part of the case the adviser will see.")
    requested_at = models.DateTimeField()
    answer = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["requested_at", "id"]
        indexes = [models.Index(fields=["adviser", "closed_at"])]

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class Approach(models.Model):
    class Channel(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        PHONE = "phone", "Telephone"
        EMAIL = "email", "E-mail"
        MESSAGE = "message", "Message (SMS, chat)"
        OTHER = "other", "Other"

    class Direction(models.TextChoices):
        """Which way the contact pushed the case: interference is reportable either way."""

        LIGHTER = "lighter", "Towards a lighter outcome (or none)"
        HARSHER = "harsher", "Towards a harsher outcome"
        NEITHER = "neither", "Neither (information or timing only)"
        UNCLEAR = "unclear", "Unclear"

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="approaches")
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approached_by = models.CharField(max_length=200, help_text="Who made contact, and their role.")
    from_political_office = models.BooleanField(default=False)
    channel = models.CharField(max_length=20, choices=Channel.choices)
    occurred_at = models.DateTimeField()
    what_was_asked = models.TextField()
    direction = models.CharField(
        max_length=10, choices=Direction.choices, default=Direction.UNCLEAR
    )
    logged_at = models.DateTimeField()

    class Meta:
        ordering = ["occurred_at", "id"]
