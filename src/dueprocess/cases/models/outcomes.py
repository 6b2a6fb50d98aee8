"""Recommendations and decisions: written once, never edited.

A correction to a recommendation is a new version that supersedes the old one; both stay.
A decision records whether and in which direction it departs from the recommendation, so the
question "did anyone lower sanctions?" is a query.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from dueprocess.cases.models.immutable import ImmutableModel


class Finding(models.TextChoices):
    BREACH = "breach", "Breach of the rules"
    NO_BREACH = "no_breach", "No breach"
    NOT_INVESTIGATED = "not_investigated", "Not investigated"


class Recommendation(ImmutableModel):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="recommendations")
    number = models.PositiveIntegerField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    finding = models.CharField(max_length=20, choices=Finding.choices)
    sanctions = models.JSONField(default=list)
    factors = models.JSONField(default=list)
    reasons = models.TextField()
    submitted_at = models.DateTimeField()
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="recommendation_number")
        ]


class Decision(ImmutableModel):
    class Kind(models.TextChoices):
        NOT_INVESTIGATED = "not_investigated", "Not investigated"
        PANEL = "panel", "Panel decision"
        APPEAL = "appeal", "Appeal decision"

    class Direction(models.TextChoices):
        NONE = "none", "Follows the recommendation"
        DOWNGRADE = "downgrade", "Lighter than recommended"
        UPGRADE = "upgrade", "Harsher than recommended"
        DIFFERENT = "different", "Different, same severity"

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="decisions")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    transition = models.CharField(max_length=60)
    finding = models.CharField(max_length=20, choices=Finding.choices)
    sanctions = models.JSONField(default=list)
    ground = models.CharField(max_length=60, blank=True)
    reasons = models.TextField(blank=True)
    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.PROTECT, null=True, blank=True, related_name="decisions"
    )
    departs = models.BooleanField(default=False)
    direction = models.CharField(max_length=20, choices=Direction.choices, default=Direction.NONE)
    outside_guideline = models.BooleanField(default=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    panel = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    decided_at = models.DateTimeField()
    warning_expires_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["decided_at", "id"]
        indexes = [models.Index(fields=["direction"]), models.Index(fields=["case", "decided_at"])]
