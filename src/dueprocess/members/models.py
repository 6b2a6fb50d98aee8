"""A member of the organisation as recorded in its register."""

from __future__ import annotations

from django.db import models


class Member(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        LAPSED = "lapsed", "Lapsed"
        SUSPENDED = "suspended", "Suspended"
        EXPELLED = "expelled", "Expelled"

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="members"
    )
    number = models.CharField(max_length=40)
    full_name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    postcode = models.CharField(max_length=12, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    joined_on = models.DateField(null=True, blank=True)
    elected_office = models.CharField(
        max_length=200, blank=True, help_text="Public office held, if an elected representative."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "number"], name="member_number")
        ]
        indexes = [models.Index(fields=["organisation", "email"])]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.number})"

    @property
    def is_elected_representative(self) -> bool:
        return bool(self.elected_office)
