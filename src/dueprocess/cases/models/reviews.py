"""Independent review of decisions: a review opened when a decision the rulebook's
``[review]`` table names is recorded, the independent reviewers drawn for it, and its outcome
(verified, vetoed with reasons, or lapsed unreviewed).

Written once and never changed. The review keeps every input of its reviewers' draw (the
checkpoint its seed came from, the seed and the eligible pool, by the same stable keys a panel
draw uses), so anyone can run it again (``cases.services.reviews.redraw``). Whether the
decision has taken effect is read from here: it has once the review is verified or lapsed
under ``on_lapse = "takes_effect"``; a vetoed decision never does.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from dueprocess.cases.models.immutable import ImmutableModel


class Review(ImmutableModel):
    """A decision awaiting (or past) an independent reviewer's verification or veto."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="reviews")
    decision = models.OneToOneField(
        "cases.Decision", on_delete=models.PROTECT, related_name="review"
    )
    stage = models.CharField(
        max_length=64, help_text="The stage the decision was taken at: a veto returns there."
    )
    due_on = models.DateField(help_text="The last day of the review period.")
    checkpoint_size = models.BigIntegerField(
        help_text="The size of the signed checkpoint the draw's seed came from."
    )
    checkpoint_root = models.CharField(
        max_length=64, help_text="That checkpoint's root hash, base64 as in its note."
    )
    seed = models.CharField(max_length=64, help_text="The reviewers' draw's seed, hex.")
    pool = models.JSONField(default=list, help_text="The eligible reviewers' stable keys, sorted.")
    opened_at = models.DateTimeField()

    class Meta:
        ordering = ["opened_at", "id"]

    def __str__(self) -> str:
        return f"review {self.pk} of decision {self.decision_id}"


class Reviewer(ImmutableModel):
    """An independent reviewer drawn for a review."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="reviewers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["review", "id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "user"], name="one_place_per_reviewer")
        ]

    def __str__(self) -> str:
        return f"reviewer {self.user_id} of review {self.review_id}"


class ReviewOutcome(ImmutableModel):
    """How a review ended: verified or vetoed by a drawn reviewer, or lapsed unreviewed."""

    class Result(models.TextChoices):
        VERIFIED = "verified", "Verified"
        VETOED = "vetoed", "Vetoed"
        LAPSED = "lapsed", "Lapsed unreviewed (took effect)"

    review = models.OneToOneField(Review, on_delete=models.PROTECT, related_name="outcome")
    result = models.CharField(max_length=20, choices=Result.choices)
    reasons = models.TextField(blank=True, help_text="Why the reviewer vetoed the decision.")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The reviewer (none where the review lapsed).",
    )
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["review", "id"]

    def __str__(self) -> str:
        return f"{self.result} on review {self.review_id}"
