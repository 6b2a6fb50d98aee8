"""Panels constituted by the rules: who sits on a case's panel at a stage, and how they came
to sit there (an auditable draw, or an appointment by name with its reason).

Written once and never changed. A draw keeps every input needed to run it again -- the
checkpoint its seed came from, the seed, and the eligible pool seat by seat, as the stable
keys it was sorted by -- so anyone can re-run it (``cases.panel_draw.redraw``) and must get
the same members (``PanelSeatHolder``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from dueprocess.cases.models.immutable import ImmutableModel


class PanelConstitution(ImmutableModel):
    """A panel constituted for a case at a stage: drawn at random, or appointed by name."""

    class Method(models.TextChoices):
        DRAWN = "drawn", "Drawn at random from the eligible pool"
        APPOINTED = "appointed", "Appointed by name"

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="panels")
    stage = models.CharField(max_length=64, help_text="The stage the panel was constituted at.")
    method = models.CharField(max_length=20, choices=Method.choices)
    reason = models.TextField(blank=True, help_text="Why members were appointed, not drawn.")
    checkpoint_size = models.BigIntegerField(
        null=True, blank=True, help_text="The size of the signed checkpoint the seed came from."
    )
    checkpoint_root = models.CharField(
        max_length=64, blank=True, help_text="That checkpoint's root hash, base64 as in its note."
    )
    seed = models.CharField(max_length=64, blank=True, help_text="The draw's seed, hex.")
    pool = models.JSONField(
        default=dict, help_text="Seat key -> the eligible members' stable keys, sorted."
    )
    constituted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    constituted_at = models.DateTimeField()

    class Meta:
        ordering = ["constituted_at", "id"]

    def __str__(self) -> str:
        return f"{self.method} panel {self.pk} of case {self.case_id} at {self.stage}"

    @property
    def members_in_order(self) -> list[PanelSeatHolder]:
        return sorted(self.members.all(), key=lambda m: m.pk)

    @property
    def chair(self) -> PanelSeatHolder | None:
        return next((m for m in self.members_in_order if m.chair), None)


class PanelSeatHolder(ImmutableModel):
    """One member of a constituted panel, in the seat the rulebook gave them."""

    panel = models.ForeignKey(PanelConstitution, on_delete=models.PROTECT, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    seat = models.CharField(max_length=64)
    chair = models.BooleanField(default=False)

    class Meta:
        ordering = ["panel", "id"]
        constraints = [
            models.UniqueConstraint(fields=["panel", "user"], name="one_seat_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.seat} {self.user_id} of panel {self.panel_id}"


class PanelVote(ImmutableModel):
    """One panel member's concurrence with, or dissent from, a panel decision (a dissent with
    its reasons), as the chair recorded it with the decision."""

    decision = models.ForeignKey("cases.Decision", on_delete=models.PROTECT, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    concurs = models.BooleanField()
    reasons = models.TextField(blank=True, help_text="Why the member dissents.")

    class Meta:
        ordering = ["decision", "id"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "user"], name="one_vote_per_member")
        ]

    def __str__(self) -> str:
        return f"vote of {self.user_id} on decision {self.decision_id}"
