"""Interim measures (administrative suspension pending investigation) with review dates."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class InterimMeasure(models.Model):
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="interim_measures"
    )
    kind = models.CharField(max_length=60)
    ground = models.CharField(max_length=60)
    reasons = models.TextField()
    imposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    imposed_at = models.DateTimeField()
    review_on = models.DateField()
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    lift_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["imposed_at", "id"]

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None
