"""Notes and evidence metadata. Both are append-only: a correction is a new note."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from dueprocess.cases.models.immutable import ImmutableModel


class Note(ImmutableModel):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]


class EvidenceItem(ImmutableModel):
    class Kind(models.TextChoices):
        DOCUMENT = "document", "Document"
        SCREENSHOT = "screenshot", "Screenshot"
        SOCIAL_MEDIA = "social_media", "Social media post"
        EMAIL = "email", "E-mail"
        STATEMENT = "statement", "Witness statement"
        RECORDING = "recording", "Recording (consent recorded)"
        OTHER = "other", "Other"

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="evidence")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    description = models.TextField(blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size_bytes = models.PositiveBigIntegerField(null=True, blank=True)
    received_at = models.DateTimeField()
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["received_at", "id"]
