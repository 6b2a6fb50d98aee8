"""The case itself, its human reference, and its stage history."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from dueprocess.cases.models.immutable import ImmutableModel


class Case(models.Model):
    class Source(models.TextChoices):
        WEB = "web", "Web form"
        EMAIL = "email", "E-mail"
        DOSSIER = "dossier", "Dossier import"
        STAFF = "staff", "Raised by staff"
        PHONE = "phone", "Telephone"
        PUBLIC = "public", "Public form (no account)"

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="cases"
    )
    unit = models.ForeignKey("accounts.Unit", on_delete=models.PROTECT, related_name="cases")
    reference = models.CharField(max_length=32)
    rulebook = models.ForeignKey(
        "rulebook.RulebookVersion", on_delete=models.PROTECT, related_name="cases"
    )
    category = models.CharField(max_length=60)
    stage = models.CharField(max_length=60)
    stage_entered_at = models.DateTimeField()
    stage_due_on = models.DateField(null=True, blank=True)
    summary = models.TextField()
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.WEB)
    received_at = models.DateTimeField()
    acknowledge_by = models.DateField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    feedback_by = models.DateField()
    closed_at = models.DateTimeField(null=True, blank=True)
    in_scope = models.BooleanField(null=True)
    respondent_is_member = models.BooleanField(null=True)
    duplicate_of = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True)
    dossier = models.ForeignKey(
        "cases.Dossier", on_delete=models.PROTECT, null=True, blank=True, related_name="cases"
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    idempotency_key = models.CharField(max_length=80, null=True, blank=True)  # noqa: DJ001 (NULL = none; unique)
    # SHA-256 of the canonical request the key came with ("" = no key, or opened before keys
    # were bound to their request): the same key with another request is refused.
    idempotency_fingerprint = models.CharField(max_length=64, blank=True, default="")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        indexes = [
            models.Index(fields=["organisation", "stage", "received_at"]),
            models.Index(fields=["organisation", "received_at"]),
            models.Index(fields=["unit", "stage"]),
            models.Index(fields=["stage_due_on"]),
        ]
        constraints = [
            # References are numbered per organisation; many organisations share one database.
            models.UniqueConstraint(fields=["organisation", "reference"], name="case_reference"),
            # A retried submission finds its own first case, never a colleague's.
            models.UniqueConstraint(
                fields=["organisation", "opened_by", "idempotency_key"],
                name="case_idempotency_key_per_person",
            ),
            # A public submission has no account: its key is unique in the organisation.
            models.UniqueConstraint(
                fields=["organisation", "idempotency_key"],
                condition=models.Q(opened_by__isnull=True, idempotency_key__isnull=False),
                name="case_public_idempotency_key",
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class ReferenceCounter(models.Model):
    """Per-organisation, per-year counter behind references like C-2026-00042 (no gaps)."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE)
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="reference_year")
        ]


class StatusChange(ImmutableModel):
    """One row per stage change: old, new, which transition, who, why and when."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="status_changes")
    old_stage = models.CharField(max_length=60, blank=True)
    new_stage = models.CharField(max_length=60)
    transition = models.CharField(max_length=60)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    reason = models.TextField(blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"])]
