"""Personal API tokens.

Only a SHA-256 of the secret is stored: a database leak must not hand out working tokens, and
a token's owner sees the secret once, when it is created. The short ``prefix`` lets people tell
their tokens apart in a list without the secret ever being shown again.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models


class ApiToken(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    scopes = models.JSONField(default=list)
    secret_sha256 = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=16, help_text="The first characters, for display.")
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["owner", "revoked_at"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_live(self, now: dt.datetime) -> bool:
        return self.revoked_at is None and self.expires_at > now
