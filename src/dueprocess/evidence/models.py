from __future__ import annotations

from django.db import models

from dueprocess.cases.models.immutable import ImmutableModel


class EvidenceFile(ImmutableModel):
    """The stored content of one piece of evidence (append-only, one per item)."""

    item = models.OneToOneField(
        "cases.EvidenceItem", on_delete=models.PROTECT, related_name="stored_file"
    )
    media_type = models.CharField(max_length=100)
    #: The name under which the sealed bytes are kept in the evidence store (random).
    blob = models.CharField(max_length=64, unique=True)

    def __str__(self) -> str:
        return f"{self.media_type} ({self.blob[:8]})"
