"""A party's way in to their own case, and the messages between them and the case team.

A party is not a staff account: they hold a receipt (16 digits) and nothing else. Only a slow
hash of the receipt is stored (``parties.receipts``), so a lost receipt cannot be recovered
from the database, and a copy of the database does not let anyone read a case as its party.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class PartyAccess(models.Model):
    """One party's way in to one case: the receipt's digest, and what they agreed to."""

    class Role(models.TextChoices):
        COMPLAINANT = "complainant", "Complainant"
        RESPONDENT = "respondent", "Respondent"

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="party_accesses")
    party = models.ForeignKey("cases.Party", on_delete=models.PROTECT, related_name="accesses")
    role = models.CharField(max_length=20, choices=Role.choices)
    # argon2id(receipt, the installation's receipt salt), hex: found by equality, never reversed.
    receipt_digest = models.CharField(max_length=64, unique=True)
    consent_to_contact = models.BooleanField(default=False)
    issued_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    # A respondent's written response is due by this day (set by the notice of allegations).
    respond_by = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["case", "role"])]

    def __str__(self) -> str:
        return f"{self.get_role_display()} of case {self.case_id}"

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class Message(models.Model):
    """A message between a party and the case team, in either direction. Never edited."""

    class Direction(models.TextChoices):
        FROM_PARTY = "from_party", "From the party"
        TO_PARTY = "to_party", "To the party"

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="party_messages")
    access = models.ForeignKey(PartyAccess, on_delete=models.PROTECT, related_name="messages")
    direction = models.CharField(max_length=20, choices=Direction.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )  # the member of staff, for messages to the party
    body = models.TextField()
    sent_at = models.DateTimeField()
    read_by_party_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("sent_at", "pk")
        indexes = [models.Index(fields=["case", "sent_at"])]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} on case {self.case_id}"


class WrittenResponse(models.Model):
    """A respondent's written answer to the allegations, before the decision. Never edited."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="responses")
    access = models.OneToOneField(PartyAccess, on_delete=models.PROTECT, related_name="response")
    body = models.TextField()
    submitted_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Response on case {self.case_id}"


class Redaction(models.Model):
    """A passage of an allegation that staff marked to be withheld from the respondent before
    the file is shared: every occurrence of ``passage`` in that allegation's text is shown to
    the respondent as "[redacted]". Never edited (append-only); the case text itself is never
    changed. A mark is withdrawn by a ``RedactionWithdrawal``, after which the respondent reads
    the passage again."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="redactions")
    allegation = models.ForeignKey(
        "cases.Allegation", on_delete=models.PROTECT, related_name="redactions"
    )
    passage = models.TextField()
    reason = models.TextField()
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    marked_at = models.DateTimeField()

    class Meta:
        ordering = ("marked_at", "pk")

    def __str__(self) -> str:
        return f"Redaction on case {self.case_id}"


class ReceiptRenewal(models.Model):
    """A link e-mailed to a complainant who lost their receipt (``parties.renewal``): used once,
    before it expires, it issues a new receipt for the same way in. Only the SHA-256 of the
    link's token is kept, so the database cannot be used to follow a link that was sent."""

    access = models.ForeignKey(PartyAccess, on_delete=models.PROTECT, related_name="renewals")
    # sha256(token), hex: found by equality; the token itself exists only in the e-mail.
    token_sha256 = models.CharField(max_length=64, unique=True)
    requested_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    # Set when the link was followed, or when another link issued a new receipt first.
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["access", "used_at"])]

    def __str__(self) -> str:
        return f"Receipt renewal for access {self.access_id}"


class RedactionWithdrawal(models.Model):
    """The withdrawal of one redaction mark, with who, when and why: from then on the respondent
    reads the passage again. Never edited (append-only); a mark is withdrawn at most once."""

    redaction = models.OneToOneField(Redaction, on_delete=models.PROTECT, related_name="withdrawal")
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="redaction_withdrawals"
    )
    reason = models.TextField()
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Withdrawal of redaction {self.redaction_id}"


class EvidenceWithholding(models.Model):
    """An evidence item staff withheld from the respondent's own file, with who, when and why:
    the respondent sees that an item is withheld, and nothing of it. Never edited
    (append-only); it ends with an ``EvidenceRelease``, after which the item may be withheld
    again by a new row."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="evidence_withholdings"
    )
    item = models.ForeignKey(
        "cases.EvidenceItem", on_delete=models.PROTECT, related_name="withholdings"
    )
    reason = models.TextField()
    withheld_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    withheld_at = models.DateTimeField()

    class Meta:
        ordering = ("withheld_at", "pk")

    def __str__(self) -> str:
        return f"Evidence {self.item_id} withheld on case {self.case_id}"


class EvidenceRelease(models.Model):
    """The end of one withholding, with who, when and why: the respondent's file lists the
    item again. Never edited (append-only); a withholding ends at most once."""

    withholding = models.OneToOneField(
        EvidenceWithholding, on_delete=models.PROTECT, related_name="release"
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="evidence_releases"
    )
    reason = models.TextField()
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    released_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Release of withholding {self.withholding_id}"


class PartyFile(models.Model):
    """A file a party sent to the case team from their own page, with the message it came
    with. Like evidence, the server computed its SHA-256 and size, detected its type from the
    content, and stored it sealed under the case's key (``evidence.files.seal_blob``). Never
    edited (append-only): staff read it, and may add it to the evidence themselves."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="party_files")
    access = models.ForeignKey(PartyAccess, on_delete=models.PROTECT, related_name="files")
    message = models.OneToOneField(Message, on_delete=models.PROTECT, related_name="file")
    media_type = models.CharField(max_length=100)
    sha256 = models.CharField(max_length=64)
    size_bytes = models.PositiveBigIntegerField()
    blob = models.CharField(max_length=64, unique=True)
    received_at = models.DateTimeField()

    class Meta:
        ordering = ("received_at", "pk")

    def __str__(self) -> str:
        return f"File from a party on case {self.case_id}"
