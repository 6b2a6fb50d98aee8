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


class Interview(ImmutableModel):
    """Who was interviewed on a case, by whom, when, what they said, and whether they agreed the
    written statement. Append-only: a corrected statement is a new interview record."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="interviews")
    interviewee = models.CharField(max_length=200)
    interviewer = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="interviews_held"
    )
    held_at = models.DateTimeField()
    statement = models.TextField()
    statement_agreed = models.BooleanField()
    recorded_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Interview of {self.interviewee}"


class Consent(ImmutableModel):
    """One person's consent to one thing (today: being recorded at a meeting, an interview or
    a hearing), given at a stated time and recorded by a member of staff. Append-only: for a
    hearing, a refusal or a withdrawal is a later row, and the person's latest answer counts."""

    class Purpose(models.TextChoices):
        RECORDING = "recording", "Being recorded at a meeting or interview"

    class Answer(models.TextChoices):
        GIVEN = "given", "Consented"
        REFUSED = "refused", "Refused"
        WITHDRAWN = "withdrawn", "Withdrew consent"

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="consents")
    person = models.CharField(max_length=200)
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    #: What exactly was consented to, in the person's terms ("audio of the interview of 3 March").
    scope = models.TextField()
    given_at = models.DateTimeField()
    interview = models.ForeignKey(
        Interview, on_delete=models.PROTECT, null=True, blank=True, related_name="consents"
    )
    recorded_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="consents_recorded"
    )
    recorded_at = models.DateTimeField()
    #: the hearing whose recording this answers (a person's latest answer for it counts)
    hearing = models.ForeignKey(
        "cases.Hearing", on_delete=models.PROTECT, null=True, blank=True, related_name="consents"
    )
    #: a refusal, or a later withdrawal, is kept as a row of its own: it counts as no consent
    answer = models.CharField(max_length=20, choices=Answer.choices, default=Answer.GIVEN)

    def __str__(self) -> str:
        return f"Consent of {self.person} ({self.purpose})"


class RecordedPerson(ImmutableModel):
    """A person heard on a recording, with the consent that allowed it to be kept."""

    item = models.ForeignKey(
        "cases.EvidenceItem", on_delete=models.PROTECT, related_name="recorded_people"
    )
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="recordings")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "consent"], name="one_consent_per_recording")
        ]
