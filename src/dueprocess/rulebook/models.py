"""Stored rulebook versions. A case points at the exact version it runs under, by hash."""

from __future__ import annotations

from django.db import models


class RulebookVersion(models.Model):
    """The exact bytes of a rulebook, keyed by their SHA-256. Never updated, never deleted.

    Loading a changed file creates a new row; cases opened earlier keep pointing at the old
    one, so a new version never rewrites the rules a past case was decided under.
    """

    sha256 = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    source = models.TextField()
    source_path = models.CharField(max_length=500, blank=True)
    loaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.sha256[:12]})"

    @property
    def rules(self):  # type: ignore[no-untyped-def]
        from dueprocess.rulebook.versions import rules_for

        return rules_for(self)
