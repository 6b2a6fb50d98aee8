"""The outbox of letters, the deadline engine's claims, each person's notices and digests."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Letter(models.Model):
    """One letter to one party, rendered once and kept: what was sent is what is here.

    Written in the same transaction as the step that causes it; the sender delivers it after
    commit. ``message_id`` is fixed when the letter is written, so a letter delivered twice
    after a crash is one message to the receiving side.

    A staff member's daily digest goes through the same outbox: it has no case and no party but
    a ``person``, and its ``digest_on`` day, unique per person, is the claim that makes two
    ticks running at once write one digest."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        BOUNCED = "bounced", "Bounced"
        FAILED = "failed", "Gave up"
        POST = "post", "For post (no e-mail address)"

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, related_name="letters"
    )
    party = models.ForeignKey(
        "cases.Party", on_delete=models.PROTECT, null=True, related_name="letters"
    )
    #: The staff member a digest is for (letters to parties have none).
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    digest_on = models.DateField(null=True, blank=True)
    template = models.CharField(max_length=63)
    trigger = models.CharField(max_length=63)
    recipient_role = models.CharField(max_length=20)
    recipient_pseudonym = models.CharField(max_length=64)
    to_address = models.EmailField(blank=True)
    subject = models.CharField(max_length=300)
    text = models.TextField()
    html = models.TextField()
    pdf = models.BinaryField()
    content_sha256 = models.CharField(max_length=64)
    template_sha256 = models.CharField(max_length=64)
    message_id = models.CharField(max_length=200, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    #: When a delivery status notification reported the letter undeliverable (``bounces``).
    bounced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["case", "created_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "digest_on"],
                condition=models.Q(digest_on__isnull=False),
                name="one_digest_per_person_per_day",
            )
        ]

    def __str__(self) -> str:
        return f"{self.template} to {self.recipient_role} on {self.case_id}"


class DigestSubscription(models.Model):
    """Whether a person wants the daily e-mail digest of what needs them (off unless asked)."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="digest_subscription"
    )
    on = models.BooleanField(default=False)
    changed_at = models.DateTimeField()


class DeadlineClaim(models.Model):
    """One row per action the deadline engine took: the unique key makes each action happen
    once per deadline, however many ticks run at once (the second insert fails)."""

    key = models.CharField(max_length=200, unique=True)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=40)
    due_on = models.DateField()
    at = models.DateTimeField()


class Notice(models.Model):
    """An entry in a person's queue: a reminder or an escalation, with the date it is about."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", "Reminder"
        ESCALATION = "escalation", "Escalation"

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="notices"
    )
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="notices")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    deadline = models.CharField(max_length=40)
    due_on = models.DateField()
    text = models.CharField(max_length=300)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["person", "due_on"])]


class FeedbackGiven(models.Model):
    """The complainant was told how their complaint stands: this stops the feedback clock."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="feedback")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    at = models.DateTimeField()
