"""Recommendations and decisions: written once, never edited.

A correction to a recommendation is a new version that supersedes the old one; both stay.
A decision records whether and in which direction it departs from the recommendation, so the
question "did anyone lower sanctions?" is a query.

A panel decision may be recorded *sealed* (provisional): until its ``DecisionAnnouncement`` row
exists, the default manager (``Decision.objects``, and so ``case.decisions``) leaves it out, so
no read path — the case file, the parties' pages, letters, oversight, the transparency report —
can show its outcome by forgetting a check. The panel members who sat on it read it through
``Decision.records`` (``cases.sealed``). Nothing is updated on announcement: a row is added.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from dueprocess.cases.models.immutable import ImmutableModel


class Finding(models.TextChoices):
    BREACH = "breach", "Breach of the rules"
    NO_BREACH = "no_breach", "No breach"
    NOT_INVESTIGATED = "not_investigated", "Not investigated"


class Recommendation(ImmutableModel):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="recommendations")
    number = models.PositiveIntegerField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    finding = models.CharField(max_length=20, choices=Finding.choices)
    sanctions = models.JSONField(default=list)
    factors = models.JSONField(default=list)
    reasons = models.TextField()
    submitted_at = models.DateTimeField()
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="recommendation_number")
        ]


def in_force(prefix: str = "") -> Q:
    """Decisions in force: never sealed, or sealed and since announced. ``prefix`` reaches the
    decision through a relation (``"decision__"`` from a vote or a panel seat)."""
    return Q(**{f"{prefix}sealed": False}) | Q(**{f"{prefix}announcement__isnull": False})


class InForceManager(models.Manager["Decision"]):
    """The default manager: sealed decisions stay out until announced."""

    def get_queryset(self) -> models.QuerySet[Decision]:
        return super().get_queryset().filter(in_force())


class Decision(ImmutableModel):
    class Kind(models.TextChoices):
        NOT_INVESTIGATED = "not_investigated", "Not investigated"
        PANEL = "panel", "Panel decision"
        APPEAL = "appeal", "Appeal decision"

    class Direction(models.TextChoices):
        NONE = "none", "Follows the recommendation"
        DOWNGRADE = "downgrade", "Lighter than recommended"
        UPGRADE = "upgrade", "Harsher than recommended"
        DIFFERENT = "different", "Different, same severity"

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="decisions")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    transition = models.CharField(max_length=60)
    finding = models.CharField(max_length=20, choices=Finding.choices)
    sanctions = models.JSONField(default=list)
    ground = models.CharField(max_length=60, blank=True)
    reasons = models.TextField(blank=True)
    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.PROTECT, null=True, blank=True, related_name="decisions"
    )
    departs = models.BooleanField(default=False)
    direction = models.CharField(max_length=20, choices=Direction.choices, default=Direction.NONE)
    outside_guideline = models.BooleanField(default=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    panel = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    decided_at = models.DateTimeField()
    warning_expires_on = models.DateField(null=True, blank=True)
    #: recorded provisional and sealed: shown only to its panel until announced
    sealed = models.BooleanField(default=False)
    #: the random salt of the sealed entry's commitment to the outcome (``cases.sealed``)
    seal_salt = models.CharField(max_length=64, blank=True)

    objects = InForceManager()
    #: every decision, sealed or not: for the services and for the panel that sat on it
    records = models.Manager()

    class Meta:
        ordering = ["decided_at", "id"]
        default_manager_name = "objects"
        base_manager_name = "records"
        indexes = [models.Index(fields=["direction"]), models.Index(fields=["case", "decided_at"])]


class DecisionAnnouncement(ImmutableModel):
    """A sealed decision announced: from then on it is the decision (its stage change, the
    parties' letters and the windows that follow start here, not at the recording)."""

    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="announcement")
    announced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    announced_at = models.DateTimeField()

    class Meta:
        ordering = ["announced_at", "id"]

    def __str__(self) -> str:
        return f"announcement of decision {self.decision_id}"
