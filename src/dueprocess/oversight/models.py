"""Alerts: an anomaly rule fired, once, and the fact stays.

The rules themselves (``alerts.py``) recompute from the data every time; this table remembers
what was found and when, so that an alert raised cannot quietly disappear later — rows are
append-only (a trigger backs the ORM up) and each one has an ``alert.raised`` ledger entry.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from dueprocess.cases.models.immutable import ImmutableError


class Alert(models.Model):
    class Rule(models.TextChoices):
        DECISION_AFTER_CONTACT = (
            "decision_after_contact",
            "Decision departed soon after an approach or advice request",
        )
        HANDLED_IN_CONFLICT_PERIOD = (
            "handled_in_conflict_period",
            "Case handled within the conflict period",
        )
        REPEATED_DENIALS = "repeated_denials", "Repeated denied access attempts"

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="alerts"
    )
    rule = models.CharField(max_length=40, choices=Rule.choices)
    subject = models.CharField(max_length=120, help_text="What the alert is about, per rule.")
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="alerts"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The member of staff the alert concerns, if any.",
    )
    summary = models.TextField(help_text="Plain words, with no case data in them.")
    occurred_at = models.DateTimeField(help_text="When the thing the alert is about happened.")
    detected_at = models.DateTimeField()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "rule", "subject"], name="one_alert_per_subject"
            )
        ]
        indexes = [models.Index(fields=["organisation", "rule", "occurred_at"])]

    def __str__(self) -> str:
        return f"{self.get_rule_display()}: {self.summary}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise ImmutableError("Alerts cannot be changed once raised")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableError("Alerts cannot be deleted")


class ReportPublication(models.Model):
    """One published version of a quarter's public report, fixed for good.

    The published file (the report's JSON, as ``/transparency/`` serves it) is kept byte for
    byte with its SHA-256; the row is committed to the ledger by the ``transparency.published``
    entry that publishing appends, so the file cannot be changed afterwards without ``verify``
    naming the row. A correction is a new version that says what changed and why.
    """

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="report_publications"
    )
    quarter = models.CharField(max_length=6, help_text="e.g. 2026Q3")
    version = models.PositiveIntegerField()
    body = models.BinaryField(help_text="The published file, byte for byte (JSON).")
    sha256 = models.CharField(max_length=64)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField()
    correction = models.TextField(
        blank=True, help_text="For a version after the first: what changed and why."
    )

    class Meta:
        ordering = ["quarter", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "quarter", "version"], name="one_report_version"
            )
        ]

    def __str__(self) -> str:
        return f"transparency report {self.quarter} v{self.version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise ImmutableError("A published report cannot be changed: publish a correction")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableError("A published report cannot be deleted")
