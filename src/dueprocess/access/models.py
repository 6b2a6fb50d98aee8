"""Emergency ("break-glass") access: a second approver, a written reason, an expiry."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class EmergencyAccess(models.Model):
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="emergency_accesses"
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="emergency_requests"
    )
    reason = models.TextField()
    requested_at = models.DateTimeField()
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    refused_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        indexes = [models.Index(fields=["requester", "expires_at"])]
