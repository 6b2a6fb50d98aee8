"""Who works on a case (investigator, panel) and who must stay away from it (recusal)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Assignment(models.Model):
    class Role(models.TextChoices):
        INVESTIGATOR = "investigator", "Investigator"
        PANEL_MEMBER = "panel_member", "Panel member"

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="assignments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["case", "user", "role"],
                condition=Q(ended_at__isnull=True),
                name="one_active_assignment",
            )
        ]
        indexes = [models.Index(fields=["user", "role", "ended_at"])]


class Recusal(models.Model):
    """A person kept away from a case. Recusals are permanent for the life of the case."""

    class Source(models.TextChoices):
        DECLARED = "declared", "Declared by the person"
        DETECTED = "detected", "Detected by the conflict rules"

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="recusals")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="recusals"
    )
    source = models.CharField(max_length=20, choices=Source.choices)
    reason = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="one_recusal")]
