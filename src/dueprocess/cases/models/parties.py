"""Who complained, about whom, and what is alleged."""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Lower


class Party(models.Model):
    class Role(models.TextChoices):
        COMPLAINANT = "complainant", "Complainant"
        RESPONDENT = "respondent", "Respondent"
        WITNESS = "witness", "Witness"

    class Match(models.TextChoices):
        """Whether a person has checked the party's link to the register: a link made when the
        case was opened (from a member number, or the dossier import's match) is a
        suggestion until someone who may triage confirms it; a rejected one is unlinked."""

        SUGGESTED = "", "Suggested"
        CONFIRMED = "confirmed", "Confirmed"
        REJECTED = "rejected", "Rejected"

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="parties")
    role = models.CharField(max_length=20, choices=Role.choices)
    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, null=True, blank=True, related_name="parties"
    )
    name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    anonymous = models.BooleanField(default=False)
    elected_office = models.CharField(max_length=200, blank=True)
    member_match = models.CharField(
        max_length=20, choices=Match.choices, default=Match.SUGGESTED, blank=True
    )

    class Meta:
        indexes = [
            models.Index(fields=["case", "role"]),
            models.Index(fields=["member"]),
            # Conflict checks find a person's cases by address (access.conflicts).
            models.Index(Lower("email"), name="party_email_lower"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.anonymous:
            return "Anonymous complainant"
        return self.name or (self.member.full_name if self.member else "Unnamed party")


class Allegation(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="allegations")
    category = models.CharField(max_length=60)
    summary = models.TextField()
    occurred_on = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField()
